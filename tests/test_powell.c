/* powell (alias scipy_powell) through the public API: scipy's own numbers on the built-in
 * problems (tests/reference/scipy_powell.py), bounds (every point inside, one-sided bounds),
 * budgets, options, ask/tell by hand, resume from an image after any evaluation, the matrix
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

/* ------------------------------------------------------- scipy's numbers */

typedef struct scipy_case {
    const char *problem;
    size_t dim;
    double lower, upper;
    long long nfev, nit, hit; /* hit: evaluations to a 1e-8 gap (-1: never) */
    double fun, x_first, x_last;
} scipy_case;

/* Printed by tests/reference/scipy_powell.py (scipy 1.17.1, numpy 2.4.6): name, dim, lower,
 * upper, nfev, nit, evaluations to a 1e-8 gap, fun, x[0], x[dim-1]. */
static const scipy_case SCIPY[] = {
    {"rosenbrock", 2, -5.0, 10.0, 44, 2, 14, 3.8145589901546744e-14, 0.9999998046910399,
     0.9999996093821183},
    {"rosenbrock", 10, -5.0, 10.0, 5578, 36, 4898, 3.7343888963613496e-09, 1.0000003266137427,
     0.9999527615609709},
    {"rosenbrock", 50, -5.0, 10.0, 143026, 201, -1, 4.618912437973756e-08, 0.9999993018054153,
     0.9999793126662316},
    {"ellipsoid", 4, -5.0, 5.0, 89, 3, 37, 4.930380657631324e-30, 0.0, 0.0},
    {"ellipsoid", 10, -5.0, 5.0, 210, 3, 86, 1.1115221189626273e-28, 0.0, 0.0},
    {"logit", 5, -10.0, 10.0, 666, 11, 435, 541.9065132387796, -0.5192016912808252,
     0.38081454415493715},
    {"rosenbrock", 2, -INFINITY, INFINITY, 659, 23, 575, 5.888846657474853e-28,
     1.0000000000000138, 1.0000000000000295},
    {"ellipsoid", 4, -INFINITY, INFINITY, 140, 3, 31, 4.6986527667226516e-23,
     -3.501518124077309e-22, 0.0},
    {"sphere", 3, 0.5, INFINITY, 490, 5, -1, 0.7500075378877351, 0.5000000000842892,
     0.5000037688875184},
};

/* A problem whose criterion is a built-in problem evaluated on the host, counting evaluations
 * and noting when the best value first came within 1e-8 max(1, |f*|) of the minimum f*. */
typedef struct tracker {
    gpuopt_problem *builtin;
    double fstar, best;
    long long count, hit;
} tracker;

static int tracked(const double *x, size_t dim, double *out, void *user)
{
    tracker *t = user;
    (void)dim;
    if (gpuopt_problem_evaluate(t->builtin, x, 1, out) != GPUOPT_SUCCESS)
        return 1;
    ++t->count;
    t->best = fmin(t->best, *out);
    if (t->hit < 0 && t->best - t->fstar <= 1e-8 * fmax(1.0, fabs(t->fstar)))
        t->hit = t->count;
    return 0;
}

static void bounds_of(const scipy_case *c, double *lo, double *hi)
{
    for (size_t i = 0; i < c->dim; ++i) {
        lo[i] = c->lower;
        hi[i] = c->upper;
    }
}

/* The case's problem: the built-in with the case's bounds (sphere: lower bound 0.5 only, start
 * (3, 2, 1), minimum 0.75 at the bound). */
static gpuopt_problem *case_builtin(const scipy_case *c, double *fstar)
{
    gpuopt_problem *p = NULL;
    double lo[64], hi[64];
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, c->problem, c->dim), GPUOPT_SUCCESS);
    use_reference_start(p);
    bounds_of(c, lo, hi);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    *fstar = gpuopt_problem_info_best_value(gpuopt_problem_info_find(c->problem), c->dim);
    if (!strcmp(c->problem, "sphere")) {
        const double x0[3] = {3, 2, 1};
        CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
        *fstar = 0.75;
    }
    return p;
}

/* Our run next to scipy's: never more than 1.5x its evaluations (overall and to the 1e-8 gap)
 * and at least its final value. Rosenbrock and the ellipsoid's unbounded run use only exactly
 * rounded arithmetic, so there the path is scipy's to the bit: the same evaluations and
 * iterations. */
static void test_against_scipy(void)
{
    printf("%-10s %3s %-12s %8s %8s %6s %6s %12s %12s\n", "problem", "dim", "bounds", "nfev",
           "scipy", "hit", "scipy", "fun", "scipy");
    for (size_t k = 0; k < sizeof SCIPY / sizeof SCIPY[0]; ++k) {
        const scipy_case *c = &SCIPY[k];
        tracker t = {NULL, 0, INFINITY, 0, -1};
        t.builtin = case_builtin(c, &t.fstar);
        gpuopt_problem *p = NULL;
        double lo[64], hi[64], x0[64];
        bounds_of(c, lo, hi);
        CHECK_STATUS(gpuopt_problem_create(&p, c->dim), GPUOPT_SUCCESS);
        gpuopt_problem_get_start(t.builtin, x0);
        gpuopt_problem_set_start(p, x0);
        gpuopt_problem_set_bounds(p, lo, hi);
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, tracked, &t, 0);
        gpuopt_optimizer *o = NULL;
        gpuopt_result *r = NULL;
        CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "scipy_powell"), GPUOPT_SUCCESS);
        gpuopt_status st = gpuopt_minimize(o, p, &r);
        CHECK_MSG(st == GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE, "%s %zu: %s", c->problem,
                  c->dim, gpuopt_status_name(st));
        if (r) {
            long long nfev = gpuopt_result_n_evaluations(r), nit = gpuopt_result_n_iterations(r);
            double fun = gpuopt_result_fun(r);
            printf("%-10s %3zu [%4g, %-4g] %8lld %8lld %6lld %6lld %12.4g %12.4g\n", c->problem,
                   c->dim, c->lower, c->upper, nfev, c->nfev, t.hit, c->hit, fun, c->fun);
            CHECK_MSG(nfev == t.count, "%s: counted %lld", c->problem, t.count);
            CHECK_MSG(nfev * 2 <= c->nfev * 3, "%s %zu: %lld evaluations, scipy %lld",
                      c->problem, c->dim, nfev, c->nfev);
            CHECK_MSG(fun <= c->fun + 1e-12 * fmax(1.0, fabs(c->fun)), "%s %zu: %.17g vs %.17g",
                      c->problem, c->dim, fun, c->fun);
            if (c->hit >= 0)
                CHECK_MSG(t.hit >= 0 && t.hit * 2 <= c->hit * 3, "%s %zu: gap after %lld, "
                          "scipy %lld", c->problem, c->dim, t.hit, c->hit);
            int exact = !strcmp(c->problem, "rosenbrock") ||
                        (!strcmp(c->problem, "ellipsoid") && c->dim == 4 && isinf(c->lower));
            if (exact)
                CHECK_MSG(nfev == c->nfev && nit == c->nit && t.hit == c->hit,
                          "%s %zu: %lld evaluations, %lld iterations; scipy %lld, %lld",
                          c->problem, c->dim, nfev, nit, c->nfev, c->nit);
        }
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&o);
        gpuopt_problem_destroy(&p);
        gpuopt_problem_destroy(&t.builtin);
    }
}

/* ------------------------------------------------------------------ bounds */

typedef struct watched {
    const double *lower, *upper;
    long long calls, outside;
} watched;

static int watched_sphere(const double *x, size_t dim, double *out, void *user)
{
    watched *w = user;
    double s = 0;
    for (size_t i = 0; i < dim; ++i) {
        w->outside += x[i] < w->lower[i] || x[i] > w->upper[i];
        s += (x[i] - 3.0) * (x[i] - 3.0);
    }
    ++w->calls;
    *out = s;
    return 0;
}

/* The minimum (3, 3, 3, 3) lies outside a box bounded above by 1 on two coordinates and below
 * only on the others: every evaluated point is inside, and the run ends at the box's corner. */
static void test_points_stay_inside(void)
{
    const double lower[4] = {-2, -2, 0, -INFINITY}, upper[4] = {1, 1, INFINITY, 2};
    const double x0[4] = {-1, 0.5, 4, 0};
    watched w = {lower, upper, 0, 0};
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 4);
    gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, watched_sphere, &w, 0);
    gpuopt_problem_set_bounds(p, lower, upper);
    gpuopt_problem_set_start(p, x0);
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "powell"), GPUOPT_SUCCESS);
    CHECK(gpuopt_minimize(o, p, &r) > 0);
    CHECK_MSG(w.outside == 0, "%lld of %lld points outside the bounds", w.outside, w.calls);
    if (r) {
        const double *x = gpuopt_result_x(r);
        CHECK_MSG(fabs(x[0] - 1) < 1e-4 && fabs(x[1] - 1) < 1e-4 && fabs(x[2] - 3) < 1e-4 &&
                      fabs(x[3] - 2) < 1e-4,
                  "x = %g %g %g %g", x[0], x[1], x[2], x[3]);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* ------------------------------------------------------------------ budgets */

static gpuopt_result *run_builtin(const char *problem, size_t dim, const char *const *settings,
                                  gpuopt_context *where, gpuopt_status *st)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, problem, dim), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, where, "powell"), GPUOPT_SUCCESS);
    for (const char *const *s = settings; o && s && *s; ++s)
        CHECK_MSG(gpuopt_optimizer_set_option(o, *s) == GPUOPT_SUCCESS, "%s", *s);
    *st = p && o ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return r;
}

static void test_budgets(void)
{
    const char *evals[] = {"stopping.max_criterion_evaluations=50", NULL};
    const char *iters[] = {"stopping.max_iterations=1", NULL};
    gpuopt_status st;
    gpuopt_result *r = run_builtin("rosenbrock", 10, evals, ctx, &st);
    CHECK_STATUS(st, GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(r && gpuopt_result_n_evaluations(r) == 50 && !gpuopt_result_converged(r));
    gpuopt_result_destroy(&r);
    r = run_builtin("rosenbrock", 10, iters, ctx, &st);
    CHECK_STATUS(st, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(r && gpuopt_result_n_iterations(r) == 1);
    gpuopt_result_destroy(&r);
}

static void test_descriptor(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_powell", &info), GPUOPT_SUCCESS);
    CHECK(strcmp(info.name, "powell") == 0);
    CHECK((info.properties & GPUOPT_PROP_DERIVATIVE_FREE) &&
          (info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS));
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "powell"), GPUOPT_SUCCESS);
    if (!o)
        return;
    static const char *const defaults[][2] = {
        {"convergence.relative_params_tolerance", "1e-05"},
        {"convergence.relative_criterion_tolerance", "2e-09"},
        {"stopping.max_criterion_evaluations", "1000000"},
        {"stopping.max_iterations", "1000000"}};
    char text[64];
    for (size_t k = 0; k < 4; ++k) {
        CHECK_STATUS(gpuopt_optimizer_get_option(o, defaults[k][0], text, sizeof text),
                     GPUOPT_SUCCESS);
        CHECK_MSG(atof(text) == atof(defaults[k][1]), "%s = %s", defaults[k][0], text);
    }
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "convergence.relative_params_tolerance=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "direc=1"), GPUOPT_ERR_UNKNOWN_OPTION);
    gpuopt_optimizer_destroy(&o);
}

/* The matrix problems at small n reach their minimum. */
static void test_matrix(void)
{
    static const struct {
        const char *problem;
        size_t dim;
        double tol;
    } rows[] = {{"sphere", 5, 1e-12}, {"ellipsoid", 4, 1e-12}, {"rosenbrock", 2, 1e-10},
                {"rosenbrock", 4, 1e-8}, {"zakharov", 3, 1e-10}};
    const char *tight[] = {"convergence.relative_params_tolerance=1e-8",
                           "convergence.relative_criterion_tolerance=1e-14", NULL};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; ++k) {
        gpuopt_status st;
        gpuopt_result *r = run_builtin(rows[k].problem, rows[k].dim, tight, ctx, &st);
        CHECK_MSG(r && gpuopt_status_converged(st) && gpuopt_result_fun(r) <= rows[k].tol,
                  "%s %zu: %s, f = %g", rows[k].problem, rows[k].dim, gpuopt_status_name(st),
                  r ? gpuopt_result_fun(r) : NAN);
        gpuopt_result_destroy(&r);
    }
}

/* --------------------------------------------------- ask/tell and resume */

static int same_result(const gpuopt_result *a, const gpuopt_result *b)
{
    double fa = gpuopt_result_fun(a), fb = gpuopt_result_fun(b);
    return !memcmp(gpuopt_result_x(a), gpuopt_result_x(b), gpuopt_result_dim(a) * sizeof(double)) &&
           !memcmp(&fa, &fb, sizeof fa) &&
           gpuopt_result_n_evaluations(a) == gpuopt_result_n_evaluations(b) &&
           gpuopt_result_n_iterations(a) == gpuopt_result_n_iterations(b) &&
           gpuopt_result_stop_reason(a) == gpuopt_result_stop_reason(b);
}

/* Runs `batches` batches by ask/tell on p, then captures an image. */
static gpuopt_image *capture_after(gpuopt_problem *p, int batches)
{
    gpuopt_optimizer *o = NULL;
    gpuopt_image *img = NULL;
    gpuopt_optimizer_create(&o, ctx, "powell");
    gpuopt_status st = gpuopt_optimizer_setup(o, p);
    for (int b = 0; b < batches && st == GPUOPT_SUCCESS; ++b) {
        const double *X;
        size_t n;
        double f;
        if ((st = gpuopt_optimizer_ask(o, &X, &n)) == GPUOPT_SUCCESS) {
            gpuopt_problem_evaluate(p, X, n, &f);
            st = gpuopt_optimizer_tell(o, &f, n);
        }
    }
    CHECK_STATUS(st, GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_image_capture(o, &img), GPUOPT_SUCCESS);
    gpuopt_optimizer_destroy(&o);
    return img;
}

/* The three line searches' problems: rosenbrock 2 in its box (fminbound), without bounds
 * (bracket + Brent), and the sphere bounded below only (fminbound in t, alpha = tan t). */
static gpuopt_problem *line_search_problem(int which)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, which == 2 ? "sphere" : "rosenbrock",
                                               which == 2 ? 3 : 2),
                 GPUOPT_SUCCESS);
    if (which == 1)
        gpuopt_problem_set_bounds(p, NULL, NULL);
    if (which == 2) {
        const double lo[3] = {0.5, 0.5, 0.5}, x0[3] = {3, 2, 1};
        gpuopt_problem_set_bounds(p, lo, NULL);
        gpuopt_problem_set_start(p, x0);
    }
    return p;
}

/* Images taken after any evaluation (inside the bracket, Brent, fminbound, at the extrapolated
 * point, in a new direction's search) resume bit for bit. */
static void test_resume_bitwise(void)
{
    for (int which = 0; which < 3; ++which) {
        gpuopt_problem *p = line_search_problem(which);
        gpuopt_optimizer *whole = NULL;
        gpuopt_result *full = NULL;
        gpuopt_optimizer_create(&whole, ctx, "powell");
        gpuopt_status st_full = gpuopt_minimize(whole, p, &full);
        int64_t total = full ? gpuopt_result_n_evaluations(full) : 0;
        for (int at = 1; full && at < total; at += 1 + at / 4) {
            gpuopt_image *img = capture_after(p, at);
            gpuopt_optimizer *second = NULL;
            gpuopt_result *resumed = NULL;
            gpuopt_optimizer_create(&second, ctx, "powell");
            if (img && gpuopt_image_apply(second, p, img, 0) == GPUOPT_SUCCESS) {
                CHECK(gpuopt_optimizer_continue(second, p, &resumed) == st_full);
                CHECK_MSG(resumed && same_result(full, resumed), "problem %d: resumed after %d "
                          "differs", which, at);
            } else {
                CHECK_MSG(0, "problem %d: could not resume after %d evaluations", which, at);
            }
            gpuopt_result_destroy(&resumed);
            gpuopt_optimizer_destroy(&second);
            gpuopt_image_free(&img);
        }
        gpuopt_result_destroy(&full);
        gpuopt_optimizer_destroy(&whole);
        gpuopt_problem_destroy(&p);
    }
}

/* The OpenCL backend (when it has a device) follows the CPU run bit for bit. */
static void test_opencl(void)
{
    gpuopt_context *ocl = NULL;
    if (gpuopt_context_create(&ocl, "opencl") != GPUOPT_SUCCESS) {
        printf("opencl: %s: powell not run there\n", gpuopt_last_error());
        return;
    }
    for (int which = 0; which < 3; ++which) {
        gpuopt_problem *p = line_search_problem(which);
        gpuopt_optimizer *a = NULL, *b = NULL;
        gpuopt_result *on_cpu = NULL, *on_ocl = NULL;
        gpuopt_optimizer_create(&a, ctx, "powell");
        gpuopt_optimizer_create(&b, ocl, "powell");
        CHECK(gpuopt_minimize(a, p, &on_cpu) == gpuopt_minimize(b, p, &on_ocl));
        int same = on_cpu && on_ocl && same_result(on_cpu, on_ocl);
        CHECK_MSG(same, "problem %d: opencl differs from cpu", which);
        printf("opencl (%s): powell on problem %d %s the cpu run\n", gpuopt_context_device(ocl),
               which, same ? "equals" : "differs from");
        gpuopt_result_destroy(&on_cpu);
        gpuopt_result_destroy(&on_ocl);
        gpuopt_optimizer_destroy(&a);
        gpuopt_optimizer_destroy(&b);
        gpuopt_problem_destroy(&p);
    }
    gpuopt_context_destroy(&ocl);
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    test_descriptor();
    test_against_scipy();
    test_points_stay_inside();
    test_budgets();
    test_matrix();
    test_resume_bitwise();
    test_opencl();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
