/*
 * kdigo_stages.c: precmed.kdigo_stages, the per-measurement KDIGO staging of
 * mimic-code's MIMIC-IV concepts (kdigo_creatinine, weight_durations,
 * kdigo_uo, kdigo_stages at commit 8bcbd190), computed in one pass per
 * subject instead of the reference's self-joins and window sorts.
 *
 * How it works: the inputs are read once into compact arrays and grouped by
 * stay (kdigo_input.c); then, one subject at a time in a scratch context,
 * each stay's rows are staged (kdigo_stay.c, kdigo_urine.c), smoothed over
 * the subject's (or stay's) 6-hour window here, and written to the result
 * tuplestore.  Everything the call holds lives in one work context, whose
 * total is checked against precmed.max_memory_mb before each array grows.
 */
#include "aki/aki.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* ---------------------------------------------------------------- memory */

/* 54000 unless the call's total memory plus bytes fits the cap. */
void
aki_reserve(AkiState *st, double bytes)
{
	pm_check_memory((double) MemoryContextMemAllocated(st->work, true) + bytes,
					"kdigo_stages");
}

/* count elements of elsize bytes in CurrentMemoryContext, reserved first. */
void *
aki_alloc(AkiState *st, size_t count, size_t elsize)
{
	double		bytes = Max((double) count * elsize, 1);

	/* the cap (at most INT_MAX / 2 MB) keeps bytes far below MaxAllocHugeSize */
	aki_reserve(st, bytes);
	return MemoryContextAllocHuge(CurrentMemoryContext, (Size) bytes);
}

/* Room for one more element of v, reserved first. */
void
aki_grow(AkiState *st, AkiVec *v)
{
	/* pm_array_grow at most doubles the capacity (to 16 at first) */
	aki_reserve(st, 2.0 * Max(v->cap, 16) * v->elsize);
	v->data = pm_array_grow(v->data, &v->cap, v->n + 1, v->elsize, "kdigo_stages");
}

/* ---------------------------------------------------------------- smoothing */

/* Rows in order of key (offset from their stay's intime), NULL times last. */
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
	return AKI_CMP(x->key, y->key);
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

/* Smooth the subject's rows, by subject or by stay. */
static void
smooth_subject(AkiState *st)
{
	AkiRow	   *rows = (AkiRow *) st->rows.data;
	size_t		n = st->rows.n;
	size_t	   *idx;
	size_t		start = 0;

	if (n == 0)
		return;
	idx = aki_alloc(st, n, sizeof(size_t));
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
}

/* ---------------------------------------------------------------- output */

/* The subject's rows, in the order they were staged, into the result (rsinfo). */
static void
emit_rows(void *arg, const AkiRow *rows, size_t n)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;

	for (size_t i = 0; i < n; i++)
	{
		const AkiRow *r = &rows[i];
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
		v[7] = Float8GetDatum(r->uo.rt6);
		nulls[7] = !r->uo.has_rt6;
		v[8] = Float8GetDatum(r->uo.rt12);
		nulls[8] = !r->uo.has_rt12;
		v[9] = Float8GetDatum(r->uo.rt24);
		nulls[9] = !r->uo.has_rt24;
		v[10] = Int32GetDatum(r->stage_uo);
		nulls[10] = r->stage_uo < 0;
		v[11] = Int32GetDatum(r->stage_crrt);
		nulls[11] = r->stage_crrt < 0;
		v[12] = Int32GetDatum(r->stage);
		v[13] = Int32GetDatum(r->smoothed);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
}

/*
 * Stage, smooth and hand over every subject: the subject's stays are
 * consecutive in st->stays, and its rows live in the scratch context,
 * reset for the next subject.
 */
void
aki_stage_all(AkiState *st, AkiEmitRows emit, void *arg)
{
	AkiStay    *stays = (AkiStay *) st->stays.data;
	size_t		nstays = st->stays.n;
	MemoryContext old = MemoryContextSwitchTo(st->scratch);

	for (size_t i = 0; i < nstays;)
	{
		size_t		j = i;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(st->scratch);
		/* the scratch vectors live in the context just reset */
		st->rows.data = st->uo.data = st->intervals.data = NULL;
		st->rows.n = st->rows.cap = 0;
		st->uo.n = st->uo.cap = 0;
		st->intervals.n = st->intervals.cap = 0;
		for (; j < nstays && stays[j].subject_id == stays[i].subject_id; j++)
			aki_stage_stay(st, &stays[j], (int32) j);
		smooth_subject(st);
		emit(arg, (AkiRow *) st->rows.data, st->rows.n);
		i = j;
	}
	MemoryContextSwitchTo(old);
}

/* A fresh state working in work: its per-subject scratch context and vectors. */
void
aki_state_init(AkiState *st, MemoryContext work, AkiStage3Rule rule, bool smooth_by_stay)
{
	memset(st, 0, sizeof(*st));
	st->work = work;
	st->rule = rule;
	st->smooth_by_stay = smooth_by_stay;
	st->scratch = AllocSetContextCreate(work, "kdigo_stages subject",
										ALLOCSET_DEFAULT_SIZES);
	st->rows.elsize = sizeof(AkiRow);
	st->uo.elsize = sizeof(AkiUoRow);
	st->intervals.elsize = sizeof(AkiInterval);
}

/* ---------------------------------------------------------------- the call */

/* The smooth_by argument: true for 'stay', false for 'subject'. */
bool
aki_parse_smooth_by(const char *smooth_by)
{
	if (strcmp(smooth_by, "subject") == 0)
		return false;
	if (strcmp(smooth_by, "stay") == 0)
		return true;
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("invalid smooth_by \"%s\"", smooth_by),
			 errdetail("smooth_by selects the partition of the 6-hour aki_stage_smoothed window."),
			 errhint("Use 'subject' (as mimic-code) or 'stay'."));
	return false;				/* not reached */
}

/*
 * kdigo_stages(stays, creatinine, urine_output, weight, crrt, smooth_by,
 * stage3_rule): the rows of mimic-code's kdigo_stages for the stays given.
 * Refuses NULL arguments but crrt, unknown options, input queries of the
 * wrong shape, and inputs over precmed.max_memory_mb.
 */
PG_FUNCTION_INFO_V1(kdigo_stages);
Datum
kdigo_stages(PG_FUNCTION_ARGS)
{
	char	   *queries[AKI_NUM_INPUTS];
	char	   *smooth_by;
	AkiStage3Rule rule;
	bool		smooth_by_stay;
	AkiState	st;
	PmCall		call;

	queries[AKI_IN_STAYS] = pm_text_arg(fcinfo, 0, "stays");
	queries[AKI_IN_CREATININE] = pm_text_arg(fcinfo, 1, "creatinine");
	queries[AKI_IN_URINE] = pm_text_arg(fcinfo, 2, "urine_output");
	queries[AKI_IN_WEIGHT] = pm_text_arg(fcinfo, 3, "weight");
	queries[AKI_IN_CRRT] = PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4));
	smooth_by = pm_text_arg(fcinfo, 5, "smooth_by");
	rule = aki_parse_stage3_rule(pm_text_arg(fcinfo, 6, "stage3_rule"));
	smooth_by_stay = aki_parse_smooth_by(smooth_by);

	pm_call_begin(&call, fcinfo, "kdigo_stages");
	aki_state_init(&st, call.work, rule, smooth_by_stay);

	aki_read_inputs(&st, queries);
	pm_spi_finish(call.work);
	pm_progress(false, "kdigo_stages: read %lld stays, %lld creatinine, %lld urine, %lld weight, %lld crrt rows",
				(long long) st.stays.n, (long long) st.creat.n, (long long) st.urine.n,
				(long long) st.weight.n, (long long) st.crrt.n);
	aki_bucket_inputs(&st);
	pm_progress(false, "kdigo_stages: grouped the rows by stay");
	aki_stage_all(&st, emit_rows, call.rsinfo);
	pm_progress(false, "kdigo_stages: staged and wrote the rows; work memory %lld kB, urine windows summed in order %llu",
				(long long) (MemoryContextMemAllocated(call.work, true) / 1024),
				(unsigned long long) st.resummed);
	pm_call_end(&call);
	return (Datum) 0;
}
