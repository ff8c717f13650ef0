/*
 * params.c: the params jsonb argument, read against a typed table.
 *
 * Every module that takes a params object describes its keys in a table of
 * PmParam (name, kind, range, where the value goes) and calls
 * pm_read_params once: values land in the caller's struct over the defaults
 * it set, each checked for kind and range, and a key that is not in the
 * table is an error, so a misspelt key never runs the defaults silently.
 * Messages name the module's kind of parameter and point to its docs.
 */
#include "common/precmed.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/numeric.h"

/* What kind of JSON value v is, for messages. */
const char *
pm_json_kind(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "an object" : "an array";
		default:
			return "a composite value";
	}
}

/* The allowed values of p, as an errdetail sentence. */
static char *
allowed_values(const PmParam *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	switch (p->kind)
	{
		case PM_PARAM_NUMBER:
			appendStringInfo(&buf, "\"%s\" must be a number in %s%g, %g%s.", p->name,
							 p->min_open ? "(" : "[", p->min, p->max, p->max_open ? ")" : "]");
			break;
		case PM_PARAM_INTEGER:
			appendStringInfo(&buf, "\"%s\" must be a whole number from %.0f to %.0f.",
							 p->name, p->min, p->max);
			break;
		case PM_PARAM_BOOL:
			appendStringInfo(&buf, "\"%s\" must be true or false.", p->name);
			break;
		case PM_PARAM_CHOICE:
			appendStringInfo(&buf, "\"%s\" accepts ", p->name);
			for (int i = 0; p->choices[i] != NULL; i++)
				appendStringInfo(&buf, "%s\"%s\"", i == 0 ? "" : (p->choices[i + 1] ? ", " : " or "),
								 p->choices[i]);
			appendStringInfoChar(&buf, '.');
			break;
		case PM_PARAM_STRING:
			appendStringInfo(&buf, "\"%s\" must be a string.", p->name);
			break;
		case PM_PARAM_JSON:
			appendStringInfo(&buf, "\"%s\" is described in the documentation.", p->name);
			break;
	}
	return buf.data;
}

/* The keys of set that apply under when, comma-separated. */
static char *
known_keys(const PmParamSet *set, unsigned when)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < set->nparams; i++)
		if (set->params[i].when == 0 || (set->params[i].when & when))
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", set->params[i].name);
	return buf.data;
}

/* A JSON number as a double, read through its text so a huge value is out of range, not an overflow. */
static double
json_number(const JsonbValue *v, char **text)
{
	char	   *end;
	double		d;

	*text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	d = strtod(*text, &end);
	if (*end != '\0')
		return get_float8_nan();
	return d;
}

static bool
in_range(const PmParam *p, double d)
{
	return isfinite(d) &&
		(p->min_open ? d > p->min : d >= p->min) &&
		(p->max_open ? d < p->max : d <= p->max) &&
		(p->kind != PM_PARAM_INTEGER || d == floor(d));
}

/* Check value v of parameter p and store it in out. */
static void
store_param(const PmParamSet *set, const PmParam *p, const JsonbValue *v, void *out)
{
	char	   *where = (char *) out + p->offset;
	bool		kind_ok;

	switch (p->kind)
	{
		case PM_PARAM_NUMBER:
		case PM_PARAM_INTEGER:
			kind_ok = v->type == jbvNumeric;
			break;
		case PM_PARAM_BOOL:
			kind_ok = v->type == jbvBool;
			break;
		case PM_PARAM_CHOICE:
		case PM_PARAM_STRING:
			kind_ok = v->type == jbvString;
			break;
		default:
			kind_ok = true;
			break;
	}
	if (!kind_ok)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s \"%s\" must be %s, not %s", set->what, p->name,
						p->kind == PM_PARAM_BOOL ? "true or false"
						: (p->kind == PM_PARAM_CHOICE || p->kind == PM_PARAM_STRING) ? "a string"
						: "a number", pm_json_kind(v)),
				 errdetail("%s", allowed_values(p)),
				 errhint("%s", set->hint));

	switch (p->kind)
	{
		case PM_PARAM_NUMBER:
		case PM_PARAM_INTEGER:
			{
				char	   *text;
				double		d = json_number(v, &text);

				if (!in_range(p, d))
					pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
							 errmsg("%s \"%s\" is %s, outside its allowed range", set->what, p->name,
									strlen(text) <= 40 ? text : psprintf("%g", d)),
							 errdetail("%s", allowed_values(p)),
							 errhint("%s", set->hint));
				if (p->kind == PM_PARAM_INTEGER)
					*(int *) where = (int) d;
				else
					*(double *) where = d;
			}
			break;
		case PM_PARAM_BOOL:
			*(bool *) where = v->val.boolean;
			break;
		case PM_PARAM_CHOICE:
			{
				char	   *s = pnstrdup(v->val.string.val, v->val.string.len);

				for (int i = 0; p->choices[i] != NULL; i++)
					if (strcmp(s, p->choices[i]) == 0)
					{
						*(int *) where = i;
						return;
					}
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("%s \"%s\" is \"%s\", which is not one of its values",
								set->what, p->name, s),
						 errdetail("%s", allowed_values(p)),
						 errhint("%s", set->hint));
			}
			break;
		case PM_PARAM_STRING:
			*(char **) where = pnstrdup(v->val.string.val, v->val.string.len);
			break;
		case PM_PARAM_JSON:
			{
				JsonbValue *copy = palloc(sizeof(JsonbValue));

				*copy = *v;
				*(JsonbValue **) where = copy;
			}
			break;
	}
}

void
pm_read_params(Jsonb *params, const PmParamSet *set, unsigned when, void *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	if (params == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(params))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"%s\" must be a JSON object", set->argname),
				 errdetail("Its keys: %s.", known_keys(set, when)),
				 errhint("Pass a JSON object such as '{\"%s\": ...}', or '{}' for the defaults.",
						 set->params[0].name));

	it = JsonbIteratorInit(&params->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		const PmParam *p = NULL;
		const char *name;

		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;
		name = set->alias ? set->alias(key) : key;
		for (int i = 0; i < set->nparams; i++)
			if (strcmp(set->params[i].name, name) == 0 &&
				(set->params[i].when == 0 || (set->params[i].when & when)))
				p = &set->params[i];
		if (p == NULL)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("unknown %s \"%s\"%s%s", set->what, key,
							set->context ? " " : "", set->context ? set->context : ""),
					 errdetail("Known %ss%s%s: %s.", set->what, set->context ? " " : "",
							   set->context ? set->context : "", known_keys(set, when)),
					 errhint("%s", set->hint));
		/* a JSON null means "the default" */
		if (v.type == jbvNull)
			continue;
		store_param(set, p, &v, out);
	}
}

/* See precmed.h. */
bool
pm_params_changed(Jsonb *params, void **kept, MemoryContext cxt)
{
	Size		len = VARSIZE(params);

	if (*kept != NULL && VARSIZE(*kept) == len && memcmp(params, *kept, len) == 0)
		return false;
	if (*kept)
		pfree(*kept);
	*kept = MemoryContextAlloc(cxt, len);
	memcpy(*kept, params, len);
	return true;
}
