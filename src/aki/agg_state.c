/*
 * agg_state.c: what the aggregates kdigo_summary and kdigo_uo_rate share.
 * Both keep a fixed-size state in the aggregate's memory context and
 * support parallel query; only their fields differ.
 */
#include "aki/aki.h"


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
