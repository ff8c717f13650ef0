/*
 * predict.c: precmed.predict and precmed.model_info.
 *
 * predict(model, features) is IMMUTABLE: the model is an argument.  Parsing
 * a model (checksum, XGBoost's JSON) costs far more than scoring a row, so
 * each call site (fn_extra) keeps the last ML_CACHE_SLOTS parsed models,
 * least recently used replaced first.  Each slot has its own memory context,
 * reset when the slot takes another model, so a query that switches between
 * models row after row holds at most ML_CACHE_SLOTS of them, never one per
 * switch.  The key is the model datum as it arrives: for a value stored out
 * of line, its TOAST pointer (so a model read from a table is neither
 * fetched nor parsed again row after row); otherwise all of its bytes
 * (compressed or not), compared in full: two models that differ anywhere
 * are never taken for one another.
 */
#include "ml/ml.h"
#include "decision/decision.h"

#include <math.h>

#include "access/detoast.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#define ML_CACHE_SLOTS 4

typedef struct MlModelCache
{
	uint64		clock;
	MlCachedModel slot[ML_CACHE_SLOTS];
} MlModelCache;

/*
 * Parse the single-label model m into out, in the current context; the JSON
 * text of XGBoost's trees is parsed in a scratch context, dropped after.
 */
void
ml_scorer_load(const MlModel *m, MlScorer *out)
{
	MemoryContext keep = CurrentMemoryContext;

	out->algorithm = m->algorithm;
	out->nfeatures = m->nfeatures;
	out->forest = NULL;
	if (m->algorithm == ML_ALG_XGBOOST)
	{
		MemoryContext scratch = AllocSetContextCreate(keep, "precmed model parsing",
													  ALLOCSET_DEFAULT_SIZES);
		MlForest   *f;

		MemoryContextSwitchTo(scratch);
		f = ml_forest_from_json(m->body, m->body_len, m->nfeatures);
		MemoryContextSwitchTo(keep);
		out->forest = ml_forest_copy(f);
		MemoryContextDelete(scratch);
	}
	else if (m->algorithm == ML_ALG_LOGREG)
		ml_logreg_from_body(m, &out->logreg);
	else
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"model\" is a multi-label model"),
				 errdetail("precmed.predict scores single-label models."),
				 errhint("Use precmed.predict_multilabel or precmed.predict_labels."));
}

/*
 * Parse raw (the argument as it arrived) into slot e, keyed by key; the
 * slot's context is created under fcinfo_mcxt on first use.
 */
static void
slot_fill(MlCachedModel *e, MemoryContext fcinfo_mcxt, struct varlena *raw,
		  const char *key, Size keylen)
{
	MemoryContext old,
				scratch;
	bytea	   *value;
	MlModel		m;

	e->valid = false;
	if (e->cxt == NULL)
		e->cxt = AllocSetContextCreate(fcinfo_mcxt, "precmed.predict model",
									   ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(e->cxt);
	old = MemoryContextSwitchTo(e->cxt);
	/* the detoasted value is dropped after parsing */
	scratch = AllocSetContextCreate(e->cxt, "precmed.predict value",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(scratch);
	value = (bytea *) detoast_attr(raw);
	ml_model_unpack(value, &m);
	MemoryContextSwitchTo(e->cxt);
	e->multi = NULL;
	e->forest = NULL;
	if (m.algorithm == ML_ALG_MULTILABEL)
		e->multi = dec_model_load(&m);
	else
	{
		MlScorer	sc;

		ml_scorer_load(&m, &sc);
		e->forest = sc.forest;
		e->logreg = sc.logreg;
	}
	e->algorithm = m.algorithm;
	e->nfeatures = m.nfeatures;
	e->key = palloc(keylen);
	memcpy(e->key, key, keylen);
	e->keylen = keylen;
	MemoryContextDelete(scratch);
	MemoryContextSwitchTo(old);
	e->valid = true;
}

/* The parsed model for argument d, from the call site's cache or parsed now. */
MlCachedModel *
ml_cached_model(FunctionCallInfo fcinfo, Datum d)
{
	MlModelCache *c = (MlModelCache *) fcinfo->flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	const char *key;
	Size		keylen;
	MlCachedModel *victim = NULL;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MlModelCache));
		fcinfo->flinfo->fn_extra = c;
	}

	/*
	 * An on-disk TOAST pointer names an immutable stored value.  Other
	 * external pointers (indirect, expanded) hold memory addresses, whose
	 * contents may change: key those by the value itself.
	 */
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = detoast_external_attr(raw);
	key = (const char *) raw;
	keylen = VARSIZE_ANY(raw);

	c->clock++;
	for (int i = 0; i < ML_CACHE_SLOTS; i++)
	{
		MlCachedModel *e = &c->slot[i];

		if (!e->valid)
		{
			if (victim == NULL || victim->valid)
				victim = e;
			continue;
		}
		if (e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
		{
			e->last_used = c->clock;
			return e;
		}
		if (victim == NULL || (victim->valid && e->last_used < victim->last_used))
			victim = e;
	}
	slot_fill(victim, fcinfo->flinfo->fn_mcxt, raw, key, keylen);
	victim->last_used = c->clock;
	return victim;
}

/*
 * precmed.predict(model, features): the model's probability for a feature
 * vector (NULL features: NULL).  Refuses a NULL or invalid model (22P03), a
 * vector of another length, an infinity.
 */
PG_FUNCTION_INFO_V1(predict);
Datum
predict(PG_FUNCTION_ARGS)
{
	MlCachedModel *c;
	double	   *x;
	double		margin;
	int			n;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = ml_cached_model(fcinfo, PG_GETARG_DATUM(0));
	if (c->algorithm == ML_ALG_MULTILABEL)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"model\" is a multi-label model"),
				 errdetail("precmed.predict returns one probability; this model has %d labels.",
						   dec_model_nlabels(c->multi)),
				 errhint("Use precmed.predict_multilabel (probabilities) or precmed.predict_labels (decisions)."));
	x = pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features",
						  c->nfeatures, &n, false);
	if (c->algorithm == ML_ALG_XGBOOST)
		margin = ml_forest_margin(c->forest, x);
	else
		margin = ml_logreg_margin(&c->logreg, x);
	PG_RETURN_FLOAT8(1.0 / (1.0 + exp(-margin)));
}

/*
 * precmed.model_info(model): jsonb with the header's facts, the training
 * params and facts, and the importances or coefficients.  Refuses an
 * invalid model (22P03).
 */
PG_FUNCTION_INFO_V1(model_info);
Datum
model_info(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MlModel		m;
	StringInfoData s;
	char	   *meta;

	ml_model_unpack(b, &m);
	if (m.algorithm == ML_ALG_MULTILABEL)
		PG_RETURN_DATUM(dec_model_info(b, &m));
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
					 errmsg("argument \"model\" is not a valid precmed model: its parameters are not a JSON object"));
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
