/*
 * metrics.c: AUROC and average precision of one fold's scores, computed by
 * the common ranking metrics (tied scores as one threshold, as scikit-learn).
 *
 * Scores are compared at a resolution of 2^-40 (about 9.1e-13): pairs whose
 * scores are equal in exact arithmetic (e.g. two cold entities with the same
 * similarity row) would otherwise be ordered by round-off, which differs
 * between BLAS kernels and changes AUROC in the 4th decimal on small data.
 */
#include "linkpred/linkpred.h"

#include <math.h>

#define TIE_SCALE 1099511627776.0	/* 2^40 */

/* AUROC and average precision of n scored labels, scores compared at 2^-40. */
void
lp_auc_ap(const double *score, const bool *label, int n, double *auroc, double *ap)
{
	PmScoredLabel *v = palloc_extended(sizeof(PmScoredLabel) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (int e = 0; e < n; e++)
	{
		v[e].score = rint(score[e] * TIE_SCALE) / TIE_SCALE;
		v[e].label = label[e];
	}
	pm_sort_scored(v, n);
	pm_auroc_ap_sorted(v, n, auroc, ap);
	pfree(v);
}
