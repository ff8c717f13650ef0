/*
 * input_checks.c: the common input checks, callable from SQL.
 *
 * A DBA can check a query or an array exactly as precmed's own functions
 * will, before starting a long run.
 */
#include "common/precmed.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * precmed.check_input(query, columns, types): runs the query as precmed reads
 * query arguments and returns its row count; refuses what they refuse.
 */
PG_FUNCTION_INFO_V1(check_input);
Datum
check_input(PG_FUNCTION_ARGS)
{
	char	   *query = pm_text_arg(fcinfo, 0, "query");
	ArrayType  *names;
	ArrayType  *types;
	Datum	   *name_datums;
	Datum	   *type_datums;
	bool	   *name_nulls;
	bool	   *type_nulls;
	int			nnames,
				ntypes;
	PmColumn   *spec;
	PmQueryInput *input;
	uint64		rows;

	if (PG_ARGISNULL(1))
		pm_error_null_argument("columns");
	if (PG_ARGISNULL(2))
		pm_error_null_argument("types");
	names = PG_GETARG_ARRAYTYPE_P(1);
	types = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(names) > 1 || ARR_NDIM(types) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("arguments \"columns\" and \"types\" must be one-dimensional arrays"));
	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT,
					  &name_datums, &name_nulls, &nnames);
	deconstruct_array(types, REGTYPEOID, sizeof(Oid), true, TYPALIGN_INT,
					  &type_datums, &type_nulls, &ntypes);
	if (nnames != ntypes)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("\"columns\" has %d elements but \"types\" has %d", nnames, ntypes),
				 errhint("Give one type per column."));
	if (nnames == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("\"columns\" must name at least one column"));

	spec = palloc0(sizeof(PmColumn) * nnames);
	for (int i = 0; i < nnames; i++)
	{
		if (name_nulls[i] || type_nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("\"columns\" and \"types\" must not contain NULL (position %d)", i + 1));
		spec[i].name = TextDatumGetCString(name_datums[i]);
		/* "name?" marks a column the query may leave out */
		if (strlen(spec[i].name) > 1 && spec[i].name[strlen(spec[i].name) - 1] == '?')
		{
			spec[i].name = pnstrdup(spec[i].name, strlen(spec[i].name) - 1);
			spec[i].optional = true;
		}
		spec[i].type = DatumGetObjectId(type_datums[i]);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	input = pm_query_input("query", query, spec, nnames);
	rows = pm_query_count(input);
	SPI_finish();

	PG_RETURN_INT64((int64) rows);
}

/* precmed.check_vector(x, expected_length): the length of a valid feature vector. */
PG_FUNCTION_INFO_V1(check_vector);
Datum
check_vector(PG_FUNCTION_ARGS)
{
	int			expected = PG_ARGISNULL(1) ? -1 : PG_GETARG_INT32(1);
	int			len;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("x");
	if (!PG_ARGISNULL(1) && expected < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("expected_length must not be negative, got %d", expected));
	(void) pm_feature_vector(PG_GETARG_ARRAYTYPE_P(0), "x", expected, &len, false);
	PG_RETURN_INT32(len);
}
