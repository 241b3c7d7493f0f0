/* What the least-squares solvers (ls_lm, ls_trf, ls_dogbox) share: see
 * docs/algorithms/least_squares.md.
 *
 *  - probe:  residuals r(x) and the Jacobian J(x) as ask/tell batches. The finite-difference
 *            stencil of the engine (src/derivatives/fd.h) is one batch whose raw outputs are all
 *            residuals of all its rows; the Jacobian is combined on the backend and read back.
 *  - linalg: the thin SVD, scipy's trust-region subproblem solver (Moré's secant iteration on
 *            the SVD), the one-dimensional quadratic models, steps to bounds, minimum-norm
 *            least squares.
 *  - common: option rows, scipy's radius update and termination tests.
 *
 * Everything lives in the solver's POD state (numbers and buffer ids), so a run captured between
 * batches resumes bit for bit. Costs are scipy's: cost = 0.5 ||r||^2. */
#ifndef GPUOPT_ALGORITHMS_LEAST_SQUARES_LS_H
#define GPUOPT_ALGORITHMS_LEAST_SQUARES_LS_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "../../algorithm.h"
#include "linalg.h"

/* ================================================================== probe */

enum ls_probe_kind {
    LS_PROBE_POINT = 1,          /* r at the point: one row */
    LS_PROBE_POINT_JACOBIAN = 2, /* r and J at the point: the whole stencil (row 0 = the point) */
    LS_PROBE_JACOBIAN = 3        /* J at the point whose r the last probe gave: the stencil
                                    without its row 0 */
};

typedef struct ls_probe {
    int kind;           /* the pending request */
    int bounded;        /* stencils stay within the problem's bounds */
    int fd_method;      /* GPUOPT_FD_FORWARD | _CENTRAL | _BACKWARD */
    int fd_error_handling;
    double fd_step_size; /* 0: the rule of thumb */
    double fd_scaling_factor;
    int64_t rows;       /* stencil rows */
    int64_t n_jacobians;
    double cost;        /* 0.5 ||r||^2 at the last point evaluated */
    int finite;         /* 1: every residual there is finite */
    /* host */
    int point, res, jac, steps;
    /* backend */
    int bx, bf, raw, raw_tail, fd_x, fd_steps, bjac;
} ls_probe;

/* Reads the numdiff.* options, sizes the stencil, allocates the buffers. */
gpuopt_status ls_probe_init(gpuopt_run *run, ls_probe *p, int bounded);
double *ls_probe_point(const gpuopt_run *run, const ls_probe *p);     /* write before asking */
double *ls_probe_residuals(const gpuopt_run *run, const ls_probe *p); /* m values */
double *ls_probe_jacobian(const gpuopt_run *run, const ls_probe *p);  /* m x n, row-major */
gpuopt_status ls_probe_ask(gpuopt_run *run, ls_probe *p, int kind, gpuopt_batch *batch);
/* Reads the residuals (point kinds; sets cost and finite) and the Jacobian (Jacobian kinds;
 * not for a point with non-finite residuals). A non-finite Jacobian entry is an error
 * (GPUOPT_ERR_NONFINITE_CRITERION). */
gpuopt_status ls_probe_tell(gpuopt_run *run, ls_probe *p, const gpuopt_batch *batch);


/* ================================================================= linalg: linalg.h */

/* ================================================================= common */

/* The option rows all three take (their table starts with them). */
#define LS_COMMON_OPTIONS                                                                         \
    {"convergence.relative_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 2e-9, NULL, 0, DBL_MAX,    \
     NULL, 0,                                                                                     \
     "ftol: converged when the cost decrease of a step is below this times the cost (and, trf "   \
     "and dogbox, the step's ratio > 0.25; lm: MINPACK's test on actual and predicted "           \
     "reductions)."},                                                                             \
        {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX,   \
         NULL, 0,                                                                                 \
         "xtol: converged when the step is below this times (xtol + ||x||) (lm: the trust "      \
         "radius below xtol ||D x||)."},                                                          \
        {"convergence.relative_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX, \
         NULL, 0,                                                                                 \
         "gtol: converged when the (scaled) gradient's max norm is below this (lm: the largest "  \
         "cosine between r and a column of J)."},                                                 \
        {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,               \
         (double)INT64_MAX, NULL, 0,                                                              \
         "Stop after this many residual evaluations, the finite-difference stencils included. "   \
         "Not counted as convergence."},                                                          \
        {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX,       \
         NULL, 0,                                                                                 \
         "Stop after this many iterations (one per batch: the start point with its Jacobian, a "  \
         "trial point, a Jacobian). Not counted as convergence."},                                \
        {"tr_solver", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "exact|lsmr", 0,                       \
         "Trust-region subproblem: exact (SVD of the dense Jacobian). lsmr (scipy's iterative "   \
         "solver for large sparse Jacobians) is not implemented and is refused."},                \
        {"numdiff.method", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "forward|central|backward", 0,    \
         "Finite differences for the Jacobian: forward (scipy's '2-point', n + 1 points, the "   \
         "default), central (2 n + 1) or backward. Near a bound one-sided stencils turn "         \
         "around."},                                                                              \
        {"numdiff.step_size", GPUOPT_OPTION_DOUBLE, 0, "auto", 0, DBL_MAX, NULL,                  \
         GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,                                      \
         "Base step of every coordinate; auto: eps^(1/2) max(|x|, 0.1) (one-sided) or "          \
         "eps^(1/3) max(|x|, 0.1) (central), see docs/derivatives.md."},                         \
        {"numdiff.scaling_factor", GPUOPT_OPTION_DOUBLE, 1, NULL, 0, DBL_MAX, NULL,               \
         GPUOPT_OPT_MIN_EXCLUSIVE, "Multiplies the base step."},                                  \
        {"speculative_jacobian", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,                      \
         "true: every trial point is evaluated together with its Jacobian stencil (one batch "    \
         "per accepted step, n wasted evaluations per rejected one); false: the trial point "     \
         "alone, then the stencil once accepted (fewest evaluations)."}

#define LS_N_COMMON_OPTIONS 10

typedef struct ls_tolerances {
    double ftol, xtol, gtol;
    int speculative;
} ls_tolerances;

/* What every solver's state starts with: its probe, tolerances and pending request. Phase 0 is
 * the start: the residuals and Jacobian at the start point. */
typedef struct ls_solver {
    ls_probe probe;
    ls_tolerances tol;
    int phase, kind; /* the pending request: the solver's phase, an ls_probe_kind */
} ls_solver;

/* Reads the tolerances (refuses tr_solver=lsmr), then sets up the probe (ls_probe_init). */
gpuopt_status ls_read_common(gpuopt_run *run, ls_solver *sv, int bounded);

/* Asks for x (dim values) with the given probe kind, in the given phase. */
void ls_solver_request(gpuopt_run *run, ls_solver *sv, const double *x, int phase, int kind);
/* The ask of every solver (run->state starts with an ls_solver). */
gpuopt_status ls_solver_ask(gpuopt_run *run, gpuopt_batch *batch);
/* The tell: the probe reads the batch, one more iteration is counted, and after[phase] goes on. */
typedef gpuopt_status (*ls_phase_fn)(gpuopt_run *run);
gpuopt_status ls_solver_tell(gpuopt_run *run, const gpuopt_batch *batch, const ls_phase_fn *after,
                             size_t n_phases);

/* scipy's update_tr_radius: *Delta updated, the ratio returned. */
double ls_update_radius(double *Delta, double actual, double predicted, double step_norm,
                        int bound_hit);
/* scipy's check_termination: a stop reason, or GPUOPT_SUCCESS. */
gpuopt_status ls_check_termination(const ls_tolerances *t, double dF, double F, double dx_norm,
                                   double x_norm, double ratio);

/* The run buffers of a solver: one table, allocated in order. */
typedef struct ls_buffer_row {
    const char *name;
    size_t count;
    size_t elem_size;
    int *id;
} ls_buffer_row;
gpuopt_status ls_allocate(gpuopt_run *run, const ls_buffer_row *rows, size_t n_rows);

/* dim > 0, n_outputs > 0; the size m x n and (m + n) x n fit in memory. */
gpuopt_status ls_check_sizes(gpuopt_run *run);

#endif /* GPUOPT_ALGORITHMS_LEAST_SQUARES_LS_H */
