/*
 * ccda.c: result and vital-sign observations of C-CDA (HL7 CDA R2) documents.
 *
 * libxml2 reads the document with no network access, no entity
 * substitution, no DTD loading or validation and its default size and depth
 * limits; a document that declares a DTD at all is refused before its
 * internal subset is read, so neither external entities (XXE) nor entity
 * expansion bombs can act.  Errors are collected by a handler attached to
 * this parse only, and the tree is freed on every exit path.
 *
 * Observations read: those with the template of a Result, Vital Sign,
 * Procedure Activity, Social History or Smoking Status observation (list
 * below), anywhere in the document, one row per value.  Section fragments
 * that use the xsi: prefix without declaring it are accepted (the namespace
 * error is ignored and xsi:type is read by its written name).  libxml2 works
 * in UTF-8: the document goes in as UTF-8 and ingest_emit converts the rows
 * back to the database encoding.
 */
#include "ingest/ingest.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define HL7V3_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
/* observation templates read (C-CDA R2.1 template ids) */
static const char *const observation_templates[] = {
	"2.16.840.1.113883.10.20.22.4.2",	/* Result Observation */
	"2.16.840.1.113883.10.20.22.4.27",	/* Vital Sign Observation */
	"2.16.840.1.113883.10.20.22.4.13",	/* Procedure Activity Observation */
	"2.16.840.1.113883.10.20.22.4.38",	/* Social History Observation */
	"2.16.840.1.113883.10.20.22.4.78",	/* Smoking Status - Meaningful Use */
};

typedef struct CcdaParse
{
	bool		dtd;			/* a DOCTYPE was met: parsing was stopped */
	char		first_error[512];
	int			error_line;
} CcdaParse;

typedef struct CcdaState
{
	IngestOut  *out;
	IngestRow	ctx;
	xmlDocPtr	doc;
	int			nobs;
} CcdaState;

/* Structured error handler for this parse only: remember the first error. */
static void
ccda_xml_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) data;
	CcdaParse  *p = (CcdaParse *) ctxt->_private;

	if (err == NULL || err->level < XML_ERR_ERROR)
		return;
	/* undeclared prefixes (xsi: in C-CDA fragments) are tolerated */
	if (err->domain == XML_FROM_NAMESPACE)
		return;
	if (p->first_error[0] == '\0')
	{
		const char *msg = err->message ? err->message : "unknown XML error";
		/* libxml2's text is UTF-8: cut between characters, never inside one */
		int			n = pg_encoding_mbcliplen(PG_UTF8, msg, strlen(msg),
											  sizeof(p->first_error) - 1);

		memcpy(p->first_error, msg, n);
		p->first_error[n] = '\0';
		p->error_line = err->line;
		/* drop libxml2's trailing newline */
		if (p->first_error[0] && p->first_error[strlen(p->first_error) - 1] == '\n')
			p->first_error[strlen(p->first_error) - 1] = '\0';
	}
}

/* A DOCTYPE: stop before its internal subset (and any entity) is read. */
static void
ccda_xml_dtd(void *data, const xmlChar *name, const xmlChar *ExternalID,
			 const xmlChar *SystemID)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) data;
	CcdaParse  *p = (CcdaParse *) ctxt->_private;

	p->dtd = true;
	xmlStopParser(ctxt);
}

static bool
is_el(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
		strcmp((const char *) n->name, name) == 0 &&
		(n->ns == NULL || n->ns->href == NULL ||
		 strcmp((const char *) n->ns->href, HL7V3_NS) == 0);
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	if (n == NULL)
		return NULL;
	for (c = n->children; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

static char *
attr_value(xmlAttrPtr a)
{
	StringInfoData buf;
	xmlNodePtr t;

	initStringInfo(&buf);
	for (t = a->children; t; t = t->next)
		if (t->content)
			appendStringInfoString(&buf, (const char *) t->content);
	return buf.data;
}

/* Attribute without namespace, as a palloc'd string, or NULL. */
static char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	if (n == NULL)
		return NULL;
	for (a = n->properties; a; a = a->next)
		if (a->ns == NULL && strcmp((const char *) a->name, name) == 0)
			return attr_value(a);
	return NULL;
}

/* xsi:type, declared or written with an undeclared prefix. */
static char *
xsi_type(xmlNodePtr n)
{
	xmlAttrPtr a;

	for (a = n->properties; a; a = a->next)
	{
		if (strcmp((const char *) a->name, "type") == 0 && a->ns &&
			a->ns->href && strcmp((const char *) a->ns->href, XSI_NS) == 0)
			return attr_value(a);
		if (strcmp((const char *) a->name, "xsi:type") == 0)
			return attr_value(a);
	}
	return NULL;
}

static void
collect_text(xmlNodePtr n, StringInfo buf)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
	{
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			appendStringInfoString(buf, (const char *) c->content);
		else if (c->type == XML_ELEMENT_NODE)
			collect_text(c, buf);
	}
}

static char *
text_of(xmlNodePtr n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	collect_text(n, &buf);
	return ingest_pstrndup_trim(buf.data, buf.len);
}

static char *
serialize(xmlDocPtr doc, xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();
	char	   *s;

	if (b == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	xmlNodeDump(b, doc, n, 0, 0);
	/* copy with malloc-free primitives before anything can throw */
	s = MemoryContextAllocExtended(CurrentMemoryContext, xmlBufferLength(b) + 1,
								   MCXT_ALLOC_NO_OOM);
	if (s)
		memcpy(s, xmlBufferContent(b), xmlBufferLength(b) + 1);
	xmlBufferFree(b);
	if (s == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return s;
}

static bool
has_template(xmlNodePtr obs)
{
	xmlNodePtr c;

	for (c = obs->children; c; c = c->next)
		if (is_el(c, "templateId"))
		{
			char	   *root = attr(c, "root");

			int			i;

			if (root == NULL)
				continue;
			for (i = 0; i < lengthof(observation_templates); i++)
				if (strcmp(root, observation_templates[i]) == 0)
					return true;
		}
	return false;
}

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

/* A PQ-like element (PQ, or IVL_PQ low/high): value and unit, with the
 * PQR translation used when the PQ itself is nullFlavored. */
static bool
read_pq(xmlNodePtr pq, double *v, char **unit, const char **bad)
{
	char	   *value = attr(pq, "value");

	*unit = NULL;
	if (value)
	{
		if (!ingest_parse_number(value, v))
		{
			*bad = value;
			return false;
		}
		*unit = attr(pq, "unit");
		return true;
	}
	else
	{
		xmlNodePtr tr = child(pq, "translation");

		if (tr && (value = attr(tr, "value")) != NULL)
		{
			xmlNodePtr ot = child(tr, "originalText");

			if (!ingest_parse_number(value, v))
			{
				*bad = value;
				return false;
			}
			/* a PQR: its code is the unit, else the original text */
			*unit = attr(tr, "code");
			if (*unit == NULL && ot)
				*unit = text_of(ot);
			return true;
		}
	}
	*bad = NULL;
	return false;
}

/*
 * A numerator or denominator of an RTO (INT, REAL or PQ) as its HL7 v3
 * literal: the number as written, then the unit when it is not "1".  NULL
 * when there is no number; *bad is then a value that is not one, or NULL.
 */
static char *
rto_term(xmlNodePtr q, const char **bad)
{
	char	   *v = attr(q, "value");
	char	   *u;
	double		d;

	*bad = NULL;
	if (v == NULL)
		return NULL;
	if (!ingest_parse_number(v, &d))
	{
		*bad = v;
		return NULL;
	}
	v = ingest_pstrndup_trim(v, strlen(v));
	u = attr(q, "unit");
	if (u && !ingest_empty(u) && strcmp(u, "1") != 0)
		return psprintf("%s %s", v, u);
	return v;
}

/* Does n have an element child? */
static bool
has_element_child(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/*
 * One <value> of an observation into row.  Returns false after reporting a
 * value that cannot be read; a nullFlavored value leaves row without one.
 */
static bool
read_value(CcdaState *st, IngestRow *row, xmlNodePtr value, const char *where)
{
	char	   *type;
	double		v;
	char	   *unit;
	const char *bad = NULL;

	if (attr(value, "nullFlavor") != NULL && child(value, "translation") == NULL)
		return true;
	type = xsi_type(value);
	if (type == NULL)
		type = "ANY";
	if (strcmp(type, "PQ") == 0)
	{
		if (!read_pq(value, &v, &unit, &bad))
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_XML_CONTENT, where,
						bad ? psprintf("\"%s\" is not a number (PQ)", bad)
						: "the PQ has neither a value nor a translation with one", row->raw);
			return false;
		}
		row->has_num = true;
		row->value_num = v;
		row->unit = unit;
		row->ucum_unit = ingest_ucum(st->out, unit);
	}
	else if (strcmp(type, "IVL_PQ") == 0 || strcmp(type, "IVL_INT") == 0 ||
			 strcmp(type, "IVL_REAL") == 0)
	{
		xmlNodePtr lo = child(value, "low"),
					hi = child(value, "high");
		double		lv = 0,
					hv = 0;
		char	   *lu = NULL,
				   *hu = NULL;
		bool		has_lo = false,
					has_hi = false;

		if (lo && attr(lo, "nullFlavor") == NULL)
		{
			if (!read_pq(lo, &lv, &lu, &bad))
				goto bad_ivl;
			has_lo = true;
		}
		if (hi && attr(hi, "nullFlavor") == NULL)
		{
			if (!read_pq(hi, &hv, &hu, &bad))
				goto bad_ivl;
			has_hi = true;
		}
		if (has_lo && !has_hi)
		{
			char	   *inc = attr(lo, "inclusive");

			row->comparator = inc && strcmp(inc, "false") == 0 ? ">" : ">=";
			row->has_num = true, row->value_num = lv;
			row->unit = lu, row->ucum_unit = ingest_ucum(st->out, lu);
		}
		else if (has_hi && !has_lo)
		{
			char	   *inc = attr(hi, "inclusive");

			row->comparator = inc && strcmp(inc, "false") == 0 ? "<" : "<=";
			row->has_num = true, row->value_num = hv;
			row->unit = hu, row->ucum_unit = ingest_ucum(st->out, hu);
		}
		else if (has_lo && has_hi)
		{
			row->value_text = psprintf("%s-%s", attr(lo, "value") ? attr(lo, "value") : "",
									   attr(hi, "value") ? attr(hi, "value") : "");
			row->unit = lu ? lu : hu;
			row->ucum_unit = ingest_ucum(st->out, row->unit);
		}
		else
		{
	bad_ivl:
			ingest_fail(st->out, row, ERRCODE_INVALID_XML_CONTENT, where,
						bad ? psprintf("\"%s\" is not a number (%s)", bad, type)
						: psprintf("the %s has no bound with a value", type), row->raw);
			return false;
		}
	}
	else if (strcmp(type, "RTO") == 0 || strncmp(type, "RTO_", 4) == 0)
	{
		/* a ratio (a titer 1:128): its literal, as HL7 v2 SN and FHIR Ratio give */
		char	   *num = rto_term(child(value, "numerator"), &bad);
		char	   *den = num ? rto_term(child(value, "denominator"), &bad) : NULL;

		if (num == NULL || den == NULL)
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_XML_CONTENT, where,
						bad ? psprintf("\"%s\" is not a number (%s)", bad, type)
						: psprintf("the %s needs a numerator and a denominator with a value", type),
						row->raw);
			return false;
		}
		row->value_text = psprintf("%s:%s", num, den);
	}
	else if (strcmp(type, "INT") == 0 || strcmp(type, "REAL") == 0)
	{
		char	   *s = attr(value, "value");

		if (s == NULL || !ingest_parse_number(s, &v))
		{
			ingest_fail(st->out, row, ERRCODE_INVALID_XML_CONTENT, where,
						psprintf("\"%s\" is not a number (%s)", s ? s : "", type), row->raw);
			return false;
		}
		row->has_num = true;
		row->value_num = v;
	}
	else if (strcmp(type, "CD") == 0 || strcmp(type, "CE") == 0 ||
			 strcmp(type, "CV") == 0 || strcmp(type, "CO") == 0 ||
			 strcmp(type, "CS") == 0)
	{
		char	   *vc = attr(value, "code");
		char	   *vd = attr(value, "displayName");

		if (vc)
		{
			row->value_code = vc;
			row->value_system = ingest_system_from_uri(attr(value, "codeSystem"));
		}
		if (vd == NULL && child(value, "originalText"))
			vd = text_of(child(value, "originalText"));
		row->value_text = vd ? vd : vc;
	}
	else if (strcmp(type, "BL") == 0 || strcmp(type, "TS") == 0)
		row->value_text = attr(value, "value");
	else
	{
		/* ST, ED, SC and any other type: the text, else a value attribute */
		char	   *t = text_of(value);
		char	   *a;

		if (*t)
			row->value_text = t;
		else if ((a = attr(value, "value")) != NULL)
			row->value_text = a;
		else if ((a = attr(value, "code")) != NULL)
		{
			row->value_code = a;
			row->value_system = ingest_system_from_uri(attr(value, "codeSystem"));
			row->value_text = attr(value, "displayName") ? attr(value, "displayName") : a;
		}
		else if (has_element_child(value))
		{
			/* e.g. an ED that only points into the narrative: not lost unseen */
			ingest_fail(st->out, row, ERRCODE_INVALID_XML_CONTENT, where,
						psprintf("a value of type %s with neither text nor a value or code attribute", type),
						row->raw);
			return false;
		}
	}
	return true;
}

static void
read_observation(CcdaState *st, xmlNodePtr obs)
{
	IngestRow	row = st->ctx;
	xmlNodePtr code = child(obs, "code");
	xmlNodePtr c,
				et,
				interp;
	int			nvalues,
				i;
	char	   *code_code = NULL,
			   *code_sys = NULL,
			   *code_disp = NULL;
	char	   *where;
	char	   *ts;

	st->nobs++;
	where = psprintf("observation %d", st->nobs);
	row.raw = serialize(st->doc, obs);

	/* code, preferring a LOINC coding among code and its translations */
	if (code)
	{
		code_code = attr(code, "code");
		code_sys = attr(code, "codeSystem");
		code_disp = attr(code, "displayName");
		if (code_code == NULL || code_sys == NULL ||
			strcmp(code_sys, "2.16.840.1.113883.6.1") != 0)
		{
			for (c = code->children; c; c = c->next)
				if (is_el(c, "translation") && attr(c, "code"))
				{
					char	   *sys = attr(c, "codeSystem");
					bool		loinc = sys && strcmp(sys, "2.16.840.1.113883.6.1") == 0;

					if (loinc || code_code == NULL)
					{
						code_code = attr(c, "code");
						code_sys = sys;
						code_disp = attr(c, "displayName");
						if (loinc)
							break;
					}
				}
		}
		if (code_disp == NULL && child(code, "originalText"))
		{
			char	   *t = text_of(child(code, "originalText"));

			if (*t)
				code_disp = t;
		}
	}
	if (code_code == NULL)
	{
		ingest_fail(st->out, &row, ERRCODE_INVALID_XML_CONTENT,
					psprintf("%s/code", where), "the observation has no code", row.raw);
		return;
	}
	row.code = code_code;
	row.system = ingest_system_from_uri(code_sys);
	row.display = code_disp;

	c = child(obs, "statusCode");
	row.status = act_status(attr(c, "code"));

	et = child(obs, "effectiveTime");
	ts = attr(et, "value");
	if (ts == NULL && et)
	{
		ts = attr(child(et, "low"), "value");
		if (ts == NULL)
			ts = attr(child(et, "center"), "value");
	}
	if (ts)
	{
		if (!ingest_parse_hl7_ts(ts, &row.effective_time))
		{
			ingest_fail(st->out, &row, ERRCODE_INVALID_DATETIME_FORMAT,
						psprintf("%s/effectiveTime", where),
						psprintf("\"%s\" is not an HL7 timestamp", ts), row.raw);
			return;
		}
		row.has_time = true;
	}

	interp = child(obs, "interpretationCode");
	if (interp)
		row.interpretation = attr(interp, "code");

	/* reference range: the normal one (interpretation N or none) */
	for (c = obs->children; c; c = c->next)
	{
		xmlNodePtr range,
					rv,
					ri;
		char	   *ric;

		if (!is_el(c, "referenceRange"))
			continue;
		range = child(c, "observationRange");
		rv = child(range, "value");
		ri = child(range, "interpretationCode");
		ric = attr(ri, "code");
		if (rv == NULL || (ric && strcmp(ric, "N") != 0))
			continue;
		{
			double		v;
			char	   *u;
			const char *bad;

			if (child(rv, "low") && read_pq(child(rv, "low"), &v, &u, &bad))
				row.has_low = true, row.ref_low = v;
			if (child(rv, "high") && read_pq(child(rv, "high"), &v, &u, &bad))
				row.has_high = true, row.ref_high = v;
		}
		break;
	}

	/*
	 * CDA allows several values (observation/value is 0..*): one row each,
	 * as for the repetitions of an HL7 v2 OBX-5; none gives a row without
	 * a value (a pending or absent result).
	 */
	nvalues = 0;
	for (c = obs->children; c; c = c->next)
		if (is_el(c, "value"))
			nvalues++;
	if (nvalues == 0)
	{
		ingest_emit(st->out, &row);
		return;
	}
	i = 0;
	for (c = obs->children; c; c = c->next)
	{
		IngestRow	r = row;

		if (!is_el(c, "value"))
			continue;
		i++;
		if (read_value(st, &r, c, nvalues == 1 ? psprintf("%s/value", where)
					   : psprintf("%s/value[%d]", where, i)))
			ingest_emit(st->out, &r);
	}
}

static void
walk(CcdaState *st, xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n; c; c = c->next)
	{
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, "observation") && has_template(c))
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

static void
read_document(CcdaState *st, xmlNodePtr root)
{
	if (is_el(root, "ClinicalDocument"))
	{
		xmlNodePtr id = child(root, "id");
		xmlNodePtr pid = child(child(child(root, "recordTarget"), "patientRole"), "id");

		if (id)
			st->ctx.message_id = attr(id, "extension") ? attr(id, "extension") : attr(id, "root");
		if (pid)
			st->ctx.patient_id = attr(pid, "extension") ? attr(pid, "extension") : attr(pid, "root");
	}
	walk(st, root);
}

static bool
only_blanks(const char *b, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n')
			return false;
	return true;
}

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
	bool		strict;
	xmlParserCtxtPtr volatile ctxt = NULL;
	xmlDocPtr volatile doc = NULL;

	if (PG_ARGISNULL(0))
		pm_error_null_argument("document");
	strict = PG_ARGISNULL(1) ? true : PG_GETARG_BOOL(1);
	ingest_begin(fcinfo, &out, "ccda", strict);
	doc_text = PG_GETARG_TEXT_PP(0);
	len = VARSIZE_ANY_EXHDR(doc_text);
	if (len > INGEST_MAX_INPUT)
	{
		ingest_fail(&out, NULL, ERRCODE_PROGRAM_LIMIT_EXCEEDED, "document",
					psprintf("the document is %zu bytes; the limit is %d", len, INGEST_MAX_INPUT),
					NULL);
		return (Datum) 0;
	}
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
	memset(&parse, 0, sizeof(parse));
	st.out = &out;
	ingest_row_init(&out, &st.ctx);

	xmlInitParser();
	PG_TRY();
	{
		ctxt = xmlNewParserCtxt();
		if (ctxt == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
							errmsg("could not allocate an XML parser")));
		ctxt->_private = &parse;
		ctxt->sax->serror = ccda_xml_error;
		ctxt->sax->error = NULL;
		ctxt->sax->warning = NULL;
		ctxt->sax->internalSubset = ccda_xml_dtd;
		ctxt->sax->externalSubset = NULL;
		ctxt->vctxt.error = NULL;
		ctxt->vctxt.warning = NULL;
		/* no NOENT, DTDLOAD, DTDATTR, DTDVALID, HUGE or RECOVER */
		doc = xmlCtxtReadMemory(ctxt, input, (int) len, NULL,
								GetDatabaseEncoding() == PG_SQL_ASCII ? NULL : "UTF-8",
								XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
		if (parse.dtd)
			ingest_fail(&out, NULL, ERRCODE_INVALID_XML_DOCUMENT, "DOCTYPE",
						"documents with a document type declaration (DTD) are refused: entities are never expanded or loaded",
						pnstrdup(input, len));
		else if (doc == NULL || !ctxt->wellFormed || xmlDocGetRootElement(doc) == NULL)
			ingest_fail(&out, NULL, ERRCODE_INVALID_XML_DOCUMENT,
						psprintf("line %d", parse.error_line),
						psprintf("not well-formed XML: %s",
								 parse.first_error[0] ? parse.first_error : "no root element"),
						pnstrdup(input, len));
		else
		{
			st.doc = doc;
			read_document(&st, xmlDocGetRootElement(doc));
		}
	}
	PG_CATCH();
	{
		if (doc)
			xmlFreeDoc(doc);
		if (ctxt)
			xmlFreeParserCtxt(ctxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (doc)
		xmlFreeDoc(doc);
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	return (Datum) 0;
}
