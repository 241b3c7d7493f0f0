/* Curve fitting and linear least squares (see docs/fitting.md).
 *
 *  - gpuopt_curve_fit: scipy.optimize.curve_fit's job. A model y = f(x; p) given as a batch
 *    callback (all data points for several parameter vectors at once) or a point callback (one
 *    parameter vector), data x (n_data x x_dim), y, optional sigma, start parameters, optional
 *    bounds and a least-squares solver. The residuals (y - f(x; p)) / sigma form a gpuopt
 *    problem of kind GPUOPT_CRITERION_LEAST_SQUARES that gpuopt_minimize solves; the Jacobian at
 *    the solution comes from the batched derivative engine (gpuopt/derivatives.h) and gives the
 *    covariance of the parameters.
 *  - built-in models (exponential, gaussian, logistic, polynomial and the NIST StRD models) and a
 *    reader for NIST StRD nonlinear regression files (.dat).
 *  - gpuopt_lstsq (numpy.linalg.lstsq, LAPACK dgelsd) and gpuopt_polyfit (numpy.polyfit).
 *
 * Functions without a handle to keep their message report it through gpuopt_last_error(). */
#ifndef GPUOPT_FIT_H
#define GPUOPT_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gpuopt_context gpuopt_context;

/* ---------------------------------------------------------------- models */

/* The model at every data point for n_sets parameter vectors: params is row-major
 * n_sets x n_params, x row-major n_data x x_dim, y_model row-major n_sets x n_data.
 * Return 0 on success; any other value ends the fit with GPUOPT_ERR_CALLBACK. */
typedef int (*gpuopt_model_batch_fn)(const double *params, size_t n_sets, size_t n_params,
                                     const double *x, size_t n_data, size_t x_dim,
                                     double *y_model, void *user);
/* Convenience: one parameter vector; y_model holds n_data values. */
typedef int (*gpuopt_model_fn)(const double *params, size_t n_params, const double *x,
                               size_t n_data, size_t x_dim, double *y_model, void *user);

typedef struct gpuopt_fit_model {
    size_t n_params;
    gpuopt_model_batch_fn batch; /* set exactly one of batch, point and source */
    gpuopt_model_fn point;
    void *user;
    unsigned flags;   /* GPUOPT_CALLBACK_THREAD_SAFE: the CPU backend may call it from threads */
    const char *name; /* for messages and results; NULL: "model" */
    const char *source; /* model source text (gpuopt_fit_model_source), or NULL */
} gpuopt_fit_model;

/* A model given as source text defining
 *     double model(GPUOPT_GLOBAL const double *p, int n_params, double x)
 * (one data point x; data with x_dim 1). gpuopt_curve_fit writes the residual source with the
 * data embedded as GPUOPT_CONSTANT arrays (gpuopt/user_criteria.h, docs/fitting.md) and every
 * evaluation runs on the context's backend (cpu: the system C compiler; OpenCL; CUDA). Compile
 * errors return GPUOPT_ERR_SOURCE_COMPILE with the compiler's log naming `name` (NULL: "model")
 * and the lines of `source`. Fills *model (the text is not copied: it must outlive the fit). */
gpuopt_status gpuopt_fit_model_source(gpuopt_fit_model *model, const char *source,
                                      const char *name, size_t n_params);

/* A built-in model by name (case-insensitive): exponential a*exp(-b*x)+c, gaussian
 * a*exp(-(x-mu)^2/(2*s^2)), logistic L/(1+exp(-k*(x-x0))), polynomial (n_params = degree + 1
 * coefficients, highest degree first) and the NIST StRD models by data set name (misra1a,
 * chwirut2, lanczos3, mgh09, thurber, bennett5, eckerle4, rat43, ...). n_params: 0 for the
 * model's own count (required, >= 1, for polynomial; else 0 or that count). */
gpuopt_status gpuopt_fit_model_builtin(gpuopt_fit_model *model, const char *name,
                                       size_t n_params);
size_t gpuopt_fit_model_count(void);
/* Name, formula and parameter count (0: any) of built-in model i; NULL past the end. */
const char *gpuopt_fit_model_name(size_t i);
const char *gpuopt_fit_model_formula(size_t i);
size_t gpuopt_fit_model_n_params(size_t i);

/* ---------------------------------------------------------------- curve_fit */

typedef struct gpuopt_fit_data {
    const double *x;     /* n_data x x_dim, row-major */
    size_t n_data;
    size_t x_dim;        /* 0 is taken as 1 */
    const double *y;     /* n_y values; must equal n_data */
    size_t n_y;
    const double *sigma; /* NULL, or n_data values > 0: residual i is (y_i - f_i) / sigma_i */
} gpuopt_fit_data;

typedef struct gpuopt_fit_settings {
    const char *solver;                      /* NULL: "ls_lm", or "ls_trf" with bounds */
    const char *const *solver_options;       /* NULL-terminated "key=value" list, or NULL */
    const double *lower, *upper;             /* n_params each, or NULL (unbounded) */
    int absolute_sigma;                      /* 1: covariance inv(J'J), unscaled */
    const char *const *derivative_options;   /* for the Jacobian at the solution, or NULL */
} gpuopt_fit_settings;

typedef enum gpuopt_covariance_status {
    GPUOPT_COVARIANCE_OK = 0,
    GPUOPT_COVARIANCE_SINGULAR = 1,       /* J has rank < n_params at the solution */
    GPUOPT_COVARIANCE_NO_DOF = 2,         /* n_data == n_params: s^2 is undefined */
    GPUOPT_COVARIANCE_NOT_FINITE = 3,     /* the Jacobian holds NaN or Inf */
    GPUOPT_COVARIANCE_JACOBIAN_FAILED = 4 /* the derivative engine failed (see the message) */
} gpuopt_covariance_status;

typedef struct gpuopt_fit_result gpuopt_fit_result;

/* Fits model to data from p0 (n_params values; NULL: all ones, as scipy). settings may be NULL
 * (the defaults). Returns the optimizer's stop reason (positive) and writes *result; a negative
 * status (bad input, callback failure, unknown solver) leaves *result NULL, with the message in
 * gpuopt_last_error(). A covariance that cannot be computed is no error: see
 * gpuopt_fit_result_covariance_status. */
gpuopt_status gpuopt_curve_fit(gpuopt_fit_result **result, gpuopt_context *ctx,
                               const gpuopt_fit_model *model, const gpuopt_fit_data *data,
                               const double *p0, const gpuopt_fit_settings *settings);

gpuopt_status gpuopt_fit_result_destroy(gpuopt_fit_result **result);
size_t gpuopt_fit_result_n_params(const gpuopt_fit_result *r);
size_t gpuopt_fit_result_n_data(const gpuopt_fit_result *r);
const double *gpuopt_fit_result_params(const gpuopt_fit_result *r);
/* n_params x n_params, row-major; NaN entries when unavailable. */
const double *gpuopt_fit_result_covariance(const gpuopt_fit_result *r);
/* sqrt of the covariance's diagonal (NaN when unavailable). */
const double *gpuopt_fit_result_stderr(const gpuopt_fit_result *r);
gpuopt_covariance_status gpuopt_fit_result_covariance_status(const gpuopt_fit_result *r);
/* Why the covariance is unavailable, or "". */
const char *gpuopt_fit_result_covariance_message(const gpuopt_fit_result *r);
/* Weighted residuals (y - f) / sigma at the solution (n_data values), their sum of squares,
 * the degrees of freedom n_data - n_params and s^2 = SSR / dof (NaN when dof is 0). */
const double *gpuopt_fit_result_residuals(const gpuopt_fit_result *r);
double gpuopt_fit_result_ssr(const gpuopt_fit_result *r);
size_t gpuopt_fit_result_dof(const gpuopt_fit_result *r);
double gpuopt_fit_result_residual_variance(const gpuopt_fit_result *r);
/* The Jacobian of the weighted residuals at the solution (n_data x n_params, row-major; NaN
 * when the derivative engine failed) and its numerical rank. */
const double *gpuopt_fit_result_jacobian(const gpuopt_fit_result *r);
size_t gpuopt_fit_result_jacobian_rank(const gpuopt_fit_result *r);
/* The optimizer's account of the run. */
gpuopt_status gpuopt_fit_result_stop_reason(const gpuopt_fit_result *r);
int gpuopt_fit_result_converged(const gpuopt_fit_result *r);
const char *gpuopt_fit_result_message(const gpuopt_fit_result *r);
const char *gpuopt_fit_result_solver(const gpuopt_fit_result *r);
int64_t gpuopt_fit_result_n_evaluations(const gpuopt_fit_result *r);
int64_t gpuopt_fit_result_n_iterations(const gpuopt_fit_result *r);

/* ---------------------------------------------------------------- NIST StRD files */

typedef struct gpuopt_nist_dataset gpuopt_nist_dataset;

/* Reads a NIST StRD nonlinear regression file (e.g. Misra1a.dat): its data (y, x), both
 * starting points, the certified parameters and standard deviations and the certified residual
 * sum of squares. The name is the file's "Dataset Name"; the built-in model of that name
 * (lower case) fits it. */
gpuopt_status gpuopt_nist_read(gpuopt_nist_dataset **ds, const char *path);
gpuopt_status gpuopt_nist_destroy(gpuopt_nist_dataset **ds);
const char *gpuopt_nist_name(const gpuopt_nist_dataset *ds);
size_t gpuopt_nist_n_data(const gpuopt_nist_dataset *ds);
size_t gpuopt_nist_n_params(const gpuopt_nist_dataset *ds);
const double *gpuopt_nist_x(const gpuopt_nist_dataset *ds);
const double *gpuopt_nist_y(const gpuopt_nist_dataset *ds);
/* which: 1 or 2 (NULL otherwise). */
const double *gpuopt_nist_start(const gpuopt_nist_dataset *ds, int which);
const double *gpuopt_nist_certified_params(const gpuopt_nist_dataset *ds);
const double *gpuopt_nist_certified_stderr(const gpuopt_nist_dataset *ds);
double gpuopt_nist_certified_ssr(const gpuopt_nist_dataset *ds);

/* ---------------------------------------------------------------- linear least squares */

typedef struct gpuopt_lstsq_info {
    size_t rank;       /* the effective rank */
    double rcond;      /* the cut-off used: singular values <= rcond * s_max count as zero */
    int has_residuals; /* 1 when m > n and rank == n (as numpy: else no residuals) */
} gpuopt_lstsq_info;

/* Minimizes ||A X - B|| by SVD (LAPACK dgelsd), as numpy.linalg.lstsq. A is m x n, B m x nrhs,
 * X (out) n x nrhs, all row-major. rcond < 0: numpy's default eps * max(m, n). residuals (nrhs
 * values or NULL): the residual sum of squares per column when info->has_residuals, else NaN.
 * singular_values (min(m, n) values or NULL). info may be NULL. */
gpuopt_status gpuopt_lstsq(const double *A, size_t m, size_t n, const double *B, size_t nrhs,
                           double rcond, double *X, double *residuals, double *singular_values,
                           gpuopt_lstsq_info *info);

typedef enum gpuopt_polyfit_cov {
    GPUOPT_POLYFIT_COV_NONE = 0,
    GPUOPT_POLYFIT_COV_SCALED = 1,  /* numpy cov=True: scaled by residuals / (n - degree - 1) */
    GPUOPT_POLYFIT_COV_UNSCALED = 2 /* numpy cov="unscaled" */
} gpuopt_polyfit_cov;

/* Least-squares polynomial of the given degree through (x, y), n points, as numpy.polyfit:
 * coef (degree + 1 values) highest degree first; w (NULL or n weights) multiplies the
 * residuals; rcond < 0: numpy's default n * eps. residual (NULL or 1 value): the weighted
 * residual sum of squares (NaN when rank-deficient or n <= degree + 1, as numpy's empty array),
 * singular_values (NULL or degree + 1 values) of the scaled Vandermonde matrix, cov (NULL or
 * (degree + 1)^2 values, row-major) per cov_mode. */
gpuopt_status gpuopt_polyfit(const double *x, const double *y, size_t n, size_t degree,
                             const double *w, double rcond, double *coef, double *residual,
                             double *singular_values, gpuopt_polyfit_cov cov_mode, double *cov,
                             gpuopt_lstsq_info *info);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_FIT_H */
