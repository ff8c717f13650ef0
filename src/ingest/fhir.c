/*
 * fhir.c: FHIR R4 Observations, alone or in a Bundle, read with PostgreSQL's
 * jsonb C API (no text round trip).
 *
 * A Bundle yields every Observation among its entries (nested Bundles too,
 * up to a depth limit); an Observation with components yields one row per
 * component, and a row for itself when it has a value of its own.  Entries
 * and members that cannot be read (not an object, no resourceType, a member
 * of the wrong JSON kind) are reported, never passed over.
 */
#include "ingest/ingest.h"

#include <math.h>

#include "miscadmin.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#define FHIR_MAX_BUNDLE_DEPTH 8
#define FHIR_MAX_TEXT_DEPTH 5000	/* JSON text nesting read without risking the stack */

typedef struct FhirState
{
	IngestOut  *out;
	IngestRow	ctx;
	int			nobs;
} FhirState;

static bool
get_key(JsonbContainer *c, const char *key, JsonbValue *v)
{
	if (c == NULL || !JsonContainerIsObject(c))
		return false;
	return getKeyJsonValueFromContainer(c, key, strlen(key), v) != NULL;
}

/* Object or array member as a container, or NULL. */
static JsonbContainer *
get_container(JsonbContainer *c, const char *key)
{
	JsonbValue	v;

	if (!get_key(c, key, &v) || v.type != jbvBinary)
		return NULL;
	return v.val.binary.data;
}

static JsonbContainer *
get_object(JsonbContainer *c, const char *key)
{
	JsonbContainer *r = get_container(c, key);

	return r && JsonContainerIsObject(r) ? r : NULL;
}

static JsonbContainer *
get_array(JsonbContainer *c, const char *key)
{
	JsonbContainer *r = get_container(c, key);

	return r && JsonContainerIsArray(r) ? r : NULL;
}

static int
array_size(JsonbContainer *a)
{
	return a ? (int) JsonContainerSize(a) : 0;
}

static JsonbContainer *
array_object(JsonbContainer *a, int i)
{
	JsonbValue *v = getIthJsonbValueFromContainer(a, i);

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;
	return v->val.binary.data;
}

/* String member, or NULL (also when the member is not a string). */
static char *
get_string(JsonbContainer *c, const char *key)
{
	JsonbValue	v;

	if (!get_key(c, key, &v) || v.type != jbvString)
		return NULL;
	return pnstrdup(v.val.string.val, v.val.string.len);
}

typedef enum
{
	NUM_ABSENT, NUM_OK, NUM_BAD
} NumResult;

static NumResult
get_number(JsonbContainer *c, const char *key, double *out)
{
	JsonbValue	v;

	if (!get_key(c, key, &v) || v.type == jbvNull)
		return NUM_ABSENT;
	if (v.type != jbvNumeric)
		return NUM_BAD;
	/* through the decimal text: a number beyond float8 is reported, not raised */
	if (!ingest_parse_number(DatumGetCString(DirectFunctionCall1(numeric_out,
																 NumericGetDatum(v.val.numeric))),
							 out))
		return NUM_BAD;
	return NUM_OK;
}

static char *
container_text(JsonbContainer *c)
{
	return JsonbToCString(NULL, c, 256);
}

/* The LOINC coding of a CodeableConcept, else its first coding with a code. */
static JsonbContainer *
best_coding(JsonbContainer *cc)
{
	JsonbContainer *codings = get_array(cc, "coding");
	JsonbContainer *first = NULL;
	int			i,
				n = array_size(codings);

	for (i = 0; i < n; i++)
	{
		JsonbContainer *coding = array_object(codings, i);
		char	   *sys;

		if (coding == NULL || get_string(coding, "code") == NULL)
			continue;
		sys = get_string(coding, "system");
		if (sys && strcmp(sys, "http://loinc.org") == 0)
			return coding;
		if (first == NULL)
			first = coding;
	}
	return first;
}

static const char *
patient_ref(const char *ref)
{
	if (ref == NULL)
		return NULL;
	if (strncmp(ref, "Patient/", 8) == 0)
		return ref + 8;
	if (strncmp(ref, "urn:uuid:", 9) == 0)
		return ref + 9;
	return ref;
}

/* The JSON text of a member's value (scalar or container). */
static char *
jsonb_value_text(JsonbValue *v)
{
	if (v->type == jbvBinary)
		return container_text(v->val.binary.data);
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 64);
}

/* The JSON kinds FHIR gives the members this reader uses. */
typedef enum
{
	M_OBJECT, M_ARRAY, M_STRING, M_NUMBER, M_BOOL
} MemberKind;

static const char *const kind_names[] = {"object", "array", "string", "number", "boolean"};

/*
 * Members of an Observation (or a component) that are read, with their
 * kind; is_value marks the value[x] choices of FHIR R4 Observation.
 */
#define MEMBER(name, kind, is_value) {name, sizeof(name) - 1, kind, is_value}
static const struct
{
	const char *name;
	int			len;
	MemberKind	kind;
	bool		is_value;
}			observation_members[] =
{
	MEMBER("code", M_OBJECT, false),
	MEMBER("subject", M_OBJECT, false),
	MEMBER("status", M_STRING, false),
	MEMBER("effectiveDateTime", M_STRING, false),
	MEMBER("effectiveInstant", M_STRING, false),
	MEMBER("effectivePeriod", M_OBJECT, false),
	MEMBER("component", M_ARRAY, false),
	MEMBER("referenceRange", M_ARRAY, false),
	MEMBER("interpretation", M_ARRAY, false),
	MEMBER("dataAbsentReason", M_OBJECT, false),
	MEMBER("valueQuantity", M_OBJECT, true),
	MEMBER("valueCodeableConcept", M_OBJECT, true),
	MEMBER("valueString", M_STRING, true),
	MEMBER("valueBoolean", M_BOOL, true),
	MEMBER("valueInteger", M_NUMBER, true),
	MEMBER("valueRange", M_OBJECT, true),
	MEMBER("valueRatio", M_OBJECT, true),
	MEMBER("valueSampledData", M_OBJECT, true),
	MEMBER("valueTime", M_STRING, true),
	MEMBER("valueDateTime", M_STRING, true),
	MEMBER("valuePeriod", M_OBJECT, true),
};

static bool
has_kind(JsonbValue *v, MemberKind kind)
{
	switch (kind)
	{
		case M_OBJECT:
			return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
		case M_ARRAY:
			return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
		case M_STRING:
			return v->type == jbvString;
		case M_NUMBER:
			return v->type == jbvNumeric;
		case M_BOOL:
			return v->type == jbvBool;
	}
	return false;
}

/*
 * Members read from o must have their FHIR JSON kind, and o may have one
 * value[x], of a type Observation allows: otherwise a value, component or
 * time would be passed over unseen.  Reports and returns false when not.
 */
static bool
check_members(FhirState *st, IngestRow *row, JsonbContainer *o, const char *where)
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
		for (i = 0; i < lengthof(observation_members); i++)
			if (observation_members[i].len == klen &&
				memcmp(kv, observation_members[i].name, klen) == 0)
				break;
		if (i == lengthof(observation_members))
		{
			/* valueFoo: a value of a type Observation has not (R4) */
			if (klen > 5 && memcmp(kv, "value", 5) == 0 && kv[5] >= 'A' && kv[5] <= 'Z')
			{
				key = pnstrdup(kv, klen);
				ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.%s", where, key),
							psprintf("\"%s\" is not a value[x] of a FHIR R4 Observation", key),
							row->raw);
				return false;
			}
			continue;
		}
		key = observation_members[i].name;
		if (!has_kind(&v, observation_members[i].kind))
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.%s", where, key),
						psprintf("not a JSON %s", kind_names[observation_members[i].kind]),
						row->raw);
			return false;
		}
		if (observation_members[i].is_value)
		{
			if (first_value)
			{
				ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
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
quantity_unit(FhirState *st, IngestRow *row, JsonbContainer *q)
{
	char	   *unit = get_string(q, "unit");
	char	   *code = get_string(q, "code");
	char	   *sys = get_string(q, "system");

	row->unit = unit ? unit : code;
	if (code && sys && strcmp(sys, "http://unitsofmeasure.org") == 0)
		row->ucum_unit = ingest_ucum(st->out, code);
	else
		row->ucum_unit = ingest_ucum(st->out, row->unit);
}

/* A Quantity's value as written (jsonb keeps a number's digits), or NULL. */
static char *
quantity_number(JsonbContainer *q)
{
	JsonbValue	v;

	if (!get_key(q, "value", &v) || v.type != jbvNumeric)
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
	u = get_string(q, "unit");
	if (u == NULL)
		u = get_string(q, "code");
	if (u && !ingest_empty(u) && strcmp(u, "1") != 0)
		return psprintf("%s %s", n, u);
	return n;
}

static bool
valid_comparator(const char *c)
{
	return strcmp(c, "<") == 0 || strcmp(c, "<=") == 0 ||
		strcmp(c, ">=") == 0 || strcmp(c, ">") == 0;
}

/*
 * value[x] (or a component's) into row.  Returns false after reporting a
 * part that cannot be read.  Members have their JSON kinds (check_members).
 */
static bool
read_value(FhirState *st, IngestRow *row, JsonbContainer *o, const char *where,
		   bool *has_value)
{
	JsonbContainer *q;
	JsonbValue	v;
	double		d;

	*has_value = true;
	if ((q = get_object(o, "valueQuantity")) != NULL)
	{
		char	   *cmp = get_string(q, "comparator");

		switch (get_number(q, "value", &d))
		{
			case NUM_OK:
				row->has_num = true;
				row->value_num = d;
				break;
			case NUM_BAD:
				ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.valueQuantity.value", where),
							"the value is not a finite JSON number", row->raw);
				return false;
			case NUM_ABSENT:
				break;
		}
		if (cmp)
		{
			if (!valid_comparator(cmp))
			{
				ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.valueQuantity.comparator", where),
							psprintf("\"%s\" is not a FHIR comparator", cmp), row->raw);
				return false;
			}
			row->comparator = cmp;
		}
		quantity_unit(st, row, q);
	}
	else if ((q = get_object(o, "valueCodeableConcept")) != NULL)
	{
		JsonbContainer *coding = best_coding(q);
		char	   *text = get_string(q, "text");

		if (coding)
		{
			row->value_code = get_string(coding, "code");
			row->value_system = ingest_system_from_uri(get_string(coding, "system"));
			if (text == NULL)
				text = get_string(coding, "display");
		}
		row->value_text = text ? text : row->value_code;
	}
	else if ((row->value_text = get_string(o, "valueString")) != NULL)
		;
	else if (get_key(o, "valueInteger", &v))
	{
		if (get_number(o, "valueInteger", &d) != NUM_OK)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueInteger", where), "not a finite JSON number", row->raw);
			return false;
		}
		row->has_num = true;
		row->value_num = d;
	}
	else if (get_key(o, "valueBoolean", &v))
		row->value_text = v.val.boolean ? "true" : "false";
	else if ((row->value_text = get_string(o, "valueDateTime")) != NULL ||
			 (row->value_text = get_string(o, "valueTime")) != NULL)
		;
	else if ((q = get_object(o, "valueRatio")) != NULL)
	{
		/* the literal n:d, as HL7 v2 SN (1:128) and C-CDA RTO give */
		JsonbContainer *num = get_object(q, "numerator");
		char	   *n = ratio_term(num);
		char	   *dd = ratio_term(get_object(q, "denominator"));
		char	   *cmp = get_string(num, "comparator");

		if (n == NULL || dd == NULL)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueRatio", where),
						"the Ratio needs a numerator and a denominator with a JSON number value",
						row->raw);
			return false;
		}
		if (cmp && valid_comparator(cmp))
			row->comparator = cmp;
		row->value_text = psprintf("%s:%s", n, dd);
	}
	else if ((q = get_object(o, "valueRange")) != NULL)
	{
		/* as C-CDA IVL_PQ: one bound is a value with >= or <=, two are text */
		JsonbContainer *lo = get_object(q, "low"),
				   *hi = get_object(q, "high");
		char	   *ls = quantity_number(lo),
				   *hs = quantity_number(hi);

		if (ls && hs)
		{
			row->value_text = psprintf("%s-%s", ls, hs);
			quantity_unit(st, row, get_string(lo, "unit") || get_string(lo, "code") ? lo : hi);
		}
		else if ((ls || hs) && get_number(ls ? lo : hi, "value", &d) == NUM_OK)
		{
			row->has_num = true;
			row->value_num = d;
			row->comparator = ls ? ">=" : "<=";
			quantity_unit(st, row, ls ? lo : hi);
		}
		else
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueRange", where),
						"the Range has no bound with a finite JSON number value", row->raw);
			return false;
		}
	}
	else if ((q = get_object(o, "valuePeriod")) != NULL ||
			 (q = get_object(o, "valueSampledData")) != NULL)
		row->value_text = container_text(q);	/* kept whole, as JSON */
	else if ((q = get_object(o, "dataAbsentReason")) != NULL)
	{
		JsonbContainer *coding = best_coding(q);

		row->value_text = psprintf("data absent: %s",
								   coding ? get_string(coding, "code")
								   : (get_string(q, "text") ? get_string(q, "text") : "unknown"));
	}
	else
		*has_value = false;
	return true;
}

/*
 * code into row; false when there is no code at all, or (with *bad set)
 * when code.coding is not an array.
 */
static bool
read_code(IngestRow *row, JsonbContainer *o, bool *bad)
{
	JsonbContainer *cc = get_object(o, "code");
	JsonbContainer *coding;
	JsonbValue	v;

	*bad = false;
	if (cc == NULL)
		return false;
	if (get_key(cc, "coding", &v) && !has_kind(&v, M_ARRAY))
	{
		*bad = true;
		return false;
	}
	coding = best_coding(cc);
	row->display = get_string(cc, "text");
	if (coding)
	{
		row->code = get_string(coding, "code");
		row->system = ingest_system_from_uri(get_string(coding, "system"));
		if (get_string(coding, "display"))
			row->display = get_string(coding, "display");
	}
	return coding != NULL || row->display != NULL;
}

static void
read_range(IngestRow *row, JsonbContainer *o)
{
	JsonbContainer *ranges = get_array(o, "referenceRange");
	JsonbContainer *r;
	double		d;

	if (array_size(ranges) == 0 || (r = array_object(ranges, 0)) == NULL)
		return;
	if (get_number(get_object(r, "low"), "value", &d) == NUM_OK)
		row->has_low = true, row->ref_low = d;
	if (get_number(get_object(r, "high"), "value", &d) == NUM_OK)
		row->has_high = true, row->ref_high = d;
}

static void
read_interpretation(IngestRow *row, JsonbContainer *o)
{
	JsonbContainer *arr = get_array(o, "interpretation");
	JsonbContainer *cc;
	JsonbContainer *coding;

	if (array_size(arr) == 0 || (cc = array_object(arr, 0)) == NULL)
		return;
	coding = best_coding(cc);
	row->interpretation = coding ? get_string(coding, "code") : get_string(cc, "text");
}

static void
read_observation(FhirState *st, JsonbContainer *o, const char *where)
{
	IngestRow	row = st->ctx;
	JsonbContainer *subject = get_object(o, "subject");
	JsonbContainer *period;
	JsonbContainer *components;
	char	   *t;
	bool		has_value,
				bad;
	int			i,
				n;

	st->nobs++;
	row.raw = container_text(o);
	if (subject && get_string(subject, "reference"))
		row.patient_id = patient_ref(get_string(subject, "reference"));
	row.status = get_string(o, "status");

	if (!check_members(st, &row, o, where))
		return;
	if (!read_code(&row, o, &bad))
	{
		ingest_fail(st->out, &row, ERRCODE_INVALID_JSON_TEXT,
					psprintf(bad ? "%s.code.coding" : "%s.code", where),
					bad ? "not a JSON array"
					: "the Observation has no code (neither a coding with a code nor text)", row.raw);
		return;
	}

	t = get_string(o, "effectiveDateTime");
	if (t == NULL)
		t = get_string(o, "effectiveInstant");
	if (t == NULL && (period = get_object(o, "effectivePeriod")) != NULL)
		t = get_string(period, "start");
	if (t)
	{
		if (!ingest_parse_iso_ts(t, &row.effective_time))
		{
			ingest_fail(st->out, &row, ERRCODE_INVALID_DATETIME_FORMAT,
						psprintf("%s.effective[x]", where),
						psprintf("\"%s\" is not a FHIR dateTime", t), row.raw);
			return;
		}
		row.has_time = true;
	}
	read_range(&row, o);
	read_interpretation(&row, o);

	components = get_array(o, "component");
	n = array_size(components);
	{
		IngestRow	self = row;

		if (!read_value(st, &self, o, where, &has_value))
			return;
		if (has_value || n == 0)
			ingest_emit(st->out, &self);
	}
	for (i = 0; i < n; i++)
	{
		JsonbContainer *comp = array_object(components, i);
		IngestRow	c = row;
		char	   *cwhere = psprintf("%s.component[%d]", where, i);

		c.code = c.system = c.display = c.interpretation = NULL;
		c.has_low = c.has_high = false;
		if (comp == NULL)
		{
			ingest_fail(st->out, &c, ERRCODE_INVALID_JSON_TEXT, cwhere,
						"a component must be a JSON object", row.raw);
			continue;
		}
		if (!check_members(st, &c, comp, cwhere))
			continue;
		if (!read_code(&c, comp, &bad))
		{
			ingest_fail(st->out, &c, ERRCODE_INVALID_JSON_TEXT,
						psprintf(bad ? "%s.code.coding" : "%s.code", cwhere),
						bad ? "not a JSON array" : "the component has no code", row.raw);
			continue;
		}
		read_range(&c, comp);
		read_interpretation(&c, comp);
		if (read_value(st, &c, comp, cwhere, &has_value))
			ingest_emit(st->out, &c);
	}
}

static void read_resource(FhirState *st, JsonbContainer *r, const char *where, int depth);

static void
read_bundle(FhirState *st, JsonbContainer *b, const char *where, int depth)
{
	JsonbValue	ev;
	JsonbContainer *entries;
	int			i,
				n;
	IngestRow	saved = st->ctx;

	if (depth > FHIR_MAX_BUNDLE_DEPTH)
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_PROGRAM_LIMIT_EXCEEDED, where,
					psprintf("Bundles are nested more than %d deep", FHIR_MAX_BUNDLE_DEPTH),
					container_text(b));
		return;
	}
	if (depth == 0)
	{
		JsonbContainer *ident = get_object(b, "identifier");

		st->ctx.message_id = get_string(b, "id");
		if (st->ctx.message_id == NULL && ident)
			st->ctx.message_id = get_string(ident, "value");
	}
	if (!get_key(b, "entry", &ev))
	{
		st->ctx = saved;
		return;					/* an empty Bundle (a search that found nothing) */
	}
	if (!has_kind(&ev, M_ARRAY))
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.entry", where), "Bundle.entry must be a JSON array",
					jsonb_value_text(&ev));
		st->ctx = saved;
		return;
	}
	entries = ev.val.binary.data;
	n = array_size(entries);
	for (i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(entries, i);
		JsonbValue	rv;

		if (!has_kind(e, M_OBJECT))
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.entry[%d]", where, i), "an entry must be a JSON object",
						jsonb_value_text(e));
		else if (get_key(e->val.binary.data, "resource", &rv))
		{
			if (has_kind(&rv, M_OBJECT))
				read_resource(st, rv.val.binary.data,
							  psprintf("%s.entry[%d].resource", where, i), depth + 1);
			else
				ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.entry[%d].resource", where, i),
							"a resource must be a JSON object", jsonb_value_text(e));
		}
		/* without a resource, an entry must be a request or a response (bdl-5) */
		else if (!get_key(e->val.binary.data, "request", &rv) &&
				 !get_key(e->val.binary.data, "response", &rv))
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.entry[%d]", where, i),
						"the entry has neither a resource nor a request or response",
						jsonb_value_text(e));
		CHECK_FOR_INTERRUPTS();
	}
	st->ctx = saved;
}

/* A FHIR resource type name: an upper-case ASCII letter, then letters. */
static bool
resource_type_name(const char *s)
{
	if (!(*s >= 'A' && *s <= 'Z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
			return false;
	return true;
}

static void
read_resource(FhirState *st, JsonbContainer *r, const char *where, int depth)
{
	char	   *type = get_string(r, "resourceType");

	if (type == NULL)
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					"not a FHIR resource: resourceType is missing or not a string",
					container_text(r));
		return;
	}
	if (strcmp(type, "Observation") == 0)
	{
		MemoryContext old;

		if (depth == 0)
			st->ctx.message_id = get_string(r, "id");
		old = ingest_part_begin(st->out);
		read_observation(st, r, where);
		ingest_part_end(st->out, old);
	}
	else if (strcmp(type, "Bundle") == 0)
		read_bundle(st, r, where, depth);
	else if (pg_strcasecmp(type, "Observation") == 0 || pg_strcasecmp(type, "Bundle") == 0)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is not a FHIR resource type: resource types are case-sensitive (%s)",
							 type, pg_strcasecmp(type, "Bundle") == 0 ? "Bundle" : "Observation"),
					container_text(r));
	else if (depth == 0)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is neither an Observation nor a Bundle", type),
					container_text(r));
	else if (!resource_type_name(type))
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is not a FHIR resource type (an upper-case letter, then letters)", type),
					container_text(r));
	/* other resources inside a Bundle are not observations: skipped */
}

/*
 * JSON text (the text overload): checked by PostgreSQL's JSON parser, which
 * reports instead of raising, so text that is not JSON becomes an error row
 * in tolerant mode; valid text is then converted to jsonb.
 */
static int
json_text_depth(const char *s)
{
	int			depth = 0,
				max = 0;
	bool		in_string = false;

	for (; *s; s++)
	{
		if (in_string)
		{
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_string = false;
		}
		else if (*s == '"')
			in_string = true;
		else if (*s == '[' || *s == '{')
		{
			depth++;
			max = Max(max, depth);
		}
		else if (*s == ']' || *s == '}')
			depth--;
	}
	return max;
}

static Jsonb *
jsonb_from_text(IngestOut *out, text *t)
{
	char	   *s = text_to_cstring(t);
	size_t		len = strlen(s);
	JsonLexContext *lex;
	JsonParseErrorType err;

	if (len > INGEST_MAX_INPUT)
	{
		ingest_fail(out, NULL, ERRCODE_PROGRAM_LIMIT_EXCEEDED, "$",
					psprintf("the resource is %zu bytes; the limit is %d", len, INGEST_MAX_INPUT),
					NULL);
		return NULL;
	}
	if (json_text_depth(s) > FHIR_MAX_TEXT_DEPTH)
	{
		ingest_fail(out, NULL, ERRCODE_PROGRAM_LIMIT_EXCEEDED, "$",
					psprintf("the JSON is nested more than %d deep", FHIR_MAX_TEXT_DEPTH), s);
		return NULL;
	}
	lex = makeJsonLexContextCstringLen(s, (int) len, GetDatabaseEncoding(), true);
	err = pg_parse_json(lex, &nullSemAction);
	if (err != JSON_SUCCESS)
	{
		ingest_fail(out, NULL, ERRCODE_INVALID_TEXT_REPRESENTATION, "$",
					psprintf("not JSON: %s", json_errdetail(err, lex)), s);
		return NULL;
	}
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s)));
}

/* One C function for both SQL signatures, (jsonb, boolean) and (text, boolean). */
PG_FUNCTION_INFO_V1(fhir_observations);
Datum
fhir_observations(PG_FUNCTION_ARGS)
{
	IngestOut	out;
	FhirState	st;
	Jsonb	   *jb;
	bool		strict;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("resource");
	strict = PG_ARGISNULL(1) ? true : PG_GETARG_BOOL(1);
	ingest_begin(fcinfo, &out, "fhir", strict);
	/* raw is JSON written from jsonb, or the JSON text given */
	out.raw_is_input = true;
	if (get_fn_expr_argtype(fcinfo->flinfo, 0) == TEXTOID)
	{
		jb = jsonb_from_text(&out, PG_GETARG_TEXT_PP(0));
		if (jb == NULL)
			return (Datum) 0;
	}
	else
		jb = PG_GETARG_JSONB_P(0);
	memset(&st, 0, sizeof(st));
	st.out = &out;
	ingest_row_init(&out, &st.ctx);
	if (!JB_ROOT_IS_OBJECT(jb))
	{
		ingest_fail(&out, NULL, ERRCODE_INVALID_JSON_TEXT, "$",
					"a FHIR resource must be a JSON object",
					JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
		return (Datum) 0;
	}
	read_resource(&st, &jb->root, "$", 0);
	return (Datum) 0;
}
