/*
 * progress.c: progress lines of long precmed calls, one way everywhere.
 *
 * A call reports its phases with pm_progress; the lines reach the client
 * as NOTICEs, each with the seconds since the statement began, when the
 * session sets precmed.progress (or the call's own params ask for it).
 * Measurement for figures lives in bench/, not here.
 */
#include "common/precmed.h"

#include <stdarg.h>

#include "access/xact.h"
#include "lib/stringinfo.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

bool		pm_progress_enabled = false;

/* Register precmed.progress; called once from _PG_init. */
void
pm_progress_init(void)
{
	DefineCustomBoolVariable("precmed.progress",
							 "Report the phases of long precmed calls as NOTICE lines.",
							 "Each line gives the seconds since the statement began.",
							 &pm_progress_enabled,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
}

void
pm_progress(bool asked, const char *fmt,...)
{
	StringInfoData buf;
	va_list		args;
	long		secs;
	int			usecs;

	if (!asked && !pm_progress_enabled)
		return;
	initStringInfo(&buf);
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	TimestampDifference(GetCurrentStatementStartTimestamp(), GetCurrentTimestamp(),
						&secs, &usecs);
	ereport(NOTICE,
			errmsg_internal("%.3f s: %s", secs + usecs / 1e6, buf.data));
	pfree(buf.data);
}
