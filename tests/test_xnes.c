/* xNES (xnes, alias pygmo_xnes): pagmo's constants, options and errors, convergence on
 * sphere / ellipsoid / rosenbrock / rastrigin, evaluations against pygmo's measured medians,
 * stopping rules, resume from an image, thread-count independence, and OpenCL against CPU. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuopt.h"
#include "kernels/xnes.h"
#include "src/image.h"
#include "tests/check.h"
#include "tests/reference_start.h"

#define MAX_DIM 16
#define TARGET 1e-8

/* Medians of pygmo 2.20's xnes over seeds 1..11 (evaluations to f < 1e-8, counted to the end of
 * the generation), from tests/reference/pygmo_xnes.py; its output is in pygmo_xnes.txt. */
#define PYGMO_MEDIAN_SPHERE_10 33024.0
#define PYGMO_MEDIAN_ELLIPSOID_10 50112.0

typedef struct outcome {
    gpuopt_status st;
    double fun;
    double x[MAX_DIM];
    int64_t n_iterations, n_evaluations;
    char errmsg[512];
    char warnings[512];
} outcome;

static gpuopt_context *make_context(int threads)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    if (ctx)
        CHECK_STATUS(gpuopt_context_set_threads(ctx, threads), GPUOPT_SUCCESS);
    return ctx;
}

/* settings: "key=value" strings, NULL-terminated; extra: one more setting or NULL. */
static gpuopt_optimizer *make_optimizer(gpuopt_context *ctx, const char *const *settings,
                                        const char *extra)
{
    gpuopt_optimizer *opt = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&opt, ctx, "pygmo_xnes"), GPUOPT_SUCCESS);
    for (size_t k = 0; opt && settings && settings[k]; ++k)
        CHECK_MSG(gpuopt_optimizer_set_option(opt, settings[k]) == GPUOPT_SUCCESS, "%s: %s",
                  settings[k], gpuopt_optimizer_errmsg(opt));
    if (opt && extra)
        CHECK_MSG(gpuopt_optimizer_set_option(opt, extra) == GPUOPT_SUCCESS, "%s: %s", extra,
                  gpuopt_optimizer_errmsg(opt));
    return opt;
}

static int stop_at_target(const gpuopt_progress *p, void *user)
{
    (void)user;
    return p->best_f < TARGET;
}

static outcome minimize(gpuopt_optimizer *opt, gpuopt_problem *prob, int until_target)
{
    outcome out;
    memset(&out, 0, sizeof out);
    out.fun = NAN;
    if (until_target)
        gpuopt_optimizer_set_progress(opt, stop_at_target, NULL);
    gpuopt_result *res = NULL;
    out.st = gpuopt_minimize(opt, prob, &res);
    snprintf(out.errmsg, sizeof out.errmsg, "%s", gpuopt_optimizer_errmsg(opt));
    if (res) {
        out.fun = gpuopt_result_fun(res);
        size_t dim = gpuopt_result_dim(res);
        memcpy(out.x, gpuopt_result_x(res), (dim < MAX_DIM ? dim : MAX_DIM) * sizeof(double));
        out.n_iterations = gpuopt_result_n_iterations(res);
        out.n_evaluations = gpuopt_result_n_evaluations(res);
        snprintf(out.warnings, sizeof out.warnings, "%s", gpuopt_result_warnings(res));
        gpuopt_result_destroy(&res);
    }
    return out;
}

/* Minimizes a built-in problem on the CPU backend; until_target stops at f < 1e-8. */
static outcome run_builtin(const char *problem, size_t dim, int threads,
                           const char *const *settings, const char *extra, int until_target)
{
    gpuopt_context *ctx = make_context(threads);
    gpuopt_optimizer *opt = make_optimizer(ctx, settings, extra);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&prob, problem, dim), GPUOPT_SUCCESS);
    use_reference_start(prob);
    outcome out = minimize(opt, prob, until_target);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
    return out;
}

static const char *seed_setting(int seed, char *buf, size_t len)
{
    snprintf(buf, len, "seed=%d", seed);
    return buf;
}

/* --------------------------------------------------------- pagmo's constants */

/* The default learning rate and the utilities equal the values pagmo's xnes prints
 * (verbosity on, dim 10, population 64). */
static void test_pagmo_constants(void)
{
    CHECK(fabs(gpuopt_xnes_default_eta(10) - 0.100609) < 5e-7);
    CHECK(fabs(gpuopt_xnes_default_eta(5) - 0.247368) < 5e-7);
    double u[64], sum = 0.0, total = 0.0;
    for (int r = 0; r < 64; ++r)
        sum += (u[r] = gpuopt_xnes_raw_utility((gpuopt_u64)r, 64));
    for (int r = 0; r < 64; ++r)
        total += (u[r] = u[r] / sum - 1.0 / 64.0);
    CHECK(fabs(u[0] - 0.0996561) < 5e-8 && fabs(u[1] - 0.0768028) < 5e-8);
    CHECK(fabs(u[4] - 0.0465923) < 5e-8);
    CHECK(fabs(total) < 1e-15);
    for (int r = 1; r < 64; ++r)
        CHECK(u[r] <= u[r - 1]);
    CHECK(u[63] == -1.0 / 64.0); /* the worse half gets only the baseline */
    CHECK(gpuopt_xnes_clip(7.0, -1.0, 2.0) == 2.0 && gpuopt_xnes_clip(-3.0, -1.0, 2.0) == -1.0);
    CHECK(gpuopt_xnes_clip(0.5, -1.0, 2.0) == 0.5);
    CHECK(gpuopt_xnes_z(5, 3, 2, 1) == gpuopt_xnes_z(5, 3, 2, 1));
    CHECK(gpuopt_xnes_z(5, 3, 2, 1) != gpuopt_xnes_z(5, 4, 2, 1));
}

/* ------------------------------------------------------------------- options */

static void expect_option(gpuopt_optimizer *opt, const char *key, const char *value)
{
    char buf[64] = "";
    CHECK_STATUS(gpuopt_optimizer_get_option(opt, key, buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK_MSG(strcmp(buf, value) == 0, "%s = %s, expected %s", key, buf, value);
}

static void test_options_and_defaults(void)
{
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL, NULL);
    CHECK(opt && strcmp(gpuopt_optimizer_algorithm(opt), "xnes") == 0);
    expect_option(opt, "population_size", "auto");
    expect_option(opt, "learning_rate_mean_update", "auto");
    expect_option(opt, "learning_rate_step_size_update", "auto");
    expect_option(opt, "learning_rate_cov_matrix_update", "auto");
    expect_option(opt, "initial_search_share", "1");
    expect_option(opt, "stopping.max_iterations", "250");
    expect_option(opt, "convergence.criterion_tolerance", "1e-06");
    expect_option(opt, "convergence.relative_params_tolerance", "1e-06");
    expect_option(opt, "keep_adapted_params", "false");
    expect_option(opt, "force_bounds", "true");
    expect_option(opt, "discard_start_params", "false");
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "learning_rate_cov_matrix_update=0.2"),
                 GPUOPT_SUCCESS);
    expect_option(opt, "learning_rate_cov_matrix_update", "0.2");
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "learning_rate_cov_matrix_update=auto"),
                 GPUOPT_SUCCESS);
    expect_option(opt, "learning_rate_cov_matrix_update", "auto");
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);

    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("pygmo_xnes", &info), GPUOPT_SUCCESS);
    CHECK(strcmp(info.name, "xnes") == 0);
    CHECK(info.properties & GPUOPT_PROP_GLOBAL && info.properties & GPUOPT_PROP_NEEDS_BOUNDS);
    CHECK(info.properties & GPUOPT_PROP_DERIVATIVE_FREE);
    CHECK(info.backends & GPUOPT_BACKEND_CPU);
    CHECK(info.criterion_kinds & GPUOPT_CRITERION_LEAST_SQUARES);
}

/* -------------------------------------------------------------- convergence */

typedef struct solve_case {
    const char *problem;
    size_t dim;
    const char *budget; /* stopping.max_criterion_evaluations */
} solve_case;

/* With a quarter of the box as the initial search width, every seed reaches f < 1e-8 within
 * the stated budget (defaults otherwise: population 64, force_bounds on). */
static void test_solves_within_budget(void)
{
    const solve_case cases[] = {
        {"sphere", 10, "stopping.max_criterion_evaluations=40000"},
        {"ellipsoid", 10, "stopping.max_criterion_evaluations=64000"},
        {"rosenbrock", 5, "stopping.max_criterion_evaluations=20000"},
    };
    for (size_t c = 0; c < GPUOPT_COUNT(cases); ++c) {
        for (int seed = 1; seed <= 5; ++seed) {
            char s[32];
            const char *settings[] = {"initial_search_share=0.25", "stopping.max_iterations=5000",
                                      "convergence.criterion_tolerance=0",
                                      "convergence.relative_params_tolerance=0", cases[c].budget,
                                      NULL};
            outcome out = run_builtin(cases[c].problem, cases[c].dim, 2, settings,
                                      seed_setting(seed, s, sizeof s), 1);
            CHECK_MSG(out.st == GPUOPT_STOP_INTERRUPTED && out.fun < TARGET,
                      "%s n=%zu seed %d: %s, f = %g after %lld evaluations (%s)",
                      cases[c].problem, cases[c].dim, seed, gpuopt_status_name(out.st), out.fun,
                      (long long)out.n_evaluations, out.errmsg);
        }
    }
}

/* The paper's population (4 + floor(3 ln 10) = 10) without clipping: ellipsoid n=10 in about
 * 10 500 evaluations. */
static void test_paper_settings(void)
{
    for (int seed = 1; seed <= 3; ++seed) {
        char s[32];
        const char *settings[] = {"population_size=10", "force_bounds=false",
                                  "stopping.max_criterion_evaluations=14000",
                                  "stopping.max_iterations=5000",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        outcome out = run_builtin("ellipsoid", 10, 1, settings, seed_setting(seed, s, sizeof s),
                                  1);
        CHECK_MSG(out.fun < TARGET, "seed %d: f = %g (%s)", seed, out.fun,
                  gpuopt_status_name(out.st));
    }
}

/* Rastrigin n=2 with the defaults: the global minimum in most seeds. */
static void test_rastrigin_2(void)
{
    int solved = 0;
    for (int seed = 1; seed <= 11; ++seed) {
        char s[32];
        const char *settings[] = {"stopping.max_iterations=300",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        outcome out = run_builtin("rastrigin", 2, 1, settings, seed_setting(seed, s, sizeof s), 1);
        solved += out.fun < TARGET;
    }
    CHECK_MSG(solved >= 8, "rastrigin n=2 solved in %d of 11 seeds", solved);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median evaluations to f < 1e-8 over seeds 1..11 with the defaults (misses count as +inf). */
static double median_evaluations(const char *problem, size_t dim)
{
    double counts[11];
    for (int seed = 1; seed <= 11; ++seed) {
        char s[32];
        const char *settings[] = {"stopping.max_iterations=3000",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        outcome out = run_builtin(problem, dim, 2, settings, seed_setting(seed, s, sizeof s), 1);
        counts[seed - 1] = out.fun < TARGET ? (double)out.n_evaluations : INFINITY;
    }
    qsort(counts, 11, sizeof counts[0], compare_doubles);
    return counts[5];
}

/* Same settings as pygmo (population 64, sigma0 1, force_bounds): medians within 1.5x. */
static void test_matches_pygmo(void)
{
    double sphere = median_evaluations("sphere", 10);
    double ellipsoid = median_evaluations("ellipsoid", 10);
    printf("median evaluations to 1e-8: sphere n=10 %.0f (pygmo %.0f), ellipsoid n=10 %.0f "
           "(pygmo %.0f)\n",
           sphere, PYGMO_MEDIAN_SPHERE_10, ellipsoid, PYGMO_MEDIAN_ELLIPSOID_10);
    CHECK(sphere <= 1.5 * PYGMO_MEDIAN_SPHERE_10 && sphere >= PYGMO_MEDIAN_SPHERE_10 / 1.5);
    CHECK(ellipsoid <= 1.5 * PYGMO_MEDIAN_ELLIPSOID_10 &&
          ellipsoid >= PYGMO_MEDIAN_ELLIPSOID_10 / 1.5);
}

/* ------------------------------------------------------------------ stopping */

static void test_stopping_rules(void)
{
    /* pagmo's ftol (1e-6 by default): the spread of a generation's values */
    const char *ftol[] = {"seed=2", "stopping.max_iterations=3000", NULL};
    outcome a = run_builtin("sphere", 10, 1, ftol, NULL, 0);
    CHECK_MSG(a.st == GPUOPT_STOP_CRITERION_TOLERANCE, "%s", gpuopt_status_name(a.st));
    CHECK(gpuopt_status_converged(a.st) && a.fun < 1e-5);
    CHECK(a.n_evaluations == 64 * (1 + a.n_iterations));
    /* pagmo's xtol: ||A z_0||, an absolute length */
    const char *xtol[] = {"seed=2", "stopping.max_iterations=3000",
                          "convergence.criterion_tolerance=0",
                          "convergence.relative_params_tolerance=1e-3", NULL};
    outcome b = run_builtin("sphere", 10, 1, xtol, NULL, 0);
    CHECK_MSG(b.st == GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE, "%s", gpuopt_status_name(b.st));
    CHECK(b.n_iterations < a.n_iterations);
    /* the budget: generations after the initial population */
    const char *budget[] = {"seed=2", "stopping.max_iterations=7", "population_size=12", NULL};
    outcome c = run_builtin("sphere", 4, 1, budget, NULL, 0);
    CHECK(c.st == GPUOPT_STOP_MAX_ITERATIONS && c.n_iterations == 7 && c.n_evaluations == 96);
}

/* ---------------------------------------------------------- start, reports */

static void first_batch(const char *discard, double *row0, size_t *n)
{
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL, discard);
    gpuopt_problem *prob = NULL;
    gpuopt_problem_create_builtin(&prob, "rosenbrock", 3);
    use_reference_start(prob);
    const double *X = NULL;
    CHECK_STATUS(gpuopt_optimizer_setup(opt, prob), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_ask(opt, &X, n), GPUOPT_SUCCESS);
    if (X)
        memcpy(row0, X, 3 * sizeof *row0);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

static void test_start_point(void)
{
    double kept[3] = {0}, discarded[3] = {0};
    size_t n = 0;
    first_batch("discard_start_params=false", kept, &n);
    CHECK(n == 64 && kept[0] == -1.2 && kept[1] == 1.0 && kept[2] == -1.2);
    first_batch("discard_start_params=true", discarded, &n);
    CHECK(n == 64 && discarded[0] != -1.2);
}

typedef struct report_log {
    int n;
    double sigma_first, sigma_last, a_scale_last;
    int keys_ok;
} report_log;

static gpuopt_status record_report(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    (void)opt;
    report_log *log = user;
    log->keys_ok = o->n_report == 5 && !strcmp(o->report_keys[0], "sigma") &&
                   !strcmp(o->report_keys[1], "a_scale");
    if (log->n++ == 0)
        log->sigma_first = o->report[0];
    log->sigma_last = o->report[0];
    log->a_scale_last = o->report[1];
    return GPUOPT_SUCCESS;
}

/* sigma and a_scale = det(A)^(1/dim) follow one another: on sphere (every width 10.24, share
 * 1) a_scale = 10.24 sigma (the report of an iteration describes the distribution its samples
 * came from). */
static void test_reports(void)
{
    gpuopt_context *ctx = make_context(1);
    const char *settings[] = {"seed=4", "stopping.max_iterations=300", NULL};
    gpuopt_optimizer *opt = make_optimizer(ctx, settings, NULL);
    gpuopt_problem *prob = NULL;
    gpuopt_problem_create_builtin(&prob, "sphere", 10);
    report_log rec = {0};
    CHECK_STATUS(gpuopt_optimizer_add_observer(opt, GPUOPT_EVENT_ITERATION | GPUOPT_EVENT_STOP,
                                               record_report, &rec),
                 GPUOPT_SUCCESS);
    outcome out = minimize(opt, prob, 0);
    CHECK_MSG(out.st > 0 && rec.n >= out.n_iterations - 1 && rec.keys_ok, "%s %d %d",
              gpuopt_status_name(out.st), rec.n, rec.keys_ok);
    CHECK(rec.sigma_first == 1.0 && rec.sigma_last < 1e-2);
    double expected = 10.24 * rec.sigma_last;
    CHECK_MSG(fabs(rec.a_scale_last - expected) < 1e-12 * expected, "%g vs %g", rec.a_scale_last,
              expected);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------- reproducibility */

static void test_threads_identical(void)
{
    const char *settings[] = {"seed=9", "stopping.max_iterations=200", "population_size=20",
                              NULL};
    outcome one = run_builtin("rosenbrock", 5, 1, settings, NULL, 0);
    outcome two = run_builtin("rosenbrock", 5, 2, settings, NULL, 0);
    CHECK(one.st == two.st && one.fun == two.fun && one.n_evaluations == two.n_evaluations);
    CHECK(memcmp(one.x, two.x, sizeof one.x) == 0);
}

static gpuopt_optimizer *resume_optimizer(gpuopt_context *ctx)
{
    const char *settings[] = {"stopping.max_iterations=60", "population_size=16",
                              "learning_rate_cov_matrix_update=0.3", NULL};
    return make_optimizer(ctx, settings, NULL);
}

/* Runs `batches` batches by ask/tell and captures the run. */
static gpuopt_image *capture_after(gpuopt_optimizer *o, gpuopt_problem *p, int batches)
{
    const double *X;
    size_t n;
    double f[64];
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    for (int b = 0; b < batches; ++b) {
        CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
        gpuopt_problem_evaluate(p, X, n, f);
        CHECK_STATUS(gpuopt_optimizer_tell(o, f, n), GPUOPT_SUCCESS);
    }
    gpuopt_image *img = NULL;
    CHECK_STATUS(gpuopt_image_capture(o, &img), GPUOPT_SUCCESS);
    return img;
}

/* Captured after k batches and applied to a fresh optimizer, the run continues bit for bit. */
static void test_resume_bitwise(void)
{
    gpuopt_context *ctx = make_context(2);
    gpuopt_context_set_seed(ctx, 21);
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "ellipsoid", 6);
    gpuopt_optimizer *whole = resume_optimizer(ctx);
    gpuopt_result *full = NULL, *resumed = NULL;
    gpuopt_status st_full = gpuopt_minimize(whole, p, &full);
    CHECK(st_full == GPUOPT_STOP_MAX_ITERATIONS);
    const int points[] = {1, 2, 17, 45};
    for (size_t k = 0; k < GPUOPT_COUNT(points); ++k) {
        gpuopt_optimizer *first = resume_optimizer(ctx);
        gpuopt_image *img = capture_after(first, p, points[k]);
        gpuopt_optimizer_destroy(&first);
        gpuopt_optimizer *second = NULL;
        gpuopt_optimizer_create(&second, ctx, "xnes");
        CHECK_STATUS(gpuopt_image_apply(second, p, img, 0), GPUOPT_SUCCESS);
        gpuopt_status st = gpuopt_optimizer_continue(second, p, &resumed);
        CHECK(st == st_full && resumed && full);
        if (resumed && full)
            CHECK_MSG(gpuopt_result_fun(resumed) == gpuopt_result_fun(full) &&
                          !memcmp(gpuopt_result_x(resumed), gpuopt_result_x(full),
                                  6 * sizeof(double)) &&
                          gpuopt_result_n_evaluations(resumed) ==
                              gpuopt_result_n_evaluations(full),
                      "resumed after %d batches differs", points[k]);
        gpuopt_result_destroy(&resumed);
        gpuopt_optimizer_destroy(&second);
        gpuopt_image_free(&img);
    }
    gpuopt_result_destroy(&full);
    gpuopt_optimizer_destroy(&whole);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* On an OpenCL device (when the build and the machine have one), xnes reaches the same target
 * in about the same number of evaluations as on the CPU. */
static void test_opencl_agrees(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "opencl") != GPUOPT_SUCCESS) {
        printf("opencl: no device in this build or machine, comparison not run\n");
        gpuopt_context_destroy(&ctx);
        return;
    }
    gpuopt_problem *prob = NULL;
    gpuopt_problem_create_builtin(&prob, "sphere", 10);
    for (int seed = 1; seed <= 3; ++seed) {
        char s[32];
        const char *settings[] = {"initial_search_share=0.25", "stopping.max_iterations=2000",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        gpuopt_optimizer *opt = make_optimizer(ctx, settings, seed_setting(seed, s, sizeof s));
        outcome gpu = minimize(opt, prob, 1);
        outcome cpu = run_builtin("sphere", 10, 2, settings, s, 1);
        double ratio = (double)gpu.n_evaluations / (double)cpu.n_evaluations;
        CHECK_MSG(gpu.fun < TARGET && cpu.fun < TARGET && ratio > 0.85 && ratio < 1.15,
                  "seed %d: opencl f = %g after %lld, cpu f = %g after %lld (%s)", seed, gpu.fun,
                  (long long)gpu.n_evaluations, cpu.fun, (long long)cpu.n_evaluations,
                  gpu.errmsg);
        gpuopt_optimizer_destroy(&opt);
    }
    gpuopt_problem_destroy(&prob);
    gpuopt_context_destroy(&ctx);
}

/* ----------------------------------------------------------------- bad input */

static void test_bad_options(void)
{
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL, NULL);
    const char *rates[] = {"learning_rate_mean_update", "learning_rate_step_size_update",
                           "learning_rate_cov_matrix_update", "initial_search_share"};
    for (size_t k = 0; k < GPUOPT_COUNT(rates); ++k) {
        CHECK_STATUS(gpuopt_optimizer_set_double(opt, rates[k], 1.5), GPUOPT_ERR_OPTION_RANGE);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(opt), rates[k]);
        CHECK_STATUS(gpuopt_optimizer_set_double(opt, rates[k], 0.0), GPUOPT_ERR_OPTION_RANGE);
        CHECK_STATUS(gpuopt_optimizer_set_double(opt, rates[k], -0.5), GPUOPT_ERR_OPTION_RANGE);
        CHECK_STATUS(gpuopt_optimizer_set_double(opt, rates[k], 1.0), GPUOPT_SUCCESS);
    }
    /* pagmo's minimum population is 4 */
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "population_size=3"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(opt), "population_size");
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "population_size=4"), GPUOPT_SUCCESS);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

static int sum_of_squares(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    *out = 0.0;
    for (size_t j = 0; j < dim; ++j)
        *out += x[j] * x[j];
    return 0;
}

static void test_bad_problems(void)
{
    /* unbounded */
    gpuopt_context *ctx = make_context(1);
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 3);
    gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, sum_of_squares, NULL, 0);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL, NULL);
    outcome out = minimize(opt, p, 0);
    CHECK_STATUS(out.st, GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(out.errmsg, "finite bounds");
    /* an infinite start point is refused when it is set */
    const double bad[3] = {0.0, INFINITY, 1.0};
    CHECK_STATUS(gpuopt_problem_set_start(p, bad), GPUOPT_ERR_BAD_START);
    /* a coordinate without width: a warning, and the width clamped to 1e-6 */
    const double lo[3] = {-2.0, 0.5, -2.0}, hi[3] = {2.0, 0.5, 2.0}, x0[3] = {1.0, 0.5, -1.0};
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    gpuopt_optimizer_destroy(&opt);
    const char *settings[] = {"seed=3", "stopping.max_iterations=400", NULL};
    opt = make_optimizer(ctx, settings, NULL);
    out = minimize(opt, p, 0);
    CHECK_MSG(out.st > 0, "%s (%s)", gpuopt_status_name(out.st), out.errmsg);
    CHECK_CONTAINS(out.warnings, "clamped to 1e-6");
    CHECK(out.x[1] == 0.5 && fabs(out.fun - 0.25) < 1e-5);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
    /* too large for full matrices */
    gpuopt_problem_create_builtin(&p, "sphere", 10001);
    opt = make_optimizer(ctx, NULL, NULL);
    out = minimize(opt, p, 0);
    CHECK_STATUS(out.st, GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(out.errmsg, "sep_cmaes");
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    test_pagmo_constants();
    test_options_and_defaults();
    test_solves_within_budget();
    test_paper_settings();
    test_rastrigin_2();
    test_matches_pygmo();
    test_stopping_rules();
    test_start_point();
    test_reports();
    test_threads_identical();
    test_resume_bitwise();
    test_opencl_agrees();
    test_bad_options();
    test_bad_problems();
    return check_finish();
}
