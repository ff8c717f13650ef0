/*
 * obs_row.c: the shared observation row and its emission.
 *
 * A reader's call materializes its rows in a tuplestore.  Every text column
 * is checked against the database encoding as the row is emitted (and
 * converted, when the parser's strings are in another encoding, as
 * libxml2's UTF-8 is): a column the database cannot hold turns the row into
 * an error row (tolerant mode) or an error (strict), with raw escaped, so no
 * invalid byte leaves a reader.  Error rows keep the message-level columns
 * of their context and the raw input.
 */
#include "ingest/ingest.h"

#include "catalog/namespace.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

/* Result column names, for messages about a column's text. */
static const char *const column_names[INGEST_NCOLS] = {
	"source_format", "message_id", "patient_id", "observation_code",
	"observation_system", "observation_display", "value_num", "value_text",
	"comparator", "unit", "ucum_unit", "ref_low", "ref_high", "interpretation",
	"effective_time", "status", "raw", "value_code", "value_system"
};

/* Column numbers of the float8 and timestamptz columns (the others are text). */
#define COL_VALUE_NUM	6
#define COL_REF_LOW		11
#define COL_REF_HIGH	12
#define COL_TIME		14
#define COL_RAW			16

/* Begin a reader's call: arguments (input, strict) checked, result materialized. */
void
ingest_start(FunctionCallInfo fcinfo, IngestOut *out,
			 const char *source_format, const char *argname)
{
	if (PG_ARGISNULL(0))
		pm_error_null_argument(argname);
	InitMaterializedSRF(fcinfo, 0);
	out->rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	if (out->rsinfo->setDesc->natts != INGEST_NCOLS)
		elog(ERROR, "precmed ingest: result has %d columns, expected %d",
			 out->rsinfo->setDesc->natts, INGEST_NCOLS);
	out->strict = PG_ARGISNULL(1) ? true : PG_GETARG_BOOL(1);
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
		pm_error(ERRCODE_UNDEFINED_FUNCTION,
				 errmsg("no conversion from %s to the database encoding %s",
						pg_encoding_to_char(encoding), GetDatabaseEncodingName()),
				 errhint("Create the database with an encoding PostgreSQL can convert %s to.",
						 pg_encoding_to_char(encoding)));
}

/* Enter the per-part context, which ingest_part_end resets. */
MemoryContext
ingest_part_begin(IngestOut *out)
{
	return MemoryContextSwitchTo(out->part_cxt);
}

/* Leave the per-part context, freeing what the part allocated. */
void
ingest_part_end(IngestOut *out, MemoryContext old)
{
	Assert(CurrentMemoryContext == out->part_cxt);
	MemoryContextSwitchTo(old);
	MemoryContextReset(out->part_cxt);
}

/* An empty row of the call's format. */
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

/* A float8 column: v, or NULL when the row has none. */
static void
put_float(Datum *values, bool *nulls, int i, bool has, double v)
{
	if (!has)
		nulls[i] = true;
	else
		values[i] = Float8GetDatum(v);
}

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

	/* the text columns, in column order (NULL at the others) */
	const char *text[INGEST_NCOLS] = {
		row->source_format, row->message_id, row->patient_id, row->code,
		row->system, row->display, NULL, row->value_text, row->comparator,
		row->unit, row->ucum_unit, NULL, NULL, row->interpretation, NULL,
		row->status, row->raw, row->value_code, row->value_system
	};
	int			i,
				bad = -1;

	Assert(out->rsinfo != NULL && row->source_format != NULL);
	memset(nulls, 0, sizeof(nulls));
	for (i = 0; i < INGEST_NCOLS; i++)
	{
		bool		ok;

		if (text[i] == NULL || (i == COL_RAW && out->raw_is_input))
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
		if (i != COL_VALUE_NUM && i != COL_REF_LOW && i != COL_REF_HIGH && i != COL_TIME)
		{
			if (text[i] == NULL)
				nulls[i] = true;
			else
				values[i] = CStringGetTextDatum(text[i]);
		}
	put_float(values, nulls, COL_VALUE_NUM, row->has_num, row->value_num);
	put_float(values, nulls, COL_REF_LOW, row->has_low, row->ref_low);
	put_float(values, nulls, COL_REF_HIGH, row->has_high, row->ref_high);
	if (row->has_time)
		values[COL_TIME] = TimestampTzGetDatum(row->effective_time);
	else
		nulls[COL_TIME] = true;
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc,
						 values, nulls);
	out->rows++;
	CHECK_FOR_INTERRUPTS();
}

/* Longest raw input shown in a strict-mode error (bytes, whole characters). */
#define INGEST_SHOWN_MAX 200

/* A part that cannot be read: an error (strict) or an error row (see ingest.h). */
void
ingest_fail(IngestOut *out, const IngestRow *ctx, int sqlstate,
			const char *where, const char *reason, const char *raw)
{
	IngestRow	row;

	Assert(where != NULL && reason != NULL);
	Assert(!out->in_fail);		/* an error row never fails again */
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
		pm_error(sqlstate,
				 errmsg("invalid %s input at %s: %s",
						out->source_format, where, reason),
				 shown ? errdetail("The input there is: %s", shown) : 0,
				 errhint("Call with strict => false to get this as a row with status 'error' and keep reading."));
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

/* Report an input over INGEST_MAX_INPUT (true), or accept it (false). */
bool
ingest_too_large(IngestOut *out, size_t len, const char *where, const char *what)
{
	if (len <= INGEST_MAX_INPUT)
		return false;
	ingest_fail(out, NULL, ERRCODE_PROGRAM_LIMIT_EXCEEDED, where,
				psprintf("the %s is %zu bytes; the limit is %d", what, len, INGEST_MAX_INPUT),
				NULL);
	return true;
}
