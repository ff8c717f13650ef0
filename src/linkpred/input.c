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
#include "miscadmin.h"
#include "utils/builtins.h"

/* Where an id of one side appeared. */
#define SEEN_IN_SIMILARITY 1
#define SEEN_IN_ASSOCIATIONS 2

/* The ids of one side, in arrival order, and where each appeared. */
typedef struct Side
{
	PmIdDict   *ids;
	uint8	   *seen;			/* per id: SEEN_* bits */
	int64		capacity;		/* of seen */
	const char *name;			/* "left" or "right" */
} Side;

/* An empty side named name ("left" or "right"). */
static void
side_init(Side *s, const char *name)
{
	s->ids = pm_id_dict_create("link prediction ids", 1024);
	s->seen = NULL;
	s->capacity = 0;
	s->name = name;
}

/* The number of ids of the side. */
static int
side_count(const Side *s)
{
	return pm_id_dict_count(s->ids);
}

/* The index of id (text), added when new; marks where it was seen. */
static int
side_intern(Side *s, text *id, uint8 where)
{
	bool		is_new;
	int			i = pm_id_dict_intern(s->ids, VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), &is_new);

	if (is_new)
	{
		if (i >= s->capacity)
			s->seen = pm_array_grow(s->seen, &s->capacity, (int64) i + 1, sizeof(uint8),
									"link prediction ids");
		s->seen[i] = 0;
	}
	s->seen[i] |= where;
	return i;
}

/* Growable list of (a, b, value) rows. */
typedef struct Triple
{
	int			a;
	int			b;
	double		v;
} Triple;

typedef struct Triples
{
	Triple	   *rows;
	int64		n;
	int64		capacity;
} Triples;

/* Append (a, b, v), growing the list. */
static void
triples_add(Triples *t, int a, int b, double v)
{
	if (t->n == t->capacity)
	{
		if (t->n >= PG_INT32_MAX)
			pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
					 errmsg("too many rows in a link prediction input"),
					 errdetail("At most %d rows are read from one query.", PG_INT32_MAX));
		t->rows = pm_array_grow(t->rows, &t->capacity, t->n + 1, sizeof(Triple),
								"link prediction input rows");
	}
	t->rows[t->n].a = a;
	t->rows[t->n].b = b;
	t->rows[t->n].v = v;
	t->n++;
}

/* The text id in column col of a row, read in place; NULL is an error naming the column. */
static text *
id_value(PmQueryInput *in, Datum *values, bool *nulls, int col, const char *colname)
{
	bool		isnull;
	Datum		d = pm_row_value(in, values, nulls, col, &isnull);

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("column \"%s\" of the query for argument \"%s\" is NULL",
						colname, in->argname),
				 errhint("Filter NULL ids out in the query."));
	return DatumGetTextPP(d);
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
	Side	   *left;
	Side	   *right;
	Triples    *pairs;
} AssocArg;

/* One association: both ids interned, the pair kept. */
static void
assoc_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	AssocArg   *a = arg;
	int			l = side_intern(a->left, id_value(in, values, nulls, 0, "left_id"),
								SEEN_IN_ASSOCIATIONS);
	int			r = side_intern(a->right, id_value(in, values, nulls, 1, "right_id"),
								SEEN_IN_ASSOCIATIONS);

	triples_add(a->pairs, l, r, 1.0);
}

typedef struct SimArg
{
	Side	   *side;
	Triples    *rows;
} SimArg;

/* One similarity row: checked, both ids interned, the value kept. */
static void
sim_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	SimArg	   *s = arg;
	text	   *ida = id_value(in, values, nulls, 0, "id_a");
	text	   *idb = id_value(in, values, nulls, 1, "id_b");
	bool		isnull;
	double		v = DatumGetFloat8(pm_row_value(in, values, nulls, 2, &isnull));
	int			a,
				b;

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("similarity of (%s, %s) in argument \"%s\" is NULL",
						text_to_cstring(ida), text_to_cstring(idb), in->argname),
				 errhint("Leave the pair out (a missing pair counts as 0) or give a value in [0, 1]."));
	if (isnan(v) || isinf(v) || v < 0.0 || v > 1.0)
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("similarity of (%s, %s) in argument \"%s\" is %g, outside [0, 1]",
						text_to_cstring(ida), text_to_cstring(idb), in->argname, v),
				 errdetail("Similarities must be finite numbers between 0 and 1."),
				 errhint("Rescale the similarity (for example divide by its maximum) before calling."));
	a = side_intern(s->side, ida, SEEN_IN_SIMILARITY);
	b = side_intern(s->side, idb, SEEN_IN_SIMILARITY);
	triples_add(s->rows, a, b, v);
}

/* Order pointers to ids by byte order of the ids. */
static int
cmp_ids(const void *x, const void *y)
{
	return strcmp(**(char **const *) x, **(char **const *) y);
}

/* new_index[old] so that ids are in byte order; sorted ids in *sorted. */
static int *
side_sort(Side *s, char ***sorted)
{
	int			n = side_count(s);
	char	  **ids = pm_id_dict_ids(s->ids);
	char	 ***order = palloc(sizeof(char **) * Max(n, 1));
	int		   *map = palloc(sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
		order[i] = &ids[i];
	qsort(order, n, sizeof(char **), cmp_ids);
	*sorted = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		int			old = (int) (order[i] - ids);

		map[old] = i;
		(*sorted)[i] = ids[old];
	}
	pfree(order);
	return map;
}

/* The n x n similarity of a side: rows mirrored, diagonal 1, conflicts refused. */
static double *
build_similarity(Side *s, Triples *t, int *map, const char *argname)
{
	int			n = side_count(s);
	double	   *S = lp_alloc((size_t) n * n);
	char	   *given = palloc_extended(Max((size_t) n * n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int64 i = 0; i < t->n; i++)
	{
		const Triple *r = &t->rows[i];
		int			a = map[r->a],
					b = map[r->b];

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a == b)
			continue;			/* the diagonal is 1 */
		if (given[LP_IDX(a, b, n)])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("similarity pair (%s, %s) is given more than once in argument \"%s\"",
							pm_id_dict_id(s->ids, r->a), pm_id_dict_id(s->ids, r->b), argname),
					 errhint("Give each pair once (in one or both directions)."));
		if (given[LP_IDX(b, a, n)] && fabs(S[LP_IDX(b, a, n)] - r->v) > 1e-9)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("similarity in argument \"%s\" is not symmetric: (%s, %s) = %g but (%s, %s) = %g",
							argname, pm_id_dict_id(s->ids, r->a), pm_id_dict_id(s->ids, r->b), r->v,
							pm_id_dict_id(s->ids, r->b), pm_id_dict_id(s->ids, r->a), S[LP_IDX(b, a, n)]),
					 errdetail("The methods need a symmetric similarity; a pair given in one direction only is mirrored."),
					 errhint("Symmetrize it in the query, e.g. take the mean or the maximum of both directions."));
		given[LP_IDX(a, b, n)] = 1;
		S[LP_IDX(a, b, n)] = r->v;
		S[LP_IDX(b, a, n)] = r->v;
	}
	for (int i = 0; i < n; i++)
		S[LP_IDX(i, i, n)] = 1.0;
	pfree(given);
	return S;
}

/* Refuse an associated id absent from its side's similarity query. */
static void
check_declared(Side *s, const char *argname)
{
	for (int i = 0; i < side_count(s); i++)
		if ((s->seen[i] & SEEN_IN_ASSOCIATIONS) && !(s->seen[i] & SEEN_IN_SIMILARITY))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("%s id \"%s\" of the associations is missing from argument \"%s\"",
							s->name, pm_id_dict_id(s->ids, i), argname),
					 errdetail("Every associated entity must appear in its side's similarity query."),
					 errhint("Add the row (%s, %s, 1) to declare an entity with no known similarity to others.",
							 pm_id_dict_id(s->ids, i), pm_id_dict_id(s->ids, i)));
}

/* Order (left, right) index pairs. */
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

/* The associations as index pairs sorted by (left, right); a pair given twice is an error. */
static void
sort_pairs(LpProblem *prob, const Triples *pairs, const int *lmap, const int *rmap)
{
	int			n = (int) pairs->n;
	int		   *sorted = palloc(sizeof(int) * 2 * n);

	for (int i = 0; i < n; i++)
	{
		sorted[2 * i] = lmap[pairs->rows[i].a];
		sorted[2 * i + 1] = rmap[pairs->rows[i].b];
	}
	qsort(sorted, n, 2 * sizeof(int), cmp_pair);
	prob->npairs = n;
	prob->pair_l = palloc(sizeof(int) * n);
	prob->pair_r = palloc(sizeof(int) * n);
	for (int i = 0; i < n; i++)
	{
		if (i > 0 && sorted[2 * i] == sorted[2 * i - 2] &&
			sorted[2 * i + 1] == sorted[2 * i - 1])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("association (%s, %s) is given more than once",
							prob->left_ids[sorted[2 * i]],
							prob->right_ids[sorted[2 * i + 1]]),
					 errhint("Use SELECT DISTINCT in the associations query."));
		prob->pair_l[i] = sorted[2 * i];
		prob->pair_r[i] = sorted[2 * i + 1];
	}
	pfree(sorted);
}

/*
 * The problem of queries: entities, associations and similarities read,
 * checked, and sized against the memory cap (extra_matrices more nl x nr
 * float8 matrices for the caller) before any matrix is built.
 */
LpProblem *
lp_read_problem(const LpQueries *queries, const LpParams *params,
				int extra_matrices, const char *what)
{
	static const PmColumn assoc_spec[] = {
		{"left_id", TEXTOID, false}, {"right_id", TEXTOID, false}
	};
	static const PmColumn sim_spec[] = {
		{"id_a", TEXTOID, false}, {"id_b", TEXTOID, false}, {"similarity", FLOAT8OID, false}
	};
	LpProblem  *prob = palloc0(sizeof(LpProblem));
	Side		left,
				right;
	Triples		pairs = {0},
				lsim = {0},
				rsim = {0};
	AssocArg	aa;
	SimArg		sa;
	int		   *lmap,
			   *rmap;
	MemoryContext keep = CurrentMemoryContext;

	side_init(&left, "left");
	side_init(&right, "right");

	aa.left = &left;
	aa.right = &right;
	aa.pairs = &pairs;
	read_query("associations", queries->associations, assoc_spec, 2, assoc_row, &aa, keep);
	if (pairs.n == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"associations\" returned no rows"),
				 errdetail("The methods learn from known associations; with none every score would be 0."),
				 errhint("Check the query's WHERE clause."));

	sa.side = &left;
	sa.rows = &lsim;
	read_query("left_similarity", queries->left_similarity, sim_spec, 3, sim_row, &sa, keep);
	sa.side = &right;
	sa.rows = &rsim;
	read_query("right_similarity", queries->right_similarity, sim_spec, 3, sim_row, &sa, keep);

	check_declared(&left, "left_similarity");
	check_declared(&right, "right_similarity");
	if (side_count(&left) < 2 || side_count(&right) < 2)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("link prediction needs at least 2 entities on each side, got %d left and %d right",
						side_count(&left), side_count(&right)),
				 errdetail("A side with a single entity has no similarity structure to learn from."),
				 errhint("Add entities (with their similarities) to the smaller side."));

	/* size the whole run before building anything */
	lp_check_memory(params, side_count(&left), side_count(&right), extra_matrices, what);

	lmap = side_sort(&left, &prob->left_ids);
	rmap = side_sort(&right, &prob->right_ids);
	prob->nl = side_count(&left);
	prob->nr = side_count(&right);
	sort_pairs(prob, &pairs, lmap, rmap);

	prob->Sl = build_similarity(&left, &lsim, lmap, "left_similarity");
	prob->Sr = build_similarity(&right, &rsim, rmap, "right_similarity");
	prob->A = lp_alloc((size_t) prob->nl * prob->nr);
	for (int i = 0; i < prob->npairs; i++)
		prob->A[LP_IDX(prob->pair_l[i], prob->pair_r[i], prob->nl)] = 1.0;
	pfree(pairs.rows);
	if (lsim.rows)
		pfree(lsim.rows);
	if (rsim.rows)
		pfree(rsim.rows);
	return prob;
}

typedef struct FoldArg
{
	LpProblem  *prob;
	PmIdDict   *left;			/* the problem's ids: index = sorted index */
	PmIdDict   *right;
	int		   *fold_of;		/* per known pair */
	bool	   *has_fold;
	int		   *matrix;			/* pooled protocol: per pair (nl x nr), else NULL */
	bool	   *given;
} FoldArg;

/* The index of known pair (l, r), or -1 (binary search). */
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

/* The pooled protocol's row: a fold for pair (l, r), known or not. */
static void
fold_pooled(FoldArg *f, text *lid, text *rid, int l, int r, int p, int fold)
{
	size_t		e;

	if (l < 0 || r < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fold row (%s, %s) names an id that is in no input",
						text_to_cstring(lid), text_to_cstring(rid)),
				 errdetail("With protocol \"pooled\" the folds query gives a fold to every left x right pair."));
	e = LP_IDX(l, r, f->prob->nl);
	if (f->given[e])
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("pair (%s, %s) is given more than one fold",
						text_to_cstring(lid), text_to_cstring(rid)),
				 errhint("Give each pair exactly one fold."));
	f->given[e] = true;
	f->matrix[e] = fold;
	if (p >= 0)
	{
		f->has_fold[p] = true;
		f->fold_of[p] = fold;
	}
}

/* One fold row: the fold of a known pair (or, pooled, of any pair), checked. */
static void
fold_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	FoldArg    *f = arg;
	text	   *lid = id_value(in, values, nulls, 0, "left_id");
	text	   *rid = id_value(in, values, nulls, 1, "right_id");
	bool		isnull;
	int			fold = DatumGetInt32(pm_row_value(in, values, nulls, 2, &isnull));
	int			l = pm_id_dict_lookup(f->left, VARDATA_ANY(lid), VARSIZE_ANY_EXHDR(lid)),
				r = pm_id_dict_lookup(f->right, VARDATA_ANY(rid), VARSIZE_ANY_EXHDR(rid)),
				p = (l >= 0 && r >= 0) ? find_pair(f->prob, l, r) : -1;

	if (isnull)
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("fold of (%s, %s) in argument \"folds\" is NULL",
						text_to_cstring(lid), text_to_cstring(rid)));
	if (f->matrix)
	{
		fold_pooled(f, lid, rid, l, r, p, fold);
		return;
	}
	if (p < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fold row (%s, %s) is not a known association",
						text_to_cstring(lid), text_to_cstring(rid)),
				 errdetail("The folds query assigns each known association (and only those) to a fold."),
				 errhint("Join the folds to the associations query."));
	if (f->has_fold[p])
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("association (%s, %s) is given more than one fold",
						text_to_cstring(lid), text_to_cstring(rid)),
				 errhint("Give each known association exactly one fold."));
	f->has_fold[p] = true;
	f->fold_of[p] = fold;
}

/* A dictionary of ids whose index is their position in ids. */
static PmIdDict *
dict_of(char **ids, int n)
{
	PmIdDict   *d = pm_id_dict_create("link prediction ids", n);

	for (int i = 0; i < n; i++)
		(void) pm_id_dict_intern(d, ids[i], strlen(ids[i]), NULL);
	return d;
}

/* Order ints. */
static int
cmp_int(const void *x, const void *y)
{
	int			a = *(const int *) x,
				b = *(const int *) y;

	return a < b ? -1 : (a > b);
}

/* The distinct values of v[0..n-1], sorted, in a new array; *nd gets their count. */
static int *
distinct_sorted(const int *v, size_t n, int *nd)
{
	int		   *vals = palloc_extended(sizeof(int) * Max(n, 1), MCXT_ALLOC_HUGE);

	memcpy(vals, v, sizeof(int) * n);
	qsort(vals, n, sizeof(int), cmp_int);
	*nd = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || vals[i] != vals[*nd - 1])
			vals[(*nd)++] = vals[i];
	return vals;
}

/* Each of v[0..n-1] (one of labels) replaced by its index in labels. */
static void
relabel(int *v, size_t n, const int *labels, int nd)
{
	for (size_t i = 0; i < n; i++)
		v[i] = ((int *) bsearch(&v[i], labels, nd, sizeof(int), cmp_int)) - labels;
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
	FoldArg		fa;
	int		   *vals;
	int			nd = 0;

	fa.prob = prob;
	fa.left = dict_of(prob->left_ids, prob->nl);
	fa.right = dict_of(prob->right_ids, prob->nr);
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

	/* fold labels as indexes 0..nd-1: of the known pairs, or of all pairs */
	vals = distinct_sorted(all_pairs ? fa.matrix : fa.fold_of,
						   all_pairs ? (size_t) prob->nl * prob->nr : (size_t) prob->npairs, &nd);
	if (nd < 2)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"folds\" has %d distinct fold, at least 2 are needed", nd),
				 errhint("Use for example 10 folds: precmed.link_folds(associations, 10, seed)."));
	relabel(fa.fold_of, prob->npairs, vals, nd);
	if (all_pairs)
	{
		relabel(fa.matrix, (size_t) prob->nl * prob->nr, vals, nd);
		pfree(fa.given);
	}
	*fold_matrix = fa.matrix;
	*nfolds = nd;
	*fold_values = vals;
	return fa.fold_of;
}

/* Order (left id, right id) pairs by byte order. */
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
	int64		n;				/* pairs */
	int64		capacity;		/* of ids */
} PairArg;

/* One association of link_folds: both ids kept. */
static void
pair_row(void *arg, PmQueryInput *in, Datum *values, bool *nulls)
{
	PairArg    *p = arg;

	if (2 * p->n + 2 > p->capacity)
	{
		if (p->n >= PG_INT32_MAX)
			pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
					 errmsg("too many rows in argument \"associations\""),
					 errdetail("At most %d rows are read from one query.", PG_INT32_MAX));
		p->ids = pm_array_grow(p->ids, &p->capacity, 2 * p->n + 2, sizeof(char *),
							   "link_folds");
	}
	p->ids[2 * p->n] = text_to_cstring(id_value(in, values, nulls, 0, "left_id"));
	p->ids[2 * p->n + 1] = text_to_cstring(id_value(in, values, nulls, 1, "right_id"));
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
	PairArg		pa = {0};

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
	return (int) pa.n;
}
