/* The CUDA backend: device discovery through the runtime API, one stream per backend instance,
 * memory as device pointers, and the ops table. Evaluation, reductions, random numbers and the
 * population operations run as kernels (cuda_kernels.cu over kernels/entry.h); BLAS through
 * cuBLAS and eigendecompositions through cuSOLVER (cuda_linalg.c). See docs/backends.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/entry.h"
#include "cuda_internal.h"
#include "cuda_source.h"

#define CU_MAX_DEVICES 64

/* ------------------------------------------------------------------- discovery */

/* Compute capability as major * 10 + minor (0 when it cannot be read). */
static int cu_capability(int ordinal)
{
    int major = 0, minor = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, ordinal) != cudaSuccess ||
        cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, ordinal) != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    return major * 10 + minor;
}

/* The ordinals of the devices this build has code for (compute capability at least the lowest
 * built architecture; PTX covers newer ones). Returns how many, or -1 with why set. */
static int cu_devices(int *ordinals, int cap, char *why, size_t why_len)
{
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        const char *name = cudaGetErrorName(err);
        snprintf(why, why_len, "no CUDA device: %s (cudaGetDeviceCount: %s)",
                 cudaGetErrorString(err), name ? name : "?");
        (void)cudaGetLastError();
        return -1;
    }
    int usable = 0, built = gpuopt_cuda_built_arch();
    for (int d = 0; d < count; ++d) {
        if (cu_capability(d) < built)
            continue;
        if (usable < cap && ordinals)
            ordinals[usable] = d;
        ++usable;
    }
    if (count == 0)
        snprintf(why, why_len, "no CUDA device: cudaGetDeviceCount found none");
    else if (usable == 0)
        snprintf(why, why_len,
                 "%d CUDA device%s found, none usable: device 0 has compute capability %d.%d, "
                 "this build has kernels for %d.%d and newer (configure with "
                 "CMAKE_CUDA_ARCHITECTURES for it)",
                 count, count == 1 ? "" : "s", cu_capability(0) / 10, cu_capability(0) % 10,
                 built / 10, built % 10);
    return usable;
}

static int cu_device_count(int gpu_only, char *why, size_t why_len)
{
    (void)gpu_only; /* every CUDA device is a GPU */
    char note[256] = "";
    int n = cu_devices(NULL, 0, note, sizeof note);
    if (why && why_len)
        snprintf(why, why_len, "%s", n > 0 ? "" : note);
    return n > 0 ? n : 0;
}

/* The ordinal of usable device `index`, or -1. */
static int cu_ordinal(int index)
{
    int ordinals[CU_MAX_DEVICES];
    char why[256];
    int n = cu_devices(ordinals, CU_MAX_DEVICES, why, sizeof why);
    return index >= 0 && index < n && index < CU_MAX_DEVICES ? ordinals[index] : -1;
}

static gpuopt_status cu_device_info(int index, gpuopt_device_info *info)
{
    int ordinal = cu_ordinal(index);
    struct cudaDeviceProp prop;
    if (!info || ordinal < 0)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    if (cudaGetDeviceProperties(&prop, ordinal) != cudaSuccess) {
        (void)cudaGetLastError();
        return GPUOPT_ERR_BACKEND;
    }
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%.127s", prop.name);
    snprintf(info->vendor, sizeof info->vendor, "NVIDIA");
    info->memory_bytes = prop.totalGlobalMem;
    info->compute_units = prop.multiProcessorCount;
    info->double_support = 1; /* every CUDA device has double precision */
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------- lifecycle */

static void cu_free_staging(cu_impl *c)
{
    if (c->host_x)
        cudaFreeHost(c->host_x);
    if (c->host_raw)
        cudaFreeHost(c->host_raw);
    c->host_x = c->host_raw = NULL;
    c->host_x_cap = c->host_raw_cap = 0;
}

static void cu_close(gpuopt_backend *b)
{
    cu_impl *c = cu_of(b);
    if (!c)
        return;
    if (cudaSetDevice(c->device) == cudaSuccess && c->stream)
        cudaStreamSynchronize(c->stream);
    gpuopt_cuda_sources_free(&c->sources);
    gpuopt_cuda_release(b, c->reduce_values);
    gpuopt_cuda_release(b, c->reduce_indices);
    gpuopt_cuda_release_linalg(c);
    cu_free_staging(c);
    if (c->stream)
        cudaStreamDestroy(c->stream);
    (void)cudaGetLastError();
    free(c);
    b->impl = NULL;
}

static void cu_describe(gpuopt_backend *b, const struct cudaDeviceProp *prop)
{
    int runtime = 0, driver = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    snprintf(b->device, sizeof b->device,
             "%.120s (compute capability %d.%d, %d SMs, CUDA runtime %d.%d, driver %d.%d)",
             prop->name, prop->major, prop->minor, prop->multiProcessorCount, runtime / 1000,
             runtime % 1000 / 10, driver / 1000, driver % 1000 / 10);
}

/* Whether the device runs this build's kernels (a PTX or SASS image that fits it). */
static gpuopt_status cu_probe(gpuopt_backend *b, const struct cudaDeviceProp *prop)
{
    cudaError_t err = gpuopt_cuda_probe_kernels();
    if (err == cudaSuccess)
        return GPUOPT_SUCCESS;
    char text[192];
    gpuopt_cuda_error_text(err, text, sizeof text);
    (void)cudaGetLastError();
    return gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND_UNAVAILABLE,
                               "%s (compute capability %d.%d) cannot run this build's kernels "
                               "(built for compute capability %d.%d and newer): %s",
                               prop->name, prop->major, prop->minor,
                               gpuopt_cuda_built_arch() / 10, gpuopt_cuda_built_arch() % 10,
                               text);
}

static gpuopt_status cu_open(gpuopt_backend *b, int device_index)
{
    int ordinal = cu_ordinal(device_index);
    if (ordinal < 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND_UNAVAILABLE, "no usable CUDA device %d",
                                   device_index);
    if (b->impl) /* opened already: nothing to refresh */
        return GPUOPT_SUCCESS;
    cu_impl *c = calloc(1, sizeof *c);
    if (!c)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    b->impl = c;
    c->device = ordinal;
    struct cudaDeviceProp prop;
    char what[32];
    snprintf(what, sizeof what, "device %d", ordinal);
    cudaError_t err = cudaSetDevice(ordinal);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaSetDevice", what);
    err = cudaGetDeviceProperties(&prop, ordinal);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaGetDeviceProperties", what);
    cu_describe(b, &prop);
    c->total_mem = prop.totalGlobalMem;
    gpuopt_status st = cu_probe(b, &prop);
    if (st != GPUOPT_SUCCESS)
        return st;
    err = cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaStreamCreateWithFlags", b->device);
    gpuopt_dptr values = NULL, indices = NULL;
    st = gpuopt_cuda_alloc(b, GPUOPT_REDUCE_SLOTS * sizeof(double), &values);
    c->reduce_values = values;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_alloc(b, GPUOPT_REDUCE_SLOTS * sizeof(gpuopt_cuda_u64), &indices);
    c->reduce_indices = indices;
    return st; /* on failure the caller closes, which releases what was made */
}

/* ------------------------------------------------------------------- memory */

static gpuopt_status cu_too_large(gpuopt_backend *b, size_t bytes, const char *why)
{
    size_t free_bytes = 0, total = cu_of(b)->total_mem;
    if (cudaMemGetInfo(&free_bytes, &total) != cudaSuccess)
        (void)cudaGetLastError();
    return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                               "cannot allocate %zu bytes on %s: %s (device memory %zu bytes, "
                               "%zu free)",
                               bytes, b->device, why, total, free_bytes);
}

/* Buffers are zeroed (the framework promises zeroed buffers); the memset is ordered on the
 * stream before any later use. */
gpuopt_status gpuopt_cuda_alloc(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out)
{
    cu_impl *c = cu_of(b);
    *out = NULL;
    if (bytes > c->total_mem)
        return cu_too_large(b, bytes, "larger than the device's memory");
    gpuopt_status st = gpuopt_cuda_enter(b);
    if (st != GPUOPT_SUCCESS)
        return st;
    size_t size = bytes ? (bytes + 7) / 8 * 8 : 8;
    void *p = NULL;
    cudaError_t err = cudaMalloc(&p, size);
    if (err == cudaSuccess)
        err = cudaMemsetAsync(p, 0, size, c->stream);
    if (err != cudaSuccess) {
        char text[192], why[224];
        gpuopt_cuda_error_text(err, text, sizeof text);
        snprintf(why, sizeof why, "cudaMalloc: %s", text);
        if (p)
            cudaFree(p);
        (void)cudaGetLastError();
        return err == cudaErrorMemoryAllocation ? cu_too_large(b, bytes, why)
                                                : gpuopt_cuda_fail(b, err, "cudaMalloc", "alloc");
    }
    ++c->live_buffers;
    *out = p;
    return GPUOPT_SUCCESS;
}

/* Waits for the stream first: work queued on it may still use the buffer. */
void gpuopt_cuda_release(gpuopt_backend *b, gpuopt_dptr p)
{
    cu_impl *c = cu_of(b);
    if (!p || !c)
        return;
    if (gpuopt_cuda_enter(b) == GPUOPT_SUCCESS) {
        cudaError_t waited = c->stream ? cudaStreamSynchronize(c->stream) : cudaSuccess;
        if (cudaFree(p) != cudaSuccess || waited != cudaSuccess)
            (void)cudaGetLastError(); /* only after a sticky error, which later calls report */
    }
    --c->live_buffers;
}

/* One transfer on the stream, waited for (reads and writes are blocking, as on OpenCL). */
static gpuopt_status cu_transfer(gpuopt_backend *b, void *dst, const void *src, size_t bytes,
                                 enum cudaMemcpyKind kind, const char *call, size_t off)
{
    cu_impl *c = cu_of(b);
    gpuopt_status st = gpuopt_cuda_enter(b);
    if (st != GPUOPT_SUCCESS)
        return st;
    cudaError_t err = cudaMemcpyAsync(dst, src, bytes, kind, c->stream);
    if (err == cudaSuccess)
        err = cudaStreamSynchronize(c->stream);
    if (err == cudaSuccess)
        return GPUOPT_SUCCESS;
    char what[64];
    snprintf(what, sizeof what, "%s %zu bytes at offset %zu", call, bytes, off);
    return gpuopt_cuda_fail(b, err, "cudaMemcpyAsync", what);
}

gpuopt_status gpuopt_cuda_write(gpuopt_backend *b, gpuopt_dptr dst, size_t off, const void *src,
                                size_t bytes)
{
    if (!bytes)
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "write: NULL buffer");
    return cu_transfer(b, (char *)dst + off, src, bytes, cudaMemcpyHostToDevice, "write", off);
}

gpuopt_status gpuopt_cuda_read(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t off,
                               size_t bytes)
{
    if (!bytes)
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "read: NULL buffer");
    return cu_transfer(b, dst, (const char *)src + off, bytes, cudaMemcpyDeviceToHost, "read",
                       off);
}

/* Device-to-device on the stream (not waited for). Overlapping ranges of one buffer go through
 * a temporary device buffer (cudaMemcpy does not allow overlap). */
gpuopt_status gpuopt_cuda_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_off,
                               gpuopt_dptr src, size_t src_off, size_t bytes)
{
    if (!bytes || (dst == src && dst_off == src_off))
        return GPUOPT_SUCCESS;
    if (!dst || !src)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "copy: NULL buffer");
    cu_impl *c = cu_of(b);
    gpuopt_dptr tmp = NULL;
    gpuopt_status st = GPUOPT_SUCCESS;
    if (dst == src && dst_off < src_off + bytes && src_off < dst_off + bytes)
        st = gpuopt_cuda_alloc(b, bytes, &tmp);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_enter(b);
    if (st != GPUOPT_SUCCESS)
        return st;
    const char *from = (const char *)src + src_off;
    cudaError_t err = cudaSuccess;
    if (tmp) {
        err = cudaMemcpyAsync(tmp, from, bytes, cudaMemcpyDeviceToDevice, c->stream);
        from = tmp;
    }
    if (err == cudaSuccess)
        err = cudaMemcpyAsync((char *)dst + dst_off, from, bytes, cudaMemcpyDeviceToDevice,
                              c->stream);
    gpuopt_cuda_release(b, tmp); /* waits for the copies */
    if (err == cudaSuccess)
        return GPUOPT_SUCCESS;
    char what[96];
    snprintf(what, sizeof what, "%zu bytes from offset %zu to offset %zu", bytes, src_off,
             dst_off);
    return gpuopt_cuda_fail(b, err, "cudaMemcpyAsync", what);
}

static gpuopt_status cu_synchronize(gpuopt_backend *b)
{
    gpuopt_status st = gpuopt_cuda_enter(b);
    if (st != GPUOPT_SUCCESS)
        return st;
    cudaError_t err = cudaStreamSynchronize(cu_of(b)->stream);
    return err == cudaSuccess ? GPUOPT_SUCCESS
                              : gpuopt_cuda_fail(b, err, "cudaStreamSynchronize", "synchronize");
}

/* ------------------------------------------------------------------- for tests and tools */

size_t gpuopt_cuda_live_buffers(gpuopt_backend *b)
{
    return b && b->impl && b->ops == &gpuopt_backend_cuda ? cu_of(b)->live_buffers : 0;
}

gpuopt_status gpuopt_cuda_memory(gpuopt_backend *b, size_t *used, size_t *total)
{
    if (!b || !b->impl || b->ops != &gpuopt_backend_cuda || !used || !total)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    gpuopt_status st = gpuopt_cuda_enter(b);
    size_t free_bytes = 0;
    cudaError_t err = st == GPUOPT_SUCCESS ? cudaMemGetInfo(&free_bytes, total) : cudaSuccess;
    if (st == GPUOPT_SUCCESS && err != cudaSuccess)
        st = gpuopt_cuda_fail(b, err, "cudaMemGetInfo", "memory");
    *used = st == GPUOPT_SUCCESS ? *total - free_bytes : 0;
    return st;
}

const gpuopt_backend_ops gpuopt_backend_cuda = {
    .name = "cuda",
    .kind = GPUOPT_BACKEND_CUDA,
    .is_gpu = 1,
    .device_count = cu_device_count,
    .device_info = cu_device_info,
    .open = cu_open,
    .close = cu_close,
    .alloc = gpuopt_cuda_alloc,
    .release = gpuopt_cuda_release,
    .write = gpuopt_cuda_write,
    .read = gpuopt_cuda_read,
    .synchronize = cu_synchronize,
    .evaluate = gpuopt_cuda_evaluate,
    .aggregate = gpuopt_cuda_aggregate,
    .check_values = gpuopt_cuda_check_values,
    .fill_uniform = gpuopt_cuda_fill_uniform,
    .minmax = gpuopt_cuda_minmax,
    .de_trial = gpuopt_cuda_de_trial,
    .de_select = gpuopt_cuda_de_select,
    .pso_move = gpuopt_cuda_pso_move,
    .pso_remember = gpuopt_cuda_pso_remember,
    .de_trial_evaluate = gpuopt_cuda_de_trial_evaluate,
    .pso_move_evaluate = gpuopt_cuda_pso_move_evaluate,
    .pso_best_update = gpuopt_cuda_pso_best_update,
    .copy = gpuopt_cuda_copy,
    .argsort = gpuopt_cuda_argsort,
    .dgemm = gpuopt_cuda_dgemm,
    .dsyevd = gpuopt_cuda_dsyevd,
    .fill_normal = gpuopt_cuda_fill_normal,
    .cmaes_sample = gpuopt_cuda_cmaes_sample,
    .cmaes_rank_stats = gpuopt_cuda_cmaes_rank_stats,
    .cmaes_penalty = gpuopt_cuda_cmaes_penalty,
    .cmaes_recombine = gpuopt_cuda_cmaes_recombine,
    .cmaes_paths = gpuopt_cuda_cmaes_paths,
    .cmaes_diag_update = gpuopt_cuda_cmaes_diag_update,
    .cmaes_eigen_finish = gpuopt_cuda_cmaes_eigen_finish,
    .cmaes_measure = gpuopt_cuda_cmaes_measure,
    .fd_points = gpuopt_cuda_fd_points,
    .fd_combine = gpuopt_cuda_fd_combine,
    .xnes_bound = gpuopt_cuda_xnes_bound,
    .xnes_weights = gpuopt_cuda_xnes_weights,
    .xnes_exponent = gpuopt_cuda_xnes_exponent,
    .xnes_expm_scale = gpuopt_cuda_xnes_expm_scale,
};
