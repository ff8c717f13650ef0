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
 * C API for other modules: pm_unit_normalize, pm_ucum_valid,
 * pm_ucum_canonical and pm_ucum_convert.  They may be called with or without
 * an SPI connection open; the first call in a backend reads the definitions
 * through SPI.
 */
#ifndef PRECMED_UNITS_H
#define PRECMED_UNITS_H

#include "common/precmed.h"

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

/* ---- ucum_defs.c ---- */

typedef struct UcumAtom
{
	char	   *code;			/* case-sensitive symbol */
	char	   *ci_code;		/* case-insensitive symbol */
	bool		metric;			/* takes prefixes */
	bool		special;
	bool		arbitrary;
	char	   *def_unit;		/* definition: def_value * def_unit */
	double		def_value;
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

/* Resolve an atom's definition (recursively); false on a definition error. */
extern bool ucum_resolve_atom(UcumAtom *atom, char **errmsg);

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

/* Quote an input for a message, shortened when long. */
extern char *ucum_quote(const char *s, int len);

/* ---- ucum_api.c: the C API other modules call ---- */

/* true when unit is a valid case-sensitive UCUM expression */
extern bool pm_ucum_valid(const char *unit);

/* base-unit form of unit and its magnitude; ERROR 22023 when invalid */
extern char *pm_ucum_canonical(const char *unit, double *factor);

/*
 * Convert value from one UCUM unit to another; ERROR 22023 naming both units
 * when either is invalid or they are not commensurable.
 */
extern double pm_ucum_convert(double value, const char *from_unit, const char *to_unit);

/* Parse or raise 22023 naming the argument. */
extern void pm_ucum_parse_or_error(const char *unit, int len, const char *argname,
								   UcumUnit *out);

/* ---- unit_normalize.c ---- */

/*
 * Map a messy source unit (mg/dl, µmol/L, 10^9/L, x10E3/uL, mEq/L, hour(s),
 * THOUS/MCL, code^text^UCUM, ...) to a valid UCUM code.  Returns a palloc'd
 * string, or NULL when no rule applies (never a guess).  *rule (may be NULL)
 * gets the name of the rule used, or "unmapped".
 */
extern char *pm_unit_normalize(const char *unit, int len, const char **rule);

#endif							/* PRECMED_UNITS_H */
