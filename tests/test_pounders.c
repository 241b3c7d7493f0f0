/* pounders on residual problems given as user callbacks (tests/dfo_problems.h): convergence to
 * the known minima, both subproblem solvers, evaluations to tau = 1e-3 against estimagic's
 * pounders (tests/reference/dfo_reference.py -> dfo_reference.txt), one batch for the start
 * points, the alias, the option errors, and Osborne 1's outlier point. */
#include "dfo_problems.h"

/* tests/reference/dfo_reference.txt: estimagic 0.4.6 pounders (bntr), evaluations to reach
 * tau = 1e-3, in the order of DFO_PROBLEMS. */
static const long ESTIMAGIC_EVALS_TO_TAU[DFO_N_PROBLEMS] = {24, 10, 34, 14, 17};

static gpuopt_context *ctx;

static void test_problems(const char *settings)
{
    dfo_check_problems(ctx, "pounders", settings, "estimagic", ESTIMAGIC_EVALS_TO_TAU);
}

static void test_options_and_errors(void)
{
    dfo_check_descriptor("tao_pounders", "pounders");
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "trustregion.subproblem_solver=lbfgs", "bntr"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "trustregion.minimal_radius=0.5",
                                "minimal_radius <= initial_radius <= maximal_radius"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "trustregion.maximal_radius=0.01",
                                "minimal_radius <= initial_radius <= maximal_radius"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "max_interpolation_points=2", "[3, 6]"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "max_interpolation_points=7", "[3, 6]"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "trustregion.threshold_successful=0.5",
                                "must not exceed"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "pounders", "trustregion.initial_radius=0", "(0, inf]"),
                 GPUOPT_ERR_OPTION_RANGE);
    /* a scalar criterion is refused */
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 3), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "pounders"), GPUOPT_SUCCESS);
    CHECK(gpuopt_minimize(o, p, &r) < 0);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* Osborne 1 from x_s: an early long step makes an exponential blow up (f ~ 1e20). Kept in the
 * models, that point dominated the inherited Hessians and the run stalled at gap 0.31 (estimagic
 * 0.4.6: 0.29, tests/reference/dfo_reference.txt); it is now left out of the models (outlier). */
static void test_outlier_point_left_out(void)
{
    const gpuopt_problem_info *info = gpuopt_problem_info_find("mw_osborne1_5_33");
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK(info != NULL);
    if (!info)
        return;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, info->name, 5), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "pounders"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_criterion_evaluations=600"),
                 GPUOPT_SUCCESS);
    CHECK(gpuopt_minimize(o, p, &r) > 0);
    if (r) {
        double fstar = info->best_known_value;
        double gap = (gpuopt_result_fun(r) - fstar) / (info->start_value - fstar);
        CHECK_MSG(gap < 0.02, "pounders on Osborne 1: gap %g, expected < 0.02", gap);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_context_set_threads(ctx, 1), GPUOPT_SUCCESS);
    test_problems("");
    test_problems("trustregion.subproblem_solver=gqtpar");
    test_problems("trustregion.subsolver.conjugate_gradient_method=cg");
    test_problems("trustregion.subsolver.conjugate_gradient_method=steihaug_toint");
    test_problems("max_interpolation_points=auto;c1=2;theta2=1e-3");
    test_options_and_errors();
    test_outlier_point_left_out();
    dfo_check_budget(ctx, "pounders");
    dfo_check_one_batch(ctx, "pounders");
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
