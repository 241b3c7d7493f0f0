/* CUDA errors as messages, the device selection per call, and launch geometry. */
#include <stdio.h>

#include "cuda_internal.h"

void gpuopt_cuda_error_text(cudaError_t err, char *buf, size_t len)
{
    const char *name = cudaGetErrorName(err), *text = cudaGetErrorString(err);
    snprintf(buf, len, "%s (%s)", name ? name : "cudaError?", text ? text : "unknown error");
}

gpuopt_status gpuopt_cuda_fail(gpuopt_backend *b, cudaError_t err, const char *call,
                               const char *what)
{
    char text[192];
    gpuopt_cuda_error_text(err, text, sizeof text);
    (void)cudaGetLastError(); /* a non-sticky error must not be reported again by a later call */
    gpuopt_status st = err == cudaErrorMemoryAllocation ? GPUOPT_ERR_OUT_OF_MEMORY
                                                        : GPUOPT_ERR_BACKEND;
    return gpuopt_backend_fail(b, st, "%s(%s): %s", call, what, text);
}

gpuopt_status gpuopt_cuda_enter(gpuopt_backend *b)
{
    cu_impl *c = cu_of(b);
    int current = -1;
    cudaError_t err = cudaGetDevice(&current);
    if (err == cudaSuccess && current == c->device)
        return GPUOPT_SUCCESS;
    err = cudaSetDevice(c->device);
    if (err == cudaSuccess)
        return GPUOPT_SUCCESS;
    char what[32];
    snprintf(what, sizeof what, "device %d", c->device);
    return gpuopt_cuda_fail(b, err, "cudaSetDevice", what);
}

gpuopt_status gpuopt_cuda_grid(gpuopt_backend *b, const char *kernel, size_t threads,
                               unsigned block, gpuopt_cuda_launch *l)
{
    unsigned per = block ? block : CU_BLOCK;
    size_t blocks = threads / per + (threads % per != 0);
    if (blocks > 0x7FFFFFFFu) /* gridDim.x limit */
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "kernel %s: %zu threads are too many for one launch (at most "
                                   "%zu)",
                                   kernel, threads, (size_t)0x7FFFFFFFu * per);
    l->stream = cu_of(b)->stream;
    l->blocks = (unsigned)blocks;
    l->threads = per;
    return gpuopt_cuda_enter(b);
}

gpuopt_status gpuopt_cuda_launched(gpuopt_backend *b, cudaError_t err, const char *kernel)
{
    return err == cudaSuccess ? GPUOPT_SUCCESS : gpuopt_cuda_fail(b, err, "kernel launch", kernel);
}
