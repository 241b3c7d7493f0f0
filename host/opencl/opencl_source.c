/* User criteria on the OpenCL device: source criteria built into their own program (once per
 * backend instance and source, kept in the instance's cache) and run as one kernel, one thread
 * per point; device batch callbacks given the batch's cl_mem buffers and the queue. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../user_source.h"
#include "opencl_internal.h"

/* As the library's own program: no fast-math options, FP_CONTRACT off (in the prelude). */
#define OCL_SOURCE_OPTIONS "-cl-std=CL1.2"
#define OCL_SOURCE_GROUP 128

/* One cached build of one source on this instance. */
typedef struct ocl_source_build {
    const gpuopt_user_source *source;
    cl_program program;
    cl_kernel kernel;
    size_t group;
    struct ocl_source_build *next;
} ocl_source_build;

static void release_build(ocl_source_build *e)
{
    if (e->kernel)
        clReleaseKernel(e->kernel);
    if (e->program)
        clReleaseProgram(e->program);
    free(e);
}

void gpuopt_opencl_release_sources(ocl_impl *o)
{
    while (o->sources) {
        ocl_source_build *next = o->sources->next;
        release_build(o->sources);
        o->sources = next;
    }
}

size_t gpuopt_opencl_source_builds(gpuopt_backend *b)
{
    size_t n = 0;
    for (const ocl_source_build *e = ocl_of(b)->sources; e; e = e->next)
        ++n;
    return n;
}

/* The build failed: the compiler's log, with the user's file and line numbers. */
static gpuopt_status build_failure(gpuopt_backend *b, const gpuopt_user_source *s,
                                   cl_program program, cl_int err)
{
    char name[32], what[96];
    char *log = gpuopt_opencl_build_log(ocl_of(b), program);
    snprintf(what, sizeof what, "clBuildProgram, %s: %s", OCL_SOURCE_OPTIONS,
             gpuopt_opencl_error_name(err, name, sizeof name));
    gpuopt_status st = gpuopt_user_source_fail(b, s, what, log);
    free(log);
    return st;
}

static gpuopt_status make_kernel(gpuopt_backend *b, ocl_source_build *e)
{
    ocl_impl *o = ocl_of(b);
    cl_int err;
    e->kernel = clCreateKernel(e->program, GPUOPT_SOURCE_KERNEL, &err);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateKernel", GPUOPT_SOURCE_KERNEL);
    size_t most = 0;
    err = clGetKernelWorkGroupInfo(e->kernel, o->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof most,
                                   &most, NULL);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clGetKernelWorkGroupInfo", GPUOPT_SOURCE_KERNEL);
    e->group = most < OCL_SOURCE_GROUP ? (most ? most : 1) : OCL_SOURCE_GROUP;
    return GPUOPT_SUCCESS;
}

size_t gpuopt_opencl_constant_limit(gpuopt_backend *b)
{
    cl_ulong limit = 0;
    if (clGetDeviceInfo(ocl_of(b)->device, CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, sizeof limit,
                        &limit, NULL) != CL_SUCCESS)
        return 0;
    return limit > SIZE_MAX ? SIZE_MAX : (size_t)limit;
}

/* Data in __constant arrays must fit the device's constant memory. */
static gpuopt_status check_constant_memory(gpuopt_backend *b, const gpuopt_user_source *s)
{
    cl_ulong limit = 0;
    if (!s->constant_bytes)
        return GPUOPT_SUCCESS;
    cl_int err = clGetDeviceInfo(ocl_of(b)->device, CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE,
                                 sizeof limit, &limit, NULL);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clGetDeviceInfo", "CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE");
    if ((cl_ulong)s->constant_bytes <= limit)
        return GPUOPT_SUCCESS;
    return gpuopt_backend_fail(b, GPUOPT_ERR_UNSUPPORTED,
                               "source '%s' holds %zu bytes of __constant data, more than this "
                               "OpenCL device's constant memory (CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE "
                               "= %llu bytes); use fewer data points or the cpu or cuda backend",
                               s->name, s->constant_bytes, (unsigned long long)limit);
}

static gpuopt_status build(gpuopt_backend *b, const gpuopt_user_source *s, ocl_source_build *e)
{
    ocl_impl *o = ocl_of(b);
    gpuopt_status st = check_constant_memory(b, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    size_t len = 0;
    char *text = gpuopt_user_source_program(s, GPUOPT_SOURCE_OPENCL, &len);
    if (!text)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    const char *src = text;
    cl_int err;
    e->program = clCreateProgramWithSource(o->context, 1, &src, &len, &err);
    free(text);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateProgramWithSource", s->name);
    err = clBuildProgram(e->program, 1, &o->device, OCL_SOURCE_OPTIONS, NULL, NULL);
    if (err != CL_SUCCESS)
        return build_failure(b, s, e->program, err);
    return make_kernel(b, e);
}

/* The instance's build of s, made on first use. A failed build is not kept. */
static gpuopt_status find_build(gpuopt_backend *b, const gpuopt_user_source *s,
                                ocl_source_build **out)
{
    ocl_impl *o = ocl_of(b);
    for (ocl_source_build *e = o->sources; e; e = e->next)
        if (e->source == s) {
            *out = e;
            return GPUOPT_SUCCESS;
        }
    ocl_source_build *e = calloc(1, sizeof *e);
    if (!e)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    e->source = s;
    gpuopt_status st = build(b, s, e);
    if (st != GPUOPT_SUCCESS) {
        release_build(e);
        return st;
    }
    e->next = o->sources;
    o->sources = e;
    *out = e;
    return GPUOPT_SUCCESS;
}

/* A multi-output source: one thread per output into raw, then the aggregation into f. */
static gpuopt_status eval_outputs(gpuopt_backend *b, const gpuopt_eval_target *t,
                                  const ocl_source_build *e, gpuopt_dptr X, size_t n,
                                  gpuopt_dptr raw, gpuopt_dptr f)
{
    size_t outputs = t->source->n_outputs;
    if (!raw)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (n > SIZE_MAX / outputs)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "evaluate: %zu points x %zu outputs are too many", n, outputs);
    size_t items = n * outputs;
    ocl_arg args[] = {OCL_U64(items), OCL_INT(t->dim), OCL_MEM(X), OCL_MEM(raw)};
    gpuopt_status st = gpuopt_opencl_launch_kernel(b, e->kernel, GPUOPT_SOURCE_KERNEL, items,
                                                   e->group, args, OCL_NARGS(args));
    return st == GPUOPT_SUCCESS ? gpuopt_opencl_aggregate(b, t->kind, raw, n, outputs, f) : st;
}

gpuopt_status gpuopt_opencl_eval_source(gpuopt_backend *b, const gpuopt_eval_target *t,
                                        gpuopt_dptr X, size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    ocl_source_build *e = NULL;
    gpuopt_status st = find_build(b, t->source, &e);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (t->source->n_outputs)
        return eval_outputs(b, t, e, X, n, raw, f);
    ocl_arg args[] = {OCL_U64(n), OCL_INT(t->dim), OCL_MEM(X), OCL_MEM(f)};
    return gpuopt_opencl_launch_kernel(b, e->kernel, GPUOPT_SOURCE_KERNEL, n, e->group, args,
                                       OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_eval_device_fn(gpuopt_backend *b, const gpuopt_eval_target *t,
                                           gpuopt_dptr X, size_t n, gpuopt_dptr raw,
                                           gpuopt_dptr f)
{
    ocl_impl *o = ocl_of(b);
    gpuopt_device_batch batch = {
        .backend = "opencl",
        .X = X,
        .out = raw,
        .n_points = n,
        .dim = t->dim,
        .n_outputs = t->n_outputs,
        .queue = o->queue,
        .context = o->context,
        .device = o->device,
    };
    if (t->device_fn(&batch, t->device_user))
        return gpuopt_backend_fail(b, GPUOPT_ERR_CALLBACK,
                                   "the device criterion callback returned an error");
    return gpuopt_opencl_aggregate(b, t->kind, raw, n, t->n_outputs, f);
}
