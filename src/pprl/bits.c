/*
 * bits.c: comparing encodings: dice, dice_level, clk_info, and the bit
 * counting under them.
 *
 * Dice = 2 |A and B| / (|A| + |B|) over the filter bits, counted a 64-bit
 * word at a time.  On x86-64 the word count uses the POPCNT instruction
 * when the CPU has it (checked once), like PostgreSQL's own pg_popcount;
 * the count does not depend on byte order, so neither does Dice.
 */
#include "pprl/pprl.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#define PPRL_MAX_LEVELS 100

/* Bits set in the AND of a and b, without a popcount instruction. */
static uint64
and_count_portable(const uint8 *a, const uint8 *b, int nbytes)
{
	uint64		n = 0;
	int			i = 0;

	for (; i + 8 <= nbytes; i += 8)
	{
		uint64		x,
					y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		n += pg_popcount64(x & y);
	}
	for (; i < nbytes; i++)
		n += pg_number_of_ones[a[i] & b[i]];
	return n;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PPRL_HAVE_POPCNT_PATH

/* The same with the POPCNT instruction, four words per step. */
__attribute__((target("popcnt")))
static uint64
and_count_popcnt(const uint8 *a, const uint8 *b, int nbytes)
{
	uint64		n0 = 0,
				n1 = 0,
				n2 = 0,
				n3 = 0;
	int			i = 0;

	for (; i + 32 <= nbytes; i += 32)
	{
		uint64		x[4],
					y[4];

		memcpy(x, a + i, 32);
		memcpy(y, b + i, 32);
		n0 += __builtin_popcountll(x[0] & y[0]);
		n1 += __builtin_popcountll(x[1] & y[1]);
		n2 += __builtin_popcountll(x[2] & y[2]);
		n3 += __builtin_popcountll(x[3] & y[3]);
	}
	for (; i + 8 <= nbytes; i += 8)
	{
		uint64		x,
					y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		n0 += __builtin_popcountll(x & y);
	}
	for (; i < nbytes; i++)
		n0 += pg_number_of_ones[a[i] & b[i]];
	return n0 + n1 + n2 + n3;
}
#endif

/* AND counts of probe with n rows of nbytes each, into out. */
static void
and_count_rows_portable(const uint8 *probe, const uint8 *rows, int64 n, int nbytes, uint32 *out)
{
	for (int64 r = 0; r < n; r++)
		out[r] = (uint32) and_count_portable(probe, rows + r * nbytes, nbytes);
}

#ifdef PPRL_HAVE_POPCNT_PATH
/* The same with POPCNT, the word loop inlined: no call per pair. */
__attribute__((target("popcnt")))
static void
and_count_rows_popcnt(const uint8 *probe, const uint8 *rows, int64 n, int nbytes, uint32 *out)
{
	int			words = nbytes / 8;

	for (int64 r = 0; r < n; r++)
	{
		const uint8 *row = rows + r * nbytes;
		uint64		c = 0;
		int			i;

		for (i = 0; i < words; i++)
		{
			uint64		x,
						y;

			memcpy(&x, probe + 8 * i, 8);
			memcpy(&y, row + 8 * i, 8);
			c += __builtin_popcountll(x & y);
		}
		for (i = 8 * words; i < nbytes; i++)
			c += pg_number_of_ones[probe[i] & row[i]];
		out[r] = (uint32) c;
	}
}
#endif

static uint64 and_count_choose(const uint8 *a, const uint8 *b, int nbytes);
static void and_count_rows_choose(const uint8 *probe, const uint8 *rows, int64 n, int nbytes,
								  uint32 *out);
static void (*and_count_rows_impl) (const uint8 *probe, const uint8 *rows, int64 n, int nbytes,
									uint32 *out) = and_count_rows_choose;
static uint64 (*and_count_impl) (const uint8 *a, const uint8 *b, int nbytes) = and_count_choose;

/* First call: pick the implementation this CPU runs. */
static uint64
and_count_choose(const uint8 *a, const uint8 *b, int nbytes)
{
	and_count_impl = and_count_portable;
#ifdef PPRL_HAVE_POPCNT_PATH
	if (__builtin_cpu_supports("popcnt"))
		and_count_impl = and_count_popcnt;
#endif
	return and_count_impl(a, b, nbytes);
}

/* First call: pick the row implementation this CPU runs. */
static void
and_count_rows_choose(const uint8 *probe, const uint8 *rows, int64 n, int nbytes, uint32 *out)
{
	and_count_rows_impl = and_count_rows_portable;
#ifdef PPRL_HAVE_POPCNT_PATH
	if (__builtin_cpu_supports("popcnt"))
		and_count_rows_impl = and_count_rows_popcnt;
#endif
	and_count_rows_impl(probe, rows, n, nbytes, out);
}

void
pprl_and_count_rows(const uint8 *probe, const uint8 *rows, int64 n, int nbytes, uint32 *out)
{
	and_count_rows_impl(probe, rows, n, nbytes, out);
}

uint64
pprl_and_count(const uint8 *a, const uint8 *b, int nbytes)
{
	return and_count_impl(a, b, nbytes);
}

uint64
pprl_count(const uint8 *a, int nbytes)
{
	return pg_popcount((const char *) a, nbytes);
}

int
pprl_filter_bytes(VarBit *v, const char *argname)
{
	int			nbits = VARBITLEN(v);
	int			fbytes = nbits / 8 - PPRL_TRAILER_BYTES;
	const uint8 *bits = VARBITS(v);

	if (nbits % 8 != 0 || fbytes * 8 < PPRL_MIN_LENGTH ||
		bits[fbytes] != PPRL_MAGIC0 || bits[fbytes + 1] != PPRL_MAGIC1)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"%s\" is not a precmed encoding", argname),
				 errdetail("An encoding from clk_encode or clk_encode_fields ends in a 64-bit trailer "
						   "naming its params; this bit string of %d bits has none.", nbits),
				 errhint("Compare encodings made by clk_encode or clk_encode_fields; for other bit "
						 "strings use 2 * bit_count(a & b)::float8 / (bit_count(a) + bit_count(b))."));
	return fbytes;
}

void
pprl_check_comparable(VarBit *a, int abytes, VarBit *b, int bbytes, const char *what)
{
	if (abytes != bbytes)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s: encodings of different lengths (%d and %d filter bits)",
						what, 8 * abytes, 8 * bbytes),
				 errdetail("Encodings are comparable only when made with the same params."),
				 errhint("Check that every site encodes with the same params: compare clk_describe(params)."));
	if (memcmp(pprl_trailer_id(a, abytes), pprl_trailer_id(b, bbytes), PPRL_ID_BYTES) != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s: encodings made with different params (params ids %s and %s)",
						what, pprl_id_hex(pprl_trailer_id(a, abytes)),
						pprl_id_hex(pprl_trailer_id(b, bbytes))),
				 errdetail("The same bits mean different tokens under different params; "
						   "a per-field filter also differs from another field's and from a record's."),
				 errhint("Check that every site encodes with the same params: compare clk_describe(params)."));
}

/* Dice of two checked encodings, NaN when neither has a bit set. */
static double
dice_of(VarBit *a, VarBit *b, int fbytes)
{
	uint64		na = pprl_count(VARBITS(a), fbytes),
				nb = pprl_count(VARBITS(b), fbytes);

	if (na + nb == 0)
		return NAN;
	return 2.0 * (double) pprl_and_count(VARBITS(a), VARBITS(b), fbytes) / (double) (na + nb);
}

/* dice(a, b): the Dice coefficient of two encodings made with the same params. */
PG_FUNCTION_INFO_V1(dice);
Datum
dice(PG_FUNCTION_ARGS)
{
	VarBit	   *a = PG_GETARG_VARBIT_P(0);
	VarBit	   *b = PG_GETARG_VARBIT_P(1);
	int			abytes = pprl_filter_bytes(a, "a"),
				bbytes = pprl_filter_bytes(b, "b");
	double		d;

	pprl_check_comparable(a, abytes, b, bbytes, "dice");
	d = dice_of(a, b, abytes);
	if (isnan(d))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(d);
}

/* Thresholds of dice_level, checked, remembered while the array is the same. */
typedef struct ThresholdCache
{
	char	   *raw;
	Size		nbytes;
	int			n;
	double		value[PPRL_MAX_LEVELS];
} ThresholdCache;

static const ThresholdCache *
dice_thresholds(FunctionCallInfo fcinfo, int argno)
{
	ThresholdCache *c = fcinfo->flinfo->fn_extra;
	ArrayType  *arr;
	Datum	   *values;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(argno))
		pm_error_null_argument("thresholds");
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (c && c->nbytes == VARSIZE(arr) && memcmp(c->raw, arr, c->nbytes) == 0)
		return c;
	if (ARR_NDIM(arr) > 1)
		pm_error(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
				 errmsg("\"thresholds\" must be a one-dimensional array"));
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &values, &nulls, &n);
	if (n > PPRL_MAX_LEVELS - 2)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("\"thresholds\" has %d thresholds; at most %d are allowed",
						n, PPRL_MAX_LEVELS - 2));
	if (c == NULL)
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ThresholdCache));
	c->nbytes = 0;
	for (int i = 0; i < n; i++)
	{
		double		t;

		if (nulls[i])
			pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED,
					 errmsg("\"thresholds\" must not contain NULL (position %d)", i + 1));
		t = DatumGetFloat8(values[i]);
		if (isnan(t) || t < 0.0 || t > 1.0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("Dice threshold %g (position %d) is not between 0 and 1", t, i + 1));
		if (i > 0 && t >= c->value[i - 1])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("Dice thresholds must decrease: %g follows %g (position %d)",
							t, c->value[i - 1], i + 1),
					 errhint("List them from the strictest to the loosest, e.g. '{0.9,0.7}'."));
		c->value[i] = t;
	}
	c->n = n;
	if (c->raw)
		pfree(c->raw);
	c->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE(arr));
	memcpy(c->raw, arr, VARSIZE(arr));
	c->nbytes = VARSIZE(arr);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/*
 * dice_level(a, b, thresholds): n + 1 for identical filters, n - i for
 * Dice >= thresholds[i] (0-based, decreasing), 0 below; NULL when a or b is.
 */
PG_FUNCTION_INFO_V1(dice_level);
Datum
dice_level(PG_FUNCTION_ARGS)
{
	const ThresholdCache *thr = dice_thresholds(fcinfo, 2);
	VarBit	   *a,
			   *b;
	int			abytes,
				bbytes;
	double		d;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	a = PG_GETARG_VARBIT_P(0);
	b = PG_GETARG_VARBIT_P(1);
	abytes = pprl_filter_bytes(a, "a");
	bbytes = pprl_filter_bytes(b, "b");
	pprl_check_comparable(a, abytes, b, bbytes, "dice_level");
	if (memcmp(VARBITS(a), VARBITS(b), abytes) == 0)
		PG_RETURN_INT32(thr->n + 1);
	d = dice_of(a, b, abytes);
	for (int i = 0; i < thr->n; i++)
		if (d >= thr->value[i])
			PG_RETURN_INT32(thr->n - i);
	PG_RETURN_INT32(0);
}

/* clk_info(clk): filter length, bits set and params id of an encoding. */
PG_FUNCTION_INFO_V1(clk_info);
Datum
clk_info(PG_FUNCTION_ARGS)
{
	VarBit	   *v = PG_GETARG_VARBIT_P(0);
	int			fbytes = pprl_filter_bytes(v, "clk");
	char	   *json;

	json = psprintf("{\"filter_bits\": %d, \"bits_set\": " UINT64_FORMAT ", \"params_id\": \"%s\"}",
					8 * fbytes, pprl_count(VARBITS(v), fbytes),
					pprl_id_hex(pprl_trailer_id(v, fbytes)));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
