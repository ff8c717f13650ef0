/*
 * unit_normalize.c: messy source units mapped to valid UCUM codes.
 *
 * Each rule rewrites the string; the result is accepted only when it is a
 * valid UCUM expression, so a rule never invents a unit.  Rules run in a
 * fixed order and the first valid result wins; nothing matching gives NULL
 * ("unmapped"), never a guess.  The rule names are documented in
 * docs/units.md.  The readers of the ingest module ask for the unit of
 * every row, so answers are remembered per backend for the units sources
 * repeat (pm_unit_normalize_cached).
 */
#include "units/units.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/*
 * Whole-string synonyms by the UCUM code they stand for, compared
 * case-insensitively after trimming; exactly for those whose case matters
 * (M/uL is million per microlitre, m/uL is UCUM).  No spelling stands for
 * two codes, so the order does not matter.
 */
#define MAX_SPELLINGS 5
static const struct
{
	const char *ucum;
	bool		exact_case;
	const char *spellings[MAX_SPELLINGS];	/* NULL after the last */
}			synonyms[] = {
	{"h", false, {"hour(s)", "hours", "hour", "hr", "hrs"}},
	{"min", false, {"minute(s)", "minutes", "minute", "mins"}},
	{"s", false, {"second(s)", "seconds", "second", "sec", "secs"}},
	{"d", false, {"day(s)", "days", "day"}},
	{"wk", false, {"week(s)", "weeks", "week"}},
	{"mo", false, {"month(s)", "months", "month"}},
	{"a", false, {"year(s)", "years", "year", "yr", "yrs"}},
	{"g", false, {"gram(s)", "grams", "gram", "gm", "gms"}},
	{"kg", false, {"kilogram(s)", "kilograms", "kilogram", "kgs"}},
	{"mg", false, {"milligram(s)", "milligrams"}},
	{"L/min", false, {"liters/min", "liter/min", "litres/min", "lpm", "l/min"}},
	{"mm[Hg]", false, {"mmhg", "mm hg", "torr"}},
	{"cm[H2O]", false, {"cmh2o", "cm h2o"}},
	{"/min", false, {"beats/min", "beats/minute", "bpm", "breaths/min", "breaths/minute"}},
	{"%", false, {"percent", "pct"}},
	{"Cel", false, {"degc", "deg c", "\302\260c", "celsius"}},
	{"[degF]", false, {"degf", "deg f", "\302\260f", "fahrenheit"}},
	{"[lb_av]", false, {"lb", "lbs", "pound(s)", "pounds"}},
	{"[oz_av]", false, {"oz", "ounces"}},
	{"[in_i]", false, {"in", "inch", "inches"}},
	{"[ft_i]", false, {"ft", "feet"}},
	{"10*3/uL", false, {"thous/mcl", "thous/ul", "thou/ul", "k/ul", "k/mcl"}},
	{"10*6/uL", false, {"mill/mcl", "mill/ul", "mil/ul", "million/ul", "million per microliter"}},
	{"10*12/L", false, {"tera.l-1", "tera/l"}},
	{"10*9/L", false, {"giga.l-1", "giga/l"}},
	{"U", false, {"enzyme units"}},
	{"mL/min/{1.73_m2}", false, {"ml/min/1.73m2", "ml/min/1.73 m2", "ml/min/1.73m^2"}},
	{"{ratio}", false, {"ratio"}},
	{"/[HPF]", false, {"/hpf", "per hpf"}},
	{"/[LPF]", false, {"/lpf", "per lpf"}},
	{"10*6/uL", true, {"M/uL", "M/UL", "M/mcL", "M/MCL"}},
};

/* Count nouns written bare (cells/uL) that UCUM writes as annotations. */
static const char *const count_words[] = {
	"cells", "copies", "beats", "breaths", "events", "colonies", "organisms",
	"particles", "cell", "copy"
};

/* The UCUM code s is a synonym of (other than s itself), or NULL. */
static const char *
synonym_of(const char *s)
{
	int			i,
				k;

	for (i = 0; i < lengthof(synonyms); i++)
		for (k = 0; k < MAX_SPELLINGS && synonyms[i].spellings[k] != NULL; k++)
		{
			const char *sp = synonyms[i].spellings[k];

			if (synonyms[i].exact_case ? strcmp(s, sp) == 0
				: pg_strcasecmp(s, sp) == 0 && strcmp(s, synonyms[i].ucum) != 0)
				return synonyms[i].ucum;
		}
	return NULL;
}

typedef struct Candidate
{
	char	   *s;
	StringInfoData rules;
} Candidate;

/* Record that rule applied (rules are joined with +). */
static void
add_rule(Candidate *c, const char *rule)
{
	if (c->rules.len > 0)
		appendStringInfoChar(&c->rules, '+');
	appendStringInfoString(&c->rules, rule);
}

/* Is s valid case-sensitive UCUM (parsed into u)? */
static bool
valid_cs(const char *s, UcumUnit *u)
{
	return ucum_parse(s, strlen(s), u, NULL);
}

/*
 * Is c, the next character of a string, outside {annotations}?  *depth is
 * the nesting so far (0 at the start), updated.
 */
static bool
outside_annotation(char c, int *depth)
{
	if (c == '{')
	{
		(*depth)++;
		return false;
	}
	if (c == '}' && *depth > 0)
	{
		(*depth)--;
		return false;
	}
	return *depth == 0;
}

/* Is c an ASCII lower-case letter? */
static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Upper-case outside {annotations}. */
static char *
upper_outside_annotations(const char *s)
{
	char	   *r = pstrdup(s);
	int			depth = 0;
	char	   *p;

	for (p = r; *p; p++)
		if (outside_annotation(*p, &depth) && is_lower(*p))
			*p = *p - 'a' + 'A';
	return r;
}

/* Has s a lower-case letter outside {annotations}? */
static bool
has_lower_outside_annotations(const char *s)
{
	int			depth = 0;

	for (; *s; s++)
		if (outside_annotation(*s, &depth) && is_lower(*s))
			return true;
	return false;
}

/* Do a and b stand for the same unit (dimension, magnitude to 1e-12)? */
static bool
same_unit(const UcumUnit *a, const UcumUnit *b)
{
	double		r;

	if (!ucum_same_dimension(a, b) || a->special != b->special ||
		a->special_scale != b->special_scale)
		return false;
	r = ucum_ratio(a, b);
	return r > 1 - 1e-12 && r < 1 + 1e-12;
}

/* The c/s spelling of s read as case-insensitive UCUM, or NULL. */
static char *
ci_spelling(const char *s, UcumUnit *u)
{
	char	   *cs = NULL;
	char	   *up = upper_outside_annotations(s);

	if (ucum_parse_ci(up, strlen(up), u, &cs, NULL))
		return cs;
	return NULL;
}

/* Replace every occurrence of from (case-insensitive when ci) by to. */
static char *
replace_all(const char *s, const char *from, const char *to, bool ci, bool *changed)
{
	StringInfoData b;
	int			n = strlen(from);

	initStringInfo(&b);
	while (*s)
	{
		if ((ci ? pg_strncasecmp(s, from, n) : strncmp(s, from, n)) == 0)
		{
			appendStringInfoString(&b, to);
			s += n;
			*changed = true;
		}
		else
			appendStringInfoChar(&b, *s++);
	}
	return b.data;
}

/* Replace a micro sign by u where a unit symbol follows it. */
static char *
replace_micro(const char *s, const char *sign, bool *changed)
{
	StringInfoData b;
	int			n = strlen(sign);

	initStringInfo(&b);
	while (*s)
	{
		if (strncmp(s, sign, n) == 0 && (isalpha((unsigned char) s[n]) || s[n] == '['))
		{
			appendStringInfoChar(&b, 'u');
			s += n;
			*changed = true;
		}
		else
			appendStringInfoChar(&b, *s++);
	}
	return b.data;
}

/* Does a token (a unit symbol) start at p? */
static bool
token_start(const char *base, const char *p)
{
	return p == base || strchr("./(", p[-1]) != NULL;
}

/*
 * Token rewrites: mc -> u (mcg, mcL), bare IU -> [IU], count nouns ->
 * {annotation}, powers of ten written 10^n, x10E n, 10En -> 10*n.
 */
static char *
rewrite_tokens(const char *s, Candidate *c)
{
	StringInfoData b;
	const char *p = s;
	bool		mc = false,
				iu = false,
				count = false,
				pow10 = false;

	initStringInfo(&b);
	while (*p)
	{
		int			i;
		bool		done = false;

		if (*p == '{' || *p == '[')
		{
			char		close = *p == '{' ? '}' : ']';
			const char *e = strchr(p, close);

			if (e == NULL)
				e = p + strlen(p) - 1;
			appendBinaryStringInfo(&b, p, e - p + 1);
			p = e + 1;
			continue;
		}
		if (token_start(s, p))
		{
			/* x10E3, x10^3, x10*3, 10E3 */
			const char *q = p;

			if (*q == 'x' || *q == 'X')
				q++;
			if (q[0] == '1' && q[1] == '0' && (q[2] == 'E' || q[2] == 'e' || q[2] == '^' || q[2] == '*') &&
				(isdigit((unsigned char) q[3]) || ((q[3] == '-' || q[3] == '+') && isdigit((unsigned char) q[4]))) &&
				(q != p || q[2] != '*'))
			{
				appendStringInfoString(&b, "10*");
				p = q + 3;
				pow10 = true;
				continue;
			}
			if ((p[0] == 'm' || p[0] == 'M') && (p[1] == 'c' || p[1] == 'C') && isalpha((unsigned char) p[2]))
			{
				appendStringInfoChar(&b, 'u');
				p += 2;
				mc = true;
				continue;
			}
			for (i = 0; i < lengthof(count_words) && !done; i++)
			{
				int			n = strlen(count_words[i]);

				if (pg_strncasecmp(p, count_words[i], n) == 0 &&
					(p[n] == '\0' || strchr("./)", p[n])))
				{
					appendStringInfo(&b, "{%.*s}", n, p);
					p += n;
					count = done = true;
				}
			}
			if (done)
				continue;
		}
		/* IU not inside brackets, after a prefix letter or at a token start */
		if (p[0] == 'I' && p[1] == 'U' && (p[2] == '\0' || strchr("./)", p[2])) &&
			(token_start(s, p) || (p - 1 >= s && isalpha((unsigned char) p[-1]) && token_start(s, p - 1))))
		{
			appendStringInfoString(&b, "[IU]");
			p += 2;
			iu = true;
			continue;
		}
		appendStringInfoChar(&b, *p++);
	}
	if (pow10)
		add_rule(c, "power_of_ten");
	if (mc)
		add_rule(c, "mc_prefix");
	if (iu)
		add_rule(c, "international_unit");
	if (count)
		add_rule(c, "count_annotation");
	return b.data;
}

/* "g/l-1": valid UCUM (= g.l) but almost surely meant g/L; refuse it. */
static bool
divides_by_negative_power(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
	{
		if (*p == '{' && (p = strchr(p, '}')) == NULL)
			return false;
		if (*p == '/')
		{
			const char *e = p + 1;

			while (*e && !strchr("./(){", *e))
			{
				if (*e == '[' && (e = strchr(e, ']')) == NULL)
					return false;
				e++;
			}
			if (e - p > 2 && isdigit((unsigned char) e[-1]))
			{
				const char *d = e - 1;

				while (d > p && isdigit((unsigned char) *d))
					d--;
				if (*d == '-')
					return true;
			}
		}
	}
	return false;
}

/* A valid UCUM string: keep it, or prefer its conventional spelling. */
static char *
accept_valid(const char *s, const UcumUnit *u_in, Candidate *c)
{
	UcumUnit	ci;
	UcumUnit	tu;
	const UcumUnit *u = u_in;
	char	   *spelled;

	if (divides_by_negative_power(s))
	{
		add_rule(c, "refused_negative_power_after_slash");
		return NULL;
	}
	if (strstr(s, "10^") != NULL)
	{
		bool		changed = false;
		char	   *t = replace_all(s, "10^", "10*", false, &changed);

		/* 10^ and 10* are the same unit; 10* is the conventional code */
		if (valid_cs(t, &tu) && same_unit(u, &tu))
		{
			add_rule(c, "power_of_ten");
			s = t;
			u = &tu;
		}
	}
	spelled = ci_spelling(s, &ci);
	if (spelled && strcmp(spelled, s) != 0)
	{
		/* all capitals: the sender wrote c/i UCUM (MG = mg, not megagauss) */
		if (!has_lower_outside_annotations(s))
		{
			add_rule(c, "case_insensitive");
			return spelled;
		}
		if (same_unit(u, &ci))
		{
			add_rule(c, "preferred_spelling");
			return spelled;
		}
	}
	if (c->rules.len == 0)
		add_rule(c, "ucum");
	return pstrdup(s);
}

/*
 * Does the c/s spelling keep every lower-case letter the sender wrote?  Read
 * as c/i, "mEq/L" and "mg/DL" only lower the capitals (meq/L, mg/dL), but
 * "n" would become N (newton): a sender who writes lower case means c/s.
 */
static bool
keeps_lower_case(const char *in, const char *spelled)
{
	int			depth = 0;

	if (strlen(in) != strlen(spelled))
		return !has_lower_outside_annotations(in);
	for (; *in; in++, spelled++)
		if (outside_annotation(*in, &depth) && is_lower(*in) && *spelled != *in)
			return false;
	return true;
}

/* Try s as UCUM, then as case-insensitive UCUM. */
static char *
try_candidate(const char *s, Candidate *c)
{
	UcumUnit	u;
	char	   *spelled;

	if (valid_cs(s, &u))
		return accept_valid(s, &u, c);
	spelled = ci_spelling(s, &u);
	if (spelled && keeps_lower_case(s, spelled))
	{
		add_rule(c, "case_insensitive");
		return spelled;
	}
	return NULL;
}

/*
 * An HL7 v2 coded element (CWE/CE): at least three components separated by
 * ^, the third naming the coding system (UCUM, ISO+, ANSI, L, 99zzz...).
 */
static bool
is_hl7_coded_element(const char *s)
{
	const char *c1 = strchr(s, '^');
	const char *c2 = c1 ? strchr(c1 + 1, '^') : NULL;
	const char *p;

	if (c2 == NULL || c2[1] == '\0')
		return false;
	for (p = c2 + 1; *p && *p != '^'; p++)
		if (!isalnum((unsigned char) *p) && *p != '+' && *p != '-' && *p != '_')
			return false;
	return true;
}

/* The rules, in order, on in (depth: 1 for an HL7 component already taken). */
static char *
normalize(const char *in, Candidate *c, int depth)
{
	char	   *s;
	char	   *r;
	bool		changed = false;
	const char *synonym;
	int			len;

	/* trim */
	while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
		in++;
	s = pstrdup(in);
	len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]))
		s[--len] = '\0';
	if (len == 0)
	{
		add_rule(c, "empty");
		return NULL;
	}

	/* HL7 v2 coded element: code^text^system, system a coding system name */
	if (depth == 0 && is_hl7_coded_element(s))
	{
		char	   *first = pnstrdup(s, strcspn(s, "^"));
		const char *second = strchr(s, '^') + 1;

		add_rule(c, "hl7_components");
		if (*first == '\0')
			first = pnstrdup(second, strcspn(second, "^"));
		return normalize(first, c, depth + 1);
	}

	/* micro signs (U+00B5, U+03BC) as a prefix, i.e. before a unit */
	s = replace_micro(s, "\302\265", &changed);
	s = replace_micro(s, "\316\274", &changed);
	if (changed)
		add_rule(c, "micro_sign");

	/*
	 * Lab abbreviations come before UCUM readings that make no clinical
	 * sense: K/uL is a thousand per microlitre, not kelvin per microlitre.
	 */
	if ((synonym = synonym_of(s)) != NULL)
	{
		add_rule(c, "synonym");
		return pstrdup(synonym);
	}

	/* other valid UCUM is kept (m/uL is metre per microlitre) */
	{
		UcumUnit	u;

		if (valid_cs(s, &u))
			return accept_valid(s, &u, c);
	}

	if ((r = try_candidate(s, c)) != NULL)
		return r;

	/* token rewrites, then UCUM again */
	{
		char	   *t = rewrite_tokens(s, c);

		if (strcmp(t, s) != 0 && (r = try_candidate(t, c)) != NULL)
			return r;
		s = t;
	}

	/* "mg/g crea": a trailing word becomes an annotation */
	{
		char	   *sp = strrchr(s, ' ');

		if (sp && sp > s)
		{
			char	   *head = pnstrdup(s, sp - s);
			const char *word = sp + 1;
			bool		alpha = *word != '\0';
			const char *w;
			UcumUnit	u;

			for (w = word; *w; w++)
				if (!isalpha((unsigned char) *w))
					alpha = false;
			if (alpha && valid_cs(head, &u) && !divides_by_negative_power(head))
			{
				add_rule(c, "annotation_from_text");
				return psprintf("%s{%s}", head, word);
			}
		}
	}
	return NULL;
}

/* unit[0..len) as valid UCUM, or NULL (see units.h). */
char *
pm_unit_normalize(const char *unit, int len, const char **rule)
{
	Candidate	c;
	char	   *in = pnstrdup(unit, len);
	char	   *r;

	initStringInfo(&c.rules);
	r = len > 200 ? NULL : normalize(in, &c, 0);
	if (r != NULL)
	{
		UcumUnit	u;

		/* every result is valid UCUM, whatever rule produced it */
		if (!valid_cs(r, &u))
		{
			add_rule(&c, "invalid_result");
			r = NULL;
		}
	}
	if (r == NULL)
	{
		if (len > 200)
			add_rule(&c, "too_long");
		add_rule(&c, "unmapped");
	}
	if (rule)
		*rule = c.rules.data;
	return r;
}

/*
 * The memo of pm_unit_normalize_cached: units and answers shorter than
 * MEMO_KEY_LEN bytes, MEMO_MAX of them, for the life of the backend.
 */
#define MEMO_KEY_LEN 64
#define MEMO_MAX 4096

static MemoryContext memo_cxt = NULL;
static units_strmap_hash *memo = NULL;

/* pm_unit_normalize of unit, remembered (see units.h). */
char *
pm_unit_normalize_cached(const char *unit)
{
	UnitsStrMapEntry *e;
	bool		found;
	char	   *ucum;
	size_t		len = strlen(unit);

	if (len >= MEMO_KEY_LEN)
		return pm_unit_normalize(unit, len, NULL);
	if (memo == NULL)
	{
		memo_cxt = AllocSetContextCreate(TopMemoryContext, "precmed unit_normalize memo",
										 ALLOCSET_SMALL_SIZES);
		memo = units_strmap_create(memo_cxt, 256, NULL);
	}
	e = units_strmap_lookup(memo, unit);
	if (e)
		return e->value ? pstrdup((const char *) e->value) : NULL;
	ucum = pm_unit_normalize(unit, len, NULL);
	if (memo->members < MEMO_MAX && (ucum == NULL || strlen(ucum) < MEMO_KEY_LEN))
	{
		/* both copies first: an error leaves no entry without its strings */
		char	   *key = MemoryContextStrdup(memo_cxt, unit);
		char	   *code = ucum ? MemoryContextStrdup(memo_cxt, ucum) : NULL;

		e = units_strmap_insert(memo, key, &found);
		Assert(!found);
		e->value = code;
	}
	return ucum;
}
