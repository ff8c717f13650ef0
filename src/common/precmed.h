/*
 * precmed.h: support shared by every precmed module.
 *
 * Errors carry a specific SQLSTATE and name the offending value; table-shaped
 * inputs arrive as query text and are checked against a column spec; float8
 * arrays are checked for shape, NULLs and non-finite values before use.
 */
#ifndef PRECMED_COMMON_H
#define PRECMED_COMMON_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/jsonb.h"

/* ---- errors.c ---- */

/*
 * Raise ERROR with a specific SQLSTATE, ereport-style:
 *   pm_error(ERRCODE_..., errmsg("... %s", x), errdetail(...), errhint(...));
 * errdetail and errhint are optional.  It expands at the caller, so the
 * error reports the caller's file and line and its texts are translatable.
 */
#define pm_error(sqlstate, ...) \
	ereport(ERROR, errcode(sqlstate), __VA_ARGS__)

/* 22004: the required argument argname was NULL. */
#define pm_error_null_argument(argname) \
	pm_error(ERRCODE_NULL_VALUE_NOT_ALLOWED, \
			 errmsg("argument \"%s\" must not be NULL", (argname)), \
			 errhint("Pass a value for \"%s\".", (argname)))

/* Fetch argument argno as text, raising 22004 naming argname if NULL. */
extern char *pm_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname);

/* ---- call.c ---- */

/* SPI_connect (an error if it fails), then CurrentMemoryContext = work. */
extern void pm_spi_connect(MemoryContext work);

/* SPI_finish, then CurrentMemoryContext = work. */
extern void pm_spi_finish(MemoryContext work);

/* One call of a set-returning function that reads query arguments. */
typedef struct PmCall
{
	ReturnSetInfo *rsinfo;		/* the result: rsinfo->setResult, setDesc */
	MemoryContext work;			/* everything the call holds */
	MemoryContext caller;		/* current when the call began */
} PmCall;

/*
 * Begin a call: materialize-mode result, a work context named name (a
 * constant string), current, and SPI connected for reading the query
 * arguments.  Release SPI with pm_spi_finish(call->work) once they are
 * read; pm_call_end deletes the work context (an error deletes it with its
 * parent).
 */
extern void pm_call_begin(PmCall *call, FunctionCallInfo fcinfo, const char *name);
extern void pm_call_end(PmCall *call);

/* ---- progress.c ---- */

/* precmed.progress (PGC_USERSET): report the phases of long calls. */
extern PGDLLIMPORT bool pm_progress_enabled;
extern void pm_progress_init(void);

/*
 * A progress line (printf-style) as a NOTICE prefixed with the seconds since
 * the statement began, when asked (a call's own params) or when
 * precmed.progress is on.
 */
extern void pm_progress(bool asked, const char *fmt,...) pg_attribute_printf(2, 3);

/* ---- id_dict.c ---- */

/* Text ids interned as dense indexes 0..n-1 in arrival order (simplehash). */
typedef struct PmIdDict PmIdDict;

/*
 * A dictionary in CurrentMemoryContext; what names the work in the error
 * raised when its ids outgrow precmed.max_memory_mb.
 */
extern PmIdDict *pm_id_dict_create(const char *what, int size_hint);

/* The index of the len bytes at id, added (copied) when new. */
extern int	pm_id_dict_intern(PmIdDict *d, const char *bytes, int len, bool *is_new);

/* The same for a text Datum, read in place (detoasted only when needed). */
extern int	pm_id_dict_intern_text(PmIdDict *d, Datum id, bool *is_new);

/* The index of an id, or -1. */
extern int	pm_id_dict_lookup(PmIdDict *d, const char *bytes, int len);
extern int	pm_id_dict_count(const PmIdDict *d);
extern const char *pm_id_dict_id(const PmIdDict *d, int index);

/* The ids by index (the dictionary's array; valid while it lives). */
extern char **pm_id_dict_ids(const PmIdDict *d);

/* ---- params.c ---- */

/* The kinds of value a params key takes, and where pm_read_params stores it. */
typedef enum PmParamKind
{
	PM_PARAM_NUMBER,			/* double, within [min, max] */
	PM_PARAM_INTEGER,			/* int, a whole number within [min, max] */
	PM_PARAM_BOOL,				/* bool */
	PM_PARAM_CHOICE,			/* int: the index of the string in choices */
	PM_PARAM_STRING,			/* char *, any string */
	PM_PARAM_JSON				/* JsonbValue *, read by the module (arrays, objects) */
} PmParamKind;

/* One key of a params object. */
typedef struct PmParam
{
	const char *name;
	PmParamKind kind;
	double		min;			/* numbers: the allowed range */
	double		max;
	bool		min_open;		/* min itself not allowed */
	bool		max_open;		/* max itself not allowed */
	const char *const *choices; /* PM_PARAM_CHOICE: NULL-terminated */
	size_t		offset;			/* of the field in the caller's struct */
	unsigned	when;			/* bit mask of the variants it applies to; 0 = all */
} PmParam;

/* The keys of one function's params, and how its messages name them. */
typedef struct PmParamSet
{
	const char *argname;		/* the SQL argument, usually "params" */
	const char *what;			/* "parameter", "XGBoost parameter", ... */
	const char *context;		/* appended to unknown-key messages, or NULL */
	const char *hint;			/* where the keys are documented */
	const PmParam *params;
	int			nparams;
	const char *(*alias) (const char *key);	/* other names of keys, or NULL */
} PmParamSet;

/*
 * Read params (a JSON object, or NULL for none) into out: each key of set
 * that applies under when is checked for kind and range and stored at its
 * offset; keys absent or JSON null keep what out holds (the defaults).  An
 * unknown key, a value of the wrong kind or out of range is 22023 naming
 * the key, with the allowed values in the DETAIL.
 */
extern void pm_read_params(Jsonb *params, const PmParamSet *set, unsigned when, void *out);

/*
 * True when params differs from *kept, the copy of the last params an
 * aggregate saw (NULL at first); then *kept becomes a copy in cxt.  Params
 * are usually a constant, so a transition function converts them only then.
 */
extern bool pm_params_changed(Jsonb *params, void **kept, MemoryContext cxt);

/* "a number", "an array", ...: the kind of a JSON value, for messages. */
extern const char *pm_json_kind(const JsonbValue *v);

/* ---- memory_limit.c ---- */

#define PM_MAX_MEMORY_MB_DEFAULT 2048

/* precmed.max_memory_mb (PGC_SUSET): the memory cap of one precmed call. */
extern PGDLLIMPORT int pm_max_memory_mb;

/* Define the setting; called from _PG_init. */
extern void pm_memory_limit_init(void);

/*
 * Raise 54000 (program_limit_exceeded) when holding bytes would exceed
 * precmed.max_memory_mb; what names the work ("training on N rows ...").
 * bytes is a double so an estimate cannot overflow on hostile sizes.
 */
extern void pm_check_memory(double bytes, const char *what);

/*
 * Grow array (*capacity elements of elsize bytes, NULL for none yet) in
 * CurrentMemoryContext to hold needed elements, doubling; checked against
 * precmed.max_memory_mb (what names the work).  Returns the array.
 */
extern void *pm_array_grow(void *array, int64 *capacity, int64 needed, Size elsize,
						   const char *what);

/* ---- query_input.c ---- */

/* One expected column of a query given as text. */
typedef struct PmColumn
{
	const char *name;			/* column name, as the query must spell it */
	Oid			type;			/* type the value is cast to */
	bool		optional;		/* may be absent: read as NULL */
} PmColumn;

/*
 * A query argument, checked: exactly one read-only SELECT (or a table
 * name), prepared as given, whose result has the spec's columns.
 */
typedef struct PmQueryInput
{
	const char *argname;		/* the SQL argument the query came from */
	SPIPlanPtr	plan;			/* the query, prepared as it stands */
	TupleDesc	desc;			/* its result columns, as checked */
	int			nspec;
	int		   *attno;			/* per spec column: 1-based position in desc, or 0 */
	struct ExprState **cast;	/* per spec column: cast to the spec's type, or NULL */
	ParamListInfo params;		/* values of $1.. (pm_query_input_params), or NULL */
} PmQueryInput;

/*
 * Check query (the text given for argument argname) and prepare it: it must
 * parse as exactly one SELECT that neither writes nor locks (42601, 0A000
 * otherwise), and every non-optional spec column must be among its result
 * columns once, with a type that has an assignment cast to the spec's type.
 * The text is never pasted into other SQL.  Caller holds SPI.
 */
extern PmQueryInput *pm_query_input(const char *argname, const char *query,
									const PmColumn *spec, int nspec);

/*
 * The same for a query precmed builds itself that takes nargs parameters
 * $1.. of types argtypes; set input->params before each pm_query_stream.
 * Its plan is generic (planned once), for callers that keep it (SPI_keepplan).
 */
extern PmQueryInput *pm_query_input_params(const char *argname, const char *query,
										   int nargs, Oid *argtypes,
										   const PmColumn *spec, int nspec);

/*
 * Takes one row of a query input: values[i], nulls[i] are spec column i,
 * cast to its type (an absent optional column is NULL).  The values live
 * until the next row.
 */
typedef void (*PmRowReader) (void *arg, PmQueryInput *input, Datum *values, bool *nulls);

/*
 * Run a checked query input read-only and hand each row to reader as the
 * executor produces it, with CurrentMemoryContext set to work.  Rows of any
 * other shape than the checked one are an error, never read.  Errors raised
 * by reader carry the caller's error context.  Caller holds SPI.  Returns
 * the row count.
 */
extern uint64 pm_query_stream(PmQueryInput *input, PmRowReader reader,
							  void *arg, MemoryContext work);

/* Run a checked query input and only count its rows. */
extern uint64 pm_query_count(PmQueryInput *input);

/*
 * The body of a set-returning function that returns the rows of a query
 * argument as checked: the spec's columns, in spec order, cast to the
 * spec's types (the function's declared result).  Handles SPI itself.
 */
extern void pm_query_materialize(FunctionCallInfo fcinfo, const char *argname,
								 const char *query, const PmColumn *spec, int nspec);

/* Column spec_index of a streamed row, with NULL reported in *isnull. */
static inline Datum
pm_row_value(PmQueryInput *input, Datum *values, bool *nulls, int spec_index,
			 bool *isnull)
{
	Assert(spec_index >= 0 && spec_index < input->nspec);
	*isnull = nulls[spec_index];
	return values[spec_index];
}

/* ---- float_array.c ---- */

/*
 * Read a feature vector: a one-dimensional float8[] (or empty) whose NULL
 * elements and NaN mean "missing" and come back as NaN; an infinity is
 * 22023, another shape 2202E.  When expected_len >= 0 the length must
 * match.  Returns a palloc'd copy, or a pointer into a when it has no NULL
 * elements and copy is false; *len gets the length.
 */
extern double *pm_feature_vector(ArrayType *a, const char *argname,
								 int expected_len, int *len, bool copy);

/* ---- ranking_metrics.c ---- */

typedef struct PmScoredLabel
{
	double		score;
	bool		label;
} PmScoredLabel;

/* Sort by descending score (ties: positives first). */
extern void pm_sort_scored(PmScoredLabel *pairs, int64 n);

/*
 * AUROC and average precision of pairs already sorted by pm_sort_scored,
 * tied scores taken as one threshold (as scikit-learn).  NaN where undefined:
 * AUROC without both classes, AP without a positive.
 */
extern void pm_auroc_ap_sorted(const PmScoredLabel *pairs, int64 n,
							   double *auroc, double *ap);

/* ---- binary_header.c: versioned binary values (models, states) ---- */

typedef struct PmBinaryFormat
{
	const char *magic;			/* the first 4 bytes */
	int			version;		/* the format version this library reads */
	const char *name;			/* in messages: "... is not a valid <name>" */
	const char *noun;			/* in details: "A <noun> starts with ..." */
	const char *hint;			/* what to pass instead */
} PmBinaryFormat;

/* CRC-32C of len bytes at p: the checksum of precmed's binary values. */
extern uint32 pm_crc32c(const char *p, Size len);

/* 22P03: subject (e.g. "argument \"model\"") is not a valid f, because of why. */
extern void pm_binary_bad(const PmBinaryFormat *f, const char *subject, const char *why,
						  const char *detail) pg_attribute_noreturn();

/* At least header_size bytes, starting with f's magic; 22P03 otherwise. */
extern void pm_binary_check_start(const PmBinaryFormat *f, const char *subject,
								  const char *data, Size len, Size header_size);

/* The format version of the value is f's; 22P03 otherwise. */
extern void pm_binary_check_version(const PmBinaryFormat *f, const char *subject, int64 version);

/* The CRC-32C of len bytes at p is stored; 22P03 otherwise. */
extern void pm_binary_check_crc(const PmBinaryFormat *f, const char *subject, const char *p,
								Size len, uint32 stored);

#endif							/* PRECMED_COMMON_H */
