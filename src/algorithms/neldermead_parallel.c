/* Parallel Nelder-Mead (Lee & Wiswall 2007), step for step as estimagic's
 * neldermead_parallel.
 *
 * Each iteration sorts the simplex, takes the centroid of its j + 1 - p best vertices and
 * reflects each of the p worst vertices through it. The p reflections are one batch. Every
 * "process" i then needs at most one more point — an expansion when its reflection beat the
 * best vertex, a contraction when it did not beat the vertex above its own — and those points
 * are a second batch. Each process replaces its vertex by the best of what it saw; when none of
 * the p processes improved, the whole simplex shrinks towards the best vertex and its j + 1
 * vertices are a third batch. The host keeps the simplex (j + 1 rows, small); the backend
 * evaluates the batches. One loop of estimagic's is one n_iterations step. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "neldermead_parallel.h"

enum np_phase {
    NP_INITIAL = 0, /* evaluate the initial simplex */
    NP_REFLECT,     /* evaluate the p reflections */
    NP_SECOND,      /* evaluate the expansions / contractions some processes need */
    NP_SHRINK       /* evaluate the shrunk simplex (all j + 1 vertices) */
};

/* What process i does after its reflection. */
enum np_action { NP_TAKE_REFLECTION = 0, NP_EXPAND, NP_CONTRACT };

enum np_init { NP_PFEFFER = 1, NP_NASH, NP_GAO_HAN, NP_VARADHAN_BORCHERS };

typedef struct np_state {
    int phase;
    int64_t p;        /* vertices reflected per iteration */
    int64_t n_second; /* points in the second batch */
    int64_t shrinks;
    double alpha, gamma, beta, tau;
    /* host buffers */
    int s;      /* (j + 1) x j vertices (row 0 the best after each sort) */
    int fs;     /* j + 1 values */
    int scratch;/* (j + 1) x j rows for sorting */
    int perm;   /* j + 1 int64: the sort order */
    int m;      /* j: the centroid */
    int refl;   /* p x j: the reflections */
    int second; /* p x j: the second points, packed in process order */
    int fr;     /* p: the reflections' values */
    int action; /* p int64: enum np_action per process */
    int values; /* j + 1: the values of the last batch */
    /* backend buffers: the batch and its values */
    int bx, bf;
} np_state;

/* ------------------------------------------------------------------ options */

static const gpuopt_option_spec np_options[] = {
    {"init_simplex_method", GPUOPT_OPTION_CHOICE, NP_GAO_HAN, NULL, 0, 0,
     "pfeffer|nash|gao_han|varadhan_borchers", 0,
     "How the initial simplex is built around the start point: pfeffer (scipy's: 5% of each "
     "nonzero coordinate, 0.00025 for zeros), nash (0.1 max(x) added to nonzero coordinates, 0.1 "
     "for zeros), gao_han (a regular simplex of size min(max(max(x), 1), 10)) or "
     "varadhan_borchers (R's dfoptim)."},
    {"n_cores", GPUOPT_OPTION_INT, 1, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Degree of parallelization p: the p worst vertices are reflected at once and their points "
     "evaluated as one batch. 1 is the sequential algorithm; at most j - 1 (j the dimension) is "
     "used."},
    {"adaptive", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Gao & Han's coefficients for dimension j: expansion 1 + 2/j, contraction 0.75 - 1/(2j), "
     "shrink 1 - 1/j (else 2, 0.5, 0.5)."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations. Not counted as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations are done (a gpuopt addition; estimagic has "
     "none). Not counted as convergence."},
    {"convergence.absolute_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX,
     NULL, 0,
     "Converged when every vertex's value is within this of the first vertex's, and the params "
     "tolerance holds too."},
    {"convergence.absolute_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX, NULL,
     0,
     "Converged when every coordinate of every vertex is within this of the first vertex, and "
     "the criterion tolerance holds too."},
};

/* ------------------------------------------------------------------ helpers */

static np_state *np_of(const gpuopt_run *run)
{
    return (np_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static double *vertex(const gpuopt_run *run, size_t k)
{
    return buf(run, np_of(run)->s) + k * run->dim;
}

/* np.clip into the bounds (no-op for infinite bounds; NaN stays NaN). */
static void clip_point(const gpuopt_run *run, double *x)
{
    for (size_t d = 0; d < run->dim; ++d) {
        if (x[d] < run->lower[d])
            x[d] = run->lower[d];
        if (x[d] > run->upper[d])
            x[d] = run->upper[d];
    }
}

/* out = a + c (b - a), clipped: every trial point has this form (m + coef (r - m)). */
static void along(const gpuopt_run *run, const double *a, const double *b, double c, double *out)
{
    for (size_t d = 0; d < run->dim; ++d)
        out[d] = a[d] + c * (b[d] - a[d]);
    clip_point(run, out);
}

/* numpy's pairwise summation of n values (np.sum of a contiguous array). */
static double pairwise_sum(const double *a, size_t n)
{
    if (n < 8) {
        double res = 0.0;
        for (size_t i = 0; i < n; ++i)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        size_t i;
        for (i = 0; i < 8; ++i)
            r[i] = a[i];
        for (i = 8; i < n - (n % 8); i += 8)
            for (size_t k = 0; k < 8; ++k)
                r[k] += a[i + k];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

/* numpy's argsort order: ascending, NaN last. */
static int value_before(double a, double b)
{
    return a < b || (isnan(b) && !isnan(a));
}

/* Stable sort of the vertices by value (rows move; the simplex is small). */
static void sort_simplex(const gpuopt_run *run)
{
    const np_state *s = np_of(run);
    size_t rows = run->dim + 1, n = run->dim;
    int64_t *perm = (int64_t *)gpuopt_run_host(run, s->perm);
    double *fs = buf(run, s->fs), *tmp = buf(run, s->scratch), *values = buf(run, s->values);
    for (size_t k = 0; k < rows; ++k) {
        size_t j = k;
        for (; j > 0 && value_before(fs[k], fs[perm[j - 1]]); --j)
            perm[j] = perm[j - 1];
        perm[j] = (int64_t)k;
    }
    memcpy(tmp, vertex(run, 0), rows * n * sizeof *tmp);
    memcpy(values, fs, rows * sizeof *fs);
    for (size_t k = 0; k < rows; ++k) {
        memcpy(vertex(run, k), tmp + (size_t)perm[k] * n, n * sizeof *tmp);
        fs[k] = values[perm[k]];
    }
}

/* max |s[1:] - s[0]| and max |f[1:] - f[0]| (NaN when a difference is NaN). */
static void simplex_spread(const gpuopt_run *run, double *x_spread, double *f_spread)
{
    const double *best = vertex(run, 0), *fs = buf(run, np_of(run)->fs);
    *x_spread = *f_spread = 0;
    for (size_t k = 1; k <= run->dim; ++k) {
        const double *v = vertex(run, k);
        for (size_t d = 0; d < run->dim; ++d) {
            double gap = fabs(best[d] - v[d]);
            *x_spread = gap > *x_spread || isnan(gap) ? gap : *x_spread;
        }
        double f_gap = fabs(fs[0] - fs[k]);
        *f_spread = f_gap > *f_spread || isnan(f_gap) ? f_gap : *f_spread;
    }
}

/* ---------------------------------------------------------- iterations */

/* Sorts, forms the centroid of the j + 1 - p best vertices (rows added in order, as numpy's
 * axis-0 sum does) and the p reflections m + alpha (m - worst). */
static void start_iteration(const gpuopt_run *run)
{
    np_state *s = np_of(run);
    size_t n = run->dim, keep = n + 1 - (size_t)s->p;
    sort_simplex(run);
    double *m = buf(run, s->m), *refl = buf(run, s->refl);
    memcpy(m, vertex(run, 0), n * sizeof *m);
    for (size_t k = 1; k < keep; ++k) {
        const double *v = vertex(run, k);
        for (size_t d = 0; d < n; ++d)
            m[d] = m[d] + v[d];
    }
    for (size_t d = 0; d < n; ++d)
        m[d] = m[d] / (double)keep;
    for (size_t i = 0; i < (size_t)s->p; ++i) {
        const double *worst = vertex(run, keep + i);
        double *r = refl + i * n;
        for (size_t d = 0; d < n; ++d)
            r[d] = m[d] + s->alpha * (m[d] - worst[d]);
        clip_point(run, r);
    }
    s->phase = NP_REFLECT;
}

/* End of an iteration: count it, test convergence, prepare the next one. */
static gpuopt_status end_iteration(gpuopt_run *run)
{
    ++run->n_iterations;
    double x_spread, f_spread;
    simplex_spread(run, &x_spread, &f_spread);
    run->report[0] = x_spread;
    run->report[1] = f_spread;
    run->report[2] = (double)np_of(run)->shrinks;
    if (f_spread <= run->stop.absolute_criterion_tolerance &&
        x_spread <= run->stop.absolute_params_tolerance)
        return GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE;
    start_iteration(run);
    return GPUOPT_SUCCESS;
}

/* After the reflections: each process's second point, if it needs one. Process i reflects
 * vertex j + 1 - p + i; "above" is vertex j - p + i (values before this iteration's changes). */
static void after_reflections(gpuopt_run *run)
{
    np_state *s = np_of(run);
    size_t n = run->dim, first = n + 1 - (size_t)s->p;
    const double *fs = buf(run, s->fs), *fr = buf(run, s->fr), *m = buf(run, s->m);
    const double *refl = buf(run, s->refl);
    int64_t *action = (int64_t *)gpuopt_run_host(run, s->action);
    double *second = buf(run, s->second);
    s->n_second = 0;
    for (size_t i = 0; i < (size_t)s->p; ++i) {
        double f_j = fs[first + i], f_above = fs[first + i - 1];
        const double *r = refl + i * n;
        double *out = second + (size_t)s->n_second * n;
        if (fr[i] < fs[0]) {
            action[i] = NP_EXPAND;
            along(run, m, r, s->gamma, out);
        } else if (fr[i] < f_above) {
            action[i] = NP_TAKE_REFLECTION;
            continue;
        } else {
            action[i] = NP_CONTRACT;
            along(run, m, r, fr[i] < f_j ? s->beta : -s->beta, out);
        }
        ++s->n_second;
    }
    s->phase = NP_SECOND;
}

/* Replaces vertex `row` by x (value f). */
static void set_vertex(const gpuopt_run *run, size_t row, const double *x, double f)
{
    memcpy(vertex(run, row), x, run->dim * sizeof *x);
    buf(run, np_of(run)->fs)[row] = f;
}

/* Each process keeps the best of its points (estimagic's rules, including its expansion test
 * against the best vertex); when none improved, the simplex shrinks towards vertex 0. */
static gpuopt_status finish_processes(gpuopt_run *run, const double *second_f)
{
    np_state *s = np_of(run);
    size_t n = run->dim, first = n + 1 - (size_t)s->p, used = 0;
    const double *fr = buf(run, s->fr), *refl = buf(run, s->refl), *second = buf(run, s->second);
    const int64_t *action = (const int64_t *)gpuopt_run_host(run, s->action);
    double *fs = buf(run, s->fs);
    int64_t no_improvement = 0;
    for (size_t i = 0; i < (size_t)s->p; ++i) {
        size_t row = first + i;
        const double *r = refl + i * n;
        if (action[i] == NP_TAKE_REFLECTION) {
            set_vertex(run, row, r, fr[i]);
            continue;
        }
        const double *x2 = second + used * n;
        double f2 = second_f[used++];
        if (action[i] == NP_EXPAND) {
            if (f2 < fs[0])
                set_vertex(run, row, x2, f2);
            else
                set_vertex(run, row, r, fr[i]);
        } else if (f2 < (isnan(fs[row]) || isnan(fr[i]) ? NAN : fmin(fs[row], fr[i]))) {
            set_vertex(run, row, x2, f2);
        } else {
            ++no_improvement;
            if (fr[i] < fs[row])
                set_vertex(run, row, r, fr[i]);
        }
    }
    if (no_improvement < s->p)
        return end_iteration(run);
    /* shrink: tau s0 + (1 - tau) s, every row (row 0 included), then evaluate all */
    const double *s0 = vertex(run, 0);
    double *tmp = buf(run, s->scratch);
    for (size_t k = 0; k <= n; ++k) {
        const double *v = vertex(run, k);
        for (size_t d = 0; d < n; ++d)
            tmp[k * n + d] = s->tau * s0[d] + (1 - s->tau) * v[d];
    }
    memcpy(vertex(run, 0), tmp, (n + 1) * n * sizeof *tmp);
    for (size_t k = 0; k <= n; ++k)
        clip_point(run, vertex(run, k));
    ++s->shrinks;
    s->phase = NP_SHRINK;
    return GPUOPT_SUCCESS;
}

/* -------------------------------------------------------------------- init */

/* estimagic's initial simplices: row 0 is (mostly) x, row k + 1 moves coordinate k. */
static void build_simplex(gpuopt_run *run, int method)
{
    size_t n = run->dim;
    const double *x = run->x0;
    double xmax = x[0];
    for (size_t d = 1; d < n; ++d)
        xmax = x[d] > xmax || isnan(x[d]) ? x[d] : xmax;
    for (size_t k = 0; k <= n; ++k)
        memcpy(vertex(run, k), x, n * sizeof *x);
    double jd = (double)n;
    if (method == NP_GAO_HAN) {
        double c = fmin(fmax(xmax, 1.0), 10.0);
        double shift = (1 - sqrt(jd + 1)) / jd * 1.0 * c;
        for (size_t d = 0; d < n; ++d)
            vertex(run, 0)[d] = x[d] + shift;
        for (size_t k = 0; k < n; ++k)
            for (size_t d = 0; d < n; ++d)
                vertex(run, k + 1)[d] = x[d] + (k == d ? 1.0 : 0.0) * c;
    } else if (method == NP_VARADHAN_BORCHERS) {
        double *sq = buf(run, np_of(run)->m); /* scratch: the squares */
        for (size_t d = 0; d < n; ++d)
            sq[d] = x[d] * x[d];
        double c = fmax(1.0, sqrt(pairwise_sum(sq, n)));
        double scale = c / (jd * sqrt(2.0));
        double beta1 = scale * (sqrt(jd + 1) + jd - 1), beta2 = scale * (sqrt(jd + 1) - 1);
        for (size_t k = 0; k < n; ++k)
            for (size_t d = 0; d < n; ++d)
                vertex(run, k + 1)[d] = x[d] + beta2 + (k == d ? 1.0 : 0.0) * (beta1 - beta2);
    } else {
        for (size_t k = 0; k < n; ++k) {
            double v = x[k];
            if (method == NP_PFEFFER)
                v = v != 0 ? v * 1.05 * 1.0 + 0.00025 * 0.0 : 0.00025;
            else /* nash */
                v = v != 0 ? 1.0 * (xmax * 0.1 + v) + 0.1 * 0.0 : 0.0 * (xmax * 0.1 + v) + 0.1;
            vertex(run, k + 1)[k] = v;
        }
    }
    for (size_t k = 0; k <= n; ++k)
        clip_point(run, vertex(run, k));
}

static void set_coefficients(np_state *s, size_t dim, int adaptive)
{
    double j = (double)dim;
    s->alpha = 1;
    s->gamma = adaptive ? 1 + 2 / j : 2;
    s->beta = adaptive ? 0.75 - 1 / (2 * j) : 0.5;
    s->tau = adaptive ? 1 - 1 / j : 0.5;
}

/* estimagic: p = 1 for n_cores <= 1, j - 1 for n_cores >= j, else n_cores (at least 1). */
static int64_t parallel_degree(int64_t n_cores, size_t dim)
{
    int64_t j = (int64_t)dim, p = n_cores <= 1 ? 1 : n_cores >= j ? j - 1 : n_cores;
    return p < 1 ? 1 : p;
}

static gpuopt_status allocate_buffers(gpuopt_run *run, np_state *s)
{
    size_t n = run->dim, rows = n + 1, p = (size_t)s->p;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count, elem_size;
        int *id;
    } table[] = {
        {"nmp_simplex", GPUOPT_ON_HOST, rows * n, sizeof(double), &s->s},
        {"nmp_simplex_f", GPUOPT_ON_HOST, rows, sizeof(double), &s->fs},
        {"nmp_scratch", GPUOPT_ON_HOST, rows * n, sizeof(double), &s->scratch},
        {"nmp_order", GPUOPT_ON_HOST, rows, sizeof(int64_t), &s->perm},
        {"nmp_centroid", GPUOPT_ON_HOST, n, sizeof(double), &s->m},
        {"nmp_reflections", GPUOPT_ON_HOST, p * n, sizeof(double), &s->refl},
        {"nmp_second", GPUOPT_ON_HOST, p * n, sizeof(double), &s->second},
        {"nmp_reflections_f", GPUOPT_ON_HOST, p, sizeof(double), &s->fr},
        {"nmp_actions", GPUOPT_ON_HOST, p, sizeof(int64_t), &s->action},
        {"nmp_values", GPUOPT_ON_HOST, rows, sizeof(double), &s->values},
        {"nmp_batch_x", GPUOPT_ON_BACKEND, rows * n, sizeof(double), &s->bx},
        {"nmp_batch_f", GPUOPT_ON_BACKEND, rows, sizeof(double), &s->bf},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             table[i].elem_size, table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status np_init(gpuopt_run *run)
{
    size_t n = run->dim;
    if (n == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION,
                               "neldermead_parallel: dimension is 0");
    if (n + 1 > SIZE_MAX / sizeof(double) / n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "neldermead_parallel: a simplex of dimension %zu does not fit in "
                               "memory",
                               n);
    np_state *s = np_of(run);
    int64_t n_cores = gpuopt_opt_int(run, "n_cores");
    s->p = parallel_degree(n_cores, n);
    if (n_cores > 1 && s->p < n_cores)
        gpuopt_run_warn(run,
                        "neldermead_parallel: n_cores=%lld reflects only %lld vertices at once "
                        "in dimension %zu (at most j - 1)",
                        (long long)n_cores, (long long)s->p, n);
    set_coefficients(s, n, gpuopt_opt_bool(run, "adaptive"));
    gpuopt_status st = allocate_buffers(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    build_simplex(run, gpuopt_opt_choice(run, "init_simplex_method"));
    s->phase = NP_INITIAL;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------- ask, tell */

/* The host rows of this phase's batch and their count. */
static const double *phase_points(const gpuopt_run *run, size_t *count)
{
    const np_state *s = np_of(run);
    switch (s->phase) {
    case NP_REFLECT:
        *count = (size_t)s->p;
        return buf(run, s->refl);
    case NP_SECOND:
        *count = (size_t)s->n_second;
        return buf(run, s->second);
    default: /* initial, shrink */
        *count = run->dim + 1;
        return buf(run, s->s);
    }
}

static gpuopt_status np_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    const np_state *s = np_of(run);
    size_t count = 0;
    const double *points = phase_points(run, &count);
    gpuopt_status st = gpuopt_run_write(run, s->bx, 0, count * run->dim, points);
    if (st != GPUOPT_SUCCESS)
        return st;
    batch->x_buffer = s->bx;
    batch->x_row = 0;
    batch->f_buffer = s->bf;
    batch->f_row = 0;
    batch->raw_buffer = -1;
    batch->n = count;
    return GPUOPT_SUCCESS;
}

static gpuopt_status np_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    np_state *s = np_of(run);
    size_t count = 0;
    phase_points(run, &count);
    if (batch->n != count || batch->f_buffer != s->bf || batch->f_row != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "neldermead_parallel: told a batch of %zu values, expected %zu",
                               batch->n, count);
    double *values = buf(run, s->values);
    gpuopt_status st = gpuopt_run_read(run, s->bf, 0, count, values);
    if (st != GPUOPT_SUCCESS)
        return st;
    switch (s->phase) {
    case NP_INITIAL:
        memcpy(buf(run, s->fs), values, count * sizeof *values);
        start_iteration(run);
        return GPUOPT_SUCCESS;
    case NP_REFLECT:
        memcpy(buf(run, s->fr), values, count * sizeof *values);
        after_reflections(run);
        return s->n_second ? GPUOPT_SUCCESS : finish_processes(run, NULL);
    case NP_SECOND:
        return finish_processes(run, values);
    case NP_SHRINK:
        memcpy(buf(run, s->fs), values, count * sizeof *values);
        return end_iteration(run);
    default:
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "neldermead_parallel: unknown phase %d",
                               s->phase);
    }
}

/* -------------------------------------------------------------- descriptor */

static const char *const np_report_keys[] = {"simplex_size", "simplex_f_spread", "shrinks", NULL};

const gpuopt_algorithm gpuopt_algorithm_neldermead_parallel = {
    .name = "neldermead_parallel",
    .aliases = NULL,
    .presets = NULL,
    .summary = "Lee & Wiswall's parallel Nelder-Mead: the p worst vertices reflected at once, "
               "their points evaluated as one batch (estimagic's neldermead_parallel).",
    .doc = "Local, derivative-free. Reproduces estimagic's neldermead_parallel: initial simplex "
           "gao_han (default), pfeffer, nash or varadhan_borchers; Gao-Han adaptive coefficients "
           "by default; each iteration reflects the p = n_cores worst vertices through the "
           "centroid of the others (one batch), evaluates the expansions and contractions the "
           "processes need (a second batch) and shrinks by tau s0 + (1 - tau) s when no process "
           "improved (a third batch of all j + 1 vertices). Converged when max|f - f0| <= "
           "absolute_criterion_tolerance and max|s - s0| <= absolute_params_tolerance. "
           "Differences: stable sort of tied values; with bounds, points are clipped into the box "
           "(estimagic has no bounds); a budget of evaluations. Reference: Lee & Wiswall (2007), "
           "Computational Economics 30:171-187.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = np_options,
    .n_options = GPUOPT_COUNT(np_options),
    .report_keys = np_report_keys,
    .state_size = sizeof(np_state),
    .init = np_init,
    .ask = np_ask,
    .tell = np_tell,
};
