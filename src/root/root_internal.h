/* Root finding internals: the solver handle, the evaluator that gives GSL F and its Jacobian
 * on the context's backend, and gpuopt's Broyden solver type for GSL. */
#ifndef GPUOPT_ROOT_INTERNAL_H
#define GPUOPT_ROOT_INTERNAL_H

#include <gsl/gsl_multiroots.h>

#include "../core.h"
#include "../derivatives/fd.h"

struct gpuopt_root {
    gpuopt_context *ctx;
    const gpuopt_algorithm *method; /* name, aliases and option table (never registered) */
    gpuopt_optimizer *options;      /* options only: the machinery of src/options.c */
    gpuopt_root_jacobian_fn jacobian;
    size_t jacobian_n;
    void *jacobian_user;
    char errmsg[GPUOPT_ERRMSG_LEN];
};

/* Switches GSL's abort-on-error handler off, once per process (thread-safe). */
void gpuopt_root_gsl_quiet(void);

/* What the GSL callbacks see: F and J at one point, evaluated on the backend. The first
 * failure is sticky: later calls return at once with NaN outputs, and the solve loop stops. */
typedef struct root_eval {
    gpuopt_backend *backend;
    gpuopt_eval_target target;
    size_t n;
    gpuopt_dptr x_dev, raw_dev, f_dev;
    double *x_host, *f_host, *jac_host; /* n, n, n x n */
    gpuopt_fd_workspace ws;
    gpuopt_fd_spec spec;
    gpuopt_root_jacobian_fn jacobian;
    void *jacobian_user;
    const double *x0;         /* for the penalty of error_handling=continue */
    int replace_nonfinite;    /* error_handling=continue */
    double penalty_constant, penalty_slope;
    int64_t n_evaluations, n_jacobians;
    gpuopt_status error;
    char *errmsg;
    size_t errmsg_len;
} root_eval;

gpuopt_status gpuopt_root_eval_init(root_eval *e, gpuopt_backend *b, const gpuopt_eval_target *t,
                                    char *errmsg, size_t len);
void gpuopt_root_eval_free(root_eval *e);
/* F at x into f (host, n values); counts the evaluation. */
gpuopt_status gpuopt_root_eval_f(root_eval *e, const double *x, double *f);
/* The GSL function with Jacobian whose params is the root_eval. */
gsl_multiroot_function_fdf gpuopt_root_eval_gsl(root_eval *e);

/* Broyden's method (GSL's broyden: inverse rank-1 update with its line search and restart
 * rule) as a GSL fdfsolver, so its Jacobians come from the user or the batched stencil. */
extern const gsl_multiroot_fdfsolver_type *const gpuopt_root_broyden;

#endif /* GPUOPT_ROOT_INTERNAL_H */
