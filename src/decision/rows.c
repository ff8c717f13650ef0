/*
 * rows.c: the state of precmed.train_multilabel.
 *
 * The aggregate collects the training matrix (features) and, per row, one
 * label per panel outcome (true, false, or NULL for unknown) in the
 * aggregate memory context; the final function (train.c) trains.  The
 * combine function lets parallel workers gather rows; training
 * does not depend on the order rows arrive in (the trainers sort their rows,
 * inner folds are fixed by a hash of each row's contents).  The state is
 * the SQL type precmed.multilabel_rows_state (src/common/agg_state.c), so
 * it also travels between servers (train_multilabel_state / _merge).
 */
#include "decision/decision.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* An empty state in cxt. */
static DecRows *
rows_new(MemoryContext cxt)
{
	DecRows    *r = MemoryContextAllocZero(cxt, sizeof(DecRows));

	r->nfeatures = -1;
	r->nlabels = -1;
	return r;
}

/* Bytes a row takes in the state. */
static inline double
row_bytes(const DecRows *r)
{
	return (double) Max(r->nfeatures, 1) * sizeof(double) + Max(r->nlabels, 1);
}

/*
 * Make room for need rows in cxt (doubling, or exactly when exact); the
 * aggregate's memory plus the growth stays within precmed.max_memory_mb.
 */
static void
rows_reserve(DecRows *r, int64 need, MemoryContext cxt, bool exact)
{
	int64		cap;
	int			nf = Max(r->nfeatures, 1);
	int			nl = Max(r->nlabels, 1);

	if (need <= r->capacity)
		return;
	cap = exact ? need : Max(need, Max(64, r->capacity * 2));
	if ((double) cap * nf * sizeof(double) > (double) MaxAllocHugeSize / 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large: %lld rows of %d features",
						(long long) need, r->nfeatures),
				 errhint("Train on a sample of the rows."));
	pm_check_memory((double) MemoryContextMemAllocated(cxt, false) +
					(double) (cap - r->capacity) * row_bytes(r),
					psprintf("collecting %lld multi-label training rows of %d features",
							 (long long) need, nf));
	if (r->x == NULL)
	{
		r->x = MemoryContextAllocHuge(cxt, sizeof(double) * cap * nf);
		r->y = MemoryContextAllocHuge(cxt, (Size) cap * nl);
	}
	else
	{
		r->x = repalloc_huge(r->x, sizeof(double) * cap * nf);
		r->y = repalloc_huge(r->y, (Size) cap * nl);
	}
	r->capacity = cap;
}

/* Record the params text of a row: every row must carry the same (or none). */
static void
rows_set_params(DecRows *r, const char *params, MemoryContext cxt)
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
 * Read a labels argument into out (0, 1, DEC_LABEL_UNKNOWN for NULL):
 * one-dimensional, 1..DEC_MAX_LABELS elements, expected_len when >= 0.
 */
static int
read_labels(ArrayType *a, int expected_len, int8 *out, int64 row)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(a) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"labels\" must be a one-dimensional array, not %d-dimensional",
						ARR_NDIM(a)),
				 errhint("Pass one boolean per label, e.g. ARRAY[died, long_stay, aki]."));
	deconstruct_array(a, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &nulls, &n);
	if (n == 0)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"labels\" is an empty array in training row %lld", (long long) row),
				 errhint("A multi-label model needs at least one label per row (NULL for unknown)."));
	if (n > DEC_MAX_LABELS)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"labels\" has %d elements, more than the %d precmed allows",
						n, DEC_MAX_LABELS),
				 errhint("Train separate models for groups of labels."));
	if (expected_len >= 0 && n != expected_len)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"labels\" has %d elements in training row %lld, earlier rows had %d",
						n, (long long) row, expected_len),
				 errhint("Every row needs one element per label, in the same order (NULL for unknown)."));
	if (out != NULL)
		for (int i = 0; i < n; i++)
			out[i] = nulls[i] ? DEC_LABEL_UNKNOWN : (int8) DatumGetBool(elems[i]);
	pfree(elems);
	pfree(nulls);
	return n;
}

/*
 * dec_rows_accum(state internal, features float8[], labels boolean[] [, params jsonb]):
 * the state with the row appended.  Refuses NULL features or labels, vectors
 * of another length than earlier rows', an infinity, params that change.
 */
PG_FUNCTION_INFO_V1(dec_rows_accum);
Datum
dec_rows_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	DecRows    *r;
	double	   *v;
	ArrayType  *labels;
	int			n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "dec_rows_accum called in non-aggregate context");
	r = PG_ARGISNULL(0) ? rows_new(aggcxt) : (DecRows *) PG_GETARG_POINTER(0);
	AssertCheckDecRows(r);

	if (PG_ARGISNULL(1))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"features\" is NULL in training row %lld", (long long) r->nrows + 1),
				 errhint("Pass an array (its elements may be NULL for missing values), or filter such rows out."));
	if (PG_ARGISNULL(2))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"labels\" is NULL in training row %lld", (long long) r->nrows + 1),
				 errhint("Pass an array with one element per label; an unknown label is a NULL element."));
	v = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features", r->nfeatures, &n, false);
	if (n == 0)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"features\" is an empty array"),
				 errhint("A model needs at least one feature."));
	labels = PG_GETARG_ARRAYTYPE_P(2);
	if (r->nlabels < 0)
	{
		r->nlabels = read_labels(labels, -1, NULL, r->nrows + 1);
		r->nfeatures = n;
	}

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		Jsonb	   *jb = PG_GETARG_JSONB_P(3);

		if (pm_params_changed(jb, &r->params_raw, aggcxt))
			rows_set_params(r, JsonbToCString(NULL, &jb->root, 0), aggcxt);
	}

	rows_reserve(r, r->nrows + 1, aggcxt, false);
	read_labels(labels, r->nlabels, r->y + r->nrows * r->nlabels, r->nrows + 1);
	memcpy(r->x + r->nrows * r->nfeatures, v, sizeof(double) * n);
	r->nrows++;
	AssertCheckDecRows(r);
	PG_RETURN_POINTER(r);
}

/* Release a state's buffers (a state combine absorbed). */
static void
rows_free(DecRows *r)
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

/*
 * Combine: the state with both sets of rows (the smaller appended to the
 * larger, which is kept); refuses vectors of different lengths or params.
 */
PG_FUNCTION_INFO_V1(dec_rows_combine);
Datum
dec_rows_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	void	   *pa,
			   *pb;
	DecRows    *a,
			   *b;

	if (!ml_combine_begin(fcinfo, &aggcxt, &pa, &pb))
	{
		if (pa == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(pa);
	}
	a = (DecRows *) pa;
	b = (DecRows *) pb;
	AssertCheckDecRows(a);
	AssertCheckDecRows(b);
	if (a->nrows > 0 && b->nrows > 0 &&
		(a->nfeatures != b->nfeatures || a->nlabels != b->nlabels))
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("training rows differ in length: %d features and %d labels in some, %d and %d in others",
						a->nfeatures, a->nlabels, b->nfeatures, b->nlabels),
				 errhint("Every feature vector, and every labels array, must have the same length."));
	if (b->params)
		rows_set_params(a, b->params, aggcxt);
	if (b->nrows > a->nrows)
	{
		DecRows    *t = a;

		if (a->params && b->params == NULL)
			rows_set_params(b, a->params, aggcxt);
		a = b;
		b = t;
	}
	if (b->nrows > 0)
	{
		rows_reserve(a, a->nrows + b->nrows, aggcxt, true);
		memcpy(a->x + a->nrows * a->nfeatures, b->x, sizeof(double) * b->nrows * b->nfeatures);
		memcpy(a->y + a->nrows * a->nlabels, b->y, (Size) b->nrows * b->nlabels);
		a->nrows += b->nrows;
	}
	rows_free(b);
	AssertCheckDecRows(a);
	PG_RETURN_POINTER(a);
}

/*
 * The state's payload: int32 nfeatures, int32 nlabels, int64 nrows, int32
 * params_len (-1 = none), params, x, y.  Refuses states over 1 GB.
 */
static bytea *
rows_write(void *state)
{
	DecRows    *r = (DecRows *) state;
	int32		plen = r->params ? (int32) strlen(r->params) : -1;
	int			nf = Max(r->nfeatures, 0);
	int			nl = Max(r->nlabels, 0);
	double		dsize = VARHDRSZ + 20.0 + Max(plen, 0) +
		(double) r->nrows * (nf * sizeof(double) + nl);
	Size		size;
	bytea	   *out;
	char	   *p;

	AssertCheckDecRows(r);
	if (dsize > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("training set too large to pass on in one state"),
				 errdetail("%lld rows of %d features.", (long long) r->nrows, nf),
				 errhint("Run the training query without parallel workers (SET max_parallel_workers_per_gather = 0) or train on a sample."));
	size = (Size) dsize;
	/* the process holds its rows and their serialized copy */
	pm_check_memory((double) r->capacity * row_bytes(r) + dsize,
					psprintf("passing on %lld multi-label training rows",
							 (long long) r->nrows));
	out = palloc(size);
	SET_VARSIZE(out, size);
	p = VARDATA(out);
	memcpy(p, &r->nfeatures, 4);
	memcpy(p + 4, &r->nlabels, 4);
	memcpy(p + 8, &r->nrows, 8);
	memcpy(p + 16, &plen, 4);
	p += 20;
	if (plen > 0)
	{
		memcpy(p, r->params, plen);
		p += plen;
	}
	if (r->nrows > 0)
	{
		memcpy(p, r->x, sizeof(double) * r->nrows * nf);
		p += sizeof(double) * r->nrows * nf;
		memcpy(p, r->y, (Size) r->nrows * nl);
	}
	return out;
}

/*
 * A state read from a payload rows_write wrote: 22P03 unless the sizes
 * agree, labels are 0, 1 or unknown, features finite or NaN (missing) and
 * the params text free of zero bytes.
 */
static void *
rows_read(const char *p, Size len, MemoryContext cxt)
{
	DecRows    *r;
	int32		nf,
				nl,
				plen;
	int64		nrows;

	if (len < 20)
		pm_state_corrupt(&dec_rows_family,
						 psprintf("The multi-label training state is truncated (%zu bytes).", len));
	memcpy(&nf, p, 4);
	memcpy(&nl, p + 4, 4);
	memcpy(&nrows, p + 8, 8);
	memcpy(&plen, p + 16, 4);
	if (nf < -1 || nf == 0 || nl < -1 || nl == 0 || nl > DEC_MAX_LABELS ||
		(nf < 0) != (nl < 0) || nrows < 0 || plen < -1 || (nf < 0 && nrows > 0) ||
		(double) nrows * (Max(nf, 0) * sizeof(double) + Max(nl, 0)) > (double) MaxAllocHugeSize ||
		(double) len != 20.0 + Max(plen, 0) + (double) nrows * (Max(nf, 0) * sizeof(double) + Max(nl, 0)))
		pm_state_corrupt(&dec_rows_family,
						 psprintf("%zu bytes for %lld rows of %d features and %d labels.",
								  len, (long long) nrows, nf, nl));
	r = rows_new(cxt);
	r->nfeatures = nf;
	r->nlabels = nl;
	p += 20;
	if (plen >= 0)
	{
		if (memchr(p, '\0', plen) != NULL)
			pm_state_corrupt(&dec_rows_family, "The params text holds a zero byte.");
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
		memcpy(r->y, p, (Size) nrows * nl);
		for (int64 i = 0; i < nrows; i++)
		{
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			for (int j = 0; j < nf; j++)
				if (isinf(r->x[i * nf + j]))
					pm_state_corrupt(&dec_rows_family,
									 psprintf("Row %lld has an infinite feature.", (long long) i + 1));
			for (int l = 0; l < nl; l++)
				if (r->y[i * nl + l] < DEC_LABEL_UNKNOWN || r->y[i * nl + l] > 1)
					pm_state_corrupt(&dec_rows_family,
									 psprintf("Row %lld has a label other than true, false or unknown.",
											  (long long) i + 1));
		}
		r->nrows = nrows;
	}
	AssertCheckDecRows(r);
	return r;
}

/* precmed.multilabel_rows_state: the training rows as a payload. */
const PmStateFamily dec_rows_family = {
	"multilabel_rows_state", PM_STATE_MULTILABEL_ROWS, 0, rows_write, rows_read
};

/* precmed.multilabel_rows_state: train_multilabel's concrete state type. */
PM_STATE_FUNCTIONS(multilabel_rows_state, dec_rows_family, dec_rows_accum, dec_rows_combine)
