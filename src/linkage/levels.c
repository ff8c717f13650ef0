/*
 * levels.c: the limits array of a comparison-level function.
 *
 * jaro_winkler_level, damerau_levenshtein_level, date_level and number_level
 * each turn a similarity or a distance into a level through an array of
 * limits, strictest first.  The array is nearly always a constant, so it is
 * checked once per query: the values are kept in fn_extra with a copy of
 * the array they came from, and reused while the argument stays byte for
 * byte the same.
 */
#include "linkage/linkage.h"

#include "catalog/pg_type.h"
#include "utils/array.h"

/* Each limit within spec's range, and strictly ordered strictest first. */
static void
check_limits(const double *t, int n, const LkLimitsSpec *spec)
{
	for (int i = 0; i < n; i++)
	{
		if (!(spec->min_open ? t[i] > spec->min : t[i] >= spec->min) || !(t[i] <= spec->max))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("\"%s\" must be %s, got %.15g (position %d)",
							spec->argname, spec->range, t[i], i + 1),
					 errdetail("%s", spec->detail));
		if (i > 0 && (spec->decreasing ? t[i] >= t[i - 1] : t[i] <= t[i - 1]))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("\"%s\" must %s: %.15g follows %.15g (position %d)",
							spec->argname, spec->decreasing ? "decrease" : "increase",
							t[i], t[i - 1], i + 1),
					 errhint("List them from the strictest to the loosest, e.g. '%s'.",
							 spec->example));
	}
}

/* The limits in argument argno, checked against spec, cached in fn_extra. */
const LkLimits *
lk_limits(FunctionCallInfo fcinfo, int argno, const LkLimitsSpec *spec)
{
	LkLimits   *cache = fcinfo->flinfo->fn_extra;
	ArrayType  *arr;
	Size		nbytes;
	Datum	   *values;
	bool	   *nulls;
	int			n;
	double		value[LK_MAX_LEVELS];

	if (PG_ARGISNULL(argno))
		pm_error_null_argument(spec->argname);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	nbytes = VARSIZE(arr);
	if (cache && cache->nbytes == nbytes && memcmp(cache->raw, arr, nbytes) == 0)
		return cache;

	if (ARR_NDIM(arr) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("\"%s\" must be a one-dimensional array", spec->argname));
	/* element types are fixed by the SQL signatures: no catalog lookup */
	if (spec->elemtype == FLOAT8OID)
		deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
						  TYPALIGN_DOUBLE, &values, &nulls, &n);
	else
		deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT,
						  &values, &nulls, &n);
	Assert(spec->max_count < LK_MAX_LEVELS);
	if (n > spec->max_count)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("\"%s\" has %d thresholds; at most %d are allowed",
						spec->argname, n, spec->max_count));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("\"%s\" must not contain NULL (position %d)", spec->argname, i + 1));
		value[i] = spec->elemtype == FLOAT8OID ? DatumGetFloat8(values[i])
			: (double) DatumGetInt32(values[i]);
	}
	check_limits(value, n, spec);

	/* only a checked array is remembered */
	if (cache == NULL)
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LkLimits));
	if (cache->raw)
		pfree(cache->raw);
	cache->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, nbytes);
	memcpy(cache->raw, arr, nbytes);
	cache->nbytes = nbytes;
	cache->n = n;
	memcpy(cache->value, value, sizeof(double) * n);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}
