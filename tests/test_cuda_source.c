/* User criteria on the CUDA backend: NVRTC compiles source criteria (no device needed: a sphere
 * source gives an image, a syntax error GPUOPT_ERR_SOURCE_COMPILE with NVRTC's log naming the
 * user's file and line 4); with a device, the sphere source solves with the bits of the CPU
 * run and is built once per backend instance, and a device batch callback gets device
 * pointers and the stream. Reported skipped (77) without CUDA or without a device (after the
 * NVRTC checks, which are then reported on stdout). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "gpuopt/user_criteria.h"
#include "host/backend.h"
#include "src/core.h"
#ifdef GPUOPT_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "host/cuda/cuda_source.h"
#include "source/portable_math.h"

#define DIM 4

static const char SPHERE[] = "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                             "{\n"
                             "    double s = 0.0;\n"
                             "    for (int i = 0; i < dim; ++i)\n"
                             "        s += x[i] * x[i];\n"
                             "    return s;\n"
                             "}\n";
static const char SYNTAX_ERROR[] = "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                                   "{\n"
                                   "    double s = 0.0;\n"
                                   "    for (int i = 0; i < dim; ++i) s += x[i] * ;\n"
                                   "    return s;\n"
                                   "}\n";
static const char RASTRIGIN[] = "GPUOPT_FN double term(double xi)\n"
                                "{\n"
                                "    return xi * xi - 10.0 * cos(2.0 * GPUOPT_PI * xi);\n"
                                "}\n"
                                "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                                "{\n"
                                "    double s = 10.0 * dim;\n"
                                "    for (int i = 0; i < dim; ++i)\n"
                                "        s += term(x[i]);\n"
                                "    return s;\n"
                                "}\n";

static gpuopt_problem *box_problem(const char *source, const char *name)
{
    gpuopt_problem *p = NULL;
    double lo[DIM], hi[DIM], x0[DIM];
    for (int i = 0; i < DIM; ++i) {
        lo[i] = -5.0;
        hi[i] = 5.0;
        x0[i] = 1.5 + 0.25 * i;
    }
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    if (source)
        CHECK_STATUS(gpuopt_problem_set_source_criterion(p, source, name), GPUOPT_SUCCESS);
    return p;
}

static void test_nvrtc(void)
{
    const char *sources[4] = {SPHERE, RASTRIGIN, PORTABLE_MATH, SYNTAX_ERROR};
    for (int k = 0; k < 4; ++k) {
        gpuopt_problem *p = box_problem(sources[k], "broken_sphere.c");
        void *image = NULL;
        size_t size = 0;
        char *log = NULL;
        gpuopt_status st = gpuopt_cuda_compile_source(p->target.source, 90, &image, &size, &log);
        if (k < 3) {
            CHECK_MSG(st == GPUOPT_SUCCESS && image && size > 0, "%s", log ? log : "");
        } else {
            CHECK_STATUS(st, GPUOPT_ERR_SOURCE_COMPILE);
            CHECK_CONTAINS(log, "broken_sphere.c(4)");
            CHECK(image == NULL);
        }
        free(image);
        free(log);
        gpuopt_problem_destroy(&p);
    }
}

typedef struct outcome {
    gpuopt_status status;
    double x[DIM], fun;
    int64_t evaluations;
    char errmsg[GPUOPT_ERRMSG_LEN];
} outcome;

static outcome run_de(gpuopt_context *ctx, gpuopt_problem *p)
{
    outcome out = {.status = GPUOPT_ERR_INTERNAL};
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "de"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "seed", 3), GPUOPT_SUCCESS);
    out.status = gpuopt_minimize(o, p, &r);
    snprintf(out.errmsg, sizeof out.errmsg, "%s", gpuopt_optimizer_errmsg(o));
    if (r && out.status > 0) {
        memcpy(out.x, gpuopt_result_x(r), sizeof out.x);
        out.fun = gpuopt_result_fun(r);
        out.evaluations = gpuopt_result_n_evaluations(r);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    return out;
}

static int same_bits(const outcome *a, const outcome *b)
{
    return a->status > 0 && a->status == b->status && a->evaluations == b->evaluations &&
           !memcmp(a->x, b->x, sizeof a->x) && !memcmp(&a->fun, &b->fun, sizeof a->fun);
}

static void test_sources(gpuopt_context *cuda, gpuopt_context *cpu)
{
    gpuopt_problem *p = box_problem(SPHERE, "sphere.c"), *bad = box_problem(SYNTAX_ERROR, "b.c");
    outcome a = run_de(cuda, p), b = run_de(cpu, p);
    CHECK_MSG(a.status > 0, "%s", a.errmsg);
    CHECK(same_bits(&a, &b) && a.fun < 1e-6);
    outcome c = run_de(cuda, bad);
    CHECK_STATUS(c.status, GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(c.errmsg, "b.c(4)");
    char log[4096];
    const char *text = log;
    CHECK_STATUS(gpuopt_problem_compile_source(bad, cuda, log, sizeof log),
                 GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(text, "b.c(4)");
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&bad);
}

/* f(x) = x in one dimension, by copying X to out on the stream: DE finds the lower bound. */
static int copy_on_device(const gpuopt_device_batch *b, void *user)
{
    int *bad = user;
    int cuda = !strcmp(b->backend, "cuda");
    *bad += b->dim != 1 || b->n_outputs != 1 || (cuda && b->queue == NULL);
    char *out = (char *)b->out + b->out_offset;
    const char *X = (const char *)b->X + b->x_offset;
    if (!cuda) {
        memcpy(out, X, b->n_points * sizeof(double));
        return 0;
    }
    return cudaMemcpyAsync(out, X, b->n_points * sizeof(double), cudaMemcpyDeviceToDevice,
                           (cudaStream_t)b->queue) != cudaSuccess;
}

static void test_device_callback(gpuopt_context *cuda, gpuopt_context *cpu)
{
    gpuopt_problem *p = NULL;
    int bad = 0;
    double lo = -3.0, hi = 2.0, x0 = 1.0;
    CHECK_STATUS(gpuopt_problem_create(&p, 1), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, &lo, &hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, &x0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 1, copy_on_device,
                                                     &bad),
                 GPUOPT_SUCCESS);
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r[2] = {NULL, NULL};
    gpuopt_context *ctx[2] = {cuda, cpu};
    for (int k = 0; k < 2; ++k) {
        CHECK_STATUS(gpuopt_optimizer_create(&o, ctx[k], "de"), GPUOPT_SUCCESS);
        CHECK(gpuopt_minimize(o, p, &r[k]) > 0);
        gpuopt_optimizer_destroy(&o);
    }
    CHECK(bad == 0);
    if (r[0] && r[1]) {
        CHECK(gpuopt_result_x(r[0])[0] == gpuopt_result_x(r[1])[0]);
        CHECK(gpuopt_result_fun(r[0]) < -2.99);
    }
    gpuopt_result_destroy(&r[0]);
    gpuopt_result_destroy(&r[1]);
    gpuopt_problem_destroy(&p);
}

int main(void)
{
    test_nvrtc();
    gpuopt_context *cuda = NULL, *cpu = NULL;
    if (gpuopt_context_create(&cuda, "cuda") != GPUOPT_SUCCESS) {
        printf("NVRTC checks: %d passed, %d failed\n", check_passed_, check_failed_);
        printf("skipped: no CUDA device (%s)\n", gpuopt_last_error());
        gpuopt_context_destroy(&cuda);
        return check_failed_ ? 1 : CHECK_SKIP_EXIT;
    }
    CHECK_STATUS(gpuopt_context_create(&cpu, "cpu"), GPUOPT_SUCCESS);
    test_sources(cuda, cpu);
    test_device_callback(cuda, cpu);
    gpuopt_context_destroy(&cuda);
    gpuopt_context_destroy(&cpu);
    return check_finish();
}

#else

int main(void)
{
    printf("skipped: the CUDA backend is not compiled in\n");
    return CHECK_SKIP_EXIT;
}

#endif
