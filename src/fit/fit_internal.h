/* Internal layout of the curve_fit result (src/fit/curve_fit.c fills it, src/fit/fit_result.c
 * computes its covariance and serves the accessors). */
#ifndef GPUOPT_FIT_INTERNAL_H
#define GPUOPT_FIT_INTERNAL_H

#include "../core.h"
#include "gpuopt/fit.h"

struct gpuopt_fit_result {
    size_t n_params, n_data;
    double *params;    /* n_params */
    double *cov;       /* n_params^2 */
    double *stderr_;   /* n_params */
    double *residuals; /* n_data */
    double *jac;       /* n_data x n_params */
    double ssr, s2;
    size_t dof, rank;
    gpuopt_covariance_status cov_status;
    char cov_message[512];
    gpuopt_status stop;
    int converged;
    char message[256];
    char solver[64];
    int64_t n_evaluations, n_iterations;
};

/* A result with its arrays allocated (NaN-filled); NULL when out of memory. */
gpuopt_fit_result *gpuopt_fit_result_alloc(size_t n_params, size_t n_data);

/* Sets cov, stderr_ and rank from jac, ssr and dof (scipy's curve_fit rule: pseudo-inverse of
 * J by SVD with the cut-off eps * max(n_data, n_params) * s_max, scaled by s^2 unless
 * absolute_sigma; a rank-deficient J leaves the covariance unavailable). */
void gpuopt_fit_covariance(gpuopt_fit_result *r, int absolute_sigma);

#endif /* GPUOPT_FIT_INTERNAL_H */
