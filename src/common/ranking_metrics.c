/*
 * ranking_metrics.c: AUROC and average precision of scored labels.
 *
 * Tied scores form one threshold, as scikit-learn's roc_auc_score and
 * average_precision_score treat them: a positive tied with a negative counts
 * half a correctly ranked pair, and a group of tied scores adds one step to
 * the precision-recall curve.  Counts are summed as integers held in doubles,
 * so AUROC is exact up to 2^53 pairs.
 */
#include "common/precmed.h"

#include <math.h>

#include "miscadmin.h"

/* descending score, then positives first (the order only matters for sums) */
static int
cmp_scored(const void *a, const void *b, void *arg)
{
	const PmScoredLabel *x = a,
			   *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (int) y->label - (int) x->label;
}

void
pm_sort_scored(PmScoredLabel *pairs, int64 n)
{
	/* millions of pairs take seconds: a sort that checks for cancellation */
	qsort_interruptible(pairs, n, sizeof(PmScoredLabel), cmp_scored, NULL);
}

void
pm_auroc_ap_sorted(const PmScoredLabel *p, int64 n, double *auroc, double *ap)
{
	double		npos = 0,
				nneg,
				tp = 0,
				fp = 0,
				area2 = 0,
				sum_ap = 0;

	for (int64 i = 0; i < n; i++)
		npos += p[i].label;
	nneg = (double) n - npos;

	for (int64 i = 0; i < n;)
	{
		double		dtp = 0,
					dfp = 0,
					s = p[i].score;

		CHECK_FOR_INTERRUPTS();

		for (; i < n && p[i].score == s; i++)
		{
			if (p[i].label)
				dtp++;
			else
				dfp++;
		}
		/* trapezoid between the previous and this point, doubled: exact in integers */
		area2 += dfp * (2 * tp + dtp);
		tp += dtp;
		fp += dfp;
		if (dtp > 0)
			sum_ap += (dtp / npos) * (tp / (tp + fp));
	}
	*auroc = (npos > 0 && nneg > 0) ? area2 / (2.0 * npos * nneg) : NAN;
	*ap = npos > 0 ? sum_ap : NAN;
}
