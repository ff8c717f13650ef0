/*
 * input.c: read the association, similarity and fold queries into dense
 * matrices.
 *
 * Entities are the ids seen on each side (associations and similarity
 * queries together), sorted by byte order so results do not depend on the
 * order rows arrive in.  Rules (docs/repositioning.md, "Inputs"):
 *  - an association is a (left_id, right_id) pair; a pair given twice is an
 *    error; every id in the associations must appear in its side's
 *    similarity query (a row (id, id, 1) declares an entity with no
 *    similarity to others);
 *  - similarities must be finite and in [0, 1]; a pair missing is 0, the
 *    diagonal is 1 whatever is given; a pair given in one direction is
 *    mirrored; given in both directions the values must agree (1e-9),
 *    given twice in the same direction is an error;
 *  - ids present in a similarity but not in the associations are scored
 *    (new drugs, new diseases).
 */
#include "linkpred/linkpred.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

/* Interning of ids: text -> dense index in arrival order. */
typedef struct IdEntry
{
	char	   *key;
	int			index;
} IdEntry;

typedef struct IdDict
{
	HTAB	   *hash;
	char	  **ids;
	int			n;
	int			cap;
	bool	   *in_similarity;	/* per id: appeared in the similarity query */
	bool	   *in_associations;
	const char *side;			/* "left" or "right" */
} IdDict;

static uint32
id_hash(const void *key, Size keysize)
{
	const char *s = *(char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
id_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
dict_init(IdDict *d, const char *side)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(IdEntry);
	ctl.hash = id_hash;
	ctl.match = id_match;
	ctl.hcxt = CurrentMemoryContext;
	d->hash = hash_create("linkpred ids", 1024, &ctl,
						  HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	d->cap = 1024;
	d->n = 0;
	d->ids = palloc(sizeof(char *) * d->cap);
	d->in_similarity = palloc0(sizeof(bool) * d->cap);
	d->in_associations = palloc0(sizeof(bool) * d->cap);
	d->side = side;
}

static int
dict_intern(IdDict *d, char *id)
{
	bool		found;
	IdEntry    *e = hash_search(d->hash, &id, HASH_ENTER, &found);

	if (found)
		pfree(id);				/* keep one copy of each id */
	else
	{
		if (d->n == d->cap)
		{
			d->cap *= 2;
			d->ids = repalloc(d->ids, sizeof(char *) * d->cap);
			d->in_similarity = repalloc(d->in_similarity, sizeof(bool) * d->cap);
			d->in_associations = repalloc(d->in_associations, sizeof(bool) * d->cap);
		}
		e->key = id;
		e->index = d->n;
		d->ids[d->n] = id;
		d->in_similarity[d->n] = false;
		d->in_associations[d->n] = false;
		d->n++;
	}
	return e->index;
}

static int
dict_lookup(IdDict *d, char *id)
{
	IdEntry    *e = hash_search(d->hash, &id, HASH_FIND, NULL);

	return e ? e->index : -1;
}

/* Growable list of (a, b, value) rows. */
typedef struct Triples
{
	int		   *a;
	int		   *b;
	double	   *v;
	int			n;
	int			cap;
} Triples;

static void
triples_add(Triples *t, int a, int b, double v)
{
	if (t->n == t->cap)
	{
		t->cap = t->cap ? t->cap * 2 : 4096;
		if ((Size) t->cap * sizeof(double) >= MaxAllocSize)
			pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
					 errmsg("too many rows in a link prediction input"));
		t->a = t->a ? repalloc(t->a, sizeof(int) * t->cap) : palloc(sizeof(int) * t->cap);
		t->b = t->b ? repalloc(t->b, sizeof(int) * t->cap) : palloc(sizeof(int) * t->cap);
		t->v = t->v ? repalloc(t->v, sizeof(double) * t->cap) : palloc(sizeof(double) * t->cap);
	}
	t->a[t->n] = a;
	t->b[t->n] = b;
	t->v[t->n] = v;
	t->n++;
}

static char *
text_value(PmQueryInput *in, Datum *values, bool *nulls, int col,
		   const char *colname)
{
	bool		isnull;
	Datum		d = pm_row_value(in, values, nulls, col, &isnull);

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("column \"%s\" of the query for argument \"%s\" is NULL",
						colname, in->argname),
				 errhint("Filter NULL ids out in the query."));
	return TextDatumGetCString(d);
}

/* Read a query argument, calling fn for each row with keep current. */
static void
read_query(const char *argname, const char *query, const PmColumn *spec, int nspec,
		   PmRowReader fn, void *arg, MemoryContext keep)
{
	PmQueryInput *in = pm_query_input(argname, query, spec, nspec);

	(void) pm_query_stream(in, fn, arg, keep);
	/* SPI calls leave SPI's procedure context current: results go to keep */
	MemoryContextSwitchTo(keep);
}

typedef struct AssocArg
{
	IdDict	   *left;
	IdDict	   *right;
	Triples    *pairs;
} AssocArg;

static void
assoc_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AssocArg   *a = arg;
	int			l = dict_intern(a->left, text_value(in, values, nulls, 0, "left_id"));
	int			r = dict_intern(a->right, text_value(in, values, nulls, 1, "right_id"));

	a->left->in_associations[l] = true;
	a->right->in_associations[r] = true;
	triples_add(a->pairs, l, r, 1.0);
}

typedef struct SimArg
{
	IdDict	   *dict;
	Triples    *rows;
} SimArg;

static void
sim_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	SimArg	   *s = arg;
	char	   *ida = text_value(in, values, nulls, 0, "id_a");
	char	   *idb = text_value(in, values, nulls, 1, "id_b");
	bool		isnull;
	double		v = DatumGetFloat8(pm_row_value(in, values, nulls, 2, &isnull));
	int			a,
				b;

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("similarity of (%s, %s) in argument \"%s\" is NULL", ida, idb, in->argname),
				 errhint("Leave the pair out (a missing pair counts as 0) or give a value in [0, 1]."));
	if (isnan(v) || isinf(v) || v < 0.0 || v > 1.0)
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("similarity of (%s, %s) in argument \"%s\" is %g, outside [0, 1]",
						ida, idb, in->argname, v),
				 errdetail("Similarities must be finite numbers between 0 and 1."),
				 errhint("Rescale the similarity (for example divide by its maximum) before calling."));
	a = dict_intern(s->dict, ida);
	b = dict_intern(s->dict, idb);
	s->dict->in_similarity[a] = true;
	s->dict->in_similarity[b] = true;
	triples_add(s->rows, a, b, v);
}

static int
cmp_ids(const void *x, const void *y)
{
	return strcmp(**(char **const *) x, **(char **const *) y);
}

/* new_index[old] so that ids are in byte order; sorted ids in *sorted. */
static int *
dict_sort(IdDict *d, char ***sorted)
{
	char	 ***order = palloc(sizeof(char **) * Max(d->n, 1));
	int		   *map = palloc(sizeof(int) * Max(d->n, 1));

	for (int i = 0; i < d->n; i++)
		order[i] = &d->ids[i];
	qsort(order, d->n, sizeof(char **), cmp_ids);
	*sorted = palloc(sizeof(char *) * Max(d->n, 1));
	for (int i = 0; i < d->n; i++)
	{
		int			old = (int) (order[i] - d->ids);

		map[old] = i;
		(*sorted)[i] = d->ids[old];
	}
	return map;
}

static double *
build_similarity(IdDict *d, Triples *t, int *map, const char *argname)
{
	int			n = d->n;
	double	   *S = lp_alloc((size_t) n * n);
	char	   *given = palloc_extended(Max((size_t) n * n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int i = 0; i < t->n; i++)
	{
		int			a = map[t->a[i]],
					b = map[t->b[i]];
		double		v = t->v[i];

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a == b)
			continue;			/* the diagonal is 1 */
		if (given[LP_IDX(a, b, n)])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("similarity pair (%s, %s) is given more than once in argument \"%s\"",
							d->ids[t->a[i]], d->ids[t->b[i]], argname),
					 errhint("Give each pair once (in one or both directions)."));
		if (given[LP_IDX(b, a, n)] && fabs(S[LP_IDX(b, a, n)] - v) > 1e-9)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("similarity in argument \"%s\" is not symmetric: (%s, %s) = %g but (%s, %s) = %g",
							argname, d->ids[t->a[i]], d->ids[t->b[i]], v,
							d->ids[t->b[i]], d->ids[t->a[i]], S[LP_IDX(b, a, n)]),
					 errdetail("The methods need a symmetric similarity; a pair given in one direction only is mirrored."),
					 errhint("Symmetrize it in the query, e.g. take the mean or the maximum of both directions."));
		given[LP_IDX(a, b, n)] = 1;
		S[LP_IDX(a, b, n)] = v;
		S[LP_IDX(b, a, n)] = v;
	}
	for (int i = 0; i < n; i++)
		S[LP_IDX(i, i, n)] = 1.0;
	pfree(given);
	return S;
}

static void
check_declared(IdDict *d, const char *argname)
{
	for (int i = 0; i < d->n; i++)
		if (d->in_associations[i] && !d->in_similarity[i])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("%s id \"%s\" of the associations is missing from argument \"%s\"",
							d->side, d->ids[i], argname),
					 errdetail("Every associated entity must appear in its side's similarity query."),
					 errhint("Add the row (%s, %s, 1) to declare an entity with no known similarity to others.",
							 d->ids[i], d->ids[i]));
}

static int
cmp_pair(const void *x, const void *y)
{
	const int  *a = x,
			   *b = y;

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

LpProblem *
lp_read_problem(const char *associations, const char *left_similarity,
				const char *right_similarity, const LpParams *params,
				int extra_matrices, const char *what)
{
	static const PmColumn assoc_spec[] = {
		{"left_id", TEXTOID, false}, {"right_id", TEXTOID, false}
	};
	static const PmColumn sim_spec[] = {
		{"id_a", TEXTOID, false}, {"id_b", TEXTOID, false}, {"similarity", FLOAT8OID, false}
	};
	LpProblem  *prob = palloc0(sizeof(LpProblem));
	IdDict		left,
				right;
	Triples		pairs = {0},
				lsim = {0},
				rsim = {0};
	AssocArg	aa;
	SimArg		sa;
	int		   *lmap,
			   *rmap;
	int		   *sorted_pairs;
	MemoryContext keep = CurrentMemoryContext;

	dict_init(&left, "left");
	dict_init(&right, "right");

	aa.left = &left;
	aa.right = &right;
	aa.pairs = &pairs;
	read_query("associations", associations, assoc_spec, 2, assoc_row, &aa, keep);
	if (pairs.n == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"associations\" returned no rows"),
				 errdetail("The methods learn from known associations; with none every score would be 0."),
				 errhint("Check the query's WHERE clause."));

	sa.dict = &left;
	sa.rows = &lsim;
	read_query("left_similarity", left_similarity, sim_spec, 3, sim_row, &sa, keep);
	sa.dict = &right;
	sa.rows = &rsim;
	read_query("right_similarity", right_similarity, sim_spec, 3, sim_row, &sa, keep);

	check_declared(&left, "left_similarity");
	check_declared(&right, "right_similarity");
	if (left.n < 2 || right.n < 2)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("link prediction needs at least 2 entities on each side, got %d left and %d right",
						left.n, right.n),
				 errdetail("A side with a single entity has no similarity structure to learn from."),
				 errhint("Add entities (with their similarities) to the smaller side."));

	/* size the whole run before building anything */
	lp_check_memory(params, left.n, right.n, extra_matrices, what);

	lmap = dict_sort(&left, &prob->left_ids);
	rmap = dict_sort(&right, &prob->right_ids);
	prob->nl = left.n;
	prob->nr = right.n;

	/* associations: sorted, duplicates rejected */
	sorted_pairs = palloc(sizeof(int) * 2 * pairs.n);
	for (int i = 0; i < pairs.n; i++)
	{
		sorted_pairs[2 * i] = lmap[pairs.a[i]];
		sorted_pairs[2 * i + 1] = rmap[pairs.b[i]];
	}
	qsort(sorted_pairs, pairs.n, 2 * sizeof(int), cmp_pair);
	prob->npairs = pairs.n;
	prob->pair_l = palloc(sizeof(int) * pairs.n);
	prob->pair_r = palloc(sizeof(int) * pairs.n);
	for (int i = 0; i < pairs.n; i++)
	{
		if (i > 0 && sorted_pairs[2 * i] == sorted_pairs[2 * i - 2] &&
			sorted_pairs[2 * i + 1] == sorted_pairs[2 * i - 1])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("association (%s, %s) is given more than once",
							prob->left_ids[sorted_pairs[2 * i]],
							prob->right_ids[sorted_pairs[2 * i + 1]]),
					 errhint("Use SELECT DISTINCT in the associations query."));
		prob->pair_l[i] = sorted_pairs[2 * i];
		prob->pair_r[i] = sorted_pairs[2 * i + 1];
	}

	prob->Sl = build_similarity(&left, &lsim, lmap, "left_similarity");
	prob->Sr = build_similarity(&right, &rsim, rmap, "right_similarity");
	prob->A = lp_alloc((size_t) prob->nl * prob->nr);
	for (int i = 0; i < prob->npairs; i++)
		prob->A[LP_IDX(prob->pair_l[i], prob->pair_r[i], prob->nl)] = 1.0;

	pfree(sorted_pairs);
	hash_destroy(left.hash);
	hash_destroy(right.hash);
	return prob;
}

typedef struct FoldArg
{
	LpProblem  *prob;
	IdDict	   *left;
	IdDict	   *right;
	int		   *fold_of;		/* per known pair */
	bool	   *has_fold;
	int		   *matrix;			/* pooled protocol: per pair (nl x nr), else NULL */
	bool	   *given;
} FoldArg;

static int
find_pair(LpProblem *prob, int l, int r)
{
	int			lo = 0,
				hi = prob->npairs - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = (prob->pair_l[mid] != l) ? (prob->pair_l[mid] < l ? -1 : 1)
			: (prob->pair_r[mid] != r ? (prob->pair_r[mid] < r ? -1 : 1) : 0);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static void
fold_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	FoldArg    *f = arg;
	char	   *lid = text_value(in, values, nulls, 0, "left_id");
	char	   *rid = text_value(in, values, nulls, 1, "right_id");
	bool		isnull;
	int			fold = DatumGetInt32(pm_row_value(in, values, nulls, 2, &isnull));
	int			l = dict_lookup(f->left, lid),
				r = dict_lookup(f->right, rid),
				p = (l >= 0 && r >= 0) ? find_pair(f->prob, l, r) : -1;

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("fold of (%s, %s) in argument \"folds\" is NULL", lid, rid));
	if (f->matrix)
	{
		size_t		e;

		if (l < 0 || r < 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("fold row (%s, %s) names an id that is in no input", lid, rid),
					 errdetail("With protocol \"pooled\" the folds query gives a fold to every left x right pair."));
		e = LP_IDX(l, r, f->prob->nl);
		if (f->given[e])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("pair (%s, %s) is given more than one fold", lid, rid),
					 errhint("Give each pair exactly one fold."));
		f->given[e] = true;
		f->matrix[e] = fold;
		if (p >= 0)
		{
			f->has_fold[p] = true;
			f->fold_of[p] = fold;
		}
		/* one fold row per pair: the ids are not kept */
		pfree(lid);
		pfree(rid);
		return;
	}
	if (p < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fold row (%s, %s) is not a known association", lid, rid),
				 errdetail("The folds query assigns each known association (and only those) to a fold."),
				 errhint("Join the folds to the associations query."));
	if (f->has_fold[p])
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("association (%s, %s) is given more than one fold", lid, rid),
				 errhint("Give each known association exactly one fold."));
	f->has_fold[p] = true;
	f->fold_of[p] = fold;
	pfree(lid);
	pfree(rid);
}

static int
cmp_int(const void *x, const void *y)
{
	int			a = *(const int *) x,
				b = *(const int *) y;

	return a < b ? -1 : (a > b);
}

/*
 * Per known pair, the index (0..nfolds-1) of its fold; *fold_values gets the
 * distinct fold labels in increasing order.  With all_pairs (the pooled
 * protocol) every left x right pair must have a fold, and *fold_matrix gets
 * the fold index of each pair (nl x nr).
 */
int *
lp_read_folds(LpProblem *prob, const char *folds, bool all_pairs, int *nfolds,
			  int **fold_values, int **fold_matrix)
{
	static const PmColumn fold_spec[] = {
		{"left_id", TEXTOID, false}, {"right_id", TEXTOID, false}, {"fold", INT4OID, false}
	};
	IdDict		left,
				right;
	FoldArg		fa;
	int		   *vals;
	int			nd = 0;

	dict_init(&left, "left");
	dict_init(&right, "right");
	for (int i = 0; i < prob->nl; i++)
		dict_intern(&left, prob->left_ids[i]);
	for (int i = 0; i < prob->nr; i++)
		dict_intern(&right, prob->right_ids[i]);

	fa.prob = prob;
	fa.left = &left;
	fa.right = &right;
	fa.fold_of = palloc(sizeof(int) * prob->npairs);
	fa.has_fold = palloc0(sizeof(bool) * prob->npairs);
	fa.matrix = NULL;
	fa.given = NULL;
	if (all_pairs)
	{
		size_t		len = (size_t) prob->nl * prob->nr;

		fa.matrix = palloc_extended(sizeof(int) * len, MCXT_ALLOC_HUGE);
		fa.given = palloc_extended(len, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	}
	read_query("folds", folds, fold_spec, 3, fold_row, &fa, CurrentMemoryContext);
	if (all_pairs)
	{
		for (int j = 0; j < prob->nr; j++)
			for (int i = 0; i < prob->nl; i++)
				if (!fa.given[LP_IDX(i, j, prob->nl)])
					pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
							 errmsg("pair (%s, %s) has no fold", prob->left_ids[i], prob->right_ids[j]),
							 errdetail("With protocol \"pooled\" every left x right pair, known or not, needs a fold."));
	}

	for (int i = 0; i < prob->npairs; i++)
		if (!fa.has_fold[i])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("association (%s, %s) has no fold",
							prob->left_ids[prob->pair_l[i]], prob->right_ids[prob->pair_r[i]]),
					 errdetail("Every known association must be held out in exactly one fold."),
					 errhint("Generate folds with precmed.link_folds(associations, 10, seed)."));

	{
		/* distinct fold labels: of the known pairs, or of all pairs */
		size_t		nv = all_pairs ? (size_t) prob->nl * prob->nr : (size_t) prob->npairs;
		int		   *src = all_pairs ? fa.matrix : fa.fold_of;

		vals = palloc_extended(sizeof(int) * nv, MCXT_ALLOC_HUGE);
		memcpy(vals, src, sizeof(int) * nv);
		qsort(vals, nv, sizeof(int), cmp_int);
		for (size_t i = 0; i < nv; i++)
			if (i == 0 || vals[i] != vals[nd - 1])
				vals[nd++] = vals[i];
	}
	if (nd < 2)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"folds\" has %d distinct fold, at least 2 are needed", nd),
				 errhint("Use for example 10 folds: precmed.link_folds(associations, 10, seed)."));
	for (int i = 0; i < prob->npairs; i++)
		fa.fold_of[i] = ((int *) bsearch(&fa.fold_of[i], vals, nd, sizeof(int), cmp_int)) - vals;
	if (all_pairs)
	{
		for (size_t e = 0; e < (size_t) prob->nl * prob->nr; e++)
			fa.matrix[e] = ((int *) bsearch(&fa.matrix[e], vals, nd, sizeof(int), cmp_int)) - vals;
		pfree(fa.given);
	}
	*fold_matrix = fa.matrix;

	hash_destroy(left.hash);
	hash_destroy(right.hash);
	*nfolds = nd;
	*fold_values = vals;
	return fa.fold_of;
}

static int
cmp_id_pair(const void *x, const void *y)
{
	char	  *const *a = x;
	char	  *const *b = y;
	int			c = strcmp(a[0], b[0]);

	return c ? c : strcmp(a[1], b[1]);
}

typedef struct PairArg
{
	char	  **ids;			/* left, right, left, right, ... */
	int			n;
	int			cap;
} PairArg;

static void
pair_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	PairArg    *p = arg;

	if (p->n == p->cap)
	{
		p->cap *= 2;
		if ((Size) p->cap * 2 * sizeof(char *) >= MaxAllocSize)
			pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
					 errmsg("too many rows in argument \"associations\""));
		p->ids = repalloc(p->ids, sizeof(char *) * 2 * p->cap);
	}
	p->ids[2 * p->n] = text_value(in, values, nulls, 0, "left_id");
	p->ids[2 * p->n + 1] = text_value(in, values, nulls, 1, "right_id");
	p->n++;
}

/*
 * Just the association pairs, sorted by (left_id, right_id) in byte order;
 * ids[2i], ids[2i+1] is pair i.  Empty sets and duplicates are errors.
 */
int
lp_read_pairs(const char *associations, char ***ids)
{
	static const PmColumn assoc_spec[] = {
		{"left_id", TEXTOID, false}, {"right_id", TEXTOID, false}
	};
	PairArg		pa;

	pa.cap = 1024;
	pa.n = 0;
	pa.ids = palloc(sizeof(char *) * 2 * pa.cap);
	read_query("associations", associations, assoc_spec, 2, pair_row, &pa,
			   CurrentMemoryContext);
	if (pa.n == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"associations\" returned no rows"),
				 errhint("Check the query's WHERE clause."));
	qsort(pa.ids, pa.n, 2 * sizeof(char *), cmp_id_pair);
	for (int i = 1; i < pa.n; i++)
		if (cmp_id_pair(&pa.ids[2 * i], &pa.ids[2 * i - 2]) == 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("association (%s, %s) is given more than once",
							pa.ids[2 * i], pa.ids[2 * i + 1]),
					 errhint("Use SELECT DISTINCT in the associations query."));
	*ids = pa.ids;
	return pa.n;
}
