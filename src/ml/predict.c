/*
 * predict.c: precmed.predict and precmed.model_info.
 *
 * predict(model, features) is IMMUTABLE: the model is an argument.  Parsing
 * a model (checksum, XGBoost's JSON) costs far more than scoring a row, so
 * the parsed model is kept in fn_extra for the call site.  The cache key is
 * the model datum as it arrives: for a value stored out of line, its TOAST
 * pointer (so a model read from a table is neither fetched nor parsed again
 * row after row); for a compressed inline value, its bytes; for a plain
 * value, its length, its header (which holds the CRC-32C of the rest) and its
 * last bytes, so a large model is not compared byte by byte on every row.
 */
#include "ml/ml.h"

#include <math.h>

#include "access/detoast.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

typedef struct MlModelCache
{
	char	   *key;			/* raw datum bytes (TOAST pointer or value) */
	Size		keylen;
	MlModel		model;
	bytea	   *detoasted;		/* the model value the pointers point into */
	MlForest   *forest;
	MlLogreg	logreg;
} MlModelCache;

static MlModelCache *
cached_model(FunctionCallInfo fcinfo, Datum d)
{
	MlModelCache *c = (MlModelCache *) fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	Size		rawlen = VARSIZE_ANY(raw);
	char		keybuf[4 + 2 * 64 + 8];
	const char *key;
	Size		keylen;
	MemoryContext old;

	if (VARATT_IS_EXTENDED(raw) || rawlen <= sizeof(keybuf))
	{
		key = (const char *) raw;
		keylen = rawlen;
	}
	else
	{
		uint32		len32 = (uint32) rawlen;

		memcpy(keybuf, &len32, 4);
		memcpy(keybuf + 4, raw, 64);
		memcpy(keybuf + 4 + 64, (const char *) raw + rawlen - 64, 64);
		key = keybuf;
		keylen = 4 + 2 * 64;
	}
	if (c != NULL && c->keylen == keylen && memcmp(c->key, key, keylen) == 0)
		return c;

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c == NULL)
		c = palloc0(sizeof(MlModelCache));
	else
	{
		/* a different model at this call site: start over */
		pfree(c->key);
		c->forest = NULL;
	}
	c->key = palloc(keylen);
	memcpy(c->key, key, keylen);
	c->keylen = keylen;
	c->detoasted = (bytea *) detoast_attr(raw);
	if (c->detoasted == (bytea *) raw)
	{
		c->detoasted = palloc(rawlen);
		memcpy(c->detoasted, raw, rawlen);
	}
	PG_TRY();
	{
		ml_model_unpack(c->detoasted, &c->model);
		if (c->model.algorithm == ML_ALG_XGBOOST)
			c->forest = ml_forest_from_json(c->model.body, c->model.body_len,
											c->model.nfeatures);
		else
			ml_logreg_from_body(&c->model, &c->logreg);
	}
	PG_CATCH();
	{
		/* never leave a half-built entry behind */
		c->keylen = 0;
		fcinfo->flinfo->fn_extra = c;
		PG_RE_THROW();
	}
	PG_END_TRY();
	fcinfo->flinfo->fn_extra = c;
	MemoryContextSwitchTo(old);
	return c;
}

PG_FUNCTION_INFO_V1(predict);
Datum
predict(PG_FUNCTION_ARGS)
{
	MlModelCache *c;
	double	   *x;
	double		margin;
	int			n;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = cached_model(fcinfo, PG_GETARG_DATUM(0));
	x = ml_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features",
						  c->model.nfeatures, &n, false);
	if (c->model.algorithm == ML_ALG_XGBOOST)
		margin = ml_forest_margin(c->forest, x);
	else
		margin = ml_logreg_margin(&c->logreg, x);
	PG_RETURN_FLOAT8(1.0 / (1.0 + exp(-margin)));
}

PG_FUNCTION_INFO_V1(model_info);
Datum
model_info(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MlModel		m;
	StringInfoData s;
	char	   *meta;

	ml_model_unpack(b, &m);
	meta = pnstrdup(m.meta, m.meta_len);
	initStringInfo(&s);
	appendStringInfo(&s, "{\"algorithm\": \"%s\", \"format\": %d, \"features\": %d, "
					 "\"training_rows\": %lld, \"training_positives\": %lld, \"bytes\": %zu, ",
					 ml_algorithm_name(m.algorithm), ML_MODEL_FORMAT, m.nfeatures,
					 (long long) m.ntrain, (long long) m.npositive, VARSIZE_ANY_EXHDR(b));
	/* meta is a JSON object: splice its members in */
	{
		char	   *inner = meta;
		size_t		len = strlen(meta);

		if (len < 2 || meta[0] != '{' || meta[len - 1] != '}')
			pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "argument \"model\" is not a valid precmed model: its parameters are not a JSON object",
					 NULL, NULL);
		inner[len - 1] = '\0';
		if (strspn(inner + 1, " \t\n") < strlen(inner + 1))
			appendStringInfo(&s, "%s, ", inner + 1);
	}
	if (m.algorithm == ML_ALG_XGBOOST)
	{
		MlForest   *f = ml_forest_from_json(m.body, m.body_len, m.nfeatures);
		double		total = 0;

		for (int j = 0; j < f->nfeatures; j++)
			total += f->gain[j];
		appendStringInfoString(&s, "\"importance\": [");
		for (int j = 0; j < f->nfeatures; j++)
			appendStringInfo(&s, "%s{\"feature\": %d, \"gain\": %.17g, \"gain_share\": %.17g, \"splits\": %d}",
							 j ? ", " : "", j + 1, f->gain[j],
							 total > 0 ? f->gain[j] / total : 0.0, f->splits[j]);
		appendStringInfoString(&s, "]}");
	}
	else
	{
		MlLogreg	lr;

		ml_logreg_from_body(&m, &lr);
		appendStringInfo(&s, "\"intercept\": %.17g, \"coefficients\": [", lr.intercept);
		for (int j = 0; j < lr.nfeatures; j++)
		{
			const double *c = lr.coef + (Size) ML_LR_STRIDE * j;

			appendStringInfo(&s, "%s{\"feature\": %d, \"coef\": %.17g, \"median\": %.17g, "
							 "\"mean\": %.17g, \"sd\": %.17g",
							 j ? ", " : "", j + 1, c[3], c[0], c[1], c[2]);
			if (c[4] != 0)
				appendStringInfo(&s, ", \"missing_coef\": %.17g, \"missing_share\": %.17g",
								 c[7], c[5]);
			appendStringInfoChar(&s, '}');
		}
		appendStringInfoString(&s, "]}");
	}
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}
