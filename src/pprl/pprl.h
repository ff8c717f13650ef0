/*
 * pprl.h: privacy-preserving record linkage with Bloom-filter encodings.
 *
 * Each site turns a record's identifying fields into bits with a secret
 * shared among the sites only (HMAC-SHA-256 over q-grams and other tokens,
 * Schnell, Bachteler and Reiher 2009); the linkage unit compares the bits
 * (Dice), never the identities.
 *
 * An encoding is a bit varying: the Bloom filter (length bits, or twice that
 * when balanced), then a 64-bit trailer: the bytes 'P' 'M' and 6 bytes of
 * SHA-256 over the canonical text of the params ("params id").  The trailer
 * lets dice refuse encodings made with other params; it depends on the
 * params only, never on the secret.
 */
#ifndef PRECMED_PPRL_H
#define PRECMED_PPRL_H

#include "common/precmed.h"

#include "utils/varbit.h"

#define PPRL_SCHEME "precmed-clk/1"
#define PPRL_MAX_FIELDS 64
#define PPRL_MIN_LENGTH 64
#define PPRL_MAX_LENGTH 65536
#define PPRL_MAX_K 100
#define PPRL_MAX_Q 8
#define PPRL_MAX_NEIGHBOURS 100
#define PPRL_MAX_PARAMS_BYTES 65536

/* The trailer after the filter bits: magic, then the params id. */
#define PPRL_TRAILER_BYTES 8
#define PPRL_ID_BYTES 6
#define PPRL_MAGIC0 0x50		/* 'P' */
#define PPRL_MAGIC1 0x4D		/* 'M' */

typedef enum PprlType
{
	PPRL_NAME,					/* letters only, ASCII folded to lower case */
	PPRL_TEXT,					/* words of letters and digits */
	PPRL_NUMBER,				/* a decimal number: exact, or grid cells */
	PPRL_DATE					/* a calendar date: year, month, day tokens */
} PprlType;

typedef enum PprlHashing
{
	PPRL_DOUBLE,				/* k positions h1 + i*h2 from one HMAC */
	PPRL_RANDOM					/* k independent positions from HMAC blocks */
} PprlHashing;

/* How one field is tokenized and hashed. */
typedef struct PprlField
{
	int			type;			/* PprlType */
	int			k;				/* hash positions per token: the field's weight */
	int			q;				/* q-gram length (name, text) */
	bool		padding;		/* pad the string with q-1 '_' at each end */
	double		step;			/* number: grid cell width, 0 = exact value */
	int			neighbours;		/* number: cells on each side also set */
	int			invalid;		/* number, date: 0 error, 1 treat as missing */
	char	   *name;			/* a label, for descriptions only */
} PprlField;

/* The params of an encoding, with defaults filled in. */
typedef struct PprlParams
{
	int			length;			/* bits of a filter before balancing */
	int			hashing;		/* PprlHashing */
	bool		balanced;		/* filter and its complement, permuted */
	int			salt_field;		/* 1-based field whose value salts all tokens, 0 none */
	bool		fields_given;	/* "fields" listed; else every field is the default */
	int			nfields;		/* when fields_given */
	PprlField	deflt;			/* the default field (top-level k, q, padding, type) */
	PprlField	fields[PPRL_MAX_FIELDS];
	char	   *canonical;		/* every setting that changes the bits */
} PprlParams;

/* ---- params.c ---- */

/* Read params (NULL for none) into p, checked; p->canonical set. */
extern void pprl_read_params(Jsonb *params, PprlParams *p);

/* The spec of field i (0-based) of an input with nfields fields. */
extern const PprlField *pprl_field(const PprlParams *p, int i);

/* The 6-byte id of the CLK (field < 0) or of field's own filter (0-based). */
extern void pprl_params_id(const PprlParams *p, int field, uint8 *id);

/* Bits of each filter: length, doubled when balanced. */
static inline int
pprl_filter_bits(const PprlParams *p)
{
	return p->balanced ? 2 * p->length : p->length;
}

/* ---- tokens.c ---- */

/* Receives each token of a field (bytes, UTF-8). */
typedef void (*PprlTokenSink) (void *arg, const char *token, int len);

/*
 * Normalize value (len bytes, UTF-8) as field f says, into a palloc'd
 * string (*out, *outlen).  Returns false when nothing is left (an empty
 * field, or an invalid number or date under "invalid": "missing"); field_no
 * (1-based) names the field in errors, which never quote the value.
 */
extern bool pprl_normalize(const PprlField *f, int field_no, const char *value, int len,
						   char **out, int *outlen);

/* Emit the tokens of a normalized value. */
extern void pprl_tokens(const PprlField *f, const char *norm, int len,
						PprlTokenSink sink, void *arg);

/* ---- encode.c ---- */

/* Check the secret (not NULL, not empty) and return its bytes in UTF-8. */
extern char *pprl_secret_bytes(FunctionCallInfo fcinfo, int argno, int *len);

/* ---- bits.c ---- */

/* Bits set in the AND of a and b, nbytes each. */
extern uint64 pprl_and_count(const uint8 *a, const uint8 *b, int nbytes);

/* Bits set in the AND of probe with each of n rows (nbytes each), into out. */
extern void pprl_and_count_rows(const uint8 *probe, const uint8 *rows, int64 n, int nbytes,
								uint32 *out);

/* Bits set in a, nbytes. */
extern uint64 pprl_count(const uint8 *a, int nbytes);

/*
 * Check that v is a precmed encoding and return its filter's byte count;
 * argname names it in errors.
 */
extern int	pprl_filter_bytes(VarBit *v, const char *argname);

/* The params id in v's trailer (v checked by pprl_filter_bytes). */
static inline const uint8 *
pprl_trailer_id(VarBit *v, int filter_bytes)
{
	return VARBITS(v) + filter_bytes + 2;
}

/* Raise 22023 unless a and b are comparable (same length, same params id). */
extern void pprl_check_comparable(VarBit *a, int abytes, VarBit *b, int bbytes,
								  const char *what);

/* Hex text of the params id. */
extern char *pprl_id_hex(const uint8 *id);

/* ---- blocking.c ---- */

/* Hamming LSH settings: bands of band_bits sampled filter bits each. */
typedef struct PprlLsh
{
	int			bands;			/* 0: no blocking, every pair */
	int			band_bits;
	int			seed;			/* of the position sampler, not secret */
} PprlLsh;

extern void pprl_read_lsh(Jsonb *params, PprlLsh *lsh, bool allow_no_bands);

/* The sampled bit positions, bands x band_bits, in a filter of nbits. */
extern int *pprl_lsh_positions(const PprlLsh *lsh, int nbits);

/* The key of band b of a filter: its sampled bits packed into a word. */
static inline uint64
pprl_band_key(const uint8 *filter, const int *positions, int band_bits, int b)
{
	const int  *pos = positions + (Size) b * band_bits;
	uint64		key = 0;

	for (int i = 0; i < band_bits; i++)
		key = (key << 1) | ((filter[pos[i] >> 3] >> (7 - (pos[i] & 7))) & 1);
	return key;
}

#endif							/* PRECMED_PPRL_H */
