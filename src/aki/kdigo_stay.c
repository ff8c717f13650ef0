/*
 * kdigo_stay.c: the kdigo_stages rows of one stay (mimic-code's
 * kdigo_creatinine and kdigo_stages before smoothing).
 *
 * How it works: the stay's creatinine series is its subject's values in
 * [intime - 7 days, outtime], one per time (averaged); its kdigo_uo rows
 * come from kdigo_urine.c and its CRRT times are made distinct.  A merge
 * of the three series, all in order of time, walks the grid of their
 * distinct times; at each time the row takes the creatinine stage (from
 * the minima of the earlier values in the past 48 hours and 7 days, kept
 * in two monotone deques), the urine stage of each kdigo_uo row at that
 * time (several weights give several rows) and the CRRT stage.
 */
#include "aki/aki.h"

#include "miscadmin.h"

/* A stay's three series, each in order of time, and the merge's place in them. */
typedef struct AkiGrid
{
	Timestamp  *ct;				/* creatinine times and values */
	double	   *cv;
	size_t		nc;
	const AkiUoRow *uo;			/* kdigo_uo rows */
	size_t		nu;
	Timestamp  *rt;				/* CRRT times */
	size_t		nr;
	size_t		ci;
	size_t		ui;
	size_t		ri;
} AkiGrid;

/*
 * Sliding minima of the earlier creatinine values in the past 7 days and
 * 48 hours: deques of indexes whose values increase from the front, so the
 * front is the minimum (the latest of equal values, as a scan from the
 * latest value that keeps strictly lower ones picks).
 */
typedef struct AkiMinima
{
	size_t	   *dq7;
	size_t	   *dq48;
	size_t		h7;
	size_t		t7;
	size_t		h48;
	size_t		t48;
} AkiMinima;

/* kdigo_creatinine: the subject's labs in [intime - 7 days, outtime], averaged per time. */
static void
creatinine_series(AkiState *st, const AkiStay *s, AkiGrid *g)
{
	const AkiEvent *all = (const AkiEvent *) st->creat.data;
	Timestamp	lo = s->intime - 7 * AKI_DAY_US;
	size_t		a = st->creat_off[s->subject_idx];
	size_t		end = st->creat_off[s->subject_idx + 1];
	size_t		b = end;
	size_t		c0,
				c1;

	/* skip to the first time >= lo */
	while (a < b)
	{
		size_t		mid = a + (b - a) / 2;

		if (all[mid].t < lo)
			a = mid + 1;
		else
			b = mid;
	}
	c0 = a;
	c1 = c0;
	while (c1 < end && all[c1].t <= s->outtime)
		c1++;
	g->ct = aki_alloc(st, c1 - c0, sizeof(Timestamp));
	g->cv = aki_alloc(st, c1 - c0, sizeof(double));
	g->nc = 0;
	for (size_t j = c0; j < c1;)
	{
		/* several results at one time are averaged */
		size_t		k = j;
		double		sum = 0;

		if ((g->nc & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();

		while (k < c1 && all[k].t == all[j].t)
			sum += all[k++].value;
		g->ct[g->nc] = all[j].t;
		g->cv[g->nc++] = sum / (double) (k - j);
		j = k;
	}
}

/* The stay's CRRT times, once each. */
static void
crrt_times(AkiState *st, int32 si, AkiGrid *g)
{
	const AkiEvent *all = (const AkiEvent *) st->crrt.data;
	size_t		r0 = st->crrt_off[si];
	size_t		r1 = st->crrt_off[si + 1];

	g->rt = aki_alloc(st, r1 - r0, sizeof(Timestamp));
	g->nr = 0;
	for (size_t j = r0; j < r1; j++)
		if (g->nr == 0 || g->rt[g->nr - 1] != all[j].t)
			g->rt[g->nr++] = all[j].t;
}

/* The next time of the grid (the least of the three series' next), or false at the end. */
static bool
grid_next(const AkiGrid *g, Timestamp *t)
{
	bool		have = false;

	if (g->ci < g->nc)
	{
		*t = g->ct[g->ci];
		have = true;
	}
	if (g->ui < g->nu && (!have || g->uo[g->ui].t < *t))
	{
		*t = g->uo[g->ui].t;
		have = true;
	}
	if (g->ri < g->nr && (!have || g->rt[g->ri] < *t))
	{
		*t = g->rt[g->ri];
		have = true;
	}
	return have;
}

/* At creatinine time t (index ci): value ci - 1 enters, values older than the windows leave. */
static void
minima_advance(AkiMinima *m, const AkiGrid *g, Timestamp t)
{
	const double *cv = g->cv;
	size_t		ci = g->ci;

	if (ci > 0)
	{
		/* value ci - 1 enters both windows */
		while (m->t7 > m->h7 && cv[m->dq7[m->t7 - 1]] >= cv[ci - 1])
			m->t7--;
		m->dq7[m->t7++] = ci - 1;
		while (m->t48 > m->h48 && cv[m->dq48[m->t48 - 1]] >= cv[ci - 1])
			m->t48--;
		m->dq48[m->t48++] = ci - 1;
	}
	while (m->h7 < m->t7 && g->ct[m->dq7[m->h7]] < t - 7 * AKI_DAY_US)
		m->h7++;
	while (m->h48 < m->t48 && g->ct[m->dq48[m->h48]] < t - 48 * AKI_HOUR_US)
		m->h48++;
	Assert(m->t7 <= ci && m->t48 <= ci);
}

/* A new output row of stay s, every stage NULL. */
static AkiRow *
new_row(AkiState *st, const AkiStay *s)
{
	AkiRow	   *r = aki_push(st, &st->rows);

	memset(r, 0, sizeof(AkiRow));
	r->stay_id = s->stay_id;
	r->subject_id = s->subject_id;
	r->stage_creat = -1;
	r->stage_uo = -1;
	r->stage_crrt = -1;
	return r;
}

/* The creatinine columns of row r: the value and the minima of the earlier rows. */
static void
set_creat(AkiRow *r, const AkiGrid *g, const AkiMinima *m, AkiStage3Rule rule)
{
	r->has_creat = true;
	r->creat = g->cv[g->ci];
	/* minima of the earlier rows in [t - 48 h, t) and [t - 7 d, t) */
	r->has_low7 = m->h7 < m->t7;
	r->low7 = r->has_low7 ? g->cv[m->dq7[m->h7]] : 0;
	r->has_low48 = m->h48 < m->t48;
	r->low48 = r->has_low48 ? g->cv[m->dq48[m->h48]] : 0;
	r->stage_creat = aki_creat_stage(r->creat, r->has_low7, r->low7,
									 r->has_low48, r->low48, rule);
}

/*
 * The rows of grid time t: one per kdigo_uo row at t (at least one), each
 * with the creatinine and CRRT stages at t.
 */
static void
stage_time(AkiState *st, const AkiStay *s, AkiGrid *g, const AkiMinima *m, Timestamp t)
{
	bool		at_c = g->ci < g->nc && g->ct[g->ci] == t;
	bool		at_r = g->ri < g->nr && g->rt[g->ri] == t;
	size_t		k = g->ui;

	/* t is the next time of one of the series at least */
	Assert(at_c || at_r || (k < g->nu && g->uo[k].t == t));
	do
	{
		AkiRow	   *r = new_row(st, s);
		int			stage = 0;

		r->t = t;
		r->key = t - s->intime;
		if (at_c)
		{
			set_creat(r, g, m, st->rule);
			stage = Max(stage, r->stage_creat);
		}
		if (k < g->nu && g->uo[k].t == t)
		{
			r->has_uo = true;
			r->uo = g->uo[k].rates;
			r->stage_uo = g->uo[k].stage;
			stage = Max(stage, r->stage_uo);
			k++;
		}
		if (at_r)
		{
			r->stage_crrt = 3;
			stage = 3;
		}
		r->stage = stage;
	} while (k < g->nu && g->uo[k].t == t);
	g->ui = k;
	if (at_c)
		g->ci++;
	if (at_r)
		g->ri++;
}

/* The stay's series, then one walk over their times. */
void
aki_stage_stay(AkiState *st, const AkiStay *s, int32 si)
{
	AkiGrid		g;
	AkiMinima	m;
	Timestamp	t = 0;

	memset(&g, 0, sizeof(g));
	memset(&m, 0, sizeof(m));
	creatinine_series(st, s, &g);
	aki_stage_urine(st, s, si);
	g.uo = (const AkiUoRow *) st->uo.data;
	g.nu = st->uo.n;
	crrt_times(st, si, &g);
	m.dq7 = aki_alloc(st, g.nc, sizeof(size_t));
	m.dq48 = aki_alloc(st, g.nc, sizeof(size_t));

	/* the grid: distinct times of creatinine, urine and CRRT rows */
	while (grid_next(&g, &t))
	{
		CHECK_FOR_INTERRUPTS();
		if (g.ci < g.nc && g.ct[g.ci] == t)
			minima_advance(&m, &g, t);
		stage_time(st, s, &g, &m, t);
	}

	/* a stay without creatinine keeps the NULL-time row of the left join */
	if (g.nc == 0)
	{
		AkiRow	   *r = new_row(st, s);

		r->t_null = true;
		r->stage = 0;
	}
}
