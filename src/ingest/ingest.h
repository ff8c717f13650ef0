/*
 * ingest.h: HL7 v2, C-CDA and FHIR observations turned into one row shape.
 *
 * Each parser fills an IngestRow per observation and hands it to
 * ingest_emit(), which appends it to the function's result tuplestore.  In
 * tolerant mode (strict => false) a part that cannot be read becomes a row
 * with status 'error', the reason in value_text and the raw input in raw.
 * ingest_emit checks every text column against the database encoding, so no
 * invalid byte ever leaves a parser, whatever it does with its input.
 *
 * Files: obs_row.c (the row, its emission, error rows), obs_values.c (the
 * small value readers every format uses), obs_time.c (timestamps);
 * hl7v2.c, hl7v2_syntax.c; ccda.c, ccda_xml.c, ccda_values.c; fhir.c,
 * fhir_json.c, fhir_values.c.
 */
#ifndef PRECMED_INGEST_H
#define PRECMED_INGEST_H

#include "common/precmed.h"

#include <libxml/tree.h>

#include "funcapi.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* Largest input any parser accepts (bytes); larger input is an error. */
#define INGEST_MAX_INPUT (64 * 1024 * 1024)

/* Columns of the shared result shape (see sql/install/20_ingest.sql). */
#define INGEST_NCOLS 19

typedef struct IngestRow
{
	const char *source_format;	/* 'hl7v2', 'ccda', 'fhir' */
	const char *message_id;
	const char *patient_id;
	const char *code;
	const char *system;			/* LOINC, SNOMED, LOCAL:<name> */
	const char *display;
	bool		has_num;
	double		value_num;
	const char *value_text;
	const char *comparator;		/* <, <=, >=, > or NULL */
	const char *unit;			/* unit as the source wrote it */
	const char *ucum_unit;		/* the unit in UCUM, when known */
	bool		has_low;
	double		ref_low;
	bool		has_high;
	double		ref_high;
	const char *interpretation;
	bool		has_time;
	TimestampTz effective_time;
	const char *status;			/* FHIR ObservationStatus code, or 'error' */
	const char *raw;
	const char *value_code;		/* coded value: its code */
	const char *value_system;	/* coded value: its code system (short name) */
} IngestRow;

typedef struct IngestOut
{
	ReturnSetInfo *rsinfo;
	bool		strict;
	const char *source_format;
	int64		rows;
	MemoryContext call_cxt;		/* lives for the whole call */
	MemoryContext part_cxt;		/* reset after each segment/observation */
	int			src_encoding;	/* encoding of the parser's strings */
	Oid			conv_proc;		/* src_encoding -> database, when they differ */
	bool		in_fail;		/* emitting an error row */
	bool		raw_is_input;	/* raw is always valid database text: a slice
								 * of the input cut at ASCII bytes, or JSON
								 * PostgreSQL wrote (not checked again) */
} IngestOut;

/* ---- obs_row.c: the row, its emission, error rows ---- */

/*
 * Begin a reader's call: argument 0 (named argname) must not be NULL,
 * argument 1 is strict (NULL reads as true); the result is materialized.
 */
extern void ingest_start(FunctionCallInfo fcinfo, IngestOut *out,
						 const char *source_format, const char *argname);
extern void ingest_row_init(IngestOut *out, IngestRow *row);
extern void ingest_emit(IngestOut *out, IngestRow *row);

/*
 * The parser's strings are in encoding (libxml2: UTF-8) rather than the
 * database's: ingest_emit converts them.  Call after ingest_start.
 */
extern void ingest_set_source_encoding(IngestOut *out, int encoding);

/*
 * A part of the input cannot be read.  Strict: ERROR with sqlstate and a
 * message naming where (e.g. "OBX-5 of segment 4").  Tolerant: an error row
 * carrying the context columns of ctx (may be NULL), the reason and raw.
 */
extern void ingest_fail(IngestOut *out, const IngestRow *ctx, int sqlstate,
						const char *where, const char *reason,
						const char *raw);

/*
 * Is an input of len bytes over INGEST_MAX_INPUT?  Then it is reported
 * (54000 at where, "the <what> is N bytes") and true comes back.
 */
extern bool ingest_too_large(IngestOut *out, size_t len, const char *where,
							 const char *what);

/* Enter / leave the per-part context (leaving resets it). */
extern MemoryContext ingest_part_begin(IngestOut *out);
extern void ingest_part_end(IngestOut *out, MemoryContext old);

/* ---- obs_values.c: text, numbers, comparators, code systems, units ---- */

extern bool ingest_isspace(char c);
extern bool ingest_empty(const char *s);
extern char *ingest_pstrndup_trim(const char *s, size_t len);
extern const char *ingest_system_from_uri(const char *uri);
extern const char *ingest_system_from_hl7(const char *name);
extern bool ingest_parse_number(const char *s, double *out);
extern bool ingest_split_comparator(const char *s, const char **comparator,
									const char **rest);
extern const char *ingest_ucum(const char *unit);

/* ---- obs_time.c: timestamps ---- */

/*
 * s, an HL7 TS (or a FHIR dateTime when fhir), into *t.  When it is not
 * one, reports it (22007 at where, with ctx's columns and raw) and returns
 * false.
 */
extern bool ingest_read_time(IngestOut *out, const IngestRow *ctx, const char *where,
							 const char *s, bool fhir, const char *raw, TimestampTz *t);

/*
 * s as row's effective time, read as ingest_read_time does; a report has
 * row's columns and raw.
 */
extern bool ingest_row_time(IngestOut *out, IngestRow *row, const char *where,
							const char *s, bool fhir);

/* ---- hl7v2_syntax.c: HL7 v2 delimiters and escapes ---- */

/* A message's delimiters (MSH-1 and MSH-2), all ASCII. */
typedef struct Hl7Delims
{
	char		field;
	char		component;
	char		repetition;
	char		escape;
	char		subcomponent;
} Hl7Delims;

/* A segment split into its fields. */
typedef struct Hl7Fields
{
	int			n;
	char	  **f;				/* f[i] is field i (f[0] is the segment name) */
} Hl7Fields;

/* s split on sep into *n palloc'd parts (escapes never contain a delimiter). */
extern char **hl7_split_on(const char *s, char sep, int *n);

/* The fields of a segment; f[n] is field n, MSH's counted as the standard does. */
extern Hl7Fields hl7_split_segment(const char *seg, const Hl7Delims *d);

/* Field i, or "" when the segment has fewer. */
extern const char *hl7_field(const Hl7Fields *s, int i);

/* Component i (1-based) of the first repetition of a field, or "". */
extern char *hl7_component(const char *fieldval, int i, const Hl7Delims *d);

/* s with its escape sequences decoded, palloc'd. */
extern char *hl7_unescape(const char *s, const Hl7Delims *d);

/* ---- ccda_xml.c: the C-CDA document as a libxml2 tree ---- */

/* What the parse of one document met. */
typedef struct CcdaParse
{
	bool		dtd;			/* a DOCTYPE was met: parsing was stopped */
	char		first_error[512];
	int			error_line;
} CcdaParse;

/* A parser context for one document (errors into parse, DTDs stopped). */
extern xmlParserCtxtPtr ccda_new_parser(CcdaParse *parse);

/*
 * Parse input (UTF-8) with ctxt.  The document, which the caller frees (as
 * it does ctxt), or NULL after reporting why there is none (a DOCTYPE, not
 * well-formed XML).
 */
extern xmlDocPtr ccda_parse(IngestOut *out, xmlParserCtxtPtr ctxt, CcdaParse *parse,
							const char *input, size_t len);

extern bool ccda_is_el(xmlNodePtr n, const char *name);
extern xmlNodePtr ccda_child(xmlNodePtr n, const char *name);
extern char *ccda_attr(xmlNodePtr n, const char *name);
extern char *ccda_xsi_type(xmlNodePtr n);
extern char *ccda_text_of(xmlNodePtr n);
extern bool ccda_has_element_child(xmlNodePtr n);
extern char *ccda_serialize(xmlDocPtr doc, xmlNodePtr n);

/* ---- ccda_values.c: an observation's value ---- */

/*
 * A PQ-like element (PQ, IVL_PQ low/high, with the PQR translation when
 * nullFlavored): false with *bad the value that is not a number, or NULL.
 */
extern bool ccda_read_pq(xmlNodePtr pq, double *v, char **unit, const char **bad);

/*
 * One <value> of an observation into row.  Returns false after reporting a
 * value that cannot be read; a nullFlavored value leaves row without one.
 */
extern bool ccda_read_value(IngestOut *out, IngestRow *row, xmlNodePtr value,
							const char *where);

/* ---- fhir_json.c: FHIR JSON through the jsonb C API ---- */

/* The JSON kinds FHIR gives the members the reader uses. */
typedef enum FhirKind
{
	FHIR_OBJECT, FHIR_ARRAY, FHIR_STRING, FHIR_NUMBER, FHIR_BOOL
} FhirKind;

/* A number member: absent (or null), read, or not a finite number. */
typedef enum FhirNumber
{
	FHIR_NUM_ABSENT, FHIR_NUM_OK, FHIR_NUM_BAD
} FhirNumber;

extern bool fhir_get_key(JsonbContainer *c, const char *key, JsonbValue *v);
extern JsonbContainer *fhir_get_object(JsonbContainer *c, const char *key);
extern JsonbContainer *fhir_get_array(JsonbContainer *c, const char *key);
extern int	fhir_array_size(JsonbContainer *a);
extern JsonbContainer *fhir_array_object(JsonbContainer *a, int i);
extern char *fhir_get_string(JsonbContainer *c, const char *key);
extern FhirNumber fhir_get_number(JsonbContainer *c, const char *key, double *out);
extern char *fhir_container_text(JsonbContainer *c);
extern char *fhir_value_text(JsonbValue *v);
extern bool fhir_has_kind(JsonbValue *v, FhirKind kind);
extern const char *fhir_kind_name(FhirKind kind);
extern JsonbContainer *fhir_best_coding(JsonbContainer *cc);

/* JSON text as jsonb, or NULL after reporting why it is not JSON (or too big). */
extern Jsonb *fhir_jsonb_from_text(IngestOut *out, text *t);

/* ---- fhir_values.c: an Observation's (or component's) members ---- */

/*
 * Members read from o have their FHIR JSON kind and o has at most one
 * value[x] of a type Observation allows; false after reporting when not.
 */
extern bool fhir_check_members(IngestOut *out, IngestRow *row, JsonbContainer *o,
							   const char *where);

/*
 * code into row; false when there is no code at all, or (with *bad set)
 * when code.coding is not an array.
 */
extern bool fhir_read_code(IngestRow *row, JsonbContainer *o, bool *bad);
extern void fhir_read_range(IngestRow *row, JsonbContainer *o);
extern void fhir_read_interpretation(IngestRow *row, JsonbContainer *o);

/*
 * value[x] (or dataAbsentReason) into row; *has_value false when there is
 * none.  Returns false after reporting a part that cannot be read.
 */
extern bool fhir_read_value(IngestOut *out, IngestRow *row, JsonbContainer *o,
							const char *where, bool *has_value);

/* ---- entry points ---- */

extern Datum hl7v2_observations(PG_FUNCTION_ARGS);
extern Datum ccda_observations(PG_FUNCTION_ARGS);
extern Datum fhir_observations(PG_FUNCTION_ARGS);

#endif							/* PRECMED_INGEST_H */
