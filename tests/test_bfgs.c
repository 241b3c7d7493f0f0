/* bfgs (scipy_bfgs): the problem matrix, scipy's reference numbers, bitwise resumption, the
 * wolfe2 fallback of the shared line search, bounds refused, and bad input. */
#include "local_solvers.h"
#include "src/algorithms/local/local.h"

static void test_alias_and_bounds(gpuopt_context *ctx)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_bfgs", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "bfgs"));
    CHECK(info.properties & GPUOPT_PROP_USES_GRADIENT);
    CHECK(!(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS));
    /* the built-in problem has its box: refused, unless ignore_bounds */
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "rosenbrock", 3);
    gpuopt_optimizer *o = make_optimizer(ctx, "bfgs", NULL);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "does not support bounds");
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "ignore_bounds=true");
    gpuopt_result_destroy(&r);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "ignore_bounds=true"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_GRADIENT_TOLERANCE);
    CHECK(gpuopt_result_fun(r) < 1e-9);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* The options checked at setup: norm 0, c1 >= c2. */
static void test_setup_errors(gpuopt_context *ctx)
{
    counted c;
    gpuopt_problem *p = counted_problem(&c, "sphere", 3, 0, 0);
    const char *bad[] = {"norm=0", "armijo_condition=0.9;curvature_condition=0.5"};
    const char *says[] = {"norm must not be 0", "0 < armijo_condition < curvature_condition"};
    for (int k = 0; k < 2; ++k) {
        gpuopt_optimizer *o = make_optimizer(ctx, "bfgs", bad[k]);
        CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_OPTION_RANGE);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), says[k]);
        gpuopt_optimizer_destroy(&o);
    }
    counted_free(&c, &p);
}

/* Other norms and central differences still solve a problem; xrtol stops early. */
static void test_options(gpuopt_context *ctx)
{
    outcome r = run_counted(ctx, "bfgs", "norm=2", "rosenbrock", 2, 0, 0);
    CHECK_MSG(r.status == GPUOPT_STOP_GRADIENT_TOLERANCE && r.fun < 1e-9, "norm=2: %g", r.fun);
    outcome central = run_counted(ctx, "bfgs", "numdiff.method=central", "rosenbrock", 2, 0, 0);
    outcome forward = run_counted(ctx, "bfgs", NULL, "rosenbrock", 2, 0, 0);
    CHECK_MSG(central.fun < 1e-10 && central.nfev > forward.nfev,
              "central: f %g, %lld evaluations (forward %lld)", central.fun,
              (long long)central.nfev, (long long)forward.nfev);
    outcome early = run_counted(ctx, "bfgs", "convergence.relative_params_tolerance=1e-2",
                                "rosenbrock", 2, 0, 1);
    CHECK_STATUS(early.status, GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE);
    outcome capped = run_counted(ctx, "bfgs", "stopping.max_iterations=5", "rosenbrock", 10, 0, 1);
    CHECK_STATUS(capped.status, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(capped.iterations == 5);
}

/* phi(a) = (a - 3)^2 with phi'(0) = -6: the first trial step (a = 1) gets +inf (as a failed
 * point does), dcsrch cannot continue, wolfe2 takes over, zooms, and returns a step satisfying
 * the strong Wolfe conditions. */
static void test_wolfe2_fallback(void)
{
    local_linesearch ls;
    local_ls_setup(&ls, 1e-4, 0.9, 1e-100, 1e100, 0);
    int action = local_ls_start(&ls, 9.0, -6.0, INFINITY);
    CHECK(action == LS_EVALUATE && ls.alpha == 1.0 && ls.want == LOCAL_PROBE_VALUE_GRADIENT);
    action = local_ls_tell(&ls, INFINITY, INFINITY);
    CHECK(action == LS_EVALUATE && ls.method == 2 && ls.want == LOCAL_PROBE_VALUE);
    int steps = 0, poisoned = 1;
    while (action == LS_EVALUATE && steps++ < 40) {
        double a = ls.alpha, phi = (a - 3) * (a - 3), derphi = 2 * (a - 3);
        if (poisoned && ls.want == LOCAL_PROBE_VALUE) { /* the first wolfe2 trial: +inf again */
            phi = INFINITY;
            poisoned = 0;
        }
        action = local_ls_tell(&ls, phi, derphi);
    }
    CHECK_MSG(action == LS_DONE && ls.have_gradient, "wolfe2 ended with %d", action);
    double a = ls.alpha;
    CHECK(ls.phi == (a - 3) * (a - 3));
    CHECK_MSG(ls.phi <= 9.0 + 1e-4 * a * -6.0 && fabs(2 * (a - 3)) <= 0.9 * 6.0,
              "alpha %g is not a strong Wolfe step", a);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_context_create(&ctx, "cpu");
    test_alias_and_bounds(ctx);
    test_setup_errors(ctx);
    test_options(ctx);
    test_wolfe2_fallback();
    check_matrix(ctx, "bfgs", NULL, 1e-10);
    check_against_scipy(ctx, "bfgs");
    check_resume(ctx, "bfgs", NULL, "rosenbrock", 6, 0);
    check_bad_input(ctx, "bfgs", NULL, 0);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
