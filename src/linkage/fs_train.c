/*
 * fs_train.c: the fs_train aggregate, Fellegi-Sunter m/u estimation by EM.
 *
 * Candidate pairs reduce to their comparison vectors, and a blocked pair set
 * of any size has few distinct vectors, so the state is a hash table from
 * vector to count.  That makes the state small, merging parallel partial
 * states a sum, and each EM iteration cost O(distinct vectors x fields).
 * The EM (Winkler 1988; as in Splink's expectation_maximisation) treats each
 * field as independent given match status; a missing field (NULL level)
 * contributes to neither the E nor the M step.  Vectors are sorted before EM
 * so the model does not depend on the order rows arrived in (serial and
 * parallel plans give the same bits).
 */
#include "linkage/linkage.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#define LK_NULL_LEVEL (-1)

typedef struct FsTrainState
{
	int			nfields;
	int			declared[LK_MAX_FIELDS];	/* declared levels per field, or 0 */
	int			max_seen[LK_MAX_FIELDS];	/* highest level seen, -1 if none */
	int64		rows;
	char	   *params;			/* the params jsonb as text, or NULL */
	HTAB	   *patterns;		/* key: int8[nfields], value: int64 count */
	Size		count_offset;	/* offset of the count within an entry */
} FsTrainState;

static void
state_init_patterns(FsTrainState *st, MemoryContext cxt)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = st->nfields;
	st->count_offset = MAXALIGN(st->nfields);
	ctl.entrysize = st->count_offset + sizeof(int64);
	ctl.hcxt = cxt;
	st->patterns = hash_create("precmed fs_train patterns", 256, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static inline int64 *
entry_count(FsTrainState *st, void *entry)
{
	return (int64 *) ((char *) entry + st->count_offset);
}

static void
add_pattern(FsTrainState *st, const int8 *key, int64 count)
{
	bool		found;
	void	   *entry = hash_search(st->patterns, key, HASH_ENTER, &found);

	if (!found)
		*entry_count(st, entry) = 0;
	*entry_count(st, entry) += count;
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		elog(ERROR, "%s called in non-aggregate context", fn);
	return cxt;
}

/* Parse the params that matter per row: "levels".  Others are read at the end. */
static void
state_read_levels(FsTrainState *st, Jsonb *params)
{
	JsonbValue *v = lk_json_get(params, "levels");
	double	   *lv;
	int			n;

	if (v == NULL)
		return;
	lv = lk_json_numbers(v, "params \"levels\"", &n);
	if (n != st->nfields)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("params \"levels\" has %d entries but comparisons has %d fields",
						n, st->nfields),
				 errhint("Give the number of levels of each field, e.g. {\"levels\": [4, 4, 3]}."));
	for (int k = 0; k < n; k++)
	{
		if (lv[k] != floor(lv[k]) || lv[k] < 2 || lv[k] > LK_MAX_LEVELS)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"levels\"[%d] = %g; a field has a whole number of levels from 2 to %d",
							k + 1, lv[k], LK_MAX_LEVELS));
		st->declared[k] = (int) lv[k];
	}
}

static const char *const fs_train_keys[] = {
	"levels", "fields", "max_iterations", "tolerance", "prior", "m", "u",
	"smoothing", NULL
};

PG_FUNCTION_INFO_V1(fs_train_transfn);
Datum
fs_train_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo, "fs_train_transfn");
	FsTrainState *st = PG_ARGISNULL(0) ? NULL : (FsTrainState *) PG_GETARG_POINTER(0);
	ArrayType  *arr;
	int			n;
	Datum	   *elems;
	bool	   *nulls;
	int8		key[LK_MAX_FIELDS];

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
	{
		MemoryContext old = MemoryContextSwitchTo(aggcxt);
		Jsonb	   *params = (PG_NARGS() < 3 || PG_ARGISNULL(2)) ? NULL : PG_GETARG_JSONB_P(2);

		if (n > LK_MAX_FIELDS)
			pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
					 errmsg("fs_train: comparisons has %d fields; at most %d are supported",
							n, LK_MAX_FIELDS));
		st = palloc0(sizeof(FsTrainState));
		st->nfields = n;
		for (int k = 0; k < n; k++)
			st->max_seen[k] = -1;
		if (params)
		{
			lk_json_check_keys(params, "fs_train params", fs_train_keys);
			state_read_levels(st, params);
			st->params = JsonbToCString(NULL, &params->root, VARSIZE(params));
		}
		state_init_patterns(st, aggcxt);
		MemoryContextSwitchTo(old);
	}
	else if (n != st->nfields)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("fs_train: comparisons has %d elements in row %lld but %d in the first row",
						n, (long long) st->rows + 1, st->nfields),
				 errhint("Every pair needs one level per field, NULL for a missing field."));

	for (int k = 0; k < n; k++)
	{
		int32		l;

		if (nulls[k])
		{
			key[k] = LK_NULL_LEVEL;
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
					 st->declared[k] ? errhint("Params \"levels\" gives each field's number of levels; levels run from 0 to that number minus 1.")
					 : errhint("Levels run from 0 (least similar) up to the field's top level; a missing field is NULL."));
		}
		key[k] = (int8) l;
		if (l > st->max_seen[k])
			st->max_seen[k] = l;
	}
	add_pattern(st, key, 1);
	st->rows++;
	PG_RETURN_POINTER(st);
}

/* Copy src into a new state in cxt. */
static FsTrainState *
state_copy(FsTrainState *src, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FsTrainState *st = palloc0(sizeof(FsTrainState));
	HASH_SEQ_STATUS seq;
	void	   *entry;

	st->nfields = src->nfields;
	memcpy(st->declared, src->declared, sizeof(st->declared));
	memcpy(st->max_seen, src->max_seen, sizeof(st->max_seen));
	st->rows = src->rows;
	st->params = src->params ? pstrdup(src->params) : NULL;
	state_init_patterns(st, cxt);
	hash_seq_init(&seq, src->patterns);
	while ((entry = hash_seq_search(&seq)) != NULL)
		add_pattern(st, (int8 *) entry, *entry_count(src, entry));
	MemoryContextSwitchTo(old);
	return st;
}

PG_FUNCTION_INFO_V1(fs_train_combinefn);
Datum
fs_train_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo, "fs_train_combinefn");
	FsTrainState *a = PG_ARGISNULL(0) ? NULL : (FsTrainState *) PG_GETARG_POINTER(0);
	FsTrainState *b = PG_ARGISNULL(1) ? NULL : (FsTrainState *) PG_GETARG_POINTER(1);
	HASH_SEQ_STATUS seq;
	void	   *entry;
	MemoryContext old;

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
				 errmsg("fs_train: params \"levels\" differ between rows"),
				 errhint("Pass the same params to every row."));
	old = MemoryContextSwitchTo(aggcxt);
	for (int k = 0; k < a->nfields; k++)
		a->max_seen[k] = Max(a->max_seen[k], b->max_seen[k]);
	a->rows += b->rows;
	if (a->params == NULL && b->params != NULL)
		a->params = pstrdup(b->params);
	hash_seq_init(&seq, b->patterns);
	while ((entry = hash_seq_search(&seq)) != NULL)
		add_pattern(a, (int8 *) entry, *entry_count(b, entry));
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(fs_train_serialfn);
Datum
fs_train_serialfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = (FsTrainState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	HASH_SEQ_STATUS seq;
	void	   *entry;

	agg_context(fcinfo, "fs_train_serialfn");
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
	pq_sendint64(&buf, hash_get_num_entries(st->patterns));
	hash_seq_init(&seq, st->patterns);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		pq_sendbytes(&buf, (char *) entry, st->nfields);
		pq_sendint64(&buf, *entry_count(st, entry));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(fs_train_deserialfn);
Datum
fs_train_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *raw = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	FsTrainState *st;
	int64		npatterns;

	agg_context(fcinfo, "fs_train_deserialfn");
	/* pq_getmsg* raise a protocol error rather than read past the end */
	buf.data = VARDATA_ANY(raw);
	buf.len = VARSIZE_ANY_EXHDR(raw);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	st = palloc0(sizeof(FsTrainState));
	st->nfields = pq_getmsgint(&buf, 4);
	if (st->nfields < 0 || st->nfields > LK_MAX_FIELDS)
		elog(ERROR, "fs_train: corrupt partial state (%d fields)", st->nfields);
	for (int k = 0; k < st->nfields; k++)
	{
		st->declared[k] = pq_getmsgint(&buf, 4);
		st->max_seen[k] = pq_getmsgint(&buf, 4);
		if (st->declared[k] < 0 || st->declared[k] > LK_MAX_LEVELS ||
			st->max_seen[k] < -1 || st->max_seen[k] >= LK_MAX_LEVELS)
			elog(ERROR, "fs_train: corrupt partial state (field %d)", k + 1);
	}
	st->rows = pq_getmsgint64(&buf);
	if (pq_getmsgbyte(&buf))
		st->params = pstrdup(pq_getmsgstring(&buf));
	state_init_patterns(st, CurrentMemoryContext);
	npatterns = pq_getmsgint64(&buf);
	for (int64 i = 0; i < npatterns; i++)
	{
		const int8 *key = (const int8 *) pq_getmsgbytes(&buf, st->nfields);
		int64		count = pq_getmsgint64(&buf);

		for (int k = 0; k < st->nfields; k++)
			if (key[k] < LK_NULL_LEVEL || key[k] > st->max_seen[k])
				elog(ERROR, "fs_train: corrupt partial state (level %d)", key[k]);
		if (count <= 0)
			elog(ERROR, "fs_train: corrupt partial state (count " INT64_FORMAT ")", count);
		add_pattern(st, key, count);
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

/* ---- EM ---- */

typedef struct Pattern
{
	int8	   *levels;
	double		count;
} Pattern;

static int	pattern_nfields;

static int
pattern_cmp(const void *a, const void *b)
{
	const int8 *x = ((const Pattern *) a)->levels;
	const int8 *y = ((const Pattern *) b)->levels;

	for (int k = 0; k < pattern_nfields; k++)
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	return 0;
}

/* Options from params, with their defaults. */
typedef struct EmOptions
{
	int			max_iterations;
	double		tolerance;
	double		prior;			/* < 0: estimate a starting value */
	double		smoothing;		/* pseudo-count added to every level */
	double	  **m;				/* starting m, or NULL */
	double	  **u;				/* fixed u, or NULL */
	char	  **names;
} EmOptions;

static void
read_options(FsTrainState *st, const int *nlevels, EmOptions *o)
{
	Jsonb	   *params = NULL;
	JsonbValue *v;
	int			n,
			   *lens;
	double	  **rows;

	o->max_iterations = 100;
	o->tolerance = 1e-6;
	o->prior = -1;
	o->smoothing = 0;
	o->m = o->u = NULL;
	o->names = NULL;
	if (st->params == NULL)
		return;
	params = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(st->params)));
	if ((v = lk_json_get(params, "max_iterations")) != NULL)
	{
		double		d = lk_json_number(v, "params \"max_iterations\"");

		if (d != floor(d) || d < 1 || d > 100000)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"max_iterations\" must be a whole number from 1 to 100000, got %g", d));
		o->max_iterations = (int) d;
	}
	if ((v = lk_json_get(params, "tolerance")) != NULL)
	{
		o->tolerance = lk_json_number(v, "params \"tolerance\"");
		if (!(o->tolerance > 0 && o->tolerance < 1))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"tolerance\" must be between 0 and 1 (exclusive), got %g", o->tolerance));
	}
	if ((v = lk_json_get(params, "prior")) != NULL)
	{
		o->prior = lk_json_number(v, "params \"prior\"");
		if (!(o->prior > 0 && o->prior < 1))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"prior\" must be strictly between 0 and 1, got %g", o->prior));
	}
	if ((v = lk_json_get(params, "smoothing")) != NULL)
	{
		o->smoothing = lk_json_number(v, "params \"smoothing\"");
		if (o->smoothing < 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"smoothing\" must not be negative, got %g", o->smoothing));
	}
	if ((v = lk_json_get(params, "m")) != NULL)
	{
		rows = lk_json_number_rows(v, "params \"m\"", &n, &lens);
		lk_check_probability_rows(rows, n, lens, "m", st->nfields, nlevels);
		o->m = rows;
	}
	if ((v = lk_json_get(params, "u")) != NULL)
	{
		rows = lk_json_number_rows(v, "params \"u\"", &n, &lens);
		lk_check_probability_rows(rows, n, lens, "u", st->nfields, nlevels);
		o->u = rows;
	}
	if ((v = lk_json_get(params, "fields")) != NULL)
	{
		o->names = lk_json_strings(v, "params \"fields\"", &n);
		if (n != st->nfields)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("params \"fields\" names %d fields but comparisons has %d", n, st->nfields));
	}
}

PG_FUNCTION_INFO_V1(fs_train_finalfn);
Datum
fs_train_finalfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = PG_ARGISNULL(0) ? NULL : (FsTrainState *) PG_GETARG_POINTER(0);
	LkModel    *model;
	EmOptions	opt;
	Pattern    *pat;
	int			npat = 0,
				K;
	double		N = 0.0,
				lambda;
	double	   *msum,
			   *usum,
			   *mtot,
			   *utot;
	HASH_SEQ_STATUS seq;
	void	   *entry;

	agg_context(fcinfo, "fs_train_finalfn");
	if (st == NULL || st->rows == 0)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_train: no candidate pairs to train on"),
				 errdetail("The aggregate received zero rows."),
				 errhint("Check the blocking join that produces the candidate pairs."));
	K = st->nfields;
	if (K == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("fs_train: comparison vectors are empty"),
				 errhint("Give one comparison level per field."));

	model = palloc0(sizeof(LkModel));
	model->nfields = K;
	for (int k = 0; k < K; k++)
	{
		model->nlevels[k] = st->declared[k] ? st->declared[k] : Max(st->max_seen[k] + 1, 2);
		model->offset[k] = model->total;
		model->total += model->nlevels[k];
	}
	read_options(st, model->nlevels, &opt);
	model->names = opt.names;

	/* the distinct vectors, in a fixed order */
	npat = hash_get_num_entries(st->patterns);
	pat = palloc(sizeof(Pattern) * npat);
	npat = 0;
	hash_seq_init(&seq, st->patterns);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		pat[npat].levels = (int8 *) entry;
		pat[npat].count = (double) *entry_count(st, entry);
		npat++;
	}
	pattern_nfields = K;
	qsort(pat, npat, sizeof(Pattern), pattern_cmp);
	for (int i = 0; i < npat; i++)
		N += pat[i].count;
	if (npat == 1)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_train: every candidate pair has the same comparison vector"),
				 errdetail("All %.0f pairs compare identically, so matches and non-matches cannot be told apart.", N),
				 errhint("Train on pairs that include non-matches (a looser blocking rule), or use more fields or levels."));

	model->m = palloc0(sizeof(double) * model->total);
	model->u = palloc0(sizeof(double) * model->total);
	model->count = palloc0(sizeof(double) * model->total);
	msum = palloc0(sizeof(double) * model->total);
	usum = palloc0(sizeof(double) * model->total);
	mtot = palloc0(sizeof(double) * K);
	utot = palloc0(sizeof(double) * K);

	/* pairs per level; u starts at the observed level frequencies */
	for (int i = 0; i < npat; i++)
		for (int k = 0; k < K; k++)
			if (pat[i].levels[k] != LK_NULL_LEVEL)
			{
				model->count[model->offset[k] + pat[i].levels[k]] += pat[i].count;
				utot[k] += pat[i].count;
			}
	for (int k = 0; k < K; k++)
	{
		int			L = model->nlevels[k];
		double		below = 0;

		for (int l = 0; l < L - 1; l++)
			below += l + 1;
		for (int l = 0; l < L; l++)
		{
			int			i = model->offset[k] + l;

			if (opt.u)
				model->u[i] = opt.u[k][l];
			else
				model->u[i] = utot[k] > 0 ? model->count[i] / utot[k] : 1.0 / L;
			/* m starts heavy on the top level: matches mostly agree */
			if (opt.m)
				model->m[i] = opt.m[k][l];
			else
				model->m[i] = l == L - 1 ? 0.9 : 0.1 * (l + 1) / below;
		}
	}
	if (opt.prior > 0)
		lambda = opt.prior;
	else
	{
		/* pairs agreeing exactly on more than half their known fields */
		double		agree = 0;

		for (int i = 0; i < npat; i++)
		{
			int			known = 0,
						top = 0;

			for (int k = 0; k < K; k++)
				if (pat[i].levels[k] != LK_NULL_LEVEL)
				{
					known++;
					if (pat[i].levels[k] == model->nlevels[k] - 1)
						top++;
				}
			if (2 * top > known)
				agree += pat[i].count;
		}
		lambda = Min(Max(agree / N, 0.001), 0.5);
	}

	model->u_fixed = opt.u != NULL;
	model->converged = false;
	for (model->iterations = 0; model->iterations < opt.max_iterations;)
	{
		double		psum = 0,
					change = 0,
					new_lambda;

		CHECK_FOR_INTERRUPTS();
		memset(msum, 0, sizeof(double) * model->total);
		memset(usum, 0, sizeof(double) * model->total);
		memset(mtot, 0, sizeof(double) * K);
		memset(utot, 0, sizeof(double) * K);

		for (int i = 0; i < npat; i++)
		{
			double		lm = log(lambda),
						lu = log1p(-lambda),
						p;

			for (int k = 0; k < K; k++)
			{
				int			l = pat[i].levels[k];

				if (l == LK_NULL_LEVEL)
					continue;
				lm += log(model->m[model->offset[k] + l]);
				lu += log(model->u[model->offset[k] + l]);
			}
			if (isinf(lm) && isinf(lu))
				p = lambda;
			else
				p = 1.0 / (1.0 + exp(lu - lm));
			psum += pat[i].count * p;
			for (int k = 0; k < K; k++)
			{
				int			l = pat[i].levels[k];

				if (l == LK_NULL_LEVEL)
					continue;
				msum[model->offset[k] + l] += pat[i].count * p;
				usum[model->offset[k] + l] += pat[i].count * (1.0 - p);
				mtot[k] += pat[i].count * p;
				utot[k] += pat[i].count * (1.0 - p);
			}
		}

		new_lambda = Min(Max(psum / N, 1e-12), 1.0 - 1e-12);
		change = fabs(new_lambda - lambda);
		lambda = new_lambda;
		for (int k = 0; k < K; k++)
			for (int l = 0; l < model->nlevels[k]; l++)
			{
				int			i = model->offset[k] + l;
				int			L = model->nlevels[k];
				double		a = opt.smoothing;
				double		m = mtot[k] + a * L > 0 ? (msum[i] + a) / (mtot[k] + a * L) : model->m[i];

				change = Max(change, fabs(m - model->m[i]));
				model->m[i] = m;
				if (!model->u_fixed)
				{
					double		u = utot[k] + a * L > 0 ? (usum[i] + a) / (utot[k] + a * L) : model->u[i];

					change = Max(change, fabs(u - model->u[i]));
					model->u[i] = u;
				}
			}
		model->iterations++;
		if (change < opt.tolerance)
		{
			model->converged = true;
			break;
		}
	}
	model->prior = lambda;
	model->npairs = N;
	PG_RETURN_BYTEA_P(lk_model_serialize(model));
}

/*
 * fs_level_frequencies: the same state, finished as the share of pairs at
 * each level of each field (missing fields left out).  Over random pairs,
 * nearly all non-matches, that is the u table Splink estimates by sampling;
 * pass it to fs_train as params "u".
 */
PG_FUNCTION_INFO_V1(fs_level_frequencies_finalfn);
Datum
fs_level_frequencies_finalfn(PG_FUNCTION_ARGS)
{
	FsTrainState *st = PG_ARGISNULL(0) ? NULL : (FsTrainState *) PG_GETARG_POINTER(0);
	int			nlevels[LK_MAX_FIELDS];
	double	   *count[LK_MAX_FIELDS];
	double		total[LK_MAX_FIELDS];
	EmOptions	opt;
	HASH_SEQ_STATUS seq;
	void	   *entry;
	StringInfoData buf;

	agg_context(fcinfo, "fs_level_frequencies_finalfn");
	if (st == NULL || st->rows == 0)
		pm_error(ERRCODE_DATA_EXCEPTION,
				 errmsg("fs_level_frequencies: no pairs to count"),
				 errdetail("The aggregate received zero rows."));
	for (int k = 0; k < st->nfields; k++)
	{
		nlevels[k] = st->declared[k] ? st->declared[k] : Max(st->max_seen[k] + 1, 2);
		count[k] = palloc0(sizeof(double) * nlevels[k]);
		total[k] = 0;
	}
	read_options(st, nlevels, &opt);
	hash_seq_init(&seq, st->patterns);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		const int8 *levels = (const int8 *) entry;
		double		c = (double) *entry_count(st, entry);

		for (int k = 0; k < st->nfields; k++)
			if (levels[k] != LK_NULL_LEVEL)
			{
				count[k][levels[k]] += c;
				total[k] += c;
			}
	}
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (int k = 0; k < st->nfields; k++)
	{
		double		denom = total[k] + opt.smoothing * nlevels[k];

		appendStringInfoString(&buf, k ? ", [" : "[");
		for (int l = 0; l < nlevels[k]; l++)
			appendStringInfo(&buf, "%s%.15g", l ? ", " : "",
							 denom > 0 ? (count[k][l] + opt.smoothing) / denom : 1.0 / nlevels[k]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
