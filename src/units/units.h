/*
 * units.h: UCUM units and clinical unit conversion.
 *
 * The UCUM definitions come from the unmodified ucum-essence.xml, stored by
 * the install script in precmed.ucum_essence and parsed with libxml2 once per
 * backend.  A unit expression reduces to a magnitude and a vector of
 * exponents over UCUM's seven base units (m, s, g, rad, K, C, cd) plus one
 * slot per arbitrary unit family ([iU], [arb'U], ...), which convert only to
 * themselves.  Special (non-ratio) units such as Cel, [degF] and [pH] carry a
 * conversion function and may only stand alone.
 *
 * C API for other modules: pm_unit_normalize and pm_ucum_convert, and the
 * lower-level ucum_parse and friends.  They may be called with or without
 * an SPI connection open; the first call in a backend reads the definitions
 * through SPI.
 *
 * Files: ucum_defs.c (the definitions), ucum_parse.c (expressions),
 * ucum_unit.c (magnitudes, dimensions, conversions), ucum_api.c (the SQL
 * functions over UCUM and the normalizer), unit_normalize.c (messy units
 * to UCUM), lab_convert.c (conversions per analyte), call_cache.c (the
 * per-call-site caches of the SQL functions), str_map.c (string-keyed hash
 * tables).
 */
#ifndef PRECMED_UNITS_H
#define PRECMED_UNITS_H

#include "common/precmed.h"

#include "utils/builtins.h"

#define UCUM_NBASE		7			/* m s g rad K C cd */
#define UCUM_DIM_MOL	7			/* substance amount, tracked for lab_convert only */
#define UCUM_DIM_EQ		8			/* equivalents, tracked for lab_convert only */
#define UCUM_FIRST_ARB	9			/* first arbitrary-unit slot */
#define UCUM_MAX_ARB	56
#define UCUM_NDIM		(UCUM_FIRST_ARB + UCUM_MAX_ARB)
#define UCUM_MAX_EXPONENT 1000		/* |exponent| of any dimension */

/* Special (non-ratio-scale) unit conversion functions of ucum-essence. */
typedef enum UcumSpecialFn
{
	UCUM_FN_NONE = 0,
	UCUM_FN_CEL,				/* Cel:   K = x + 273.15 */
	UCUM_FN_DEGF,				/* [degF]: (x + 459.67) * 5/9 K */
	UCUM_FN_DEGRE,				/* [degRe]: (x + 218.52) * 5/4 K */
	UCUM_FN_PH,					/* [pH]: 10^-x mol/l */
	UCUM_FN_LN,					/* Np: e^x */
	UCUM_FN_LG,					/* B, B[W], B[kW]: 10^x */
	UCUM_FN_LG2,				/* B[SPL], B[V], ...: 10^(x/2) */
	UCUM_FN_TAN100,				/* [p'diop]: atan(x/100) rad */
	UCUM_FN_100TAN,				/* %[slope]: atan(x/100) as deg */
	UCUM_FN_HPX,				/* [hp'_X]: 10^-x */
	UCUM_FN_HPC,				/* [hp'_C]: 100^-x */
	UCUM_FN_HPM,				/* [hp'_M]: 1000^-x */
	UCUM_FN_HPQ,				/* [hp'_Q]: 50000^-x */
	UCUM_FN_SQRT,				/* [m/s2/Hz^(1/2)]: x^2 */
	UCUM_FN_LD					/* bit_s: 2^x */
} UcumSpecialFn;

/* A parsed unit expression. */
typedef struct UcumUnit
{
	double		factor;			/* magnitude = factor * 10^exp10, in canonical */
	int			exp10;			/* units (mol = 6.02e23); powers of ten kept */
								/* apart so prefixes stay exact */
	int16		dim[UCUM_NDIM];
	UcumSpecialFn special;		/* non-NONE: a special unit standing alone */
	double		special_scale;	/* prefix applied to the measured value */
	const char *special_code;	/* the special atom, for messages */
	bool		has_arbitrary;
} UcumUnit;

/* ---- str_map.c: string -> pointer hash tables (simplehash) ---- */

typedef struct UnitsStrMapEntry
{
	const char *key;			/* not copied: kept alive by the caller */
	void	   *value;
	uint32		hash;
	char		status;			/* simplehash's */
} UnitsStrMapEntry;

/* units_strmap_create(cxt, size, NULL), _lookup(tb, key), _insert(tb, key, &found), ... */
#define SH_PREFIX		units_strmap
#define SH_ELEMENT_TYPE	UnitsStrMapEntry
#define SH_KEY_TYPE		const char *
#define SH_SCOPE		extern
#define SH_DECLARE
#include "lib/simplehash.h"

/* ---- ucum_defs.c ---- */

typedef struct UcumAtom
{
	char	   *code;			/* case-sensitive symbol */
	char	   *ci_code;		/* case-insensitive symbol */
	bool		metric;			/* takes prefixes */
	bool		special;
	bool		arbitrary;
	char	   *def_unit;		/* definition: def_value * 10^def_exp10 * def_unit */
	double		def_value;		/* the decimal's digits, an exact integer when it fits */
	int			def_exp10;
	UcumSpecialFn fn;
	bool		resolved;
	bool		resolving;
	UcumUnit	value;			/* valid once resolved */
} UcumAtom;

typedef struct UcumPrefix
{
	char	   *code;
	char	   *ci_code;
	int			exp10;			/* value = factor * 10^exp10: powers of ten */
	double		factor;			/* exact; 1 except binary prefixes (Ki...) */
} UcumPrefix;

extern void ucum_load_definitions(void);
extern void ucum_load_definitions_xml(const char *xml_text);
extern UcumAtom *ucum_find_atom(const char *code, bool case_insensitive);
extern UcumPrefix *ucum_find_prefix(const char *code, bool case_insensitive);
extern const char *ucum_arbitrary_code(int slot);
extern int	ucum_arbitrary_slot(const char *code);
extern const char *ucum_base_code(int i);
extern const char *ucum_version(void);

/* ---- ucum_parse.c ---- */

/*
 * Parse a UCUM expression (case-sensitive symbols).  On failure returns false
 * and, when errmsg is not NULL, sets *errmsg to a palloc'd explanation.
 */
extern bool ucum_parse(const char *expr, int len, UcumUnit *out, char **errmsg);

/* As ucum_parse with case-insensitive symbols; *cs_form gets the c/s spelling. */
extern bool ucum_parse_ci(const char *expr, int len, UcumUnit *out,
						  char **cs_form, char **errmsg);

/* ---- ucum_unit.c ---- */

/* factor * 10^exp10 as one float8 (may be 0 or infinite) */
extern double ucum_magnitude(const UcumUnit *u);

/* magnitude of a / magnitude of b, rounded once */
extern double ucum_ratio(const UcumUnit *a, const UcumUnit *b);

/* Same dimension (ignoring the lab-only substance slots mol and eq)? */
extern bool ucum_same_dimension(const UcumUnit *a, const UcumUnit *b);

/* The base-unit form, e.g. "g.m-3" ("1" when dimensionless). */
extern char *ucum_canonical_text(const UcumUnit *u);

/* Convert a value to canonical units and back (handles special units). */
extern double ucum_to_canonical(const UcumUnit *u, double v);
extern double ucum_from_canonical(const UcumUnit *u, double v);

/* Quote an input for a message, shortened when long (ucum_parse.c). */
extern char *ucum_quote(const char *s, int len);

/* ---- ucum_api.c: the C API other modules call ---- */

/*
 * Convert value from one UCUM unit to another; ERROR 22023 naming both units
 * when either is invalid or they are not commensurable.
 */
extern double pm_ucum_convert(double value, const char *from_unit, const char *to_unit);

/* Parse or raise 22023 naming the argument. */
extern void pm_ucum_parse_or_error(const char *unit, int len, const char *argname,
								   UcumUnit *out);

/* The unit in text argument argno of a SQL call, parsed, or 22023 naming argname. */
extern void pm_ucum_parse_arg(FunctionCallInfo fcinfo, int argno, const char *argname,
							  UcumUnit *out);

/* s as the text result of a SQL call, or SQL NULL when s is NULL. */
static inline Datum
units_text_or_null(FunctionCallInfo fcinfo, const char *s)
{
	if (s == NULL)
	{
		fcinfo->isnull = true;
		return (Datum) 0;
	}
	return PointerGetDatum(cstring_to_text(s));
}

/* ---- call_cache.c: per-call-site caches keyed on text arguments ---- */

#define UNITS_CACHE_SLOTS	8	/* distinct keys kept per call site */
#define UNITS_CACHE_MAX_KEYS 3	/* text arguments in a key */

/*
 * What a SQL function plans from its text arguments (parsed units, a
 * conversion), kept in fn_extra for the rows that follow, keyed on the
 * arguments' bytes; the oldest of UNITS_CACHE_SLOTS entries is replaced.
 */
typedef struct UnitsCallCache
{
	bool		args_constant;	/* the key arguments are constants */
	int			nkeys;
	int			keyargs[UNITS_CACHE_MAX_KEYS];	/* argument numbers of the key */
	int			n;				/* entries in use */
	int			next;			/* the one replaced next, once full */
	Size		entry_size;
	char	   *key[UNITS_CACHE_SLOTS]; /* the key texts, one after the other */
	int			key_len[UNITS_CACHE_SLOTS][UNITS_CACHE_MAX_KEYS];
	char	   *entries;		/* UNITS_CACHE_SLOTS entries of entry_size */
} UnitsCallCache;

/* Plan an entry from the key arguments' values keys (in keyargs order). */
typedef void (*UnitsPlanFn) (FunctionCallInfo fcinfo, text *const *keys, void *entry);

/*
 * The entry for the key arguments (keyargs[0 .. nkeys-1], text, never
 * NULL) of this call, from this call site's cache (made on the first call),
 * or planned by plan and kept.  Use units_call_cache_get.
 */
extern void *units_call_cache_lookup(FunctionCallInfo fcinfo, Size entry_size,
									 const int *keyargs, int nkeys, UnitsPlanFn plan);

/*
 * The entry of a call site whose key arguments are constants (not
 * parameters, which PL/pgSQL changes from call to call) and which has
 * planned it: the same on every row, found without reading the arguments.
 * NULL otherwise.
 */
static inline void *
units_call_cache_constant(FunctionCallInfo fcinfo)
{
	UnitsCallCache *cache = (UnitsCallCache *) fcinfo->flinfo->fn_extra;

	if (cache != NULL && cache->args_constant && cache->n == 1)
		return cache->entries;
	return NULL;
}

/* The planned entry for this call (see units_call_cache_lookup). */
static inline void *
units_call_cache_get(FunctionCallInfo fcinfo, Size entry_size, const int *keyargs,
					 int nkeys, UnitsPlanFn plan)
{
	void	   *entry = units_call_cache_constant(fcinfo);

	return entry ? entry : units_call_cache_lookup(fcinfo, entry_size, keyargs, nkeys, plan);
}

/* ---- unit_normalize.c ---- */

/*
 * Map a messy source unit (mg/dl, µmol/L, 10^9/L, x10E3/uL, mEq/L, hour(s),
 * THOUS/MCL, code^text^UCUM, ...) to a valid UCUM code.  Returns a palloc'd
 * string, or NULL when no rule applies (never a guess).  *rule (may be NULL)
 * gets the name of the rule used, or "unmapped".
 */
extern char *pm_unit_normalize(const char *unit, int len, const char **rule);

/*
 * pm_unit_normalize of a NUL-terminated unit, the answers remembered for
 * the life of the backend (up to a bound): they depend only on the unit
 * and the UCUM definitions.  A palloc'd string, or NULL.
 */
extern char *pm_unit_normalize_cached(const char *unit);

#endif							/* PRECMED_UNITS_H */
