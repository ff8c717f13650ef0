/*
 * shim.h: the test-only stand-in for the PostgreSQL backend that the fuzz
 * harnesses link precmed's parser sources against (see shim.c).
 */
#ifndef PRECMED_FUZZ_SHIM_H
#define PRECMED_FUZZ_SHIM_H

#include "postgres.h"

#include <stddef.h>
#include <stdint.h>

#include "fmgr.h"

/* The last ERROR caught by fuzz_run. */
typedef struct FuzzError
{
	int			sqlerrcode;
	const char *message;
	const char *filename;
	int			lineno;
} FuzzError;

extern FuzzError fuzz_last_error;

/*
 * Run fn(arg) as one backend call would: in a fresh memory context deleted
 * afterwards, with ERROR caught.  Returns true when fn raised ERROR.  Aborts
 * (a finding) on an ERROR without a specific SQLSTATE (XX000, i.e. elog) or
 * a return that leaves another memory context current.
 */
extern bool fuzz_run(void (*fn) (void *arg), void *arg);

/* Load the shipped ucum-essence.xml (FUZZ_UCUM_ESSENCE or the build path). */
extern void fuzz_load_ucum(void);

/* Is s[0..len) text PostgreSQL could hand to a function (UTF-8, no NUL)? */
extern bool fuzz_valid_text(const char *s, size_t len);

/* A text datum holding s[0..len), exactly sized; short header when asked and possible. */
extern text *fuzz_make_text(const char *s, size_t len, bool short_header);

/* Print a finding and abort (libFuzzer saves the input). */
extern void fuzz_fail(const char *what, const char *detail) pg_attribute_noreturn();

/*
 * Call a set-returning ingest function (hl7v2_observations, ...) with
 * (input text, strict); rows are checked by the shim's tuplestore: text
 * columns valid, floats finite, timestamps in range.  Returns the row count.
 */
extern int64 fuzz_call_ingest(PGFunction fn, text *input, bool strict);

/* Check every emitted text column is valid UTF-8 (FUZZ_CHECK_UTF8=1). */
extern bool fuzz_check_utf8;

/* Rows with status 'error' emitted by the last fuzz_call_ingest. */
extern int64 fuzz_error_rows;

#endif							/* PRECMED_FUZZ_SHIM_H */
