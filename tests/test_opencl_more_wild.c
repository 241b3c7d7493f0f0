/* The 53 Moré–Wild problems evaluated by the OpenCL backend (the kernel code of
 * kernels/problems_more_wild.h compiled as OpenCL C) agree with the CPU: every residual and every
 * value at the start point and at 20 points around it, to 1e-12 relative. Reported skipped (77)
 * when OpenCL is not compiled in or has no device. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"
#include "kernels/problems.h"
#include "src/problems.h"

#define N_POINTS 21 /* the start point and 20 around it */
#define REL_TOL 1e-12

#ifdef GPUOPT_HAVE_OPENCL

/* Point 0 is the start x0; point p > 0 moves each coordinate by up to 10% of (|x0_j| + 1). */
static void make_points(const gpuopt_builtin_problem *b, size_t n, double *X)
{
    b->start(n, X);
    for (size_t p = 1; p < N_POINTS; ++p)
        for (size_t j = 0; j < n; ++j) {
            double u = 2.0 * gpuopt_philox_uniform(6, (uint64_t)b->id, p * n + j) - 1.0;
            X[p * n + j] = X[j] + 0.1 * (fabs(X[j]) + 1.0) * u;
        }
}

/* Evaluates the problem at X on backend be: raw residuals (N_POINTS x m) and values. */
static gpuopt_status evaluate(gpuopt_backend *be, const gpuopt_builtin_problem *b, const double *X,
                              double *raw, double *f)
{
    size_t n = b->info.fixed_dim, m = b->info.n_outputs;
    gpuopt_eval_target t = {.dim = n, .kind = GPUOPT_CRITERION_LEAST_SQUARES, .n_outputs = m,
                            .builtin_id = b->id};
    gpuopt_dptr dx = NULL, draw = NULL, df = NULL;
    gpuopt_status st = be->ops->alloc(be, N_POINTS * n * sizeof(double), &dx);
    if (st == GPUOPT_SUCCESS)
        st = be->ops->alloc(be, N_POINTS * m * sizeof(double), &draw);
    if (st == GPUOPT_SUCCESS)
        st = be->ops->alloc(be, N_POINTS * sizeof(double), &df);
    if (st == GPUOPT_SUCCESS)
        st = be->ops->write(be, dx, 0, X, N_POINTS * n * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = be->ops->evaluate(be, &t, dx, N_POINTS, draw, df);
    if (st == GPUOPT_SUCCESS)
        st = be->ops->read(be, raw, draw, 0, N_POINTS * m * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = be->ops->read(be, f, df, 0, N_POINTS * sizeof(double));
    if (dx)
        be->ops->release(be, dx);
    if (draw)
        be->ops->release(be, draw);
    if (df)
        be->ops->release(be, df);
    return st;
}

/* Residuals within REL_TOL of the residual vector's size, values within REL_TOL relative. */
static void compare(const char *name, size_t m, const double *raw, const double *f,
                    const double *want_raw, const double *want_f)
{
    for (size_t p = 0; p < N_POINTS; ++p) {
        double scale = sqrt(want_f[p]);
        CHECK_MSG(isfinite(want_f[p]) && fabs(f[p] - want_f[p]) <= REL_TOL * want_f[p],
                  "%s point %zu: opencl %.17g, cpu %.17g", name, p, f[p], want_f[p]);
        for (size_t k = 0; k < m; ++k) {
            double got = raw[p * m + k], want = want_raw[p * m + k];
            CHECK_MSG(fabs(got - want) <= REL_TOL * fmax(fabs(want), scale),
                      "%s point %zu residual %zu: opencl %.17g, cpu %.17g", name, p, k, got,
                      want);
        }
    }
}

static void check_problem(gpuopt_backend *ocl, gpuopt_backend *cpu, const gpuopt_builtin_problem *b,
                          size_t *n_exact)
{
    size_t n = b->info.fixed_dim, m = b->info.n_outputs;
    double X[N_POINTS * GPUOPT_MW_MAX_N], f[N_POINTS], want_f[N_POINTS];
    double *raw = malloc(N_POINTS * m * sizeof *raw);
    double *want_raw = malloc(N_POINTS * m * sizeof *raw);
    CHECK(raw && want_raw && n <= GPUOPT_MW_MAX_N);
    if (raw && want_raw && n <= GPUOPT_MW_MAX_N) {
        make_points(b, n, X);
        CHECK_STATUS(evaluate(ocl, b, X, raw, f), GPUOPT_SUCCESS);
        CHECK_STATUS(evaluate(cpu, b, X, want_raw, want_f), GPUOPT_SUCCESS);
        CHECK_MSG(fabs(want_f[0] - b->info.start_value) <= 1e-13 * want_f[0],
                  "%s: cpu f(x0) %.17g, catalogue %.17g", b->info.name, want_f[0],
                  b->info.start_value);
        compare(b->info.name, m, raw, f, want_raw, want_f);
        *n_exact += memcmp(f, want_f, sizeof f) == 0;
    }
    free(raw);
    free(want_raw);
}

int main(void)
{
    char why[256] = "";
    if (gpuopt_backend_opencl.device_count(0, why, sizeof why) <= 0) {
        printf("SKIPPED: no OpenCL device (%s)\n", why);
        return CHECK_SKIP_EXIT;
    }
    gpuopt_backend *ocl = NULL, *cpu = NULL;
    CHECK_STATUS(gpuopt_backend_open(&ocl, &gpuopt_backend_opencl, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_backend_open(&cpu, &gpuopt_backend_cpu, 2), GPUOPT_SUCCESS);
    size_t n_problems = 0, n_exact = 0;
    for (size_t i = 0; ocl && cpu && i < gpuopt_builtin_count(); ++i) {
        const gpuopt_builtin_problem *b = gpuopt_builtin_at(i);
        if (!gpuopt_builtin_is_more_wild(b->id))
            continue;
        check_problem(ocl, cpu, b, &n_exact);
        ++n_problems;
    }
    CHECK(n_problems == GPUOPT_MW_COUNT);
    printf("%s: %zu More-Wild problems; values bitwise equal to the CPU on %zu (rest within "
           "%.0e)\n",
           ocl ? ocl->device : "opencl", n_problems, n_exact, REL_TOL);
    gpuopt_backend_close(&ocl);
    gpuopt_backend_close(&cpu);
    return check_finish();
}

#else

int main(void)
{
    printf("SKIPPED: the OpenCL backend is not compiled in\n");
    return CHECK_SKIP_EXIT;
}

#endif
