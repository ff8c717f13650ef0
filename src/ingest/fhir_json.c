/*
 * fhir_json.c: reading FHIR JSON through PostgreSQL's jsonb C API.
 *
 * Members are looked up in place (no text round trip); a member of another
 * JSON kind than the one asked for reads as absent, and the callers that
 * must report such a member check kinds first (fhir_check_members).  JSON
 * given as text is checked by PostgreSQL's own JSON parser, which reports
 * instead of raising, so text that is not JSON can become an error row.
 */
#include "ingest/ingest.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#define FHIR_MAX_TEXT_DEPTH 5000	/* JSON text nesting read without risking the stack */

static const char *const kind_names[] = {"object", "array", "string", "number", "boolean"};

/* Member key of object c into *v; false when c is not an object or has no such key. */
bool
fhir_get_key(JsonbContainer *c, const char *key, JsonbValue *v)
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

	if (!fhir_get_key(c, key, &v) || v.type != jbvBinary)
		return NULL;
	return v.val.binary.data;
}

/* Object member, or NULL (also when the member is not an object). */
JsonbContainer *
fhir_get_object(JsonbContainer *c, const char *key)
{
	JsonbContainer *r = get_container(c, key);

	return r && JsonContainerIsObject(r) ? r : NULL;
}

/* Array member, or NULL (also when the member is not an array). */
JsonbContainer *
fhir_get_array(JsonbContainer *c, const char *key)
{
	JsonbContainer *r = get_container(c, key);

	return r && JsonContainerIsArray(r) ? r : NULL;
}

/* Elements of array a (0 for NULL). */
int
fhir_array_size(JsonbContainer *a)
{
	return a ? (int) JsonContainerSize(a) : 0;
}

/* Element i of array a when it is an object, else NULL. */
JsonbContainer *
fhir_array_object(JsonbContainer *a, int i)
{
	JsonbValue *v = getIthJsonbValueFromContainer(a, i);

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;
	return v->val.binary.data;
}

/* String member, or NULL (also when the member is not a string). */
char *
fhir_get_string(JsonbContainer *c, const char *key)
{
	JsonbValue	v;

	if (!fhir_get_key(c, key, &v) || v.type != jbvString)
		return NULL;
	return pnstrdup(v.val.string.val, v.val.string.len);
}

/* Number member as float8: absent (or null), read, or not a finite number. */
FhirNumber
fhir_get_number(JsonbContainer *c, const char *key, double *out)
{
	JsonbValue	v;

	if (!fhir_get_key(c, key, &v) || v.type == jbvNull)
		return FHIR_NUM_ABSENT;
	if (v.type != jbvNumeric)
		return FHIR_NUM_BAD;
	/* through the decimal text: a number beyond float8 is reported, not raised */
	if (!ingest_parse_number(DatumGetCString(DirectFunctionCall1(numeric_out,
																 NumericGetDatum(v.val.numeric))),
							 out))
		return FHIR_NUM_BAD;
	return FHIR_NUM_OK;
}

/* A container as JSON text. */
char *
fhir_container_text(JsonbContainer *c)
{
	return JsonbToCString(NULL, c, 256);
}

/* The JSON text of a member's value (scalar or container). */
char *
fhir_value_text(JsonbValue *v)
{
	if (v->type == jbvBinary)
		return fhir_container_text(v->val.binary.data);
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 64);
}

/* Is v of JSON kind kind? */
bool
fhir_has_kind(JsonbValue *v, FhirKind kind)
{
	switch (kind)
	{
		case FHIR_OBJECT:
			return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
		case FHIR_ARRAY:
			return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
		case FHIR_STRING:
			return v->type == jbvString;
		case FHIR_NUMBER:
			return v->type == jbvNumeric;
		case FHIR_BOOL:
			return v->type == jbvBool;
	}
	return false;
}

/* "object", "array", ...: a kind's name, for messages. */
const char *
fhir_kind_name(FhirKind kind)
{
	Assert(kind >= FHIR_OBJECT && kind < lengthof(kind_names));
	return kind_names[kind];
}

/* The LOINC coding of a CodeableConcept, else its first coding with a code. */
JsonbContainer *
fhir_best_coding(JsonbContainer *cc)
{
	JsonbContainer *codings = fhir_get_array(cc, "coding");
	JsonbContainer *first = NULL;
	int			i,
				n = fhir_array_size(codings);

	for (i = 0; i < n; i++)
	{
		JsonbContainer *coding = fhir_array_object(codings, i);
		char	   *sys;

		if (coding == NULL || fhir_get_string(coding, "code") == NULL)
			continue;
		sys = fhir_get_string(coding, "system");
		if (sys && strcmp(sys, "http://loinc.org") == 0)
			return coding;
		if (first == NULL)
			first = coding;
	}
	return first;
}

/* How deep JSON text nests (brackets outside strings), read without recursion. */
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

/*
 * JSON text (the text overload): checked by PostgreSQL's JSON parser, which
 * reports instead of raising, so text that is not JSON becomes an error row
 * in tolerant mode; valid text is then converted to jsonb.
 */
Jsonb *
fhir_jsonb_from_text(IngestOut *out, text *t)
{
	char	   *s = text_to_cstring(t);
	size_t		len = strlen(s);
	JsonLexContext *lex;
	JsonParseErrorType err;

	if (ingest_too_large(out, len, "$", "resource"))
		return NULL;
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
