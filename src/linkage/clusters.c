/*
 * clusters.c: link_clusters, person ids from scored pairs.
 *
 * Records joined by a pair scored at or above the threshold belong to the
 * same person: the clusters are the connected components of that graph
 * (union-find).  A cluster is named by its smallest record id (byte order),
 * so the id of a person depends only on who is in the cluster, not on the
 * order pairs were read or on other clusters: the same input gives the same
 * ids, and adding unrelated records changes no existing id.
 */
#include "linkage/linkage.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

typedef struct IdTable
{
	char	  **ids;			/* record id per node */
	int		   *parent;			/* union-find forest */
	int			nnodes;
	int			capacity;		/* of ids and parent */
	int		   *slots;			/* open addressing: node + 1, 0 = empty */
	uint32		nslots;			/* power of two */
	double		id_bytes;		/* held by the id copies */
} IdTable;

/* The memory the table holds, checked against precmed.max_memory_mb. */
static void
id_table_check_memory(const IdTable *t)
{
	pm_check_memory((double) t->capacity * (sizeof(char *) + sizeof(int)) +
					(double) t->nslots * sizeof(int) + t->id_bytes,
					psprintf("link_clusters with %d record ids", t->nnodes));
}

static void
id_table_grow_slots(IdTable *t)
{
	uint32		nslots = t->nslots ? t->nslots * 2 : 1024;
	int		   *slots = palloc_extended(sizeof(int) * (Size) nslots,
										MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int node = 0; node < t->nnodes; node++)
	{
		const char *s = t->ids[node];
		uint32		h = hash_bytes((const unsigned char *) s, strlen(s)) & (nslots - 1);

		while (slots[h])
			h = (h + 1) & (nslots - 1);
		slots[h] = node + 1;
	}
	if (t->slots)
		pfree(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

/* The node of the len bytes at id, added (copied) if new. */
static int
id_table_node(IdTable *t, const char *id, int len)
{
	uint32		h;

	if ((uint64) (t->nnodes + 1) * 2 > t->nslots)
		id_table_grow_slots(t);
	h = hash_bytes((const unsigned char *) id, len) & (t->nslots - 1);
	while (t->slots[h])
	{
		int			node = t->slots[h] - 1;

		if (strncmp(t->ids[node], id, len) == 0 && t->ids[node][len] == '\0')
			return node;
		h = (h + 1) & (t->nslots - 1);
	}
	if (t->nnodes == t->capacity)
	{
		t->capacity = t->capacity ? t->capacity * 2 : 1024;
		t->ids = t->ids ? repalloc_huge(t->ids, sizeof(char *) * t->capacity)
			: palloc(sizeof(char *) * t->capacity);
		t->parent = t->parent ? repalloc_huge(t->parent, sizeof(int) * t->capacity)
			: palloc(sizeof(int) * t->capacity);
	}
	t->ids[t->nnodes] = pnstrdup(id, len);
	t->id_bytes += len + 1 + 16;	/* with the allocator's chunk header */
	if ((t->nnodes & 1023) == 0)
		id_table_check_memory(t);
	t->parent[t->nnodes] = t->nnodes;
	t->slots[h] = t->nnodes + 1;
	return t->nnodes++;
}

/* The node of a text id, read in place: only a new id is copied. */
static int
id_table_text_node(IdTable *t, Datum id)
{
	text	   *v = DatumGetTextPP(id);
	int			node = id_table_node(t, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));

	if ((Pointer) v != DatumGetPointer(id))
		pfree(v);				/* a detoasted copy */
	return node;
}

static int
find_root(IdTable *t, int x)
{
	while (t->parent[x] != x)
	{
		t->parent[x] = t->parent[t->parent[x]];
		x = t->parent[x];
	}
	return x;
}

typedef struct OutRow
{
	const char *record;
	const char *cluster;
} OutRow;

static int
out_row_cmp(const void *a, const void *b)
{
	const OutRow *x = a,
			   *y = b;
	int			c = strcmp(x->cluster, y->cluster);

	return c ? c : strcmp(x->record, y->record);
}

/* Reading the pairs: ids into the table, linked pairs joined. */
typedef struct PairReader
{
	IdTable    *table;
	double		threshold;
	int64		rowno;
} PairReader;

static void
read_pair(void *arg, PmQueryInput *input, Datum *values, bool *nulls)
{
	PairReader *r = arg;
	bool		nl,
				nr,
				np;
	Datum		dl = pm_row_value(input, values, nulls, 0, &nl);
	Datum		dr = pm_row_value(input, values, nulls, 1, &nr);
	Datum		dp = pm_row_value(input, values, nulls, 2, &np);
	int			a,
				b;

	r->rowno++;
	if (nl || nr)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("pair %lld of \"pairs\" has a NULL record id", (long long) r->rowno),
				 errhint("Every pair names two records in id_l and id_r."));
	if (!np && isnan(DatumGetFloat8(dp)))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("pair %lld of \"pairs\" (%s, %s) has match_probability NaN",
						(long long) r->rowno, TextDatumGetCString(dl), TextDatumGetCString(dr)));
	a = id_table_text_node(r->table, dl);
	b = id_table_text_node(r->table, dr);
	/* a NULL score links nothing; the records still get a cluster */
	if (!np && DatumGetFloat8(dp) >= r->threshold)
	{
		a = find_root(r->table, a);
		b = find_root(r->table, b);
		if (a != b)
			r->table->parent[Max(a, b)] = Min(a, b);
	}
}

PG_FUNCTION_INFO_V1(link_clusters);
Datum
link_clusters(PG_FUNCTION_ARGS)
{
	static const PmColumn spec[] = {
		{"id_l", TEXTOID, false},
		{"id_r", TEXTOID, false},
		{"match_probability", FLOAT8OID, false},
	};
	char	   *query = pm_text_arg(fcinfo, 0, "pairs");
	double		threshold;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext outer;
	IdTable    *t;
	PmQueryInput *input;
	PairReader	reader;
	int		   *best;
	OutRow	   *out;

	if (PG_ARGISNULL(1))
		pm_error_null_argument("threshold");
	threshold = PG_GETARG_FLOAT8(1);
	if (isnan(threshold))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("threshold must not be NaN"),
				 errhint("A match probability threshold is usually between 0.5 and 0.99."));

	InitMaterializedSRF(fcinfo, 0);
	outer = CurrentMemoryContext;
	t = palloc0(sizeof(IdTable));

	reader.table = t;
	reader.threshold = threshold;
	reader.rowno = 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	input = pm_query_input("pairs", query, spec, lengthof(spec));
	(void) pm_query_stream(input, read_pair, &reader, outer);
	SPI_finish();

	/* name each cluster by its smallest id */
	best = palloc_extended(sizeof(int) * (Size) Max(t->nnodes, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < t->nnodes; i++)
		best[i] = -1;
	for (int i = 0; i < t->nnodes; i++)
	{
		int			root = find_root(t, i);

		if (best[root] < 0 || strcmp(t->ids[i], t->ids[best[root]]) < 0)
			best[root] = i;
	}
	out = palloc_extended(sizeof(OutRow) * (Size) Max(t->nnodes, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < t->nnodes; i++)
	{
		out[i].record = t->ids[i];
		out[i].cluster = t->ids[best[find_root(t, i)]];
	}
	qsort(out, t->nnodes, sizeof(OutRow), out_row_cmp);
	for (int i = 0; i < t->nnodes; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(out[i].record);
		values[1] = CStringGetTextDatum(out[i].cluster);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
