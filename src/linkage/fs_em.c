/*
 * fs_em.c: the final functions of fs_train (EM) and fs_level_frequencies.
 *
 * How it works.  Fellegi and Sunter (1969) score a candidate pair by how
 * much likelier its comparison vector is among matches than among
 * non-matches: per field k and level l, m[k][l] = P(level l | match) and
 * u[k][l] = P(level l | non-match), fields independent given match status,
 * and lambda = P(match).  Those are unknown; EM (Winkler 1988; as in
 * Splink's expectation_maximisation) estimates them from unlabelled pairs:
 *  - start: u = the observed share of pairs at each level (nearly all pairs
 *    are non-matches), m weighted to the top level (0.9 there, the rest
 *    rising with the level), lambda = the share of pairs identical on more
 *    than half their known fields (or the given prior);
 *  - E step: each distinct vector's match probability
 *    p = lambda prod m / (lambda prod m + (1 - lambda) prod u), over its
 *    non-missing fields (a missing field contributes to neither step);
 *  - M step: lambda = the pairs' mean p; m[k][l] = the p-weighted share of
 *    pairs at level l of field k, u the (1 - p)-weighted share (u stays as
 *    given when fixed), plus an optional pseudo-count per level;
 *  - stop when no parameter moved by more than the tolerance, or after
 *    max_iterations.
 * The state holds each distinct vector once with its count, so an
 * iteration costs O(distinct vectors x fields) whatever the number of
 * pairs.  Vectors are sorted before EM so the sums run in a fixed order:
 * serial and parallel plans, and any row order, give the same bits.
 */
#include "linkage/linkage.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/* The params the state kept, read and checked against the model's shape. */
static void
read_options(FsTrainState *st, const int *nlevels, LkTrainParams *o)
{
	const char *text = lk_state_params(st);
	Jsonb	   *params = NULL;

	if (text)
		params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
	lk_train_params(params, o);
	lk_train_arrays(o, lk_state_nfields(st), nlevels);
}

/* Level by level, then field by field: a fixed order whatever the hash order. */
static int
pattern_cmp(const void *a, const void *b, void *arg)
{
	const int8 *x = ((const LkPattern *) a)->levels;
	const int8 *y = ((const LkPattern *) b)->levels;
	int			nfields = *(const int *) arg;

	for (int k = 0; k < nfields; k++)
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	return 0;
}

/* ---- EM ---- */

/* The training data and the sums of one EM iteration. */
typedef struct EmData
{
	LkModel    *model;
	LkPattern  *pat;			/* distinct vectors, sorted */
	int			npat;
	double		N;				/* pairs */
	double		smoothing;
	double	   *msum;			/* per (field, level): p-weighted pairs */
	double	   *usum;			/* (1 - p)-weighted */
	double	   *mtot;			/* per field: p-weighted pairs with the field known */
	double	   *utot;
} EmData;

/* Pairs per level into model->count; u and m at their starting values. */
static void
em_start(EmData *d, const LkTrainParams *opt)
{
	LkModel    *model = d->model;
	int			K = model->nfields;

	for (int i = 0; i < d->npat; i++)
		for (int k = 0; k < K; k++)
			if (d->pat[i].levels[k] != LK_NULL_LEVEL)
			{
				model->count[model->offset[k] + d->pat[i].levels[k]] += d->pat[i].count;
				d->utot[k] += d->pat[i].count;
			}
	for (int k = 0; k < K; k++)
	{
		int			L = model->nlevels[k];
		double		below = 0;

		for (int l = 0; l < L - 1; l++)
			below += l + 1;
		for (int l = 0; l < L; l++)
		{
			int			i = model->offset[k] + l;

			if (opt->u_rows)
				model->u[i] = opt->u_rows[k][l];
			else
				model->u[i] = d->utot[k] > 0 ? model->count[i] / d->utot[k] : 1.0 / L;
			/* m starts heavy on the top level: matches mostly agree */
			if (opt->m_rows)
				model->m[i] = opt->m_rows[k][l];
			else
				model->m[i] = l == L - 1 ? 0.9 : 0.1 * (l + 1) / below;
		}
	}
}

/* The starting lambda: the share of pairs agreeing exactly on more than half their known fields. */
static double
em_start_prior(const EmData *d)
{
	const LkModel *model = d->model;
	double		agree = 0;

	for (int i = 0; i < d->npat; i++)
	{
		int			known = 0,
					top = 0;

		for (int k = 0; k < model->nfields; k++)
			if (d->pat[i].levels[k] != LK_NULL_LEVEL)
			{
				known++;
				if (d->pat[i].levels[k] == model->nlevels[k] - 1)
					top++;
			}
		if (2 * top > known)
			agree += d->pat[i].count;
	}
	return Min(Max(agree / d->N, 0.001), 0.5);
}

/* E step: each vector's match probability, summed into d's sums; returns the sum of p. */
static double
em_expect(EmData *d, double lambda)
{
	const LkModel *model = d->model;
	int			K = model->nfields;
	double		psum = 0;

	memset(d->msum, 0, sizeof(double) * model->total);
	memset(d->usum, 0, sizeof(double) * model->total);
	memset(d->mtot, 0, sizeof(double) * K);
	memset(d->utot, 0, sizeof(double) * K);
	for (int i = 0; i < d->npat; i++)
	{
		const int8 *levels = d->pat[i].levels;
		double		count = d->pat[i].count;
		double		lm = log(lambda),
					lu = log1p(-lambda),
					p;

		for (int k = 0; k < K; k++)
		{
			int			l = levels[k];

			if (l == LK_NULL_LEVEL)
				continue;
			lm += log(model->m[model->offset[k] + l]);
			lu += log(model->u[model->offset[k] + l]);
		}
		if (isinf(lm) && isinf(lu))
			p = lambda;
		else
			p = 1.0 / (1.0 + exp(lu - lm));
		psum += count * p;
		for (int k = 0; k < K; k++)
		{
			int			l = levels[k];

			if (l == LK_NULL_LEVEL)
				continue;
			d->msum[model->offset[k] + l] += count * p;
			d->usum[model->offset[k] + l] += count * (1.0 - p);
			d->mtot[k] += count * p;
			d->utot[k] += count * (1.0 - p);
		}
	}
	return psum;
}

/* M step: m (and u unless fixed) from d's sums; returns the largest change, at least change. */
static double
em_maximize(EmData *d, double change)
{
	LkModel    *model = d->model;
	double		a = d->smoothing;

	for (int k = 0; k < model->nfields; k++)
		for (int l = 0; l < model->nlevels[k]; l++)
		{
			int			i = model->offset[k] + l;
			int			L = model->nlevels[k];
			double		m = d->mtot[k] + a * L > 0 ? (d->msum[i] + a) / (d->mtot[k] + a * L) : model->m[i];

			change = Max(change, fabs(m - model->m[i]));
			model->m[i] = m;
			if (!model->u_fixed)
			{
				double		u = d->utot[k] + a * L > 0 ? (d->usum[i] + a) / (d->utot[k] + a * L) : model->u[i];

				change = Max(change, fabs(u - model->u[i]));
				model->u[i] = u;
			}
		}
	return change;
}

/* Iterate EM from lambda until converged or max_iterations; model->prior gets lambda. */
static void
em_run(EmData *d, double lambda, const LkTrainParams *opt)
{
	LkModel    *model = d->model;

	model->converged = false;
	for (model->iterations = 0; model->iterations < opt->max_iterations;)
	{
		double		psum,
					new_lambda,
					change;

		CHECK_FOR_INTERRUPTS();
		psum = em_expect(d, lambda);	/* once: Min and Max are macros */
		new_lambda = Min(Max(psum / d->N, 1e-12), 1.0 - 1e-12);
		change = fabs(new_lambda - lambda);
		lambda = new_lambda;
		change = em_maximize(d, change);
		model->iterations++;
		if (change < opt->tolerance)
		{
			model->converged = true;
			break;
		}
	}
	model->prior = lambda;
}

/*
 * fs_train_finalfn(state): the Fellegi-Sunter model (bytea) estimated by EM.
 * Refuses zero pairs, empty vectors, and pairs that all share one vector.
 */
PG_FUNCTION_INFO_V1(fs_train_finalfn);
Datum
fs_train_finalfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = lk_state_arg(fcinfo, 0);
	int			nlevels[LK_MAX_FIELDS];
	int			K;
	LkModel    *model;
	LkTrainParams opt;
	EmData		d = {0};

	lk_agg_context(fcinfo, "fs_train_finalfn");
	if (st == NULL || lk_state_rows(st) == 0)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_train: no candidate pairs to train on"),
				 errdetail("The aggregate received zero rows."),
				 errhint("Check the blocking join that produces the candidate pairs."));
	K = lk_state_nfields(st);
	if (K == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fs_train: comparison vectors are empty"),
				 errhint("Give one comparison level per field."));

	model = palloc0(sizeof(LkModel));
	lk_state_nlevels(st, nlevels);
	lk_model_shape(model, K, nlevels);
	read_options(st, model->nlevels, &opt);
	model->names = opt.names;

	/* the distinct vectors, in a fixed order */
	d.model = model;
	d.pat = lk_state_patterns(st, &d.npat);
	qsort_arg(d.pat, d.npat, sizeof(LkPattern), pattern_cmp, &K);
	for (int i = 0; i < d.npat; i++)
		d.N += d.pat[i].count;
	if (d.npat == 1)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_train: every candidate pair has the same comparison vector"),
				 errdetail("All %.0f pairs compare identically, so matches and non-matches cannot be told apart.", d.N),
				 errhint("Train on pairs that include non-matches (a looser blocking rule), or use more fields or levels."));
	d.smoothing = opt.smoothing;
	d.msum = palloc0(sizeof(double) * model->total);
	d.usum = palloc0(sizeof(double) * model->total);
	d.mtot = palloc0(sizeof(double) * K);
	d.utot = palloc0(sizeof(double) * K);

	em_start(&d, &opt);
	model->u_fixed = opt.u_rows != NULL;
	em_run(&d, opt.prior > 0 ? opt.prior : em_start_prior(&d), &opt);
	model->npairs = d.N;
	PG_RETURN_BYTEA_P(lk_model_serialize(model));
}

/*
 * fs_level_frequencies_finalfn(state): the share of pairs at each level of
 * each field (missing fields left out), as jsonb [[...], ...].  Over random
 * pairs, nearly all non-matches, that is the u table Splink estimates by
 * sampling; pass it to fs_train as params "u".  Refuses zero pairs.
 */
PG_FUNCTION_INFO_V1(fs_level_frequencies_finalfn);
Datum
fs_level_frequencies_finalfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = lk_state_arg(fcinfo, 0);
	int			nlevels[LK_MAX_FIELDS];
	double	   *count[LK_MAX_FIELDS];
	double		total[LK_MAX_FIELDS];
	int			K,
				npat;
	LkPattern  *pat;
	LkTrainParams opt;
	StringInfoData buf;

	lk_agg_context(fcinfo, "fs_level_frequencies_finalfn");
	if (st == NULL || lk_state_rows(st) == 0)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_level_frequencies: no pairs to count"),
				 errdetail("The aggregate received zero rows."));
	K = lk_state_nfields(st);
	lk_state_nlevels(st, nlevels);
	for (int k = 0; k < K; k++)
	{
		count[k] = palloc0(sizeof(double) * nlevels[k]);
		total[k] = 0;
	}
	read_options(st, nlevels, &opt);
	pat = lk_state_patterns(st, &npat);
	for (int i = 0; i < npat; i++)
		for (int k = 0; k < K; k++)
			if (pat[i].levels[k] != LK_NULL_LEVEL)
			{
				count[k][pat[i].levels[k]] += pat[i].count;
				total[k] += pat[i].count;
			}
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (int k = 0; k < K; k++)
	{
		double		denom = total[k] + opt.smoothing * nlevels[k];

		appendStringInfoString(&buf, k ? ", [" : "[");
		for (int l = 0; l < nlevels[k]; l++)
			appendStringInfo(&buf, "%s%.15g", l ? ", " : "",
							 denom > 0 ? (count[k][l] + opt.smoothing) / denom : 1.0 / nlevels[k]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
