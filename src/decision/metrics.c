/*
 * metrics.c: precmed.multilabel_metrics and precmed.label_ranking_ap.
 *
 * multilabel_metrics(predicted boolean[], truth boolean[]) counts, per
 * label, true and false positives and false negatives, and per example the
 * subset match, the Jaccard index and the wrong labels; the final function
 * turns the counts into micro- and macro-averaged F1, Hamming loss, subset
 * accuracy, example-based Jaccard and per-label precision, recall, F1 and
 * support.  A ratio with nothing to count (no predicted positive for
 * precision, no true positive for recall, neither for F1 or for an
 * example's Jaccard) is 1: nothing was missed and nothing claimed wrongly
 * (scikit-learn's zero_division=1).
 *
 * label_ranking_ap(scores float8[], truth boolean[]) averages, over
 * examples, the label ranking average precision: for each true label j,
 * the share of true labels among the labels scored at least as high as j
 * (ties count against), averaged over the true labels; an example with no
 * true label, or with every label true, scores 1 (as scikit-learn's
 * label_ranking_average_precision_score).
 *
 * A row where either array is NULL is skipped, as SQL aggregates skip
 * NULLs; a NULL element is an error.  Both states combine and serialize.
 */
#include "decision/decision.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

typedef struct DecMetrics
{
	int32		nlabels;
	int64		n;				/* examples */
	int64		subset_ok;		/* examples with every label right */
	int64		wrong;			/* wrong (example, label) pairs */
	double		jaccard;		/* sum over examples */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];	/* tp, fp, fn per label */
} DecMetrics;

#define METRICS_SIZE(nl) (offsetof(DecMetrics, counts) + sizeof(int64) * 3 * (nl))

/* The invariants of a metrics state. */
static inline void
AssertCheckDecMetrics(const DecMetrics *m)
{
#ifdef USE_ASSERT_CHECKING
	Assert(m->nlabels > 0 && m->nlabels <= DEC_MAX_LABELS);
	Assert(m->n >= 0 && m->subset_ok >= 0 && m->subset_ok <= m->n);
	Assert(m->wrong >= 0 && m->wrong <= m->n * m->nlabels);
	Assert(m->jaccard >= 0 && m->jaccard <= m->n + 1e-9);
#endif
}

/* The booleans of argument argname (position argno): no NULL element, 1-D. */
static bool *
read_bools(FunctionCallInfo fcinfo, int argno, const char *argname, int *n)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(argno);
	Datum	   *elems;
	bool	   *nulls;
	bool	   *out;

	if (ARR_NDIM(a) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" must be a one-dimensional array, not %d-dimensional",
						argname, ARR_NDIM(a)),
				 errhint("Pass one boolean per label."));
	deconstruct_array(a, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &nulls, n);
	out = palloc(sizeof(bool) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("argument \"%s\" has a NULL at position %d", argname, i + 1),
					 errdetail("Every label of an evaluated example must be true or false."),
					 errhint("Leave out examples whose labels are unknown, or evaluate each label alone with precmed.auroc."));
		out[i] = DatumGetBool(elems[i]);
	}
	return out;
}

/* Check the lengths of the two arrays of a row against each other and the state's. */
static void
check_lengths(const char *a1, int n1, const char *a2, int n2, int state_n)
{
	if (n1 != n2)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("arguments \"%s\" and \"%s\" differ in length: %d and %d", a1, a2, n1, n2),
				 errhint("Pass one element per label in both arrays, in the same label order."));
	if (n1 == 0)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("arguments \"%s\" and \"%s\" are empty arrays", a1, a2),
				 errhint("An example needs at least one label."));
	if (n1 > DEC_MAX_LABELS)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"%s\" has %d elements, more than the %d precmed allows",
						a1, n1, DEC_MAX_LABELS),
				 errhint("Evaluate groups of labels separately."));
	if (state_n > 0 && n1 != state_n)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"%s\" has %d elements in this row, %d in earlier rows", a1, n1, state_n),
				 errhint("Every row needs one element per label, in the same label order."));
}

/* multilabel_metrics_accum(state, predicted boolean[], truth boolean[]): counts one example. */
PG_FUNCTION_INFO_V1(multilabel_metrics_accum);
Datum
multilabel_metrics_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	DecMetrics *m = PG_ARGISNULL(0) ? NULL : (DecMetrics *) PG_GETARG_POINTER(0);
	bool	   *pred,
			   *truth;
	int			np,
				nt,
				inter = 0,
				uni = 0,
				wrong = 0;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "multilabel_metrics_accum called in non-aggregate context");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (m == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(m);
	}
	pred = read_bools(fcinfo, 1, "predicted", &np);
	truth = read_bools(fcinfo, 2, "truth", &nt);
	check_lengths("predicted", np, "truth", nt, m ? m->nlabels : 0);
	if (m == NULL)
	{
		m = MemoryContextAllocZero(aggcxt, METRICS_SIZE(np));
		m->nlabels = np;
	}
	for (int l = 0; l < np; l++)
	{
		m->counts[3 * l] += pred[l] && truth[l];
		m->counts[3 * l + 1] += pred[l] && !truth[l];
		m->counts[3 * l + 2] += !pred[l] && truth[l];
		inter += pred[l] && truth[l];
		uni += pred[l] || truth[l];
		wrong += pred[l] != truth[l];
	}
	m->n++;
	m->subset_ok += wrong == 0;
	m->wrong += wrong;
	m->jaccard += uni == 0 ? 1.0 : (double) inter / uni;
	AssertCheckDecMetrics(m);
	PG_RETURN_POINTER(m);
}

/* Combine: the counts added (both states must count the same labels). */
PG_FUNCTION_INFO_V1(multilabel_metrics_combine);
Datum
multilabel_metrics_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	void	   *pa,
			   *pb;
	DecMetrics *a,
			   *b;

	if (!ml_combine_begin(fcinfo, &aggcxt, &pa, &pb))
	{
		if (pa == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(pa);
	}
	a = pa;
	b = pb;
	if (a->nlabels != b->nlabels)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"predicted\" has %d elements in some rows, %d in others",
						a->nlabels, b->nlabels),
				 errhint("Every row needs one element per label, in the same label order."));
	a->n += b->n;
	a->subset_ok += b->subset_ok;
	a->wrong += b->wrong;
	a->jaccard += b->jaccard;
	for (int i = 0; i < 3 * a->nlabels; i++)
		a->counts[i] += b->counts[i];
	AssertCheckDecMetrics(a);
	PG_RETURN_POINTER(a);
}

/* The state as bytea (its bytes: the struct has no pointers). */
PG_FUNCTION_INFO_V1(multilabel_metrics_serialize);
Datum
multilabel_metrics_serialize(PG_FUNCTION_ARGS)
{
	DecMetrics *m = (DecMetrics *) PG_GETARG_POINTER(0);
	Size		size = METRICS_SIZE(m->nlabels);
	bytea	   *out = palloc(VARHDRSZ + size);

	AssertCheckDecMetrics(m);
	SET_VARSIZE(out, VARHDRSZ + size);
	memcpy(VARDATA(out), m, size);
	PG_RETURN_BYTEA_P(out);
}

/* The state multilabel_metrics_serialize wrote, checked. */
PG_FUNCTION_INFO_V1(multilabel_metrics_deserialize);
Datum
multilabel_metrics_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	Size		len = VARSIZE_ANY_EXHDR(in);
	int32		nl;
	DecMetrics *m;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "multilabel_metrics_deserialize called in non-aggregate context");
	if (len < offsetof(DecMetrics, counts))
		elog(ERROR, "multi-label metrics state is truncated (%zu bytes)", len);
	memcpy(&nl, VARDATA_ANY(in), sizeof(int32));
	if (nl <= 0 || nl > DEC_MAX_LABELS || len != METRICS_SIZE(nl))
		elog(ERROR, "multi-label metrics state is corrupted (%zu bytes for %d labels)", len, nl);
	m = MemoryContextAlloc(aggcxt, len);
	memcpy(m, VARDATA_ANY(in), len);
	AssertCheckDecMetrics(m);
	PG_RETURN_POINTER(m);
}

/* a / b, or 1 when there is nothing to count (b == 0) */
static inline double
ratio1(int64 a, int64 b)
{
	return b == 0 ? 1.0 : (double) a / b;
}

/* The metrics as jsonb (NULL when no example was counted). */
PG_FUNCTION_INFO_V1(multilabel_metrics_final);
Datum
multilabel_metrics_final(PG_FUNCTION_ARGS)
{
	DecMetrics *m;
	StringInfoData s;
	int64		tp = 0,
				fp = 0,
				fn = 0;
	double		macro = 0;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "multilabel_metrics_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = (DecMetrics *) PG_GETARG_POINTER(0);
	AssertCheckDecMetrics(m);
	initStringInfo(&s);
	appendStringInfoString(&s, "\"per_label\": [");
	for (int l = 0; l < m->nlabels; l++)
	{
		int64		t = m->counts[3 * l],
					p = m->counts[3 * l + 1],
					n = m->counts[3 * l + 2];
		double		f1 = ratio1(2 * t, 2 * t + p + n);

		tp += t;
		fp += p;
		fn += n;
		macro += f1;
		appendStringInfo(&s, "%s{\"label\": %d, \"precision\": %.17g, \"recall\": %.17g, "
						 "\"f1\": %.17g, \"support\": %lld, \"predicted\": %lld}",
						 l ? ", " : "", l + 1, ratio1(t, t + p), ratio1(t, t + n), f1,
						 (long long) (t + n), (long long) (t + p));
	}
	appendStringInfoChar(&s, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(psprintf(
		"{\"examples\": %lld, \"labels\": %d, \"micro_precision\": %.17g, \"micro_recall\": %.17g, "
		"\"micro_f1\": %.17g, \"macro_f1\": %.17g, \"hamming_loss\": %.17g, "
		"\"subset_accuracy\": %.17g, \"jaccard\": %.17g, %s}",
		(long long) m->n, m->nlabels, ratio1(tp, tp + fp), ratio1(tp, tp + fn),
		ratio1(2 * tp, 2 * tp + fp + fn), macro / m->nlabels,
		(double) m->wrong / ((double) m->n * m->nlabels), (double) m->subset_ok / m->n,
		m->jaccard / m->n, s.data))));
}

/* ---- label ranking average precision ---- */

typedef struct DecLrap
{
	int32		nlabels;
	int64		n;
	double		sum;
} DecLrap;

/* The label ranking average precision of one example. */
static double
lrap_one(const double *score, const bool *truth, int n)
{
	int			npos = 0;
	double		sum = 0;

	for (int j = 0; j < n; j++)
		npos += truth[j];
	if (npos == 0 || npos == n)
		return 1.0;
	for (int j = 0; j < n; j++)
	{
		int			rank = 0,
					hits = 0;

		if (!truth[j])
			continue;
		for (int k = 0; k < n; k++)
			if (score[k] >= score[j])
			{
				rank++;
				hits += truth[k];
			}
		sum += (double) hits / rank;
	}
	return sum / npos;
}

/* label_ranking_ap_accum(state, scores float8[], truth boolean[]): adds one example. */
PG_FUNCTION_INFO_V1(label_ranking_ap_accum);
Datum
label_ranking_ap_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	DecLrap    *st = PG_ARGISNULL(0) ? NULL : (DecLrap *) PG_GETARG_POINTER(0);
	double	   *score;
	bool	   *truth;
	int			ns,
				nt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "label_ranking_ap_accum called in non-aggregate context");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	score = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "scores", -1, &ns, false);
	truth = read_bools(fcinfo, 2, "truth", &nt);
	check_lengths("scores", ns, "truth", nt, st ? st->nlabels : 0);
	for (int j = 0; j < ns; j++)
		if (isnan(score[j]))
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("argument \"scores\" has a missing value (NULL or NaN) at position %d", j + 1),
					 errhint("Every label of an example needs a score, e.g. from precmed.predict_multilabel."));
	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggcxt, sizeof(DecLrap));
		st->nlabels = ns;
	}
	st->sum += lrap_one(score, truth, ns);
	st->n++;
	PG_RETURN_POINTER(st);
}

/* Combine: sums added. */
PG_FUNCTION_INFO_V1(label_ranking_ap_combine);
Datum
label_ranking_ap_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	void	   *pa,
			   *pb;
	DecLrap    *a,
			   *b;

	if (!ml_combine_begin(fcinfo, &aggcxt, &pa, &pb))
	{
		if (pa == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(pa);
	}
	a = pa;
	b = pb;
	if (a->nlabels != b->nlabels)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"scores\" has %d elements in some rows, %d in others",
						a->nlabels, b->nlabels),
				 errhint("Every row needs one element per label, in the same label order."));
	a->n += b->n;
	a->sum += b->sum;
	PG_RETURN_POINTER(a);
}

/* The state as bytea. */
PG_FUNCTION_INFO_V1(label_ranking_ap_serialize);
Datum
label_ranking_ap_serialize(PG_FUNCTION_ARGS)
{
	DecLrap    *st = (DecLrap *) PG_GETARG_POINTER(0);
	bytea	   *out = palloc(VARHDRSZ + sizeof(DecLrap));

	SET_VARSIZE(out, VARHDRSZ + sizeof(DecLrap));
	memcpy(VARDATA(out), st, sizeof(DecLrap));
	PG_RETURN_BYTEA_P(out);
}

/* The state label_ranking_ap_serialize wrote, checked. */
PG_FUNCTION_INFO_V1(label_ranking_ap_deserialize);
Datum
label_ranking_ap_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;
	DecLrap    *st;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "label_ranking_ap_deserialize called in non-aggregate context");
	if (VARSIZE_ANY_EXHDR(in) != sizeof(DecLrap))
		elog(ERROR, "label ranking state is corrupted (%zu bytes)", VARSIZE_ANY_EXHDR(in));
	st = MemoryContextAlloc(aggcxt, sizeof(DecLrap));
	memcpy(st, VARDATA_ANY(in), sizeof(DecLrap));
	if (st->nlabels <= 0 || st->n < 0 || !(st->sum >= 0 && st->sum <= st->n + 1e-9))
		elog(ERROR, "label ranking state is corrupted");
	PG_RETURN_POINTER(st);
}

/* The mean label ranking average precision (NULL when no example was counted). */
PG_FUNCTION_INFO_V1(label_ranking_ap_final);
Datum
label_ranking_ap_final(PG_FUNCTION_ARGS)
{
	DecLrap    *st;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "label_ranking_ap_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (DecLrap *) PG_GETARG_POINTER(0);
	PG_RETURN_FLOAT8(st->sum / st->n);
}
