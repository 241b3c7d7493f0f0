/* Nelder-Mead simplex, step for step as scipy.optimize's _minimize_neldermead.
 *
 * The simplex lives on the host: vertex rows sit in fixed slots of `sim` (values in `fsim`)
 * and `order` lists the slots from best to worst, so sorting moves indices, never rows.
 * Each ask hands the framework one batch: the whole initial simplex, then one point per
 * reflection / expansion / contraction, and the n shrunk vertices at once. The batch goes
 * to the backend through gpuopt_run_write and its values come back through gpuopt_run_read,
 * so nothing here depends on the backend. One scipy iteration is one n_iterations step
 * (the initial simplex counts as the first, as scipy's nit does). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "neldermead.h"

enum nm_phase {
    NM_INITIAL = 0,   /* evaluate the initial simplex */
    NM_REFLECT,       /* evaluate the reflection of the worst vertex */
    NM_EXPAND,        /* evaluate the expansion point */
    NM_CONTRACT_OUT,  /* evaluate the outside contraction */
    NM_CONTRACT_IN,   /* evaluate the inside contraction */
    NM_SHRINK         /* evaluate the n vertices shrunk towards the best one */
};

typedef struct nm_state {
    int phase;
    /* host buffers */
    int sim;    /* (n + 1) x dim vertices, by slot */
    int fsim;   /* n + 1 values, by slot */
    int order;  /* n + 1 int64 slots, best first */
    int xbar;   /* dim: centroid of all vertices but the worst */
    int xr;     /* dim: the reflection point of this iteration */
    int trial;  /* n x dim: the expansion / contraction point (row 0) or the shrunk vertices */
    int values; /* n + 1: the values of the batch just evaluated */
    /* backend buffers: the batch and its values */
    int x, f;
    double rho, chi, psi, sigma;
    double fxr; /* value of the reflection point */
} nm_state;

/* ------------------------------------------------------------------ options */

static const gpuopt_option_spec nm_options[] = {
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (scipy's maxiter; the initial simplex counts as one). "
     "Not counted as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations are done (scipy's maxfev). Not counted as "
     "convergence."},
    {"convergence.absolute_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX, NULL,
     0,
     "scipy's xatol: converged when every coordinate of every vertex is within this of the best "
     "vertex, and the criterion tolerance holds too."},
    {"convergence.absolute_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's fatol: converged when every vertex's value is within this of the best value, and "
     "the params tolerance holds too."},
    {"adaptive", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "Adapt the coefficients to the dimension n (Gao and Han 2012): expansion 1 + 2/n, "
     "contraction 0.75 - 1/(2n), shrink 1 - 1/n. Helps in high dimensions."},
};

/* ------------------------------------------------------------------ helpers */

static nm_state *nm(const gpuopt_run *run)
{
    return (nm_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static int64_t *order_of(const gpuopt_run *run)
{
    return (int64_t *)gpuopt_run_host(run, nm(run)->order);
}

/* The vertex in slot `slot`. */
static double *vertex(const gpuopt_run *run, int64_t slot)
{
    return buf(run, nm(run)->sim) + (size_t)slot * run->dim;
}

/* The vertex ranked `rank` (0 = best, dim = worst) and its value. */
static double *ranked(const gpuopt_run *run, size_t rank)
{
    return vertex(run, order_of(run)[rank]);
}

static double ranked_value(const gpuopt_run *run, size_t rank)
{
    return buf(run, nm(run)->fsim)[order_of(run)[rank]];
}

/* np.clip(x, lower, upper): NaN stays NaN. */
static void clip_point(const gpuopt_run *run, double *x)
{
    for (size_t d = 0; d < run->dim; ++d) {
        if (run->lower && x[d] < run->lower[d])
            x[d] = run->lower[d];
        if (run->upper && x[d] > run->upper[d])
            x[d] = run->upper[d];
    }
}

/* numpy's argsort order: ascending, NaN last. */
static int value_before(double a, double b)
{
    return a < b || (isnan(b) && !isnan(a));
}

/* Stable insertion sort of the slots by value (the simplex is nearly sorted: O(n) usually). */
static void sort_simplex(const gpuopt_run *run)
{
    int64_t *order = order_of(run);
    const double *fsim = buf(run, nm(run)->fsim);
    for (size_t k = 1; k <= run->dim; ++k) {
        int64_t slot = order[k];
        size_t j = k;
        for (; j > 0 && value_before(fsim[slot], fsim[order[j - 1]]); --j)
            order[j] = order[j - 1];
        order[j] = slot;
    }
}

/* The simplex's extent: max |sim[1:] - sim[0]| and max |fsim[0] - fsim[1:]| (NaN when a
 * difference is NaN). */
static void simplex_spread(const gpuopt_run *run, double *x_spread, double *f_spread)
{
    const double *best = ranked(run, 0);
    double f_best = ranked_value(run, 0);
    *x_spread = *f_spread = 0;
    for (size_t k = 1; k <= run->dim; ++k) {
        const double *v = ranked(run, k);
        for (size_t d = 0; d < run->dim; ++d) {
            double gap = fabs(v[d] - best[d]);
            *x_spread = gap > *x_spread || isnan(gap) ? gap : *x_spread;
        }
        double f_gap = fabs(f_best - ranked_value(run, k));
        *f_spread = f_gap > *f_spread || isnan(f_gap) ? f_gap : *f_spread;
    }
}

/* scipy's test: max |sim[1:] - sim[0]| <= xatol and max |fsim[0] - fsim[1:]| <= fatol. */
static int simplex_converged(const gpuopt_run *run)
{
    double x_spread, f_spread;
    simplex_spread(run, &x_spread, &f_spread);
    return x_spread <= run->stop.absolute_params_tolerance &&
           f_spread <= run->stop.absolute_criterion_tolerance;
}

/* scipy tests convergence only while its loop runs, i.e. while budget is left. */
static int budget_left(const gpuopt_run *run)
{
    int evals_left = run->stop.max_evaluations <= 0 ||
                     run->n_evaluations < run->stop.max_evaluations;
    int iters_left = run->stop.max_iterations <= 0 ||
                     run->n_iterations < run->stop.max_iterations;
    return evals_left && iters_left;
}

/* xbar = sum of all vertices but the worst, in rank order, divided by n (np.add.reduce). */
static void compute_centroid(const gpuopt_run *run)
{
    double *xbar = buf(run, nm(run)->xbar);
    size_t n = run->dim;
    memcpy(xbar, ranked(run, 0), n * sizeof *xbar);
    for (size_t k = 1; k < n; ++k) {
        const double *v = ranked(run, k);
        for (size_t d = 0; d < n; ++d)
            xbar[d] += v[d];
    }
    for (size_t d = 0; d < n; ++d)
        xbar[d] /= (double)n;
}

/* out = a * xbar - c * worst, clipped: every trial point of one iteration has this form. */
static void line_point(const gpuopt_run *run, double a, double c, double *out)
{
    const double *xbar = buf(run, nm(run)->xbar), *worst = ranked(run, run->dim);
    for (size_t d = 0; d < run->dim; ++d)
        out[d] = a * xbar[d] - c * worst[d];
    clip_point(run, out);
}

/* The coefficients (a, c) of the phase's trial point. (1-psi)xbar + psi w = a xbar - (-psi) w
 * exactly, since IEEE negation and x - (-y) = x + y are exact. */
static void phase_coefficients(const nm_state *s, double *a, double *c)
{
    switch (s->phase) {
    case NM_EXPAND:
        *a = 1 + s->rho * s->chi;
        *c = s->rho * s->chi;
        break;
    case NM_CONTRACT_OUT:
        *a = 1 + s->psi * s->rho;
        *c = s->psi * s->rho;
        break;
    case NM_CONTRACT_IN:
        *a = 1 - s->psi;
        *c = -s->psi;
        break;
    default: /* NM_REFLECT */
        *a = 1 + s->rho;
        *c = s->rho;
        break;
    }
}

/* The shrunk vertices sim[0] + sigma (sim[k] - sim[0]), k = 1..n, into trial rows 0..n-1. */
static void shrink_points(const gpuopt_run *run)
{
    const nm_state *s = nm(run);
    const double *best = ranked(run, 0);
    double *trial = buf(run, s->trial);
    for (size_t k = 1; k <= run->dim; ++k) {
        const double *v = ranked(run, k);
        double *out = trial + (k - 1) * run->dim;
        for (size_t d = 0; d < run->dim; ++d)
            out[d] = best[d] + s->sigma * (v[d] - best[d]);
        clip_point(run, out);
    }
}

static void replace_worst(const gpuopt_run *run, const double *x, double f)
{
    int64_t slot = order_of(run)[run->dim];
    memcpy(vertex(run, slot), x, run->dim * sizeof *x);
    buf(run, nm(run)->fsim)[slot] = f;
}

/* End of an iteration: count it, sort, and test convergence. */
static gpuopt_status finish_iteration(gpuopt_run *run)
{
    ++run->n_iterations;
    sort_simplex(run);
    simplex_spread(run, &run->report[0], &run->report[1]);
    nm(run)->phase = NM_REFLECT;
    if (budget_left(run) && simplex_converged(run))
        return GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE;
    return GPUOPT_SUCCESS;
}

/* -------------------------------------------------------------------- init */

static void set_coefficients(nm_state *s, size_t dim, int adaptive)
{
    double n = (double)dim;
    s->rho = 1;
    s->chi = adaptive ? 1 + 2 / n : 2;
    s->psi = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
    s->sigma = adaptive ? 1 - 1 / n : 0.5;
}

/* x0 clipped; vertex k+1 moves coordinate k by 5% (to 0.00025 when it is 0); coordinates
 * above the upper bound are reflected below it, then everything is clipped. */
static void build_simplex(gpuopt_run *run)
{
    size_t n = run->dim;
    double *x0 = vertex(run, 0);
    memcpy(x0, run->x0, n * sizeof *x0);
    clip_point(run, x0);
    for (size_t k = 0; k < n; ++k) {
        double *v = vertex(run, (int64_t)k + 1);
        memcpy(v, x0, n * sizeof *v);
        v[k] = v[k] != 0 ? (1 + 0.05) * v[k] : 0.00025;
    }
    for (size_t k = 0; k <= n; ++k) {
        double *v = vertex(run, (int64_t)k);
        for (size_t d = 0; run->upper && d < n; ++d)
            if (v[d] > run->upper[d])
                v[d] = 2 * run->upper[d] - v[d];
        clip_point(run, v);
        order_of(run)[k] = (int64_t)k;
    }
}

static gpuopt_status allocate_buffers(gpuopt_run *run, nm_state *s)
{
    size_t n = run->dim, rows = n + 1;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count, elem_size;
        int *id;
    } table[] = {
        {"nm_simplex", GPUOPT_ON_HOST, rows * n, sizeof(double), &s->sim},
        {"nm_simplex_f", GPUOPT_ON_HOST, rows, sizeof(double), &s->fsim},
        {"nm_order", GPUOPT_ON_HOST, rows, sizeof(int64_t), &s->order},
        {"nm_centroid", GPUOPT_ON_HOST, n, sizeof(double), &s->xbar},
        {"nm_reflection", GPUOPT_ON_HOST, n, sizeof(double), &s->xr},
        {"nm_trial", GPUOPT_ON_HOST, n * n, sizeof(double), &s->trial},
        {"nm_values", GPUOPT_ON_HOST, rows, sizeof(double), &s->values},
        {"nm_batch_x", GPUOPT_ON_BACKEND, rows * n, sizeof(double), &s->x},
        {"nm_batch_f", GPUOPT_ON_BACKEND, rows, sizeof(double), &s->f},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             table[i].elem_size, table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status nm_init(gpuopt_run *run)
{
    size_t n = run->dim;
    if (n == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "neldermead: dimension is 0");
    if (n + 1 > SIZE_MAX / sizeof(double) / n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "neldermead: a simplex of dimension %zu does not fit in memory", n);
    nm_state *s = nm(run);
    set_coefficients(s, n, gpuopt_opt_bool(run, "adaptive"));
    gpuopt_status st = allocate_buffers(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    build_simplex(run);
    s->phase = NM_INITIAL;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------------- ask */

/* Fills the host rows this phase evaluates; returns them and their count. */
static const double *phase_points(const gpuopt_run *run, size_t *count)
{
    const nm_state *s = nm(run);
    double a, c;
    switch (s->phase) {
    case NM_INITIAL:
        *count = run->dim + 1;
        return buf(run, s->sim);
    case NM_SHRINK:
        shrink_points(run);
        *count = run->dim;
        return buf(run, s->trial);
    case NM_REFLECT:
        compute_centroid(run);
        phase_coefficients(s, &a, &c);
        line_point(run, a, c, buf(run, s->xr));
        *count = 1;
        return buf(run, s->xr);
    default: /* expansion, contractions: the centroid is this iteration's */
        phase_coefficients(s, &a, &c);
        line_point(run, a, c, buf(run, s->trial));
        *count = 1;
        return buf(run, s->trial);
    }
}

static gpuopt_status nm_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    const nm_state *s = nm(run);
    size_t count = 0;
    const double *points = phase_points(run, &count);
    gpuopt_status st = gpuopt_run_write(run, s->x, 0, count * run->dim, points);
    if (st != GPUOPT_SUCCESS)
        return st;
    batch->x_buffer = s->x;
    batch->x_row = 0;
    batch->f_buffer = s->f;
    batch->f_row = 0;
    batch->raw_buffer = -1;
    batch->n = count;
    return GPUOPT_SUCCESS;
}

/* -------------------------------------------------------------------- tell */

static size_t phase_batch_size(const gpuopt_run *run)
{
    switch (nm(run)->phase) {
    case NM_INITIAL:
        return run->dim + 1;
    case NM_SHRINK:
        return run->dim;
    default:
        return 1;
    }
}

/* After the reflection: accept it, or go on to expand or contract (scipy's branches). */
static gpuopt_status after_reflection(gpuopt_run *run, double fxr)
{
    nm_state *s = nm(run);
    s->fxr = fxr;
    if (fxr < ranked_value(run, 0)) {
        s->phase = NM_EXPAND;
        return GPUOPT_SUCCESS;
    }
    if (fxr < ranked_value(run, run->dim - 1)) {
        replace_worst(run, buf(run, s->xr), fxr);
        return finish_iteration(run);
    }
    s->phase = fxr < ranked_value(run, run->dim) ? NM_CONTRACT_OUT : NM_CONTRACT_IN;
    return GPUOPT_SUCCESS;
}

/* Accepts the trial point (row 0 of `trial`) or moves on to shrinking. */
static gpuopt_status after_contraction(gpuopt_run *run, int accept, double f)
{
    nm_state *s = nm(run);
    if (!accept) {
        s->phase = NM_SHRINK;
        return GPUOPT_SUCCESS;
    }
    replace_worst(run, buf(run, s->trial), f);
    return finish_iteration(run);
}

static gpuopt_status after_shrink(gpuopt_run *run, const double *values)
{
    const nm_state *s = nm(run);
    const double *trial = buf(run, s->trial);
    double *fsim = buf(run, s->fsim);
    const int64_t *order = order_of(run);
    for (size_t k = 1; k <= run->dim; ++k) {
        memcpy(vertex(run, order[k]), trial + (k - 1) * run->dim, run->dim * sizeof *trial);
        fsim[order[k]] = values[k - 1];
    }
    return finish_iteration(run);
}

static gpuopt_status nm_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    nm_state *s = nm(run);
    size_t count = phase_batch_size(run);
    if (batch->n != count || batch->f_buffer != s->f || batch->f_row != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "neldermead: told a batch of %zu values, expected %zu", batch->n,
                               count);
    double *values = buf(run, s->values);
    gpuopt_status st = gpuopt_run_read(run, s->f, 0, count, values);
    if (st != GPUOPT_SUCCESS)
        return st;
    double f = values[0];
    switch (s->phase) {
    case NM_INITIAL:
        memcpy(buf(run, s->fsim), values, count * sizeof *values);
        return finish_iteration(run);
    case NM_REFLECT:
        return after_reflection(run, f);
    case NM_EXPAND:
        if (f < s->fxr)
            replace_worst(run, buf(run, s->trial), f);
        else
            replace_worst(run, buf(run, s->xr), s->fxr);
        return finish_iteration(run);
    case NM_CONTRACT_OUT:
        return after_contraction(run, f <= s->fxr, f);
    case NM_CONTRACT_IN:
        return after_contraction(run, f < ranked_value(run, run->dim), f);
    case NM_SHRINK:
        return after_shrink(run, values);
    default:
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "neldermead: unknown phase %d",
                               s->phase);
    }
}

/* -------------------------------------------------------------- descriptor */

static const char *const nm_aliases[] = {"scipy_neldermead", NULL};
static const char *const nm_report_keys[] = {"simplex_size", "simplex_f_spread", NULL};

const gpuopt_algorithm gpuopt_algorithm_neldermead = {
    .name = "neldermead",
    .aliases = nm_aliases,
    .report_keys = nm_report_keys,
    .presets = NULL,
    .summary = "Nelder-Mead simplex search, as scipy.optimize's method='Nelder-Mead' "
               "(optionally with Gao-Han adaptive coefficients).",
    .doc = "Local, derivative-free. Reproduces scipy's _minimize_neldermead: initial simplex "
           "x0 plus 5% of each nonzero coordinate (0.00025 for zeros), coefficients rho=1, "
           "chi=2, psi=0.5, sigma=0.5 (adaptive: Gao & Han 2012), trial points clipped into the "
           "bounds, stable sort by value, and the stopping test max|sim[1:]-sim[0]| <= xatol "
           "and max|fsim[1:]-fsim[0]| <= fatol. The host runs the simplex logic; the backend "
           "evaluates one batch per step (n+1 points first, 1 per step, n per shrink). "
           "References: Nelder & Mead (1965), The Computer Journal 7:308-313; Gao & Han (2012), "
           "Comput. Optim. Appl. 51:259-277.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = nm_options,
    .n_options = GPUOPT_COUNT(nm_options),
    .state_size = sizeof(nm_state),
    .init = nm_init,
    .ask = nm_ask,
    .tell = nm_tell,
};
