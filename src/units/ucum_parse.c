/*
 * ucum_parse.c: UCUM expressions reduced to a magnitude and dimension vector.
 *
 * Grammar (UCUM specification, section "Syntax Rules"):
 *   main-term  := "/" term | term
 *   term       := term "." component | term "/" component | component
 *   component  := annotatable annotation? | annotation | factor | "(" term ")"
 *   annotatable:= simple-unit exponent?
 *   simple-unit:= atom | prefix metric-atom
 * A recursive-descent parser reads it left to right, multiplying (".") and
 * dividing ("/") the components' values as it goes.  Symbols may contain
 * square-bracketed parts ([in_i], B[10.nV]) which are taken whole; an
 * exponent is the trailing [+-]digits of a symbol.  A symbol is looked up
 * whole as an atom, else as a one- or two-character prefix and a metric
 * atom.  An atom's value is its definition in ucum-essence parsed the same
 * way, once, on first use.  Special units (Cel, [pH], ...) may only stand
 * alone.  The first problem met is the message: with its position, in
 * words a user can act on.
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
static bool ucum_resolve_atom(UcumAtom *atom, char **errmsg);

/* s[0..len) in quotes for a message: control bytes escaped, long input shortened. */
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

static bool fail(Parser *p, const char *fmt,...) pg_attribute_printf(2, 3);

/* Keep the first problem met as the message; returns false. */
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

/* The unit 1. */
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

	Assert(sign == 1 || sign == -1);
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

/* u := u^e; false when out of range. */
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

/* Does c end a symbol? */
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

/* An annotation {...}: no value, printable ASCII inside. */
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

/*
 * Move p->pos past one symbol: up to the next separator, a square-bracketed
 * part ([in_i], B[10.nV]) taken whole.  False on a character UCUM codes
 * cannot hold, an unbalanced bracket, or no symbol at all.
 */
static bool
scan_symbol(Parser *p)
{
	int			start = p->pos;

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
	if (p->pos == start)
	{
		if (p->pos >= p->len)
			return fail(p, "a unit is missing at the end");
		return fail(p, "a unit is missing at position %d", p->pos + 1);
	}
	return true;
}

/* A symbol of digits only, s[start..end): a factor, a positive integer. */
static bool
parse_factor(Parser *p, int start, int end, UcumUnit *out)
{
	double		v = 0;
	int			i;

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

/*
 * The trailing exponent of symbol s[start..end), [+-]?digits after the
 * last ']': *split is where the unit ends (end when there is none).
 */
static bool
split_exponent(Parser *p, int start, int end, int *split, int *exponent,
			   bool *has_exponent)
{
	int			digits_start,
				i;

	*split = end;
	*exponent = 1;
	*has_exponent = false;
	while (*split > start && isdigit((unsigned char) p->s[*split - 1]))
		(*split)--;
	if (*split == end)
		return true;
	digits_start = *split;
	if (*split > start && (p->s[*split - 1] == '+' || p->s[*split - 1] == '-'))
		(*split)--;
	if (*split == start)
		return fail(p, "exponent without a unit at position %d", start + 1);
	if (end - digits_start > 4)
		return fail(p, "exponent %s is too large (at most %d)",
					ucum_quote(p->s + *split, end - *split), UCUM_MAX_EXPONENT);
	*exponent = 0;
	for (i = digits_start; i < end; i++)
		*exponent = *exponent * 10 + (p->s[i] - '0');
	if (*exponent > UCUM_MAX_EXPONENT)
		return fail(p, "exponent %s is too large (at most %d)",
					ucum_quote(p->s + *split, end - *split), UCUM_MAX_EXPONENT);
	if (p->s[*split] == '-')
		*exponent = -*exponent;
	*has_exponent = true;
	return true;
}

/* sym (at start) is no unit: say why, naming a prefix on a non-metric unit. */
static bool
unknown_symbol(Parser *p, const char *sym, int start)
{
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

/*
 * The value of atom with prefix (may be NULL) raised to exponent into out;
 * a special atom takes the prefix as the scale of the measured value and is
 * marked, so parse_main can refuse it combined or with an exponent.
 */
static bool
apply_atom(Parser *p, UcumAtom *atom, UcumPrefix *prefix, int exponent,
		   bool has_exponent, UcumUnit *out)
{
	Assert(atom->resolved);
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
		return true;
	}
	return !has_exponent || unit_power(p, out, exponent);
}

/* A symbol: factor, or simple unit with optional exponent. */
static bool
parse_symbol(Parser *p, UcumUnit *out)
{
	int			start = p->pos;
	int			end,
				split,
				exponent,
				i;
	bool		has_exponent;
	char	   *sym;
	UcumAtom   *atom;
	UcumPrefix *prefix;

	if (!scan_symbol(p))
		return false;
	end = p->pos;
	for (i = start; i < end && isdigit((unsigned char) p->s[i]); i++)
		;
	if (i == end)
		return parse_factor(p, start, end, out);
	if (!split_exponent(p, start, end, &split, &exponent, &has_exponent))
		return false;
	sym = pnstrdup(p->s + start, split - start);
	if (!lookup_simple(p, sym, &atom, &prefix))
		return unknown_symbol(p, sym, start);
	if (!ucum_resolve_atom(atom, &p->err))
		return false;
	if (!apply_atom(p, atom, prefix, exponent, has_exponent, out))
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

/* A component: (term), an annotation, or a symbol with its annotation. */
static bool
parse_component(Parser *p, UcumUnit *out, int depth)
{
	Assert(p->pos <= p->len);
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

/* A term: components joined by . (times) and / (divided by). */
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

/* The whole expression, with the checks that need all of it (range, special units). */
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

/* Parse expr[0..len) (ci: case-insensitive symbols) into out (see units.h). */
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

/* Parse a case-sensitive UCUM expression (see units.h). */
bool
ucum_parse(const char *expr, int len, UcumUnit *out, char **errmsg)
{
	return run_parser(expr, len, false, out, NULL, errmsg);
}

/* Parse a case-insensitive UCUM expression, giving its c/s spelling (see units.h). */
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
static bool
ucum_resolve_atom(UcumAtom *atom, char **errmsg)
{
	UcumUnit	def;
	char	   *err = NULL;

	if (atom->resolved)
		return true;
	Assert(atom->def_unit != NULL);	/* only base units have none, and they are resolved */
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
	def.factor *= atom->def_value;	/* digits: an exact integer when it fits */
	def.exp10 += atom->def_exp10;
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

