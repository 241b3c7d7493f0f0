/* BFGS, step for step as scipy.optimize's _minimize_bfgs.
 *
 * The inverse Hessian approximation H (n x n, starting at the identity) lives on the host. Each
 * iteration searches along p = -H g with scipy's wolfe1/wolfe2 line search (c1 = 1e-4,
 * c2 = 0.9, steps in [1e-100, 1e100]); every trial step is one batch: the finite-difference
 * stencil (or the point, with a user gradient). The first trial step is
 * min(1, 2.02 (f_k - f_{k-1}) / g.p), with f_{-1} = f_0 + |g_0|/2 so that the first step moves
 * about 1. Then H <- (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / y's (1000 when
 * y's = 0), computed in O(n^2). */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "bfgs.h"
#include "local/local.h"

enum bfgs_phase { BFGS_START = 1, BFGS_SEARCH };

typedef struct bfgs_state {
    local_probe probe;
    local_linesearch ls;
    int phase;
    int H, x, g, p, y, hy; /* host: n x n, then n each */
    double f, old_f;       /* f(x_k) and f(x_{k-1}) (scipy's old_fval, old_old_fval) */
    double gtol, norm, xrtol;
} bfgs_state;

static const gpuopt_option_spec bfgs_options[] = {
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's gtol: converged when the gradient's norm (see `norm`) is at most this."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (scipy's maxiter). Not counted as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations (finite-difference points included) are done. "
     "Not counted as convergence."},
    {"norm", GPUOPT_OPTION_DOUBLE, INFINITY, NULL, -INFINITY, INFINITY, NULL, 0,
     "Order of the gradient norm compared with the gradient tolerance: inf (default) is the "
     "largest |entry|, -inf the smallest, p the p-norm; 0 is not allowed."},
    {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,
     "scipy's xrtol: converged when the step's length is at most xrtol (xrtol + |x|) (2-norms)."},
    {"armijo_condition", GPUOPT_OPTION_DOUBLE, 1e-4, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's sufficient-decrease constant c1 (scipy's c1); 0 < c1 < c2 < 1."},
    {"curvature_condition", GPUOPT_OPTION_DOUBLE, 0.9, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's curvature constant c2 (scipy's c2)."},
    LOCAL_NUMDIFF_OPTIONS,
    LOCAL_IGNORE_BOUNDS_OPTION,
};

static bfgs_state *st_of(const gpuopt_run *run)
{
    return (bfgs_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------------ init */

static gpuopt_status allocate(gpuopt_run *run, bfgs_state *s)
{
    size_t n = run->dim;
    if (n > SIZE_MAX / sizeof(double) / n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "bfgs: the %zu x %zu inverse Hessian does not fit in memory", n, n);
    struct {
        const char *name;
        size_t count;
        int *id;
    } table[] = {
        {"bfgs_inverse_hessian", n * n, &s->H}, {"bfgs_x", n, &s->x}, {"bfgs_gradient", n, &s->g},
        {"bfgs_direction", n, &s->p},           {"bfgs_y", n, &s->y}, {"bfgs_hy", n, &s->hy},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, GPUOPT_ON_HOST, table[i].count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status bfgs_init(gpuopt_run *run)
{
    bfgs_state *s = st_of(run);
    double c1 = gpuopt_opt_double(run, "armijo_condition");
    double c2 = gpuopt_opt_double(run, "curvature_condition");
    s->gtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->norm = gpuopt_opt_double(run, "norm");
    s->xrtol = gpuopt_opt_double(run, "convergence.relative_params_tolerance");
    gpuopt_status st = local_refuse_bounds(run);
    if (st == GPUOPT_SUCCESS)
        st = local_check_wolfe_constants(run, c1, c2);
    if (st == GPUOPT_SUCCESS && s->norm == 0)
        st = gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE, "bfgs: norm must not be 0");
    if (st == GPUOPT_SUCCESS)
        st = local_probe_init(run, &s->probe, 0);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    local_ls_setup(&s->ls, c1, c2, 1e-100, 1e100, 0);
    double *H = buf(run, s->H);
    for (size_t i = 0; i < run->dim; ++i)
        H[i * run->dim + i] = 1.0;
    memcpy(buf(run, s->x), run->x0, run->dim * sizeof(double));
    memcpy(local_probe_point(run, &s->probe), run->x0, run->dim * sizeof(double));
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    s->phase = BFGS_START;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ iteration */

/* p = -H g and the line search along it. */
static gpuopt_status begin_iteration(gpuopt_run *run)
{
    bfgs_state *s = st_of(run);
    size_t n = run->dim;
    const double *H = buf(run, s->H), *g = buf(run, s->g);
    double *p = buf(run, s->p);
    for (size_t i = 0; i < n; ++i)
        p[i] = -local_dot(H + i * n, g, n);
    s->phase = BFGS_SEARCH;
    int r = local_search_start(run, &s->probe, &s->ls, buf(run, s->x), p, s->f,
                               local_dot(g, p, n), s->old_f);
    return r == LOCAL_SEARCH_PENDING ? GPUOPT_SUCCESS : local_line_search_failed(run);
}

/* H <- H - rho (s hy' + hy s') + (rho^2 y'Hy + rho) s s', with hy = H y. */
static void update_inverse_hessian(const gpuopt_run *run, const double *step, double alpha)
{
    bfgs_state *s = st_of(run);
    size_t n = run->dim;
    double *H = buf(run, s->H), *hy = buf(run, s->hy);
    const double *y = buf(run, s->y);
    double ys = 0;
    for (size_t i = 0; i < n; ++i)
        ys += y[i] * (alpha * step[i]);
    double rho = ys == 0 ? 1000.0 : 1.0 / ys;
    for (size_t i = 0; i < n; ++i)
        hy[i] = local_dot(H + i * n, y, n);
    double c = rho * rho * local_dot(y, hy, n) + rho;
    for (size_t i = 0; i < n; ++i) {
        double si = alpha * step[i];
        for (size_t j = 0; j < n; ++j) {
            double sj = alpha * step[j];
            H[i * n + j] += -rho * (si * hy[j] + hy[i] * sj) + c * si * sj;
        }
    }
}

/* The accepted step: x, g and f move on; convergence tests; the update. */
static gpuopt_status finish_iteration(gpuopt_run *run)
{
    bfgs_state *s = st_of(run);
    size_t n = run->dim;
    double alpha = s->ls.alpha, *x = buf(run, s->x), *g = buf(run, s->g), *y = buf(run, s->y);
    const double *p = buf(run, s->p), *g_new = local_probe_gradient(run, &s->probe);
    local_axpy(x, alpha, p, x, n);
    for (size_t i = 0; i < n; ++i) {
        y[i] = g_new[i] - g[i];
        g[i] = g_new[i];
    }
    s->old_f = s->ls.phi0;
    s->f = s->ls.phi;
    ++run->n_iterations;
    double gnorm = local_norm(g, n, s->norm), step = alpha * local_norm(p, n, 2);
    local_report(run, gnorm, step);
    if (gnorm <= s->gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    if (step <= s->xrtol * (s->xrtol + local_norm(x, n, 2)))
        return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    if (!isfinite(s->f)) {
        gpuopt_run_warn(run, "bfgs: the criterion value is %g", s->f);
        return GPUOPT_STOP_NO_IMPROVEMENT;
    }
    update_inverse_hessian(run, p, alpha);
    return begin_iteration(run);
}

static gpuopt_status start(gpuopt_run *run)
{
    bfgs_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->probe.gradient_ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "bfgs: the gradient at the start point is not finite");
    memcpy(buf(run, s->g), local_probe_gradient(run, &s->probe), n * sizeof(double));
    s->f = s->probe.value;
    s->old_f = s->f + local_norm(buf(run, s->g), n, 2) / 2;
    double gnorm = local_norm(buf(run, s->g), n, s->norm);
    local_report(run, gnorm, 0);
    if (gnorm <= s->gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    return begin_iteration(run);
}

static gpuopt_status advance(gpuopt_run *run)
{
    bfgs_state *s = st_of(run);
    if (s->phase == BFGS_START)
        return start(run);
    int r = local_search_tell(run, &s->probe, &s->ls, buf(run, s->x), buf(run, s->p));
    if (r == LOCAL_SEARCH_PENDING)
        return GPUOPT_SUCCESS;
    if (r == LOCAL_SEARCH_DONE)
        return finish_iteration(run);
    return local_line_search_failed(run);
}

static gpuopt_status bfgs_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    return local_drive(run, &st_of(run)->probe, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

_Static_assert(offsetof(bfgs_state, probe) == 0, "local_ask finds the probe at the state's start");

static const char *const bfgs_aliases[] = {"scipy_bfgs", NULL};
static const char *const bfgs_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_bfgs = {
    .name = "bfgs",
    .aliases = bfgs_aliases,
    .presets = NULL,
    .summary = "BFGS quasi-Newton with a Wolfe line search, as scipy.optimize's method='BFGS'; "
               "gradients by batched finite differences or the user's gradient.",
    .doc = "Local, unconstrained (finite bounds are refused unless ignore_bounds=true). "
           "Reproduces scipy's _minimize_bfgs: H0 = I, first step about 1 long, scipy's "
           "line_search_wolfe1 (MINPACK-2 dcsrch) with line_search_wolfe2 as fallback, "
           "gtol/norm/xrtol tests. Each gradient is one batch (n+1 points forward, 2n+1 "
           "central), or one point plus the user's gradient. See docs/algorithms/bfgs.md. "
           "Reference: Nocedal & Wright (2006), Numerical Optimization, 2nd ed., p. 136.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = bfgs_options,
    .n_options = GPUOPT_COUNT(bfgs_options),
    .report_keys = bfgs_report_keys,
    .state_size = sizeof(bfgs_state),
    .init = bfgs_init,
    .ask = local_ask,
    .tell = bfgs_tell,
};
