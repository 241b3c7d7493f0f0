/* Dense linear algebra of the least-squares solvers (host): the thin SVD and minimum-norm least
 * squares through LAPACKE, scipy's trust-region subproblem on the SVD (Moré 1978), and the small
 * vector helpers of scipy's _lsq/common.py (quadratic models, steps to bounds). */
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ls.h"

double ls_dot(const double *a, const double *b, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

/* Scaled two-norm (no overflow for large entries, as numpy's norm via BLAS dnrm2). */
double ls_norm(const double *a, size_t n)
{
    double scale = 0, ssq = 1;
    for (size_t i = 0; i < n; ++i) {
        double v = fabs(a[i]);
        if (v == 0)
            continue;
        if (scale < v) {
            ssq = 1 + ssq * (scale / v) * (scale / v);
            scale = v;
        } else {
            ssq += (v / scale) * (v / scale);
        }
    }
    return scale * sqrt(ssq);
}

double ls_norm_inf(const double *a, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; ++i)
        if (fabs(a[i]) > m || isnan(a[i]))
            m = fabs(a[i]);
    return m;
}

void ls_matvec(const double *A, size_t m, size_t n, size_t lda, const double *s, double *out)
{
    for (size_t i = 0; i < m; ++i)
        out[i] = ls_dot(A + i * lda, s, n);
}

void ls_matvec_t(const double *A, size_t m, size_t n, size_t lda, const double *f, double *out)
{
    for (size_t j = 0; j < n; ++j)
        out[j] = 0;
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
            out[j] += A[i * lda + j] * f[i];
}

int ls_svd(double *A, size_t rows, size_t cols, double *U, double *s, double *VT)
{
    if (rows > INT_MAX || cols > INT_MAX)
        return -1;
    lapack_int m = (lapack_int)rows, n = (lapack_int)cols, k = m < n ? m : n;
    double *copy = malloc(rows * cols * sizeof *copy);
    if (!copy)
        return -1;
    memcpy(copy, A, rows * cols * sizeof *copy);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', m, n, A, n, s, U, k, VT, n);
    if (info != 0) { /* divide and conquer failed to converge: QR iteration instead */
        double *superb = malloc((size_t)k * sizeof *superb);
        info = superb ? LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'S', m, n, copy, n, s, U, k, VT, n,
                                       superb)
                      : -1;
        free(superb);
    }
    free(copy);
    return info == 0 ? 0 : -1;
}

int ls_lstsq(double *A, size_t m, size_t n, double *b)
{
    if (m > INT_MAX || n > INT_MAX)
        return -1;
    size_t k = m < n ? m : n;
    double *s = malloc((k ? k : 1) * sizeof *s);
    if (!s)
        return -1;
    lapack_int rank = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, 1, A,
                                     (lapack_int)n, b, 1, s, -1.0, &rank);
    free(s);
    return info == 0 ? 0 : -1;
}

int ls_full_rank(size_t m, size_t n, size_t k, const double *s)
{
    return m >= n && k > 0 && s[k - 1] > DBL_EPSILON * (double)m * s[0];
}

void ls_svd_step(size_t n, size_t k, const double *uf, const double *s, const double *VT,
                 double alpha, double *p)
{
    for (size_t j = 0; j < n; ++j)
        p[j] = 0;
    for (size_t i = 0; i < k; ++i) {
        double denom = s[i] * s[i] + alpha;
        if (denom == 0)
            continue;
        double c = -s[i] * uf[i] / denom;
        for (size_t j = 0; j < n; ++j)
            p[j] += VT[i * n + j] * c;
    }
}

/* phi(alpha) = ||p(alpha)|| - Delta and its derivative (suf = s * uf). */
static void phi_and_derivative(size_t k, const double *suf, const double *s, double alpha,
                               double Delta, double *phi, double *phi_prime)
{
    double norm2 = 0, d = 0;
    for (size_t i = 0; i < k; ++i) {
        double denom = s[i] * s[i] + alpha;
        double t = suf[i] / denom;
        norm2 += t * t;
        d += suf[i] * suf[i] / (denom * denom * denom);
    }
    double p_norm = sqrt(norm2);
    *phi = p_norm - Delta;
    *phi_prime = p_norm > 0 ? -d / p_norm : -INFINITY;
}

void ls_solve_trust_region(size_t n, size_t k, int full_rank, const double *uf, const double *s,
                           const double *VT, double Delta, double *alpha, double *p,
                           double *work)
{
    double *suf = work;
    for (size_t i = 0; i < k; ++i)
        suf[i] = s[i] * uf[i];
    if (full_rank) {
        ls_svd_step(n, k, uf, s, VT, 0.0, p);
        if (ls_norm(p, n) <= Delta) {
            *alpha = 0;
            return;
        }
    }
    double upper = ls_norm(suf, k) / Delta, lower = 0, phi, phi_prime;
    if (upper == 0) { /* J' f = 0: the zero step */
        memset(p, 0, n * sizeof *p);
        *alpha = 0;
        return;
    }
    if (full_rank) {
        phi_and_derivative(k, suf, s, 0.0, Delta, &phi, &phi_prime);
        lower = -phi / phi_prime;
    }
    double a = *alpha;
    if (!full_rank && a == 0)
        a = fmax(0.001 * upper, sqrt(lower * upper));
    for (int it = 0; it < 10; ++it) {
        if (a < lower || a > upper)
            a = fmax(0.001 * upper, sqrt(lower * upper));
        phi_and_derivative(k, suf, s, a, Delta, &phi, &phi_prime);
        if (phi < 0)
            upper = a;
        double ratio = phi / phi_prime;
        lower = fmax(lower, a - ratio);
        a -= (phi + Delta) * ratio / Delta;
        if (fabs(phi) < 0.01 * Delta)
            break;
    }
    ls_svd_step(n, k, uf, s, VT, a, p);
    double norm = ls_norm(p, n);
    if (norm > 0)
        for (size_t j = 0; j < n; ++j)
            p[j] *= Delta / norm;
    *alpha = a;
}

double ls_quadratic(const double *J, size_t m, size_t n, const double *g, const double *s,
                    const double *diag, double *Js)
{
    ls_matvec(J, m, n, n, s, Js);
    double q = ls_dot(Js, Js, m);
    if (diag)
        for (size_t j = 0; j < n; ++j)
            q += s[j] * diag[j] * s[j];
    return 0.5 * q + ls_dot(s, g, n);
}

void ls_quadratic_1d(const double *J, size_t m, size_t n, const double *g, const double *s,
                     const double *s0, const double *diag, double *Js, double *Js0, double *a,
                     double *b, double *c)
{
    ls_matvec(J, m, n, n, s, Js);
    double aa = ls_dot(Js, Js, m);
    if (diag)
        for (size_t j = 0; j < n; ++j)
            aa += s[j] * diag[j] * s[j];
    *a = 0.5 * aa;
    *b = ls_dot(g, s, n);
    *c = 0;
    if (!s0)
        return;
    ls_matvec(J, m, n, n, s0, Js0);
    *b += ls_dot(Js0, Js, m);
    *c = 0.5 * ls_dot(Js0, Js0, m) + ls_dot(g, s0, n);
    if (diag)
        for (size_t j = 0; j < n; ++j) {
            *b += s0[j] * diag[j] * s[j];
            *c += 0.5 * s0[j] * diag[j] * s0[j];
        }
}

double ls_minimize_1d(double a, double b, double lb, double ub, double c, double *value)
{
    double t[3] = {lb, ub, 0};
    int count = 2;
    if (a != 0) {
        double extremum = -0.5 * b / a;
        if (lb < extremum && extremum < ub)
            t[count++] = extremum;
    }
    int best = 0;
    double best_y = t[0] * (a * t[0] + b) + c;
    for (int i = 1; i < count; ++i) {
        double y = t[i] * (a * t[i] + b) + c;
        if (y < best_y) {
            best = i;
            best_y = y;
        }
    }
    *value = best_y;
    return t[best];
}

static double step_to_bound_j(double x, double s, double lb, double ub)
{
    if (s == 0)
        return INFINITY;
    return fmax((lb - x) / s, (ub - x) / s);
}

double ls_step_to_bound(const double *x, const double *s, const double *lb, const double *ub,
                        size_t n, int *hits)
{
    double min_step = INFINITY;
    for (size_t j = 0; j < n; ++j)
        min_step = fmin(min_step, step_to_bound_j(x ? x[j] : 0, s[j], lb[j], ub[j]));
    for (size_t j = 0; hits && j < n; ++j)
        hits[j] = step_to_bound_j(x ? x[j] : 0, s[j], lb[j], ub[j]) == min_step
                      ? (s[j] > 0) - (s[j] < 0)
                      : 0;
    return min_step;
}

void ls_intersect_trust_region(const double *x, const double *s, double Delta, size_t n,
                               double *t_neg, double *t_pos)
{
    double a = ls_dot(s, s, n), b = ls_dot(x, s, n), c = ls_dot(x, x, n) - Delta * Delta;
    if (a == 0 || c > 0) { /* no direction, or x outside: no move along s */
        *t_neg = *t_pos = 0;
        return;
    }
    double d = sqrt(b * b - a * c);
    double q = -(b + copysign(d, b));
    double t1 = q / a, t2 = q != 0 ? c / q : 0;
    *t_neg = fmin(t1, t2);
    *t_pos = fmax(t1, t2);
}
