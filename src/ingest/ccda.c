/*
 * ccda.c: result and vital-sign observations of C-CDA (HL7 CDA R2) documents.
 *
 * The document is parsed by libxml2 without DTDs, entities or network
 * (ccda_xml.c) and the tree walked in document order.  Observations read:
 * those with the template of a Result, Vital Sign, Procedure Activity,
 * Social History or Smoking Status observation (list below), anywhere in
 * the document, one row per value (ccda_values.c), or one row for an
 * observation without a value.  Each observation's code (a LOINC
 * translation preferred), status, time, normal reference range and
 * interpretation go on every row of its values.  Section fragments that use
 * the xsi: prefix without declaring it are accepted (the namespace error is
 * ignored and xsi:type is read by its written name).  libxml2 works in
 * UTF-8: the document goes in as UTF-8 and ingest_emit converts the rows
 * back to the database encoding.
 */
#include "ingest/ingest.h"

#include <libxml/parser.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define LOINC_OID "2.16.840.1.113883.6.1"

/* observation templates read (C-CDA R2.1 template ids) */
static const char *const observation_templates[] = {
	"2.16.840.1.113883.10.20.22.4.2",	/* Result Observation */
	"2.16.840.1.113883.10.20.22.4.27",	/* Vital Sign Observation */
	"2.16.840.1.113883.10.20.22.4.13",	/* Procedure Activity Observation */
	"2.16.840.1.113883.10.20.22.4.38",	/* Social History Observation */
	"2.16.840.1.113883.10.20.22.4.78",	/* Smoking Status - Meaningful Use */
};

typedef struct CcdaState
{
	IngestOut  *out;
	IngestRow	ctx;			/* document-level columns */
	xmlDocPtr	doc;
	int			nobs;			/* observations read so far */
} CcdaState;

/* Has obs one of the templates read? */
static bool
has_template(xmlNodePtr obs)
{
	xmlNodePtr	c;

	for (c = obs->children; c; c = c->next)
		if (ccda_is_el(c, "templateId"))
		{
			char	   *root = ccda_attr(c, "root");
			int			i;

			if (root == NULL)
				continue;
			for (i = 0; i < lengthof(observation_templates); i++)
				if (strcmp(root, observation_templates[i]) == 0)
					return true;
		}
	return false;
}

/* An act's statusCode as a FHIR ObservationStatus code (others as written). */
static const char *
act_status(const char *s)
{
	if (s == NULL)
		return NULL;
	if (strcmp(s, "completed") == 0)
		return "final";
	if (strcmp(s, "active") == 0)
		return "preliminary";
	if (strcmp(s, "aborted") == 0 || strcmp(s, "cancelled") == 0)
		return "cancelled";
	if (strcmp(s, "nullified") == 0)
		return "entered-in-error";
	if (strcmp(s, "new") == 0 || strcmp(s, "held") == 0 || strcmp(s, "suspended") == 0)
		return "registered";
	return s;
}

/*
 * The observation's code into row, preferring a LOINC coding among code and
 * its translations; false when it has none.
 */
static bool
read_code(IngestRow *row, xmlNodePtr obs)
{
	xmlNodePtr	code = ccda_child(obs, "code");
	xmlNodePtr	c;
	char	   *code_code = NULL,
			   *code_sys = NULL,
			   *code_disp = NULL;

	if (code)
	{
		code_code = ccda_attr(code, "code");
		code_sys = ccda_attr(code, "codeSystem");
		code_disp = ccda_attr(code, "displayName");
		if (code_code == NULL || code_sys == NULL || strcmp(code_sys, LOINC_OID) != 0)
		{
			for (c = code->children; c; c = c->next)
				if (ccda_is_el(c, "translation") && ccda_attr(c, "code"))
				{
					char	   *sys = ccda_attr(c, "codeSystem");
					bool		loinc = sys && strcmp(sys, LOINC_OID) == 0;

					if (loinc || code_code == NULL)
					{
						code_code = ccda_attr(c, "code");
						code_sys = sys;
						code_disp = ccda_attr(c, "displayName");
						if (loinc)
							break;
					}
				}
		}
		if (code_disp == NULL && ccda_child(code, "originalText"))
		{
			char	   *t = ccda_text_of(ccda_child(code, "originalText"));

			if (*t)
				code_disp = t;
		}
	}
	if (code_code == NULL)
		return false;
	row->code = code_code;
	row->system = ingest_system_from_uri(code_sys);
	row->display = code_disp;
	return true;
}

/* effectiveTime (@value, else low, else center) into row; false after reporting it. */
static bool
read_effective_time(CcdaState *st, IngestRow *row, xmlNodePtr obs, const char *where)
{
	xmlNodePtr	et = ccda_child(obs, "effectiveTime");
	char	   *ts = ccda_attr(et, "value");

	if (ts == NULL && et)
	{
		ts = ccda_attr(ccda_child(et, "low"), "value");
		if (ts == NULL)
			ts = ccda_attr(ccda_child(et, "center"), "value");
	}
	return ts == NULL ||
		ingest_row_time(st->out, row, psprintf("%s/effectiveTime", where), ts, false);
}

/* The normal reference range (interpretation N or none) into row. */
static void
read_reference_range(IngestRow *row, xmlNodePtr obs)
{
	xmlNodePtr	c;

	for (c = obs->children; c; c = c->next)
	{
		xmlNodePtr	range,
					rv,
					ri;
		char	   *ric;
		double		v;
		char	   *u;
		const char *bad;

		if (!ccda_is_el(c, "referenceRange"))
			continue;
		range = ccda_child(c, "observationRange");
		rv = ccda_child(range, "value");
		ri = ccda_child(range, "interpretationCode");
		ric = ccda_attr(ri, "code");
		if (rv == NULL || (ric && strcmp(ric, "N") != 0))
			continue;
		if (ccda_child(rv, "low") && ccda_read_pq(ccda_child(rv, "low"), &v, &u, &bad))
			row->has_low = true, row->ref_low = v;
		if (ccda_child(rv, "high") && ccda_read_pq(ccda_child(rv, "high"), &v, &u, &bad))
			row->has_high = true, row->ref_high = v;
		break;
	}
}

/*
 * One row per value: CDA allows several (observation/value is 0..*), as for
 * the repetitions of an HL7 v2 OBX-5; none gives a row without a value (a
 * pending or absent result).
 */
static void
emit_values(CcdaState *st, const IngestRow *row, xmlNodePtr obs, const char *where)
{
	xmlNodePtr	c;
	int			nvalues = 0,
				i = 0;

	for (c = obs->children; c; c = c->next)
		if (ccda_is_el(c, "value"))
			nvalues++;
	if (nvalues == 0)
	{
		IngestRow	r = *row;

		ingest_emit(st->out, &r);
		return;
	}
	for (c = obs->children; c; c = c->next)
	{
		IngestRow	r = *row;

		if (!ccda_is_el(c, "value"))
			continue;
		i++;
		if (ccda_read_value(st->out, &r, c, nvalues == 1 ? psprintf("%s/value", where)
							: psprintf("%s/value[%d]", where, i)))
			ingest_emit(st->out, &r);
	}
	Assert(i == nvalues);
}

/* The rows of one observation (an error row for one that cannot be read). */
static void
read_observation(CcdaState *st, xmlNodePtr obs)
{
	IngestRow	row = st->ctx;
	xmlNodePtr	interp;
	char	   *where;

	st->nobs++;
	where = psprintf("observation %d", st->nobs);
	row.raw = ccda_serialize(st->doc, obs);
	if (!read_code(&row, obs))
	{
		ingest_fail(st->out, &row, ERRCODE_INVALID_XML_CONTENT,
					psprintf("%s/code", where), "the observation has no code", row.raw);
		return;
	}
	row.status = act_status(ccda_attr(ccda_child(obs, "statusCode"), "code"));
	if (!read_effective_time(st, &row, obs, where))
		return;
	interp = ccda_child(obs, "interpretationCode");
	if (interp)
		row.interpretation = ccda_attr(interp, "code");
	read_reference_range(&row, obs);
	emit_values(st, &row, obs, where);
}

/* Read every observation of a template read among n and its siblings' subtrees. */
static void
walk(CcdaState *st, xmlNodePtr n)
{
	xmlNodePtr	c;

	for (c = n; c; c = c->next)
	{
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (ccda_is_el(c, "observation") && has_template(c))
		{
			MemoryContext old = ingest_part_begin(st->out);

			read_observation(st, c);
			ingest_part_end(st->out, old);
		}
		if (c->children)
			walk(st, c->children);
		CHECK_FOR_INTERRUPTS();
	}
}

/* The document's id and patient, then its observations. */
static void
read_document(CcdaState *st, xmlNodePtr root)
{
	if (ccda_is_el(root, "ClinicalDocument"))
	{
		xmlNodePtr	id = ccda_child(root, "id");
		xmlNodePtr	pid = ccda_child(ccda_child(ccda_child(root, "recordTarget"), "patientRole"), "id");

		if (id)
			st->ctx.message_id = ccda_attr(id, "extension") ? ccda_attr(id, "extension") : ccda_attr(id, "root");
		if (pid)
			st->ctx.patient_id = ccda_attr(pid, "extension") ? ccda_attr(pid, "extension") : ccda_attr(pid, "root");
	}
	walk(st, root);
}

/* Is b[0..len) only XML white space? */
static bool
only_blanks(const char *b, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n')
			return false;
	return true;
}

/* One row per value of each observation read in a C-CDA document; refuses a NULL document. */
PG_FUNCTION_INFO_V1(ccda_observations);
Datum
ccda_observations(PG_FUNCTION_ARGS)
{
	IngestOut	out;
	CcdaState	st;
	CcdaParse	parse;
	text	   *doc_text;
	char	   *input;
	size_t		len;
	xmlParserCtxtPtr volatile ctxt = NULL;
	xmlDocPtr volatile doc = NULL;

	ingest_start(fcinfo, &out, "ccda", "document");
	doc_text = PG_GETARG_TEXT_PP(0);
	len = VARSIZE_ANY_EXHDR(doc_text);
	if (ingest_too_large(&out, len, "document", "document"))
		return (Datum) 0;
	if (only_blanks(VARDATA_ANY(doc_text), len))
	{
		ingest_fail(&out, NULL, ERRCODE_INVALID_XML_DOCUMENT, "document",
					"the document is empty", "");
		return (Datum) 0;
	}

	/*
	 * libxml2 reads UTF-8 and gives UTF-8: the text goes in converted from
	 * the database encoding (a no-op for UTF-8) and the rows are converted
	 * back by ingest_emit.  SQL_ASCII text has no known encoding: libxml2
	 * reads it by its XML declaration.
	 */
	input = VARDATA_ANY(doc_text);
	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
	{
		input = pg_server_to_any(input, (int) len, PG_UTF8);
		len = strlen(input);
	}
	ingest_set_source_encoding(&out, PG_UTF8);

	memset(&st, 0, sizeof(st));
	st.out = &out;
	ingest_row_init(&out, &st.ctx);

	xmlInitParser();
	PG_TRY();
	{
		ctxt = ccda_new_parser(&parse);
		doc = ccda_parse(&out, ctxt, &parse, input, len);
		if (doc != NULL)
		{
			st.doc = doc;
			read_document(&st, xmlDocGetRootElement(doc));
		}
	}
	PG_FINALLY();
	{
		if (doc)
			xmlFreeDoc(doc);
		if (ctxt)
			xmlFreeParserCtxt(ctxt);
	}
	PG_END_TRY();
	return (Datum) 0;
}
