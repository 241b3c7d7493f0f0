/* Small dense linear algebra for the model-based derivative-free solvers (pounders, dfols).
 * Matrices are row-major; the sizes are those of interpolation models (tens of rows), so plain
 * loops suffice and the library needs no LAPACK. The vector helpers are the least-squares
 * solvers' (least_squares/linalg.h). */
#ifndef GPUOPT_DFO_LINALG_H
#define GPUOPT_DFO_LINALG_H

#include <stddef.h>

#include "../least_squares/linalg.h" /* ls_dot, ls_matvec */

/* The plain two-norm sqrt(a'a) (ls_norm is the scaled one). */
double dfo_norm(const double *a, size_t n);
/* x' A x with A n x n. */
double dfo_quadform(const double *A, const double *x, size_t n);

/* Solves A X = B in place (A n x n, overwritten by its LU factors; B n x k, overwritten by X),
 * partial pivoting. piv: n scratch. Returns 0 when A is singular. */
int dfo_solve(double *A, double *B, size_t n, size_t k, size_t *piv);

/* Cholesky A = L L' in place (lower triangle of A n x n receives L). Returns 0 when A is not
 * positive definite. */
int dfo_cholesky(double *A, size_t n);
/* Solves L y = b (lower) in place. */
void dfo_forward(const double *L, double *b, size_t n);
/* Solves L' y = b in place. */
void dfo_backward_t(const double *L, double *b, size_t n);

/* The full orthogonal factor Q (rows x rows) of the Householder QR of A (rows x cols), with
 * LAPACK's reflector convention (beta = -sign(alpha) norm; a zero column gives the identity), so
 * that Q matches dgeqrf/dorgqr. work: rows x cols + rows scratch. */
void dfo_qr_q(const double *A, size_t rows, size_t cols, double *Q, double *work);

/* Eigen-decomposition of the symmetric A (n x n) by cyclic Jacobi: eigenvalues in w (ascending),
 * eigenvectors in the columns of V (n x n). work: n x n scratch. */
void dfo_sym_eigen(const double *A, size_t n, double *w, double *V, double *work);

#endif /* GPUOPT_DFO_LINALG_H */
