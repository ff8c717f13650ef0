/*
 * call.c: the set-up shared by precmed's set-returning functions that read
 * query arguments.
 *
 * Such a call returns its rows in a tuplestore (materialize mode), holds
 * its work in a memory context of its own so large intermediate data never
 * outlives it, and reads its inputs through SPI.  SPI_connect switches to
 * SPI's own context and SPI_finish frees it, so the call switches back to
 * its work context after each.
 */
#include "common/precmed.h"

#include "funcapi.h"
#include "utils/memutils.h"

/* Connect to SPI (an error if it cannot) and keep working in work. */
void
pm_spi_connect(MemoryContext work)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(work);
}

/* Finish with SPI, freeing what it allocated, and keep working in work. */
void
pm_spi_finish(MemoryContext work)
{
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(work);
}

void
pm_call_begin(PmCall *call, FunctionCallInfo fcinfo, const char *name)
{
	InitMaterializedSRF(fcinfo, 0);
	call->rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	call->work = AllocSetContextCreateInternal(CurrentMemoryContext, name,
											   ALLOCSET_DEFAULT_SIZES);
	call->caller = MemoryContextSwitchTo(call->work);
	pm_spi_connect(call->work);
}

void
pm_call_end(PmCall *call)
{
	MemoryContextSwitchTo(call->caller);
	MemoryContextDelete(call->work);
}
