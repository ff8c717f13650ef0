/*
 * aki_input.c: the query inputs of precmed.aki_features, read through the
 * common checked path (common/query_input.c) as set-returning functions,
 * so the feature query selects from them and never holds the user's text.
 */
#include "ml/ml.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"

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

/* Rows of the observations query of aki_features, checked and cast. */
PG_FUNCTION_INFO_V1(aki_observation_rows);
Datum
aki_observation_rows(PG_FUNCTION_ARGS)
{
	pm_query_materialize(fcinfo, "observations", pm_text_arg(fcinfo, 0, "observations"),
						 observation_columns, lengthof(observation_columns));
	return (Datum) 0;
}

/* Rows of the stays query of aki_features, absent optional columns as NULL. */
PG_FUNCTION_INFO_V1(aki_stay_rows);
Datum
aki_stay_rows(PG_FUNCTION_ARGS)
{
	pm_query_materialize(fcinfo, "stays", pm_text_arg(fcinfo, 0, "stays"),
						 stay_columns, lengthof(stay_columns));
	return (Datum) 0;
}
