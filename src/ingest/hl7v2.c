/*
 * hl7v2.c: observations (OBX segments) of HL7 v2 messages.
 *
 * Segments may end in CR (the wire format), LF or CRLF; a UTF-8 byte order
 * mark is skipped.  Several messages in one text (a batch) are read one
 * after another, each MSH starting a new message, segment by segment: MSH
 * sets the delimiters (MSH-1 and MSH-2, which must be ASCII, so splitting
 * never cuts a character) and the message id, PID the patient, OBR the
 * time its OBX inherit, and each OBX gives its rows (one per repetition of
 * an NM, SN or coded OBX-5; one for a text, its repetitions as lines).  The
 * standard escapes \F\ \S\ \T\ \R\ \E\ and \.br\ are decoded in text
 * values and units (hl7v2_syntax.c).  A message that cannot be read is one
 * error row, and its segments are passed over (but any OBX among them,
 * which is reported too).
 */
#include "ingest/ingest.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* An ASCII letter or digit (never a byte of a multibyte character). */
static bool
isalnum_ascii(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* OBX-11 observation result status (HL7 table 0085) as a FHIR status code. */
static const char *
result_status(const char *s)
{
	if (ingest_empty(s))
		return NULL;
	switch (s[0])
	{
		case 'F':
		case 'U':
			return "final";
		case 'C':
			return "corrected";
		case 'P':
		case 'R':
		case 'S':
			return "preliminary";
		case 'I':
		case 'O':
			return "registered";
		case 'X':
		case 'N':
			return "cancelled";
		case 'D':
		case 'W':
			return "entered-in-error";
		default:
			return psprintf("%s", s);
	}
}

/* OBX-7 reference range: "a-b", "a - b", "a to b", "<b", "<=b", ">a", ">=a". */
static void
reference_range(const char *s, IngestRow *row)
{
	const char *cmp,
			   *rest;
	double		v,
				lo,
				hi;
	const char *sep;

	if (ingest_empty(s))
		return;
	if (ingest_split_comparator(s, &cmp, &rest))
	{
		if (cmp && ingest_parse_number(rest, &v))
		{
			if (cmp[0] == '<')
				row->has_high = true, row->ref_high = v;
			else
				row->has_low = true, row->ref_low = v;
		}
		return;
	}
	/* the separator dash is the first '-' after the first number's first char */
	sep = strstr(s, " to ");
	if (sep == NULL)
	{
		const char *p = s;

		while (ingest_isspace(*p))
			p++;
		sep = strchr(p + (*p == '-' ? 1 : 0), '-');
	}
	if (sep == NULL)
		return;
	{
		char	   *a = pnstrdup(s, sep - s);
		const char *b = sep + (sep[0] == '-' ? 1 : 4);

		if (ingest_parse_number(a, &lo) && ingest_parse_number(b, &hi))
		{
			row->has_low = row->has_high = true;
			row->ref_low = lo;
			row->ref_high = hi;
		}
	}
}

/*
 * The segment this reader reads whose name seg has in other letter case
 * ("obx"), or NULL: such a segment would otherwise be skipped unseen.
 */
static const char *
miscased_segment(const char *seg)
{
	static const char *const read[] = {"MSH", "PID", "OBR", "OBX"};
	int			i;

	for (i = 0; i < lengthof(read); i++)
		if (pg_strncasecmp(seg, read[i], 3) == 0 && strncmp(seg, read[i], 3) != 0)
			return read[i];
	return NULL;
}

typedef struct Hl7State
{
	IngestOut  *out;
	Hl7Delims	d;
	IngestRow	ctx;			/* message-level columns */
	bool		in_message;
	int			segments_in_message;
	char	   *msh_raw;
	int			segno;			/* 1-based segment number in the text */
	bool		obr_has_time;
	TimestampTz obr_time;
} Hl7State;

/*
 * MSH: the delimiters, message id and type; false (after reporting) when
 * the message cannot be read, whose segments are then passed over.
 */
static bool
read_msh(Hl7State *st, const char *seg)
{
	Hl7Fields	f;
	const char *enc;
	IngestRow	ctx;

	ingest_row_init(st->out, &ctx);
	st->ctx = ctx;
	st->in_message = false;
	if (strlen(seg) < 8 || isalnum_ascii(seg[3]) || seg[3] == ' ')
	{
		ingest_fail(st->out, NULL, ERRCODE_INVALID_TEXT_REPRESENTATION,
					psprintf("MSH (segment %d)", st->segno),
					"MSH-1 and MSH-2 (field separator and encoding characters) are missing or invalid",
					seg);
		return false;
	}
	/*
	 * Delimiters must be ASCII: a byte of a multibyte character taken as a
	 * delimiter would split characters apart and give invalid text.
	 */
	for (enc = seg + 3; *enc && (enc == seg + 3 || *enc != seg[3]); enc++)
	{
		if (!IS_HIGHBIT_SET(*enc))
			continue;
		ingest_fail(st->out, NULL, ERRCODE_INVALID_TEXT_REPRESENTATION,
					psprintf("%s (segment %d)", enc == seg + 3 ? "MSH-1" : "MSH-2", st->segno),
					psprintf("the delimiters must be ASCII characters; byte %d of the segment is 0x%02X",
							 (int) (enc - seg) + 1, (unsigned char) *enc),
					seg);
		return false;
	}
	st->d.field = seg[3];
	enc = seg + 4;
	st->d.component = enc[0];
	st->d.repetition = enc[1] && enc[1] != st->d.field ? enc[1] : '~';
	st->d.escape = enc[1] && enc[1] != st->d.field && enc[2] && enc[2] != st->d.field ? enc[2] : '\\';
	st->d.subcomponent = enc[1] && enc[2] && enc[3] && enc[1] != st->d.field &&
		enc[2] != st->d.field && enc[3] != st->d.field ? enc[3] : '&';
	if (st->d.component == st->d.field || st->d.component == '\0')
	{
		ingest_fail(st->out, NULL, ERRCODE_INVALID_TEXT_REPRESENTATION,
					psprintf("MSH-2 (segment %d)", st->segno),
					"the encoding characters are missing", seg);
		return false;
	}
	f = hl7_split_segment(seg, &st->d);
	/* message-level values outlive the segment's memory */
	if (!ingest_empty(hl7_field(&f, 10)))
		st->ctx.message_id = MemoryContextStrdup(st->out->call_cxt,
												 ingest_pstrndup_trim(hl7_field(&f, 10), strlen(hl7_field(&f, 10))));
	if (ingest_empty(hl7_component(hl7_field(&f, 9), 1, &st->d)))
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
					psprintf("MSH-9 (segment %d)", st->segno),
					"the message type is missing", seg);
		return false;
	}
	st->in_message = true;
	st->segments_in_message = 1;
	st->msh_raw = MemoryContextStrdup(st->out->call_cxt, seg);
	st->obr_has_time = false;
	return true;
}

/* A message that is only an MSH carries nothing: it was cut short. */
static void
end_message(Hl7State *st)
{
	if (st->in_message && st->segments_in_message == 1)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
					"MSH", "the message has no segment after MSH (truncated or empty message)",
					st->msh_raw);
	st->in_message = false;
}

/* PID: the patient id (PID-3, else PID-2). */
static void
read_pid(Hl7State *st, const char *seg)
{
	Hl7Fields	f = hl7_split_segment(seg, &st->d);
	const char *id = hl7_component(hl7_field(&f, 3), 1, &st->d);

	if (ingest_empty(id))
		id = hl7_component(hl7_field(&f, 2), 1, &st->d);
	st->ctx.patient_id = ingest_empty(id) ? NULL :
		MemoryContextStrdup(st->out->call_cxt, hl7_unescape(id, &st->d));
}

/* OBR: the observation time (OBR-7) its OBX inherit. */
static void
read_obr(Hl7State *st, const char *seg)
{
	Hl7Fields	f = hl7_split_segment(seg, &st->d);
	const char *t = hl7_component(hl7_field(&f, 7), 1, &st->d);

	st->obr_has_time = !ingest_empty(t) &&
		ingest_read_time(st->out, &st->ctx, psprintf("OBR-7 (segment %d)", st->segno),
						 t, false, seg, &st->obr_time);
}

/* A coded value type (CWE, CE, CNE, CF)? */
static bool
is_coded(const char *type)
{
	return strcmp(type, "CWE") == 0 || strcmp(type, "CE") == 0 ||
		strcmp(type, "CNE") == 0 || strcmp(type, "CF") == 0;
}

/* A value type whose repetitions are values of their own (NM, SN, coded)? */
static bool
repeats_values(const char *type)
{
	return strcmp(type, "NM") == 0 || strcmp(type, "SN") == 0 || is_coded(type);
}

/* Read one repetition of OBX-5 into row; false when it cannot be read. */
static bool
read_value(Hl7State *st, IngestRow *row, const char *type, const char *v,
		   const char *seg, const char *where)
{
	const Hl7Delims *d = &st->d;
	const char *cmp,
			   *rest;
	double		num;

	if (strcmp(type, "NM") == 0)
	{
		ingest_split_comparator(v, &cmp, &rest);
		if (!ingest_parse_number(rest, &num))
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_TEXT_REPRESENTATION, where,
						psprintf("\"%s\" is not a number (value type NM)", v), seg);
			return false;
		}
		row->comparator = cmp;
		row->has_num = true;
		row->value_num = num;
	}
	else if (strcmp(type, "SN") == 0)
	{
		int			n;
		char	  **c = hl7_split_on(v, d->component, &n);
		const char *c1 = n >= 1 ? c[0] : "",
				   *c2 = n >= 2 ? c[1] : "",
				   *c3 = n >= 3 ? c[2] : "",
				   *c4 = n >= 4 ? c[3] : "";
		double		num2;

		if (!ingest_empty(c1) && strcmp(c1, "<") != 0 && strcmp(c1, ">") != 0 &&
			strcmp(c1, "<=") != 0 && strcmp(c1, ">=") != 0 &&
			strcmp(c1, "=") != 0 && strcmp(c1, "<>") != 0)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_TEXT_REPRESENTATION, where,
						psprintf("\"%s\" is not a comparator (value type SN)", c1), seg);
			return false;
		}
		if (!ingest_parse_number(c2, &num) ||
			(!ingest_empty(c3) && !ingest_parse_number(c4, &num2)))
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_TEXT_REPRESENTATION, where,
						psprintf("\"%s\" is not a structured numeric (value type SN)", v), seg);
			return false;
		}
		row->comparator = ingest_empty(c1) || strcmp(c1, "=") == 0 ? NULL : pstrdup(c1);
		if (ingest_empty(c3))
		{
			row->has_num = true;
			row->value_num = num;
		}
		else
		{
			/* a range (70-105) or a ratio (1:128): kept as text */
			row->value_text = psprintf("%s%s%s", c2, c3, c4);
		}
	}
	else if (is_coded(type))
	{
		int			n;
		char	  **c = hl7_split_on(v, d->component, &n);
		const char *code = n >= 1 ? c[0] : "",
				   *text = n >= 2 ? c[1] : "",
				   *sys = n >= 3 ? c[2] : "";

		if (!ingest_empty(code))
		{
			row->value_code = hl7_unescape(code, d);
			row->value_system = ingest_system_from_hl7(sys);
		}
		row->value_text = hl7_unescape(ingest_empty(text) ? code : text, d);
	}
	else
		row->value_text = hl7_unescape(v, d);
	return true;
}

/*
 * OBX-3 into row: the identifier, or its alternate (components 4-6) when
 * that one is LOINC and the first is not, or the first is empty.  False
 * when there is neither.
 */
static bool
obx_code(const Hl7Delims *d, IngestRow *row, const char *id)
{
	const char *c1 = hl7_component(id, 1, d),
			   *c2 = hl7_component(id, 2, d),
			   *c3 = hl7_component(id, 3, d),
			   *c4 = hl7_component(id, 4, d),
			   *c5 = hl7_component(id, 5, d),
			   *c6 = hl7_component(id, 6, d);

	if ((ingest_empty(c1) || strcmp(c3, "LN") != 0) && strcmp(c6, "LN") == 0 &&
		!ingest_empty(c4))
		c1 = c4, c2 = c5, c3 = c6;
	if (ingest_empty(c1) && !ingest_empty(c4))
		c1 = c4, c2 = c5, c3 = c6;
	if (ingest_empty(c1))
		return false;
	row->code = hl7_unescape(c1, d);
	row->system = ingest_system_from_hl7(c3);
	row->display = ingest_empty(c2) ? NULL : hl7_unescape(c2, d);
	return true;
}

/* OBX-6 into row: the unit's identifier, else its text. */
static void
obx_unit(Hl7State *st, IngestRow *row, const char *units)
{
	const char *unit = hl7_component(units, 1, &st->d);

	if (ingest_empty(unit))
		unit = hl7_component(units, 2, &st->d);
	if (!ingest_empty(unit))
	{
		row->unit = hl7_unescape(unit, &st->d);
		row->ucum_unit = ingest_ucum(row->unit);
	}
}

/*
 * OBX-5 of a value type whose repetitions are values (NM, SN, coded): one
 * row each; of another type (text), one row, the repetitions its lines.
 */
static void
emit_obx_values(Hl7State *st, IngestRow *row, const char *type, const char *value,
				const char *seg, const char *where)
{
	int			n,
				i,
				read = 0;
	char	  **reps = hl7_split_on(value, st->d.repetition, &n);

	if (repeats_values(type))
	{
		for (i = 0; i < n; i++)
		{
			IngestRow	r = *row;

			if (ingest_empty(reps[i]))
				continue;
			read++;
			if (read_value(st, &r, type, reps[i], seg, where))
				ingest_emit(st->out, &r);
		}
		if (read == 0)
			ingest_emit(st->out, row);	/* only empty repetitions: no value */
	}
	else
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(&buf, '\n');
			appendStringInfoString(&buf, reps[i]);
		}
		if (read_value(st, row, type, buf.data, seg, where))
		{
			char	   *txt = (char *) row->value_text;

			row->value_text = ingest_pstrndup_trim(txt, strlen(txt));
			ingest_emit(st->out, row);
		}
	}
}

/* OBX: one row per value (or one without a value), or an error row. */
static void
read_obx(Hl7State *st, const char *seg)
{
	const Hl7Delims *d = &st->d;
	Hl7Fields	f = hl7_split_segment(seg, d);
	IngestRow	row = st->ctx;
	const char *t = hl7_component(hl7_field(&f, 14), 1, d);
	const char *value = hl7_field(&f, 5);

	row.raw = seg;
	if (!obx_code(d, &row, hl7_field(&f, 3)))
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
					psprintf("OBX-3 (segment %d, OBX|%s)", st->segno, hl7_field(&f, 1)),
					"the observation identifier is missing", seg);
		return;
	}
	obx_unit(st, &row, hl7_field(&f, 6));
	reference_range(hl7_unescape(hl7_field(&f, 7), d), &row);
	if (!ingest_empty(hl7_component(hl7_field(&f, 8), 1, d)))
		row.interpretation = hl7_component(hl7_field(&f, 8), 1, d);
	row.status = result_status(hl7_field(&f, 11));
	if (!ingest_empty(t))
	{
		if (!ingest_read_time(st->out, &st->ctx,
							  psprintf("OBX-14 (segment %d, OBX|%s)", st->segno, hl7_field(&f, 1)),
							  t, false, seg, &row.effective_time))
			return;
		row.has_time = true;
	}
	else if (st->obr_has_time)
	{
		row.has_time = true;
		row.effective_time = st->obr_time;
	}

	if (ingest_empty(value))
		ingest_emit(st->out, &row); /* pending or absent result */
	else
		emit_obx_values(st, &row, hl7_field(&f, 2), value, seg,
						psprintf("OBX-5 (segment %d, OBX|%s)", st->segno, hl7_field(&f, 1)));
}

/* One segment of a message, by its name. */
static void
read_segment(Hl7State *st, const char *seg)
{
	if (strncmp(seg, "MSH", 3) == 0)
	{
		end_message(st);
		read_msh(st, seg);
	}
	else if (strncmp(seg, "FHS", 3) == 0 || strncmp(seg, "BHS", 3) == 0 ||
			 strncmp(seg, "FTS", 3) == 0 || strncmp(seg, "BTS", 3) == 0)
		end_message(st);		/* batch envelopes carry no observations */
	else if (!st->in_message)
	{
		/*
		 * Outside any readable message: the first such segment is reported,
		 * and every OBX (an observation that would otherwise be lost); the
		 * message's error row already stands for its other segments.
		 */
		if (st->segno == 1)
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
						"segment 1", "the message does not start with an MSH segment",
						seg);
		else if (pg_strncasecmp(seg, "OBX", 3) == 0)
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
						psprintf("segment %d", st->segno),
						"an OBX outside any message whose MSH could be read",
						seg);
	}
	else
	{
		st->segments_in_message++;
		if (strlen(seg) < 3 || (seg[3] != '\0' && seg[3] != st->d.field))
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
						psprintf("segment %d", st->segno),
						"not a segment: expected a three-character segment name and a field separator",
						seg);
		else if (miscased_segment(seg))
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_TEXT_REPRESENTATION,
						psprintf("segment %d", st->segno),
						psprintf("segment names are upper case: \"%.3s\" is not %s",
								 seg, miscased_segment(seg)),
						seg);
		else if (strncmp(seg, "PID", 3) == 0)
			read_pid(st, seg);
		else if (strncmp(seg, "OBR", 3) == 0)
			read_obr(st, seg);
		else if (strncmp(seg, "OBX", 3) == 0)
			read_obx(st, seg);
	}
}

/* One row per OBX value of the HL7 v2 message(s); refuses a NULL message. */
PG_FUNCTION_INFO_V1(hl7v2_observations);
Datum
hl7v2_observations(PG_FUNCTION_ARGS)
{
	IngestOut	out;
	Hl7State	st;
	text	   *msg;
	char	   *buf,
			   *p;
	int			nonblank = 0;

	ingest_start(fcinfo, &out, "hl7v2", "message");
	/* raw is a segment of the text, cut at CR/LF, or the text itself */
	out.raw_is_input = true;
	msg = PG_GETARG_TEXT_PP(0);
	if (ingest_too_large(&out, VARSIZE_ANY_EXHDR(msg), "message", "message"))
		return (Datum) 0;
	buf = text_to_cstring(msg);
	p = buf;
	/* a UTF-8 byte order mark (in another encoding these bytes are text) */
	if (GetDatabaseEncoding() == PG_UTF8 && (unsigned char) p[0] == 0xEF &&
		(unsigned char) p[1] == 0xBB && (unsigned char) p[2] == 0xBF)
		p += 3;

	memset(&st, 0, sizeof(st));
	st.out = &out;
	ingest_row_init(&out, &st.ctx);
	st.d.field = '|';
	st.d.component = '^';
	st.d.repetition = '~';
	st.d.escape = '\\';
	st.d.subcomponent = '&';

	while (*p)
	{
		char	   *end = p + strcspn(p, "\r\n");
		char		saved = *end;

		*end = '\0';
		if (!ingest_empty(p))
		{
			MemoryContext old = ingest_part_begin(&out);

			nonblank++;
			st.segno++;
			read_segment(&st, p);
			ingest_part_end(&out, old);
		}
		if (saved == '\0')
			break;
		p = end + 1;
		CHECK_FOR_INTERRUPTS();
	}
	if (nonblank == 0)
		ingest_fail(&out, NULL, ERRCODE_INVALID_TEXT_REPRESENTATION, "message",
					"the message is empty", buf);
	end_message(&st);
	return (Datum) 0;
}
