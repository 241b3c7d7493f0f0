/* truncated_newton (scipy_truncated_newton): the problem matrix, scipy's reference numbers (with
 * a user gradient, scipy's TNC reached bit for bit), bounds (active constraints, points inside
 * the box, fixed variables), options, criterion kinds, bitwise resumption, OpenCL, bad input. */
#include "newton_solvers.h"

static void test_alias(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_truncated_newton", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "truncated_newton"));
    CHECK(info.properties & GPUOPT_PROP_USES_GRADIENT);
    CHECK(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS);
}

/* With the user gradient, the run is scipy's tnc.c step for step: the same final values, bit
 * for bit, from every start (the reference rows are medians of 5 starts; ours are too). */
static void test_same_as_scipy(gpuopt_context *ctx)
{
    int rows = 0;
    for (size_t i = 0; i < sizeof newton_rows / sizeof newton_rows[0]; ++i) {
        const scipy_row *s = &newton_rows[i];
        if (strcmp(s->algorithm, "truncated_newton") || !s->analytic)
            continue;
        double fun[STARTS];
        for (int k = 0; k < STARTS; ++k)
            fun[k] = newton_run(ctx, s->algorithm, NULL, s->problem, s->dim, s->bounded, 1, k,
                                NAN)
                         .fun;
        double f = newton_median(fun, STARTS);
        CHECK_MSG(f == s->fun, "%s n=%zu %s: f = %.17g, scipy %.17g", s->problem, s->dim,
                  s->bounded ? "bounded" : "unbounded", f, s->fun);
        ++rows;
    }
    CHECK(rows == 8);
}

/* ----------------------------------------------------------------- bounds */

typedef struct boxed {
    const double *lower, *upper;
    size_t dim;
    int64_t outside, n;
} boxed;

/* sum (x_i - 3 + i)^2, counting points outside the box. */
static int boxed_batch(const double *X, size_t n_points, double *out, void *user)
{
    boxed *b = user;
    for (size_t k = 0; k < n_points; ++k) {
        const double *x = X + k * b->dim;
        double s = 0;
        for (size_t i = 0; i < b->dim; ++i) {
            double d = x[i] - 3.0 + (double)i;
            s += d * d;
            b->outside += x[i] < b->lower[i] || x[i] > b->upper[i];
        }
        out[k] = s;
        ++b->n;
    }
    return 0;
}

static int boxed_gradient(const double *x, size_t dim, double *g, void *user)
{
    (void)user;
    for (size_t i = 0; i < dim; ++i)
        g[i] = 2.0 * (x[i] - 3.0 + (double)i);
    return 0;
}

/* The unconstrained minimum (3, 2, 1, 0) lies outside the box in coordinates 0 and 3: the
 * solution is on those bounds, every point evaluated lies inside the box; a variable fixed by
 * lower == upper stays put (with a user gradient; finite differences refuse it). */
static void run_boxed(gpuopt_context *ctx, const double *lower, const double *upper,
                      int analytic, const double *expect, gpuopt_status want)
{
    double x0[4] = {0.5, 0.5, 0.5, 1.5};
    boxed b = {lower, upper, 4, 0, 0};
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 4);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, boxed_batch, &b, 0);
    gpuopt_problem_set_bounds(p, lower, upper);
    gpuopt_problem_set_start(p, x0);
    if (analytic)
        gpuopt_problem_set_gradient(p, boxed_gradient, NULL);
    gpuopt_optimizer *o = make_optimizer(ctx, "truncated_newton", NULL);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    if (want < 0) {
        CHECK_STATUS(st, want);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "fixed by");
    } else {
        CHECK_MSG(st > 0 && r, "boxed: %s (%s)", gpuopt_status_name(st),
                  gpuopt_optimizer_errmsg(o));
        const double *x = r ? gpuopt_result_x(r) : expect;
        for (size_t i = 0; i < 4; ++i)
            CHECK_MSG(fabs(x[i] - expect[i]) <= 1e-6, "boxed (%s): x[%zu] = %.9g, expected %g",
                      analytic ? "gradient" : "numdiff", i, x[i], expect[i]);
        CHECK_MSG(b.outside == 0, "%lld coordinates of evaluated points left the box",
                  (long long)b.outside);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

static void test_bounds(gpuopt_context *ctx)
{
    double lower[4] = {-5, -5, -5, 1}, upper[4] = {2.5, 5, 5, 5};
    double expect[4] = {2.5, 2, 1, 1};
    run_boxed(ctx, lower, upper, 1, expect, GPUOPT_SUCCESS);
    run_boxed(ctx, lower, upper, 0, expect, GPUOPT_SUCCESS);
    double fixed_lower[4] = {-5, 0.5, -5, 1}, fixed_upper[4] = {2.5, 0.5, 5, 5};
    double fixed_expect[4] = {2.5, 0.5, 1, 1};
    run_boxed(ctx, fixed_lower, fixed_upper, 1, fixed_expect, GPUOPT_SUCCESS);
    run_boxed(ctx, fixed_lower, fixed_upper, 0, fixed_expect, GPUOPT_ERR_BAD_BOUNDS);
    double all_lower[4] = {0.5, 0.5, 0.5, 1.5};
    run_boxed(ctx, all_lower, all_lower, 1, all_lower, GPUOPT_ERR_BAD_BOUNDS);
}

/* --------------------------------------------------------------- options */

static void test_options(gpuopt_context *ctx)
{
    outcome steepest = newton_run(ctx, "truncated_newton", "max_hess_evaluations_per_iteration=0",
                                  "sphere", 10, 0, 1, 0, NAN);
    CHECK_MSG(steepest.status > 0 && steepest.fun < 1e-9, "maxCGit 0: %s f = %g",
              gpuopt_status_name(steepest.status), steepest.fun);
    outcome capped = newton_run(ctx, "truncated_newton", "stopping.max_iterations=3",
                                "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(capped.status, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(capped.iterations == 3);
    outcome ftol = newton_run(ctx, "truncated_newton", "convergence.absolute_criterion_tolerance=1",
                              "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(ftol.status, GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE);
    outcome xtol = newton_run(ctx, "truncated_newton", "convergence.absolute_params_tolerance=1",
                              "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(xtol.status, GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE);
    outcome budget = newton_run(ctx, "truncated_newton", "stopping.max_criterion_evaluations=100",
                                "rosenbrock", 10, 0, 0, 0, NAN);
    CHECK_STATUS(budget.status, GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(budget.nfev <= 100 + 11);
    const char *tuned = "line_search_severity=0.5;max_step_for_line_search=2;"
                        "finitie_difference_precision=1e-7;criterion_rescale_factor=0;"
                        "func_min_estimate=-1;convergence.absolute_gradient_tolerance=-1";
    outcome other = newton_run(ctx, "truncated_newton", tuned, "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_MSG(other.status > 0 && other.fun < 1e-8, "tuned options: %s f = %g",
              gpuopt_status_name(other.status), other.fun);
    outcome central =
        newton_run(ctx, "truncated_newton", "numdiff.method=central", "rosenbrock", 10, 1, 0, 0,
                   NAN);
    CHECK_MSG(central.fun < 1e-10, "central differences: f = %g", central.fun);
}

/* ------------------------------------------------------------- bad input */

static void test_bad_input(gpuopt_context *ctx)
{
    char buf[1024];
    const char *msg = buf;
    CHECK_STATUS(run_bad_gradient(ctx, "truncated_newton", NULL, 1, 1, buf, sizeof buf),
                 GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(msg, "gradient callback returned an error (7)");
    CHECK_STATUS(run_bad_gradient(ctx, "truncated_newton", NULL, 2, 1, buf, sizeof buf),
                 GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(msg, "user gradient is nan in coordinate 0");
    gpuopt_status st = run_bad_gradient(ctx, "truncated_newton", "error_handling=continue", 2, 1,
                                        buf, sizeof buf);
    CHECK_MSG(st > 0, "NaN gradient under continue: %s (%s)", gpuopt_status_name(st), msg);

    gpuopt_optimizer *o = make_optimizer(ctx, "truncated_newton", NULL);
    static const char *bad_range[] = {
        "convergence.absolute_gradient_tolerance=-2", "convergence.absolute_criterion_tolerance=-1",
        "convergence.absolute_params_tolerance=-1",   "max_hess_evaluations_per_iteration=-2",
        "line_search_severity=1",                     "finitie_difference_precision=1",
        "max_step_for_line_search=-1",                "criterion_rescale_factor=-3",
        "stopping.max_iterations=0",                  "numdiff.step_size=-1e-6",
    };
    for (size_t i = 0; i < sizeof bad_range / sizeof bad_range[0]; ++i)
        CHECK_MSG(gpuopt_optimizer_set_option(o, bad_range[i]) == GPUOPT_ERR_OPTION_RANGE,
                  "%s was accepted", bad_range[i]);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "finite_difference_precision=1e-6"),
                 GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "finitie_difference_precision");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "max_hess_evaluations_per_iteration=many"),
                 GPUOPT_ERR_OPTION_TYPE);
    gpuopt_optimizer_destroy(&o);
}

int main(void)
{
    gpuopt_context *ctx = newton_context("cpu");
    test_alias();
    test_same_as_scipy(ctx);
    test_bounds(ctx);
    test_options(ctx);
    test_bad_input(ctx);
    newton_criterion_kinds(ctx, "truncated_newton", NULL);
    newton_matrix(ctx, "truncated_newton", NULL, 1e-10);
    newton_against_scipy(ctx, "truncated_newton");
    check_resume(ctx, "truncated_newton", NULL, "rosenbrock", 5, 1);
    newton_same_on_opencl(ctx, "truncated_newton", NULL, "rosenbrock", 10);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
