/* Exponential natural evolution strategies (Glasmachers, Schaul, Sun, Wierstra & Schmidhuber
 * 2010), step for step as pagmo2's `xnes`.
 *
 * The search distribution is N(mean, A A^T). The first batch is the initial population (the
 * start point and uniform draws in the bounds); the mean starts at its best point and
 * A = diag(width_j * initial_search_share). Every later batch is one generation:
 *   ask:  z_i ~ N(0, I) (Philox), x_i = mean + A z_i  (dgemm on the backend), clipped to the box;
 *   tell: pagmo's dx / df tests, then rank (argsort on the backend), utilities u by rank,
 *         G = sum u_k (z_k z_k^T - I) = Z^T diag(u) Z - (sum u) I, g = sum u_k z_k  (dgemm),
 *         mean += eta_mu A g,  A <- A expm(dA),
 *         dA = 1/2 (eta_sigma tr(G)/d I + eta_b (G - tr(G)/d I)),
 *         expm(dA) = V e^L V^T from the symmetric eigendecomposition (dsyevd).
 * Population, draws, values, A, mean and the products stay in GPUOPT_ON_BACKEND buffers: the
 * elementwise steps (normal draws: fill_normal; dx and clipping, utility weights, the exponent
 * dA, the eigenvalue exponentials: the xnes_* backend ops, math written once in
 * kernels/xnes.h) run on the backend, and only dx and tr(G) cross to the host per generation.
 * See docs/algorithms/xnes.md. */
#include "xnes.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef enum xnes_stage {
    XNES_ASK_INITIAL = 0, /* next: ask for the initial population */
    XNES_TELL_INITIAL,    /* next: its values */
    XNES_ASK_SAMPLE,      /* next: ask for a generation's samples */
    XNES_TELL_SAMPLE      /* next: their values */
} xnes_stage;

/* Plain values only (checkpointable). */
typedef struct xnes_state {
    int stage;
    int force_bounds, discard_start;
    uint64_t lambda;
    uint64_t generation; /* sample batches built so far */
    double eta_mu, eta_sigma, eta_b, share;
    double sigma;       /* pagmo's sigma: share0 * exp(sum eta_sigma / 2 tr(G) / d) */
    double log_det_a;   /* ln det A */
    double step_norm;   /* ||A z_0|| of the current generation (pagmo's dx) */
    double utility_sum; /* sum of the utilities: 0 up to rounding */
    /* backend buffers */
    int pop;      /* lambda x dim: the initial population, then each generation's samples */
    int fit;      /* lambda values */
    int z;        /* lambda x dim: the generation's standard normal draws */
    int w;        /* lambda x dim: row i = u_(rank of i) z_i */
    int a, a_next; /* dim x dim: A, and the product A expm(dA) before the swap */
    int m;        /* dim x dim: G, then the eigenvectors of dA scaled by exp(L / 2) */
    int e;        /* dim x dim: dA, then its eigenvectors, then expm(dA) */
    int eig;      /* dim eigenvalues */
    int mean, grad; /* dim each */
    int ones;     /* lambda ones */
    int idx;      /* lambda uint32: the ranking */
    int util;     /* lambda utilities by rank */
    /* host buffers */
    int rows;     /* lambda x dim: the initial population, utilities, ones on their way */
    int mat;      /* dim x dim: the initial A */
} xnes_state;

enum { XNES_SIGMA, XNES_A_SCALE, XNES_DX, XNES_DF, XNES_F_BEST };

/* -------------------------------------------------------------------- helpers */

static gpuopt_status xnes_backend_fail(gpuopt_run *run, gpuopt_status st, const char *what)
{
    return gpuopt_run_fail(run, st, "xnes: %s failed: %s", what, run->backend->error);
}

/* C = alpha op(A) op(B) + beta C on whole backend buffers (row-major, see host/backend.h). */
static gpuopt_status xnes_gemm(gpuopt_run *run, int ta, int tb, size_t m, size_t n, size_t k,
                               double alpha, int a, size_t lda, int b, size_t ldb, double beta,
                               int c, size_t ldc)
{
    gpuopt_status st = gpuopt_backend_dgemm(run->backend, ta, tb, m, n, k, alpha,
                                            gpuopt_run_dev(run, a), 0, lda, gpuopt_run_dev(run, b),
                                            0, ldb, beta, gpuopt_run_dev(run, c), 0, ldc);
    return st ? xnes_backend_fail(run, st, "dgemm") : GPUOPT_SUCCESS;
}

static double *xnes_host(const gpuopt_run *run, int id)
{
    return gpuopt_run_host(run, id);
}

/* ----------------------------------------------------------------------- init */

static double xnes_rate(const gpuopt_run *run, const char *key, double automatic)
{
    return gpuopt_opt_is_auto(run, key) ? automatic : gpuopt_opt_double(run, key);
}

static void xnes_read_options(gpuopt_run *run, xnes_state *s)
{
    double eta_default = gpuopt_xnes_default_eta(run->dim);
    s->eta_mu = xnes_rate(run, "learning_rate_mean_update", 1.0);
    s->eta_sigma = xnes_rate(run, "learning_rate_step_size_update", eta_default);
    s->eta_b = xnes_rate(run, "learning_rate_cov_matrix_update", eta_default);
    s->share = xnes_rate(run, "initial_search_share", 0.5);
    s->force_bounds = gpuopt_opt_bool(run, "force_bounds");
    s->discard_start = gpuopt_opt_bool(run, "discard_start_params");
}

static gpuopt_status xnes_check_problem(gpuopt_run *run)
{
    if (!run->has_bounds)
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "xnes (pygmo_xnes) needs finite lower and upper bounds on every "
                               "parameter: the initial search width is a share of the box");
    if (run->dim > GPUOPT_XNES_MAX_DIM)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION,
                               "xnes keeps full %zu x %zu matrices and an eigendecomposition per "
                               "generation; dimensions above %d are refused. Use sep_cmaes "
                               "(diagonal covariance, linear in the dimension) instead",
                               run->dim, run->dim, GPUOPT_XNES_MAX_DIM);
    return GPUOPT_SUCCESS;
}

/* auto: max(2 dim, 64), estimagic's population (the option's range keeps lambda in [4, 2^32)). */
static void xnes_choose_population(gpuopt_run *run, xnes_state *s)
{
    uint64_t auto_lambda = 2 * (uint64_t)run->dim > 64 ? 2 * (uint64_t)run->dim : 64;
    s->lambda = gpuopt_opt_is_auto(run, "population_size")
                    ? auto_lambda
                    : (uint64_t)gpuopt_opt_int(run, "population_size");
}

static gpuopt_status xnes_allocate(gpuopt_run *run, xnes_state *s)
{
    size_t n = (size_t)s->lambda, d = run->dim, sz = sizeof(double), u4 = sizeof(uint32_t);
    const gpuopt_buffer_place dev = GPUOPT_ON_BACKEND, host = GPUOPT_ON_HOST;
    gpuopt_status st;
    if ((st = gpuopt_run_buffer(run, "xnes_pop", dev, n * d, sz, &s->pop)) ||
        (st = gpuopt_run_buffer(run, "xnes_fit", dev, n, sz, &s->fit)) ||
        (st = gpuopt_run_buffer(run, "xnes_z", dev, n * d, sz, &s->z)) ||
        (st = gpuopt_run_buffer(run, "xnes_w", dev, n * d, sz, &s->w)) ||
        (st = gpuopt_run_buffer(run, "xnes_a", dev, d * d, sz, &s->a)) ||
        (st = gpuopt_run_buffer(run, "xnes_a_next", dev, d * d, sz, &s->a_next)) ||
        (st = gpuopt_run_buffer(run, "xnes_m", dev, d * d, sz, &s->m)) ||
        (st = gpuopt_run_buffer(run, "xnes_e", dev, d * d, sz, &s->e)) ||
        (st = gpuopt_run_buffer(run, "xnes_eig", dev, d, sz, &s->eig)) ||
        (st = gpuopt_run_buffer(run, "xnes_mean", dev, d, sz, &s->mean)) ||
        (st = gpuopt_run_buffer(run, "xnes_grad", dev, d, sz, &s->grad)) ||
        (st = gpuopt_run_buffer(run, "xnes_ones", dev, n, sz, &s->ones)) ||
        (st = gpuopt_run_buffer(run, "xnes_idx", dev, n, u4, &s->idx)) ||
        (st = gpuopt_run_buffer(run, "xnes_util", dev, n, sz, &s->util)) ||
        (st = gpuopt_run_buffer(run, "xnes_rows", host, n * d, sz, &s->rows)) ||
        (st = gpuopt_run_buffer(run, "xnes_mat", host, d * d, sz, &s->mat)))
        return st;
    return GPUOPT_SUCCESS;
}

/* pagmo's utilities by rank: max(0, ln(lambda/2 + 1) - ln(r + 1)) normalized to sum 1, minus
 * 1/lambda; and ones for the column sums of W. */
static gpuopt_status xnes_set_utilities(gpuopt_run *run, xnes_state *s)
{
    size_t n = (size_t)s->lambda;
    double *u = xnes_host(run, s->rows), sum = 0.0;
    for (size_t r = 0; r < n; ++r)
        sum += (u[r] = gpuopt_xnes_raw_utility(r, s->lambda));
    s->utility_sum = 0.0;
    for (size_t r = 0; r < n; ++r) {
        u[r] = u[r] / sum - 1.0 / (double)n;
        s->utility_sum += u[r];
    }
    gpuopt_status st = gpuopt_run_write(run, s->util, 0, n, u);
    if (st)
        return st;
    for (size_t r = 0; r < n; ++r)
        u[r] = 1.0;
    return gpuopt_run_write(run, s->ones, 0, n, u);
}

/* A = diag(max(upper - lower, 1e-6) * share): pagmo's initial search width. */
static gpuopt_status xnes_set_initial_a(gpuopt_run *run, xnes_state *s)
{
    size_t d = run->dim, narrow = 0;
    double *a = xnes_host(run, s->mat);
    memset(a, 0, d * d * sizeof *a);
    s->log_det_a = 0.0;
    for (size_t j = 0; j < d; ++j) {
        double width = run->upper[j] - run->lower[j];
        if (!(width >= 1e-6)) {
            width = 1e-6;
            narrow += 1;
        }
        a[j * d + j] = width * s->share;
        s->log_det_a += log(a[j * d + j]);
    }
    if (narrow)
        gpuopt_run_warn(run,
                        "xnes: %zu parameter%s bounds narrower than 1e-6; their initial search "
                        "width is clamped to 1e-6 * initial_search_share (as pagmo does)",
                        narrow, narrow == 1 ? " has" : "s have");
    s->sigma = s->share;
    return gpuopt_run_write(run, s->a, 0, d * d, a);
}

static gpuopt_status xnes_init(gpuopt_run *run)
{
    xnes_state *s = run->state;
    gpuopt_status st;
    if ((st = xnes_check_problem(run)))
        return st;
    xnes_read_options(run, s);
    xnes_choose_population(run, s);
    if ((st = xnes_allocate(run, s)) ||
        (st = xnes_set_utilities(run, s)) || (st = xnes_set_initial_a(run, s)))
        return st;
    s->stage = XNES_ASK_INITIAL;
    s->generation = 0;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------------ ask */

/* The initial population: the start point as row 0 (unless discarded), the rest uniform in
 * the bounds. */
static gpuopt_status xnes_ask_initial(gpuopt_run *run, xnes_state *s, gpuopt_batch *batch)
{
    size_t d = run->dim;
    double *rows = xnes_host(run, s->rows);
    for (uint64_t i = 0; i < s->lambda; ++i)
        for (size_t j = 0; j < d; ++j)
            rows[i * d + j] = (i == 0 && !s->discard_start)
                                  ? run->x0[j]
                                  : gpuopt_xnes_initial(run->seed, i, j, run->lower[j],
                                                        run->upper[j]);
    gpuopt_status st = gpuopt_run_write(run, s->pop, 0, (size_t)s->lambda * d, rows);
    if (st)
        return st;
    *batch = (gpuopt_batch){.x_buffer = s->pop, .x_row = 0, .f_buffer = s->fit, .f_row = 0,
                            .raw_buffer = -1, .n = (size_t)s->lambda};
    s->stage = XNES_TELL_INITIAL;
    return GPUOPT_SUCCESS;
}

/* z_i ~ N(0, I) on the backend: component j of z_i is gpuopt_xnes_z(seed, generation, i, j). */
static gpuopt_status xnes_draw_z(gpuopt_run *run, const xnes_state *s)
{
    gpuopt_status st = gpuopt_backend_fill_normal(
        run->backend, gpuopt_run_dev(run, s->z), (size_t)s->lambda, run->dim, run->seed,
        gpuopt_stream(GPUOPT_XNES_TAG_SAMPLE, s->generation));
    return st ? xnes_backend_fail(run, st, "fill_normal") : GPUOPT_SUCCESS;
}

/* X = 1 mean^T + Z A^T on the backend. */
static gpuopt_status xnes_sample(gpuopt_run *run, const xnes_state *s)
{
    size_t n = (size_t)s->lambda, d = run->dim;
    gpuopt_status st = xnes_gemm(run, 0, 0, n, d, 1, 1.0, s->ones, 1, s->mean, d, 0.0, s->pop, d);
    if (st == GPUOPT_SUCCESS)
        st = xnes_gemm(run, 0, 1, n, d, d, 1.0, s->z, d, s->a, d, 1.0, s->pop, d);
    return st;
}

/* The arguments of the xnes_* ops over this run's buffers. */
static struct gpuopt_xnes_args xnes_args(const gpuopt_run *run, const xnes_state *s, double *out)
{
    return (struct gpuopt_xnes_args){
        .dim = run->dim, .lambda = (size_t)s->lambda, .force_bounds = s->force_bounds,
        .utility_sum = s->utility_sum, .eta_sigma = s->eta_sigma, .eta_b = s->eta_b,
        .X = gpuopt_run_dev(run, s->pop), .mean = gpuopt_run_dev(run, s->mean),
        .lower = run->lower_dev, .upper = run->upper_dev, .idx = gpuopt_run_dev(run, s->idx),
        .util = gpuopt_run_dev(run, s->util), .Z = gpuopt_run_dev(run, s->z),
        .W = gpuopt_run_dev(run, s->w), .G = gpuopt_run_dev(run, s->m),
        .dA = gpuopt_run_dev(run, s->e), .V = gpuopt_run_dev(run, s->e),
        .evals = gpuopt_run_dev(run, s->eig), .VS = gpuopt_run_dev(run, s->m), .host_out = out};
}

/* pagmo's dx = ||A z_0|| (before clipping), and force_bounds: components outside the box are
 * set to the nearer bound (on the backend). */
static gpuopt_status xnes_bound_samples(gpuopt_run *run, xnes_state *s)
{
    double norm2 = 0.0;
    struct gpuopt_xnes_args a = xnes_args(run, s, &norm2);
    gpuopt_status st = gpuopt_backend_xnes_bound(run->backend, &a);
    if (st)
        return xnes_backend_fail(run, st, "xnes_bound");
    s->step_norm = sqrt(norm2);
    return GPUOPT_SUCCESS;
}

static gpuopt_status xnes_ask_sample(gpuopt_run *run, xnes_state *s, gpuopt_batch *batch)
{
    s->generation += 1;
    gpuopt_status st;
    if ((st = xnes_draw_z(run, s)) || (st = xnes_sample(run, s)) ||
        (st = xnes_bound_samples(run, s)))
        return st;
    *batch = (gpuopt_batch){.x_buffer = s->pop, .x_row = 0, .f_buffer = s->fit, .f_row = 0,
                            .raw_buffer = -1, .n = (size_t)s->lambda};
    s->stage = XNES_TELL_SAMPLE;
    return GPUOPT_SUCCESS;
}

static gpuopt_status xnes_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    xnes_state *s = run->state;
    if (s->stage == XNES_ASK_INITIAL)
        return xnes_ask_initial(run, s, batch);
    if (s->stage == XNES_ASK_SAMPLE)
        return xnes_ask_sample(run, s, batch);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "xnes: ask while a batch is out");
}

/* ----------------------------------------------------------------------- tell */

typedef struct xnes_extremes {
    size_t best, worst;
    double f_best, f_worst;
} xnes_extremes;

static gpuopt_status xnes_extremes_of(gpuopt_run *run, xnes_state *s, xnes_extremes *e)
{
    gpuopt_backend *b = run->backend;
    gpuopt_status st = b->ops->minmax(b, gpuopt_run_dev(run, s->fit), (size_t)s->lambda, &e->best,
                                      &e->f_best, &e->worst, &e->f_worst);
    if (st)
        return xnes_backend_fail(run, st, "minmax");
    run->report[XNES_SIGMA] = s->sigma;
    run->report[XNES_A_SCALE] = exp(s->log_det_a / (double)run->dim);
    run->report[XNES_DX] = s->step_norm;
    run->report[XNES_DF] = fabs(e->f_best - e->f_worst);
    run->report[XNES_F_BEST] = e->f_best;
    return GPUOPT_SUCCESS;
}

/* The mean starts at the best individual of the initial population. */
static gpuopt_status xnes_tell_initial(gpuopt_run *run, xnes_state *s)
{
    xnes_extremes e;
    gpuopt_status st = xnes_extremes_of(run, s, &e);
    if (st)
        return st;
    size_t row_bytes = run->dim * sizeof(double);
    st = gpuopt_backend_copy(run->backend, gpuopt_run_dev(run, s->mean), 0,
                             gpuopt_run_dev(run, s->pop), e.best * row_bytes, row_bytes);
    if (st)
        return xnes_backend_fail(run, st, "copy of the best row");
    s->stage = XNES_ASK_SAMPLE;
    return GPUOPT_SUCCESS;
}

/* W: row i = u_r z_i where r is the rank of individual i. */
static gpuopt_status xnes_weight_rows(gpuopt_run *run, const xnes_state *s)
{
    size_t n = (size_t)s->lambda;
    gpuopt_status st = gpuopt_backend_argsort(run->backend, gpuopt_run_dev(run, s->fit), n,
                                              gpuopt_run_dev(run, s->idx));
    if (st)
        return xnes_backend_fail(run, st, "argsort");
    struct gpuopt_xnes_args a = xnes_args(run, s, NULL);
    st = gpuopt_backend_xnes_weights(run->backend, &a);
    return st ? xnes_backend_fail(run, st, "xnes_weights") : GPUOPT_SUCCESS;
}

/* G = Z^T W into m, g = W^T 1, and mean += eta_mu A g (with the A of this generation). */
static gpuopt_status xnes_gradients(gpuopt_run *run, const xnes_state *s)
{
    size_t n = (size_t)s->lambda, d = run->dim;
    gpuopt_status st = xnes_gemm(run, 1, 0, d, d, n, 1.0, s->z, d, s->w, d, 0.0, s->m, d);
    if (st == GPUOPT_SUCCESS)
        st = xnes_gemm(run, 1, 0, d, 1, n, 1.0, s->w, d, s->ones, 1, 0.0, s->grad, 1);
    if (st == GPUOPT_SUCCESS)
        st = xnes_gemm(run, 0, 0, d, 1, d, s->eta_mu, s->a, d, s->grad, 1, 1.0, s->mean, 1);
    return st;
}

/* dA = 1/2 (eta_sigma tr/d I + eta_b (G - tr/d I)) into e, from G (in m) symmetrized and with
 * its - (sum u) I term; returns tr(G - (sum u) I) in *trace. */
static gpuopt_status xnes_exponent(gpuopt_run *run, const xnes_state *s, double *trace)
{
    struct gpuopt_xnes_args a = xnes_args(run, s, trace);
    gpuopt_status st = gpuopt_backend_xnes_exponent(run->backend, &a);
    return st ? xnes_backend_fail(run, st, "xnes_exponent") : GPUOPT_SUCCESS;
}

/* e = expm(dA) = (V e^{L/2})(V e^{L/2})^T from the eigendecomposition of dA (in e; V e^{L/2}
 * in m). */
static gpuopt_status xnes_expm(gpuopt_run *run, const xnes_state *s)
{
    size_t d = run->dim;
    gpuopt_status st = gpuopt_backend_dsyevd(run->backend, d, gpuopt_run_dev(run, s->e),
                                             gpuopt_run_dev(run, s->eig));
    if (st)
        return xnes_backend_fail(run, st, "dsyevd");
    struct gpuopt_xnes_args a = xnes_args(run, s, NULL);
    if ((st = gpuopt_backend_xnes_expm_scale(run->backend, &a)))
        return xnes_backend_fail(run, st, "xnes_expm_scale");
    return xnes_gemm(run, 0, 1, d, d, d, 1.0, s->m, d, s->m, d, 0.0, s->e, d);
}

/* One natural-gradient step: mean, then A <- A expm(dA), sigma and ln det A. */
static gpuopt_status xnes_update(gpuopt_run *run, xnes_state *s)
{
    size_t d = run->dim;
    double tr;
    gpuopt_status st;
    if ((st = xnes_weight_rows(run, s)) || (st = xnes_gradients(run, s)) ||
        (st = xnes_exponent(run, s, &tr)) || (st = xnes_expm(run, s)) ||
        (st = xnes_gemm(run, 0, 0, d, d, d, 1.0, s->a, d, s->e, d, 0.0, s->a_next, d)))
        return st;
    int previous = s->a;
    s->a = s->a_next;
    s->a_next = previous;
    s->sigma *= exp(s->eta_sigma / 2.0 * tr / (double)d);
    s->log_det_a += 0.5 * s->eta_sigma * tr;
    return GPUOPT_SUCCESS;
}

/* pagmo's exit tests on the generation just evaluated, before the update: dx = ||A z_0|| below
 * xtol, then |f_worst - f_best| below ftol. */
static gpuopt_status xnes_check_flatness(const gpuopt_run *run, const xnes_state *s,
                                         const xnes_extremes *e)
{
    if (s->step_norm < run->stop.relative_params_tolerance)
        return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    if (fabs(e->f_best - e->f_worst) < run->stop.criterion_tolerance)
        return GPUOPT_STOP_CRITERION_TOLERANCE;
    return GPUOPT_SUCCESS;
}

static gpuopt_status xnes_tell_sample(gpuopt_run *run, xnes_state *s)
{
    xnes_extremes e;
    gpuopt_status st = xnes_extremes_of(run, s, &e);
    if (st)
        return st;
    run->n_iterations += 1;
    s->stage = XNES_ASK_SAMPLE;
    if ((st = xnes_check_flatness(run, s, &e)))
        return st;
    return xnes_update(run, s);
}

static gpuopt_status xnes_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    xnes_state *s = run->state;
    (void)batch;
    if (s->stage == XNES_TELL_INITIAL)
        return xnes_tell_initial(run, s);
    if (s->stage == XNES_TELL_SAMPLE)
        return xnes_tell_sample(run, s);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "xnes: tell without a batch out");
}

/* ----------------------------------------------------------------- descriptor */

#define XNES_RATE_FLAGS (GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_NEG_IS_AUTO)

static const gpuopt_option_spec xnes_options[] = {
    {"population_size", GPUOPT_OPTION_INT, 0, "auto", 4, 4294967295.0, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO,
     "Samples per generation (lambda), at least 4 as in pagmo; 0 = auto = max(2 * dim, 64) as "
     "in estimagic. The xNES paper's own choice is 4 + floor(3 ln dim)."},
    {"seed", GPUOPT_OPTION_INT, -1, "auto", 0, 9223372036854775807.0, NULL,
     GPUOPT_OPT_NEG_IS_AUTO, "Seed of the random draws; -1 = the context's seed."},
    {"discard_start_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "When false, the start point is individual 0 of the initial population (whose best "
     "point becomes the first mean); when true, every individual is drawn in the bounds."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 250, NULL, 0, 9223372036854775807.0, NULL, 0,
     "Generations to evolve (the initial population does not count)."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 9223372036854775807.0, "unlimited",
     1, 9223372036854775807.0, NULL, 0, "Criterion evaluations allowed."},
    {"learning_rate_mean_update", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL, XNES_RATE_FLAGS,
     "eta_mu, in (0, 1]; -1 = auto = 1 (pagmo's default)."},
    {"learning_rate_step_size_update", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL,
     XNES_RATE_FLAGS,
     "eta_sigma, in (0, 1]; -1 = auto = 0.6 (3 + ln dim) / (dim sqrt(dim)) (pagmo's default)."},
    {"learning_rate_cov_matrix_update", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL,
     XNES_RATE_FLAGS,
     "eta_B, in (0, 1]; -1 = auto = 0.6 (3 + ln dim) / (dim sqrt(dim)) (pagmo's default)."},
    {"initial_search_share", GPUOPT_OPTION_DOUBLE, 1.0, NULL, 0, 1, NULL, XNES_RATE_FLAGS,
     "pagmo's sigma0, in (0, 1]: the initial A is diag(share * (upper - lower)); -1 = pagmo's "
     "automatic 0.5."},
    {"convergence.criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1e-6, NULL, 0, INFINITY, NULL, 0,
     "pagmo's ftol: stop when |f_worst - f_best| among a generation's samples is below this "
     "(0 disables)."},
    {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-6, NULL, 0, INFINITY,
     NULL, 0,
     "pagmo's xtol: stop when ||A z_0||, the step of a generation's first sample from the mean, "
     "is below this (an absolute length; 0 disables)."},
    {"keep_adapted_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "pagmo's memory: keep mean and A between evolve calls. Within one run they are always "
     "kept, so this has no effect; accepted for compatibility."},
    {"force_bounds", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Clip sampled points to the bounds before evaluating them (estimagic's setting; pagmo's "
     "own default is false). The update uses the unclipped z either way."},
};

static const char *const xnes_aliases[] = {"pygmo_xnes", NULL};
/* a_scale = det(A)^(1/dim): the geometric mean of the search widths, in parameter units. */
static const char *const xnes_report_keys[] = {"sigma", "a_scale", "dx", "df",
                                               "population_f_best", NULL};

const gpuopt_algorithm gpuopt_algorithm_xnes = {
    .name = "xnes",
    .aliases = xnes_aliases,
    .presets = NULL,
    .report_keys = xnes_report_keys,
    .summary = "Exponential natural evolution strategies (pagmo2's xnes): a Gaussian search "
               "distribution adapted along the natural gradient, sampled and updated with BLAS.",
    .doc = "Glasmachers et al.'s xNES as in pagmo2's `xnes` with estimagic's settings "
           "(force_bounds on, population max(2 dim, 64)). The mean starts at the best point "
           "of an initial population in the bounds; the matrix exponential is taken from a "
           "symmetric eigendecomposition. Needs finite bounds. See docs/algorithms/xnes.md.",
    .properties = GPUOPT_PROP_GLOBAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_NEEDS_BOUNDS |
                  GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = xnes_options,
    .n_options = GPUOPT_COUNT(xnes_options),
    .state_size = sizeof(xnes_state),
    .init = xnes_init,
    .ask = xnes_ask,
    .tell = xnes_tell,
};
