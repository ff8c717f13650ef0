/*
 * encode.c: clk_encode and clk_encode_fields, Bloom-filter encodings of a
 * record's identifying fields under a secret key.
 *
 * How it works.  Each field is normalized and cut into tokens (tokens.c).
 * Each token t of field i (1-based) is hashed with HMAC-SHA-256 under the
 * secret, over the message
 *
 *     "f" <i in decimal> 0x1F <salt> 0x1F <t>
 *
 * (salt: the normalized value of the salt field, or empty), and sets k bits
 * of the filter of l bits (k: the field's weight):
 *
 *   double hashing (Schnell et al. 2009): D = HMAC(msg); h1, h2 = the first
 *     two 8-byte big-endian words of D; bit (h1 mod l + j * (1 + h2 mod
 *     (l - 1))) mod l for j = 0..k-1.
 *   random hashing (Niedermeyer et al. 2014): D_b = HMAC(msg 0x00 <b as one
 *     byte>) for b = 0, 1, ...; bit j is the (j mod 8)-th 4-byte big-endian
 *     word of D_(j/8), mod l: k independent positions.
 *
 * Bit p of a filter is bit p of the bit string (byte p/8, from its high
 * bit), so the encoding does not depend on the platform's byte order; the
 * secret and text fields are converted to UTF-8 first, so it does not
 * depend on the database encoding either.  clk_encode sets the bits of all
 * fields in one filter (a cryptographic long-term key); clk_encode_fields
 * gives each field a filter of its own.
 *
 * Balanced filters (Schnell 2016): the filter followed by its complement,
 * 2l bits with exactly l set, permuted by a Fisher-Yates shuffle drawn from
 * HMAC("balance" 0x1F <canonical params> 0x1F <block as 4 bytes big-endian>)
 * words (each 4-byte big-endian word w picks w mod (i + 1)).
 */
#include "pprl/pprl.h"

#include "catalog/pg_type.h"
#include "common/hmac.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#define SECRET_HINT "Keep the secret in a table only the encoding role can read; see docs/linkage.md."

/*
 * s (len bytes of server text) in UTF-8; *outlen its length.  A value that
 * has no UTF-8 form is an error that names only what: the conversion's own
 * message would quote bytes of the value.
 */
static const char *
utf8_bytes(const char *s, int len, int *outlen, const char *what)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *volatile r = NULL;

	if (GetDatabaseEncoding() == PG_UTF8)
	{
		*outlen = len;
		return s;
	}
	PG_TRY();
	{
		r = pg_server_to_any(s, len, PG_UTF8);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		pm_error(ERRCODE_UNTRANSLATABLE_CHARACTER,
				 errmsg("%s has no UTF-8 form in this database's encoding", what),
				 errdetail("Encodings hash UTF-8 bytes, so that every server gives the same bits."));
	}
	PG_END_TRY();
	*outlen = r == s ? len : (int) strlen(r);
	return r;
}

char *
pprl_secret_bytes(FunctionCallInfo fcinfo, int argno, int *len)
{
	text	   *t;
	const char *u;

	if (PG_ARGISNULL(argno))
		pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
				 errmsg("argument \"secret\" must not be NULL"),
				 errhint(SECRET_HINT));
	t = PG_GETARG_TEXT_PP(argno);
	if (VARSIZE_ANY_EXHDR(t) == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"secret\" must not be empty"),
				 errdetail("An encoding under an empty key can be recomputed by anyone."),
				 errhint("Share a long random secret among the sites only. " SECRET_HINT));
	u = utf8_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), len, "the secret");
	return (char *) u;
}

/* What one call needs across calls: the parsed params, ids, permutation. */
typedef struct EncodeCache
{
	char	   *params_raw;		/* the params jsonb the rest was built from */
	Size		params_size;
	PprlParams	params;
	uint8		clk_id[PPRL_ID_BYTES];
	uint8		field_id[PPRL_MAX_FIELDS][PPRL_ID_BYTES];
	int			field_ids_done; /* field_id[0..field_ids_done) are set */
	char	   *perm_secret;	/* the secret perm was drawn under */
	int			perm_secret_len;
	int		   *perm;			/* balancing permutation, or NULL */
} EncodeCache;

/* The state of encoding one record. */
typedef struct Encoder
{
	pg_hmac_ctx *hmac;
	const uint8 *key;
	int			keylen;
	StringInfoData msg;			/* prefix of the field, then the token */
	int			prefix_len;
	uint8	   *filter;			/* the filter bits being set */
	int			nbits;			/* params length */
	int			k;
	int			hashing;
} Encoder;

/* HMAC-SHA-256 of e->msg under the secret, into digest (32 bytes). */
static void
hmac_msg(Encoder *e, const uint8 *msg, int len, uint8 *digest)
{
	if (pg_hmac_init(e->hmac, e->key, e->keylen) < 0 ||
		pg_hmac_update(e->hmac, msg, len) < 0 ||
		pg_hmac_final(e->hmac, digest, 32) < 0)
		elog(ERROR, "could not compute HMAC-SHA-256: %s", pg_hmac_error(e->hmac));
}

static inline uint64
be64(const uint8 *p)
{
	uint64		v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline uint32
be32(const uint8 *p)
{
	return ((uint32) p[0] << 24) | ((uint32) p[1] << 16) | ((uint32) p[2] << 8) | p[3];
}

static inline void
set_bit(uint8 *filter, uint32 pos)
{
	filter[pos >> 3] |= (uint8) (0x80 >> (pos & 7));
}

/* The token sink: hash the token and set its k bits. */
static void
set_token_bits(void *arg, const char *token, int len)
{
	Encoder    *e = arg;
	uint8		d[32];

	e->msg.len = e->prefix_len;
	appendBinaryStringInfo(&e->msg, token, len);
	if (e->hashing == PPRL_DOUBLE)
	{
		uint64		pos,
					step;

		hmac_msg(e, (const uint8 *) e->msg.data, e->msg.len, d);
		pos = be64(d) % (uint64) e->nbits;
		step = 1 + be64(d + 8) % (uint64) (e->nbits - 1);
		for (int j = 0; j < e->k; j++)
		{
			set_bit(e->filter, (uint32) pos);
			pos += step;
			if (pos >= (uint64) e->nbits)
				pos -= e->nbits;
		}
	}
	else
	{
		appendStringInfoChar(&e->msg, '\0');
		appendStringInfoChar(&e->msg, '\0');
		for (int j = 0; j < e->k; j++)
		{
			if (j % 8 == 0)
			{
				e->msg.data[e->msg.len - 1] = (char) (j / 8);
				hmac_msg(e, (const uint8 *) e->msg.data, e->msg.len, d);
			}
			set_bit(e->filter, be32(d + 4 * (j % 8)) % (uint32) e->nbits);
		}
	}
}

/* The balancing permutation of 2 * length positions under the secret. */
static int *
balance_permutation(Encoder *e, const PprlParams *p, MemoryContext cxt)
{
	int			n = 2 * p->length;
	int		   *perm = MemoryContextAlloc(cxt, sizeof(int) * n);
	StringInfoData msg;
	uint8		d[32];
	int			used = 8;
	uint32		block = 0;

	for (int i = 0; i < n; i++)
		perm[i] = i;
	initStringInfo(&msg);
	appendStringInfo(&msg, "balance%c%s%c", 0x1F, p->canonical, 0x1F);
	appendBinaryStringInfo(&msg, "\0\0\0\0", 4);
	for (int i = n - 1; i > 0; i--)
	{
		int			r,
					t;

		if (used == 8)
		{
			uint8	   *b = (uint8 *) msg.data + msg.len - 4;

			b[0] = (uint8) (block >> 24);
			b[1] = (uint8) (block >> 16);
			b[2] = (uint8) (block >> 8);
			b[3] = (uint8) block;
			block++;
			hmac_msg(e, (const uint8 *) msg.data, msg.len, d);
			used = 0;
		}
		r = (int) (be32(d + 4 * used++) % (uint32) (i + 1));
		t = perm[i];
		perm[i] = perm[r];
		perm[r] = t;
	}
	pfree(msg.data);
	return perm;
}

/* filter (length bits) balanced into out (2 * length bits, zeroed). */
static void
balance(const uint8 *filter, int length, const int *perm, uint8 *out)
{
	for (int j = 0; j < 2 * length; j++)
	{
		int			src = perm[j];
		int			bit = src < length ? (filter[src >> 3] >> (7 - (src & 7))) & 1
			: !((filter[(src - length) >> 3] >> (7 - ((src - length) & 7))) & 1);

		if (bit)
			set_bit(out, j);
	}
}

/* The cache of this call site, rebuilt when params change. */
static EncodeCache *
encode_cache(FunctionCallInfo fcinfo, Jsonb *params)
{
	EncodeCache *c = fcinfo->flinfo->fn_extra;
	Size		size = VARSIZE(params);
	MemoryContext old;

	if (c && c->params_size == size && memcmp(c->params_raw, params, size) == 0)
		return c;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c == NULL)
	{
		c = palloc0(sizeof(EncodeCache));
		fcinfo->flinfo->fn_extra = c;
	}
	else
	{
		/* only a checked params object is remembered */
		c->params_size = 0;
		if (c->perm)
			pfree(c->perm);
		c->perm = NULL;
	}
	MemoryContextSwitchTo(old);
	pprl_read_params(params, &c->params);
	c->params.canonical = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, c->params.canonical);
	for (int i = 0; i < c->params.nfields; i++)
		if (c->params.fields[i].name)
			c->params.fields[i].name = NULL;	/* labels are not needed to encode */
	pprl_params_id(&c->params, -1, c->clk_id);
	c->field_ids_done = 0;
	if (c->params_raw)
		pfree(c->params_raw);
	c->params_raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, size);
	memcpy(c->params_raw, params, size);
	c->params_size = size;
	return c;
}

/* A VarBit of filter bits plus the trailer carrying id. */
static VarBit *
make_encoding(const uint8 *filter, int filter_bits, const uint8 *id)
{
	int			nbits = filter_bits + 8 * PPRL_TRAILER_BYTES;
	int			size = VARBITTOTALLEN(nbits);
	VarBit	   *v = palloc0(size);
	uint8	   *bits;

	SET_VARSIZE(v, size);
	VARBITLEN(v) = nbits;
	bits = VARBITS(v);
	memcpy(bits, filter, filter_bits / 8);
	bits[filter_bits / 8] = PPRL_MAGIC0;
	bits[filter_bits / 8 + 1] = PPRL_MAGIC1;
	memcpy(bits + filter_bits / 8 + 2, id, PPRL_ID_BYTES);
	return v;
}

/* The fields argument's elements, checked against the params. */
static void
fields_arg(FunctionCallInfo fcinfo, const PprlParams *p, Datum **values, bool **nulls, int *nout)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int			n;

	if (ARR_NDIM(arr) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"fields\" must be a one-dimensional array"));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, values, nulls, &n);
	if (n == 0)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"fields\" is an empty array"),
				 errhint("Pass the record's identifying fields, e.g. ARRAY[given_name, surname, dob]; "
						 "a missing field is a NULL element."));
	if (n > PPRL_MAX_FIELDS)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"fields\" has %d elements; at most %d are allowed", n, PPRL_MAX_FIELDS));
	if (p->fields_given && n != p->nfields)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("argument \"fields\" has %d elements, but params \"fields\" describes %d",
						n, p->nfields),
				 errhint("Give one params entry per field, in the same order."));
	if (p->salt_field > n)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("encoding parameter \"salt_field\" is %d, but the record has %d fields",
						p->salt_field, n));
	*nout = n;
}

/* Each field normalized (NULL when missing): the salt field salts them all. */
static void
normalize_fields(const PprlParams *p, Datum *values, bool *nulls, int n, char **norm, int *normlen)
{
	for (int i = 0; i < n; i++)
	{
		text	   *t;
		const char *u;
		int			ulen;

		norm[i] = NULL;
		if (nulls[i])
			continue;
		t = DatumGetTextPP(values[i]);
		u = utf8_bytes(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &ulen, psprintf("field %d", i + 1));
		if (!pprl_normalize(pprl_field(p, i), i + 1, u, ulen, &norm[i], &normlen[i]))
			norm[i] = NULL;
	}
}

/* The balancing permutation under this secret, drawn once per call site and secret. */
static void
ensure_permutation(EncodeCache *c, Encoder *e, const char *secret, int secret_len,
				   MemoryContext cxt)
{
	if (c->perm != NULL && c->perm_secret_len == secret_len &&
		memcmp(c->perm_secret, secret, secret_len) == 0)
		return;
	if (c->perm)
		pfree(c->perm);
	if (c->perm_secret)
		pfree(c->perm_secret);
	c->perm = NULL;
	c->perm_secret = MemoryContextAlloc(cxt, secret_len);
	memcpy(c->perm_secret, secret, secret_len);
	c->perm_secret_len = secret_len;
	c->perm = balance_permutation(e, &c->params, cxt);
}

/* One call of clk_encode (fields_mode false) or clk_encode_fields. */
static Datum
encode(FunctionCallInfo fcinfo, bool fields_mode)
{
	EncodeCache *c;
	const PprlParams *p;
	Encoder		e;
	Datum	   *values;
	bool	   *nulls;
	int			n,
				secret_len,
				fbytes;
	char	   *secret = pprl_secret_bytes(fcinfo, 1, &secret_len);
	char	  **norm;
	int		   *normlen;
	const char *salt = "";
	int			saltlen = 0;
	bool		any = false;
	uint8	   *filter,
			   *balanced = NULL;
	Datum	   *out = NULL;
	bool	   *outnull = NULL;

	if (PG_ARGISNULL(2))
		pm_error_null_argument("params");
	c = encode_cache(fcinfo, PG_GETARG_JSONB_P(2));
	p = &c->params;
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();

	fields_arg(fcinfo, p, &values, &nulls, &n);
	if (fields_mode)
		while (c->field_ids_done < n)
		{
			pprl_params_id(p, c->field_ids_done, c->field_id[c->field_ids_done]);
			c->field_ids_done++;
		}

	norm = palloc(sizeof(char *) * n);
	normlen = palloc(sizeof(int) * n);
	normalize_fields(p, values, nulls, n, norm, normlen);
	if (p->salt_field > 0 && norm[p->salt_field - 1] != NULL)
	{
		salt = norm[p->salt_field - 1];
		saltlen = normlen[p->salt_field - 1];
	}

	e.hmac = pg_hmac_create(PG_SHA256);
	if (e.hmac == NULL)
		ereport(ERROR, errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory"));
	e.key = (const uint8 *) secret;
	e.keylen = secret_len;
	e.nbits = p->length;
	e.hashing = p->hashing;
	initStringInfo(&e.msg);
	if (p->balanced)
		ensure_permutation(c, &e, secret, secret_len, fcinfo->flinfo->fn_mcxt);

	fbytes = p->length / 8;
	filter = palloc0(fbytes);
	if (p->balanced)
		balanced = palloc(2 * fbytes);
	if (fields_mode)
	{
		out = palloc(sizeof(Datum) * n);
		outnull = palloc(sizeof(bool) * n);
	}
	for (int i = 0; i < n; i++)
	{
		if (fields_mode)
			outnull[i] = norm[i] == NULL;
		if (norm[i] == NULL)
			continue;
		any = true;
		resetStringInfo(&e.msg);
		appendStringInfo(&e.msg, "f%d%c", i + 1, 0x1F);
		appendBinaryStringInfo(&e.msg, salt, saltlen);
		appendStringInfoChar(&e.msg, 0x1F);
		e.prefix_len = e.msg.len;
		e.k = pprl_field(p, i)->k;
		e.filter = filter;
		pprl_tokens(pprl_field(p, i), norm[i], normlen[i], set_token_bits, &e);
		if (fields_mode)
		{
			const uint8 *bits = filter;

			if (p->balanced)
			{
				memset(balanced, 0, 2 * fbytes);
				balance(filter, p->length, c->perm, balanced);
				bits = balanced;
			}
			out[i] = PointerGetDatum(make_encoding(bits, pprl_filter_bits(p), c->field_id[i]));
			memset(filter, 0, fbytes);
		}
	}
	pg_hmac_free(e.hmac);

	if (fields_mode)
	{
		int			dims[1] = {n},
					lbs[1] = {1};

		PG_RETURN_ARRAYTYPE_P(construct_md_array(out, outnull, 1, dims, lbs, VARBITOID,
												 -1, false, TYPALIGN_INT));
	}
	if (!any)
		PG_RETURN_NULL();
	if (p->balanced)
	{
		memset(balanced, 0, 2 * fbytes);
		balance(filter, p->length, c->perm, balanced);
		filter = balanced;
	}
	PG_RETURN_VARBIT_P(make_encoding(filter, pprl_filter_bits(p), c->clk_id));
}

/* clk_encode(fields, secret, params): one Bloom filter for the record. */
PG_FUNCTION_INFO_V1(clk_encode);
Datum
clk_encode(PG_FUNCTION_ARGS)
{
	return encode(fcinfo, false);
}

/* clk_encode_fields(fields, secret, params): one Bloom filter per field. */
PG_FUNCTION_INFO_V1(clk_encode_fields);
Datum
clk_encode_fields(PG_FUNCTION_ARGS)
{
	return encode(fcinfo, true);
}
