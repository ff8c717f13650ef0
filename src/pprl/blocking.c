/*
 * blocking.c: Hamming locality-sensitive hashing on encodings, and
 * clk_blocks.
 *
 * How it works.  A band is band_bits bit positions of the filter, drawn at
 * random once (from the seed, not the secret); a record's key in the band
 * is its bits at those positions.  Two filters whose bits agree on a share
 * s of the positions get the same key in a band with probability about
 * s^band_bits, and the same key in at least one of the bands with
 * probability 1 - (1 - s^band_bits)^bands (Indyk and Motwani 1998; for
 * Bloom filters Karapiperis and Verykios 2015): near filters (the same
 * person with a typo) meet, far ones rarely do.  More bands find more true
 * pairs; more bits per band propose fewer false ones.
 *
 * Positions come from splitmix64 seeded with the seed, band after band,
 * positions within a band distinct: the same on every platform.
 */
#include "pprl/pprl.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#define LSH_HINT "See docs/linkage.md, \"Linking across sites without sharing identities\"."
#define LSH_MAX_BANDS 1000

static const PmParam lsh_specs[] = {
	{"bands", PM_PARAM_INTEGER, 0, LSH_MAX_BANDS, false, false, NULL, offsetof(PprlLsh, bands), 0},
	{"band_bits", PM_PARAM_INTEGER, 1, 64, false, false, NULL, offsetof(PprlLsh, band_bits), 0},
	{"seed", PM_PARAM_INTEGER, 0, PG_INT32_MAX, false, false, NULL, offsetof(PprlLsh, seed), 0},
};

void
pprl_read_lsh(Jsonb *params, PprlLsh *lsh, bool allow_no_bands)
{
	PmParamSet	set = {
		.argname = "params",
		.what = "blocking parameter",
		.context = NULL,
		.hint = LSH_HINT,
		.params = lsh_specs,
		.nparams = lengthof(lsh_specs),
	};

	lsh->bands = 40;
	lsh->band_bits = 24;
	lsh->seed = 0;
	if (params != NULL && VARSIZE(params) > PPRL_MAX_PARAMS_BYTES)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"params\" is %zu bytes; at most %d are allowed",
						(Size) VARSIZE(params), PPRL_MAX_PARAMS_BYTES));
	pm_read_params(params, &set, 0, lsh);
	if (lsh->bands == 0 && !allow_no_bands)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("blocking parameter \"bands\" must be at least 1 here"),
				 errdetail("\"bands\": 0 (compare every pair) applies to clk_candidates only."),
				 errhint(LSH_HINT));
}

/* splitmix64 (Steele, Lea and Flood 2014): the next word of *state. */
static uint64
splitmix64(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

int *
pprl_lsh_positions(const PprlLsh *lsh, int nbits)
{
	int		   *pos = palloc(sizeof(int) * (Size) Max(lsh->bands, 1) * lsh->band_bits);
	uint64		state = (uint64) lsh->seed;

	Assert(lsh->band_bits <= nbits);
	for (int b = 0; b < lsh->bands; b++)
	{
		int		   *band = pos + (Size) b * lsh->band_bits;

		for (int i = 0; i < lsh->band_bits; i++)
		{
			bool		dup;

			do
			{
				band[i] = (int) (splitmix64(&state) % (uint64) nbits);
				dup = false;
				for (int j = 0; j < i; j++)
					dup = dup || band[j] == band[i];
			} while (dup);
		}
	}
	return pos;
}

/* clk_blocks(clk, params): the LSH band keys of an encoding, "band:hex". */
PG_FUNCTION_INFO_V1(clk_blocks);
Datum
clk_blocks(PG_FUNCTION_ARGS)
{
	VarBit	   *v;
	int			fbytes;
	PprlLsh		lsh;
	int		   *pos;
	Datum	   *keys;
	int			hexdigits;

	if (PG_ARGISNULL(1))
		pm_error_null_argument("params");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = PG_GETARG_VARBIT_P(0);
	fbytes = pprl_filter_bytes(v, "clk");
	pprl_read_lsh(PG_GETARG_JSONB_P(1), &lsh, false);
	pos = pprl_lsh_positions(&lsh, 8 * fbytes);
	keys = palloc(sizeof(Datum) * lsh.bands);
	hexdigits = (lsh.band_bits + 3) / 4;
	for (int b = 0; b < lsh.bands; b++)
	{
		char		buf[32];

		snprintf(buf, sizeof(buf), "%d:%0*llx", b, hexdigits,
				 (unsigned long long) pprl_band_key(VARBITS(v), pos, lsh.band_bits, b));
		keys[b] = CStringGetTextDatum(buf);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(keys, lsh.bands, TEXTOID, -1, false, TYPALIGN_INT));
}
