/*
 * dense.c: the dense linear algebra shared by the methods: LAPACK
 * workspaces queried once per size, the symmetric eigendecomposition,
 * singular-value thresholding, Gaussian interaction-profile kernels and the
 * guarded similarity fusion.
 */
#include "linkpred/linkpred.h"

#include <cblas.h>

#include "miscadmin.h"

#include "common/lapack.h"


/* Zeroed float8 buffer of n elements; may exceed 1 GB (checked up front). */
double *
lp_alloc(size_t n)
{
	return (double *) palloc_extended(Max(n, 1) * sizeof(double),
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/* The dsyevd workspace for size n, queried the first time a run meets that size. */
static LpEigWork *
eig_work(LpRun *run, int n)
{
	LpEigWork  *w;
	double		wq;
	int			iq,
				info,
				minus1 = -1;

	for (int i = 0; i < run->neig; i++)
		if (run->eig[i].n == n)
			return &run->eig[i];
	if (run->neig == lengthof(run->eig))
		elog(ERROR, "linkpred: too many distinct eigenproblem sizes");
	w = &run->eig[run->neig++];
	w->n = n;
	/* workspace query: lwork = liwork = -1 */
	dsyevd_("V", "U", &n, NULL, &n, NULL, &wq, &minus1, &iq, &minus1, &info);
	if (info != 0)
		elog(ERROR, "dsyevd workspace query failed (info %d)", info);
	w->lwork = (int) wq;
	w->liwork = iq;
	w->work = lp_alloc(w->lwork);
	w->iwork = palloc_extended(sizeof(int) * Max(w->liwork, 1), MCXT_ALLOC_HUGE);
	return w;
}

/* Eigendecomposition of the symmetric n x n a (upper triangle read): a <- V, w <- ascending. */
void
lp_syevd(LpRun *run, int n, double *a, double *w)
{
	LpEigWork  *ws = eig_work(run, n);
	int			info;

	CHECK_FOR_INTERRUPTS();
	dsyevd_("V", "U", &n, a, &n, w, ws->work, &ws->lwork, ws->iwork, &ws->liwork, &info);
	if (info != 0)
		pm_error(ERRCODE_INTERNAL_ERROR,
				 errmsg("eigendecomposition of a %d x %d matrix did not converge (LAPACK dsyevd info %d)",
						n, n, info),
				 errdetail("The matrix probably holds non-finite values."));
	CHECK_FOR_INTERRUPTS();
}

/* Copy the upper triangle of the n x n m onto its lower triangle. */
void
lp_symmetrize_upper(double *m, int n)
{
	for (int j = 0; j < n; j++)
		for (int i = j + 1; i < n; i++)
			m[LP_IDX(i, j, n)] = m[LP_IDX(j, i, n)];
}

/*
 * Singular-value thresholding of a symmetric matrix through its
 * eigendecomposition: m <- sum sign(l) max(|l| - tau, 0) v v'.  The singular
 * values of a symmetric matrix are |l|, with the same vectors up to sign, so
 * this equals the SVT of docs section 2.  evals has n slots, scratch n*n.
 */
void
lp_svt_sym(LpRun *run, int n, double *m, double tau, double *evals, double *scratch)
{
	int			npos = 0,
				nneg = 0;

	lp_syevd(run, n, m, evals);
	/* ascending: negatives first.  Scale kept columns by sqrt(shrunk). */
	for (int j = 0; j < n; j++)
	{
		double		l = evals[j];
		double		s = fabs(l) - tau;

		if (s <= 0)
			continue;
		s = sqrt(s);
		if (l < 0)
		{
			double	   *dst = scratch + LP_IDX(0, nneg, n);

			for (int i = 0; i < n; i++)
				dst[i] = m[LP_IDX(i, j, n)] * s;
			nneg++;
		}
	}
	/* negatives sit in scratch columns 0..nneg-1; positives go after */
	for (int j = 0; j < n; j++)
	{
		double		l = evals[j];
		double		s = fabs(l) - tau;

		if (l <= 0 || s <= 0)
			continue;
		s = sqrt(s);
		{
			double	   *dst = scratch + LP_IDX(0, nneg + npos, n);

			for (int i = 0; i < n; i++)
				dst[i] = m[LP_IDX(i, j, n)] * s;
		}
		npos++;
	}
	CHECK_FOR_INTERRUPTS();
	memset(m, 0, sizeof(double) * (size_t) n * n);
	if (npos > 0)
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, npos, 1.0,
					scratch + LP_IDX(0, nneg, n), n, 0.0, m, n);
	if (nneg > 0)
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, nneg, -1.0,
					scratch, n, 1.0, m, n);
	lp_symmetrize_upper(m, n);
	CHECK_FOR_INTERRUPTS();
}

/*
 * Singular-value thresholding of the m x n matrix a (destroyed) into out:
 * out = U max(S - tau, 0) V'.  u (m x k), vt (k x n), s (k), k = min(m, n).
 */
void
lp_svt_rect(LpRun *run, int m, int n, double *a, double tau,
			double *out, double *u, double *vt, double *s)
{
	LpSvdWork  *w = &run->svd;
	int			k = Min(m, n);
	int			info;
	int			kept = 0;

	if (w->work == NULL || w->m != m || w->n != n)
	{
		double		wq;
		int			minus1 = -1;

		dgesdd_("S", &m, &n, NULL, &m, NULL, NULL, &m, NULL, &k, &wq, &minus1, NULL, &info);
		if (info != 0)
			elog(ERROR, "dgesdd workspace query failed (info %d)", info);
		w->m = m;
		w->n = n;
		w->lwork = (int) wq;
		w->work = lp_alloc(w->lwork);
		w->iwork = palloc_extended(sizeof(int) * 8 * k, MCXT_ALLOC_HUGE);
	}
	CHECK_FOR_INTERRUPTS();
	dgesdd_("S", &m, &n, a, &m, s, u, &m, vt, &k, w->work, &w->lwork, w->iwork, &info);
	if (info != 0)
		pm_error(ERRCODE_INTERNAL_ERROR,
				 errmsg("singular value decomposition of a %d x %d matrix did not converge (LAPACK dgesdd info %d)",
						m, n, info));
	CHECK_FOR_INTERRUPTS();
	/* singular values are descending: scale the kept columns of U */
	for (int j = 0; j < k; j++)
	{
		double		sh = s[j] - tau;

		if (sh <= 0)
			break;
		for (int i = 0; i < m; i++)
			u[LP_IDX(i, j, m)] *= sh;
		kept++;
	}
	if (kept == 0)
		memset(out, 0, sizeof(double) * (size_t) m * n);
	else
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, kept, 1.0,
					u, m, vt, k, 0.0, out, m);
	CHECK_FOR_INTERRUPTS();
}

/*
 * Gaussian interaction-profile kernel of the rows (rows = true, n = nl) or
 * columns (n = nr) of the 0/1 matrix A (nl x nr):
 * K_ij = exp(-g * ||a_i - a_j||^2), g = gamma_rel / mean_i ||a_i||^2, the
 * mean over all n profiles (empty ones included).  K is n x n, full.
 */
void
lp_gip_kernel(const double *A, int nl, int nr, bool rows, double gamma_rel, double *K)
{
	int			n = rows ? nl : nr;
	int			inner = rows ? nr : nl;
	double	   *q = palloc(sizeof(double) * n);
	double		mean = 0,
				g;

	if (rows)
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, inner, 1.0, A, nl, 0.0, K, n);
	else
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, n, inner, 1.0, A, nl, 0.0, K, n);
	for (int i = 0; i < n; i++)
	{
		q[i] = K[LP_IDX(i, i, n)];
		mean += q[i];
	}
	mean /= n;
	g = mean > 0 ? gamma_rel / mean : 0.0;
	for (int j = 0; j < n; j++)
	{
		for (int i = 0; i <= j; i++)
		{
			double		d2 = q[i] + q[j] - 2.0 * K[LP_IDX(i, j, n)];

			K[LP_IDX(i, j, n)] = exp(-g * Max(d2, 0.0));
		}
		if ((j & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	lp_symmetrize_upper(K, n);
	pfree(q);
}

/*
 * Guarded fusion, in place on the GIP kernel K (n x n):
 * K_ij <- w S_ij + (1 - w) K_ij when both i and j have at least one training
 * association, else S_ij (the cold-entity guard; guard = false fuses all
 * pairs).  Diagonal 1.
 */
void
lp_fuse(double *K, const double *S, int n, double w,
		const double *A, int nl, int nr, bool rows, bool guard)
{
	bool	   *warm = palloc(sizeof(bool) * n);

	for (int i = 0; i < n; i++)
	{
		warm[i] = false;
		if (rows)
		{
			for (int j = 0; j < nr && !warm[i]; j++)
				warm[i] = A[LP_IDX(i, j, nl)] != 0;
		}
		else
		{
			for (int j = 0; j < nl && !warm[i]; j++)
				warm[i] = A[LP_IDX(j, i, nl)] != 0;
		}
	}
	for (int j = 0; j < n; j++)
	{
		for (int i = 0; i < n; i++)
		{
			size_t		ij = LP_IDX(i, j, n);

			if (i == j)
				K[ij] = 1.0;
			else if (!guard || (warm[i] && warm[j]))
				K[ij] = w * S[ij] + (1.0 - w) * K[ij];
			else
				K[ij] = S[ij];
		}
		if ((j & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(warm);
}
