/* gpuopt_source_criterion: minimizes a criterion written in gpuopt's portable C subset (a file
 * defining `double criterion(GPUOPT_GLOBAL const double *x, int dim)`), compiled at run time
 * for the chosen backend: OpenCL or CUDA build it for the device, the CPU backend with the
 * system C compiler ($CC, default cc). A compile error prints the compiler's log.
 * Usage: gpuopt_source_criterion FILE [BACKEND] [DIM]   (default: auto 10)
 * e.g.   gpuopt_source_criterion examples/criteria/sphere.c opencl */
#include <stdio.h>
#include <stdlib.h>

#include "gpuopt.h"
#include "gpuopt/user_criteria.h"

static int fail(const char *what, gpuopt_status st, const char *detail)
{
    fprintf(stderr, "gpuopt_source_criterion: %s: %s\n%s\n", what, gpuopt_status_text(st),
            detail ? detail : "");
    return 1;
}

/* Bounds [-5, 10] on every coordinate, start at their centre (2.5). */
static gpuopt_status set_box(gpuopt_problem *p, size_t dim)
{
    double *v = malloc(3 * dim * sizeof *v);
    if (!v)
        return GPUOPT_ERR_OUT_OF_MEMORY;
    for (size_t i = 0; i < dim; ++i) {
        v[i] = -5.0;
        v[dim + i] = 10.0;
        v[2 * dim + i] = 2.5;
    }
    gpuopt_status st = gpuopt_problem_set_bounds(p, v, v + dim);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_start(p, v + 2 * dim);
    free(v);
    return st;
}

static int run(gpuopt_context *ctx, gpuopt_problem *p)
{
    static char log[64 * 1024];
    gpuopt_status st = gpuopt_problem_compile_source(p, ctx, log, sizeof log);
    if (st == GPUOPT_ERR_SOURCE_COMPILE) /* the whole log, with the file's line numbers */
        return fail("the criterion does not compile", st, log);
    if (st != GPUOPT_SUCCESS)
        return fail("compile", st, gpuopt_problem_errmsg(p));
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *r = NULL;
    if ((st = gpuopt_optimizer_create(&opt, ctx, "de")) != GPUOPT_SUCCESS)
        return fail("optimizer", st, gpuopt_last_error());
    gpuopt_optimizer_set_int(opt, "seed", 7);
    gpuopt_optimizer_set_int(opt, "stopping.max_iterations", 1000);
    st = gpuopt_minimize(opt, p, &r);
    int rc = st > 0 ? 0 : fail("minimize", st, gpuopt_optimizer_errmsg(opt));
    if (r && st > 0) {
        printf("criterion    %s (dim %zu) on %s: %s\n", gpuopt_problem_name(p),
               gpuopt_result_dim(r), gpuopt_result_backend(r), gpuopt_context_device(ctx));
        printf("fun          %.10g after %lld evaluations\n", gpuopt_result_fun(r),
               (long long)gpuopt_result_n_evaluations(r));
        printf("x[0]         %.6g\n", gpuopt_result_x(r)[0]);
        printf("stop reason  %s\n", gpuopt_status_name(st));
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&opt);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gpuopt_source_criterion FILE [BACKEND] [DIM]\n");
        return 2;
    }
    const char *backend = argc > 2 ? argv[2] : "auto";
    size_t dim = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 10;
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_status st = gpuopt_context_create(&ctx, backend);
    int rc;
    if (st != GPUOPT_SUCCESS)
        rc = fail("context", st, gpuopt_last_error());
    else if ((st = gpuopt_problem_create(&p, dim)) != GPUOPT_SUCCESS)
        rc = fail("problem", st, gpuopt_last_error());
    else if ((st = set_box(p, dim)) != GPUOPT_SUCCESS ||
             (st = gpuopt_problem_set_source_file(p, argv[1])) != GPUOPT_SUCCESS)
        rc = fail("criterion", st, gpuopt_problem_errmsg(p));
    else
        rc = run(ctx, p);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return rc;
}
