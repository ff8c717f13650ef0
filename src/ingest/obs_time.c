/*
 * obs_time.c: the timestamps of the three formats.
 *
 * HL7 v2 TS/DTM and HL7 v3 TS are YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ];
 * FHIR's date, dateTime and instant are YYYY[-MM[-DD[Thh:mm[:ss[.s+]]
 * (Z|+hh:mm)]]].  Missing parts are the start of the period; a time without
 * a zone is read in the session's TimeZone, as PostgreSQL reads a
 * timestamptz literal without one (which is why the readers are STABLE).
 */
#include "ingest/ingest.h"

#include <ctype.h>

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/datetime.h"

/*
 * Build a timestamptz.  Without a zone the local time is read in the
 * session's TimeZone, as PostgreSQL reads a timestamptz literal without one.
 */
static bool
make_time(int year, int mon, int day, int hour, int min, int sec,
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

/* Exactly n digits at *p into *v, *p moved past them. */
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
static bool
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
	return make_time(f[0], f[1], f[2], f[3], f[4], f[5], usec,
					 has_tz, tz_minutes, out);
}

/*
 * FHIR date, dateTime and instant: YYYY[-MM[-DD[Thh:mm[:ss[.s+]](Z|+hh:mm)]]].
 */
static bool
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
	return make_time(y, mo, d, h, mi, se, usec, has_tz, tz_minutes, out);
}

/* s into *t, or a 22007 report (see ingest.h) and false. */
bool
ingest_read_time(IngestOut *out, const IngestRow *ctx, const char *where,
				 const char *s, bool fhir, const char *raw, TimestampTz *t)
{
	if (fhir ? ingest_parse_iso_ts(s, t) : ingest_parse_hl7_ts(s, t))
		return true;
	ingest_fail(out, ctx, ERRCODE_INVALID_DATETIME_FORMAT, where,
				psprintf("\"%s\" is not %s", s, fhir ? "a FHIR dateTime" : "an HL7 timestamp"),
				raw);
	return false;
}

/* s as row's effective time, or a 22007 report (see ingest.h) and false. */
bool
ingest_row_time(IngestOut *out, IngestRow *row, const char *where, const char *s, bool fhir)
{
	Assert(s != NULL);
	if (!ingest_read_time(out, row, where, s, fhir, row->raw, &row->effective_time))
		return false;
	row->has_time = true;
	return true;
}
