/* dfols on residual problems given as user callbacks (tests/dfo_problems.h): convergence to
 * the known minima, variants (random directions, resets, no preconditioning), evaluations to
 * tau = 1e-3 against the DFO-LS package (tests/reference/dfo_reference.py -> dfo_reference.txt),
 * one batch for the start points, the alias, and the option errors. */
#include "dfo_problems.h"

/* tests/reference/dfo_reference.txt: the DFO-LS package 1.6.5 with its defaults, evaluations
 * to reach tau = 1e-3, in the order of DFO_PROBLEMS. */
static const long DFOLS_EVALS_TO_TAU[DFO_N_PROBLEMS] = {28, 9, 8, 11, 19};

static gpuopt_context *ctx;

static void test_problems(const char *settings)
{
    dfo_check_problems(ctx, "dfols", settings, "DFO-LS", DFOLS_EVALS_TO_TAU);
}

static void test_options_and_errors(void)
{
    dfo_check_descriptor("nag_dfols", "dfols");
    CHECK_STATUS(dfo_init_error(ctx, "dfols", "initial_directions=diagonal", "coordinate"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "dfols",
                                "convergence.minimal_trustregion_radius_tolerance=0.5",
                                "must be smaller than trustregion.initial_radius"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "dfols", "trustregion.threshold_successful=0.9",
                                "must not exceed"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "dfols", "trustregion.expansion_factor_successful=5",
                                "must not exceed"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(dfo_init_error(ctx, "dfols", "trustregion.shrinking_factor_lower_radius=1",
                                "(0, 1)"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_problem *p = dfo_make_problem(&DFO_PROBLEMS[0]);
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "dfols"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "noise_additive_level=1"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "noise_multiplicative_level=0.1"),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_OPTION_RANGE);
    CHECK(strstr(gpuopt_optimizer_errmsg(o), "not both") != NULL);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_context_set_threads(ctx, 1), GPUOPT_SUCCESS);
    test_problems("");
    test_problems("initial_directions=random");
    test_problems("initial_directions=random;random_directions_orthogonal=false");
    test_problems("trustregion.precondition_interpolation=false");
    test_problems("trustregion.reset_options.use_resets=true;"
                  "trustregion.reset_options.max_consecutive_unsuccessful_resets=2");
    test_options_and_errors();
    dfo_check_budget(ctx, "dfols");
    dfo_check_one_batch(ctx, "dfols");
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
