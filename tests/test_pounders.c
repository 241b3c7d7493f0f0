/* pounders on residual problems given as user callbacks (tests/dfo_problems.h): convergence to
 * the known minima, both subproblem solvers, evaluations to tau = 1e-3 against estimagic's
 * pounders (tests/reference/dfo_reference.py -> dfo_reference.txt), one batch for the start
 * points, the alias, and the option errors. */
#include "dfo_problems.h"

/* tests/reference/dfo_reference.txt: estimagic 0.4.6 pounders (bntr), evaluations to reach
 * tau = 1e-3, in the order of DFO_PROBLEMS. */
static const long ESTIMAGIC_EVALS_TO_TAU[DFO_N_PROBLEMS] = {24, 10, 34, 14, 17};

static gpuopt_context *ctx;

static void test_problems(const char *settings)
{
    for (size_t i = 0; i < DFO_N_PROBLEMS; ++i) {
        const dfo_problem *d = &DFO_PROBLEMS[i];
        static dfo_recorder rec;
        gpuopt_status st;
        gpuopt_result *r = dfo_run(ctx, "pounders", settings, d, &rec, &st);
        if (!r)
            continue;
        double f = gpuopt_result_fun(r), f0 = rec.values[0];
        long to_tau = dfo_evals_to_tau(&rec, 1e-3);
        printf("pounders [%s] %-20s f %.3e (f* %.3e) %ld evaluations to tau (estimagic %ld), "
               "%zu in all, %s\n",
               settings, d->name, f, d->fstar, to_tau, ESTIMAGIC_EVALS_TO_TAU[i], rec.count,
               gpuopt_status_name(st));
        CHECK_MSG(f - d->fstar <= 1e-5 * (f0 - d->fstar), "%s: f %g", d->name, f);
        CHECK_MSG(to_tau > 0 && to_tau <= 2 * ESTIMAGIC_EVALS_TO_TAU[i] + 2 * (long)(d->dim + 1),
                  "%s: %ld evaluations to tau, estimagic %ld", d->name, to_tau,
                  ESTIMAGIC_EVALS_TO_TAU[i]);
        CHECK((size_t)gpuopt_result_n_evaluations(r) == rec.count);
        if (d->bounded) {
            const double *x = gpuopt_result_x(r);
            for (size_t j = 0; j < d->dim; ++j)
                CHECK(x[j] >= d->lower[j] && x[j] <= d->upper[j]);
        }
        gpuopt_result_destroy(&r);
    }
}

static void test_options_and_errors(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("tao_pounders", &info), GPUOPT_SUCCESS);
    CHECK(strcmp(info.name, "pounders") == 0);
    CHECK(info.criterion_kinds == GPUOPT_CRITERION_LEAST_SQUARES);
    CHECK(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS);
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

/* The budget cuts a batch: the n + 1 start points with a budget of 2 evaluate only 2. */
static void test_budget(void)
{
    static dfo_recorder rec;
    gpuopt_status st;
    gpuopt_result *r = dfo_run(ctx, "pounders", "stopping.max_criterion_evaluations=2",
                               &DFO_PROBLEMS[3], &rec, &st);
    CHECK_STATUS(st, GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(rec.count == 2);
    gpuopt_result_destroy(&r);
}

/* The n + 1 start points arrive as one batch of the user's batch criterion. */
static size_t first_batch;
static int batch_residuals(const double *X, size_t n_points, double *out, void *user)
{
    (void)user;
    if (!first_batch)
        first_batch = n_points;
    for (size_t i = 0; i < n_points; ++i)
        dfo_powell_singular(X + 4 * i, 4, out + 4 * i, NULL);
    return 0;
}

static void test_one_batch(void)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 4), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 4,
                                                    batch_residuals, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, DFO_PROBLEMS[3].x0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "pounders"), GPUOPT_SUCCESS);
    CHECK(gpuopt_minimize(o, p, &r) > 0);
    CHECK_MSG(first_batch == 5, "first batch of %zu points", first_batch);
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
    test_budget();
    test_one_batch();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
