/*
 * federated.h: federated training across sites (postgres_fdw shards) where
 * no row leaves its site: the per-site state aggregate and the coordinator's
 * driver of precmed.train_logreg_federated exchange requests and states as
 * bytea in the formats below.
 *
 * A request (coordinator -> site) and a state (site -> coordinator) both
 * start with a 16-byte header: "PMFD", uint16 format (1), uint16 round kind,
 * int32 number of features p, int32 q (Newton rounds' columns, else 0); then
 * doubles (counts too: exact below 2^53).  Numbers are in the server's byte
 * order: coordinator and sites must share the platform's (checked by the
 * magic's neighbours: a foreign byte order gives an impossible format).
 */
#ifndef PRECMED_FEDERATED_H
#define PRECMED_FEDERATED_H

#include "common/precmed.h"

#define FED_MAGIC "PMFD"
#define FED_FORMAT 1
#define FED_HEADER_SIZE 16

/* buckets per feature in a median round */
#define FED_BUCKETS 16

typedef enum FedRound
{
	/*
	 * Median narrowing.  Request per feature: active (0/1), lo, hi.  State:
	 * n, then per active feature: count below lo, count of non-missing values,
	 * per bucket count, min, max, then the least value above hi (+inf: none).
	 */
	FED_ROUND_BINS = 1,

	/*
	 * Sums.  Request per feature: median.  State: n, positives, per feature
	 * the non-missing count and the sum of imputed values.
	 */
	FED_ROUND_SUMS = 2,

	/*
	 * Spread.  Request per feature: median, mean.  State: n, per feature the
	 * sum of squared deviations of imputed values from the mean.
	 */
	FED_ROUND_SPREAD = 3,

	/*
	 * Newton.  Request: q, per feature median, mean, scale, has indicator,
	 * indicator mean, indicator scale, then q coefficients (the logreg column
	 * order: intercept, features, indicators).  State: n, the log loss sum,
	 * the gradient sum X'(mu - y) (q) and the upper triangle of X'WX
	 * (q (q + 1) / 2, column by column).
	 */
	FED_ROUND_NEWTON = 4
} FedRound;

/* Per-feature numbers of a Newton request. */
#define FED_STD_STRIDE 6

/* Order-preserving map of a finite double to uint64 (-0 as +0). */
static inline uint64
fed_key(double d)
{
	uint64		b;

	if (d == 0.0)
		d = 0.0;
	memcpy(&b, &d, sizeof(b));
	return (b >> 63) ? ~b : (b | UINT64CONST(0x8000000000000000));
}

/* The bucket of key k in [klo, khi] split into FED_BUCKETS equal key ranges. */
static inline int
fed_bucket(uint64 k, uint64 klo, uint64 khi)
{
	uint64		width = (khi - klo) / FED_BUCKETS + 1;

	return (int) ((k - klo) / width);
}

/* Doubles per active feature in a median round's state. */
#define FED_BINS_STRIDE (3 + 3 * FED_BUCKETS)

/* A parsed message: kind, p, q, and its doubles (a palloc'd aligned copy). */
typedef struct FedMessage
{
	FedRound	kind;
	int			p;
	int			q;
	double	   *d;
	int64		nd;
} FedMessage;

/* Check and parse a request or state (what: its name in errors, 22P03). */
extern void fed_parse(bytea *msg, FedMessage *out, const char *what);

/* A message of kind for p features (q columns) carrying nd doubles d. */
extern bytea *fed_message(FedRound kind, int p, int q, const double *d, int64 nd);

/* Doubles in a request of kind for p features and q columns. */
extern int64 fed_request_len(FedRound kind, int p, int q);

/* Doubles in a state answering a request (nactive: its active features). */
extern int64 fed_state_len(FedRound kind, int p, int nactive, int q);

/* Largest q (1 + 2p) a Newton round takes: the Hessian must fit 1 GB. */
#define FED_MAX_Q 8000

#endif							/* PRECMED_FEDERATED_H */
