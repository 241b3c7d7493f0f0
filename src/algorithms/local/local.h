/* The scaffold of the local gradient-based solvers (bfgs, conjugate_gradient, lbfgsb, and the
 * Newton-type solvers built on it). See docs/local_solvers.md.
 *
 *  - probe:       f and the gradient at a point as ask/tell batches: the finite-difference
 *                 stencil from the engine as one batch, or one point and the user's gradient
 *                 (called on the host in tell).
 *  - line search: scipy's line_search_wolfe1 (MINPACK-2 dcsrch) with line_search_wolfe2 as
 *                 its fallback, as a resumable state machine.
 *  - common:      norms, the projected gradient, option rows and checks shared by the solvers.
 *
 * Everything here lives in the solver's POD state struct (plain numbers and buffer ids), so a
 * run captured between batches resumes bit for bit. */
#ifndef GPUOPT_ALGORITHMS_LOCAL_H
#define GPUOPT_ALGORITHMS_LOCAL_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "../../algorithm.h"

/* ================================================================== probe */

enum local_probe_kind {
    LOCAL_PROBE_VALUE = 1,          /* f(x): one point */
    LOCAL_PROBE_VALUE_GRADIENT = 2, /* f(x) and the gradient: the stencil, or x plus the user's
                                       gradient */
    LOCAL_PROBE_GRADIENT = 3        /* the gradient at x whose value is already in `value` (the
                                       last probe was at the same x): the stencil without its
                                       row 0, or no batch at all with a user gradient */
};

typedef struct local_probe {
    int kind;          /* the pending request (enum local_probe_kind) */
    int user_gradient; /* 1: run->gradient; 0: finite differences */
    int bounded;       /* 1: stencils respect the problem's bounds */
    int fd_method;     /* GPUOPT_FD_FORWARD | _CENTRAL | _BACKWARD */
    int fd_error_handling;
    double fd_step_size;      /* 0: the rule of thumb */
    double fd_scaling_factor;
    size_t rows;       /* stencil rows (1 with a user gradient) */
    int point, grad, steps;                   /* host: dim, dim, 2 dim */
    int batch_x, batch_f, fd_x, fd_steps, fd_out; /* backend */
    double value;      /* f at point, once told */
    int gradient_ok;   /* 0: the gradient has a non-finite entry (error_handling=continue) */
} local_probe;

/* Reads the numdiff.* options (when the table has them), sizes and allocates the buffers.
 * bounded: whether stencil points must stay within the problem's bounds. */
gpuopt_status local_probe_init(gpuopt_run *run, local_probe *p, int bounded);
/* The point of the next request (write it before local_probe_request) and the gradient of the
 * last one. */
double *local_probe_point(const gpuopt_run *run, const local_probe *p);
double *local_probe_gradient(const gpuopt_run *run, const local_probe *p);
void local_probe_request(local_probe *p, int kind);
/* 0 when the pending request is completed on the host (local_probe_on_host) without a batch. */
int local_probe_needs_batch(const local_probe *p);
gpuopt_status local_probe_ask(gpuopt_run *run, local_probe *p, gpuopt_batch *batch);
/* The ask of a solver whose state struct begins with its local_probe (every local solver's). */
gpuopt_status local_ask(gpuopt_run *run, gpuopt_batch *batch);
/* Reads the batch's values into `value` and, for gradient requests, the gradient. A failing
 * user gradient gives GPUOPT_ERR_CALLBACK; a non-finite gradient GPUOPT_ERR_NONFINITE_CRITERION
 * under error_handling=raise, gradient_ok = 0 under continue. */
gpuopt_status local_probe_tell(gpuopt_run *run, local_probe *p, const gpuopt_batch *batch);
gpuopt_status local_probe_on_host(gpuopt_run *run, local_probe *p);

/* The solvers' tell: the probe's tell, then `advance` (which consumes the result and makes the
 * next request, or returns a stop reason) until a request needs a batch. */
gpuopt_status local_drive(gpuopt_run *run, local_probe *p, const gpuopt_batch *batch,
                          gpuopt_status (*advance)(gpuopt_run *run));

/* ============================================================ line search */

/* MINPACK-2's dcsrch (More & Thuente) as reverse communication: its saved variables. */
typedef struct local_dcsrch {
    double ftol, gtol, xtol, stpmin, stpmax;
    int brackt, stage;
    double ginit, gtest, gx, gy, finit, fx, fy, stx, sty, stmin, stmax, width, width1;
} local_dcsrch;

enum local_dcsrch_task {
    DCSRCH_FG = 1,      /* evaluate f and f' at *stp, call again */
    DCSRCH_CONVERGENCE, /* *stp satisfies the strong Wolfe conditions */
    DCSRCH_WARNING,     /* no such step (rounding errors, xtol, stpmax or stpmin reached) */
    DCSRCH_ERROR        /* bad input (f'(0) >= 0, stp outside [stpmin, stpmax], ...) */
};

/* start = 1 on the first call (f, g at step 0); then f, g at the *stp it returned. */
int local_dcsrch_step(local_dcsrch *s, int start, double *stp, double f, double g);

enum local_ls_action {
    LS_EVALUATE = 1, /* evaluate the probe kind `want` at x + alpha p, then local_ls_tell */
    LS_CHECK,        /* a candidate: test the solver's extra condition, then local_ls_checked */
    LS_DONE,         /* alpha is accepted; phi is f there, phi0 the value at 0 */
    LS_FAILED        /* neither search found a step */
};

typedef struct local_linesearch {
    double c1, c2, amin, amax, xtol;
    int extra;         /* 1: candidates go through LS_CHECK */
    int method;        /* 1: wolfe1 (dcsrch), 2: wolfe2 */
    int phase;
    int want;          /* LS_EVALUATE: the probe kind */
    double alpha;      /* the step to evaluate, check, or the accepted one */
    double phi;        /* LS_DONE: f at alpha */
    int have_gradient; /* LS_DONE: the last gradient computed is the one at alpha */
    double phi0, derphi0, old_phi0;
    /* wolfe1 */
    local_dcsrch d;
    int calls;
    /* wolfe2 */
    int iter;
    double alpha0, alpha1, phi_a0, phi_a1, derphi_a0, derphi_a1;
    /* wolfe2's zoom */
    int zoom_iter;
    double a_lo, a_hi, phi_lo, phi_hi, derphi_lo, a_rec, phi_rec, phi_aj, derphi_aj;
    int64_t n_evaluations; /* trial points evaluated in this search */
    int final_gradient;    /* local_search: the gradient at the accepted step is pending */
} local_linesearch;

/* Sets the constants (scipy's wolfe1: xtol 1e-14) with Armijo c1, curvature c2, step range
 * [amin, amax] for dcsrch (wolfe2 uses amax only), and whether an extra condition is tested. */
void local_ls_setup(local_linesearch *ls, double c1, double c2, double amin, double amax,
                    int extra);
/* Starts a search along p from phi(0) = phi0 with slope derphi0 < 0; old_phi0 is the previous
 * iterate's value (the first step is min(1, 2.02 (phi0 - old_phi0) / derphi0)). */
int local_ls_start(local_linesearch *ls, double phi0, double derphi0, double old_phi0);
/* The result of LS_EVALUATE: phi = f(x + alpha p) and derphi = g(x + alpha p).p (ignored when
 * `want` had no gradient). */
int local_ls_tell(local_linesearch *ls, double phi, double derphi);
/* The solver's verdict on an LS_CHECK candidate. */
int local_ls_checked(local_linesearch *ls, int ok);

/* A line search along p from x (host arrays of the solver, dim values, unchanged during the
 * search) driven through the probe: each trial step becomes a probe request. LOCAL_SEARCH_DONE
 * leaves the accepted point x + alpha p in the probe's point, its gradient in the probe's
 * gradient, f there in ls->phi (and f(x) in ls->phi0); when the search ended without that
 * gradient, one more request fetches it first. */
enum local_search_state {
    LOCAL_SEARCH_PENDING = 1, /* a probe request is made: ask for its batch, then _tell */
    LOCAL_SEARCH_CHECK,       /* test the extra condition at x + ls->alpha p, then _checked */
    LOCAL_SEARCH_DONE,
    LOCAL_SEARCH_FAILED
};

int local_search_start(gpuopt_run *run, local_probe *pr, local_linesearch *ls, const double *x,
                       const double *p, double f, double derphi0, double old_f);
int local_search_tell(gpuopt_run *run, local_probe *pr, local_linesearch *ls, const double *x,
                      const double *p);
int local_search_checked(gpuopt_run *run, local_probe *pr, local_linesearch *ls,
                         const double *x, const double *p, int ok);

/* ================================================================= common */

/* scipy's vecnorm: max |v| for ord = inf, min |v| for -inf, else (sum |v|^ord)^(1/ord). */
double local_norm(const double *v, size_t n, double ord);
double local_dot(const double *a, const double *b, size_t n);
/* x + alpha p into out, elementwise as numpy computes it. */
void local_axpy(const double *x, double alpha, const double *p, double *out, size_t n);
/* The projected gradient's largest entry (L-BFGS-B's projgr): entries that would push x across
 * an active bound are cut to the room left. */
double local_projected_gradient_norm(const gpuopt_run *run, const double *x, const double *g);

/* Refuses problems with a finite bound (estimagic's rule for solvers without bounds) unless the
 * option ignore_bounds is true (scipy's behaviour: the bounds are not looked at). */
gpuopt_status local_refuse_bounds(gpuopt_run *run);
/* 0 < c1 < c2 < 1 (scipy's _check_c1_c2), else GPUOPT_ERR_OPTION_RANGE. */
gpuopt_status local_check_wolfe_constants(gpuopt_run *run, double c1, double c2);
/* Adds a warning and returns GPUOPT_STOP_NO_IMPROVEMENT (the line search found no step). */
gpuopt_status local_line_search_failed(gpuopt_run *run);

/* Report values (run->report) in the order of LOCAL_REPORT_KEYS. */
#define LOCAL_REPORT_KEYS {"gradient_norm", "step_length", NULL}
void local_report(gpuopt_run *run, double gradient_norm, double step_length);

/* Option rows every local solver includes: how the gradient is estimated without a user
 * gradient. */
#define LOCAL_NUMDIFF_OPTIONS                                                                      \
    {"numdiff.method", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "forward|central|backward", 0,        \
     "Finite differences for the gradient when the problem has no user gradient: forward (n+1 "  \
     "points, as scipy's default '2-point'), central (2n+1 points, more accurate) or backward. " \
     "Each gradient is one batch."},                                                               \
        {"numdiff.step_size", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL,                     \
         GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,                                       \
         "Base step of every coordinate; auto (0): the rule of thumb c max(|x|, 0.1) with "        \
         "c = eps^(1/2) (one-sided) or eps^(1/3) (central), see docs/derivatives.md."},            \
        {"numdiff.scaling_factor", GPUOPT_OPTION_DOUBLE, 1, NULL, 0, DBL_MAX, NULL,                \
         GPUOPT_OPT_MIN_EXCLUSIVE, "Multiplies the finite-difference steps."}

#define LOCAL_IGNORE_BOUNDS_OPTION                                                                 \
    {"ignore_bounds", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,                                  \
     "This solver has no bounds: by default a problem with a finite bound is refused (as "         \
     "estimagic does); true ignores the bounds as scipy does, and iterates may leave them."}

/* ================================================================ Hessian */

/* The Hessian at the probe's point (hessian.c), for the Newton-type solvers. Without a user
 * gradient it is the engine's order-2 stencil of values as ONE batch (row 0, the point itself,
 * is the probe's known value and is not evaluated again), combined on the backend; with a
 * user gradient, differences of that gradient on the host (no criterion evaluations, as
 * scipy's hess='2-point'), made exactly symmetric. Request it when the probe's last result is
 * at the same point (its value, and with a user gradient its gradient, are used). */
typedef struct local_hessian {
    int pending;          /* a request is outstanding */
    int from_gradient;    /* 1: differences of the user gradient */
    int error_handling;   /* GPUOPT_FD_RAISE | GPUOPT_FD_CONTINUE */
    int method;           /* GPUOPT_FD_FORWARD | _BACKWARD | _CENTRAL_CROSS | _CENTRAL_AVERAGE */
    double scaling_factor;
    size_t rows;          /* stencil rows, row 0 included (values path) */
    int matrix, steps, point, grad;               /* host: dim x dim, 2 dim, dim, dim */
    int batch_x, batch_f, fd_x, fd_steps, fd_out; /* backend (values path), else -1 */
    int ok;               /* 0: a non-finite entry (error_handling=continue) */
} local_hessian;

/* Reads numdiff.hessian_method / numdiff.hessian_source (LOCAL_HESSIAN_OPTIONS) and the
 * numdiff.scaling_factor and error_handling rows, checks that the stencil fits the device
 * (GPUOPT_ERR_OUT_OF_MEMORY naming the sizes), allocates. Call it before local_probe_init, so
 * that a Hessian too large is refused before anything else is allocated. */
gpuopt_status local_hessian_init(gpuopt_run *run, local_hessian *h);
void local_hessian_request(local_hessian *h);
double *local_hessian_matrix(const gpuopt_run *run, const local_hessian *h); /* row-major */
/* The solver's ask and tell when it uses the Hessian: they serve a pending Hessian request,
 * else the probe's (local_probe_ask / local_drive). */
gpuopt_status local_hessian_ask(gpuopt_run *run, local_probe *p, local_hessian *h,
                                gpuopt_batch *batch);
gpuopt_status local_hessian_drive(gpuopt_run *run, local_probe *p, local_hessian *h,
                                  const gpuopt_batch *batch,
                                  gpuopt_status (*advance)(gpuopt_run *run));

/* A gradient at a new point whose value is not needed (Hessian-vector products by differences
 * of gradients): the stencil with its row 0 (n+1 points, forward) as one batch, or no batch
 * at all with a user gradient (called on the host). The probe's `value` is f there only
 * without a user gradient. */
void local_probe_request_gradient_at(local_probe *p);

#define LOCAL_HESSIAN_OPTIONS                                                                      \
    {"numdiff.hessian_method", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0,                               \
     "forward|central_cross|central_average|backward", 0,                                         \
     "Finite differences for the Hessian: forward (1 + 2n + n(n-1)/2 points, or n gradients "    \
     "with a user gradient), central_cross (estimagic's default, 1 + 4n + 2n(n-1) points, or "    \
     "2n gradients), central_average or backward. Each Hessian is one batch."},                   \
        {"numdiff.hessian_source", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "auto|values", 0,          \
         "auto: differences of the user gradient when the problem has one (no criterion "          \
         "evaluations), else the value stencil; values: always the value stencil."}

#endif /* GPUOPT_ALGORITHMS_LOCAL_H */
