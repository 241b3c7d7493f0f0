/* Trust-region Newton-CG, step for step as scipy.optimize's _minimize_trust_region with the
 * CGSteihaugSubproblem (method='trust-ncg'), the Hessian by finite differences.
 *
 * At each accepted point the Hessian is computed once (local_hessian: the order-2 value stencil
 * as ONE batch, or differences of the user gradient on the host). The quadratic model
 * m(p) = f + g'p + p'Hp/2 is minimized within |p| <= radius by Steihaug's CG (Nocedal & Wright,
 * Algorithm 7.2; stop when |r| < min(0.5, sqrt|g|) |g|, at the boundary, or along a direction of
 * non-positive curvature to the better boundary point); the trial point x + p is one
 * evaluation. rho = (f - f(x + p)) / (m(0) - m(p)): the radius shrinks by 4 when rho < 1/4,
 * doubles (up to the maximal radius) when rho > 3/4 and the step reached the boundary; the step
 * is accepted when rho > eta, and then the gradient and the Hessian are computed there. Stops
 * when |g|_2 < gtol, or when the model predicts no decrease. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "local/local.h"
#include "trust_ncg.h"

enum tr_phase { TR_START = 1, TR_HESSIAN, TR_TRIAL, TR_GRADIENT };

typedef struct tr_state {
    local_probe probe;
    local_hessian hessian;
    int phase;
    int x, g, p, z, r, d, bd, tmp; /* host, dim each */
    double f, gnorm, radius, max_radius, eta, gtol;
    double predicted; /* m(p) of the trial step */
    int hits_boundary;
} tr_state;

static const gpuopt_option_spec tr_options[] = {
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's gtol: converged when the gradient's 2-norm is below this (scipy's default is "
     "1e-4; 1e-5 is the harmonized default of gpuopt's gradient solvers)."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations, rejected steps included (scipy's maxiter). Not counted "
     "as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations (finite-difference points included) are done. "
     "Not counted as convergence."},
    {"trustregion.initial_radius", GPUOPT_OPTION_DOUBLE, 1.0, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "scipy's initial_trust_radius; must be less than trustregion.maximal_radius."},
    {"trustregion.maximal_radius", GPUOPT_OPTION_DOUBLE, 1000.0, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "scipy's max_trust_radius: no step is longer than this."},
    {"trustregion.threshold_successful", GPUOPT_OPTION_DOUBLE, 0.15, NULL, 0, 0.25, NULL,
     GPUOPT_OPT_MAX_EXCLUSIVE,
     "scipy's eta: a step is accepted when its actual / predicted reduction exceeds this; "
     "0 <= eta < 0.25."},
    LOCAL_NUMDIFF_OPTIONS,
    LOCAL_HESSIAN_OPTIONS,
    LOCAL_IGNORE_BOUNDS_OPTION,
};

static tr_state *st_of(const gpuopt_run *run)
{
    return (tr_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------ the model */

static void hessian_times(const gpuopt_run *run, const tr_state *s, const double *v, double *out)
{
    size_t n = run->dim;
    const double *H = local_hessian_matrix(run, &s->hessian);
    for (size_t i = 0; i < n; ++i)
        out[i] = local_dot(H + i * n, v, n);
}

/* m(p) = f + g'p + p'Hp / 2. */
static double model(const gpuopt_run *run, const tr_state *s, const double *p)
{
    double *hp = buf(run, s->tmp);
    hessian_times(run, s, p, hp);
    return s->f + local_dot(buf(run, s->g), p, run->dim) + 0.5 * local_dot(p, hp, run->dim);
}

/* The t with |z + t d| = radius, low and high (scipy's get_boundaries_intersections). */
static void boundary_steps(const double *z, const double *d, size_t n, double radius, double *ta,
                           double *tb)
{
    double a = local_dot(d, d, n), b = 2 * local_dot(z, d, n);
    double c = local_dot(z, z, n) - radius * radius;
    double aux = b + copysign(sqrt(b * b - 4 * a * c), b);
    double t1 = -aux / (2 * a), t2 = -2 * c / aux;
    *ta = fmin(t1, t2);
    *tb = fmax(t1, t2);
}

/* p = z + t d. */
static void point_on(const double *z, double t, const double *d, double *p, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        p[i] = z[i] + t * d[i];
}

/* Non-positive curvature along d: the boundary point of the two with the lower model. */
static void better_boundary_point(const gpuopt_run *run, tr_state *s)
{
    size_t n = run->dim;
    const double *z = buf(run, s->z), *d = buf(run, s->d);
    double *p = buf(run, s->p), *pb = buf(run, s->r), ta, tb;
    boundary_steps(z, d, n, s->radius, &ta, &tb);
    point_on(z, ta, d, p, n);
    point_on(z, tb, d, pb, n); /* r is not needed any more */
    if (!(model(run, s, p) < model(run, s, pb)))
        memcpy(p, pb, n * sizeof(double));
}

/* Steihaug's CG on the model within the radius: the step in p, hits_boundary. At most 20 n CG
 * iterations (scipy has no limit; in exact arithmetic CG ends within n). */
static void solve_subproblem(const gpuopt_run *run, tr_state *s)
{
    size_t n = run->dim;
    double *z = buf(run, s->z), *r = buf(run, s->r), *d = buf(run, s->d), *bd = buf(run, s->bd);
    double *p = buf(run, s->p), tolerance = fmin(0.5, sqrt(s->gnorm)) * s->gnorm;
    const double *g = buf(run, s->g);
    s->hits_boundary = 0;
    memset(p, 0, n * sizeof(double));
    if (s->gnorm < tolerance)
        return;
    for (size_t i = 0; i < n; ++i) {
        z[i] = 0;
        r[i] = g[i];
        d[i] = -g[i];
    }
    for (size_t it = 0; it < 20 * n; ++it) {
        hessian_times(run, s, d, bd);
        double dbd = local_dot(d, bd, n);
        if (dbd <= 0) {
            better_boundary_point(run, s);
            s->hits_boundary = 1;
            return;
        }
        double rr = local_dot(r, r, n), alpha = rr / dbd;
        point_on(z, alpha, d, p, n); /* z_next */
        if (local_norm(p, n, 2) >= s->radius) {
            double ta, tb;
            boundary_steps(z, d, n, s->radius, &ta, &tb);
            point_on(z, tb, d, p, n);
            s->hits_boundary = 1;
            return;
        }
        for (size_t i = 0; i < n; ++i)
            r[i] += alpha * bd[i];
        double rr_next = local_dot(r, r, n);
        if (sqrt(rr_next) < tolerance)
            return;
        double beta = rr_next / rr;
        for (size_t i = 0; i < n; ++i) {
            d[i] = -r[i] + beta * d[i];
            z[i] = p[i];
        }
    }
}

/* ------------------------------------------------------------ iteration */

/* Solves the subproblem at x and asks for f at x + p. */
static gpuopt_status propose(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    size_t n = run->dim;
    solve_subproblem(run, s);
    const double *p = buf(run, s->p);
    s->predicted = model(run, s, p);
    double *trial = local_probe_point(run, &s->probe);
    const double *x = buf(run, s->x);
    for (size_t i = 0; i < n; ++i)
        trial[i] = x[i] + p[i];
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE);
    s->phase = TR_TRIAL;
    return GPUOPT_SUCCESS;
}

/* The gradient at x is in s->g: converged, or the Hessian there. */
static gpuopt_status at_new_point(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    size_t n = run->dim;
    s->gnorm = local_norm(buf(run, s->g), n, 2);
    if (s->gnorm < s->gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    memcpy(local_probe_point(run, &s->probe), buf(run, s->x), n * sizeof(double));
    memcpy(local_probe_gradient(run, &s->probe), buf(run, s->g), n * sizeof(double));
    s->probe.value = s->f;
    local_hessian_request(&s->hessian);
    s->phase = TR_HESSIAN;
    return GPUOPT_SUCCESS;
}

/* The Hessian is there (a non-finite one under error_handling=continue: the identity). */
static gpuopt_status hessian_ready(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->hessian.ok) {
        double *H = local_hessian_matrix(run, &s->hessian);
        for (size_t k = 0; k < n * n; ++k)
            H[k] = k % (n + 1) == 0 ? 1.0 : 0.0;
    }
    return propose(run);
}

/* f at x + p is in the probe: the ratio, the radius, and acceptance. */
static gpuopt_status trial_done(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    double f_trial = s->probe.value;
    double actual = s->f - f_trial, predicted = s->f - s->predicted;
    if (predicted <= 0) {
        gpuopt_run_warn(run, "trust_ncg: a bad approximation caused failure to predict "
                             "improvement");
        return GPUOPT_STOP_NO_IMPROVEMENT;
    }
    double rho = isnan(f_trial) ? -INFINITY : actual / predicted;
    if (rho < 0.25)
        s->radius *= 0.25;
    else if (rho > 0.75 && s->hits_boundary)
        s->radius = fmin(2 * s->radius, s->max_radius);
    if (rho > s->eta) {
        local_probe_request(&s->probe, LOCAL_PROBE_GRADIENT); /* the value is known */
        s->phase = TR_GRADIENT;
        return GPUOPT_SUCCESS;
    }
    ++run->n_iterations;
    local_report(run, s->gnorm, 0);
    return propose(run); /* same x, same Hessian, smaller radius */
}

/* The accepted point's gradient is in the probe (a non-finite one under error_handling=continue:
 * the step is rejected after all). */
static gpuopt_status gradient_done(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    size_t n = run->dim;
    ++run->n_iterations;
    if (!s->probe.gradient_ok) {
        s->radius *= 0.25;
        local_report(run, s->gnorm, 0);
        return propose(run);
    }
    double *x = buf(run, s->x);
    const double *trial = local_probe_point(run, &s->probe);
    double step = 0;
    for (size_t i = 0; i < n; ++i) {
        step += (trial[i] - x[i]) * (trial[i] - x[i]);
        x[i] = trial[i];
    }
    s->f = s->probe.value;
    memcpy(buf(run, s->g), local_probe_gradient(run, &s->probe), n * sizeof(double));
    local_report(run, local_norm(buf(run, s->g), n, 2), sqrt(step));
    return at_new_point(run);
}

static gpuopt_status start(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->probe.gradient_ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "trust_ncg: the gradient at the start point is not finite");
    s->f = s->probe.value;
    memcpy(buf(run, s->g), local_probe_gradient(run, &s->probe), n * sizeof(double));
    local_report(run, local_norm(buf(run, s->g), n, 2), 0);
    return at_new_point(run);
}

static gpuopt_status advance(gpuopt_run *run)
{
    switch (st_of(run)->phase) {
    case TR_START:
        return start(run);
    case TR_HESSIAN:
        return hessian_ready(run);
    case TR_TRIAL:
        return trial_done(run);
    default:
        return gradient_done(run);
    }
}

/* ------------------------------------------------------------------ init */

static gpuopt_status allocate(gpuopt_run *run, tr_state *s)
{
    struct {
        const char *name;
        int *id;
    } table[] = {
        {"trust_ncg_x", &s->x}, {"trust_ncg_gradient", &s->g}, {"trust_ncg_step", &s->p},
        {"trust_ncg_z", &s->z}, {"trust_ncg_residual", &s->r}, {"trust_ncg_direction", &s->d},
        {"trust_ncg_hd", &s->bd}, {"trust_ncg_tmp", &s->tmp},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, GPUOPT_ON_HOST, run->dim,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status tr_init(gpuopt_run *run)
{
    tr_state *s = st_of(run);
    s->gtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->radius = gpuopt_opt_double(run, "trustregion.initial_radius");
    s->max_radius = gpuopt_opt_double(run, "trustregion.maximal_radius");
    s->eta = gpuopt_opt_double(run, "trustregion.threshold_successful");
    gpuopt_status st = local_refuse_bounds(run);
    if (st == GPUOPT_SUCCESS && s->radius >= s->max_radius)
        st = gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                             "trust_ncg: trustregion.initial_radius (%g) must be less than "
                             "trustregion.maximal_radius (%g)",
                             s->radius, s->max_radius);
    if (st == GPUOPT_SUCCESS)
        st = local_hessian_init(run, &s->hessian);
    if (st == GPUOPT_SUCCESS)
        st = local_probe_init(run, &s->probe, 0);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    memcpy(buf(run, s->x), run->x0, run->dim * sizeof(double));
    memcpy(local_probe_point(run, &s->probe), run->x0, run->dim * sizeof(double));
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    s->phase = TR_START;
    return GPUOPT_SUCCESS;
}

static gpuopt_status tr_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    tr_state *s = st_of(run);
    return local_hessian_ask(run, &s->probe, &s->hessian, batch);
}

static gpuopt_status tr_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    tr_state *s = st_of(run);
    return local_hessian_drive(run, &s->probe, &s->hessian, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

static const char *const tr_aliases[] = {"scipy_trust_ncg", NULL};
static const char *const tr_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_trust_ncg = {
    .name = "trust_ncg",
    .aliases = tr_aliases,
    .presets = NULL,
    .summary = "Trust-region Newton with Steihaug's CG subproblem and a finite-difference "
               "Hessian (one batch per accepted point), as scipy.optimize's method='trust-ncg'.",
    .doc = "Local, unconstrained (finite bounds are refused unless ignore_bounds=true). "
           "Reproduces scipy's _minimize_trust_region with CGSteihaugSubproblem: radius x1/4 "
           "when rho < 1/4, x2 (to the maximum) when rho > 3/4 at the boundary, acceptance when "
           "rho > eta, stop when |g|_2 < gtol. The Hessian at each accepted point is the "
           "order-2 value stencil as one batch, or differences of the user gradient. See "
           "docs/algorithms/trust_ncg.md. Reference: Nocedal & Wright (2006), Numerical "
           "Optimization, 2nd ed., Algorithms 4.1 and 7.2.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = tr_options,
    .n_options = GPUOPT_COUNT(tr_options),
    .report_keys = tr_report_keys,
    .state_size = sizeof(tr_state),
    .init = tr_init,
    .ask = tr_ask,
    .tell = tr_tell,
};
