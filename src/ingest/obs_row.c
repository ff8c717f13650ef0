/*
 * obs_row.c: the shared observation row, its emission, and the small value
 * readers (numbers, comparators, timestamps, code systems) every format uses.
 */
#include "ingest/ingest.h"
#include "units/units.h"

#include <ctype.h>
#include <math.h>

#include "catalog/namespace.h"
#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

void
ingest_begin(FunctionCallInfo fcinfo, IngestOut *out,
			 const char *source_format, bool strict)
{
	InitMaterializedSRF(fcinfo, 0);
	out->rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	if (out->rsinfo->setDesc->natts != INGEST_NCOLS)
		elog(ERROR, "precmed ingest: result has %d columns, expected %d",
			 out->rsinfo->setDesc->natts, INGEST_NCOLS);
	out->strict = strict;
	out->source_format = source_format;
	out->rows = 0;
	out->call_cxt = CurrentMemoryContext;
	out->part_cxt = AllocSetContextCreate(CurrentMemoryContext, "precmed ingest part",
										  ALLOCSET_DEFAULT_SIZES);
	out->src_encoding = GetDatabaseEncoding();
	out->conv_proc = InvalidOid;
	out->in_fail = false;
	out->raw_is_input = false;
}

/* The parser's strings are in encoding; look up their conversion once. */
void
ingest_set_source_encoding(IngestOut *out, int encoding)
{
	int			db = GetDatabaseEncoding();

	out->src_encoding = encoding;
	out->conv_proc = InvalidOid;
	/* SQL_ASCII stores bytes as they come: no conversion exists or is needed */
	if (encoding == db || db == PG_SQL_ASCII || encoding == PG_SQL_ASCII)
		return;
	out->conv_proc = FindDefaultConversionProc(encoding, db);
	if (!OidIsValid(out->conv_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("no conversion from %s to the database encoding %s",
						pg_encoding_to_char(encoding), GetDatabaseEncodingName()),
				 errhint("Create the database with an encoding PostgreSQL can convert %s to.",
						 pg_encoding_to_char(encoding))));
}

MemoryContext
ingest_part_begin(IngestOut *out)
{
	return MemoryContextSwitchTo(out->part_cxt);
}

void
ingest_part_end(IngestOut *out, MemoryContext old)
{
	MemoryContextSwitchTo(old);
	MemoryContextReset(out->part_cxt);
}

void
ingest_row_init(IngestOut *out, IngestRow *row)
{
	memset(row, 0, sizeof(*row));
	row->source_format = out->source_format;
}

/* One character of s (its length l) the database cannot hold, written in ASCII. */
static void
append_unheld_char(IngestOut *out, StringInfo buf, const char *p, int l)
{
	int			i;

	if (out->src_encoding == PG_UTF8)
		appendStringInfo(buf, "&#x%X;", utf8_to_unicode((const unsigned char *) p));
	else
		for (i = 0; i < l; i++)
			appendStringInfo(buf, "\\x%02X", (unsigned char) p[i]);
}

/*
 * s made valid in the database encoding by writing what cannot be held in
 * ASCII, which every server encoding holds: a byte that is not part of a
 * valid character as \xNN, a valid character the database has no room for
 * as a character reference &#xN; (exact in XML, where such text comes from).
 */
static char *
escape_text(IngestOut *out, const char *s, int len)
{
	StringInfoData buf;
	const char *p = s,
			   *end = s + len;
	int			db = GetDatabaseEncoding();

	initStringInfo(&buf);
	while (p < end)
	{
		int			l = pg_encoding_verifymbchar(out->src_encoding, p, end - p);

		if (l <= 0)
		{
			appendStringInfo(&buf, "\\x%02X", (unsigned char) *p);
			p++;
			continue;
		}
		if (OidIsValid(out->conv_proc) && !IS_HIGHBIT_SET(*p))
			appendBinaryStringInfo(&buf, p, l);
		else if (OidIsValid(out->conv_proc))
		{
			unsigned char dst[MAX_CONVERSION_GROWTH * 8 + 1];
			int			n;

			n = pg_do_encoding_conversion_buf(out->conv_proc, out->src_encoding, db,
											  (unsigned char *) p, l, dst, sizeof(dst), true);
			if (n == l)
				appendStringInfoString(&buf, (char *) dst);
			else
				append_unheld_char(out, &buf, p, l);
		}
		else
			appendBinaryStringInfo(&buf, p, l);
		p += l;
	}
	return buf.data;
}

/*
 * s as text in the database encoding.  When s is not valid in its encoding,
 * or has a character the database cannot hold, *ok is set false and s comes
 * back escaped (escape_text): never are invalid bytes returned.
 */
static char *
db_text(IngestOut *out, const char *s, bool *ok)
{
	int			len = strlen(s);

	*ok = true;
	if (!OidIsValid(out->conv_proc))
	{
		if (pg_verify_mbstr(out->src_encoding, s, len, true))
			return (char *) s;
	}
	else if (len > 0)
	{
		unsigned char *dst = palloc((Size) len * MAX_CONVERSION_GROWTH + 1);
		int			n;

		n = pg_do_encoding_conversion_buf(out->conv_proc, out->src_encoding,
										  GetDatabaseEncoding(), (unsigned char *) s, len,
										  dst, len * MAX_CONVERSION_GROWTH + 1, true);
		if (n == len)
			return (char *) dst;
		pfree(dst);
	}
	else
		return (char *) s;
	*ok = false;
	return escape_text(out, s, len);
}

static void
put_float(Datum *values, bool *nulls, int i, bool has, double v)
{
	if (!has)
		nulls[i] = true;
	else
		values[i] = Float8GetDatum(v);
}

/* Result column names, for messages about a column's text. */
static const char *const column_names[INGEST_NCOLS] = {
	"source_format", "message_id", "patient_id", "observation_code",
	"observation_system", "observation_display", "value_num", "value_text",
	"comparator", "unit", "ucum_unit", "ref_low", "ref_high", "interpretation",
	"effective_time", "status", "raw", "value_code", "value_system"
};

/*
 * Append row to the result.  Every text column is checked (and converted,
 * when the parser's strings are not in the database encoding), raw too
 * unless the reader vouches for it (raw_is_input): a row with text the
 * database cannot hold becomes an error row (tolerant) or an error (strict)
 * naming the column, with raw escaped.
 */
void
ingest_emit(IngestOut *out, IngestRow *row)
{
	Datum		values[INGEST_NCOLS];
	bool		nulls[INGEST_NCOLS];
	const char *text[INGEST_NCOLS];
	int			i,
				bad = -1;

	memset(nulls, 0, sizeof(nulls));
	memset(text, 0, sizeof(text));
	text[0] = row->source_format;
	text[1] = row->message_id;
	text[2] = row->patient_id;
	text[3] = row->code;
	text[4] = row->system;
	text[5] = row->display;
	text[7] = row->value_text;
	text[8] = row->comparator;
	text[9] = row->unit;
	text[10] = row->ucum_unit;
	text[13] = row->interpretation;
	text[15] = row->status;
	text[16] = row->raw;
	text[17] = row->value_code;
	text[18] = row->value_system;
	for (i = 0; i < INGEST_NCOLS; i++)
	{
		bool		ok;

		if (text[i] == NULL || (i == 16 && out->raw_is_input))
			continue;
		text[i] = db_text(out, text[i], &ok);
		if (!ok && bad < 0)
			bad = i;
	}
	if (bad >= 0 && !out->in_fail)
	{
		ingest_fail(out, row,
					OidIsValid(out->conv_proc) ? ERRCODE_UNTRANSLATABLE_CHARACTER
					: ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
					psprintf("column %s", column_names[bad]),
					psprintf("the text is not valid in the database encoding %s (raw shows the bytes as \\xNN, characters it cannot hold as &#xN;)",
							 GetDatabaseEncodingName()),
					row->raw);	/* as the parser gave it: ingest_fail escapes it */
		return;
	}

	for (i = 0; i < INGEST_NCOLS; i++)
		if (i != 6 && i != 11 && i != 12 && i != 14)
		{
			if (text[i] == NULL)
				nulls[i] = true;
			else
				values[i] = CStringGetTextDatum(text[i]);
		}
	put_float(values, nulls, 6, row->has_num, row->value_num);
	put_float(values, nulls, 11, row->has_low, row->ref_low);
	put_float(values, nulls, 12, row->has_high, row->ref_high);
	if (row->has_time)
		values[14] = TimestampTzGetDatum(row->effective_time);
	else
		nulls[14] = true;
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc,
						 values, nulls);
	out->rows++;
	CHECK_FOR_INTERRUPTS();
}

/* Longest raw input shown in a strict-mode error (bytes, whole characters). */
#define INGEST_SHOWN_MAX 200

void
ingest_fail(IngestOut *out, const IngestRow *ctx, int sqlstate,
			const char *where, const char *reason, const char *raw)
{
	IngestRow	row;

	if (out->strict)
	{
		char	   *shown = NULL;
		bool		ok;

		/* the message is sent as database text: make each part valid */
		where = db_text(out, where, &ok);
		reason = db_text(out, reason, &ok);
		if (raw != NULL)
		{
			int			n;

			shown = db_text(out, raw, &ok);
			n = strlen(shown);
			if (n > INGEST_SHOWN_MAX)
				shown = psprintf("%.*s...", pg_mbcliplen(shown, n, INGEST_SHOWN_MAX), shown);
		}
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s input at %s: %s",
						out->source_format, where, reason),
				 shown ? errdetail("The input there is: %s", shown) : 0,
				 errhint("Call with strict => false to get this as a row with status 'error' and keep reading.")));
	}
	if (ctx)
		row = *ctx;
	else
		ingest_row_init(out, &row);
	row.source_format = out->source_format;
	row.code = row.system = row.display = NULL;
	row.has_num = row.has_low = row.has_high = false;
	row.comparator = row.unit = row.ucum_unit = row.interpretation = NULL;
	row.value_code = row.value_system = NULL;
	row.status = "error";
	row.value_text = psprintf("%s: %s", where, reason);
	row.raw = raw;
	out->in_fail = true;
	ingest_emit(out, &row);
	out->in_fail = false;
	out->raw_is_input = false;
}

/* ASCII white space only: a byte of a multibyte character is never blank. */
bool
ingest_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool
ingest_empty(const char *s)
{
	if (s == NULL)
		return true;
	while (*s)
	{
		if (!ingest_isspace(*s))
			return false;
		s++;
	}
	return true;
}

char *
ingest_pstrndup_trim(const char *s, size_t len)
{
	while (len > 0 && ingest_isspace(*s))
	{
		s++;
		len--;
	}
	while (len > 0 && ingest_isspace(s[len - 1]))
		len--;
	return pnstrdup(s, len);
}

/* Short names of the code systems users filter on. */
static const struct
{
	const char *key;
	const char *name;
}			uri_systems[] =
{
	{"http://loinc.org", "LOINC"},
	{"urn:oid:2.16.840.1.113883.6.1", "LOINC"},
	{"2.16.840.1.113883.6.1", "LOINC"},
	{"http://snomed.info/sct", "SNOMED"},
	{"urn:oid:2.16.840.1.113883.6.96", "SNOMED"},
	{"2.16.840.1.113883.6.96", "SNOMED"},
	{"http://hl7.org/fhir/sid/icd-10-cm", "ICD10CM"},
	{"2.16.840.1.113883.6.90", "ICD10CM"},
	{"http://www.nlm.nih.gov/research/umls/rxnorm", "RXNORM"},
	{"2.16.840.1.113883.6.88", "RXNORM"},
	{"http://unitsofmeasure.org", "UCUM"},
	{"2.16.840.1.113883.6.8", "UCUM"},
	{"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "HL7-INTERPRETATION"},
	{"2.16.840.1.113883.5.83", "HL7-INTERPRETATION"},
	{"http://terminology.hl7.org/CodeSystem/data-absent-reason", "DATA-ABSENT-REASON"},
};

const char *
ingest_system_from_uri(const char *uri)
{
	int			i;

	if (ingest_empty(uri))
		return "LOCAL";
	for (i = 0; i < lengthof(uri_systems); i++)
		if (strcmp(uri, uri_systems[i].key) == 0)
			return uri_systems[i].name;
	return psprintf("LOCAL:%s", uri);
}

/* HL7 v2 table 0396 coding system names. */
const char *
ingest_system_from_hl7(const char *name)
{
	if (ingest_empty(name))
		return "LOCAL";
	if (strcmp(name, "LN") == 0 || strcmp(name, "LNC") == 0)
		return "LOINC";
	if (strcmp(name, "SCT") == 0 || strcmp(name, "SNM") == 0 ||
		strcmp(name, "SNOMED") == 0)
		return "SNOMED";
	if (strcmp(name, "I10") == 0 || strcmp(name, "I10C") == 0)
		return "ICD10CM";
	if (strcmp(name, "UCUM") == 0)
		return "UCUM";
	return psprintf("LOCAL:%s", name);
}

/*
 * A decimal number, surrounding blanks allowed, nothing else; finite only.
 * Accepts leading zeros ("05.100") and a leading sign.
 */
bool
ingest_parse_number(const char *s, double *out)
{
	char	   *end;
	double		v;
	const char *p;

	if (s == NULL)
		return false;
	while (ingest_isspace(*s))
		s++;
	if (*s == '\0')
		return false;
	/* strtod would also take hex, inf and nan: allow only digits, sign, dot, exponent */
	for (p = s; *p && !ingest_isspace(*p); p++)
		if (!(isdigit((unsigned char) *p) || *p == '.' || *p == '-' ||
			  *p == '+' || *p == 'e' || *p == 'E'))
			return false;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v))
		return false;
	while (ingest_isspace(*end))
		end++;
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

/*
 * Split a leading comparator (<, <=, >, >=, =) off s.  Returns true when one
 * is there; *comparator is NULL for "=".
 */
bool
ingest_split_comparator(const char *s, const char **comparator,
						const char **rest)
{
	while (ingest_isspace(*s))
		s++;
	*comparator = NULL;
	*rest = s;
	if (s[0] == '<' && s[1] == '=')
		*comparator = "<=", *rest = s + 2;
	else if (s[0] == '>' && s[1] == '=')
		*comparator = ">=", *rest = s + 2;
	else if (s[0] == '<')
		*comparator = "<", *rest = s + 1;
	else if (s[0] == '>')
		*comparator = ">", *rest = s + 1;
	else if (s[0] == '=')
		*rest = s + 1;
	else
		return false;
	return true;
}

/*
 * Build a timestamptz.  Without a zone the local time is read in the
 * session's TimeZone, as PostgreSQL reads a timestamptz literal without one.
 */
bool
ingest_make_time(int year, int mon, int day, int hour, int min, int sec,
				 int usec, bool has_tz, int tz_minutes, TimestampTz *out)
{
	struct pg_tm tm;
	int			tz;

	if (year < 1 || mon < 1 || mon > 12 || day < 1 ||
		day > day_tab[isleap(year)][mon - 1] ||
		hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60 ||
		usec < 0 || usec > 999999 || tz_minutes < -18 * 60 || tz_minutes > 18 * 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec == 60 ? 59 : sec;
	if (has_tz)
		tz = -tz_minutes * 60;	/* PostgreSQL counts seconds west of UTC */
	else
		tz = DetermineTimeZoneOffset(&tm, session_timezone);
	if (tm2timestamp(&tm, usec, &tz, out) != 0)
		return false;
	return true;
}

static bool
read_digits(const char **p, int n, int *v)
{
	int			i;

	*v = 0;
	for (i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) (*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Fraction ".ddd" into microseconds. */
static bool
read_fraction(const char **p, int *usec)
{
	int			scale = 100000;

	*usec = 0;
	if (**p != '.')
		return true;
	(*p)++;
	if (!isdigit((unsigned char) **p))
		return false;
	while (isdigit((unsigned char) **p))
	{
		*usec += (**p - '0') * scale;
		scale /= 10;
		(*p)++;
	}
	return true;
}

/*
 * HL7 v2 TS/DTM and HL7 v3 (C-CDA) TS: YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ].
 * Missing parts default to the start of the period.
 */
bool
ingest_parse_hl7_ts(const char *s, TimestampTz *out)
{
	const char *p = s;
	int			f[6] = {0, 1, 1, 0, 0, 0};
	int			widths[6] = {4, 2, 2, 2, 2, 2};
	int			i,
				usec = 0,
				tzh,
				tzm;
	bool		has_tz = false;
	int			tz_minutes = 0;

	while (ingest_isspace(*p))
		p++;
	for (i = 0; i < 6; i++)
	{
		if (!isdigit((unsigned char) *p))
			break;
		if (!read_digits(&p, widths[i], &f[i]))
			return false;
	}
	if (i == 0)
		return false;
	if (i == 6 && !read_fraction(&p, &usec))
		return false;
	if (*p == '+' || *p == '-')
	{
		int			sign = *p == '-' ? -1 : 1;

		p++;
		if (!read_digits(&p, 2, &tzh) || !read_digits(&p, 2, &tzm) || tzm > 59)
			return false;
		has_tz = true;
		tz_minutes = sign * (tzh * 60 + tzm);
	}
	while (ingest_isspace(*p))
		p++;
	if (*p != '\0')
		return false;
	return ingest_make_time(f[0], f[1], f[2], f[3], f[4], f[5], usec,
							has_tz, tz_minutes, out);
}

/*
 * FHIR date, dateTime and instant: YYYY[-MM[-DD[Thh:mm[:ss[.s+]](Z|+hh:mm)]]].
 */
bool
ingest_parse_iso_ts(const char *s, TimestampTz *out)
{
	const char *p = s;
	int			y,
				mo = 1,
				d = 1,
				h = 0,
				mi = 0,
				se = 0,
				usec = 0;
	bool		has_tz = false;
	int			tz_minutes = 0;

	if (!read_digits(&p, 4, &y))
		return false;
	if (*p == '-')
	{
		p++;
		if (!read_digits(&p, 2, &mo))
			return false;
		if (*p == '-')
		{
			p++;
			if (!read_digits(&p, 2, &d))
				return false;
			if (*p == 'T')
			{
				p++;
				if (!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi))
					return false;
				if (*p == ':')
				{
					p++;
					if (!read_digits(&p, 2, &se) || !read_fraction(&p, &usec))
						return false;
				}
				if (*p == 'Z')
				{
					p++;
					has_tz = true;
				}
				else if (*p == '+' || *p == '-')
				{
					int			sign = *p == '-' ? -1 : 1,
								tzh,
								tzm;

					p++;
					if (!read_digits(&p, 2, &tzh) || *p++ != ':' ||
						!read_digits(&p, 2, &tzm) || tzm > 59)
						return false;
					has_tz = true;
					tz_minutes = sign * (tzh * 60 + tzm);
				}
			}
		}
	}
	if (*p != '\0')
		return false;
	return ingest_make_time(y, mo, d, h, mi, se, usec, has_tz, tz_minutes, out);
}

/*
 * The unit in UCUM, by the units module's normalizer: a valid UCUM code
 * comes back as it is, a known messy spelling (mg/dl, THOUS/MCL, µmol/L) as
 * its UCUM code, anything else as NULL (never a guess).
 */
/*
 * Sources repeat a handful of units, and the normalizer's answer depends
 * only on the unit text and the UCUM definitions (fixed for the backend), so
 * answers are kept for the life of the backend, up to a bound.
 */
#define UNIT_KEY_LEN 64
#define UNIT_CACHE_MAX 4096

typedef struct UnitCacheEntry
{
	char		unit[UNIT_KEY_LEN];	/* hash key */
	bool		mapped;
	char		ucum[UNIT_KEY_LEN];
} UnitCacheEntry;

static HTAB *unit_cache = NULL;

const char *
ingest_ucum(IngestOut *out, const char *unit)
{
	UnitCacheEntry *e;
	bool		found;
	char	   *ucum;
	size_t		len;

	if (ingest_empty(unit))
		return NULL;
	len = strlen(unit);
	if (len >= UNIT_KEY_LEN)
		return pm_unit_normalize(unit, len, NULL);
	if (unit_cache == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = UNIT_KEY_LEN;
		ctl.entrysize = sizeof(UnitCacheEntry);
		unit_cache = hash_create("precmed ingest unit cache", 256, &ctl,
								 HASH_ELEM | HASH_STRINGS);
	}
	e = (UnitCacheEntry *) hash_search(unit_cache, unit, HASH_FIND, NULL);
	if (e)
		return e->mapped ? pstrdup(e->ucum) : NULL;
	ucum = pm_unit_normalize(unit, len, NULL);
	if (hash_get_num_entries(unit_cache) < UNIT_CACHE_MAX &&
		(ucum == NULL || strlen(ucum) < UNIT_KEY_LEN))
	{
		e = (UnitCacheEntry *) hash_search(unit_cache, unit, HASH_ENTER, &found);
		e->mapped = ucum != NULL;
		if (ucum)
			strlcpy(e->ucum, ucum, UNIT_KEY_LEN);
	}
	return ucum;
}
