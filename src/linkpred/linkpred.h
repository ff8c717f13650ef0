/*
 * linkpred.h: drug-disease (any two-sided) link prediction on a
 * heterogeneous network: a 0/1 association matrix A between "left" entities
 * (drugs) and "right" entities (diseases), plus a similarity matrix on each
 * side.  Methods score every left x right pair; link_cv cross-validates.
 *
 * Matrices are dense float8 in column-major order (LAPACK's), so the entry
 * (i, j) of an m x n matrix M is M[i + j * m].  See docs/repositioning.md.
 */
#ifndef PRECMED_LINKPRED_H
#define PRECMED_LINKPRED_H

#include "common/precmed.h"

#include <math.h>

#include "utils/jsonb.h"

#define LP_IDX(i, j, ld) ((size_t) (i) + (size_t) (j) * (size_t) (ld))

/* The problem as read from the three (or four) queries. */
typedef struct LpProblem
{
	int			nl;				/* left entities (drugs) */
	int			nr;				/* right entities (diseases) */
	char	  **left_ids;		/* sorted by byte order */
	char	  **right_ids;
	double	   *A;				/* nl x nr, 1 = known association */
	double	   *Sl;				/* nl x nl, diagonal 1 */
	double	   *Sr;				/* nr x nr, diagonal 1 */
	int			npairs;			/* known associations */
	int		   *pair_l;			/* their indices, sorted by (left, right) */
	int		   *pair_r;
} LpProblem;

typedef enum LpMethod
{
	LP_KRLS_GIP,
	LP_KNN,
	LP_HGIMC,
	LP_BNNR,
	LP_ENSEMBLE
} LpMethod;

/* Every tunable, with the defaults of docs/repositioning.md. */
typedef struct LpParams
{
	LpMethod	method;
	/* KRLS-GIP */
	double		w;				/* weight of the given similarity in the fusion */
	double		sigma;			/* ridge regularization */
	double		gamma;			/* GIP bandwidth gamma' (relative) */
	bool		guard;			/* cold-entity guard */
	/* kNN */
	int			k;
	/* BNNR (and the BMC step of HGIMC) */
	double		alpha;
	double		beta;
	double		tol1;
	double		tol2;
	int			max_iter;
	bool		gip;			/* BNNR on GIP-fused similarities */
	double		gip_w;			/* fusion weight for BNNR-GIP */
	double		gip_gamma;		/* GIP bandwidth gamma' for BNNR-GIP */
	/* HGIMC */
	double		threshold;		/* BMC pre-fill threshold */
	double		bandwidth;		/* GRB kernel h */
	double		restart;		/* fixed point gamma */
	double		hgi_tol;
	/* ensemble */
	double		bnnr_weight;
	double		krls_weight;
	/* resources */
	double		memory_limit_mb;
	bool		progress;
	/* link_cv */
	int			protocol;		/* LP_PROTOCOL_*, or -1 when not given */
	bool		pooled;			/* protocol "pooled" rather than "global" */
	bool		protocol_given;
} LpParams;

#define LP_PROTOCOL_GLOBAL 0
#define LP_PROTOCOL_POOLED 1

/* Cached LAPACK workspaces, sized by a query once per problem size. */
typedef struct LpEigWork
{
	int			n;
	double	   *work;
	int			lwork;
	int		   *iwork;
	int			liwork;
} LpEigWork;

typedef struct LpSvdWork
{
	int			m;
	int			n;
	double	   *work;
	int			lwork;
	int		   *iwork;
} LpSvdWork;

/* State of one run: workspaces reused across folds and iterations. */
typedef struct LpRun
{
	LpParams   *params;
	LpEigWork	eig[3];			/* up to three distinct sizes */
	int			neig;
	LpSvdWork	svd;
	const char *label;			/* prefix of its progress lines: "" or "fold 3: " */
} LpRun;

/* params.c */
extern LpMethod lp_parse_method(const char *name);
extern const char *lp_method_name(LpMethod m);
extern void lp_parse_params(LpParams *p, LpMethod method, Jsonb *json);
extern void lp_check_memory(const LpParams *p, int nl, int nr, int extra_matrices,
							const char *what);

/* input.c */

/* The queries that describe a problem (query text or table names). */
typedef struct LpQueries
{
	const char *associations;
	const char *left_similarity;
	const char *right_similarity;
} LpQueries;

extern LpProblem *lp_read_problem(const LpQueries *queries, const LpParams *params,
								  int extra_matrices, const char *what);
extern int	lp_read_pairs(const char *associations, char ***ids);
extern int *lp_read_folds(LpProblem *prob, const char *folds, bool all_pairs,
						  int *nfolds, int **fold_values, int **fold_matrix);

/* dense.c */
extern double *lp_alloc(size_t n);
extern void lp_syevd(LpRun *run, int n, double *a, double *w);
extern void lp_svt_sym(LpRun *run, int n, double *m, double tau, double *evals,
					   double *scratch);
extern void lp_svt_rect(LpRun *run, int m, int n, double *a, double tau,
						double *out, double *u, double *vt, double *s);
extern void lp_symmetrize_upper(double *m, int n);
extern void lp_gip_kernel(const double *A, int nl, int nr, bool rows,
						  double gamma_rel, double *K);
extern void lp_fuse(double *K, const double *S, int n, double w,
					const double *A, int nl, int nr, bool rows, bool guard);

/* methods.c */
extern void lp_score(LpRun *run, const double *A, const double *Sl,
					 const double *Sr, int nl, int nr, double *F);

/* metrics.c */
extern void lp_auc_ap(const double *score, const bool *label, int n,
					  double *auroc, double *ap);

#endif							/* PRECMED_LINKPRED_H */
