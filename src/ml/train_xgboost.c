/*
 * train_xgboost.c: final function of precmed.train_xgboost.
 *
 * Trains gradient-boosted trees with libxgboost's C API on the rows the
 * aggregate collected and stores XGBoost's JSON model inside a precmed model
 * value.  Defaults are the tuned ones of docs/aki_risk.md (depth 3, eta 0.03,
 * 200 rounds, subsample 0.8, colsample_bytree 0.5, hist), not libxgboost's.
 * nthread defaults to 1: parallelism comes from PostgreSQL, and with a fixed
 * seed the model is the same whatever the thread count (tested).
 */
#include "ml/ml.h"

#include <math.h>
#include <xgboost/c_api.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"

typedef struct XgbParam
{
	const char *name;
	const char *value;			/* default, as XGBoost reads it */
	bool		is_string;
} XgbParam;

/* The parameters precmed passes to XGBoost, with precmed's defaults. */
static const XgbParam xgb_defaults[] = {
	{"objective", "binary:logistic", true},
	{"booster", "gbtree", true},
	{"tree_method", "hist", true},
	{"max_depth", "3", false},
	{"eta", "0.03", false},
	{"num_round", "200", false},
	{"min_child_weight", "1", false},
	{"subsample", "0.8", false},
	{"colsample_bytree", "0.5", false},
	{"colsample_bylevel", "1", false},
	{"colsample_bynode", "1", false},
	{"lambda", "1", false},
	{"alpha", "0", false},
	{"gamma", "0", false},
	{"max_bin", "256", false},
	{"max_delta_step", "0", false},
	{"scale_pos_weight", "1", false},
	{"base_score", "0.5", false},
	{"seed", "0", false},
	{"nthread", "1", false},
};
#define N_XGB_PARAMS lengthof(xgb_defaults)

/* XGBoost's aliases, folded into the names above */
static const char *
canonical_name(const char *key)
{
	if (strcmp(key, "learning_rate") == 0)
		return "eta";
	if (strcmp(key, "reg_lambda") == 0)
		return "lambda";
	if (strcmp(key, "reg_alpha") == 0)
		return "alpha";
	if (strcmp(key, "min_split_loss") == 0)
		return "gamma";
	if (strcmp(key, "n_estimators") == 0 || strcmp(key, "num_boost_round") == 0)
		return "num_round";
	if (strcmp(key, "random_state") == 0)
		return "seed";
	return key;
}

static void
xgb_check(int rc, const char *what, int sqlstate)
{
	if (rc != 0)
		pm_error(sqlstate,
				 psprintf("XGBoost failed to %s: %s", what, XGBGetLastError()),
				 NULL,
				 sqlstate == ERRCODE_INVALID_PARAMETER_VALUE
				 ? "Check the params argument against docs/aki_risk.md." : NULL);
}

/* Read the params jsonb (as text) into values[], over the defaults. */
static void
read_params(const char *params, char **values)
{
	for (int i = 0; i < (int) N_XGB_PARAMS; i++)
		values[i] = pstrdup(xgb_defaults[i].value);
	if (params == NULL)
		return;
	{
		Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(params)));
		JsonbIterator *it;
		JsonbValue	k,
					v;
		JsonbIteratorToken tok;

		if (!JB_ROOT_IS_OBJECT(jb))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 psprintf("argument \"params\" must be a JSON object, not %s", params),
					 NULL, "Pass e.g. '{\"max_depth\": 3, \"eta\": 0.03}' or '{}' for the defaults.");
		it = JsonbIteratorInit(&jb->root);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			char	   *key;
			const char *name;
			int			idx = -1;

			if (tok != WJB_KEY)
				continue;
			key = pnstrdup(k.val.string.val, k.val.string.len);
			tok = JsonbIteratorNext(&it, &v, true);
			name = canonical_name(key);
			for (int i = 0; i < (int) N_XGB_PARAMS; i++)
				if (strcmp(xgb_defaults[i].name, name) == 0)
					idx = i;
			if (idx < 0)
			{
				StringInfoData known;

				initStringInfo(&known);
				for (int i = 0; i < (int) N_XGB_PARAMS; i++)
					appendStringInfo(&known, "%s%s", i ? ", " : "", xgb_defaults[i].name);
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 psprintf("unknown XGBoost parameter \"%s\" in argument \"params\"", key),
						 psprintf("Known parameters: %s.", known.data),
						 "Use XGBoost's own parameter names.");
			}
			if (xgb_defaults[idx].is_string && v.type == jbvString)
				values[idx] = pnstrdup(v.val.string.val, v.val.string.len);
			else if (!xgb_defaults[idx].is_string && v.type == jbvNumeric)
				values[idx] = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
			else
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 psprintf("XGBoost parameter \"%s\" must be a %s", key,
								  xgb_defaults[idx].is_string ? "string" : "number"),
						 NULL, NULL);
		}
	}
	if (strcmp(values[0], "binary:logistic") != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("XGBoost objective \"%s\" is not supported", values[0]),
				 "precmed.predict returns a probability, so the model must be a binary classifier.",
				 "Use \"binary:logistic\" (the default).");
	if (strcmp(values[1], "gbtree") != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("XGBoost booster \"%s\" is not supported", values[1]),
				 NULL, "Use \"gbtree\" (the default).");
}

static int
param_index(const char *name)
{
	for (int i = 0; i < (int) N_XGB_PARAMS; i++)
		if (strcmp(xgb_defaults[i].name, name) == 0)
			return i;
	elog(ERROR, "unknown parameter %s", name);
	return -1;
}

PG_FUNCTION_INFO_V1(train_xgboost_final);
Datum
train_xgboost_final(PG_FUNCTION_ARGS)
{
	MlTrainRows *r;
	char	   *values[N_XGB_PARAMS];
	long		num_round;
	char	   *end;
	float	   *xf;
	float	   *yf;
	int64		npos = 0;
	DMatrixHandle dtrain = NULL;
	BoosterHandle booster = NULL;
	bytea	   *result = NULL;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "train_xgboost_final called in non-aggregate context");
	r = PG_ARGISNULL(0) ? NULL : (MlTrainRows *) PG_GETARG_POINTER(0);
	if (r == NULL || r->nrows == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 "training set is empty",
				 "precmed.train_xgboost received no rows.",
				 "Check the query's WHERE clause and joins.");

	read_params(r->params, values);
	num_round = strtol(values[param_index("num_round")], &end, 10);
	if (*end != '\0' || num_round < 1 || num_round > 100000)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("XGBoost parameter \"num_round\" is %s", values[param_index("num_round")]),
				 NULL, "Use a whole number of boosting rounds from 1 to 100000.");
	{
		long		nthread = strtol(values[param_index("nthread")], &end, 10);

		if (*end != '\0' || nthread < 1 || nthread > 64)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 psprintf("XGBoost parameter \"nthread\" is %s", values[param_index("nthread")]),
					 NULL, "Use 1 (the default) to 64.");
	}

	ml_train_rows_sort(r);
	for (int64 i = 0; i < r->nrows; i++)
		npos += r->y[i] == 1.0;
	if (npos == 0 || npos == r->nrows)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("training set has only one class: %lld rows, all labelled %d",
						  (long long) r->nrows, npos ? 1 : 0),
				 NULL, "A classifier needs rows labelled 0 and rows labelled 1.");

	xf = palloc_extended(sizeof(float) * r->nrows * r->nfeatures, MCXT_ALLOC_HUGE);
	yf = palloc_extended(sizeof(float) * r->nrows, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < r->nrows * r->nfeatures; i++)
		xf[i] = (float) r->x[i];
	for (int64 i = 0; i < r->nrows; i++)
		yf[i] = (float) r->y[i];

	PG_TRY();
	{
		bst_ulong	len;
		const char *buf;
		StringInfoData meta;
		MlForest   *forest;
		bst_ulong	npred;
		const float *pred;
		double		maxdiff = 0.0;
		int			major,
					minor,
					patch;

		xgb_check(XGDMatrixCreateFromMat(xf, (bst_ulong) r->nrows, (bst_ulong) r->nfeatures,
										 NAN, &dtrain), "build the training matrix",
				  ERRCODE_INTERNAL_ERROR);
		xgb_check(XGDMatrixSetFloatInfo(dtrain, "label", yf, (bst_ulong) r->nrows),
				  "set the labels", ERRCODE_INTERNAL_ERROR);
		xgb_check(XGBoosterCreate(&dtrain, 1, &booster), "create a booster",
				  ERRCODE_INTERNAL_ERROR);
		xgb_check(XGBoosterSetParam(booster, "verbosity", "0"), "set verbosity",
				  ERRCODE_INTERNAL_ERROR);
		for (int i = 0; i < (int) N_XGB_PARAMS; i++)
		{
			if (strcmp(xgb_defaults[i].name, "num_round") == 0)
				continue;
			xgb_check(XGBoosterSetParam(booster, xgb_defaults[i].name, values[i]),
					  psprintf("accept %s = %s", xgb_defaults[i].name, values[i]),
					  ERRCODE_INVALID_PARAMETER_VALUE);
		}
		for (int it = 0; it < num_round; it++)
		{
			CHECK_FOR_INTERRUPTS();
			xgb_check(XGBoosterUpdateOneIter(booster, it, dtrain),
					  psprintf("run boosting round %d", it + 1), ERRCODE_INVALID_PARAMETER_VALUE);
		}
		xgb_check(XGBoosterSaveModelToBuffer(booster, "{\"format\": \"json\"}", &len, &buf),
				  "save the model", ERRCODE_INTERNAL_ERROR);

		/* precmed.predict walks the trees itself: check it agrees with XGBoost */
		forest = ml_forest_from_json(buf, (uint32) len, r->nfeatures);
		xgb_check(XGBoosterPredict(booster, dtrain, 0, 0, 0, &npred, &pred),
				  "predict the training rows", ERRCODE_INTERNAL_ERROR);
		if ((int64) npred != r->nrows)
			elog(ERROR, "XGBoost returned %llu predictions for %lld rows",
				 (unsigned long long) npred, (long long) r->nrows);
		for (int64 i = 0; i < r->nrows; i++)
		{
			double		m = ml_forest_margin(forest, r->x + i * r->nfeatures);
			double		p = 1.0 / (1.0 + exp(-m));

			maxdiff = Max(maxdiff, fabs(p - (double) pred[i]));
		}
		if (maxdiff > 1e-5)
			elog(ERROR, "precmed's tree walk differs from XGBoost's predictor by %g on the training rows",
				 maxdiff);

		XGBoostVersion(&major, &minor, &patch);
		initStringInfo(&meta);
		appendStringInfoString(&meta, "{\"params\": {");
		for (int i = 0; i < (int) N_XGB_PARAMS; i++)
		{
			appendStringInfo(&meta, "%s\"%s\": ", i ? ", " : "", xgb_defaults[i].name);
			if (xgb_defaults[i].is_string)
				escape_json(&meta, values[i]);
			else
				appendStringInfoString(&meta, values[i]);
		}
		appendStringInfo(&meta, "}, \"xgboost_version\": \"%d.%d.%d\", "
						 "\"trees\": %d, \"check_max_abs_diff\": %.3g}",
						 major, minor, patch, forest->ntrees, maxdiff);
		result = ml_model_pack(ML_ALG_XGBOOST, r->nfeatures, r->nrows, npos,
							   meta.data, buf, (uint32) len);
	}
	PG_FINALLY();
	{
		if (booster)
			XGBoosterFree(booster);
		if (dtrain)
			XGDMatrixFree(dtrain);
	}
	PG_END_TRY();
	pfree(xf);
	pfree(yf);
	PG_RETURN_BYTEA_P(result);
}
