/*
 * metrics.c: AUROC (Mann-Whitney U with tied scores given their average
 * rank) and average precision (step-wise, tied scores taken as one
 * threshold, as scikit-learn's average_precision_score).
 *
 * Scores are compared at a resolution of 2^-40 (about 9.1e-13): pairs whose
 * scores are equal in exact arithmetic (e.g. two cold entities with the same
 * similarity row) would otherwise be ordered by round-off, which differs
 * between BLAS kernels and changes AUROC in the 4th decimal on small data.
 */
#include "linkpred/linkpred.h"

#include "miscadmin.h"

#define TIE_SCALE 1099511627776.0	/* 2^40 */

typedef struct Scored
{
	double		s;
	bool		y;
} Scored;

static int
cmp_desc(const void *x, const void *y)
{
	double		a = ((const Scored *) x)->s,
				b = ((const Scored *) y)->s;

	return a > b ? -1 : (a < b);
}

void
lp_auc_ap(const double *score, const bool *label, int n, double *auroc, double *ap)
{
	Scored	   *v = palloc_extended(sizeof(Scored) * Max(n, 1), MCXT_ALLOC_HUGE);
	double		npos = 0,
				nneg = 0;
	double		tp = 0,
				fp = 0,
				prev_recall = 0,
				sum_ap = 0;
	double		u = 0;			/* pairs (pos, neg) ranked correctly; ties half */
	int			i = 0;

	for (int e = 0; e < n; e++)
	{
		v[e].s = rint(score[e] * TIE_SCALE) / TIE_SCALE;
		v[e].y = label[e];
		if (label[e])
			npos++;
		else
			nneg++;
	}
	CHECK_FOR_INTERRUPTS();
	qsort(v, n, sizeof(Scored), cmp_desc);
	CHECK_FOR_INTERRUPTS();

	/* walk groups of equal score from the top */
	while (i < n)
	{
		int			j = i;
		double		gp = 0,
					gn = 0;

		while (j < n && v[j].s == v[i].s)
		{
			if (v[j].y)
				gp++;
			else
				gn++;
			j++;
		}
		/* positives of this group beat every negative below it, tie with the group's */
		u += gp * (nneg - fp - gn) + 0.5 * gp * gn;
		tp += gp;
		fp += gn;
		if (npos > 0 && gp > 0)
		{
			double		recall = tp / npos;

			sum_ap += (recall - prev_recall) * (tp / (tp + fp));
			prev_recall = recall;
		}
		i = j;
	}
	*auroc = (npos > 0 && nneg > 0) ? u / (npos * nneg) : NAN;
	*ap = npos > 0 ? sum_ap : NAN;
	pfree(v);
}
