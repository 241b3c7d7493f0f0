/* Linear least squares as numpy: gpuopt_lstsq (numpy.linalg.lstsq: LAPACK dgelsd, the SVD with
 * a divide-and-conquer solver) and gpuopt_polyfit (numpy.polyfit: the column-scaled,
 * optionally weighted Vandermonde system solved by gpuopt_lstsq). */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "gpuopt/fit.h"

static gpuopt_status check_lstsq_args(const double *A, size_t m, size_t n, const double *B,
                                      size_t nrhs, const double *X)
{
    if (!A || !B || !X)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_lstsq: A, B and X must not be NULL");
    if (m == 0 || n == 0 || nrhs == 0)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "gpuopt_lstsq: m = %zu, n = %zu, nrhs = %zu; each must be "
                                     ">= 1",
                                     m, n, nrhs);
    for (size_t i = 0; i < m * n; ++i)
        if (!isfinite(A[i]))
            return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                         "gpuopt_lstsq: A[%zu] is %g; entries must be finite", i,
                                         A[i]);
    for (size_t i = 0; i < m * nrhs; ++i)
        if (!isfinite(B[i]))
            return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                         "gpuopt_lstsq: B[%zu] is %g; entries must be finite", i,
                                         B[i]);
    return GPUOPT_SUCCESS;
}

/* The residual sums of squares: rows n..m-1 of dgelsd's B, per column. */
static void lstsq_residuals(const double *b, size_t m, size_t n, size_t nrhs, int full,
                            double *residuals)
{
    for (size_t j = 0; j < nrhs; ++j) {
        double s = 0.0;
        for (size_t i = n; i < m; ++i)
            s += b[i * nrhs + j] * b[i * nrhs + j];
        residuals[j] = full ? s : NAN;
    }
}

static gpuopt_status run_dgelsd(double *a, double *b, size_t m, size_t n, size_t nrhs,
                                double rcond, double *s, size_t *rank)
{
    lapack_int r = 0;
    lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n,
                                     (lapack_int)nrhs, a, (lapack_int)n, b, (lapack_int)nrhs, s,
                                     rcond, &r);
    if (info != 0)
        return gpuopt_set_last_error(info > 0 ? GPUOPT_ERR_INVALID_ARGUMENT : GPUOPT_ERR_INTERNAL,
                                     "gpuopt_lstsq: LAPACK dgelsd failed (info %d): %s",
                                     (int)info,
                                     info > 0 ? "the SVD did not converge" : "bad argument");
    *rank = (size_t)r;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_lstsq(const double *A, size_t m, size_t n, const double *B, size_t nrhs,
                           double rcond, double *X, double *residuals, double *singular_values,
                           gpuopt_lstsq_info *info)
{
    gpuopt_status st = check_lstsq_args(A, m, n, B, nrhs, X);
    if (st)
        return st;
    size_t rows = m > n ? m : n, k = m < n ? m : n;
    if (rcond < 0.0 || isnan(rcond))
        rcond = DBL_EPSILON * (double)rows;
    double *a = malloc(m * n * sizeof *a), *b = calloc(rows * nrhs, sizeof *b);
    double *s = malloc(k * sizeof *s);
    size_t rank = 0;
    if (!a || !b || !s)
        st = gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "gpuopt_lstsq: out of memory");
    if (!st) {
        memcpy(a, A, m * n * sizeof *a);
        memcpy(b, B, m * nrhs * sizeof *b);
        st = run_dgelsd(a, b, m, n, nrhs, rcond, s, &rank);
    }
    if (!st) {
        int full = m > n && rank == n;
        memcpy(X, b, n * nrhs * sizeof *X);
        if (residuals)
            lstsq_residuals(b, m, n, nrhs, full, residuals);
        if (singular_values)
            memcpy(singular_values, s, k * sizeof *s);
        if (info)
            *info = (gpuopt_lstsq_info){.rank = rank, .rcond = rcond, .has_residuals = full};
    }
    free(a);
    free(b);
    free(s);
    return st;
}

/* ---------------------------------------------------------------- polyfit */

/* The weighted Vandermonde matrix (highest power first), its columns scaled to unit norm. */
static void scaled_vandermonde(const double *x, const double *w, size_t n, size_t order,
                               double *lhs, double *scale)
{
    for (size_t i = 0; i < n; ++i) {
        double v = w ? w[i] : 1.0;
        for (size_t j = order; j-- > 0;) {
            lhs[i * order + j] = v;
            v *= x[i];
        }
    }
    for (size_t j = 0; j < order; ++j) {
        double s = 0.0;
        for (size_t i = 0; i < n; ++i)
            s += lhs[i * order + j] * lhs[i * order + j];
        scale[j] = s > 0.0 ? sqrt(s) : 1.0;
        for (size_t i = 0; i < n; ++i)
            lhs[i * order + j] /= scale[j];
    }
}

/* inv(lhs' lhs) / outer(scale, scale) * fac into cov; NaN entries when lhs' lhs is singular. */
static void polyfit_covariance(const double *lhs, const double *scale, size_t n, size_t order,
                               double fac, double *cov)
{
    for (size_t i = 0; i < order; ++i)
        for (size_t j = 0; j < order; ++j) {
            double s = 0.0;
            for (size_t k = 0; k < n; ++k)
                s += lhs[k * order + i] * lhs[k * order + j];
            cov[i * order + j] = s;
        }
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)order, cov,
                                     (lapack_int)order);
    if (!info)
        info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', (lapack_int)order, cov, (lapack_int)order);
    for (size_t i = 0; i < order; ++i)
        for (size_t j = 0; j <= i; ++j) {
            double v = info ? NAN : cov[i * order + j] / (scale[i] * scale[j]) * fac;
            cov[i * order + j] = cov[j * order + i] = v;
        }
}

static gpuopt_status check_polyfit_args(const double *x, const double *y, size_t n,
                                        const double *coef, gpuopt_polyfit_cov cov_mode,
                                        const double *cov, size_t order)
{
    if (!x || !y || !coef)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_polyfit: x, y and coef must not be NULL");
    if (n == 0)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "gpuopt_polyfit: no data points (n = 0)");
    if (cov_mode != GPUOPT_POLYFIT_COV_NONE && cov_mode != GPUOPT_POLYFIT_COV_SCALED &&
        cov_mode != GPUOPT_POLYFIT_COV_UNSCALED)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_polyfit: cov_mode %d is not NONE (0), SCALED (1) or "
                                     "UNSCALED (2)",
                                     (int)cov_mode);
    if (cov_mode != GPUOPT_POLYFIT_COV_NONE && !cov)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_polyfit: cov must not be NULL when cov_mode asks "
                                     "for the covariance");
    if (cov_mode == GPUOPT_POLYFIT_COV_SCALED && n <= order)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_polyfit: the number of data points (%zu) must exceed "
                                     "degree + 1 (%zu) to scale the covariance matrix",
                                     n, order);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_polyfit(const double *x, const double *y, size_t n, size_t degree,
                             const double *w, double rcond, double *coef, double *residual,
                             double *singular_values, gpuopt_polyfit_cov cov_mode, double *cov,
                             gpuopt_lstsq_info *info)
{
    size_t order = degree + 1;
    gpuopt_status st = check_polyfit_args(x, y, n, coef, cov_mode, cov, order);
    if (st)
        return st;
    if (rcond < 0.0 || isnan(rcond))
        rcond = (double)n * DBL_EPSILON;
    double *lhs = malloc(n * order * sizeof *lhs), *rhs = malloc(n * sizeof *rhs);
    double *scale = malloc(order * sizeof *scale);
    if (!lhs || !rhs || !scale)
        st = gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "gpuopt_polyfit: out of memory");
    gpuopt_lstsq_info li = {0};
    double ssr = NAN;
    if (!st) {
        for (size_t i = 0; i < n; ++i)
            rhs[i] = w ? y[i] * w[i] : y[i];
        scaled_vandermonde(x, w, n, order, lhs, scale);
        st = gpuopt_lstsq(lhs, n, order, rhs, 1, rcond, coef, &ssr, singular_values, &li);
    }
    if (!st) {
        for (size_t j = 0; j < order; ++j)
            coef[j] /= scale[j];
        if (residual)
            *residual = ssr;
        if (cov_mode != GPUOPT_POLYFIT_COV_NONE) {
            double fac = cov_mode == GPUOPT_POLYFIT_COV_SCALED ? ssr / (double)(n - order) : 1.0;
            polyfit_covariance(lhs, scale, n, order, fac, cov);
        }
        if (info)
            *info = li;
    }
    free(lhs);
    free(rhs);
    free(scale);
    return st;
}
