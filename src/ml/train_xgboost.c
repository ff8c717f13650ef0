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

#include <float.h>
#include <math.h>
#include <xgboost/c_api.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"

typedef enum XgbKind
{
	XP_STRING,
	XP_INT,
	XP_NUM
} XgbKind;

typedef struct XgbParam
{
	const char *name;
	const char *value;			/* default, as XGBoost reads it */
	XgbKind		kind;
	double		lo;				/* numbers: allowed range */
	double		hi;
	bool		lo_open;		/* lo itself not allowed */
	bool		hi_open;		/* hi itself not allowed */
	const char *choices;		/* strings: the accepted values, ", "-separated */
} XgbParam;

/*
 * The parameters precmed passes to XGBoost, with precmed's defaults and the
 * ranges precmed accepts.  libxgboost allocates with malloc, outside
 * PostgreSQL's accounting, so nothing reaches it unchecked: sizes
 * (max_depth, max_bin, num_round, nthread) are bounded here and the memory
 * they imply is checked against precmed.max_memory_mb before training.
 */
static const XgbParam xgb_defaults[] = {
	{"objective", "binary:logistic", XP_STRING, 0, 0, false, false, "binary:logistic"},
	{"booster", "gbtree", XP_STRING, 0, 0, false, false, "gbtree"},
	{"tree_method", "hist", XP_STRING, 0, 0, false, false, "hist, approx, exact"},
	{"max_depth", "3", XP_INT, 1, 30, false, false, NULL},
	{"eta", "0.03", XP_NUM, 0, 1, true, false, NULL},
	{"num_round", "200", XP_INT, 1, 100000, false, false, NULL},
	{"min_child_weight", "1", XP_NUM, 0, 1e9, false, false, NULL},
	{"subsample", "0.8", XP_NUM, 0, 1, true, false, NULL},
	{"colsample_bytree", "0.5", XP_NUM, 0, 1, true, false, NULL},
	{"colsample_bylevel", "1", XP_NUM, 0, 1, true, false, NULL},
	{"colsample_bynode", "1", XP_NUM, 0, 1, true, false, NULL},
	{"lambda", "1", XP_NUM, 0, 1e9, false, false, NULL},
	{"alpha", "0", XP_NUM, 0, 1e9, false, false, NULL},
	{"gamma", "0", XP_NUM, 0, 1e9, false, false, NULL},
	{"max_bin", "256", XP_INT, 2, 65536, false, false, NULL},
	{"max_delta_step", "0", XP_NUM, 0, 1e9, false, false, NULL},
	{"scale_pos_weight", "1", XP_NUM, 0, 1e9, true, false, NULL},
	{"base_score", "0.5", XP_NUM, 0, 1, true, true, NULL},
	{"seed", "0", XP_INT, 0, 2147483647, false, false, NULL},
	{"nthread", "1", XP_INT, 1, 64, false, false, NULL},
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
				 errmsg("XGBoost failed to %s: %s", what, XGBGetLastError()),
				 sqlstate == ERRCODE_INVALID_PARAMETER_VALUE
				 ? errhint("Check the params argument against docs/aki_risk.md.") : 0);
}

/* The allowed values of a parameter, as an errdetail sentence. */
static char *
param_range(const XgbParam *p)
{
	if (p->kind == XP_STRING)
	{
		if (strchr(p->choices, ',') == NULL)
			return psprintf("\"%s\" accepts only \"%s\".", p->name, p->choices);
		return psprintf("\"%s\" accepts one of: %s.", p->name, p->choices);
	}
	if (p->kind == XP_INT)
		return psprintf("\"%s\" must be a whole number from %.0f to %.0f.", p->name, p->lo, p->hi);
	return psprintf("\"%s\" must be a number in %s%g, %g%s.", p->name,
					p->lo_open ? "(" : "[", p->lo, p->hi, p->hi_open ? ")" : "]");
}

/*
 * Check one parameter's value (text, as read from the params jsonb) against
 * its range; returns the value to hand to XGBoost (whole numbers in plain
 * form, so "3.0" reaches XGBoost as "3").
 */
static char *
check_param(const XgbParam *p, char *value)
{
	double		d;
	char	   *end;
	bool		ok;

	if (p->kind == XP_STRING)
	{
		char	   *list = pstrdup(p->choices);
		char	   *save = NULL;

		for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
			if (strcmp(tok, value) == 0)
				return value;
		if (strcmp(p->name, "objective") == 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("XGBoost objective \"%s\" is not supported", value),
					 errdetail("precmed.predict returns a probability, so the model must be a binary classifier."),
					 errhint("Use \"binary:logistic\" (the default)."));
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("XGBoost parameter \"%s\" is \"%s\", which precmed does not support",
						p->name, value),
				 errdetail("%s", param_range(p)),
				 errhint("See the parameter table in docs/aki_risk.md."));
	}
	d = strtod(value, &end);
	ok = end != value && *end == '\0' && isfinite(d) &&
		(p->lo_open ? d > p->lo : d >= p->lo) &&
		(p->hi_open ? d < p->hi : d <= p->hi) &&
		(p->kind != XP_INT || d == floor(d));
	if (!ok)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("XGBoost parameter \"%s\" is %s, outside its allowed range",
						p->name, strlen(value) <= 40 ? value : psprintf("%g", d)),
				 errdetail("%s", param_range(p)),
				 errhint("See the parameter table in docs/aki_risk.md."));
	if (p->kind == XP_INT)
		return psprintf("%.0f", d);
	return value;
}

/* Read the params jsonb (as text) into values[], over the defaults, checked. */
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
					 errmsg("argument \"params\" must be a JSON object, not %s", params),
					 errhint("Pass e.g. '{\"max_depth\": 3, \"eta\": 0.03}' or '{}' for the defaults."));
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
						 errmsg("unknown XGBoost parameter \"%s\" in argument \"params\"", key),
						 errdetail("Known parameters: %s.", known.data),
						 errhint("Use XGBoost's own parameter names."));
			}
			if (xgb_defaults[idx].kind == XP_STRING && v.type == jbvString)
				values[idx] = pnstrdup(v.val.string.val, v.val.string.len);
			else if (xgb_defaults[idx].kind != XP_STRING && v.type == jbvNumeric)
				values[idx] = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
			else
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("XGBoost parameter \"%s\" must be a %s", key,
								xgb_defaults[idx].kind == XP_STRING ? "string" : "number"),
						 errdetail("%s", param_range(&xgb_defaults[idx])),
						 errhint("See the parameter table in docs/aki_risk.md."));
		}
	}
	for (int i = 0; i < (int) N_XGB_PARAMS; i++)
		values[i] = check_param(&xgb_defaults[i], values[i]);
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
xgb_memory_estimate(const MlTrainRows *r, char **values)
{
	double		n = (double) r->nrows,
				nf = (double) r->nfeatures,
				cells = n * nf;
	int			depth = atoi(values[param_index("max_depth")]);
	double		max_bin = atof(values[param_index("max_bin")]);
	double		rounds = atof(values[param_index("num_round")]);
	double		nthread = atof(values[param_index("nthread")]);
	bool		hist = strcmp(values[param_index("tree_method")], "hist") == 0;
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

PG_FUNCTION_INFO_V1(train_xgboost_final);
Datum
train_xgboost_final(PG_FUNCTION_ARGS)
{
	MlTrainRows *r;
	char	   *values[N_XGB_PARAMS];
	long		num_round;
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
				 errmsg("training set is empty"),
				 errdetail("precmed.train_xgboost received no rows."),
				 errhint("Check the query's WHERE clause and joins."));

	read_params(r->params, values);
	num_round = atol(values[param_index("num_round")]);

	pm_check_memory(xgb_memory_estimate(r, values),
					psprintf("training XGBoost on %lld rows of %d features",
							 (long long) r->nrows, r->nfeatures));

	ml_train_rows_sort(r);
	for (int64 i = 0; i < r->nrows; i++)
		npos += r->y[i] == 1.0;
	if (npos == 0 || npos == r->nrows)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set has only one class: %lld rows, all labelled %d",
						(long long) r->nrows, npos ? 1 : 0),
				 errhint("A classifier needs rows labelled 0 and rows labelled 1."));

	/* XGBoost reads float32: a finite double beyond its range would become infinite */
	xf = palloc_extended(sizeof(float) * r->nrows * r->nfeatures, MCXT_ALLOC_HUGE);
	yf = palloc_extended(sizeof(float) * r->nrows, MCXT_ALLOC_HUGE);
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
			xf[i * r->nfeatures + j] = (float) xi[j];
		}
		yf[i] = (float) r->y[i];
	}

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
			double		m,
						p;

			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			m = ml_forest_margin(forest, r->x + i * r->nfeatures);
			p = 1.0 / (1.0 + exp(-m));

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
			if (xgb_defaults[i].kind == XP_STRING)
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
