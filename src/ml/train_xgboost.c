/*
 * train_xgboost.c: final function of precmed.train_xgboost.
 *
 * Trains gradient-boosted trees with libxgboost's C API on the rows the
 * aggregate collected and stores XGBoost's JSON model inside a precmed model
 * value.  Defaults are the tuned ones of docs/aki_risk.md (depth 3, eta 0.03,
 * 200 rounds, subsample 0.8, colsample_bytree 0.5, hist), not libxgboost's.
 * nthread defaults to 1: parallelism comes from PostgreSQL, and with a fixed
 * seed the model is the same whatever the thread count (tested).
 *
 * How it works: the params are read and range-checked (pm_read_params), the
 * memory training implies is checked, the rows are put in canonical order
 * and copied as float32 into a DMatrix; XGBoost boosts num_round rounds and
 * saves its model as JSON.  precmed.predict walks those trees itself
 * (xgb_trees.c), so before returning, the walk is checked against XGBoost's
 * own predictor on the training rows (at most ML_CHECK_ROWS, evenly spaced).
 */
#include "ml/ml.h"

#include <float.h>
#include <math.h>
#include <xgboost/c_api.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"

/* The parameters precmed passes to XGBoost (choices as indexes). */
typedef struct XgbParams
{
	int			objective;
	int			booster;
	int			tree_method;
	int			max_depth;
	double		eta;
	int			num_round;
	double		min_child_weight;
	double		subsample;
	double		colsample_bytree;
	double		colsample_bylevel;
	double		colsample_bynode;
	double		lambda;
	double		alpha;
	double		gamma;
	int			max_bin;
	double		max_delta_step;
	double		scale_pos_weight;
	double		base_score;
	int			seed;
	int			nthread;
} XgbParams;

static const char *const objectives[] = {"binary:logistic", NULL};
static const char *const boosters[] = {"gbtree", NULL};
static const char *const tree_methods[] = {"hist", "approx", "exact", NULL};

#define TREE_METHOD_HIST 0

/* precmed's defaults, not libxgboost's */
static const XgbParams xgb_defaults = {
	.objective = 0, .booster = 0, .tree_method = TREE_METHOD_HIST,
	.max_depth = 3, .eta = 0.03, .num_round = 200, .min_child_weight = 1,
	.subsample = 0.8, .colsample_bytree = 0.5, .colsample_bylevel = 1, .colsample_bynode = 1,
	.lambda = 1, .alpha = 0, .gamma = 0, .max_bin = 256, .max_delta_step = 0,
	.scale_pos_weight = 1, .base_score = 0.5, .seed = 0, .nthread = 1,
};

#define OFF(f) offsetof(XgbParams, f)

/*
 * The ranges precmed accepts.  libxgboost allocates with malloc, outside
 * PostgreSQL's accounting, so nothing reaches it unchecked: sizes
 * (max_depth, max_bin, num_round, nthread) are bounded here and the memory
 * they imply is checked against precmed.max_memory_mb before training.  The
 * order is that of the params in a model's JSON text.
 */
static const PmParam xgb_params[] = {
	{"objective", PM_PARAM_CHOICE, 0, 0, false, false, objectives, OFF(objective), 0},
	{"booster", PM_PARAM_CHOICE, 0, 0, false, false, boosters, OFF(booster), 0},
	{"tree_method", PM_PARAM_CHOICE, 0, 0, false, false, tree_methods, OFF(tree_method), 0},
	{"max_depth", PM_PARAM_INTEGER, 1, 30, false, false, NULL, OFF(max_depth), 0},
	{"eta", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(eta), 0},
	{"num_round", PM_PARAM_INTEGER, 1, 100000, false, false, NULL, OFF(num_round), 0},
	{"min_child_weight", PM_PARAM_NUMBER, 0, 1e9, false, false, NULL, OFF(min_child_weight), 0},
	{"subsample", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(subsample), 0},
	{"colsample_bytree", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(colsample_bytree), 0},
	{"colsample_bylevel", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(colsample_bylevel), 0},
	{"colsample_bynode", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(colsample_bynode), 0},
	{"lambda", PM_PARAM_NUMBER, 0, 1e9, false, false, NULL, OFF(lambda), 0},
	{"alpha", PM_PARAM_NUMBER, 0, 1e9, false, false, NULL, OFF(alpha), 0},
	{"gamma", PM_PARAM_NUMBER, 0, 1e9, false, false, NULL, OFF(gamma), 0},
	{"max_bin", PM_PARAM_INTEGER, 2, 65536, false, false, NULL, OFF(max_bin), 0},
	{"max_delta_step", PM_PARAM_NUMBER, 0, 1e9, false, false, NULL, OFF(max_delta_step), 0},
	{"scale_pos_weight", PM_PARAM_NUMBER, 0, 1e9, true, false, NULL, OFF(scale_pos_weight), 0},
	{"base_score", PM_PARAM_NUMBER, 0, 1, true, true, NULL, OFF(base_score), 0},
	{"seed", PM_PARAM_INTEGER, 0, 2147483647, false, false, NULL, OFF(seed), 0},
	{"nthread", PM_PARAM_INTEGER, 1, 64, false, false, NULL, OFF(nthread), 0},
};

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

static const PmParamSet xgb_param_set = {
	.argname = "params",
	.what = "XGBoost parameter",
	.context = NULL,
	.hint = "See the parameter table of precmed.train_xgboost in docs/aki_risk.md.",
	.params = xgb_params,
	.nparams = lengthof(xgb_params),
	.alias = canonical_name,
};

/*
 * Parameter p of v as XGBoost reads it: a choice as its name, a whole number
 * in plain form ("3.0" reaches XGBoost as "3"), another number in its
 * shortest round-trip form (the default 0.03 as "0.03").
 */
static char *
param_text(const PmParam *p, const XgbParams *v)
{
	const char *field = (const char *) v + p->offset;

	switch (p->kind)
	{
		case PM_PARAM_CHOICE:
			return pstrdup(p->choices[*(const int *) field]);
		case PM_PARAM_INTEGER:
			return psprintf("%d", *(const int *) field);
		case PM_PARAM_NUMBER:
			{
				char	   *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

				double_to_shortest_decimal_buf(*(const double *) field, buf);
				return buf;
			}
		default:
			elog(ERROR, "XGBoost parameter %s has an unexpected kind", p->name);
	}
}

/* Raise an error naming what XGBoost failed to do when rc is not 0. */
static void
xgb_check(int rc, const char *what, int sqlstate)
{
	if (rc != 0)
		pm_error(sqlstate,
				 errmsg("XGBoost failed to %s: %s", what, XGBGetLastError()),
				 sqlstate == ERRCODE_INVALID_PARAMETER_VALUE
				 ? errhint("Check the params argument against docs/aki_risk.md.") : 0);
}

/*
 * Memory training will hold, in bytes: the collected rows (and, while they
 * are sorted, their sorted copy), then their float32 copy, XGBoost's
 * DMatrix (an index and a value per cell), its quantized matrix and sketch,
 * its gradient histograms (one per node being split, nodes bounded by the
 * depth and by the rows, plus a buffer per thread; min(max_bin, rows) bins
 * per feature), per-row gradients and
 * predictions, and the trees (in XGBoost, as JSON, and parsed by precmed).
 * An upper bound for XGBoost 1.7's hist method; exact and approx also sort
 * a column-wise copy.
 */
static double
xgb_memory_estimate(const MlTrainRows *r, const XgbParams *v)
{
	double		n = (double) r->nrows,
				nf = (double) r->nfeatures,
				cells = n * nf;
	int			depth = v->max_depth;
	double		max_bin = v->max_bin;
	double		rounds = v->num_round;
	double		nthread = v->nthread;
	bool		hist = v->tree_method == TREE_METHOD_HIST;
	double		split_nodes = Min(ldexp(1.0, depth), 2 * n);
	double		level_nodes = Min(ldexp(1.0, depth - 1), n);
	double		tree_nodes = Min(ldexp(1.0, depth + 1) - 1, 2 * n - 1);
	double		bins = nf * Min(max_bin, n);	/* a feature has at most n distinct values */
	double		training;

	training = cells * sizeof(float) + n * sizeof(float)	/* float32 copy */
		+ cells * 8 + n * 8 * 3 /* DMatrix: entries, row offsets, info */
		+ cells * (max_bin <= 256 ? 1 : 2) + n * 8	/* quantized matrix */
		+ bins * 32				/* sketch and cut points */
		+ (split_nodes + nthread * level_nodes) * bins * 16 /* histograms */
		+ n * 32				/* gradients, row partition, prediction cache */
		+ rounds * tree_nodes * 2048;	/* trees: XGBoost's, JSON, parsed */
	if (!hist)
		training += cells * 16;
	return ml_train_rows_bytes(r) +
		Max(ml_train_rows_sort_bytes(r->nrows, r->nfeatures), training);
}

/*
 * The rows as float32 (*xf row-major, *yf labels), as XGBoost reads them: a
 * finite double beyond float32's range would become infinite, so it is 22003.
 */
static void
rows_float32(const MlTrainRows *r, float **xf, float **yf)
{
	*xf = palloc_extended(sizeof(float) * r->nrows * r->nfeatures, MCXT_ALLOC_HUGE);
	*yf = palloc_extended(sizeof(float) * r->nrows, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < r->nrows; i++)
	{
		const double *xi = r->x + i * r->nfeatures;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < r->nfeatures; j++)
		{
			if (fabs(xi[j]) > FLT_MAX)
				pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
						 errmsg("argument \"features\" has %g at position %d, beyond XGBoost's float32 range",
								xi[j], j + 1),
						 errdetail("XGBoost stores features as float32 (up to about 3.4e38)."),
						 errhint("Rescale the feature (e.g. take its logarithm) or replace such values with NULL."));
			(*xf)[i * r->nfeatures + j] = (float) xi[j];
		}
		(*yf)[i] = (float) r->y[i];
	}
}

/* XGBoost's handles of one training, freed whatever happens. */
typedef struct XgbRun
{
	DMatrixHandle dtrain;
	BoosterHandle booster;
} XgbRun;

/* Build the training matrix, set every parameter and boost num_round rounds. */
static void
xgb_boost(XgbRun *run, const MlTrainRows *r, const float *xf, const float *yf,
		  char **texts, int num_round)
{
	xgb_check(XGDMatrixCreateFromMat(xf, (bst_ulong) r->nrows, (bst_ulong) r->nfeatures,
									 NAN, &run->dtrain), "build the training matrix",
			  ERRCODE_INTERNAL_ERROR);
	xgb_check(XGDMatrixSetFloatInfo(run->dtrain, "label", yf, (bst_ulong) r->nrows),
			  "set the labels", ERRCODE_INTERNAL_ERROR);
	xgb_check(XGBoosterCreate(&run->dtrain, 1, &run->booster), "create a booster",
			  ERRCODE_INTERNAL_ERROR);
	xgb_check(XGBoosterSetParam(run->booster, "verbosity", "0"), "set verbosity",
			  ERRCODE_INTERNAL_ERROR);
	for (int i = 0; i < (int) lengthof(xgb_params); i++)
	{
		if (xgb_params[i].offset == OFF(num_round))
			continue;
		xgb_check(XGBoosterSetParam(run->booster, xgb_params[i].name, texts[i]),
				  psprintf("accept %s = %s", xgb_params[i].name, texts[i]),
				  ERRCODE_INVALID_PARAMETER_VALUE);
	}
	for (int it = 0; it < num_round; it++)
	{
		CHECK_FOR_INTERRUPTS();
		xgb_check(XGBoosterUpdateOneIter(run->booster, it, run->dtrain),
				  psprintf("run boosting round %d", it + 1), ERRCODE_INVALID_PARAMETER_VALUE);
	}
}

/*
 * Training rows the walk is checked on: every row of a small set, evenly
 * spaced rows of a larger one.  Walking every row of 100,000 took 5 % of
 * training (perf, bench/ml's matrix); the walk itself is compared with
 * XGBoost's predictions by sql/ml.sql and bench/ml.
 */
#define ML_CHECK_ROWS 4096

/*
 * The largest difference between precmed's tree walk (forest) and XGBoost's
 * predictor on the training rows checked; beyond 1e-5 is an internal error.
 */
static double
xgb_check_walk(XgbRun *run, const MlTrainRows *r, const MlForest *forest)
{
	bst_ulong	npred;
	const float *pred;
	double		maxdiff = 0.0;
	int64		step = (r->nrows + ML_CHECK_ROWS - 1) / ML_CHECK_ROWS;

	xgb_check(XGBoosterPredict(run->booster, run->dtrain, 0, 0, 0, &npred, &pred),
			  "predict the training rows", ERRCODE_INTERNAL_ERROR);
	if ((int64) npred != r->nrows)
		elog(ERROR, "XGBoost returned %llu predictions for %lld rows",
			 (unsigned long long) npred, (long long) r->nrows);
	for (int64 i = 0; i < r->nrows; i += step)
	{
		double		m,
					p;

		CHECK_FOR_INTERRUPTS();
		m = ml_forest_margin(forest, r->x + i * r->nfeatures);
		p = 1.0 / (1.0 + exp(-m));

		maxdiff = Max(maxdiff, fabs(p - (double) pred[i]));
	}
	if (maxdiff > 1e-5)
		elog(ERROR, "precmed's tree walk differs from XGBoost's predictor by %g on the training rows",
			 maxdiff);
	return maxdiff;
}

/* The model's JSON text: every parameter as XGBoost got it, and training facts. */
static char *
xgb_meta(char **texts, int ntrees, double maxdiff)
{
	StringInfoData meta;
	int			major,
				minor,
				patch;

	XGBoostVersion(&major, &minor, &patch);
	initStringInfo(&meta);
	appendStringInfoString(&meta, "{\"params\": {");
	for (int i = 0; i < (int) lengthof(xgb_params); i++)
	{
		appendStringInfo(&meta, "%s\"%s\": ", i ? ", " : "", xgb_params[i].name);
		if (xgb_params[i].kind == PM_PARAM_CHOICE)
			escape_json(&meta, texts[i]);
		else
			appendStringInfoString(&meta, texts[i]);
	}
	appendStringInfo(&meta, "}, \"xgboost_version\": \"%d.%d.%d\", "
					 "\"trees\": %d, \"check_max_abs_diff\": %.3g}",
					 major, minor, patch, ntrees, maxdiff);
	return meta.data;
}

/*
 * Train, check the tree walk and pack the model value; run's handles are
 * the caller's to free.
 */
static bytea *
xgb_train(XgbRun *run, const MlTrainRows *r, int64 npos, const XgbParams *v,
		  const float *xf, const float *yf)
{
	char	   *texts[lengthof(xgb_params)];
	bst_ulong	len;
	const char *buf;
	MlForest   *forest;
	double		maxdiff;

	for (int i = 0; i < (int) lengthof(xgb_params); i++)
		texts[i] = param_text(&xgb_params[i], v);
	xgb_boost(run, r, xf, yf, texts, v->num_round);
	xgb_check(XGBoosterSaveModelToBuffer(run->booster, "{\"format\": \"json\"}", &len, &buf),
			  "save the model", ERRCODE_INTERNAL_ERROR);
	/* precmed.predict walks the trees itself: check it agrees with XGBoost */
	forest = ml_forest_from_json(buf, (uint32) len, r->nfeatures);
	maxdiff = xgb_check_walk(run, r, forest);
	return ml_model_pack(ML_ALG_XGBOOST, r->nfeatures, r->nrows, npos,
						 xgb_meta(texts, forest->ntrees, maxdiff), buf, (uint32) len);
}

/*
 * Final function of precmed.train_xgboost: the model value.  Refuses an
 * empty or one-class training set, bad params (22023), a training that
 * would exceed precmed.max_memory_mb (54000), features beyond float32
 * (see ml_xgboost_train).
 */
PG_FUNCTION_INFO_V1(train_xgboost_final);
Datum
train_xgboost_final(PG_FUNCTION_ARGS)
{
	MlTrainRows *r = ml_train_rows_final_arg(fcinfo, "precmed.train_xgboost");

	PG_RETURN_BYTEA_P(ml_xgboost_train(r));
}

/*
 * Train an XGBoost model on the rows of r (its params text, NULL for the
 * defaults) and return the model value; the rows are sorted in place.
 */
bytea *
ml_xgboost_train(MlTrainRows *r)
{
	XgbParams	v = xgb_defaults;
	int64		npos;
	float	   *xf;
	float	   *yf;
	XgbRun	   *run;
	bytea	   *result = NULL;

	ml_train_rows_params(r, &xgb_param_set, &v);
	pm_check_memory(xgb_memory_estimate(r, &v),
					psprintf("training XGBoost on %lld rows of %d features",
							 (long long) r->nrows, r->nfeatures));
	npos = ml_train_rows_sort(r);
	rows_float32(r, &xf, &yf);

	/* the handles live in palloc'd memory, so PG_FINALLY sees them as set */
	run = palloc0(sizeof(XgbRun));
	PG_TRY();
	{
		result = xgb_train(run, r, npos, &v, xf, yf);
	}
	PG_FINALLY();
	{
		if (run->booster)
			XGBoosterFree(run->booster);
		if (run->dtrain)
			XGDMatrixFree(run->dtrain);
	}
	PG_END_TRY();
	pfree(xf);
	pfree(yf);
	return result;
}

/* precmed.train_xgboost's final function over precmed.rows_state. */
PM_STATE_FINAL(train_xgboost_finish, ml_rows_family, train_xgboost_final)
