/* The CUDA backend's internals, shared by the files of host/cuda/.
 *
 * One backend instance = one device and one stream (cudaStreamNonBlocking) on which every
 * transfer, kernel, cuBLAS and cuSOLVER call of the instance is ordered. Only the runtime API
 * (libcudart, linked statically) is used: it loads the driver when first called, so the library
 * loads and reports "no CUDA device" on machines without a driver. */
#ifndef GPUOPT_HOST_CUDA_INTERNAL_H
#define GPUOPT_HOST_CUDA_INTERNAL_H

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include "../backend.h"
#include "cuda_backend.h"
#include "cuda_kernels.h"

/* cuBLAS and cuSOLVER entry points, loaded on first use (cuda_libs.c); the pointer types are
 * those of the headers' prototypes. */
typedef struct gpuopt_cuda_blas {
    int loaded;
    __typeof__(&cublasCreate_v2) create;
    __typeof__(&cublasDestroy_v2) destroy;
    __typeof__(&cublasSetStream_v2) set_stream;
    __typeof__(&cublasDgemm_v2) dgemm;
    __typeof__(&cublasGetStatusName) status_name;
    __typeof__(&cublasGetStatusString) status_string;
} gpuopt_cuda_blas;

typedef struct gpuopt_cuda_solver {
    int loaded;
    __typeof__(&cusolverDnCreate) create;
    __typeof__(&cusolverDnDestroy) destroy;
    __typeof__(&cusolverDnSetStream) set_stream;
    __typeof__(&cusolverDnDsyevd_bufferSize) syevd_buffer_size;
    __typeof__(&cusolverDnDsyevd) syevd;
} gpuopt_cuda_solver;

/* The loaded library, or NULL with *why saying what failed ("dlopen(libcublas.so.13): ..."). */
const gpuopt_cuda_blas *gpuopt_cuda_blas_lib(const char **why);
const gpuopt_cuda_solver *gpuopt_cuda_solver_lib(const char **why);

/* Threads per block of the per-element kernels (the reductions use GPUOPT_REDUCE_THREADS). */
#define CU_BLOCK 128

typedef struct cu_impl {
    int device;                 /* CUDA device ordinal */
    cudaStream_t stream;
    cublasHandle_t blas;        /* created on the first dgemm */
    cusolverDnHandle_t solver;  /* created on the first dsyevd */
    size_t total_mem;
    double *reduce_values;      /* GPUOPT_REDUCE_SLOTS doubles: minmax partials and totals */
    gpuopt_cuda_u64 *reduce_indices; /* GPUOPT_REDUCE_SLOTS */
    double *host_x, *host_raw;  /* pinned host staging for host callbacks */
    size_t host_x_cap, host_raw_cap; /* doubles */
    size_t live_buffers;        /* alloc'd and not yet released (leak checks) */
    struct gpuopt_cuda_sources *sources; /* source criteria built for the device (cuda_source.c) */
} cu_impl;

static inline cu_impl *cu_of(gpuopt_backend *b)
{
    return (cu_impl *)b->impl;
}

/* "cudaErrorMemoryAllocation (out of memory)". */
void gpuopt_cuda_error_text(cudaError_t err, char *buf, size_t len);

/* Records "<call>(<what>): <error name> (<error string>)" as the backend's error and clears the
 * runtime's last error; returns GPUOPT_ERR_OUT_OF_MEMORY for allocation failures, else
 * GPUOPT_ERR_BACKEND. */
gpuopt_status gpuopt_cuda_fail(gpuopt_backend *b, cudaError_t err, const char *call,
                               const char *what);

/* Makes the instance's device current for the calling thread (a context may move between
 * threads, and other code may have selected another device). */
gpuopt_status gpuopt_cuda_enter(gpuopt_backend *b);

/* The launch geometry for `threads` threads in blocks of `block` (0: CU_BLOCK); fails when the
 * grid would be too large. */
gpuopt_status gpuopt_cuda_grid(gpuopt_backend *b, const char *kernel, size_t threads,
                               unsigned block, gpuopt_cuda_launch *l);

/* Turns a launcher's result into a status naming the kernel. */
gpuopt_status gpuopt_cuda_launched(gpuopt_backend *b, cudaError_t err, const char *kernel);

/* Memory ops (cuda_backend.c), used by the other files too. */
gpuopt_status gpuopt_cuda_alloc(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out);
void gpuopt_cuda_release(gpuopt_backend *b, gpuopt_dptr p);
gpuopt_status gpuopt_cuda_write(gpuopt_backend *b, gpuopt_dptr dst, size_t off, const void *src,
                                size_t bytes);
gpuopt_status gpuopt_cuda_read(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t off,
                               size_t bytes);
gpuopt_status gpuopt_cuda_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_off,
                               gpuopt_dptr src, size_t src_off, size_t bytes);

/* Ops implemented in the other files. */
gpuopt_status gpuopt_cuda_evaluate(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                                   size_t n, gpuopt_dptr raw, gpuopt_dptr f);
gpuopt_status gpuopt_cuda_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind,
                                    gpuopt_dptr raw, size_t n, size_t n_outputs, gpuopt_dptr f);
gpuopt_status gpuopt_cuda_check_values(gpuopt_backend *b, gpuopt_dptr f, gpuopt_dptr X, size_t n,
                                       size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                       size_t *first_bad);
gpuopt_status gpuopt_cuda_minmax(gpuopt_backend *b, gpuopt_dptr f, size_t n, size_t *imin,
                                 double *fmin, size_t *imax, double *fmax);
gpuopt_status gpuopt_cuda_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx);
gpuopt_status gpuopt_cuda_fill_uniform(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                       uint64_t seed, uint64_t stream, uint64_t offset);
gpuopt_status gpuopt_cuda_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                      size_t cols, uint64_t seed, uint64_t stream);
gpuopt_status gpuopt_cuda_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cuda_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cuda_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cuda_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cuda_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cuda_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cuda_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                          size_t *index, double *value);
gpuopt_status gpuopt_cuda_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a);
/* The CMA-ES family (cuda_cmaes.c). */
gpuopt_status gpuopt_cuda_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_diag_update(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_eigen_finish(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cuda_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
/* xNES (cuda_xnes.c). */
gpuopt_status gpuopt_cuda_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cuda_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cuda_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cuda_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cuda_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a);
gpuopt_status gpuopt_cuda_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                double beta, gpuopt_dptr C, size_t c_offset, size_t ldc);
gpuopt_status gpuopt_cuda_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w);
void gpuopt_cuda_release_linalg(cu_impl *c);

#endif /* GPUOPT_HOST_CUDA_INTERNAL_H */
