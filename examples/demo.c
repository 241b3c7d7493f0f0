/* gpuopt_demo: minimizes a built-in test problem with differential evolution and prints the
 * result. Usage: gpuopt_demo [problem] [dim] [threads]   (default: rastrigin 5 0=all cores) */
#include <stdio.h>
#include <stdlib.h>

#include "gpuopt.h"

struct demo {
    gpuopt_context *ctx;
    gpuopt_problem *problem;
    gpuopt_optimizer *opt;
    gpuopt_result *result;
};

static int fail(const char *what, gpuopt_status st, const char *detail)
{
    fprintf(stderr, "gpuopt_demo: %s failed: %s (%s)\n", what, gpuopt_status_text(st),
            detail && detail[0] ? detail : gpuopt_status_name(st));
    return 1;
}

static int setup(struct demo *d, const char *name, size_t dim, int threads)
{
    gpuopt_status st = gpuopt_context_create(&d->ctx, "cpu");
    if (st != GPUOPT_SUCCESS)
        return fail("context_create", st, NULL);
    if ((st = gpuopt_context_set_threads(d->ctx, threads)) != GPUOPT_SUCCESS ||
        (st = gpuopt_context_set_seed(d->ctx, 2024)) != GPUOPT_SUCCESS)
        return fail("context settings", st, gpuopt_context_errmsg(d->ctx));
    if ((st = gpuopt_problem_create_builtin(&d->problem, name, dim)) != GPUOPT_SUCCESS)
        return fail("problem_create_builtin", st, NULL);
    if ((st = gpuopt_optimizer_create(&d->opt, d->ctx, "de")) != GPUOPT_SUCCESS)
        return fail("optimizer_create", st, gpuopt_context_errmsg(d->ctx));
    if ((st = gpuopt_optimizer_set_int(d->opt, "population_size", 40)) != GPUOPT_SUCCESS ||
        (st = gpuopt_optimizer_set_int(d->opt, "stopping.max_iterations", 500)) != GPUOPT_SUCCESS)
        return fail("optimizer options", st, gpuopt_optimizer_errmsg(d->opt));
    return 0;
}

static void print_result(const struct demo *d, gpuopt_status stop)
{
    const gpuopt_result *r = d->result;
    const gpuopt_problem_info *info = gpuopt_problem_info_find(gpuopt_problem_name(d->problem));
    size_t dim = gpuopt_result_dim(r);
    printf("problem      %s (dim %zu)\n", gpuopt_problem_name(d->problem), dim);
    printf("algorithm    %s on %s (%s)\n", gpuopt_result_algorithm(r), gpuopt_result_backend(r),
           gpuopt_context_device(d->ctx));
    printf("x           ");
    for (size_t i = 0; i < dim; ++i)
        printf(" %.6g", gpuopt_result_x(r)[i]);
    printf("\nfun          %.10g", gpuopt_result_fun(r));
    if (info)
        printf("   (known minimum %.10g)", gpuopt_problem_info_best_value(info, dim));
    printf("\nevaluations  %lld in %lld iterations, %.3f s\n",
           (long long)gpuopt_result_n_evaluations(r), (long long)gpuopt_result_n_iterations(r),
           gpuopt_result_wall_time(r));
    printf("stop reason  %s: %s\n", gpuopt_status_name(stop), gpuopt_result_message(r));
}

static void teardown(struct demo *d)
{
    gpuopt_result_destroy(&d->result);
    gpuopt_optimizer_destroy(&d->opt);
    gpuopt_problem_destroy(&d->problem);
    gpuopt_context_destroy(&d->ctx);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "rastrigin";
    long dim = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
    int threads = argc > 3 ? atoi(argv[3]) : 0;
    struct demo d = {0};
    if (dim < 1) {
        fprintf(stderr, "usage: gpuopt_demo [problem] [dim >= 1] [threads]\n");
        return 2;
    }
    int rc = setup(&d, name, (size_t)dim, threads);
    if (rc == 0) {
        gpuopt_status stop = gpuopt_minimize(d.opt, d.problem, &d.result);
        if (stop < 0)
            rc = fail("minimize", stop, gpuopt_optimizer_errmsg(d.opt));
        else
            print_result(&d, stop);
    }
    teardown(&d);
    return rc;
}
