/*
 * linkage.h: probabilistic record linkage (Fellegi-Sunter with EM).
 *
 * Comparators work on characters, not bytes: strings are decoded to pg_wchar
 * arrays in the database encoding first, so a Chinese name compares by
 * ideograph.  A comparison level is an int: 0 = least similar up to the
 * field's top level; NULL = the field is missing on either side.
 */
#ifndef PRECMED_LINKAGE_H
#define PRECMED_LINKAGE_H

#include "common/precmed.h"

#include "mb/pg_wchar.h"
#include "utils/jsonb.h"

/* Largest number of fields in a comparison vector, and of levels per field. */
#define LK_MAX_FIELDS 64
#define LK_MAX_LEVELS 100

/* A missing field in a stored comparison vector. */
#define LK_NULL_LEVEL (-1)

/* ---- string_compare.c ---- */
extern double lk_jaro(const pg_wchar *a, int la, const pg_wchar *b, int lb);
extern double lk_jaro_winkler(const pg_wchar *a, int la, const pg_wchar *b, int lb);

/*
 * Optimal-string-alignment Damerau-Levenshtein distance; when bound >= 0 the
 * result is min(distance, bound + 1), computed with early exit.
 */
extern int	lk_damerau_levenshtein(const pg_wchar *a, int la, const pg_wchar *b,
								   int lb, int bound);

/* ---- levels.c: the limits of a comparison-level function ---- */

/* What a level function's limits array must hold, and how its errors read. */
typedef struct LkLimitsSpec
{
	const char *argname;		/* "thresholds", "max_distances", ... */
	Oid			elemtype;		/* FLOAT8OID or INT4OID */
	int			max_count;		/* most limits allowed */
	bool		decreasing;		/* strictest first: largest first */
	double		min;			/* allowed range of a limit */
	bool		min_open;
	double		max;
	const char *range;			/* the range in words: "positive", ... */
	const char *detail;			/* why the range leaves out the top level */
	const char *example;		/* a valid array, for the hint */
} LkLimitsSpec;

/* The checked limits of one call, kept in fn_extra while the array is the same. */
typedef struct LkLimits
{
	Size		nbytes;			/* the array they came from */
	char	   *raw;
	int			n;
	double		value[LK_MAX_LEVELS];
} LkLimits;

/* Argument argno read and checked against spec, once per distinct array. */
extern const LkLimits *lk_limits(FunctionCallInfo fcinfo, int argno,
								 const LkLimitsSpec *spec);

/*
 * The level of x against limits, strictest first: n - i for the first limit
 * i that x meets (x >= limit when at_least, x <= limit otherwise), 0 when it
 * meets none.
 */
static inline int
lk_level_of(double x, const LkLimits *limits, bool at_least)
{
	for (int i = 0; i < limits->n; i++)
		if (at_least ? x >= limits->value[i] : x <= limits->value[i])
			return limits->n - i;
	return 0;
}

/* ---- fs_train.c: the aggregate state ---- */

/* fs_train's state: the count of each distinct comparison vector. */
typedef struct FsTrainState FsTrainState;

/* One distinct comparison vector and how many pairs had it. */
typedef struct LkPattern
{
	const int8 *levels;			/* nfields levels, LK_NULL_LEVEL when missing */
	double		count;
} LkPattern;

/* The aggregate's memory context; an error when fn is called outside an aggregate. */
extern MemoryContext lk_agg_context(FunctionCallInfo fcinfo, const char *fn);

/* Argument argno as a state (NULL when SQL NULL), its invariants checked (cassert builds). */
extern FsTrainState *lk_state_arg(FunctionCallInfo fcinfo, int argno);

extern int	lk_state_nfields(const FsTrainState *st);
extern int64 lk_state_rows(const FsTrainState *st);
extern const char *lk_state_params(const FsTrainState *st);

/* Levels per field: as declared in params "levels", else the highest seen + 1 (at least 2). */
extern void lk_state_nlevels(const FsTrainState *st, int *nlevels);

/* The distinct vectors, in no particular order; *npat gets their number. */
extern LkPattern *lk_state_patterns(FsTrainState *st, int *npat);

/* ---- fs_model.c: the serialized model ---- */

/*
 * A trained model, as stored in a bytea: header, then per field its number
 * of levels, then per (field, level) m, u and the count of training pairs
 * at that level (doubles), then the field names, NUL-terminated.
 */
typedef struct LkModel
{
	int			nfields;
	int			nlevels[LK_MAX_FIELDS];
	int			offset[LK_MAX_FIELDS];	/* index of (field, 0) in m/u/count */
	int			total;			/* sum of nlevels */
	double		prior;			/* lambda: prior match probability */
	double		npairs;			/* training pairs */
	int			iterations;
	bool		converged;
	bool		u_fixed;
	double	   *m;
	double	   *u;
	double	   *count;
	char	  **names;			/* NULL when the fields are unnamed */
} LkModel;

/* Set nfields, nlevels, offset and total; allocate m, u and count (zeroed). */
extern void lk_model_shape(LkModel *model, int nfields, const int *nlevels);
extern bytea *lk_model_serialize(const LkModel *model);
extern LkModel *lk_model_deserialize(bytea *raw, const char *argname);

/* ---- params.c: fs_train's params and fs_model's specification ---- */

/* fs_train's (and fs_level_frequencies') params, with the nested arrays read. */
typedef struct LkTrainParams
{
	int			max_iterations;
	double		tolerance;
	double		prior;			/* <= 0: estimate a starting value */
	double		smoothing;		/* pseudo-count added to every level */
	JsonbValue *levels;			/* the nested arrays as given, or NULL */
	JsonbValue *fields;
	JsonbValue *m;
	JsonbValue *u;
	double	  **m_rows;			/* starting m per field, or NULL */
	double	  **u_rows;			/* fixed u per field, or NULL */
	char	  **names;			/* field names, or NULL */
} LkTrainParams;

/*
 * Read params (NULL for the defaults) over the defaults: unknown keys, and
 * scalars of the wrong kind or out of range, are 22023 naming the key.
 */
extern void lk_train_params(Jsonb *params, LkTrainParams *p);

/* Params "levels" into declared[0..nfields-1], 0 for each when absent. */
extern void lk_train_levels(const LkTrainParams *p, int nfields, int *declared);

/* Params "m", "u" and "fields", checked against the model's shape. */
extern void lk_train_arrays(LkTrainParams *p, int nfields, const int *nlevels);

/* A model from a specification {"prior", "m", "u", "fields"} (fs_model). */
extern LkModel *lk_model_from_spec(Jsonb *spec);

#endif							/* PRECMED_LINKAGE_H */
