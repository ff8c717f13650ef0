/*
 * fs_train.c: the state of the fs_train and fs_level_frequencies aggregates.
 *
 * Candidate pairs reduce to their comparison vectors, and a blocked pair set
 * of any size has few distinct vectors, so the state is a hash table from
 * vector to count (simplehash, the vector stored in the entry).  That makes
 * the state small, merging parallel partial states a sum, and each EM
 * iteration (fs_em.c) cost O(distinct vectors x fields).
 */
#include "linkage/linkage.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/*
 * An entry: a distinct comparison vector (nfields levels, kept in the state's
 * arena; a lookup passes the row's own bytes) and its count.  Entries stay
 * small, so the table of a few thousand vectors stays in cache.
 */
typedef struct PatternEntry
{
	const int8 *levels;
	int64		count;
	uint32		hash;
	char		status;			/* simplehash's */
} PatternEntry;

#define SH_PREFIX		patterns
#define SH_ELEMENT_TYPE	PatternEntry
#define SH_KEY_TYPE		const int8 *
#define SH_SCOPE		static inline
#define SH_DECLARE
#include "lib/simplehash.h"

/* Where the vectors' bytes are kept: blocks of ARENA_BLOCK bytes, filled in turn. */
#define ARENA_BLOCK 8192

struct FsTrainState
{
	int			nfields;
	int			declared[LK_MAX_FIELDS];	/* declared levels per field, or 0 */
	int			max_seen[LK_MAX_FIELDS];	/* highest level seen, -1 if none */
	int64		rows;			/* pairs added: the sum of the counts */
	char	   *params;			/* the params jsonb as text, or NULL */
	patterns_hash *patterns;	/* distinct vector -> pairs */
	MemoryContext cxt;			/* of the table and the arena */
	int8	   *arena;			/* the current block */
	int			arena_free;		/* bytes left in it */
};

/* Keys compare and hash on their nfields levels (the table's state says how many). */
#define PATTERN_NFIELDS(tb) (((FsTrainState *) (tb)->private_data)->nfields)

#define SH_PREFIX		patterns
#define SH_ELEMENT_TYPE	PatternEntry
#define SH_KEY_TYPE		const int8 *
#define SH_KEY			levels
#define SH_HASH_KEY(tb, k)	hash_bytes((const unsigned char *) (k), PATTERN_NFIELDS(tb))
#define SH_EQUAL(tb, a, b)	(memcmp((a), (b), PATTERN_NFIELDS(tb)) == 0)
#define SH_GET_HASH(tb, e)	((e)->hash)
#define SH_STORE_HASH
#define SH_SCOPE		static inline
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * The invariants the aggregate relies on: a level count per field within
 * bounds, every stored level within what was seen, positive counts summing
 * to rows.  Compiled only with --enable-cassert.
 */
static void
AssertCheckFsTrainState(FsTrainState *st)
{
#ifdef USE_ASSERT_CHECKING
	patterns_iterator it;
	PatternEntry *e;
	int64		total = 0;

	Assert(st != NULL);
	Assert(st->nfields >= 0 && st->nfields <= LK_MAX_FIELDS);
	Assert(st->rows >= 0);
	Assert(st->patterns != NULL && st->patterns->private_data == st);
	Assert(st->arena_free >= 0 && st->arena_free <= ARENA_BLOCK);
	for (int k = 0; k < st->nfields; k++)
	{
		Assert(st->declared[k] == 0 ||
			   (st->declared[k] >= 2 && st->declared[k] <= LK_MAX_LEVELS));
		Assert(st->max_seen[k] >= -1 &&
			   st->max_seen[k] < (st->declared[k] ? st->declared[k] : LK_MAX_LEVELS));
	}
	patterns_start_iterate(st->patterns, &it);
	while ((e = patterns_iterate(st->patterns, &it)) != NULL)
	{
		Assert(e->count > 0);
		for (int k = 0; k < st->nfields; k++)
			Assert(e->levels[k] >= LK_NULL_LEVEL && e->levels[k] <= st->max_seen[k]);
		total += e->count;
	}
	Assert(total == st->rows);
#endif
}

/* Argument argno as a state (NULL when SQL NULL), its invariants checked. */
FsTrainState *
lk_state_arg(FunctionCallInfo fcinfo, int argno)
{
	FsTrainState *st = PG_ARGISNULL(argno) ? NULL : (FsTrainState *) PG_GETARG_POINTER(argno);

	if (st)
		AssertCheckFsTrainState(st);
	return st;
}

/* A new empty state in cxt for nfields fields. */
static FsTrainState *
state_create(int nfields, MemoryContext cxt)
{
	FsTrainState *st = MemoryContextAllocZero(cxt, sizeof(FsTrainState));

	st->nfields = nfields;
	for (int k = 0; k < LK_MAX_FIELDS; k++)
		st->max_seen[k] = -1;
	st->cxt = cxt;
	st->patterns = patterns_create(cxt, 256, st);
	return st;
}

/* A copy of the nfields levels at levels, in the state's arena. */
static const int8 *
arena_copy(FsTrainState *st, const int8 *levels)
{
	int8	   *copy;

	if (st->arena == NULL || st->arena_free < st->nfields)
	{
		st->arena = MemoryContextAlloc(st->cxt, ARENA_BLOCK);
		st->arena_free = ARENA_BLOCK;
	}
	copy = st->arena + (ARENA_BLOCK - st->arena_free);
	memcpy(copy, levels, st->nfields);
	st->arena_free -= st->nfields;
	return copy;
}

/* Add count pairs with the vector levels (nfields bytes, copied when new). */
static void
add_pattern(FsTrainState *st, const int8 *levels, int64 count)
{
	bool		found;
	PatternEntry *e = patterns_insert(st->patterns, levels, &found);

	if (!found)
	{
		e->levels = arena_copy(st, levels);
		e->count = 0;
		/* the table doubles as it fills: check before it outgrows the cap */
		if ((st->patterns->members & 1023) == 0)
			pm_check_memory((double) st->patterns->members * (st->nfields + 2.0 * sizeof(PatternEntry)),
							"fs_train's table of distinct comparison vectors");
	}
	e->count += count;
}

/* Add every vector of src to st. */
static void
add_patterns(FsTrainState *st, FsTrainState *src)
{
	patterns_iterator it;
	PatternEntry *e;

	patterns_start_iterate(src->patterns, &it);
	while ((e = patterns_iterate(src->patterns, &it)) != NULL)
		add_pattern(st, e->levels, e->count);
}

/* Copy src into a new state in cxt. */
static FsTrainState *
state_copy(FsTrainState *src, MemoryContext cxt)
{
	FsTrainState *st = state_create(src->nfields, cxt);

	memcpy(st->declared, src->declared, sizeof(st->declared));
	memcpy(st->max_seen, src->max_seen, sizeof(st->max_seen));
	st->rows = src->rows;
	st->params = src->params ? MemoryContextStrdup(cxt, src->params) : NULL;
	add_patterns(st, src);
	return st;
}

/* The aggregate's memory context; an error outside an aggregate. */
MemoryContext
lk_agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return cxt;
}

/* The first row's state: nfields fields, params checked (levels read, the rest at the end). */
static FsTrainState *
state_first(int nfields, Jsonb *params, MemoryContext aggcxt)
{
	FsTrainState *st;
	LkTrainParams p;

	if (nfields > LK_MAX_FIELDS)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("fs_train: comparisons has %d fields; at most %d are supported",
						nfields, LK_MAX_FIELDS));
	st = state_create(nfields, aggcxt);
	if (params)
	{
		lk_train_params(params, &p);
		lk_train_levels(&p, nfields, st->declared);
		st->params = MemoryContextStrdup(aggcxt,
										 JsonbToCString(NULL, &params->root, VARSIZE(params)));
	}
	return st;
}

/* The vector of one row into levels, each level checked against its field. */
static void
row_levels(FsTrainState *st, Datum *elems, bool *nulls, int8 *levels)
{
	for (int k = 0; k < st->nfields; k++)
	{
		int32		l;

		if (nulls[k])
		{
			levels[k] = LK_NULL_LEVEL;
			continue;
		}
		l = DatumGetInt32(elems[k]);
		if (l < 0 || l >= LK_MAX_LEVELS || (st->declared[k] && l >= st->declared[k]))
		{
			int			top = st->declared[k] ? st->declared[k] - 1 : LK_MAX_LEVELS - 1;

			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 l < 0 ? errmsg("fs_train: comparison level %d of field %d is negative", l, k + 1)
					 : errmsg("fs_train: comparison level %d of field %d is above the top level %d",
							  l, k + 1, top),
					 errdetail("Row %lld of the aggregate.", (long long) st->rows + 1),
					 st->declared[k] ? errhint("Parameter \"levels\" gives each field's number of levels; levels run from 0 to that number minus 1.")
					 : errhint("Levels run from 0 (least similar) up to the field's top level; a missing field is NULL."));
		}
		levels[k] = (int8) l;
		if (l > st->max_seen[k])
			st->max_seen[k] = l;
	}
}

/*
 * fs_train_transfn(state, comparisons[, params]): counts one pair's
 * comparison vector.  Refuses a NULL or multi-dimensional vector, one whose
 * length differs from the first row's, and levels out of range.
 */
PG_FUNCTION_INFO_V1(fs_train_transfn);
Datum
fs_train_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = lk_agg_context(fcinfo, "fs_train_transfn");
	FsTrainState *st = lk_state_arg(fcinfo, 0);
	ArrayType  *arr;
	int			n;
	Datum	   *elems;
	bool	   *nulls;
	int8		levels[LK_MAX_FIELDS];

	if (PG_ARGISNULL(1))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("fs_train: comparisons must not be NULL"),
				 errdetail("Row %lld of the aggregate has a NULL comparison vector.",
						   (long long) (st ? st->rows + 1 : 1)),
				 errhint("A missing field is a NULL element inside the array, not a NULL array."));
	arr = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(arr) != 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("fs_train: comparisons must be a one-dimensional array, got %d dimensions",
						ARR_NDIM(arr)),
				 errhint("Give one comparison level per field."));
	deconstruct_array(arr, INT4OID, sizeof(int32), true, TYPALIGN_INT,
					  &elems, &nulls, &n);

	if (st == NULL)
		st = state_first(n, (PG_NARGS() < 3 || PG_ARGISNULL(2)) ? NULL : PG_GETARG_JSONB_P(2),
						 aggcxt);
	else if (n != st->nfields)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("fs_train: comparisons has %d elements in row %lld but %d in the first row",
						n, (long long) st->rows + 1, st->nfields),
				 errhint("Every pair needs one level per field, NULL for a missing field."));

	row_levels(st, elems, nulls, levels);
	add_pattern(st, levels, 1);
	st->rows++;
	PG_RETURN_POINTER(st);
}

/*
 * fs_train_combinefn(a, b): the two partial states merged into a (counts
 * added).  Refuses states of different field counts or declared levels.
 */
PG_FUNCTION_INFO_V1(fs_train_combinefn);
Datum
fs_train_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = lk_agg_context(fcinfo, "fs_train_combinefn");
	FsTrainState *a = lk_state_arg(fcinfo, 0);
	FsTrainState *b = lk_state_arg(fcinfo, 1);

	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		PG_RETURN_POINTER(state_copy(b, aggcxt));
	if (a->nfields != b->nfields)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("fs_train: comparisons have %d fields in one part of the input and %d in another",
						a->nfields, b->nfields),
				 errhint("Every pair needs one level per field, NULL for a missing field."));
	if (memcmp(a->declared, b->declared, sizeof(a->declared)) != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fs_train: parameter \"levels\" differs between rows"),
				 errhint("Pass the same params to every row."));
	for (int k = 0; k < a->nfields; k++)
		a->max_seen[k] = Max(a->max_seen[k], b->max_seen[k]);
	a->rows += b->rows;
	if (a->params == NULL && b->params != NULL)
		a->params = MemoryContextStrdup(aggcxt, b->params);
	add_patterns(a, b);
	PG_RETURN_POINTER(a);
}

/* fs_train_serialfn(state): the partial state as bytes for a parallel leader. */
PG_FUNCTION_INFO_V1(fs_train_serialfn);
Datum
fs_train_serialfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = lk_state_arg(fcinfo, 0);
	StringInfoData buf;
	patterns_iterator it;
	PatternEntry *e;

	lk_agg_context(fcinfo, "fs_train_serialfn");
	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->nfields);
	for (int k = 0; k < st->nfields; k++)
	{
		pq_sendint32(&buf, st->declared[k]);
		pq_sendint32(&buf, st->max_seen[k]);
	}
	pq_sendint64(&buf, st->rows);
	pq_sendbyte(&buf, st->params != NULL);
	if (st->params)
		pq_sendstring(&buf, st->params);
	pq_sendint64(&buf, st->patterns->members);
	patterns_start_iterate(st->patterns, &it);
	while ((e = patterns_iterate(st->patterns, &it)) != NULL)
	{
		pq_sendbytes(&buf, (const char *) e->levels, st->nfields);
		pq_sendint64(&buf, e->count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * fs_train_deserialfn(bytes, internal): a partial state read back.  Refuses
 * (internal error) bytes that do not describe a consistent state.
 */
PG_FUNCTION_INFO_V1(fs_train_deserialfn);
Datum
fs_train_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	FsTrainState *st;
	int			nfields;
	int64		npatterns;
	int64		total = 0;

	lk_agg_context(fcinfo, "fs_train_deserialfn");
	/* pq_getmsg* raise a protocol error rather than read past the end */
	buf.data = VARDATA_ANY(raw);
	buf.len = VARSIZE_ANY_EXHDR(raw);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	nfields = pq_getmsgint(&buf, 4);
	if (nfields < 0 || nfields > LK_MAX_FIELDS)
		elog(ERROR, "fs_train: corrupt partial state (%d fields)", nfields);
	st = state_create(nfields, CurrentMemoryContext);
	for (int k = 0; k < st->nfields; k++)
	{
		st->declared[k] = pq_getmsgint(&buf, 4);
		st->max_seen[k] = pq_getmsgint(&buf, 4);
		if (st->declared[k] < 0 || st->declared[k] == 1 || st->declared[k] > LK_MAX_LEVELS ||
			st->max_seen[k] < -1 || st->max_seen[k] >= LK_MAX_LEVELS ||
			(st->declared[k] && st->max_seen[k] >= st->declared[k]))
			elog(ERROR, "fs_train: corrupt partial state (field %d)", k + 1);
	}
	st->rows = pq_getmsgint64(&buf);
	if (pq_getmsgbyte(&buf))
		st->params = pstrdup(pq_getmsgstring(&buf));
	npatterns = pq_getmsgint64(&buf);
	for (int64 i = 0; i < npatterns; i++)
	{
		const int8 *levels = (const int8 *) pq_getmsgbytes(&buf, st->nfields);
		int64		count = pq_getmsgint64(&buf);

		for (int k = 0; k < st->nfields; k++)
			if (levels[k] < LK_NULL_LEVEL || levels[k] > st->max_seen[k])
				elog(ERROR, "fs_train: corrupt partial state (level %d)", levels[k]);
		if (count <= 0 || count > st->rows - total)
			elog(ERROR, "fs_train: corrupt partial state (count " INT64_FORMAT ")", count);
		total += count;
		add_pattern(st, levels, count);
	}
	if (total != st->rows)
		elog(ERROR, "fs_train: corrupt partial state (" INT64_FORMAT " pairs counted, " INT64_FORMAT " claimed)",
			 total, st->rows);
	pq_getmsgend(&buf);
	AssertCheckFsTrainState(st);
	PG_RETURN_POINTER(st);
}

/* ---- what the final functions read ---- */

/* Fields per comparison vector. */
int
lk_state_nfields(const FsTrainState *st)
{
	return st->nfields;
}

/* Pairs counted. */
int64
lk_state_rows(const FsTrainState *st)
{
	return st->rows;
}

/* The params of the first row as text, or NULL. */
const char *
lk_state_params(const FsTrainState *st)
{
	return st->params;
}

/* Levels per field: declared, else the highest seen + 1 (at least 2). */
void
lk_state_nlevels(const FsTrainState *st, int *nlevels)
{
	for (int k = 0; k < st->nfields; k++)
		nlevels[k] = st->declared[k] ? st->declared[k] : Max(st->max_seen[k] + 1, 2);
}

/* The distinct vectors and their counts, in hash order. */
LkPattern *
lk_state_patterns(FsTrainState *st, int *npat)
{
	patterns_iterator it;
	PatternEntry *e;
	LkPattern  *pat;
	int			n = 0;

	AssertCheckFsTrainState(st);
	pat = palloc_extended(sizeof(LkPattern) * Max(st->patterns->members, 1), MCXT_ALLOC_HUGE);
	patterns_start_iterate(st->patterns, &it);
	while ((e = patterns_iterate(st->patterns, &it)) != NULL)
	{
		pat[n].levels = e->levels;
		pat[n].count = (double) e->count;
		n++;
	}
	*npat = n;
	return pat;
}
