/* ls_lm, ls_trf and ls_dogbox through the public API: residual problems given as user callbacks
 * against scipy.optimize.least_squares (tests/reference/least_squares_scipy.py, its output in
 * least_squares_scipy.txt): final cost, x and evaluations; the speculative Jacobian and
 * geodesic acceleration; a bounded problem with an active bound; fewer residuals than
 * parameters; and the errors (m < n for ls_lm, bounds for ls_lm, bad options, tr_solver=lsmr). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"

static gpuopt_context *ctx;

/* ------------------------------------------------------------- the problems */

static const double BARD_Y[15] = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39,
                                  0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39};

static int rosenbrock(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    r[0] = 10 * (x[1] - x[0] * x[0]);
    r[1] = 1 - x[0];
    return 0;
}

static int powell_singular(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    r[0] = x[0] + 10 * x[1];
    r[1] = sqrt(5.0) * (x[2] - x[3]);
    r[2] = (x[1] - 2 * x[2]) * (x[1] - 2 * x[2]);
    r[3] = sqrt(10.0) * (x[0] - x[3]) * (x[0] - x[3]);
    return 0;
}

static int bard(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    for (int i = 0; i < 15; ++i) {
        double u = i + 1, v = 15 - i, w = u < v ? u : v;
        r[i] = BARD_Y[i] - (x[0] + u / (x[1] * v + x[2] * w));
    }
    return 0;
}

static int box3d(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    for (int i = 0; i < 10; ++i) {
        double t = 0.1 * (i + 1);
        r[i] = exp(-t * x[0]) - exp(-t * x[1]) - x[2] * (exp(-t) - exp(-10 * t));
    }
    return 0;
}

static int expfit(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    for (int i = 0; i < 21; ++i) {
        double t = 0.2 * i, y = 2.5 * exp(-1.3 * t) + 0.5 + 0.01 * sin(7 * t);
        r[i] = x[0] * exp(-x[1] * t) + x[2] - y;
    }
    return 0;
}

/* m = 1 < n = 2: a circle; every point on it is a minimum. */
static int circle(const double *x, size_t dim, double *r, void *user)
{
    (void)dim, (void)user;
    r[0] = x[0] * x[0] + x[1] * x[1] - 1;
    return 0;
}

typedef struct problem_spec {
    const char *name;
    gpuopt_point_fn fn;
    size_t dim, m;
    double x0[4], lower[4], upper[4]; /* lower = upper = 0: unbounded */
} problem_spec;

static const problem_spec PROBLEMS[] = {
    {"rosenbrock", rosenbrock, 2, 2, {-1.2, 1}, {0}, {0}},
    {"powell_singular", powell_singular, 4, 4, {3, -1, 0, 1}, {0}, {0}},
    {"bard", bard, 3, 15, {1, 1, 1}, {0}, {0}},
    {"box3d", box3d, 3, 10, {0, 10, 20}, {0}, {0}},
    {"expfit", expfit, 3, 21, {1, 1, 0}, {0}, {0}},
    {"rosenbrock_bounded", rosenbrock, 2, 2, {-1.2, 1}, {-2, -2}, {0.8, 2}},
    {"expfit_bounded", expfit, 3, 21, {1, 1, 0}, {0, 0, -1}, {10, 10, 0.3}},
};

/* tests/reference/least_squares_scipy.txt (scipy 1.17.1): cost, x, nfev, njev, all calls,
 * status */
typedef struct reference {
    const char *problem, *algorithm;
    double cost, x[4];
    int nfev, njev, calls, status;
} reference;

static const reference REFS[] = {
    {"rosenbrock", "ls_lm", 0, {1, 1}, 21, 16, 53, 1},
    {"rosenbrock", "ls_trf", 0, {1, 1}, 25, 18, 61, 1},
    {"rosenbrock", "ls_dogbox", 0, {1, 1}, 19, 15, 49, 1},
    {"powell_singular", "ls_lm", 4.8654509854222083e-35, {2.4003492324976127e-09, -2.4003492324976122e-10, 6.619507668310083e-10, 6.6195076683100841e-10}, 67, 67, 335, 3},
    {"powell_singular", "ls_trf", 2.8601779528855035e-13, {0.00058130325181405618, -5.8130325181405655e-05, 9.3011710435081634e-05, 9.3011710435081363e-05}, 13, 13, 65, 1},
    {"powell_singular", "ls_dogbox", 2.8601779375240396e-13, {0.00058130325118580287, -5.8130325118580306e-05, 9.3011710466558016e-05, 9.3011710466557826e-05}, 13, 13, 65, 1},
    {"bard", "ls_lm", 0.004107438653289496, {0.082410561027372237, 1.1330361333175687, 2.34369513914945}, 7, 7, 28, 2},
    {"bard", "ls_trf", 0.0041074386532905143, {0.082410575859319116, 1.1330366294873453, 2.3436946620040326}, 6, 6, 24, 1},
    {"bard", "ls_dogbox", 0.0041074386532904102, {0.082410574973433667, 1.1330366001749959, 2.3436946901422164}, 6, 6, 24, 1},
    {"box3d", "ls_lm", 1.6948183510607676e-32, {1.0000000000000002, 9.9999999999999982, 0.99999999999999989}, 7, 7, 28, 3},
    {"box3d", "ls_trf", 5.6756189478014861e-20, {0.99999999926550143, 10.000000001907454, 1.0000000002594902}, 6, 6, 24, 1},
    {"box3d", "ls_dogbox", 5.6718585865708477e-20, {0.99999999926514116, 10.000000001912984, 1.000000000259865}, 6, 6, 24, 1},
    {"expfit", "ls_lm", 0.00048906623269638508, {2.5027121426173506, 1.3036088892647344, 0.50128079631841027}, 6, 6, 24, 2},
    {"expfit", "ls_trf", 0.0004890662326963828, {2.5027121427888614, 1.3036088907195864, 0.50128079677483406}, 5, 5, 20, 1},
    {"expfit", "ls_dogbox", 0.00048906623269638638, {2.502712142814048, 1.3036088900979756, 0.501280796559333}, 6, 6, 24, 1},
    {"rosenbrock_bounded", "ls_trf", 0.020000000000001301, {0.79999999999999349, 0.63999999996755919}, 21, 20, 61, 1},
    {"rosenbrock_bounded", "ls_dogbox", 0.01999999999999999, {0.80000000000000004, 0.64000000000000012}, 16, 13, 42, 1},
    {"expfit_bounded", "ls_trf", 0.099017335736519746, {2.5704410286953623, 0.97581322643800583, 0.29999999999999993}, 11, 11, 44, 2},
    {"expfit_bounded", "ls_dogbox", 0.099017335736777415, {2.570440963941103, 0.97581316592383405, 0.29999999999999999}, 12, 12, 48, 2},
};

/* ---------------------------------------------------------------- helpers */

static const problem_spec *find_problem(const char *name)
{
    for (size_t i = 0; i < sizeof PROBLEMS / sizeof PROBLEMS[0]; ++i)
        if (!strcmp(PROBLEMS[i].name, name))
            return &PROBLEMS[i];
    return NULL;
}

static gpuopt_problem *make_problem(const problem_spec *ps)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, ps->dim), GPUOPT_SUCCESS);
    if (!p)
        return NULL;
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, ps->m,
                                                    ps->fn, NULL, GPUOPT_CALLBACK_THREAD_SAFE),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, ps->x0), GPUOPT_SUCCESS);
    if (ps->lower[0] != 0 || ps->upper[0] != 0)
        CHECK_STATUS(gpuopt_problem_set_bounds(p, ps->lower, ps->upper), GPUOPT_SUCCESS);
    return p;
}

static gpuopt_optimizer *make_optimizer(const char *algorithm, const char *const *settings)
{
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    for (const char *const *s = settings; o && s && *s; ++s)
        CHECK_MSG(gpuopt_optimizer_set_option(o, *s) == GPUOPT_SUCCESS, "%s: %s", *s,
                  gpuopt_optimizer_errmsg(o));
    return o;
}

static gpuopt_result *solve(const char *algorithm, const problem_spec *ps,
                            const char *const *settings)
{
    gpuopt_problem *p = make_problem(ps);
    gpuopt_optimizer *o = make_optimizer(algorithm, settings);
    gpuopt_result *r = NULL;
    gpuopt_status st = p && o ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(st > 0, "%s on %s: %s: %s", algorithm, ps->name, gpuopt_status_name(st),
              o ? gpuopt_optimizer_errmsg(o) : "");
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return r;
}

/* ------------------------------------------------------------------ tests */

/* Every algorithm and problem of the reference table: the same minimum as scipy (cost within
 * 1e-6 relative plus 1e-12 absolute, x within 1e-4 of the scale), converged, and a number of
 * evaluations near scipy's (its calls less the Jacobian it evaluates after the end, within
 * 30% plus two Jacobians: finite-difference steps differ, see the docs). */
static void test_against_scipy(void)
{
    for (size_t i = 0; i < sizeof REFS / sizeof REFS[0]; ++i) {
        const reference *ref = &REFS[i];
        const problem_spec *ps = find_problem(ref->problem);
        gpuopt_result *r = ps ? solve(ref->algorithm, ps, NULL) : NULL;
        if (!r)
            continue;
        double cost = 0.5 * gpuopt_result_fun(r);
        const double *x = gpuopt_result_x(r);
        int64_t evals = gpuopt_result_n_evaluations(r);
        int64_t expected = ref->calls - (int64_t)ps->dim;
        printf("%-20s %-10s cost %.6e (scipy %.6e)  evaluations %lld (scipy %lld)  %s\n",
               ref->problem, ref->algorithm, cost, ref->cost, (long long)evals,
               (long long)expected, gpuopt_status_name(gpuopt_result_stop_reason(r)));
        CHECK_MSG(fabs(cost - ref->cost) <= 1e-6 * ref->cost + 1e-12, "%s %s: cost %.17g vs %.17g",
                  ref->algorithm, ref->problem, cost, ref->cost);
        for (size_t j = 0; j < ps->dim; ++j)
            CHECK_MSG(fabs(x[j] - ref->x[j]) <= 1e-4 * fmax(1, fabs(ref->x[j])),
                      "%s %s: x[%zu] %.17g vs %.17g", ref->algorithm, ref->problem, j, x[j],
                      ref->x[j]);
        CHECK(gpuopt_result_converged(r));
        /* Powell singular's Jacobian is singular at the minimum: convergence is linear and where
           a test stops it depends on rounding in the finite differences */
        if (strcmp(ref->problem, "powell_singular") != 0)
            CHECK_MSG(llabs(evals - expected) <= (int64_t)(0.3 * (double)expected) +
                                                 2 * (int64_t)(ps->dim + 1),
                  "%s %s: %lld evaluations, scipy %lld", ref->algorithm, ref->problem,
                  (long long)evals, (long long)expected);
        for (size_t j = 0; j < ps->dim; ++j)
            if (ps->lower[0] != 0 || ps->upper[0] != 0)
                CHECK(x[j] >= ps->lower[j] && x[j] <= ps->upper[j]);
        gpuopt_result_destroy(&r);
    }
}

/* speculative_jacobian=true: the same iterates (the same residuals are evaluated, only batched
 * differently), so the same x; more evaluations where steps are rejected. */
static void test_speculative(void)
{
    static const char *const algorithms[] = {"ls_lm", "ls_trf", "ls_dogbox"};
    static const char *const spec[] = {"speculative_jacobian=true", NULL};
    const problem_spec *ps = find_problem("bard");
    for (size_t a = 0; a < 3; ++a) {
        gpuopt_result *plain = solve(algorithms[a], ps, NULL);
        gpuopt_result *fast = solve(algorithms[a], ps, spec);
        if (plain && fast) {
            CHECK_MSG(!memcmp(gpuopt_result_x(plain), gpuopt_result_x(fast), 3 * sizeof(double)),
                      "%s: speculative Jacobians changed the result", algorithms[a]);
            CHECK(gpuopt_result_n_evaluations(fast) >= gpuopt_result_n_evaluations(plain));
        }
        gpuopt_result_destroy(&plain);
        gpuopt_result_destroy(&fast);
    }
}

/* Geodesic acceleration: the same minima of the unbounded problems. */
static void test_geodesic_acceleration(void)
{
    static const char *const accel[] = {"geodesic_acceleration=true", NULL};
    for (size_t i = 0; i < sizeof REFS / sizeof REFS[0]; ++i) {
        if (strcmp(REFS[i].algorithm, "ls_lm") != 0)
            continue;
        const problem_spec *ps = find_problem(REFS[i].problem);
        gpuopt_result *r = solve("ls_lm", ps, accel);
        if (!r)
            continue;
        double cost = 0.5 * gpuopt_result_fun(r);
        printf("%-20s ls_lm+accel cost %.6e  evaluations %lld  %s\n", ps->name, cost,
               (long long)gpuopt_result_n_evaluations(r),
               gpuopt_status_name(gpuopt_result_stop_reason(r)));
        CHECK_MSG(fabs(cost - REFS[i].cost) <= 1e-6 * REFS[i].cost + 1e-10,
                  "accelerated ls_lm on %s: cost %.17g vs %.17g", ps->name, cost, REFS[i].cost);
        CHECK(gpuopt_result_converged(r));
        gpuopt_result_destroy(&r);
    }
}

/* Fewer residuals than parameters: trf and dogbox reach the circle. */
static void test_underdetermined(void)
{
    problem_spec ps = {"circle", circle, 2, 1, {2, 1}, {0}, {0}};
    static const char *const algorithms[] = {"ls_trf", "ls_dogbox"};
    for (size_t a = 0; a < 2; ++a) {
        gpuopt_result *r = solve(algorithms[a], &ps, NULL);
        if (!r)
            continue;
        CHECK_MSG(gpuopt_result_fun(r) < 1e-12, "%s: %g", algorithms[a], gpuopt_result_fun(r));
        gpuopt_result_destroy(&r);
    }
}

static void expect_failure(const char *algorithm, const problem_spec *ps,
                           const char *const *settings, gpuopt_status expected,
                           const char *const *needles)
{
    gpuopt_problem *p = make_problem(ps);
    gpuopt_optimizer *o = make_optimizer(algorithm, settings);
    gpuopt_result *r = NULL;
    if (p && o) {
        CHECK_STATUS(gpuopt_minimize(o, p, &r), expected);
        for (const char *const *s = needles; *s; ++s)
            CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), *s);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

static void test_errors(void)
{
    problem_spec under = {"circle", circle, 2, 1, {2, 1}, {0}, {0}};
    static const char *const m_lt_n[] = {"1 residuals and 2 parameters", "ls_trf", "ls_dogbox",
                                         "pounders", "dfols", NULL};
    expect_failure("ls_lm", &under, NULL, GPUOPT_ERR_UNSUPPORTED, m_lt_n);
    expect_failure("scipy_ls_lm", &under, NULL, GPUOPT_ERR_UNSUPPORTED, m_lt_n);
    static const char *const bounds[] = {"does not support bounds", "ignore_bounds", NULL};
    expect_failure("ls_lm", find_problem("rosenbrock_bounded"), NULL, GPUOPT_ERR_UNSUPPORTED,
                   bounds);
    static const char *const lsmr[] = {"tr_solver=lsmr", NULL};
    static const char *const lsmr_set[] = {"tr_solver=lsmr", NULL};
    expect_failure("ls_trf", find_problem("bard"), lsmr_set, GPUOPT_ERR_UNSUPPORTED, lsmr);
    expect_failure("ls_dogbox", find_problem("bard"), lsmr_set, GPUOPT_ERR_UNSUPPORTED, lsmr);
    /* ignore_bounds=true: ls_lm runs and ignores them (the minimum (1, 1) is outside) */
    static const char *const ignore[] = {"ignore_bounds=true", NULL};
    gpuopt_result *r = solve("ls_lm", find_problem("rosenbrock_bounded"), ignore);
    if (r)
        CHECK(fabs(gpuopt_result_x(r)[0] - 1) < 1e-6);
    gpuopt_result_destroy(&r);
    /* bad option values */
    static const char *const algorithms[] = {"ls_lm", "ls_trf", "ls_dogbox"};
    static const char *const bad[] = {
        "convergence.relative_criterion_tolerance=-1", "convergence.relative_gradient_tolerance=-1",
        "convergence.relative_params_tolerance=-1",    "stopping.max_criterion_evaluations=0",
        "tr_solver=cholesky",                          "numdiff.method=sideways",
        "numdiff.step_size=-1",                        "numdiff.scaling_factor=0",
    };
    for (size_t a = 0; a < 3; ++a) {
        gpuopt_optimizer *o = make_optimizer(algorithms[a], NULL);
        for (size_t i = 0; o && i < sizeof bad / sizeof bad[0]; ++i)
            CHECK_MSG(gpuopt_optimizer_set_option(o, bad[i]) == GPUOPT_ERR_OPTION_RANGE,
                      "%s: %s accepted", algorithms[a], bad[i]);
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_optimizer *o = make_optimizer("ls_lm", NULL);
    if (o) {
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "geodesic_acceleration.max_ratio=0"),
                     GPUOPT_ERR_OPTION_RANGE);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "geodesic_acceleration.step=-0.1"),
                     GPUOPT_ERR_OPTION_RANGE);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "trustregion.initial_radius_factor=0"),
                     GPUOPT_ERR_OPTION_RANGE);
    }
    gpuopt_optimizer_destroy(&o);
    /* a scalar criterion is refused */
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "rosenbrock", 2), GPUOPT_SUCCESS);
    o = make_optimizer("ls_trf", NULL);
    gpuopt_result *res = NULL;
    if (p && o) {
        CHECK_STATUS(gpuopt_minimize(o, p, &res), GPUOPT_ERR_UNSUPPORTED);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "least squares");
    }
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* The aliases and defaults of the seed catalogue. */
static void test_descriptors(void)
{
    static const char *const names[][2] = {
        {"ls_lm", "scipy_ls_lm"}, {"ls_trf", "scipy_ls_trf"}, {"ls_dogbox", "scipy_ls_dogbox"}};
    for (size_t a = 0; a < 3; ++a) {
        gpuopt_algorithm_info info;
        CHECK_STATUS(gpuopt_algorithm_find(names[a][1], &info), GPUOPT_SUCCESS);
        CHECK(!strcmp(info.name, names[a][0]));
        CHECK(info.criterion_kinds == GPUOPT_CRITERION_LEAST_SQUARES);
        CHECK(((info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS) != 0) == (a > 0));
        gpuopt_optimizer *o = make_optimizer(names[a][0], NULL);
        char text[64];
        if (!o)
            continue;
        CHECK_STATUS(gpuopt_optimizer_get_option(o, "convergence.relative_criterion_tolerance",
                                                 text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK(atof(text) == 2e-9);
        CHECK_STATUS(gpuopt_optimizer_get_option(o, "convergence.relative_gradient_tolerance",
                                                 text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK(atof(text) == 1e-8);
        CHECK_STATUS(gpuopt_optimizer_get_option(o, "tr_solver", text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK(!strcmp(text, "exact"));
        CHECK_STATUS(gpuopt_optimizer_get_option(o, "numdiff.method", text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK(!strcmp(text, "forward"));
        gpuopt_optimizer_destroy(&o);
    }
}

/* A budget stops the run, not counted as convergence. */
static void test_budget(void)
{
    static const char *const budget[] = {"stopping.max_criterion_evaluations=10", NULL};
    static const char *const algorithms[] = {"ls_lm", "ls_trf", "ls_dogbox"};
    for (size_t a = 0; a < 3; ++a) {
        gpuopt_result *r = solve(algorithms[a], find_problem("rosenbrock"), budget);
        if (!r)
            continue;
        CHECK_STATUS(gpuopt_result_stop_reason(r), GPUOPT_STOP_MAX_EVALUATIONS);
        CHECK(!gpuopt_result_converged(r));
        CHECK(gpuopt_result_n_evaluations(r) >= 10 && gpuopt_result_n_evaluations(r) <= 12);
        gpuopt_result_destroy(&r);
    }
}

int main(void)
{
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS) {
        fprintf(stderr, "no CPU context\n");
        return 1;
    }
    test_descriptors();
    test_against_scipy();
    test_speculative();
    test_geodesic_acceleration();
    test_underdetermined();
    test_errors();
    test_budget();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
