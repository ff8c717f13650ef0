/*
 * kdigo_uo_rate.c: precmed.kdigo_uo_rate(ml, hours, kg, charttime,
 * min_hours, max_hours), the urine-output rate of kdigo_uo as an aggregate
 * to run over a RANGE window frame:
 *
 *   sum(ml) / kg of the latest row / round(sum(hours), 6), rounded to 4
 *   decimals, or NULL unless min_hours <= round(sum(hours), 6) < max_hours.
 *
 * hours is each row's hours since the stay's previous urine row (1 for the
 * first), as the reference's hours_since_previous_row.
 *
 * How it works: the state keeps the two sums and the weight of the latest
 * row (ties: the larger weight, so the result does not depend on the order
 * states combine in); it is fixed-size, and combine, serialize and
 * deserialize support parallel query.
 */
#include "aki/aki.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

typedef struct UoRateState
{
	double		ml;				/* sum of non-NULL volumes */
	double		hours;			/* sum of hours */
	double		kg;				/* weight of the latest row */
	double		min_hours;
	double		max_hours;
	Timestamp	last;			/* charttime of the latest row */
	bool		has_ml;
	bool		has_last;
	bool		kg_null;
	bool		has_max;
} UoRateState;

/*
 * Whether s holds together: the bounds and weight finite (each was checked
 * on entry), an unset value zero, and a NULL weight only for a latest row.
 */
static bool
uo_rate_is_valid(const UoRateState *s)
{
	return isfinite(s->kg) && isfinite(s->min_hours) && isfinite(s->max_hours) &&
		(s->has_max || s->max_hours == 0) &&
		(s->has_ml || s->ml == 0) &&
		(!s->kg_null || s->kg == 0) &&
		(s->has_last || (!s->kg_null && s->kg == 0));
}

#define AssertCheckUoRate(s) Assert(uo_rate_is_valid(s))

/* Argument argno as a finite float8; 22023 naming name otherwise. */
static double
finite_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	double		x = PG_GETARG_FLOAT8(argno);

	if (isnan(x) || isinf(x))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s %g is not finite", name, x),
				 errdetail("kdigo_uo_rate needs finite volumes, hours and weights."));
	return x;
}

/* Transition: adds a row; 22023 for a non-finite value, 22004 for a NULL min_hours. */
PG_FUNCTION_INFO_V1(kdigo_uo_rate_transfn);
Datum
kdigo_uo_rate_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = aki_agg_context(fcinfo, "kdigo_uo_rate_transfn");
	UoRateState *s;

	if (PG_ARGISNULL(0))
	{
		s = MemoryContextAllocZero(aggctx, sizeof(UoRateState));
		if (PG_ARGISNULL(5))
			pm_error_null_argument("min_hours");
		s->min_hours = finite_arg(fcinfo, 5, "min_hours");
		s->has_max = !PG_ARGISNULL(6);
		s->max_hours = s->has_max ? finite_arg(fcinfo, 6, "max_hours") : 0;
	}
	else
		s = (UoRateState *) PG_GETARG_POINTER(0);
	AssertCheckUoRate(s);

	if (!PG_ARGISNULL(1))
	{
		double		ml = finite_arg(fcinfo, 1, "ml");

		s->ml = s->has_ml ? s->ml + ml : ml;
		s->has_ml = true;
	}
	if (!PG_ARGISNULL(2))
		s->hours += finite_arg(fcinfo, 2, "hours");
	if (!PG_ARGISNULL(4))
	{
		Timestamp	t = PG_GETARG_TIMESTAMP(4);

		if (!s->has_last || t >= s->last)
		{
			s->last = t;
			s->has_last = true;
			s->kg_null = PG_ARGISNULL(3);
			s->kg = s->kg_null ? 0 : finite_arg(fcinfo, 3, "kg");
		}
	}
	AssertCheckUoRate(s);
	PG_RETURN_POINTER(s);
}

/* Combine: the sums of both states, the weight of the latest row of either. */
PG_FUNCTION_INFO_V1(kdigo_uo_rate_combinefn);
Datum
kdigo_uo_rate_combinefn(PG_FUNCTION_ARGS)
{
	UoRateState *a;
	UoRateState *b;
	void	   *trivial;

	if (aki_combine_trivial(fcinfo, "kdigo_uo_rate_combinefn", sizeof(UoRateState), &trivial))
		PG_RETURN_POINTER(trivial);
	a = (UoRateState *) PG_GETARG_POINTER(0);
	b = (UoRateState *) PG_GETARG_POINTER(1);
	AssertCheckUoRate(a);
	AssertCheckUoRate(b);
	if (b->has_ml)
	{
		a->ml = a->has_ml ? a->ml + b->ml : b->ml;
		a->has_ml = true;
	}
	a->hours += b->hours;
	if (b->has_last && (!a->has_last || b->last > a->last ||
						(b->last == a->last && !b->kg_null && (a->kg_null || b->kg > a->kg))))
	{
		a->last = b->last;
		a->has_last = true;
		a->kg = b->kg;
		a->kg_null = b->kg_null;
	}
	AssertCheckUoRate(a);
	PG_RETURN_POINTER(a);
}

/* The state's payload: its fields in network order. */
static bytea *
uo_rate_write(void *state)
{
	UoRateState *s = (UoRateState *) state;
	StringInfoData buf;

	AssertCheckUoRate(s);
	pq_begintypsend(&buf);
	pq_sendfloat8(&buf, s->ml);
	pq_sendfloat8(&buf, s->hours);
	pq_sendfloat8(&buf, s->kg);
	pq_sendfloat8(&buf, s->min_hours);
	pq_sendfloat8(&buf, s->max_hours);
	pq_sendint64(&buf, s->last);
	pq_sendbyte(&buf, s->has_ml);
	pq_sendbyte(&buf, s->has_last);
	pq_sendbyte(&buf, s->kg_null);
	pq_sendbyte(&buf, s->has_max);
	return pq_endtypsend(&buf);
}

#define UO_RATE_SERIAL_LEN (6 * 8 + 4)

/* A state read from its payload: 22P03 for another length or a state that does not hold together. */
static void *
uo_rate_read(const char *p, Size len, MemoryContext cxt)
{
	StringInfoData buf;
	UoRateState *s;

	if (len != UO_RATE_SERIAL_LEN)
		pm_state_corrupt(&aki_uo_rate_family,
						 psprintf("A kdigo_uo_rate state is %zu bytes long, not %d.", len, UO_RATE_SERIAL_LEN));
	buf.data = (char *) p;
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 0;
	s = MemoryContextAllocZero(cxt, sizeof(UoRateState));
	s->ml = pq_getmsgfloat8(&buf);
	s->hours = pq_getmsgfloat8(&buf);
	s->kg = pq_getmsgfloat8(&buf);
	s->min_hours = pq_getmsgfloat8(&buf);
	s->max_hours = pq_getmsgfloat8(&buf);
	s->last = pq_getmsgint64(&buf);
	s->has_ml = pq_getmsgbyte(&buf) != 0;
	s->has_last = pq_getmsgbyte(&buf) != 0;
	s->kg_null = pq_getmsgbyte(&buf) != 0;
	s->has_max = pq_getmsgbyte(&buf) != 0;
	if (!uo_rate_is_valid(s))
		pm_state_corrupt(&aki_uo_rate_family, "Its volumes, hours and weight disagree.");
	return s;
}

/* precmed.uo_rate_state: a fixed-size state, kept flat and updated in place. */
const PmStateFamily aki_uo_rate_family = {
	"uo_rate_state", PM_STATE_UO_RATE, sizeof(UoRateState), uo_rate_write, uo_rate_read
};

/* 0.1.0's serial and deserial functions (internal state). */
PM_STATE_LEGACY_SERIAL(kdigo_uo_rate_serialfn, kdigo_uo_rate_deserialfn, aki_uo_rate_family)

/* Final: the rounded rate, or NULL outside [min_hours, max_hours) or without volume or weight. */
PG_FUNCTION_INFO_V1(kdigo_uo_rate_finalfn);
Datum
kdigo_uo_rate_finalfn(PG_FUNCTION_ARGS)
{
	UoRateState *s;
	double		hours;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (UoRateState *) PG_GETARG_POINTER(0);
	AssertCheckUoRate(s);
	if (!s->has_ml || !s->has_last || s->kg_null || !(s->kg > 0))
		PG_RETURN_NULL();
	/* documented hours rounded to 6 decimals, as the reference's uo_tm */
	hours = aki_round_numeric(s->hours, 6);
	if (!(hours >= s->min_hours) || (s->has_max && !(hours < s->max_hours)) || !(hours > 0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(aki_uo_rate(s->ml, s->kg, hours));
}

/* precmed.uo_rate_state: kdigo_uo_rate's concrete state type, updated in place. */
PM_STATE_FUNCTIONS(uo_rate_state, aki_uo_rate_family, kdigo_uo_rate_transfn, kdigo_uo_rate_combinefn)
PM_STATE_FINAL(kdigo_uo_rate_finish, aki_uo_rate_family, kdigo_uo_rate_finalfn)
