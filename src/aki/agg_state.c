/*
 * agg_state.c: what the aggregates kdigo_summary and kdigo_uo_rate share.
 * Both keep a fixed-size state in the aggregate's memory context and
 * support parallel query; only their fields differ.
 */
#include "aki/aki.h"

#include "libpq/pqformat.h"

/* AggCheckCallContext, or an error naming fn. */
MemoryContext
aki_agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return aggctx;
}

/* Combine with a NULL side: the other side (copied when it is argument 1). */
bool
aki_combine_trivial(FunctionCallInfo fcinfo, const char *fn, Size size, void **result)
{
	MemoryContext aggctx = aki_agg_context(fcinfo, fn);

	if (PG_ARGISNULL(1))
	{
		*result = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
		return true;
	}
	if (PG_ARGISNULL(0))
	{
		/* the second state belongs to the caller: the result is a copy */
		*result = MemoryContextAlloc(aggctx, size);
		memcpy(*result, PG_GETARG_POINTER(1), size);
		return true;
	}
	return false;
}

/* Argument 0 as a message buffer of exactly len bytes. */
void
aki_serial_buffer(FunctionCallInfo fcinfo, int len, const char *what, StringInfo buf)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	if (VARSIZE_ANY_EXHDR(b) != len)
		pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
				 errmsg("serialized %s state has %d bytes, not %d",
						what, (int) VARSIZE_ANY_EXHDR(b), len));
	buf->data = VARDATA_ANY(b);
	buf->len = len;
	buf->maxlen = len;
	buf->cursor = 0;
}
