/* The CPU backend's linear algebra (OpenBLAS, LAPACKE: cpu_linalg.c) and CMA-ES population
 * operations (kernels/cmaes.h on OpenMP threads: cpu_cmaes.c). The host fallbacks of the other
 * backends call the same functions on host copies of their buffers. */
#ifndef GPUOPT_HOST_CPU_CMAES_H
#define GPUOPT_HOST_CPU_CMAES_H

#include "../backend.h"

gpuopt_status gpuopt_cpu_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                               size_t k, double alpha, gpuopt_dptr A, size_t a_offset, size_t lda,
                               gpuopt_dptr B, size_t b_offset, size_t ldb, double beta,
                               gpuopt_dptr C, size_t c_offset, size_t ldc);
gpuopt_status gpuopt_cpu_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w);

gpuopt_status gpuopt_cpu_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows, size_t cols,
                                     uint64_t seed, uint64_t stream);
gpuopt_status gpuopt_cpu_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_diag_update(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_eigen_finish(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_cpu_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);

#endif /* GPUOPT_HOST_CPU_CMAES_H */
