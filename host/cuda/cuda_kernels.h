/* Kernel launches of the CUDA backend (cuda_kernels.cu), callable from C.
 *
 * The kernels are those of kernels/entry.h and kernels/cmaes_entry.h (written once for OpenCL
 * C and CUDA C), plus two thin wrappers over kernels/fd.h (finite-difference stencils) and an
 * in-place transpose. Every launcher enqueues one kernel on l.stream over
 * l.blocks blocks of l.threads threads and returns the launch's error (cudaSuccess, or e.g.
 * cudaErrorInvalidConfiguration); errors of earlier calls are cleared first, so that the result
 * belongs to this launch (sticky errors, which poison the context, come back every time). */
#ifndef GPUOPT_HOST_CUDA_KERNELS_H
#define GPUOPT_HOST_CUDA_KERNELS_H

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long long gpuopt_cuda_u64;

typedef struct gpuopt_cuda_launch {
    cudaStream_t stream;
    unsigned blocks;
    unsigned threads;
} gpuopt_cuda_launch;

/* The lowest compute capability (major * 10 + minor, e.g. 90) this build has device code for:
 * SASS for it and PTX that newer GPUs compile on load (CMAKE_CUDA_ARCHITECTURES). */
int gpuopt_cuda_built_arch(void);
/* Whether the current device can run this build's kernels (cudaFuncGetAttributes of one). */
cudaError_t gpuopt_cuda_probe_kernels(void);

/* m = 1: f[i] is the value of point i; m > 1: item i is output i % m of point i / m. */
cudaError_t gpuopt_cuda_k_eval_builtin(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                       gpuopt_cuda_u64 dim, gpuopt_cuda_u64 m, int id,
                                       const double *X, double *f);
cudaError_t gpuopt_cuda_k_aggregate(gpuopt_cuda_launch l, gpuopt_cuda_u64 n, gpuopt_cuda_u64 m,
                                    int squares, const double *raw, double *f);
cudaError_t gpuopt_cuda_k_check_values(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                       gpuopt_cuda_u64 dim, int replace, int has_x0,
                                       double pen_constant, double pen_slope, double *f,
                                       const double *X, const double *x0, gpuopt_cuda_u64 *part);
cudaError_t gpuopt_cuda_k_check_values_total(gpuopt_cuda_launch l, gpuopt_cuda_u64 groups,
                                             gpuopt_cuda_u64 n, gpuopt_cuda_u64 *part);
cudaError_t gpuopt_cuda_k_minmax(gpuopt_cuda_launch l, gpuopt_cuda_u64 n, const double *f,
                                 double *part_v, gpuopt_cuda_u64 *part_i);
cudaError_t gpuopt_cuda_k_minmax_total(gpuopt_cuda_launch l, gpuopt_cuda_u64 groups,
                                       double *part_v, gpuopt_cuda_u64 *part_i);
cudaError_t gpuopt_cuda_k_fill_uniform(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                       gpuopt_cuda_u64 seed, gpuopt_cuda_u64 stream,
                                       gpuopt_cuda_u64 offset, double *out);
/* out[i * cols + k] = gpuopt_philox_normal(seed, stream, (i << 32) | k); one thread per pair
 * (k even), rows * ceil(cols / 2) threads. */
cudaError_t gpuopt_cuda_k_fill_normal(gpuopt_cuda_launch l, gpuopt_cuda_u64 rows,
                                      gpuopt_cuda_u64 cols, gpuopt_cuda_u64 seed,
                                      gpuopt_cuda_u64 stream, double *out);
cudaError_t gpuopt_cuda_k_de_trial(gpuopt_cuda_launch l, gpuopt_cuda_u64 n, gpuopt_cuda_u64 dim,
                                   int variant, double F, double CR, int bounds_handling,
                                   gpuopt_cuda_u64 seed, gpuopt_cuda_u64 generation,
                                   const double *pop, const double *best, const double *lower,
                                   const double *upper, double *trial);
cudaError_t gpuopt_cuda_k_de_select(gpuopt_cuda_launch l, gpuopt_cuda_u64 n, gpuopt_cuda_u64 dim,
                                    double *pop, double *fit, const double *trial,
                                    const double *trial_f);
cudaError_t gpuopt_cuda_k_pso_move(gpuopt_cuda_launch l, gpuopt_cuda_u64 first,
                                   gpuopt_cuda_u64 count, gpuopt_cuda_u64 n, gpuopt_cuda_u64 dim,
                                   int variant, int topology, gpuopt_cuda_u64 gbest, double omega,
                                   double eta1, double eta2, double max_velocity,
                                   gpuopt_cuda_u64 seed, gpuopt_cuda_u64 generation, double *X,
                                   double *V, const double *pbest_x, const double *pbest_f,
                                   const int *table, const double *lower, const double *upper);
cudaError_t gpuopt_cuda_k_pso_remember(gpuopt_cuda_launch l, gpuopt_cuda_u64 first,
                                       gpuopt_cuda_u64 count, gpuopt_cuda_u64 dim,
                                       const double *X, const double *f, double *pbest_x,
                                       double *pbest_f);
/* Fused steps for built-in criteria and the remember step of pso_best_update (entry.h). */
cudaError_t gpuopt_cuda_k_de_trial_eval(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                        gpuopt_cuda_u64 dim, int variant, double F, double CR,
                                        int bounds_handling, gpuopt_cuda_u64 seed,
                                        gpuopt_cuda_u64 generation, int builtin_id,
                                        const double *pop, const double *best,
                                        const double *lower, const double *upper, double *trial,
                                        double *trial_f);
cudaError_t gpuopt_cuda_k_pso_move_eval(gpuopt_cuda_launch l, gpuopt_cuda_u64 first,
                                        gpuopt_cuda_u64 count, gpuopt_cuda_u64 n,
                                        gpuopt_cuda_u64 dim, int variant, int topology,
                                        gpuopt_cuda_u64 gbest, double omega, double eta1,
                                        double eta2, double max_velocity, gpuopt_cuda_u64 seed,
                                        gpuopt_cuda_u64 generation, int builtin_id, double *X,
                                        double *V, const double *pbest_x, const double *pbest_f,
                                        const int *table, const double *lower,
                                        const double *upper, double *f);
cudaError_t gpuopt_cuda_k_pso_remember_keys(gpuopt_cuda_launch l, gpuopt_cuda_u64 first,
                                            gpuopt_cuda_u64 count, gpuopt_cuda_u64 dim,
                                            const double *X, const double *f, double *pbest_x,
                                            double *pbest_f, double *keys);
cudaError_t gpuopt_cuda_k_sort_init(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                    gpuopt_cuda_u64 padded, const double *f, double *keys,
                                    unsigned *idx);
cudaError_t gpuopt_cuda_k_sort_step(gpuopt_cuda_launch l, gpuopt_cuda_u64 n,
                                    gpuopt_cuda_u64 padded, gpuopt_cuda_u64 k, gpuopt_cuda_u64 j,
                                    double *keys, unsigned *idx);
/* Stencil rows 0..n_rows-1 (one thread each) of kernels/fd.h's gpuopt_fd_point. */
cudaError_t gpuopt_cuda_k_fd_points(gpuopt_cuda_launch l, gpuopt_cuda_u64 n_rows, int order,
                                    int method, gpuopt_cuda_u64 dim, const double *x,
                                    const double *steps, double *points);
/* One thread per output entry: order 1, rows x dim entries of gpuopt_fd_first_entry; order 2,
 * dim x dim threads of which those with k >= j compute gpuopt_fd_second_entry and write it at
 * (j, k) and (k, j), as the CPU backend does. */
cudaError_t gpuopt_cuda_k_fd_combine(gpuopt_cuda_launch l, int order, int method, int n_steps,
                                     gpuopt_cuda_u64 dim, gpuopt_cuda_u64 n_outputs,
                                     gpuopt_cuda_u64 rows, const double *x, const double *steps,
                                     const double *values, double *out);
/* In-place transpose of the n x n matrix A (one thread per element; those above the diagonal
 * swap). */
cudaError_t gpuopt_cuda_k_transpose(gpuopt_cuda_launch l, gpuopt_cuda_u64 n, double *A);

/* CMA-ES (kernels/cmaes_entry.h): per element, coordinate or individual as there; rank_stats,
 * ps, extremes and measure run on thread 0 and write their results to `out`. */
cudaError_t gpuopt_cuda_k_cmaes_sample(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                       gpuopt_cuda_u64 dim, int separable, int bounds,
                                       double sigma, const double *Z, const double *d,
                                       const double *mean, const double *lower,
                                       const double *upper, double *Y, double *X);
cudaError_t gpuopt_cuda_k_cmaes_rank_stats(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                           const double *f, const unsigned *idx, double *out);
cudaError_t gpuopt_cuda_k_cmaes_penalty_weight(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim, int mode,
                                               double dfit, double damp, double edist_min,
                                               double sigma, const double *C,
                                               gpuopt_cuda_u64 cstride, const double *mean,
                                               const double *lower, const double *upper,
                                               double *gamma);
cudaError_t gpuopt_cuda_k_cmaes_penalized(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                          gpuopt_cuda_u64 dim, double sigma, const double *f,
                                          const double *X, const double *Y, const double *mean,
                                          const double *gamma, double *fit);
cudaError_t gpuopt_cuda_k_cmaes_rank_weight(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                            gpuopt_cuda_u64 dim, const unsigned *idx,
                                            const double *weights, const double *Z, double *wind);
cudaError_t gpuopt_cuda_k_cmaes_means(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                      gpuopt_cuda_u64 n_mu, const unsigned *idx,
                                      const double *weights, const double *Y, const double *Z,
                                      double *ymean, double *zmean);
cudaError_t gpuopt_cuda_k_cmaes_rankmu(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                       gpuopt_cuda_u64 dim, double c_mu, const double *wind,
                                       const double *Y, double *Z);
cudaError_t gpuopt_cuda_k_cmaes_ps(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim, double decay,
                                   double gain, double hsig_norm, double hsig_bound,
                                   const double *u, double *ps, double *out);
cudaError_t gpuopt_cuda_k_cmaes_pc(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim, gpuopt_cuda_u64 row,
                                   double decay, double gain, double mean_gain, double c1,
                                   const double *out, const double *ymean, double *pc,
                                   double *mean, double *Y, double *Z);
cudaError_t gpuopt_cuda_k_cmaes_diag(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                     gpuopt_cuda_u64 rows, double beta, const double *Z,
                                     const double *Y, double *c, double *d);
cudaError_t gpuopt_cuda_k_cmaes_extremes(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                         const double *c, double *out);
cudaError_t gpuopt_cuda_k_cmaes_bd(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim, const double *B,
                                   const double *evals, double *BD);
cudaError_t gpuopt_cuda_k_cmaes_axes(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                     const double *evals, double *d, double *out);
cudaError_t gpuopt_cuda_k_cmaes_measure(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim, int separable,
                                        gpuopt_cuda_u64 axis, double sigma, const double *C,
                                        const double *pc, const double *mean, const double *lower,
                                        const double *upper, const double *d, const double *BD,
                                        double *out);

/* xNES (kernels/xnes_entry.h): per element as there; step_norm and trace run on thread 0 and
 * write their result to out[0] (exponent reads the trace from there). */
cudaError_t gpuopt_cuda_k_xnes_step_norm(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                         const double *x, const double *mean, double *out);
cudaError_t gpuopt_cuda_k_xnes_clip(gpuopt_cuda_launch l, gpuopt_cuda_u64 count,
                                    gpuopt_cuda_u64 dim, const double *lower, const double *upper,
                                    double *x);
cudaError_t gpuopt_cuda_k_xnes_weights(gpuopt_cuda_launch l, gpuopt_cuda_u64 lambda,
                                       gpuopt_cuda_u64 dim, const unsigned *idx,
                                       const double *util, const double *z, double *w);
cudaError_t gpuopt_cuda_k_xnes_trace(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                     double utility_sum, const double *g, double *out);
cudaError_t gpuopt_cuda_k_xnes_exponent(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                        double utility_sum, double eta_sigma, double eta_b,
                                        const double *out, const double *g, double *da);
cudaError_t gpuopt_cuda_k_xnes_expm_scale(gpuopt_cuda_launch l, gpuopt_cuda_u64 dim,
                                          const double *v, const double *eig, double *scaled);

#ifdef __cplusplus
}
#endif

#endif /* GPUOPT_HOST_CUDA_KERNELS_H */
