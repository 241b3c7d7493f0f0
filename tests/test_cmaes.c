/* cmaes and sep_cmaes: options and the pygmo_cmaes preset, convergence, bad input, bounds
 * handling, restarts, sep_cmaes at n = 10 000, thread-count independence, the host fallbacks of
 * the backend ops (bit for bit the CPU ops), and resuming from a run image bit for bit.
 * The comparison with pycma is in test_cmaes_pycma.c. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "gpuopt.h"
#include "src/algorithms/cmaes_core.h"
#include "src/core.h"
#include "src/image.h"

typedef struct outcome {
    gpuopt_status status;
    double fun;
    double x[8];
    int64_t evaluations, iterations;
    char message[512];
    char warnings[512];
} outcome;

static gpuopt_context *context(int threads, uint64_t seed)
{
    gpuopt_context *ctx = NULL;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_threads(ctx, threads);
    gpuopt_context_set_seed(ctx, seed);
    return ctx;
}

/* options: NULL-terminated "key=value" settings */
static gpuopt_optimizer *optimizer(gpuopt_context *ctx, const char *alg, const char *const *options)
{
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, alg), GPUOPT_SUCCESS);
    for (const char *const *s = options; s && *s; ++s)
        CHECK_MSG(gpuopt_optimizer_set_option(o, *s) == GPUOPT_SUCCESS, "%s: %s", *s,
                  gpuopt_optimizer_errmsg(o));
    return o;
}

static outcome finish_run(gpuopt_optimizer *o, gpuopt_status st, gpuopt_result *r)
{
    outcome out = {.status = st, .fun = NAN};
    snprintf(out.message, sizeof out.message, "%s", gpuopt_optimizer_errmsg(o));
    if (r) {
        out.fun = gpuopt_result_fun(r);
        size_t dim = gpuopt_result_dim(r);
        memcpy(out.x, gpuopt_result_x(r), (dim < 8 ? dim : 8) * sizeof(double));
        out.evaluations = gpuopt_result_n_evaluations(r);
        out.iterations = gpuopt_result_n_iterations(r);
        snprintf(out.warnings, sizeof out.warnings, "%s", gpuopt_result_warnings(r));
    }
    gpuopt_result_destroy(&r);
    return out;
}

static outcome run(gpuopt_context *ctx, gpuopt_problem *p, const char *alg,
                   const char *const *options)
{
    gpuopt_optimizer *o = optimizer(ctx, alg, options);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    outcome out = finish_run(o, st, r);
    gpuopt_optimizer_destroy(&o);
    return out;
}

static outcome run_builtin(gpuopt_context *ctx, const char *problem, size_t dim, const char *alg,
                           const char *const *options)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, problem, dim), GPUOPT_SUCCESS);
    outcome out = run(ctx, p, alg, options);
    gpuopt_problem_destroy(&p);
    return out;
}

static int same(const outcome *a, const outcome *b)
{
    return a->status == b->status && !memcmp(&a->fun, &b->fun, sizeof a->fun) &&
           !memcmp(a->x, b->x, sizeof a->x) && a->evaluations == b->evaluations &&
           a->iterations == b->iterations;
}

static double option_value(gpuopt_optimizer *o, const char *key)
{
    char buf[128] = "";
    CHECK_MSG(gpuopt_optimizer_get_option(o, key, buf, sizeof buf) == GPUOPT_SUCCESS, "%s", key);
    return strtod(buf, NULL);
}

static int option_is(gpuopt_optimizer *o, const char *key, const char *text)
{
    char buf[128] = "";
    return gpuopt_optimizer_get_option(o, key, buf, sizeof buf) == GPUOPT_SUCCESS &&
           !strcmp(buf, text);
}

/* ------------------------------------------------------------ observers */

typedef struct watch {
    int n_runs;         /* restart boundaries seen, the first run included */
    double restart[64]; /* each run's restart index */
    double lambda[64];  /* and population size */
    double min_sigma, max_condition;
    int bad; /* reports that are not finite or not positive */
} watch;

static gpuopt_status watch_reports(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    watch *w = user;
    (void)opt;
    CHECK(o->n_report == 5 && !strcmp(o->report_keys[3], "restart"));
    double sigma = o->report[0], cond = o->report[2], restart = o->report[3], lam = o->report[4];
    w->bad += !(sigma > 0) || !(cond >= 1) || !isfinite(cond) || !(lam >= 2);
    w->min_sigma = fmin(w->min_sigma, sigma);
    w->max_condition = fmax(w->max_condition, cond);
    if ((w->n_runs == 0 || restart != w->restart[w->n_runs - 1]) && w->n_runs < 64) {
        w->restart[w->n_runs] = restart;
        w->lambda[w->n_runs] = lam;
        w->n_runs++;
    }
    return GPUOPT_SUCCESS;
}

static outcome run_watched(gpuopt_context *ctx, const char *problem, size_t dim, const char *alg,
                           const char *const *options, watch *w)
{
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, problem, dim);
    gpuopt_optimizer *o = optimizer(ctx, alg, options);
    memset(w, 0, sizeof *w);
    w->min_sigma = INFINITY;
    gpuopt_optimizer_add_observer(o, GPUOPT_EVENT_ITERATION, watch_reports, w);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    outcome out = finish_run(o, st, r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return out;
}

/* ---------------------------------------------------------------- tests */

/* The paired normals of fill_normal are the Philox normals at (i << 32) | k. */
static void test_normals(void)
{
    for (uint64_t i = 0; i < 5; ++i) {
        for (uint64_t k = 0; k < 9; k += 2) {
            double z0, z1;
            gpuopt_cmaes_normal_pair(7, 1234, i, k, &z0, &z1);
            CHECK(z0 == gpuopt_philox_normal(7, 1234, (i << 32) | k));
            CHECK(z1 == gpuopt_philox_normal(7, 1234, (i << 32) | (k + 1)));
        }
    }
}

/* pygmo_cmaes is cmaes with estimagic's defaults; every option of the seed catalogue exists. */
static void test_names_and_options(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("pygmo_cmaes", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "cmaes"));
    CHECK_STATUS(gpuopt_algorithm_find("sep_cmaes", &info), GPUOPT_SUCCESS);
    gpuopt_context *ctx = context(1, 1);
    gpuopt_optimizer *o = optimizer(ctx, "pygmo_cmaes", NULL);
    const char *seed_keys[] = {"population_size",
                               "seed",
                               "discard_start_params",
                               "stopping.max_iterations",
                               "backward_horizon",
                               "variance_loss_compensation",
                               "learning_rate_rank_one_update",
                               "learning_rate_rank_mu_update",
                               "initial_step_size",
                               "ftol",
                               "xtol",
                               "keep_adapted_params"};
    for (size_t k = 0; k < sizeof seed_keys / sizeof *seed_keys; ++k) {
        char buf[64];
        CHECK_MSG(gpuopt_optimizer_get_option(o, seed_keys[k], buf, sizeof buf) == GPUOPT_SUCCESS,
                  "pygmo_cmaes lacks %s", seed_keys[k]);
    }
    CHECK(option_value(o, "initial_step_size") == 0.5);
    CHECK(option_value(o, "stopping.max_iterations") == 250);
    CHECK(option_value(o, "ftol") == 1e-6 && option_value(o, "xtol") == 1e-6);
    CHECK(option_is(o, "default_population_size", "estimagic"));
    CHECK(option_is(o, "active", "false") && option_is(o, "discard_start_params", "false"));
    CHECK(option_is(o, "backward_horizon", "auto") && option_is(o, "population_size", "auto"));
    gpuopt_optimizer_destroy(&o);
    o = optimizer(ctx, "cmaes", NULL);
    CHECK(option_value(o, "ftol") == 1e-11 && option_is(o, "active", "true"));
    CHECK(option_is(o, "restarts", "none") && option_is(o, "bounds_handling", "projection"));
    gpuopt_optimizer_destroy(&o);
    gpuopt_context_destroy(&ctx);
}

/* The acceptance run: ellipsoid, dimension 10, seed 1, default options. */
static void test_ellipsoid_default(void)
{
    gpuopt_context *ctx = context(0, 1);
    outcome r = run_builtin(ctx, "ellipsoid", 10, "cmaes", NULL);
    CHECK_MSG(r.fun < 1e-8 && gpuopt_status_converged(r.status), "fun %g, %s: %s", r.fun,
              gpuopt_status_name(r.status), r.message);
    const char *sep[] = {"ftarget=1e-8", NULL};
    r = run_builtin(ctx, "ellipsoid", 30, "sep_cmaes", sep);
    CHECK_MSG(r.status == GPUOPT_STOP_TARGET_REACHED && r.fun <= 1e-8, "sep: fun %g, %s", r.fun,
              gpuopt_status_name(r.status));
    gpuopt_context_destroy(&ctx);
}

/* pygmo_cmaes: lambda = max(2n, 64), at most 250 generations, no active CMA. */
static void test_pygmo_preset_run(void)
{
    gpuopt_context *ctx = context(1, 5);
    watch w;
    outcome r = run_watched(ctx, "sphere", 10, "pygmo_cmaes", NULL, &w);
    CHECK_MSG(r.status > 0 && r.iterations <= 250, "%s after %lld generations",
              gpuopt_status_name(r.status), (long long)r.iterations);
    CHECK(w.n_runs == 1 && w.lambda[0] == 64 && w.bad == 0);
    CHECK_MSG(r.fun < 1e-5, "pygmo_cmaes on the sphere: %g", r.fun);
    gpuopt_context_destroy(&ctx);
}

static void test_bad_input(void)
{
    gpuopt_context *ctx = context(1, 1);
    gpuopt_optimizer *o = optimizer(ctx, "cmaes", NULL);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "initial_step_size=0"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "initial_step_size");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "initial_step_size=-1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "population_size");
    gpuopt_optimizer_destroy(&o);

    const char *mu_too_big[] = {"population_size=6", "mu=8", NULL};
    outcome r = run_builtin(ctx, "sphere", 4, "cmaes", mu_too_big);
    CHECK_STATUS(r.status, GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(r.message, "mu (8) must not exceed population_size");
    const char *rates[] = {"learning_rate_rank_one_update=0.6", "learning_rate_rank_mu_update=0.6",
                           NULL};
    r = run_builtin(ctx, "sphere", 4, "sep_cmaes", rates);
    CHECK_STATUS(r.status, GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(r.message, "must not exceed 1");

    /* an infinite start point is refused by the problem */
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "sphere", 3);
    double x0[3] = {0, INFINITY, 0};
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_ERR_BAD_START);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "coordinate 1 is inf; it must be finite");
    gpuopt_problem_destroy(&p);

    /* sigma0 of more than half the box: a warning and the clamp; the run goes on */
    const char *wide[] = {"initial_step_size=3", "ftarget=1e-8", NULL};
    r = run_builtin(ctx, "sphere", 5, "cmaes", wide);
    CHECK_MSG(r.status == GPUOPT_STOP_TARGET_REACHED, "%s", gpuopt_status_name(r.status));
    CHECK_CONTAINS(r.warnings, "initial_step_size 3 is more than half the box width");
    CHECK_CONTAINS(r.warnings, "clamped to 0.5");

    /* too large for a full covariance: the error names sep_cmaes */
    r = run_builtin(ctx, "sphere", GPUOPT_CMAES_MAX_FULL_DIM + 1, "cmaes", NULL);
    CHECK_STATUS(r.status, GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(r.message, "sep_cmaes");
    gpuopt_context_destroy(&ctx);
}

/* sep_cmaes at n = 10 000: a few generations in linear memory. */
static void test_sep_large(void)
{
    gpuopt_context *ctx = context(0, 2);
    const char *options[] = {"stopping.max_iterations=6", "initial_step_size=0.001", NULL};
    watch w;
    outcome r = run_watched(ctx, "sphere", 10000, "sep_cmaes", options, &w);
    CHECK_STATUS(r.status, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(w.n_runs == 1 && w.lambda[0] == 31 && w.bad == 0); /* 4 + floor(3 ln 10^4) */
    CHECK(r.evaluations == 1 + 6 * 31);
    CHECK_MSG(r.fun < 65000.0 - 10.0, "no progress from f(x0) = 65000: %.12g", r.fun);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------------------ bounds */

typedef struct boxed {
    double lo, hi;
    long outside; /* evaluations outside the box */
} boxed;

/* sum (x - 2)^2 in the box [-1, 1]^n: the minimum lies on the upper bound */
static int boxed_criterion(const double *x, size_t dim, double *out, void *user)
{
    boxed *b = user;
    double s = 0;
    for (size_t k = 0; k < dim; ++k) {
        b->outside += x[k] < b->lo || x[k] > b->hi;
        s += (x[k] - 2.0) * (x[k] - 2.0);
    }
    out[0] = s;
    return 0;
}

static void test_bounds(void)
{
    const char *modes[] = {"bounds_handling=projection", "bounds_handling=penalty"};
    const char *algs[] = {"cmaes", "sep_cmaes"};
    gpuopt_context *ctx = context(1, 3);
    for (int a = 0; a < 2; ++a) {
        for (int m = 0; m < 2; ++m) {
            boxed b = {-1, 1, 0};
            gpuopt_problem *p = NULL;
            double lo[4] = {-1, -1, -1, -1}, hi[4] = {1, 1, 1, 1}, x0[4] = {0, 0.5, -0.5, 0};
            gpuopt_problem_create(&p, 4);
            gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, boxed_criterion, &b,
                                               0);
            gpuopt_problem_set_bounds(p, lo, hi);
            gpuopt_problem_set_start(p, x0);
            const char *options[] = {modes[m], "initial_step_size=0.4", NULL};
            outcome r = run(ctx, p, algs[a], options);
            CHECK_MSG(r.status > 0 && b.outside == 0, "%s %s: %s, %ld points outside", algs[a],
                      modes[m], gpuopt_status_name(r.status), b.outside);
            CHECK_MSG(fabs(r.fun - 4.0) < 1e-7 && fabs(r.x[0] - 1.0) < 1e-6,
                      "%s %s: f %.12g x0 %.9g (%s after %lld evaluations)", algs[a], modes[m],
                      r.fun, r.x[0], gpuopt_status_name(r.status), (long long)r.evaluations);
            gpuopt_problem_destroy(&p);
        }
    }
    gpuopt_context_destroy(&ctx);
}

/* ---------------------------------------------------------------- restarts */

static void test_restarts(void)
{
    gpuopt_context *ctx = context(1, 3);
    watch w;
    const char *ipop[] = {"restarts=ipop", "max_restarts=4", NULL};
    outcome r = run_watched(ctx, "rastrigin", 5, "cmaes", ipop, &w);
    CHECK_MSG(w.n_runs == 5 && r.status > 0, "ipop: %d runs, %s", w.n_runs,
              gpuopt_status_name(r.status));
    for (int k = 0; k < w.n_runs; ++k) /* restart k has population 8 * 2^k */
        CHECK_MSG(w.restart[k] == k && w.lambda[k] == 8.0 * pow(2.0, k),
                  "run %d: restart %g lambda %g", k, w.restart[k], w.lambda[k]);
    CHECK(w.bad == 0);

    const char *bipop[] = {"restarts=bipop", "max_restarts=3", NULL};
    r = run_watched(ctx, "rastrigin", 5, "cmaes", bipop, &w);
    int large = 0;
    for (int k = 0; k < w.n_runs; ++k) {
        CHECK(w.restart[k] == k && w.lambda[k] >= 8.0);
        large += k > 0 && w.lambda[k] == 8.0 * pow(2.0, large + 1);
    }
    CHECK_MSG(large == 3 && w.n_runs > 4 && r.status > 0, "bipop: %d runs, %d large, %s", w.n_runs,
              large, gpuopt_status_name(r.status));

    const char *none[] = {"restarts=none", NULL};
    r = run_watched(ctx, "rastrigin", 5, "sep_cmaes", none, &w);
    CHECK(w.n_runs == 1 && r.status > 0);
    /* the acceptance run: BIPOP on rastrigin, dimension 5, default budget */
    const char *accept[] = {"restarts=bipop", NULL};
    r = run_builtin(ctx, "rastrigin", 5, "cmaes", accept);
    CHECK_MSG(r.fun < 1e-8, "bipop on rastrigin 5: %g", r.fun);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------------- determinism */

static void test_threads_and_seeds(void)
{
    const char *cases[][3] = {{"cmaes", "rastrigin", "bounds_handling=penalty"},
                              {"cmaes", "rosenbrock", "restarts=ipop"},
                              {"sep_cmaes", "ellipsoid", "initial_step_size=0.5"}};
    const char *cap[] = {NULL, "stopping.max_iterations=400", NULL};
    for (size_t c = 0; c < 3; ++c) {
        cap[0] = cases[c][2];
        gpuopt_context *one = context(1, 42), *two = context(2, 42), *other = context(2, 43);
        outcome a = run_builtin(one, cases[c][1], 6, cases[c][0], cap);
        outcome b = run_builtin(two, cases[c][1], 6, cases[c][0], cap);
        outcome d = run_builtin(other, cases[c][1], 6, cases[c][0], cap);
        CHECK_MSG(same(&a, &b), "%s %s: 1 and 2 threads differ", cases[c][0], cases[c][1]);
        CHECK_MSG(!same(&a, &d), "%s %s: seeds 42 and 43 give the same run", cases[c][0],
                  cases[c][1]);
        gpuopt_context_destroy(&one);
        gpuopt_context_destroy(&two);
        gpuopt_context_destroy(&other);
    }
    /* n = 130: the eigendecomposition is large enough for OpenBLAS's threads */
    const char *big[] = {"stopping.max_iterations=12", NULL};
    gpuopt_context *one = context(1, 7), *two = context(2, 7);
    outcome a = run_builtin(one, "ellipsoid", 130, "cmaes", big);
    outcome b = run_builtin(two, "ellipsoid", 130, "cmaes", big);
    CHECK_MSG(same(&a, &b), "n = 130: 1 and 2 threads differ");
    gpuopt_context_destroy(&one);
    gpuopt_context_destroy(&two);
}

/* ------------------------------------------------------------- fallbacks */

/* The CPU backend without its optional linear-algebra and CMA-ES ops: every step goes through
 * the host fallbacks (read, the CPU implementation on host copies, write), which must give the
 * CPU backend's bits. */
static gpuopt_backend_ops stripped;

static void test_host_fallbacks(void)
{
    stripped = gpuopt_backend_cpu;
    stripped.dgemm = NULL;
    stripped.dsyevd = NULL;
    stripped.fill_normal = NULL;
    stripped.cmaes_sample = NULL;
    stripped.cmaes_rank_stats = NULL;
    stripped.cmaes_penalty = NULL;
    stripped.cmaes_recombine = NULL;
    stripped.cmaes_paths = NULL;
    stripped.cmaes_diag_update = NULL;
    stripped.cmaes_eigen_finish = NULL;
    stripped.cmaes_measure = NULL;
    const char *cases[][2] = {{"cmaes", "bounds_handling=projection"},
                              {"cmaes", "bounds_handling=penalty"},
                              {"sep_cmaes", "bounds_handling=projection"},
                              {"sep_cmaes", "bounds_handling=penalty"}};
    for (size_t c = 0; c < 4; ++c) {
        const char *options[] = {cases[c][1], "initial_step_size=0.6",
                                 "stopping.max_iterations=150", NULL};
        gpuopt_context *ctx = context(1, 9), *fallback = context(1, 9);
        fallback->backend->ops = &stripped;
        outcome a = run_builtin(ctx, "rastrigin", 7, cases[c][0], options);
        outcome b = run_builtin(fallback, "rastrigin", 7, cases[c][0], options);
        CHECK_MSG(a.status > 0 && same(&a, &b), "%s %s: host fallbacks differ (%s vs %s, %g vs %g)",
                  cases[c][0], cases[c][1], gpuopt_status_name(a.status),
                  gpuopt_status_name(b.status), a.fun, b.fun);
        fallback->backend->ops = &gpuopt_backend_cpu;
        gpuopt_context_destroy(&ctx);
        gpuopt_context_destroy(&fallback);
    }
}

/* ------------------------------------------------------------------ resume */

static gpuopt_image *run_and_capture(gpuopt_optimizer *o, gpuopt_problem *p, int batches)
{
    const double *X;
    size_t n;
    double *f = malloc(4096 * sizeof *f);
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    for (int b = 0; b < batches; ++b) {
        CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
        gpuopt_problem_evaluate(p, X, n, f);
        CHECK_STATUS(gpuopt_optimizer_tell(o, f, n), GPUOPT_SUCCESS);
    }
    free(f);
    gpuopt_image *img = NULL;
    CHECK_STATUS(gpuopt_image_capture(o, &img), GPUOPT_SUCCESS);
    return img;
}

/* A run captured between batches (before and after restarts) and applied to a fresh optimizer
 * continues exactly as the uninterrupted run. */
static void test_resume(void)
{
    const char *cases[][3] = {{"cmaes", "restarts=ipop", "bounds_handling=projection"},
                              {"cmaes", "restarts=bipop", "bounds_handling=penalty"},
                              {"sep_cmaes", "restarts=bipop", "bounds_handling=penalty"},
                              {"sep_cmaes", "restarts=ipop", "discard_start_params=true"}};
    gpuopt_context *ctx = context(1, 17);
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "rastrigin", 5);
    for (size_t c = 0; c < 4; ++c) {
        const char *options[] = {
            cases[c][1], cases[c][2], "ftol=1e-3", "max_restarts=3", "stopping.max_iterations=700",
            NULL};
        gpuopt_optimizer *whole = optimizer(ctx, cases[c][0], options);
        gpuopt_result *r = NULL;
        gpuopt_status st = gpuopt_minimize(whole, p, &r);
        outcome full = finish_run(whole, st, r);
        gpuopt_optimizer_destroy(&whole);
        int64_t it = full.iterations;
        CHECK_MSG(full.status > 0 && it > 20, "%s: %s after %lld generations", cases[c][0],
                  gpuopt_status_name(full.status), (long long)it);
        int points[4] = {1, (int)(it / 3), (int)(2 * it / 3), (int)(it - 1)};
        for (int k = 0; k < 4 && it > 20; ++k) {
            int batches = points[k];
            gpuopt_optimizer *first = optimizer(ctx, cases[c][0], options);
            gpuopt_image *img = run_and_capture(first, p, batches);
            gpuopt_optimizer_destroy(&first);
            gpuopt_optimizer *second = optimizer(ctx, cases[c][0], NULL);
            CHECK_STATUS(gpuopt_image_apply(second, p, img, 0), GPUOPT_SUCCESS);
            st = gpuopt_optimizer_continue(second, p, &r);
            outcome resumed = finish_run(second, st, r);
            CHECK_MSG(same(&full, &resumed),
                      "%s %s %s: resumed after %d batches differs (%g vs %g)", cases[c][0],
                      cases[c][1], cases[c][2], batches, resumed.fun, full.fun);
            gpuopt_optimizer_destroy(&second);
            gpuopt_image_free(&img);
        }
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    test_normals();
    test_names_and_options();
    test_ellipsoid_default();
    test_pygmo_preset_run();
    test_bad_input();
    test_sep_large();
    test_bounds();
    test_restarts();
    test_threads_and_seeds();
    test_host_fallbacks();
    test_resume();
    return check_finish();
}
