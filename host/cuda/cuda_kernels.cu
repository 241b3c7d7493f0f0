/* The CUDA backend's kernels: kernels/entry.h (with the CMA-ES kernels of
 * kernels/cmaes_entry.h) compiled by nvcc (with --fmad=false, so the arithmetic matches the CPU
 * backend bit for bit), thin wrappers over kernels/fd.h, and a launcher per kernel
 * (cuda_kernels.h) for the C host code. */
#include "../../kernels/entry.h"
#include "../../kernels/fd.h"
#include "cuda_kernels.h"

typedef gpuopt_cuda_u64 u64;

/* ------------------------------------------------------------------ extra kernels */

static __global__ void gpuopt_k_fd_points(u64 n_rows, int order, int method, u64 dim,
                                          const double *x, const double *steps, double *points)
{
    u64 row = GPUOPT_THREAD_ID;
    if (row < n_rows)
        gpuopt_fd_point(row, order, method, dim, x, steps, points);
}

static __global__ void gpuopt_k_fd_combine(int order, int method, int n_steps, u64 dim,
                                           u64 n_outputs, u64 rows, const double *x,
                                           const double *steps, const double *values,
                                           double *out)
{
    u64 t = GPUOPT_THREAD_ID;
    if (t >= rows * dim)
        return;
    u64 i = t / dim, j = t % dim;
    if (order == 1) {
        out[t] = gpuopt_fd_first_entry(method, n_steps, dim, n_outputs, x, steps, values, i, j);
        return;
    }
    if (j < i)
        return;
    double h = gpuopt_fd_second_entry(method, n_steps, dim, x, steps, values, i, j);
    out[i * dim + j] = h;
    out[j * dim + i] = h;
}

static __global__ void gpuopt_k_transpose(u64 n, double *A)
{
    u64 t = GPUOPT_THREAD_ID;
    if (t >= n * n)
        return;
    u64 i = t / n, j = t % n;
    if (j <= i)
        return;
    double a = A[i * n + j];
    A[i * n + j] = A[j * n + i];
    A[j * n + i] = a;
}

/* ------------------------------------------------------------------ build facts */

int gpuopt_cuda_built_arch(void)
{
#ifdef __CUDA_ARCH_LIST__
    static const int arch[] = {__CUDA_ARCH_LIST__};
    int lowest = arch[0];
    for (unsigned i = 1; i < sizeof arch / sizeof arch[0]; ++i)
        lowest = arch[i] < lowest ? arch[i] : lowest;
    return lowest / 10;
#else
    return 0;
#endif
}

cudaError_t gpuopt_cuda_probe_kernels(void)
{
    cudaFuncAttributes attr;
    return cudaFuncGetAttributes(&attr, (const void *)gpuopt_k_minmax);
}

/* ------------------------------------------------------------------ launchers */

/* Clears the error of an earlier call, launches, and returns the launch's error. */
#define GPUOPT_CUDA_LAUNCH(kernel, l, ...)                                                         \
    do {                                                                                           \
        (void)cudaGetLastError();                                                                  \
        kernel<<<(l).blocks, (l).threads, 0, (l).stream>>>(__VA_ARGS__);                          \
        return cudaGetLastError();                                                                 \
    } while (0)

cudaError_t gpuopt_cuda_k_eval_builtin(gpuopt_cuda_launch l, u64 n, u64 dim, u64 m, int id,
                                       const double *X, double *f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_eval_builtin, l, n, dim, m, id, X, f);
}

cudaError_t gpuopt_cuda_k_aggregate(gpuopt_cuda_launch l, u64 n, u64 m, int squares,
                                    const double *raw, double *f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_aggregate, l, n, m, squares, raw, f);
}

cudaError_t gpuopt_cuda_k_check_values(gpuopt_cuda_launch l, u64 n, u64 dim, int replace,
                                       int has_x0, double pen_constant, double pen_slope,
                                       double *f, const double *X, const double *x0, u64 *part)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_check_values, l, n, dim, replace, has_x0, pen_constant,
                       pen_slope, f, X, x0, part);
}

cudaError_t gpuopt_cuda_k_check_values_total(gpuopt_cuda_launch l, u64 groups, u64 n, u64 *part)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_check_values_total, l, groups, n, part);
}

cudaError_t gpuopt_cuda_k_minmax(gpuopt_cuda_launch l, u64 n, const double *f, double *part_v,
                                 u64 *part_i)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_minmax, l, n, f, part_v, part_i);
}

cudaError_t gpuopt_cuda_k_minmax_total(gpuopt_cuda_launch l, u64 groups, double *part_v,
                                       u64 *part_i)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_minmax_total, l, groups, part_v, part_i);
}

cudaError_t gpuopt_cuda_k_fill_uniform(gpuopt_cuda_launch l, u64 n, u64 seed, u64 stream,
                                       u64 offset, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_fill_uniform, l, n, seed, stream, offset, out);
}

cudaError_t gpuopt_cuda_k_fill_normal(gpuopt_cuda_launch l, u64 rows, u64 cols, u64 seed,
                                      u64 stream, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_fill_normal, l, rows, cols, seed, stream, out);
}

cudaError_t gpuopt_cuda_k_de_trial(gpuopt_cuda_launch l, u64 n, u64 dim, int variant, double F,
                                   double CR, int bounds_handling, u64 seed, u64 generation,
                                   const double *pop, const double *best, const double *lower,
                                   const double *upper, double *trial)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_de_trial, l, n, dim, variant, F, CR, bounds_handling, seed,
                       generation, pop, best, lower, upper, trial);
}

cudaError_t gpuopt_cuda_k_de_select(gpuopt_cuda_launch l, u64 n, u64 dim, double *pop,
                                    double *fit, const double *trial, const double *trial_f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_de_select, l, n, dim, pop, fit, trial, trial_f);
}

cudaError_t gpuopt_cuda_k_pso_move(gpuopt_cuda_launch l, u64 first, u64 count, u64 n, u64 dim,
                                   int variant, int topology, u64 gbest, double omega,
                                   double eta1, double eta2, double max_velocity, u64 seed,
                                   u64 generation, double *X, double *V, const double *pbest_x,
                                   const double *pbest_f, const int *table, const double *lower,
                                   const double *upper)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_pso_move, l, first, count, n, dim, variant, topology, gbest,
                       omega, eta1, eta2, max_velocity, seed, generation, X, V, pbest_x, pbest_f,
                       table, lower, upper);
}

cudaError_t gpuopt_cuda_k_pso_remember(gpuopt_cuda_launch l, u64 first, u64 count, u64 dim,
                                       const double *X, const double *f, double *pbest_x,
                                       double *pbest_f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_pso_remember, l, first, count, dim, X, f, pbest_x, pbest_f);
}

cudaError_t gpuopt_cuda_k_de_trial_eval(gpuopt_cuda_launch l, u64 n, u64 dim, int variant,
                                        double F, double CR, int bounds_handling, u64 seed,
                                        u64 generation, int builtin_id, const double *pop,
                                        const double *best, const double *lower,
                                        const double *upper, double *trial, double *trial_f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_de_trial_eval, l, n, dim, variant, F, CR, bounds_handling, seed,
                       generation, builtin_id, pop, best, lower, upper, trial, trial_f);
}

cudaError_t gpuopt_cuda_k_pso_move_eval(gpuopt_cuda_launch l, u64 first, u64 count, u64 n,
                                        u64 dim, int variant, int topology, u64 gbest,
                                        double omega, double eta1, double eta2,
                                        double max_velocity, u64 seed, u64 generation,
                                        int builtin_id, double *X, double *V,
                                        const double *pbest_x, const double *pbest_f,
                                        const int *table, const double *lower,
                                        const double *upper, double *f)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_pso_move_eval, l, first, count, n, dim, variant, topology, gbest,
                       omega, eta1, eta2, max_velocity, seed, generation, builtin_id, X, V,
                       pbest_x, pbest_f, table, lower, upper, f);
}

cudaError_t gpuopt_cuda_k_pso_remember_keys(gpuopt_cuda_launch l, u64 first, u64 count, u64 dim,
                                            const double *X, const double *f, double *pbest_x,
                                            double *pbest_f, double *keys)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_pso_remember_keys, l, first, count, dim, X, f, pbest_x, pbest_f,
                       keys);
}

cudaError_t gpuopt_cuda_k_sort_init(gpuopt_cuda_launch l, u64 n, u64 padded, const double *f,
                                    double *keys, unsigned *idx)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_sort_init, l, n, padded, f, keys, idx);
}

cudaError_t gpuopt_cuda_k_sort_step(gpuopt_cuda_launch l, u64 n, u64 padded, u64 k, u64 j,
                                    double *keys, unsigned *idx)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_sort_step, l, n, padded, k, j, keys, idx);
}

cudaError_t gpuopt_cuda_k_fd_points(gpuopt_cuda_launch l, u64 n_rows, int order, int method,
                                    u64 dim, const double *x, const double *steps,
                                    double *points)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_fd_points, l, n_rows, order, method, dim, x, steps, points);
}

cudaError_t gpuopt_cuda_k_fd_combine(gpuopt_cuda_launch l, int order, int method, int n_steps,
                                     u64 dim, u64 n_outputs, u64 rows, const double *x,
                                     const double *steps, const double *values, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_fd_combine, l, order, method, n_steps, dim, n_outputs, rows, x,
                       steps, values, out);
}

cudaError_t gpuopt_cuda_k_transpose(gpuopt_cuda_launch l, u64 n, double *A)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_transpose, l, n, A);
}

/* ------------------------------------------------------------------ CMA-ES */

cudaError_t gpuopt_cuda_k_cmaes_sample(gpuopt_cuda_launch l, u64 lambda, u64 dim, int separable,
                                       int bounds, double sigma, const double *Z, const double *d,
                                       const double *mean, const double *lower,
                                       const double *upper, double *Y, double *X)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_sample, l, lambda, dim, separable, bounds, sigma, Z, d, mean,
                       lower, upper, Y, X);
}

cudaError_t gpuopt_cuda_k_cmaes_rank_stats(gpuopt_cuda_launch l, u64 lambda, const double *f,
                                           const unsigned *idx, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_rank_stats, l, lambda, f, idx, out);
}

cudaError_t gpuopt_cuda_k_cmaes_penalty_weight(gpuopt_cuda_launch l, u64 dim, int mode,
                                               double dfit, double damp, double edist_min,
                                               double sigma, const double *C, u64 cstride,
                                               const double *mean, const double *lower,
                                               const double *upper, double *gamma)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_penalty_weight, l, dim, mode, dfit, damp, edist_min, sigma,
                       C, cstride, mean, lower, upper, gamma);
}

cudaError_t gpuopt_cuda_k_cmaes_penalized(gpuopt_cuda_launch l, u64 lambda, u64 dim, double sigma,
                                          const double *f, const double *X, const double *Y,
                                          const double *mean, const double *gamma, double *fit)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_penalized, l, lambda, dim, sigma, f, X, Y, mean, gamma, fit);
}

cudaError_t gpuopt_cuda_k_cmaes_rank_weight(gpuopt_cuda_launch l, u64 lambda, u64 dim,
                                            const unsigned *idx, const double *weights,
                                            const double *Z, double *wind)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_rank_weight, l, lambda, dim, idx, weights, Z, wind);
}

cudaError_t gpuopt_cuda_k_cmaes_means(gpuopt_cuda_launch l, u64 dim, u64 n_mu, const unsigned *idx,
                                      const double *weights, const double *Y, const double *Z,
                                      double *ymean, double *zmean)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_means, l, dim, n_mu, idx, weights, Y, Z, ymean, zmean);
}

cudaError_t gpuopt_cuda_k_cmaes_rankmu(gpuopt_cuda_launch l, u64 lambda, u64 dim, double c_mu,
                                       const double *wind, const double *Y, double *Z)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_rankmu, l, lambda, dim, c_mu, wind, Y, Z);
}

cudaError_t gpuopt_cuda_k_cmaes_ps(gpuopt_cuda_launch l, u64 dim, double decay, double gain,
                                   double hsig_norm, double hsig_bound, const double *u,
                                   double *ps, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_ps, l, dim, decay, gain, hsig_norm, hsig_bound, u, ps, out);
}

cudaError_t gpuopt_cuda_k_cmaes_pc(gpuopt_cuda_launch l, u64 dim, u64 row, double decay,
                                   double gain, double mean_gain, double c1, const double *out,
                                   const double *ymean, double *pc, double *mean, double *Y,
                                   double *Z)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_pc, l, dim, row, decay, gain, mean_gain, c1, out, ymean, pc,
                       mean, Y, Z);
}

cudaError_t gpuopt_cuda_k_cmaes_diag(gpuopt_cuda_launch l, u64 dim, u64 rows, double beta,
                                     const double *Z, const double *Y, double *c, double *d)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_diag, l, dim, rows, beta, Z, Y, c, d);
}

cudaError_t gpuopt_cuda_k_cmaes_extremes(gpuopt_cuda_launch l, u64 dim, const double *c,
                                         double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_extremes, l, dim, c, out);
}

cudaError_t gpuopt_cuda_k_cmaes_bd(gpuopt_cuda_launch l, u64 dim, const double *B,
                                   const double *evals, double *BD)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_bd, l, dim, B, evals, BD);
}

cudaError_t gpuopt_cuda_k_cmaes_axes(gpuopt_cuda_launch l, u64 dim, const double *evals,
                                     double *d, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_axes, l, dim, evals, d, out);
}

cudaError_t gpuopt_cuda_k_cmaes_measure(gpuopt_cuda_launch l, u64 dim, int separable, u64 axis,
                                        double sigma, const double *C, const double *pc,
                                        const double *mean, const double *lower,
                                        const double *upper, const double *d, const double *BD,
                                        double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_cmaes_measure, l, dim, separable, axis, sigma, C, pc, mean, lower,
                       upper, d, BD, out);
}

/* ------------------------------------------------------------------ xNES (kernels/xnes_entry.h) */

cudaError_t gpuopt_cuda_k_xnes_step_norm(gpuopt_cuda_launch l, u64 dim, const double *x,
                                         const double *mean, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_step_norm, l, dim, x, mean, out);
}

cudaError_t gpuopt_cuda_k_xnes_clip(gpuopt_cuda_launch l, u64 count, u64 dim, const double *lower,
                                    const double *upper, double *x)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_clip, l, count, dim, lower, upper, x);
}

cudaError_t gpuopt_cuda_k_xnes_weights(gpuopt_cuda_launch l, u64 lambda, u64 dim,
                                       const unsigned *idx, const double *util, const double *z,
                                       double *w)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_weights, l, lambda, dim, idx, util, z, w);
}

cudaError_t gpuopt_cuda_k_xnes_trace(gpuopt_cuda_launch l, u64 dim, double utility_sum,
                                     const double *g, double *out)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_trace, l, dim, utility_sum, g, out);
}

cudaError_t gpuopt_cuda_k_xnes_exponent(gpuopt_cuda_launch l, u64 dim, double utility_sum,
                                        double eta_sigma, double eta_b, const double *out,
                                        const double *g, double *da)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_exponent, l, dim, utility_sum, eta_sigma, eta_b, out, g, da);
}

cudaError_t gpuopt_cuda_k_xnes_expm_scale(gpuopt_cuda_launch l, u64 dim, const double *v,
                                          const double *eig, double *scaled)
{
    GPUOPT_CUDA_LAUNCH(gpuopt_k_xnes_expm_scale, l, dim, v, eig, scaled);
}
