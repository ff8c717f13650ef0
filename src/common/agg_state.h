/*
 * agg_state.h: concrete state types for precmed's aggregates.
 *
 * Every aggregate family (aggregates sharing one state) has a varlena SQL
 * type, e.g. precmed.scores_state, so that PostgreSQL's parallel query,
 * postgres_fdw and Citus can move partial states between processes and
 * servers.  The family's C code keeps its own in-memory state struct and
 * supplies a writer and a checked reader of a payload; this layer wraps the
 * struct as the SQL type (an expanded object, or a fixed-size flat value
 * updated in place), gives the type its text and binary forms, and frames
 * the payload with a versioned, checksummed header (the state's bytes, as
 * precmed.X_state returns them and precmed.X_merge reads them).
 *
 * See docs/contributing.md, "A concrete state for an aggregate".
 */
#ifndef PRECMED_AGG_STATE_H
#define PRECMED_AGG_STATE_H

#include "common/precmed.h"

/* Kinds of state (stored in the header: never renumber). */
typedef enum PmStateKind
{
	PM_STATE_SCORES = 1,
	PM_STATE_ROWS = 2,
	PM_STATE_FS = 3,
	PM_STATE_KDIGO_SUMMARY = 4,
	PM_STATE_UO_RATE = 5,
	PM_STATE_MULTILABEL_ROWS = 6,
	PM_STATE_MULTILABEL_METRICS = 7,
	PM_STATE_LABEL_RANKING_AP = 8
} PmStateKind;

#define PM_STATE_MAGIC "PMST"
#define PM_STATE_FORMAT 1
#define PM_STATE_HEADER_SIZE 16

typedef struct PmStateFamily
{
	const char *type_name;		/* SQL type, e.g. "scores_state" */
	PmStateKind kind;
	Size		fixed_size;		/* > 0: a fixed-size struct kept flat, updated in place */
	/* the payload of a state (no header), palloc'd */
	bytea	   *(*write) (void *state);
	/* a state read from a payload in cxt; bytes that do not hold together are 22P03 */
	void	   *(*read) (const char *p, Size len, MemoryContext cxt);
} PmStateFamily;

/*
 * Call fn, a function over internal states (a transition, combine or final
 * function), with its first nstates arguments replaced by the in-memory
 * states of this call's arguments of the family's type; return its result,
 * as the family's type when wrap (transition and combine functions).
 * Argument 1 of a combine function is copied first: fn may adopt it.
 */
extern Datum pm_state_call(const PmStateFamily *f, PGFunction fn,
						   FunctionCallInfo fcinfo, int nstates, bool wrap);

/* The state of argument 0 as bytes (header and payload), or NULL for none. */
extern Datum pm_state_bytes(const PmStateFamily *f, FunctionCallInfo fcinfo);

/*
 * Merge transition: argument 1 (bytea, a state's bytes from X_state) checked
 * and combined into argument 0 by combinefn.
 */
extern Datum pm_state_merge(const PmStateFamily *f, PGFunction combinefn,
							FunctionCallInfo fcinfo);

/* The type's input, output, receive and send functions. */
extern Datum pm_state_in(const PmStateFamily *f, FunctionCallInfo fcinfo);
extern Datum pm_state_out(const PmStateFamily *f, FunctionCallInfo fcinfo);
extern Datum pm_state_recv(const PmStateFamily *f, FunctionCallInfo fcinfo);
extern Datum pm_state_send(const PmStateFamily *f, FunctionCallInfo fcinfo);

/* 22P03 for a state payload that does not hold together (readers call it). */
extern void pm_state_corrupt(const PmStateFamily *f, const char *why) pg_attribute_noreturn();

/*
 * Define the SQL-callable functions of a family NAME (C symbols NAME_in,
 * NAME_out, NAME_recv, NAME_send, NAME_combinefn, NAME_bytes, NAME_mergefn
 * and NAME_transfn) from its PmStateFamily FAMILY and its internal-state
 * transition and combine functions.
 */
#define PM_STATE_FUNCTIONS(NAME, FAMILY, TRANSFN, COMBINEFN) \
PG_FUNCTION_INFO_V1(NAME##_in); \
Datum NAME##_in(PG_FUNCTION_ARGS) { return pm_state_in(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(NAME##_out); \
Datum NAME##_out(PG_FUNCTION_ARGS) { return pm_state_out(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(NAME##_recv); \
Datum NAME##_recv(PG_FUNCTION_ARGS) { return pm_state_recv(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(NAME##_send); \
Datum NAME##_send(PG_FUNCTION_ARGS) { return pm_state_send(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(NAME##_transfn); \
Datum NAME##_transfn(PG_FUNCTION_ARGS) { return pm_state_call(&(FAMILY), TRANSFN, fcinfo, 1, true); } \
PG_FUNCTION_INFO_V1(NAME##_combinefn); \
Datum NAME##_combinefn(PG_FUNCTION_ARGS) { return pm_state_call(&(FAMILY), COMBINEFN, fcinfo, 2, true); } \
PG_FUNCTION_INFO_V1(NAME##_bytes); \
Datum NAME##_bytes(PG_FUNCTION_ARGS) { return pm_state_bytes(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(NAME##_mergefn); \
Datum NAME##_mergefn(PG_FUNCTION_ARGS) { return pm_state_merge(&(FAMILY), COMBINEFN, fcinfo); }

/*
 * 0.1.0's serial and deserial functions of the family's internal state
 * (its SQL still names them): the payload, without header.
 */
extern Datum pm_state_legacy_serialize(const PmStateFamily *f, FunctionCallInfo fcinfo);
extern Datum pm_state_legacy_deserialize(const PmStateFamily *f, FunctionCallInfo fcinfo);

/* Define SERIALFN and DESERIALFN, 0.1.0's serial and deserial functions of FAMILY. */
#define PM_STATE_LEGACY_SERIAL(SERIALFN, DESERIALFN, FAMILY) \
PG_FUNCTION_INFO_V1(SERIALFN); \
Datum SERIALFN(PG_FUNCTION_ARGS) { return pm_state_legacy_serialize(&(FAMILY), fcinfo); } \
PG_FUNCTION_INFO_V1(DESERIALFN); \
Datum DESERIALFN(PG_FUNCTION_ARGS) { return pm_state_legacy_deserialize(&(FAMILY), fcinfo); }

/* Define FINISH, a final function over the family's type calling FINALFN (internal state). */
#define PM_STATE_FINAL(FINISH, FAMILY, FINALFN) \
PG_FUNCTION_INFO_V1(FINISH); \
Datum FINISH(PG_FUNCTION_ARGS) { return pm_state_call(&(FAMILY), FINALFN, fcinfo, 1, false); }

#endif							/* PRECMED_AGG_STATE_H */
