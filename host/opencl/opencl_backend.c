/* The OpenCL backend: device discovery through the ICD loader, one context + in-order queue +
 * program per backend instance, memory as cl_mem buffers, and the ops table. The population
 * operations, evaluation, reductions and random numbers run as kernels (kernels/entry.h); see
 * docs/backends.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/entry.h"
#include "opencl_blas.h"
#include "opencl_internal.h"

#define OCL_MAX_PLATFORMS 16
#define OCL_MAX_DEVICES 64

/* ------------------------------------------------------------------- discovery */

static int ocl_usable(cl_device_id d)
{
    cl_bool available = CL_FALSE, compiler = CL_FALSE;
    cl_device_fp_config fp64 = 0;
    return clGetDeviceInfo(d, CL_DEVICE_AVAILABLE, sizeof available, &available, NULL) ==
               CL_SUCCESS &&
           clGetDeviceInfo(d, CL_DEVICE_COMPILER_AVAILABLE, sizeof compiler, &compiler, NULL) ==
               CL_SUCCESS &&
           clGetDeviceInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL) ==
               CL_SUCCESS &&
           available && compiler && fp64 != 0;
}

static int ocl_is_gpu(cl_device_id d)
{
    cl_device_type type = 0;
    clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    return (type & CL_DEVICE_TYPE_GPU) != 0;
}

static int ocl_platforms(cl_platform_id *platforms, cl_uint *count)
{
    *count = 0;
    cl_int err = clGetPlatformIDs(OCL_MAX_PLATFORMS, platforms, count);
    if (err != CL_SUCCESS)
        return err < 0 ? err : -1;
    if (*count > OCL_MAX_PLATFORMS)
        *count = OCL_MAX_PLATFORMS;
    return 0;
}

/* Appends the usable devices of one platform that are (want_gpu) or are not GPUs. */
static int ocl_collect(cl_platform_id p, int want_gpu, cl_device_id *ids,
                       cl_platform_id *platforms, int cap, int count)
{
    cl_device_id devs[OCL_MAX_DEVICES];
    cl_uint n = 0;
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, OCL_MAX_DEVICES, devs, &n) != CL_SUCCESS)
        return count;
    for (cl_uint i = 0; i < n && i < OCL_MAX_DEVICES; ++i) {
        if (ocl_is_gpu(devs[i]) != want_gpu || !ocl_usable(devs[i]))
            continue;
        if (count < cap) {
            if (ids)
                ids[count] = devs[i];
            if (platforms)
                platforms[count] = p;
        }
        ++count;
    }
    return count;
}

int gpuopt_opencl_devices(int gpu_only, cl_device_id *ids, cl_platform_id *platforms, int cap)
{
    cl_platform_id plats[OCL_MAX_PLATFORMS];
    cl_uint np;
    int err = ocl_platforms(plats, &np);
    if (err < 0)
        return err;
    int count = 0;
    for (int pass = 0; pass < (gpu_only ? 1 : 2); ++pass)
        for (cl_uint p = 0; p < np; ++p)
            count = ocl_collect(plats[p], pass == 0, ids, platforms, cap, count);
    return count;
}

/* How many OpenCL devices exist at all (for the explanation when none is usable). */
static int ocl_all_devices(int gpu_only)
{
    cl_platform_id plats[OCL_MAX_PLATFORMS];
    cl_uint np;
    if (ocl_platforms(plats, &np) < 0)
        return 0;
    int total = 0;
    for (cl_uint p = 0; p < np; ++p) {
        cl_uint n = 0;
        if (clGetDeviceIDs(plats[p], gpu_only ? CL_DEVICE_TYPE_GPU : CL_DEVICE_TYPE_ALL, 0, NULL,
                           &n) == CL_SUCCESS)
            total += (int)n;
    }
    return total;
}

static int ocl_device_count(int gpu_only, char *why, size_t why_len)
{
    char buf[32], note[256] = "";
    int n = gpuopt_opencl_devices(gpu_only, NULL, NULL, 0);
    if (n < 0) {
        snprintf(note, sizeof note,
                 "no OpenCL platform found (clGetPlatformIDs: %s); install an OpenCL driver "
                 "(ICD) or check /etc/OpenCL/vendors and OCL_ICD_VENDORS",
                 gpuopt_opencl_error_name(n, buf, sizeof buf));
        n = 0;
    } else if (n == 0) {
        int all = ocl_all_devices(gpu_only);
        if (all == 0)
            snprintf(note, sizeof note, "no OpenCL %sdevice found", gpu_only ? "GPU " : "");
        else
            snprintf(note, sizeof note,
                     "%d OpenCL %sdevice%s found, none usable (needs double precision, "
                     "cl_khr_fp64, and a compiler)",
                     all, gpu_only ? "GPU " : "", all == 1 ? "" : "s");
    } else if (!gpu_only && gpuopt_opencl_devices(1, NULL, NULL, 0) == 0) {
        snprintf(note, sizeof note, "no GPU among the OpenCL devices: `auto` picks the cpu "
                                    "backend; ask for opencl by name to use them");
    }
    if (why && why_len)
        snprintf(why, why_len, "%s", note);
    return n;
}

static void ocl_string_info(cl_device_id d, cl_device_info what, char *out, size_t len)
{
    out[0] = '\0';
    if (clGetDeviceInfo(d, what, len, out, NULL) != CL_SUCCESS)
        snprintf(out, len, "unknown");
    out[len - 1] = '\0';
}

static gpuopt_status ocl_device_info(int index, gpuopt_device_info *info)
{
    cl_device_id ids[OCL_MAX_DEVICES];
    int n = gpuopt_opencl_devices(0, ids, NULL, OCL_MAX_DEVICES);
    if (!info || index < 0 || index >= n || index >= OCL_MAX_DEVICES)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    memset(info, 0, sizeof *info);
    cl_device_id d = ids[index];
    cl_ulong mem = 0;
    cl_uint units = 0;
    ocl_string_info(d, CL_DEVICE_NAME, info->name, sizeof info->name);
    ocl_string_info(d, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof mem, &mem, NULL);
    clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    info->memory_bytes = mem;
    info->compute_units = (int)units;
    info->double_support = 1; /* only devices with cl_khr_fp64 are listed */
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------- lifecycle */

static void ocl_close(gpuopt_backend *b)
{
    ocl_impl *o = ocl_of(b);
    if (!o)
        return;
    if (o->queue)
        clFinish(o->queue);
    if (o->reduce_values)
        clReleaseMemObject(o->reduce_values);
    if (o->reduce_indices)
        clReleaseMemObject(o->reduce_indices);
    gpuopt_opencl_release_sources(o);
    gpuopt_opencl_release_program(o);
    if (o->queue)
        clReleaseCommandQueue(o->queue);
    if (o->context)
        clReleaseContext(o->context);
    free(o->host_x);
    free(o->host_raw);
    free(o);
    b->impl = NULL;
}

static gpuopt_status ocl_create_queue(gpuopt_backend *b)
{
    ocl_impl *o = ocl_of(b);
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)o->platform, 0};
    cl_int err;
    o->context = clCreateContext(props, 1, &o->device, NULL, NULL, &err);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateContext", b->device);
    o->queue = clCreateCommandQueue(o->context, o->device, 0, &err);
    if (err != CL_SUCCESS)
        return gpuopt_opencl_fail(b, err, "clCreateCommandQueue", b->device);
    clGetDeviceInfo(o->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof o->global_mem, &o->global_mem,
                    NULL);
    clGetDeviceInfo(o->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof o->max_alloc, &o->max_alloc,
                    NULL);
    return GPUOPT_SUCCESS;
}

static void ocl_describe(gpuopt_backend *b)
{
    ocl_impl *o = ocl_of(b);
    char name[128], platform[96] = "", version[96];
    ocl_string_info(o->device, CL_DEVICE_NAME, name, sizeof name);
    ocl_string_info(o->device, CL_DEVICE_VERSION, version, sizeof version);
    clGetPlatformInfo(o->platform, CL_PLATFORM_NAME, sizeof platform - 1, platform, NULL);
    /* the precisions keep the description within b->device */
    int n = snprintf(b->device, sizeof b->device, "%.120s (%.60s, %.60s)", name, platform,
                     version);
    (void)n;
}

static gpuopt_status ocl_open(gpuopt_backend *b, int device_index)
{
    cl_device_id ids[OCL_MAX_DEVICES];
    cl_platform_id platforms[OCL_MAX_DEVICES];
    int n = gpuopt_opencl_devices(0, ids, platforms, OCL_MAX_DEVICES);
    if (device_index < 0 || device_index >= n || device_index >= OCL_MAX_DEVICES)
        return gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND_UNAVAILABLE,
                                   "no usable OpenCL device %d (%d found)", device_index,
                                   n > 0 ? n : 0);
    ocl_impl *o = calloc(1, sizeof *o);
    if (!o)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    b->impl = o;
    o->device = ids[device_index];
    o->platform = platforms[device_index];
    ocl_describe(b);
    gpuopt_status st = ocl_create_queue(b);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_build(b);
    gpuopt_dptr values = NULL, indices = NULL;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_alloc(b, GPUOPT_REDUCE_SLOTS * sizeof(double), &values);
    o->reduce_values = values;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_alloc(b, GPUOPT_REDUCE_SLOTS * sizeof(cl_ulong), &indices);
    o->reduce_indices = indices;
    return st; /* on failure the caller closes, which releases what was made */
}

/* ------------------------------------------------------------------- memory */

static gpuopt_status ocl_too_large(gpuopt_backend *b, size_t bytes, const char *why)
{
    ocl_impl *o = ocl_of(b);
    return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                               "cannot allocate %zu bytes on %s: %s (device memory %llu bytes, "
                               "largest buffer %llu bytes)",
                               bytes, b->device, why, (unsigned long long)o->global_mem,
                               (unsigned long long)o->max_alloc);
}

/* Buffers are zeroed (the framework promises zeroed buffers), which also makes the device back
 * them now rather than at first use, so that a failure shows here. */
gpuopt_status gpuopt_opencl_alloc(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out)
{
    ocl_impl *o = ocl_of(b);
    *out = NULL;
    if (bytes > SIZE_MAX - 8 || bytes > o->max_alloc)
        return ocl_too_large(b, bytes, "larger than the largest buffer the device allows");
    size_t size = bytes ? (bytes + 7) / 8 * 8 : 8;
    cl_int err;
    cl_mem m = clCreateBuffer(o->context, CL_MEM_READ_WRITE, size, NULL, &err);
    if (err != CL_SUCCESS) {
        char name[32], why[96];
        snprintf(why, sizeof why, "clCreateBuffer: %s",
                 gpuopt_opencl_error_name(err, name, sizeof name));
        return ocl_too_large(b, bytes, why);
    }
    const cl_ulong zero = 0;
    err = clEnqueueFillBuffer(o->queue, m, &zero, sizeof zero, 0, size, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clFinish(o->queue);
    if (err != CL_SUCCESS) {
        clReleaseMemObject(m);
        char name[32], why[96];
        snprintf(why, sizeof why, "clEnqueueFillBuffer: %s",
                 gpuopt_opencl_error_name(err, name, sizeof name));
        return ocl_too_large(b, bytes, why);
    }
    *out = m;
    return GPUOPT_SUCCESS;
}

void gpuopt_opencl_release(gpuopt_backend *b, gpuopt_dptr p)
{
    (void)b;
    if (p)
        clReleaseMemObject((cl_mem)p);
}

gpuopt_status gpuopt_opencl_write(gpuopt_backend *b, gpuopt_dptr dst, size_t off, const void *src,
                                  size_t bytes)
{
    if (!bytes)
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "write: NULL buffer");
    cl_int err = clEnqueueWriteBuffer(ocl_of(b)->queue, (cl_mem)dst, CL_TRUE, off, bytes, src, 0,
                                      NULL, NULL);
    if (err == CL_SUCCESS) {
        ocl_of(b)->bytes_to_device += bytes;
        return GPUOPT_SUCCESS;
    }
    char what[64];
    snprintf(what, sizeof what, "%zu bytes at offset %zu", bytes, off);
    return gpuopt_opencl_fail(b, err, "clEnqueueWriteBuffer", what);
}

gpuopt_status gpuopt_opencl_read(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t off,
                                 size_t bytes)
{
    if (!bytes)
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "read: NULL buffer");
    cl_int err = clEnqueueReadBuffer(ocl_of(b)->queue, (cl_mem)src, CL_TRUE, off, bytes, dst, 0,
                                     NULL, NULL);
    if (err == CL_SUCCESS) {
        ocl_of(b)->bytes_to_host += bytes;
        return GPUOPT_SUCCESS;
    }
    char what[64];
    snprintf(what, sizeof what, "%zu bytes at offset %zu", bytes, off);
    return gpuopt_opencl_fail(b, err, "clEnqueueReadBuffer", what);
}

/* Overlapping ranges of one buffer go through the host (clEnqueueCopyBuffer refuses them). */
static gpuopt_status ocl_copy_overlapping(gpuopt_backend *b, gpuopt_dptr buf, size_t dst_off,
                                          size_t src_off, size_t bytes)
{
    void *tmp = malloc(bytes);
    if (!tmp)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "copy: out of host memory (%zu bytes)", bytes);
    gpuopt_status st = gpuopt_opencl_read(b, tmp, buf, src_off, bytes);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_write(b, buf, dst_off, tmp, bytes);
    free(tmp);
    return st;
}

gpuopt_status gpuopt_opencl_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_off,
                                 gpuopt_dptr src, size_t src_off, size_t bytes)
{
    if (!bytes || (dst == src && dst_off == src_off))
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "copy: NULL buffer");
    if (dst == src && dst_off < src_off + bytes && src_off < dst_off + bytes)
        return ocl_copy_overlapping(b, dst, dst_off, src_off, bytes);
    cl_int err = clEnqueueCopyBuffer(ocl_of(b)->queue, (cl_mem)src, (cl_mem)dst, src_off, dst_off,
                                     bytes, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        return GPUOPT_SUCCESS;
    char what[96];
    snprintf(what, sizeof what, "%zu bytes from offset %zu to offset %zu", bytes, src_off,
             dst_off);
    return gpuopt_opencl_fail(b, err, "clEnqueueCopyBuffer", what);
}

static gpuopt_status ocl_synchronize(gpuopt_backend *b)
{
    cl_int err = clFinish(ocl_of(b)->queue);
    return err == CL_SUCCESS ? GPUOPT_SUCCESS
                             : gpuopt_opencl_fail(b, err, "clFinish", "synchronize");
}

const gpuopt_backend_ops gpuopt_backend_opencl = {
    .name = "opencl",
    .kind = GPUOPT_BACKEND_OPENCL,
    .is_gpu = 1,
    .device_count = ocl_device_count,
    .device_info = ocl_device_info,
    .open = ocl_open,
    .close = ocl_close,
    .alloc = gpuopt_opencl_alloc,
    .release = gpuopt_opencl_release,
    .write = gpuopt_opencl_write,
    .read = gpuopt_opencl_read,
    .synchronize = ocl_synchronize,
    .evaluate = gpuopt_opencl_evaluate,
    .aggregate = gpuopt_opencl_aggregate,
    .check_values = gpuopt_opencl_check_values,
    .fill_uniform = gpuopt_opencl_fill_uniform,
    .minmax = gpuopt_opencl_minmax,
    .de_trial = gpuopt_opencl_de_trial,
    .de_select = gpuopt_opencl_de_select,
    .pso_move = gpuopt_opencl_pso_move,
    .pso_remember = gpuopt_opencl_pso_remember,
    .de_trial_evaluate = gpuopt_opencl_de_trial_evaluate,
    .pso_move_evaluate = gpuopt_opencl_pso_move_evaluate,
    .pso_best_update = gpuopt_opencl_pso_best_update,
    .copy = gpuopt_opencl_copy,
    .argsort = gpuopt_opencl_argsort,
    .dgemm = gpuopt_opencl_dgemm,
    .fill_normal = gpuopt_opencl_fill_normal,
    .cmaes_sample = gpuopt_opencl_cmaes_sample,
    .cmaes_rank_stats = gpuopt_opencl_cmaes_rank_stats,
    .cmaes_penalty = gpuopt_opencl_cmaes_penalty,
    .cmaes_recombine = gpuopt_opencl_cmaes_recombine,
    .cmaes_paths = gpuopt_opencl_cmaes_paths,
    .cmaes_diag_update = gpuopt_opencl_cmaes_diag_update,
    .cmaes_eigen_finish = gpuopt_opencl_cmaes_eigen_finish,
    .cmaes_measure = gpuopt_opencl_cmaes_measure,
    .xnes_bound = gpuopt_opencl_xnes_bound,
    .xnes_weights = gpuopt_opencl_xnes_weights,
    .xnes_exponent = gpuopt_opencl_xnes_exponent,
    .xnes_expm_scale = gpuopt_opencl_xnes_expm_scale,
};
