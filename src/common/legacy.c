/*
 * legacy.c: C symbols named by an earlier release's install script and
 * dropped since.
 *
 * One library serves every installed version of precmed's SQL objects, and
 * CREATE FUNCTION checks that the symbol exists, so an earlier release's
 * script (CREATE EXTENSION precmed VERSION '0.1.0', or a database not yet
 * updated) must still find these.  Calling one asks for the update, which
 * drops the function.
 */
#include "common/precmed.h"

/* Refuse a call made through SQL definitions older than this library. */
static void
refuse_legacy_call(const char *name, const char *release)
{
	pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
			 errmsg("precmed's SQL definitions are older than its library"),
			 errdetail("%s belongs to precmed %s and is not served by this library.", name, release),
			 errhint("Run ALTER EXTENSION precmed UPDATE."));
}

/* 0.1.0: returned SQL text that aki_features pasted into its own query. */
PG_FUNCTION_INFO_V1(aki_input_sql);
Datum
aki_input_sql(PG_FUNCTION_ARGS)
{
	refuse_legacy_call("aki_input_sql", "0.1.0");
	PG_RETURN_NULL();
}

/* 0.1.0: checked a float8 matrix that no precmed function takes. */
PG_FUNCTION_INFO_V1(check_matrix);
Datum
check_matrix(PG_FUNCTION_ARGS)
{
	refuse_legacy_call("check_matrix", "0.1.0");
	PG_RETURN_NULL();
}
