/*
 * float_array.c: checked access to float8[] arguments.
 *
 * Feature vectors and matrices come from users' queries; a NULL element, a
 * ragged shape or a NaN must be an error naming the argument, never a
 * misread buffer.
 */
#include "common/precmed.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/lsyscache.h"

static double *
checked_elements(ArrayType *a, const char *argname, int ndim_wanted)
{
	int			n;
	double	   *v;

	if (a == NULL)
		pm_error_null_argument(argname);
	if (ARR_ELEMTYPE(a) != FLOAT8OID)
		elog(ERROR, "argument \"%s\" is not a float8[] array", argname);
	if (ARR_NDIM(a) != ndim_wanted)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" must be a %d-dimensional array, not %d-dimensional",
						argname, ndim_wanted, ARR_NDIM(a)),
				 ndim_wanted == 1 ? errhint("Pass a flat array such as ARRAY[1.0, 2.0].")
				 : errhint("Pass a rectangular array such as ARRAY[[1.0, 2.0], [3.0, 4.0]]."));
	if (ARR_HASNULL(a))
	{
		bits8	   *nulls = ARR_NULLBITMAP(a);

		n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
		for (int i = 0; i < n; i++)
			if (!(nulls[i / 8] & (1 << (i % 8))))
				pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
						 errmsg("argument \"%s\" has a NULL element at position %d",
								argname, i + 1),
						 errhint("Replace missing values first, for example with coalesce() or an imputed value."));
	}
	n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	v = (double *) ARR_DATA_PTR(a);
	for (int i = 0; i < n; i++)
		if (isnan(v[i]) || isinf(v[i]))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("argument \"%s\" has a non-finite element (%s) at position %d",
							argname, isnan(v[i]) ? "NaN" : (v[i] > 0 ? "Infinity" : "-Infinity"),
							i + 1),
					 errhint("Replace NaN and infinite values first."));
	return v;
}

double *
pm_float8_vector(ArrayType *a, const char *argname, int expected_len, int *len)
{
	double	   *v;

	/* An empty array has zero dimensions in PostgreSQL. */
	if (a != NULL && ARR_NDIM(a) == 0 && ARR_ELEMTYPE(a) == FLOAT8OID)
	{
		*len = 0;
		v = NULL;
	}
	else
	{
		v = checked_elements(a, argname, 1);
		*len = ARR_DIMS(a)[0];
	}
	if (expected_len >= 0 && *len != expected_len)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" has %d elements, expected %d",
						argname, *len, expected_len),
				 errhint("Every vector passed here must have the same length."));
	return v;
}

double *
pm_float8_matrix(ArrayType *a, const char *argname, int *rows, int *cols)
{
	double	   *v = checked_elements(a, argname, 2);

	*rows = ARR_DIMS(a)[0];
	*cols = ARR_DIMS(a)[1];
	return v;
}

ArrayType *
pm_float8_array(const double *values, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	ArrayType  *a;

	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(values[i]);
	a = construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
						TYPALIGN_DOUBLE);
	pfree(d);
	return a;
}
