/*
 * sql_api.c: link_predict, link_cv and link_folds.
 *
 * All work happens in a memory context of its own, deleted on the way out
 * (and with its parent on error), so the large matrices never outlive the
 * call.
 */
#include "linkpred/linkpred.h"

#include <sys/resource.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "portability/instr_time.h"
#include "utils/memutils.h"

typedef struct Call
{
	MemoryContext work;
	MemoryContext old;
	ReturnSetInfo *rsinfo;
	LpParams	params;
} Call;

static void
call_begin(Call *c, FunctionCallInfo fcinfo, int method_arg, int params_arg)
{
	char	   *method = pm_text_arg(fcinfo, method_arg, "method");
	Jsonb	   *json;

	if (PG_ARGISNULL(params_arg))
		pm_error_null_argument("params");
	json = PG_GETARG_JSONB_P(params_arg);
	lp_parse_params(&c->params, lp_parse_method(method), json);

	InitMaterializedSRF(fcinfo, 0);
	c->rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	c->work = AllocSetContextCreate(CurrentMemoryContext, "linkpred",
									ALLOCSET_DEFAULT_SIZES);
	c->old = MemoryContextSwitchTo(c->work);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* keep our allocations in the work context, not SPI's */
	MemoryContextSwitchTo(c->work);
}

static void
init_run(LpRun *run, LpParams *p)
{
	memset(run, 0, sizeof(*run));
	run->params = p;
}

/* CPU seconds (user + system) of this backend: robust to other load on the host. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static double
seconds_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

PG_FUNCTION_INFO_V1(link_predict);
Datum
link_predict(PG_FUNCTION_ARGS)
{
	char	   *assoc = pm_text_arg(fcinfo, 0, "associations");
	char	   *lsim = pm_text_arg(fcinfo, 1, "left_similarity");
	char	   *rsim = pm_text_arg(fcinfo, 2, "right_similarity");
	Call		c;
	LpRun		run;
	LpProblem  *prob;
	double	   *F;
	Datum	   *ltext,
			   *rtext;

	instr_time	start;
	double		cpu0;

	INSTR_TIME_SET_CURRENT(start);
	call_begin(&c, fcinfo, 3, 4);
	if (c.params.protocol_given)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("parameter \"protocol\" applies to link_cv only"),
				 errhint("Remove it from the params of link_predict."));
	prob = lp_read_problem(assoc, lsim, rsim, &c.params, 0, "link_predict");
	SPI_finish();
	MemoryContextSwitchTo(c.work);

	init_run(&run, &c.params);
	lp_progress(&run, "read %d associations, %d x %d entities in %.3f s",
				prob->npairs, prob->nl, prob->nr, seconds_since(start));
	INSTR_TIME_SET_CURRENT(start);
	cpu0 = cpu_seconds();
	F = lp_alloc((size_t) prob->nl * prob->nr);
	lp_score(&run, prob->A, prob->Sl, prob->Sr, prob->nl, prob->nr, F);
	lp_progress(&run, "%s model scored in %.3f s (CPU %.3f s)", lp_method_name(c.params.method),
				seconds_since(start), cpu_seconds() - cpu0);

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
			tuplestore_putvalues(c.rsinfo->setResult, c.rsinfo->setDesc, values, nulls);
		}
	}
	MemoryContextSwitchTo(c.old);
	MemoryContextDelete(c.work);
	return (Datum) 0;
}

static void
put_cv_row(Call *c, bool pooled_row, int fold, double auroc, double ap, int npos, int nneg)
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

PG_FUNCTION_INFO_V1(link_cv);
Datum
link_cv(PG_FUNCTION_ARGS)
{
	char	   *assoc = pm_text_arg(fcinfo, 0, "associations");
	char	   *lsim = pm_text_arg(fcinfo, 1, "left_similarity");
	char	   *rsim = pm_text_arg(fcinfo, 2, "right_similarity");
	char	   *folds = pm_text_arg(fcinfo, 3, "folds");
	Call		c;
	LpRun		run;
	LpProblem  *prob;
	int			nfolds;
	int		   *fold_values;
	int		   *fold_of;
	size_t		len;
	double	   *Atr,
			   *F,
			   *test_score,
			   *pooled_score = NULL;
	bool	   *test_label,
			   *pooled_label = NULL;
	int		   *fold_matrix;
	size_t		npooled = 0;

	call_begin(&c, fcinfo, 4, 5);
	prob = lp_read_problem(assoc, lsim, rsim, &c.params, c.params.pooled ? 5 : 3, "link_cv");
	fold_of = lp_read_folds(prob, folds, c.params.pooled, &nfolds, &fold_values, &fold_matrix);
	SPI_finish();
	MemoryContextSwitchTo(c.work);

	init_run(&run, &c.params);
	len = (size_t) prob->nl * prob->nr;
	Atr = lp_alloc(len);
	F = lp_alloc(len);
	test_score = lp_alloc(len);
	test_label = palloc_extended(len, MCXT_ALLOC_HUGE);
	if (c.params.pooled)
	{
		pooled_score = lp_alloc(len);
		pooled_label = palloc_extended(len, MCXT_ALLOC_HUGE);
	}

	for (int f = 0; f < nfolds; f++)
	{
		int			npos = 0,
					nneg = 0,
					ntest = 0;
		double		auroc,
					ap;

		CHECK_FOR_INTERRUPTS();
		run.label = psprintf("fold %d", fold_values[f]);
		memcpy(Atr, prob->A, len * sizeof(double));
		for (int p = 0; p < prob->npairs; p++)
			if (fold_of[p] == f)
				Atr[LP_IDX(prob->pair_l[p], prob->pair_r[p], prob->nl)] = 0;
		lp_score(&run, Atr, prob->Sl, prob->Sr, prob->nl, prob->nr, F);

		for (size_t e = 0; e < len; e++)
		{
			bool		pos;

			if (c.params.pooled)
			{
				/* pooled: the fold's pairs, known (held out) or unknown */
				if (fold_matrix[e] != f)
					continue;
				pos = prob->A[e] != 0;
			}
			else if (prob->A[e] == 0)
				pos = false;	/* global: every unknown pair */
			else if (Atr[e] == 0)
				pos = true;		/* held out in this fold */
			else
				continue;		/* known pair of another fold */
			test_score[ntest] = F[e];
			test_label[ntest++] = pos;
			if (pos)
				npos++;
			else
				nneg++;
		}
		if (c.params.pooled)
		{
			memcpy(pooled_score + npooled, test_score, sizeof(double) * ntest);
			memcpy(pooled_label + npooled, test_label, ntest);
			npooled += ntest;
		}
		lp_auc_ap(test_score, test_label, ntest, &auroc, &ap);
		lp_progress(&run, "AUROC %.4f, AUPR %.4f", auroc, ap);
		put_cv_row(&c, false, fold_values[f], auroc, ap, npos, nneg);
	}
	if (c.params.pooled)
	{
		double		auroc,
					ap;
		int			npos = 0;

		for (size_t e = 0; e < npooled; e++)
			npos += pooled_label[e];
		lp_auc_ap(pooled_score, pooled_label, (int) npooled, &auroc, &ap);
		put_cv_row(&c, true, 0, auroc, ap, npos, (int) npooled - npos);
	}
	MemoryContextSwitchTo(c.old);
	MemoryContextDelete(c.work);
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
	Call		c;

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

	InitMaterializedSRF(fcinfo, 0);
	c.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	c.work = AllocSetContextCreate(CurrentMemoryContext, "linkpred",
								   ALLOCSET_DEFAULT_SIZES);
	c.old = MemoryContextSwitchTo(c.work);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(c.work);
	n = lp_read_pairs(assoc, &ids);
	SPI_finish();
	MemoryContextSwitchTo(c.work);
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
		tuplestore_putvalues(c.rsinfo->setResult, c.rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(c.old);
	MemoryContextDelete(c.work);
	return (Datum) 0;
}
