/*
 * fed_logreg.c: precmed.train_logreg_federated, logistic regression trained
 * across sites without moving a row: the model precmed.train_logreg would fit
 * on all the rows together.
 *
 * How it works: the coordinator runs rounds.  A round is one query
 *
 *     SELECT precmed_internal.logreg_fed_state(features, label, $1)
 *       FROM relation GROUP BY site
 *
 * which partitionwise aggregation over a table partitioned by site (foreign
 * partitions, postgres_fdw) sends to every site at once; each returns one
 * small state (fed_state.c), the driver adds them up.  Training does what
 * logreg.c does, in the same order:
 *   1. exact medians of every feature, by narrowing: a round returns per
 *      feature the counts in 16 key ranges of an interval plus each range's
 *      least and greatest value; the interval shrinks to the range holding
 *      the median's rank until that range holds one value (the second middle
 *      value of an even count is that value, or the least value above it);
 *   2. counts and sums of imputed values (means, missing fractions);
 *   3. sums of squared deviations from the means (the scales);
 *   4. per Newton step, the log loss, gradient and Hessian sums at the
 *      candidate coefficients (step halving as logreg.c).
 * Sums are added in another order than on one server, so the numbers agree
 * to rounding, not to the bit; medians are exact.
 */
#include "federated/federated.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/float.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lapack.h"
#include "ml/ml.h"

/* at most this many median rounds (64-bit keys, 16 buckets: 16 suffice) */
#define FED_MAX_BIN_ROUNDS 70

/* One federated training run. */
typedef struct FedRun
{
	char	   *sql;			/* the round query */
	MemoryContext round_cxt;	/* reset per round */
	int			p;
	int			sites;			/* sites that answered the last round */
	int			rounds;
	double		bytes_sent;		/* requests, once per site */
	double		bytes_received; /* states */
} FedRun;

/* 55000: the sites' rows changed between rounds (or a site lied). */
static void
rows_changed(const char *what)
{
	pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
			 errmsg("federated training found inconsistent site states: %s", what),
			 errdetail("The rounds of one training must see the same rows on every site."),
			 errhint("Train on tables that do not change meanwhile, within one transaction."));
}

/*
 * One round: the request sent to every site, their states checked and
 * merged into out (nout doubles: added up; in a median round bucket bounds
 * and the least value above take min/max).
 */
static void
fed_round(FedRun *run, FedRound kind, int q, const double *req, int nactive,
		  double *out, int64 nout)
{
	bytea	   *request;
	Oid			argtypes[1] = {BYTEAOID};
	Datum		values[1];
	int			rc;
	MemoryContext old = MemoryContextSwitchTo(run->round_cxt);

	CHECK_FOR_INTERRUPTS();
	request = fed_message(kind, run->p, q, req, fed_request_len(kind, run->p, q));
	values[0] = PointerGetDatum(request);
	rc = SPI_execute_with_args(run->sql, 1, argtypes, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "federated training round failed: SPI_execute_with_args returned %d", rc);
	memset(out, 0, sizeof(double) * nout);
	if (kind == FED_ROUND_BINS)
		for (int j = 0; j < nactive; j++)
		{
			double	   *a = out + 1 + (Size) FED_BINS_STRIDE * j;

			for (int b = 0; b < FED_BUCKETS; b++)
			{
				a[2 + 3 * b + 1] = get_float8_infinity();
				a[2 + 3 * b + 2] = -get_float8_infinity();
			}
			a[FED_BINS_STRIDE - 1] = get_float8_infinity();
		}
	run->sites = 0;
	for (uint64 t = 0; t < SPI_processed; t++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[t], SPI_tuptable->tupdesc, 1, &isnull);
		bytea	   *st;
		FedMessage	m;

		if (isnull)
			continue;
		st = DatumGetByteaPP(d);
		fed_parse(st, &m, "a site's state");
		if (m.kind != kind || m.p != run->p || m.q != q || m.nd != nout)
			rows_changed("a site answered another round than it was asked");
		run->sites++;
		run->bytes_received += VARSIZE_ANY(st);
		for (int64 i = 0; i < nout; i++)
		{
			bool		bound = false;

			if (isnan(m.d[i]))
				rows_changed("a site's state holds NaN");
			if (kind == FED_ROUND_BINS && i > 0)
			{
				int			off = (int) ((i - 1) % FED_BINS_STRIDE);

				if (off == FED_BINS_STRIDE - 1 || (off >= 2 && (off - 2) % 3 == 1))
				{
					out[i] = Min(out[i], m.d[i]);
					bound = true;
				}
				else if (off >= 2 && (off - 2) % 3 == 2)
				{
					out[i] = Max(out[i], m.d[i]);
					bound = true;
				}
			}
			if (!bound)
				out[i] += m.d[i];
		}
	}
	run->bytes_sent += (double) VARSIZE(request) * run->sites;
	run->rounds++;
	SPI_freetuptable(SPI_tuptable);
	MemoryContextSwitchTo(old);
	MemoryContextReset(run->round_cxt);
}

/* The median's ranks (1-based) among m values: r1 <= r2. */
static inline void
median_ranks(int64 m, int64 *r1, int64 *r2)
{
	*r2 = m / 2 + 1;
	*r1 = (m % 2) ? *r2 : m / 2;
}

/*
 * One feature's narrowing step from its merged median-round numbers a:
 * true with *median set when found, else [*lo, *hi] narrowed.
 */
static bool
median_step(const double *a, double *lo, double *hi, double *median)
{
	int64		m = (int64) a[1],
				r1,
				r2;
	double		cum = a[0];

	if (m == 0)
	{
		*median = 0.0;			/* as logreg.c: no value, median 0 */
		return true;
	}
	median_ranks(m, &r1, &r2);
	for (int b = 0; b < FED_BUCKETS; b++)
	{
		const double *bk = a + 2 + 3 * b;
		double		v1,
					v2;

		if (cum + bk[0] < r1)
		{
			cum += bk[0];
			continue;
		}
		if (bk[1] != bk[2])
		{
			*lo = bk[1];
			*hi = bk[2];
			return false;
		}
		v1 = v2 = bk[1];
		if (r2 > r1 && cum + bk[0] < r2)
		{
			/* the second middle value: the least value above v1 */
			v2 = a[FED_BINS_STRIDE - 1];
			for (int c = b + 1; c < FED_BUCKETS; c++)
				if (a[2 + 3 * c] > 0)
				{
					v2 = a[2 + 3 * c + 1];
					break;
				}
			if (!isfinite(v2))
				rows_changed("no value above the lower middle value");
		}
		*median = (r1 == r2) ? v1 : (v1 + v2) / 2.0;
		return true;
	}
	rows_changed("the median's rank lies outside the interval");
	return false;				/* unreachable */
}

/* Exact medians of the p features' non-missing values, into median. */
static void
fed_medians(FedRun *run, double *median)
{
	int			p = run->p;
	double	   *req = palloc(sizeof(double) * 3 * p);
	double	   *acc = palloc(sizeof(double) * fed_state_len(FED_ROUND_BINS, p, p, 0));
	int			nactive = p;

	for (int j = 0; j < p; j++)
	{
		req[3 * j] = 1;
		req[3 * j + 1] = -get_float8_infinity();
		req[3 * j + 2] = get_float8_infinity();
	}
	for (int round = 0; nactive > 0; round++)
	{
		int			slot = 0;

		if (round == FED_MAX_BIN_ROUNDS)
			rows_changed("the medians did not narrow");
		fed_round(run, FED_ROUND_BINS, 0, req, nactive, acc,
				  fed_state_len(FED_ROUND_BINS, p, nactive, 0));
		for (int j = 0; j < p; j++)
		{
			if (req[3 * j] == 0)
				continue;
			if (median_step(acc + 1 + (Size) FED_BINS_STRIDE * slot++,
							&req[3 * j + 1], &req[3 * j + 2], &median[j]))
				req[3 * j] = 0;
		}
		nactive = 0;
		for (int j = 0; j < p; j++)
			nactive += req[3 * j] != 0;
	}
	pfree(req);
	pfree(acc);
}

/* The site query's rows: min and max vector length and row count per site. */
static void
fed_probe(FedRun *run, const char *sql, int64 *n)
{
	int			rc = SPI_execute(sql, true, 0);
	int			minlen = -1,
				maxlen = -1;

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "federated training probe failed: SPI_execute returned %d", rc);
	*n = 0;
	for (uint64 t = 0; t < SPI_processed; t++)
	{
		bool		n1,
					n2,
					n3;
		int			lo = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[t], SPI_tuptable->tupdesc, 1, &n1));
		int			hi = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[t], SPI_tuptable->tupdesc, 2, &n2));
		int64		c = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[t], SPI_tuptable->tupdesc, 3, &n3));

		if (n3 || c == 0)
			continue;
		if (n1 || n2 || lo <= 0)
			pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
					 errmsg("argument \"features\" is NULL or empty in some training rows"),
					 errhint("A model needs at least one feature; filter such rows out."));
		if ((minlen >= 0 && lo != minlen) || hi != lo || (maxlen >= 0 && hi != maxlen))
			pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
					 errmsg("argument \"features\" has %d elements in some rows and %d in others",
							minlen >= 0 && lo != minlen ? minlen : lo, hi),
					 errhint("Every feature vector must have the same length."));
		minlen = maxlen = lo;
		*n += c;
		run->bytes_received += 16;
	}
	SPI_freetuptable(SPI_tuptable);
	run->rounds++;
	if (*n == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set is empty"),
				 errdetail("precmed.train_logreg_federated received no rows from any site."),
				 errhint("Check the relation and its partitions."));
	if (minlen > FED_MAX_Q / 2 - 1)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("too many features for federated logistic regression: %d", minlen),
				 errhint("Use at most %d features.", FED_MAX_Q / 2 - 1));
	run->p = minlen;
}

/* The objective of logreg.c from the summed log loss at beta. */
static inline double
fed_objective(double loss, int64 n, const double *beta, int q, double lambda)
{
	double		pen = 0.0;

	for (int k = 1; k < q; k++)
		pen += beta[k] * beta[k];
	return loss / n + 0.5 * lambda * pen;
}

/* The Newton direction into g from a Newton round's sums acc at beta. */
static void
fed_newton_direction(const double *acc, int64 n, const double *beta, int q, double lambda,
					 double *H, double *g, int iter)
{
	const double *gs = acc + 2,
			   *hs = acc + 2 + q;
	int			info,
				one = 1;

	for (int k = 0; k < q; k++)
		g[k] = gs[k] / n + (k > 0 ? lambda * beta[k] : 0.0);
	for (int j = 0; j < q; j++)
		for (int i = 0; i <= j; i++)
			H[i + (Size) j * q] = hs[i + (Size) j * (j + 1) / 2] / n;
	for (int k = 1; k < q; k++)
		H[k * q + k] += lambda;
	/* a tiny ridge keeps the intercept's system positive definite, as logreg.c */
	H[0] += 1e-12;
	dposv_("U", &q, &one, H, &q, g, &q, &info);
	if (info != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("logistic regression could not be fitted: the Hessian is singular"),
				 errdetail("LAPACK dposv returned %d at iteration %d.", info, iter),
				 errhint("Use a positive lambda."));
}

/* What Newton's method found. */
typedef struct FedFit
{
	int			iterations;
	bool		converged;
	double		objective;
} FedFit;

/*
 * Newton's method over the sites from the intercept-only model, as
 * logreg.c's newton_fit: std holds the request's per-feature numbers and is
 * followed by beta (q), updated in place.
 */
static FedFit
fed_newton(FedRun *run, double *std, int q, int64 n, int64 npos, const MlLrParams *lp)
{
	int			p = run->p;
	int64		nacc = fed_state_len(FED_ROUND_NEWTON, p, 0, q);
	double	   *acc = palloc_extended(sizeof(double) * nacc, MCXT_ALLOC_HUGE);
	double	   *newacc = palloc_extended(sizeof(double) * nacc, MCXT_ALLOC_HUGE);
	double	   *H = palloc_extended(sizeof(double) * q * q, MCXT_ALLOC_HUGE);
	double	   *g = palloc(sizeof(double) * q);
	double	   *beta = std + FED_STD_STRIDE * p;
	double	   *req = palloc(sizeof(double) * fed_request_len(FED_ROUND_NEWTON, p, q));
	double	   *newbeta = req + FED_STD_STRIDE * p;
	FedFit		fit = {.converged = false};
	int			iter;

	memcpy(req, std, sizeof(double) * FED_STD_STRIDE * p);
	memset(beta, 0, sizeof(double) * q);
	beta[0] = log((double) npos / (n - npos));
	fed_round(run, FED_ROUND_NEWTON, q, std, 0, acc, nacc);
	fit.objective = fed_objective(acc[1], n, beta, q, lp->lambda);
	for (iter = 1; iter <= lp->max_iter; iter++)
	{
		double		step = 1.0,
					newobj,
					maxdelta = 0.0;

		fed_newton_direction(acc, n, beta, q, lp->lambda, H, g, iter);
		for (;;)
		{
			for (int k = 0; k < q; k++)
				newbeta[k] = beta[k] - step * g[k];
			fed_round(run, FED_ROUND_NEWTON, q, req, 0, newacc, nacc);
			newobj = fed_objective(newacc[1], n, newbeta, q, lp->lambda);
			if (newobj <= fit.objective + 1e-14 * fabs(fit.objective) || step < 1e-10)
				break;
			step /= 2;
		}
		fit.objective = newobj;
		for (int k = 0; k < q; k++)
			maxdelta = Max(maxdelta, fabs(newbeta[k] - beta[k]));
		memcpy(beta, newbeta, sizeof(double) * q);
		memcpy(acc, newacc, sizeof(double) * nacc);
		if (maxdelta < lp->tol)
		{
			fit.converged = true;
			break;
		}
	}
	fit.iterations = Min(iter, lp->max_iter);
	pfree(acc);
	pfree(newacc);
	pfree(H);
	pfree(g);
	pfree(req);
	return fit;
}

/* The round query and the probe query over relation, columns quoted. */
static void
fed_queries(Oid relid, const char *features, const char *label, const char *site,
			char **round_sql, char **probe_sql)
{
	char	   *rel = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												 get_rel_name(relid));
	const char *f = quote_identifier(features);

	*round_sql = psprintf("SELECT precmed_internal.logreg_fed_state(%s, %s, $1) FROM %s GROUP BY %s",
						  f, quote_identifier(label), rel, quote_identifier(site));
	*probe_sql = psprintf("SELECT min(array_length(%s, 1)), max(array_length(%s, 1)), count(*) "
						  "FROM %s GROUP BY %s", f, f, rel, quote_identifier(site));
}

/*
 * Imputation and scaling over the sites, as logreg.c's standardize: into
 * std (FED_STD_STRIDE numbers per feature), from the medians.  Returns the
 * number of indicators; *npos gets the positives.
 */
static int
fed_standardize(FedRun *run, const double *median, int64 n, double *std, int64 *npos)
{
	int			p = run->p,
				nind = 0;
	int64		nsums = fed_state_len(FED_ROUND_SUMS, p, 0, 0);
	double	   *sums = palloc(sizeof(double) * nsums);
	double	   *req = palloc(sizeof(double) * 2 * p);
	double	   *ss = palloc(sizeof(double) * (1 + p));

	fed_round(run, FED_ROUND_SUMS, 0, median, 0, sums, nsums);
	if ((int64) sums[0] != n)
		rows_changed("the row count changed");
	*npos = (int64) sums[1];
	if (*npos == 0 || *npos == n)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set has only one class: %lld rows, all labelled %d",
						(long long) n, *npos ? 1 : 0),
				 errhint("A classifier needs rows labelled 0 and rows labelled 1."));
	for (int j = 0; j < p; j++)
	{
		req[2 * j] = median[j];
		req[2 * j + 1] = sums[3 + 2 * j] / n;
	}
	fed_round(run, FED_ROUND_SPREAD, 0, req, 0, ss, 1 + p);
	for (int j = 0; j < p; j++)
	{
		double	   *c = std + FED_STD_STRIDE * j;
		int64		m = (int64) sums[2 + 2 * j];

		c[0] = median[j];
		c[1] = req[2 * j + 1];
		c[2] = ss[1 + j] > 0 ? sqrt(ss[1 + j] / n) : 1.0;
		c[5] = 1.0;
		if (!isfinite(c[1]) || !isfinite(c[2]))
			pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					 errmsg("feature %d cannot be standardized: its mean or standard deviation overflows", j + 1),
					 errdetail("Mean %g, standard deviation %g.", c[1], c[2]),
					 errhint("Rescale the feature (e.g. a logarithm) before training."));
		if (m < n)
		{
			double		f = (double) (n - m) / n;

			c[3] = 1.0;
			c[4] = f;
			c[5] = f < 1.0 ? sqrt(f * (1 - f)) : 1.0;
			nind++;
		}
	}
	pfree(sums);
	pfree(req);
	pfree(ss);
	return nind;
}

/*
 * precmed.train_logreg_federated(relation regclass, features text, label
 * text, site text, params jsonb): the logistic regression model of
 * precmed.train_logreg(features, label, params) over the relation's rows,
 * trained by rounds of per-site states (GROUP BY site).  NULL arguments
 * but params are 22004; bad params, an empty or one-class set, a singular
 * Hessian 22023; vectors of different lengths 2202E.
 */
PG_FUNCTION_INFO_V1(train_logreg_federated);
Datum
train_logreg_federated(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"relation", "features", "label", "site"};
	MlLrParams	lp = ML_LR_DEFAULT_PARAMS;
	FedRun		run = {0};
	char	   *probe_sql;
	int64		n,
				npos;
	int			p,
				q,
				nind;
	double	   *median,
			   *std,
			   *beta,
			   *body;
	Size		body_len;
	FedFit		fit;
	bytea	   *result;
	MemoryContext callcxt = CurrentMemoryContext;

	for (int i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			pm_error_null_argument(argnames[i]);
	pm_read_params(PG_ARGISNULL(4) ? NULL : PG_GETARG_JSONB_P(4), &ml_logreg_param_set, 0, &lp);
	fed_queries(PG_GETARG_OID(0), text_to_cstring(PG_GETARG_TEXT_PP(1)),
				text_to_cstring(PG_GETARG_TEXT_PP(2)), text_to_cstring(PG_GETARG_TEXT_PP(3)),
				&run.sql, &probe_sql);
	run.round_cxt = AllocSetContextCreate(callcxt, "federated round", ALLOCSET_DEFAULT_SIZES);

	pm_spi_connect(callcxt);
	fed_probe(&run, probe_sql, &n);
	p = run.p;
	median = palloc0(sizeof(double) * p);
	fed_medians(&run, median);
	/* the request's numbers, then room for the coefficients */
	std = palloc0(sizeof(double) * (FED_STD_STRIDE * p + 1 + 2 * p));
	nind = fed_standardize(&run, median, n, std, &npos);
	q = 1 + p + nind;
	fit = fed_newton(&run, std, q, n, npos, &lp);
	beta = std + FED_STD_STRIDE * p;

	/* the model body of logreg.c: a feature's coefficient at 3, its indicator's at 7 */
	body_len = sizeof(double) * (1 + (Size) ML_LR_STRIDE * p);
	body = palloc0(body_len);
	body[0] = beta[0];
	for (int j = 0, k = 1 + p; j < p; j++)
	{
		double	   *c = body + 1 + (Size) ML_LR_STRIDE * j;
		const double *s = std + FED_STD_STRIDE * j;

		c[0] = s[0];
		c[1] = s[1];
		c[2] = s[2];
		c[3] = beta[1 + j];
		if (s[3] != 0)
		{
			c[4] = 1.0;
			c[5] = s[4];
			c[6] = s[5];
			c[7] = beta[k++];
		}
	}
	pm_spi_finish(callcxt);
	result = ml_model_pack(ML_ALG_LOGREG, p, n, npos,
						   psprintf("{\"params\": {\"lambda\": %.17g, \"max_iter\": %d, \"tol\": %.17g}, "
									"\"iterations\": %d, \"converged\": %s, \"objective\": %.17g, "
									"\"missing_indicators\": %d, \"federated\": {\"sites\": %d, "
									"\"rounds\": %d, \"bytes_sent\": %.0f, \"bytes_received\": %.0f}}",
									lp.lambda, lp.max_iter, lp.tol, fit.iterations,
									fit.converged ? "true" : "false", fit.objective, nind,
									run.sites, run.rounds, run.bytes_sent, run.bytes_received),
						   (const char *) body, (uint32) body_len);
	MemoryContextDelete(run.round_cxt);
	PG_RETURN_BYTEA_P(result);
}
