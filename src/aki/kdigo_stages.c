/*
 * kdigo_stages.c: precmed.kdigo_stages, the per-measurement KDIGO staging of
 * mimic-code's MIMIC-IV concepts (kdigo_creatinine, weight_durations,
 * kdigo_uo, kdigo_stages at commit 8bcbd190), computed in one pass per
 * subject instead of the reference's self-joins and window sorts.
 *
 * Inputs are read once through cursors into compact arrays, sorted by
 * (stay or subject, time), then each subject's stays are staged and
 * smoothed together and written to the result tuplestore.
 */
#include "aki/aki.h"

#include <float.h>
#include <limits.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "portability/instr_time.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#define AKI_FETCH	10000

typedef struct AkiStay
{
	int64		stay_id;
	int64		subject_id;
	Timestamp	intime;
	Timestamp	outtime;
	int32		subject_idx;	/* index of the subject, after sorting */
} AkiStay;

/*
 * Input rows carry the index of their stay (or subject) as first field, so
 * that they can be bucketed by it in linear time.
 */
typedef struct AkiCreat
{
	int32		idx;			/* subject index */
	Timestamp	t;
	double		value;
} AkiCreat;

typedef struct AkiUrine
{
	int32		idx;			/* stay index */
	bool		ml_null;
	Timestamp	t;
	double		ml;
} AkiUrine;

typedef struct AkiWeight
{
	int32		idx;
	bool		admit;
	Timestamp	start;			/* charttime, or interval start */
	Timestamp	end;			/* interval end (prebuilt intervals only) */
	double		kg;
	int64		seq;			/* input order, to keep sorts stable */
} AkiWeight;

typedef struct AkiCrrt
{
	int32		idx;
	Timestamp	t;
} AkiCrrt;

/* Open-addressing hash of int64 ids to indexes. */
typedef struct AkiHash
{
	int64	   *keys;
	int32	   *vals;
	uint64		mask;
} AkiHash;

static inline uint64
hash_id(int64 k)
{
	uint64		h = (uint64) k;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* Name of a call's working context: aki_array finds the call's memory by it. */
#define AKI_WORK_CONTEXT "kdigo_stages"

/*
 * Every array of kdigo_stages whose size follows the input is allocated (old
 * NULL) or grown here, in CurrentMemoryContext: the one place where the
 * memory cap (precmed.max_memory_mb) applies, to all the call holds.
 */
static void *
aki_array(void *old, size_t count, size_t elsize)
{
	size_t		bytes;
	MemoryContext call = CurrentMemoryContext;

	if (elsize > 0 && count > (MaxAllocHugeSize - 1) / elsize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("kdigo_stages needs an array of %zu elements of %zu bytes", count, elsize),
				 errdetail("That is more memory than one allocation may take."),
				 errhint("Stage the stays in batches."));
	bytes = Max(count * elsize, 1);
	/* the call's working context is the nearest one of that name above */
	while (call->parent != NULL && strcmp(call->name, AKI_WORK_CONTEXT) != 0)
		call = call->parent;
	pm_check_memory((double) MemoryContextMemAllocated(call, true) + bytes,
					"kdigo_stages");
	if (old)
		return repalloc_huge(old, bytes);
	return MemoryContextAllocHuge(CurrentMemoryContext, bytes);
}

static void
hash_init(AkiHash *h, size_t n)
{
	size_t		cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	h->keys = aki_array(NULL, cap, sizeof(int64));
	h->vals = aki_array(NULL, cap, sizeof(int32));
	memset(h->vals, 0xff, cap * sizeof(int32));
	h->mask = cap - 1;
}

static inline int32
hash_get(const AkiHash *h, int64 k)
{
	uint64		i = hash_id(k) & h->mask;

	while (h->vals[i] >= 0)
	{
		if (h->keys[i] == k)
			return h->vals[i];
		i = (i + 1) & h->mask;
	}
	return -1;
}

/* Insert k -> v unless k is present; returns the value stored for k. */
static int32
hash_put(AkiHash *h, int64 k, int32 v)
{
	uint64		i = hash_id(k) & h->mask;

	while (h->vals[i] >= 0)
	{
		if (h->keys[i] == k)
			return h->vals[i];
		i = (i + 1) & h->mask;
	}
	h->keys[i] = k;
	h->vals[i] = v;
	return v;
}

/* A growable array in the work context. */
typedef struct AkiVec
{
	char	   *data;
	size_t		n;
	size_t		cap;
	size_t		elsize;
} AkiVec;

static void *
vec_push(AkiVec *v)
{
	if (v->n == v->cap)
	{
		size_t		cap = v->cap ? v->cap * 2 : 1024;

		v->data = aki_array(v->data, cap, v->elsize);
		v->cap = cap;
	}
	return v->data + v->elsize * v->n++;
}

/* One output row. */
typedef struct AkiRow
{
	int64		stay_id;
	int64		subject_id;
	Timestamp	t;
	bool		t_null;
	int64		key;			/* t - intime of the row's stay */
	bool		has_creat;
	bool		has_low7;
	bool		has_low48;
	double		creat;
	double		low7;
	double		low48;
	int			stage_creat;	/* -1: NULL */
	bool		has_rt6;
	bool		has_rt12;
	bool		has_rt24;
	double		rt6;
	double		rt12;
	double		rt24;
	int			stage_uo;		/* -1: NULL */
	int			stage_crrt;		/* -1: NULL */
	int			stage;
	int			smoothed;
} AkiRow;

/* One row of kdigo_uo (a urine time joined with one weight interval). */
typedef struct AkiUoRow
{
	Timestamp	t;
	bool		has_rt6;
	bool		has_rt12;
	bool		has_rt24;
	double		rt6;
	double		rt12;
	double		rt24;
	int			stage;
} AkiUoRow;

/* Weight interval of a stay. */
typedef struct AkiInterval
{
	Timestamp	start;
	Timestamp	end;
	double		kg;
	int64		seq;
} AkiInterval;

typedef struct AkiState
{
	AkiStage3Rule rule;
	bool		smooth_by_stay;
	bool		weight_intervals;	/* weight query gives starttime/endtime */
	AkiVec		stays;
	AkiVec		creat;
	AkiVec		urine;
	AkiVec		weight;
	AkiVec		crrt;
	AkiHash		stay_index;
	AkiHash		subject_index;
	int32		nsubjects;
	/* row ranges per stay (per subject for creatinine) after bucketing */
	size_t	   *creat_off;
	size_t	   *urine_off;
	size_t	   *weight_off;
	size_t	   *crrt_off;
	/* per-subject scratch, in scratch context */
	AkiVec		rows;
	AkiVec		uo;
	AkiVec		intervals;
	size_t		nsorted;		/* intervals in order of start (see build_intervals) */
	AkiVec		order;
	MemoryContext scratch;
	uint64		resummed;		/* urine windows summed in order */
} AkiState;

/* ---------------------------------------------------------------- input */

static Timestamp
finite_time(Datum d, const char *argname, const char *column)
{
	Timestamp	t = DatumGetTimestamp(d);

	if (TIMESTAMP_NOT_FINITE(t))
		pm_error(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
				 errmsg("column \"%s\" of argument \"%s\" is infinite", column, argname),
				 errdetail("KDIGO windows are computed from finite times."),
				 errhint("Filter infinite times out of the query."));
	return t;
}

static const PmColumn stays_spec[] = {
	{"stay_id", INT8OID, false},
	{"subject_id", INT8OID, false},
	{"intime", TIMESTAMPOID, false},
	{"outtime", TIMESTAMPOID, false},
};

static void
read_stay(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	AkiStay    *s = vec_push(&st->stays);
	Datum		d[4];
	bool		isnull;

	for (int c = 0; c < 4; c++)
	{
		d[c] = pm_row_value(in, values, nulls, c, &isnull);
		if (isnull)
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("column \"%s\" of argument \"stays\" is NULL", stays_spec[c].name),
					 errdetail("Every stay needs stay_id, subject_id, intime and outtime."),
					 c == 3 ? errhint("For a stay still in progress, pass the current time or the last charted time as outtime.")
					 : errhint("Filter such rows out of the stays query."));
	}
	s->stay_id = DatumGetInt64(d[0]);
	s->subject_id = DatumGetInt64(d[1]);
	s->intime = finite_time(d[2], "stays", "intime");
	s->outtime = finite_time(d[3], "stays", "outtime");
}

static const PmColumn creat_spec[] = {
	{"subject_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"value_mg_dl", FLOAT8OID, false},
};

static void
read_creat(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	bool		n0,
				n1,
				n2;
	Datum		subject = pm_row_value(in, values, nulls, 0, &n0);
	Datum		t = pm_row_value(in, values, nulls, 1, &n1);
	Datum		v = pm_row_value(in, values, nulls, 2, &n2);
	double		value;
	int32		idx;
	AkiCreat   *c;

	/* the reference keeps non-null values <= 150 mg/dL (NaN sorts above) */
	if (n0 || n1 || n2)
		return;
	value = DatumGetFloat8(v);
	if (isnan(value) || !(value <= 150))
		return;
	idx = hash_get(&st->subject_index, DatumGetInt64(subject));
	if (idx < 0)
		return;					/* no stay of this subject */
	c = vec_push(&st->creat);
	c->idx = idx;
	c->t = finite_time(t, "creatinine", "charttime");
	c->value = value;
}

static const PmColumn urine_spec[] = {
	{"stay_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"ml", FLOAT8OID, false},
};

static void
read_urine(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	bool		n0,
				n1,
				n2;
	Datum		stay = pm_row_value(in, values, nulls, 0, &n0);
	Datum		t = pm_row_value(in, values, nulls, 1, &n1);
	Datum		v = pm_row_value(in, values, nulls, 2, &n2);
	AkiUrine   *u;
	int32		idx;

	if (n0 || n1)
		return;
	idx = hash_get(&st->stay_index, DatumGetInt64(stay));
	if (idx < 0)
		return;
	u = vec_push(&st->urine);
	u->idx = idx;
	u->t = finite_time(t, "urine_output", "charttime");
	u->ml_null = n2;
	u->ml = n2 ? 0 : DatumGetFloat8(v);
	if (!n2 && (isnan(u->ml) || isinf(u->ml)))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("urine_output of stay %lld at %s is %g mL",
						(long long) DatumGetInt64(stay), DatumGetCString(DirectFunctionCall1(timestamp_out, TimestampGetDatum(u->t))), u->ml),
				 errdetail("Urine volumes must be finite numbers."),
				 errhint("Filter or correct the row in the urine_output query."));
}

/* weight: charttime/weight_type (raw weights) or starttime/endtime */
static const PmColumn weight_spec[] = {
	{"stay_id", INT8OID, false},
	{"kg", FLOAT8OID, false},
	{"charttime", TIMESTAMPOID, true},
	{"weight_type", TEXTOID, true},
	{"starttime", TIMESTAMPOID, true},
	{"endtime", TIMESTAMPOID, true},
};

static void
read_weight(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	bool		n0,
				n1,
				n2,
				n3;
	Datum		stay = pm_row_value(in, values, nulls, 0, &n0);
	Datum		kgd = pm_row_value(in, values, nulls, 1, &n1);
	double		kg;
	AkiWeight  *w;
	int32		idx;

	if (n0 || n1)
		return;
	idx = hash_get(&st->stay_index, DatumGetInt64(stay));
	kg = DatumGetFloat8(kgd);
	if (st->weight_intervals)
	{
		Datum		s = pm_row_value(in, values, nulls, 4, &n2);
		Datum		e = pm_row_value(in, values, nulls, 5, &n3);

		/* a zero or negative weight would divide by zero or flip signs */
		if (idx < 0 || n2 || n3 || isnan(kg) || !(kg > 0) || isinf(kg))
			return;
		w = vec_push(&st->weight);
		w->start = finite_time(s, "weight", "starttime");
		w->end = finite_time(e, "weight", "endtime");
		w->kg = kg;
		w->admit = false;
	}
	else
	{
		Datum		t = pm_row_value(in, values, nulls, 2, &n2);
		Datum		type = pm_row_value(in, values, nulls, 3, &n3);
		bool		admit = false;

		if (!n3 || in->attno[3] != 0)
		{
			text	   *tt = n3 ? NULL : DatumGetTextPP(type);

			if (tt && VARSIZE_ANY_EXHDR(tt) == 5 && memcmp(VARDATA_ANY(tt), "admit", 5) == 0)
				admit = true;
			else if (tt && VARSIZE_ANY_EXHDR(tt) == 5 && memcmp(VARDATA_ANY(tt), "daily", 5) == 0)
				admit = false;
			else
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("weight_type of stay %lld is %s",
								(long long) DatumGetInt64(stay),
								tt ? quote_literal_cstr(text_to_cstring(tt)) : "NULL"),
						 errdetail("weight_type must be 'admit' (admission weight) or 'daily' (a later charted weight)."),
						 errhint("Map the source's weight items to 'admit' or 'daily' in the weight query."));
		}
		if (n2 || idx < 0)
			return;
		/* weight_durations keeps 0 < weight < 1500, rounded to 3 decimals */
		if (isnan(kg) || !(kg > 0 && kg < 1500))
			return;
		kg = aki_round_numeric(kg, 3);
		if (!(kg > 0))
			return;
		w = vec_push(&st->weight);
		w->start = finite_time(t, "weight", "charttime");
		w->end = 0;
		w->kg = kg;
		w->admit = admit;
	}
	w->idx = idx;
	w->seq = st->weight.n;
}

static const PmColumn crrt_spec[] = {
	{"stay_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"crrt_mode", TEXTOID, true},
};

static void
read_crrt(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	bool		n0,
				n1,
				n2;
	Datum		stay = pm_row_value(in, values, nulls, 0, &n0);
	Datum		t = pm_row_value(in, values, nulls, 1, &n1);
	AkiCrrt    *c;
	int32		idx;

	(void) pm_row_value(in, values, nulls, 2, &n2);
	/* a present but NULL crrt_mode is not CRRT, as in the reference */
	if (n0 || n1 || (n2 && in->attno[2] != 0))
		return;
	idx = hash_get(&st->stay_index, DatumGetInt64(stay));
	if (idx < 0)
		return;
	c = vec_push(&st->crrt);
	c->idx = idx;
	c->t = finite_time(t, "crrt", "charttime");
}

/* ---------------------------------------------------------------- sorting */

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int
cmp_stay(const void *a, const void *b)
{
	const AkiStay *x = a,
			   *y = b;
	int			c = CMP(x->subject_id, y->subject_id);

	CHECK_FOR_INTERRUPTS();
	return c ? c : CMP(x->stay_id, y->stay_id);
}

static int
cmp_creat(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return CMP(((const AkiCreat *) a)->t, ((const AkiCreat *) b)->t);
}

static int
cmp_urine(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return CMP(((const AkiUrine *) a)->t, ((const AkiUrine *) b)->t);
}

static int
cmp_weight(const void *a, const void *b)
{
	const AkiWeight *x = a,
			   *y = b;
	int			c = CMP(x->start, y->start);

	CHECK_FOR_INTERRUPTS();
	return c ? c : CMP(x->seq, y->seq);
}

static int
cmp_crrt(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return CMP(((const AkiCrrt *) a)->t, ((const AkiCrrt *) b)->t);
}

/*
 * Reorder v by the int32 index each element starts with (a counting sort, in
 * input order within an index), then sort each index's rows with cmp unless
 * they already are in order, as they usually are.  Returns the offsets of
 * the nidx ranges (nidx + 1 entries).
 */
static size_t *
bucket_rows(AkiVec *v, int32 nidx, int (*cmp) (const void *, const void *))
{
	size_t	   *off = aki_array(NULL, (size_t) nidx + 1, sizeof(size_t));
	size_t	   *pos;
	char	   *out;

	memset(off, 0, ((size_t) nidx + 1) * sizeof(size_t));
	for (size_t i = 0; i < v->n; i++)
	{
		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		off[*(int32 *) (v->data + i * v->elsize) + 1]++;
	}
	for (int32 k = 0; k < nidx; k++)
		off[k + 1] += off[k];
	if (v->n == 0)
		return off;
	pos = aki_array(NULL, nidx, sizeof(size_t));
	memcpy(pos, off, nidx * sizeof(size_t));
	out = aki_array(NULL, v->n, v->elsize);
	for (size_t i = 0; i < v->n; i++)
	{
		char	   *e = v->data + i * v->elsize;

		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		memcpy(out + pos[*(int32 *) e]++ * v->elsize, e, v->elsize);
	}
	pfree(pos);
	pfree(v->data);
	v->data = out;
	v->cap = v->n;
	for (int32 k = 0; k < nidx; k++)
	{
		char	   *base = v->data + off[k] * v->elsize;
		size_t		n = off[k + 1] - off[k];

		for (size_t i = 1; i < n; i++)
			if (cmp(base + (i - 1) * v->elsize, base + i * v->elsize) > 0)
			{
				qsort(base, n, v->elsize, cmp);
				break;
			}
		if ((k & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return off;
}

static int
cmp_interval(const void *a, const void *b)
{
	const AkiInterval *x = a,
			   *y = b;
	int			c = CMP(x->start, y->start);

	CHECK_FOR_INTERRUPTS();
	return c ? c : CMP(x->seq, y->seq);
}

/* ---------------------------------------------------------------- staging */

static AkiRow *
new_row(AkiState *st, const AkiStay *s)
{
	AkiRow	   *r = vec_push(&st->rows);

	memset(r, 0, sizeof(AkiRow));
	r->stay_id = s->stay_id;
	r->subject_id = s->subject_id;
	r->stage_creat = -1;
	r->stage_uo = -1;
	r->stage_crrt = -1;
	return r;
}

/*
 * weight_durations of one stay from its charted weights.  Sets
 * st->nsorted: the first nsorted intervals are in order of start; a
 * carried-back interval, when there is one, follows them.
 */
static void
build_intervals(AkiState *st, const AkiStay *s, AkiWeight *w, size_t n)
{
	AkiInterval *iv;
	Timestamp	first_admit = 0;
	int64		first_admit_seq = -1;
	size_t		base = st->intervals.n;

	st->nsorted = n;
	if (st->weight_intervals)
	{
		/* already in order of (start, seq): bucket_rows sorted them */
		for (size_t i = 0; i < n; i++)
		{
			iv = vec_push(&st->intervals);
			iv->start = w[i].start;
			iv->end = w[i].end;
			iv->kg = w[i].kg;
			iv->seq = w[i].seq;
		}
		return;
	}
	if (n == 0)
		return;

	/* the first admit weight (by charttime) starts at intime - 2 h */
	for (size_t i = 0; i < n; i++)
		if (w[i].admit && (first_admit_seq < 0 || w[i].start < first_admit))
		{
			first_admit = w[i].start;
			first_admit_seq = w[i].seq;
		}
	for (size_t i = 0; i < n; i++)
	{
		iv = vec_push(&st->intervals);
		iv->start = (w[i].seq == first_admit_seq) ? s->intime - 2 * AKI_HOUR_US : w[i].start;
		iv->kg = w[i].kg;
		iv->seq = w[i].seq;
	}
	iv = (AkiInterval *) st->intervals.data + base;
	qsort(iv, n, sizeof(AkiInterval), cmp_interval);
	for (size_t i = 0; i < n; i++)
		iv[i].end = (i + 1 < n) ? iv[i + 1].start : s->outtime + 2 * AKI_HOUR_US;
	/* carry the first weight back to intime - 2 h when it starts later */
	if (s->intime < iv[0].start)
	{
		AkiInterval first = iv[0];

		iv = vec_push(&st->intervals);
		iv->start = s->intime - 2 * AKI_HOUR_US;
		iv->end = first.start;
		iv->kg = first.kg;
		iv->seq = -1;
	}
}

/*
 * Urine volumes of one stay, for exact sliding window sums.
 *
 * The reference sums a window's volumes in float8, oldest first (PostgreSQL
 * restarts sum(float8) at each new frame head), which costs the length of
 * the window per row.  Here each volume is also held as an integer multiple
 * of 2^lo in an int128, so a window's exact sum and exact sum of magnitudes
 * slide in O(1) per row.  When the magnitudes sum to less than 2^53 units
 * of 2^lo, every partial sum of the in-order float8 summation is exact and
 * that summation gives the exact sum; otherwise it lies within a bound of
 * it (recursive summation errs by at most (n-1) * 2^-53 * sum |x|), and the
 * window is summed in order only when the rounded rates at both ends of
 * that bound differ (the rate is monotone in the volume).
 */
#ifdef HAVE_INT128
typedef int128 AkiSum;
#else
typedef int64 AkiSum;			/* unused: without int128 no volume is scaled */
#endif

typedef struct AkiVolumes
{
	const double *ml;
	const bool *mlnull;
	AkiSum	   *x;				/* volume / 2^lo, truncated toward zero */
	int			lo;
	bool		scaled;			/* x is usable */
	bool		truncated;		/* some volume has bits below 2^lo */
	uint64		resummed;		/* windows summed in order */
} AkiVolumes;

/* One window (6, 12 or 24 h) sliding over the stay's urine times. */
typedef struct AkiUoWindow
{
	size_t		start;			/* oldest row in the window */
	AkiSum		sum;			/* sum of x in the window */
	AkiSum		abs;			/* sum of |x| */
	size_t		count;			/* non-NULL volumes in the window */
	/* the window's float8 volume at the current row */
	double		vol;			/* exact, or the centre of [vol - err, vol + err] */
	double		err;
	bool		exact;
	bool		known;			/* vol is the in-order sum */
	size_t		end;
} AkiUoWindow;

#define AKI_INT128_BITS 125		/* headroom of the window sums */

/*
 * Choose the scale 2^lo of a stay's volumes so that m of them sum in an
 * int128, and scale them.  lo is the lowest set bit of any volume unless
 * the range of magnitudes is too wide; then the volumes are cut below 2^lo
 * and the cut is added to the error bound.  Volumes near the float8 limit
 * (where an in-order sum could overflow) are not scaled: their windows are
 * summed in order.
 */
static void
scale_volumes(AkiVolumes *v, size_t m)
{
	int			top = INT_MIN;
	int			low = INT_MAX;
	int			bits = 1;

	v->scaled = false;
	v->truncated = false;
	v->lo = 0;
	v->x = aki_array(NULL, m, sizeof(AkiSum));
	while (bits < 64 && ((uint64) 1 << bits) <= (uint64) m)
		bits++;
	for (size_t j = 0; j < m; j++)
	{
		int			e;
		uint64		mant;

		if (v->mlnull[j] || v->ml[j] == 0)
			continue;
		/* |x| = mant * 2^(e - 53), 2^52 <= mant < 2^53 */
		mant = (uint64) ldexp(frexp(fabs(v->ml[j]), &e), 53);
		top = Max(top, e);
		low = Min(low, e - 53 + pg_rightmost_one_pos64(mant));
	}
	if (top == INT_MIN)
	{
		/* no volume but zeros: every sum is exactly 0 */
		memset(v->x, 0, m * sizeof(AkiSum));
		v->scaled = true;
		return;
	}
#ifndef HAVE_INT128
	return;
#endif
	/* |partial sums| < m * 2^top <= 2^(top + bits); float8 overflows at 2^1024 */
	if (top + bits > 1020)
		return;
	v->lo = Max(low, top + bits - AKI_INT128_BITS);
	v->truncated = v->lo > low;
	for (size_t j = 0; j < m; j++)
	{
		int			e;
		uint64		mant;
		int			shift;
		AkiSum		x = 0;

		if (!v->mlnull[j] && v->ml[j] != 0)
		{
			mant = (uint64) ldexp(frexp(fabs(v->ml[j]), &e), 53);
			shift = e - 53 - v->lo;
			if (shift >= 0)
				x = (AkiSum) mant << shift;
			else if (shift > -64)
				x = (AkiSum) (mant >> -shift);
			if (v->ml[j] < 0)
				x = -x;
		}
		v->x[j] = x;
	}
	v->scaled = true;
}

/* The in-order float8 sum of the non-NULL volumes of rows [from, to]. */
static double
sum_in_order(const AkiVolumes *v, size_t from, size_t to)
{
	double		sum = 0;
	bool		any = false;

	for (size_t j = from; j <= to; j++)
	{
		if (((j - from) & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (!v->mlnull[j])
		{
			sum = any ? sum + v->ml[j] : v->ml[j];
			any = true;
		}
	}
	return sum;
}

/* The window's volume at row i, exactly or within an error bound. */
static void
window_volume(const AkiVolumes *v, AkiUoWindow *w, size_t i)
{
	double		n = (double) w->count;
	double		cut;

	w->end = i;
	w->known = false;
	w->exact = false;
	if (!v->scaled)
		return;
	if (!v->truncated && w->abs < ((AkiSum) 1 << 53))
	{
		/* every partial sum is a multiple of 2^lo below 2^(53 + lo) */
		w->vol = ldexp((double) (int64) w->sum, v->lo);
		w->exact = true;
		return;
	}
	w->vol = ldexp((double) w->sum, v->lo);
	cut = v->truncated ? ldexp(n, v->lo) : 0;
	/* doubled to absorb the rounding of this computation */
	w->err = 2 * (n * ldexp(1.0, -52) * (ldexp((double) w->abs, v->lo) * 1.001 + cut)
				  + cut + ldexp(fabs(w->vol), -52) + DBL_TRUE_MIN);
}

/*
 * The rounded rate of window w for weight kg and documented hours tm, as
 * aki_uo_rate(in-order sum, kg, tm) gives it.
 */
static double
window_rate(AkiVolumes *v, AkiUoWindow *w, double kg, double tm)
{
	if (w->exact || w->known)
		return aki_uo_rate(w->vol, kg, tm);
	if (v->scaled)
	{
		double		a = aki_uo_rate(w->vol - w->err, kg, tm);
		double		b = aki_uo_rate(w->vol + w->err, kg, tm);

		if (a == b)
			return a;
	}
	w->vol = sum_in_order(v, w->start, w->end);
	w->known = true;
	v->resummed++;
	return aki_uo_rate(w->vol, kg, tm);
}

/* One kdigo_uo row: urine time t joined with a weight of kg (0: none). */
static void
push_uo_row(AkiState *st, AkiVolumes *vols, AkiUoWindow *win, const double *tm,
			Timestamp t, bool early, double kg)
{
	AkiUoRow   *r = vec_push(&st->uo);

	r->t = t;
	r->has_rt6 = kg > 0 && win[0].count > 0 && tm[0] >= 6 && tm[0] < 12;
	r->has_rt12 = kg > 0 && win[1].count > 0 && tm[1] >= 12;
	r->has_rt24 = kg > 0 && win[2].count > 0 && tm[2] >= 24;
	r->rt6 = r->has_rt6 ? window_rate(vols, &win[0], kg, tm[0]) : 0;
	r->rt12 = r->has_rt12 ? window_rate(vols, &win[1], kg, tm[1]) : 0;
	r->rt24 = r->has_rt24 ? window_rate(vols, &win[2], kg, tm[2]) : 0;
	r->stage = aki_uo_stage(early, r->has_rt6, r->rt6, tm[0],
							r->has_rt12, r->rt12, tm[1],
							r->has_rt24, r->rt24, tm[2]);
}

/*
 * kdigo_uo rows of one stay, into st->uo (ordered by time), in O(n) plus
 * the rows of the weight join: the three windows slide over the stay's
 * times, and the weight intervals holding a time are found through a list
 * of the intervals that have started and not yet ended.
 */
static void
stage_urine(AkiState *st, const AkiStay *s, AkiUrine *u, size_t n)
{
	static const int hours[3] = {6, 12, 24};
	Timestamp  *t;
	double	   *ml;
	bool	   *mlnull;
	int64	   *gap;
	size_t		m = 0;
	AkiVolumes	vols;
	AkiUoWindow win[3];
	AkiInterval *iv = (AkiInterval *) st->intervals.data;
	size_t		niv = st->intervals.n;
	size_t		nsorted = st->nsorted;
	size_t	   *next;			/* active intervals, a list in index order */
	size_t		head = SIZE_MAX,
				tail = SIZE_MAX;
	size_t		added = 0;		/* intervals [0, added) have started */

	if (n == 0)
		return;
	t = aki_array(NULL, n, sizeof(Timestamp));
	ml = aki_array(NULL, n, sizeof(double));
	mlnull = aki_array(NULL, n, sizeof(bool));
	gap = aki_array(NULL, n, sizeof(int64));
	next = aki_array(NULL, nsorted, sizeof(size_t));

	/* urine_output: one row per charttime, volumes summed (NULLs ignored) */
	for (size_t i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (m > 0 && t[m - 1] == u[i].t)
		{
			if (!u[i].ml_null)
			{
				ml[m - 1] = mlnull[m - 1] ? u[i].ml : ml[m - 1] + u[i].ml;
				mlnull[m - 1] = false;
			}
			continue;
		}
		t[m] = u[i].t;
		ml[m] = u[i].ml;
		mlnull[m] = u[i].ml_null;
		gap[m] = m == 0 ? AKI_HOUR_US : u[i].t - t[m - 1];
		m++;
	}

	vols.ml = ml;
	vols.mlnull = mlnull;
	vols.resummed = 0;
	scale_volumes(&vols, m);
	memset(win, 0, sizeof(win));

	for (size_t i = 0; i < m; i++)
	{
		double		tm[3];
		bool		early = t[i] <= s->intime + 6 * AKI_HOUR_US;
		bool		matched = false;
		size_t		prev = SIZE_MAX;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < 3; k++)
		{
			AkiUoWindow *w = &win[k];
			Timestamp	lo = t[i] - hours[k] * AKI_HOUR_US;

			/* the window holds the rows with time in [t - X h, t] */
			if (!mlnull[i])
			{
				w->sum += vols.x[i];
				w->abs += vols.x[i] < 0 ? -vols.x[i] : vols.x[i];
				w->count++;
			}
			while (t[w->start] < lo)
			{
				if (!mlnull[w->start])
				{
					w->sum -= vols.x[w->start];
					w->abs -= vols.x[w->start] < 0 ? -vols.x[w->start] : vols.x[w->start];
					w->count--;
				}
				w->start++;
			}
			/* hours documented: the gaps of rows start..i, telescoped */
			tm[k] = aki_hours_rounded(gap[w->start] + (t[i] - t[w->start]));
			window_volume(&vols, w, i);
		}

		/* intervals that have started by t[i] join the list, in index order */
		for (; added < nsorted && iv[added].start <= t[i]; added++)
		{
			next[added] = SIZE_MAX;
			if (tail == SIZE_MAX)
				head = added;
			else
				next[tail] = added;
			tail = added;
		}

		/*
		 * Left join of weight intervals with start <= t < end, in index
		 * order.  Listed intervals that have ended leave the list for good,
		 * as the times only increase; the carried-back interval is last.
		 */
		for (size_t k = head; k != SIZE_MAX;)
		{
			size_t		after = next[k];

			if (iv[k].end <= t[i])
			{
				if (prev == SIZE_MAX)
					head = after;
				else
					next[prev] = after;
				if (tail == k)
					tail = prev;
			}
			else
			{
				push_uo_row(st, &vols, win, tm, t[i], early, iv[k].kg);
				matched = true;
				prev = k;
			}
			k = after;
		}
		if (nsorted < niv && iv[nsorted].start <= t[i] && t[i] < iv[nsorted].end)
		{
			push_uo_row(st, &vols, win, tm, t[i], early, iv[nsorted].kg);
			matched = true;
		}
		if (!matched)
			push_uo_row(st, &vols, win, tm, t[i], early, 0);	/* rates NULL */
	}
	st->resummed += vols.resummed;
}

/* All rows of one stay, appended to st->rows. */
static void
stage_stay(AkiState *st, const AkiStay *s, int32 si)
{
	AkiCreat   *call = (AkiCreat *) st->creat.data;
	AkiUrine   *uall = (AkiUrine *) st->urine.data;
	AkiWeight  *wall = (AkiWeight *) st->weight.data;
	AkiCrrt    *rall = (AkiCrrt *) st->crrt.data;
	size_t		c0,
				u0,
				u1,
				w0,
				w1,
				r0,
				r1;
	Timestamp  *ct;
	double	   *cv;
	size_t		nc = 0;
	Timestamp  *rt;
	size_t		nr = 0;
	AkiUoRow   *uo;
	size_t		nu;
	size_t		ci = 0,
				ui = 0,
				ri = 0;
	size_t	   *dq7,
			   *dq48;
	size_t		h7 = 0,
				t7 = 0,
				h48 = 0,
				t48 = 0;

	st->uo.n = 0;
	st->intervals.n = 0;

	/* kdigo_creatinine: the subject's labs in [intime - 7 days, outtime] */
	{
		Timestamp	lo = s->intime - 7 * AKI_DAY_US;
		size_t		i;

		size_t		end = st->creat_off[s->subject_idx + 1];

		/* skip to the first time >= lo */
		{
			size_t		a = st->creat_off[s->subject_idx],
						b = end;

			while (a < b)
			{
				size_t		mid = a + (b - a) / 2;

				if (call[mid].t < lo)
					a = mid + 1;
				else
					b = mid;
			}
			c0 = a;
		}
		i = c0;
		while (i < end && call[i].t <= s->outtime)
			i++;
		ct = aki_array(NULL, i - c0, sizeof(Timestamp));
		cv = aki_array(NULL, i - c0, sizeof(double));
		for (size_t j = c0; j < i;)
		{
			/* several results at one time are averaged */
			size_t		k = j;
			double		sum = 0;

			if ((nc & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();

			while (k < i && call[k].t == call[j].t)
				sum += call[k++].value;
			ct[nc] = call[j].t;
			cv[nc++] = sum / (double) (k - j);
			j = k;
		}
	}

	/* weight intervals and kdigo_uo */
	w0 = st->weight_off[si];
	w1 = st->weight_off[si + 1];
	build_intervals(st, s, wall + w0, w1 - w0);
	u0 = st->urine_off[si];
	u1 = st->urine_off[si + 1];
	stage_urine(st, s, uall + u0, u1 - u0);
	uo = (AkiUoRow *) st->uo.data;
	nu = st->uo.n;

	/* CRRT times, once each */
	r0 = st->crrt_off[si];
	r1 = st->crrt_off[si + 1];
	rt = aki_array(NULL, r1 - r0, sizeof(Timestamp));
	for (size_t j = r0; j < r1; j++)
		if (nr == 0 || rt[nr - 1] != rall[j].t)
			rt[nr++] = rall[j].t;

	/*
	 * Sliding minima of the earlier creatinine values in the past 7 days
	 * and 48 hours: deques of indexes whose values increase from the front,
	 * so the front is the minimum (the latest of equal values, as a scan
	 * from the latest value that keeps strictly lower ones picks).
	 */
	dq7 = aki_array(NULL, nc, sizeof(size_t));
	dq48 = aki_array(NULL, nc, sizeof(size_t));

	/* the grid: distinct times of creatinine, urine and CRRT rows */
	for (;;)
	{
		Timestamp	t = 0;
		bool		have = false;
		bool		at_c,
					at_r;
		size_t		k;

		if (ci < nc)
		{
			t = ct[ci];
			have = true;
		}
		if (ui < nu && (!have || uo[ui].t < t))
		{
			t = uo[ui].t;
			have = true;
		}
		if (ri < nr && (!have || rt[ri] < t))
		{
			t = rt[ri];
			have = true;
		}
		if (!have)
			break;
		CHECK_FOR_INTERRUPTS();
		at_c = ci < nc && ct[ci] == t;
		at_r = ri < nr && rt[ri] == t;
		if (at_c)
		{
			if (ci > 0)
			{
				/* value ci - 1 enters both windows */
				while (t7 > h7 && cv[dq7[t7 - 1]] >= cv[ci - 1])
					t7--;
				dq7[t7++] = ci - 1;
				while (t48 > h48 && cv[dq48[t48 - 1]] >= cv[ci - 1])
					t48--;
				dq48[t48++] = ci - 1;
			}
			while (h7 < t7 && ct[dq7[h7]] < t - 7 * AKI_DAY_US)
				h7++;
			while (h48 < t48 && ct[dq48[h48]] < t - 48 * AKI_HOUR_US)
				h48++;
		}
		k = ui;
		do
		{
			AkiRow	   *r = new_row(st, s);
			int			stage = 0;

			r->t = t;
			r->key = t - s->intime;
			if (at_c)
			{
				/* minima of the earlier rows in [t - 48 h, t) and [t - 7 d, t) */
				r->has_creat = true;
				r->creat = cv[ci];
				r->has_low7 = h7 < t7;
				r->low7 = r->has_low7 ? cv[dq7[h7]] : 0;
				r->has_low48 = h48 < t48;
				r->low48 = r->has_low48 ? cv[dq48[h48]] : 0;
				r->stage_creat = aki_creat_stage(r->creat, r->has_low7, r->low7,
												 r->has_low48, r->low48, st->rule);
				stage = Max(stage, r->stage_creat);
			}
			if (k < nu && uo[k].t == t)
			{
				r->has_rt6 = uo[k].has_rt6;
				r->has_rt12 = uo[k].has_rt12;
				r->has_rt24 = uo[k].has_rt24;
				r->rt6 = uo[k].rt6;
				r->rt12 = uo[k].rt12;
				r->rt24 = uo[k].rt24;
				r->stage_uo = uo[k].stage;
				stage = Max(stage, r->stage_uo);
				k++;
			}
			if (at_r)
			{
				r->stage_crrt = 3;
				stage = 3;
			}
			r->stage = stage;
		} while (k < nu && uo[k].t == t);
		ui = k;
		if (at_c)
			ci++;
		if (at_r)
			ri++;
	}

	/* a stay without creatinine keeps the NULL-time row of the left join */
	if (nc == 0)
	{
		AkiRow	   *r = new_row(st, s);

		r->t_null = true;
		r->stage = 0;
	}
}

static int
cmp_row_key(const void *a, const void *b, void *arg)
{
	const AkiRow *rows = arg;
	const AkiRow *x = &rows[*(const size_t *) a];
	const AkiRow *y = &rows[*(const size_t *) b];

	CHECK_FOR_INTERRUPTS();
	if (x->t_null != y->t_null)
		return x->t_null ? 1 : -1;
	if (x->t_null)
		return 0;
	return CMP(x->key, y->key);
}

/*
 * aki_stage_smoothed: max of aki_stage over rows of the partition whose key
 * (seconds since their own stay's intime) is in [key - 6 h, key], peers
 * included; NULL keys form one peer group.  The window slides over the rows
 * in key order, counting the rows of each stage it holds.
 */
static void
smooth(AkiRow *rows, size_t *idx, size_t n)
{
	size_t		lo = 0,
				hi = 0;			/* the window is rows [lo, hi) */
	size_t		count[4] = {0, 0, 0, 0};

	qsort_arg(idx, n, sizeof(size_t), cmp_row_key, rows);
	for (size_t i = 0; i < n; i++)
	{
		AkiRow	   *r = &rows[idx[i]];
		int			best = 0;

		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (r->t_null)
		{
			for (size_t j = i; j < n; j++)
				best = Max(best, rows[idx[j]].stage);
			for (size_t j = i; j < n; j++)
				rows[idx[j]].smoothed = best;
			return;
		}
		while (hi <= i || (hi < n && !rows[idx[hi]].t_null && rows[idx[hi]].key == r->key))
		{
			Assert(rows[idx[hi]].stage >= 0 && rows[idx[hi]].stage <= 3);
			count[rows[idx[hi++]].stage]++;
		}
		while (rows[idx[lo]].key < r->key - 6 * AKI_HOUR_US)
			count[rows[idx[lo++]].stage]--;
		for (best = 3; best > 0 && count[best] == 0; best--)
			;
		r->smoothed = best;
	}
}

static instr_time aki_emit_time;

static void
emit_rows(ReturnSetInfo *rsinfo, AkiRow *rows, size_t n)
{
	instr_time	t0,
				t1;

	INSTR_TIME_SET_CURRENT(t0);
	for (size_t i = 0; i < n; i++)
	{
		AkiRow	   *r = &rows[i];
		Datum		v[14];
		bool		nulls[14];

		if ((i & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
		memset(nulls, 0, sizeof(nulls));
		v[0] = Int64GetDatum(r->subject_id);
		v[1] = Int64GetDatum(r->stay_id);
		v[2] = TimestampGetDatum(r->t);
		nulls[2] = r->t_null;
		v[3] = Float8GetDatum(r->low7);
		nulls[3] = !r->has_low7;
		v[4] = Float8GetDatum(r->low48);
		nulls[4] = !r->has_low48;
		v[5] = Float8GetDatum(r->creat);
		nulls[5] = !r->has_creat;
		v[6] = Int32GetDatum(r->stage_creat);
		nulls[6] = r->stage_creat < 0;
		v[7] = Float8GetDatum(r->rt6);
		nulls[7] = !r->has_rt6;
		v[8] = Float8GetDatum(r->rt12);
		nulls[8] = !r->has_rt12;
		v[9] = Float8GetDatum(r->rt24);
		nulls[9] = !r->has_rt24;
		v[10] = Int32GetDatum(r->stage_uo);
		nulls[10] = r->stage_uo < 0;
		v[11] = Int32GetDatum(r->stage_crrt);
		nulls[11] = r->stage_crrt < 0;
		v[12] = Int32GetDatum(r->stage);
		v[13] = Int32GetDatum(r->smoothed);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	INSTR_TIME_SET_CURRENT(t1);
	INSTR_TIME_ACCUM_DIFF(aki_emit_time, t1, t0);
}

static void
smooth_and_emit(AkiState *st, ReturnSetInfo *rsinfo)
{
	AkiRow	   *rows = (AkiRow *) st->rows.data;
	size_t		n = st->rows.n;
	size_t	   *idx;
	size_t		start = 0;

	if (n == 0)
		return;
	idx = aki_array(NULL, n, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (!st->smooth_by_stay)
		smooth(rows, idx, n);
	else
		for (size_t i = 1; i <= n; i++)
			if (i == n || rows[i].stay_id != rows[start].stay_id)
			{
				smooth(rows, idx + start, i - start);
				start = i;
			}
	emit_rows(rsinfo, rows, st->rows.n);
}

/*
 * Sort the stays by subject and stay, reject duplicate stay_ids, and build
 * the stay_id and subject_id indexes the other inputs are bucketed by.
 */
static void
index_stays(AkiState *st, MemoryContext work)
{
	MemoryContext old = MemoryContextSwitchTo(work);
	AkiStay    *stays = (AkiStay *) st->stays.data;
	size_t		n = st->stays.n;

	if (n > PG_INT32_MAX / 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%zu stays are more than kdigo_stages handles in one call", n),
				 errhint("Stage the stays in batches."));
	if (n > 0)
		qsort(stays, n, sizeof(AkiStay), cmp_stay);
	hash_init(&st->stay_index, n);
	hash_init(&st->subject_index, n);
	st->nsubjects = 0;
	for (size_t i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (hash_put(&st->stay_index, stays[i].stay_id, (int32) i) != (int32) i)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("stay_id %lld appears more than once in stays",
							(long long) stays[i].stay_id),
					 errdetail("Each stay is one row of the stays query."),
					 errhint("Remove duplicate stays, e.g. with SELECT DISTINCT."));
		if (i == 0 || stays[i].subject_id != stays[i - 1].subject_id)
			hash_put(&st->subject_index, stays[i].subject_id, st->nsubjects++);
		stays[i].subject_idx = st->nsubjects - 1;
	}
	MemoryContextSwitchTo(old);
}

PG_FUNCTION_INFO_V1(kdigo_stages);
Datum
kdigo_stages(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AkiState	st;
	MemoryContext work;
	MemoryContext old;
	char	   *q_stays,
			   *q_creat,
			   *q_urine,
			   *q_weight,
			   *q_crrt;
	char	   *smooth_by;
	PmQueryInput *in;
	AkiStay    *stays;
	size_t		nstays;
	instr_time	t_start,
				t_read,
				t_sort,
				t_end;

	INSTR_TIME_SET_CURRENT(t_start);
	INSTR_TIME_SET_ZERO(aki_emit_time);
	q_stays = pm_text_arg(fcinfo, 0, "stays");
	q_creat = pm_text_arg(fcinfo, 1, "creatinine");
	q_urine = pm_text_arg(fcinfo, 2, "urine_output");
	q_weight = pm_text_arg(fcinfo, 3, "weight");
	q_crrt = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	smooth_by = pm_text_arg(fcinfo, 5, "smooth_by");

	memset(&st, 0, sizeof(st));
	st.rule = aki_parse_stage3_rule(pm_text_arg(fcinfo, 6, "stage3_rule"));
	if (strcmp(smooth_by, "subject") == 0)
		st.smooth_by_stay = false;
	else if (strcmp(smooth_by, "stay") == 0)
		st.smooth_by_stay = true;
	else
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("invalid smooth_by \"%s\"", smooth_by),
				 errdetail("smooth_by selects the partition of the 6-hour aki_stage_smoothed window."),
				 errhint("Use 'subject' (as mimic-code) or 'stay'."));

	InitMaterializedSRF(fcinfo, 0);

	work = AllocSetContextCreate(CurrentMemoryContext, AKI_WORK_CONTEXT,
								 ALLOCSET_DEFAULT_SIZES);
	st.scratch = AllocSetContextCreate(work, "kdigo_stages subject",
									   ALLOCSET_DEFAULT_SIZES);
	st.stays.elsize = sizeof(AkiStay);
	st.creat.elsize = sizeof(AkiCreat);
	st.urine.elsize = sizeof(AkiUrine);
	st.weight.elsize = sizeof(AkiWeight);
	st.crrt.elsize = sizeof(AkiCrrt);
	st.rows.elsize = sizeof(AkiRow);
	st.uo.elsize = sizeof(AkiUoRow);
	st.intervals.elsize = sizeof(AkiInterval);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	in = pm_query_input("stays", q_stays, stays_spec, lengthof(stays_spec));
	(void) pm_query_stream(in, read_stay, &st, work);
	index_stays(&st, work);
	in = pm_query_input("creatinine", q_creat, creat_spec, lengthof(creat_spec));
	(void) pm_query_stream(in, read_creat, &st, work);
	in = pm_query_input("urine_output", q_urine, urine_spec, lengthof(urine_spec));
	(void) pm_query_stream(in, read_urine, &st, work);
	in = pm_query_input("weight", q_weight, weight_spec, lengthof(weight_spec));
	if (in->attno[4] && in->attno[5])
		st.weight_intervals = true;
	else if (in->attno[2] == 0)
		pm_error(ERRCODE_UNDEFINED_COLUMN,
				 errmsg("query for argument \"weight\" has no column \"charttime\""),
				 errdetail("The weight query gives either charted weights (stay_id, charttime, kg, weight_type) or weight intervals (stay_id, starttime, endtime, kg)."),
				 errhint("Rename the columns with AS."));
	(void) pm_query_stream(in, read_weight, &st, work);
	if (q_crrt)
	{
		in = pm_query_input("crrt", q_crrt, crrt_spec, lengthof(crrt_spec));
		(void) pm_query_stream(in, read_crrt, &st, work);
	}
	SPI_finish();
	INSTR_TIME_SET_CURRENT(t_read);

	old = MemoryContextSwitchTo(work);

	stays = (AkiStay *) st.stays.data;
	nstays = st.stays.n;
	st.creat_off = bucket_rows(&st.creat, st.nsubjects, cmp_creat);
	st.urine_off = bucket_rows(&st.urine, (int32) nstays, cmp_urine);
	st.weight_off = bucket_rows(&st.weight, (int32) nstays, cmp_weight);
	st.crrt_off = bucket_rows(&st.crrt, (int32) nstays, cmp_crrt);

	INSTR_TIME_SET_CURRENT(t_sort);

	for (size_t i = 0; i < nstays;)
	{
		size_t		j = i;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(st.scratch);
		MemoryContextSwitchTo(st.scratch);
		/* the scratch vectors live in the context just reset */
		st.rows.data = NULL;
		st.rows.n = st.rows.cap = 0;
		st.uo.data = NULL;
		st.uo.n = st.uo.cap = 0;
		st.intervals.data = NULL;
		st.intervals.n = st.intervals.cap = 0;
		for (; j < nstays && stays[j].subject_id == stays[i].subject_id; j++)
			stage_stay(&st, &stays[j], (int32) j);
		smooth_and_emit(&st, rsinfo);
		i = j;
	}

	INSTR_TIME_SET_CURRENT(t_end);
	/* where the time goes, for bench/kdigo (SET client_min_messages = debug1) */
	INSTR_TIME_SUBTRACT(t_end, t_sort);
	INSTR_TIME_SUBTRACT(t_sort, t_read);
	INSTR_TIME_SUBTRACT(t_read, t_start);
	elog(DEBUG1, "kdigo_stages: %zu stays, %zu creatinine, %zu urine, %zu weight, %zu crrt rows; "
		 "reading %.3f s, bucketing and sorting %.3f s, staging %.3f s, writing rows %.3f s, work memory %zu kB, "
		 "urine windows summed in order %llu",
		 nstays, st.creat.n, st.urine.n, st.weight.n, st.crrt.n,
		 INSTR_TIME_GET_DOUBLE(t_read), INSTR_TIME_GET_DOUBLE(t_sort),
		 INSTR_TIME_GET_DOUBLE(t_end) - INSTR_TIME_GET_DOUBLE(aki_emit_time),
		 INSTR_TIME_GET_DOUBLE(aki_emit_time),
		 MemoryContextMemAllocated(work, true) / 1024,
		 (unsigned long long) st.resummed);

	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	return (Datum) 0;
}
