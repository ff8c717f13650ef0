/*
 * logreg.c: L2-penalized logistic regression (precmed.train_logreg) and its
 * scoring.
 *
 * Each feature is imputed with its training median when missing (NULL or
 * NaN); a feature with missing values in training also gets a 0/1 missing
 * indicator.  Every column is standardized with its training mean and
 * standard deviation, and the model minimizes
 *
 *     mean(log loss) + (lambda / 2) * ||w||^2      (intercept not penalized)
 *
 * by Newton's method (IRLS): the Hessian X'WX/n + lambda*I is formed with
 * BLAS dsyrk and solved with LAPACK dposv (Cholesky), with step halving if a
 * step does not lower the objective.  lambda per mean loss does not depend on
 * n; scikit-learn's C corresponds to lambda = 1 / (C * n).
 *
 * How it works: standardize() computes the imputation and scaling of each
 * feature into the model body, design_matrix() builds the standardized
 * column-major matrix (with the indicators), newton_fit() iterates
 * newton_step() and halving_step() from the intercept-only model until no
 * coefficient moves by more than tol.  Scoring applies the stored
 * imputation and scaling to a new row (ml_logreg_margin).
 *
 * Body of a model value: the intercept, then per feature ML_LR_STRIDE
 * doubles: median, mean, scale, coefficient, has_indicator, indicator mean,
 * indicator scale, indicator coefficient.
 */
#include "ml/ml.h"

#include <math.h>
#include <cblas.h>

#include "miscadmin.h"

#include "common/lapack.h"

/* Ascending order of doubles (no NaN here). */
static int
cmp_double(const void *a, const void *b, void *arg)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

typedef MlLrParams LrParams;

static const PmParam lr_params[] = {
	{"lambda", PM_PARAM_NUMBER, 0, 1e6, false, false, NULL, offsetof(LrParams, lambda), 0},
	{"max_iter", PM_PARAM_INTEGER, 1, 10000, false, false, NULL, offsetof(LrParams, max_iter), 0},
	{"tol", PM_PARAM_NUMBER, 1e-15, 1, false, false, NULL, offsetof(LrParams, tol), 0},
};

const PmParamSet ml_logreg_param_set = {
	.argname = "params",
	.what = "logistic regression parameter",
	.context = NULL,
	.hint = "See the parameter table of precmed.train_logreg in docs/aki_risk.md.",
	.params = lr_params,
	.nparams = lengthof(lr_params),
	.alias = NULL,
};

/* One fit: the standardized design matrix and the labels. */
typedef struct LrProblem
{
	int64		n;				/* rows */
	int			q;				/* columns: intercept, features, indicators */
	const double *X;			/* n x q, column-major */
	const double *y;
	double		lambda;
} LrProblem;

/* mean log loss + penalty at eta (linear predictors) and beta */
static double
objective(const double *eta, const double *y, int64 n, const double *beta, int q, double lambda)
{
	double		loss = 0.0,
				pen = 0.0;

	for (int64 i = 0; i < n; i++)
	{
		/* log(1 + exp(eta)) - y * eta, computed without overflow */
		double		e = eta[i];
		double		l = (e > 0 ? e + log1p(exp(-e)) : log1p(exp(e))) - y[i] * e;

		loss += l;
	}
	for (int k = 1; k < q; k++)
		pen += beta[k] * beta[k];
	return loss / n + 0.5 * lambda * pen;
}

/*
 * Refuse sizes BLAS and LAPACK cannot take (32-bit), and a fit whose memory
 * would exceed precmed.max_memory_mb: the rows, their sort, then two n x q
 * design matrices (q <= 1 + 2p columns with the missing indicators), the
 * q x q Hessian, and a few vectors of n.
 */
static void
check_size(const MlTrainRows *r)
{
	int64		n = r->nrows;
	int			p = r->nfeatures;

	if (n > PG_INT32_MAX || (double) (1 + 2 * p) * (1 + 2 * p) > PG_INT32_MAX)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large for logistic regression: %lld rows of %d features",
						(long long) n, p),
				 errdetail("BLAS and LAPACK sizes must fit 32-bit integers."),
				 errhint("Train on a sample of the rows."));
	pm_check_memory(ml_train_rows_bytes(r) +
					Max(ml_train_rows_sort_bytes(n, p),
						(double) n * (1 + 2 * p) * sizeof(double) * 2 +
						(double) (1 + 2 * p) * (1 + 2 * p) * sizeof(double) +
						(double) n * sizeof(double) * 4 +
						(double) p * ML_LR_STRIDE * sizeof(double)),
					psprintf("fitting logistic regression on %lld rows of %d features",
							 (long long) n, p));
}

/*
 * Imputation and standardization: per feature, into its ML_LR_STRIDE numbers
 * of body, the median, mean and scale, and for a feature missing in some
 * row the indicator's flag, mean and scale.  Returns the indicator count.
 */
static int
standardize(const MlTrainRows *r, double *body)
{
	int64		n = r->nrows;
	int			p = r->nfeatures;
	int			nind = 0;
	double	   *col = palloc(sizeof(double) * n);

	for (int j = 0; j < p; j++)
	{
		double	   *c = body + 1 + (Size) ML_LR_STRIDE * j;
		int64		m = 0;
		double		mean = 0,
					ss = 0;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
			if (!isnan(r->x[i * p + j]))
				col[m++] = r->x[i * p + j];
		if (m > 0)
		{
			qsort_interruptible(col, m, sizeof(double), cmp_double, NULL);
			c[0] = (m % 2) ? col[m / 2] : (col[m / 2 - 1] + col[m / 2]) / 2.0;
		}
		for (int64 i = 0; i < n; i++)
		{
			double		v = r->x[i * p + j];

			mean += isnan(v) ? c[0] : v;
		}
		mean /= n;
		for (int64 i = 0; i < n; i++)
		{
			double		v = r->x[i * p + j];
			double		d = (isnan(v) ? c[0] : v) - mean;

			ss += d * d;
		}
		c[1] = mean;
		c[2] = ss > 0 ? sqrt(ss / n) : 1.0;
		if (m < n)
		{
			double		f = (double) (n - m) / n;

			c[4] = 1.0;
			c[5] = f;
			c[6] = f < 1.0 ? sqrt(f * (1 - f)) : 1.0;
			nind++;
		}
	}
	pfree(col);
	return nind;
}

/*
 * The design matrix, column-major, q = 1 + p + nind columns: intercept,
 * standardized features, standardized indicators.  colfeat[k] gets the
 * feature of column k (-1 - feature for an indicator).
 */
static double *
design_matrix(const MlTrainRows *r, const double *body, int q, int *colfeat)
{
	int64		n = r->nrows;
	int			p = r->nfeatures;
	int			k = 1 + p;
	double	   *X = palloc_extended(sizeof(double) * n * q, MCXT_ALLOC_HUGE);

	colfeat[0] = 0;
	for (int64 i = 0; i < n; i++)
		X[i] = 1.0;
	for (int j = 0; j < p; j++)
	{
		const double *c = body + 1 + (Size) ML_LR_STRIDE * j;
		double	   *xc = X + (Size) (1 + j) * n;

		CHECK_FOR_INTERRUPTS();
		colfeat[1 + j] = j;
		for (int64 i = 0; i < n; i++)
		{
			double		v = r->x[i * p + j];

			xc[i] = ((isnan(v) ? c[0] : v) - c[1]) / c[2];
		}
		if (c[4] != 0)
		{
			double	   *xi = X + (Size) k * n;

			colfeat[k] = -1 - j;
			for (int64 i = 0; i < n; i++)
				xi[i] = ((isnan(r->x[i * p + j]) ? 1.0 : 0.0) - c[5]) / c[6];
			k++;
		}
	}
	Assert(k == q);
	return X;
}

/*
 * The Newton step at beta (linear predictors eta) into g: the gradient
 * X'(mu - y)/n + lambda * beta solved against the Hessian
 * X'WX/n + lambda * I (the intercept not penalized).  mu, resid, Xw and H
 * are work space.  A singular Hessian is 22023.
 */
static void
newton_step(const LrProblem *pb, const double *beta, const double *eta, int iter,
			double *mu, double *resid, double *Xw, double *H, double *g)
{
	int64		n = pb->n;
	int			q = pb->q;
	int			info,
				one = 1;

	for (int64 i = 0; i < n; i++)
		mu[i] = 1.0 / (1.0 + exp(-eta[i]));
	for (int64 i = 0; i < n; i++)
		resid[i] = (mu[i] - pb->y[i]) / n;
	cblas_dgemv(CblasColMajor, CblasTrans, (int) n, q, 1.0, pb->X, (int) n, resid, 1, 0.0, g, 1);
	for (int k = 1; k < q; k++)
		g[k] += pb->lambda * beta[k];
	for (int k = 0; k < q; k++)
	{
		const double *xc = pb->X + (Size) k * n;
		double	   *wc = Xw + (Size) k * n;

		if ((k & 63) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
			wc[i] = xc[i] * sqrt(mu[i] * (1.0 - mu[i]));
	}
	CHECK_FOR_INTERRUPTS();
	cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, q, (int) n, 1.0 / n, Xw, (int) n, 0.0, H, q);
	for (int k = 1; k < q; k++)
		H[k * q + k] += pb->lambda;
	/* a tiny ridge keeps the intercept's system positive definite */
	H[0] += 1e-12;
	CHECK_FOR_INTERRUPTS();
	dposv_("U", &q, &one, H, &q, g, &q, &info);
	if (info != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("logistic regression could not be fitted: the Hessian is singular"),
				 errdetail("LAPACK dposv returned %d at iteration %d.", info, iter),
				 errhint("Use a positive lambda."));
}

/*
 * Step from beta along -g, halving the step until the objective (obj at
 * beta) falls: newbeta, neweta and the new objective.
 */
static double
halving_step(const LrProblem *pb, const double *beta, const double *g, double obj,
			 double *newbeta, double *neweta)
{
	double		step = 1.0,
				newobj;

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < pb->q; k++)
			newbeta[k] = beta[k] - step * g[k];
		cblas_dgemv(CblasColMajor, CblasNoTrans, (int) pb->n, pb->q, 1.0, pb->X, (int) pb->n,
					newbeta, 1, 0.0, neweta, 1);
		newobj = objective(neweta, pb->y, pb->n, newbeta, pb->q, pb->lambda);
		if (newobj <= obj + 1e-14 * fabs(obj) || step < 1e-10)
			return newobj;
		step /= 2;
	}
}

/* What a fit found. */
typedef struct LrResult
{
	double	   *beta;			/* q coefficients, the intercept first */
	int			iterations;
	bool		converged;
	double		objective;
} LrResult;

/*
 * Newton's method from the intercept-only model (npos positives), until no
 * coefficient moves by tol or after max_iter iterations.
 */
static LrResult
newton_fit(const LrProblem *pb, int64 npos, int max_iter, double tol)
{
	int64		n = pb->n;
	int			q = pb->q;
	double	   *Xw = palloc_extended(sizeof(double) * n * q, MCXT_ALLOC_HUGE);
	double	   *H = palloc(sizeof(double) * q * q);
	double	   *g = palloc(sizeof(double) * q);
	double	   *beta = palloc0(sizeof(double) * q);
	double	   *newbeta = palloc(sizeof(double) * q);
	double	   *eta = palloc(sizeof(double) * n);
	double	   *neweta = palloc(sizeof(double) * n);
	double	   *mu = palloc(sizeof(double) * n);
	LrResult	res = {.beta = beta, .converged = false};
	int			iter;

	beta[0] = log((double) npos / (n - npos));
	for (int64 i = 0; i < n; i++)
		eta[i] = beta[0];
	res.objective = objective(eta, pb->y, n, beta, q, pb->lambda);

	for (iter = 1; iter <= max_iter; iter++)
	{
		double		maxdelta = 0.0;

		CHECK_FOR_INTERRUPTS();
		/* neweta serves as the residual's space until the step fills it */
		newton_step(pb, beta, eta, iter, mu, neweta, Xw, H, g);
		res.objective = halving_step(pb, beta, g, res.objective, newbeta, neweta);
		for (int k = 0; k < q; k++)
			maxdelta = Max(maxdelta, fabs(newbeta[k] - beta[k]));
		memcpy(beta, newbeta, sizeof(double) * q);
		memcpy(eta, neweta, sizeof(double) * n);
		if (maxdelta < tol)
		{
			res.converged = true;
			break;
		}
	}
	res.iterations = Min(iter, max_iter);
	pfree(Xw);
	pfree(H);
	return res;
}

/*
 * Final function of precmed.train_logreg: the model value.  Refuses an
 * empty or one-class training set, bad params, a singular Hessian (22023),
 * sizes beyond BLAS or precmed.max_memory_mb (54000).
 */
PG_FUNCTION_INFO_V1(train_logreg_final);
Datum
train_logreg_final(PG_FUNCTION_ARGS)
{
	MlTrainRows *r = ml_train_rows_final_arg(fcinfo, "precmed.train_logreg");

	PG_RETURN_BYTEA_P(ml_logreg_train(r));
}

/*
 * Fit a logistic regression on the rows of r (its params text, NULL for the
 * defaults) and return the model value; the rows are sorted in place.
 */
bytea *
ml_logreg_train(MlTrainRows *r)
{
	LrParams	params = ML_LR_DEFAULT_PARAMS;
	int			p = r->nfeatures;
	Size		body_len = sizeof(double) * (1 + (Size) ML_LR_STRIDE * p);
	double	   *body;
	int		   *colfeat;
	int			nind;
	int64		npos;
	LrProblem	pb;
	LrResult	fit;
	bytea	   *result;

	ml_train_rows_params(r, &ml_logreg_param_set, &params);
	check_size(r);
	npos = ml_train_rows_sort(r);

	body = palloc0(body_len);
	nind = standardize(r, body);
	pb.n = r->nrows;
	pb.q = 1 + p + nind;
	pb.y = r->y;
	pb.lambda = params.lambda;
	colfeat = palloc(sizeof(int) * pb.q);
	pb.X = design_matrix(r, body, pb.q, colfeat);
	fit = newton_fit(&pb, npos, params.max_iter, params.tol);

	/* the coefficients into the body: a feature's at 3, its indicator's at 7 */
	body[0] = fit.beta[0];
	for (int k = 1; k < pb.q; k++)
	{
		int			j = colfeat[k] >= 0 ? colfeat[k] : -1 - colfeat[k];

		body[1 + (Size) ML_LR_STRIDE * j + (colfeat[k] >= 0 ? 3 : 7)] = fit.beta[k];
	}
	result = ml_model_pack(ML_ALG_LOGREG, p, pb.n, npos,
						   psprintf("{\"params\": {\"lambda\": %.17g, \"max_iter\": %d, \"tol\": %.17g}, "
									"\"iterations\": %d, \"converged\": %s, \"objective\": %.17g, "
									"\"missing_indicators\": %d}",
									params.lambda, params.max_iter, params.tol, fit.iterations,
									fit.converged ? "true" : "false", fit.objective, nind),
						   (const char *) body, (uint32) body_len);
	pfree((void *) pb.X);
	pfree(body);
	return result;
}

/* The model's body, checked (22P03 when its size or a number is wrong). */
void
ml_logreg_from_body(const MlModel *m, MlLogreg *out)
{
	if (m->body_len != sizeof(double) * (1 + (Size) ML_LR_STRIDE * m->nfeatures))
		pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
				 errmsg("argument \"model\" is not a valid precmed model: its logistic regression body has the wrong size"),
				 errdetail("%u bytes for %d features, expected %zu.", m->body_len, m->nfeatures,
						   sizeof(double) * (1 + (Size) ML_LR_STRIDE * m->nfeatures)),
				 errhint("Pass a value made by precmed.train_logreg, unchanged."));
	/* the body is not aligned inside the bytea: copy it */
	{
		double	   *copy = palloc(m->body_len);

		memcpy(copy, m->body, m->body_len);
		out->nfeatures = m->nfeatures;
		out->intercept = copy[0];
		out->coef = copy + 1;
		for (int i = 0; i < (int) (m->body_len / sizeof(double)); i++)
			if (!isfinite(copy[i]))
				pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
						 errmsg("argument \"model\" is not a valid precmed model: its logistic regression body has a non-finite number"),
						 errhint("Pass a value made by precmed.train_logreg, unchanged."));
	}
}

/* The linear predictor of feature vector x (NaN = missing). */
double
ml_logreg_margin(const MlLogreg *lr, const double *x)
{
	double		z = lr->intercept;

	for (int j = 0; j < lr->nfeatures; j++)
	{
		const double *c = lr->coef + (Size) ML_LR_STRIDE * j;
		double		v = x[j];
		bool		miss = isnan(v);

		z += c[3] * ((miss ? c[0] : v) - c[1]) / c[2];
		if (c[4] != 0)
			z += c[7] * ((miss ? 1.0 : 0.0) - c[5]) / c[6];
	}
	return z;
}

/*
 * Contributions of x (see ml.h): per feature its coefficient times its
 * standardized (imputed, centred, scaled) value, plus its missing
 * indicator's term; the intercept as bias.  Their sum is ml_logreg_margin.
 */
void
ml_logreg_contributions(const MlLogreg *lr, const double *x, double *out)
{
	for (int j = 0; j < lr->nfeatures; j++)
	{
		const double *c = lr->coef + (Size) ML_LR_STRIDE * j;
		double		v = x[j];
		bool		miss = isnan(v);

		out[j] = c[3] * ((miss ? c[0] : v) - c[1]) / c[2];
		if (c[4] != 0)
			out[j] += c[7] * ((miss ? 1.0 : 0.0) - c[5]) / c[6];
	}
	out[lr->nfeatures] = lr->intercept;
}

/* precmed.train_logreg's final function over precmed.rows_state. */
PM_STATE_FINAL(train_logreg_finish, ml_rows_family, train_logreg_final)
