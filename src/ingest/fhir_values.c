/*
 * fhir_values.c: the members of a FHIR R4 Observation (or of a component)
 * that go into a row: code, value[x], referenceRange and interpretation.
 *
 * The members read are listed with their JSON kind; one of another kind,
 * two value[x], or a value[x] of a type Observation does not have is
 * reported, since reading past it would lose a value, component or time
 * unseen.  value[x] by type: Quantity a number with its comparator and unit
 * (the coded unit when UCUM); CodeableConcept a coded value; Integer a
 * number; Ratio its literal "n:d"; Range with one bound a number with >= or
 * <=, with two the text "low-high"; String, Boolean, DateTime and Time as
 * text; Period and SampledData as JSON; no value[x] but a dataAbsentReason
 * gives "data absent: <code>".
 */
#include "ingest/ingest.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

/*
 * Members of an Observation (or a component) that are read, with their
 * kind; is_value marks the value[x] choices of FHIR R4 Observation.
 */
#define MEMBER(name, kind, is_value) {name, sizeof(name) - 1, kind, is_value}
static const struct
{
	const char *name;
	int			len;
	FhirKind	kind;
	bool		is_value;
}			observation_members[] =
{
	MEMBER("code", FHIR_OBJECT, false),
	MEMBER("subject", FHIR_OBJECT, false),
	MEMBER("status", FHIR_STRING, false),
	MEMBER("effectiveDateTime", FHIR_STRING, false),
	MEMBER("effectiveInstant", FHIR_STRING, false),
	MEMBER("effectivePeriod", FHIR_OBJECT, false),
	MEMBER("component", FHIR_ARRAY, false),
	MEMBER("referenceRange", FHIR_ARRAY, false),
	MEMBER("interpretation", FHIR_ARRAY, false),
	MEMBER("dataAbsentReason", FHIR_OBJECT, false),
	MEMBER("valueQuantity", FHIR_OBJECT, true),
	MEMBER("valueCodeableConcept", FHIR_OBJECT, true),
	MEMBER("valueString", FHIR_STRING, true),
	MEMBER("valueBoolean", FHIR_BOOL, true),
	MEMBER("valueInteger", FHIR_NUMBER, true),
	MEMBER("valueRange", FHIR_OBJECT, true),
	MEMBER("valueRatio", FHIR_OBJECT, true),
	MEMBER("valueSampledData", FHIR_OBJECT, true),
	MEMBER("valueTime", FHIR_STRING, true),
	MEMBER("valueDateTime", FHIR_STRING, true),
	MEMBER("valuePeriod", FHIR_OBJECT, true),
};

/* The index of member key[0..klen) in observation_members, or -1. */
static int
member_index(const char *key, int klen)
{
	int			i;

	for (i = 0; i < lengthof(observation_members); i++)
		if (observation_members[i].len == klen &&
			memcmp(key, observation_members[i].name, klen) == 0)
			return i;
	return -1;
}

/* Members of o have their kinds, one value[x] at most (see ingest.h). */
bool
fhir_check_members(IngestOut *out, IngestRow *row, JsonbContainer *o, const char *where)
{
	JsonbIterator *it = JsonbIteratorInit(o);
	JsonbIteratorToken tok;
	JsonbValue	k,
				v;
	const char *first_value = NULL;

	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		const char *kv;
		int			klen,
					i;
		const char *key;

		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		kv = k.val.string.val;
		klen = k.val.string.len;
		i = member_index(kv, klen);
		if (i < 0)
		{
			/* valueFoo: a value of a type Observation has not (R4) */
			if (klen > 5 && memcmp(kv, "value", 5) == 0 && kv[5] >= 'A' && kv[5] <= 'Z')
			{
				key = pnstrdup(kv, klen);
				ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.%s", where, key),
							psprintf("\"%s\" is not a value[x] of a FHIR R4 Observation", key),
							row->raw);
				return false;
			}
			continue;
		}
		key = observation_members[i].name;
		if (!fhir_has_kind(&v, observation_members[i].kind))
		{
			ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.%s", where, key),
						psprintf("not a JSON %s", fhir_kind_name(observation_members[i].kind)),
						row->raw);
			return false;
		}
		if (observation_members[i].is_value)
		{
			if (first_value)
			{
				ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.value[x]", where),
							psprintf("more than one value[x] (%s and %s)", first_value, key),
							row->raw);
				return false;
			}
			first_value = key;
		}
	}
	return true;
}

/* The unit of a Quantity into row: the coded one when UCUM, else the text. */
static void
quantity_unit(IngestRow *row, JsonbContainer *q)
{
	char	   *unit = fhir_get_string(q, "unit");
	char	   *code = fhir_get_string(q, "code");
	char	   *sys = fhir_get_string(q, "system");

	row->unit = unit ? unit : code;
	if (code && sys && strcmp(sys, "http://unitsofmeasure.org") == 0)
		row->ucum_unit = ingest_ucum(code);
	else
		row->ucum_unit = ingest_ucum(row->unit);
}

/* A Quantity's value as written (jsonb keeps a number's digits), or NULL. */
static char *
quantity_number(JsonbContainer *q)
{
	JsonbValue	v;

	if (!fhir_get_key(q, "value", &v) || v.type != jbvNumeric)
		return NULL;
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
}

/* A Ratio term as its literal: the number, then the unit when not "1". */
static char *
ratio_term(JsonbContainer *q)
{
	char	   *n = quantity_number(q);
	char	   *u;

	if (n == NULL)
		return NULL;
	u = fhir_get_string(q, "unit");
	if (u == NULL)
		u = fhir_get_string(q, "code");
	if (u && !ingest_empty(u) && strcmp(u, "1") != 0)
		return psprintf("%s %s", n, u);
	return n;
}

/* Is c one of FHIR's Quantity comparators? */
static bool
valid_comparator(const char *c)
{
	return strcmp(c, "<") == 0 || strcmp(c, "<=") == 0 ||
		strcmp(c, ">=") == 0 || strcmp(c, ">") == 0;
}

/* valueQuantity: the number, its comparator and unit. */
static bool
read_quantity(IngestOut *out, IngestRow *row, JsonbContainer *q, const char *where)
{
	char	   *cmp = fhir_get_string(q, "comparator");
	double		d;

	switch (fhir_get_number(q, "value", &d))
	{
		case FHIR_NUM_OK:
			row->has_num = true;
			row->value_num = d;
			break;
		case FHIR_NUM_BAD:
			ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueQuantity.value", where),
						"the value is not a finite JSON number", row->raw);
			return false;
		case FHIR_NUM_ABSENT:
			break;
	}
	if (cmp)
	{
		if (!valid_comparator(cmp))
		{
			ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueQuantity.comparator", where),
						psprintf("\"%s\" is not a FHIR comparator", cmp), row->raw);
			return false;
		}
		row->comparator = cmp;
	}
	quantity_unit(row, q);
	return true;
}

/* valueCodeableConcept: the best coding, and the text (else the display, else the code). */
static void
read_codeable_concept(IngestRow *row, JsonbContainer *q)
{
	JsonbContainer *coding = fhir_best_coding(q);
	char	   *text = fhir_get_string(q, "text");

	if (coding)
	{
		row->value_code = fhir_get_string(coding, "code");
		row->value_system = ingest_system_from_uri(fhir_get_string(coding, "system"));
		if (text == NULL)
			text = fhir_get_string(coding, "display");
	}
	row->value_text = text ? text : row->value_code;
}

/* valueRatio: the literal n:d, as HL7 v2 SN (1:128) and C-CDA RTO give. */
static bool
read_ratio(IngestOut *out, IngestRow *row, JsonbContainer *q, const char *where)
{
	JsonbContainer *num = fhir_get_object(q, "numerator");
	char	   *n = ratio_term(num);
	char	   *dd = ratio_term(fhir_get_object(q, "denominator"));
	char	   *cmp = fhir_get_string(num, "comparator");

	if (n == NULL || dd == NULL)
	{
		ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.valueRatio", where),
					"the Ratio needs a numerator and a denominator with a JSON number value",
					row->raw);
		return false;
	}
	if (cmp && valid_comparator(cmp))
		row->comparator = cmp;
	row->value_text = psprintf("%s:%s", n, dd);
	return true;
}

/* valueRange, as C-CDA IVL_PQ: one bound is a value with >= or <=, two are text. */
static bool
read_range_value(IngestOut *out, IngestRow *row, JsonbContainer *q, const char *where)
{
	JsonbContainer *lo = fhir_get_object(q, "low"),
			   *hi = fhir_get_object(q, "high");
	char	   *ls = quantity_number(lo),
			   *hs = quantity_number(hi);
	double		d;

	if (ls && hs)
	{
		row->value_text = psprintf("%s-%s", ls, hs);
		quantity_unit(row, fhir_get_string(lo, "unit") || fhir_get_string(lo, "code") ? lo : hi);
	}
	else if ((ls || hs) && fhir_get_number(ls ? lo : hi, "value", &d) == FHIR_NUM_OK)
	{
		row->has_num = true;
		row->value_num = d;
		row->comparator = ls ? ">=" : "<=";
		quantity_unit(row, ls ? lo : hi);
	}
	else
	{
		ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.valueRange", where),
					"the Range has no bound with a finite JSON number value", row->raw);
		return false;
	}
	return true;
}

/* value[x] (or dataAbsentReason) into row (see ingest.h); kinds were checked. */
bool
fhir_read_value(IngestOut *out, IngestRow *row, JsonbContainer *o, const char *where,
				bool *has_value)
{
	JsonbContainer *q;
	JsonbValue	v;
	double		d;

	*has_value = true;
	if ((q = fhir_get_object(o, "valueQuantity")) != NULL)
		return read_quantity(out, row, q, where);
	if ((q = fhir_get_object(o, "valueCodeableConcept")) != NULL)
		read_codeable_concept(row, q);
	else if ((row->value_text = fhir_get_string(o, "valueString")) != NULL)
		;
	else if (fhir_get_key(o, "valueInteger", &v))
	{
		if (fhir_get_number(o, "valueInteger", &d) != FHIR_NUM_OK)
		{
			ingest_fail(out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueInteger", where), "not a finite JSON number", row->raw);
			return false;
		}
		row->has_num = true;
		row->value_num = d;
	}
	else if (fhir_get_key(o, "valueBoolean", &v))
		row->value_text = v.val.boolean ? "true" : "false";
	else if ((row->value_text = fhir_get_string(o, "valueDateTime")) != NULL ||
			 (row->value_text = fhir_get_string(o, "valueTime")) != NULL)
		;
	else if ((q = fhir_get_object(o, "valueRatio")) != NULL)
		return read_ratio(out, row, q, where);
	else if ((q = fhir_get_object(o, "valueRange")) != NULL)
		return read_range_value(out, row, q, where);
	else if ((q = fhir_get_object(o, "valuePeriod")) != NULL ||
			 (q = fhir_get_object(o, "valueSampledData")) != NULL)
		row->value_text = fhir_container_text(q);	/* kept whole, as JSON */
	else if ((q = fhir_get_object(o, "dataAbsentReason")) != NULL)
	{
		JsonbContainer *coding = fhir_best_coding(q);

		row->value_text = psprintf("data absent: %s",
								   coding ? fhir_get_string(coding, "code")
								   : (fhir_get_string(q, "text") ? fhir_get_string(q, "text") : "unknown"));
	}
	else
		*has_value = false;
	return true;
}

/* code into row (see ingest.h). */
bool
fhir_read_code(IngestRow *row, JsonbContainer *o, bool *bad)
{
	JsonbContainer *cc = fhir_get_object(o, "code");
	JsonbContainer *coding;
	JsonbValue	v;

	*bad = false;
	if (cc == NULL)
		return false;
	if (fhir_get_key(cc, "coding", &v) && !fhir_has_kind(&v, FHIR_ARRAY))
	{
		*bad = true;
		return false;
	}
	coding = fhir_best_coding(cc);
	row->display = fhir_get_string(cc, "text");
	if (coding)
	{
		row->code = fhir_get_string(coding, "code");
		row->system = ingest_system_from_uri(fhir_get_string(coding, "system"));
		if (fhir_get_string(coding, "display"))
			row->display = fhir_get_string(coding, "display");
	}
	return coding != NULL || row->display != NULL;
}

/* referenceRange[0] low and high values into row. */
void
fhir_read_range(IngestRow *row, JsonbContainer *o)
{
	JsonbContainer *ranges = fhir_get_array(o, "referenceRange");
	JsonbContainer *r;
	double		d;

	if (fhir_array_size(ranges) == 0 || (r = fhir_array_object(ranges, 0)) == NULL)
		return;
	if (fhir_get_number(fhir_get_object(r, "low"), "value", &d) == FHIR_NUM_OK)
		row->has_low = true, row->ref_low = d;
	if (fhir_get_number(fhir_get_object(r, "high"), "value", &d) == FHIR_NUM_OK)
		row->has_high = true, row->ref_high = d;
}

/* interpretation[0] (its best coding's code, else its text) into row. */
void
fhir_read_interpretation(IngestRow *row, JsonbContainer *o)
{
	JsonbContainer *arr = fhir_get_array(o, "interpretation");
	JsonbContainer *cc;
	JsonbContainer *coding;

	if (fhir_array_size(arr) == 0 || (cc = fhir_array_object(arr, 0)) == NULL)
		return;
	coding = fhir_best_coding(cc);
	row->interpretation = coding ? fhir_get_string(coding, "code") : fhir_get_string(cc, "text");
}
