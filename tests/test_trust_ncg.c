/* trust_ncg: the problem matrix, scipy's reference numbers, the finite-difference Hessian as
 * one batch (and from the user gradient with no evaluations), the trust-region options, bounds
 * refused, a Hessian too large for the device, criterion kinds, bitwise resumption, OpenCL,
 * bad input. */
#include "newton_solvers.h"

static void test_alias_and_bounds(gpuopt_context *ctx)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("scipy_trust_ncg", &info), GPUOPT_SUCCESS);
    CHECK(!strcmp(info.name, "trust_ncg"));
    CHECK(info.properties & GPUOPT_PROP_USES_GRADIENT);
    CHECK(!(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS));
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, "rosenbrock", 3);
    gpuopt_optimizer *o = make_optimizer(ctx, "trust_ncg", NULL);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "ignore_bounds=true");
    gpuopt_result_destroy(&r);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "ignore_bounds=true"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_STOP_GRADIENT_TOLERANCE);
    CHECK(r && gpuopt_result_fun(r) < 1e-10);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* Drives a run by ask/tell on rosenbrock at dim 5 and returns the largest batch: the Hessian
 * stencil without its row 0, whose value is known. */
static size_t largest_batch(gpuopt_context *ctx, const char *options)
{
    counted c;
    gpuopt_problem *p = counted_problem(&c, "rosenbrock", 5, 0, 0);
    gpuopt_optimizer *o = make_optimizer(ctx, "trust_ncg", options);
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    size_t largest = 0;
    for (int b = 0; b < 200; ++b) {
        const double *X;
        size_t n;
        double f[128];
        if (gpuopt_optimizer_ask(o, &X, &n) != GPUOPT_SUCCESS || n > 128)
            break;
        largest = n > largest ? n : largest;
        counted_batch(X, n, f, &c);
        if (gpuopt_optimizer_tell(o, f, n) != GPUOPT_SUCCESS)
            break;
    }
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    return largest;
}

/* One batch per Hessian: forward 2n + n(n-1)/2 points, central_cross 4n + 2n(n-1). With a user
 * gradient the Hessian costs no evaluations (one per iteration: the trial point), unless
 * numdiff.hessian_source=values. */
static void test_hessian(gpuopt_context *ctx)
{
    size_t forward = largest_batch(ctx, NULL);
    size_t cross = largest_batch(ctx, "numdiff.hessian_method=central_cross");
    CHECK_MSG(forward == 2 * 5 + 10 && cross == 4 * 5 + 2 * 5 * 4,
              "Hessian batches of %zu and %zu points", forward, cross);
    outcome user = newton_run(ctx, "trust_ncg", NULL, "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_MSG(user.status == GPUOPT_STOP_GRADIENT_TOLERANCE && user.nfev == user.iterations + 1,
              "user gradient: %lld evaluations for %lld iterations", (long long)user.nfev,
              (long long)user.iterations);
    outcome values = newton_run(ctx, "trust_ncg", "numdiff.hessian_source=values", "rosenbrock",
                                10, 0, 1, 0, NAN);
    CHECK_MSG(values.status == GPUOPT_STOP_GRADIENT_TOLERANCE &&
                  values.nfev > 30 * values.iterations,
              "value stencil with a user gradient: %lld evaluations, %lld iterations",
              (long long)values.nfev, (long long)values.iterations);
    outcome average = newton_run(ctx, "trust_ncg", "numdiff.hessian_method=central_average",
                                 "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(average.status, GPUOPT_STOP_GRADIENT_TOLERANCE);
}

/* A Hessian whose stencil cannot fit: refused before anything is allocated, naming the sizes. */
static void test_too_large(gpuopt_context *ctx)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 100000), GPUOPT_SUCCESS);
    gpuopt_optimizer *o = make_optimizer(ctx, "trust_ncg", "ignore_bounds=true");
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_OUT_OF_MEMORY);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "Hessian stencil at dimension 100000 has");
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "points");
    printf("trust_ncg at dimension 100000: %s\n", gpuopt_optimizer_errmsg(o));
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

static void test_options(gpuopt_context *ctx)
{
    counted c;
    gpuopt_problem *p = counted_problem(&c, "sphere", 3, 0, 0);
    gpuopt_optimizer *o = make_optimizer(ctx, "trust_ncg", "trustregion.initial_radius=2000");
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "must be less than trustregion.maximal_radius");
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    o = make_optimizer(ctx, "trust_ncg", NULL);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "trustregion.threshold_successful=0.25"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "trustregion.initial_radius=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "trustregion.maximal_radius=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.hessian_source=gradients"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);
    /* steps of at most 0.1 need at least |x* - x0| / 0.1 = 22 iterations on rosenbrock 2 */
    outcome small = newton_run(ctx, "trust_ncg",
                               "trustregion.initial_radius=0.05;trustregion.maximal_radius=0.1",
                               "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_MSG(small.status == GPUOPT_STOP_GRADIENT_TOLERANCE && small.iterations >= 22,
              "maximal radius 0.1: %s after %lld iterations",
              gpuopt_status_name(small.status), (long long)small.iterations);
    outcome strict = newton_run(ctx, "trust_ncg", "trustregion.threshold_successful=0",
                                "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK_STATUS(strict.status, GPUOPT_STOP_GRADIENT_TOLERANCE);
    outcome loose = newton_run(ctx, "trust_ncg", "convergence.absolute_gradient_tolerance=1",
                               "rosenbrock", 2, 0, 1, 0, NAN);
    CHECK(loose.status == GPUOPT_STOP_GRADIENT_TOLERANCE && loose.iterations < small.iterations);
    outcome capped =
        newton_run(ctx, "trust_ncg", "stopping.max_iterations=4", "rosenbrock", 10, 0, 1, 0, NAN);
    CHECK_STATUS(capped.status, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(capped.iterations == 4);
}

int main(void)
{
    gpuopt_context *ctx = newton_context("cpu");
    test_alias_and_bounds(ctx);
    test_hessian(ctx);
    test_too_large(ctx);
    test_options(ctx);
    newton_criterion_kinds(ctx, "trust_ncg", "ignore_bounds=true");
    newton_matrix(ctx, "trust_ncg", NULL, 1e-10);
    newton_against_scipy(ctx, "trust_ncg");
    check_resume(ctx, "trust_ncg", NULL, "rosenbrock", 5, 0);
    newton_same_on_opencl(ctx, "trust_ncg", "ignore_bounds=true", "rosenbrock", 10);
    check_bad_input(ctx, "trust_ncg", NULL, 0);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
