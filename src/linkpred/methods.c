/*
 * methods.c: the scoring methods.  Each takes the training matrix A
 * (nl x nr, 0/1), the similarities Sl (nl x nl) and Sr (nr x nr), and
 * writes the score of every pair into F (nl x nr).  Definitions and sources:
 * docs/repositioning.md.
 */
#include "linkpred/linkpred.h"

#include <cblas.h>

#include "miscadmin.h"
#include "portability/instr_time.h"

static double
lap(instr_time *t)
{
	instr_time	now;
	double		s;

	INSTR_TIME_SET_CURRENT(now);
	s = INSTR_TIME_GET_DOUBLE(now) - INSTR_TIME_GET_DOUBLE(*t);
	*t = now;
	return s;
}

void
lp_progress(LpRun *run, const char *fmt,...)
{
	char		buf[256];
	va_list		ap;

	if (!run->params->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ereport(NOTICE, (errmsg_internal("%s%s%s", run->label ? run->label : "",
									 run->label ? ": " : "", buf)));
}

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
void
lp_krls_gip(LpRun *run, const double *A, const double *Sl, const double *Sr,
			int nl, int nr, double *F)
{
	double		sigma = run->params->sigma;
	instr_time	t0;
	double	   *U,
			   *V;
	double	   *lam = palloc(sizeof(double) * nl);
	double	   *mu = palloc(sizeof(double) * nr);
	double	   *T1 = lp_alloc((size_t) nl * nr);
	double	   *G = lp_alloc((size_t) nl * nr);
	double		t_kernel,
				t_eig;

	INSTR_TIME_SET_CURRENT(t0);
	U = fused_kernel(run, A, Sl, nl, nr, true, run->params->w, run->params->gamma);
	V = fused_kernel(run, A, Sr, nl, nr, false, run->params->w, run->params->gamma);

	t_kernel = lap(&t0);
	lp_syevd(run, nl, U, lam);
	lp_syevd(run, nr, V, mu);
	t_eig = lap(&t0);
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
	lp_progress(run, "KRLS-GIP: kernels %.3f s, eigendecompositions %.3f s, products %.3f s",
				t_kernel, t_eig, lap(&t0));

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
void
lp_knn(LpRun *run, const double *A, const double *Sl, const double *Sr,
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
 * Bounded nuclear-norm regularization (BNNR) of the block matrix
 * T = [[Sl, A], [A', Sr]] (Sl, Sr GIP-fused when params->gip), by ADMM with
 * singular-value thresholding through dsyevd.  Scores: the left x right
 * block of W.  Returns the number of iterations.
 */
int
lp_bnnr(LpRun *run, const double *A, const double *Sl, const double *Sr,
		int nl, int nr, double *F)
{
	LpParams   *p = run->params;
	int			n = nl + nr;
	size_t		len = (size_t) n * n;
	double	   *T = lp_alloc(len);
	double	   *X = lp_alloc(len);
	double	   *W = lp_alloc(len);
	double	   *Y = lp_alloc(len);
	double	   *M = lp_alloc(len);
	double	   *scratch = lp_alloc(len);
	double	   *evals = palloc(sizeof(double) * n);
	const double *L = Sl,
			   *R = Sr;
	double	   *Lf = NULL,
			   *Rf = NULL;
	double		stop1 = 1,
				stop2 = 1;
	int			iter = 0;

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
		lp_svt_sym(run, n, M, 1.0 / p->beta, evals, scratch);
		stop1 = admm_y(M, X, W, Y, len, p->beta);
		stop2 = fabs(stop1 - prev) / Max(1.0, fabs(prev));
		swap = X;
		X = M;
		M = swap;
		iter++;
		if ((iter % 10) == 0)
			lp_progress(run, "BNNR iteration %d, relative change %.2e", iter, stop1);
	}
	for (int j = 0; j < nr; j++)
		for (int i = 0; i < nl; i++)
			F[LP_IDX(i, j, nl)] = W[LP_IDX(i, nl + j, n)];
	lp_progress(run, "BNNR stopped after %d iterations", iter);

	pfree(T);
	pfree(X);
	pfree(W);
	pfree(Y);
	pfree(M);
	pfree(scratch);
	pfree(evals);
	return iter;
}

/*
 * Bounded matrix completion (BMC) of A alone, the first step of HGIMC: the
 * same ADMM with observed set A != 0 and a rectangular SVT (dgesdd).
 * F = W at convergence.  Returns the number of iterations.
 */
int
lp_bmc(LpRun *run, const double *A, int nl, int nr, double *F)
{
	LpParams   *p = run->params;
	size_t		len = (size_t) nl * nr;
	int			k = Min(nl, nr);
	double	   *X = lp_alloc(len);
	double	   *Y = lp_alloc(len);
	double	   *M = lp_alloc(len);
	double	   *Xn = lp_alloc(len);
	double	   *u = lp_alloc((size_t) nl * k);
	double	   *vt = lp_alloc((size_t) k * nr);
	double	   *s = palloc(sizeof(double) * k);
	double	   *W = F;
	double		stop1 = 1,
				stop2 = 1;
	int			iter = 0;

	memcpy(X, A, len * sizeof(double));
	memcpy(W, A, len * sizeof(double));
	memcpy(Y, A, len * sizeof(double));
	while ((stop1 > p->tol1 || stop2 > p->tol2) && iter < p->max_iter)
	{
		double		prev = stop1;
		double	   *swap;

		CHECK_FOR_INTERRUPTS();
		admm_w(A, X, Y, W, len, p->alpha, p->beta);
		for (size_t e = 0; e < len; e++)
			M[e] = W[e] - Y[e] / p->beta;
		lp_svt_rect(run, nl, nr, M, 1.0 / p->beta, Xn, u, vt, s);
		stop1 = admm_y(Xn, X, W, Y, len, p->beta);
		stop2 = fabs(stop1 - prev) / Max(1.0, fabs(prev));
		swap = X;
		X = Xn;
		Xn = swap;
		iter++;
		if ((iter % 10) == 0)
			lp_progress(run, "BMC iteration %d, relative change %.2e", iter, stop1);
	}
	pfree(X);
	pfree(Y);
	pfree(M);
	pfree(Xn);
	pfree(u);
	pfree(vt);
	pfree(s);
	return iter;
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
void
lp_hgimc(LpRun *run, const double *A, const double *Sl, const double *Sr,
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

	iter = lp_bmc(run, A, nl, nr, A0);
	lp_progress(run, "HGIMC: BMC stopped after %d iterations", iter);
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
	lp_progress(run, "HGIMC: fixed point after %d iterations", iter + 1);
	pfree(A0);
	pfree(T1);
	pfree(Wn);
	pfree(Rn);
	pfree(Dn);
}

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

void
lp_score(LpRun *run, const double *A, const double *Sl, const double *Sr,
		 int nl, int nr, double *F)
{
	switch (run->params->method)
	{
		case LP_KRLS_GIP:
			lp_krls_gip(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_KNN:
			lp_knn(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_HGIMC:
			lp_hgimc(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_BNNR:
			lp_bnnr(run, A, Sl, Sr, nl, nr, F);
			break;
		case LP_ENSEMBLE:
			{
				size_t		len = (size_t) nl * nr;
				double	   *Fb = lp_alloc(len);

				lp_krls_gip(run, A, Sl, Sr, nl, nr, F);
				lp_bnnr(run, A, Sl, Sr, nl, nr, Fb);	/* params->gip is on */
				minmax(F, len);
				minmax(Fb, len);
				for (size_t e = 0; e < len; e++)
					F[e] = run->params->krls_weight * F[e] + run->params->bnnr_weight * Fb[e];
				pfree(Fb);
			}
			break;
	}
}
