/*
 * model.c: the stored model value.
 *
 * A model is a bytea: a 40-byte header, then a JSON text (the parameters and
 * facts of training), then the algorithm's body (XGBoost's own JSON model, or
 * the logistic regression's imputation, scaling and coefficients).
 *
 *   0  "PMML"          magic
 *   4  uint16          format version (1)
 *   6  uint16          algorithm: 1 XGBoost, 2 logistic regression,
 *                      3 multi-label (per-label models, src/decision)
 *   8  int32           number of features
 *  12  uint32          length of the JSON text
 *  16  int64           training rows
 *  24  int64           positive training rows
 *  32  uint32          length of the body
 *  36  uint32          CRC-32C of everything after the header
 *
 * Numbers are in the server's byte order.  Every field is checked before
 * use, so a truncated, altered or foreign value is an error, never a crash.
 */
#include "ml/ml.h"

#include "utils/memutils.h"

/* The header, as stored (no padding: the offsets above). */
typedef struct MlModelHeader
{
	char		magic[4];
	uint16		format;
	uint16		algorithm;
	int32		nfeatures;
	uint32		meta_len;
	int64		ntrain;
	int64		npositive;
	uint32		body_len;
	uint32		crc;
} MlModelHeader;

StaticAssertDecl(sizeof(MlModelHeader) == ML_MODEL_HEADER_SIZE,
				 "the model header is 40 bytes without padding");
StaticAssertDecl(offsetof(MlModelHeader, ntrain) == 16 && offsetof(MlModelHeader, crc) == 36,
				 "the model header fields are at their documented offsets");

static const char *const algorithm_names[] = {NULL, "xgboost", "logreg", "multilabel"};

/* "xgboost", "logreg", "multilabel", or "unknown". */
const char *
ml_algorithm_name(MlAlgorithm alg)
{
	if (alg >= ML_ALG_XGBOOST && alg <= ML_ALG_MULTILABEL)
		return algorithm_names[alg];
	return "unknown";
}

static const PmBinaryFormat model_format = {
	ML_MODEL_MAGIC, ML_MODEL_FORMAT, "precmed model", "model value",
	"Pass a value made by precmed.train_xgboost, precmed.train_logreg or precmed.train_multilabel, unchanged (e.g. the model column of precmed.models)."
};

/* A model value: header, meta (JSON text) and body; over 1 GB is 54000. */
bytea *
ml_model_pack(MlAlgorithm alg, int nfeatures, int64 ntrain, int64 npositive,
			  const char *meta, const char *body, uint32 body_len)
{
	MlModelHeader h;
	Size		size;
	bytea	   *out;
	char	   *payload;

	memcpy(h.magic, ML_MODEL_MAGIC, 4);
	h.format = ML_MODEL_FORMAT;
	h.algorithm = (uint16) alg;
	h.nfeatures = nfeatures;
	h.meta_len = (uint32) strlen(meta);
	h.ntrain = ntrain;
	h.npositive = npositive;
	h.body_len = body_len;
	size = VARHDRSZ + ML_MODEL_HEADER_SIZE + (Size) h.meta_len + body_len;
	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("model too large to store (%zu bytes)", size),
				 errhint("Use fewer rounds or shallower trees."));
	out = palloc(size);
	SET_VARSIZE(out, size);
	payload = VARDATA(out) + ML_MODEL_HEADER_SIZE;
	memcpy(payload, meta, h.meta_len);
	memcpy(payload + h.meta_len, body, body_len);
	h.crc = pm_crc32c(payload, (Size) h.meta_len + body_len);
	memcpy(VARDATA(out), &h, ML_MODEL_HEADER_SIZE);
	return out;
}

/* 22P03: argument "model" is not a model value, because of what (detail: or NULL). */
static void
bad_model(const char *what, const char *detail)
{
	pm_binary_bad(&model_format, "argument \"model\"", what, detail);
}

/*
 * Check a model value and unpack it into out (pointers into model): a
 * truncated, altered or foreign value is 22P03.
 */
void
ml_model_unpack(bytea *model, MlModel *out)
{
	const char *data = VARDATA_ANY(model);
	Size		len = VARSIZE_ANY_EXHDR(model);
	MlModelHeader h;

	pm_binary_check_start(&model_format, "argument \"model\"", data, len, ML_MODEL_HEADER_SIZE);
	/* the value is not aligned: copy the header */
	memcpy(&h, data, ML_MODEL_HEADER_SIZE);
	pm_binary_check_version(&model_format, "argument \"model\"", h.format);
	if (h.algorithm < ML_ALG_XGBOOST || h.algorithm > ML_ALG_MULTILABEL)
		bad_model(psprintf("its algorithm code is %u", h.algorithm),
				  "Known algorithms: 1 (xgboost), 2 (logreg), 3 (multilabel).");
	if (h.nfeatures <= 0 || h.ntrain <= 0 || h.npositive < 0 || h.npositive > h.ntrain)
		bad_model("its header has impossible counts",
				  psprintf("%d features, %lld training rows, %lld positive.",
						   h.nfeatures, (long long) h.ntrain, (long long) h.npositive));
	if ((uint64) ML_MODEL_HEADER_SIZE + h.meta_len + h.body_len != len)
		bad_model(psprintf("it is %zu bytes long, its header announces %llu",
						   len, (unsigned long long) ML_MODEL_HEADER_SIZE + h.meta_len + h.body_len),
				  "The value was truncated or extended.");
	pm_binary_check_crc(&model_format, "argument \"model\"", data + ML_MODEL_HEADER_SIZE,
						len - ML_MODEL_HEADER_SIZE, h.crc);
	out->algorithm = (MlAlgorithm) h.algorithm;
	out->nfeatures = h.nfeatures;
	out->ntrain = h.ntrain;
	out->npositive = h.npositive;
	out->meta_len = h.meta_len;
	out->body_len = h.body_len;
	out->meta = data + ML_MODEL_HEADER_SIZE;
	out->body = out->meta + out->meta_len;
}
