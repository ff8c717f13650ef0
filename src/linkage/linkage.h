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

/* Largest number of fields in a comparison vector, and of levels per field. */
#define LK_MAX_FIELDS 64
#define LK_MAX_LEVELS 100

/* ---- string_compare.c ---- */
extern double lk_jaro(const pg_wchar *a, int la, const pg_wchar *b, int lb);
extern double lk_jaro_winkler(const pg_wchar *a, int la, const pg_wchar *b, int lb);

/*
 * Optimal-string-alignment Damerau-Levenshtein distance; when bound >= 0 the
 * result is min(distance, bound + 1), computed with early exit.
 */
extern int	lk_damerau_levenshtein(const pg_wchar *a, int la, const pg_wchar *b,
								   int lb, int bound);

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

extern bytea *lk_model_serialize(const LkModel *model);
extern LkModel *lk_model_deserialize(bytea *raw, const char *argname);
extern double lk_level_weight(double m, double u);
extern void lk_check_probability_rows(double **rows, int nrows, int *lens,
									  const char *what, int nfields,
									  const int *nlevels);



/* ---- json_params.c: reading jsonb parameters ---- */
#include "utils/jsonb.h"

/* The value under key in an object, or NULL (also when j is not an object). */
extern JsonbValue *lk_json_get(Jsonb *j, const char *key);

/* A JSON number as a double; what names the parameter in errors. */
extern double lk_json_number(JsonbValue *v, const char *what);

/* A JSON array of numbers; NULL elements are refused. */
extern double *lk_json_numbers(JsonbValue *v, const char *what, int *n);

/* A JSON array of arrays of numbers: rows[i] has lens[i] values. */
extern double **lk_json_number_rows(JsonbValue *v, const char *what,
									int *nrows, int **lens);

/* A JSON array of strings. */
extern char **lk_json_strings(JsonbValue *v, const char *what, int *n);

/* Refuse keys not in allowed (NULL-terminated), naming the stray key. */
extern void lk_json_check_keys(Jsonb *j, const char *what, const char *const *allowed);
#endif							/* PRECMED_LINKAGE_H */
