/*
 * json_params.c: reading the jsonb parameters of fs_train and fs_model.
 *
 * Parameters are small objects written by hand, so every wrong shape gets an
 * error naming the parameter and what was found instead.
 */
#include "linkage/linkage.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/numeric.h"

static const char *
json_type_name(JsonbValue *v)
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

JsonbValue *
lk_json_get(Jsonb *j, const char *key)
{
	JsonbValue *v;

	if (j == NULL || !JsonContainerIsObject(&j->root))
		return NULL;
	v = getKeyJsonValueFromContainer(&j->root, key, strlen(key), NULL);
	if (v && v->type == jbvNull)
		return NULL;
	return v;
}

double
lk_json_number(JsonbValue *v, const char *what)
{
	double		d;

	if (v->type != jbvNumeric)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s must be a number, not %s", what, json_type_name(v)));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
										   NumericGetDatum(v->val.numeric)));
	if (!isfinite(d))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s must be finite", what));
	return d;
}

static JsonbContainer *
json_array(JsonbValue *v, const char *what)
{
	if (v->type != jbvBinary || JsonContainerIsObject(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s must be an array, not %s", what, json_type_name(v)));
	return v->val.binary.data;
}

double *
lk_json_numbers(JsonbValue *v, const char *what, int *n)
{
	JsonbContainer *c = json_array(v, what);
	double	   *out;

	*n = JsonContainerSize(c);
	out = palloc(sizeof(double) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		out[i] = lk_json_number(e, psprintf("element %d of %s", i + 1, what));
	}
	return out;
}

double **
lk_json_number_rows(JsonbValue *v, const char *what, int *nrows, int **lens)
{
	JsonbContainer *c = json_array(v, what);
	double	  **rows;

	*nrows = JsonContainerSize(c);
	rows = palloc(sizeof(double *) * Max(*nrows, 1));
	*lens = palloc(sizeof(int) * Max(*nrows, 1));
	for (int i = 0; i < *nrows; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		rows[i] = lk_json_numbers(e, psprintf("element %d of %s", i + 1, what),
								  &(*lens)[i]);
	}
	return rows;
}

char **
lk_json_strings(JsonbValue *v, const char *what, int *n)
{
	JsonbContainer *c = json_array(v, what);
	char	  **out;

	*n = JsonContainerSize(c);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		if (e->type != jbvString)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("element %d of %s must be a string, not %s",
							i + 1, what, json_type_name(e)));
		out[i] = pnstrdup(e->val.string.val, e->val.string.len);
	}
	return out;
}

void
lk_json_check_keys(Jsonb *j, const char *what, const char *const *allowed)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			depth = 0;

	if (j == NULL)
		return;
	if (!JsonContainerIsObject(&j->root))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s must be a JSON object", what),
				 errhint("Pass '{}' for the defaults."));
	it = JsonbIteratorInit(&j->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY)
			depth++;
		else if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY)
			depth--;
		else if (tok == WJB_KEY && depth == 1)
		{
			bool		ok = false;
			StringInfoData known;

			initStringInfo(&known);
			for (int i = 0; allowed[i]; i++)
			{
				appendStringInfo(&known, "%s%s", i ? ", " : "", allowed[i]);
				if (strlen(allowed[i]) == (size_t) v.val.string.len &&
					strncmp(allowed[i], v.val.string.val, v.val.string.len) == 0)
					ok = true;
			}
			if (!ok)
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("unknown key \"%.*s\" in %s", v.val.string.len,
								v.val.string.val, what),
						 errdetail("Known keys: %s.", known.data));
		}
	}
}
