/* Nonlinear conjugate gradients (Polak-Ribiere+), step for step as scipy.optimize's
 * _minimize_cg.
 *
 * Directions p_{k+1} = -g_{k+1} + beta p_k with beta = max(0, (g_{k+1} - g_k).g_{k+1} / g_k.g_k)
 * (PR+: a negative beta restarts along the steepest descent). The line search is scipy's
 * wolfe1/wolfe2 with c2 = 0.4 and an extra acceptance condition (Gilbert & Nocedal 1992): a
 * step is taken only if it converges (|g_{k+1}| <= gtol) or the next direction is a sufficient
 * descent direction, p_{k+1}.g_{k+1} <= -0.01 |g_{k+1}|^2; otherwise the search goes on (wolfe1
 * falls back to wolfe2). Every trial step is one batch. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "conjugate_gradient.h"
#include "local/local.h"

#define SIGMA_3 0.01 /* the sufficient-descent constant */

enum cg_phase { CG_START = 1, CG_SEARCH };

typedef struct cg_state {
    local_probe probe;
    local_linesearch ls;
    int phase;
    int x, g, p, p_next; /* host, n each */
    double f, old_f;     /* scipy's old_fval, old_old_fval */
    double delta;        /* g_k.g_k */
    double gtol, norm;
} cg_state;

static const gpuopt_option_spec cg_options[] = {
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
    {"armijo_condition", GPUOPT_OPTION_DOUBLE, 1e-4, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's sufficient-decrease constant c1 (scipy's c1); 0 < c1 < c2 < 1."},
    {"curvature_condition", GPUOPT_OPTION_DOUBLE, 0.4, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's curvature constant c2 (scipy's c2; 0.4 for conjugate gradients)."},
    LOCAL_NUMDIFF_OPTIONS,
    LOCAL_IGNORE_BOUNDS_OPTION,
};

static cg_state *st_of(const gpuopt_run *run)
{
    return (cg_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static gpuopt_status allocate(gpuopt_run *run, cg_state *s)
{
    const char *names[] = {"cg_x", "cg_gradient", "cg_direction", "cg_next_direction"};
    int *ids[] = {&s->x, &s->g, &s->p, &s->p_next};
    for (size_t i = 0; i < GPUOPT_COUNT(ids); ++i) {
        gpuopt_status st =
            gpuopt_run_buffer(run, names[i], GPUOPT_ON_HOST, run->dim, sizeof(double), ids[i]);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status cg_init(gpuopt_run *run)
{
    cg_state *s = st_of(run);
    double c1 = gpuopt_opt_double(run, "armijo_condition");
    double c2 = gpuopt_opt_double(run, "curvature_condition");
    s->gtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->norm = gpuopt_opt_double(run, "norm");
    gpuopt_status st = local_refuse_bounds(run);
    if (st == GPUOPT_SUCCESS)
        st = local_check_wolfe_constants(run, c1, c2);
    if (st == GPUOPT_SUCCESS && s->norm == 0)
        st = gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                             "conjugate_gradient: norm must not be 0");
    if (st == GPUOPT_SUCCESS)
        st = local_probe_init(run, &s->probe, 0);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    local_ls_setup(&s->ls, c1, c2, 1e-100, 1e100, 1);
    memcpy(buf(run, s->x), run->x0, run->dim * sizeof(double));
    memcpy(local_probe_point(run, &s->probe), run->x0, run->dim * sizeof(double));
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    s->phase = CG_START;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ iteration */

/* The Polak-Ribiere+ direction from the gradient g1 at the trial step into p_next; returns the
 * norm of g1. */
static double next_direction(const gpuopt_run *run, const double *g1)
{
    const cg_state *s = st_of(run);
    size_t n = run->dim;
    const double *g = buf(run, s->g), *p = buf(run, s->p);
    double *p_next = buf(run, s->p_next);
    double yg = 0;
    for (size_t i = 0; i < n; ++i)
        yg += (g1[i] - g[i]) * g1[i];
    double beta = fmax(0.0, yg / s->delta);
    for (size_t i = 0; i < n; ++i)
        p_next[i] = -g1[i] + beta * p[i];
    return local_norm(g1, n, s->norm);
}

/* The extra condition: converged there, or p_next is a sufficient descent direction. */
static int descent_condition(const gpuopt_run *run)
{
    const cg_state *s = st_of(run);
    const double *g1 = local_probe_gradient(run, &s->probe);
    if (next_direction(run, g1) <= s->gtol)
        return 1;
    size_t n = run->dim;
    return local_dot(buf(run, s->p_next), g1, n) <= -SIGMA_3 * local_dot(g1, g1, n);
}

static gpuopt_status begin_iteration(gpuopt_run *run)
{
    cg_state *s = st_of(run);
    const double *g = buf(run, s->g), *p = buf(run, s->p);
    s->delta = local_dot(g, g, run->dim);
    s->phase = CG_SEARCH;
    int r = local_search_start(run, &s->probe, &s->ls, buf(run, s->x), p, s->f,
                               local_dot(g, p, run->dim), s->old_f);
    return r == LOCAL_SEARCH_PENDING ? GPUOPT_SUCCESS : local_line_search_failed(run);
}

static gpuopt_status finish_iteration(gpuopt_run *run)
{
    cg_state *s = st_of(run);
    size_t n = run->dim;
    const double *g1 = local_probe_gradient(run, &s->probe);
    double gnorm = next_direction(run, g1);
    double *x = buf(run, s->x), *p = buf(run, s->p);
    double step = s->ls.alpha * local_norm(p, n, 2);
    local_axpy(x, s->ls.alpha, p, x, n);
    memcpy(p, buf(run, s->p_next), n * sizeof(double));
    memcpy(buf(run, s->g), g1, n * sizeof(double));
    s->old_f = s->ls.phi0;
    s->f = s->ls.phi;
    ++run->n_iterations;
    local_report(run, gnorm, step);
    return gnorm <= s->gtol ? GPUOPT_STOP_GRADIENT_TOLERANCE : begin_iteration(run);
}

static gpuopt_status start(gpuopt_run *run)
{
    cg_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->probe.gradient_ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "conjugate_gradient: the gradient at the start point is not "
                               "finite");
    const double *g0 = local_probe_gradient(run, &s->probe);
    double *g = buf(run, s->g), *p = buf(run, s->p);
    for (size_t i = 0; i < n; ++i) {
        g[i] = g0[i];
        p[i] = -g0[i];
    }
    s->f = s->probe.value;
    s->old_f = s->f + local_norm(g, n, 2) / 2;
    double gnorm = local_norm(g, n, s->norm);
    local_report(run, gnorm, 0);
    return gnorm <= s->gtol ? GPUOPT_STOP_GRADIENT_TOLERANCE : begin_iteration(run);
}

static gpuopt_status advance(gpuopt_run *run)
{
    cg_state *s = st_of(run);
    if (s->phase == CG_START)
        return start(run);
    const double *x = buf(run, s->x), *p = buf(run, s->p);
    int r = local_search_tell(run, &s->probe, &s->ls, x, p);
    while (r == LOCAL_SEARCH_CHECK)
        r = local_search_checked(run, &s->probe, &s->ls, x, p, descent_condition(run));
    if (r == LOCAL_SEARCH_PENDING)
        return GPUOPT_SUCCESS;
    if (r == LOCAL_SEARCH_DONE)
        return finish_iteration(run);
    return local_line_search_failed(run);
}

static gpuopt_status cg_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    return local_drive(run, &st_of(run)->probe, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

_Static_assert(offsetof(cg_state, probe) == 0, "local_ask finds the probe at the state's start");

static const char *const cg_aliases[] = {"scipy_conjugate_gradient", NULL};
static const char *const cg_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_conjugate_gradient = {
    .name = "conjugate_gradient",
    .aliases = cg_aliases,
    .presets = NULL,
    .summary = "Nonlinear conjugate gradients (Polak-Ribiere+), as scipy.optimize's "
               "method='CG'; gradients by batched finite differences or the user's gradient.",
    .doc = "Local, unconstrained (finite bounds are refused unless ignore_bounds=true). "
           "Reproduces scipy's _minimize_cg: beta = max(0, PR), scipy's wolfe1/wolfe2 line "
           "search with c2 = 0.4 and Gilbert-Nocedal's sufficient-descent condition as the "
           "acceptance test. Each gradient is one batch. See docs/algorithms/"
           "conjugate_gradient.md. References: Polak & Ribiere (1969); Nocedal & Wright (2006), "
           "Numerical Optimization, 2nd ed., pp. 120-122; Gilbert & Nocedal (1992), SIAM J. "
           "Optim. 2:21-42.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = cg_options,
    .n_options = GPUOPT_COUNT(cg_options),
    .report_keys = cg_report_keys,
    .state_size = sizeof(cg_state),
    .init = cg_init,
    .ask = local_ask,
    .tell = cg_tell,
};
