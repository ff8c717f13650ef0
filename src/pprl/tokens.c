/*
 * tokens.c: how each type of field becomes tokens.
 *
 * Everything here works on UTF-8 bytes and folds only ASCII letters, so the
 * tokens of a value are the same whatever the server's locale, collation or
 * version (lower() would follow the collation).  Non-ASCII characters are
 * kept as they are.
 *
 *   name    ASCII letters folded to lower case, other ASCII characters
 *           (digits, spaces, punctuation) dropped: "O'Brien-Smith" is
 *           "obriensmith"; tokens are its q-grams, padded with q-1 '_'
 *           at each end (Schnell et al. 2009).
 *   text    ASCII letters folded, letters and digits kept, every run of
 *           other ASCII characters one space, trimmed: "12 Main St." is
 *           "12 main st"; tokens are its padded q-grams.
 *   number  a decimal number ([+-]digits[.digits]), written canonically
 *           ("007.50" is "7.5"); the token is the value, or with "step"
 *           the grid cell round(value / step) and with "neighbours" n the
 *           cells within n of it too, so near values share tokens
 *           (Vatsalan and Christen 2016).
 *   date    YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, a valid Gregorian date;
 *           tokens are the year, the month, the day and the unordered
 *           (month, day) pair, so a date with day and month swapped still
 *           shares two tokens.
 */
#include "pprl/pprl.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"

#define PAD_CHAR '_'

/* Letters, lower case, and non-ASCII characters of value. */
static void
normalize_name(const char *s, int len, StringInfo out)
{
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 'A' && c <= 'Z')
			appendStringInfoChar(out, (char) (c + ('a' - 'A')));
		else if ((c >= 'a' && c <= 'z') || c >= 0x80)
			appendStringInfoChar(out, (char) c);
	}
}

/* Letters and digits, lower case, non-ASCII kept, other runs one space. */
static void
normalize_text(const char *s, int len, StringInfo out)
{
	bool		gap = false;

	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		bool		keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;

		if (c >= 'A' && c <= 'Z')
		{
			c += 'a' - 'A';
			keep = true;
		}
		if (!keep)
		{
			gap = true;
			continue;
		}
		if (gap && out->len > 0)
			appendStringInfoChar(out, ' ');
		gap = false;
		appendStringInfoChar(out, (char) c);
	}
}

/* Trim ASCII blanks off both ends of s[0..*len). */
static const char *
trim_blanks(const char *s, int *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, (*len)--;
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
						s[*len - 1] == '\n' || s[*len - 1] == '\r'))
		(*len)--;
	return s;
}

/* The canonical text of a decimal number, or false if s is not one. */
static bool
normalize_number(const char *s, int len, StringInfo out)
{
	int			i = 0,
				int_start,
				int_end,
				frac_start,
				frac_end;
	bool		negative = false,
				zero = true;

	s = trim_blanks(s, &len);
	if (i < len && (s[i] == '+' || s[i] == '-'))
		negative = s[i++] == '-';
	int_start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	int_end = i;
	frac_start = frac_end = i;
	if (i < len && s[i] == '.')
	{
		frac_start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	if (i != len || (int_end == int_start && frac_end == frac_start))
		return false;
	while (int_start < int_end - 1 && s[int_start] == '0')
		int_start++;
	while (frac_end > frac_start && s[frac_end - 1] == '0')
		frac_end--;
	for (int j = int_start; j < int_end; j++)
		zero = zero && s[j] == '0';
	zero = zero && frac_end == frac_start;
	if (negative && !zero)
		appendStringInfoChar(out, '-');
	if (int_end > int_start)
		appendBinaryStringInfo(out, s + int_start, int_end - int_start);
	else
		appendStringInfoChar(out, '0');
	if (frac_end > frac_start)
	{
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, s + frac_start, frac_end - frac_start);
	}
	return true;
}

/* n digits of s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* YYYYMMDD of a valid date in one of the accepted forms, or false. */
static bool
normalize_date(const char *s, int len, StringInfo out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d;

	s = trim_blanks(s, &len);
	if (len == 8)
	{
		y = digits(s, 4);
		m = digits(s + 4, 2);
		d = digits(s + 6, 2);
	}
	else if (len == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4])
	{
		y = digits(s, 4);
		m = digits(s + 5, 2);
		d = digits(s + 8, 2);
	}
	else
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	if (d > mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return false;
	appendStringInfo(out, "%04d%02d%02d", y, m, d);
	return true;
}

bool
pprl_normalize(const PprlField *f, int field_no, const char *value, int len,
			   char **out, int *outlen)
{
	StringInfoData buf;
	bool		valid = true;
	static const char *const what[] = {"", "", "a decimal number ([+-]digits[.digits])",
	"a date (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)"};

	initStringInfo(&buf);
	switch (f->type)
	{
		case PPRL_NAME:
			normalize_name(value, len, &buf);
			break;
		case PPRL_TEXT:
			normalize_text(value, len, &buf);
			break;
		case PPRL_NUMBER:
		case PPRL_DATE:
			{
				int			tlen = len;

				(void) trim_blanks(value, &tlen);
				if (tlen == 0)
					break;		/* blank: missing, like an empty name */
				valid = f->type == PPRL_NUMBER ? normalize_number(value, len, &buf)
					: normalize_date(value, len, &buf);
				if (valid && f->type == PPRL_NUMBER && f->step > 0)
				{
					double		cell = strtod(buf.data, NULL) / f->step;

					valid = fabs(cell) < 4503599627370496.0;	/* 2^52: exact cells */
				}
				break;
			}
	}
	if (!valid)
	{
		/* the message never quotes the value: it identifies a person */
		if (f->invalid == 0)
			pm_error(f->type == PPRL_DATE ? ERRCODE_INVALID_DATETIME_FORMAT
					 : ERRCODE_INVALID_TEXT_REPRESENTATION,
					 errmsg("field %d is not %s", field_no, what[f->type]),
					 errdetail(f->type == PPRL_NUMBER && f->step > 0
							   ? "Or the number is too large for its \"step\" (value / step must stay below 2^52)."
							   : "The value is not shown: it identifies a person."),
					 errhint("Clean the field first, or set \"invalid\": \"missing\" in the field's params "
							 "to encode such values as missing."));
		buf.len = 0;
	}
	*out = buf.data;
	*outlen = buf.len;
	return buf.len > 0;
}

/* The padded q-grams of s, by character. */
static void
qgram_tokens(const PprlField *f, const char *s, int len, PprlTokenSink sink, void *arg)
{
	int			pad = f->padding ? f->q - 1 : 0;
	int			nbytes = len + 2 * pad;
	char	   *padded = palloc(nbytes);
	int		   *start = palloc(sizeof(int) * (nbytes + 1));
	int			nchars = 0;

	memset(padded, PAD_CHAR, pad);
	memcpy(padded + pad, s, len);
	memset(padded + pad + len, PAD_CHAR, pad);
	for (int i = 0; i < nbytes; i += pg_utf_mblen((const unsigned char *) padded + i))
		start[nchars++] = i;
	start[nchars] = nbytes;
	if (nchars < f->q)
		sink(arg, padded, nbytes);
	else
		for (int i = 0; i + f->q <= nchars; i++)
		{
			if ((i & 1023) == 1023)
				CHECK_FOR_INTERRUPTS();
			sink(arg, padded + start[i], start[i + f->q] - start[i]);
		}
	pfree(padded);
	pfree(start);
}

static void
number_tokens(const PprlField *f, const char *s, int len, PprlTokenSink sink, void *arg)
{
	char		tok[64];
	double		cell;

	if (f->step <= 0)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoString(&buf, "n:");
		appendBinaryStringInfo(&buf, s, len);
		sink(arg, buf.data, buf.len);
		pfree(buf.data);
		return;
	}
	cell = floor(strtod(s, NULL) / f->step + 0.5);
	for (int j = -f->neighbours; j <= f->neighbours; j++)
	{
		int			n = snprintf(tok, sizeof(tok), "g:" INT64_FORMAT, (int64) cell + j);

		sink(arg, tok, n);
	}
}

static void
date_tokens(const char *s, PprlTokenSink sink, void *arg)
{
	char		tok[32];
	int			m = digits(s + 4, 2),
				d = digits(s + 6, 2);

	snprintf(tok, sizeof(tok), "y:%.4s", s);
	sink(arg, tok, 6);
	snprintf(tok, sizeof(tok), "m:%.2s", s + 4);
	sink(arg, tok, 4);
	snprintf(tok, sizeof(tok), "d:%.2s", s + 6);
	sink(arg, tok, 4);
	snprintf(tok, sizeof(tok), "md:%02d-%02d", Min(m, d), Max(m, d));
	sink(arg, tok, 8);
}

void
pprl_tokens(const PprlField *f, const char *norm, int len, PprlTokenSink sink, void *arg)
{
	switch (f->type)
	{
		case PPRL_NAME:
		case PPRL_TEXT:
			qgram_tokens(f, norm, len, sink, arg);
			break;
		case PPRL_NUMBER:
			number_tokens(f, norm, len, sink, arg);
			break;
		case PPRL_DATE:
			date_tokens(norm, sink, arg);
			break;
	}
}
