/*
 * ucum_api.c: the SQL functions over UCUM expressions, and their C API.
 *
 * Parsed units are cached per call site in fn_extra, keyed on the unit
 * strings, so converting a column costs a string comparison and a multiply.
 */
#include "units/units.h"

#include <math.h>

#include "utils/builtins.h"

#define UCUM_CACHE_SLOTS 8

typedef struct ConvertEntry
{
	char	   *from;
	int			from_len;
	char	   *to;
	int			to_len;
	bool		ratio_only;		/* plain multiply by ratio */
	double		ratio;
	UcumUnit	from_u;
	UcumUnit	to_u;
} ConvertEntry;

typedef struct ConvertCache
{
	bool		units_stable;	/* both unit arguments are constants or params */
	int			n;
	int			next;			/* round-robin replacement */
	ConvertEntry e[UCUM_CACHE_SLOTS];
} ConvertCache;

void
pm_ucum_parse_or_error(const char *unit, int len, const char *argname, UcumUnit *out)
{
	char	   *err = NULL;

	if (!ucum_parse(unit, len, out, &err))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("invalid UCUM unit %s in argument %s: %s",
						ucum_quote(unit, len), argname, err),
				 errhint("UCUM codes are case-sensitive (mg/dL, umol/L, 10*9/L); "
						 "precmed.unit_normalize maps common non-UCUM spellings."));
}

static void
incommensurable_error(const char *from, int from_len, const UcumUnit *fu,
					  const char *to, int to_len, const UcumUnit *tu)
{
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("cannot convert from %s to %s: the units are not commensurable",
					ucum_quote(from, from_len), ucum_quote(to, to_len)),
			 errdetail("%s is %s and %s is %s in base units.",
					   ucum_quote(from, from_len), ucum_canonical_text(fu),
					   ucum_quote(to, to_len), ucum_canonical_text(tu)),
			 errhint("Mass and substance concentrations (mg/dL and umol/L) convert only per analyte: "
					 "use precmed.lab_convert(value, from_unit, to_unit, loinc)."));
}

static double
check_result(double in, double out)
{
	if (isinf(out) && !isinf(in))
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("converting %g overflows float8", in));
	if (out == 0.0 && in != 0.0)
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("converting %g underflows float8", in));
	return out;
}

static double
convert_entry(const ConvertEntry *c, double v)
{
	if (c->ratio_only)
		return check_result(v, v * c->ratio);
	if (isnan(v))
		return v;
	if (isinf(v))
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("an infinite value cannot be converted from special unit \"%s\"",
						c->from_u.special ? c->from_u.special_code : c->to_u.special_code));
	return check_result(v, ucum_from_canonical(&c->to_u, ucum_to_canonical(&c->from_u, v)));
}

static void
fill_entry(ConvertEntry *c, const char *from, int from_len, const char *to, int to_len)
{
	pm_ucum_parse_or_error(from, from_len, "from_unit", &c->from_u);
	pm_ucum_parse_or_error(to, to_len, "to_unit", &c->to_u);
	if (!ucum_same_dimension(&c->from_u, &c->to_u))
		incommensurable_error(from, from_len, &c->from_u, to, to_len, &c->to_u);
	c->ratio_only = c->from_u.special == UCUM_FN_NONE && c->to_u.special == UCUM_FN_NONE;
	c->ratio = ucum_ratio(&c->from_u, &c->to_u);
}

/* Find or build the cache entry of (from, to) in this call site's cache. */
static ConvertEntry *
cached_entry(FunctionCallInfo fcinfo, const char *from, int from_len,
			 const char *to, int to_len)
{
	ConvertCache *cache = (ConvertCache *) fcinfo->flinfo->fn_extra;
	ConvertEntry *c;
	ConvertEntry fresh;
	int			i;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ConvertCache));
		cache->units_stable = get_fn_expr_arg_stable(fcinfo->flinfo, 1) &&
			get_fn_expr_arg_stable(fcinfo->flinfo, 2);
		fcinfo->flinfo->fn_extra = cache;
	}
	else if (cache->units_stable && cache->n == 1)
		return &cache->e[0];	/* same units on every row: no comparison */
	for (i = 0; i < cache->n; i++)
	{
		c = &cache->e[i];
		if (c->from_len == from_len && c->to_len == to_len &&
			memcmp(c->from, from, from_len) == 0 && memcmp(c->to, to, to_len) == 0)
			return c;
	}
	/* parse first, so an error leaves the cache intact */
	fill_entry(&fresh, from, from_len, to, to_len);
	if (cache->n < UCUM_CACHE_SLOTS)
		c = &cache->e[cache->n++];
	else
	{
		c = &cache->e[cache->next];
		cache->next = (cache->next + 1) % UCUM_CACHE_SLOTS;
		pfree(c->from);
		pfree(c->to);
	}
	*c = fresh;
	c->from = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, from_len + 1);
	memcpy(c->from, from, from_len);
	c->from[from_len] = '\0';
	c->from_len = from_len;
	c->to = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, to_len + 1);
	memcpy(c->to, to, to_len);
	c->to[to_len] = '\0';
	c->to_len = to_len;
	return c;
}

/* ---- C API ---- */

bool
pm_ucum_valid(const char *unit)
{
	UcumUnit	u;

	return ucum_parse(unit, strlen(unit), &u, NULL);
}

char *
pm_ucum_canonical(const char *unit, double *factor)
{
	UcumUnit	u;

	pm_ucum_parse_or_error(unit, strlen(unit), "unit", &u);
	if (factor)
		*factor = ucum_magnitude(&u);
	return ucum_canonical_text(&u);
}

double
pm_ucum_convert(double value, const char *from_unit, const char *to_unit)
{
	ConvertEntry c;

	fill_entry(&c, from_unit, strlen(from_unit), to_unit, strlen(to_unit));
	return convert_entry(&c, value);
}

/* ---- SQL ---- */

PG_FUNCTION_INFO_V1(ucum_valid);
Datum
ucum_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;

	PG_RETURN_BOOL(ucum_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &u, NULL));
}

PG_FUNCTION_INFO_V1(ucum_validate);
Datum
ucum_validate(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;
	char	   *err = NULL;

	if (ucum_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &u, &err))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(err));
}

PG_FUNCTION_INFO_V1(ucum_canonical);
Datum
ucum_canonical(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;

	pm_ucum_parse_or_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "unit", &u);
	PG_RETURN_TEXT_P(cstring_to_text(ucum_canonical_text(&u)));
}

PG_FUNCTION_INFO_V1(ucum_factor);
Datum
ucum_factor(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;

	pm_ucum_parse_or_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "unit", &u);
	if (u.special != UCUM_FN_NONE)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("special unit %s has no factor",
						ucum_quote(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))),
				 errdetail("It is not on a ratio scale: its conversion is a function, not a multiplication."),
				 errhint("Use precmed.ucum_convert(value, from_unit, to_unit)."));
	PG_RETURN_FLOAT8(ucum_magnitude(&u));
}

PG_FUNCTION_INFO_V1(ucum_commensurable);
Datum
ucum_commensurable(PG_FUNCTION_ARGS)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	UcumUnit	ua,
				ub;

	pm_ucum_parse_or_error(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a), "a", &ua);
	pm_ucum_parse_or_error(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), "b", &ub);
	PG_RETURN_BOOL(ucum_same_dimension(&ua, &ub));
}

PG_FUNCTION_INFO_V1(ucum_convert);
Datum
ucum_convert(PG_FUNCTION_ARGS)
{
	float8		v = PG_GETARG_FLOAT8(0);
	ConvertCache *cache = (ConvertCache *) fcinfo->flinfo->fn_extra;
	ConvertEntry *c;

	/* constant units: the parsed pair, without reading the arguments */
	if (cache != NULL && cache->units_stable && cache->n == 1)
		c = &cache->e[0];
	else
	{
		text	   *from = PG_GETARG_TEXT_PP(1);
		text	   *to = PG_GETARG_TEXT_PP(2);

		c = cached_entry(fcinfo, VARDATA_ANY(from), VARSIZE_ANY_EXHDR(from),
						 VARDATA_ANY(to), VARSIZE_ANY_EXHDR(to));
	}
	PG_RETURN_FLOAT8(convert_entry(c, v));
}

PG_FUNCTION_INFO_V1(ucum_definitions_version);
Datum
ucum_definitions_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ucum_version()));
}
