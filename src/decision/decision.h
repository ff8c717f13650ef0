/*
 * decision.h: clinical decision support by multi-label classification: a
 * risk panel of several related outcomes learnt together (binary relevance
 * or a classifier chain over src/ml's XGBoost and logistic-regression
 * trainers), per-label decision thresholds, and the multi-label metrics.
 */
#ifndef PRECMED_DECISION_H
#define PRECMED_DECISION_H

#include "ml/ml.h"

#include "common/agg_state.h"

#include "utils/jsonb.h"

/* Labels of one model or metric state: a bound on the state sizes. */
#define DEC_MAX_LABELS 1000

typedef enum DecMethod
{
	DEC_BINARY_RELEVANCE = 0,
	DEC_CLASSIFIER_CHAIN = 1
} DecMethod;

/* ---- rows.c: the state of precmed.train_multilabel ---- */

/* precmed.multilabel_rows_state (rows.c). */
extern const PmStateFamily dec_rows_family;

#define DEC_LABEL_UNKNOWN ((int8) -1)

typedef struct DecRows
{
	int			nfeatures;		/* -1 until the first row */
	int			nlabels;		/* -1 until the first row */
	int64		nrows;
	int64		capacity;		/* rows allocated */
	double	   *x;				/* nrows * nfeatures, row-major, NaN = missing */
	int8	   *y;				/* nrows * nlabels: 0, 1 or DEC_LABEL_UNKNOWN */
	char	   *params;			/* the params argument as JSON text, or NULL */
	void	   *params_raw;		/* the last params jsonb seen (not serialized) */
} DecRows;

/* The invariants of a training state (checked with --enable-cassert). */
static inline void
AssertCheckDecRows(const DecRows *r)
{
#ifdef USE_ASSERT_CHECKING
	Assert(r != NULL);
	Assert((r->nfeatures == -1) == (r->nlabels == -1));
	Assert(r->nfeatures == -1 || r->nfeatures > 0);
	Assert(r->nlabels == -1 || (r->nlabels > 0 && r->nlabels <= DEC_MAX_LABELS));
	Assert(r->nrows >= 0 && r->nrows <= r->capacity);
	Assert((r->x == NULL) == (r->capacity == 0));
	Assert(r->params_raw == NULL || r->params != NULL);
	Assert(r->nrows == 0 || r->y[r->nrows * r->nlabels - 1] >= -1);
	Assert(r->nrows == 0 || r->y[r->nrows * r->nlabels - 1] <= 1);
#endif
}

/* ---- model.c: the multi-label model value ---- */

/* A multi-label model parsed for scoring. */
typedef struct DecModel
{
	int			nlabels;
	int			nfeatures;
	DecMethod	method;
	int		   *order;			/* label at each chain position */
	double	   *threshold;		/* per label (label order) */
	MlScorer   *sub;			/* per chain position */
	int			nimplies;
	int		   *implies;		/* (child, parent) label pairs */
} DecModel;

/* What training produced, to be packed into a model value. */
typedef struct DecTrained
{
	int			nlabels;
	int			nfeatures;
	DecMethod	method;
	int64		ntrain;
	int64		npositive;		/* rows with at least one positive label */
	const int  *order;
	const double *threshold;
	bytea	  **sub;			/* per chain position */
	int			nimplies;
	const int  *implies;		/* (child, parent) label pairs */
	const char *meta;			/* JSON text */
} DecTrained;

extern bytea *dec_model_pack(const DecTrained *t);

/* Parse the body of a multi-label model (its header checked) in the current context. */
extern void *dec_model_load(const MlModel *m);
extern int	dec_model_nlabels(const void *multi);

/* Probabilities of every label (label order) for x; decisions when labels != NULL. */
extern void dec_model_predict(const DecModel *d, const double *x, double *prob, bool *labels);

/*
 * Contributions of each feature to each label's margin: out[l * (nf + 1) + j]
 * for feature j, the bias at j = nf (in a chain, the bias includes the
 * contributions of the earlier labels' decisions).  Sums to each margin.
 */
extern void dec_model_contributions(const DecModel *d, const double *x, double *out);

/* precmed.predict_contributions of a multi-label model (arguments model, features). */
extern Datum dec_contributions_array(FunctionCallInfo fcinfo);

/* ---- implies.c: label implications ---- */

/* The "implies" param v (NULL: none) as (child, parent) pairs in *pairs; returns their count. */
extern int	dec_read_implies(const JsonbValue *v, char **names, int nl, int **pairs);

/* Raise each implied label's decision (labels in label order). */
extern void dec_apply_implies(const DecModel *d, bool *labels);

/* precmed.model_info of a multi-label model. */
extern Datum dec_model_info(bytea *value, const MlModel *m);

#endif							/* PRECMED_DECISION_H */
