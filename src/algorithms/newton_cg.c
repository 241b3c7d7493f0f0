/* Newton-CG, step for step as scipy.optimize's _minimize_newtoncg.
 *
 * Each iteration solves H p = -g approximately by conjugate gradients started at 0. CG stops
 * when the residual's 1-norm is at most min(0.5, sqrt(|g|_1)) |g|_1, at non-positive curvature
 * (on the first step: the steepest-descent step scaled by g'g / -curvature), or fails after
 * 20 n iterations. Then scipy's wolfe1/wolfe2 line search along p (c1 = 1e-4, c2 = 0.9, wolfe1
 * steps in [1e-8, 50], wolfe2 unbounded), and the test |alpha p|_1 <= n xtol.
 *
 * CG's products H v (option `hessian`):
 *  - products: scipy's approx_fhess_p, (g(x + eps v) - g(x)) / eps; each product is one batch
 *    (the gradient stencil at x + eps v), or one call of the user's gradient and no batch. The
 *    default with a user gradient: evaluations and iterates as scipy's.
 *  - matrix: the finite-difference Hessian at x once per iteration (local_hessian: one batch of
 *    the value stencil, or differences of the user gradient), then exact products on the host.
 *    The default with finite-difference gradients, whose noise (about sqrt(eps) relative) makes
 *    differences of gradients eps apart meaningless: scipy's products fail there. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "local/local.h"
#include "newton_cg.h"

enum ncg_phase { NCG_START = 1, NCG_HESSIAN, NCG_PRODUCT, NCG_SEARCH };
enum ncg_hessian { NCG_AUTO = 1, NCG_PRODUCTS, NCG_MATRIX };

typedef struct ncg_state {
    local_probe probe;
    local_linesearch ls;
    local_hessian hessian;
    int phase;
    int use_matrix;        /* 1: a finite-difference Hessian per iteration, exact products */
    int x, g, p, r, d, hd; /* host, dim each: iterate, gradient, CG solution, residual,
                               CG direction, Hessian times direction */
    double f, old_f;       /* f(x_k), f(x_{k-1}) (NaN before the first step: scipy's None) */
    double xtol, gtol, eps;
    double termcond, rr;   /* CG: the residual bound, r'r */
    int64_t cg_iter, cg_steps, cg_max;
} ncg_state;

static const gpuopt_option_spec ncg_options[] = {
    {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX, NULL,
     0,
     "scipy's xtol: converged when the step's 1-norm is at most n xtol (the average relative "
     "change of the parameters, as scipy and estimagic define it)."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (scipy's maxiter). Not counted as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations (finite-difference points included) are done. "
     "Not counted as convergence."},
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL,
     0,
     "Converged when the gradient's largest |entry| is at most this. scipy's Newton-CG has no "
     "such test: the default 0 only stops at an exactly zero gradient, where scipy's line "
     "search would fail."},
    {"armijo_condition", GPUOPT_OPTION_DOUBLE, 1e-4, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's sufficient-decrease constant c1 (scipy's c1); 0 < c1 < c2 < 1."},
    {"curvature_condition", GPUOPT_OPTION_DOUBLE, 0.9, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "The line search's curvature constant c2 (scipy's c2)."},
    {"numdiff.hessian_vector_step", GPUOPT_OPTION_DOUBLE, 1.4901161193847656e-08, NULL, 0, DBL_MAX,
     NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "scipy's eps: the step of the Hessian-vector products (g(x + eps v) - g(x)) / eps "
     "(absolute, along the unnormalized CG direction v)."},
    {"hessian", GPUOPT_OPTION_CHOICE, NCG_AUTO, NULL, 0, 0, "auto|products|matrix", 0,
     "How CG gets H v: products (scipy's approx_fhess_p, (g(x + eps v) - g(x)) / eps, one "
     "gradient each), matrix (a finite-difference Hessian once per iteration, one batch, see "
     "numdiff.hessian_method, then exact products: scipy's hess='2-point'), or auto: products "
     "with a user gradient, matrix with finite-difference gradients (whose noise ruins the "
     "products' differences)."},
    LOCAL_NUMDIFF_OPTIONS,
    LOCAL_HESSIAN_OPTIONS,
    LOCAL_IGNORE_BOUNDS_OPTION,
};

static ncg_state *st_of(const gpuopt_run *run)
{
    return (ncg_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------------ init */

static gpuopt_status allocate(gpuopt_run *run, ncg_state *s)
{
    struct {
        const char *name;
        int *id;
    } table[] = {
        {"newton_cg_x", &s->x},         {"newton_cg_gradient", &s->g},
        {"newton_cg_step", &s->p},      {"newton_cg_residual", &s->r},
        {"newton_cg_direction", &s->d}, {"newton_cg_hessian_direction", &s->hd},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, GPUOPT_ON_HOST, run->dim,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status ncg_init(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    double c1 = gpuopt_opt_double(run, "armijo_condition");
    double c2 = gpuopt_opt_double(run, "curvature_condition");
    s->xtol = (double)run->dim * gpuopt_opt_double(run, "convergence.relative_params_tolerance");
    s->gtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->eps = gpuopt_opt_double(run, "numdiff.hessian_vector_step");
    s->cg_max = 20 * (int64_t)run->dim;
    int mode = gpuopt_opt_choice(run, "hessian");
    s->use_matrix = mode == NCG_MATRIX || (mode == NCG_AUTO && !run->gradient);
    gpuopt_status st = local_refuse_bounds(run);
    if (st == GPUOPT_SUCCESS)
        st = local_check_wolfe_constants(run, c1, c2);
    if (st == GPUOPT_SUCCESS && s->use_matrix)
        st = local_hessian_init(run, &s->hessian);
    if (st == GPUOPT_SUCCESS)
        st = local_probe_init(run, &s->probe, 0);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    local_ls_setup(&s->ls, c1, c2, 1e-8, 50, 0);
    memcpy(buf(run, s->x), run->x0, run->dim * sizeof(double));
    memcpy(local_probe_point(run, &s->probe), run->x0, run->dim * sizeof(double));
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    s->phase = NCG_START;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ inner CG */

static gpuopt_status cg_step(gpuopt_run *run);
static void steepest_descent(const gpuopt_run *run, double curv);

/* The line search along the CG solution (scipy's wolfe1 with amax 50, amin 1e-8; wolfe2
 * without amax, see advance). */
static gpuopt_status search(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    const double *p = buf(run, s->p);
    s->ls.amax = 50;
    s->phase = NCG_SEARCH;
    int r = local_search_start(run, &s->probe, &s->ls, buf(run, s->x), p, s->f,
                               local_dot(buf(run, s->g), p, n), s->old_f);
    return r == LOCAL_SEARCH_PENDING ? GPUOPT_SUCCESS : local_line_search_failed(run);
}

/* CG on H p = -g from p = 0, r = g, d = -g. */
static gpuopt_status start_cg(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    const double *g = buf(run, s->g);
    double *p = buf(run, s->p), *r = buf(run, s->r), *d = buf(run, s->d);
    double maggrad = local_norm(g, n, 1);
    s->termcond = fmin(0.5, sqrt(maggrad)) * maggrad;
    for (size_t i = 0; i < n; ++i) {
        p[i] = 0;
        r[i] = g[i];
        d[i] = -g[i];
    }
    s->rr = local_dot(r, r, n);
    s->cg_iter = 0;
    s->cg_steps = 0;
    return cg_step(run);
}

/* Start of an iteration: the Hessian at x first (matrix mode), then CG. */
static gpuopt_status begin_iteration(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    if (!s->use_matrix)
        return start_cg(run);
    size_t n = run->dim;
    memcpy(local_probe_point(run, &s->probe), buf(run, s->x), n * sizeof(double));
    memcpy(local_probe_gradient(run, &s->probe), buf(run, s->g), n * sizeof(double));
    s->probe.value = s->f;
    local_hessian_request(&s->hessian);
    s->phase = NCG_HESSIAN;
    return GPUOPT_SUCCESS;
}

static int cg_update(gpuopt_run *run);

/* The top of scipy's CG loop: converged, out of iterations, or the next product H d (a batch,
 * or the matrix's product on the host). */
static gpuopt_status cg_step(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    for (;;) {
        if (s->cg_iter >= s->cg_max) {
            gpuopt_run_warn(run, "newton_cg: CG iterations didn't converge; the Hessian is not "
                                 "positive definite");
            return GPUOPT_STOP_NO_IMPROVEMENT;
        }
        if (local_norm(buf(run, s->r), n, 1) <= s->termcond)
            return search(run);
        if (!s->use_matrix) {
            local_axpy(buf(run, s->x), s->eps, buf(run, s->d), local_probe_point(run, &s->probe),
                       n);
            local_probe_request_gradient_at(&s->probe);
            s->phase = NCG_PRODUCT;
            return GPUOPT_SUCCESS;
        }
        const double *H = local_hessian_matrix(run, &s->hessian), *d = buf(run, s->d);
        double *hd = buf(run, s->hd);
        for (size_t i = 0; i < n; ++i)
            hd[i] = local_dot(H + i * n, d, n);
        if (cg_update(run))
            return search(run);
    }
}

/* Negative curvature on the first CG step: steepest descent scaled by r'r / -curvature. */
static void steepest_descent(const gpuopt_run *run, double curv)
{
    ncg_state *s = st_of(run);
    const double *g = buf(run, s->g);
    double *p = buf(run, s->p), scale = s->rr / -curv;
    for (size_t i = 0; i < run->dim; ++i)
        p[i] = scale * -g[i];
}

/* One CG step with hd = H d; 1 when CG ends (the solution so far is p). */
static int cg_update(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    const double *hd = buf(run, s->hd);
    double *p = buf(run, s->p), *r = buf(run, s->r), *d = buf(run, s->d);
    double curv = local_dot(d, hd, n);
    if (0 <= curv && curv <= 3 * DBL_EPSILON)
        return 1;
    if (curv < 0 || isnan(curv)) {
        if (s->cg_steps == 0 && curv < 0)
            steepest_descent(run, curv);
        return 1;
    }
    double alpha = s->rr / curv;
    for (size_t i = 0; i < n; ++i) {
        p[i] += alpha * d[i];
        r[i] += alpha * hd[i];
    }
    double rr_next = local_dot(r, r, n), beta = rr_next / s->rr;
    for (size_t i = 0; i < n; ++i)
        d[i] = -r[i] + beta * d[i];
    s->rr = rr_next;
    ++s->cg_steps;
    ++s->cg_iter;
    return 0;
}

/* The gradient at x + eps d is in the probe: H d by differences, one CG step. */
static gpuopt_status cg_product(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    const double *g = buf(run, s->g), *g2 = local_probe_gradient(run, &s->probe);
    double *hd = buf(run, s->hd);
    if (!s->probe.gradient_ok) { /* error_handling=continue: keep the solution so far */
        if (s->cg_steps == 0)
            steepest_descent(run, -s->rr); /* p = -g */
        return search(run);
    }
    for (size_t i = 0; i < n; ++i)
        hd[i] = (g2[i] - g[i]) / s->eps;
    return cg_update(run) ? search(run) : cg_step(run);
}

/* The Hessian at x is there: CG (a Hessian with non-finite entries under
 * error_handling=continue: the steepest-descent step). */
static gpuopt_status hessian_ready(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    if (s->hessian.ok)
        return start_cg(run);
    s->rr = 1;
    steepest_descent(run, -1.0);
    return search(run);
}

/* ------------------------------------------------------------ iteration */

static gpuopt_status finish_iteration(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    double alpha = s->ls.alpha, *x = buf(run, s->x), *g = buf(run, s->g), update = 0, step = 0;
    const double *p = buf(run, s->p);
    for (size_t i = 0; i < n; ++i) {
        double u = alpha * p[i];
        x[i] += u;
        update += fabs(u);
        step += u * u;
    }
    memcpy(g, local_probe_gradient(run, &s->probe), n * sizeof(double));
    s->old_f = s->ls.phi0;
    s->f = s->ls.phi;
    ++run->n_iterations;
    double gnorm = local_norm(g, n, INFINITY);
    local_report(run, gnorm, sqrt(step));
    if (update <= s->xtol || isnan(update)) {
        if (!isnan(s->f) && !isnan(update))
            return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
        gpuopt_run_warn(run, "newton_cg: NaN result encountered");
        return GPUOPT_STOP_NO_IMPROVEMENT;
    }
    if (gnorm <= s->gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    return begin_iteration(run);
}

static gpuopt_status start(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->probe.gradient_ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "newton_cg: the gradient at the start point is not finite");
    memcpy(buf(run, s->g), local_probe_gradient(run, &s->probe), n * sizeof(double));
    s->f = s->probe.value;
    s->old_f = NAN;
    double gnorm = local_norm(buf(run, s->g), n, INFINITY);
    local_report(run, gnorm, 0);
    if (gnorm <= s->gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    return begin_iteration(run);
}

static gpuopt_status advance(gpuopt_run *run)
{
    ncg_state *s = st_of(run);
    if (s->phase == NCG_START)
        return start(run);
    if (s->phase == NCG_HESSIAN)
        return hessian_ready(run);
    if (s->phase == NCG_PRODUCT)
        return cg_product(run);
    int r = local_search_tell(run, &s->probe, &s->ls, buf(run, s->x), buf(run, s->p));
    if (s->ls.method == 2) /* scipy calls line_search_wolfe2 without amax */
        s->ls.amax = INFINITY;
    if (r == LOCAL_SEARCH_PENDING)
        return GPUOPT_SUCCESS;
    if (r == LOCAL_SEARCH_DONE)
        return finish_iteration(run);
    return local_line_search_failed(run);
}

static gpuopt_status ncg_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    ncg_state *s = st_of(run);
    return local_hessian_ask(run, &s->probe, &s->hessian, batch);
}

static gpuopt_status ncg_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    ncg_state *s = st_of(run);
    return local_hessian_drive(run, &s->probe, &s->hessian, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

static const char *const ncg_aliases[] = {"scipy_newton_cg", NULL};
static const char *const ncg_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_newton_cg = {
    .name = "newton_cg",
    .aliases = ncg_aliases,
    .presets = NULL,
    .summary = "Newton-CG: inexact Newton steps by conjugate gradients with Hessian-vector "
               "products from gradient differences, and a Wolfe line search, as "
               "scipy.optimize's method='Newton-CG'.",
    .doc = "Local, unconstrained (finite bounds are refused unless ignore_bounds=true). "
           "Reproduces scipy's _minimize_newtoncg: CG from 0 on H p = -g with the residual "
           "bound min(0.5, sqrt(|g|_1)) |g|_1, products H v = (g(x + eps v) - g(x)) / eps (one "
           "batch each, or one user-gradient call and no batch), scipy's wolfe1/wolfe2 line "
           "search, convergence when |alpha p|_1 <= n xtol. See docs/algorithms/newton_cg.md. "
           "Reference: Nocedal & Wright (2006), Numerical Optimization, 2nd ed., p. 168.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = ncg_options,
    .n_options = GPUOPT_COUNT(ncg_options),
    .report_keys = ncg_report_keys,
    .state_size = sizeof(ncg_state),
    .init = ncg_init,
    .ask = ncg_ask,
    .tell = ncg_tell,
};
