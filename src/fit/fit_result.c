/* The curve_fit result: its covariance (from the SVD of the Jacobian at the solution) and
 * accessors. */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_internal.h"

static double *nan_array(size_t n)
{
    double *a = malloc((n ? n : 1) * sizeof *a);
    for (size_t i = 0; a && i < n; ++i)
        a[i] = NAN;
    return a;
}

gpuopt_fit_result *gpuopt_fit_result_alloc(size_t n_params, size_t n_data)
{
    gpuopt_fit_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->n_params = n_params;
    r->n_data = n_data;
    r->params = nan_array(n_params);
    r->cov = nan_array(n_params * n_params);
    r->stderr_ = nan_array(n_params);
    r->residuals = nan_array(n_data);
    r->jac = nan_array(n_data * n_params);
    r->ssr = r->s2 = NAN;
    if (!r->params || !r->cov || !r->stderr_ || !r->residuals || !r->jac)
        gpuopt_fit_result_destroy(&r);
    return r;
}

gpuopt_status gpuopt_fit_result_destroy(gpuopt_fit_result **result)
{
    if (!result)
        return GPUOPT_ERR_NULL_POINTER;
    gpuopt_fit_result *r = *result;
    if (r) {
        free(r->params);
        free(r->cov);
        free(r->stderr_);
        free(r->residuals);
        free(r->jac);
        free(r);
        *result = NULL;
    }
    return GPUOPT_SUCCESS;
}

static void unavailable(gpuopt_fit_result *r, gpuopt_covariance_status st, const char *msg)
{
    r->cov_status = st;
    snprintf(r->cov_message, sizeof r->cov_message, "covariance unavailable: %s", msg);
}

static int jacobian_finite(const gpuopt_fit_result *r)
{
    for (size_t i = 0; i < r->n_data * r->n_params; ++i)
        if (!isfinite(r->jac[i]))
            return 0;
    return 1;
}

/* Singular values s (n_params) and V' (n_params x n_params) of the Jacobian; 0 on success. */
static int jacobian_svd(const gpuopt_fit_result *r, double *s, double *vt)
{
    size_t m = r->n_data, p = r->n_params;
    double *a = malloc(m * p * sizeof *a);
    double *superb = malloc(p * sizeof *superb);
    int info = -1;
    if (a && superb) {
        memcpy(a, r->jac, m * p * sizeof *a);
        double u_unused = 0.0;
        info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'S', (lapack_int)m, (lapack_int)p, a,
                              (lapack_int)p, s, &u_unused, 1, vt, (lapack_int)p, superb);
    }
    free(a);
    free(superb);
    return info;
}

/* cov = V diag(scale / s^2) V' over the first rank singular values. */
static void fill_covariance(gpuopt_fit_result *r, const double *s, const double *vt,
                            double scale)
{
    size_t p = r->n_params;
    for (size_t i = 0; i < p; ++i) {
        for (size_t j = 0; j < p; ++j) {
            double c = 0.0;
            for (size_t k = 0; k < r->rank; ++k)
                c += vt[k * p + i] * vt[k * p + j] / (s[k] * s[k]);
            r->cov[i * p + j] = scale * c;
        }
    }
    for (size_t i = 0; i < p; ++i)
        r->stderr_[i] = sqrt(r->cov[i * p + i]);
}

static void singular_message(gpuopt_fit_result *r, const double *s, double cutoff)
{
    char msg[400];
    snprintf(msg, sizeof msg,
             "the Jacobian at the solution is rank-deficient (rank %zu of %zu parameters; "
             "smallest singular value %.3g <= cut-off %.3g): some parameters are not "
             "identified by the data",
             r->rank, r->n_params, s[r->n_params - 1], cutoff);
    unavailable(r, GPUOPT_COVARIANCE_SINGULAR, msg);
}

static void covariance_from_svd(gpuopt_fit_result *r, int absolute_sigma, const double *s,
                                const double *vt)
{
    size_t p = r->n_params;
    double cutoff = DBL_EPSILON * (double)(r->n_data > p ? r->n_data : p) * s[0];
    r->rank = 0;
    while (r->rank < p && s[r->rank] > cutoff)
        ++r->rank;
    if (r->rank < p) {
        singular_message(r, s, cutoff);
        return;
    }
    if (!absolute_sigma && r->dof == 0) {
        unavailable(r, GPUOPT_COVARIANCE_NO_DOF,
                    "as many data as parameters (0 degrees of freedom): the residual variance "
                    "SSR/(n-p) is undefined (absolute_sigma=1 gives inv(J'J))");
        return;
    }
    fill_covariance(r, s, vt, absolute_sigma ? 1.0 : r->s2);
}

void gpuopt_fit_covariance(gpuopt_fit_result *r, int absolute_sigma)
{
    if (r->cov_status == GPUOPT_COVARIANCE_JACOBIAN_FAILED)
        return;
    if (!jacobian_finite(r)) {
        unavailable(r, GPUOPT_COVARIANCE_NOT_FINITE,
                    "the Jacobian at the solution holds NaN or Inf");
        return;
    }
    size_t p = r->n_params;
    double *s = malloc(p * sizeof *s), *vt = malloc(p * p * sizeof *vt);
    if (!s || !vt)
        unavailable(r, GPUOPT_COVARIANCE_JACOBIAN_FAILED, "out of memory");
    else if (jacobian_svd(r, s, vt) != 0)
        unavailable(r, GPUOPT_COVARIANCE_NOT_FINITE, "the SVD of the Jacobian did not converge");
    else
        covariance_from_svd(r, absolute_sigma, s, vt);
    free(s);
    free(vt);
}

/* ---------------------------------------------------------------- accessors */

size_t gpuopt_fit_result_n_params(const gpuopt_fit_result *r)
{
    return r ? r->n_params : 0;
}

size_t gpuopt_fit_result_n_data(const gpuopt_fit_result *r)
{
    return r ? r->n_data : 0;
}

const double *gpuopt_fit_result_params(const gpuopt_fit_result *r)
{
    return r ? r->params : NULL;
}

const double *gpuopt_fit_result_covariance(const gpuopt_fit_result *r)
{
    return r ? r->cov : NULL;
}

const double *gpuopt_fit_result_stderr(const gpuopt_fit_result *r)
{
    return r ? r->stderr_ : NULL;
}

gpuopt_covariance_status gpuopt_fit_result_covariance_status(const gpuopt_fit_result *r)
{
    return r ? r->cov_status : GPUOPT_COVARIANCE_JACOBIAN_FAILED;
}

const char *gpuopt_fit_result_covariance_message(const gpuopt_fit_result *r)
{
    return r ? r->cov_message : "";
}

const double *gpuopt_fit_result_residuals(const gpuopt_fit_result *r)
{
    return r ? r->residuals : NULL;
}

double gpuopt_fit_result_ssr(const gpuopt_fit_result *r)
{
    return r ? r->ssr : NAN;
}

size_t gpuopt_fit_result_dof(const gpuopt_fit_result *r)
{
    return r ? r->dof : 0;
}

double gpuopt_fit_result_residual_variance(const gpuopt_fit_result *r)
{
    return r ? r->s2 : NAN;
}

const double *gpuopt_fit_result_jacobian(const gpuopt_fit_result *r)
{
    return r ? r->jac : NULL;
}

size_t gpuopt_fit_result_jacobian_rank(const gpuopt_fit_result *r)
{
    return r ? r->rank : 0;
}

gpuopt_status gpuopt_fit_result_stop_reason(const gpuopt_fit_result *r)
{
    return r ? r->stop : GPUOPT_ERR_NULL_POINTER;
}

int gpuopt_fit_result_converged(const gpuopt_fit_result *r)
{
    return r ? r->converged : 0;
}

const char *gpuopt_fit_result_message(const gpuopt_fit_result *r)
{
    return r ? r->message : "";
}

const char *gpuopt_fit_result_solver(const gpuopt_fit_result *r)
{
    return r ? r->solver : "";
}

int64_t gpuopt_fit_result_n_evaluations(const gpuopt_fit_result *r)
{
    return r ? r->n_evaluations : 0;
}

int64_t gpuopt_fit_result_n_iterations(const gpuopt_fit_result *r)
{
    return r ? r->n_iterations : 0;
}
