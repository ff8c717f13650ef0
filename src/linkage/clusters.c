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
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* The records seen so far (interned ids) and the union-find forest over them. */
typedef struct Forest
{
	PmIdDict   *ids;			/* record id -> node */
	int		   *parent;			/* per node */
	int64		capacity;		/* of parent */
} Forest;

/* The node of a record id (a text Datum), added as its own tree when new. */
static int
forest_node(Forest *f, Datum id)
{
	bool		is_new;
	int			node = pm_id_dict_intern_text(f->ids, id, &is_new);

	if (is_new)
	{
		f->parent = pm_array_grow(f->parent, &f->capacity, (int64) node + 1,
								  sizeof(int), "link_clusters");
		f->parent[node] = node;
	}
	return node;
}

static int
find_root(Forest *f, int x)
{
	while (f->parent[x] != x)
	{
		f->parent[x] = f->parent[f->parent[x]];
		x = f->parent[x];
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

/* Reading the pairs: ids into the forest, linked pairs joined. */
typedef struct PairReader
{
	Forest	   *forest;
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
	a = forest_node(r->forest, dl);
	b = forest_node(r->forest, dr);
	/* a NULL score links nothing; the records still get a cluster */
	if (!np && DatumGetFloat8(dp) >= r->threshold)
	{
		a = find_root(r->forest, a);
		b = find_root(r->forest, b);
		if (a != b)
			r->forest->parent[Max(a, b)] = Min(a, b);
	}
}

/*
 * link_clusters(pairs, threshold): (record_id, cluster_id) for every record
 * named by a pair, the cluster named by its smallest id.  Refuses a NULL id
 * or a NaN probability.
 */
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
	PmCall		call;
	Forest		forest = {0};
	PairReader	reader;
	char	  **ids;
	int			n;
	int		   *best;
	OutRow	   *out;

	if (PG_ARGISNULL(1))
		pm_error_null_argument("threshold");
	threshold = PG_GETARG_FLOAT8(1);
	if (isnan(threshold))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("threshold must not be NaN"),
				 errhint("A match probability threshold is usually between 0.5 and 0.99."));

	pm_call_begin(&call, fcinfo, "link_clusters");
	forest.ids = pm_id_dict_create("link_clusters", 1024);
	reader.forest = &forest;
	reader.threshold = threshold;
	reader.rowno = 0;
	(void) pm_query_stream(pm_query_input("pairs", query, spec, lengthof(spec)),
						   read_pair, &reader, call.work);
	pm_spi_finish(call.work);

	/* name each cluster by its smallest id */
	n = pm_id_dict_count(forest.ids);
	ids = pm_id_dict_ids(forest.ids);
	best = palloc_extended(sizeof(int) * (Size) Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
		best[i] = -1;
	for (int i = 0; i < n; i++)
	{
		int			root = find_root(&forest, i);

		if (best[root] < 0 || strcmp(ids[i], ids[best[root]]) < 0)
			best[root] = i;
	}
	out = palloc_extended(sizeof(OutRow) * (Size) Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		out[i].record = ids[i];
		out[i].cluster = ids[best[find_root(&forest, i)]];
	}
	qsort(out, n, sizeof(OutRow), out_row_cmp);
	for (int i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(out[i].record);
		values[1] = CStringGetTextDatum(out[i].cluster);
		tuplestore_putvalues(call.rsinfo->setResult, call.rsinfo->setDesc, values, nulls);
	}
	pm_call_end(&call);
	return (Datum) 0;
}
