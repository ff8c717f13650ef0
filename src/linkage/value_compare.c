/*
 * value_compare.c: date and number comparators and their comparison levels.
 *
 * Dates of birth are typed by hand: the common errors are a swapped day and
 * month (US versus day-first entry) and a slip of a few days, which is why
 * the date levels are exact, transposed day/month, then "within N days".
 */
#include "linkage/linkage.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/date.h"
#include "utils/datetime.h"

/* Whether a and b differ and have the same year with day and month swapped. */
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

/* dates_transposed(a, b): whether two different dates swap day and month in the same year (STRICT). */
PG_FUNCTION_INFO_V1(dates_transposed);
Datum
dates_transposed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(transposed(PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1)));
}

static const LkLimitsSpec day_limits = {
	.argname = "within_days",
	.elemtype = INT4OID,
	.max_count = LK_MAX_LEVELS - 3,
	.decreasing = false,
	.min = 1,
	.max = PG_INT32_MAX,
	.range = "positive",
	.detail = "The same date is always the top level.",
	.example = "{1,30}",
};

static const LkLimitsSpec tolerance_limits = {
	.argname = "within",
	.elemtype = FLOAT8OID,
	.max_count = LK_MAX_LEVELS - 3,
	.decreasing = false,
	.min = 0.0,
	.min_open = true,
	.max = DBL_MAX,
	.range = "positive and finite",
	.detail = "Equality is always the top level.",
	.example = "{0.5,2}",
};

/*
 * date_level(a, b, within_days): n = number of day limits, increasing.
 * Level n + 2 = same date, n + 1 = day and month transposed, n - i = at most
 * within_days[i] days apart, 0 = farther; NULL when a or b is NULL.  Refuses
 * limits below 1, not increasing, or NULL.
 */
PG_FUNCTION_INFO_V1(date_level);
Datum
date_level(PG_FUNCTION_ARGS)
{
	const LkLimits *limits = lk_limits(fcinfo, 2, &day_limits);
	DateADT		a,
				b;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	a = PG_GETARG_DATEADT(0);
	b = PG_GETARG_DATEADT(1);
	if (a == b)
		PG_RETURN_INT32(limits->n + 2);
	if (transposed(a, b))
		PG_RETURN_INT32(limits->n + 1);
	if (DATE_NOT_FINITE(a) || DATE_NOT_FINITE(b))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(lk_level_of(fabs((double) a - (double) b), limits, false));
}

/*
 * number_level(a, b, within, relative): n = number of tolerances, increasing.
 * Level n + 1 = equal, n - i = |a - b| <= within[i] (or, when relative,
 * |a - b| / max(|a|, |b|) <= within[i]), 0 = farther; NULL when a or b is
 * NULL.  Refuses tolerances not positive and finite, not increasing, or
 * NULL, a NULL relative, and NaN.
 */
PG_FUNCTION_INFO_V1(number_level);
Datum
number_level(PG_FUNCTION_ARGS)
{
	const LkLimits *limits = lk_limits(fcinfo, 2, &tolerance_limits);
	bool		relative;
	double		a,
				b,
				diff;

	if (PG_ARGISNULL(3))
		pm_error_null_argument("relative");
	relative = PG_GETARG_BOOL(3);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	a = PG_GETARG_FLOAT8(0);
	b = PG_GETARG_FLOAT8(1);
	if (isnan(a) || isnan(b))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("cannot compare NaN (a = %g, b = %g)", a, b),
				 errhint("Turn unknown values into NULL, which is the \"missing\" level."));
	if (a == b)
		PG_RETURN_INT32(limits->n + 1);
	if (isinf(a) || isinf(b))
		PG_RETURN_INT32(0);
	diff = fabs(a - b);
	if (relative)
		diff /= Max(fabs(a), fabs(b));
	PG_RETURN_INT32(lk_level_of(diff, limits, false));
}
