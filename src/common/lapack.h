/*
 * lapack.h: the LAPACK routines precmed calls (Fortran interface of
 * Debian's OpenBLAS, which bundles LAPACK).  Arguments are passed by
 * reference; matrices are column-major.
 */
#ifndef PRECMED_LAPACK_H
#define PRECMED_LAPACK_H

/* Solve A X = B for symmetric positive definite A (Cholesky). */
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a,
				   const int *lda, double *b, const int *ldb, int *info);

/* Eigenvalues (and eigenvectors) of a symmetric matrix, divide and conquer. */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
					const int *lda, double *w, double *work, const int *lwork,
					int *iwork, const int *liwork, int *info);

/* Singular value decomposition, divide and conquer. */
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a,
					const int *lda, double *s, double *u, const int *ldu,
					double *vt, const int *ldvt, double *work, const int *lwork,
					int *iwork, int *info);

#endif							/* PRECMED_LAPACK_H */
