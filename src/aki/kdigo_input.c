/*
 * kdigo_input.c: the inputs of precmed.kdigo_stages, read once into compact
 * arrays and grouped by stay.
 *
 * How it works: each query argument is checked against its column spec and
 * streamed row by row from the executor into an array (AkiVec) of small
 * structs; rows of stays not in the stays query, and rows the reference
 * drops (NULL ids or times, creatinine above 150 mg/dL, weights out of
 * range) are left out as they arrive.  The stays are sorted by (subject,
 * stay) and indexed by id in two simplehash tables, so every other row
 * carries the index of its stay (or, for creatinine, subject).  Bucketing
 * then reorders each array by that index with a counting sort, and sorts a
 * stay's rows by time only when they are not already in order.
 */
#include "aki/aki.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* ---------------------------------------------------------------- id index */

/* stay_id or subject_id -> index, in a simplehash whose memory is capped */
typedef struct AkiIdEntry
{
	int64		id;
	int32		index;
	char		status;			/* simplehash's */
} AkiIdEntry;

/* murmur3's 64-bit finalizer: ids are often dense, the table wants mixed bits */
static inline uint32
aki_hash_id(int64 id)
{
	uint64		h = (uint64) id;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h;
}

#define SH_PREFIX		aki_idhash
#define SH_ELEMENT_TYPE	AkiIdEntry
#define SH_KEY_TYPE		int64
#define SH_KEY			id
#define SH_HASH_KEY(tb, k)	aki_hash_id(k)
#define SH_EQUAL(tb, a, b)	((a) == (b))
#define SH_USE_NONDEFAULT_ALLOCATOR
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The table's buckets, reserved against the call's memory cap (zeroed). */
static inline void *
aki_idhash_allocate(aki_idhash_hash *tb, Size size)
{
	aki_reserve((AkiState *) tb->private_data, (double) size);
	return MemoryContextAllocExtended(tb->ctx, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

/* Free buckets the table no longer uses (simplehash's callback). */
static inline void
aki_idhash_free(aki_idhash_hash *tb, void *pointer)
{
	pfree(pointer);
}

/* The index of id in index, or -1 when it is not there. */
static inline int32
id_lookup(aki_idhash_hash *index, int64 id)
{
	AkiIdEntry *e = aki_idhash_lookup(index, id);

	return e ? e->index : -1;
}

/* ---------------------------------------------------------------- row readers */

/* A finite timestamp from column column of argument argname, else 22008. */
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

/*
 * The index of the row's stay (or subject) named in column 0, or -1 when
 * the id is NULL or names none: such rows cannot be linked and are dropped.
 */
static inline int32
row_owner(aki_idhash_hash *index, const Datum *values, const bool *nulls)
{
	return nulls[0] ? -1 : id_lookup(index, DatumGetInt64(values[0]));
}

/* A new row of v for owner idx at the (finite) time t of argument argname. */
static AkiEvent *
push_event(AkiState *st, AkiVec *v, int32 idx, Datum t, const char *argname)
{
	AkiEvent   *e = aki_push(st, v);

	e->idx = idx;
	e->null = false;
	e->t = finite_time(t, argname, "charttime");
	e->value = 0;
	return e;
}

enum
{
	STAY_ID, STAY_SUBJECT, STAY_INTIME, STAY_OUTTIME
};
static const PmColumn stays_spec[] = {
	{"stay_id", INT8OID, false},
	{"subject_id", INT8OID, false},
	{"intime", TIMESTAMPOID, false},
	{"outtime", TIMESTAMPOID, false},
};

/* A stay: every column is required. */
static void
read_stay(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	AkiStay    *s = aki_push(st, &st->stays);

	for (int c = 0; c < lengthof(stays_spec); c++)
		if (nulls[c] && !(c == STAY_OUTTIME && st->open_stays))
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("column \"%s\" of argument \"stays\" is NULL", stays_spec[c].name),
					 errdetail("Every stay needs stay_id, subject_id, intime and outtime."),
					 c == STAY_OUTTIME ? errhint("For a stay still in progress, pass the current time or the last charted time as outtime.")
					 : errhint("Filter such rows out of the stays query."));
	s->stay_id = DatumGetInt64(values[STAY_ID]);
	s->subject_id = DatumGetInt64(values[STAY_SUBJECT]);
	s->intime = finite_time(values[STAY_INTIME], "stays", "intime");
	/* the AKI watch stages a stay still in the unit up to the far future */
	s->outtime = nulls[STAY_OUTTIME] ? AKI_OPEN_OUTTIME
		: finite_time(values[STAY_OUTTIME], "stays", "outtime");
}

enum
{
	CREAT_SUBJECT, CREAT_TIME, CREAT_VALUE
};
static const PmColumn creat_spec[] = {
	{"subject_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"value_mg_dl", FLOAT8OID, false},
};

/* A creatinine value, kept when the reference keeps it. */
static void
read_creat(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	int32		idx = row_owner(st->subject_index, values, nulls);
	double		value;
	AkiEvent   *c;

	if (idx < 0 || nulls[CREAT_TIME] || nulls[CREAT_VALUE])
		return;
	/* the reference keeps non-null values <= 150 mg/dL (NaN sorts above) */
	value = DatumGetFloat8(values[CREAT_VALUE]);
	if (isnan(value) || !(value <= 150))
		return;
	c = push_event(st, &st->creat, idx, values[CREAT_TIME], "creatinine");
	c->value = value;
}

enum
{
	URINE_STAY, URINE_TIME, URINE_ML
};
static const PmColumn urine_spec[] = {
	{"stay_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"ml", FLOAT8OID, false},
};

/* A urine volume; a NULL volume keeps its time, a NaN or infinite one is 22023. */
static void
read_urine(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	int32		idx = row_owner(st->stay_index, values, nulls);
	AkiEvent   *u;

	if (idx < 0 || nulls[URINE_TIME])
		return;
	u = push_event(st, &st->urine, idx, values[URINE_TIME], "urine_output");
	u->null = nulls[URINE_ML];
	u->value = u->null ? 0 : DatumGetFloat8(values[URINE_ML]);
	if (!u->null && (isnan(u->value) || isinf(u->value)))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("urine_output of stay %lld at %s is %g mL",
						(long long) DatumGetInt64(values[URINE_STAY]),
						DatumGetCString(DirectFunctionCall1(timestamp_out, TimestampGetDatum(u->t))), u->value),
				 errdetail("Urine volumes must be finite numbers."),
				 errhint("Filter or correct the row in the urine_output query."));
}

/* weight: charttime/weight_type (raw weights) or starttime/endtime */
enum
{
	WEIGHT_STAY, WEIGHT_KG, WEIGHT_TIME, WEIGHT_TYPE, WEIGHT_START, WEIGHT_END
};
static const PmColumn weight_spec[] = {
	{"stay_id", INT8OID, false},
	{"kg", FLOAT8OID, false},
	{"charttime", TIMESTAMPOID, true},
	{"weight_type", TEXTOID, true},
	{"starttime", TIMESTAMPOID, true},
	{"endtime", TIMESTAMPOID, true},
};

/* Which shape the weight query has: intervals, or charted weights. */
static void
check_weight_query(AkiState *st, PmQueryInput *in)
{
	if (in->attno[WEIGHT_START] && in->attno[WEIGHT_END])
		st->weight_intervals = true;
	else if (in->attno[WEIGHT_TIME] == 0)
		pm_error(ERRCODE_UNDEFINED_COLUMN,
				 errmsg("query for argument \"weight\" has no column \"charttime\""),
				 errdetail("The weight query gives either charted weights (stay_id, charttime, kg, weight_type) or weight intervals (stay_id, starttime, endtime, kg)."),
				 errhint("Rename the columns with AS."));
}

/* Whether a charted weight is an admission weight; 22023 for another type. */
static bool
weight_is_admit(PmQueryInput *in, Datum *values, bool *nulls)
{
	text	   *tt;

	if (nulls[WEIGHT_TYPE] && in->attno[WEIGHT_TYPE] == 0)
		return false;			/* no weight_type column: all daily */
	tt = nulls[WEIGHT_TYPE] ? NULL : DatumGetTextPP(values[WEIGHT_TYPE]);
	if (tt && VARSIZE_ANY_EXHDR(tt) == 5 && memcmp(VARDATA_ANY(tt), "admit", 5) == 0)
		return true;
	if (tt && VARSIZE_ANY_EXHDR(tt) == 5 && memcmp(VARDATA_ANY(tt), "daily", 5) == 0)
		return false;
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("weight_type of stay %lld is %s",
					(long long) DatumGetInt64(values[WEIGHT_STAY]),
					tt ? quote_literal_cstr(text_to_cstring(tt)) : "NULL"),
			 errdetail("weight_type must be 'admit' (admission weight) or 'daily' (a later charted weight)."),
			 errhint("Map the source's weight items to 'admit' or 'daily' in the weight query."));
	return false;				/* not reached */
}

/* A weight interval or a charted weight, kept when the reference keeps it. */
static void
read_weight(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	double		kg;
	AkiWeight  *w;
	int32		idx;
	bool		admit = false;

	if (nulls[WEIGHT_STAY] || nulls[WEIGHT_KG])
		return;
	idx = row_owner(st->stay_index, values, nulls);
	kg = DatumGetFloat8(values[WEIGHT_KG]);
	if (st->weight_intervals)
	{
		/* a zero or negative weight would divide by zero or flip signs */
		if (idx < 0 || nulls[WEIGHT_START] || nulls[WEIGHT_END] ||
			isnan(kg) || !(kg > 0) || isinf(kg))
			return;
	}
	else
	{
		/* the type is checked on every row, linked or not */
		admit = weight_is_admit(in, values, nulls);
		if (nulls[WEIGHT_TIME] || idx < 0)
			return;
		/* weight_durations keeps 0 < weight < 1500, rounded to 3 decimals */
		if (isnan(kg) || !(kg > 0 && kg < 1500))
			return;
		kg = aki_round_numeric(kg, 3);
		if (!(kg > 0))
			return;
	}
	w = aki_push(st, &st->weight);
	w->idx = idx;
	w->admit = admit;
	if (st->weight_intervals)
	{
		w->w.start = finite_time(values[WEIGHT_START], "weight", "starttime");
		w->w.end = finite_time(values[WEIGHT_END], "weight", "endtime");
	}
	else
	{
		w->w.start = finite_time(values[WEIGHT_TIME], "weight", "charttime");
		w->w.end = 0;
	}
	w->w.kg = kg;
	w->w.seq = st->weight.n;
}

enum
{
	CRRT_STAY, CRRT_TIME, CRRT_MODE
};
static const PmColumn crrt_spec[] = {
	{"stay_id", INT8OID, false},
	{"charttime", TIMESTAMPOID, false},
	{"crrt_mode", TEXTOID, true},
};

/* A CRRT time; a present but NULL crrt_mode is not CRRT, as in the reference. */
static void
read_crrt(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AkiState   *st = (AkiState *) arg;
	int32		idx = row_owner(st->stay_index, values, nulls);

	if (idx < 0 || nulls[CRRT_TIME] || (nulls[CRRT_MODE] && in->attno[CRRT_MODE] != 0))
		return;
	(void) push_event(st, &st->crrt, idx, values[CRRT_TIME], "crrt");
}

/* ---------------------------------------------------------------- stays */

/* Stays in order of subject, then stay. */
static int
cmp_stay(const void *a, const void *b)
{
	const AkiStay *x = a,
			   *y = b;
	int			c = AKI_CMP(x->subject_id, y->subject_id);

	CHECK_FOR_INTERRUPTS();
	return c ? c : AKI_CMP(x->stay_id, y->stay_id);
}

/*
 * Sort the stays by subject and stay, reject duplicate stay_ids, and build
 * the stay_id and subject_id indexes the other inputs are linked by.
 */
static void
index_stays(AkiState *st)
{
	AkiStay    *stays = (AkiStay *) st->stays.data;
	int64		n = st->stays.n;

	if (n > PG_INT32_MAX / 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%lld stays are more than kdigo_stages handles in one call", (long long) n),
				 errhint("Stage the stays in batches."));
	if (n > 0)
		qsort(stays, n, sizeof(AkiStay), cmp_stay);
	st->stay_index = aki_idhash_create(st->work, (uint32) n, st);
	st->subject_index = aki_idhash_create(st->work, (uint32) n, st);
	st->nsubjects = 0;
	for (int64 i = 0; i < n; i++)
	{
		bool		found;
		AkiIdEntry *e;

		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		e = aki_idhash_insert(st->stay_index, stays[i].stay_id, &found);
		if (found)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("stay_id %lld appears more than once in stays",
							(long long) stays[i].stay_id),
					 errdetail("Each stay is one row of the stays query."),
					 errhint("Remove duplicate stays, e.g. with SELECT DISTINCT."));
		e->index = (int32) i;
		if (i == 0 || stays[i].subject_id != stays[i - 1].subject_id)
		{
			e = aki_idhash_insert(st->subject_index, stays[i].subject_id, &found);
			e->index = st->nsubjects++;
		}
		stays[i].subject_idx = st->nsubjects - 1;
	}
}

/* ---------------------------------------------------------------- reading */

/* One query argument of kdigo_stages and how its rows are read. */
typedef struct AkiInput
{
	const char *argname;
	const PmColumn *spec;
	int			nspec;
	Size		elsize;			/* of its rows in st */
	size_t		vec;			/* offsetof the AkiVec in AkiState */
	PmRowReader read;
	void		(*prepared) (AkiState *st, PmQueryInput *in);	/* or NULL */
	void		(*finished) (AkiState *st);	/* or NULL */
} AkiInput;

#define AKI_INPUT(name, spec, type, vec, read, prepared, finished) \
	{name, spec, lengthof(spec), sizeof(type), offsetof(AkiState, vec), read, prepared, finished}

static const AkiInput aki_inputs[AKI_NUM_INPUTS] = {
	[AKI_IN_STAYS] = AKI_INPUT("stays", stays_spec, AkiStay, stays, read_stay, NULL, index_stays),
	[AKI_IN_CREATININE] = AKI_INPUT("creatinine", creat_spec, AkiEvent, creat, read_creat, NULL, NULL),
	[AKI_IN_URINE] = AKI_INPUT("urine_output", urine_spec, AkiEvent, urine, read_urine, NULL, NULL),
	[AKI_IN_WEIGHT] = AKI_INPUT("weight", weight_spec, AkiWeight, weight, read_weight, check_weight_query, NULL),
	[AKI_IN_CRRT] = AKI_INPUT("crrt", crrt_spec, AkiEvent, crrt, read_crrt, NULL, NULL),
};

/* Each input in turn: check the query, stream its rows, then its hook. */
void
aki_read_inputs(AkiState *st, char *const queries[AKI_NUM_INPUTS])
{
	for (int k = 0; k < AKI_NUM_INPUTS; k++)
	{
		const AkiInput *input = &aki_inputs[k];

		aki_read_input(st, (AkiInputArg) k, queries[k] == NULL ? NULL
					   : pm_query_input(input->argname, queries[k], input->spec, input->nspec));
	}
}

/* The prepared input in: its shape hook, its rows, then its finishing hook. */
void
aki_read_input(AkiState *st, AkiInputArg k, PmQueryInput *in)
{
	const AkiInput *input = &aki_inputs[k];
	AkiVec	   *vec = (AkiVec *) ((char *) st + input->vec);

	vec->elsize = input->elsize;
	if (in == NULL)
		return;					/* crrt is optional */
	if (input->prepared)
		input->prepared(st, in);
	(void) pm_query_stream(in, input->read, st, st->work);
	if (input->finished)
		input->finished(st);
}

/* query, checked against input k's columns and prepared. */
PmQueryInput *
aki_prepare_input(AkiInputArg k, const char *query, int nargs, Oid *argtypes)
{
	const AkiInput *input = &aki_inputs[k];

	return pm_query_input_params(input->argname, query, nargs, argtypes,
								 input->spec, input->nspec);
}

/* ---------------------------------------------------------------- bucketing */

/* Rows of one stay (subject) in order of time. */
static int
cmp_event(const void *a, const void *b)
{
	CHECK_FOR_INTERRUPTS();
	return AKI_CMP(((const AkiEvent *) a)->t, ((const AkiEvent *) b)->t);
}

/* Weights in order of start, then input order. */
static int
cmp_weight(const void *a, const void *b)
{
	const AkiWeight *x = a,
			   *y = b;
	int			c = AKI_CMP(x->w.start, y->w.start);

	CHECK_FOR_INTERRUPTS();
	return c ? c : AKI_CMP(x->w.seq, y->w.seq);
}

/*
 * Reorder v by the int32 index each element starts with (a counting sort, in
 * input order within an index), then sort each index's rows with cmp unless
 * they already are in order, as they usually are.  Returns the offsets of
 * the nidx ranges (nidx + 1 entries).
 */
static size_t *
bucket_rows(AkiState *st, AkiVec *v, int32 nidx, int (*cmp) (const void *, const void *))
{
	size_t	   *off = aki_alloc(st, (size_t) nidx + 1, sizeof(size_t));
	size_t	   *pos;
	char	   *out;

	memset(off, 0, ((size_t) nidx + 1) * sizeof(size_t));
	for (int64 i = 0; i < v->n; i++)
	{
		int32		idx = *(int32 *) (v->data + i * v->elsize);

		if ((i & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		Assert(idx >= 0 && idx < nidx);
		off[idx + 1]++;
	}
	for (int32 k = 0; k < nidx; k++)
		off[k + 1] += off[k];
	if (v->n == 0)
		return off;
	pos = aki_alloc(st, nidx, sizeof(size_t));
	memcpy(pos, off, nidx * sizeof(size_t));
	out = aki_alloc(st, v->n, v->elsize);
	for (int64 i = 0; i < v->n; i++)
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

/* Creatinine by subject; urine, weights and CRRT by stay. */
void
aki_bucket_inputs(AkiState *st)
{
	int32		nstays = (int32) st->stays.n;

	st->creat_off = bucket_rows(st, &st->creat, st->nsubjects, cmp_event);
	st->urine_off = bucket_rows(st, &st->urine, nstays, cmp_event);
	st->weight_off = bucket_rows(st, &st->weight, nstays, cmp_weight);
	st->crrt_off = bucket_rows(st, &st->crrt, nstays, cmp_event);
}
