/*
 * sanitizer_support.c: compiled into precmed.so by `bash scripts/run.sh
 * test-asan` only (copied into its build tree), never into the extension.
 *
 * 1. Options.  A backend loads libasan as precmed.so's dependency (it cannot
 *    be preloaded: see scripts/run.sh), after PostgreSQL has rewritten the
 *    process's environment area for its ps display, so the sanitizers cannot
 *    read ASAN_OPTIONS from /proc/self/environ; they ask these hooks, which
 *    read the report folder with getenv.  The hooks run while the runtime
 *    initializes: no instrumentation and no intercepted library calls.
 *
 * 2. Stack after ERROR.  ERROR leaves precmed's frames by siglongjmp from
 *    PostgreSQL's (uninstrumented) code, which ASan cannot intercept when
 *    not preloaded, so those frames' redzones stay poisoned and a later call
 *    at the same depth would be reported falsely.  At (sub)transaction abort,
 *    which every ERROR reaches (precmed's PG_CATCH blocks all re-throw), the
 *    dead stack below the current frame is unpoisoned, as ASan's longjmp
 *    interceptor does.
 */
#include "postgres.h"

#include <stdlib.h>
#include <sys/resource.h>

#include <sanitizer/asan_interface.h>

#include "access/xact.h"

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

/* base + ":log_path=<PRECMED_SANITIZER_LOG>" + name, in buf. */
__attribute__((no_sanitize("address", "undefined")))
static const char *
options(char *buf, int size, const char *base, const char *name)
{
	const char *dir = getenv("PRECMED_SANITIZER_LOG");
	const char *parts[4];
	int			n = 0,
				i;

	parts[0] = base;
	parts[1] = dir ? ":log_path=" : "";
	parts[2] = dir ? dir : "";
	parts[3] = dir ? name : "";
	for (i = 0; i < 4; i++)
	{
		const char *p;

		for (p = parts[i]; *p && n < size - 1; p++)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return buf;
}

/* PostgreSQL frees by context reset and not at exit: no leak checks. */
__attribute__((no_sanitize("address", "undefined")))
const char *
__asan_default_options(void)
{
	static char buf[1024];

	return options(buf, sizeof(buf),
				   "verify_asan_link_order=0:detect_leaks=0:abort_on_error=1:detect_odr_violation=0",
				   "/asan");
}

__attribute__((no_sanitize("address", "undefined")))
const char *
__ubsan_default_options(void)
{
	static char buf[1024];

	return options(buf, sizeof(buf), "print_stacktrace=1", "/ubsan");
}

/* Unpoison the stack below this frame (the frames ERROR jumped out of). */
__attribute__((noinline))
static void
unpoison_dead_stack(void)
{
	char	   *here = (char *) __builtin_frame_address(0);
	struct rlimit rl;
	size_t		size = 8 * 1024 * 1024;

	if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		rl.rlim_cur < size)
		size = rl.rlim_cur;
	/* stay clear of this frame and of the stack's guard page */
	size -= 64 * 1024;
	ASAN_UNPOISON_MEMORY_REGION(here - 1024 - size, size);
}

static void
xact_abort(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		unpoison_dead_stack();
}

static void
subxact_abort(SubXactEvent event, SubTransactionId mySubid,
			  SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		unpoison_dead_stack();
}

__attribute__((constructor))
static void
register_unpoisoning(void)
{
	RegisterXactCallback(xact_abort, NULL);
	RegisterSubXactCallback(subxact_abort, NULL);
}
