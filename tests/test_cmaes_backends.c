/* cmaes and sep_cmaes on the device backends (OpenCL when compiled in and a device is present):
 * the acceptance run (ellipsoid, n = 10, seed 1, f < 1e-8), and agreement with the CPU
 * backend in success rate and evaluations over several seeds. The runs differ from the CPU's in
 * the last bits (the backends' BLAS round differently), so the comparison is statistical.
 * Exits 77 (skipped) when no device backend is available. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "gpuopt.h"

#define SEEDS 5

/* Evaluations to reach f < 1e-8 on `backend`, or -1. */
static long evaluations(const char *backend, const char *alg, const char *problem, uint64_t seed)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    long evals = -1;
    if (gpuopt_context_create(&ctx, backend) != GPUOPT_SUCCESS)
        return -1;
    gpuopt_context_set_seed(ctx, seed);
    gpuopt_problem_create_builtin(&p, problem, 10);
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_optimizer_set_option(o, "ftarget=9.9999999999999e-09");
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st == GPUOPT_STOP_TARGET_REACHED, "%s %s %s seed %llu: %s (%s)", backend, alg,
              problem, (unsigned long long)seed, gpuopt_status_name(st),
              gpuopt_optimizer_errmsg(o));
    if (st == GPUOPT_STOP_TARGET_REACHED)
        evals = (long)gpuopt_result_n_evaluations(r);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return evals;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long median_evaluations(const char *backend, const char *alg, const char *problem)
{
    long e[SEEDS];
    for (int s = 0; s < SEEDS; ++s) {
        e[s] = evaluations(backend, alg, problem, (uint64_t)s + 1);
        if (e[s] < 0)
            e[s] = 1L << 40;
    }
    qsort(e, SEEDS, sizeof *e, cmp_long);
    return e[SEEDS / 2];
}

static void test_backend(const char *backend)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    gpuopt_context_create(&ctx, backend);
    gpuopt_context_set_seed(ctx, 1);
    gpuopt_problem_create_builtin(&p, "ellipsoid", 10);
    gpuopt_optimizer_create(&o, ctx, "cmaes");
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0 && gpuopt_result_fun(r) < 1e-8, "%s: cmaes on ellipsoid-10: %s, f %g", backend,
              gpuopt_status_name(st), r ? gpuopt_result_fun(r) : NAN);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);

    const char *cases[][2] = {{"cmaes", "sphere"}, {"cmaes", "ellipsoid"}, {"sep_cmaes", "sphere"}};
    for (size_t c = 0; c < 3; ++c) {
        long dev = median_evaluations(backend, cases[c][0], cases[c][1]);
        long cpu = median_evaluations("cpu", cases[c][0], cases[c][1]);
        printf("%s %s n=10: median evaluations %ld on %s, %ld on cpu\n", cases[c][0], cases[c][1],
               dev, backend, cpu);
        CHECK_MSG(fabs((double)dev / (double)cpu - 1.0) <= 0.15, "%s %s: %ld on %s vs %ld on cpu",
                  cases[c][0], cases[c][1], dev, backend, cpu);
    }
}

int main(void)
{
    const char *devices[] = {"opencl", "cuda"};
    int tested = 0;
    for (size_t d = 0; d < 2; ++d) {
        gpuopt_context *ctx = NULL;
        gpuopt_algorithm_info info;
        unsigned kind = d == 0 ? GPUOPT_BACKEND_OPENCL : GPUOPT_BACKEND_CUDA;
        gpuopt_algorithm_find("cmaes", &info);
        if (!(info.backends & kind) || gpuopt_context_create(&ctx, devices[d]) != GPUOPT_SUCCESS)
            continue;
        gpuopt_context_destroy(&ctx);
        test_backend(devices[d]);
        ++tested;
    }
    if (!tested) {
        printf("no device backend that runs cmaes is available: skipped\n");
        return CHECK_SKIP_EXIT;
    }
    return check_finish();
}
