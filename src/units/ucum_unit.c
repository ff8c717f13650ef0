/*
 * ucum_unit.c: what a parsed unit is worth: its magnitude, its dimension,
 * its base-unit form, and values converted to and from canonical units.
 *
 * A UcumUnit keeps its magnitude as factor * 10^exp10 so that prefixes and
 * powers of ten stay exact until one float8 is needed.  Ratio-scale units
 * convert by multiplying with that magnitude.  A special unit (Cel, [pH],
 * B, Np, ...) converts through its function from ucum-essence: x (the
 * value, scaled by the special unit's prefix) maps to g(x) times the
 * magnitude of the function's unit, and back through the inverse.  Inverses
 * that take a logarithm or root refuse values outside their domain (2201E).
 */
#include "units/units.h"

#include <math.h>

#include "lib/stringinfo.h"

/* 10^k: exact for 0 <= k <= 22, correctly rounded above (glibc pow). */
static double
pow10_exact(int k)
{
	return pow(10.0, k);
}

/* f * 10^k, stepping beyond float8's powers of ten and stopping once out of range. */
static double
scale10(double f, int k)
{
	while (k > 308 && isfinite(f) && f != 0)
	{
		f *= 1e22;
		k -= 22;
	}
	while (k < -308 && isfinite(f) && f != 0)
	{
		f /= 1e22;
		k += 22;
	}
	if (k < 0)
		return f / pow10_exact(-k);
	return f * pow10_exact(k);
}

/* factor * 10^exp10 as one float8 (may be 0 or infinite). */
double
ucum_magnitude(const UcumUnit *u)
{
	return scale10(u->factor, u->exp10);
}

/* magnitude of a / magnitude of b, rounded once. */
double
ucum_ratio(const UcumUnit *a, const UcumUnit *b)
{
	return scale10(a->factor / b->factor, a->exp10 - b->exp10);
}

/* Same dimension, ignoring the lab-only substance slots mol and eq? */
bool
ucum_same_dimension(const UcumUnit *a, const UcumUnit *b)
{
	int			i;

	for (i = 0; i < UCUM_NDIM; i++)
		if (i != UCUM_DIM_MOL && i != UCUM_DIM_EQ && a->dim[i] != b->dim[i])
			return false;
	return true;
}

/* The base-unit form, positive exponents first ("g.m-3"; "1" when dimensionless). */
char *
ucum_canonical_text(const UcumUnit *u)
{
	StringInfoData b;
	int			pass,
				i;

	initStringInfo(&b);
	for (pass = 0; pass < 2; pass++)
	{
		for (i = 0; i < UCUM_NDIM; i++)
		{
			int			d = u->dim[i];
			const char *code;

			if (i == UCUM_DIM_MOL || i == UCUM_DIM_EQ || d == 0 || (pass == 0) != (d > 0))
				continue;
			code = i < UCUM_NBASE ? ucum_base_code(i) : ucum_arbitrary_code(i - UCUM_FIRST_ARB);
			if (b.len > 0)
				appendStringInfoChar(&b, '.');
			appendStringInfoString(&b, code);
			if (d != 1)
				appendStringInfo(&b, "%d", d);
		}
	}
	if (b.len == 0)
		appendStringInfoChar(&b, '1');
	return b.data;
}

/* 2201E: v is outside the domain of u's inverse function. */
static void
log_domain_error(const UcumUnit *u, double v)
{
	pm_error(ERRCODE_INVALID_ARGUMENT_FOR_LOG,
			 errmsg("value %g is outside the domain of special unit \"%s\"", v, u->special_code),
			 errdetail("Its conversion takes a logarithm or root of the value, which must be positive."));
}

/*
 * The base b of the negative powers ([pH], [hp'_X], ...: g(x) = b^-x), or 0
 * for another function.
 */
static double
negative_power_base(UcumSpecialFn fn)
{
	switch (fn)
	{
		case UCUM_FN_PH:
		case UCUM_FN_HPX:
			return 10.0;
		case UCUM_FN_HPC:
			return 100.0;
		case UCUM_FN_HPM:
			return 1000.0;
		case UCUM_FN_HPQ:
			return 50000.0;
		default:
			return 0.0;
	}
}

/* A value in special unit u to canonical units. */
double
ucum_to_canonical(const UcumUnit *u, double v)
{
	double		x,
				g;

	if (u->special == UCUM_FN_NONE)
		return v * ucum_magnitude(u);
	x = v * u->special_scale;
	switch (u->special)
	{
		case UCUM_FN_CEL:
			g = x + 273.15;
			break;
		case UCUM_FN_DEGF:
			g = x + 459.67;
			break;
		case UCUM_FN_DEGRE:
			g = x + 218.52;
			break;
		case UCUM_FN_LN:
			g = exp(x);
			break;
		case UCUM_FN_LG:
			g = pow(10.0, x);
			break;
		case UCUM_FN_LG2:
			g = pow(10.0, x / 2.0);
			break;
		case UCUM_FN_TAN100:
			g = atan(x / 100.0);
			break;
		case UCUM_FN_100TAN:
			g = atan(x / 100.0) * 180.0 / M_PI;
			break;
		case UCUM_FN_SQRT:
			g = x * x;
			break;
		case UCUM_FN_LD:
			g = pow(2.0, x);
			break;
		default:
			/* [pH] and the homeopathic potencies: b^-x */
			if (negative_power_base(u->special) == 0.0)
				elog(ERROR, "unknown UCUM special function %d", (int) u->special);
			g = pow(negative_power_base(u->special), -x);
			break;
	}
	return g * ucum_magnitude(u);
}

/* The inverse of a logarithmic special function at y > 0 (the others: an error). */
static double
inverse_log(UcumSpecialFn fn, double y)
{
	double		b = negative_power_base(fn);

	if (b == 10.0)
		return -log10(y);
	if (b != 0.0)
		return -log(y) / log(b);
	switch (fn)
	{
		case UCUM_FN_LN:
			return log(y);
		case UCUM_FN_LG:
			return log10(y);
		case UCUM_FN_LG2:
			return 2.0 * log10(y);
		case UCUM_FN_LD:
			return log2(y);
		default:
			elog(ERROR, "unknown UCUM special function %d", (int) fn);
	}
	return 0.0;					/* keep the compiler quiet */
}

/* A value in canonical units to special unit u. */
double
ucum_from_canonical(const UcumUnit *u, double c)
{
	double		y,
				x;

	if (u->special == UCUM_FN_NONE)
		return c / ucum_magnitude(u);
	y = c / ucum_magnitude(u);
	switch (u->special)
	{
		case UCUM_FN_CEL:
			x = y - 273.15;
			break;
		case UCUM_FN_DEGF:
			x = y - 459.67;
			break;
		case UCUM_FN_DEGRE:
			x = y - 218.52;
			break;
		case UCUM_FN_TAN100:
			x = 100.0 * tan(y);
			break;
		case UCUM_FN_100TAN:
			x = 100.0 * tan(y * M_PI / 180.0);
			break;
		case UCUM_FN_SQRT:
			if (y < 0)
				log_domain_error(u, y);
			x = sqrt(y);
			break;
		default:
			/* the logarithmic ones: [pH], [hp'_X], ..., Np, B, B[SPL], bit_s */
			if (!(y > 0))
				log_domain_error(u, y);
			x = inverse_log(u->special, y);
			break;
	}
	return x / u->special_scale;
}
