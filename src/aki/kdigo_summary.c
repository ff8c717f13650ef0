/*
 * kdigo_summary.c: precmed.kdigo_summary(charttime, aki_stage), the stay
 * summary of kdigo_stages rows: worst stage, first time at stage >= 1, 2
 * and 3, and the number of staged rows.  A window ("worst stage in the first
 * 48 h") is an aggregate FILTER clause.
 *
 * How it works: a row of stage k sets the first time of every threshold
 * up to k (rows without a time count for the worst stage only), so the
 * state is fixed-size; two states combine by adding counts and taking the
 * maxima and earliest times, which makes the aggregate parallel.
 */
#include "aki/aki.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

typedef struct KdigoSummary
{
	int64		rows;
	int32		max_stage;		/* -1 until a stage is seen */
	bool		has_first[3];
	Timestamp	first[3];		/* first time at stage >= 1, >= 2, 3 */
} KdigoSummary;

/*
 * Whether s holds together: no rows exactly when no stage; a first time at
 * stage >= k + 1 only with max_stage > k, and then one at every lower
 * threshold, no later (the row that set it set those too).
 */
static bool
summary_is_valid(const KdigoSummary *s)
{
	if (s->rows < 0 || s->max_stage < -1 || s->max_stage > 3 ||
		(s->rows == 0) != (s->max_stage == -1))
		return false;
	for (int k = 0; k < 3; k++)
	{
		if (s->has_first[k] && s->max_stage <= k)
			return false;
		if (k > 0 && s->has_first[k] &&
			(!s->has_first[k - 1] || s->first[k - 1] > s->first[k]))
			return false;
	}
	return true;
}

#define AssertCheckSummary(s) Assert(summary_is_valid(s))

/* The transition state: argument 0, or a new empty one in the aggregate context. */
static KdigoSummary *
summary_state(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx = aki_agg_context(fcinfo, fn);
	KdigoSummary *s;

	if (!PG_ARGISNULL(0))
	{
		s = (KdigoSummary *) PG_GETARG_POINTER(0);
		AssertCheckSummary(s);
		return s;
	}
	s = MemoryContextAllocZero(aggctx, sizeof(KdigoSummary));
	s->max_stage = -1;
	return s;
}

/* First time at stage >= k + 1: the earlier of the kept one and t. */
static void
summary_add_first(KdigoSummary *s, int k, Timestamp t)
{
	if (!s->has_first[k] || t < s->first[k])
	{
		s->first[k] = t;
		s->has_first[k] = true;
	}
}

/* Transition: adds a row of stage 0-3 (NULL: skipped); 22023 for another stage. */
PG_FUNCTION_INFO_V1(kdigo_summary_transfn);
Datum
kdigo_summary_transfn(PG_FUNCTION_ARGS)
{
	KdigoSummary *s = summary_state(fcinfo, "kdigo_summary_transfn");
	int32		stage;

	if (PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);	/* unstaged rows do not count */
	stage = PG_GETARG_INT32(2);
	if (stage < 0 || stage > 3)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("aki_stage %d is not a KDIGO stage", stage),
				 errdetail("KDIGO stages are 0, 1, 2 and 3."));
	s->rows++;
	s->max_stage = Max(s->max_stage, stage);
	if (!PG_ARGISNULL(1))
		for (int k = 0; k < stage; k++)
			summary_add_first(s, k, PG_GETARG_TIMESTAMP(1));
	AssertCheckSummary(s);
	PG_RETURN_POINTER(s);
}

/* Combine: the summary of both states' rows. */
PG_FUNCTION_INFO_V1(kdigo_summary_combinefn);
Datum
kdigo_summary_combinefn(PG_FUNCTION_ARGS)
{
	KdigoSummary *a;
	KdigoSummary *b;
	void	   *trivial;

	if (aki_combine_trivial(fcinfo, "kdigo_summary_combinefn", sizeof(KdigoSummary), &trivial))
		PG_RETURN_POINTER(trivial);
	a = (KdigoSummary *) PG_GETARG_POINTER(0);
	b = (KdigoSummary *) PG_GETARG_POINTER(1);
	AssertCheckSummary(a);
	AssertCheckSummary(b);
	a->rows += b->rows;
	a->max_stage = Max(a->max_stage, b->max_stage);
	for (int k = 0; k < 3; k++)
		if (b->has_first[k])
			summary_add_first(a, k, b->first[k]);
	AssertCheckSummary(a);
	PG_RETURN_POINTER(a);
}

/* The state's payload: its fields in network order. */
static bytea *
summary_write(void *state)
{
	KdigoSummary *s = (KdigoSummary *) state;
	StringInfoData buf;

	AssertCheckSummary(s);
	pq_begintypsend(&buf);
	pq_sendint64(&buf, s->rows);
	pq_sendint32(&buf, s->max_stage);
	for (int k = 0; k < 3; k++)
	{
		pq_sendbyte(&buf, s->has_first[k]);
		pq_sendint64(&buf, s->first[k]);
	}
	return pq_endtypsend(&buf);
}

#define KDIGO_SUMMARY_SERIAL_LEN (8 + 4 + 3 * 9)

/* A state read from its payload: 22P03 for another length or a state that does not hold together. */
static void *
summary_read(const char *p, Size len, MemoryContext cxt)
{
	StringInfoData buf;
	KdigoSummary *s;

	if (len != KDIGO_SUMMARY_SERIAL_LEN)
		pm_state_corrupt(&aki_summary_family,
						 psprintf("A kdigo_summary state is %zu bytes long, not %d.",
								  len, KDIGO_SUMMARY_SERIAL_LEN));
	buf.data = (char *) p;
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 0;
	s = MemoryContextAllocZero(cxt, sizeof(KdigoSummary));
	s->rows = pq_getmsgint64(&buf);
	s->max_stage = pq_getmsgint(&buf, 4);
	for (int k = 0; k < 3; k++)
	{
		s->has_first[k] = pq_getmsgbyte(&buf) != 0;
		s->first[k] = pq_getmsgint64(&buf);
	}
	if (!summary_is_valid(s))
		pm_state_corrupt(&aki_summary_family, "Its stages, times and row count disagree.");
	return s;
}

/* precmed.kdigo_summary_state: a fixed-size state, kept flat and updated in place. */
const PmStateFamily aki_summary_family = {
	"kdigo_summary_state", PM_STATE_KDIGO_SUMMARY, sizeof(KdigoSummary), summary_write, summary_read
};

/* 0.1.0's serial and deserial functions (internal state). */
PM_STATE_LEGACY_SERIAL(kdigo_summary_serialfn, kdigo_summary_deserialfn, aki_summary_family)

/* Final: (max_stage, first_stage1, first_stage2, first_stage3, rows), NULL without a staged row. */
PG_FUNCTION_INFO_V1(kdigo_summary_finalfn);
Datum
kdigo_summary_finalfn(PG_FUNCTION_ARGS)
{
	KdigoSummary *s;
	TupleDesc	desc;
	Datum		v[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (KdigoSummary *) PG_GETARG_POINTER(0);
	AssertCheckSummary(s);
	if (s->rows == 0)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "kdigo_summary_finalfn must return a composite type");
	desc = BlessTupleDesc(desc);
	v[0] = Int32GetDatum(s->max_stage);
	for (int k = 0; k < 3; k++)
	{
		v[1 + k] = TimestampGetDatum(s->first[k]);
		nulls[1 + k] = !s->has_first[k];
	}
	v[4] = Int64GetDatum(s->rows);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, nulls)));
}

/* precmed.kdigo_summary_state: the aggregate's concrete state type, updated in place. */
PM_STATE_FUNCTIONS(kdigo_summary_state, aki_summary_family, kdigo_summary_transfn, kdigo_summary_combinefn)
PM_STATE_FINAL(kdigo_summary_finish, aki_summary_family, kdigo_summary_finalfn)
