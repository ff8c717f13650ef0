/*
 * fed_state.c: what a site computes for one round of federated training,
 * and the message format both sides share.
 *
 * The aggregate precmed_internal.logreg_fed_state(features, label, request)
 * runs on a site (pushed down by postgres_fdw with partitionwise
 * aggregation): it reads the request once, folds every row into the round's
 * sums (counts and bucket bounds for a median, sums for means and spreads,
 * loss, gradient and Hessian for a Newton step; see federated.h), and
 * returns them as a bytea state.  Rows never leave the site; only the state
 * does, whose size depends on the features, not on the rows.
 */
#include "federated/federated.h"

#include <math.h>
#include <cblas.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

/* Doubles in a request of kind for p features and q columns. */
int64
fed_request_len(FedRound kind, int p, int q)
{
	switch (kind)
	{
		case FED_ROUND_BINS:
			return 3 * (int64) p;
		case FED_ROUND_SUMS:
			return p;
		case FED_ROUND_SPREAD:
			return 2 * (int64) p;
		case FED_ROUND_NEWTON:
			return (int64) FED_STD_STRIDE * p + q;
	}
	return -1;
}

/* Doubles in a state answering a request (nactive: its active features). */
int64
fed_state_len(FedRound kind, int p, int nactive, int q)
{
	switch (kind)
	{
		case FED_ROUND_BINS:
			return 1 + (int64) FED_BINS_STRIDE * nactive;
		case FED_ROUND_SUMS:
			return 2 + 2 * (int64) p;
		case FED_ROUND_SPREAD:
			return 1 + (int64) p;
		case FED_ROUND_NEWTON:
			return 2 + (int64) q + (int64) q * (q + 1) / 2;
	}
	return -1;
}

/* A message of kind for p features (q columns) carrying nd doubles d. */
bytea *
fed_message(FedRound kind, int p, int q, const double *d, int64 nd)
{
	Size		size = VARHDRSZ + FED_HEADER_SIZE + sizeof(double) * (Size) nd;
	bytea	   *out;
	char	   *h;
	uint16		format = FED_FORMAT,
				k = (uint16) kind;

	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("federated training message too large (%zu bytes)", size),
				 errhint("Use fewer features."));
	out = palloc(size);
	SET_VARSIZE(out, size);
	h = VARDATA(out);
	memcpy(h, FED_MAGIC, 4);
	memcpy(h + 4, &format, 2);
	memcpy(h + 6, &k, 2);
	memcpy(h + 8, &p, 4);
	memcpy(h + 12, &q, 4);
	if (nd > 0)
		memcpy(h + FED_HEADER_SIZE, d, sizeof(double) * (Size) nd);
	return out;
}

/* 22P03 naming the message. */
static void
bad_message(const char *what, const char *why)
{
	pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
			 errmsg("%s is not a valid federated training message: %s", what, why),
			 errhint("Federated requests and states are made by precmed.train_logreg_federated and the site's precmed of the same version; do not pass other values."));
}

/* Check and parse a request or state (what: its name in errors). */
void
fed_parse(bytea *msg, FedMessage *out, const char *what)
{
	const char *h = VARDATA_ANY(msg);
	Size		len = VARSIZE_ANY_EXHDR(msg);
	uint16		format,
				kind;

	if (len < FED_HEADER_SIZE || memcmp(h, FED_MAGIC, 4) != 0)
		bad_message(what, "it does not start with the \"PMFD\" marker");
	memcpy(&format, h + 4, 2);
	memcpy(&kind, h + 6, 2);
	memcpy(&out->p, h + 8, 4);
	memcpy(&out->q, h + 12, 4);
	if (format != FED_FORMAT)
		bad_message(what, psprintf("its format is %u, this precmed reads %d", format, FED_FORMAT));
	if (kind < FED_ROUND_BINS || kind > FED_ROUND_NEWTON)
		bad_message(what, psprintf("its round kind is %u", kind));
	if (out->p <= 0 || out->p > FED_MAX_Q || out->q < 0 || out->q > FED_MAX_Q ||
		(kind == FED_ROUND_NEWTON) != (out->q > 0))
		bad_message(what, psprintf("it announces %d features and %d columns", out->p, out->q));
	if ((len - FED_HEADER_SIZE) % sizeof(double) != 0)
		bad_message(what, psprintf("its payload is %zu bytes, not whole numbers",
								   len - FED_HEADER_SIZE));
	out->kind = (FedRound) kind;
	out->nd = (int64) ((len - FED_HEADER_SIZE) / sizeof(double));
	out->d = palloc_extended(sizeof(double) * Max(out->nd, 1), MCXT_ALLOC_HUGE);
	memcpy(out->d, h + FED_HEADER_SIZE, sizeof(double) * out->nd);
}

/* The state of one site's round. */
typedef struct FedState
{
	FedMessage req;
	int			nactive;		/* median round: features being narrowed */
	int		   *slot;			/* median round: per feature its slot, -1 */
	uint64	   *klo;			/* median round: interval keys per feature */
	uint64	   *khi;
	double	   *acc;			/* the state's doubles */
	int64		nacc;
	double	   *x;				/* Newton round: one design row */
} FedState;

/*
 * The invariants of a round's state, checked (with --enable-cassert) at the
 * start of its transition and final functions.
 */
static inline void
AssertCheckFedState(const FedState *s)
{
#ifdef USE_ASSERT_CHECKING
	Assert(s != NULL && s->acc != NULL);
	Assert(s->req.p > 0 && s->req.nd == fed_request_len(s->req.kind, s->req.p, s->req.q));
	Assert(s->nacc == fed_state_len(s->req.kind, s->req.p, s->nactive, s->req.q));
	Assert(s->acc[0] >= 0);
	Assert((s->req.kind == FED_ROUND_BINS) == (s->slot != NULL));
	Assert((s->req.kind == FED_ROUND_NEWTON) == (s->x != NULL));
#endif
}

/* Read and check the request (kind-specific lengths and values). */
static FedState *
state_new(bytea *request, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FedState   *s = palloc0(sizeof(FedState));
	FedMessage *r = &s->req;
	int			p;

	fed_parse(request, r, "argument \"request\"");
	p = r->p;
	if (r->nd != fed_request_len(r->kind, p, r->q))
		bad_message("argument \"request\"",
					psprintf("%lld numbers, its round needs %lld", (long long) r->nd,
							 (long long) fed_request_len(r->kind, p, r->q)));
	for (int64 i = 0; i < r->nd; i++)
		if (isnan(r->d[i]) || (r->kind != FED_ROUND_BINS && !isfinite(r->d[i])))
			bad_message("argument \"request\"", "it holds a non-finite number");
	if (r->kind == FED_ROUND_BINS)
	{
		s->slot = palloc(sizeof(int) * p);
		s->klo = palloc(sizeof(uint64) * p);
		s->khi = palloc(sizeof(uint64) * p);
		for (int j = 0; j < p; j++)
		{
			const double *f = r->d + 3 * j;

			s->slot[j] = f[0] != 0 ? s->nactive++ : -1;
			if (f[0] != 0 && !(f[1] <= f[2]))
				bad_message("argument \"request\"", "a median interval is empty");
			s->klo[j] = fed_key(f[1]);
			s->khi[j] = fed_key(f[2]);
		}
	}
	if (r->kind == FED_ROUND_NEWTON)
	{
		int			nind = 0;

		for (int j = 0; j < p; j++)
		{
			const double *c = r->d + FED_STD_STRIDE * j;

			if (c[2] <= 0 || (c[3] != 0 && c[3] != 1) || (c[3] != 0 && c[5] <= 0))
				bad_message("argument \"request\"", "a scale is not positive");
			nind += c[3] != 0;
		}
		if (r->q != 1 + p + nind)
			bad_message("argument \"request\"",
						psprintf("%d columns for %d features and %d indicators", r->q, p, nind));
		s->x = palloc(sizeof(double) * r->q);
	}
	s->nacc = fed_state_len(r->kind, p, s->nactive, r->q);
	pm_check_memory((double) sizeof(double) * (s->nacc + r->nd),
					"a federated training round's state");
	s->acc = palloc_extended(sizeof(double) * s->nacc, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (r->kind == FED_ROUND_BINS)
		for (int j = 0; j < s->nactive; j++)
		{
			double	   *a = s->acc + 1 + (Size) FED_BINS_STRIDE * j;

			for (int b = 0; b < FED_BUCKETS; b++)
			{
				a[2 + 3 * b + 1] = get_float8_infinity();
				a[2 + 3 * b + 2] = -get_float8_infinity();
			}
			a[FED_BINS_STRIDE - 1] = get_float8_infinity();
		}
	MemoryContextSwitchTo(old);
	return s;
}

/* Fold a row into a median round. */
static void
fold_bins(FedState *s, const double *v)
{
	for (int j = 0; j < s->req.p; j++)
	{
		double	   *a;
		uint64		k;

		if (s->slot[j] < 0 || isnan(v[j]))
			continue;
		a = s->acc + 1 + (Size) FED_BINS_STRIDE * s->slot[j];
		a[1] += 1;
		k = fed_key(v[j]);
		if (k < s->klo[j])
			a[0] += 1;
		else if (k > s->khi[j])
			a[FED_BINS_STRIDE - 1] = Min(a[FED_BINS_STRIDE - 1], v[j]);
		else
		{
			double	   *bk = a + 2 + 3 * fed_bucket(k, s->klo[j], s->khi[j]);

			bk[0] += 1;
			bk[1] = Min(bk[1], v[j]);
			bk[2] = Max(bk[2], v[j]);
		}
	}
}

/* Fold a row (features v, label y) into a Newton round. */
static void
fold_newton(FedState *s, const double *v, double y)
{
	int			p = s->req.p,
				q = s->req.q,
				k = 1 + p;
	const double *beta = s->req.d + FED_STD_STRIDE * p;
	double	   *x = s->x;
	double		eta = 0,
				mu,
				e;

	x[0] = 1.0;
	for (int j = 0; j < p; j++)
	{
		const double *c = s->req.d + FED_STD_STRIDE * j;
		bool		miss = isnan(v[j]);

		x[1 + j] = ((miss ? c[0] : v[j]) - c[1]) / c[2];
		if (c[3] != 0)
			x[k++] = ((miss ? 1.0 : 0.0) - c[4]) / c[5];
	}
	for (int i = 0; i < q; i++)
		eta += x[i] * beta[i];
	mu = 1.0 / (1.0 + exp(-eta));
	e = eta;
	/* log(1 + exp(eta)) - y * eta without overflow, as logreg.c */
	s->acc[1] += (e > 0 ? e + log1p(exp(-e)) : log1p(exp(e))) - y * e;
	cblas_daxpy(q, mu - y, x, 1, s->acc + 2, 1);
	/* packed upper triangle, column by column */
	cblas_dspr(CblasColMajor, CblasUpper, q, mu * (1.0 - mu), x, 1, s->acc + 2 + q);
}

/*
 * logreg_fed_state_transfn(state internal, features float8[], label float8,
 * request bytea): the row folded into the round the request asks for.
 * Refuses NULL features, label or request, a label other than 0/1, a
 * vector of another length than the request's, a malformed request (22P03).
 */
PG_FUNCTION_INFO_V1(logreg_fed_state_transfn);
Datum
logreg_fed_state_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	FedState   *s;
	double	   *v;
	double		y;
	int			n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "logreg_fed_state_transfn called in non-aggregate context");
	if (PG_ARGISNULL(3))
		pm_error_null_argument("request");
	s = PG_ARGISNULL(0) ? state_new(PG_GETARG_BYTEA_PP(3), aggcxt) : (FedState *) PG_GETARG_POINTER(0);
	AssertCheckFedState(s);
	if (PG_ARGISNULL(1))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"features\" is NULL in a training row"),
				 errhint("Pass an array (its elements may be NULL for missing values), or filter such rows out."));
	if (PG_ARGISNULL(2))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"label\" is NULL in a training row"),
				 errhint("Every training row needs a label 0 or 1; filter unlabelled rows out."));
	y = PG_GETARG_FLOAT8(2);
	if (y != 0.0 && y != 1.0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"label\" is %g in a training row; labels must be 0 or 1", y),
				 errhint("Use 1 for the outcome and 0 for its absence."));
	v = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features", s->req.p, &n, false);

	s->acc[0] += 1;
	switch (s->req.kind)
	{
		case FED_ROUND_BINS:
			fold_bins(s, v);
			break;
		case FED_ROUND_SUMS:
			s->acc[1] += y;
			for (int j = 0; j < n; j++)
			{
				s->acc[2 + 2 * j] += !isnan(v[j]);
				s->acc[3 + 2 * j] += isnan(v[j]) ? s->req.d[j] : v[j];
			}
			break;
		case FED_ROUND_SPREAD:
			for (int j = 0; j < n; j++)
			{
				double		d = (isnan(v[j]) ? s->req.d[2 * j] : v[j]) - s->req.d[2 * j + 1];

				s->acc[1 + j] += d * d;
			}
			break;
		case FED_ROUND_NEWTON:
			fold_newton(s, v, y);
			break;
	}
	PG_RETURN_POINTER(s);
}

/* The round's state as bytea (NULL when the site had no rows). */
PG_FUNCTION_INFO_V1(logreg_fed_state_finalfn);
Datum
logreg_fed_state_finalfn(PG_FUNCTION_ARGS)
{
	FedState   *s;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "logreg_fed_state_finalfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (FedState *) PG_GETARG_POINTER(0);
	AssertCheckFedState(s);
	PG_RETURN_BYTEA_P(fed_message(s->req.kind, s->req.p, s->req.q, s->acc, s->nacc));
}
