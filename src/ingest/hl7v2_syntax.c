/*
 * hl7v2_syntax.c: the encoding rules of HL7 v2: delimiters and escapes.
 *
 * A segment is fields separated by the field separator; a field,
 * repetitions; a repetition, components.  The delimiters are the message's
 * own (MSH-1, MSH-2), always ASCII, so splitting on them never cuts a
 * character.  Escapes (\F\ \S\ \T\ \R\ \E\ and \.br\) never contain a
 * delimiter, so text is split first and unescaped after; unknown escapes
 * are kept as written.
 */
#include "ingest/ingest.h"

/* Split s on sep (no escape handling: escapes never contain delimiters). */
char **
hl7_split_on(const char *s, char sep, int *n)
{
	int			count = 1,
				i = 0;
	const char *p;
	char	  **parts;

	for (p = s; *p; p++)
		if (*p == sep)
			count++;
	parts = palloc(sizeof(char *) * count);
	p = s;
	for (;;)
	{
		const char *q = strchr(p, sep);

		if (q == NULL)
		{
			parts[i++] = pstrdup(p);
			break;
		}
		parts[i++] = pnstrdup(p, q - p);
		p = q + 1;
	}
	*n = count;
	return parts;
}

/* The fields of a segment; f[n] is field n, MSH's counted as the standard does. */
Hl7Fields
hl7_split_segment(const char *seg, const Hl7Delims *d)
{
	Hl7Fields	r;

	r.f = hl7_split_on(seg, d->field, &r.n);
	if (strncmp(seg, "MSH", 3) == 0 && r.n > 1)
	{
		/*
		 * MSH-1 is the field separator itself, so MSH-n is part n-1: insert
		 * MSH-1 to make f[n] hold MSH-n.
		 */
		char	  **g = palloc(sizeof(char *) * (r.n + 1));

		g[0] = r.f[0];
		g[1] = psprintf("%c", d->field);
		memcpy(g + 2, r.f + 1, sizeof(char *) * (r.n - 1));
		r.f = g;
		r.n++;
	}
	return r;
}

/* Field i, or "" when the segment has fewer. */
const char *
hl7_field(const Hl7Fields *s, int i)
{
	return i < s->n ? s->f[i] : "";
}

/* Component i (1-based) of the first repetition of a field. */
char *
hl7_component(const char *fieldval, int i, const Hl7Delims *d)
{
	int			n,
				nr;
	char	  **reps = hl7_split_on(fieldval, d->repetition, &nr);
	char	  **c = hl7_split_on(reps[0], d->component, &n);

	Assert(i >= 1);
	return i <= n ? c[i - 1] : "";
}

/* Decode HL7 escape sequences. */
char *
hl7_unescape(const char *s, const Hl7Delims *d)
{
	StringInfoData buf;
	const char *p = s;

	initStringInfo(&buf);
	while (*p)
	{
		if (*p == d->escape)
		{
			const char *end = strchr(p + 1, d->escape);

			if (end != NULL)
			{
				size_t		len = end - (p + 1);
				const char *e = p + 1;

				if (len == 1 && *e == 'F')
					appendStringInfoChar(&buf, d->field);
				else if (len == 1 && *e == 'S')
					appendStringInfoChar(&buf, d->component);
				else if (len == 1 && *e == 'T')
					appendStringInfoChar(&buf, d->subcomponent);
				else if (len == 1 && *e == 'R')
					appendStringInfoChar(&buf, d->repetition);
				else if (len == 1 && *e == 'E')
					appendStringInfoChar(&buf, d->escape);
				else if (len == 3 && strncmp(e, ".br", 3) == 0)
					appendStringInfoChar(&buf, '\n');
				else
					appendBinaryStringInfo(&buf, p, len + 2);	/* keep unknown escapes */
				p = end + 1;
				continue;
			}
		}
		appendStringInfoChar(&buf, *p);
		p++;
	}
	return buf.data;
}
