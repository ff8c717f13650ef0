/*
 * train.c: final function of precmed.train_multilabel.
 *
 * How it works: the params are read (method, base learner, label names,
 * chain order, base params and per-label params, threshold rule).  Labels
 * are trained one after the other in chain order; for a label, the rows
 * whose label is known are copied into an in-memory training set of src/ml
 * (ml_xgboost_train or ml_logreg_train do the training, so a multi-label
 * model is made of ordinary single-label model values).  In a classifier
 * chain the label at position k also sees the labels at positions 0..k-1
 * as extra features: in training, their out-of-fold 0/1 decisions from the
 * inner cross-validation that chose their thresholds (threshold "cv"), or
 * their true values (NaN when unknown) under the other threshold rules;
 * the model's own 0/1 decisions when scoring.  Decisions in training match
 * what the model sees when scoring (true values make a chain
 * overconfident).  Binary relevance trains the labels independently.
 *
 * Each label's decision threshold maximizes its F1: over out-of-fold
 * probabilities of an inner cross-validation ("cv", the default: folds fixed
 * by a hash of each row's contents, so independent of row order), over the
 * final model's probabilities on its own training rows ("train"), or a
 * fixed number.  "auto" chain order puts the most frequent label first.
 */
#include "decision/decision.h"

#include <math.h>

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"

typedef struct DecParams
{
	int			method;
	int			base;
	JsonbValue *labels;			/* array of names, or NULL */
	JsonbValue *order;			/* array of names, "auto", or NULL */
	JsonbValue *params;			/* object, or NULL */
	JsonbValue *label_params;	/* object of objects, or NULL */
	JsonbValue *threshold;		/* "cv", "train", a number, or NULL */
	int			threshold_folds;
	JsonbValue *implies;		/* object: label -> implied label(s), or NULL */
} DecParams;

static const char *const methods[] = {"binary_relevance", "classifier_chain", NULL};
static const char *const bases[] = {"xgboost", "logreg", NULL};

#define DEC_BASE_XGBOOST 0

static const PmParam dec_params[] = {
	{"method", PM_PARAM_CHOICE, 0, 0, false, false, methods, offsetof(DecParams, method), 0},
	{"base", PM_PARAM_CHOICE, 0, 0, false, false, bases, offsetof(DecParams, base), 0},
	{"labels", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, labels), 0},
	{"order", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, order), 0},
	{"params", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, params), 0},
	{"label_params", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, label_params), 0},
	{"threshold", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, threshold), 0},
	{"threshold_folds", PM_PARAM_INTEGER, 2, 10, false, false, NULL, offsetof(DecParams, threshold_folds), 0},
	{"implies", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(DecParams, implies), 0},
};

#define DEC_HINT "See the parameter table of precmed.train_multilabel in docs/decision_support.md."

static const PmParamSet dec_param_set = {
	.argname = "params",
	.what = "multi-label parameter",
	.context = NULL,
	.hint = DEC_HINT,
	.params = dec_params,
	.nparams = lengthof(dec_params),
	.alias = NULL,
};

/* The threshold rule of one training. */
typedef enum DecThresholdRule
{
	DEC_THR_CV,
	DEC_THR_TRAIN,
	DEC_THR_FIXED
} DecThresholdRule;

/* Everything the labels' trainings share. */
typedef struct DecPlan
{
	const DecRows *rows;
	DecParams	p;
	char	  **names;			/* per label */
	char	  **label_params;	/* per label: JSON text of its params, or NULL */
	int		   *order;			/* label at each chain position */
	DecThresholdRule rule;
	double		fixed;			/* DEC_THR_FIXED */
	uint8	   *fold;			/* per row: inner fold */
	double	   *chain_x;		/* per row and label: its value as a chain feature */
	int64	   *npos;			/* per label: positive rows */
	int64	   *nknown;			/* per label: rows with the label known */
} DecPlan;

/* 22023 about parameter key of the multi-label params. */
#define bad_param(key, ...) \
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE, \
			 errmsg("multi-label parameter \"%s\" %s", key, psprintf(__VA_ARGS__)), \
			 errhint(DEC_HINT))

/* A JSON value's text (a string unquoted). */
static char *
json_text(const JsonbValue *v)
{
	if (v->type == jbvString)
		return pnstrdup(v->val.string.val, v->val.string.len);
	if (v->type == jbvBinary)
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	return JsonbToCString(NULL, &JsonbValueToJsonb((JsonbValue *) v)->root, 0);
}

/* A JSON array of nlabels distinct strings (parameter key), or an error. */
static char **
json_names(const JsonbValue *v, const char *key, int nlabels)
{
	JsonbContainer *c;
	char	  **out;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		bad_param(key, "must be an array of label names, not %s", pm_json_kind(v));
	c = v->val.binary.data;
	if ((int) JsonContainerSize(c) != nlabels)
		bad_param(key, "has %d names, the labels arrays have %d elements",
				  (int) JsonContainerSize(c), nlabels);
	out = palloc(sizeof(char *) * nlabels);
	for (int i = 0; i < nlabels; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		if (e->type != jbvString || e->val.string.len == 0)
			bad_param(key, "element %d must be a non-empty string, not %s", i + 1,
					  pm_json_kind(e));
		out[i] = pnstrdup(e->val.string.val, e->val.string.len);
		for (int j = 0; j < i; j++)
			if (strcmp(out[j], out[i]) == 0)
				bad_param(key, "names \"%s\" twice", out[i]);
	}
	return out;
}

/* The per-label params texts (label_params merged over params). */
static void
plan_label_params(DecPlan *pl)
{
	int			nl = pl->rows->nlabels;
	Jsonb	   *base = NULL;
	Jsonb	   *per = NULL;

	if (pl->p.params)
	{
		if (pl->p.params->type != jbvBinary || !JsonContainerIsObject(pl->p.params->val.binary.data))
			bad_param("params", "must be an object of %s parameters, not %s",
					  pl->p.base == DEC_BASE_XGBOOST ? "XGBoost" : "logistic regression",
					  pm_json_kind(pl->p.params));
		base = JsonbValueToJsonb(pl->p.params);
	}
	if (pl->p.label_params)
	{
		if (pl->p.label_params->type != jbvBinary ||
			!JsonContainerIsObject(pl->p.label_params->val.binary.data))
			bad_param("label_params", "must be an object keyed by label name, not %s",
					  pm_json_kind(pl->p.label_params));
		per = JsonbValueToJsonb(pl->p.label_params);
	}
	pl->label_params = palloc0(sizeof(char *) * nl);
	for (int l = 0; l < nl; l++)
	{
		Jsonb	   *merged = base;
		JsonbValue	k,
				   *own = NULL;

		if (per)
		{
			k.type = jbvString;
			k.val.string.val = pl->names[l];
			k.val.string.len = strlen(pl->names[l]);
			own = findJsonbValueFromContainer(&per->root, JB_FOBJECT, &k);
		}
		if (own)
		{
			Jsonb	   *oj;

			if (own->type != jbvBinary || !JsonContainerIsObject(own->val.binary.data))
				bad_param("label_params", "has %s for label \"%s\", not an object",
						  pm_json_kind(own), pl->names[l]);
			oj = JsonbValueToJsonb(own);
			merged = base ? DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(base),
															   JsonbPGetDatum(oj))) : oj;
		}
		if (merged)
			pl->label_params[l] = JsonbToCString(NULL, &merged->root, VARSIZE(merged));
	}
	/* a key of label_params naming no label is a mistake */
	if (per)
	{
		JsonbIterator *it = JsonbIteratorInit(&per->root);
		JsonbValue	v;
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_KEY)
			{
				char	   *key = pnstrdup(v.val.string.val, v.val.string.len);
				bool		found = false;

				for (int l = 0; l < nl && !found; l++)
					found = strcmp(key, pl->names[l]) == 0;
				if (!found)
					bad_param("label_params", "names label \"%s\", which is not one of the labels", key);
			}
	}
}

/* The chain order: given, "auto" (most frequent label first) or label order. */
static void
plan_order(DecPlan *pl)
{
	int			nl = pl->rows->nlabels;

	pl->order = palloc(sizeof(int) * nl);
	for (int l = 0; l < nl; l++)
		pl->order[l] = l;
	if (pl->p.order == NULL)
		return;
	if (pl->p.order->type == jbvString)
	{
		char	   *s = json_text(pl->p.order);

		if (strcmp(s, "auto") != 0)
			bad_param("order", "is \"%s\"; it is \"auto\" or an array of label names", s);
		/* insertion sort by positive share, descending; ties keep label order */
		for (int i = 1; i < nl; i++)
			for (int j = i; j > 0; j--)
			{
				int			a = pl->order[j - 1],
							b = pl->order[j];
				double		ra = (double) pl->npos[a] / pl->nknown[a],
							rb = (double) pl->npos[b] / pl->nknown[b];

				if (rb <= ra)
					break;
				pl->order[j - 1] = b;
				pl->order[j] = a;
			}
		return;
	}
	{
		char	  **names = json_names(pl->p.order, "order", nl);

		for (int k = 0; k < nl; k++)
		{
			int			l;

			for (l = 0; l < nl; l++)
				if (strcmp(names[k], pl->names[l]) == 0)
					break;
			if (l == nl)
				bad_param("order", "names label \"%s\", which is not one of the labels", names[k]);
			pl->order[k] = l;
		}
	}
}

/* Count each label's known and positive rows; a label without both classes is 22023. */
static void
plan_counts(DecPlan *pl)
{
	const DecRows *r = pl->rows;
	int			nl = r->nlabels;

	pl->npos = palloc0(sizeof(int64) * nl);
	pl->nknown = palloc0(sizeof(int64) * nl);
	for (int64 i = 0; i < r->nrows; i++)
		for (int l = 0; l < nl; l++)
		{
			int8		y = r->y[i * nl + l];

			pl->nknown[l] += y != DEC_LABEL_UNKNOWN;
			pl->npos[l] += y == 1;
		}
	for (int l = 0; l < nl; l++)
		if (pl->npos[l] == 0 || pl->npos[l] == pl->nknown[l])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("label %d (\"%s\") is %s in every training row where it is known",
							l + 1, pl->names[l], pl->npos[l] ? "true" : "false"),
					 errdetail("%lld rows know the label, %lld are positive.",
							   (long long) pl->nknown[l], (long long) pl->npos[l]),
					 errhint("A label needs positive and negative rows; drop it from the labels arrays or add rows."));
}

/* Read and check the params; fix names, order, per-label params, folds. */
static void
plan_make(DecPlan *pl, const DecRows *r)
{
	int			nl = r->nlabels;
	Jsonb	   *params = NULL;

	memset(pl, 0, sizeof(DecPlan));
	pl->rows = r;
	pl->p.threshold_folds = 3;
	if (r->params)
		params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(r->params)));
	pm_read_params(params, &dec_param_set, 0, &pl->p);
	if (pl->p.labels)
		pl->names = json_names(pl->p.labels, "labels", nl);
	else
	{
		pl->names = palloc(sizeof(char *) * nl);
		for (int l = 0; l < nl; l++)
			pl->names[l] = psprintf("label_%d", l + 1);
	}
	pl->rule = DEC_THR_CV;
	if (pl->p.threshold && pl->p.threshold->type == jbvNumeric)
	{
		pl->rule = DEC_THR_FIXED;
		pl->fixed = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													   NumericGetDatum(pl->p.threshold->val.numeric)));
		if (!(pl->fixed > 0 && pl->fixed < 1))
			bad_param("threshold", "is %g; a fixed threshold lies strictly between 0 and 1", pl->fixed);
	}
	else if (pl->p.threshold)
	{
		char	   *s = json_text(pl->p.threshold);

		if (pl->p.threshold->type == jbvString && strcmp(s, "cv") == 0)
			pl->rule = DEC_THR_CV;
		else if (pl->p.threshold->type == jbvString && strcmp(s, "train") == 0)
			pl->rule = DEC_THR_TRAIN;
		else
			bad_param("threshold", "is %s%s%s; it is \"cv\", \"train\" or a number in (0, 1)",
					  pl->p.threshold->type == jbvString ? "\"" : "", s,
					  pl->p.threshold->type == jbvString ? "\"" : "");
	}
	plan_counts(pl);
	plan_order(pl);
	plan_label_params(pl);
	/* chain features start as the true labels (NaN unknown); see cv_threshold */
	pl->chain_x = palloc_extended(sizeof(double) * r->nrows * nl, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < r->nrows * nl; i++)
		pl->chain_x[i] = r->y[i] == DEC_LABEL_UNKNOWN ? NAN : (double) r->y[i];
	/* inner folds by a hash of each row's contents: the same whatever the row order */
	pl->fold = palloc(r->nrows);
	for (int64 i = 0; i < r->nrows; i++)
	{
		uint32		h = hash_bytes((const unsigned char *) (r->x + i * r->nfeatures),
								   sizeof(double) * r->nfeatures);

		h = hash_combine(h, hash_bytes((const unsigned char *) (r->y + i * nl), nl));
		pl->fold[i] = (uint8) (h % (uint32) pl->p.threshold_folds);
	}
}

/*
 * The training rows of chain position k (label order[k]): rows whose label
 * is known (every row when all_rows, label 0 where unknown) and whose inner
 * fold is not skip_fold (-1: all), or is fold when want_fold; features then,
 * in a chain, the labels before it as chain features (chain_x).
 */
static MlTrainRows *
label_rows(const DecPlan *pl, int k, int skip_fold, bool want_fold, int fold, bool all_rows)
{
	const DecRows *r = pl->rows;
	int			l = pl->order[k];
	int			extra = pl->p.method == DEC_CLASSIFIER_CHAIN ? k : 0;
	int			nf = r->nfeatures + extra;
	MlTrainRows *t = palloc0(sizeof(MlTrainRows));
	int64		n = 0;

	t->nfeatures = nf;
	t->capacity = Max(all_rows ? r->nrows : pl->nknown[l], 1);
	t->x = palloc_extended(sizeof(double) * t->capacity * nf, MCXT_ALLOC_HUGE);
	t->y = palloc_extended(sizeof(double) * t->capacity, MCXT_ALLOC_HUGE);
	t->params = pl->label_params[l];
	for (int64 i = 0; i < r->nrows; i++)
	{
		int8		y = r->y[i * r->nlabels + l];
		double	   *xi;

		if ((y == DEC_LABEL_UNKNOWN && !all_rows) || (skip_fold >= 0 && pl->fold[i] == skip_fold) ||
			(want_fold && pl->fold[i] != fold))
			continue;
		xi = t->x + n * nf;
		memcpy(xi, r->x + i * r->nfeatures, sizeof(double) * r->nfeatures);
		for (int j = 0; j < extra; j++)
			xi[r->nfeatures + j] = pl->chain_x[i * r->nlabels + pl->order[j]];
		t->y[n++] = y == 1 ? 1.0 : 0.0;
	}
	t->nrows = n;
	return t;
}

/* Train one model on t (freed after). */
static bytea *
train_one(const DecPlan *pl, MlTrainRows *t)
{
	bytea	   *m = pl->p.base == DEC_BASE_XGBOOST ? ml_xgboost_train(t) : ml_logreg_train(t);

	pfree(t->x);
	pfree(t->y);
	pfree(t);
	return m;
}

/* Compare (probability, label) pairs by descending probability. */
static int
cmp_scored_desc(const void *a, const void *b)
{
	const PmScoredLabel *x = a,
			   *y = b;

	return (x->score < y->score) - (x->score > y->score);
}

/*
 * The threshold maximizing F1 over the n scored rows: halfway between the
 * lowest probability called positive and the next lower one.
 */
static double
best_f1_threshold(PmScoredLabel *s, int64 n)
{
	int64		npos = 0,
				tp = 0;
	double		best = -1,
				thr = 0.5;

	for (int64 i = 0; i < n; i++)
		npos += s->label ? 1 : 0, s++;
	s -= n;
	qsort(s, n, sizeof(PmScoredLabel), cmp_scored_desc);
	for (int64 i = 0; i < n; i++)
	{
		double		f1;

		tp += s[i].label;
		if (i + 1 < n && s[i + 1].score == s[i].score)
			continue;			/* a threshold cannot split ties */
		f1 = 2.0 * tp / (double) (i + 1 + npos);
		if (f1 > best)
		{
			best = f1;
			thr = i + 1 < n ? (s[i].score + s[i + 1].score) / 2 : s[i].score / 2;
		}
	}
	return thr;
}

/* Score t's rows with model m (single-label) into s[offset..]. */
static void
score_rows(bytea *m, const MlTrainRows *t, PmScoredLabel *s)
{
	MlModel		mm;
	MlScorer	sc;

	ml_model_unpack(m, &mm);
	ml_scorer_load(&mm, &sc);
	for (int64 i = 0; i < t->nrows; i++)
	{
		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		s[i].score = 1.0 / (1.0 + exp(-ml_scorer_margin(&sc, t->x + i * t->nfeatures)));
		s[i].label = t->y[i] == 1.0;
	}
}

/*
 * The threshold of chain position k by inner cross-validation; a fold
 * whose training part has one class only falls back to "train" (false).
 */
static bool
cv_threshold(DecPlan *pl, int k, double *thr)
{
	const DecRows *r = pl->rows;
	int			l = pl->order[k];
	PmScoredLabel *s = palloc_extended(sizeof(PmScoredLabel) * Max(pl->nknown[l], 1), MCXT_ALLOC_HUGE);
	PmScoredLabel *all = palloc_extended(sizeof(PmScoredLabel) * Max(r->nrows, 1), MCXT_ALLOC_HUGE);
	double	   *oof = palloc_extended(sizeof(double) * Max(r->nrows, 1), MCXT_ALLOC_HUGE);
	int64		n = 0;

	for (int f = 0; f < pl->p.threshold_folds; f++)
	{
		MlTrainRows *tr = label_rows(pl, k, f, false, 0, false);
		MlTrainRows *te = label_rows(pl, k, -1, true, f, true);
		int64		pos = 0,
					j = 0;

		for (int64 i = 0; i < tr->nrows; i++)
			pos += tr->y[i] == 1.0;
		if (pos == 0 || pos == tr->nrows || te->nrows == 0)
			return false;
		/* every row of fold f scored; the rows knowing the label choose the threshold */
		score_rows(train_one(pl, tr), te, all);
		for (int64 i = 0; i < r->nrows; i++)
		{
			if (pl->fold[i] != f)
				continue;
			oof[i] = all[j].score;
			if (r->y[i * r->nlabels + l] != DEC_LABEL_UNKNOWN)
				s[n++] = all[j];
			j++;
		}
	}
	*thr = best_f1_threshold(s, n);
	/* later labels of the chain train on these out-of-fold decisions */
	for (int64 i = 0; i < r->nrows; i++)
		pl->chain_x[i * r->nlabels + l] = oof[i] >= *thr ? 1.0 : 0.0;
	pfree(s);
	pfree(all);
	pfree(oof);
	return true;
}

/* Train chain position k: its model value, and its threshold in *thr. */
static bytea *
train_position(DecPlan *pl, int k, double *thr, const char **how)
{
	int			l = pl->order[k];
	bool		done = false;
	bytea	   *m;

	*how = pl->rule == DEC_THR_FIXED ? "fixed" : pl->rule == DEC_THR_CV ? "cv" : "train";
	if (pl->rule == DEC_THR_FIXED)
	{
		*thr = pl->fixed;
		done = true;
	}
	else if (pl->rule == DEC_THR_CV)
	{
		done = cv_threshold(pl, k, thr);
		if (!done)
			*how = "train";
	}
	m = train_one(pl, label_rows(pl, k, -1, false, 0, false));
	if (!done)
	{
		MlTrainRows *t = label_rows(pl, k, -1, false, 0, false);
		PmScoredLabel *s = palloc_extended(sizeof(PmScoredLabel) * Max(t->nrows, 1), MCXT_ALLOC_HUGE);

		score_rows(m, t, s);
		*thr = best_f1_threshold(s, t->nrows);
	}
	pm_progress(false, "train_multilabel: label %d of %d (%s) trained", k + 1,
				pl->rows->nlabels, pl->names[l]);
	return m;
}

/* The model's JSON text: method, base, labels, order, params, thresholds. */
static char *
dec_meta(const DecPlan *pl, const double *thr, const char **how)
{
	StringInfoData s;
	int			nl = pl->rows->nlabels;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"method\": \"%s\", \"base\": \"%s\", \"labels\": [",
					 methods[pl->p.method], bases[pl->p.base]);
	for (int l = 0; l < nl; l++)
	{
		if (l)
			appendStringInfoString(&s, ", ");
		escape_json(&s, pl->names[l]);
	}
	appendStringInfoString(&s, "], \"order\": [");
	for (int k = 0; k < nl; k++)
	{
		if (k)
			appendStringInfoString(&s, ", ");
		escape_json(&s, pl->names[pl->order[k]]);
	}
	appendStringInfoString(&s, "], \"thresholds\": [");
	for (int l = 0; l < nl; l++)
		appendStringInfo(&s, "%s%.17g", l ? ", " : "", thr[l]);
	appendStringInfoString(&s, "], \"threshold_rule\": [");
	for (int l = 0; l < nl; l++)
		appendStringInfo(&s, "%s\"%s\"", l ? ", " : "", how[l]);
	appendStringInfo(&s, "], \"threshold_folds\": %d, \"label_rows\": [", pl->p.threshold_folds);
	for (int l = 0; l < nl; l++)
		appendStringInfo(&s, "%s%lld", l ? ", " : "", (long long) pl->nknown[l]);
	appendStringInfoString(&s, "], \"label_positives\": [");
	for (int l = 0; l < nl; l++)
		appendStringInfo(&s, "%s%lld", l ? ", " : "", (long long) pl->npos[l]);
	appendStringInfoString(&s, "], \"params\": ");
	appendStringInfoString(&s, pl->p.params ? json_text(pl->p.params) : "{}");
	appendStringInfoString(&s, ", \"label_params\": ");
	appendStringInfoString(&s, pl->p.label_params ? json_text(pl->p.label_params) : "{}");
	appendStringInfoString(&s, ", \"implies\": ");
	appendStringInfoString(&s, pl->p.implies ? json_text(pl->p.implies) : "{}");
	appendStringInfoChar(&s, '}');
	return s.data;
}

/*
 * Final function of precmed.train_multilabel: the model value.  Refuses an
 * empty training set, bad params, a label without positive and negative
 * rows (22023), and whatever the base learner refuses.
 */
PG_FUNCTION_INFO_V1(train_multilabel_final);
Datum
train_multilabel_final(PG_FUNCTION_ARGS)
{
	DecRows    *r;
	DecPlan		pl;
	DecTrained	t;
	int			nl;
	double	   *thr;
	const char **how;
	bytea	  **sub;
	int64		anypos = 0;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "train_multilabel_final called in non-aggregate context");
	r = PG_ARGISNULL(0) ? NULL : (DecRows *) PG_GETARG_POINTER(0);
	if (r == NULL || r->nrows == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set is empty"),
				 errdetail("precmed.train_multilabel received no rows."),
				 errhint("Check the query's WHERE clause and joins."));
	AssertCheckDecRows(r);
	nl = r->nlabels;
	plan_make(&pl, r);
	t.nimplies = dec_read_implies(pl.p.implies, pl.names, nl, (int **) &t.implies);
	thr = palloc(sizeof(double) * nl);
	how = palloc(sizeof(char *) * nl);
	sub = palloc(sizeof(bytea *) * nl);
	for (int k = 0; k < nl; k++)
	{
		int			l = pl.order[k];

		CHECK_FOR_INTERRUPTS();
		sub[k] = train_position(&pl, k, &thr[l], &how[l]);
	}
	for (int64 i = 0; i < r->nrows; i++)
		for (int l = 0; l < nl; l++)
			if (r->y[i * nl + l] == 1)
			{
				anypos++;
				break;
			}
	t.nlabels = nl;
	t.nfeatures = r->nfeatures;
	t.method = (DecMethod) pl.p.method;
	t.ntrain = r->nrows;
	t.npositive = anypos;
	t.order = pl.order;
	t.threshold = thr;
	t.sub = sub;
	t.meta = dec_meta(&pl, thr, how);
	PG_RETURN_BYTEA_P(dec_model_pack(&t));
}

/* precmed.train_multilabel and _merge's final function over precmed.multilabel_rows_state. */
PM_STATE_FINAL(train_multilabel_finish, dec_rows_family, train_multilabel_final)
