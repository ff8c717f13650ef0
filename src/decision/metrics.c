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
 * NULLs; a NULL element is an error.  Both states combine, and are SQL
 * types (precmed.multilabel_metrics_state, precmed.label_ranking_ap_state;
 * src/common/agg_state.c) that travel between processes and servers.
 */
#include "decision/decision.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

extern const PmStateFamily dec_metrics_family;
extern const PmStateFamily dec_lrap_family;

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

/* The metrics state's payload: its fields in network order. */
static bytea *
metrics_write(void *state)
{
	DecMetrics *m = (DecMetrics *) state;
	StringInfoData buf;

	AssertCheckDecMetrics(m);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, m->nlabels);
	pq_sendint64(&buf, m->n);
	pq_sendint64(&buf, m->subset_ok);
	pq_sendint64(&buf, m->wrong);
	pq_sendfloat8(&buf, m->jaccard);
	for (int i = 0; i < 3 * m->nlabels; i++)
		pq_sendint64(&buf, m->counts[i]);
	return pq_endtypsend(&buf);
}

#define METRICS_PAYLOAD_LEN(nl) (4 + 3 * 8 + 8 + 24 * (Size) (nl))
/* more examples than any state can count: keeps the checks' sums in range */
#define METRICS_MAX_EXAMPLES (PG_INT64_MAX / 4 / DEC_MAX_LABELS)

/*
 * A metrics state read from its payload: 22P03 unless the length fits the
 * label count and the counts agree (per label, tp + fp + fn <= examples;
 * the wrong pairs are the false positives and negatives; every example
 * with a wrong label is not a subset match; Jaccard sum within 0..examples).
 */
static void *
metrics_read(const char *p, Size len, MemoryContext cxt)
{
	StringInfoData buf;
	DecMetrics *m;
	int32		nl;
	int64		wrong = 0,
				maxwrong = 0;

	if (len < METRICS_PAYLOAD_LEN(1))
		pm_state_corrupt(&dec_metrics_family,
						 psprintf("The multi-label metrics state is truncated (%zu bytes).", len));
	memcpy(&nl, p, 4);
	nl = (int32) pg_ntoh32((uint32) nl);
	if (nl <= 0 || nl > DEC_MAX_LABELS || len != METRICS_PAYLOAD_LEN(nl))
		pm_state_corrupt(&dec_metrics_family,
						 psprintf("%zu bytes for %d labels.", len, nl));
	buf.data = (char *) p;
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 4;
	m = MemoryContextAllocZero(cxt, METRICS_SIZE(nl));
	m->nlabels = nl;
	m->n = pq_getmsgint64(&buf);
	m->subset_ok = pq_getmsgint64(&buf);
	m->wrong = pq_getmsgint64(&buf);
	m->jaccard = pq_getmsgfloat8(&buf);
	for (int i = 0; i < 3 * nl; i++)
		m->counts[i] = pq_getmsgint64(&buf);
	if (m->n < 1 || m->n > METRICS_MAX_EXAMPLES || m->subset_ok < 0 || m->subset_ok > m->n ||
		!(m->jaccard >= 0 && m->jaccard <= (double) m->n))
		pm_state_corrupt(&dec_metrics_family,
						 psprintf("%lld examples, %lld subset matches, Jaccard sum %g.",
								  (long long) m->n, (long long) m->subset_ok, m->jaccard));
	for (int l = 0; l < nl; l++)
	{
		int64		tp = m->counts[3 * l],
					fp = m->counts[3 * l + 1],
					fn = m->counts[3 * l + 2];

		if (tp < 0 || fp < 0 || fn < 0 || tp > m->n || fp > m->n || fn > m->n ||
			tp + fp + fn > m->n)
			pm_state_corrupt(&dec_metrics_family,
							 psprintf("Label %d counts %lld, %lld and %lld true positives, false positives and false negatives in %lld examples.",
									  l + 1, (long long) tp, (long long) fp, (long long) fn,
									  (long long) m->n));
		wrong += fp + fn;
		maxwrong = Max(maxwrong, fp + fn);
	}
	if (m->wrong != wrong || m->n - m->subset_ok > wrong || m->subset_ok + maxwrong > m->n)
		pm_state_corrupt(&dec_metrics_family,
						 psprintf("%lld wrong labels, but the labels' false positives and negatives add up to %lld (%lld examples, %lld subset matches).",
								  (long long) m->wrong, (long long) wrong,
								  (long long) m->n, (long long) m->subset_ok));
	AssertCheckDecMetrics(m);
	return m;
}

/* precmed.multilabel_metrics_state: the counts grow with the labels (not the rows). */
const PmStateFamily dec_metrics_family = {
	"multilabel_metrics_state", PM_STATE_MULTILABEL_METRICS, 0, metrics_write, metrics_read
};

/* precmed.multilabel_metrics_state: multilabel_metrics's concrete state type. */
PM_STATE_FUNCTIONS(multilabel_metrics_state, dec_metrics_family,
				   multilabel_metrics_accum, multilabel_metrics_combine)

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

/* The label ranking state's payload: its fields in network order. */
static bytea *
lrap_write(void *state)
{
	DecLrap    *st = (DecLrap *) state;
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->nlabels);
	pq_sendint64(&buf, st->n);
	pq_sendfloat8(&buf, st->sum);
	return pq_endtypsend(&buf);
}

#define LRAP_PAYLOAD_LEN (4 + 8 + 8)

/* A label ranking state read from its payload: 22P03 unless labels, examples and sum fit. */
static void *
lrap_read(const char *p, Size len, MemoryContext cxt)
{
	StringInfoData buf;
	DecLrap    *st;

	if (len != LRAP_PAYLOAD_LEN)
		pm_state_corrupt(&dec_lrap_family,
						 psprintf("A label ranking state is %zu bytes long, not %d.",
								  len, LRAP_PAYLOAD_LEN));
	buf.data = (char *) p;
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 0;
	st = MemoryContextAllocZero(cxt, sizeof(DecLrap));
	st->nlabels = pq_getmsgint(&buf, 4);
	st->n = pq_getmsgint64(&buf);
	st->sum = pq_getmsgfloat8(&buf);
	/* each example's average precision is in (0, 1] */
	if (st->nlabels <= 0 || st->nlabels > DEC_MAX_LABELS || st->n < 1 ||
		!(st->sum > 0 && st->sum <= (double) st->n))
		pm_state_corrupt(&dec_lrap_family,
						 psprintf("%d labels, %lld examples, average precisions adding up to %g.",
								  st->nlabels, (long long) st->n, st->sum));
	return st;
}

/* precmed.label_ranking_ap_state: a fixed-size state, kept flat and updated in place. */
const PmStateFamily dec_lrap_family = {
	"label_ranking_ap_state", PM_STATE_LABEL_RANKING_AP, sizeof(DecLrap), lrap_write, lrap_read
};

/* precmed.label_ranking_ap_state: label_ranking_ap's concrete state type. */
PM_STATE_FUNCTIONS(label_ranking_ap_state, dec_lrap_family,
				   label_ranking_ap_accum, label_ranking_ap_combine)

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

/* precmed.multilabel_metrics and _merge's final function over precmed.multilabel_metrics_state. */
PM_STATE_FINAL(multilabel_metrics_finish, dec_metrics_family, multilabel_metrics_final)

/* precmed.label_ranking_ap and _merge's final function over precmed.label_ranking_ap_state. */
PM_STATE_FINAL(label_ranking_ap_finish, dec_lrap_family, label_ranking_ap_final)
