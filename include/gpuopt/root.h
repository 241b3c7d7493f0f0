/* Root finding: solve F(x) = 0 for F: R^n -> R^n with GSL's multiroot solvers.
 *
 * The system is a gpuopt problem whose criterion has n outputs at dimension n (kind
 * GPUOPT_CRITERION_LEAST_SQUARES is the natural one): its batch callback receives X
 * (n_points x n, row-major) and writes F (n_points x n). Every evaluation of F and every
 * finite-difference Jacobian (one batch of stencil points) runs on the context's backend.
 * Bounds of the problem are ignored: the solvers are unconstrained.
 *
 *   gpuopt_root *solver;
 *   gpuopt_root_create(&solver, ctx, "hybr");       // hybr | newton | broyden
 *   gpuopt_root_set_option(solver, "ftol=1e-12");
 *   gpuopt_root_result *res = NULL;
 *   gpuopt_status stop = gpuopt_root_solve(solver, system, x0, &res);
 *
 * See docs/root_finding.md for the methods, their options and what GSL does underneath. */
#ifndef GPUOPT_ROOT_H
#define GPUOPT_ROOT_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gpuopt_context gpuopt_context;
typedef struct gpuopt_problem gpuopt_problem;
typedef struct gpuopt_option_info gpuopt_option_info;
typedef struct gpuopt_root gpuopt_root;
typedef struct gpuopt_root_result gpuopt_root_result;

/* The Jacobian of F at x: n x n, row-major, jac[i * n + j] = dF_i / dx_j. Return 0 on
 * success; any other value stops the solve with GPUOPT_ERR_CALLBACK. */
typedef int (*gpuopt_root_jacobian_fn)(const double *x, size_t n, double *jac, void *user);

/* The methods, by index (0..count-1): "hybr", "newton", "broyden". */
size_t gpuopt_root_method_count(void);
const char *gpuopt_root_method_at(size_t index);
/* The options of a method (name or alias), by index; GPUOPT_ERR_INVALID_ARGUMENT past the end. */
gpuopt_status gpuopt_root_option_at(const char *method, size_t index, gpuopt_option_info *info);

/* A solver for `method` ("hybr" (alias "hybridsj"), "newton" (alias "gnewton"), "broyden")
 * on ctx's backend; ctx must outlive it. An unknown method gives GPUOPT_ERR_UNKNOWN_ALGORITHM
 * with the nearest names in gpuopt_last_error(). */
gpuopt_status gpuopt_root_create(gpuopt_root **solver, gpuopt_context *ctx, const char *method);
gpuopt_status gpuopt_root_destroy(gpuopt_root **solver);
const char *gpuopt_root_method(const gpuopt_root *solver);

/* Options, as "key=value" text or typed, validated against the method's table (unknown keys
 * name the nearest ones). Main keys: xtol, xtol_abs, ftol, stopping.max_iterations,
 * stopping.max_criterion_evaluations, numdiff.method, numdiff.step_size. */
gpuopt_status gpuopt_root_set_option(gpuopt_root *solver, const char *key_equals_value);
gpuopt_status gpuopt_root_set_double(gpuopt_root *solver, const char *key, double value);
gpuopt_status gpuopt_root_set_int(gpuopt_root *solver, const char *key, int64_t value);
gpuopt_status gpuopt_root_set_string(gpuopt_root *solver, const char *key, const char *value);
gpuopt_status gpuopt_root_get_option(const gpuopt_root *solver, const char *key, char *buf,
                                     size_t len);

/* The user's Jacobian, written for systems of n unknowns (a solve on a system of another
 * dimension fails with GPUOPT_ERR_BAD_DIMENSION). fn = NULL goes back to finite differences
 * (numdiff.* options), computed on the backend as one batch per Jacobian. */
gpuopt_status gpuopt_root_set_jacobian(gpuopt_root *solver, size_t n, gpuopt_root_jacobian_fn fn,
                                       void *user);

/* Solves system(x) = 0 from x0 (n values; NULL: the problem's start point). Returns the stop
 * reason (positive: converged or why it stopped) or an error (negative; the message is in
 * gpuopt_root_errmsg). *result is written whenever the solve got past its argument checks,
 * also on an error after some iterations (it then holds the best point found). */
gpuopt_status gpuopt_root_solve(gpuopt_root *solver, gpuopt_problem *system, const double *x0,
                                gpuopt_root_result **result);
const char *gpuopt_root_errmsg(const gpuopt_root *solver);

/* ----------------------------------------------------------------- result */

gpuopt_status gpuopt_root_result_destroy(gpuopt_root_result **result);
size_t gpuopt_root_result_dim(const gpuopt_root_result *r);
/* The point with the smallest |F| among the iterates, and F there (dim values each). */
const double *gpuopt_root_result_x(const gpuopt_root_result *r);
const double *gpuopt_root_result_f(const gpuopt_root_result *r);
/* |F(x)|, the Euclidean norm. */
double gpuopt_root_result_norm(const gpuopt_root_result *r);
int64_t gpuopt_root_result_n_iterations(const gpuopt_root_result *r);
/* Points at which F was evaluated, finite-difference stencil points included. */
int64_t gpuopt_root_result_n_evaluations(const gpuopt_root_result *r);
/* Jacobians computed (user callback calls or finite-difference stencils). */
int64_t gpuopt_root_result_n_jacobian_evaluations(const gpuopt_root_result *r);
gpuopt_status gpuopt_root_result_stop_reason(const gpuopt_root_result *r);
int gpuopt_root_result_converged(const gpuopt_root_result *r);
const char *gpuopt_root_result_message(const gpuopt_root_result *r);
const char *gpuopt_root_result_method(const gpuopt_root_result *r);
double gpuopt_root_result_wall_time(const gpuopt_root_result *r);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_ROOT_H */
