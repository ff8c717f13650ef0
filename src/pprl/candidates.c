/*
 * candidates.c: clk_candidates, the pairs of encodings that blocking
 * proposes and Dice keeps.
 *
 * How it works.  Both query arguments are read into flat arrays (ids, filter
 * bytes, bit counts).  The left side is indexed by its LSH band keys
 * (blocking.c): one entry (band, key, record) per band and record, sorted.
 * Each probe record (each right record; each record when deduplicating one
 * side) looks up its key in every band and compares with the records found
 * there, each at most once (a per-record stamp), by one AND-and-count over
 * the filter words: pairs with Dice >= threshold are kept.  With "bands": 0
 * every pair is compared.  The pairs come out ordered by left and right id.
 */
#include "pprl/pprl.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* The records of one side. */
typedef struct Side
{
	const char *argname;
	int64		n;
	int64		cap_ids,
				cap_bits;
	char	  **ids;
	uint8	   *bits;			/* n * fbytes */
	uint32	   *count;			/* bits set, per record */
} Side;

/* Reading state: the sides agree on filter length and params id. */
typedef struct Reader
{
	Side	   *side;
	int			fbytes;			/* -1 until the first row */
	uint8		id[PPRL_ID_BYTES];
	VarBit	   *first;			/* the first encoding, for messages */
} Reader;

static void
read_row(void *arg, PmQueryInput *input, Datum *values, bool *nulls)
{
	Reader	   *r = arg;
	Side	   *s = r->side;
	bool		nid,
				nclk;
	Datum		id = pm_row_value(input, values, nulls, 0, &nid);
	Datum		clk = pm_row_value(input, values, nulls, 1, &nclk);
	VarBit	   *v;
	int			fbytes;

	if (nid || nclk)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("row %lld of \"%s\" has a NULL %s", (long long) s->n + 1, s->argname,
						nid ? "id" : "clk"),
				 errhint(nid ? "Every record needs an id."
						 : "A record without any identifying field has no encoding: leave it out "
						 "(WHERE clk IS NOT NULL)."));
	v = DatumGetVarBitP(clk);
	fbytes = pprl_filter_bytes(v, s->argname);
	if (r->fbytes < 0)
	{
		r->fbytes = fbytes;
		memcpy(r->id, pprl_trailer_id(v, fbytes), PPRL_ID_BYTES);
		r->first = (VarBit *) PG_DETOAST_DATUM_COPY(clk);
	}
	else if (fbytes != r->fbytes ||
			 memcmp(pprl_trailer_id(v, fbytes), r->id, PPRL_ID_BYTES) != 0)
		pprl_check_comparable(r->first, r->fbytes, v, fbytes,
							  psprintf("row %lld of \"%s\"", (long long) s->n + 1, s->argname));

	s->ids = pm_array_grow(s->ids, &s->cap_ids, s->n + 1, sizeof(char *), "clk_candidates");
	s->bits = pm_array_grow(s->bits, &s->cap_bits, (s->n + 1) * fbytes, 1, "clk_candidates");
	s->ids[s->n] = TextDatumGetCString(id);
	memcpy(s->bits + s->n * fbytes, VARBITS(v), fbytes);
	s->n++;
}

/* Read one query argument into s. */
static void
read_side(Side *s, const char *argname, const char *query, Reader *r, MemoryContext work)
{
	static const PmColumn spec[] = {
		{"id", TEXTOID, false},
		{"clk", VARBITOID, false},
	};

	memset(s, 0, sizeof(*s));
	s->argname = argname;
	r->side = s;
	(void) pm_query_stream(pm_query_input(argname, query, spec, lengthof(spec)),
						   read_row, r, work);
	/* in work: the current context is SPI's, freed by pm_spi_finish */
	s->count = MemoryContextAllocExtended(work, sizeof(uint32) * Max(s->n, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < s->n; i++)
		s->count[i] = (uint32) pprl_count(s->bits + i * r->fbytes, r->fbytes);
}

/* A band key of a record in the index. */
typedef struct Entry
{
	uint64		key;
	int32		band;
	int32		rec;
} Entry;

static int
entry_cmp(const void *a, const void *b)
{
	const Entry *x = a,
			   *y = b;

	if (x->band != y->band)
		return x->band < y->band ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* A kept pair. */
typedef struct Pair
{
	int32		l,
				r;
	double		dice;
} Pair;

/* The call: both sides, the blocking index, the pairs kept. */
typedef struct Search
{
	Side	   *left,
			   *right;			/* right == left when deduplicating */
	bool		dedupe;
	int			fbytes;
	double		threshold;
	PprlLsh		lsh;
	int		   *pos;
	Entry	   *entries;		/* bands * left->n, sorted */
	int64		nentries;
	int32	   *stamp;			/* per left record: 1 + the last probe that compared it */
	Pair	   *pairs;
	int64		npairs,
				cap_pairs;
	int64		compared;
} Search;

/* Keep the pair (left j, probe i) when its Dice, from both bits set, reaches the threshold. */
static inline void
keep_if_close(Search *s, int32 j, int32 i, uint64 both)
{
	uint32		sum = s->left->count[j] + s->right->count[i];
	double		d;

	if (sum == 0)
		return;
	d = 2.0 * (double) both / (double) sum;
	if (d < s->threshold)
		return;
	s->pairs = pm_array_grow(s->pairs, &s->cap_pairs, s->npairs + 1, sizeof(Pair),
							 "clk_candidates");
	s->pairs[s->npairs].l = j;
	s->pairs[s->npairs].r = i;
	s->pairs[s->npairs].dice = d;
	s->npairs++;
}

/* Compare left record j with probe record i, keeping the pair if close. */
static inline void
compare(Search *s, int32 j, int32 i)
{
	if ((++s->compared & 0xFFFF) == 0)
		CHECK_FOR_INTERRUPTS();
	keep_if_close(s, j, i,
				  pprl_and_count(s->left->bits + (int64) j * s->fbytes,
								 s->right->bits + (int64) i * s->fbytes, s->fbytes));
}

#define ROW_BLOCK 1024

/* Without blocking: probe record i against left records 0..end, a block at a time. */
static void
compare_all(Search *s, int32 i, int32 end)
{
	const uint8 *f = s->right->bits + (int64) i * s->fbytes;
	uint32		both[ROW_BLOCK];

	for (int32 j0 = 0; j0 < end; j0 += ROW_BLOCK)
	{
		int32		nb = Min(ROW_BLOCK, end - j0);

		CHECK_FOR_INTERRUPTS();
		pprl_and_count_rows(f, s->left->bits + (int64) j0 * s->fbytes, nb, s->fbytes, both);
		for (int32 k = 0; k < nb; k++)
			keep_if_close(s, j0 + k, i, both[k]);
		s->compared += nb;
	}
}

/* Index the left side by band keys. */
static void
build_index(Search *s)
{
	int64		n = s->left->n;

	pm_check_memory((double) n * s->lsh.bands * sizeof(Entry), "clk_candidates' blocking index");
	s->nentries = n * s->lsh.bands;
	s->entries = palloc_extended(sizeof(Entry) * Max(s->nentries, 1), MCXT_ALLOC_HUGE);
	for (int64 j = 0; j < n; j++)
	{
		const uint8 *f = s->left->bits + j * s->fbytes;

		for (int b = 0; b < s->lsh.bands; b++)
		{
			Entry	   *e = &s->entries[j * s->lsh.bands + b];

			e->key = pprl_band_key(f, s->pos, s->lsh.band_bits, b);
			e->band = b;
			e->rec = (int32) j;
		}
	}
	qsort(s->entries, s->nentries, sizeof(Entry), entry_cmp);
}

/* The first entry at or after (band, key). */
static int64
lower_bound(const Search *s, int32 band, uint64 key)
{
	int64		lo = 0,
				hi = s->nentries;

	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		const Entry *e = &s->entries[mid];

		if (e->band < band || (e->band == band && e->key < key))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Compare probe record i with the left records blocking proposes. */
static void
probe(Search *s, int32 i)
{
	const uint8 *f = s->right->bits + (int64) i * s->fbytes;

	if (s->lsh.bands == 0)
	{
		compare_all(s, i, s->dedupe ? i : (int32) s->left->n);
		return;
	}
	for (int b = 0; b < s->lsh.bands; b++)
	{
		uint64		key = pprl_band_key(f, s->pos, s->lsh.band_bits, b);

		for (int64 at = lower_bound(s, b, key);
			 at < s->nentries && s->entries[at].band == b && s->entries[at].key == key; at++)
		{
			int32		j = s->entries[at].rec;

			if (s->dedupe && j >= i)
				break;			/* entries of a key are in record order */
			if (s->stamp[j] == i + 1)
				continue;
			s->stamp[j] = i + 1;
			compare(s, j, i);
		}
	}
}

static const char *
pair_left(const Search *s, const Pair *p)
{
	return s->left->ids[p->l];
}

static const Search *sort_search;

/* Pairs by left id, right id, then input order. */
static int
pair_cmp(const void *a, const void *b)
{
	const Pair *x = a,
			   *y = b;
	int			c = strcmp(pair_left(sort_search, x), pair_left(sort_search, y));

	if (c == 0)
		c = strcmp(sort_search->right->ids[x->r], sort_search->right->ids[y->r]);
	if (c == 0)
		c = x->l != y->l ? (x->l < y->l ? -1 : 1) : (x->r < y->r ? -1 : x->r > y->r);
	return c;
}

/*
 * clk_candidates(left, right, threshold, params): (left_id, right_id, dice)
 * for the pairs of encodings that share an LSH band key and have Dice >=
 * threshold; right NULL deduplicates left (each pair once, left_id <
 * right_id).
 */
PG_FUNCTION_INFO_V1(clk_candidates);
Datum
clk_candidates(PG_FUNCTION_ARGS)
{
	char	   *lquery = pm_text_arg(fcinfo, 0, "left");
	char	   *rquery = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	PmCall		call;
	Search		s = {0};
	Side		left,
				right;
	Reader		reader = {.fbytes = -1};

	if (PG_ARGISNULL(2))
		pm_error_null_argument("threshold");
	s.threshold = PG_GETARG_FLOAT8(2);
	if (isnan(s.threshold) || s.threshold < 0.0 || s.threshold > 1.0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("threshold %g is not a Dice coefficient between 0 and 1", s.threshold),
				 errhint("Whole-record encodings of the same person usually have Dice above 0.7."));
	if (PG_ARGISNULL(3))
		pm_error_null_argument("params");
	pprl_read_lsh(PG_GETARG_JSONB_P(3), &s.lsh, true);

	pm_call_begin(&call, fcinfo, "clk_candidates");
	read_side(&left, "left", lquery, &reader, call.work);
	s.dedupe = rquery == NULL;
	if (s.dedupe)
		right = left;
	else
		read_side(&right, "right", rquery, &reader, call.work);
	pm_spi_finish(call.work);
	if (left.n > PG_INT32_MAX / 2 || right.n > PG_INT32_MAX / 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("clk_candidates compares at most %d records a side", PG_INT32_MAX / 2));
	s.left = &left;
	s.right = s.dedupe ? &left : &right;
	s.fbytes = reader.fbytes;
	pm_progress(false, "clk_candidates: read %lld left and %lld right encodings",
				(long long) left.n, (long long) (s.dedupe ? 0 : right.n));

	if (left.n > 0 && s.right->n > 0)
	{
		if (s.lsh.bands > 0)
		{
			s.pos = pprl_lsh_positions(&s.lsh, 8 * s.fbytes);
			build_index(&s);
			s.stamp = palloc_extended(sizeof(int32) * left.n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		}
		for (int32 i = 0; i < (int32) s.right->n; i++)
			probe(&s, i);
	}
	pm_progress(false, "clk_candidates: %lld pairs compared, %lld kept",
				(long long) s.compared, (long long) s.npairs);

	/* dedupe: the smaller id on the left */
	if (s.dedupe)
		for (int64 k = 0; k < s.npairs; k++)
			if (strcmp(left.ids[s.pairs[k].l], left.ids[s.pairs[k].r]) > 0)
			{
				int32		t = s.pairs[k].l;

				s.pairs[k].l = s.pairs[k].r;
				s.pairs[k].r = t;
			}
	sort_search = &s;
	if (s.npairs > 1)
		qsort(s.pairs, s.npairs, sizeof(Pair), pair_cmp);
	for (int64 k = 0; k < s.npairs; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		if ((k & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(left.ids[s.pairs[k].l]);
		values[1] = CStringGetTextDatum(s.right->ids[s.pairs[k].r]);
		values[2] = Float8GetDatum(s.pairs[k].dice);
		tuplestore_putvalues(call.rsinfo->setResult, call.rsinfo->setDesc, values, nulls);
	}
	pm_call_end(&call);
	return (Datum) 0;
}
