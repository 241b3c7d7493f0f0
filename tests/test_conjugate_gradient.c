/* conjugate_gradient (scipy_conjugate_gradient): the problem matrix, scipy's reference numbers,
 * bitwise resumption, the extra acceptance condition of the shared line search, bounds refused,
 * and bad input. */
#include "local_solvers.h"
#include "src/algorithms/local/local.h"

static void test_alias_and_bounds(gpuopt_context *ctx)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_conjugate_gradient", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "conjugate_gradient"));
    CHECK(info.properties & GPUOPT_PROP_USES_GRADIENT);
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "sphere", 4);
    gpuopt_optimizer *o = make_optimizer(ctx, "conjugate_gradient", NULL);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "conjugate_gradient does not support bounds");
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* The curvature constant defaults to scipy's 0.4 for CG; c1 >= c2 is refused at setup. */
static void test_line_search_options(gpuopt_context *ctx)
{
    gpuopt_optimizer *o = make_optimizer(ctx, "conjugate_gradient", NULL);
    char value[64];
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "curvature_condition", value, sizeof value),
                 GPUOPT_SUCCESS);
    CHECK(!strcmp(value, "0.4"));
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "armijo_condition=0.5"), GPUOPT_SUCCESS);
    counted c;
    gpuopt_problem *p = counted_problem(&c, "sphere", 3, 0, 0);
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    outcome r = run_counted(ctx, "conjugate_gradient", "curvature_condition=0.1", "rosenbrock",
                            2, 0, 1);
    CHECK_MSG(r.status == GPUOPT_STOP_GRADIENT_TOLERANCE && r.fun < 1e-9, "c2=0.1: %g", r.fun);
}

/* With an extra condition, a dcsrch step that fails it sends the search to wolfe2, whose
 * candidates go through the condition again (scipy's _line_search_wolfe12). */
static void test_extra_condition(void)
{
    local_linesearch ls;
    local_ls_setup(&ls, 1e-4, 0.4, 1e-100, 1e100, 1);
    int action = local_ls_start(&ls, 9.0, -6.0, 9.0 + 3.0);
    int checks = 0, evaluations = 0;
    while ((action == LS_EVALUATE || action == LS_CHECK) && evaluations < 60) {
        if (action == LS_CHECK) {
            /* reject every candidate of wolfe1, accept wolfe2's */
            action = local_ls_checked(&ls, ls.method == 2);
            ++checks;
            continue;
        }
        ++evaluations;
        double a = ls.alpha;
        action = local_ls_tell(&ls, (a - 3) * (a - 3), 2 * (a - 3));
    }
    CHECK_MSG(action == LS_DONE && ls.method == 2 && checks == 2,
              "action %d, method %d, %d checks", action, ls.method, checks);
    double a = ls.alpha;
    CHECK(ls.phi <= 9.0 - 6e-4 * a && fabs(2 * (a - 3)) <= 0.4 * 6.0);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_context_create(&ctx, "cpu");
    test_alias_and_bounds(ctx);
    test_line_search_options(ctx);
    test_extra_condition();
    /* ellipsoid n = 50 with forward differences stops at the evaluation budget (1e6) at a gap of
     * about 1.5e-10; scipy's CG needs 1.1e6 evaluations there and ends at 1.8e-5 */
    check_matrix(ctx, "conjugate_gradient", NULL, 1e-9);
    check_against_scipy(ctx, "conjugate_gradient");
    check_resume(ctx, "conjugate_gradient", NULL, "rosenbrock", 6, 0);
    check_bad_input(ctx, "conjugate_gradient", NULL, 0);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
