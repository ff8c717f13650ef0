/*
 * string_compare.c: Jaro, Jaro-Winkler and Damerau-Levenshtein on characters,
 * and the comparison levels built on them.
 *
 * How it works.  Jaro (1989) counts the characters the two strings share
 * within a matching window of floor(max(|a|, |b|) / 2) - 1 positions: each
 * character of a takes the leftmost unused equal character of b inside the
 * window.  With m such matches and t half the number of matched characters
 * that differ when both strings' matches are read in order (transpositions),
 *   jaro = (m / |a| + m / |b| + (m - t) / m) / 3, and 0 when m = 0.
 * Winkler (1990) boosts strings that share a prefix: when jaro exceeds 0.7,
 *   jaro_winkler = jaro + p * s * (1 - jaro)
 * with p the common prefix length (at most 4) and s the prefix scale (0.1);
 * as in Winkler, "String Comparator Metrics and Enhanced Decision Rules in
 * the Fellegi-Sunter Model of Record Linkage".  For ASCII strings of at most
 * 64 characters (nearly every name, date and address) the window scan is a
 * few word operations on bit masks of positions, giving the same matches.
 * The edit distance is the optimal-string-alignment variant of
 * Damerau-Levenshtein (insert, delete, substitute, swap adjacent characters;
 * no substring edited twice), by dynamic programming over three rows; with a
 * bound it stops once two consecutive rows exceed it.
 */
#include "linkage/linkage.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"

#define JW_MAX_PREFIX 4
#define JW_BOOST_THRESHOLD 0.7

/* Room for the characters of short strings without palloc. */
#define LK_STACK_CHARS 64

/*
 * Decode a text datum into characters, into buf when it fits (buf has
 * LK_STACK_CHARS + 1 slots); returns the character count.  ASCII, the
 * common case for names and dates, is copied byte for byte.
 */
static int
text_to_chars(text *t, pg_wchar *buf, pg_wchar **out)
{
	int			nbytes = VARSIZE_ANY_EXHDR(t);
	const unsigned char *s = (const unsigned char *) VARDATA_ANY(t);
	pg_wchar   *chars = nbytes <= LK_STACK_CHARS ? buf
		: palloc_extended(((Size) nbytes + 1) * sizeof(pg_wchar), MCXT_ALLOC_HUGE);
	int			i;

	*out = chars;
	for (i = 0; i < nbytes && s[i] < 0x80; i++)
		chars[i] = s[i];
	if (i == nbytes)
		return nbytes;
	return pg_mb2wchar_with_len((const char *) s, chars, nbytes);
}

/*
 * Jaro for ASCII strings of at most 64 characters (nearly every name, date
 * and address): a bit mask per character of the positions where it occurs in
 * b turns the window scan into a few word operations.  It picks the same
 * (leftmost unused) match as the scan, so the result is identical.
 */
static double
jaro_ascii64(const pg_wchar *a, int la, const pg_wchar *b, int lb, int window)
{
	uint64		positions[128];
	uint64		bused = 0,
				amatched = 0;
	int			matches = 0,
				half_transpositions = 0;
	double		m;

	for (int i = 0; i < la; i++)
		positions[a[i]] = 0;
	for (int j = 0; j < lb; j++)
		positions[b[j]] = 0;
	for (int j = 0; j < lb; j++)
		positions[b[j]] |= UINT64CONST(1) << j;

	for (int i = 0; i < la; i++)
	{
		int			lo = Max(0, i - window);
		int			hi = Min(lb - 1, i + window);
		uint64		span,
					candidates;

		if (lo > hi)
			continue;
		span = (hi - lo + 1 == 64) ? ~UINT64CONST(0)
			: ((UINT64CONST(1) << (hi - lo + 1)) - 1) << lo;
		candidates = positions[a[i]] & span & ~bused;
		if (candidates)
		{
			bused |= candidates & (~candidates + 1);	/* lowest set bit */
			amatched |= UINT64CONST(1) << i;
			matches++;
		}
	}
	if (matches == 0)
		return 0.0;
	while (amatched)
	{
		int			i = pg_rightmost_one_pos64(amatched);
		int			j = pg_rightmost_one_pos64(bused);

		if (a[i] != b[j])
			half_transpositions++;
		amatched &= amatched - 1;
		bused &= bused - 1;
	}
	m = matches;
	return (m / la + m / lb + (m - half_transpositions / 2) / m) / 3.0;
}

/* Whether every character of s is ASCII. */
static bool
all_ascii(const pg_wchar *s, int len)
{
	for (int i = 0; i < len; i++)
		if (s[i] >= 128)
			return false;
	return true;
}

/* The Jaro similarity of a and b (1 when both are empty). */
double
lk_jaro(const pg_wchar *a, int la, const pg_wchar *b, int lb)
{
	bool		small_a[64],
				small_b[64];
	bool	   *amatch,
			   *bmatch;
	int			window,
				matches = 0,
				half_transpositions = 0,
				k = 0;
	double		m;

	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;

	window = Max(la, lb) / 2 - 1;
	if (window < 0)
		window = 0;
	if (la <= 64 && lb <= 64 && all_ascii(a, la) && all_ascii(b, lb))
		return jaro_ascii64(a, la, b, lb, window);

	amatch = la <= 64 ? small_a : palloc_extended(la * sizeof(bool), MCXT_ALLOC_HUGE);
	bmatch = lb <= 64 ? small_b : palloc_extended(lb * sizeof(bool), MCXT_ALLOC_HUGE);
	memset(amatch, 0, la * sizeof(bool));
	memset(bmatch, 0, lb * sizeof(bool));

	for (int i = 0; i < la; i++)
	{
		int			lo = Max(0, i - window);
		int			hi = Min(lb - 1, i + window);

		/* long texts are quadratic: let a query be cancelled */
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		for (int j = lo; j <= hi; j++)
		{
			if (!bmatch[j] && a[i] == b[j])
			{
				amatch[i] = bmatch[j] = true;
				matches++;
				break;
			}
		}
	}
	if (matches == 0)
		return 0.0;

	/* matched characters out of order, counted in both strings' order */
	for (int i = 0; i < la; i++)
	{
		if (!amatch[i])
			continue;
		while (!bmatch[k])
			k++;
		if (a[i] != b[k])
			half_transpositions++;
		k++;
	}

	m = matches;
	return (m / la + m / lb + (m - half_transpositions / 2) / m) / 3.0;
}

/* Jaro-Winkler with Winkler's prefix boost scaled by prefix_scale. */
static double
jaro_winkler_scaled(const pg_wchar *a, int la, const pg_wchar *b, int lb,
					double prefix_scale)
{
	double		j = lk_jaro(a, la, b, lb);
	int			prefix = 0;

	if (j <= JW_BOOST_THRESHOLD)
		return j;
	while (prefix < JW_MAX_PREFIX && prefix < la && prefix < lb &&
		   a[prefix] == b[prefix])
		prefix++;
	return j + prefix * prefix_scale * (1.0 - j);
}

/* Jaro-Winkler with the standard prefix scale 0.1. */
double
lk_jaro_winkler(const pg_wchar *a, int la, const pg_wchar *b, int lb)
{
	return jaro_winkler_scaled(a, la, b, lb, 0.1);
}

/* The OSA distance of a and b, capped at bound + 1 when bound >= 0. */
int
lk_damerau_levenshtein(const pg_wchar *a, int la, const pg_wchar *b, int lb,
					   int bound)
{
	int			stack_rows[3 * (LK_STACK_CHARS + 1)];
	int		   *rows;
	int		   *prev2,
			   *prev,
			   *cur;
	int			prev_min = 0;

	if (bound >= 0 && abs(la - lb) > bound)
		return bound + 1;
	if (la == 0)
		return (bound >= 0 && lb > bound) ? bound + 1 : lb;
	if (lb == 0)
		return (bound >= 0 && la > bound) ? bound + 1 : la;

	rows = lb <= LK_STACK_CHARS ? stack_rows
		: palloc_extended(3 * ((Size) lb + 1) * sizeof(int), MCXT_ALLOC_HUGE);
	prev2 = rows;
	prev = rows + (lb + 1);
	cur = rows + 2 * (lb + 1);
	for (int j = 0; j <= lb; j++)
		prev[j] = j;

	for (int i = 1; i <= la; i++)
	{
		int		   *t;
		int			row_min;

		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		cur[0] = i;
		row_min = i;
		for (int j = 1; j <= lb; j++)
		{
			int			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int			d = prev[j - 1] + cost;

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
				prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < row_min)
				row_min = d;
		}
		/* every later cell derives from the last two rows */
		if (bound >= 0 && row_min > bound && prev_min > bound)
		{
			if (rows != stack_rows)
				pfree(rows);
			return bound + 1;
		}
		prev_min = row_min;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	{
		int			d = prev[lb];

		if (rows != stack_rows)
			pfree(rows);
		return (bound >= 0 && d > bound) ? bound + 1 : d;
	}
}

/* ---- SQL: the comparators ---- */

/* Both text arguments as characters: short strings in the struct's own buffers. */
typedef struct CharsPair
{
	pg_wchar	abuf[LK_STACK_CHARS + 1];
	pg_wchar	bbuf[LK_STACK_CHARS + 1];
	pg_wchar   *a;
	pg_wchar   *b;
	int			la;
	int			lb;
} CharsPair;

/* Decode arguments 0 and 1 into p. */
static void
chars_pair(FunctionCallInfo fcinfo, CharsPair *p)
{
	p->la = text_to_chars(PG_GETARG_TEXT_PP(0), p->abuf, &p->a);
	p->lb = text_to_chars(PG_GETARG_TEXT_PP(1), p->bbuf, &p->b);
}

/* Whether the two strings are identical. */
static bool
chars_equal(const CharsPair *p)
{
	return p->la == p->lb && memcmp(p->a, p->b, p->la * sizeof(pg_wchar)) == 0;
}

/* jaro(a, b): the Jaro similarity of two texts, in [0, 1] (STRICT). */
PG_FUNCTION_INFO_V1(jaro);
Datum
jaro(PG_FUNCTION_ARGS)
{
	CharsPair	s;

	chars_pair(fcinfo, &s);
	PG_RETURN_FLOAT8(lk_jaro(s.a, s.la, s.b, s.lb));
}

/* The prefix_scale argument (0.1 when absent), checked. */
static double
prefix_scale_arg(FunctionCallInfo fcinfo, int argno)
{
	double		p;

	if (PG_NARGS() <= argno)
		return 0.1;
	if (PG_ARGISNULL(argno))
		pm_error_null_argument("prefix_scale");
	p = PG_GETARG_FLOAT8(argno);
	/* above 0.25 a 4-character prefix could push the similarity over 1 */
	if (isnan(p) || p < 0.0 || p > 0.25)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("prefix_scale must be between 0 and 0.25, got %g", p),
				 errdetail("Winkler's prefix bonus is prefix_length * prefix_scale * (1 - jaro), with at most 4 prefix characters."),
				 errhint("Use the standard 0.1."));
	return p;
}

/*
 * jaro_winkler(a, b[, prefix_scale]): the Jaro-Winkler similarity, NULL when
 * a or b is NULL.  Refuses a NULL prefix_scale or one outside [0, 0.25].
 */
PG_FUNCTION_INFO_V1(jaro_winkler);
Datum
jaro_winkler(PG_FUNCTION_ARGS)
{
	CharsPair	s;
	double		p;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	p = prefix_scale_arg(fcinfo, 2);
	chars_pair(fcinfo, &s);
	PG_RETURN_FLOAT8(jaro_winkler_scaled(s.a, s.la, s.b, s.lb, p));
}

/*
 * damerau_levenshtein(a, b[, max_distance]): the OSA edit distance, capped
 * at max_distance + 1 when given; NULL when a or b is NULL.  Refuses a
 * negative max_distance.
 */
PG_FUNCTION_INFO_V1(damerau_levenshtein);
Datum
damerau_levenshtein(PG_FUNCTION_ARGS)
{
	CharsPair	s;
	int			bound = -1;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		bound = PG_GETARG_INT32(2);
		if (bound < 0)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("max_distance must not be negative, got %d", bound),
					 errhint("Give NULL for an unbounded distance."));
	}
	chars_pair(fcinfo, &s);
	PG_RETURN_INT32(lk_damerau_levenshtein(s.a, s.la, s.b, s.lb, bound));
}

/* ---- SQL: comparison levels ---- */

static const LkLimitsSpec similarity_limits = {
	.argname = "thresholds",
	.elemtype = FLOAT8OID,
	.max_count = LK_MAX_LEVELS - 2,
	.decreasing = true,
	.min = 0.0,
	.max = 1.0,
	.range = "between 0 and 1",
	.detail = "They are Jaro-Winkler similarities; identical strings are always the top level.",
	.example = "{0.92,0.8}",
};

static const LkLimitsSpec distance_limits = {
	.argname = "max_distances",
	.elemtype = INT4OID,
	.max_count = LK_MAX_LEVELS - 2,
	.decreasing = false,
	.min = 1,
	.max = PG_INT32_MAX,
	.range = "positive",
	.detail = "Distance 0 is the \"identical\" level, which is always the top level.",
	.example = "{1,2}",
};

/*
 * jaro_winkler_level(a, b, thresholds): n = number of thresholds, given in
 * decreasing order.  Level n + 1 = identical, n - i = similarity >=
 * thresholds[i] (0-based i), 0 = below the last; NULL when a or b is NULL.
 * Refuses thresholds outside [0, 1], not decreasing, or NULL.
 */
PG_FUNCTION_INFO_V1(jaro_winkler_level);
Datum
jaro_winkler_level(PG_FUNCTION_ARGS)
{
	const LkLimits *limits = lk_limits(fcinfo, 2, &similarity_limits);
	CharsPair	s;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	chars_pair(fcinfo, &s);
	if (chars_equal(&s))
		PG_RETURN_INT32(limits->n + 1);
	PG_RETURN_INT32(lk_level_of(lk_jaro_winkler(s.a, s.la, s.b, s.lb), limits, true));
}

/*
 * damerau_levenshtein_level(a, b, max_distances): distances in increasing
 * order.  Level n + 1 = identical, n - i = distance <= max_distances[i],
 * 0 = farther; NULL when a or b is NULL.  Refuses distances below 1, not
 * increasing, or NULL.
 */
PG_FUNCTION_INFO_V1(damerau_levenshtein_level);
Datum
damerau_levenshtein_level(PG_FUNCTION_ARGS)
{
	const LkLimits *limits = lk_limits(fcinfo, 2, &distance_limits);
	CharsPair	s;
	int			loosest;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	chars_pair(fcinfo, &s);
	if (chars_equal(&s))
		PG_RETURN_INT32(limits->n + 1);
	if (limits->n == 0)
		PG_RETURN_INT32(0);
	/* farther than the loosest limit is level 0, however far: stop there */
	loosest = (int) limits->value[limits->n - 1];
	PG_RETURN_INT32(lk_level_of(lk_damerau_levenshtein(s.a, s.la, s.b, s.lb, loosest),
								limits, false));
}
