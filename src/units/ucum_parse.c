/*
 * ucum_parse.c: UCUM expressions reduced to a magnitude and dimension vector.
 *
 * Grammar (UCUM specification, section "Syntax Rules"):
 *   main-term  := "/" term | term
 *   term       := term "." component | term "/" component | component
 *   component  := annotatable annotation? | annotation | factor | "(" term ")"
 *   annotatable:= simple-unit exponent?
 *   simple-unit:= atom | prefix metric-atom
 * Symbols may contain square-bracketed parts ([in_i], B[10.nV]) which are
 * taken whole; an exponent is the trailing [+-]digits of a symbol.
 */
#include "units/units.h"

#include <math.h>

#include "lib/stringinfo.h"

typedef struct Parser
{
	const char *s;
	int			len;
	int			pos;
	bool		ci;				/* case-insensitive symbols */
	StringInfo	cs_out;			/* c/s spelling, when ci */
	char	   *err;
	int			ncomponents;
	bool		special_seen;
	bool		special_bad;	/* special unit with exponent or combined */
	const char *special_code;
} Parser;

static bool parse_term(Parser *p, UcumUnit *out, int depth);

char *
ucum_quote(const char *s, int len)
{
	StringInfoData b;
	int			i;
	int			shown = len > 60 ? 50 : len;

	initStringInfo(&b);
	appendStringInfoChar(&b, '"');
	for (i = 0; i < shown; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 32 || c == 127)
			appendStringInfo(&b, "\\x%02x", c);
		else
			appendStringInfoChar(&b, (char) c);
	}
	appendStringInfoChar(&b, '"');
	if (shown < len)
		appendStringInfo(&b, "... (%d bytes)", len);
	return b.data;
}

static bool
fail(Parser *p, const char *fmt,...) pg_attribute_printf(2, 3);

static bool
fail(Parser *p, const char *fmt,...)
{
	if (p->err == NULL)
	{
		StringInfoData b;

		initStringInfo(&b);
		for (;;)
		{
			va_list		args;
			int			needed;

			va_start(args, fmt);
			needed = appendStringInfoVA(&b, fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&b, needed);
		}
		p->err = b.data;
	}
	return false;
}

static void
unit_one(UcumUnit *u)
{
	memset(u, 0, sizeof(UcumUnit));
	u->factor = 1.0;
	u->special_scale = 1.0;
}

/* a := a * b^sign, sign = +1 or -1 */
static bool
unit_combine(Parser *p, UcumUnit *a, const UcumUnit *b, int sign)
{
	int			i;

	a->factor = sign > 0 ? a->factor * b->factor : a->factor / b->factor;
	a->exp10 += sign * b->exp10;
	if (!isfinite(a->factor) || a->factor == 0.0 || abs(a->exp10) > 100000)
		return fail(p, "its magnitude is out of the range of float8");
	for (i = 0; i < UCUM_NDIM; i++)
	{
		int			d = a->dim[i] + sign * b->dim[i];

		if (d > UCUM_MAX_EXPONENT || d < -UCUM_MAX_EXPONENT)
			return fail(p, "an exponent exceeds %d", UCUM_MAX_EXPONENT);
		a->dim[i] = (int16) d;
	}
	a->has_arbitrary |= b->has_arbitrary;
	return true;
}

static bool
unit_power(Parser *p, UcumUnit *u, int e)
{
	int			i;

	long		k = (long) u->exp10 * e;

	u->factor = pow(u->factor, e);
	if (!isfinite(u->factor) || u->factor == 0.0 || k > 100000 || k < -100000)
		return fail(p, "its magnitude is out of the range of float8");
	u->exp10 = (int) k;
	for (i = 0; i < UCUM_NDIM; i++)
	{
		int			d = u->dim[i] * e;

		if (d > UCUM_MAX_EXPONENT || d < -UCUM_MAX_EXPONENT)
			return fail(p, "an exponent exceeds %d", UCUM_MAX_EXPONENT);
		u->dim[i] = (int16) d;
	}
	return true;
}

static bool
is_separator(char c)
{
	return c == '.' || c == '/' || c == '(' || c == ')' || c == '{';
}

/* Look a symbol up as atom or prefix+metric atom. */
static bool
lookup_simple(Parser *p, const char *sym, UcumAtom **atom, UcumPrefix **prefix)
{
	int			n = strlen(sym);
	int			k;

	*prefix = NULL;
	*atom = ucum_find_atom(sym, p->ci);
	if (*atom)
		return true;
	for (k = 1; k <= 2 && k < n; k++)
	{
		char		pre[3];
		UcumPrefix *pf;
		UcumAtom   *a;

		memcpy(pre, sym, k);
		pre[k] = '\0';
		pf = ucum_find_prefix(pre, p->ci);
		if (pf == NULL)
			continue;
		a = ucum_find_atom(sym + k, p->ci);
		if (a && a->metric)
		{
			*prefix = pf;
			*atom = a;
			return true;
		}
	}
	return false;
}

static bool
parse_annotation(Parser *p)
{
	int			start = p->pos;

	Assert(p->s[p->pos] == '{');
	p->pos++;
	while (p->pos < p->len && p->s[p->pos] != '}')
	{
		unsigned char c = (unsigned char) p->s[p->pos];

		if (c < 32 || c > 126 || c == '{')
			return fail(p, "invalid character in annotation at position %d", p->pos + 1);
		p->pos++;
	}
	if (p->pos >= p->len)
		return fail(p, "unbalanced '{' at position %d", start + 1);
	p->pos++;
	if (p->cs_out)
		appendBinaryStringInfo(p->cs_out, p->s + start, p->pos - start);
	return true;
}

/* A symbol: factor, or simple unit with optional exponent. */
static bool
parse_symbol(Parser *p, UcumUnit *out)
{
	int			start = p->pos;
	int			end,
				split;
	char	   *sym;
	bool		all_digits = true;
	int			i;
	UcumAtom   *atom;
	UcumPrefix *prefix;
	int			exponent = 1;
	bool		has_exponent = false;

	while (p->pos < p->len && !is_separator(p->s[p->pos]))
	{
		unsigned char c = (unsigned char) p->s[p->pos];

		if (c == '[')
		{
			int			open = p->pos;

			while (p->pos < p->len && p->s[p->pos] != ']')
			{
				c = (unsigned char) p->s[p->pos];
				if (c < 33 || c > 126)
					return fail(p, "invalid character at position %d", p->pos + 1);
				p->pos++;
			}
			if (p->pos >= p->len)
				return fail(p, "unbalanced '[' at position %d", open + 1);
		}
		else if (c == ']')
			return fail(p, "unbalanced ']' at position %d", p->pos + 1);
		else if (c == '}')
			return fail(p, "unbalanced '}' at position %d", p->pos + 1);
		else if (c < 33 || c > 126)
			return fail(p, "invalid character at position %d (UCUM codes are printable ASCII without spaces)",
						p->pos + 1);
		p->pos++;
	}
	end = p->pos;
	if (end == start)
	{
		if (p->pos >= p->len)
			return fail(p, "a unit is missing at the end");
		return fail(p, "a unit is missing at position %d", p->pos + 1);
	}

	for (i = start; i < end; i++)
		if (!isdigit((unsigned char) p->s[i]))
			all_digits = false;
	if (all_digits)
	{
		/* a factor: a positive integer */
		double		v = 0;

		for (i = start; i < end; i++)
			v = v * 10 + (p->s[i] - '0');
		if (!isfinite(v) || v == 0)
			return fail(p, "factor at position %d is out of range", start + 1);
		unit_one(out);
		out->factor = v;
		if (p->cs_out)
			appendBinaryStringInfo(p->cs_out, p->s + start, end - start);
		return true;
	}

	/* trailing exponent: [+-]?digits after the last ']' */
	split = end;
	while (split > start && isdigit((unsigned char) p->s[split - 1]))
		split--;
	if (split < end)
	{
		int			digits_start = split;

		if (split > start && (p->s[split - 1] == '+' || p->s[split - 1] == '-'))
			split--;
		if (split == start)
			return fail(p, "exponent without a unit at position %d", start + 1);
		if (end - digits_start > 4)
			return fail(p, "exponent %s is too large (at most %d)",
						ucum_quote(p->s + split, end - split), UCUM_MAX_EXPONENT);
		exponent = 0;
		for (i = digits_start; i < end; i++)
			exponent = exponent * 10 + (p->s[i] - '0');
		if (exponent > UCUM_MAX_EXPONENT)
			return fail(p, "exponent %s is too large (at most %d)",
						ucum_quote(p->s + split, end - split), UCUM_MAX_EXPONENT);
		if (p->s[split] == '-')
			exponent = -exponent;
		has_exponent = true;
	}

	sym = pnstrdup(p->s + start, split - start);
	if (!lookup_simple(p, sym, &atom, &prefix))
	{
		/* maybe a prefix on a non-metric unit: say so */
		int			k;

		for (k = 1; k <= 2 && k < (int) strlen(sym); k++)
		{
			char		pre[3];
			UcumAtom   *a;

			memcpy(pre, sym, k);
			pre[k] = '\0';
			a = ucum_find_atom(sym + k, p->ci);
			if (ucum_find_prefix(pre, p->ci) && a && !a->metric)
				return fail(p, "unit \"%s\" takes no prefix (\"%s\" at position %d)",
							a->code, sym, start + 1);
		}
		return fail(p, "unknown unit symbol %s at position %d",
					ucum_quote(sym, strlen(sym)), start + 1);
	}
	if (!ucum_resolve_atom(atom, &p->err))
		return false;
	*out = atom->value;
	if (prefix)
	{
		if (atom->special)
			out->special_scale = prefix->factor * pow(10.0, prefix->exp10);
		else
		{
			out->exp10 += prefix->exp10;
			out->factor *= prefix->factor;
		}
	}
	if (atom->special)
	{
		p->special_seen = true;
		p->special_code = atom->code;
		if (has_exponent)
			p->special_bad = true;
	}
	if (has_exponent && !atom->special && !unit_power(p, out, exponent))
		return false;
	if (p->cs_out)
	{
		if (prefix)
			appendStringInfoString(p->cs_out, prefix->code);
		appendStringInfoString(p->cs_out, atom->code);
		appendBinaryStringInfo(p->cs_out, p->s + split, end - split);
	}
	return true;
}

static bool
parse_component(Parser *p, UcumUnit *out, int depth)
{
	if (p->pos >= p->len)
		return fail(p, "a unit is missing at the end");
	p->ncomponents++;
	if (p->s[p->pos] == '(')
	{
		int			open = p->pos;

		if (depth > 50)
			return fail(p, "parentheses nested too deeply");
		p->pos++;
		if (p->cs_out)
			appendStringInfoChar(p->cs_out, '(');
		if (!parse_term(p, out, depth + 1))
			return false;
		if (p->pos >= p->len || p->s[p->pos] != ')')
			return fail(p, "unbalanced '(' at position %d", open + 1);
		p->pos++;
		if (p->cs_out)
			appendStringInfoChar(p->cs_out, ')');
		/* "(8.h){shift}": an annotation may follow the parenthesis */
		if (p->pos < p->len && p->s[p->pos] == '{')
			return parse_annotation(p);
		return true;
	}
	if (p->s[p->pos] == ')')
		return fail(p, "unbalanced ')' at position %d", p->pos + 1);
	if (p->s[p->pos] == '{')
	{
		unit_one(out);
		return parse_annotation(p);
	}
	if (!parse_symbol(p, out))
		return false;
	if (p->pos < p->len && p->s[p->pos] == '{')
		return parse_annotation(p);
	return true;
}

static bool
parse_term(Parser *p, UcumUnit *out, int depth)
{
	if (!parse_component(p, out, depth))
		return false;
	while (p->pos < p->len && (p->s[p->pos] == '.' || p->s[p->pos] == '/'))
	{
		UcumUnit	next;
		int			sign = p->s[p->pos] == '.' ? 1 : -1;

		if (p->cs_out)
			appendStringInfoChar(p->cs_out, p->s[p->pos]);
		p->pos++;
		if (!parse_component(p, &next, depth))
			return false;
		if (!unit_combine(p, out, &next, sign))
			return false;
	}
	return true;
}

static bool
parse_main(Parser *p, UcumUnit *out)
{
	bool		inverted = false;

	if (p->len == 0)
		return fail(p, "it is empty");
	if (p->s[0] == '/')
	{
		inverted = true;
		p->pos = 1;
		if (p->cs_out)
			appendStringInfoChar(p->cs_out, '/');
	}
	if (!parse_term(p, out, 0))
		return false;
	if (p->pos < p->len)
	{
		if (p->s[p->pos] == ')')
			return fail(p, "unbalanced ')' at position %d", p->pos + 1);
		return fail(p, "unexpected character at position %d", p->pos + 1);
	}
	if (inverted)
	{
		UcumUnit	one;

		unit_one(&one);
		if (!unit_combine(p, &one, out, -1))
			return false;
		*out = one;
	}
	{
		double		m = ucum_magnitude(out);

		if (!isfinite(m) || m == 0.0)
			return fail(p, "its magnitude is out of the range of float8");
	}
	if (p->special_seen)
	{
		if (p->special_bad || p->ncomponents != 1 || inverted || out->special == UCUM_FN_NONE)
			return fail(p, "special unit \"%s\" cannot take an exponent or be combined with other units",
						p->special_code);
	}
	else
		out->special = UCUM_FN_NONE;
	return true;
}

static bool
run_parser(const char *expr, int len, bool ci, UcumUnit *out,
		   char **cs_form, char **errmsg)
{
	Parser		p;
	bool		ok;

	ucum_load_definitions();
	memset(&p, 0, sizeof(p));
	p.s = expr;
	p.len = len;
	p.ci = ci;
	if (cs_form)
	{
		p.cs_out = makeStringInfo();
		*cs_form = NULL;
	}
	unit_one(out);
	ok = parse_main(&p, out);
	if (ok && cs_form)
		*cs_form = p.cs_out->data;
	if (!ok && errmsg)
		*errmsg = p.err ? p.err : pstrdup("it is not a UCUM expression");
	return ok;
}

bool
ucum_parse(const char *expr, int len, UcumUnit *out, char **errmsg)
{
	return run_parser(expr, len, false, out, NULL, errmsg);
}

bool
ucum_parse_ci(const char *expr, int len, UcumUnit *out, char **cs_form, char **errmsg)
{
	return run_parser(expr, len, true, out, cs_form, errmsg);
}

/*
 * An atom's value: def_value times its (c/s) definition, recursively.
 * Arbitrary units defined by a plain number start their own family;
 * mol carries the lab-only substance slot and eq the equivalents slot.
 */
bool
ucum_resolve_atom(UcumAtom *atom, char **errmsg)
{
	UcumUnit	def;
	char	   *err = NULL;

	if (atom->resolved)
		return true;
	if (atom->resolving)
	{
		*errmsg = psprintf("the UCUM definition of \"%s\" is circular", atom->code);
		return false;
	}
	atom->resolving = true;
	if (!ucum_parse(atom->def_unit, strlen(atom->def_unit), &def, &err))
	{
		atom->resolving = false;
		*errmsg = psprintf("the UCUM definition of \"%s\" (\"%s\") does not parse: %s",
						   atom->code, atom->def_unit, err);
		return false;
	}
	atom->resolving = false;
	{
		double		v = atom->def_value;
		int			k = (int) lrint(log10(v));

		if (v > 0 && pow(10.0, k) == v)
			def.exp10 += k;
		else
			def.factor *= v;
	}
	if (atom->arbitrary && !def.has_arbitrary)
	{
		def.dim[UCUM_FIRST_ARB + ucum_arbitrary_slot(atom->code)] = 1;
		def.has_arbitrary = true;
	}
	if (strcmp(atom->code, "mol") == 0)
		def.dim[UCUM_DIM_MOL] = 1;
	else if (strcmp(atom->code, "eq") == 0)
	{
		def.dim[UCUM_DIM_EQ] = def.dim[UCUM_DIM_MOL];
		def.dim[UCUM_DIM_MOL] = 0;
	}
	def.special = atom->special ? atom->fn : UCUM_FN_NONE;
	def.special_scale = 1.0;
	def.special_code = atom->special ? atom->code : NULL;
	atom->value = def;
	atom->resolved = true;
	return true;
}

static double
pow10_exact(int k)
{
	/* exact for 0 <= k <= 22, correctly rounded above (glibc pow) */
	return pow(10.0, k);
}

static double
scale10(double f, int k)
{
	/* beyond float8's powers of ten: step, stopping once out of range */
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

double
ucum_magnitude(const UcumUnit *u)
{
	return scale10(u->factor, u->exp10);
}

double
ucum_ratio(const UcumUnit *a, const UcumUnit *b)
{
	return scale10(a->factor / b->factor, a->exp10 - b->exp10);
}

bool
ucum_same_dimension(const UcumUnit *a, const UcumUnit *b)
{
	int			i;

	for (i = 0; i < UCUM_NDIM; i++)
		if (i != UCUM_DIM_MOL && i != UCUM_DIM_EQ && a->dim[i] != b->dim[i])
			return false;
	return true;
}

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

static void
log_domain_error(const UcumUnit *u, double v)
{
	pm_error(ERRCODE_INVALID_ARGUMENT_FOR_LOG,
			 errmsg("value %g is outside the domain of special unit \"%s\"", v, u->special_code),
			 errdetail("Its conversion takes a logarithm or root of the value, which must be positive."));
}

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
		case UCUM_FN_PH:
		case UCUM_FN_HPX:
			g = pow(10.0, -x);
			break;
		case UCUM_FN_HPC:
			g = pow(100.0, -x);
			break;
		case UCUM_FN_HPM:
			g = pow(1000.0, -x);
			break;
		case UCUM_FN_HPQ:
			g = pow(50000.0, -x);
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
			elog(ERROR, "unknown UCUM special function %d", (int) u->special);
	}
	return g * ucum_magnitude(u);
}

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
		case UCUM_FN_PH:
		case UCUM_FN_HPX:
		case UCUM_FN_HPC:
		case UCUM_FN_HPM:
		case UCUM_FN_HPQ:
		case UCUM_FN_LN:
		case UCUM_FN_LG:
		case UCUM_FN_LG2:
		case UCUM_FN_LD:
			if (!(y > 0))
				log_domain_error(u, y);
			x = u->special == UCUM_FN_PH || u->special == UCUM_FN_HPX ? -log10(y)
				: u->special == UCUM_FN_HPC ? -log(y) / log(100.0)
				: u->special == UCUM_FN_HPM ? -log(y) / log(1000.0)
				: u->special == UCUM_FN_HPQ ? -log(y) / log(50000.0)
				: u->special == UCUM_FN_LN ? log(y)
				: u->special == UCUM_FN_LG ? log10(y)
				: u->special == UCUM_FN_LG2 ? 2.0 * log10(y)
				: log2(y);
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
			elog(ERROR, "unknown UCUM special function %d", (int) u->special);
	}
	return x / u->special_scale;
}
