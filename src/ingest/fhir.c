/*
 * fhir.c: FHIR R4 Observations, alone or in a Bundle, read with PostgreSQL's
 * jsonb C API (no text round trip).
 *
 * A Bundle yields every Observation among its entries (nested Bundles too,
 * up to a depth limit); an Observation with components yields one row per
 * component, and a row for itself when it has a value of its own.
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

/*
 * value[x] (or a component's) into row.  Returns false after reporting a
 * part that cannot be read.
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
		char	   *unit = get_string(q, "unit");
		char	   *code = get_string(q, "code");
		char	   *sys = get_string(q, "system");
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
			if (strcmp(cmp, "<") != 0 && strcmp(cmp, "<=") != 0 &&
				strcmp(cmp, ">=") != 0 && strcmp(cmp, ">") != 0)
			{
				ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
							psprintf("%s.valueQuantity.comparator", where),
							psprintf("\"%s\" is not a FHIR comparator", cmp), row->raw);
				return false;
			}
			row->comparator = cmp;
		}
		row->unit = unit ? unit : code;
		/* the coded unit when it is UCUM, else the human-readable one */
		if (code && sys && strcmp(sys, "http://unitsofmeasure.org") == 0)
			row->ucum_unit = ingest_ucum(st->out, code);
		else
			row->ucum_unit = ingest_ucum(st->out, row->unit);
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
	else if (get_key(o, "valueString", &v))
	{
		if (v.type != jbvString)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueString", where), "not a JSON string", row->raw);
			return false;
		}
		row->value_text = pnstrdup(v.val.string.val, v.val.string.len);
	}
	else if (get_key(o, "valueInteger", &v))
	{
		if (get_number(o, "valueInteger", &d) != NUM_OK)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueInteger", where), "not a JSON number", row->raw);
			return false;
		}
		row->has_num = true;
		row->value_num = d;
	}
	else if (get_key(o, "valueBoolean", &v))
	{
		if (v.type != jbvBool)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.valueBoolean", where), "not a JSON boolean", row->raw);
			return false;
		}
		row->value_text = v.val.boolean ? "true" : "false";
	}
	else if (get_key(o, "valueDateTime", &v) || get_key(o, "valueTime", &v))
	{
		if (v.type != jbvString)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.value[x]", where), "not a JSON string", row->raw);
			return false;
		}
		row->value_text = pnstrdup(v.val.string.val, v.val.string.len);
	}
	else if ((q = get_object(o, "valueRange")) != NULL ||
			 (q = get_object(o, "valueRatio")) != NULL ||
			 (q = get_object(o, "valuePeriod")) != NULL ||
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

/* code into row; false when there is no code at all. */
static bool
read_code(IngestRow *row, JsonbContainer *o)
{
	JsonbContainer *cc = get_object(o, "code");
	JsonbContainer *coding;

	if (cc == NULL)
		return false;
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
	bool		has_value;
	int			i,
				n;

	st->nobs++;
	row.raw = container_text(o);
	if (subject && get_string(subject, "reference"))
		row.patient_id = patient_ref(get_string(subject, "reference"));
	row.status = get_string(o, "status");

	if (!read_code(&row, o))
	{
		ingest_fail(st->out, &row, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.code", where),
					"the Observation has no code (neither a coding with a code nor text)", row.raw);
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
		if (comp == NULL || !read_code(&c, comp))
		{
			ingest_fail(st->out, &c, ERRCODE_INVALID_JSON_TEXT, psprintf("%s.code", cwhere),
						"the component has no code", row.raw);
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
	JsonbContainer *entries = get_array(b, "entry");
	int			i,
				n = array_size(entries);
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
	for (i = 0; i < n; i++)
	{
		JsonbContainer *entry = array_object(entries, i);
		JsonbContainer *res = entry ? get_object(entry, "resource") : NULL;

		if (res)
			read_resource(st, res, psprintf("%s.entry[%d].resource", where, i), depth + 1);
		CHECK_FOR_INTERRUPTS();
	}
	st->ctx = saved;
}

static void
read_resource(FhirState *st, JsonbContainer *r, const char *where, int depth)
{
	char	   *type = get_string(r, "resourceType");

	if (type == NULL)
	{
		if (depth == 0)
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.resourceType", where),
						"not a FHIR resource: resourceType is missing", container_text(r));
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
	else if (depth == 0)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is neither an Observation nor a Bundle", type),
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
