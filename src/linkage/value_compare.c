/*
 * value_compare.c: date and number comparators and their comparison levels.
 *
 * Dates of birth are typed by hand: the common errors are a swapped day and
 * month (US versus day-first entry) and a slip of a few days, which is why
 * the date levels are exact, transposed day/month, then "within N days".
 */
#include "linkage/linkage.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"

static bool
transposed(DateADT a, DateADT b)
{
	int			ya,
				ma,
				da,
				yb,
				mb,
				db;

	if (a == b || DATE_NOT_FINITE(a) || DATE_NOT_FINITE(b))
		return false;
	j2date(a + POSTGRES_EPOCH_JDATE, &ya, &ma, &da);
	j2date(b + POSTGRES_EPOCH_JDATE, &yb, &mb, &db);
	return ya == yb && ma == db && da == mb;
}

PG_FUNCTION_INFO_V1(dates_transposed);
Datum
dates_transposed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(transposed(PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1)));
}

/* A one-dimensional, NULL-free array argument, deconstructed. */
static Datum *
level_array(FunctionCallInfo fcinfo, int argno, const char *argname, Oid elemtype,
			int *n)
{
	ArrayType  *arr;
	bool	   *nulls;
	Datum	   *values;
	int16		typlen;
	bool		byval;
	char		align;

	if (PG_ARGISNULL(argno))
		pm_error_null_argument(argname);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("\"%s\" must be a one-dimensional array", argname));
	get_typlenbyvalalign(elemtype, &typlen, &byval, &align);
	deconstruct_array(arr, elemtype, typlen, byval, align, &values, &nulls, n);
	if (*n > LK_MAX_LEVELS - 3)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("\"%s\" has %d thresholds; at most %d are allowed",
						argname, *n, LK_MAX_LEVELS - 3));
	for (int i = 0; i < *n; i++)
		if (nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("\"%s\" must not contain NULL (position %d)", argname, i + 1));
	return values;
}

/*
 * date_level(a, b, within_days): n = number of day limits, increasing.
 * Level n + 2 = same date, n + 1 = day and month transposed, n - i = at most
 * within_days[i] days apart, 0 = farther; NULL when a or b is NULL.
 */
PG_FUNCTION_INFO_V1(date_level);
Datum
date_level(PG_FUNCTION_ARGS)
{
	int			n;
	Datum	   *lim = level_array(fcinfo, 2, "within_days", INT4OID, &n);
	DateADT		a,
				b;
	int64		diff;

	for (int i = 0; i < n; i++)
	{
		int			t = DatumGetInt32(lim[i]);

		if (t < 1)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("within_days must be positive, got %d (position %d)", t, i + 1),
					 errdetail("The same date is always the top level."));
		if (i > 0 && t <= DatumGetInt32(lim[i - 1]))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("within_days must increase: %d follows %d (position %d)",
							t, DatumGetInt32(lim[i - 1]), i + 1),
					 errhint("List them from the strictest to the loosest, e.g. '{1,30}'."));
	}
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	a = PG_GETARG_DATEADT(0);
	b = PG_GETARG_DATEADT(1);
	if (a == b)
		PG_RETURN_INT32(n + 2);
	if (transposed(a, b))
		PG_RETURN_INT32(n + 1);
	if (DATE_NOT_FINITE(a) || DATE_NOT_FINITE(b))
		PG_RETURN_INT32(0);
	diff = (int64) a - (int64) b;
	if (diff < 0)
		diff = -diff;
	for (int i = 0; i < n; i++)
		if (diff <= DatumGetInt32(lim[i]))
			PG_RETURN_INT32(n - i);
	PG_RETURN_INT32(0);
}

/*
 * number_level(a, b, within, relative): n = number of tolerances, increasing.
 * Level n + 1 = equal, n - i = |a - b| <= within[i] (or, when relative,
 * |a - b| / max(|a|, |b|) <= within[i]), 0 = farther; NULL when a or b is NULL.
 */
PG_FUNCTION_INFO_V1(number_level);
Datum
number_level(PG_FUNCTION_ARGS)
{
	int			n;
	Datum	   *lim = level_array(fcinfo, 2, "within", FLOAT8OID, &n);
	bool		relative;
	double		a,
				b,
				diff;

	if (PG_ARGISNULL(3))
		pm_error_null_argument("relative");
	relative = PG_GETARG_BOOL(3);
	for (int i = 0; i < n; i++)
	{
		double		t = DatumGetFloat8(lim[i]);

		if (!isfinite(t) || t <= 0.0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("tolerances in \"within\" must be positive and finite, got %g (position %d)", t, i + 1),
					 errdetail("Equality is always the top level."));
		if (i > 0 && t <= DatumGetFloat8(lim[i - 1]))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("tolerances in \"within\" must increase: %g follows %g (position %d)",
							t, DatumGetFloat8(lim[i - 1]), i + 1),
					 errhint("List them from the strictest to the loosest, e.g. '{0.5,2}'."));
	}
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	a = PG_GETARG_FLOAT8(0);
	b = PG_GETARG_FLOAT8(1);
	if (isnan(a) || isnan(b))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("cannot compare NaN (a = %g, b = %g)", a, b),
				 errhint("Turn unknown values into NULL, which is the \"missing\" level."));
	if (a == b)
		PG_RETURN_INT32(n + 1);
	if (isinf(a) || isinf(b))
		PG_RETURN_INT32(0);
	diff = fabs(a - b);
	if (relative)
		diff /= Max(fabs(a), fabs(b));
	for (int i = 0; i < n; i++)
		if (diff <= DatumGetFloat8(lim[i]))
			PG_RETURN_INT32(n - i);
	PG_RETURN_INT32(0);
}
