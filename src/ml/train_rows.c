/*
 * train_rows.c: the state of precmed.train_xgboost and precmed.train_logreg.
 *
 * Both aggregates collect the training matrix (features and 0/1 labels) in
 * the aggregate memory context; the final function trains.  The state has
 * combine, serial and deserial functions so the rows can be gathered by
 * parallel workers; the final function sorts the rows into a canonical order
 * first, so the model does not depend on the order the rows arrived in.  A
 * state leaving its process (a parallel worker's, an X_state's) is sorted
 * there, and two sorted states combine by a linear merge, so under parallel
 * query the sort runs in the workers.
 */
#include "ml/ml.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

static void rows_sort(MlTrainRows *r);
static int	cmp_row_values(const double *xa, double ya, const double *xb, double yb, int nf);

/* An empty state in cxt. */
static MlTrainRows *
rows_new(MemoryContext cxt)
{
	MlTrainRows *r = MemoryContextAllocZero(cxt, sizeof(MlTrainRows));

	r->nfeatures = -1;
	return r;
}

/*
 * Make room for need rows in cxt: doubling for the transition function,
 * exactly (exact) when combining or deserializing, whose sizes are known.
 * The aggregate's memory (all its groups) plus the growth must stay within
 * precmed.max_memory_mb.
 */
static void
rows_reserve(MlTrainRows *r, int64 need, MemoryContext cxt, bool exact)
{
	int64		cap;
	int			nf = Max(r->nfeatures, 1);
	double		grow;

	if (need <= r->capacity)
		return;
	cap = exact ? need : Max(need, Max(64, r->capacity * 2));
	if ((double) cap * nf * sizeof(double) > (double) MaxAllocHugeSize / 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large: %lld rows of %d features",
						(long long) need, r->nfeatures),
				 errhint("Train on a sample of the rows."));
	grow = (double) (cap - r->capacity) * (nf + 1) * sizeof(double);
	pm_check_memory((double) MemoryContextMemAllocated(cxt, false) + grow,
					psprintf("collecting %lld training rows of %d features",
							 (long long) need, nf));
	if (r->x == NULL)
	{
		r->x = MemoryContextAllocHuge(cxt, sizeof(double) * cap * nf);
		r->y = MemoryContextAllocHuge(cxt, sizeof(double) * cap);
	}
	else
	{
		r->x = repalloc_huge(r->x, sizeof(double) * cap * nf);
		r->y = repalloc_huge(r->y, sizeof(double) * cap);
	}
	r->capacity = cap;
}

/* Release a state's buffers (a state combine absorbed). */
static void
rows_free(MlTrainRows *r)
{
	if (r->x)
		pfree(r->x);
	if (r->y)
		pfree(r->y);
	if (r->params)
		pfree(r->params);
	if (r->params_raw)
		pfree(r->params_raw);
	pfree(r);
}

/* Record the params text of a row: every row must carry the same (or none). */
static void
rows_set_params(MlTrainRows *r, const char *params, MemoryContext cxt)
{
	if (params == NULL)
		return;
	if (r->params == NULL)
		r->params = MemoryContextStrdup(cxt, params);
	else if (strcmp(r->params, params) != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"params\" differs between rows"),
				 errdetail("One row has %s, another %s.", r->params, params),
				 errhint("Pass the same params value on every row, e.g. a constant."));
}

/*
 * train_rows_accum(state internal, features float8[], label float8 [, params jsonb]):
 * the state with the row appended; refuses NULL features or label, a label
 * other than 0/1, an empty or infinite vector, a length or params differing
 * from earlier rows.
 */
PG_FUNCTION_INFO_V1(train_rows_accum);
Datum
train_rows_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MlTrainRows *r;
	double	   *v;
	double		label;
	int			n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "train_rows_accum called in non-aggregate context");
	r = PG_ARGISNULL(0) ? rows_new(aggcxt) : (MlTrainRows *) PG_GETARG_POINTER(0);
	AssertCheckMlTrainRows(r);

	if (PG_ARGISNULL(1))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"features\" is NULL in training row %lld",
						(long long) r->nrows + 1),
				 errhint("Pass an array (its elements may be NULL for missing values), or filter such rows out."));
	if (PG_ARGISNULL(2))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"label\" is NULL in training row %lld",
						(long long) r->nrows + 1),
				 errhint("Every training row needs a label 0 or 1; filter unlabelled rows out with WHERE label IS NOT NULL."));
	label = PG_GETARG_FLOAT8(2);
	if (isnan(label) || (label != 0.0 && label != 1.0))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"label\" is %s in training row %lld; labels must be 0 or 1",
						isnan(label) ? "NaN" : psprintf("%g", label), (long long) r->nrows + 1),
				 errhint("Use 1 for the outcome (e.g. AKI) and 0 for its absence, e.g. label::int::float8."));

	v = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features",
						  r->nfeatures, &n, false);
	if (n == 0)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"features\" is an empty array"),
				 errhint("A model needs at least one feature."));
	if (r->nfeatures < 0)
		r->nfeatures = n;

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(3);

		if (pm_params_changed(jb, &r->params_raw, aggcxt))
			rows_set_params(r, JsonbToCString(NULL, &jb->root, 0), aggcxt);
	}

	rows_reserve(r, r->nrows + 1, aggcxt, false);
	memcpy(r->x + r->nrows * r->nfeatures, v, sizeof(double) * n);
	r->y[r->nrows] = label;
	r->nrows++;
	r->sorted = false;
	AssertCheckMlTrainRows(r);
	PG_RETURN_POINTER(r);
}

/* Merge the sorted rows of b into the sorted a (new buffers in cxt). */
static void
rows_merge(MlTrainRows *a, const MlTrainRows *b, MemoryContext cxt)
{
	int64		n = a->nrows + b->nrows,
				i = 0,
				j = 0;
	int			nf = a->nfeatures;
	double	   *x,
			   *y;

	pm_check_memory((double) MemoryContextMemAllocated(cxt, false) +
					(double) n * (nf + 1) * sizeof(double),
					psprintf("merging %lld training rows of %d features", (long long) n, nf));
	x = MemoryContextAllocHuge(cxt, sizeof(double) * n * nf);
	y = MemoryContextAllocHuge(cxt, sizeof(double) * n);
	for (int64 k = 0; k < n; k++)
	{
		bool		from_b = i >= a->nrows ||
			(j < b->nrows && cmp_row_values(b->x + j * nf, b->y[j], a->x + i * nf, a->y[i], nf) < 0);

		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (from_b)
		{
			memcpy(x + k * nf, b->x + j * nf, sizeof(double) * nf);
			y[k] = b->y[j++];
		}
		else
		{
			memcpy(x + k * nf, a->x + i * nf, sizeof(double) * nf);
			y[k] = a->y[i++];
		}
	}
	pfree(a->x);
	pfree(a->y);
	a->x = x;
	a->y = y;
	a->nrows = a->capacity = n;
}

/*
 * Combine (the state with both sets of rows; refuses feature vectors of
 * different lengths or params): append the state with fewer rows to the one
 * with more and free it.  The second state comes from the deserial function,
 * which allocates it in the aggregate context, so it can be kept (adopted)
 * rather than copied: a worker's rows are never held twice in the leader.
 * Row order does not matter, the final functions sort the rows.
 */
PG_FUNCTION_INFO_V1(train_rows_combine);
Datum
train_rows_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	void	   *pa,
			   *pb;
	MlTrainRows *a,
			   *b;

	if (!ml_combine_begin(fcinfo, &aggcxt, &pa, &pb))
	{
		if (pa == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(pa);
	}
	a = (MlTrainRows *) pa;
	b = (MlTrainRows *) pb;
	AssertCheckMlTrainRows(a);
	AssertCheckMlTrainRows(b);
	if (a->nrows > 0 && b->nrows > 0 && a->nfeatures != b->nfeatures)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"features\" has %d elements in some rows and %d in others",
						a->nfeatures, b->nfeatures),
				 errhint("Every feature vector must have the same length."));
	if (b->params)
		rows_set_params(a, b->params, aggcxt);
	if (b->nrows > a->nrows)
	{
		MlTrainRows *t = a;

		/* keep the larger buffers; the params are the same by now */
		if (a->params && b->params == NULL)
			rows_set_params(b, a->params, aggcxt);
		a = b;
		b = t;
	}
	if (a->nrows > 0 && b->nrows > 0 && a->sorted && b->sorted)
		rows_merge(a, b, aggcxt);
	else if (b->nrows > 0)
	{
		if (a->nfeatures < 0)
			a->nfeatures = b->nfeatures;
		rows_reserve(a, a->nrows + b->nrows, aggcxt, true);
		memcpy(a->x + a->nrows * a->nfeatures, b->x, sizeof(double) * b->nrows * b->nfeatures);
		memcpy(a->y + a->nrows, b->y, sizeof(double) * b->nrows);
		a->sorted = a->nrows == 0 && b->sorted;
		a->nrows += b->nrows;
	}
	rows_free(b);
	AssertCheckMlTrainRows(a);
	PG_RETURN_POINTER(a);
}

/*
 * The state's payload: int32 nfeatures, int64 nrows, int32 params_len (-1 =
 * none), params, x, y; rows in canonical order (the state is sorted first,
 * in the process that made it).  Refuses states over 1 GB.
 */
static bytea *
rows_write(void *state)
{
	MlTrainRows *r = (MlTrainRows *) state;
	int32		plen = r->params ? (int32) strlen(r->params) : -1;
	int			nf = Max(r->nfeatures, 0);
	Size		size = VARHDRSZ + 16 + Max(plen, 0)
		+ sizeof(double) * r->nrows * (nf + 1);
	bytea	   *out;
	char	   *p;

	AssertCheckMlTrainRows(r);
	if (r->nrows >= 2 && !r->sorted)
	{
		pm_check_memory(ml_train_rows_bytes(r) + ml_train_rows_sort_bytes(r->nrows, nf),
						psprintf("sorting %lld training rows", (long long) r->nrows));
		rows_sort(r);
	}
	r->sorted = true;
	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large to pass on in one state"),
				 errdetail("%lld rows of %d features.", (long long) r->nrows, nf),
				 errhint("Run the training query without parallel workers (SET max_parallel_workers_per_gather = 0) or train on a sample."));
	/* the process holds its rows and their serialized copy */
	pm_check_memory(ml_train_rows_bytes(r) + (double) size,
					psprintf("passing on %lld training rows", (long long) r->nrows));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &r->nfeatures, 4);
	memcpy(p + 4, &r->nrows, 8);
	memcpy(p + 12, &plen, 4);
	p += 16;
	if (plen > 0)
	{
		memcpy(p, r->params, plen);
		p += plen;
	}
	if (r->nrows > 0)
	{
		memcpy(p, r->x, sizeof(double) * r->nrows * nf);
		p += sizeof(double) * r->nrows * nf;
		memcpy(p, r->y, sizeof(double) * r->nrows);
	}
	return out;
}

/*
 * A state read from a payload rows_write wrote: 22P03 unless the sizes
 * agree, labels are 0 or 1, features finite or NaN, params free of NULs.
 */
static void *
rows_read(const char *p, Size len, MemoryContext cxt)
{
	MlTrainRows *r;
	int32		nf,
				plen;
	int64		nrows;

	if (len < 16)
		pm_state_corrupt(&ml_rows_family, psprintf("The training state is truncated (%zu bytes).", len));
	memcpy(&nf, p, 4);
	memcpy(&nrows, p + 4, 8);
	memcpy(&plen, p + 12, 4);
	if (nf < -1 || nf == 0 || nrows < 0 || plen < -1 || (nf < 0 && nrows > 0) ||
		(double) nrows * (Max(nf, 0) + 1) * sizeof(double) > (double) MaxAllocHugeSize ||
		len != 16 + (Size) Max(plen, 0) + sizeof(double) * nrows * (Max(nf, 0) + 1))
		pm_state_corrupt(&ml_rows_family,
						 psprintf("%zu bytes for %lld rows of %d features.", len, (long long) nrows, nf));
	r = rows_new(cxt);
	r->nfeatures = nf;
	p += 16;
	if (plen >= 0)
	{
		if (memchr(p, '\0', plen) != NULL)
			pm_state_corrupt(&ml_rows_family, "The params text holds a zero byte.");
		r->params = MemoryContextAlloc(cxt, plen + 1);
		memcpy(r->params, p, plen);
		r->params[plen] = '\0';
		p += plen;
	}
	if (nrows > 0)
	{
		rows_reserve(r, nrows, cxt, true);
		memcpy(r->x, p, sizeof(double) * nrows * nf);
		p += sizeof(double) * nrows * nf;
		memcpy(r->y, p, sizeof(double) * nrows);
		for (int64 i = 0; i < nrows; i++)
		{
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (r->y[i] != 0.0 && r->y[i] != 1.0)
				pm_state_corrupt(&ml_rows_family,
								 psprintf("Row %lld has a label other than 0 or 1.", (long long) i + 1));
			for (int j = 0; j < nf; j++)
				if (isinf(r->x[i * nf + j]))
					pm_state_corrupt(&ml_rows_family,
									 psprintf("Row %lld has an infinite feature.", (long long) i + 1));
			if (i > 0 && cmp_row_values(r->x + (i - 1) * nf, r->y[i - 1], r->x + i * nf, r->y[i], nf) > 0)
				pm_state_corrupt(&ml_rows_family,
								 psprintf("Row %lld is out of canonical order.", (long long) i + 1));
		}
		r->nrows = nrows;
	}
	r->sorted = true;
	AssertCheckMlTrainRows(r);
	return r;
}

/* precmed.rows_state: the training rows as a payload. */
const PmStateFamily ml_rows_family = {
	"rows_state", PM_STATE_ROWS, 0, rows_write, rows_read
};

/* 0.1.0's serial and deserial functions (internal state). */
PM_STATE_LEGACY_SERIAL(train_rows_serialize, train_rows_deserialize, ml_rows_family)

/* precmed.rows_state: the training aggregates' concrete state type. */
PM_STATE_FUNCTIONS(rows_state, ml_rows_family, train_rows_accum, train_rows_combine)

/*
 * Canonical row order.  Rows are sorted through (first feature, row index)
 * pairs so most comparisons touch only the pair; rows whose first features
 * tie are compared in full.
 */
typedef struct RowKey
{
	double		first;
	int64		row;
} RowKey;

typedef struct RowSortArg
{
	int			nfeatures;
	const double *x;
	const double *y;
} RowSortArg;

/* Ascending, NaN last. */
static inline int
cmp_double_nan_last(double a, double b)
{
	if (isnan(a))
		return isnan(b) ? 0 : 1;
	if (isnan(b))
		return -1;
	return (a > b) - (a < b);
}

/* Two rows compared feature by feature (NaN last), then by label: cmp_rows' order. */
static int
cmp_row_values(const double *xa, double ya, const double *xb, double yb, int nf)
{
	for (int j = 0; j < nf; j++)
	{
		int			c = cmp_double_nan_last(xa[j], xb[j]);

		if (c != 0)
			return c;
	}
	return cmp_double_nan_last(ya, yb);
}

/* Rows compared feature by feature (NaN last), then by label. */
static int
cmp_rows(const void *pa, const void *pb, void *arg)
{
	const RowKey *ka = pa;
	const RowKey *kb = pb;
	const RowSortArg *s = arg;
	const double *xa,
			   *xb;
	int			c = cmp_double_nan_last(ka->first, kb->first);

	if (c != 0)
		return c;
	xa = s->x + ka->row * s->nfeatures;
	xb = s->x + kb->row * s->nfeatures;
	for (int j = 1; j < s->nfeatures; j++)
	{
		c = cmp_double_nan_last(xa[j], xb[j]);
		if (c != 0)
			return c;
	}
	return cmp_double_nan_last(s->y[ka->row], s->y[kb->row]);
}

/* Bytes ml_train_rows_sort allocates for nrows rows of nfeatures. */
double
ml_train_rows_sort_bytes(int64 nrows, int nfeatures)
{
	return (double) nrows * (sizeof(RowKey) + sizeof(double) * (nfeatures + 1));
}

/* Reorder the rows (x, y) by cmp_rows. */
static void
rows_sort(MlTrainRows *r)
{
	RowKey	   *keys;
	RowSortArg	arg;
	double	   *x,
			   *y;
	int			nf = r->nfeatures;

	keys = palloc_extended(sizeof(RowKey) * r->nrows, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < r->nrows; i++)
	{
		keys[i].first = r->x[i * nf];
		keys[i].row = i;
	}
	arg.nfeatures = nf;
	arg.x = r->x;
	arg.y = r->y;
	/* millions of rows take seconds: a sort that checks for cancellation */
	qsort_interruptible(keys, r->nrows, sizeof(RowKey), cmp_rows, &arg);
	x = palloc_extended(sizeof(double) * r->nrows * nf, MCXT_ALLOC_HUGE);
	y = palloc_extended(sizeof(double) * r->nrows, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < r->nrows; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		memcpy(x + i * nf, r->x + keys[i].row * nf, sizeof(double) * nf);
		y[i] = r->y[keys[i].row];
	}
	memcpy(r->x, x, sizeof(double) * r->nrows * nf);
	memcpy(r->y, y, sizeof(double) * r->nrows);
	pfree(x);
	pfree(y);
	pfree(keys);
}

/* Canonical order, then the positives counted (see ml.h). */
int64
ml_train_rows_sort(MlTrainRows *r)
{
	int64		npos = 0;

	AssertCheckMlTrainRows(r);
	if (r->nrows >= 2 && !r->sorted)
		rows_sort(r);
	r->sorted = true;
	for (int64 i = 0; i < r->nrows; i++)
		npos += r->y[i] == 1.0;
	if (npos == 0 || npos == r->nrows)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set has only one class: %lld rows, all labelled %d",
						(long long) r->nrows, npos ? 1 : 0),
				 errhint("A classifier needs rows labelled 0 and rows labelled 1."));
	return npos;
}

/* The state a final function received, checked non-empty. */
MlTrainRows *
ml_train_rows_final_arg(FunctionCallInfo fcinfo, const char *aggname)
{
	MlTrainRows *r;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "final function of %s called in non-aggregate context", aggname);
	r = PG_ARGISNULL(0) ? NULL : (MlTrainRows *) PG_GETARG_POINTER(0);
	if (r == NULL || r->nrows == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("training set is empty"),
				 errdetail("%s received no rows.", aggname),
				 errhint("Check the query's WHERE clause and joins."));
	AssertCheckMlTrainRows(r);
	return r;
}

/* The params text of the rows, parsed and read against set. */
void
ml_train_rows_params(const MlTrainRows *r, const PmParamSet *set, void *out)
{
	Jsonb	   *params = NULL;

	if (r->params != NULL)
		params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(r->params)));
	pm_read_params(params, set, 0, out);
}
