/*
 * sql_api.c: link_predict, link_cv and link_folds.
 *
 * All work happens in a memory context of its own, deleted on the way out
 * (and with its parent on error), so the large matrices never outlive the
 * call.
 */
#include "linkpred/linkpred.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* The method (argument method_arg) and its params (params_arg), read and checked. */
static void
read_method_params(FunctionCallInfo fcinfo, int method_arg, int params_arg, LpParams *params)
{
	char	   *method = pm_text_arg(fcinfo, method_arg, "method");

	if (PG_ARGISNULL(params_arg))
		pm_error_null_argument("params");
	lp_parse_params(params, lp_parse_method(method), PG_GETARG_JSONB_P(params_arg));
}

/* The queries that describe the problem: arguments 0, 1 and 2. */
static void
problem_args(FunctionCallInfo fcinfo, LpQueries *a)
{
	a->associations = pm_text_arg(fcinfo, 0, "associations");
	a->left_similarity = pm_text_arg(fcinfo, 1, "left_similarity");
	a->right_similarity = pm_text_arg(fcinfo, 2, "right_similarity");
}

/* A run's state; label prefixes its progress lines ("" or "fold 3: "). */
static void
init_run(LpRun *run, LpParams *p, const char *label)
{
	memset(run, 0, sizeof(*run));
	run->params = p;
	run->label = label;
}

/*
 * link_predict(associations, left_similarity, right_similarity, method,
 * params): the score of every left x right pair, and whether it is known.
 * Refuses bad queries and inputs (see input.c), unknown methods and params,
 * and problems larger than the memory cap.
 */
PG_FUNCTION_INFO_V1(link_predict);
Datum
link_predict(PG_FUNCTION_ARGS)
{
	LpQueries	args;
	LpParams	params;
	PmCall		call;
	LpRun		run;
	LpProblem  *prob;
	double	   *F;
	Datum	   *ltext,
			   *rtext;

	problem_args(fcinfo, &args);
	read_method_params(fcinfo, 3, 4, &params);
	if (params.protocol_given)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("parameter \"protocol\" applies to link_cv only"),
				 errhint("Remove it from the params of link_predict."));
	pm_call_begin(&call, fcinfo, "link_predict");
	prob = lp_read_problem(&args, &params, 0, "link_predict");
	pm_spi_finish(call.work);

	init_run(&run, &params, "");
	pm_progress(params.progress, "read %d associations, %d x %d entities",
				prob->npairs, prob->nl, prob->nr);
	F = lp_alloc((size_t) prob->nl * prob->nr);
	lp_score(&run, prob->A, prob->Sl, prob->Sr, prob->nl, prob->nr, F);
	pm_progress(params.progress, "%s model scored", lp_method_name(params.method));

	ltext = palloc(sizeof(Datum) * prob->nl);
	rtext = palloc(sizeof(Datum) * prob->nr);
	for (int i = 0; i < prob->nl; i++)
		ltext[i] = CStringGetTextDatum(prob->left_ids[i]);
	for (int j = 0; j < prob->nr; j++)
		rtext[j] = CStringGetTextDatum(prob->right_ids[j]);
	for (int i = 0; i < prob->nl; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < prob->nr; j++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};
			size_t		ij = LP_IDX(i, j, prob->nl);

			values[0] = ltext[i];
			values[1] = rtext[j];
			values[2] = Float8GetDatum(F[ij]);
			values[3] = BoolGetDatum(prob->A[ij] != 0);
			tuplestore_putvalues(call.rsinfo->setResult, call.rsinfo->setDesc, values, nulls);
		}
	}
	pm_call_end(&call);
	return (Datum) 0;
}

/* Append one row of link_cv's result (fold NULL for the pooled row). */
static void
put_cv_row(PmCall *c, bool pooled_row, int fold, double auroc, double ap, int npos, int nneg)
{
	Datum		values[5];
	bool		nulls[5] = {pooled_row, isnan(auroc), isnan(ap), false, false};

	values[0] = Int32GetDatum(fold);
	values[1] = Float8GetDatum(auroc);
	values[2] = Float8GetDatum(ap);
	values[3] = Int32GetDatum(npos);
	values[4] = Int32GetDatum(nneg);
	tuplestore_putvalues(c->rsinfo->setResult, c->rsinfo->setDesc, values, nulls);
}

/* One link_cv call: the problem, its folds, and the buffers each fold reuses. */
typedef struct CvRun
{
	LpParams	params;
	LpRun		run;
	LpProblem  *prob;
	int			nfolds;
	int		   *fold_values;	/* the label of each fold */
	int		   *fold_of;		/* per known pair: its fold */
	int		   *fold_matrix;	/* pooled: per pair, its fold */
	size_t		len;			/* nl x nr */
	double	   *Atr;			/* the training associations */
	double	   *F;				/* the scores */
	double	   *test_score;		/* the fold's test pairs */
	bool	   *test_label;
	double	   *pooled_score;	/* pooled: the test pairs of every fold */
	bool	   *pooled_label;
	size_t		npooled;
} CvRun;

/* The buffers every fold reuses. */
static void
cv_alloc(CvRun *cv)
{
	cv->len = (size_t) cv->prob->nl * cv->prob->nr;
	cv->Atr = lp_alloc(cv->len);
	cv->F = lp_alloc(cv->len);
	cv->test_score = lp_alloc(cv->len);
	cv->test_label = palloc_extended(cv->len, MCXT_ALLOC_HUGE);
	if (cv->params.pooled)
	{
		cv->pooled_score = lp_alloc(cv->len);
		cv->pooled_label = palloc_extended(cv->len, MCXT_ALLOC_HUGE);
	}
}

/*
 * Train without fold f's known pairs and collect its test pairs: in the
 * global protocol the held-out pairs and every unknown pair, in the pooled
 * protocol the fold's pairs.  Returns their count; *npos gets the positives.
 */
static int
cv_fold(CvRun *cv, int f, int *npos)
{
	LpProblem  *prob = cv->prob;
	int			ntest = 0;

	cv->run.label = psprintf("fold %d: ", cv->fold_values[f]);
	memcpy(cv->Atr, prob->A, cv->len * sizeof(double));
	for (int p = 0; p < prob->npairs; p++)
		if (cv->fold_of[p] == f)
			cv->Atr[LP_IDX(prob->pair_l[p], prob->pair_r[p], prob->nl)] = 0;
	lp_score(&cv->run, cv->Atr, prob->Sl, prob->Sr, prob->nl, prob->nr, cv->F);

	*npos = 0;
	for (size_t e = 0; e < cv->len; e++)
	{
		bool		pos;

		if (cv->params.pooled)
		{
			/* pooled: the fold's pairs, known (held out) or unknown */
			if (cv->fold_matrix[e] != f)
				continue;
			pos = prob->A[e] != 0;
		}
		else if (prob->A[e] == 0)
			pos = false;		/* global: every unknown pair */
		else if (cv->Atr[e] == 0)
			pos = true;			/* held out in this fold */
		else
			continue;			/* known pair of another fold */
		cv->test_score[ntest] = cv->F[e];
		cv->test_label[ntest++] = pos;
		*npos += pos;
	}
	if (cv->params.pooled)
	{
		memcpy(cv->pooled_score + cv->npooled, cv->test_score, sizeof(double) * ntest);
		memcpy(cv->pooled_label + cv->npooled, cv->test_label, ntest);
		cv->npooled += ntest;
	}
	return ntest;
}

/*
 * link_cv(associations, left_similarity, right_similarity, folds, method,
 * params): per fold its AUROC, AUPR and test pair counts, and with protocol
 * "pooled" a last row (fold NULL) over all folds' pairs.  Refuses what
 * link_predict refuses, and folds that miss a known pair, name an unknown
 * one or give a pair two folds.
 */
PG_FUNCTION_INFO_V1(link_cv);
Datum
link_cv(PG_FUNCTION_ARGS)
{
	LpQueries	args;
	char	   *folds;
	PmCall		call;
	CvRun		cv = {0};

	problem_args(fcinfo, &args);
	folds = pm_text_arg(fcinfo, 3, "folds");
	read_method_params(fcinfo, 4, 5, &cv.params);
	pm_call_begin(&call, fcinfo, "link_cv");
	cv.prob = lp_read_problem(&args, &cv.params, cv.params.pooled ? 5 : 3, "link_cv");
	cv.fold_of = lp_read_folds(cv.prob, folds, cv.params.pooled, &cv.nfolds,
							   &cv.fold_values, &cv.fold_matrix);
	pm_spi_finish(call.work);

	init_run(&cv.run, &cv.params, "");
	cv_alloc(&cv);
	for (int f = 0; f < cv.nfolds; f++)
	{
		int			npos,
					ntest;
		double		auroc,
					ap;

		CHECK_FOR_INTERRUPTS();
		ntest = cv_fold(&cv, f, &npos);
		lp_auc_ap(cv.test_score, cv.test_label, ntest, &auroc, &ap);
		pm_progress(cv.params.progress, "%sAUROC %.4f, AUPR %.4f", cv.run.label, auroc, ap);
		put_cv_row(&call, false, cv.fold_values[f], auroc, ap, npos, ntest - npos);
	}
	if (cv.params.pooled)
	{
		double		auroc,
					ap;
		int			npos = 0;

		for (size_t e = 0; e < cv.npooled; e++)
			npos += cv.pooled_label[e];
		lp_auc_ap(cv.pooled_score, cv.pooled_label, (int) cv.npooled, &auroc, &ap);
		put_cv_row(&call, true, 0, auroc, ap, npos, (int) cv.npooled - npos);
	}
	pm_call_end(&call);
	return (Datum) 0;
}

/* splitmix64: a small, well-mixed generator, so folds depend only on the seed. */
static uint64
splitmix64(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * link_folds(associations, k, seed): each association with a fold 0..k-1,
 * a seeded shuffle of the pairs sorted by id.  Refuses k < 2 or above the
 * number of associations, and duplicate associations.
 */
PG_FUNCTION_INFO_V1(link_folds);
Datum
link_folds(PG_FUNCTION_ARGS)
{
	char	   *assoc = pm_text_arg(fcinfo, 0, "associations");
	int			k,
				n;
	int64		seed;
	uint64		state;
	char	  **ids;
	int		   *perm;
	PmCall		call;

	if (PG_ARGISNULL(1))
		pm_error_null_argument("k");
	if (PG_ARGISNULL(2))
		pm_error_null_argument("seed");
	k = PG_GETARG_INT32(1);
	seed = PG_GETARG_INT64(2);
	if (k < 2)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("number of folds k = %d is below 2", k),
				 errhint("Use k = 10 for the usual 10-fold cross-validation."));

	pm_call_begin(&call, fcinfo, "link_folds");
	n = lp_read_pairs(assoc, &ids);
	pm_spi_finish(call.work);
	if (k > n)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("number of folds k = %d exceeds the %d associations", k, n),
				 errdetail("Every fold must hold out at least one association."));

	/* Fisher-Yates over pairs sorted by id, then fold = floor(position * k / n) */
	state = (uint64) seed;
	perm = palloc(sizeof(int) * n);
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--)
	{
		int			j = (int) (splitmix64(&state) % (uint64) (i + 1));
		int			t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (int pos = 0; pos < n; pos++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		int			p = perm[pos];

		values[0] = CStringGetTextDatum(ids[2 * p]);
		values[1] = CStringGetTextDatum(ids[2 * p + 1]);
		values[2] = Int32GetDatum((int) (((int64) pos * k) / n));
		tuplestore_putvalues(call.rsinfo->setResult, call.rsinfo->setDesc, values, nulls);
	}
	pm_call_end(&call);
	return (Datum) 0;
}
