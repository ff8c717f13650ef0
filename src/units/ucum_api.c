/*
 * ucum_api.c: the SQL functions over UCUM expressions and the unit
 * normalizer, and their C API.
 *
 * ucum_convert plans each (from, to) pair once per call site (call_cache.c):
 * both units parsed, checked commensurable, and reduced to one multiplier
 * for ratio-scale units, so converting a column costs a multiply.
 */
#include "units/units.h"

#include <math.h>

#include "utils/builtins.h"

/* A planned conversion between two units. */
typedef struct ConvertEntry
{
	bool		ratio_only;		/* plain multiply by ratio */
	double		ratio;
	UcumUnit	from_u;
	UcumUnit	to_u;
} ConvertEntry;

/* Parse unit (len bytes), or raise 22023 naming the argument. */
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

/* Parse text argument argno, or raise 22023 naming argname. */
void
pm_ucum_parse_arg(FunctionCallInfo fcinfo, int argno, const char *argname, UcumUnit *out)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);

	pm_ucum_parse_or_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), argname, out);
}

/* 22023: from and to are not commensurable (both named, with their base units). */
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

/* out, or 22003 when converting in overflowed or underflowed float8. */
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

/* v converted by a planned conversion. */
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

/* Plan the conversion from -> to; 22023 when either is invalid or they do not convert. */
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

/* ucum_convert's plan: keys are from_unit and to_unit. */
static void
plan_convert(FunctionCallInfo fcinfo, text *const *keys, void *entry)
{
	fill_entry((ConvertEntry *) entry, VARDATA_ANY(keys[0]), VARSIZE_ANY_EXHDR(keys[0]),
			   VARDATA_ANY(keys[1]), VARSIZE_ANY_EXHDR(keys[1]));
}

/* ---- C API ---- */

/* value converted from from_unit to to_unit (see units.h). */
double
pm_ucum_convert(double value, const char *from_unit, const char *to_unit)
{
	ConvertEntry c;

	fill_entry(&c, from_unit, strlen(from_unit), to_unit, strlen(to_unit));
	return convert_entry(&c, value);
}

/* ---- SQL ---- */

/* True when unit is a valid case-sensitive UCUM expression. */
PG_FUNCTION_INFO_V1(ucum_valid);
Datum
ucum_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;

	PG_RETURN_BOOL(ucum_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &u, NULL));
}

/* NULL when unit is valid UCUM, else why it is not. */
PG_FUNCTION_INFO_V1(ucum_validate);
Datum
ucum_validate(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UcumUnit	u;
	char	   *err = NULL;
	bool		ok = ucum_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &u, &err);

	return units_text_or_null(fcinfo, ok ? NULL : err);
}

/* The base-unit form of unit ("g.m-3"); refuses an invalid unit (22023). */
PG_FUNCTION_INFO_V1(ucum_canonical);
Datum
ucum_canonical(PG_FUNCTION_ARGS)
{
	UcumUnit	u;

	pm_ucum_parse_arg(fcinfo, 0, "unit", &u);
	PG_RETURN_TEXT_P(cstring_to_text(ucum_canonical_text(&u)));
}

/* The magnitude of unit in base units; refuses an invalid or special unit (22023). */
PG_FUNCTION_INFO_V1(ucum_factor);
Datum
ucum_factor(PG_FUNCTION_ARGS)
{
	UcumUnit	u;

	pm_ucum_parse_arg(fcinfo, 0, "unit", &u);
	if (u.special != UCUM_FN_NONE)
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("special unit %s has no factor",
						ucum_quote(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))),
				 errdetail("It is not on a ratio scale: its conversion is a function, not a multiplication."),
				 errhint("Use precmed.ucum_convert(value, from_unit, to_unit)."));
	}
	PG_RETURN_FLOAT8(ucum_magnitude(&u));
}

/* Do units a and b have the same dimension?  Refuses an invalid unit (22023). */
PG_FUNCTION_INFO_V1(ucum_commensurable);
Datum
ucum_commensurable(PG_FUNCTION_ARGS)
{
	UcumUnit	ua,
				ub;

	pm_ucum_parse_arg(fcinfo, 0, "a", &ua);
	pm_ucum_parse_arg(fcinfo, 1, "b", &ub);
	PG_RETURN_BOOL(ucum_same_dimension(&ua, &ub));
}

/* The version of the UCUM definitions in use (ucum-essence's). */
PG_FUNCTION_INFO_V1(ucum_definitions_version);
Datum
ucum_definitions_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ucum_version()));
}

/* The UCUM code of a messy unit (mg/dl, µmol/L, ...), or NULL: never a guess. */
PG_FUNCTION_INFO_V1(unit_normalize);
Datum
unit_normalize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	return units_text_or_null(fcinfo, pm_unit_normalize(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), NULL));
}

/* The rule(s) unit_normalize applied to unit, or "...unmapped". */
PG_FUNCTION_INFO_V1(unit_normalize_rule);
Datum
unit_normalize_rule(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *rule;

	(void) pm_unit_normalize(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &rule);
	PG_RETURN_TEXT_P(cstring_to_text(rule));
}

/*
 * value converted from from_unit to to_unit; refuses invalid or
 * incommensurable units (22023) and results beyond float8 (22003).
 */
PG_FUNCTION_INFO_V1(ucum_convert);
Datum
ucum_convert(PG_FUNCTION_ARGS)
{
	static const int keyargs[] = {1, 2};
	ConvertEntry *c = units_call_cache_get(fcinfo, sizeof(ConvertEntry), keyargs,
										   lengthof(keyargs), plan_convert);

	PG_RETURN_FLOAT8(convert_entry(c, PG_GETARG_FLOAT8(0)));
}
