/*
 * errors.c: argument helpers that raise precmed's errors (the pm_error
 * macros themselves are in precmed.h, so errors report their own line).
 */
#include "common/precmed.h"

#include "utils/builtins.h"

/* The text argument argno as a C string; 22004 naming argname when NULL. */
char *
pm_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		pm_error_null_argument(argname);
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}
