/* User criteria on the CUDA device (docs/user_criteria.md): source criteria compiled with NVRTC
 * and loaded with the runtime's library API (cudaLibraryLoadData), built once per backend
 * instance and source; device batch callbacks given the batch's device pointers and the
 * stream.
 *
 * The backend wires them in three places (host/cuda/cuda_eval.c, cuda_backend.c):
 *   evaluate:  if (t->source) return gpuopt_cuda_eval_source(b, &c->sources, t, X, n, f);
 *              if (t->device_fn) return gpuopt_cuda_eval_device_fn(b, t, X, n, raw, f);
 *   cu_impl:   struct gpuopt_cuda_sources *sources;
 *   close:     gpuopt_cuda_sources_free(&c->sources);   (before the stream is destroyed)
 * Needs no CUDA headers (tests include it). */
#ifndef GPUOPT_HOST_CUDA_SOURCE_H
#define GPUOPT_HOST_CUDA_SOURCE_H

#include "../backend.h"
#include "../user_source.h"

typedef struct gpuopt_cuda_sources gpuopt_cuda_sources; /* an instance's builds */

/* NVRTC only (no device needed): the program of s (gpuopt_user_source_program, CUDA dialect)
 * for compute capability `arch` (major * 10 + minor): a CUBIN when NVRTC knows sm_<arch>, else
 * PTX for the newest virtual architecture it knows (the driver compiles it on load). *image
 * and *log are malloc'd (the caller frees both; *log may be NULL). Returns
 * GPUOPT_ERR_SOURCE_COMPILE on a compile error (*log holds NVRTC's log, with the user's file
 * and line numbers), GPUOPT_ERR_BACKEND for other NVRTC failures (*log says which). */
gpuopt_status gpuopt_cuda_compile_source(const gpuopt_user_source *s, int arch, void **image,
                                         size_t *size, char **log);

/* f[i] = criterion(X + i * dim) for the n points of X, on the instance's stream, with the
 * build of t->source for its device (made on first use and kept in *sources); a multi-output
 * source writes raw[i * n_outputs + k] = residual(X + i * dim, dim, k), aggregated into f on
 * the device. A compile error goes through gpuopt_user_source_fail (GPUOPT_ERR_SOURCE_COMPILE,
 * the log in b's error). */
gpuopt_status gpuopt_cuda_eval_source(gpuopt_backend *b, gpuopt_cuda_sources **sources,
                                      const gpuopt_eval_target *t, gpuopt_dptr X, size_t n,
                                      gpuopt_dptr raw, gpuopt_dptr f);

/* The device batch callback with the batch's device pointers, the instance's stream and device;
 * then the aggregation of raw into f on the device. */
gpuopt_status gpuopt_cuda_eval_device_fn(gpuopt_backend *b, const gpuopt_eval_target *t,
                                         gpuopt_dptr X, size_t n, gpuopt_dptr raw,
                                         gpuopt_dptr f);

/* Unloads every build of an instance. */
void gpuopt_cuda_sources_free(gpuopt_cuda_sources **sources);
/* How many builds an instance keeps (for tests). */
size_t gpuopt_cuda_source_builds(const gpuopt_cuda_sources *sources);

#endif /* GPUOPT_HOST_CUDA_SOURCE_H */
