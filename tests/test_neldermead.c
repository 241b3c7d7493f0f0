/* Nelder-Mead (neldermead, alias scipy_neldermead) through the public API: convergence on
 * the built-in problems, the adaptive variant, bounds, ask/tell by hand, budgets, and a
 * comparison with scipy's own numbers (tests/reference/scipy_neldermead.py). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gpuopt.h"
#include "tests/check.h"

/* ---------------------------------------------------------------- helpers */

static gpuopt_context *ctx;

static gpuopt_optimizer *make_optimizer(const char *name, const char *const *settings)
{
    gpuopt_optimizer *opt = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&opt, ctx, name), GPUOPT_SUCCESS);
    for (const char *const *s = settings; opt && s && *s; ++s)
        CHECK_MSG(gpuopt_optimizer_set_option(opt, *s) == GPUOPT_SUCCESS, "%s: %s", *s,
                  gpuopt_optimizer_errmsg(opt));
    return opt;
}

/* Minimizes a built-in problem (with its default bounds, or none when unbounded is set);
 * returns the result (NULL on failure). */
static gpuopt_result *run_builtin_bounds(const char *problem, size_t dim, int unbounded,
                                         const char *const *settings, gpuopt_status *reason)
{
    gpuopt_problem *p = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, problem, dim), GPUOPT_SUCCESS);
    if (p && unbounded)
        CHECK_STATUS(gpuopt_problem_set_bounds(p, NULL, NULL), GPUOPT_SUCCESS);
    gpuopt_optimizer *opt = make_optimizer("neldermead", settings);
    *reason = (p && opt) ? gpuopt_minimize(opt, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(*reason > 0, "%s: %s", problem, opt ? gpuopt_optimizer_errmsg(opt) : "");
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
    return r;
}

static gpuopt_result *run_builtin(const char *problem, size_t dim, const char *const *settings,
                                  gpuopt_status *reason)
{
    return run_builtin_bounds(problem, dim, 0, settings, reason);
}

/* Rosenbrock with its terms summed left to right, exactly as scipy.optimize.rosen does. */
static double rosen_sequential(const double *x, size_t dim)
{
    double total = 0.0;
    for (size_t i = 0; i + 1 < dim; ++i) {
        double t = x[i + 1] - x[i] * x[i], u = 1.0 - x[i];
        total += 100.0 * (t * t) + u * u;
    }
    return total;
}

static int rosen_point(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    *out = rosen_sequential(x, dim);
    return 0;
}

static gpuopt_problem *rosen_problem(size_t dim, const double *x0)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, dim), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, rosen_point,
                                                    NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    return p;
}

/* A sphere that records whether every point it was given lies within the bounds. */
typedef struct watched_sphere {
    const double *lower, *upper;
    size_t n_calls, n_outside;
} watched_sphere;

static int watched_sphere_point(const double *x, size_t dim, double *out, void *user)
{
    watched_sphere *w = user;
    double sum = 0.0;
    for (size_t i = 0; i < dim; ++i) {
        if (x[i] < w->lower[i] || x[i] > w->upper[i])
            ++w->n_outside;
        sum += x[i] * x[i];
    }
    ++w->n_calls;
    *out = sum;
    return 0;
}

/* ----------------------------------------------------------------- tests */

/* The done-criterion: rosenbrock dim 4 with tight tolerances reaches fun < 1e-8. */
static void test_rosenbrock_dim4(void)
{
    const char *settings[] = {"convergence.absolute_params_tolerance=1e-12",
                              "convergence.absolute_criterion_tolerance=1e-14",
                              "stopping.max_criterion_evaluations=20000", NULL};
    gpuopt_status reason;
    gpuopt_result *r = run_builtin("rosenbrock", 4, settings, &reason);
    if (!r)
        return;
    CHECK_STATUS(reason, GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE);
    CHECK_MSG(gpuopt_result_fun(r) < 1e-8, "fun = %g", gpuopt_result_fun(r));
    CHECK(gpuopt_result_converged(r));
    CHECK(gpuopt_result_n_evaluations(r) <= 20000);
    for (size_t i = 0; i < 4; ++i)
        CHECK_MSG(fabs(gpuopt_result_x(r)[i] - 1.0) < 1e-4, "x[%zu] = %.17g", i,
                  gpuopt_result_x(r)[i]);
    CHECK(strcmp(gpuopt_result_algorithm(r), "neldermead") == 0);
    gpuopt_result_destroy(&r);
}

static void test_descriptor_and_alias(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_neldermead", &info), GPUOPT_SUCCESS);
    CHECK(strcmp(info.name, "neldermead") == 0);
    CHECK(info.properties & GPUOPT_PROP_LOCAL);
    CHECK(info.properties & GPUOPT_PROP_DERIVATIVE_FREE);
    CHECK(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS);
    CHECK(!(info.properties & GPUOPT_PROP_NEEDS_BOUNDS));
    CHECK(info.criterion_kinds & GPUOPT_CRITERION_LEAST_SQUARES);
    CHECK(info.backends & GPUOPT_BACKEND_CPU);

    gpuopt_optimizer *opt = make_optimizer("scipy_neldermead", NULL);
    if (!opt)
        return;
    CHECK(strcmp(gpuopt_optimizer_algorithm(opt), "neldermead") == 0);
    char text[64];
    CHECK_STATUS(gpuopt_optimizer_get_option(opt, "stopping.max_iterations", text, sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(strcmp(text, "1000000") == 0);
    CHECK_STATUS(gpuopt_optimizer_get_option(opt, "convergence.absolute_params_tolerance", text,
                                             sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(atof(text) == 1e-8);
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "convergence.absolute_criterion_tolerance=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "stopping.max_iterations=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "adaptive=true"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "initial_simplex=1"), GPUOPT_ERR_UNKNOWN_OPTION);
    gpuopt_optimizer_destroy(&opt);
}

/* Unbounded: in the default box [-5, 5] the ellipsoid's simplex is clipped flat onto x_2 = 5
 * and stalls there, in scipy as here (see the ellipsoid rows of the scipy reference). */
static void test_adaptive_dim10(void)
{
    const char *settings[] = {"adaptive=true", "convergence.absolute_params_tolerance=1e-10",
                              "convergence.absolute_criterion_tolerance=1e-14", NULL};
    const char *problems[] = {"sphere", "ellipsoid"};
    for (size_t k = 0; k < 2; ++k) {
        gpuopt_status reason;
        gpuopt_result *r = run_builtin_bounds(problems[k], 10, 1, settings, &reason);
        if (!r)
            continue;
        CHECK_MSG(reason == GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE, "%s: %s", problems[k],
                  gpuopt_status_name(reason));
        CHECK_MSG(gpuopt_result_fun(r) < 1e-10, "%s: fun = %g after %lld evaluations",
                  problems[k], gpuopt_result_fun(r), (long long)gpuopt_result_n_evaluations(r));
        for (size_t i = 0; i < 10; ++i)
            CHECK_MSG(fabs(gpuopt_result_x(r)[i]) < 1e-4, "%s: x[%zu] = %g", problems[k], i,
                      gpuopt_result_x(r)[i]);
        gpuopt_result_destroy(&r);
    }
}

/* The first batch is scipy's initial simplex: x0 clipped, then 5% steps (0.00025 at zero),
 * a coordinate pushed above its upper bound reflected below it. */
static void test_initial_simplex(void)
{
    const double lower[3] = {-1, -1, -1}, upper[3] = {5, 5, 4.9};
    const double x0[3] = {2, 0, 4.8}, expected_last = 2 * 4.9 - (1 + 0.05) * 4.8;
    watched_sphere w = {lower, upper, 0, 0};
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 3), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1,
                                                    watched_sphere_point, &w, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lower, upper), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    gpuopt_optimizer *opt = make_optimizer("neldermead", NULL);
    const double *X = NULL;
    size_t n = 0;
    if (opt && gpuopt_optimizer_setup(opt, p) == GPUOPT_SUCCESS &&
        gpuopt_optimizer_ask(opt, &X, &n) == GPUOPT_SUCCESS) {
        CHECK(n == 4);
        const double want[4][3] = {{2, 0, 4.8},
                                   {(1 + 0.05) * 2, 0, 4.8},
                                   {2, 0.00025, 4.8},
                                   {2, 0, expected_last}};
        for (size_t i = 0; n == 4 && i < 4; ++i)
            for (size_t d = 0; d < 3; ++d)
                CHECK_MSG(X[i * 3 + d] == want[i][d], "vertex %zu[%zu] = %.17g, want %.17g", i,
                          d, X[i * 3 + d], want[i][d]);
    } else {
        CHECK_MSG(0, "setup/ask failed: %s", opt ? gpuopt_optimizer_errmsg(opt) : "");
    }
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
}

/* A sphere whose minimum lies outside the box converges onto the bound; no point leaves it. */
static void test_bounds(void)
{
    const double lower[3] = {1.0, -5.0, -5.0}, upper[3] = {5.0, -0.5, 5.0};
    const double x0[3] = {3.0, -2.0, 2.0};
    watched_sphere w = {lower, upper, 0, 0};
    gpuopt_problem *p = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 3), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1,
                                                    watched_sphere_point, &w, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lower, upper), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    gpuopt_optimizer *opt = make_optimizer("neldermead", NULL);
    CHECK_STATUS(gpuopt_minimize(opt, p, &r), GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE);
    if (r) {
        const double *x = gpuopt_result_x(r);
        CHECK_MSG(x[0] == 1.0 && x[1] == -0.5, "x = (%.17g, %.17g)", x[0], x[1]);
        CHECK_MSG(fabs(x[2]) < 1e-7, "x[2] = %g", x[2]);
        CHECK(fabs(gpuopt_result_fun(r) - 1.25) < 1e-12);
        CHECK(w.n_calls > 0 && (int64_t)w.n_calls == gpuopt_result_n_evaluations(r));
    }
    CHECK_MSG(w.n_outside == 0, "%zu of %zu points outside the bounds", w.n_outside, w.n_calls);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
}

/* setup/ask/tell with our own evaluation gives exactly what gpuopt_minimize gives. */
static void test_ask_tell_matches_minimize(void)
{
    const double x0[3] = {-1.2, 1.0, 1.0};
    const char *settings[] = {"convergence.absolute_params_tolerance=1e-10", NULL};
    gpuopt_problem *p = rosen_problem(3, x0);
    gpuopt_result *auto_r = NULL, *hand_r = NULL;
    gpuopt_optimizer *opt = make_optimizer("neldermead", settings);
    gpuopt_status auto_reason = gpuopt_minimize(opt, p, &auto_r);
    gpuopt_optimizer_destroy(&opt);

    opt = make_optimizer("neldermead", settings);
    gpuopt_status st = gpuopt_optimizer_setup(opt, p);
    size_t batches = 0, odd_batches = 0;
    double values[4];
    while (st == GPUOPT_SUCCESS) {
        const double *X = NULL;
        size_t n = 0;
        st = gpuopt_optimizer_ask(opt, &X, &n);
        if (st != GPUOPT_SUCCESS)
            break;
        /* n + 1 = 4 points first, then 1 per step, or n = 3 for a shrink */
        odd_batches += batches == 0 ? n != 4 : (n != 1 && n != 3);
        for (size_t i = 0; i < n && n <= 4; ++i)
            values[i] = rosen_sequential(X + 3 * i, 3);
        st = gpuopt_optimizer_tell(opt, values, n);
        ++batches;
    }
    CHECK(odd_batches == 0);
    CHECK_STATUS(st, auto_reason);
    CHECK_STATUS(gpuopt_optimizer_result(opt, &hand_r), GPUOPT_SUCCESS);
    if (auto_r && hand_r) {
        CHECK(gpuopt_result_fun(hand_r) == gpuopt_result_fun(auto_r));
        CHECK(memcmp(gpuopt_result_x(hand_r), gpuopt_result_x(auto_r), 3 * sizeof(double)) == 0);
        CHECK(gpuopt_result_n_evaluations(hand_r) == gpuopt_result_n_evaluations(auto_r));
        CHECK(gpuopt_result_n_iterations(hand_r) == gpuopt_result_n_iterations(auto_r));
        CHECK(gpuopt_result_stop_reason(hand_r) == gpuopt_result_stop_reason(auto_r));
        CHECK(gpuopt_result_fun(auto_r) < 1e-12);
    }
    gpuopt_result_destroy(&auto_r);
    gpuopt_result_destroy(&hand_r);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
}

static void test_budgets(void)
{
    const char *by_evals[] = {"stopping.max_criterion_evaluations=100", NULL};
    const char *by_iters[] = {"stopping.max_iterations=40", NULL};
    gpuopt_status reason;
    gpuopt_result *r = run_builtin("rosenbrock", 5, by_evals, &reason);
    if (r) {
        CHECK_STATUS(reason, GPUOPT_STOP_MAX_EVALUATIONS);
        /* a batch is never cut: at most a shrink (5 points) beyond the budget */
        int64_t n = gpuopt_result_n_evaluations(r);
        CHECK_MSG(n >= 100 && n < 100 + 5, "%lld evaluations", (long long)n);
        CHECK(!gpuopt_result_converged(r));
        gpuopt_result_destroy(&r);
    }
    r = run_builtin("rosenbrock", 5, by_iters, &reason);
    if (r) {
        CHECK_STATUS(reason, GPUOPT_STOP_MAX_ITERATIONS);
        CHECK(gpuopt_result_n_iterations(r) == 40);
        gpuopt_result_destroy(&r);
    }
}

/* One dimension and a least-squares criterion (residuals of Rosenbrock). */
static int rosen_residuals(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    out[0] = 10.0 * (x[1] - x[0] * x[0]);
    out[1] = 1.0 - x[0];
    return 0;
}

static void test_dim1_and_least_squares(void)
{
    gpuopt_status reason;
    gpuopt_result *r = run_builtin("sphere", 1, NULL, &reason);
    if (r) {
        CHECK_STATUS(reason, GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE);
        CHECK_MSG(fabs(gpuopt_result_x(r)[0]) < 1e-7, "x = %g", gpuopt_result_x(r)[0]);
        gpuopt_result_destroy(&r);
    }
    const double x0[2] = {-1.2, 1.0};
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2,
                                                    rosen_residuals, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    gpuopt_optimizer *opt = make_optimizer("neldermead", NULL);
    CHECK_STATUS(gpuopt_minimize(opt, p, &r), GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE);
    if (r) {
        CHECK_MSG(gpuopt_result_fun(r) < 1e-12, "fun = %g", gpuopt_result_fun(r));
        gpuopt_result_destroy(&r);
    }
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
}

/* ------------------------------------------------------- scipy reference */

/* Printed by tests/reference/scipy_neldermead.py (scipy 1.17.1, numpy 2.4.6):
 * name, dim, nit, nfev, fun, x[0..2]. */
typedef struct scipy_case {
    const char *name;
    size_t dim;
    int64_t nit, nfev;
    double fun, x[3];
} scipy_case;

static const scipy_case REFERENCE[] = {
    {"scipy_defaults", 2, 85, 159, 8.177661197416674e-10,
     {1.0000220217835696, 1.0000422197517715, 0.0}},
    {"estimagic_defaults", 2, 117, 219, 1.0990889519195732e-18,
     {0.9999999991878143, 0.9999999984419192, 0.0}},
    {"bounded", 2, 143, 263, 0.01000000000000082, {0.9, 0.8099999971265022, 0.0}},
    {"max_evaluations_50", 2, 26, 50, 1.3169722556967705,
     {-0.1432260704040481, 0.03051691055297004, 0.0}},
    {"max_iterations_30", 2, 30, 57, 0.8834920990568899,
     {0.0958748674392781, -0.01650817394257719, 0.0}},
    {"standard_dim3", 3, 245, 430, 1.56815542485813e-18,
     {0.9999999995820719, 0.9999999992162314, 0.9999999985037289}},
    {"adaptive_dim3", 3, 302, 529, 1.1387760813829519e-17,
     {0.9999999998051998, 0.9999999999459122, 0.9999999999218283}},
    /* vertices tie once clipped onto x_2 = 5: numpy's default (unstable) argsort orders them
     * differently from our stable sort; scipy patched to a stable argsort agrees exactly */
    {"ellipsoid_numpy_argsort", 10, 2212, 4248, 538.6086725079708,
     {8.056857582276632e-08, -2.8405985976825574e-08, 5.0}},
    {"ellipsoid_stable_argsort", 10, 2226, 4256, 538.6086725079708,
     {3.43726903031161e-08, 7.117950336302032e-08, 5.0}},
};

/* The same options as the script's case of that name. */
static void case_settings(const char *name, const char **s)
{
    size_t k = 0;
    if (!strcmp(name, "scipy_defaults")) { /* scipy: xatol = fatol = 1e-4, 200 n both budgets */
        s[k++] = "convergence.absolute_params_tolerance=1e-4";
        s[k++] = "convergence.absolute_criterion_tolerance=1e-4";
        s[k++] = "stopping.max_iterations=400";
        s[k++] = "stopping.max_criterion_evaluations=400";
    }
    if (!strcmp(name, "max_evaluations_50"))
        s[k++] = "stopping.max_criterion_evaluations=50";
    if (!strcmp(name, "max_iterations_30"))
        s[k++] = "stopping.max_iterations=30";
    if (!strcmp(name, "adaptive_dim3") || !strncmp(name, "ellipsoid", 9))
        s[k++] = "adaptive=true";
    if (!strncmp(name, "ellipsoid", 9)) {
        s[k++] = "convergence.absolute_params_tolerance=1e-10";
        s[k++] = "convergence.absolute_criterion_tolerance=1e-14";
    }
    s[k] = NULL;
}

/* The case's problem: our Rosenbrock callback, or the built-in ellipsoid. */
static gpuopt_problem *case_problem(const scipy_case *ref)
{
    const double x0[3] = {-1.2, 1.0, 1.0}, lower[2] = {-2.0, -2.0}, upper[2] = {0.9, 1.02};
    if (!strncmp(ref->name, "ellipsoid", 9)) {
        gpuopt_problem *p = NULL;
        CHECK_STATUS(gpuopt_problem_create_builtin(&p, "ellipsoid", ref->dim), GPUOPT_SUCCESS);
        return p;
    }
    gpuopt_problem *p = rosen_problem(ref->dim, x0);
    if (p && !strcmp(ref->name, "bounded"))
        CHECK_STATUS(gpuopt_problem_set_bounds(p, lower, upper), GPUOPT_SUCCESS);
    return p;
}

static void compare_with_scipy(const scipy_case *ref, const gpuopt_result *r)
{
    int64_t nit = gpuopt_result_n_iterations(r), nfev = gpuopt_result_n_evaluations(r);
    const double *x = gpuopt_result_x(r);
    int same_x = 1;
    for (size_t d = 0; d < ref->dim && d < 3; ++d)
        same_x &= x[d] == ref->x[d];
    printf("scipy reference %-25s nit %4lld (scipy %4lld)  nfev %4lld (scipy %4lld)  "
           "fun %.6g (scipy %.6g)  x %s\n",
           ref->name, (long long)nit, (long long)ref->nit, (long long)nfev, (long long)ref->nfev,
           gpuopt_result_fun(r), ref->fun, same_x ? "bit-identical" : "differs");
    CHECK_MSG(llabs(nit - ref->nit) <= ref->nit / 50, "%s: nit %lld, scipy %lld", ref->name,
              (long long)nit, (long long)ref->nit);
    CHECK_MSG(llabs(nfev - ref->nfev) <= ref->nfev / 50, "%s: nfev %lld, scipy %lld", ref->name,
              (long long)nfev, (long long)ref->nfev);
    CHECK_MSG(fabs(gpuopt_result_fun(r) - ref->fun) <= 1e-6 * (1 + fabs(ref->fun)),
              "%s: fun %.17g, scipy %.17g", ref->name, gpuopt_result_fun(r), ref->fun);
    for (size_t d = 0; d < ref->dim && d < 3; ++d)
        CHECK_MSG(fabs(x[d] - ref->x[d]) <= 1e-6, "%s: x[%zu] = %.17g, scipy %.17g", ref->name,
                  d, x[d], ref->x[d]);
}

/* Tolerances: iterations and evaluations within 2%, fun and x within 1e-6. The arithmetic
 * follows scipy's operation for operation, so with the same sort they agree exactly. */
static void test_scipy_reference(void)
{
    for (size_t c = 0; c < sizeof REFERENCE / sizeof REFERENCE[0]; ++c) {
        const scipy_case *ref = &REFERENCE[c];
        gpuopt_problem *p = case_problem(ref);
        const char *settings[8];
        case_settings(ref->name, settings);
        gpuopt_optimizer *opt = make_optimizer("scipy_neldermead", settings);
        gpuopt_result *r = NULL;
        gpuopt_status reason = (p && opt) ? gpuopt_minimize(opt, p, &r) : GPUOPT_ERR_INTERNAL;
        CHECK_MSG(reason > 0, "%s: %s", ref->name, opt ? gpuopt_optimizer_errmsg(opt) : "");
        if (r)
            compare_with_scipy(ref, r);
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&opt);
        gpuopt_problem_destroy(&p);
    }
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    if (!ctx)
        return check_finish();
    test_rosenbrock_dim4();
    test_descriptor_and_alias();
    test_adaptive_dim10();
    test_initial_simplex();
    test_bounds();
    test_ask_tell_matches_minimize();
    test_budgets();
    test_dim1_and_least_squares();
    test_scipy_reference();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
