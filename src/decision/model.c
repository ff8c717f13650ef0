/*
 * model.c: the multi-label model value, and precmed.predict_multilabel,
 * precmed.predict_labels.
 *
 * A multi-label model is a precmed model value (src/ml/model.c: header with
 * CRC, JSON text, body) of algorithm 3.  Its JSON text holds the method,
 * label names, chain order, thresholds and params; its body:
 *
 *   int32      nlabels
 *   int32      method: 0 binary relevance, 1 classifier chain
 *   int32[L]   label at each chain position (0-based)
 *   float8[L]  decision threshold of each label (label order)
 *   uint32[L]  length of each chain position's model value
 *   int32      number of label implications
 *   int32[2n]  (child, parent) label pairs: a true child raises the parent
 *   ...        the model values (complete single-label precmed models,
 *              each with its own header and CRC), in chain order
 *
 * In a chain, the model at position k takes the features and then the 0/1
 * decisions for the labels at positions 0..k-1.
 */
#include "decision/decision.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"

/* precmed.model_info (src/ml/predict.c), for each label's model */
extern Datum model_info(PG_FUNCTION_ARGS);

/* Pack what training produced into a model value. */
bytea *
dec_model_pack(const DecTrained *t)
{
	int			nl = t->nlabels;
	StringInfoData b;
	int32		v;

	initStringInfo(&b);
	v = nl;
	appendBinaryStringInfo(&b, (char *) &v, 4);
	v = (int32) t->method;
	appendBinaryStringInfo(&b, (char *) &v, 4);
	for (int k = 0; k < nl; k++)
	{
		v = t->order[k];
		appendBinaryStringInfo(&b, (char *) &v, 4);
	}
	appendBinaryStringInfo(&b, (const char *) t->threshold, sizeof(double) * nl);
	for (int k = 0; k < nl; k++)
	{
		uint32		len = VARSIZE_ANY_EXHDR(t->sub[k]);

		appendBinaryStringInfo(&b, (char *) &len, 4);
	}
	v = t->nimplies;
	appendBinaryStringInfo(&b, (char *) &v, 4);
	appendBinaryStringInfo(&b, (const char *) t->implies, sizeof(int32) * 2 * t->nimplies);
	for (int k = 0; k < nl; k++)
		appendBinaryStringInfo(&b, VARDATA_ANY(t->sub[k]), VARSIZE_ANY_EXHDR(t->sub[k]));
	return ml_model_pack(ML_ALG_MULTILABEL, t->nfeatures, t->ntrain, t->npositive,
						 t->meta, b.data, (uint32) b.len);
}

/* 22P03 about a multi-label body. */
static void
bad_body(const char *what)
{
	pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
			 errmsg("argument \"model\" is not a valid precmed model: its multi-label body %s", what),
			 errhint("Pass a value made by precmed.train_multilabel, unchanged."));
}

/*
 * The body of m read into d (sub-models left unparsed): *subs gets the
 * start of each chain position's model value and *lens its length.
 */
static void
body_read(const MlModel *m, DecModel *d, const char ***subs, uint32 **lens)
{
	const char *p = m->body;
	Size		left = m->body_len;
	int32		nl,
				method;

	if (left < 8)
		bad_body("is truncated");
	memcpy(&nl, p, 4);
	memcpy(&method, p + 4, 4);
	p += 8;
	left -= 8;
	if (nl < 1 || nl > DEC_MAX_LABELS || method < 0 || method > 1)
		bad_body(psprintf("announces %d labels and method %d", nl, method));
	if (left < (Size) nl * 16)
		bad_body("is truncated");
	d->nlabels = nl;
	d->nfeatures = m->nfeatures;
	d->method = (DecMethod) method;
	d->order = palloc(sizeof(int) * nl);
	d->threshold = palloc(sizeof(double) * nl);
	*subs = palloc(sizeof(char *) * nl);
	*lens = palloc(sizeof(uint32) * nl);
	memcpy(d->order, p, 4 * nl);
	memcpy(d->threshold, p + 4 * nl, sizeof(double) * nl);
	memcpy(*lens, p + 12 * nl, 4 * nl);
	p += 16 * nl;
	left -= 16 * (Size) nl;
	if (left < 4)
		bad_body("is truncated");
	memcpy(&d->nimplies, p, 4);
	p += 4;
	left -= 4;
	if (d->nimplies < 0 || d->nimplies > nl * nl || left < (Size) d->nimplies * 8)
		bad_body(psprintf("announces %d label implications", d->nimplies));
	d->implies = palloc(sizeof(int) * 2 * Max(d->nimplies, 1));
	memcpy(d->implies, p, sizeof(int32) * 2 * d->nimplies);
	p += 8 * d->nimplies;
	left -= 8 * (Size) d->nimplies;
	for (int i = 0; i < 2 * d->nimplies; i++)
		if (d->implies[i] < 0 || d->implies[i] >= nl)
			bad_body("has a label implication outside its labels");
	for (int k = 0; k < nl; k++)
	{
		bool		seen = false;

		if (d->order[k] < 0 || d->order[k] >= nl)
			bad_body("has a chain order outside its labels");
		for (int j = 0; j < k; j++)
			seen |= d->order[j] == d->order[k];
		if (seen)
			bad_body("names a label twice in its chain order");
		if (!(d->threshold[k] >= 0 && d->threshold[k] <= 1))
			bad_body("has a threshold outside [0, 1]");
		if ((*lens)[k] > left)
			bad_body("is truncated");
		(*subs)[k] = p;
		p += (*lens)[k];
		left -= (*lens)[k];
	}
	if (left != 0)
		bad_body("has trailing bytes");
}

/* The sub-model value (a fresh bytea) of a chain position. */
static bytea *
sub_value(const char *start, uint32 len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), start, len);
	return b;
}

/* Check a sub-model's header against its chain position. */
static void
sub_check(const DecModel *d, int k, const MlModel *sm)
{
	int			want = d->nfeatures + (d->method == DEC_CLASSIFIER_CHAIN ? k : 0);

	if (sm->algorithm == ML_ALG_MULTILABEL || sm->nfeatures != want)
		bad_body(psprintf("has a model at chain position %d with %d features, expected %d single-label",
						  k + 1, sm->nfeatures, want));
}

void *
dec_model_load(const MlModel *m)
{
	DecModel   *d = palloc0(sizeof(DecModel));
	const char **subs;
	uint32	   *lens;

	body_read(m, d, &subs, &lens);
	d->sub = palloc(sizeof(MlScorer) * d->nlabels);
	for (int k = 0; k < d->nlabels; k++)
	{
		bytea	   *b = sub_value(subs[k], lens[k]);
		MlModel		sm;

		ml_model_unpack(b, &sm);
		sub_check(d, k, &sm);
		ml_scorer_load(&sm, &d->sub[k]);
	}
	return d;
}

int
dec_model_nlabels(const void *multi)
{
	return ((const DecModel *) multi)->nlabels;
}

void
dec_model_predict(const DecModel *d, const double *x, double *prob, bool *labels)
{
	int			nf = d->nfeatures;
	double	   *xx = palloc(sizeof(double) * (nf + d->nlabels));

	memcpy(xx, x, sizeof(double) * nf);
	for (int k = 0; k < d->nlabels; k++)
	{
		int			l = d->order[k];
		double		p = 1.0 / (1.0 + exp(-ml_scorer_margin(&d->sub[k], xx)));

		prob[l] = p;
		if (labels)
			labels[l] = p >= d->threshold[l];
		/* the chain's next models see this label's decision */
		xx[nf + k] = p >= d->threshold[l] ? 1.0 : 0.0;
	}
	if (labels)
		dec_apply_implies(d, labels);
	pfree(xx);
}

void
dec_model_contributions(const DecModel *d, const double *x, double *out)
{
	int			nf = d->nfeatures;
	double	   *xx = palloc(sizeof(double) * (nf + d->nlabels));
	double	   *tmp = palloc(sizeof(double) * (nf + d->nlabels + 1));

	memcpy(xx, x, sizeof(double) * nf);
	for (int k = 0; k < d->nlabels; k++)
	{
		const MlScorer *s = &d->sub[k];
		int			l = d->order[k];
		double	   *row = out + (Size) l * (nf + 1);

		ml_contributions(s->algorithm, s->algorithm == ML_ALG_XGBOOST ? (const void *) s->forest
						 : (const void *) &s->logreg, xx, tmp);
		memcpy(row, tmp, sizeof(double) * nf);
		/* the bias, and in a chain the earlier labels' decisions */
		row[nf] = tmp[s->nfeatures];
		for (int j = nf; j < s->nfeatures; j++)
			row[nf] += tmp[j];
		/* the next labels see this label's decision, as dec_model_predict gives it */
		xx[nf + k] = 1.0 / (1.0 + exp(-ml_scorer_margin(s, xx))) >= d->threshold[l] ? 1.0 : 0.0;
	}
	pfree(xx);
	pfree(tmp);
}

/* The parsed multi-label model and the feature vector of a call (NULL: none). */
static const DecModel *
call_model(FunctionCallInfo fcinfo, double **x)
{
	MlCachedModel *c;
	int			n;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("model");
	c = ml_cached_model(fcinfo, PG_GETARG_DATUM(0));
	if (c->algorithm != ML_ALG_MULTILABEL)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"model\" is a single-label %s model", ml_algorithm_name(c->algorithm)),
				 errhint("Use precmed.predict for it, or train a multi-label model with precmed.train_multilabel."));
	*x = PG_ARGISNULL(1) ? NULL
		: pm_feature_vector(PG_GETARG_ARRAYTYPE_P(1), "features", c->nfeatures, &n, false);
	return (const DecModel *) c->multi;
}

/*
 * predict_contributions of a multi-label model: a labels x (features + 1)
 * float8 array (NULL features: NULL).
 */
Datum
dec_contributions_array(FunctionCallInfo fcinfo)
{
	double	   *x;
	const DecModel *d = call_model(fcinfo, &x);
	int			n = d->nlabels * (d->nfeatures + 1);
	double	   *c;
	Datum	   *out;
	int			dims[2] = {d->nlabels, d->nfeatures + 1};
	int			lbs[2] = {1, 1};

	if (x == NULL)
		PG_RETURN_NULL();
	c = palloc(sizeof(double) * n);
	out = palloc(sizeof(Datum) * n);
	dec_model_contributions(d, x, c);
	for (int i = 0; i < n; i++)
		out[i] = Float8GetDatum(c[i]);
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, NULL, 2, dims, lbs, FLOAT8OID, 8,
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * precmed.predict_multilabel(model, features): each label's probability,
 * in label order (NULL features: NULL).
 */
PG_FUNCTION_INFO_V1(predict_multilabel);
Datum
predict_multilabel(PG_FUNCTION_ARGS)
{
	double	   *x;
	const DecModel *d = call_model(fcinfo, &x);
	double	   *prob;
	Datum	   *out;

	if (x == NULL)
		PG_RETURN_NULL();
	prob = palloc(sizeof(double) * d->nlabels);
	out = palloc(sizeof(Datum) * d->nlabels);
	dec_model_predict(d, x, prob, NULL);
	for (int l = 0; l < d->nlabels; l++)
		out[l] = Float8GetDatum(prob[l]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, d->nlabels, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * precmed.predict_labels(model, features): each label's decision (its
 * probability at or above the label's threshold), in label order.
 */
PG_FUNCTION_INFO_V1(predict_labels);
Datum
predict_labels(PG_FUNCTION_ARGS)
{
	double	   *x;
	const DecModel *d = call_model(fcinfo, &x);
	double	   *prob;
	bool	   *labels;
	Datum	   *out;

	if (x == NULL)
		PG_RETURN_NULL();
	prob = palloc(sizeof(double) * d->nlabels);
	labels = palloc(sizeof(bool) * d->nlabels);
	out = palloc(sizeof(Datum) * d->nlabels);
	dec_model_predict(d, x, prob, labels);
	for (int l = 0; l < d->nlabels; l++)
		out[l] = BoolGetDatum(labels[l]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, d->nlabels, BOOLOID, 1, true, TYPALIGN_CHAR));
}

/*
 * model_info of a multi-label model: the header's facts, its JSON text, and
 * per label its name, chain position, threshold and its model's own
 * model_info (importance or coefficients; in a chain the features after
 * the last real one are the earlier labels' decisions).
 */
Datum
dec_model_info(bytea *value, const MlModel *m)
{
	DecModel	d;
	const char **subs;
	uint32	   *lens;
	StringInfoData s;
	Jsonb	   *meta;
	JsonbValue	k,
			   *names;

	body_read(m, &d, &subs, &lens);
	meta = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(pnstrdup(m->meta, m->meta_len))));
	k.type = jbvString;
	k.val.string.val = "labels";
	k.val.string.len = 6;
	names = findJsonbValueFromContainer(&meta->root, JB_FOBJECT, &k);
	if (names == NULL || names->type != jbvBinary ||
		(int) JsonContainerSize(names->val.binary.data) != d.nlabels)
		bad_body("has no label names for its labels");
	initStringInfo(&s);
	appendStringInfo(&s, "{\"algorithm\": \"multilabel\", \"format\": %d, \"features\": %d, "
					 "\"training_rows\": %lld, \"training_rows_any_positive\": %lld, \"bytes\": %zu, "
					 "\"meta\": %.*s, \"per_label\": [",
					 ML_MODEL_FORMAT, m->nfeatures, (long long) m->ntrain,
					 (long long) m->npositive, VARSIZE_ANY_EXHDR(value), (int) m->meta_len, m->meta);
	for (int l = 0; l < d.nlabels; l++)
	{
		int			pos = 0;
		JsonbValue *name = getIthJsonbValueFromContainer(names->val.binary.data, l);
		bytea	   *b;
		MlModel		sm;
		Datum		info;

		while (d.order[pos] != l)
			pos++;
		b = sub_value(subs[pos], lens[pos]);
		ml_model_unpack(b, &sm);
		sub_check(&d, pos, &sm);
		if (name == NULL || name->type != jbvString)
			bad_body("has a label name that is not a string");
		info = DirectFunctionCall1(model_info, PointerGetDatum(b));
		appendStringInfo(&s, "%s{\"label\": %d, \"name\": ", l ? ", " : "", l + 1);
		escape_json(&s, pnstrdup(name->val.string.val, name->val.string.len));
		appendStringInfo(&s, ", \"chain_position\": %d, \"threshold\": %.17g, \"model\": %s}",
						 pos + 1, d.threshold[l],
						 JsonbToCString(NULL, &DatumGetJsonbP(info)->root, 0));
	}
	appendStringInfoString(&s, "]}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data));
}
