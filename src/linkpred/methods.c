/*
 * methods.c: the scoring methods.  Each takes the training matrix A
 * (nl x nr, 0/1), the similarities Sl (nl x nl) and Sr (nr x nr), and
 * writes the score of every pair into F (nl x nr).  Sources and defaults:
 * docs/repositioning.md.
 *
 * How they work.
 *  - KRLS-GIP: each side's kernel is its similarity fused with a Gaussian
 *    kernel of the entities' association profiles (rows, columns of A).  With
 *    the eigendecompositions Kl = U diag(l) U' and Kr = V diag(m) V', the
 *    Kronecker ridge regression has the closed form
 *    F = U [(U' A V) .* (l m' ./ (l m' + sigma))] V': no iteration.
 *  - kNN: F = Sl_k A + A Sr_k', each similarity cut to every entity's k
 *    nearest others: a pair scores by the known links of its neighbours.
 *  - BNNR: complete the block matrix T = [[Sl, A], [A', Sr]] by a low-rank
 *    matrix with entries in [0, 1] that stays near T where T is known, by
 *    ADMM: a clipped step towards the observed entries (W), singular-value
 *    thresholding (X, the nuclear-norm step), and the multiplier update (Y),
 *    until X stops moving.  Scores: the A block of W.
 *  - HGIMC: the same bounded ADMM on A alone (BMC) pre-fills likely links,
 *    then a fixed point W = g Rn W Dn + (1 - g) A0 spreads them over
 *    normalized Gaussian kernels of both similarities.
 *  - Ensemble: KRLS-GIP and BNNR on GIP-fused similarities, each min-max
 *    scaled, mixed with fixed weights.
 * Progress lines (params "progress" or precmed.progress) mark the phases;
 * pm_progress stamps them with the time since the statement began.
 */
#include "linkpred/linkpred.h"

#include <cblas.h>

#include "miscadmin.h"

/*
 * The fused kernel of one side: GIP kernel of the training profiles mixed
 * with the given similarity, guarded for cold entities.
 */
static double *
fused_kernel(LpRun *run, const double *A, const double *S, int nl, int nr,
			 bool rows, double w, double gamma)
{
	int			n = rows ? nl : nr;
	double	   *K = lp_alloc((size_t) n * n);

	lp_gip_kernel(A, nl, nr, rows, gamma, K);
	lp_fuse(K, S, n, w, A, nl, nr, rows, run->params->guard);
	return K;
}

/*
 * T = U' A for the n x n U and the n x m association matrix A.  Association
 * matrices are sparse (about 1 % on Fdataset): summing the rows of U picked by
 * the non-zeros costs n per non-zero instead of n^2 per column, which saves
 * one of KRLS-GIP's four large products.  Dense A goes to dgemm.
 */
static void
transposed_times(const double *U, const double *A, int n, int m, double *T)
{
	size_t		nnz = 0;

	for (size_t e = 0; e < (size_t) n * m; e++)
		nnz += (A[e] != 0);
	if (nnz > (size_t) n * m / 20)
	{
		cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, m, n, 1.0,
					U, n, A, n, 0.0, T, n);
		return;
	}
	memset(T, 0, sizeof(double) * (size_t) n * m);
	for (int j = 0; j < m; j++)
	{
		double	   *t = T + LP_IDX(0, j, n);

		for (int i = 0; i < n; i++)
		{
			double		a = A[LP_IDX(i, j, n)];

			if (a == 0)
				continue;
			/* t += a * (row i of U) */
			cblas_daxpy(n, a, U + i, n, t, 1);
		}
	}
}

/*
 * KRLS-GIP: Kronecker regularized least squares.  With Kl = U diag(l) U',
 * Kr = V diag(m) V' (negative eigenvalues clipped to 0),
 * F = U [ (U' A V) .* (l m' ./ (l m' + sigma)) ] V'.
 */
static void
krls_gip(LpRun *run, const double *A, const double *Sl, const double *Sr,
		 int nl, int nr, double *F)
{
	double		sigma = run->params->sigma;
	double	   *U,
			   *V;
	double	   *lam = palloc(sizeof(double) * nl);
	double	   *mu = palloc(sizeof(double) * nr);
	double	   *T1 = lp_alloc((size_t) nl * nr);
	double	   *G = lp_alloc((size_t) nl * nr);

	U = fused_kernel(run, A, Sl, nl, nr, true, run->params->w, run->params->gamma);
	V = fused_kernel(run, A, Sr, nl, nr, false, run->params->w, run->params->gamma);
	pm_progress(run->params->progress, "%sKRLS-GIP: kernels built", run->label);
	lp_syevd(run, nl, U, lam);
	lp_syevd(run, nr, V, mu);
	pm_progress(run->params->progress, "%sKRLS-GIP: eigendecompositions done", run->label);
	for (int i = 0; i < nl; i++)
		lam[i] = Max(lam[i], 0.0);
	for (int j = 0; j < nr; j++)
		mu[j] = Max(mu[j], 0.0);

	transposed_times(U, A, nl, nr, T1);
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, nr, nr, 1.0,
				T1, nl, V, nr, 0.0, G, nl);
	CHECK_FOR_INTERRUPTS();
	for (int j = 0; j < nr; j++)
		for (int i = 0; i < nl; i++)
		{
			double		lm = lam[i] * mu[j];

			G[LP_IDX(i, j, nl)] *= lm / (lm + sigma);
		}
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, nr, nl, 1.0,
				U, nl, G, nl, 0.0, T1, nl);
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, nl, nr, nr, 1.0,
				T1, nl, V, nr, 0.0, F, nl);
	CHECK_FOR_INTERRUPTS();
	pm_progress(run->params->progress, "%sKRLS-GIP: products done", run->label);

	pfree(U);
	pfree(V);
	pfree(lam);
	pfree(mu);
	pfree(T1);
	pfree(G);
}

typedef struct Neighbour
{
	double		s;
	int			j;
} Neighbour;

/*
 * Keep, in each row of the n x n S, its k most similar others (ties: lower
 * index), found by insertion into a sorted buffer of k: O(n k) worst case,
 * O(n) when most entries fall below the k-th best.
 */
static double *
top_k_rows(const double *S, int n, int k)
{
	double	   *Sk = lp_alloc((size_t) n * n);
	Neighbour  *best = palloc(sizeof(Neighbour) * (Max(k, 1) + 1));

	k = Min(k, n - 1);
	for (int i = 0; i < n; i++)
	{
		int			m = 0;

		for (int j = 0; j < n; j++)
		{
			double		v = S[LP_IDX(i, j, n)];
			int			pos;

			if (j == i || (m == k && v <= best[k - 1].s))
				continue;		/* equal values keep the lower index already held */
			pos = (m < k) ? m++ : k - 1;
			while (pos > 0 && best[pos - 1].s < v)
			{
				best[pos] = best[pos - 1];
				pos--;
			}
			best[pos].s = v;
			best[pos].j = j;
		}
		for (int t = 0; t < m; t++)
			Sk[LP_IDX(i, best[t].j, n)] = best[t].s;
		if ((i & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(best);
	return Sk;
}

/*
 * kNN similarity baseline: F = Sl_k A + A Sr_k', where S_k keeps each
 * entity's k most similar other entities.
 */
static void
knn(LpRun *run, const double *A, const double *Sl, const double *Sr,
	int nl, int nr, double *F)
{
	double	   *Lk = top_k_rows(Sl, nl, run->params->k);
	double	   *Rk = top_k_rows(Sr, nr, run->params->k);

	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, nr, nl, 1.0,
				Lk, nl, A, nl, 0.0, F, nl);
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, nl, nr, nr, 1.0,
				A, nl, Rk, nr, 1.0, F, nl);
	CHECK_FOR_INTERRUPTS();
	pfree(Lk);
	pfree(Rk);
}

/*
 * One bounded ADMM step's W update, elementwise over the len entries:
 * t = (Y + alpha T)/beta + X;  W = clip(t - alpha/(alpha+beta) t [T != 0], 0, 1).
 * T is zero outside the observed set, so alpha T equals alpha T o Omega.
 */
static void
admm_w(const double *T, const double *X, const double *Y, double *W, size_t len,
	   double alpha, double beta)
{
	double		shrink = alpha / (alpha + beta);

	for (size_t e = 0; e < len; e++)
	{
		double		t = (Y[e] + alpha * T[e]) / beta + X[e];

		if (T[e] != 0)
			t -= shrink * t;
		W[e] = t < 0 ? 0 : (t > 1 ? 1 : t);
		if ((e & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Y += beta (Xn - W); returns ||Xn - X||_F / ||X||_F.
 */
static double
admm_y(const double *Xn, const double *X, const double *W, double *Y, size_t len,
	   double beta)
{
	double		dn = 0,
				xn = 0;

	for (size_t e = 0; e < len; e++)
	{
		double		d = Xn[e] - X[e];

		Y[e] += beta * (Xn[e] - W[e]);
		dn += d * d;
		xn += X[e] * X[e];
		if ((e & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return xn > 0 ? sqrt(dn / xn) : sqrt(dn);
}

/*
 * The singular-value thresholding step of one ADMM: M (destroyed) at tau
 * into Xn, which is M itself for an in-place SVT.
 */
typedef void (*SvtStep) (LpRun *run, double *M, double tau, double *Xn, void *arg);

/*
 * The bounded ADMM shared by BNNR and BMC, on the len entries of T (zero
 * outside the observed set): X = W = Y = T, then per iteration
 * W <- admm_w, X <- SVT_{1/beta}(W - Y / beta), Y += beta (X - W), until
 * stop1 = ||dX|| / ||X|| <= tol1 and its relative change <= tol2, or
 * max_iter.  W (len entries) gets the result; returns the iterations.
 */
static int
bounded_admm(LpRun *run, const char *name, const double *T, size_t len, double *W,
			 SvtStep svt, void *arg, bool in_place)
{
	LpParams   *p = run->params;
	double	   *X = lp_alloc(len);
	double	   *Y = lp_alloc(len);
	double	   *M = lp_alloc(len);
	double	   *Xn = in_place ? M : lp_alloc(len);
	double		stop1 = 1,
				stop2 = 1;
	int			iter = 0;

	memcpy(X, T, len * sizeof(double));
	memcpy(W, T, len * sizeof(double));
	memcpy(Y, T, len * sizeof(double));
	while ((stop1 > p->tol1 || stop2 > p->tol2) && iter < p->max_iter)
	{
		double		prev = stop1;
		double	   *swap;

		CHECK_FOR_INTERRUPTS();
		admm_w(T, X, Y, W, len, p->alpha, p->beta);
		for (size_t e = 0; e < len; e++)
			M[e] = W[e] - Y[e] / p->beta;
		svt(run, M, 1.0 / p->beta, Xn, arg);
		stop1 = admm_y(Xn, X, W, Y, len, p->beta);
		stop2 = fabs(stop1 - prev) / Max(1.0, fabs(prev));
		/* the new X is Xn; the old one is the next iteration's scratch */
		swap = X;
		X = Xn;
		Xn = swap;
		if (in_place)
			M = Xn;
		iter++;
		if ((iter % 10) == 0)
			pm_progress(p->progress, "%s%s iteration %d, relative change %.2e",
						run->label, name, iter, stop1);
	}
	pm_progress(p->progress, "%s%s stopped after %d iterations", run->label, name, iter);
	pfree(X);
	pfree(Y);
	pfree(M);
	if (!in_place)
		pfree(Xn);
	return iter;
}

/* BNNR's SVT: the symmetric block matrix, in place, through dsyevd. */
typedef struct SymSvt
{
	int			n;
	double	   *evals;			/* n */
	double	   *scratch;		/* n x n */
} SymSvt;

/* SVT of the symmetric M in place. */
static void
svt_sym(LpRun *run, double *M, double tau, double *Xn, void *arg)
{
	SymSvt	   *a = arg;

	Assert(Xn == M);
	lp_svt_sym(run, a->n, M, tau, a->evals, a->scratch);
}

/* BMC's SVT: the rectangular matrix through dgesdd. */
typedef struct RectSvt
{
	int			m;
	int			n;
	double	   *u;				/* m x min(m, n) */
	double	   *vt;				/* min(m, n) x n */
	double	   *s;				/* min(m, n) */
} RectSvt;

/* SVT of the rectangular M into Xn. */
static void
svt_rect(LpRun *run, double *M, double tau, double *Xn, void *arg)
{
	RectSvt    *a = arg;

	lp_svt_rect(run, a->m, a->n, M, tau, Xn, a->u, a->vt, a->s);
}

/*
 * The block matrix T = [[L, A], [A', R]] (n = nl + nr), with L, R the given
 * similarities, or their GIP-fused kernels when params->gip.
 */
static double *
bnnr_block(LpRun *run, const double *A, const double *Sl, const double *Sr, int nl, int nr)
{
	LpParams   *p = run->params;
	int			n = nl + nr;
	double	   *T = lp_alloc((size_t) n * n);
	const double *L = Sl,
			   *R = Sr;
	double	   *Lf = NULL,
			   *Rf = NULL;

	if (p->gip)
	{
		Lf = fused_kernel(run, A, Sl, nl, nr, true, p->gip_w, p->gip_gamma);
		Rf = fused_kernel(run, A, Sr, nl, nr, false, p->gip_w, p->gip_gamma);
		L = Lf;
		R = Rf;
	}
	for (int j = 0; j < nl; j++)
		for (int i = 0; i < nl; i++)
			T[LP_IDX(i, j, n)] = L[LP_IDX(i, j, nl)];
	for (int j = 0; j < nr; j++)
		for (int i = 0; i < nr; i++)
			T[LP_IDX(nl + i, nl + j, n)] = R[LP_IDX(i, j, nr)];
	for (int j = 0; j < nr; j++)
		for (int i = 0; i < nl; i++)
		{
			T[LP_IDX(i, nl + j, n)] = A[LP_IDX(i, j, nl)];
			T[LP_IDX(nl + j, i, n)] = A[LP_IDX(i, j, nl)];
		}
	if (Lf)
	{
		pfree(Lf);
		pfree(Rf);
	}
	return T;
}

/*
 * Bounded nuclear-norm regularization (BNNR) of the block matrix
 * T = [[Sl, A], [A', Sr]] (Sl, Sr GIP-fused when params->gip), by the
 * bounded ADMM with singular-value thresholding through dsyevd.  Scores: the
 * left x right block of W.
 */
static void
bnnr(LpRun *run, const double *A, const double *Sl, const double *Sr,
	 int nl, int nr, double *F)
{
	int			n = nl + nr;
	size_t		len = (size_t) n * n;
	double	   *T = bnnr_block(run, A, Sl, Sr, nl, nr);
	double	   *W = lp_alloc(len);
	SymSvt		svt;

	svt.n = n;
	svt.evals = palloc(sizeof(double) * n);
	svt.scratch = lp_alloc(len);
	(void) bounded_admm(run, "BNNR", T, len, W, svt_sym, &svt, true);
	for (int j = 0; j < nr; j++)
		for (int i = 0; i < nl; i++)
			F[LP_IDX(i, j, nl)] = W[LP_IDX(i, nl + j, n)];
	pfree(T);
	pfree(W);
	pfree(svt.evals);
	pfree(svt.scratch);
}

/*
 * Bounded matrix completion (BMC) of A alone, the first step of HGIMC: the
 * bounded ADMM with observed set A != 0 and a rectangular SVT (dgesdd).
 * F = W at convergence.
 */
static void
bmc(LpRun *run, const double *A, int nl, int nr, double *F)
{
	int			k = Min(nl, nr);
	RectSvt		svt;

	svt.m = nl;
	svt.n = nr;
	svt.u = lp_alloc((size_t) nl * k);
	svt.vt = lp_alloc((size_t) k * nr);
	svt.s = palloc(sizeof(double) * k);
	(void) bounded_admm(run, "BMC", A, (size_t) nl * nr, F, svt_rect, &svt, false);
	pfree(svt.u);
	pfree(svt.vt);
	pfree(svt.s);
}

/*
 * Gaussian radial-basis kernel on the rows of a similarity, symmetrically
 * normalized: K_ij = exp(-||S_i - S_j||^2 / (2 h^2)), then D^-1/2 K D^-1/2
 * with D the row sums.
 */
static double *
grb_normalized(const double *S, int n, double h)
{
	double	   *K = lp_alloc((size_t) n * n);
	double	   *q = palloc(sizeof(double) * n);
	double	   *d = palloc0(sizeof(double) * n);
	double		c = 1.0 / (2.0 * h * h);

	cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, n, 1.0, S, n, 0.0, K, n);
	for (int i = 0; i < n; i++)
		q[i] = K[LP_IDX(i, i, n)];
	for (int j = 0; j < n; j++)
	{
		for (int i = 0; i <= j; i++)
			K[LP_IDX(i, j, n)] = exp(-c * Max(q[i] + q[j] - 2.0 * K[LP_IDX(i, j, n)], 0.0));
		if ((j & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	lp_symmetrize_upper(K, n);
	for (int j = 0; j < n; j++)
		for (int i = 0; i < n; i++)
			d[i] += K[LP_IDX(i, j, n)];
	for (int i = 0; i < n; i++)
		d[i] = 1.0 / sqrt(d[i]);	/* d_i >= K_ii = 1 */
	for (int j = 0; j < n; j++)
		for (int i = 0; i < n; i++)
			K[LP_IDX(i, j, n)] *= d[i] * d[j];
	pfree(q);
	pfree(d);
	return K;
}

/*
 * HGIMC, single-similarity variant: A0 = BMC(A) kept where > threshold;
 * fixed point W <- g Rn W Dn + (1 - g) A0 on GRB-normalized similarities,
 * until the largest change is below hgi_tol.
 */
static void
hgimc(LpRun *run, const double *A, const double *Sl, const double *Sr,
	  int nl, int nr, double *F)
{
	LpParams   *p = run->params;
	size_t		len = (size_t) nl * nr;
	double	   *A0 = lp_alloc(len);
	double	   *T1 = lp_alloc(len);
	double	   *Wn = lp_alloc(len);
	double	   *Rn,
			   *Dn;
	double	   *W = F;
	double		g = p->restart;
	int			iter;

	bmc(run, A, nl, nr, A0);
	for (size_t e = 0; e < len; e++)
		if (A0[e] <= p->threshold)
			A0[e] = 0;
	Rn = grb_normalized(Sl, nl, p->bandwidth);
	Dn = grb_normalized(Sr, nr, p->bandwidth);

	memcpy(W, A0, len * sizeof(double));
	for (iter = 0; iter < 10000; iter++)
	{
		double		change = 0;

		CHECK_FOR_INTERRUPTS();
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, nr, nl, 1.0,
					Rn, nl, W, nl, 0.0, T1, nl);
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, nr, nr, g,
					T1, nl, Dn, nr, 0.0, Wn, nl);
		for (size_t e = 0; e < len; e++)
		{
			double		v = Wn[e] + (1.0 - g) * A0[e];

			change = Max(change, fabs(v - W[e]));
			W[e] = v;
		}
		if (change < p->hgi_tol)
			break;
	}
	pm_progress(p->progress, "%sHGIMC: fixed point after %d iterations", run->label, iter + 1);
	pfree(A0);
	pfree(T1);
	pfree(Wn);
	pfree(Rn);
	pfree(Dn);
}

/* Scale F to [0, 1] (all 0 when constant). */
static void
minmax(double *F, size_t len)
{
	double		lo = F[0],
				hi = F[0];

	for (size_t e = 1; e < len; e++)
	{
		lo = Min(lo, F[e]);
		hi = Max(hi, F[e]);
	}
	for (size_t e = 0; e < len; e++)
		F[e] = hi > lo ? (F[e] - lo) / (hi - lo) : 0.0;
}

/* Score every pair with run's method into F. */
void
lp_score(LpRun *run, const double *A, const double *Sl, const double *Sr,
		 int nl, int nr, double *F)
{
	switch (run->params->method)
	{
		case LP_KRLS_GIP:
			krls_gip(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_KNN:
			knn(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_HGIMC:
			hgimc(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_BNNR:
			bnnr(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_ENSEMBLE:
			{
				size_t		len = (size_t) nl * nr;
				double	   *Fb = lp_alloc(len);

				krls_gip(run, A, Sl, Sr, nl, nr, F);
				bnnr(run, A, Sl, Sr, nl, nr, Fb);	/* params->gip is on */
				minmax(F, len);
				minmax(Fb, len);
				for (size_t e = 0; e < len; e++)
					F[e] = run->params->krls_weight * F[e] + run->params->bnnr_weight * Fb[e];
				pfree(Fb);
			}
			break;
	}
}
