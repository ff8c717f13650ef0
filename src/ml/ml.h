/*
 * ml.h: AKI risk models (XGBoost and L2 logistic regression) trained by
 * aggregates, stored as bytea values with a versioned header, scored by
 * precmed.predict; and the evaluation aggregates (AUROC, AUPRC, Brier,
 * calibration, ROC curve).
 */
#ifndef PRECMED_ML_H
#define PRECMED_ML_H

#include "common/precmed.h"
#include "common/agg_state.h"

/* ---- aggregates ---- */

/*
 * The start of a combine function over internal states: *a and *b the two
 * states (NULL for none), *aggcxt the aggregate context.  Returns false when
 * there is nothing to merge (a side is NULL, or both are one state); the
 * result is then *a (NULL for none).
 */
static inline bool
ml_combine_begin(FunctionCallInfo fcinfo, MemoryContext *aggcxt, void **a, void **b)
{
	if (!AggCheckCallContext(fcinfo, aggcxt))
		elog(ERROR, "combine function called in non-aggregate context");
	*a = PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0);
	*b = PG_ARGISNULL(1) ? NULL : PG_GETARG_POINTER(1);
	if (*a == NULL)
	{
		*a = *b;
		return false;
	}
	return *b != NULL && *b != *a;
}

/* The state families (concrete state types) of metrics.c and train_rows.c. */
extern const PmStateFamily ml_scores_family;
extern const PmStateFamily ml_rows_family;

/* ---- train_rows.c: the training aggregates' state ---- */

typedef struct MlTrainRows
{
	int			nfeatures;		/* -1 until the first row */
	int64		nrows;
	int64		capacity;		/* rows allocated */
	double	   *x;				/* nrows * nfeatures, row-major, NaN = missing */
	double	   *y;				/* labels, 0 or 1 */
	bool		sorted;			/* rows in canonical order (ml_train_rows_sort's) */
	char	   *params;			/* the params argument as JSON text, or NULL */
	void	   *params_raw;		/* the last params jsonb seen (not serialized) */
} MlTrainRows;

/*
 * The invariants of a training state, checked (with --enable-cassert) at the
 * start of its transition, combine, serial and final functions.  The labels
 * are checked for the last row only: a full scan per row would be quadratic.
 */
static inline void
AssertCheckMlTrainRows(const MlTrainRows *r)
{
#ifdef USE_ASSERT_CHECKING
	Assert(r != NULL);
	Assert(r->nfeatures == -1 || r->nfeatures > 0);
	Assert(r->nrows >= 0 && r->nrows <= r->capacity);
	Assert(r->nrows == 0 || r->nfeatures > 0);
	Assert((r->x == NULL) == (r->capacity == 0));
	Assert((r->y == NULL) == (r->capacity == 0));
	Assert(r->params_raw == NULL || r->params != NULL);
	Assert(r->nrows == 0 || r->y[r->nrows - 1] == 0.0 || r->y[r->nrows - 1] == 1.0);
#endif
}

/*
 * The state reaching the final function of aggregate aggname; an empty
 * training set is 22023.
 */
extern MlTrainRows *ml_train_rows_final_arg(FunctionCallInfo fcinfo, const char *aggname);

/* Read the params the rows carried (NULL: none) into out, against set. */
extern void ml_train_rows_params(const MlTrainRows *rows, const PmParamSet *set, void *out);

/*
 * Sort the rows into a canonical order (features compared element by
 * element, NaN last, then label) so that training does not depend on the
 * order rows arrived in: a parallel plan gives the same model.  Returns the
 * number of positive rows; a set with one class only is 22023.
 */
extern int64 ml_train_rows_sort(MlTrainRows *rows);

/* Bytes ml_train_rows_sort allocates (for memory estimates). */
extern double ml_train_rows_sort_bytes(int64 nrows, int nfeatures);

/*
 * Train one model on the in-memory rows r (r->params: the JSON text of its
 * params, NULL for the defaults); the rows are sorted in place.  What the
 * final functions of precmed.train_xgboost and precmed.train_logreg do.
 */
extern bytea *ml_xgboost_train(MlTrainRows *r);
extern bytea *ml_logreg_train(MlTrainRows *r);

/* Bytes a training state holds (its buffers, as allocated). */
static inline double
ml_train_rows_bytes(const MlTrainRows *r)
{
	return (double) r->capacity * (Max(r->nfeatures, 1) + 1) * sizeof(double);
}

/* ---- model.c: the stored model format ---- */

#define ML_MODEL_MAGIC "PMML"
#define ML_MODEL_FORMAT 1
#define ML_MODEL_HEADER_SIZE 40

typedef enum MlAlgorithm
{
	ML_ALG_XGBOOST = 1,
	ML_ALG_LOGREG = 2,
	ML_ALG_MULTILABEL = 3		/* body: per-label models (src/decision) */
} MlAlgorithm;

/* A model value, checked and unpacked (pointers into the detoasted bytea). */
typedef struct MlModel
{
	MlAlgorithm algorithm;
	int			nfeatures;
	int64		ntrain;
	int64		npositive;
	const char *meta;			/* JSON text: params and training facts */
	uint32		meta_len;
	const char *body;			/* XGBoost JSON model, or logreg numbers */
	uint32		body_len;
} MlModel;

extern const char *ml_algorithm_name(MlAlgorithm alg);
extern bytea *ml_model_pack(MlAlgorithm alg, int nfeatures, int64 ntrain,
							int64 npositive, const char *meta,
							const char *body, uint32 body_len);
extern void ml_model_unpack(bytea *model, MlModel *out);

/* ---- xgb_trees.c: tree ensemble read from XGBoost's JSON model ---- */

typedef struct MlTreeNode
{
	int32		left;			/* -1 for a leaf */
	int32		right;
	int32		feature;
	float		value;			/* split threshold, or leaf value */
	bool		default_left;
} MlTreeNode;

typedef struct MlForest
{
	int			ntrees;
	int			nfeatures;
	int		   *root;			/* index of each tree's root in nodes */
	MlTreeNode *nodes;
	int			nnodes;
	double		base_margin;	/* logit(base_score) */
	double	   *gain;			/* per feature: total gain of its splits */
	int		   *splits;			/* per feature: number of splits */
	/* for TreeSHAP (treeshap.c) */
	double	   *cover;			/* per node: XGBoost's sum_hessian */
	double	   *expected;		/* per tree: cover-weighted mean leaf value */
	int			max_depth;		/* deepest leaf (root: 0) */
	bool		has_cover;		/* every node has a positive finite cover */
} MlForest;

extern MlForest *ml_forest_from_json(const char *json, uint32 len, int nfeatures);
extern MlForest *ml_forest_copy(const MlForest *f);
extern double ml_forest_margin(const MlForest *forest, const double *x);

/* ---- treeshap.c, logreg.c: per-feature contributions ---- */

/*
 * Contributions of each feature to the margin (log-odds) of feature vector x
 * (nfeatures values, NaN = missing): out[0 .. nfeatures-1] per feature, and
 * out[nfeatures] the bias (the model's expected margin), so that the
 * nfeatures + 1 values sum to the margin ml_forest_margin/ml_logreg_margin
 * give.  out must hold nfeatures + 1 doubles.
 *
 * XGBoost: exact TreeSHAP (Lundberg et al. 2018, Algorithm 2), equal to
 * XGBoost's pred_contribs; a forest without node covers is 22P03.
 * Logistic regression: coefficient times standardized value, the missing
 * indicator's term added to its feature; bias = intercept.
 */
extern void ml_forest_contributions(const MlForest *f, const double *x, double *out);

/* ---- logreg.c ---- */

typedef struct MlLogreg
{
	int			nfeatures;
	double		intercept;
	/* per feature j, ML_LR_STRIDE numbers, see logreg.c */
	const double *coef;
} MlLogreg;

#define ML_LR_STRIDE 8

/* The params of precmed.train_logreg (and of its federated twin). */
typedef struct MlLrParams
{
	double		lambda;
	int			max_iter;
	double		tol;
} MlLrParams;

#define ML_LR_DEFAULT_PARAMS {.lambda = 0.1, .max_iter = 100, .tol = 1e-8}
extern const PmParamSet ml_logreg_param_set;
extern void ml_logreg_from_body(const MlModel *m, MlLogreg *out);
extern double ml_logreg_margin(const MlLogreg *lr, const double *x);
extern void ml_logreg_contributions(const MlLogreg *lr, const double *x, double *out);

/*
 * Dispatch of the two above: parsed is an MlForest * (ML_ALG_XGBOOST) or an
 * MlLogreg * (ML_ALG_LOGREG).
 */
extern void ml_contributions(MlAlgorithm alg, const void *parsed, const double *x, double *out);

/* ---- predict.c: parsed models cached per call site ---- */

typedef struct MlCachedModel
{
	MemoryContext cxt;			/* key and parsed model; reset on replacement
								 * (created on first use) */
	bool		valid;
	uint64		last_used;
	char	   *key;			/* raw datum bytes (TOAST pointer or value) */
	Size		keylen;
	MlAlgorithm algorithm;
	int			nfeatures;
	MlForest   *forest;			/* ML_ALG_XGBOOST */
	MlLogreg	logreg;			/* ML_ALG_LOGREG */
	void	   *multi;			/* ML_ALG_MULTILABEL: a DecModel (decision.h) */
} MlCachedModel;

/*
 * The parsed model of model datum d, from the cache in fcinfo's fn_extra
 * (the last 4 models of the call site) or parsed now; an invalid model is
 * 22P03.  The pointer is valid until the next call at this call site.
 */
extern MlCachedModel *ml_cached_model(FunctionCallInfo fcinfo, Datum d);

/* ---- predict.c ---- */

/* A single-label model parsed for scoring (XGBoost trees or logreg numbers). */
typedef struct MlScorer
{
	MlAlgorithm algorithm;
	int			nfeatures;
	MlForest   *forest;			/* XGBoost */
	MlLogreg	logreg;			/* logistic regression */
} MlScorer;

/*
 * Parse the single-label model m into out, in the current memory context
 * (parsing garbage is freed); a multi-label model is 22023.
 */
extern void ml_scorer_load(const MlModel *m, MlScorer *out);

/* The margin (log-odds) a parsed model gives feature vector x. */
static inline double
ml_scorer_margin(const MlScorer *s, const double *x)
{
	return s->algorithm == ML_ALG_XGBOOST ? ml_forest_margin(s->forest, x)
		: ml_logreg_margin(&s->logreg, x);
}


#endif							/* PRECMED_ML_H */
