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

/* A query argument of aki_features: its name and columns. */
typedef struct AkiInput
{
	const char *argname;
	const PmColumn *columns;
	int			ncolumns;
} AkiInput;

static const AkiInput observations_input = {"observations", observation_columns, lengthof(observation_columns)};
static const AkiInput stays_input = {"stays", stay_columns, lengthof(stay_columns)};

/* The rows of query argument 0 of fcinfo, checked against in and cast. */
static Datum
aki_input_rows(FunctionCallInfo fcinfo, const AkiInput *in)
{
	pm_query_materialize(fcinfo, in->argname, pm_text_arg(fcinfo, 0, in->argname),
						 in->columns, in->ncolumns);
	return (Datum) 0;
}

/* Rows of the observations query of aki_features, checked and cast. */
PG_FUNCTION_INFO_V1(aki_observation_rows);
Datum
aki_observation_rows(PG_FUNCTION_ARGS)
{
	return aki_input_rows(fcinfo, &observations_input);
}

/* Rows of the stays query of aki_features, absent optional columns as NULL. */
PG_FUNCTION_INFO_V1(aki_stay_rows);
Datum
aki_stay_rows(PG_FUNCTION_ARGS)
{
	return aki_input_rows(fcinfo, &stays_input);
}
