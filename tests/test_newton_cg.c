/* newton_cg (scipy_newton_cg): the problem matrix, scipy's reference numbers, both ways of
 * getting Hessian-vector products, bounds refused, criterion kinds, bitwise resumption, the
 * same result on OpenCL, and bad input. */
#include "newton_solvers.h"

static void test_alias_and_bounds(gpuopt_context *ctx)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_newton_cg", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "newton_cg"));
    CHECK(info.properties & GPUOPT_PROP_USES_GRADIENT);
    CHECK(info.properties & GPUOPT_PROP_LOCAL);
    CHECK(!(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS));
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "rosenbrock", 3);
    gpuopt_optimizer *o = make_optimizer(ctx, "newton_cg", NULL);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "does not support bounds");
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "ignore_bounds=true");
    gpuopt_result_destroy(&r);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "ignore_bounds=true"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE);
    CHECK_MSG(r && gpuopt_result_fun(r) < 1e-9, "rosenbrock 3: f = %g",
              r ? gpuopt_result_fun(r) : NAN);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* With a user gradient the products are scipy's (no evaluations, the same evaluation count as
 * scipy); hessian=matrix uses the Hessian of the user gradient's differences instead; with
 * finite differences, hessian=products is scipy's noisy choice and auto the matrix. */
static void test_hessian_modes(gpuopt_context *ctx)
{
    const scipy_row *s = newton_case("newton_cg", "rosenbrock", 2, 0, 1);
    outcome products = newton_run(ctx, "newton_cg", NULL, "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_MSG(s && products.nfev == s->nfev && products.at_gap == s->at_gap,
              "products: %lld evaluations (%lld to gap), scipy %lld (%lld)",
              (long long)products.nfev, (long long)products.at_gap, s ? (long long)s->nfev : -1,
              s ? (long long)s->at_gap : -1);
    outcome matrix = newton_run(ctx, "newton_cg", "hessian=matrix", "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_MSG(matrix.status == GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE && matrix.fun < 1e-8,
              "matrix with a user gradient: %s f = %g", gpuopt_status_name(matrix.status),
              matrix.fun);
    outcome fd_auto = newton_run(ctx, "newton_cg", NULL, "ellipsoid", 10, 0, 0, 0, NAN);
    outcome fd_products =
        newton_run(ctx, "newton_cg", "hessian=products", "ellipsoid", 10, 0, 0, 0, NAN);
    printf("newton_cg ellipsoid 10, finite differences: matrix f = %g, products f = %g\n",
           fd_auto.fun, fd_products.fun);
    CHECK(fd_auto.fun < 1e-9 && fd_auto.fun < fd_products.fun);
}

/* The options checked at setup, the convergence options, the budget. */
static void test_options(gpuopt_context *ctx)
{
    counted c;
    gpuopt_problem *p = counted_problem(&c, "sphere", 3, 0, 0);
    gpuopt_optimizer *o =
        make_optimizer(ctx, "newton_cg", "armijo_condition=0.9;curvature_condition=0.5");
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "0 < armijo_condition < curvature_condition");
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    o = make_optimizer(ctx, "newton_cg", NULL);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "hessian=exact"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.hessian_vector_step=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.hessian_method=central"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);

    outcome early = newton_run(ctx, "newton_cg", "convergence.relative_params_tolerance=1e-1",
                               "rosenbrock", 2, 0, 1, 0, NAN);
    outcome full = newton_run(ctx, "newton_cg", NULL, "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_STATUS(early.status, GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE);
    CHECK(early.iterations < full.iterations);
    outcome gtol = newton_run(ctx, "newton_cg", "convergence.absolute_gradient_tolerance=1e-2",
                              "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_STATUS(gtol.status, GPUOPT_STOP_GRADIENT_TOLERANCE);
    outcome capped =
        newton_run(ctx, "newton_cg", "stopping.max_iterations=5", "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(capped.status, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(capped.iterations == 5);
    outcome central = newton_run(ctx, "newton_cg", "numdiff.method=central;numdiff.hessian_method="
                                                   "central_cross",
                                 "rosenbrock", 2, 0, 0, 0, NAN);
    CHECK_MSG(central.fun < 1e-9, "central differences: f = %g", central.fun);
}

int main(void)
{
    gpuopt_context *ctx = newton_context("cpu");
    test_alias_and_bounds(ctx);
    test_hessian_modes(ctx);
    test_options(ctx);
    newton_criterion_kinds(ctx, "newton_cg", "ignore_bounds=true");
    newton_matrix(ctx, "newton_cg", NULL, 1e-7);
    newton_against_scipy(ctx, "newton_cg");
    check_resume(ctx, "newton_cg", NULL, "rosenbrock", 5, 0);
    newton_same_on_opencl(ctx, "newton_cg", "ignore_bounds=true", "rosenbrock", 10);
    check_bad_input(ctx, "newton_cg", NULL, 0);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
