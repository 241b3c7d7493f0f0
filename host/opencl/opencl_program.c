/* The OpenCL program: built once per backend instance from the kernel sources embedded in the
 * library, its kernels created once, and the launch helper every op uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/entry.h"
#include "opencl_internal.h"

/* Generated at build time from kernels/entry.h (cmake/GpuoptEmbed.cmake). */
extern const char gpuopt_opencl_program_source[];
extern const size_t gpuopt_opencl_program_source_length;

/* No -cl-fast-relaxed-math or -cl-mad-enable: results must match the CPU backend bit for bit
 * (kernels/portable.h also turns FP_CONTRACT off). */
#define OCL_BUILD_OPTIONS "-cl-std=CL1.2"

/* Work-group size of the per-element kernels (lowered to what a kernel allows). */
#define OCL_GROUP 128

static const char *const ocl_kernel_names[OCL_K_COUNT] = {
    [OCL_K_EVAL_BUILTIN] = "eval_builtin",
    [OCL_K_AGGREGATE] = "aggregate",
    [OCL_K_CHECK_VALUES] = "check_values",
    [OCL_K_CHECK_VALUES_TOTAL] = "check_values_total",
    [OCL_K_MINMAX] = "minmax",
    [OCL_K_MINMAX_TOTAL] = "minmax_total",
    [OCL_K_FILL_UNIFORM] = "fill_uniform",
    [OCL_K_DE_TRIAL] = "de_trial",
    [OCL_K_DE_SELECT] = "de_select",
    [OCL_K_PSO_MOVE] = "pso_move",
    [OCL_K_PSO_REMEMBER] = "pso_remember",
    [OCL_K_DE_TRIAL_EVAL] = "de_trial_eval",
    [OCL_K_PSO_MOVE_EVAL] = "pso_move_eval",
    [OCL_K_PSO_REMEMBER_KEYS] = "pso_remember_keys",
    [OCL_K_SORT_INIT] = "sort_init",
    [OCL_K_SORT_STEP] = "sort_step",
    [OCL_K_FILL_NORMAL] = "fill_normal",
    [OCL_K_CMAES_SAMPLE] = "cmaes_sample",
    [OCL_K_CMAES_RANK_STATS] = "cmaes_rank_stats",
    [OCL_K_CMAES_PENALTY_WEIGHT] = "cmaes_penalty_weight",
    [OCL_K_CMAES_PENALIZED] = "cmaes_penalized",
    [OCL_K_CMAES_RANK_WEIGHT] = "cmaes_rank_weight",
    [OCL_K_CMAES_MEANS] = "cmaes_means",
    [OCL_K_CMAES_RANKMU] = "cmaes_rankmu",
    [OCL_K_CMAES_PS] = "cmaes_ps",
    [OCL_K_CMAES_PC] = "cmaes_pc",
    [OCL_K_CMAES_DIAG] = "cmaes_diag",
    [OCL_K_CMAES_EXTREMES] = "cmaes_extremes",
    [OCL_K_CMAES_BD] = "cmaes_bd",
    [OCL_K_CMAES_AXES] = "cmaes_axes",
    [OCL_K_CMAES_MEASURE] = "cmaes_measure",
    [OCL_K_XNES_STEP_NORM] = "xnes_step_norm",
    [OCL_K_XNES_CLIP] = "xnes_clip",
    [OCL_K_XNES_WEIGHTS] = "xnes_weights",
    [OCL_K_XNES_TRACE] = "xnes_trace",
    [OCL_K_XNES_EXPONENT] = "xnes_exponent",
    [OCL_K_XNES_EXPM_SCALE] = "xnes_expm_scale",
};

const char *gpuopt_opencl_kernel_name(ocl_kernel_id k)
{
    return k < OCL_K_COUNT ? ocl_kernel_names[k] : "unknown kernel";
}

static int ocl_is_reduction(ocl_kernel_id k)
{
    return k == OCL_K_CHECK_VALUES || k == OCL_K_CHECK_VALUES_TOTAL || k == OCL_K_MINMAX ||
           k == OCL_K_MINMAX_TOTAL;
}

char *gpuopt_opencl_build_log(ocl_impl *o, cl_program program)
{
    size_t len = 0;
    clGetProgramBuildInfo(program, o->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &len);
    char *log = malloc(len + 1);
    if (log && clGetProgramBuildInfo(program, o->device, CL_PROGRAM_BUILD_LOG, len, log, NULL) ==
                   CL_SUCCESS)
        log[len] = '\0';
    else if (log)
        log[0] = '\0';
    return log;
}

/* The compiler's message, with the head of the build log (what the error buffer holds). */
static gpuopt_status ocl_build_failure(gpuopt_backend *b, cl_int err)
{
    ocl_impl *o = ocl_of(b);
    char name[32];
    char *log = gpuopt_opencl_build_log(o, o->program);
    gpuopt_status st = gpuopt_backend_fail(
        b, GPUOPT_ERR_BACKEND, "clBuildProgram(gpuopt kernels, %s): %s; build log: %.800s",
        OCL_BUILD_OPTIONS, gpuopt_opencl_error_name(err, name, sizeof name),
        log && log[0] ? log : "(empty)");
    free(log);
    return st;
}

static gpuopt_status ocl_create_kernel(gpuopt_backend *b, ocl_kernel_id k)
{
    ocl_impl *o = ocl_of(b);
    char full[64];
    snprintf(full, sizeof full, "gpuopt_k_%s", ocl_kernel_names[k]);
    cl_int err;
    o->kernels[k] = clCreateKernel(o->program, full, &err);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateKernel", full);
    size_t most = 0;
    err = clGetKernelWorkGroupInfo(o->kernels[k], o->device, CL_KERNEL_WORK_GROUP_SIZE,
                                   sizeof most, &most, NULL);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clGetKernelWorkGroupInfo", full);
    if (ocl_is_reduction(k) && most < GPUOPT_REDUCE_THREADS)
        return gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND,
                                   "kernel %s runs at most %zu threads per work-group on this "
                                   "device; the reductions need %d",
                                   full, most, GPUOPT_REDUCE_THREADS);
    o->group_size[k] = ocl_is_reduction(k) ? GPUOPT_REDUCE_THREADS
                                           : (most < OCL_GROUP ? most : OCL_GROUP);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_opencl_build(gpuopt_backend *b)
{
    ocl_impl *o = ocl_of(b);
    const char *src = gpuopt_opencl_program_source;
    size_t len = gpuopt_opencl_program_source_length;
    cl_int err;
    o->program = clCreateProgramWithSource(o->context, 1, &src, &len, &err);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateProgramWithSource", "gpuopt kernels");
    err = clBuildProgram(o->program, 1, &o->device, OCL_BUILD_OPTIONS, NULL, NULL);
    if (err != CL_SUCCESS)
        return ocl_build_failure(b, err);
    for (int k = 0; k < OCL_K_COUNT; ++k) {
        gpuopt_status st = ocl_create_kernel(b, (ocl_kernel_id)k);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

void gpuopt_opencl_release_program(ocl_impl *o)
{
    for (int k = 0; k < OCL_K_COUNT; ++k) {
        if (o->kernels[k])
            clReleaseKernel(o->kernels[k]);
        o->kernels[k] = NULL;
    }
    if (o->program)
        clReleaseProgram(o->program);
    o->program = NULL;
}

gpuopt_status gpuopt_opencl_launch(gpuopt_backend *b, ocl_kernel_id k, size_t threads,
                                   size_t group, const ocl_arg *args, size_t n_args)
{
    ocl_impl *o = ocl_of(b);
    const char *name = gpuopt_opencl_kernel_name(k);
    if (threads == 0)
        return GPUOPT_SUCCESS;
    if (k >= OCL_K_COUNT || !o->kernels[k])
        return gpuopt_backend_fail(b, GPUOPT_ERR_INTERNAL, "kernel %s is not built", name);
    return gpuopt_opencl_launch_kernel(b, o->kernels[k], name, threads,
                                       group ? group : o->group_size[k], args, n_args);
}

gpuopt_status gpuopt_opencl_launch_kernel(gpuopt_backend *b, cl_kernel kernel, const char *name,
                                          size_t threads, size_t group, const ocl_arg *args,
                                          size_t n_args)
{
    ocl_impl *o = ocl_of(b);
    if (threads == 0)
        return GPUOPT_SUCCESS;
    for (size_t i = 0; i < n_args; ++i) {
        cl_int err = clSetKernelArg(kernel, (cl_uint)i, args[i].size, args[i].value);
        if (err != CL_SUCCESS) {
            char what[96];
            snprintf(what, sizeof what, "%s, argument %zu", name, i);
            return gpuopt_opencl_fail(b, err, "clSetKernelArg", what);
        }
    }
    size_t local = group;
    if (threads > SIZE_MAX - local)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "kernel %s: %zu threads are too many", name, threads);
    size_t global = (threads + local - 1) / local * local;
    cl_int err = clEnqueueNDRangeKernel(o->queue, kernel, 1, NULL, &global, &local, 0, NULL, NULL);
    return err == CL_SUCCESS ? GPUOPT_SUCCESS
                             : gpuopt_opencl_fail(b, err, "clEnqueueNDRangeKernel", name);
}
