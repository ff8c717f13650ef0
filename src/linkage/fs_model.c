/*
 * fs_model.c: the Fellegi-Sunter model value, scoring and inspection.
 *
 * A model is a bytea with a checked header, so a value from elsewhere (a
 * truncated dump, another function's bytea) is refused instead of misread.
 * Match weight, as in Fellegi and Sunter (1969) and Splink:
 *   w = log2(lambda / (1 - lambda)) + sum over non-missing fields of log2(m / u)
 * and match probability = 2^w / (1 + 2^w).
 */
#include "linkage/linkage.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#define LK_MODEL_MAGIC "PMFS"
#define LK_MODEL_VERSION 1
#define LK_FLAG_CONVERGED 1
#define LK_FLAG_U_FIXED 2

/* Probabilities are floored here before taking logs: |weight| <= ~33 bits. */
#define LK_PROB_FLOOR 1e-10

typedef struct LkModelHeader
{
	char		magic[4];
	int32		version;
	int32		nfields;
	int32		iterations;
	int32		flags;
	int32		has_names;
	double		prior;
	double		npairs;
} LkModelHeader;

/* The weight in bits of a level with probabilities m and u. */
static double
level_weight(double m, double u)
{
	if (m <= 0.0 && u <= 0.0)
		return 0.0;				/* a level nobody has: no evidence */
	return log2(Max(m, LK_PROB_FLOOR) / Max(u, LK_PROB_FLOOR));
}

/* The weight in bits of the prior: log2(lambda / (1 - lambda)). */
static double
prior_weight(double prior)
{
	return log2(prior / (1.0 - prior));
}

/* The match probability of weight w: 2^w / (1 + 2^w). */
static double
weight_to_probability(double w)
{
	/* 1 / (1 + 2^-w), written to avoid overflow for large |w| */
	if (w >= 0)
		return 1.0 / (1.0 + exp2(-w));
	return exp2(w) / (1.0 + exp2(w));
}

/* Lay out model for nfields fields of nlevels levels; m, u and count zeroed. */
void
lk_model_shape(LkModel *model, int nfields, const int *nlevels)
{
	Assert(nfields >= 1 && nfields <= LK_MAX_FIELDS);
	model->nfields = nfields;
	model->total = 0;
	for (int k = 0; k < nfields; k++)
	{
		Assert(nlevels[k] >= 2 && nlevels[k] <= LK_MAX_LEVELS);
		model->nlevels[k] = nlevels[k];
		model->offset[k] = model->total;
		model->total += nlevels[k];
	}
	model->m = palloc0(sizeof(double) * model->total);
	model->u = palloc0(sizeof(double) * model->total);
	model->count = palloc0(sizeof(double) * model->total);
}

/* The model as a bytea: header, level counts, m, u, count, names. */
bytea *
lk_model_serialize(const LkModel *model)
{
	StringInfoData buf;
	LkModelHeader h;
	bytea	   *out;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, LK_MODEL_MAGIC, 4);
	h.version = LK_MODEL_VERSION;
	h.nfields = model->nfields;
	h.iterations = model->iterations;
	h.flags = (model->converged ? LK_FLAG_CONVERGED : 0) |
		(model->u_fixed ? LK_FLAG_U_FIXED : 0);
	h.has_names = model->names != NULL;
	h.prior = model->prior;
	h.npairs = model->npairs;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, (char *) &h, sizeof(h));
	for (int k = 0; k < model->nfields; k++)
	{
		int32		l = model->nlevels[k];

		appendBinaryStringInfo(&buf, (char *) &l, sizeof(l));
	}
	appendBinaryStringInfo(&buf, (char *) model->m, sizeof(double) * model->total);
	appendBinaryStringInfo(&buf, (char *) model->u, sizeof(double) * model->total);
	appendBinaryStringInfo(&buf, (char *) model->count, sizeof(double) * model->total);
	if (model->names)
		for (int k = 0; k < model->nfields; k++)
			appendBinaryStringInfo(&buf, model->names[k], strlen(model->names[k]) + 1);

	out = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(out, VARHDRSZ + buf.len);
	memcpy(VARDATA(out), buf.data, buf.len);
	pfree(buf.data);
	return out;
}

/* Raise 22P03: argname is not a model (detail says why). */
static void
bad_model(const char *argname, const char *detail)
{
	pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
			 errmsg("argument \"%s\" is not a precmed Fellegi-Sunter model", argname),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("Pass the value returned by precmed.fs_train or precmed.fs_model."));
}

/* The model in raw, every field checked; 22P03 naming argname otherwise. */
LkModel *
lk_model_deserialize(bytea *raw, const char *argname)
{
	const char *p = VARDATA_ANY(raw);
	Size		len = VARSIZE_ANY_EXHDR(raw);
	Size		pos;
	LkModelHeader h;
	LkModel    *model;
	int			nlevels[LK_MAX_FIELDS];
	int			total = 0;

	if (len < sizeof(h))
		bad_model(argname, psprintf("It has %zu bytes, fewer than the %zu-byte header.",
									len, sizeof(h)));
	memcpy(&h, p, sizeof(h));
	if (memcmp(h.magic, LK_MODEL_MAGIC, 4) != 0)
		bad_model(argname, "Its header does not start with the model marker.");
	if (h.version != LK_MODEL_VERSION)
		bad_model(argname, psprintf("Its format version is %d; this library reads version %d.",
									h.version, LK_MODEL_VERSION));
	if (h.nfields < 1 || h.nfields > LK_MAX_FIELDS)
		bad_model(argname, psprintf("It claims %d fields.", h.nfields));
	if (!(h.prior > 0.0 && h.prior < 1.0))
		bad_model(argname, psprintf("Its prior match probability is %g.", h.prior));

	pos = sizeof(h);
	if (len < pos + sizeof(int32) * h.nfields)
		bad_model(argname, "It is truncated in the level counts.");
	for (int k = 0; k < h.nfields; k++)
	{
		int32		l;

		memcpy(&l, p + pos, sizeof(l));
		pos += sizeof(l);
		if (l < 2 || l > LK_MAX_LEVELS)
			bad_model(argname, psprintf("Field %d claims %d levels.", k + 1, l));
		nlevels[k] = l;
		total += l;
	}
	if (len < pos + 3 * sizeof(double) * total)
		bad_model(argname, "It is truncated in the probabilities.");

	model = palloc0(sizeof(LkModel));
	lk_model_shape(model, h.nfields, nlevels);
	model->iterations = h.iterations;
	model->converged = (h.flags & LK_FLAG_CONVERGED) != 0;
	model->u_fixed = (h.flags & LK_FLAG_U_FIXED) != 0;
	model->prior = h.prior;
	model->npairs = h.npairs;
	memcpy(model->m, p + pos, sizeof(double) * model->total);
	pos += sizeof(double) * model->total;
	memcpy(model->u, p + pos, sizeof(double) * model->total);
	pos += sizeof(double) * model->total;
	memcpy(model->count, p + pos, sizeof(double) * model->total);
	pos += sizeof(double) * model->total;
	for (int i = 0; i < model->total; i++)
		if (!(model->m[i] >= 0.0 && model->m[i] <= 1.0 &&
			  model->u[i] >= 0.0 && model->u[i] <= 1.0 &&
			  model->count[i] >= 0.0 && isfinite(model->count[i])))
			bad_model(argname, "It holds a probability outside [0, 1].");
	if (h.has_names)
	{
		model->names = palloc(sizeof(char *) * h.nfields);
		for (int k = 0; k < h.nfields; k++)
		{
			const char *end = pos < len ? memchr(p + pos, '\0', len - pos) : NULL;

			if (end == NULL)
				bad_model(argname, "It is truncated in the field names.");
			model->names[k] = pstrdup(p + pos);
			pos = end - p + 1;
		}
	}
	if (pos != len)
		bad_model(argname, psprintf("It has %zu bytes after its end.", len - pos));
	return model;
}

/* ---- scoring ---- */

/*
 * What fs_score keeps between rows: the model bytes and its weights, in a
 * context of their own that is emptied when the model changes (a query may
 * score each row with a different model).
 */
typedef struct ScoreCache
{
	MemoryContext cxt;
	Size		rawlen;
	char	   *raw;
	LkModel    *model;
	double	   *weight;			/* per (field, level) */
	double		prior_weight;
} ScoreCache;

/* The model of raw with its level weights, read once while the model stays the same. */
static ScoreCache *
score_cache(FunctionCallInfo fcinfo, bytea *raw)
{
	ScoreCache *cache = fcinfo->flinfo->fn_extra;
	Size		len = VARSIZE_ANY_EXHDR(raw);
	MemoryContext old;

	if (cache && cache->model && cache->rawlen == len &&
		memcmp(cache->raw, VARDATA_ANY(raw), len) == 0)
		return cache;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ScoreCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "precmed fs_score model",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	MemoryContextReset(cache->cxt);
	cache->model = NULL;
	old = MemoryContextSwitchTo(cache->cxt);
	cache->raw = palloc(len);
	memcpy(cache->raw, VARDATA_ANY(raw), len);
	cache->rawlen = len;
	cache->model = lk_model_deserialize(raw, "model");
	cache->weight = palloc(sizeof(double) * cache->model->total);
	for (int i = 0; i < cache->model->total; i++)
		cache->weight[i] = level_weight(cache->model->m[i], cache->model->u[i]);
	cache->prior_weight = prior_weight(cache->model->prior);
	MemoryContextSwitchTo(old);
	return cache;
}

/* The match weight of the comparison vector (argument 1) under the model (argument 0). */
static double
match_weight_of(FunctionCallInfo fcinfo)
{
	ScoreCache *cache = score_cache(fcinfo, PG_GETARG_BYTEA_PP(0));
	LkModel    *model = cache->model;
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			n;
	int32	   *levels;
	bits8	   *nullmap;
	double		w = cache->prior_weight;

	if (ARR_ELEMTYPE(arr) != INT4OID)
		elog(ERROR, "comparisons must be an int[]");
	if (ARR_NDIM(arr) != 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("comparisons must be a one-dimensional array, got %d dimensions",
						ARR_NDIM(arr)),
				 errhint("Give one level per field: %d values.", model->nfields));
	n = ARR_DIMS(arr)[0];
	if (n != model->nfields)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("comparisons has %d elements but the model has %d fields",
						n, model->nfields),
				 errhint("Build the comparison vector with the same fields, in the same order, as for training."));
	levels = (int32 *) ARR_DATA_PTR(arr);
	nullmap = ARR_NULLBITMAP(arr);
	for (int k = 0; k < n; k++)
	{
		int32		l;

		if (nullmap && !(nullmap[k / 8] & (1 << (k % 8))))
			continue;			/* missing: contributes nothing */
		l = *levels++;
		if (l < 0 || l >= model->nlevels[k])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("comparison level %d of field %d%s%s%s is out of range 0..%d",
							l, k + 1,
							model->names ? " (" : "", model->names ? model->names[k] : "",
							model->names ? ")" : "", model->nlevels[k] - 1),
					 errhint("Use the same comparison levels as for training."));
		w += cache->weight[model->offset[k] + l];
	}
	return w;
}

/* fs_match_weight(model, comparisons): the pair's match weight in bits; refuses a vector not of the model's shape. */
PG_FUNCTION_INFO_V1(fs_match_weight);
Datum
fs_match_weight(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(match_weight_of(fcinfo));
}

/* fs_score(model, comparisons): the pair's match probability; refuses as fs_match_weight. */
PG_FUNCTION_INFO_V1(fs_score);
Datum
fs_score(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(weight_to_probability(match_weight_of(fcinfo)));
}

/* ---- inspection ---- */

/* Append s as a JSON string. */
static void
append_json_string(StringInfo buf, const char *s)
{
	escape_json(buf, s);
}

/* Append d as a JSON number, to double precision. */
static void
append_number(StringInfo buf, double d)
{
	appendStringInfo(buf, "%.15g", d);
}

/* fs_model_info(model): the model as jsonb (prior, m, u, per-level weights); refuses a bytea that is not a model. */
PG_FUNCTION_INFO_V1(fs_model_info);
Datum
fs_model_info(PG_FUNCTION_ARGS)
{
	LkModel    *model = lk_model_deserialize(PG_GETARG_BYTEA_PP(0), "model");
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"fields\": [");
	for (int k = 0; k < model->nfields; k++)
	{
		if (k)
			appendStringInfoString(&buf, ", ");
		if (model->names)
			append_json_string(&buf, model->names[k]);
		else
			append_json_string(&buf, psprintf("field_%d", k + 1));
	}
	appendStringInfoString(&buf, "], \"prior\": ");
	append_number(&buf, model->prior);
	appendStringInfoString(&buf, ", \"prior_match_weight\": ");
	append_number(&buf, prior_weight(model->prior));
	appendStringInfoString(&buf, ", \"pairs\": ");
	append_number(&buf, model->npairs);
	appendStringInfoString(&buf, ", \"expected_matches\": ");
	append_number(&buf, model->prior * model->npairs);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s, \"u_fixed\": %s",
					 model->iterations, model->converged ? "true" : "false",
					 model->u_fixed ? "true" : "false");
	for (int which = 0; which < 2; which++)
	{
		double	   *p = which == 0 ? model->m : model->u;

		appendStringInfo(&buf, ", \"%s\": [", which == 0 ? "m" : "u");
		for (int k = 0; k < model->nfields; k++)
		{
			appendStringInfoString(&buf, k ? ", [" : "[");
			for (int l = 0; l < model->nlevels[k]; l++)
			{
				if (l)
					appendStringInfoString(&buf, ", ");
				append_number(&buf, p[model->offset[k] + l]);
			}
			appendStringInfoChar(&buf, ']');
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, ", \"levels\": [");
	for (int k = 0; k < model->nfields; k++)
	{
		for (int l = model->nlevels[k] - 1; l >= 0; l--)
		{
			int			i = model->offset[k] + l;
			double		w = level_weight(model->m[i], model->u[i]);

			if (k || l != model->nlevels[k] - 1)
				appendStringInfoString(&buf, ", ");
			appendStringInfoString(&buf, "{\"field\": ");
			if (model->names)
				append_json_string(&buf, model->names[k]);
			else
				append_json_string(&buf, psprintf("field_%d", k + 1));
			appendStringInfo(&buf, ", \"field_index\": %d, \"level\": %d, \"m\": ", k + 1, l);
			append_number(&buf, model->m[i]);
			appendStringInfoString(&buf, ", \"u\": ");
			append_number(&buf, model->u[i]);
			appendStringInfoString(&buf, ", \"match_weight\": ");
			append_number(&buf, w);
			appendStringInfoString(&buf, ", \"bayes_factor\": ");
			append_number(&buf, exp2(w));
			appendStringInfoString(&buf, ", \"pairs\": ");
			append_number(&buf, model->count[i]);
			appendStringInfoChar(&buf, '}');
		}
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* ---- a model from given probabilities ---- */

/*
 * fs_model(spec): a model (bytea) from given probabilities {"prior", "m",
 * "u", "fields"}.  Refuses missing or unknown keys, rows that are not
 * distributions, shapes that disagree and a prior outside (0, 1).
 */
PG_FUNCTION_INFO_V1(fs_model);
Datum
fs_model(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(lk_model_serialize(lk_model_from_spec(PG_GETARG_JSONB_P(0))));
}
