/* gpuopt_device_callback_opencl: a criterion evaluated by the user's own OpenCL kernel. The
 * callback receives the batch where the backend keeps it (cl_mem buffers, with the queue,
 * context and device) and enqueues its kernel on the backend's queue: no point crosses to the
 * host. The kernel here is a shifted sphere, sum (x_i - 1)^2, minimum 0 at (1, ..., 1).
 * Usage: gpuopt_device_callback_opencl [DIM]   (default 8; exits 77 without an OpenCL device) */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>

#include "gpuopt.h"
#include "gpuopt/user_criteria.h"

static const char *kernel_source =
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "__kernel void shifted_sphere(ulong n, ulong dim, __global const double *X, ulong x0,\n"
    "                             __global double *out, ulong out0)\n"
    "{\n"
    "    ulong i = get_global_id(0);\n"
    "    if (i >= n) return;\n"
    "    __global const double *x = X + x0 + i * dim;\n"
    "    double s = 0.0;\n"
    "    for (ulong k = 0; k < dim; ++k)\n"
    "        s += (x[k] - 1.0) * (x[k] - 1.0);\n"
    "    out[out0 + i] = s;\n"
    "}\n";

/* The user's OpenCL objects, made on the first call for the backend's context. */
typedef struct user_state {
    cl_context context;
    cl_program program;
    cl_kernel kernel;
    size_t launches;
} user_state;

static int build(user_state *u, const gpuopt_device_batch *b)
{
    cl_device_id device = (cl_device_id)b->device;
    cl_int err;
    u->context = (cl_context)b->context;
    u->program = clCreateProgramWithSource(u->context, 1, &kernel_source, NULL, &err);
    if (err == CL_SUCCESS)
        err = clBuildProgram(u->program, 1, &device, "", NULL, NULL);
    if (err == CL_SUCCESS)
        u->kernel = clCreateKernel(u->program, "shifted_sphere", &err);
    if (err != CL_SUCCESS)
        fprintf(stderr, "building the user kernel failed: OpenCL error %d\n", (int)err);
    return err == CL_SUCCESS ? 0 : 1;
}

static int shifted_sphere(const gpuopt_device_batch *b, void *user)
{
    user_state *u = user;
    if (u->context != (cl_context)b->context && build(u, b) != 0)
        return 1;
    cl_mem X = (cl_mem)b->X, out = (cl_mem)b->out;
    cl_ulong n = b->n_points, dim = b->dim;
    cl_ulong x0 = b->x_offset / sizeof(double), out0 = b->out_offset / sizeof(double);
    cl_int err = clSetKernelArg(u->kernel, 0, sizeof n, &n);
    err |= clSetKernelArg(u->kernel, 1, sizeof dim, &dim);
    err |= clSetKernelArg(u->kernel, 2, sizeof X, &X);
    err |= clSetKernelArg(u->kernel, 3, sizeof x0, &x0);
    err |= clSetKernelArg(u->kernel, 4, sizeof out, &out);
    err |= clSetKernelArg(u->kernel, 5, sizeof out0, &out0);
    size_t global = b->n_points;
    /* on the backend's in-order queue: the library's next steps wait for it */
    if (err == CL_SUCCESS)
        err = clEnqueueNDRangeKernel((cl_command_queue)b->queue, u->kernel, 1, NULL, &global,
                                     NULL, 0, NULL, NULL);
    u->launches++;
    return err == CL_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    size_t dim = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 8;
    user_state u = {0};
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *r = NULL;
    if (gpuopt_context_create(&ctx, "opencl") != GPUOPT_SUCCESS) {
        printf("no OpenCL device: %s\n", gpuopt_last_error());
        gpuopt_context_destroy(&ctx);
        return 77;
    }
    gpuopt_status st = gpuopt_problem_create_builtin(&p, "sphere", dim); /* bounds, start */
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 1, shifted_sphere,
                                                 &u);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_create(&opt, ctx, "de");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_set_option(opt, "stopping.max_iterations=1000");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_minimize(opt, p, &r);
    if (st > 0) {
        printf("device       %s\n", gpuopt_context_device(ctx));
        printf("fun          %.6g at x[0] = %.6g\n", gpuopt_result_fun(r), gpuopt_result_x(r)[0]);
        printf("launches     %zu of the user kernel, %lld evaluations\n", u.launches,
               (long long)gpuopt_result_n_evaluations(r));
        printf("stop reason  %s\n", gpuopt_status_name(st));
    } else {
        fprintf(stderr, "gpuopt_device_callback_opencl: %s (%s)\n", gpuopt_status_text(st),
                opt ? gpuopt_optimizer_errmsg(opt) : gpuopt_last_error());
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    if (u.kernel)
        clReleaseKernel(u.kernel);
    if (u.program)
        clReleaseProgram(u.program);
    return st > 0 ? 0 : 1;
}
