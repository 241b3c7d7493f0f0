/* Dense linear algebra on the host (row-major): vector helpers shared with the model-based
 * derivative-free solvers (dfo/dfo_linalg.h), and the least-squares solvers' thin SVD,
 * trust-region subproblem, quadratic models and steps to bounds (linalg.c). */
#ifndef GPUOPT_ALGORITHMS_LEAST_SQUARES_LINALG_H
#define GPUOPT_ALGORITHMS_LEAST_SQUARES_LINALG_H

#include <stddef.h>

double ls_dot(const double *a, const double *b, size_t n);
double ls_norm(const double *a, size_t n);
double ls_norm_inf(const double *a, size_t n);
/* out (m) = A (m x n, row-major, leading dimension lda) s. */
void ls_matvec(const double *A, size_t m, size_t n, size_t lda, const double *s, double *out);
/* out (n) = A' f. */
void ls_matvec_t(const double *A, size_t m, size_t n, size_t lda, const double *f, double *out);

/* Thin SVD of A (rows x cols, row-major; destroyed): U (rows x k), s (k), VT (k x cols), k =
 * min(rows, cols). Returns 0 on success. */
int ls_svd(double *A, size_t rows, size_t cols, double *U, double *s, double *VT);

/* scipy's solve_lsq_trust_region: min ||J p + f||, ||p|| <= Delta, with J = U diag(s) V' (k
 * singular values, VT k x n), uf = U' f. full_rank: whether J (m x n) has m >= n and s[k-1] >
 * eps m s[0]. *alpha: the initial Levenberg-Marquardt parameter (0: none), then the final one.
 * work: k values. */
void ls_solve_trust_region(size_t n, size_t k, int full_rank, const double *uf, const double *s,
                           const double *VT, double Delta, double *alpha, double *p,
                           double *work);
int ls_full_rank(size_t m, size_t n, size_t k, const double *s);
/* p = -V diag(s / (s^2 + alpha)) uf (terms with s^2 + alpha = 0 left out). */
void ls_svd_step(size_t n, size_t k, const double *uf, const double *s, const double *VT,
                 double alpha, double *p);

/* 0.5 ||J s||^2 + 0.5 s' diag(d) s + g's (diag NULL: none); Js: m scratch values. */
double ls_quadratic(const double *J, size_t m, size_t n, const double *g, const double *s,
                    const double *diag, double *Js);
/* The quadratic along s from s0 (s0 NULL: from 0): a t^2 + b t + c. Js, Js0: m scratch values. */
void ls_quadratic_1d(const double *J, size_t m, size_t n, const double *g, const double *s,
                     const double *s0, const double *diag, double *Js, double *Js0, double *a,
                     double *b, double *c);
/* argmin of a t^2 + b t + c over [lb, ub]; *value receives the minimum. */
double ls_minimize_1d(double a, double b, double lb, double ub, double c, double *value);
/* The largest t with lb <= x + t s <= ub, and hits[j] = sign(s_j) for the coordinates reaching
 * their bound at t (0 elsewhere; hits may be NULL). x NULL: x = 0. */
double ls_step_to_bound(const double *x, const double *s, const double *lb, const double *ub,
                        size_t n, int *hits);
/* The two t with ||x + t s|| = Delta (x inside the region): *t_neg <= 0 <= *t_pos. */
void ls_intersect_trust_region(const double *x, const double *s, double Delta, size_t n,
                               double *t_neg, double *t_pos);
/* Minimum-norm least-squares solution of A x = b (A m x n, destroyed; b has max(m, n) values
 * and receives x in its first n) with rcond = machine epsilon (numpy's lstsq, rcond=-1).
 * Returns 0 on success. */
int ls_lstsq(double *A, size_t m, size_t n, double *b);

#endif /* GPUOPT_ALGORITHMS_LEAST_SQUARES_LINALG_H */
