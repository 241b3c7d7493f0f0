/* neldermead_parallel through the public API: estimagic's own numbers
 * (tests/reference/estimagic_neldermead_parallel.py), the batches (p reflections at once), the
 * initial simplices, bounds, options, resume from an image after any batch, the matrix
 * problems, and the OpenCL backend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "reference_start.h"
#include "gpuopt.h"
#include "src/image.h"

static gpuopt_context *ctx;

typedef struct estimagic_case {
    const char *problem;
    size_t dim;
    const char *options;
    long long iterations, evaluations;
    double fun, x_first, x_last;
} estimagic_case;

/* Printed by tests/reference/estimagic_neldermead_parallel.py (optimagic 0.5.3, numpy 2.4.6,
 * argsort(kind="stable")): problem, dim, options, iterations, evaluations, fun, x[0], x[dim-1].
 * The problems are the built-ins without bounds (estimagic has none). */
static const estimagic_case ESTIMAGIC[] = {
    {"rosenbrock", 2, "", 125, 237, 2.9175986555034315e-18, 1.0000000009103447, 1.00000000167616},
    {"rosenbrock", 4, "n_cores=3", 667, 3598, 3.7014340183626127, -0.777316237743565,
     0.1484026921074362},
    {"rosenbrock", 3, "init_simplex_method=varadhan_borchers", 174, 326, 8.552156465034379e-18,
     1.0000000005785135, 1.0000000018820214},
    {"sphere", 5, "n_cores=2;init_simplex_method=pfeffer", 180, 666, 2.257847735586294e-17,
     -2.0120238253093062e-09, -3.2904989763111274e-09},
    {"ellipsoid", 4, "n_cores=2;init_simplex_method=nash;adaptive=false", 202, 723,
     7.008049245500265e-17, 1.1987924397690138e-09, -3.1236761521449073e-12},
    {"sphere", 12, "n_cores=6", 707, 6355, 1.6649990439737793e-15, -8.29684782156903e-09,
     -1.9978402302028395e-08},
};

/* ---------------------------------------------------------------- helpers */

static gpuopt_optimizer *make(gpuopt_context *where, const char *options)
{
    gpuopt_optimizer *o = NULL;
    char buf[256];
    CHECK_STATUS(gpuopt_optimizer_create(&o, where, "neldermead_parallel"), GPUOPT_SUCCESS);
    snprintf(buf, sizeof buf, "%s", options ? options : "");
    for (char *item = strtok(buf, ";"); o && item; item = strtok(NULL, ";"))
        CHECK_MSG(gpuopt_optimizer_set_option(o, item) == GPUOPT_SUCCESS, "%s: %s", item,
                  gpuopt_optimizer_errmsg(o));
    return o;
}

static gpuopt_problem *builtin(const char *name, size_t dim, int unbounded)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, name, dim), GPUOPT_SUCCESS);
    if (p)
        use_reference_start(p);
    if (p && unbounded)
        CHECK_STATUS(gpuopt_problem_set_bounds(p, NULL, NULL), GPUOPT_SUCCESS);
    return p;
}

static gpuopt_result *run(gpuopt_context *where, gpuopt_problem *p, const char *options,
                          gpuopt_status *st)
{
    gpuopt_optimizer *o = make(where, options);
    gpuopt_result *r = NULL;
    *st = o && p ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(*st > 0, "%s: %s", options, o ? gpuopt_optimizer_errmsg(o) : "");
    gpuopt_optimizer_destroy(&o);
    return r;
}

static int same_result(const gpuopt_result *a, const gpuopt_result *b)
{
    double fa = gpuopt_result_fun(a), fb = gpuopt_result_fun(b);
    return !memcmp(gpuopt_result_x(a), gpuopt_result_x(b), gpuopt_result_dim(a) * sizeof(double)) &&
           !memcmp(&fa, &fb, sizeof fa) &&
           gpuopt_result_n_evaluations(a) == gpuopt_result_n_evaluations(b) &&
           gpuopt_result_n_iterations(a) == gpuopt_result_n_iterations(b) &&
           gpuopt_result_stop_reason(a) == gpuopt_result_stop_reason(b);
}

/* ------------------------------------------------------------------ tests */

/* estimagic's iterations, evaluations, value and point, to the bit where the criterion uses
 * only exactly rounded arithmetic (sphere, rosenbrock); the ellipsoid's weights come from pow. */
static void test_against_estimagic(void)
{
    for (size_t k = 0; k < sizeof ESTIMAGIC / sizeof ESTIMAGIC[0]; ++k) {
        const estimagic_case *c = &ESTIMAGIC[k];
        gpuopt_problem *p = builtin(c->problem, c->dim, 1);
        gpuopt_status st;
        gpuopt_result *r = run(ctx, p, c->options, &st);
        if (r) {
            long long it = gpuopt_result_n_iterations(r), ev = gpuopt_result_n_evaluations(r);
            const double *x = gpuopt_result_x(r);
            double fun = gpuopt_result_fun(r);
            printf("%-10s %2zu %-40s %5lld it %6lld ev f %.6g (estimagic %lld, %lld, %.6g)\n",
                   c->problem, c->dim, c->options, it, ev, fun, c->iterations, c->evaluations,
                   c->fun);
            CHECK_STATUS(st, GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE);
            if (strcmp(c->problem, "ellipsoid") != 0) {
                CHECK_MSG(it == c->iterations && ev == c->evaluations && fun == c->fun &&
                              x[0] == c->x_first && x[c->dim - 1] == c->x_last,
                          "%s %zu %s: %lld iterations, %lld evaluations, f %.17g", c->problem,
                          c->dim, c->options, it, ev, fun);
            } else {
                CHECK(ev * 2 <= c->evaluations * 3 && fun <= 1e-12);
            }
        }
        gpuopt_result_destroy(&r);
        gpuopt_problem_destroy(&p);
    }
}

/* Batches: the initial simplex (j + 1 points), then the p reflections together. */
static void test_batches(void)
{
    gpuopt_problem *p = builtin("rosenbrock", 6, 1);
    gpuopt_optimizer *o = make(ctx, "n_cores=4");
    const double *X;
    size_t n = 0, sizes[6] = {0};
    double f[8];
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    for (int b = 0; b < 6; ++b) {
        if (gpuopt_optimizer_ask(o, &X, &n) != GPUOPT_SUCCESS)
            break;
        sizes[b] = n;
        gpuopt_problem_evaluate(p, X, n, f);
        CHECK_STATUS(gpuopt_optimizer_tell(o, f, n), GPUOPT_SUCCESS);
    }
    CHECK(sizes[0] == 7 && sizes[1] == 4);
    for (int b = 2; b < 6; ++b) /* seconds (1..4 points), shrinks (7) or reflections (4) */
        CHECK(sizes[b] >= 1 && sizes[b] <= 7);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* The initial simplices of estimagic: gao_han around x0 = (-1.2, 1) with c = 1. */
static void test_initial_simplex(void)
{
    gpuopt_problem *p = builtin("rosenbrock", 2, 1);
    static const struct {
        const char *method;
        double rows[3][2];
    } cases[] = {
        {"init_simplex_method=gao_han",
         {{-1.2 + (1 - sqrt(3.0)) / 2, 1 + (1 - sqrt(3.0)) / 2}, {-0.2, 1}, {-1.2, 2}}},
        {"init_simplex_method=pfeffer", {{-1.2, 1}, {-1.2 * 1.05, 1}, {-1.2, 1.05}}},
        {"init_simplex_method=nash", {{-1.2, 1}, {0.1 - 1.2, 1}, {-1.2, 1.1}}},
    };
    for (size_t k = 0; p && k < 3; ++k) {
        gpuopt_optimizer *o = make(ctx, cases[k].method);
        const double *X;
        size_t n = 0;
        if (o && gpuopt_optimizer_setup(o, p) == GPUOPT_SUCCESS &&
            gpuopt_optimizer_ask(o, &X, &n) == GPUOPT_SUCCESS) {
            CHECK(n == 3);
            for (size_t r = 0; r < 3 && n == 3; ++r)
                for (size_t d = 0; d < 2; ++d)
                    CHECK_MSG(fabs(X[r * 2 + d] - cases[k].rows[r][d]) < 1e-15,
                              "%s: row %zu: %.17g", cases[k].method, r, X[r * 2 + d]);
        }
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_problem_destroy(&p);
}

typedef struct watched {
    double lo, hi;
    long long outside;
} watched;

static int watched_sphere(const double *x, size_t dim, double *out, void *user)
{
    watched *w = user;
    *out = 0;
    for (size_t i = 0; i < dim; ++i) {
        w->outside += x[i] < w->lo || x[i] > w->hi;
        *out += (x[i] + 2) * (x[i] + 2);
    }
    return 0;
}

/* With bounds every point is clipped into the box; the minimum (-2, ...) outside [-1, 4] is
 * found at the bound. */
static void test_bounds(void)
{
    watched w = {-1, 4, 0};
    double lo[4] = {-1, -1, -1, -1}, hi[4] = {4, 4, 4, 4}, x0[4] = {3, 0, 2, 1};
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 4);
    gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, watched_sphere, &w, 0);
    gpuopt_problem_set_bounds(p, lo, hi);
    gpuopt_problem_set_start(p, x0);
    gpuopt_status st;
    gpuopt_result *r = run(ctx, p, "n_cores=2", &st);
    CHECK(w.outside == 0);
    for (size_t i = 0; r && i < 4; ++i)
        CHECK_MSG(fabs(gpuopt_result_x(r)[i] + 1) < 1e-6, "x[%zu] = %g", i,
                  gpuopt_result_x(r)[i]);
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

static void test_options(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("neldermead_parallel", &info), GPUOPT_SUCCESS);
    CHECK(info.properties & GPUOPT_PROP_DERIVATIVE_FREE);
    gpuopt_optimizer *o = make(ctx, NULL);
    char text[64];
    static const char *const defaults[][2] = {
        {"init_simplex_method", "gao_han"}, {"n_cores", "1"}, {"adaptive", "true"},
        {"stopping.max_iterations", "1000000"}};
    for (size_t k = 0; o && k < 4; ++k) {
        CHECK_STATUS(gpuopt_optimizer_get_option(o, defaults[k][0], text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK_MSG(strcmp(text, defaults[k][1]) == 0, "%s = %s", defaults[k][0], text);
    }
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "convergence.absolute_params_tolerance", text,
                                             sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(atof(text) == 1e-8);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "init_simplex_method=random"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "n_cores=0"), GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);
    /* more cores than j - 1: a warning says how many vertices are reflected */
    gpuopt_problem *p = builtin("sphere", 3, 0);
    gpuopt_status st;
    gpuopt_result *r = run(ctx, p, "n_cores=8", &st);
    CHECK(r && strstr(gpuopt_result_warnings(r), "reflects only 2"));
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

/* The matrix problems at small n (with their default bounds) reach their minimum. */
static void test_matrix(void)
{
    static const struct {
        const char *problem;
        size_t dim;
        const char *options;
        double tol;
    } rows[] = {{"sphere", 5, "n_cores=2", 1e-12},
                {"ellipsoid", 4, "n_cores=2;convergence.absolute_criterion_tolerance=1e-14", 1e-10},
                {"rosenbrock", 2, "", 1e-12},
                {"rosenbrock", 3, "convergence.absolute_criterion_tolerance=1e-14", 1e-10},
                {"zakharov", 3, "n_cores=2", 1e-12}};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; ++k) {
        gpuopt_problem *p = builtin(rows[k].problem, rows[k].dim, 0);
        gpuopt_status st;
        gpuopt_result *r = run(ctx, p, rows[k].options, &st);
        CHECK_MSG(r && gpuopt_status_converged(st) && gpuopt_result_fun(r) <= rows[k].tol,
                  "%s %zu: f = %g", rows[k].problem, rows[k].dim, r ? gpuopt_result_fun(r) : NAN);
        gpuopt_result_destroy(&r);
        gpuopt_problem_destroy(&p);
    }
}

/* Images after any batch (reflections, second points, shrinks) resume bit for bit. */
static void test_resume_bitwise(void)
{
    const char *options = "n_cores=3";
    gpuopt_problem *p = builtin("rosenbrock", 5, 1);
    gpuopt_status st_full;
    gpuopt_result *full = run(ctx, p, options, &st_full);
    for (int at = 1; full && at < 400; at += 1 + at / 2) {
        gpuopt_optimizer *first = make(ctx, options);
        const double *X;
        size_t n;
        double f[8];
        gpuopt_status st = gpuopt_optimizer_setup(first, p);
        for (int b = 0; b < at && st == GPUOPT_SUCCESS; ++b)
            if ((st = gpuopt_optimizer_ask(first, &X, &n)) == GPUOPT_SUCCESS) {
                gpuopt_problem_evaluate(p, X, n, f);
                st = gpuopt_optimizer_tell(first, f, n);
            }
        gpuopt_image *img = NULL;
        CHECK_STATUS(gpuopt_image_capture(first, &img), GPUOPT_SUCCESS);
        gpuopt_optimizer *second = NULL;
        gpuopt_result *resumed = NULL;
        gpuopt_optimizer_create(&second, ctx, "neldermead_parallel");
        if (img && gpuopt_image_apply(second, p, img, 0) == GPUOPT_SUCCESS) {
            CHECK(gpuopt_optimizer_continue(second, p, &resumed) == st_full);
            CHECK_MSG(resumed && same_result(full, resumed), "resumed after %d batches differs",
                      at);
        } else {
            CHECK_MSG(0, "could not resume after %d batches", at);
        }
        gpuopt_image_free(&img);
        gpuopt_result_destroy(&resumed);
        gpuopt_optimizer_destroy(&first);
        gpuopt_optimizer_destroy(&second);
    }
    gpuopt_result_destroy(&full);
    gpuopt_problem_destroy(&p);
}

/* The OpenCL backend (when it has a device) follows the CPU run bit for bit. */
static void test_opencl(void)
{
    gpuopt_context *ocl = NULL;
    if (gpuopt_context_create(&ocl, "opencl") != GPUOPT_SUCCESS) {
        printf("opencl: %s: neldermead_parallel not run there\n", gpuopt_last_error());
        return;
    }
    gpuopt_problem *p = builtin("rosenbrock", 4, 0);
    gpuopt_status a, b;
    gpuopt_result *on_cpu = run(ctx, p, "n_cores=2", &a);
    gpuopt_result *on_ocl = run(ocl, p, "n_cores=2", &b);
    int same = a == b && on_cpu && on_ocl && same_result(on_cpu, on_ocl);
    CHECK(same);
    printf("opencl (%s): neldermead_parallel %s the cpu run\n", gpuopt_context_device(ocl),
           same ? "equals" : "differs from");
    gpuopt_result_destroy(&on_cpu);
    gpuopt_result_destroy(&on_ocl);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ocl);
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    test_options();
    test_against_estimagic();
    test_batches();
    test_initial_simplex();
    test_bounds();
    test_matrix();
    test_resume_bitwise();
    test_opencl();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
