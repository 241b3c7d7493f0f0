/* Rectangular trust-region dogleg for least squares with bounds (Voglis & Lagaris 2004), after
 * scipy.optimize.least_squares(method='dogbox') with x_scale=1, loss='linear',
 * tr_solver='exact'.
 *
 * The trust region is a box of half-width Delta (infinity norm) intersected with the bounds.
 * Variables on a bound whose anti-gradient points outward are frozen for the iteration; on the
 * free ones the dogleg runs from the (box-constrained) Cauchy point towards the minimum-norm
 * Gauss-Newton step until it meets the box. Iterates may lie on the bounds. Residuals and
 * Jacobians come from the shared probe (least_squares/probe.c). */
#include <math.h>
#include <string.h>

#include "least_squares/ls.h"
#include "ls_dogbox.h"

enum dogbox_phase { DOGBOX_START = 0, DOGBOX_TRIAL, DOGBOX_JACOBIAN };

typedef struct dogbox_state {
    ls_solver ls; /* probe, tolerances, pending request */
    int64_t n_free;  /* variables not frozen on a bound this iteration */
    int tr_hit;      /* the last dogleg step ended on the trust-region box */
    double cost, Delta, g_norm, qa, qb; /* qa t^2 + qb t: the model along -g_free */
    double predicted, step_h_norm;
    int x, f, J, g, g_free, on_bound, on_bound_free, free_idx, newton, A, step_free, step;
    int x_new, lb_tot, ub_tot, cauchy, diff, hits, Js, Js0;
} dogbox_state;

static const gpuopt_option_spec dogbox_options[] = {LS_COMMON_OPTIONS};

static dogbox_state *st_of(const gpuopt_run *run)
{
    return (dogbox_state *)run->state;
}

static double *B(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static int *I(const gpuopt_run *run, int id)
{
    return (int *)gpuopt_run_host(run, id);
}

/* J restricted to the free columns (m x n_free), into A. */
static void free_columns(const gpuopt_run *run, double *A)
{
    const dogbox_state *s = st_of(run);
    size_t m = run->n_outputs, n = run->dim, nf = (size_t)s->n_free;
    const double *J = B(run, s->J);
    const int *idx = I(run, s->free_idx);
    for (size_t i = 0; i < m; ++i)
        for (size_t c = 0; c < nf; ++c)
            A[i * nf + c] = J[i * n + (size_t)idx[c]];
}

/* ------------------------------------------------------------ outer iteration */

/* Active set, gradient test, Gauss-Newton step and the model along -g on the free set. */
static gpuopt_status outer_begin(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    double *g = B(run, s->g), *g_free = B(run, s->g_free), *A = B(run, s->A);
    const int *on_bound = I(run, s->on_bound);
    int *idx = I(run, s->free_idx);
    ls_matvec_t(B(run, s->J), m, n, n, B(run, s->f), g);
    size_t nf = 0;
    for (size_t j = 0; j < n; ++j) {
        if (on_bound[j] * g[j] < 0) {
            g[j] = 0;
            continue;
        }
        g_free[nf] = g[j];
        idx[nf++] = (int)j;
    }
    s->n_free = (int64_t)nf;
    s->g_norm = ls_norm_inf(g, n);
    run->report[0] = s->g_norm;
    run->report[1] = s->Delta;
    if (s->g_norm < s->ls.tol.gtol || nf == 0)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    double *newton = B(run, s->newton);
    const double *f = B(run, s->f);
    for (size_t i = 0; i < m; ++i)
        newton[i] = -f[i];
    free_columns(run, A);
    if (ls_lstsq(A, m, nf, newton) != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "ls_dogbox: the least-squares Gauss-Newton step (%zu x %zu) did not "
                               "converge at iteration %lld",
                               m, nf, (long long)run->n_iterations);
    free_columns(run, A);
    double *minus_g = B(run, s->diff), c;
    for (size_t q = 0; q < nf; ++q)
        minus_g[q] = -g_free[q];
    ls_quadratic_1d(A, m, nf, g_free, minus_g, NULL, NULL, B(run, s->Js), B(run, s->Js0), &s->qa,
                    &s->qb, &c);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ the step */

/* scipy's dogleg_step on the free variables: step_free, on_bound_free, tr_hit. */
static void dogleg_step(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t nf = (size_t)s->n_free;
    const double *x = B(run, s->x), *newton = B(run, s->newton), *g = B(run, s->g_free);
    const int *idx = I(run, s->free_idx);
    double *lo = B(run, s->lb_tot), *hi = B(run, s->ub_tot), *step = B(run, s->step_free);
    double *cauchy = B(run, s->cauchy), *diff = B(run, s->diff);
    int *hits = I(run, s->hits), *bound_hits = I(run, s->on_bound_free);
    int inside = 1;
    for (size_t q = 0; q < nf; ++q) {
        size_t j = (size_t)idx[q];
        lo[q] = fmax(run->lower[j] - x[j], -s->Delta);
        hi[q] = fmin(run->upper[j] - x[j], s->Delta);
        bound_hits[q] = 0;
        inside &= newton[q] >= lo[q] && newton[q] <= hi[q];
    }
    s->tr_hit = 0;
    if (inside) {
        memcpy(step, newton, nf * sizeof *step);
        return;
    }
    for (size_t q = 0; q < nf; ++q)
        diff[q] = -g[q];
    double value, to_bounds = ls_step_to_bound(NULL, diff, lo, hi, nf, NULL);
    double t = ls_minimize_1d(s->qa, s->qb, 0, to_bounds, 0, &value);
    for (size_t q = 0; q < nf; ++q) {
        cauchy[q] = -t * g[q];
        diff[q] = newton[q] - cauchy[q];
    }
    double size = ls_step_to_bound(cauchy, diff, lo, hi, nf, hits);
    for (size_t q = 0; q < nf; ++q) {
        size_t j = (size_t)idx[q];
        double lb_c = run->lower[j] - x[j], ub_c = run->upper[j] - x[j];
        if (hits[q] < 0 && lo[q] == lb_c)
            bound_hits[q] = -1;
        if (hits[q] > 0 && hi[q] == ub_c)
            bound_hits[q] = 1;
        if ((hits[q] < 0 && lo[q] == -s->Delta) || (hits[q] > 0 && hi[q] == s->Delta))
            s->tr_hit = 1;
        step[q] = cauchy[q] + size * diff[q];
    }
}

/* The dogleg step at the current radius; writes the trial point. */
static void trial_step(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs, nf = (size_t)s->n_free;
    dogleg_step(run);
    const double *step_free = B(run, s->step_free), *x = B(run, s->x);
    const int *idx = I(run, s->free_idx);
    double *step = B(run, s->step), *x_new = B(run, s->x_new);
    double *A = B(run, s->A);
    free_columns(run, A);
    s->predicted = -ls_quadratic(A, m, nf, B(run, s->g_free), step_free, NULL, B(run, s->Js));
    memset(step, 0, n * sizeof *step);
    for (size_t q = 0; q < nf; ++q)
        step[idx[q]] = step_free[q];
    for (size_t j = 0; j < n; ++j)
        x_new[j] = fmin(fmax(x[j] + step[j], run->lower[j]), run->upper[j]);
    s->step_h_norm = ls_norm_inf(step, n);
    ls_solver_request(run, &s->ls, x_new, DOGBOX_TRIAL,
                      s->ls.tol.speculative ? LS_PROBE_POINT_JACOBIAN : LS_PROBE_POINT);
}

/* ------------------------------------------------------------------ transitions */

static gpuopt_status new_jacobian(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    memcpy(B(run, s->J), ls_probe_jacobian(run, &s->ls.probe), m * n * sizeof(double));
    gpuopt_status st = outer_begin(run);
    if (st != GPUOPT_SUCCESS)
        return st;
    trial_step(run);
    return GPUOPT_SUCCESS;
}

/* x = x_new, with the variables the step put on a bound set exactly onto it. */
static void accept_trial(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim, nf = (size_t)s->n_free;
    int *on_bound = I(run, s->on_bound);
    const int *on_bound_free = I(run, s->on_bound_free), *idx = I(run, s->free_idx);
    double *x = B(run, s->x);
    for (size_t q = 0; q < nf; ++q)
        on_bound[idx[q]] = on_bound_free[q];
    memcpy(x, B(run, s->x_new), n * sizeof *x);
    for (size_t j = 0; j < n; ++j) {
        if (on_bound[j] == -1)
            x[j] = run->lower[j];
        if (on_bound[j] == 1)
            x[j] = run->upper[j];
    }
    memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), run->n_outputs * sizeof(double));
    s->cost = s->ls.probe.cost;
}

static gpuopt_status after_trial(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->ls.probe.finite) {
        s->Delta = 0.25 * s->step_h_norm;
        trial_step(run);
        return GPUOPT_SUCCESS;
    }
    double actual = s->cost - s->ls.probe.cost;
    double ratio = ls_update_radius(&s->Delta, actual, s->predicted, s->step_h_norm, s->tr_hit);
    gpuopt_status st = ls_check_termination(&s->ls.tol, actual, s->cost, ls_norm(B(run, s->step), n),
                                            ls_norm(B(run, s->x), n), ratio);
    if (st != GPUOPT_SUCCESS) {
        if (actual > 0)
            accept_trial(run);
        return st;
    }
    if (!(actual > 0)) {
        if (s->step_h_norm == 0) /* the radius underflowed (all tolerances 0): x cannot move */
            return GPUOPT_STOP_NO_EFFECT;
        trial_step(run);
        return GPUOPT_SUCCESS;
    }
    accept_trial(run);
    if (s->ls.probe.kind == LS_PROBE_POINT_JACOBIAN)
        return new_jacobian(run);
    /* as scipy: the residuals at the trial point stand for those at x snapped onto its bounds
       (they differ by rounding only) */
    ls_solver_request(run, &s->ls, B(run, s->x), DOGBOX_JACOBIAN, LS_PROBE_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status after_start(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    if (!s->ls.probe.finite)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "ls_dogbox: the residuals at the start point are not all finite");
    memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), m * sizeof(double));
    s->cost = s->ls.probe.cost;
    s->Delta = ls_norm_inf(B(run, s->x), n);
    if (s->Delta == 0)
        s->Delta = 1.0;
    return new_jacobian(run);
}

/* -------------------------------------------------------------------- init */

static gpuopt_status allocate(gpuopt_run *run, dogbox_state *s)
{
    size_t n = run->dim, m = run->n_outputs, mn = m > n ? m : n;
    const ls_buffer_row rows[] = {
        {"dogbox_x", n, sizeof(double), &s->x},
        {"dogbox_residuals", m, sizeof(double), &s->f},
        {"dogbox_jacobian", m * n, sizeof(double), &s->J},
        {"dogbox_gradient", n, sizeof(double), &s->g},
        {"dogbox_gradient_free", n, sizeof(double), &s->g_free},
        {"dogbox_on_bound", n, sizeof(int), &s->on_bound},
        {"dogbox_on_bound_free", n, sizeof(int), &s->on_bound_free},
        {"dogbox_free_index", n, sizeof(int), &s->free_idx},
        {"dogbox_newton", mn, sizeof(double), &s->newton},
        {"dogbox_free_jacobian", m * n, sizeof(double), &s->A},
        {"dogbox_step_free", n, sizeof(double), &s->step_free},
        {"dogbox_step", n, sizeof(double), &s->step},
        {"dogbox_x_new", n, sizeof(double), &s->x_new},
        {"dogbox_lower_total", n, sizeof(double), &s->lb_tot},
        {"dogbox_upper_total", n, sizeof(double), &s->ub_tot},
        {"dogbox_cauchy", n, sizeof(double), &s->cauchy},
        {"dogbox_diff", n, sizeof(double), &s->diff},
        {"dogbox_hits", n, sizeof(int), &s->hits},
        {"dogbox_js", m, sizeof(double), &s->Js},
        {"dogbox_js0", m, sizeof(double), &s->Js0},
    };
    return ls_allocate(run, rows, GPUOPT_COUNT(rows));
}

static gpuopt_status dogbox_init(gpuopt_run *run)
{
    dogbox_state *s = st_of(run);
    gpuopt_status st = ls_check_sizes(run);
    if (st == GPUOPT_SUCCESS)
        st = ls_read_common(run, &s->ls, 1);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    double *x = B(run, s->x);
    int *on_bound = I(run, s->on_bound);
    memcpy(x, run->x0, run->dim * sizeof *x);
    for (size_t j = 0; j < run->dim; ++j)
        on_bound[j] = x[j] == run->lower[j] ? -1 : x[j] == run->upper[j] ? 1 : 0;
    ls_solver_request(run, &s->ls, x, DOGBOX_START, LS_PROBE_POINT_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status dogbox_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    static const ls_phase_fn after[] = {[DOGBOX_START] = after_start,
                                        [DOGBOX_TRIAL] = after_trial,
                                        [DOGBOX_JACOBIAN] = new_jacobian};
    return ls_solver_tell(run, batch, after, GPUOPT_COUNT(after));
}

/* -------------------------------------------------------------- descriptor */

static const char *const dogbox_aliases[] = {"scipy_ls_dogbox", NULL};
static const char *const dogbox_report_keys[] = {"projected_gradient_norm", "trust_radius",
                                                 NULL};

const gpuopt_algorithm gpuopt_algorithm_ls_dogbox = {
    .name = "ls_dogbox",
    .aliases = dogbox_aliases,
    .presets = NULL,
    .summary = "Rectangular trust-region dogleg for nonlinear least squares with bounds "
               "(scipy's least_squares method='dogbox').",
    .doc = "Local, for least-squares criteria (residuals r(x), value sum r^2). A box trust "
           "region intersected with the bounds; variables on a bound with an outward "
           "anti-gradient are frozen; a dogleg from the Cauchy point to the minimum-norm "
           "Gauss-Newton step on the free variables. Finite-difference Jacobians (one batch, "
           "combined on the backend). Allows fewer residuals than parameters; not recommended "
           "for rank-deficient Jacobians. scipy's ftol, xtol, gtol tests with x_scale=1, "
           "loss='linear', tr_solver='exact'. Reference: Voglis & Lagaris (2004), WSEAS "
           "International Conference on Applied Mathematics. See "
           "docs/algorithms/least_squares.md.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_LEAST_SQUARES,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = dogbox_options,
    .n_options = GPUOPT_COUNT(dogbox_options),
    .report_keys = dogbox_report_keys,
    .state_size = sizeof(dogbox_state),
    .init = dogbox_init,
    .ask = ls_solver_ask,
    .tell = dogbox_tell,
};
