/*
 * ccda_xml.c: a C-CDA document parsed by libxml2, and reading its tree.
 *
 * libxml2 reads the document with no network access, no entity
 * substitution, no DTD loading or validation and its default size and depth
 * limits; a document that declares a DTD at all is refused before its
 * internal subset is read, so neither external entities (XXE) nor entity
 * expansion bombs can act.  Errors are collected by a handler attached to
 * this parse only (never libxml2's global handlers).  The caller owns the
 * parser context and the tree and frees them on every exit path.
 *
 * Elements are matched by local name in the HL7 v3 namespace or in none
 * (section fragments often omit it); xsi:type is read whether its prefix is
 * declared or not.  Text and attributes come back palloc'd, in UTF-8.
 */
#include "ingest/ingest.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define HL7V3_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

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

/* A parser context whose errors go to parse and which stops at a DOCTYPE. */
xmlParserCtxtPtr
ccda_new_parser(CcdaParse *parse)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

	if (ctxt == NULL)
		pm_error(ERRCODE_OUT_OF_MEMORY,
				 errmsg("could not allocate an XML parser"));
	memset(parse, 0, sizeof(*parse));
	ctxt->_private = parse;
	ctxt->sax->serror = ccda_xml_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->sax->internalSubset = ccda_xml_dtd;
	ctxt->sax->externalSubset = NULL;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	return ctxt;
}

/* The parsed document, or NULL after reporting a DOCTYPE or malformed XML. */
xmlDocPtr
ccda_parse(IngestOut *out, xmlParserCtxtPtr ctxt, CcdaParse *parse,
		   const char *input, size_t len)
{
	xmlDocPtr	doc;

	Assert(ctxt->_private == parse);
	/* no NOENT, DTDLOAD, DTDATTR, DTDVALID, HUGE or RECOVER */
	doc = xmlCtxtReadMemory(ctxt, input, (int) len, NULL,
							GetDatabaseEncoding() == PG_SQL_ASCII ? NULL : "UTF-8",
							XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
	if (!parse->dtd && doc != NULL && ctxt->wellFormed && xmlDocGetRootElement(doc) != NULL)
		return doc;
	/* given up: freed first, as reporting raises in strict mode */
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (parse->dtd)
		ingest_fail(out, NULL, ERRCODE_INVALID_XML_DOCUMENT, "DOCTYPE",
					"documents with a document type declaration (DTD) are refused: entities are never expanded or loaded",
					pnstrdup(input, len));
	else
		ingest_fail(out, NULL, ERRCODE_INVALID_XML_DOCUMENT,
					psprintf("line %d", parse->error_line),
					psprintf("not well-formed XML: %s",
							 parse->first_error[0] ? parse->first_error : "no root element"),
					pnstrdup(input, len));
	return NULL;
}

/* Is n the element name, in the HL7 v3 namespace or in none? */
bool
ccda_is_el(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
		strcmp((const char *) n->name, name) == 0 &&
		(n->ns == NULL || n->ns->href == NULL ||
		 strcmp((const char *) n->ns->href, HL7V3_NS) == 0);
}

/* The first child element name of n, or NULL (also when n is NULL). */
xmlNodePtr
ccda_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr	c;

	if (n == NULL)
		return NULL;
	for (c = n->children; c; c = c->next)
		if (ccda_is_el(c, name))
			return c;
	return NULL;
}

/* An attribute's text, palloc'd. */
static char *
attr_value(xmlAttrPtr a)
{
	StringInfoData buf;
	xmlNodePtr	t;

	initStringInfo(&buf);
	for (t = a->children; t; t = t->next)
		if (t->content)
			appendStringInfoString(&buf, (const char *) t->content);
	return buf.data;
}

/* Attribute without namespace, as a palloc'd string, or NULL. */
char *
ccda_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr	a;

	if (n == NULL)
		return NULL;
	for (a = n->properties; a; a = a->next)
		if (a->ns == NULL && strcmp((const char *) a->name, name) == 0)
			return attr_value(a);
	return NULL;
}

/* xsi:type, declared or written with an undeclared prefix. */
char *
ccda_xsi_type(xmlNodePtr n)
{
	xmlAttrPtr	a;

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

/* Append the text and CDATA of n's descendants to buf, in document order. */
static void
collect_text(xmlNodePtr n, StringInfo buf)
{
	xmlNodePtr	c;

	for (c = n->children; c; c = c->next)
	{
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			appendStringInfoString(buf, (const char *) c->content);
		else if (c->type == XML_ELEMENT_NODE)
			collect_text(c, buf);
	}
}

/* The text of n, trimmed ("" when it has none). */
char *
ccda_text_of(xmlNodePtr n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	collect_text(n, &buf);
	return ingest_pstrndup_trim(buf.data, buf.len);
}

/* Does n have an element child? */
bool
ccda_has_element_child(xmlNodePtr n)
{
	xmlNodePtr	c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* The element n as XML text, palloc'd. */
char *
ccda_serialize(xmlDocPtr doc, xmlNodePtr n)
{
	xmlBufferPtr b = xmlBufferCreate();
	char	   *s;

	if (b == NULL)
		pm_error(ERRCODE_OUT_OF_MEMORY, errmsg("out of memory"));
	xmlNodeDump(b, doc, n, 0, 0);
	/* copy with malloc-free primitives before anything can throw */
	s = MemoryContextAllocExtended(CurrentMemoryContext, xmlBufferLength(b) + 1,
								   MCXT_ALLOC_NO_OOM);
	if (s)
		memcpy(s, xmlBufferContent(b), xmlBufferLength(b) + 1);
	xmlBufferFree(b);
	if (s == NULL)
		pm_error(ERRCODE_OUT_OF_MEMORY, errmsg("out of memory"));
	return s;
}
