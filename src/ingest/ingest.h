/*
 * ingest.h: HL7 v2, C-CDA and FHIR observations turned into one row shape.
 *
 * Each parser fills an IngestRow per observation and hands it to
 * ingest_emit(), which appends it to the function's result tuplestore.  In
 * tolerant mode (strict => false) a part that cannot be read becomes a row
 * with status 'error', the reason in value_text and the raw input in raw.
 * ingest_emit checks every text column against the database encoding, so no
 * invalid byte ever leaves a parser, whatever it does with its input.
 */
#ifndef PRECMED_INGEST_H
#define PRECMED_INGEST_H

#include "common/precmed.h"

#include "funcapi.h"
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

/* obs_row.c */
extern void ingest_begin(FunctionCallInfo fcinfo, IngestOut *out,
						 const char *source_format, bool strict);
extern void ingest_row_init(IngestOut *out, IngestRow *row);
extern void ingest_emit(IngestOut *out, IngestRow *row);

/*
 * The parser's strings are in encoding (libxml2: UTF-8) rather than the
 * database's: ingest_emit converts them.  Call after ingest_begin.
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

extern const char *ingest_system_from_uri(const char *uri);
extern const char *ingest_system_from_hl7(const char *name);
extern bool ingest_parse_number(const char *s, double *out);
extern bool ingest_split_comparator(const char *s, const char **comparator,
									const char **rest);
extern bool ingest_make_time(int year, int mon, int day, int hour, int min,
							 int sec, int usec, bool has_tz, int tz_minutes,
							 TimestampTz *out);
extern bool ingest_parse_hl7_ts(const char *s, TimestampTz *out);
extern bool ingest_parse_iso_ts(const char *s, TimestampTz *out);
extern const char *ingest_ucum(IngestOut *out, const char *unit);

/* Enter / leave the per-part context (leaving resets it). */
extern MemoryContext ingest_part_begin(IngestOut *out);
extern void ingest_part_end(IngestOut *out, MemoryContext old);
extern char *ingest_pstrndup_trim(const char *s, size_t len);
extern bool ingest_empty(const char *s);
extern bool ingest_isspace(char c);

/* entry points */
extern Datum hl7v2_observations(PG_FUNCTION_ARGS);
extern Datum ccda_observations(PG_FUNCTION_ARGS);
extern Datum fhir_observations(PG_FUNCTION_ARGS);

#endif							/* PRECMED_INGEST_H */
