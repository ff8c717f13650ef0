/*
 * metrics.c: evaluation aggregates over (score, label) rows: precmed.auroc,
 * precmed.auprc, precmed.brier, precmed.calibration and precmed.roc_curve.
 *
 * They share one state, the list of (score, label) pairs, with combine,
 * serial and deserial functions.  Each final function sorts the pairs by
 * score (then label), so the result does not depend on the order the rows
 * arrived in, and groups tied scores as scikit-learn does: a threshold per
 * distinct score, the ROC curve joined by straight lines (trapezoids, i.e.
 * a tie between a positive and a negative counts one half), average
 * precision as the sum over distinct scores of (recall step) x precision.
 * Rows with a NULL score or label are skipped, as SQL aggregates do.
 */
#include "ml/ml.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

typedef struct MlScores
{
	int64		n;
	int64		capacity;
	double	   *score;
	bool	   *label;
} MlScores;

/*
 * The invariants of a state, checked (with --enable-cassert) at the start of
 * its transition, combine, serial and final functions.  Only the last score
 * is checked for NaN: a full scan per row would be quadratic.
 */
static inline void
AssertCheckMlScores(const MlScores *s)
{
#ifdef USE_ASSERT_CHECKING
	Assert(s != NULL);
	Assert(s->n >= 0 && s->n <= s->capacity);
	Assert((s->score == NULL) == (s->capacity == 0));
	Assert((s->label == NULL) == (s->capacity == 0));
	Assert(s->n == 0 || !isnan(s->score[s->n - 1]));
#endif
}

/*
 * Make room for need pairs in cxt: doubling for the transition function,
 * exactly (exact) when combining or deserializing.  The aggregate's memory
 * (all its groups) plus the growth must stay within precmed.max_memory_mb.
 */
static void
scores_reserve(MlScores *s, int64 need, MemoryContext cxt, bool exact)
{
	int64		cap;

	if (need <= s->capacity)
		return;
	cap = exact ? need : Max(need, Max(256, s->capacity * 2));
	pm_check_memory((double) MemoryContextMemAllocated(cxt, false) +
					(double) (cap - s->capacity) * (sizeof(double) + sizeof(bool)),
					psprintf("collecting %lld (score, label) pairs", (long long) need));
	if (s->score == NULL)
	{
		s->score = MemoryContextAllocHuge(cxt, sizeof(double) * cap);
		s->label = MemoryContextAllocHuge(cxt, sizeof(bool) * cap);
	}
	else
	{
		s->score = repalloc_huge(s->score, sizeof(double) * cap);
		s->label = repalloc_huge(s->label, sizeof(bool) * cap);
	}
	s->capacity = cap;
}

/* Release a state combine absorbed. */
static void
scores_free(MlScores *s)
{
	if (s->score)
		pfree(s->score);
	if (s->label)
		pfree(s->label);
	pfree(s);
}

/*
 * Transition of the metrics aggregates: the state with (score, label)
 * appended; a row with a NULL is skipped, a NaN score is 22023.
 */
PG_FUNCTION_INFO_V1(score_label_accum);
Datum
score_label_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MlScores   *s;
	double		score;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "score_label_accum called in non-aggregate context");
	s = PG_ARGISNULL(0) ? MemoryContextAllocZero(aggcxt, sizeof(MlScores))
		: (MlScores *) PG_GETARG_POINTER(0);
	AssertCheckMlScores(s);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(s);
	score = PG_GETARG_FLOAT8(1);
	if (isnan(score))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"score\" is NaN in row %lld", (long long) s->n + 1),
				 errdetail("A NaN score cannot be ranked."),
				 errhint("Use NULL for a row without a score (it is skipped), or fix the model's input."));
	scores_reserve(s, s->n + 1, aggcxt, false);
	s->score[s->n] = score;
	s->label[s->n] = PG_GETARG_BOOL(2);
	s->n++;
	AssertCheckMlScores(s);
	PG_RETURN_POINTER(s);
}

/*
 * Combine (the state with both sets of pairs): append the smaller state to
 * the larger and free it.  The second state comes from the deserial
 * function, allocated in the aggregate context, so it can be adopted instead
 * of copied: a worker's pairs are never held twice in the leader.  The final
 * functions sort the pairs, so their order does not matter.
 */
PG_FUNCTION_INFO_V1(score_label_combine);
Datum
score_label_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	void	   *pa,
			   *pb;
	MlScores   *a,
			   *b;

	if (!ml_combine_begin(fcinfo, &aggcxt, &pa, &pb))
	{
		if (pa == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(pa);
	}
	a = (MlScores *) pa;
	b = (MlScores *) pb;
	AssertCheckMlScores(a);
	AssertCheckMlScores(b);
	if (b->n > a->n)
	{
		MlScores   *t = a;

		a = b;
		b = t;
	}
	if (b->n > 0)
	{
		scores_reserve(a, a->n + b->n, aggcxt, true);
		memcpy(a->score + a->n, b->score, sizeof(double) * b->n);
		memcpy(a->label + a->n, b->label, sizeof(bool) * b->n);
		a->n += b->n;
	}
	scores_free(b);
	AssertCheckMlScores(a);
	PG_RETURN_POINTER(a);
}

/*
 * The state as bytea, for parallel workers: int64 n, n scores, n labels
 * (one byte each).  Refuses states over 1 GB.
 */
PG_FUNCTION_INFO_V1(score_label_serialize);
Datum
score_label_serialize(PG_FUNCTION_ARGS)
{
	MlScores   *s = (MlScores *) PG_GETARG_POINTER(0);
	Size		size = VARHDRSZ + 8 + (sizeof(double) + 1) * s->n;
	bytea	   *out;
	char	   *p;

	AssertCheckMlScores(s);
	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("too many scores to pass between parallel workers"),
				 errdetail("%lld rows.", (long long) s->n),
				 errhint("Run the query without parallel workers (SET max_parallel_workers_per_gather = 0)."));
	/* the worker holds its pairs and their serialized copy */
	pm_check_memory((double) s->capacity * (sizeof(double) + sizeof(bool)) + (double) size,
					psprintf("passing %lld (score, label) pairs between parallel workers",
							 (long long) s->n));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &s->n, 8);
	if (s->n > 0)
	{
		memcpy(p + 8, s->score, sizeof(double) * s->n);
		for (int64 i = 0; i < s->n; i++)
		{
			if ((i & 0xFFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			p[8 + sizeof(double) * s->n + i] = s->label[i] ? 1 : 0;
		}
	}
	PG_RETURN_BYTEA_P(out);
}

/* The state score_label_serialize wrote; a corrupted one is an internal error. */
PG_FUNCTION_INFO_V1(score_label_deserialize);
Datum
score_label_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	MlScores   *s;
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	int64		n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "score_label_deserialize called in non-aggregate context");
	if (len < 8)
		elog(ERROR, "score state is truncated (%zu bytes)", len);
	memcpy(&n, p, 8);
	if (n < 0 || len != 8 + (sizeof(double) + 1) * (Size) n)
		elog(ERROR, "score state is corrupted (%zu bytes for %lld rows)", len, (long long) n);
	s = MemoryContextAllocZero(aggcxt, sizeof(MlScores));
	if (n > 0)
	{
		scores_reserve(s, n, aggcxt, true);
		memcpy(s->score, p + 8, sizeof(double) * n);
		for (int64 i = 0; i < n; i++)
		{
			if ((i & 0xFFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			s->label[i] = p[8 + sizeof(double) * n + i] != 0;
		}
		s->n = n;
	}
	AssertCheckMlScores(s);
	PG_RETURN_POINTER(s);
}

/*
 * The state's pairs sorted by descending score; counts of each class.
 * extra_per_pair: bytes per pair the caller allocates besides the sorted
 * copy, for the memory check.
 */
static PmScoredLabel *
sorted_pairs(FunctionCallInfo fcinfo, int64 *n, int64 *npos, Size extra_per_pair)
{
	MlScores   *s;
	PmScoredLabel *pairs;

	*n = *npos = 0;
	if (PG_ARGISNULL(0))
		return NULL;
	s = (MlScores *) PG_GETARG_POINTER(0);
	AssertCheckMlScores(s);
	if (s->n == 0)
		return NULL;
	pm_check_memory((double) s->capacity * (sizeof(double) + sizeof(bool)) +
					(double) s->n * (sizeof(PmScoredLabel) + extra_per_pair),
					psprintf("ranking %lld (score, label) pairs", (long long) s->n));
	pairs = palloc_extended(sizeof(PmScoredLabel) * s->n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < s->n; i++)
	{
		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		pairs[i].score = s->score[i];
		pairs[i].label = s->label[i];
		*npos += s->label[i];
	}
	pm_sort_scored(pairs, s->n);
	*n = s->n;
	return pairs;
}

/* precmed.auroc: the area under the ROC curve; NULL without both classes. */
PG_FUNCTION_INFO_V1(auroc_final);
Datum
auroc_final(PG_FUNCTION_ARGS)
{
	int64		n,
				npos;
	PmScoredLabel *p = sorted_pairs(fcinfo, &n, &npos, 0);
	double		auroc,
				ap;

	if (p == NULL || npos == 0 || npos == n)
		PG_RETURN_NULL();
	pm_auroc_ap_sorted(p, n, &auroc, &ap);
	PG_RETURN_FLOAT8(auroc);
}

/* precmed.auprc: the average precision; NULL without a positive. */
PG_FUNCTION_INFO_V1(auprc_final);
Datum
auprc_final(PG_FUNCTION_ARGS)
{
	int64		n,
				npos;
	PmScoredLabel *p = sorted_pairs(fcinfo, &n, &npos, 0);
	double		auroc,
				ap;

	if (p == NULL || npos == 0)
		PG_RETURN_NULL();
	pm_auroc_ap_sorted(p, n, &auroc, &ap);
	PG_RETURN_FLOAT8(ap);
}

/* precmed.brier: the mean squared error; a score outside [0, 1] is 22023. */
PG_FUNCTION_INFO_V1(brier_final);
Datum
brier_final(PG_FUNCTION_ARGS)
{
	int64		n,
				npos;
	PmScoredLabel *p = sorted_pairs(fcinfo, &n, &npos, 0);
	double		sum = 0;

	if (p == NULL)
		PG_RETURN_NULL();
	for (int64 i = 0; i < n; i++)
	{
		double		d;

		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (p[i].score < 0 || p[i].score > 1)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("argument \"score\" is %g; the Brier score needs probabilities in [0, 1]",
							p[i].score),
					 errhint("Pass the model's probability, e.g. precmed.predict(model, features)."));
		d = p[i].score - (p[i].label ? 1.0 : 0.0);
		sum += d * d;
	}
	PG_RETURN_FLOAT8(sum / n);
}

/*
 * Slope b and intercept a of label ~ a + b * x (x = logit(score)) by
 * Newton's method from the intercept-only model; false when it does not
 * converge (a flat or separating x).
 */
static bool
fit_slope(const PmScoredLabel *p, const double *x, int64 n, int64 npos, double *a_out,
		  double *b_out)
{
	double		a = log((double) npos / (n - npos)),
				b = 0;
	bool		ok = false;

	for (int it = 0; it < 100; it++)
	{
		double		g0 = 0,
					g1 = 0,
					h00 = 0,
					h01 = 0,
					h11 = 0,
					det,
					da,
					db;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
		{
			double		mu = 1 / (1 + exp(-(a + b * x[i])));
			double		w = mu * (1 - mu);
			double		r = (p[i].label ? 1.0 : 0.0) - mu;

			g0 += r;
			g1 += r * x[i];
			h00 += w;
			h01 += w * x[i];
			h11 += w * x[i] * x[i];
		}
		det = h00 * h11 - h01 * h01;
		if (!(det > 1e-300 * Max(1.0, h00 * h11)))
			break;
		da = (h11 * g0 - h01 * g1) / det;
		db = (h00 * g1 - h01 * g0) / det;
		a += da;
		b += db;
		if (!isfinite(a) || !isfinite(b) || fabs(b) > 1e8)
			break;
		if (fabs(da) < 1e-13 * Max(1.0, fabs(a)) && fabs(db) < 1e-13 * Max(1.0, fabs(b)))
		{
			ok = true;
			break;
		}
	}
	*a_out = a;
	*b_out = b;
	return ok;
}

/*
 * Calibration-in-the-large c of label ~ c + offset(x) by Newton's method;
 * false when it does not converge.
 */
static bool
fit_in_the_large(const PmScoredLabel *p, const double *x, int64 n, double *c_out)
{
	double		c = 0;
	bool		ok = false;

	for (int it = 0; it < 100; it++)
	{
		double		g = 0,
					h = 0,
					dc;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
		{
			double		mu = 1 / (1 + exp(-(c + x[i])));

			g += (p[i].label ? 1.0 : 0.0) - mu;
			h += mu * (1 - mu);
		}
		if (!(h > 0))
			break;
		dc = g / h;
		c += dc;
		if (!isfinite(c))
			break;
		if (fabs(dc) < 1e-13 * Max(1.0, fabs(c)))
		{
			ok = true;
			break;
		}
	}
	*c_out = c;
	return ok;
}

/*
 * Calibration: logistic regression of the label on logit(score).  Slope and
 * intercept from label ~ a + b * logit(score); calibration-in-the-large from
 * label ~ a + offset(logit(score)).  Newton's method; NULL when the fit does
 * not converge (e.g. the scores separate the classes perfectly).  Scores of
 * 0 or 1 are 22023.
 */
PG_FUNCTION_INFO_V1(calibration_final);
Datum
calibration_final(PG_FUNCTION_ARGS)
{
	int64		n,
				npos;
	PmScoredLabel *p = sorted_pairs(fcinfo, &n, &npos, sizeof(double));
	double	   *x;
	double		a,
				b,
				c;
	bool		ok_ab,
				ok_c;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "calibration_final must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (p == NULL || npos == 0 || npos == n)
		PG_RETURN_NULL();
	x = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!(p[i].score > 0 && p[i].score < 1))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("argument \"score\" is %g; calibration needs probabilities strictly between 0 and 1",
							p[i].score),
					 errdetail("Calibration regresses the label on logit(score), which is infinite at 0 and 1."),
					 errhint("Pass the model's probability, e.g. precmed.predict(model, features)."));
		x[i] = log(p[i].score / (1 - p[i].score));
	}
	ok_ab = fit_slope(p, x, n, npos, &a, &b);
	ok_c = fit_in_the_large(p, x, n, &c);
	values[0] = Float8GetDatum(b);
	values[1] = Float8GetDatum(a);
	values[2] = Float8GetDatum(c);
	nulls[0] = nulls[1] = !ok_ab;
	nulls[2] = !ok_c;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * ROC curve as an array of (threshold, fpr, tpr): the point (Infinity, 0, 0)
 * then one point per distinct score, descending, as scikit-learn's roc_curve
 * with drop_intermediate=False.  NULL without both classes.
 */
PG_FUNCTION_INFO_V1(roc_curve_final);
Datum
roc_curve_final(PG_FUNCTION_ARGS)
{
	int64		n,
				npos;
	PmScoredLabel *p = sorted_pairs(fcinfo, &n, &npos, 2 * sizeof(Datum) + 96);
	Oid			arrtype,
				rowtype;
	TupleDesc	tupdesc;
	Datum	   *points;
	int			npoints = 0;
	double		tp = 0,
				fp = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (p == NULL || npos == 0 || npos == n)
		PG_RETURN_NULL();
	arrtype = get_fn_expr_rettype(fcinfo->flinfo);
	rowtype = get_element_type(arrtype);
	if (!OidIsValid(rowtype))
		elog(ERROR, "roc_curve_final must return an array of a composite type");
	tupdesc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(rowtype, -1));
	points = palloc_extended(sizeof(Datum) * (n + 1), MCXT_ALLOC_HUGE);
	for (int64 i = -1; i < n;)
	{
		Datum		v[3];
		bool		nulls[3] = {false, false, false};

		if ((npoints & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i < 0)
		{
			v[0] = Float8GetDatum(INFINITY);
			i = 0;
		}
		else
		{
			double		s = p[i].score;

			for (; i < n && p[i].score == s; i++)
			{
				if (p[i].label)
					tp++;
				else
					fp++;
			}
			v[0] = Float8GetDatum(s);
		}
		v[1] = Float8GetDatum(fp / (double) (n - npos));
		v[2] = Float8GetDatum(tp / (double) npos);
		points[npoints++] = HeapTupleGetDatum(heap_form_tuple(tupdesc, v, nulls));
	}
	get_typlenbyvalalign(rowtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(points, npoints, rowtype, typlen, typbyval, typalign));
}
