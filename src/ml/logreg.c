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
 * Body of a model value: the intercept, then per feature ML_LR_STRIDE
 * doubles: median, mean, scale, coefficient, has_indicator, indicator mean,
 * indicator scale, indicator coefficient.
 */
#include "ml/ml.h"

#include <math.h>
#include <cblas.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "common/lapack.h"


static int
cmp_double(const void *a, const void *b, void *arg)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Read parameter key from jsonb params (dflt when absent), checked to be a
 * number in [lo, hi] (a whole number when integer).  Numbers are read
 * through their text so a huge value is out of range, not an overflow.
 */
static double
read_number_param(Jsonb *jb, const char *key, double dflt, double lo, double hi,
				  bool integer)
{
	JsonbValue	v;
	double		d;
	char	   *text;
	char	   *end;
	const char *range;

	range = integer
		? psprintf("\"%s\" must be a whole number from %.0f to %.0f.", key, lo, hi)
		: psprintf("\"%s\" must be a number in [%g, %g].", key, lo, hi);
	if (jb == NULL || !getKeyJsonValueFromContainer(&jb->root, key, strlen(key), &v))
		return dflt;
	if (v.type != jbvNumeric)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("logistic regression parameter \"%s\" must be a number", key),
				 errdetail("%s", range),
				 errhint("See the parameter table of precmed.train_logreg in docs/aki_risk.md."));
	text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
	d = strtod(text, &end);
	if (!(d >= lo && d <= hi) || *end != '\0' || (integer && d != floor(d)))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("logistic regression parameter \"%s\" is %s, outside its allowed range",
						key, strlen(text) <= 40 ? text : psprintf("%g", d)),
				 errdetail("%s", range),
				 errhint("See the parameter table of precmed.train_logreg in docs/aki_risk.md."));
	return d;
}

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

PG_FUNCTION_INFO_V1(train_logreg_final);
Datum
train_logreg_final(PG_FUNCTION_ARGS)
{
	MlTrainRows *r;
	Jsonb	   *params = NULL;
	double		lambda,
				tol;
	int			max_iter,
				p,
				q,
				iter,
				nind = 0;
	int64		n,
				npos = 0;
	double	   *body,
			   *X,
			   *Xw,
			   *H,
			   *g,
			   *beta,
			   *eta,
			   *mu,
			   *newbeta,
			   *neweta;
	int		   *colfeat;		/* design column -> feature (or -1-feature for an indicator) */
	double		obj;
	bool		converged = false;
	StringInfoData meta;
	bytea	   *result;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "train_logreg_final called in non-aggregate context");
	r = PG_ARGISNULL(0) ? NULL : (MlTrainRows *) PG_GETARG_POINTER(0);
	if (r == NULL || r->nrows == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set is empty"),
				 errdetail("precmed.train_logreg received no rows."),
				 errhint("Check the query's WHERE clause and joins."));
	if (r->params)
	{
		params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(r->params)));
		if (!JB_ROOT_IS_OBJECT(params))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("argument \"params\" must be a JSON object, not %s", r->params),
					 errhint("Pass e.g. '{\"lambda\": 0.1}' or '{}' for the defaults."));
		else
		{
			JsonbIterator *it = JsonbIteratorInit(&params->root);
			JsonbValue	k;
			JsonbIteratorToken tok;

			while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
				if (tok == WJB_KEY)
				{
					char	   *key = pnstrdup(k.val.string.val, k.val.string.len);

					if (strcmp(key, "lambda") != 0 && strcmp(key, "max_iter") != 0 &&
						strcmp(key, "tol") != 0)
						pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
								 errmsg("unknown logistic regression parameter \"%s\" in argument \"params\"", key),
								 errdetail("Known parameters: lambda, max_iter, tol."),
								 errhint("See the parameter table of precmed.train_logreg in docs/aki_risk.md."));
				}
		}
	}
	lambda = read_number_param(params, "lambda", 0.1, 0.0, 1e6, false);
	max_iter = (int) read_number_param(params, "max_iter", 100, 1, 10000, true);
	tol = read_number_param(params, "tol", 1e-8, 1e-15, 1.0, false);

	n = r->nrows;
	p = r->nfeatures;
	/* BLAS and LAPACK take 32-bit sizes */
	if (n > PG_INT32_MAX || (double) (1 + 2 * p) * (1 + 2 * p) > PG_INT32_MAX)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large for logistic regression: %lld rows of %d features",
						(long long) n, p),
				 errdetail("BLAS and LAPACK sizes must fit 32-bit integers."),
				 errhint("Train on a sample of the rows."));
	/*
	 * The rows, their sort, then two n x q design matrices (q <= 1 + 2p
	 * columns with the missing indicators), the q x q Hessian, and a few
	 * vectors of n.
	 */
	pm_check_memory(ml_train_rows_bytes(r) +
					Max(ml_train_rows_sort_bytes(n, p),
						(double) n * (1 + 2 * p) * sizeof(double) * 2 +
						(double) (1 + 2 * p) * (1 + 2 * p) * sizeof(double) +
						(double) n * sizeof(double) * 4 +
						(double) p * ML_LR_STRIDE * sizeof(double)),
					psprintf("fitting logistic regression on %lld rows of %d features",
							 (long long) n, p));

	ml_train_rows_sort(r);
	for (int64 i = 0; i < n; i++)
		npos += r->y[i] == 1.0;
	if (npos == 0 || npos == n)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set has only one class: %lld rows, all labelled %d",
						(long long) n, npos ? 1 : 0),
				 errhint("A classifier needs rows labelled 0 and rows labelled 1."));

	/* imputation and standardization */
	body = palloc0(sizeof(double) * (1 + (Size) ML_LR_STRIDE * p));
	{
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
	}

	/* design matrix, column-major: intercept, features, indicators */
	q = 1 + p + nind;
	X = palloc_extended(sizeof(double) * n * q, MCXT_ALLOC_HUGE);
	colfeat = palloc(sizeof(int) * q);
	colfeat[0] = 0;
	for (int64 i = 0; i < n; i++)
		X[i] = 1.0;
	{
		int			k = 1 + p;

		for (int j = 0; j < p; j++)
		{
			double	   *c = body + 1 + (Size) ML_LR_STRIDE * j;
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
	}

	Xw = palloc_extended(sizeof(double) * n * q, MCXT_ALLOC_HUGE);
	H = palloc(sizeof(double) * q * q);
	g = palloc(sizeof(double) * q);
	beta = palloc0(sizeof(double) * q);
	newbeta = palloc(sizeof(double) * q);
	eta = palloc(sizeof(double) * n);
	neweta = palloc(sizeof(double) * n);
	mu = palloc(sizeof(double) * n);

	/* start from the intercept-only model */
	beta[0] = log((double) npos / (n - npos));
	for (int64 i = 0; i < n; i++)
		eta[i] = beta[0];
	obj = objective(eta, r->y, n, beta, q, lambda);

	for (iter = 1; iter <= max_iter; iter++)
	{
		int			info,
					one = 1;
		double		step = 1.0,
					maxdelta = 0.0,
					newobj;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < n; i++)
			mu[i] = 1.0 / (1.0 + exp(-eta[i]));
		/* gradient: X'(mu - y)/n + lambda * beta (not the intercept) */
		for (int64 i = 0; i < n; i++)
			neweta[i] = (mu[i] - r->y[i]) / n;
		cblas_dgemv(CblasColMajor, CblasTrans, (int) n, q, 1.0, X, (int) n, neweta, 1, 0.0, g, 1);
		for (int k = 1; k < q; k++)
			g[k] += lambda * beta[k];
		/* Hessian: X' W X / n + lambda * I (not the intercept) */
		for (int k = 0; k < q; k++)
		{
			const double *xc = X + (Size) k * n;
			double	   *wc = Xw + (Size) k * n;

			if ((k & 63) == 0)
				CHECK_FOR_INTERRUPTS();
			for (int64 i = 0; i < n; i++)
				wc[i] = xc[i] * sqrt(mu[i] * (1.0 - mu[i]));
		}
		CHECK_FOR_INTERRUPTS();
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, q, (int) n, 1.0 / n, Xw, (int) n, 0.0, H, q);
		for (int k = 1; k < q; k++)
			H[k * q + k] += lambda;
		/* a tiny ridge keeps the intercept's system positive definite */
		H[0] += 1e-12;
		CHECK_FOR_INTERRUPTS();
		dposv_("U", &q, &one, H, &q, g, &q, &info);
		if (info != 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("logistic regression could not be fitted: the Hessian is singular"),
					 errdetail("LAPACK dposv returned %d at iteration %d.", info, iter),
					 errhint("Use a positive lambda."));
		/* g now holds the Newton step; halve it until the objective falls */
		for (;;)
		{
			CHECK_FOR_INTERRUPTS();
			for (int k = 0; k < q; k++)
				newbeta[k] = beta[k] - step * g[k];
			cblas_dgemv(CblasColMajor, CblasNoTrans, (int) n, q, 1.0, X, (int) n, newbeta, 1, 0.0, neweta, 1);
			newobj = objective(neweta, r->y, n, newbeta, q, lambda);
			if (newobj <= obj + 1e-14 * fabs(obj) || step < 1e-10)
				break;
			step /= 2;
		}
		for (int k = 0; k < q; k++)
			maxdelta = Max(maxdelta, fabs(newbeta[k] - beta[k]));
		memcpy(beta, newbeta, sizeof(double) * q);
		memcpy(eta, neweta, sizeof(double) * n);
		obj = newobj;
		if (maxdelta < tol)
		{
			converged = true;
			break;
		}
	}

	body[0] = beta[0];
	for (int k = 1; k < q; k++)
	{
		int			j = colfeat[k] >= 0 ? colfeat[k] : -1 - colfeat[k];
		double	   *c = body + 1 + (Size) ML_LR_STRIDE * j;

		if (colfeat[k] >= 0)
			c[3] = beta[k];
		else
			c[7] = beta[k];
	}

	initStringInfo(&meta);
	appendStringInfo(&meta, "{\"params\": {\"lambda\": %.17g, \"max_iter\": %d, \"tol\": %.17g}, "
					 "\"iterations\": %d, \"converged\": %s, \"objective\": %.17g, "
					 "\"missing_indicators\": %d}",
					 lambda, max_iter, tol, Min(iter, max_iter), converged ? "true" : "false",
					 obj, nind);
	result = ml_model_pack(ML_ALG_LOGREG, p, n, npos, meta.data, (const char *) body,
						   (uint32) (sizeof(double) * (1 + (Size) ML_LR_STRIDE * p)));
	pfree(X);
	pfree(Xw);
	pfree(H);
	pfree(body);
	PG_RETURN_BYTEA_P(result);
}

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
