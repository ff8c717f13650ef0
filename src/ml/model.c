/*
 * model.c: the stored model value.
 *
 * A model is a bytea: a 40-byte header, then a JSON text (the parameters and
 * facts of training), then the algorithm's body (XGBoost's own JSON model, or
 * the logistic regression's imputation, scaling and coefficients).
 *
 *   0  "PMML"          magic
 *   4  uint16          format version (1)
 *   6  uint16          algorithm: 1 XGBoost, 2 logistic regression
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

#include "port/pg_crc32c.h"
#include "utils/memutils.h"

static const char *const algorithm_names[] = {NULL, "xgboost", "logreg"};

const char *
ml_algorithm_name(MlAlgorithm alg)
{
	if (alg == ML_ALG_XGBOOST || alg == ML_ALG_LOGREG)
		return algorithm_names[alg];
	return "unknown";
}

static uint32
payload_crc(const char *p, Size len)
{
	pg_crc32c	crc;

	INIT_CRC32C(crc);
	COMP_CRC32C(crc, p, len);
	FIN_CRC32C(crc);
	return (uint32) crc;
}

bytea *
ml_model_pack(MlAlgorithm alg, int nfeatures, int64 ntrain, int64 npositive,
			  const char *meta, const char *body, uint32 body_len)
{
	uint32		meta_len = (uint32) strlen(meta);
	Size		size = VARHDRSZ + ML_MODEL_HEADER_SIZE + (Size) meta_len + body_len;
	bytea	   *out;
	char	   *h;
	uint16		fmt = ML_MODEL_FORMAT,
				a = (uint16) alg;
	int32		nf = nfeatures;
	uint32		crc;

	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("model too large to store (%zu bytes)", size),
				 errhint("Use fewer rounds or shallower trees."));
	out = palloc(size);
	SET_VARSIZE(out, size);
	h = VARDATA(out);
	memcpy(h, ML_MODEL_MAGIC, 4);
	memcpy(h + 4, &fmt, 2);
	memcpy(h + 6, &a, 2);
	memcpy(h + 8, &nf, 4);
	memcpy(h + 12, &meta_len, 4);
	memcpy(h + 16, &ntrain, 8);
	memcpy(h + 24, &npositive, 8);
	memcpy(h + 32, &body_len, 4);
	memcpy(h + ML_MODEL_HEADER_SIZE, meta, meta_len);
	memcpy(h + ML_MODEL_HEADER_SIZE + meta_len, body, body_len);
	crc = payload_crc(h + ML_MODEL_HEADER_SIZE, (Size) meta_len + body_len);
	memcpy(h + 36, &crc, 4);
	return out;
}

static void
bad_model(const char *what, const char *detail)
{
	pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
			 errmsg("argument \"model\" is not a valid precmed model: %s", what),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("Pass a value made by precmed.train_xgboost or precmed.train_logreg, unchanged (e.g. the model column of precmed.models)."));
}

void
ml_model_unpack(bytea *model, MlModel *out)
{
	const char *h = VARDATA_ANY(model);
	Size		len = VARSIZE_ANY_EXHDR(model);
	uint16		fmt,
				alg;
	int32		nf;
	uint32		crc,
				stored_crc;

	if (len < ML_MODEL_HEADER_SIZE)
		bad_model(psprintf("it is %zu bytes long, shorter than the %d-byte header",
						   len, ML_MODEL_HEADER_SIZE), NULL);
	if (memcmp(h, ML_MODEL_MAGIC, 4) != 0)
		bad_model("it does not start with the precmed model marker",
				  "A model value starts with the bytes \"PMML\".");
	memcpy(&fmt, h + 4, 2);
	memcpy(&alg, h + 6, 2);
	memcpy(&nf, h + 8, 4);
	memcpy(&out->meta_len, h + 12, 4);
	memcpy(&out->ntrain, h + 16, 8);
	memcpy(&out->npositive, h + 24, 8);
	memcpy(&out->body_len, h + 32, 4);
	memcpy(&stored_crc, h + 36, 4);
	if (fmt != ML_MODEL_FORMAT)
		bad_model(psprintf("its format version is %u, this precmed reads version %d",
						   fmt, ML_MODEL_FORMAT), NULL);
	if (alg != ML_ALG_XGBOOST && alg != ML_ALG_LOGREG)
		bad_model(psprintf("its algorithm code is %u", alg),
				  "Known algorithms: 1 (xgboost), 2 (logreg).");
	if (nf <= 0 || out->ntrain <= 0 || out->npositive < 0 || out->npositive > out->ntrain)
		bad_model("its header has impossible counts",
				  psprintf("%d features, %lld training rows, %lld positive.",
						   nf, (long long) out->ntrain, (long long) out->npositive));
	if ((uint64) ML_MODEL_HEADER_SIZE + out->meta_len + out->body_len != len)
		bad_model(psprintf("it is %zu bytes long, its header announces %llu",
						   len, (unsigned long long) ML_MODEL_HEADER_SIZE + out->meta_len + out->body_len),
				  "The value was truncated or extended.");
	crc = payload_crc(h + ML_MODEL_HEADER_SIZE, len - ML_MODEL_HEADER_SIZE);
	if (crc != stored_crc)
		bad_model("its checksum does not match its contents",
				  psprintf("CRC-32C stored %08X, computed %08X: the value was altered.", stored_crc, crc));
	out->algorithm = (MlAlgorithm) alg;
	out->nfeatures = nf;
	out->meta = h + ML_MODEL_HEADER_SIZE;
	out->body = out->meta + out->meta_len;
}
