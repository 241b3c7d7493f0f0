/* The batched finite-difference engine (internal API; the public one is gpuopt/derivatives.h).
 *
 * A derivative is three steps, the last two on the backend:
 *   1. steps   gpuopt_fd_make_steps: the bound-aware steps of every coordinate (host, O(dim))
 *   2. points  gpuopt_backend_fd_points: the stencil rows, written into a backend buffer; the
 *              rows are then evaluated as one batch (backend evaluate, or an algorithm's ask)
 *   3. combine gpuopt_backend_fd_combine: values -> gradient / Jacobian / Hessian on the backend
 * gpuopt_fd_compute runs all three (and the evaluation) with buffers kept in a workspace, so
 * repeated calls allocate nothing once the buffers are large enough.
 *
 * An algorithm that asks the framework to evaluate the stencil (ask/tell) allocates its run
 * buffers once from gpuopt_fd_stencil_rows, and per derivative: gpuopt_fd_make_steps, writes x
 * and the steps, gpuopt_backend_fd_points, asks for the batch, and in tell
 * gpuopt_backend_fd_combine on the batch's f (or raw) buffer. */
#ifndef GPUOPT_DERIVATIVES_FD_H
#define GPUOPT_DERIVATIVES_FD_H

#include <stddef.h>
#include <stdint.h>

#include "../../host/backend.h"
#include "../../kernels/fd.h"

/* The arguments of the backends' fd_points / fd_combine ops. Buffers are on the backend. */
struct gpuopt_fd_args {
    int order;          /* 1: gradient or Jacobian; 2: Hessian */
    int method;         /* GPUOPT_FD_* (kernels/fd.h) */
    int n_steps;        /* levels, 1..GPUOPT_FD_MAX_STEPS (Richardson when > 1) */
    size_t dim;
    size_t n_outputs;   /* values per stencil row in `values` (order 2: 1) */
    size_t n_rows;      /* stencil rows, gpuopt_fd_stencil_rows */
    gpuopt_dptr x;      /* dim values: the point */
    gpuopt_dptr steps;  /* 2 * n_steps * dim values (kernels/fd.h) */
    gpuopt_dptr points; /* n_rows x dim: written by fd_points */
    gpuopt_dptr values; /* n_rows x n_outputs: read by fd_combine */
    gpuopt_dptr out;    /* order 1: n_outputs x dim; order 2: dim x dim; written by fd_combine */
};

/* What to compute and how. */
#define GPUOPT_FD_RAISE 1    /* error_handling=raise: a non-finite value is an error */
#define GPUOPT_FD_CONTINUE 2 /* error_handling=continue: such points are left out */

typedef struct gpuopt_fd_spec {
    int order;               /* 1 or 2 */
    int method;              /* GPUOPT_FD_* valid for the order */
    int n_steps;             /* 1..GPUOPT_FD_MAX_STEPS */
    double step_ratio;       /* > 1 */
    double scaling_factor;   /* > 0 */
    double step_size;        /* > 0: base step of every coordinate; 0: rule of thumb */
    const double *steps;     /* NULL, or dim base steps (> 0), instead of step_size */
    double min_step;         /* > 0: for every coordinate; 0: the base step itself */
    const double *min_steps; /* NULL, or dim values (> 0), instead of min_step */
    int error_handling;      /* GPUOPT_FD_RAISE | GPUOPT_FD_CONTINUE */
} gpuopt_fd_spec;

/* A spec with estimagic's defaults for the order: central / central_cross, one step,
 * ratio 2, scaling 1, rule-of-thumb steps, no shrinking, error_handling=raise. */
gpuopt_fd_spec gpuopt_fd_default_spec(int order);

/* "central", "forward", ... for a GPUOPT_FD_* code; GPUOPT_FD_* for a name (0 if unknown). */
const char *gpuopt_fd_method_name(int method);
int gpuopt_fd_method_code(const char *name);
/* Whether the method is one for derivatives of this order. */
int gpuopt_fd_method_fits(int method, int order);

/* Checks the spec (method for the order, ranges of the numbers, vector steps > 0). */
gpuopt_status gpuopt_fd_check_spec(const gpuopt_fd_spec *spec, size_t dim, char *errmsg,
                                   size_t len);

/* Stencil rows for the spec at dim; GPUOPT_ERR_OUT_OF_MEMORY (naming the sizes) when the count
 * overflows. */
gpuopt_status gpuopt_fd_stencil_rows(const gpuopt_fd_spec *spec, size_t dim, size_t *rows,
                                     char *errmsg, size_t len);

/* The steps (2 * n_steps * dim values) at x inside [lower, upper] (NULL: unbounded). Fails with
 * GPUOPT_ERR_INVALID_ARGUMENT when x is outside the bounds or not finite, and, under
 * error_handling=raise, with GPUOPT_ERR_BAD_BOUNDS when the bounds leave a coordinate no step
 * of at least its minimum. */
gpuopt_status gpuopt_fd_make_steps(const gpuopt_fd_spec *spec, size_t dim, const double *x,
                                   const double *lower, const double *upper, double *steps,
                                   char *errmsg, size_t len);

/* The ops with their host fallbacks (read, compute with kernels/fd.h, write back). */
gpuopt_status gpuopt_backend_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a);
gpuopt_status gpuopt_backend_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a);

/* Host loops over kernels/fd.h (the fallbacks' work, and the CPU backend's with threads). */
void gpuopt_fd_host_points(const struct gpuopt_fd_args *a, const double *x, const double *steps,
                           double *points, size_t first_row, size_t n_rows);
void gpuopt_fd_host_combine_rows(const struct gpuopt_fd_args *a, const double *x,
                                 const double *steps, const double *values, double *out,
                                 size_t first, size_t count);
/* Output rows of the combination: n_outputs (order 1) or dim (order 2). */
size_t gpuopt_fd_out_rows(const struct gpuopt_fd_args *a);

/* ------------------------------------------------------------ the whole path */

typedef struct gpuopt_fd_workspace {
    gpuopt_backend *backend;
    gpuopt_dptr x, steps, points, f, raw, out; /* grown on demand, never shrunk */
    size_t x_cap, steps_cap, points_cap, f_cap, raw_cap, out_cap; /* bytes */
    double *steps_host;
    size_t steps_host_cap; /* values */
} gpuopt_fd_workspace;

void gpuopt_fd_workspace_init(gpuopt_fd_workspace *ws, gpuopt_backend *backend);
void gpuopt_fd_workspace_free(gpuopt_fd_workspace *ws);

typedef struct gpuopt_fd_output {
    double *out;           /* order 1: n_outputs x dim (jacobian) or dim (gradient);
                              order 2: dim x dim */
    double *f0;            /* NULL, or receives the value(s) at x (n_outputs for a Jacobian) */
    double value;          /* the aggregated criterion value at x */
    int64_t n_evaluations; /* stencil rows evaluated (also set when a later step fails) */
} gpuopt_fd_output;

/* Derivative of target at x: the gradient of the aggregated value (jacobian = 0, order 1),
 * the Jacobian of the raw outputs (jacobian = 1), or the Hessian (order 2). The stencil is one
 * batch through the backend's evaluate op. Non-finite values fail under error_handling=raise
 * (GPUOPT_ERR_NONFINITE_CRITERION); callback failures give GPUOPT_ERR_CALLBACK. */
gpuopt_status gpuopt_fd_compute(gpuopt_fd_workspace *ws, const gpuopt_eval_target *target,
                                const gpuopt_fd_spec *spec, int jacobian, const double *x,
                                const double *lower, const double *upper, gpuopt_fd_output *res,
                                char *errmsg, size_t len);

/* printf-style message into errmsg (len bytes); returns st. */
gpuopt_status gpuopt_fd_fail(char *errmsg, size_t len, gpuopt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif /* GPUOPT_DERIVATIVES_FD_H */
