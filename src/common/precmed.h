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

/* ---- errors.c ---- */

/*
 * Raise ERROR with the given SQLSTATE, message, detail and hint (detail and
 * hint may be NULL).  The strings are used as they are: format them first.
 */
extern void pm_error(int sqlstate, const char *message, const char *detail,
					 const char *hint) pg_attribute_noreturn();

/* 22004: a required argument was NULL. */
extern void pm_error_null_argument(const char *argname) pg_attribute_noreturn();

/* Fetch argument argno as text, raising 22004 naming argname if NULL. */
extern char *pm_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname);

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

/* ---- query_input.c ---- */

/* One expected column of a query given as text. */
typedef struct PmColumn
{
	const char *name;			/* column name, as the query must spell it */
	Oid			type;			/* type the value is cast to */
	bool		optional;		/* may be absent: pm_query_value then gives NULL */
} PmColumn;

/*
 * The checked form of a query input: the query rewritten to select exactly
 * the spec's columns, in spec order and cast to the spec's types.
 */
typedef struct PmQueryInput
{
	const char *argname;		/* the SQL argument the query came from */
	char	   *sql;			/* SELECT "c1"::t1, ... FROM (<query>) */
	char	   *sql_all_columns;	/* every spec column in spec order, an
									 * absent optional one as a typed NULL:
									 * a fixed shape for SQL-language callers */
	int			ncolumns;		/* columns present in sql */
	int		   *attno;			/* per spec column: 1-based position in sql, or 0 */
} PmQueryInput;

/*
 * Check query (a SELECT given as text for argument argname) against spec:
 * every non-optional column must exist once, with a type that casts to the
 * spec's type by an implicit or assignment cast.  Caller holds SPI.
 */
extern PmQueryInput *pm_query_input(const char *argname, const char *query,
									const PmColumn *spec, int nspec);

/* Run a checked query input; rows land in SPI_tuptable. Returns row count. */
extern uint64 pm_query_run(PmQueryInput *input);

/* Open a checked query input as a cursor, to read it in batches. */
extern Portal pm_query_cursor(PmQueryInput *input);

/* Column value of row, by spec index, with NULL reported in *isnull. */
extern Datum pm_query_value(PmQueryInput *input, HeapTuple row,
							TupleDesc desc, int spec_index, bool *isnull);

/* Takes one row of a streamed query input; values/nulls in input->sql's order. */
typedef void (*PmRowReader) (void *arg, PmQueryInput *input, Datum *values, bool *nulls);

/*
 * Run a checked query input and hand each row to reader as the executor
 * produces it (no SPI tuple table, no copies), with CurrentMemoryContext
 * set to work.  Errors raised by reader carry the caller's error context,
 * not the internal SELECT's.  Caller holds SPI.  Returns the row count.
 */
extern uint64 pm_query_stream(PmQueryInput *input, PmRowReader reader,
							  void *arg, MemoryContext work);

/* Column spec_index of a streamed row, with NULL reported in *isnull. */
static inline Datum
pm_row_value(PmQueryInput *input, Datum *values, bool *nulls, int spec_index,
			 bool *isnull)
{
	int			attno = input->attno[spec_index];

	if (attno == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = nulls[attno - 1];
	return values[attno - 1];
}

/* ---- float_array.c ---- */

/*
 * Check that a is a one-dimensional float8 array with no NULL elements and
 * only finite values; when expected_len >= 0 its length must equal it.
 * Returns a pointer to the elements (inside a) and sets *len.
 */
extern double *pm_float8_vector(ArrayType *a, const char *argname,
								int expected_len, int *len);

/*
 * As pm_float8_vector, for a two-dimensional array read in row-major order;
 * sets *rows and *cols.
 */
extern double *pm_float8_matrix(ArrayType *a, const char *argname,
								int *rows, int *cols);

/* Build a one-dimensional float8[] from n values. */
extern ArrayType *pm_float8_array(const double *values, int n);

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

#endif							/* PRECMED_COMMON_H */
