/* Device batch callbacks on the OpenCL backend: the callback gets the batch's cl_mem buffers,
 * the queue, context and device, and launches its own kernel. A DE run with a user sphere
 * kernel gives the bits of the built-in sphere (on OpenCL and on the CPU) and moves exactly
 * the bytes of the built-in run: the batch never crosses. A least-squares kernel is aggregated
 * on the device; a failing callback stops the run with GPUOPT_ERR_CALLBACK. Reported skipped
 * (77) without OpenCL or without a device. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "gpuopt/user_criteria.h"
#include "host/backend.h"
#include "src/core.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

#ifdef GPUOPT_HAVE_OPENCL

#define DIM 5

/* The user's kernels: offsets in doubles, FP_CONTRACT off as in the library's kernels. */
static const char *user_source =
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#pragma OPENCL FP_CONTRACT OFF\n"
    "__kernel void sphere(ulong n, ulong dim, __global const double *X, ulong x0,\n"
    "                     __global double *out, ulong o0)\n"
    "{\n"
    "    ulong i = get_global_id(0);\n"
    "    if (i >= n) return;\n"
    "    double s = 0.0;\n"
    "    for (ulong k = 0; k < dim; ++k)\n"
    "        s += X[x0 + i * dim + k] * X[x0 + i * dim + k];\n"
    "    out[o0 + i] = s;\n"
    "}\n"
    "__kernel void residuals(ulong n, ulong dim, __global const double *X, ulong x0,\n"
    "                        __global double *out, ulong o0)\n"
    "{\n"
    "    ulong i = get_global_id(0);\n"
    "    if (i >= n) return;\n"
    "    for (ulong k = 0; k < dim; ++k)\n"
    "        out[o0 + i * dim + k] = X[x0 + i * dim + k] - (double)(k + 1);\n"
    "}\n";

typedef struct user_kernels {
    cl_context context; /* what the program was built for */
    cl_program program;
    cl_kernel sphere, residuals;
    int calls, bad_batches, fail;
} user_kernels;

static void release_kernels(user_kernels *u)
{
    if (u->sphere)
        clReleaseKernel(u->sphere);
    if (u->residuals)
        clReleaseKernel(u->residuals);
    if (u->program)
        clReleaseProgram(u->program);
    memset(u, 0, sizeof *u);
}

/* Builds the user's program for the batch's context on first use. */
static int ensure_built(user_kernels *u, const gpuopt_device_batch *b)
{
    if (u->program && u->context == (cl_context)b->context)
        return 0;
    int calls = u->calls, fail = u->fail;
    release_kernels(u);
    u->calls = calls;
    u->fail = fail;
    cl_device_id device = (cl_device_id)b->device;
    cl_int err;
    u->context = (cl_context)b->context;
    u->program = clCreateProgramWithSource(u->context, 1, &user_source, NULL, &err);
    if (err == CL_SUCCESS)
        err = clBuildProgram(u->program, 1, &device, "-cl-std=CL1.2", NULL, NULL);
    if (err == CL_SUCCESS)
        u->sphere = clCreateKernel(u->program, "sphere", &err);
    if (err == CL_SUCCESS)
        u->residuals = clCreateKernel(u->program, "residuals", &err);
    return err == CL_SUCCESS ? 0 : -1;
}

static int launch(const gpuopt_device_batch *b, cl_kernel k)
{
    cl_ulong n = b->n_points, dim = b->dim, x0 = b->x_offset / sizeof(double),
             o0 = b->out_offset / sizeof(double);
    cl_mem X = (cl_mem)b->X, out = (cl_mem)b->out;
    cl_int err = clSetKernelArg(k, 0, sizeof n, &n);
    err |= clSetKernelArg(k, 1, sizeof dim, &dim);
    err |= clSetKernelArg(k, 2, sizeof X, &X);
    err |= clSetKernelArg(k, 3, sizeof x0, &x0);
    err |= clSetKernelArg(k, 4, sizeof out, &out);
    err |= clSetKernelArg(k, 5, sizeof o0, &o0);
    size_t global = b->n_points;
    if (err == CL_SUCCESS)
        err = clEnqueueNDRangeKernel((cl_command_queue)b->queue, k, 1, NULL, &global, NULL, 0,
                                     NULL, NULL);
    return err == CL_SUCCESS ? 0 : -1;
}

static int batch_ok(const gpuopt_device_batch *b, size_t n_outputs)
{
    return !strcmp(b->backend, "opencl") && b->X && b->out && b->queue && b->context &&
           b->device && b->dim == DIM && b->n_outputs == n_outputs && b->n_points >= 1;
}

static int sphere_on_device(const gpuopt_device_batch *b, void *user)
{
    user_kernels *u = user;
    u->calls++;
    u->bad_batches += !batch_ok(b, 1);
    if (u->fail || ensure_built(u, b) != 0)
        return 1;
    return launch(b, u->sphere);
}

static int residuals_on_device(const gpuopt_device_batch *b, void *user)
{
    user_kernels *u = user;
    u->calls++;
    u->bad_batches += !batch_ok(b, DIM);
    if (ensure_built(u, b) != 0)
        return 1;
    return launch(b, u->residuals);
}

static int residuals_on_host(const double *X, size_t n, double *out, void *user)
{
    (void)user;
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < DIM; ++k)
            out[i * DIM + k] = X[i * DIM + k] - (double)(k + 1);
    return 0;
}

typedef struct run_out {
    gpuopt_status status;
    double x[DIM], fun;
    int64_t evaluations;
    cl_ulong to_host, to_device;
    char errmsg[GPUOPT_ERRMSG_LEN];
} run_out;

static void set_box(gpuopt_problem *p)
{
    double lo[DIM], hi[DIM], x0[DIM];
    for (int i = 0; i < DIM; ++i) {
        lo[i] = -4.0;
        hi[i] = 6.0;
        x0[i] = 3.0 - 0.5 * i;
    }
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
}

static run_out run(gpuopt_context *ctx, gpuopt_problem *p, const char *algorithm)
{
    run_out r = {.status = GPUOPT_ERR_INTERNAL};
    gpuopt_optimizer *o = NULL;
    gpuopt_result *res = NULL;
    int opencl = !strcmp(gpuopt_context_backend(ctx), "opencl");
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "seed", 21), GPUOPT_SUCCESS);
    cl_ulong host0 = opencl ? ocl_of(ctx->backend)->bytes_to_host : 0;
    cl_ulong dev0 = opencl ? ocl_of(ctx->backend)->bytes_to_device : 0;
    r.status = gpuopt_minimize(o, p, &res);
    if (opencl) {
        r.to_host = ocl_of(ctx->backend)->bytes_to_host - host0;
        r.to_device = ocl_of(ctx->backend)->bytes_to_device - dev0;
    }
    snprintf(r.errmsg, sizeof r.errmsg, "%s", gpuopt_optimizer_errmsg(o));
    if (res && r.status > 0) {
        memcpy(r.x, gpuopt_result_x(res), sizeof r.x);
        r.fun = gpuopt_result_fun(res);
        r.evaluations = gpuopt_result_n_evaluations(res);
    }
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    return r;
}

static int same_run(const run_out *a, const run_out *b)
{
    return a->status > 0 && a->status == b->status && a->evaluations == b->evaluations &&
           !memcmp(a->x, b->x, sizeof a->x) && !memcmp(&a->fun, &b->fun, sizeof a->fun);
}

static void test_sphere(gpuopt_context *ocl, gpuopt_context *cpu)
{
    user_kernels u = {0};
    gpuopt_problem *p = NULL, *ref = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&ref, "sphere", DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 1,
                                                     sphere_on_device, &u),
                 GPUOPT_SUCCESS);
    set_box(p);
    set_box(ref);
    run_out mine = run(ocl, p, "de"), builtin = run(ocl, ref, "de"), on_cpu = run(cpu, ref, "de");
    CHECK_MSG(mine.status > 0, "%s", mine.errmsg);
    CHECK(u.calls > 1 && u.bad_batches == 0);
    CHECK(same_run(&mine, &builtin));
    CHECK(same_run(&mine, &on_cpu));
    CHECK(mine.fun < 1e-6);
    /* the batch never crossed: the same transfers as the built-in kernel's run */
    CHECK_MSG(mine.to_host == builtin.to_host && mine.to_device == builtin.to_device,
              "callback run moved %llu / %llu bytes, built-in %llu / %llu",
              (unsigned long long)mine.to_host, (unsigned long long)mine.to_device,
              (unsigned long long)builtin.to_host, (unsigned long long)builtin.to_device);

    u.fail = 1;
    run_out failed = run(ocl, p, "de");
    CHECK_STATUS(failed.status, GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(failed.errmsg, "callback");
    release_kernels(&u);
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&ref);
}

/* n_outputs residuals per point, written by the user's kernel, summed of squares on the
 * device: the same run as a host batch callback on the CPU. */
static void test_least_squares(gpuopt_context *ocl, gpuopt_context *cpu)
{
    user_kernels u = {0};
    gpuopt_problem *p = NULL, *ref = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create(&ref, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, DIM,
                                                     residuals_on_device, &u),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(ref, GPUOPT_CRITERION_LEAST_SQUARES, DIM,
                                                    residuals_on_host, NULL, 0),
                 GPUOPT_SUCCESS);
    set_box(p);
    set_box(ref);
    run_out mine = run(ocl, p, "pso"), on_cpu = run(cpu, ref, "pso");
    CHECK_MSG(mine.status > 0, "%s", mine.errmsg);
    CHECK(u.bad_batches == 0 && same_run(&mine, &on_cpu));
    for (int k = 0; k < DIM; ++k)
        CHECK(fabs(mine.x[k] - (k + 1)) < 1e-2);
    release_kernels(&u);
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&ref);
}

int main(void)
{
    gpuopt_context *ocl = NULL, *cpu = NULL;
    if (gpuopt_context_create(&ocl, "opencl") != GPUOPT_SUCCESS) {
        printf("skipped: %s\n", gpuopt_last_error());
        gpuopt_context_destroy(&ocl);
        return CHECK_SKIP_EXIT;
    }
    CHECK_STATUS(gpuopt_context_create(&cpu, "cpu"), GPUOPT_SUCCESS);
    test_sphere(ocl, cpu);
    test_least_squares(ocl, cpu);
    gpuopt_context_destroy(&ocl);
    gpuopt_context_destroy(&cpu);
    return check_finish();
}

#else

int main(void)
{
    printf("skipped: the OpenCL backend is not compiled in\n");
    return CHECK_SKIP_EXIT;
}

#endif
