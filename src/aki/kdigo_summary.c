/*
 * kdigo_summary.c: precmed.kdigo_summary(charttime, aki_stage), the stay
 * summary of kdigo_stages rows: worst stage, first time at stage >= 1, 2
 * and 3, and the number of staged rows.  A window ("worst stage in the first
 * 48 h") is an aggregate FILTER clause.  The state is fixed-size, so it
 * combines, serializes and deserializes trivially for parallel query.
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

static KdigoSummary *
summary_state(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;
	KdigoSummary *s;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	if (!PG_ARGISNULL(0))
		return (KdigoSummary *) PG_GETARG_POINTER(0);
	s = MemoryContextAllocZero(aggctx, sizeof(KdigoSummary));
	s->max_stage = -1;
	return s;
}

static void
summary_add_first(KdigoSummary *s, int k, Timestamp t)
{
	if (!s->has_first[k] || t < s->first[k])
	{
		s->first[k] = t;
		s->has_first[k] = true;
	}
}

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
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(kdigo_summary_combinefn);
Datum
kdigo_summary_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	KdigoSummary *a;
	KdigoSummary *b;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "kdigo_summary_combinefn called in non-aggregate context");
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	b = (KdigoSummary *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		a = MemoryContextAlloc(aggctx, sizeof(KdigoSummary));
		*a = *b;
		PG_RETURN_POINTER(a);
	}
	a = (KdigoSummary *) PG_GETARG_POINTER(0);
	a->rows += b->rows;
	a->max_stage = Max(a->max_stage, b->max_stage);
	for (int k = 0; k < 3; k++)
		if (b->has_first[k])
			summary_add_first(a, k, b->first[k]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(kdigo_summary_serialfn);
Datum
kdigo_summary_serialfn(PG_FUNCTION_ARGS)
{
	KdigoSummary *s = (KdigoSummary *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, s->rows);
	pq_sendint32(&buf, s->max_stage);
	for (int k = 0; k < 3; k++)
	{
		pq_sendbyte(&buf, s->has_first[k]);
		pq_sendint64(&buf, s->first[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

#define KDIGO_SUMMARY_SERIAL_LEN (8 + 4 + 3 * 9)

PG_FUNCTION_INFO_V1(kdigo_summary_deserialfn);
Datum
kdigo_summary_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx;
	StringInfoData buf;
	KdigoSummary *s;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "kdigo_summary_deserialfn called in non-aggregate context");
	if (VARSIZE_ANY_EXHDR(b) != KDIGO_SUMMARY_SERIAL_LEN)
		pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
				 errmsg("serialized kdigo_summary state has %d bytes, not %d",
						(int) VARSIZE_ANY_EXHDR(b), KDIGO_SUMMARY_SERIAL_LEN));
	s = MemoryContextAllocZero(aggctx, sizeof(KdigoSummary));
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	s->rows = pq_getmsgint64(&buf);
	s->max_stage = pq_getmsgint(&buf, 4);
	if (s->rows < 0 || s->max_stage < -1 || s->max_stage > 3)
		pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
				 errmsg("serialized kdigo_summary state is corrupt"));
	for (int k = 0; k < 3; k++)
	{
		s->has_first[k] = pq_getmsgbyte(&buf) != 0;
		s->first[k] = pq_getmsgint64(&buf);
	}
	PG_RETURN_POINTER(s);
}

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
