/* The framework: context, problem, options, registry, ask/tell, criterion kinds, bad input. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"

static gpuopt_context *new_context(void)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    gpuopt_context_set_seed(ctx, 7);
    return ctx;
}

/* ------------------------------------------------------------- contexts */

static void test_context(void)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "auto"), GPUOPT_SUCCESS);
    CHECK(ctx != NULL);
    CHECK_CONTAINS(gpuopt_context_message(ctx), "using");
    CHECK(gpuopt_context_threads(ctx) >= 1);
    CHECK_STATUS(gpuopt_context_set_threads(ctx, -2), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_context_errmsg(ctx), ">= 0");
    CHECK_STATUS(gpuopt_context_set_threads(ctx, 3), GPUOPT_SUCCESS);
    CHECK(gpuopt_context_threads(ctx) == 3);
    CHECK_STATUS(gpuopt_context_destroy(&ctx), GPUOPT_SUCCESS);
    CHECK(ctx == NULL);
    CHECK_STATUS(gpuopt_context_destroy(&ctx), GPUOPT_SUCCESS); /* destroying NULL is fine */

    CHECK_STATUS(gpuopt_context_create(&ctx, "cpux"), GPUOPT_ERR_UNKNOWN_BACKEND);
    CHECK(ctx == NULL);
    CHECK_CONTAINS(gpuopt_last_error(), "'cpu'");
    CHECK_STATUS(gpuopt_context_create(NULL, "cpu"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_context_destroy(NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_context_set_seed(NULL, 1), GPUOPT_ERR_NULL_POINTER);

    /* GPU backends without a device (or not compiled in) give a clear error */
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        gpuopt_backend_info info;
        CHECK_STATUS(gpuopt_backend_info_at(i, &info), GPUOPT_SUCCESS);
        if (info.n_devices > 0)
            continue;
        CHECK_STATUS(gpuopt_context_create(&ctx, info.name), GPUOPT_ERR_BACKEND_UNAVAILABLE);
        CHECK_CONTAINS(gpuopt_last_error(), info.name);
    }
    gpuopt_backend_info cpu;
    CHECK_STATUS(gpuopt_backend_info_at(0, &cpu), GPUOPT_SUCCESS);
    CHECK(!strcmp(cpu.name, "cpu") && cpu.compiled_in && cpu.n_devices == 1);
    gpuopt_device_description dev;
    CHECK_STATUS(gpuopt_backend_device("cpu", 0, &dev), GPUOPT_SUCCESS);
    CHECK(dev.compute_units >= 1 && dev.double_support == 1);
    CHECK_STATUS(gpuopt_backend_info_at(99, &cpu), GPUOPT_ERR_INVALID_ARGUMENT);
}

/* -------------------------------------------------------------- problems */

static void test_problem_validation(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 0), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_last_error(), "at least 1");
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 0), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "rosenbrok", 3), GPUOPT_ERR_UNKNOWN_PROBLEM);
    CHECK_CONTAINS(gpuopt_last_error(), "'rosenbrock'");
    CHECK_STATUS(gpuopt_problem_create(NULL, 3), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_create_builtin(NULL, "sphere", 3), GPUOPT_ERR_NULL_POINTER);

    CHECK_STATUS(gpuopt_problem_create(&p, 3), GPUOPT_SUCCESS);
    double lo[3] = {0, 0, 0}, hi[3] = {1, -1, 1};
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_ERR_BAD_BOUNDS);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "lower bound 1");
    hi[1] = NAN;
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_ERR_BAD_BOUNDS);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "NaN");
    hi[1] = 1;
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    double x0[3] = {0.5, NAN, 0.5};
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_ERR_BAD_START);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "coordinate 1");
    x0[1] = INFINITY;
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_ERR_BAD_START);
    CHECK_STATUS(gpuopt_problem_set_start(p, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, NULL, NULL, 0),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_bounds(NULL, lo, hi), GPUOPT_ERR_NULL_POINTER);
    gpuopt_problem_destroy(&p);
    CHECK(p == NULL);
}

/* A start point outside the bounds is refused at setup, naming the coordinate. */
static void test_start_outside_bounds(void)
{
    gpuopt_context *ctx = new_context();
    gpuopt_problem *p;
    gpuopt_optimizer *o;
    gpuopt_problem_create_builtin(&p, "sphere", 2);
    double lo[2] = {-1, -1}, hi[2] = {1, 1}, x0[2] = {0, 3};
    gpuopt_problem_set_bounds(p, lo, hi);
    gpuopt_problem_set_start(p, x0);
    gpuopt_optimizer_create(&o, ctx, "neldermead");
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_BAD_START);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "coordinate 1");
    CHECK(r == NULL);
    /* DE needs finite bounds */
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_set_bounds(p, NULL, NULL);
    gpuopt_optimizer_create(&o, ctx, "de");
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "finite bounds");
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* --------------------------------------------------------------- options */

static void test_options(void)
{
    gpuopt_context *ctx = new_context();
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "differential_evolutoin"),
                 GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK(o == NULL);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "neldermaed"), GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK_CONTAINS(gpuopt_last_error(), "'neldermead'");
    CHECK_STATUS(gpuopt_optimizer_create(&o, NULL, "de"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "pygmo_de"), GPUOPT_SUCCESS);
    CHECK(!strcmp(gpuopt_optimizer_algorithm(o), "de"));

    /* unknown key names the nearest keys */
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "stopping.max_iteration", 5),
                 GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "'stopping.max_iterations'");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "weight_coef=0.5"), GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "'weight_coefficient'");
    /* range and type errors say what is allowed */
    CHECK_STATUS(gpuopt_optimizer_set_double(o, "weight_coefficient", 3.0),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "[0, 2]");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "weight_coefficient=abc"), GPUOPT_ERR_OPTION_TYPE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "a number");
    CHECK_STATUS(gpuopt_optimizer_set_double(o, "stopping.max_iterations", 2.5),
                 GPUOPT_ERR_OPTION_TYPE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_iterations=-4"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "mutation_variant=best/9/exp"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "rand/1/exp");
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "mutation_variant", 11), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "weight_coefficient"), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_set_string(o, "error_handling", "ignore"),
                 GPUOPT_ERR_OPTION_RANGE);

    /* valid settings in every form, read back as text */
    char buf[64];
    CHECK_STATUS(gpuopt_optimizer_set_option(o, " weight_coefficient = 0.5 "), GPUOPT_SUCCESS);
    gpuopt_optimizer_get_option(o, "weight_coefficient", buf, sizeof buf);
    CHECK(!strcmp(buf, "0.5"));
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "mutation_variant", 7), GPUOPT_SUCCESS);
    gpuopt_optimizer_get_option(o, "mutation_variant", buf, sizeof buf);
    CHECK(!strcmp(buf, "rand/1/bin"));
    CHECK_STATUS(gpuopt_optimizer_set_string(o, "mutation_variant", "best/2/exp"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_iterations=1e3"), GPUOPT_SUCCESS);
    gpuopt_optimizer_get_option(o, "stopping.max_iterations", buf, sizeof buf);
    CHECK(!strcmp(buf, "1000"));
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "discard_start_params=yes"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=auto"), GPUOPT_SUCCESS);
    gpuopt_optimizer_get_option(o, "population_size", buf, sizeof buf);
    CHECK(!strcmp(buf, "auto"));
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "error_handling=continue"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "nope", buf, sizeof buf), GPUOPT_ERR_UNKNOWN_OPTION);
    gpuopt_optimizer_destroy(&o);
    CHECK(o == NULL);
    gpuopt_context_destroy(&ctx);
}

static void test_registry(void)
{
    CHECK(gpuopt_algorithm_count() >= 3);
    const char *aliases[] = {"pygmo_de", "pygmo_pso", "pygmo_pso_gen", "scipy_neldermead"};
    const char *names[] = {"de", "pso", "pso", "neldermead"};
    for (size_t i = 0; i < 4; ++i) {
        gpuopt_algorithm_info info;
        CHECK_STATUS(gpuopt_algorithm_find(aliases[i], &info), GPUOPT_SUCCESS);
        CHECK(!strcmp(info.name, names[i]));
    }
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("pygmo_dee", &info), GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK_CONTAINS(gpuopt_last_error(), "'pygmo_de'");
    CHECK_STATUS(gpuopt_algorithm_find(NULL, &info), GPUOPT_ERR_NULL_POINTER);
    /* every option row is complete, and its default is within its own range */
    gpuopt_context *ctx = new_context();
    for (size_t a = 0; a < gpuopt_algorithm_count(); ++a) {
        gpuopt_algorithm_info_at(a, &info);
        gpuopt_optimizer *o;
        gpuopt_optimizer_create(&o, ctx, info.name);
        for (size_t k = 0; k < info.n_options; ++k) {
            gpuopt_option_info oi;
            CHECK_STATUS(gpuopt_algorithm_option_at(info.name, k, &oi), GPUOPT_SUCCESS);
            CHECK_MSG(oi.key && oi.doc && oi.doc[0] && oi.default_text[0] && oi.allowed[0],
                      "%s: option %zu incomplete", info.name, k);
            char setting[200];
            snprintf(setting, sizeof setting, "%s=%s", oi.key, oi.default_text);
            CHECK_MSG(gpuopt_optimizer_set_option(o, setting) == GPUOPT_SUCCESS, "%s: %s",
                      setting, gpuopt_optimizer_errmsg(o));
        }
        gpuopt_option_info oi;
        CHECK_STATUS(gpuopt_algorithm_option_at(info.name, info.n_options, &oi),
                     GPUOPT_ERR_INVALID_ARGUMENT);
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_context_destroy(&ctx);
}

static void test_status_list(void)
{
    CHECK(!strcmp(gpuopt_status_name(GPUOPT_STOP_MAX_ITERATIONS), "GPUOPT_STOP_MAX_ITERATIONS"));
    CHECK(gpuopt_status_converged(GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE));
    CHECK(!gpuopt_status_converged(GPUOPT_STOP_MAX_EVALUATIONS));
    CHECK(GPUOPT_ERR_INVALID_ARGUMENT < 0 && GPUOPT_STOP_INTERRUPTED > 0);
    CHECK(strlen(gpuopt_status_text(GPUOPT_ERR_BAD_BOUNDS)) > 0);
    CHECK(strlen(gpuopt_version()) >= 5);
}

/* ------------------------------------------------------ criterion kinds */

static int batch_sphere(const double *X, size_t n, double *out, void *user)
{
    size_t dim = *(const size_t *)user;
    for (size_t i = 0; i < n; ++i) {
        out[i] = 0;
        for (size_t k = 0; k < dim; ++k)
            out[i] += (X[i * dim + k] - 1) * (X[i * dim + k] - 1);
    }
    return 0;
}

/* residuals x_k - 1 (least squares) */
static int point_residuals(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < dim; ++k)
        out[k] = x[k] - 1;
    return 0;
}

/* contributions (x_k - 1)^2 (likelihood-style sum) */
static int point_contributions(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < dim; ++k)
        out[k] = (x[k] - 1) * (x[k] - 1);
    return 0;
}

static double solve(gpuopt_context *ctx, gpuopt_problem *p, const char *alg, double *x)
{
    gpuopt_optimizer *o;
    gpuopt_result *r = NULL;
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0, "%s: %s", alg, gpuopt_optimizer_errmsg(o));
    double f = gpuopt_result_fun(r);
    if (x)
        memcpy(x, gpuopt_result_x(r), gpuopt_result_dim(r) * sizeof *x);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    return f;
}

static void test_criterion_kinds(void)
{
    gpuopt_context *ctx = new_context();
    size_t dim = 3;
    double lo[3] = {-5, -5, -5}, hi[3] = {5, 5, 5}, x0[3] = {2, -2, 0.5}, x[3];
    gpuopt_problem *p;
    gpuopt_problem_create(&p, dim);
    gpuopt_problem_set_bounds(p, lo, hi);
    gpuopt_problem_set_start(p, x0);
    gpuopt_optimizer *o;
    gpuopt_optimizer_create(&o, ctx, "neldermead");
    CHECK_STATUS(gpuopt_minimize(o, p, NULL), GPUOPT_ERR_NO_CRITERION);
    gpuopt_optimizer_destroy(&o);

    CHECK_STATUS(gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, batch_sphere,
                                                    &dim, GPUOPT_CALLBACK_THREAD_SAFE),
                 GPUOPT_SUCCESS);
    CHECK(solve(ctx, p, "neldermead", x) < 1e-12 && fabs(x[0] - 1) < 1e-5);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, dim,
                                                    point_residuals, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK(gpuopt_problem_kind(p) == GPUOPT_CRITERION_LEAST_SQUARES);
    double v;
    gpuopt_problem_evaluate(p, x0, 1, &v);
    CHECK(fabs(v - (1.0 + 9.0 + 0.25)) < 1e-15);
    CHECK(solve(ctx, p, "neldermead", x) < 1e-12 && fabs(x[2] - 1) < 1e-5);
    CHECK(solve(ctx, p, "de", NULL) < 1e-3);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LIKELIHOOD, dim,
                                                    point_contributions, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK(solve(ctx, p, "pso", NULL) < 1e-3);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 2,
                                                    point_residuals, NULL, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, (gpuopt_criterion_kind)9, 2,
                                                    point_residuals, NULL, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------------- NaN / Inf */

static int nan_far_from_origin(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    double s = 0;
    for (size_t k = 0; k < dim; ++k)
        s += x[k] * x[k];
    out[0] = x[0] > 2 ? NAN : x[0] < -2 ? INFINITY : s;
    return 0;
}

static int failing(const double *x, size_t dim, double *out, void *user)
{
    (void)x, (void)dim, (void)user;
    out[0] = 0;
    return 1;
}

static void test_nonfinite(void)
{
    gpuopt_context *ctx = new_context();
    gpuopt_problem *p;
    gpuopt_problem_create(&p, 2);
    double lo[2] = {-5, -5}, hi[2] = {5, 5}, x0[2] = {1, 1};
    gpuopt_problem_set_bounds(p, lo, hi);
    gpuopt_problem_set_start(p, x0);
    gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, nan_far_from_origin, NULL, 0);
    gpuopt_optimizer *o;
    gpuopt_result *r = NULL;
    gpuopt_optimizer_create(&o, ctx, "de");
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "x = [");
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "error_handling=continue");
    CHECK(r != NULL && gpuopt_result_stop_reason(r) == GPUOPT_ERR_NONFINITE_CRITERION);
    gpuopt_result_destroy(&r);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "error_handling=continue"), GPUOPT_SUCCESS);
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0, "%s", gpuopt_optimizer_errmsg(o));
    CHECK(gpuopt_result_fun(r) < 1e-6);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);

    gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, failing, NULL, 0);
    gpuopt_optimizer_create(&o, ctx, "neldermead");
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "callback");
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------------- ask / tell */

static void test_ask_tell_misuse(void)
{
    gpuopt_context *ctx = new_context();
    gpuopt_problem *p;
    gpuopt_problem_create_builtin(&p, "rosenbrock", 3);
    gpuopt_optimizer *o;
    gpuopt_optimizer_create(&o, ctx, "pso");
    const double *X;
    size_t n;
    double vals[1000];
    CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_ERR_INVALID_STATE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "setup");
    CHECK_STATUS(gpuopt_optimizer_setup(o, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_tell(o, vals, 3), GPUOPT_ERR_INVALID_STATE);
    CHECK_STATUS(gpuopt_optimizer_ask(o, NULL, &n), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
    CHECK(n >= 10 && n < 1000);
    CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_ERR_INVALID_STATE);
    CHECK_STATUS(gpuopt_optimizer_tell(o, vals, n + 1), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_tell(o, NULL, n), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "population_size", 30), GPUOPT_ERR_INVALID_STATE);
    gpuopt_problem_evaluate(p, X, n, vals);
    CHECK_STATUS(gpuopt_optimizer_tell(o, vals, n), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(NULL, "a=b"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_result(o, NULL), GPUOPT_ERR_NULL_POINTER);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* Driving any algorithm by hand with ask/tell equals gpuopt_minimize, bit for bit. */
static void test_ask_tell_equals_minimize(void)
{
    const char *algs[] = {"de", "pso", "pygmo_pso", "neldermead"};
    gpuopt_context *ctx = new_context();
    gpuopt_problem *p;
    gpuopt_problem_create_builtin(&p, "rosenbrock", 4);
    for (size_t a = 0; a < 4; ++a) {
        gpuopt_optimizer *o;
        gpuopt_result *r1, *r2;
        gpuopt_optimizer_create(&o, ctx, algs[a]);
        gpuopt_optimizer_set_option(o, "stopping.max_iterations=60");
        gpuopt_status st1 = gpuopt_minimize(o, p, &r1);
        gpuopt_status st2 = gpuopt_optimizer_setup(o, p);
        const double *X;
        size_t n;
        double vals[4096];
        while (st2 == GPUOPT_SUCCESS && gpuopt_optimizer_ask(o, &X, &n) == GPUOPT_SUCCESS) {
            gpuopt_problem_evaluate(p, X, n, vals);
            st2 = gpuopt_optimizer_tell(o, vals, n);
        }
        gpuopt_optimizer_result(o, &r2);
        CHECK_MSG(st1 == st2, "%s: %s vs %s", algs[a], gpuopt_status_name(st1),
                  gpuopt_status_name(st2));
        CHECK_MSG(gpuopt_result_fun(r1) == gpuopt_result_fun(r2), "%s", algs[a]);
        CHECK(!memcmp(gpuopt_result_x(r1), gpuopt_result_x(r2), 4 * sizeof(double)));
        CHECK(gpuopt_result_n_evaluations(r1) == gpuopt_result_n_evaluations(r2));
        CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_ERR_INVALID_STATE);
        gpuopt_result_destroy(&r1);
        gpuopt_result_destroy(&r2);
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------ stopping, progress */

static int stop_after_five(const gpuopt_progress *pr, void *user)
{
    int *calls = user;
    ++*calls;
    return pr->n_iterations >= 5;
}

static void test_budgets_and_progress(void)
{
    gpuopt_context *ctx = new_context();
    gpuopt_problem *p;
    gpuopt_problem_create_builtin(&p, "rastrigin", 5);
    gpuopt_optimizer *o;
    gpuopt_result *r;
    gpuopt_optimizer_create(&o, ctx, "de");
    gpuopt_optimizer_set_option(o, "stopping.max_criterion_evaluations=200");
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(gpuopt_result_n_evaluations(r) >= 200 && !gpuopt_result_converged(r));
    CHECK_CONTAINS(gpuopt_result_message(r), "200");
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_set_option(o, "stopping.max_criterion_evaluations=unlimited");
    int calls = 0;
    gpuopt_optimizer_set_progress(o, stop_after_five, &calls);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_INTERRUPTED);
    CHECK(calls == 5 && gpuopt_result_n_iterations(r) == 5);
    CHECK(gpuopt_result_wall_time(r) >= 0);
    CHECK(!strcmp(gpuopt_result_algorithm(r), "de") && !strcmp(gpuopt_result_backend(r), "cpu"));
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_set_progress(o, NULL, NULL);
    gpuopt_optimizer_set_option(o, "stopping.max_seconds=0.05");
    gpuopt_optimizer_set_option(o, "stopping.max_iterations=100000000");
    gpuopt_optimizer_set_option(o, "convergence.criterion_tolerance=0");
    gpuopt_optimizer_set_option(o, "convergence.relative_params_tolerance=0");
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_MAX_TIME);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    test_context();
    test_problem_validation();
    test_start_outside_bounds();
    test_options();
    test_registry();
    test_status_list();
    test_criterion_kinds();
    test_nonfinite();
    test_ask_tell_misuse();
    test_ask_tell_equals_minimize();
    test_budgets_and_progress();
    return check_finish();
}
