/*
 * kdigo_urine.c: the kdigo_uo rows of one stay (mimic-code's
 * weight_durations and kdigo_uo): urine-output rates over the 6, 12 and
 * 24-hour windows, each joined with the weight interval holding its time.
 *
 * How it works: the stay's urine rows, already in order of time, become one
 * row per time (volumes summed).  Three windows slide over these times,
 * each keeping the exact sum of its volumes in an int128 (see
 * scale_volumes), so a window's volume and documented hours cost O(1) per
 * row.  The weight intervals that hold a time come from a list of the
 * intervals that have started and not yet ended; every such interval gives
 * one kdigo_uo row (none: one row with NULL rates).  The rate is rounded
 * to 4 decimals from the in-order float8 sum the reference computes; that
 * sum is computed only when the exact sum cannot tell the rounded rate.
 */
#include "aki/aki.h"

#include <float.h>
#include <limits.h>
#include <math.h>

#include "miscadmin.h"
#include "port/pg_bitutils.h"

/* ---------------------------------------------------------------- weights */

/* Weight intervals in order of start, then input order. */
static int
cmp_interval(const void *a, const void *b)
{
	const AkiInterval *x = a,
			   *y = b;
	int			c = AKI_CMP(x->start, y->start);

	CHECK_FOR_INTERRUPTS();
	return c ? c : AKI_CMP(x->seq, y->seq);
}

/*
 * weight_durations of one stay from its n weight rows, into st->intervals.
 * Sets st->nsorted: the first nsorted intervals are in order of start; a
 * carried-back interval, when there is one, follows them.
 */
static void
build_intervals(AkiState *st, const AkiStay *s, const AkiWeight *w, size_t n)
{
	AkiInterval *iv;
	Timestamp	first_admit = 0;
	int64		first_admit_seq = -1;
	int64		base = st->intervals.n;

	st->nsorted = n;
	if (st->weight_intervals)
	{
		/* already in order of (start, seq): bucketing sorted them */
		for (size_t i = 0; i < n; i++)
			*(AkiInterval *) aki_push(st, &st->intervals) = w[i].w;
		return;
	}
	if (n == 0)
		return;

	/* the first admit weight (by charttime) starts at intime - 2 h */
	for (size_t i = 0; i < n; i++)
		if (w[i].admit && (first_admit_seq < 0 || w[i].w.start < first_admit))
		{
			first_admit = w[i].w.start;
			first_admit_seq = w[i].w.seq;
		}
	for (size_t i = 0; i < n; i++)
	{
		iv = aki_push(st, &st->intervals);
		iv->start = (w[i].w.seq == first_admit_seq) ? s->intime - 2 * AKI_HOUR_US : w[i].w.start;
		iv->kg = w[i].w.kg;
		iv->seq = w[i].w.seq;
	}
	iv = (AkiInterval *) st->intervals.data + base;
	qsort(iv, n, sizeof(AkiInterval), cmp_interval);
	for (size_t i = 0; i < n; i++)
		iv[i].end = (i + 1 < n) ? iv[i + 1].start : s->outtime + 2 * AKI_HOUR_US;
	/* carry the first weight back to intime - 2 h when it starts later */
	if (s->intime < iv[0].start)
	{
		AkiInterval first = iv[0];

		iv = aki_push(st, &st->intervals);
		iv->start = s->intime - 2 * AKI_HOUR_US;
		iv->end = first.start;
		iv->kg = first.kg;
		iv->seq = -1;
	}
}

/*
 * The weight intervals as the urine times sweep over them: those that have
 * started and not yet ended form a list in index order, so the join keeps
 * the order of the intervals.
 */
typedef struct AkiActive
{
	const AkiInterval *iv;
	size_t		niv;
	size_t		nsorted;		/* iv[0..nsorted) in order of start */
	size_t	   *next;			/* the list's links */
	size_t		head;
	size_t		tail;
	size_t		added;			/* intervals [0, added) have started */
} AkiActive;

/* The intervals that have started by t join the list. */
static void
active_start(AkiActive *a, Timestamp t)
{
	for (; a->added < a->nsorted && a->iv[a->added].start <= t; a->added++)
	{
		a->next[a->added] = SIZE_MAX;
		if (a->tail == SIZE_MAX)
			a->head = a->added;
		else
			a->next[a->tail] = a->added;
		a->tail = a->added;
	}
}

/* ---------------------------------------------------------------- volumes */

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

/* The stay's urine, one row per time. */
typedef struct AkiVolumes
{
	Timestamp  *t;
	double	   *ml;
	bool	   *mlnull;
	int64	   *gap;			/* since the previous time (1 h for the first) */
	size_t		m;
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
 * urine_output: the n rows of a stay as one row per charttime, volumes
 * summed (NULLs ignored; a time with only NULL volumes keeps NULL).
 */
static void
collapse_times(AkiState *st, AkiVolumes *v, const AkiEvent *u, size_t n)
{
	size_t		m = 0;

	v->t = aki_alloc(st, n, sizeof(Timestamp));
	v->ml = aki_alloc(st, n, sizeof(double));
	v->mlnull = aki_alloc(st, n, sizeof(bool));
	v->gap = aki_alloc(st, n, sizeof(int64));
	for (size_t i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (m > 0 && v->t[m - 1] == u[i].t)
		{
			if (!u[i].null)
			{
				v->ml[m - 1] = v->mlnull[m - 1] ? u[i].value : v->ml[m - 1] + u[i].value;
				v->mlnull[m - 1] = false;
			}
			continue;
		}
		v->t[m] = u[i].t;
		v->ml[m] = u[i].value;
		v->mlnull[m] = u[i].null;
		v->gap[m] = m == 0 ? AKI_HOUR_US : u[i].t - v->t[m - 1];
		m++;
	}
	v->m = m;
}

/*
 * Choose the scale 2^lo of a stay's volumes so that m of them sum in an
 * int128, and scale them.  lo is the lowest set bit of any volume unless
 * the range of magnitudes is too wide; then the volumes are cut below 2^lo
 * and the cut is added to the error bound.  Volumes near the float8 limit
 * (where an in-order sum could overflow) are not scaled: their windows are
 * summed in order.
 */
static void
scale_volumes(AkiState *st, AkiVolumes *v)
{
	size_t		m = v->m;
	int			top = INT_MIN;
	int			low = INT_MAX;
	int			bits = 1;

	v->scaled = false;
	v->truncated = false;
	v->lo = 0;
	v->resummed = 0;
	v->x = aki_alloc(st, m, sizeof(AkiSum));
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

/* ---------------------------------------------------------------- windows */

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
 * Slide window w (hours long) to row i: the window holds the rows with time
 * in [t - hours, t].  Returns its documented hours, rounded.
 */
static double
window_slide(AkiVolumes *v, AkiUoWindow *w, int hours, size_t i)
{
	Timestamp	lo = v->t[i] - hours * AKI_HOUR_US;

	if (!v->mlnull[i])
	{
		w->sum += v->x[i];
		w->abs += v->x[i] < 0 ? -v->x[i] : v->x[i];
		w->count++;
	}
	Assert(w->start <= i);
	while (v->t[w->start] < lo)
	{
		if (!v->mlnull[w->start])
		{
			w->sum -= v->x[w->start];
			w->abs -= v->x[w->start] < 0 ? -v->x[w->start] : v->x[w->start];
			w->count--;
		}
		w->start++;
	}
	window_volume(v, w, i);
	/* hours documented: the gaps of rows start..i, telescoped */
	return aki_hours_rounded(v->gap[w->start] + (v->t[i] - v->t[w->start]));
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

/* ---------------------------------------------------------------- kdigo_uo */

/* One kdigo_uo row: urine time t joined with a weight of kg (0: none). */
static void
push_uo_row(AkiState *st, AkiVolumes *vols, AkiUoWindow *win, const double *tm,
			Timestamp t, bool early, double kg)
{
	AkiUoRow   *r = aki_push(st, &st->uo);
	AkiUoRates *q = &r->rates;

	r->t = t;
	q->has_rt6 = kg > 0 && win[0].count > 0 && tm[0] >= 6 && tm[0] < 12;
	q->has_rt12 = kg > 0 && win[1].count > 0 && tm[1] >= 12;
	q->has_rt24 = kg > 0 && win[2].count > 0 && tm[2] >= 24;
	q->rt6 = q->has_rt6 ? window_rate(vols, &win[0], kg, tm[0]) : 0;
	q->rt12 = q->has_rt12 ? window_rate(vols, &win[1], kg, tm[1]) : 0;
	q->rt24 = q->has_rt24 ? window_rate(vols, &win[2], kg, tm[2]) : 0;
	r->stage = aki_uo_stage(early, q->has_rt6, q->rt6, tm[0],
							q->has_rt12, q->rt12, tm[1],
							q->has_rt24, q->rt24, tm[2]);
}

/*
 * The kdigo_uo rows of urine time i: a left join of the weight intervals
 * with start <= t < end, in index order.  Listed intervals that have ended
 * leave the list for good, as the times only increase; the carried-back
 * interval is last.
 */
static void
join_weights(AkiState *st, AkiActive *a, AkiVolumes *vols, AkiUoWindow *win,
			 const double *tm, size_t i, bool early)
{
	Timestamp	t = vols->t[i];
	bool		matched = false;
	size_t		prev = SIZE_MAX;

	for (size_t k = a->head; k != SIZE_MAX;)
	{
		size_t		after = a->next[k];

		if (a->iv[k].end <= t)
		{
			if (prev == SIZE_MAX)
				a->head = after;
			else
				a->next[prev] = after;
			if (a->tail == k)
				a->tail = prev;
		}
		else
		{
			push_uo_row(st, vols, win, tm, t, early, a->iv[k].kg);
			matched = true;
			prev = k;
		}
		k = after;
	}
	if (a->nsorted < a->niv && a->iv[a->nsorted].start <= t && t < a->iv[a->nsorted].end)
	{
		push_uo_row(st, vols, win, tm, t, early, a->iv[a->nsorted].kg);
		matched = true;
	}
	if (!matched)
		push_uo_row(st, vols, win, tm, t, early, 0);	/* rates NULL */
}

/*
 * kdigo_uo rows of one stay, in O(n) plus the rows of the weight join: the
 * weight intervals are built, then the three windows slide over the stay's
 * times and each time is joined with the intervals holding it.
 */
void
aki_stage_urine(AkiState *st, const AkiStay *s, int32 si)
{
	static const int hours[3] = {6, 12, 24};
	const AkiWeight *w = (const AkiWeight *) st->weight.data + st->weight_off[si];
	const AkiEvent *u = (const AkiEvent *) st->urine.data + st->urine_off[si];
	size_t		n = st->urine_off[si + 1] - st->urine_off[si];
	AkiVolumes	vols;
	AkiUoWindow win[3];
	AkiActive	active;

	st->uo.n = 0;
	st->intervals.n = 0;
	build_intervals(st, s, w, st->weight_off[si + 1] - st->weight_off[si]);
	if (n == 0)
		return;
	collapse_times(st, &vols, u, n);
	scale_volumes(st, &vols);
	memset(win, 0, sizeof(win));
	active.iv = (const AkiInterval *) st->intervals.data;
	active.niv = st->intervals.n;
	active.nsorted = st->nsorted;
	active.next = aki_alloc(st, st->nsorted, sizeof(size_t));
	active.head = active.tail = SIZE_MAX;
	active.added = 0;

	for (size_t i = 0; i < vols.m; i++)
	{
		double		tm[3];

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < 3; k++)
			tm[k] = window_slide(&vols, &win[k], hours[k], i);
		active_start(&active, vols.t[i]);
		join_weights(st, &active, &vols, win, tm, i,
					 vols.t[i] <= s->intime + 6 * AKI_HOUR_US);
	}
	st->resummed += vols.resummed;
}
