/* The algorithm x problem matrix: each algorithm reaches the known minimum of the problems it is
 * meant for, within a stated tolerance and budget, over several seeds. Global algorithms get
 * multimodal problems; local ones get unimodal ones. A row passes when at least
 * `min_successes` of the seeds reach |f - f*| <= tol. Rows name an algorithm by its name or by
 * the seed catalogue's alias (scipy_lbfgsb, ...), and every alias of every registered algorithm
 * must resolve to it. The same matrix runs on OpenCL in test_opencl_matrix (MATRIX_BACKEND). */
#include <math.h>
#include <string.h>

#ifndef MATRIX_BACKEND
#define MATRIX_BACKEND "cpu"
#endif

#include "check.h"
#include "gpuopt.h"

typedef struct matrix_row {
    const char *algorithm;
    const char *problem;
    size_t dim;
    const char *options; /* ';'-separated key=value */
    double tol;
    int n_seeds, min_successes;
} matrix_row;

#define GLOBAL_BUDGET "stopping.max_iterations=3000"
#define XNES_TOLS "convergence.criterion_tolerance=1e-14;convergence.relative_params_tolerance=1e-12"
#define DE_OPTS GLOBAL_BUDGET ";convergence.criterion_tolerance=1e-12;convergence.relative_params_tolerance=1e-10"

static const matrix_row rows[] = {
    {"de", "sphere", 5, DE_OPTS, 1e-8, 5, 5},
    {"de", "ellipsoid", 4, DE_OPTS, 1e-6, 5, 5},
    {"de", "rosenbrock", 2, DE_OPTS, 1e-6, 5, 5},
    {"de", "rastrigin", 2, DE_OPTS ";population_size=30", 1e-6, 5, 4},
    {"de", "ackley", 3, DE_OPTS, 1e-5, 5, 5},
    {"de", "griewank", 2, DE_OPTS ";population_size=40", 1e-6, 5, 4},
    {"de", "schwefel", 2, DE_OPTS, 1e-4, 5, 4},
    {"de", "levy", 3, DE_OPTS, 1e-6, 5, 5},
    {"de", "styblinski_tang", 3, DE_OPTS ";population_size=30", 1e-5, 5, 4},
    {"de", "zakharov", 3, DE_OPTS, 1e-6, 5, 5},
    {"pso", "sphere", 5, GLOBAL_BUDGET, 1e-8, 5, 5},
    {"pso", "ellipsoid", 4, GLOBAL_BUDGET, 1e-6, 5, 5},
    {"pso", "rosenbrock", 2, GLOBAL_BUDGET, 1e-5, 5, 4},
    {"pso", "rastrigin", 2, GLOBAL_BUDGET, 1e-6, 5, 4},
    {"pso", "ackley", 3, GLOBAL_BUDGET, 1e-5, 5, 4},
    {"pso", "griewank", 2, GLOBAL_BUDGET ";population_size=40", 1e-6, 5, 3},
    {"pso", "levy", 3, GLOBAL_BUDGET, 1e-6, 5, 4},
    {"pso", "styblinski_tang", 3, GLOBAL_BUDGET, 1e-5, 5, 4},
    {"pso", "zakharov", 3, GLOBAL_BUDGET, 1e-6, 5, 5},
    {"pygmo_pso", "sphere", 5, GLOBAL_BUDGET, 1e-8, 5, 5},
    {"pygmo_pso", "rastrigin", 2, GLOBAL_BUDGET, 1e-6, 5, 4},
    {"neldermead", "sphere", 5, "convergence.absolute_params_tolerance=1e-10", 1e-12, 1, 1},
    {"neldermead", "ellipsoid", 3, "convergence.absolute_params_tolerance=1e-10;convergence.absolute_criterion_tolerance=1e-14", 1e-10, 1, 1},
    {"neldermead", "rosenbrock", 4, "convergence.absolute_params_tolerance=1e-12;convergence.absolute_criterion_tolerance=1e-14", 1e-8, 1, 1},
    {"neldermead", "zakharov", 3, "convergence.absolute_params_tolerance=1e-10", 1e-10, 1, 1},
    {"neldermead", "sphere", 12, "adaptive=true;convergence.absolute_params_tolerance=1e-10", 1e-10, 1, 1},
    {"cmaes", "sphere", 10, "", 1e-8, 3, 3},
    {"cmaes", "ellipsoid", 10, "", 1e-8, 3, 3},
    {"cmaes", "rosenbrock", 5, "", 1e-8, 3, 2},
    {"cmaes", "rastrigin", 3, "restarts=bipop", 1e-8, 3, 3},
    {"cmaes", "ackley", 5, "restarts=ipop", 1e-7, 3, 3},
    {"sep_cmaes", "sphere", 10, "", 1e-8, 3, 3},
    {"sep_cmaes", "ellipsoid", 10, "", 1e-8, 3, 3},
    {"xnes", "sphere", 5, "initial_search_share=0.25;stopping.max_iterations=2000;" XNES_TOLS, 1e-8, 3, 3},
    {"xnes", "ellipsoid", 5, "initial_search_share=0.25;stopping.max_iterations=3000;" XNES_TOLS, 1e-8, 3, 3},
    {"powell", "sphere", 5, "", 1e-10, 1, 1},
    {"powell", "ellipsoid", 4, "", 1e-8, 1, 1},
    {"powell", "rosenbrock", 2, "", 1e-8, 1, 1},
    {"scipy_powell", "rosenbrock", 3, "", 1e-8, 1, 1},
    {"neldermead_parallel", "sphere", 5, "", 1e-6, 1, 1},
    {"neldermead_parallel", "rosenbrock", 2, "", 1e-6, 1, 1},
    {"lbfgsb", "sphere", 10, "", 1e-10, 1, 1},
    {"lbfgsb", "ellipsoid", 10, "convergence.relative_criterion_tolerance=1e-14", 1e-8, 1, 1},
    {"lbfgsb", "rosenbrock", 2, "", 1e-8, 1, 1},
    {"scipy_lbfgsb", "rosenbrock", 10, "", 1e-10, 1, 1},
    {"scipy_lbfgsb", "zakharov", 5, "", 1e-8, 1, 1},
    {"bfgs", "sphere", 10, "ignore_bounds=true", 1e-10, 1, 1},
    {"bfgs", "ellipsoid", 10, "ignore_bounds=true", 1e-8, 1, 1},
    {"bfgs", "rosenbrock", 2, "ignore_bounds=true", 1e-8, 1, 1},
    {"scipy_bfgs", "rosenbrock", 5, "ignore_bounds=true", 1e-8, 1, 1},
    {"conjugate_gradient", "sphere", 10, "ignore_bounds=true", 1e-10, 1, 1},
    {"conjugate_gradient", "rosenbrock", 2, "ignore_bounds=true", 1e-8, 1, 1},
    {"scipy_conjugate_gradient", "zakharov", 4, "ignore_bounds=true", 1e-8, 1, 1},
    {"newton_cg", "sphere", 10, "ignore_bounds=true", 1e-10, 1, 1},
    {"scipy_newton_cg", "rosenbrock", 4, "ignore_bounds=true", 1e-8, 1, 1},
    {"scipy_newton_cg", "logit", 5, "ignore_bounds=true", 1e-6, 1, 1},
    {"truncated_newton", "sphere", 10, "", 1e-10, 1, 1},
    {"scipy_truncated_newton", "rosenbrock", 4, "", 1e-8, 1, 1},
    {"scipy_truncated_newton", "ellipsoid", 4, "", 1e-8, 1, 1},
    {"trust_ncg", "sphere", 10, "ignore_bounds=true", 1e-10, 1, 1},
    {"scipy_trust_ncg", "rosenbrock", 4, "ignore_bounds=true", 1e-8, 1, 1},
    {"scipy_trust_ncg", "logit", 5, "ignore_bounds=true", 1e-6, 1, 1},
    {"bhhh", "logit", 5, "", 1e-6, 1, 1},
    {"pounders", "mw_rosenbrock_2_2", 2, "", 1e-8, 1, 1},
    {"pounders", "mw_powell_singular_4_4", 4, "", 1e-6, 1, 1},
    {"dfols", "mw_rosenbrock_2_2", 2, "", 1e-8, 1, 1},
    {"dfols", "mw_powell_singular_4_4", 4, "", 1e-6, 1, 1},
    {"scipy_ls_lm", "mw_rosenbrock_2_2", 2, "", 1e-12, 1, 1},
    {"ls_lm", "mw_helical_valley_3_3", 3, "", 1e-12, 1, 1},
    {"scipy_ls_trf", "mw_rosenbrock_2_2", 2, "", 1e-12, 1, 1},
    {"ls_trf", "mw_powell_singular_4_4", 4, "", 1e-10, 1, 1},
    {"scipy_ls_dogbox", "mw_box3d_3_10", 3, "", 1e-12, 1, 1},
    {"ls_dogbox", "mw_rosenbrock_2_2", 2, "", 1e-12, 1, 1},
};

static int apply_options(gpuopt_optimizer *o, const char *options)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", options);
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";")) {
        if (gpuopt_optimizer_set_option(o, item) != GPUOPT_SUCCESS) {
            fprintf(stderr, "%s\n", gpuopt_optimizer_errmsg(o));
            return 0;
        }
    }
    return 1;
}

/* Runs one seed; returns the final value (NaN when the run failed). */
static double run_once(gpuopt_context *ctx, const matrix_row *row)
{
    gpuopt_problem *p;
    gpuopt_optimizer *o;
    gpuopt_result *r = NULL;
    gpuopt_problem_create_builtin(&p, row->problem, row->dim);
    gpuopt_optimizer_create(&o, ctx, row->algorithm);
    double fun = NAN;
    if (apply_options(o, row->options) && gpuopt_minimize(o, p, &r) > 0)
        fun = gpuopt_result_fun(r);
    else
        fprintf(stderr, "%s on %s: %s\n", row->algorithm, row->problem, gpuopt_optimizer_errmsg(o));
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return fun;
}

/* Every alias of every registered algorithm creates an optimizer of that algorithm. */
static void check_aliases(gpuopt_context *ctx)
{
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info info;
        CHECK_STATUS(gpuopt_algorithm_info_at(i, &info), GPUOPT_SUCCESS);
        for (const char *const *al = info.aliases; al && *al; ++al) {
            gpuopt_optimizer *o = NULL;
            CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, *al), GPUOPT_SUCCESS);
            CHECK_MSG(o && !strcmp(gpuopt_optimizer_algorithm(o), info.name), "alias %s -> %s",
                      *al, o ? gpuopt_optimizer_algorithm(o) : "(none)");
            gpuopt_optimizer_destroy(&o);
        }
    }
}

/* 1 when MATRIX_BACKEND has a device here. */
static int backend_available(void)
{
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        gpuopt_backend_info b;
        if (gpuopt_backend_info_at(i, &b) == GPUOPT_SUCCESS && !strcmp(b.name, MATRIX_BACKEND)) {
            if (b.n_devices > 0)
                return 1;
            printf("skipped: no %s device (%s)\n", MATRIX_BACKEND,
                   b.compiled_in ? b.note : "not compiled in");
            return 0;
        }
    }
    printf("skipped: no backend named %s\n", MATRIX_BACKEND);
    return 0;
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (!backend_available())
        return CHECK_SKIP_EXIT;
    CHECK_STATUS(gpuopt_context_create(&ctx, MATRIX_BACKEND), GPUOPT_SUCCESS);
    if (!ctx)
        return check_finish();
    check_aliases(ctx);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; ++i) {
        const matrix_row *row = &rows[i];
        const gpuopt_problem_info *info = gpuopt_problem_info_find(row->problem);
        double fstar = gpuopt_problem_info_best_value(info, row->dim);
        int successes = 0;
        double worst = -INFINITY;
        for (int s = 1; s <= row->n_seeds; ++s) {
            gpuopt_context_set_seed(ctx, (uint64_t)s);
            double gap = run_once(ctx, row) - fstar;
            successes += gap <= row->tol && gap >= -1e-9 * (1 + fabs(fstar));
            worst = fmax(worst, gap);
        }
        printf("%s: %-24s %-16s n=%-3zu %d/%d within %.0e (largest gap %.3g)\n", MATRIX_BACKEND,
               row->algorithm, row->problem, row->dim, successes, row->n_seeds, row->tol, worst);
        CHECK_MSG(successes >= row->min_successes, "%s on %s (n=%zu): %d of %d seeds solved",
                  row->algorithm, row->problem, row->dim, successes, row->n_seeds);
    }
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
