/* Trust Region Reflective for least squares with bounds (Branch, Coleman & Li 1999), after
 * scipy.optimize.least_squares(method='trf') with x_scale=1, loss='linear', tr_solver='exact'.
 *
 * Without finite bounds: a trust-region Gauss-Newton method whose subproblem is solved exactly
 * on the SVD of J (Moré's secant iteration for the Levenberg-Marquardt parameter). With bounds:
 * the Coleman-Li scaling v (distance to the bound the anti-gradient points to), the subproblem
 * in the scaled variables with the augmented matrix [J D; diag(g dv)^(1/2)], and the best of
 * three candidates: the trust-region step cut at the bound (times theta), its reflection off
 * the bound, and the scaled anti-gradient step; iterates stay strictly feasible.
 * Residuals and Jacobians come from the shared probe (least_squares/probe.c). */
#include <math.h>
#include <string.h>

#include "least_squares/ls.h"
#include "ls_trf.h"

enum trf_phase { TRF_START = 0, TRF_TRIAL, TRF_JACOBIAN };

typedef struct trf_state {
    ls_solver ls; /* probe, tolerances, pending request */
    int bounded;     /* some bound is finite: scipy's trf_bounds */
    size_t rows_aug; /* rows of the SVD's matrix: m (unbounded) or m + n */
    double cost, Delta, alpha, theta, g_norm;
    double predicted, step_h_norm;
    int x, f, J, g, v, dv, d, diag_h, g_h, A, U, s, VT, uf, work, p, p_h, step, step_h, x_new;
    int r, r_h, ag, ag_h, x_on_bound, Js, Js0, hits;
} trf_state;

static const gpuopt_option_spec trf_options[] = {LS_COMMON_OPTIONS};

static trf_state *st_of(const gpuopt_run *run)
{
    return (trf_state *)run->state;
}

static double *B(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------ bound helpers */

/* scipy's make_strictly_feasible (rstep 0: the next representable number inside). */
static void make_strictly_feasible(const gpuopt_run *run, double *x, double rstep)
{
    const double *lb = run->lower, *ub = run->upper;
    for (size_t j = 0; j < run->dim; ++j) {
        int active = 0;
        if (rstep == 0) {
            active = x[j] <= lb[j] ? -1 : 0;
            active = x[j] >= ub[j] ? 1 : active;
        } else {
            double lo = x[j] - lb[j], up = ub[j] - x[j];
            if (isfinite(lb[j]) && lo <= fmin(up, rstep * fmax(1, fabs(lb[j]))))
                active = -1;
            if (isfinite(ub[j]) && up <= fmin(lo, rstep * fmax(1, fabs(ub[j]))))
                active = 1;
        }
        if (active == -1)
            x[j] = rstep == 0 ? nextafter(lb[j], ub[j]) : lb[j] + rstep * fmax(1, fabs(lb[j]));
        else if (active == 1)
            x[j] = rstep == 0 ? nextafter(ub[j], lb[j]) : ub[j] - rstep * fmax(1, fabs(ub[j]));
        if (x[j] < lb[j] || x[j] > ub[j])
            x[j] = 0.5 * (lb[j] + ub[j]);
    }
}

/* Coleman-Li scaling vector v and its derivative dv. */
static void cl_scaling(const gpuopt_run *run, const double *x, const double *g, double *v,
                       double *dv)
{
    for (size_t j = 0; j < run->dim; ++j) {
        v[j] = 1;
        dv[j] = 0;
        if (g[j] < 0 && isfinite(run->upper[j])) {
            v[j] = run->upper[j] - x[j];
            dv[j] = -1;
        }
        if (g[j] > 0 && isfinite(run->lower[j])) {
            v[j] = x[j] - run->lower[j];
            dv[j] = 1;
        }
    }
}

static int in_bounds(const gpuopt_run *run, const double *x)
{
    for (size_t j = 0; j < run->dim; ++j)
        if (!(x[j] >= run->lower[j] && x[j] <= run->upper[j]))
            return 0;
    return 1;
}

/* ------------------------------------------------------------ outer iteration */

/* The gradient test and the SVD of the (augmented, scaled) Jacobian at x. */
static gpuopt_status outer_begin(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs, M = s->rows_aug;
    const double *x = B(run, s->x), *f = B(run, s->f), *J = B(run, s->J), *g = B(run, s->g);
    double *v = B(run, s->v), *dv = B(run, s->dv), *d = B(run, s->d), *A = B(run, s->A);
    double *diag_h = B(run, s->diag_h), *g_h = B(run, s->g_h);
    if (s->bounded) {
        cl_scaling(run, x, g, v, dv);
        s->g_norm = 0;
        for (size_t j = 0; j < n; ++j)
            s->g_norm = fmax(s->g_norm, fabs(g[j] * v[j]));
    } else {
        for (size_t j = 0; j < n; ++j) {
            v[j] = 1;
            dv[j] = 0;
        }
        s->g_norm = ls_norm_inf(g, n);
    }
    run->report[0] = s->g_norm;
    run->report[1] = s->Delta;
    if (s->g_norm < s->ls.tol.gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    for (size_t j = 0; j < n; ++j) {
        d[j] = sqrt(v[j]);
        diag_h[j] = g[j] * dv[j];
        g_h[j] = d[j] * g[j];
    }
    memset(A, 0, M * n * sizeof *A);
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
            A[i * n + j] = J[i * n + j] * d[j];
    for (size_t j = 0; s->bounded && j < n; ++j)
        A[(m + j) * n + j] = sqrt(diag_h[j]);
    size_t k = M < n ? M : n;
    double *U = B(run, s->U), *uf = B(run, s->uf);
    if (ls_svd(A, M, n, U, B(run, s->s), B(run, s->VT)) != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "ls_trf: the SVD of the %zu x %zu scaled Jacobian did not converge "
                               "at iteration %lld",
                               M, n, (long long)run->n_iterations);
    ls_matvec_t(U, m, k, k, f, uf);
    s->theta = fmax(0.995, 1 - s->g_norm);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ the step */

/* scipy's select_step: the best of the cut trust-region step, its reflection, and the
 * anti-gradient step (bounded problems, when x + p leaves the bounds). */
static void select_step(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *x = B(run, s->x), *diag_h = B(run, s->diag_h);
    const double *g_h = B(run, s->g_h), *d = B(run, s->d);
    double *p = B(run, s->p), *p_h = B(run, s->p_h), *step = B(run, s->step);
    double *step_h = B(run, s->step_h), *r = B(run, s->r), *r_h = B(run, s->r_h);
    double *ag = B(run, s->ag), *ag_h = B(run, s->ag_h), *xb = B(run, s->x_on_bound);
    double *Js = B(run, s->Js), *Js0 = B(run, s->Js0);
    int *hits = (int *)gpuopt_run_host(run, s->hits);
    const double *lb = run->lower, *ub = run->upper;
    const double *Jh = B(run, s->work) + n; /* J d (m x n), from trial_step */
    for (size_t j = 0; j < n; ++j)
        xb[j] = x[j] + p[j];
    if (in_bounds(run, xb)) {
        memcpy(step, p, n * sizeof *p);
        memcpy(step_h, p_h, n * sizeof *p_h);
        s->predicted = -ls_quadratic(Jh, m, n, g_h, p_h, diag_h, Js);
        return;
    }
    double p_stride = ls_step_to_bound(x, p, lb, ub, n, hits);
    for (size_t j = 0; j < n; ++j) {
        r_h[j] = hits[j] ? -p_h[j] : p_h[j];
        r[j] = d[j] * r_h[j];
        p[j] *= p_stride;
        p_h[j] *= p_stride;
        xb[j] = x[j] + p[j];
    }
    double t_neg, to_tr, a, b, c, r_value = INFINITY;
    ls_intersect_trust_region(p_h, r_h, s->Delta, n, &t_neg, &to_tr);
    double to_bound = ls_step_to_bound(xb, r, lb, ub, n, NULL);
    double r_stride = fmin(to_bound, to_tr), r_lo = 0, r_up = -1;
    if (r_stride > 0) {
        r_lo = (1 - s->theta) * p_stride / r_stride;
        r_up = r_stride == to_bound ? s->theta * to_bound : to_tr;
    }
    if (r_lo <= r_up) {
        ls_quadratic_1d(Jh, m, n, g_h, r_h, p_h, diag_h, Js, Js0, &a, &b, &c);
        r_stride = ls_minimize_1d(a, b, r_lo, r_up, c, &r_value);
        for (size_t j = 0; j < n; ++j) {
            r_h[j] = r_h[j] * r_stride + p_h[j];
            r[j] = r_h[j] * d[j];
        }
    }
    for (size_t j = 0; j < n; ++j) {
        p[j] *= s->theta;
        p_h[j] *= s->theta;
    }
    double p_value = ls_quadratic(Jh, m, n, g_h, p_h, diag_h, Js);
    for (size_t j = 0; j < n; ++j) {
        ag_h[j] = -g_h[j];
        ag[j] = d[j] * ag_h[j];
    }
    double ag_norm = ls_norm(ag_h, n);
    to_tr = ag_norm > 0 ? s->Delta / ag_norm : INFINITY;
    to_bound = ls_step_to_bound(x, ag, lb, ub, n, NULL);
    double ag_stride = to_bound < to_tr ? s->theta * to_bound : to_tr, ag_value;
    ls_quadratic_1d(Jh, m, n, g_h, ag_h, NULL, diag_h, Js, Js0, &a, &b, &c);
    ag_stride = ls_minimize_1d(a, b, 0, ag_stride, 0, &ag_value);
    for (size_t j = 0; j < n; ++j) {
        ag_h[j] *= ag_stride;
        ag[j] *= ag_stride;
    }
    const double *best = ag, *best_h = ag_h;
    double best_value = ag_value;
    if (p_value < r_value && p_value < ag_value) {
        best = p;
        best_h = p_h;
        best_value = p_value;
    } else if (r_value < p_value && r_value < ag_value) {
        best = r;
        best_h = r_h;
        best_value = r_value;
    }
    memcpy(step, best, n * sizeof *step);
    memcpy(step_h, best_h, n * sizeof *step_h);
    s->predicted = -best_value;
}

/* Solves the subproblem at the current radius and writes the trial point. */
static void trial_step(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs, M = s->rows_aug, k = M < n ? M : n;
    const double *J = B(run, s->J), *d = B(run, s->d), *x = B(run, s->x);
    double *p = B(run, s->p), *p_h = B(run, s->p_h), *work = B(run, s->work);
    double *Jh = work + n;
    const double *sv = B(run, s->s);
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
            Jh[i * n + j] = J[i * n + j] * d[j];
    ls_solve_trust_region(n, k, ls_full_rank(m, n, k, sv), B(run, s->uf), sv, B(run, s->VT),
                          s->Delta, &s->alpha, p_h, work);
    for (size_t j = 0; j < n; ++j)
        p[j] = d[j] * p_h[j];
    double *x_new = B(run, s->x_new), *step = B(run, s->step), *step_h = B(run, s->step_h);
    if (s->bounded) {
        select_step(run);
    } else {
        memcpy(step, p, n * sizeof *p);
        memcpy(step_h, p_h, n * sizeof *p_h);
        s->predicted = -ls_quadratic(Jh, m, n, B(run, s->g_h), p_h, NULL, B(run, s->Js));
    }
    for (size_t j = 0; j < n; ++j)
        x_new[j] = x[j] + step[j];
    if (s->bounded)
        make_strictly_feasible(run, x_new, 0);
    s->step_h_norm = ls_norm(step_h, n);
    ls_solver_request(run, &s->ls, x_new, TRF_TRIAL,
                      s->ls.tol.speculative ? LS_PROBE_POINT_JACOBIAN : LS_PROBE_POINT);
}

/* ------------------------------------------------------------------ transitions */

/* A new Jacobian at x (its residuals in f): the gradient, then the next subproblem. */
static gpuopt_status new_jacobian(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    memcpy(B(run, s->J), ls_probe_jacobian(run, &s->ls.probe), m * n * sizeof(double));
    ls_matvec_t(B(run, s->J), m, n, n, B(run, s->f), B(run, s->g));
    gpuopt_status st = outer_begin(run);
    if (st != GPUOPT_SUCCESS)
        return st;
    trial_step(run);
    return GPUOPT_SUCCESS;
}

static void accept_trial(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    memcpy(B(run, s->x), B(run, s->x_new), run->dim * sizeof(double));
    memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), run->n_outputs * sizeof(double));
    s->cost = s->ls.probe.cost;
}

static gpuopt_status after_trial(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->ls.probe.finite) {
        s->Delta = 0.25 * s->step_h_norm;
        trial_step(run);
        return GPUOPT_SUCCESS;
    }
    double actual = s->cost - s->ls.probe.cost, Delta_new = s->Delta;
    double ratio = ls_update_radius(&Delta_new, actual, s->predicted, s->step_h_norm,
                                    s->step_h_norm > 0.95 * s->Delta);
    double step_norm = ls_norm(B(run, s->step), n);
    gpuopt_status st = ls_check_termination(&s->ls.tol, actual, s->cost, step_norm,
                                            ls_norm(B(run, s->x), n), ratio);
    if (st != GPUOPT_SUCCESS) {
        if (actual > 0)
            accept_trial(run);
        return st;
    }
    s->alpha *= s->Delta / Delta_new;
    s->Delta = Delta_new;
    if (!(actual > 0)) {
        if (step_norm == 0) /* the radius underflowed (all tolerances 0): x cannot move */
            return GPUOPT_STOP_NO_EFFECT;
        trial_step(run);
        return GPUOPT_SUCCESS;
    }
    accept_trial(run);
    if (s->ls.probe.kind == LS_PROBE_POINT_JACOBIAN)
        return new_jacobian(run);
    ls_solver_request(run, &s->ls, B(run, s->x), TRF_JACOBIAN, LS_PROBE_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status after_start(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    if (!s->ls.probe.finite)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "ls_trf: the residuals at the start point are not all finite");
    memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), m * sizeof(double));
    s->cost = s->ls.probe.cost;
    memcpy(B(run, s->J), ls_probe_jacobian(run, &s->ls.probe), m * n * sizeof(double));
    double *g = B(run, s->g), *x = B(run, s->x), *v = B(run, s->v);
    ls_matvec_t(B(run, s->J), m, n, n, B(run, s->f), g);
    if (s->bounded)
        cl_scaling(run, x, g, v, B(run, s->dv));
    double sum = 0;
    for (size_t j = 0; j < n; ++j) {
        double t = s->bounded ? x[j] / sqrt(v[j]) : x[j];
        sum += t * t;
    }
    s->Delta = sqrt(sum);
    if (s->Delta == 0 || !isfinite(s->Delta))
        s->Delta = 1.0;
    gpuopt_status st = outer_begin(run);
    if (st != GPUOPT_SUCCESS)
        return st;
    trial_step(run);
    return GPUOPT_SUCCESS;
}

/* -------------------------------------------------------------------- init */

static gpuopt_status allocate(gpuopt_run *run, trf_state *s)
{
    size_t n = run->dim, m = run->n_outputs, M = s->rows_aug, k = M < n ? M : n;
    const ls_buffer_row rows[] = {
        {"trf_x", n, sizeof(double), &s->x},
        {"trf_residuals", m, sizeof(double), &s->f},
        {"trf_jacobian", m * n, sizeof(double), &s->J},
        {"trf_gradient", n, sizeof(double), &s->g},
        {"trf_v", n, sizeof(double), &s->v},
        {"trf_dv", n, sizeof(double), &s->dv},
        {"trf_d", n, sizeof(double), &s->d},
        {"trf_diag_h", n, sizeof(double), &s->diag_h},
        {"trf_g_h", n, sizeof(double), &s->g_h},
        {"trf_svd_input", M * n, sizeof(double), &s->A},
        {"trf_svd_u", M * k, sizeof(double), &s->U},
        {"trf_svd_s", k, sizeof(double), &s->s},
        {"trf_svd_vt", k * n, sizeof(double), &s->VT},
        {"trf_uf", k, sizeof(double), &s->uf},
        {"trf_work", n + m * n, sizeof(double), &s->work},
        {"trf_p", n, sizeof(double), &s->p},
        {"trf_p_h", n, sizeof(double), &s->p_h},
        {"trf_step", n, sizeof(double), &s->step},
        {"trf_step_h", n, sizeof(double), &s->step_h},
        {"trf_x_new", n, sizeof(double), &s->x_new},
        {"trf_r", n, sizeof(double), &s->r},
        {"trf_r_h", n, sizeof(double), &s->r_h},
        {"trf_ag", n, sizeof(double), &s->ag},
        {"trf_ag_h", n, sizeof(double), &s->ag_h},
        {"trf_x_on_bound", n, sizeof(double), &s->x_on_bound},
        {"trf_js", m, sizeof(double), &s->Js},
        {"trf_js0", m, sizeof(double), &s->Js0},
        {"trf_hits", n, sizeof(int), &s->hits},
    };
    return ls_allocate(run, rows, GPUOPT_COUNT(rows));
}

static gpuopt_status trf_init(gpuopt_run *run)
{
    trf_state *s = st_of(run);
    for (size_t j = 0; j < run->dim; ++j)
        s->bounded |= isfinite(run->lower[j]) || isfinite(run->upper[j]);
    s->rows_aug = run->n_outputs + (s->bounded ? run->dim : 0);
    gpuopt_status st = ls_check_sizes(run);
    if (st == GPUOPT_SUCCESS)
        st = ls_read_common(run, &s->ls, s->bounded);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    double *x = B(run, s->x);
    memcpy(x, run->x0, run->dim * sizeof *x);
    if (s->bounded)
        make_strictly_feasible(run, x, 1e-10);
    ls_solver_request(run, &s->ls, x, TRF_START, LS_PROBE_POINT_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status trf_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    static const ls_phase_fn after[] = {[TRF_START] = after_start,
                                        [TRF_TRIAL] = after_trial,
                                        [TRF_JACOBIAN] = new_jacobian};
    return ls_solver_tell(run, batch, after, GPUOPT_COUNT(after));
}

/* -------------------------------------------------------------- descriptor */

static const char *const trf_aliases[] = {"scipy_ls_trf", NULL};
static const char *const trf_report_keys[] = {"scaled_gradient_norm", "trust_radius", NULL};

const gpuopt_algorithm gpuopt_algorithm_ls_trf = {
    .name = "ls_trf",
    .aliases = trf_aliases,
    .presets = NULL,
    .summary = "Trust Region Reflective for nonlinear least squares with bounds (scipy's "
               "least_squares method='trf').",
    .doc = "Local, for least-squares criteria (residuals r(x), value sum r^2). Trust-region "
           "Gauss-Newton on the SVD of the finite-difference Jacobian (one batch per Jacobian, "
           "combined on the backend); with bounds, Coleman-Li scaling and reflective steps keep "
           "iterates strictly feasible. Allows fewer residuals than parameters. scipy's ftol, "
           "xtol, gtol tests with x_scale=1, loss='linear', tr_solver='exact'. Reference: "
           "Branch, Coleman & Li (1999), SIAM J. Sci. Comput. 21(1):1-23. See "
           "docs/algorithms/least_squares.md.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_LEAST_SQUARES,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = trf_options,
    .n_options = GPUOPT_COUNT(trf_options),
    .report_keys = trf_report_keys,
    .state_size = sizeof(trf_state),
    .init = trf_init,
    .ask = ls_solver_ask,
    .tell = trf_tell,
};
