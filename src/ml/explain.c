/*
 * explain.c: precmed.predict_contributions and precmed.top_reasons, why a
 * model gives a patient the risk it gives.
 *
 * Both score with the parsed model predict caches per call site
 * (ml_cached_model), and compute the per-feature contributions to the
 * margin (log-odds) with ml_contributions: TreeSHAP for XGBoost
 * (treeshap.c), coefficient times standardized value for logistic
 * regression (logreg.c).
 */
#include "ml/ml.h"
#include "decision/decision.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * The contributions of the features argument (argument 1) under the model
 * argument (argument 0): nfeatures + 1 values (bias last) into *out, the
 * model's feature count into *n, the feature values (NaN = missing) into *x.
 */
static void
contributions_of_args(FunctionCallInfo fcinfo, double **out, double **x, int *n)
{
	MlCachedModel *c;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	c = ml_cached_model(fcinfo, PG_GETARG_DATUM(0));
	if (c->algorithm == ML_ALG_MULTILABEL)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"model\" is a multi-label model"),
				 errdetail("precmed.top_reasons explains one probability; this model has %d labels.",
						   dec_model_nlabels(c->multi)),
				 errhint("Use precmed.predict_contributions, which returns one row of contributions per label."));
	*x = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features", c->nfeatures, n, false);
	*out = palloc(sizeof(double) * (c->nfeatures + 1));
	if (c->algorithm == ML_ALG_XGBOOST)
		ml_contributions(c->algorithm, c->forest, *x, *out);
	else
		ml_contributions(c->algorithm, &c->logreg, *x, *out);
}

/*
 * precmed.predict_contributions(model, features): each feature's contribution
 * to the margin, then the bias (NULL features: NULL); for a multi-label
 * model a two-dimensional array, one such row per label (decision/model.c).
 */
PG_FUNCTION_INFO_V1(predict_contributions);
Datum
predict_contributions(PG_FUNCTION_ARGS)
{
	double	   *out,
			   *x;
	int			n;
	Datum	   *d;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (ml_cached_model(fcinfo, PG_GETARG_DATUM(0))->algorithm == ML_ALG_MULTILABEL)
		PG_RETURN_DATUM(dec_contributions_array(fcinfo));
	contributions_of_args(fcinfo, &out, &x, &n);
	d = palloc(sizeof(Datum) * (n + 1));
	for (int i = 0; i <= n; i++)
		d[i] = Float8GetDatum(out[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n + 1, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* The n names of argument "names" (one-dimensional, no NULL), as C strings. */
static char **
names_arg(ArrayType *a, int n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	char	  **names;

	if (ARR_NDIM(a) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"names\" must be a one-dimensional array, not %d-dimensional",
						ARR_NDIM(a)),
				 errhint("Pass one name per feature, e.g. precmed.aki_feature_names()."));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
	if (count != n)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"names\" holds %d names, the model has %d features", count, n),
				 errdetail("Each feature position needs its name."),
				 errhint("Pass the names of the feature vector the model was trained on, e.g. precmed.aki_feature_names()."));
	names = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("argument \"names\" has a NULL element at position %d", i + 1),
					 errhint("Give every feature position a name."));
		names[i] = TextDatumGetCString(elems[i]);
	}
	return names;
}

/* Order of feature positions: larger contribution first, then position. */
static int
cmp_contribution(const void *a, const void *b, void *arg)
{
	const double *c = (const double *) arg;
	int			i = *(const int *) a,
				j = *(const int *) b;

	if (c[i] != c[j])
		return c[i] > c[j] ? -1 : 1;
	return (i > j) - (i < j);
}

/*
 * precmed.top_reasons(model, features, names, k): the k features that raise
 * the margin most (positive contributions only), with names and values.
 */
PG_FUNCTION_INFO_V1(top_reasons);
Datum
top_reasons(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double	   *out,
			   *x;
	int			n,
				k,
				npos = 0,
			   *order;
	char	  **names;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	if (PG_ARGISNULL(2))
		pm_error_null_argument("names");
	if (PG_ARGISNULL(3))
		pm_error_null_argument("k");
	k = PG_GETARG_INT32(3);
	if (k < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"k\" must not be negative, got %d", k),
				 errhint("k is the number of reasons to list, e.g. 3."));
	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(1))
		return (Datum) 0;
	contributions_of_args(fcinfo, &out, &x, &n);
	names = names_arg(PG_GETARG_ARRAYTYPE_P(2), n);
	order = palloc(sizeof(int) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (out[i] > 0)
			order[npos++] = i;
	qsort_arg(order, npos, sizeof(int), cmp_contribution, out);
	for (int r = 0; r < Min(k, npos); r++)
	{
		int			j = order[r];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = Int32GetDatum(r + 1);
		values[1] = CStringGetTextDatum(names[j]);
		values[2] = Float8GetDatum(x[j]);
		nulls[2] = isnan(x[j]);
		values[3] = Float8GetDatum(out[j]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
