/* What the CUDA backend offers beyond its ops table, for tests and tools; needs no CUDA
 * headers. */
#ifndef GPUOPT_HOST_CUDA_BACKEND_H
#define GPUOPT_HOST_CUDA_BACKEND_H

#include <stddef.h>

#include "../backend.h"

/* Buffers the instance has allocated and not yet released (its own reduction buffers
 * included): a run that fails must leave this where it was. */
size_t gpuopt_cuda_live_buffers(gpuopt_backend *b);

/* Device memory in use and in total on the instance's device (cudaMemGetInfo), in bytes. */
gpuopt_status gpuopt_cuda_memory(gpuopt_backend *b, size_t *used, size_t *total);

/* fill_uniform launched with `block` threads per block (the op uses 128): a size the device
 * refuses shows a launch failure as the op would report it. */
gpuopt_status gpuopt_cuda_fill_uniform_blocks(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                              unsigned block);

#endif /* GPUOPT_HOST_CUDA_BACKEND_H */
