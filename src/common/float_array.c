/*
 * float_array.c: feature vectors, read by one rule.
 *
 * A feature vector is a one-dimensional float8[] (or empty) that comes from
 * users' queries: NULL elements and NaN mean "missing" (models impute or
 * route them), infinities are errors, and a ragged or mistyped array is an
 * error naming the argument, never a misread buffer.  Every precmed
 * function that reads features (training, predict, check_vector) reads
 * them here.
 */
#include "common/precmed.h"

#include <math.h>

#include "catalog/pg_type.h"

/* The elements of feature vector a (NULL and NaN as NaN); see precmed.h. */
double *
pm_feature_vector(ArrayType *a, const char *argname, int expected_len,
				  int *len, bool copy)
{
	int			n;
	double	   *src;
	double	   *v;
	bits8	   *nulls;

	if (a == NULL)
		pm_error_null_argument(argname);
	if (ARR_ELEMTYPE(a) != FLOAT8OID)
		elog(ERROR, "argument \"%s\" is not a float8[] array", argname);
	if (ARR_NDIM(a) == 0)
		n = 0;
	else if (ARR_NDIM(a) == 1)
		n = ARR_DIMS(a)[0];
	else
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" must be a one-dimensional array, not %d-dimensional",
						argname, ARR_NDIM(a)),
				 errhint("Pass one feature vector per row, such as ARRAY[1.0, NULL, 3.5]."));
	if (expected_len >= 0 && n != expected_len)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" has %d elements, expected %d",
						argname, n, expected_len),
				 expected_len > 0 ? errdetail("Every feature vector of a model must have the same length as the vectors it was trained on.") : 0,
				 errhint("Build every feature vector with the same query, e.g. precmed.aki_features()."));
	*len = n;
	if (n == 0)
		return NULL;
	src = (double *) ARR_DATA_PTR(a);
	nulls = ARR_NULLBITMAP(a);
	if (nulls == NULL && !copy)
		v = src;
	else
	{
		int			k = 0;

		v = palloc(sizeof(double) * n);
		for (int i = 0; i < n; i++)
		{
			if (nulls && !(nulls[i / 8] & (1 << (i % 8))))
				v[i] = NAN;
			else
				v[i] = src[k++];
		}
	}
	for (int i = 0; i < n; i++)
		if (isinf(v[i]))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("argument \"%s\" has an infinite element (%s) at position %d",
							argname, v[i] > 0 ? "Infinity" : "-Infinity", i + 1),
					 errdetail("NULL and NaN elements are read as missing values; infinities are not."),
					 errhint("Replace infinite values, e.g. with NULL."));
	return v;
}
