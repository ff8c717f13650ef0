/*
 * errors.c: raising errors with a specific SQLSTATE.
 */
#include "common/precmed.h"

#include "utils/builtins.h"

void
pm_error(int sqlstate, const char *message, const char *detail,
		 const char *hint)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg_internal("%s", message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

void
pm_error_null_argument(const char *argname)
{
	pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
			 psprintf("argument \"%s\" must not be NULL", argname),
			 NULL,
			 "Pass a value, or leave the argument out to use its default.");
}

char *
pm_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		pm_error_null_argument(argname);
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}
