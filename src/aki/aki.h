/*
 * aki.h: KDIGO acute kidney injury staging, as mimic-code's MIMIC-IV
 * concepts (kdigo_creatinine, kdigo_uo, kdigo_stages; commit 8bcbd190)
 * compute it.  See docs/aki.md for the definition and every quirk.
 */
#ifndef PRECMED_AKI_H
#define PRECMED_AKI_H

#include "common/precmed.h"
#include "common/agg_state.h"

#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

#define AKI_HOUR_US		((int64) 3600 * 1000000)
#define AKI_DAY_US		(24 * AKI_HOUR_US)

/*
 * The outtime of a stay still in the unit (NULL outtime) when open_stays is
 * set: 9999-12-31 00:00:00, far beyond any charted time.
 */
#define AKI_OPEN_OUTTIME	((Timestamp) INT64CONST(252455529600000000))

/* Stage-3 creatinine rule: the 2026 fix (d274159b) or the rule before it. */
typedef enum AkiStage3Rule
{
	AKI_STAGE3_CURRENT,
	AKI_STAGE3_LEGACY
} AkiStage3Rule;

/* ---- kdigo_rules.c ---- */

/*
 * round(x::numeric, ndigits)::float8 exactly as PostgreSQL computes it: the
 * float8 goes to numeric through its 15 significant digits, is rounded half
 * away from zero, and comes back through its decimal text.
 */
extern double aki_round_numeric(double x, int ndigits);

/* Parse the stage3_rule argument ('current' or 'legacy'). */
extern AkiStage3Rule aki_parse_stage3_rule(const char *s);

/*
 * Creatinine stage of creat given the minima of the earlier values in the
 * past 7 days and 48 hours (a NULL minimum is passed as has_* = false).
 */
extern int	aki_creat_stage(double creat, bool has_low7, double low7,
							bool has_low48, double low48, AkiStage3Rule rule);

/*
 * Urine-output stage from the rounded rates and documented hours; returns
 * -1 for NULL (no 6-hour rate).  early: charttime <= intime + 6 h.
 */
extern int	aki_uo_stage(bool early,
						 bool has_rt6, double rt6, double tm6,
						 bool has_rt12, double rt12, double tm12,
						 bool has_rt24, double rt24, double tm24);

/* Documented hours of a window, rounded to 6 decimals as the reference does. */
extern double aki_hours_rounded(int64 us);

/*
 * Rate in mL/kg/h rounded to 4 decimals as the reference computes it, from
 * the window's volume, the weight and the rounded documented hours.
 */
extern double aki_uo_rate(double ml, double kg, double hours);

/* ---- agg_state.c: the plumbing of kdigo_summary and kdigo_uo_rate ---- */

/* The concrete state types of kdigo_summary and kdigo_uo_rate. */
extern const PmStateFamily aki_summary_family;
extern const PmStateFamily aki_uo_rate_family;

/* The aggregate's memory context; an error when fn is not called as one. */
extern MemoryContext aki_agg_context(FunctionCallInfo fcinfo, const char *fn);

/*
 * The start of combine function fn over fixed-size states of size bytes:
 * true with *result set when one side is NULL (the result is the other,
 * copied into the aggregate context when it is the second one's).
 */
extern bool aki_combine_trivial(FunctionCallInfo fcinfo, const char *fn, Size size,
								void **result);

/* ---- kdigo_stages: the working data of one call ---- */

/*
 * Input rows of kdigo_stages start with the index of their stay (or, for
 * creatinine, subject): aki_bucket_rows groups them by it in linear time.
 */
typedef struct AkiStay
{
	int64		stay_id;
	int64		subject_id;
	Timestamp	intime;
	Timestamp	outtime;
	int32		subject_idx;	/* index of the subject, after sorting */
} AkiStay;

/* A creatinine, urine or CRRT row, at a time. */
typedef struct AkiEvent
{
	int32		idx;			/* stay index (creatinine: subject index) */
	bool		null;			/* urine: the volume is NULL */
	Timestamp	t;
	double		value;			/* creatinine mg/dL, urine mL; CRRT: unused */
} AkiEvent;

/* A weight interval of a stay (weight_durations). */
typedef struct AkiInterval
{
	Timestamp	start;			/* charttime, or interval start */
	Timestamp	end;			/* interval end (prebuilt intervals only) */
	double		kg;
	int64		seq;			/* input order, to keep sorts stable */
} AkiInterval;

/* A weight row: a charted weight, or an interval given as such. */
typedef struct AkiWeight
{
	int32		idx;			/* stay index */
	bool		admit;
	AkiInterval w;
} AkiWeight;

/* The urine-output rates of a row (mL/kg/h, rounded); has_*: not NULL. */
typedef struct AkiUoRates
{
	bool		has_rt6;
	bool		has_rt12;
	bool		has_rt24;
	double		rt6;
	double		rt12;
	double		rt24;
} AkiUoRates;

/* One row of kdigo_uo (a urine time joined with one weight interval). */
typedef struct AkiUoRow
{
	Timestamp	t;
	AkiUoRates	rates;
	int			stage;
} AkiUoRow;

/* One output row. */
typedef struct AkiRow
{
	int64		stay_id;
	int64		subject_id;
	Timestamp	t;
	bool		t_null;
	int64		key;			/* t - intime of the row's stay */
	bool		has_creat;
	bool		has_uo;			/* a kdigo_uo time (urine charted at t) */
	bool		has_low7;
	bool		has_low48;
	double		creat;
	double		low7;
	double		low48;
	int			stage_creat;	/* -1: NULL */
	AkiUoRates	uo;
	int			stage_uo;		/* -1: NULL */
	int			stage_crrt;		/* -1: NULL */
	int			stage;
	int			smoothed;
} AkiRow;

/* A growable array (pm_array_grow) of elements of elsize bytes. */
typedef struct AkiVec
{
	char	   *data;
	int64		n;
	int64		cap;
	Size		elsize;
} AkiVec;

struct aki_idhash_hash;

typedef struct AkiState
{
	MemoryContext work;			/* all the call holds: the memory cap's measure */
	MemoryContext scratch;		/* per subject, child of work */
	AkiStage3Rule rule;
	bool		smooth_by_stay;
	bool		weight_intervals;	/* weight query gives starttime/endtime */
	bool		open_stays;		/* a NULL outtime is AKI_OPEN_OUTTIME (the AKI watch) */
	/* the inputs, read in the work context */
	AkiVec		stays;
	AkiVec		creat;
	AkiVec		urine;
	AkiVec		weight;
	AkiVec		crrt;
	struct aki_idhash_hash *stay_index;		/* stay_id -> stay index */
	struct aki_idhash_hash *subject_index;	/* subject_id -> subject index */
	int32		nsubjects;
	/* row ranges per stay (per subject for creatinine) after bucketing */
	size_t	   *creat_off;
	size_t	   *urine_off;
	size_t	   *weight_off;
	size_t	   *crrt_off;
	/* per-subject vectors, in the scratch context */
	AkiVec		rows;
	AkiVec		uo;
	AkiVec		intervals;
	size_t		nsorted;		/* intervals in order of start (see aki_stage_urine) */
	uint64		resummed;		/* urine windows summed in order */
} AkiState;

/* kdigo_stages.c: memory that counts against precmed.max_memory_mb */

/*
 * Raise 54000 unless the call's memory (all of st->work) plus bytes fits in
 * precmed.max_memory_mb: the cap applies to all the call holds.
 */
extern void aki_reserve(AkiState *st, double bytes);

/* An array of count elements in CurrentMemoryContext, reserved first. */
extern void *aki_alloc(AkiState *st, size_t count, size_t elsize);

/* Grow v (pm_array_grow) to hold one more element, reserved first. */
extern void aki_grow(AkiState *st, AkiVec *v);

/* Append an element to v; returns it (uninitialised). */
static inline void *
aki_push(AkiState *st, AkiVec *v)
{
	if (unlikely(v->n == v->cap))
		aki_grow(st, v);
	return v->data + v->elsize * v->n++;
}

/* kdigo_stages.c: the staging core, shared with the AKI watch (src/alerts) */

/* A fresh state working in work (the call's memory, capped), options set. */
extern void aki_state_init(AkiState *st, MemoryContext work, AkiStage3Rule rule,
						   bool smooth_by_stay);

/* Takes the staged rows of one subject, its stays' rows in turn. */
typedef void (*AkiEmitRows) (void *arg, const AkiRow *rows, size_t n);

/* Stage, smooth and hand over every subject of st (inputs read and bucketed). */
extern void aki_stage_all(AkiState *st, AkiEmitRows emit, void *arg);

/* The smooth_by argument: true for 'stay', false for 'subject', else 22023. */
extern bool aki_parse_smooth_by(const char *smooth_by);

/* kdigo_input.c */

/* The query arguments of kdigo_stages, in the order they are read. */
typedef enum AkiInputArg
{
	AKI_IN_STAYS,
	AKI_IN_CREATININE,
	AKI_IN_URINE,
	AKI_IN_WEIGHT,
	AKI_IN_CRRT,
	AKI_NUM_INPUTS
} AkiInputArg;

/*
 * Read every input (queries[k] of input k; a NULL crrt query is skipped)
 * into st, the stays sorted and indexed.  Caller holds SPI; the arrays go
 * to st->work.
 */
extern void aki_read_inputs(AkiState *st, char *const queries[AKI_NUM_INPUTS]);

/*
 * Check and prepare query (built by the caller, taking nargs parameters)
 * as input k; in CurrentMemoryContext.  Caller holds SPI.
 */
extern PmQueryInput *aki_prepare_input(AkiInputArg k, const char *query,
									   int nargs, Oid *argtypes);

/*
 * Read the rows of a prepared input k into st (in order: the stays first;
 * in->params set by the caller).  NULL for an absent crrt input.
 */
extern void aki_read_input(AkiState *st, AkiInputArg k, PmQueryInput *in);

/* Group the creatinine, urine, weight and CRRT rows by subject or stay. */
extern void aki_bucket_inputs(AkiState *st);

/* kdigo_urine.c */

/* kdigo_uo rows of stay s (index si), into st->uo in order of time. */
extern void aki_stage_urine(AkiState *st, const AkiStay *s, int32 si);

/* kdigo_stay.c */

/* All rows of stay s (index si), appended to st->rows. */
extern void aki_stage_stay(AkiState *st, const AkiStay *s, int32 si);

#define AKI_CMP(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

#endif							/* PRECMED_AKI_H */
