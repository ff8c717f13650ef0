/*
 * aki_input.c: the query inputs of precmed.aki_features, checked by name and
 * type (common/query_input.c) before the feature query runs; the checked
 * query's all-columns form (optional ones as NULL) is what the feature query reads.
 */
#include "ml/ml.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

static const PmColumn observation_columns[] = {
	{"stay_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"variable", TEXTOID, false},
	{"value", FLOAT8OID, false},
};

static const PmColumn stay_columns[] = {
	{"stay_id", INT8OID, false},
	{"intime", TIMESTAMPOID, false},
	{"age", FLOAT8OID, false},
	{"female", BOOLOID, false},
	{"height", FLOAT8OID, true},
	{"weight", FLOAT8OID, true},
	{"icu_type", INT4OID, true},
};

PG_FUNCTION_INFO_V1(aki_input_sql);
Datum
aki_input_sql(PG_FUNCTION_ARGS)
{
	char	   *argname = pm_text_arg(fcinfo, 0, "argname");
	char	   *query;
	const PmColumn *spec;
	int			nspec;
	PmQueryInput *in;
	char	   *result;
	MemoryContext outer = CurrentMemoryContext;

	if (strcmp(argname, "observations") == 0)
	{
		spec = observation_columns;
		nspec = lengthof(observation_columns);
	}
	else if (strcmp(argname, "stays") == 0)
	{
		spec = stay_columns;
		nspec = lengthof(stay_columns);
	}
	else
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("unknown input \"%s\"", argname),
				 NULL, "Use \"observations\" or \"stays\".");
	query = pm_text_arg(fcinfo, 1, argname);

	SPI_connect();
	in = pm_query_input(argname, query, spec, nspec);
	result = MemoryContextStrdup(outer, in->sql_all_columns);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
