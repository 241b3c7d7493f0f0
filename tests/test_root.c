/* Root finding (include/gpuopt/root.h): hybr, newton and broyden on Moré-Garbow-Hillstrom
 * systems with and without a user Jacobian, failures that end with a stop reason, and the
 * argument, dimension and option errors. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gpuopt.h>

#include "check.h"

#define PI 3.14159265358979323846

/* ------------------------------------------------------------------ systems */

typedef struct test_system {
    const char *name;
    size_t n;
    void (*f)(const double *x, size_t n, double *out);
    void (*jac)(const double *x, size_t n, double *jac); /* row-major n x n */
    double x0[10];
    double root[10]; /* the root the solvers should reach */
    double root_tol; /* max |x_i - root_i| / max(1, |root_i|) */
} test_system;

/* MGH #13 as a system: root 0, singular Jacobian there. */
static void powell_singular(const double *x, size_t n, double *f)
{
    (void)n;
    f[0] = x[0] + 10 * x[1];
    f[1] = sqrt(5.0) * (x[2] - x[3]);
    f[2] = (x[1] - 2 * x[2]) * (x[1] - 2 * x[2]);
    f[3] = sqrt(10.0) * (x[0] - x[3]) * (x[0] - x[3]);
}

static void powell_singular_jac(const double *x, size_t n, double *J)
{
    (void)n;
    double a = 2 * (x[1] - 2 * x[2]), b = 2 * sqrt(10.0) * (x[0] - x[3]);
    double rows[16] = {1, 10, 0, 0, 0, 0, sqrt(5.0), -sqrt(5.0), 0, a, -2 * a, 0, b, 0, 0, -b};
    memcpy(J, rows, sizeof rows);
}

/* Rosenbrock's system (MGH #1): root (1, 1). */
static void rosenbrock(const double *x, size_t n, double *f)
{
    (void)n;
    f[0] = 10 * (x[1] - x[0] * x[0]);
    f[1] = 1 - x[0];
}

static void rosenbrock_jac(const double *x, size_t n, double *J)
{
    (void)n;
    J[0] = -20 * x[0];
    J[1] = 10;
    J[2] = -1;
    J[3] = 0;
}

/* MGH #26: F_i = n - sum_j cos x_j + (i+1)(1 - cos x_i) - sin x_i; root 0. */
static void trigonometric(const double *x, size_t n, double *f)
{
    double sum = 0;
    for (size_t j = 0; j < n; ++j)
        sum += cos(x[j]);
    for (size_t i = 0; i < n; ++i)
        f[i] = (double)n - sum + (double)(i + 1) * (1 - cos(x[i])) - sin(x[i]);
}

static void trigonometric_jac(const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            J[i * n + j] = sin(x[j]) + (i == j ? (double)(i + 1) * sin(x[i]) - cos(x[i]) : 0.0);
}

/* MGH #3, Powell's badly scaled function: root (1.098159e-5, 9.106146). */
static void badly_scaled(const double *x, size_t n, double *f)
{
    (void)n;
    f[0] = 1e4 * x[0] * x[1] - 1;
    f[1] = exp(-x[0]) + exp(-x[1]) - 1.0001;
}

static void badly_scaled_jac(const double *x, size_t n, double *J)
{
    (void)n;
    J[0] = 1e4 * x[1];
    J[1] = 1e4 * x[0];
    J[2] = -exp(-x[0]);
    J[3] = -exp(-x[1]);
}

/* MGH #7, the helical valley: root (1, 0, 0). */
static double helix_theta(double x1, double x2)
{
    double t = atan(x2 / x1) / (2 * PI);
    return x1 < 0 ? t + 0.5 : t;
}

static void helical(const double *x, size_t n, double *f)
{
    (void)n;
    f[0] = 10 * (x[2] - 10 * helix_theta(x[0], x[1]));
    f[1] = 10 * (sqrt(x[0] * x[0] + x[1] * x[1]) - 1);
    f[2] = x[2];
}

static void helical_jac(const double *x, size_t n, double *J)
{
    (void)n;
    double r2 = x[0] * x[0] + x[1] * x[1], r = sqrt(r2);
    double c = 100 / (2 * PI * r2);
    double rows[9] = {c * x[1], -c * x[0], 10, 10 * x[0] / r, 10 * x[1] / r, 0, 0, 0, 1};
    memcpy(J, rows, sizeof rows);
}

static const test_system systems[] = {
    {"powell_singular", 4, powell_singular, powell_singular_jac, {3, -1, 0, 1}, {0}, 1e-3},
    {"rosenbrock", 2, rosenbrock, rosenbrock_jac, {-1.2, 1}, {1, 1}, 1e-8},
    /* the root Newton's method reaches from 0.1 (x = 0 is another): tests/reference/
     * root_trigonometric.py, a plain numpy Newton iteration */
    {"trigonometric", 10, trigonometric, trigonometric_jac,
     {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
     {0.047911947304, 0.049184518167, 0.050608702895, 0.052223049390, 0.054083092295,
      0.056273303466, 0.058932138535, 0.186397001384, 0.154341960401, 0.124625376963},
     1e-8},
    {"badly_scaled", 2, badly_scaled, badly_scaled_jac, {0, 1}, {1.098159329699759e-5,
                                                                 9.106146739867318},
     1e-6},
    {"helical_valley", 3, helical, helical_jac, {-1, 0, 0}, {1, 0, 0}, 1e-8},
};

static int batch_f(const double *X, size_t n_points, double *out, void *user)
{
    const test_system *s = user;
    for (size_t p = 0; p < n_points; ++p)
        s->f(X + p * s->n, s->n, out + p * s->n);
    return 0;
}

static int user_jacobian(const double *x, size_t n, double *jac, void *user)
{
    const test_system *s = user;
    s->jac(x, n, jac);
    return 0;
}

static gpuopt_problem *make_system(const test_system *s)
{
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, s->n);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, s->n, batch_f,
                                       (void *)s, GPUOPT_CALLBACK_THREAD_SAFE);
    gpuopt_problem_set_start(p, s->x0);
    return p;
}

static double root_error(const test_system *s, const double *x)
{
    double worst = 0;
    for (size_t i = 0; i < s->n; ++i) {
        double e = fabs(x[i] - s->root[i]) / fmax(1.0, fabs(s->root[i]));
        worst = fmax(worst, e);
    }
    return worst;
}

/* ------------------------------------------------------------- convergence */

static const char *const methods[] = {"hybr", "newton", "broyden"};

/* From x_i = 0.1, hybr ends near the trigonometric function's local minimum of |F| that is not
 * a root (MGH: sum F_i^2 = 2.79506e-5, |F| = 5.2868e-3), at the point where MINPACK's hybrj
 * (scipy) stops too (tests/reference/root_trigonometric.txt); GSL reports no progress. */
static const double trig_hybr_end[10] = {0.055179245620, 0.056871940049, 0.058799213355,
                                         0.061031130421, 0.063674669399, 0.066905053637,
                                         0.208149491765, 0.164347095483, 0.085365368520,
                                         0.091387623727};

static int expected_to_fail(const char *method, const test_system *s)
{
    return !strcmp(method, "hybr") && !strcmp(s->name, "trigonometric");
}

static void check_solve(gpuopt_context *ctx, const char *method, const test_system *s,
                        int with_jacobian)
{
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    gpuopt_problem *p = make_system(s);
    CHECK_STATUS(gpuopt_root_create(&solver, ctx, method), GPUOPT_SUCCESS);
    if (with_jacobian)
        CHECK_STATUS(gpuopt_root_set_jacobian(solver, s->n, user_jacobian, (void *)s),
                     GPUOPT_SUCCESS);
    gpuopt_status stop = gpuopt_root_solve(solver, p, NULL, &res);
    CHECK_MSG(res != NULL, "%s on %s: no result (%s)", method, s->name,
              gpuopt_root_errmsg(solver));
    if (res && expected_to_fail(method, s)) {
        CHECK_STATUS(stop, GPUOPT_STOP_NO_IMPROVEMENT);
        CHECK_CONTAINS(gpuopt_root_result_message(res), "not improving");
        CHECK_MSG(fabs(gpuopt_root_result_norm(res) - 5.287610e-03) < 1e-8,
                  "%s on %s: |F| = %g", method, s->name, gpuopt_root_result_norm(res));
        for (size_t i = 0; i < s->n; ++i)
            CHECK_MSG(fabs(gpuopt_root_result_x(res)[i] - trig_hybr_end[i]) < 1e-6,
                      "x[%zu] = %.12f", i, gpuopt_root_result_x(res)[i]);
        CHECK(!gpuopt_root_result_converged(res));
    } else if (res) {
        double err = root_error(s, gpuopt_root_result_x(res));
        CHECK_MSG(gpuopt_status_converged(stop) && err < s->root_tol &&
                      gpuopt_root_result_norm(res) < 1e-9,
                  "%s %s Jacobian on %s: %s (%s), |F| = %g, error %g after %lld iterations",
                  method, with_jacobian ? "user" : "fd", s->name, gpuopt_status_name(stop),
                  gpuopt_root_result_message(res), gpuopt_root_result_norm(res), err,
                  (long long)gpuopt_root_result_n_iterations(res));
        CHECK(gpuopt_root_result_converged(res));
        CHECK(gpuopt_root_result_stop_reason(res) == stop);
        CHECK(gpuopt_root_result_dim(res) == s->n);
        CHECK(!strcmp(gpuopt_root_result_method(res), method));
        CHECK(gpuopt_root_result_n_jacobian_evaluations(res) >= 1);
        double f[10];
        s->f(gpuopt_root_result_x(res), s->n, f);
        CHECK(fabs(f[0] - gpuopt_root_result_f(res)[0]) <= 1e-15 * (1 + fabs(f[0])));
    }
    gpuopt_root_result_destroy(&res);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
}

static void test_convergence(gpuopt_context *ctx)
{
    for (size_t m = 0; m < 3; ++m)
        for (size_t k = 0; k < sizeof systems / sizeof systems[0]; ++k)
            for (int jac = 0; jac < 2; ++jac)
                check_solve(ctx, methods[m], &systems[k], jac);
}

/* A finite-difference Jacobian is one batch of 2n + 1 points (5 here) whose centre row is F(x). */
static void test_evaluation_counts(gpuopt_context *ctx)
{
    const test_system *s = &systems[1];
    gpuopt_problem *p = make_system(s);
    gpuopt_root *solver = NULL;
    gpuopt_root_result *fd = NULL, *user = NULL;
    gpuopt_root_create(&solver, ctx, "newton");
    gpuopt_root_solve(solver, p, NULL, &fd);
    gpuopt_root_set_jacobian(solver, 2, user_jacobian, (void *)s);
    gpuopt_root_solve(solver, p, NULL, &user);
    CHECK(fd && user);
    if (fd && user) {
        int64_t jf = gpuopt_root_result_n_jacobian_evaluations(fd);
        int64_t ef = gpuopt_root_result_n_evaluations(fd);
        CHECK(gpuopt_root_result_n_iterations(fd) == gpuopt_root_result_n_iterations(user));
        CHECK(jf == gpuopt_root_result_n_jacobian_evaluations(user));
        /* the first stencil's centre row replaces the user run's first F evaluation */
        CHECK_MSG(ef == gpuopt_root_result_n_evaluations(user) - 1 + jf * 5,
                  "fd %lld evaluations, user %lld, %lld Jacobians", (long long)ef,
                  (long long)gpuopt_root_result_n_evaluations(user), (long long)jf);
    }
    gpuopt_root_result_destroy(&fd);
    gpuopt_root_result_destroy(&user);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
}

/* ---------------------------------------------------------------- failures */

/* F(x) = x^2 + 1 has no real root. */
static int no_root(const double *X, size_t n_points, double *out, void *user)
{
    (void)user;
    for (size_t p = 0; p < n_points; ++p)
        out[p] = X[p] * X[p] + 1;
    return 0;
}

static void test_no_root(gpuopt_context *ctx)
{
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 1);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 1, no_root, NULL, 0);
    double x0[1] = {2};
    for (size_t m = 0; m < 3; ++m) {
        gpuopt_root *solver = NULL;
        gpuopt_root_result *res = NULL;
        gpuopt_root_create(&solver, ctx, methods[m]);
        gpuopt_root_set_int(solver, "stopping.max_iterations", 200);
        gpuopt_status stop = gpuopt_root_solve(solver, p, x0, &res);
        CHECK_MSG(stop > 0, "%s on x^2 + 1: %s (%s)", methods[m], gpuopt_status_name(stop),
                  gpuopt_root_errmsg(solver));
        CHECK_MSG(res && !gpuopt_root_result_converged(res), "%s on x^2 + 1: %s (%s)",
                  methods[m], gpuopt_status_name(stop), gpuopt_root_result_message(res));
        CHECK(res && gpuopt_root_result_norm(res) >= 1.0);
        CHECK(res && gpuopt_root_result_message(res)[0] != '\0');
        gpuopt_root_result_destroy(&res);
        gpuopt_root_destroy(&solver);
    }
    /* at x = 0 the Jacobian 2x is singular: broyden cannot invert it */
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    double zero[1] = {0};
    gpuopt_root_create(&solver, ctx, "broyden");
    CHECK_STATUS(gpuopt_root_solve(solver, p, zero, &res), GPUOPT_STOP_ILL_CONDITIONED);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "singular");
    CHECK(res && gpuopt_root_result_n_iterations(res) == 0 && gpuopt_root_result_x(res)[0] == 0);
    gpuopt_root_result_destroy(&res);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
}

static void test_budget(gpuopt_context *ctx)
{
    gpuopt_problem *p = make_system(&systems[0]);
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    gpuopt_root_create(&solver, ctx, "hybr");
    CHECK_STATUS(gpuopt_root_set_option(solver, "stopping.max_iterations=3"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(res && gpuopt_root_result_n_iterations(res) == 3);
    CHECK(res && !gpuopt_root_result_converged(res));
    gpuopt_root_result_destroy(&res);
    gpuopt_root_set_option(solver, "stopping.max_iterations=1000");
    CHECK_STATUS(gpuopt_root_set_option(solver, "stopping.max_criterion_evaluations=20"),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(res && gpuopt_root_result_n_evaluations(res) >= 20);
    gpuopt_root_result_destroy(&res);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
}

static int failing_f(const double *X, size_t n_points, double *out, void *user)
{
    int *calls = user;
    for (size_t p = 0; p < 2 * n_points; ++p)
        out[p] = X[p] - 1;
    return ++*calls > 3;
}

static int nan_f(const double *X, size_t n_points, double *out, void *user)
{
    (void)user;
    for (size_t p = 0; p < 2 * n_points; ++p)
        out[p] = X[p] > 0.5 ? NAN : X[p] - 1;
    return 0;
}

static int failing_jac(const double *x, size_t n, double *jac, void *user)
{
    (void)x, (void)n, (void)jac, (void)user;
    return 1;
}

static void test_callback_errors(gpuopt_context *ctx)
{
    int calls = 0;
    gpuopt_problem *p = NULL;
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    gpuopt_problem_create(&p, 2);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2, failing_f, &calls,
                                       0);
    gpuopt_root_create(&solver, ctx, "newton");
    gpuopt_root_set_jacobian(solver, 2, user_jacobian, (void *)&systems[1]);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "callback returned an error");
    CHECK(res && gpuopt_root_result_stop_reason(res) == GPUOPT_ERR_CALLBACK);
    gpuopt_root_result_destroy(&res);
    gpuopt_root_set_jacobian(solver, 2, failing_jac, NULL);
    calls = -100;
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "Jacobian callback");
    gpuopt_root_result_destroy(&res);

    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2, nan_f, NULL, 0);
    gpuopt_root_set_jacobian(solver, 0, NULL, NULL);
    double x0[2] = {3, 3};
    CHECK_STATUS(gpuopt_root_solve(solver, p, x0, &res), GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "error_handling=continue");
    gpuopt_root_result_destroy(&res);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
}

/* ------------------------------------------------------------------ errors */

static void test_dimension_errors(gpuopt_context *ctx)
{
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    gpuopt_root_create(&solver, ctx, "hybr");

    gpuopt_problem *p = make_system(&systems[1]);
    CHECK_STATUS(gpuopt_root_set_jacobian(solver, 3, user_jacobian, (void *)&systems[1]),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "declared for n = 3");
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "system has n = 2");
    CHECK(res == NULL);
    CHECK_STATUS(gpuopt_root_set_jacobian(solver, 0, user_jacobian, NULL),
                 GPUOPT_ERR_BAD_DIMENSION);
    gpuopt_root_set_jacobian(solver, 0, NULL, NULL);
    gpuopt_problem_destroy(&p);

    gpuopt_problem_create(&p, 3); /* 3 unknowns, 2 equations */
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2, batch_f,
                                       (void *)&systems[1], 0);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "3 unknowns");
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "2 equations");
    gpuopt_problem_destroy(&p);

    gpuopt_problem_create(&p, 2);
    CHECK_STATUS(gpuopt_root_solve(solver, p, NULL, &res), GPUOPT_ERR_NO_CRITERION);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2, batch_f,
                                       (void *)&systems[1], 0);
    double bad[2] = {NAN, 0};
    CHECK_STATUS(gpuopt_root_solve(solver, p, bad, &res), GPUOPT_ERR_BAD_START);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "x0[0]");
    gpuopt_problem_destroy(&p);
    gpuopt_root_destroy(&solver);
}

static void test_null_and_names(gpuopt_context *ctx)
{
    gpuopt_root *solver = (gpuopt_root *)1;
    CHECK_STATUS(gpuopt_root_create(NULL, ctx, "hybr"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_create(&solver, NULL, "hybr"), GPUOPT_ERR_NULL_POINTER);
    CHECK(solver == NULL);
    CHECK_STATUS(gpuopt_root_create(&solver, ctx, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_create(&solver, ctx, "hybrd"), GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK_CONTAINS(gpuopt_last_error(), "'hybr'");
    CHECK_STATUS(gpuopt_root_create(&solver, ctx, "newtn"), GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK_CONTAINS(gpuopt_last_error(), "'newton'");
    CHECK_STATUS(gpuopt_root_solve(NULL, NULL, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_set_option(NULL, "xtol=1"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_set_jacobian(NULL, 2, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_destroy(NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_root_result_destroy(NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK(gpuopt_root_result_x(NULL) == NULL && isnan(gpuopt_root_result_norm(NULL)));

    CHECK_STATUS(gpuopt_root_create(&solver, ctx, "gnewton"), GPUOPT_SUCCESS);
    CHECK(!strcmp(gpuopt_root_method(solver), "newton"));
    gpuopt_root_result *res = (gpuopt_root_result *)1;
    CHECK_STATUS(gpuopt_root_solve(solver, NULL, NULL, &res), GPUOPT_ERR_NULL_POINTER);
    CHECK(res == NULL);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "system");
    gpuopt_root_destroy(&solver);
    CHECK(solver == NULL);
    CHECK_STATUS(gpuopt_root_destroy(&solver), GPUOPT_SUCCESS);

    CHECK(gpuopt_root_method_count() == 3);
    CHECK(!strcmp(gpuopt_root_method_at(2), "broyden") && gpuopt_root_method_at(3) == NULL);
}

static void test_options(gpuopt_context *ctx)
{
    gpuopt_root *solver = NULL;
    char buf[64];
    gpuopt_root_create(&solver, ctx, "hybr");
    CHECK_STATUS(gpuopt_root_get_option(solver, "ftol", buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK(!strcmp(buf, "1e-10"));
    CHECK_STATUS(gpuopt_root_set_option(solver, "xtol=-1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "xtol");
    CHECK_STATUS(gpuopt_root_set_option(solver, "ftol=abc"), GPUOPT_ERR_OPTION_TYPE);
    CHECK_STATUS(gpuopt_root_set_option(solver, "xtoll=1e-9"), GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_root_errmsg(solver), "'xtol'");
    CHECK_STATUS(gpuopt_root_set_option(solver, "ftol"), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_root_set_option(solver, "numdiff.method=sideways"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_root_set_int(solver, "stopping.max_iterations", 0),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_root_set_double(solver, "xtol", 1e-12), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_root_set_string(solver, "numdiff.method", "forward"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_root_set_option(solver, "scale=false"), GPUOPT_SUCCESS);
    gpuopt_root_get_option(solver, "numdiff.method", buf, sizeof buf);
    CHECK(!strcmp(buf, "forward"));
    /* scale=false (hybridj) with forward differences still solves Rosenbrock's system */
    gpuopt_problem *p = make_system(&systems[1]);
    gpuopt_root_result *res = NULL;
    gpuopt_status stop = gpuopt_root_solve(solver, p, NULL, &res);
    CHECK_MSG(gpuopt_status_converged(stop) && res && root_error(&systems[1],
                                                                 gpuopt_root_result_x(res)) < 1e-6,
              "hybridj: %s", gpuopt_status_name(stop));
    gpuopt_root_result_destroy(&res);
    gpuopt_problem_destroy(&p);
    gpuopt_root_destroy(&solver);

    gpuopt_root_create(&solver, ctx, "newton");
    CHECK_STATUS(gpuopt_root_set_option(solver, "scale=true"), GPUOPT_ERR_UNKNOWN_OPTION);
    gpuopt_root_destroy(&solver);

    gpuopt_option_info info;
    size_t count = 0;
    while (gpuopt_root_option_at("hybr", count, &info) == GPUOPT_SUCCESS)
        ++count;
    CHECK(count >= 10);
    CHECK_STATUS(gpuopt_root_option_at("broyden", 0, &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.key, "xtol") && !strcmp(info.default_text, "1.49012e-08"));
    CHECK_STATUS(gpuopt_root_option_at("bogus", 0, &info), GPUOPT_ERR_UNKNOWN_ALGORITHM);
}

/* The same solve on every other backend this machine can open gives the same numbers: F and
 * the stencils are evaluated there, GSL's iteration runs on the host. */
static gpuopt_root_result *solve_on(gpuopt_context *ctx, const char *method, const test_system *s)
{
    gpuopt_problem *p = make_system(s);
    gpuopt_root *solver = NULL;
    gpuopt_root_result *res = NULL;
    gpuopt_root_create(&solver, ctx, method);
    gpuopt_root_solve(solver, p, NULL, &res);
    gpuopt_root_destroy(&solver);
    gpuopt_problem_destroy(&p);
    return res;
}

static void test_backends(gpuopt_context *cpu)
{
    static const char *const others[] = {"opencl", "cuda"};
    for (size_t b = 0; b < 2; ++b) {
        gpuopt_context *ctx = NULL;
        if (gpuopt_context_create(&ctx, others[b]) != GPUOPT_SUCCESS) {
            printf("backend %s not compared: %s\n", others[b], gpuopt_last_error());
            continue;
        }
        printf("backend %s compared with cpu\n", others[b]);
        for (size_t m = 0; m < 3; ++m) {
            gpuopt_root_result *a = solve_on(cpu, methods[m], &systems[2]);
            gpuopt_root_result *g = solve_on(ctx, methods[m], &systems[2]);
            CHECK(a && g);
            if (a && g) {
                CHECK(!memcmp(gpuopt_root_result_x(a), gpuopt_root_result_x(g),
                              10 * sizeof(double)));
                CHECK(gpuopt_root_result_n_evaluations(a) == gpuopt_root_result_n_evaluations(g));
            }
            gpuopt_root_result_destroy(&a);
            gpuopt_root_result_destroy(&g);
        }
        gpuopt_context_destroy(&ctx);
    }
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS) {
        fprintf(stderr, "no cpu context: %s\n", gpuopt_last_error());
        return 1;
    }
    gpuopt_context_set_threads(ctx, 2);
    test_convergence(ctx);
    test_evaluation_counts(ctx);
    test_no_root(ctx);
    test_budget(ctx);
    test_callback_errors(ctx);
    test_dimension_errors(ctx);
    test_null_and_names(ctx);
    test_options(ctx);
    test_backends(ctx);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
