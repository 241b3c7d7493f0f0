/* Batched numerical derivatives: gradients, Jacobians and Hessians by finite differences.
 *
 * Every stencil (the 2n+1 points of a central gradient, the O(n^2) points of a Hessian) is
 * generated on the context's backend, evaluated there as one batch with the problem's
 * criterion (the path gpuopt_minimize uses), and combined there; only the result is copied
 * back. Steps follow estimagic's rules, respect the problem's bounds, and can be refined by
 * Richardson extrapolation. See docs/derivatives.md for the formulas and the exact rules. */
#ifndef GPUOPT_DERIVATIVES_H
#define GPUOPT_DERIVATIVES_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gpuopt_context gpuopt_context;
typedef struct gpuopt_problem gpuopt_problem;
typedef struct gpuopt_derivative gpuopt_derivative;

/* A differentiator on ctx's backend (ctx must outlive it). It keeps its options and its
 * backend buffers between calls: repeated derivatives of the same size allocate nothing. */
gpuopt_status gpuopt_derivative_create(gpuopt_derivative **d, gpuopt_context *ctx);
gpuopt_status gpuopt_derivative_destroy(gpuopt_derivative **d);

/* Options, as "key=value" text or typed:
 *   method          auto (default: central for first derivatives, central_cross for second),
 *                   central | forward | backward (first derivatives),
 *                   central_cross | central_average | forward | backward (second derivatives)
 *   step_size       auto (default: the rule of thumb) or the base step (> 0) of every coordinate
 *   scaling_factor  > 0, default 1: multiplies the base step
 *   min_steps       auto (default: the base step, i.e. no shrinking) or > 0: how far bounds may
 *                   shrink a step
 *   n_steps         1..8, default 1; > 1 turns on Richardson extrapolation over that many steps
 *                   per direction
 *   step_ratio      > 1, default 2: the ratio of consecutive Richardson steps
 *   error_handling  raise (default): a non-finite value or a coordinate without room for a step
 *                   is an error; continue: such points are left out, entries without any
 *                   estimate are NaN
 * Values out of range (e.g. steps <= 0) give GPUOPT_ERR_OPTION_RANGE, unknown keys
 * GPUOPT_ERR_UNKNOWN_OPTION, text that is not a number GPUOPT_ERR_OPTION_TYPE. */
gpuopt_status gpuopt_derivative_set_option(gpuopt_derivative *d, const char *key_equals_value);
gpuopt_status gpuopt_derivative_set_string(gpuopt_derivative *d, const char *key,
                                           const char *value);
gpuopt_status gpuopt_derivative_set_double(gpuopt_derivative *d, const char *key, double value);
/* The current value of an option as text. */
gpuopt_status gpuopt_derivative_get_option(const gpuopt_derivative *d, const char *key, char *buf,
                                           size_t len);
/* Per-coordinate base steps or minimum steps (dim values, each > 0), used instead of
 * step_size / min_steps; NULL goes back to those options. dim must match the problem's. */
gpuopt_status gpuopt_derivative_set_steps(gpuopt_derivative *d, const double *steps, size_t dim);
gpuopt_status gpuopt_derivative_set_min_steps(gpuopt_derivative *d, const double *min_steps,
                                              size_t dim);

/* The gradient of the problem's (aggregated) criterion at x: dim values into grad. x must lie
 * within the problem's bounds (else GPUOPT_ERR_INVALID_ARGUMENT). */
gpuopt_status gpuopt_derivative_gradient(gpuopt_derivative *d, gpuopt_problem *problem,
                                         const double *x, double *grad);
/* The Jacobian of the criterion's outputs at x: n_outputs x dim, row-major (row i holds the
 * gradient of residual / contribution i; a scalar criterion gives its gradient as one row). */
gpuopt_status gpuopt_derivative_jacobian(gpuopt_derivative *d, gpuopt_problem *problem,
                                         const double *x, double *jac);
/* The Hessian of the (aggregated) criterion at x: dim x dim, row-major, exactly symmetric. */
gpuopt_status gpuopt_derivative_hessian(gpuopt_derivative *d, gpuopt_problem *problem,
                                        const double *x, double *hess);

/* The criterion evaluations of the last call (the stencil's points; also set by a call that
 * failed after evaluating), and about the last successful call: the aggregated criterion value
 * at x and the method name ("central", ...). */
int64_t gpuopt_derivative_n_evaluations(const gpuopt_derivative *d);
double gpuopt_derivative_value(const gpuopt_derivative *d);
const char *gpuopt_derivative_method(const gpuopt_derivative *d);
const char *gpuopt_derivative_errmsg(const gpuopt_derivative *d);

/* The analytic gradient (dim values) and Hessian (dim x dim, row-major) of a built-in problem
 * at x. Entries where the derivative does not exist are NaN (Ackley at the origin, Schwefel's
 * second derivative at x_i = 0). */
gpuopt_status gpuopt_problem_builtin_gradient(const char *name, size_t dim, const double *x,
                                              double *grad);
gpuopt_status gpuopt_problem_builtin_hessian(const char *name, size_t dim, const double *x,
                                             double *hess);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_DERIVATIVES_H */
