/* CMA-ES kernel entry points (the backends' fill_normal and cmaes_* ops), written once for
 * OpenCL C and CUDA C and included by kernels/entry.h. Each wraps an element function of
 * kernels/cmaes.h, the one the CPU backend (host/cpu/cpu_cmaes.c) runs, so every element gets
 * the same bits. The few results that the CPU backend accumulates over coordinates in index
 * order (|p_sigma|^2, the variances' extremes, the stopping measurements) and the rank
 * statistics are computed by one thread, in the same order, into `out` (the backend's small
 * reduction buffer), from which the host reads only those numbers.
 *
 * Thread geometry: as the other per-element kernels, at least `count` threads, those beyond
 * returning; the one-thread kernels do their work on thread 0. */
#ifndef GPUOPT_KERNELS_CMAES_ENTRY_H
#define GPUOPT_KERNELS_CMAES_ENTRY_H

#include "cmaes.h"
#include "portable.h"

/* Slots of `out` written by the one-thread kernels (the order of the ops' host_out). */
#define GPUOPT_CMAES_OUT_SLOTS 8

#ifdef GPUOPT_THREAD_ID /* ------------------------------------ device compilers only */

/* out[i * cols + k] = gpuopt_philox_normal(seed, stream, (i << 32) | k): one thread per
 * Box-Muller pair (k even), rows * ceil(cols / 2) threads. */
GPUOPT_KERNEL void gpuopt_k_fill_normal(gpuopt_u64 rows, gpuopt_u64 cols, gpuopt_u64 seed,
                                        gpuopt_u64 stream, GPUOPT_GLOBAL double *out)
{
    gpuopt_u64 pairs = (cols + 1) / 2, e = GPUOPT_THREAD_ID; /* not `half`: an OpenCL C type */
    if (e >= rows * pairs)
        return;
    gpuopt_u64 i = e / pairs, k = 2 * (e % pairs);
    double z0, z1;
    gpuopt_cmaes_normal_pair(seed, stream, i, k, &z0, &z1);
    out[i * cols + k] = z0;
    if (k + 1 < cols)
        out[i * cols + k + 1] = z1;
}

/* sample: element e = i * dim + k of the lambda x dim population. */
GPUOPT_KERNEL void gpuopt_k_cmaes_sample(gpuopt_u64 lambda, gpuopt_u64 dim, int separable,
                                         int bounds, double sigma, const GPUOPT_GLOBAL double *Z,
                                         const GPUOPT_GLOBAL double *d,
                                         const GPUOPT_GLOBAL double *mean,
                                         const GPUOPT_GLOBAL double *lower,
                                         const GPUOPT_GLOBAL double *upper,
                                         GPUOPT_GLOBAL double *Y, GPUOPT_GLOBAL double *X)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < lambda * dim)
        gpuopt_cmaes_sample_elem(e / dim, e % dim, dim, separable, bounds, sigma, Z, d, mean,
                                 lower, upper, Y, X);
}

/* rank_stats (one thread): the GPUOPT_CMAES_STAT_* values into out[0..5]. */
GPUOPT_KERNEL void gpuopt_k_cmaes_rank_stats(gpuopt_u64 lambda, const GPUOPT_GLOBAL double *f,
                                             const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                             GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID == 0)
        gpuopt_cmaes_rank_stats(f, idx, lambda, out);
}

/* penalty, first step: the BoundPenalty weight of coordinate j. */
GPUOPT_KERNEL void gpuopt_k_cmaes_penalty_weight(
    gpuopt_u64 dim, int mode, double dfit, double damp, double edist_min, double sigma,
    const GPUOPT_GLOBAL double *C, gpuopt_u64 cstride, const GPUOPT_GLOBAL double *mean,
    const GPUOPT_GLOBAL double *lower, const GPUOPT_GLOBAL double *upper,
    GPUOPT_GLOBAL double *gamma)
{
    gpuopt_u64 j = GPUOPT_THREAD_ID;
    if (j < dim)
        gpuopt_cmaes_penalty_weight(j, mode, dfit, damp, edist_min, sigma, C, cstride, mean,
                                    lower, upper, gamma);
}

/* penalty, second step: the penalized value of individual i (its sum in coordinate order). */
GPUOPT_KERNEL void gpuopt_k_cmaes_penalized(gpuopt_u64 lambda, gpuopt_u64 dim, double sigma,
                                            const GPUOPT_GLOBAL double *f,
                                            const GPUOPT_GLOBAL double *X,
                                            const GPUOPT_GLOBAL double *Y,
                                            const GPUOPT_GLOBAL double *mean,
                                            const GPUOPT_GLOBAL double *gamma,
                                            GPUOPT_GLOBAL double *fit)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i < lambda)
        fit[i] = gpuopt_cmaes_penalized(i, dim, sigma, f, X, Y, mean, gamma);
}

/* recombine, first step: the effective weight of rank r. */
GPUOPT_KERNEL void gpuopt_k_cmaes_rank_weight(gpuopt_u64 lambda, gpuopt_u64 dim,
                                              const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                              const GPUOPT_GLOBAL double *weights,
                                              const GPUOPT_GLOBAL double *Z,
                                              GPUOPT_GLOBAL double *wind)
{
    gpuopt_u64 r = GPUOPT_THREAD_ID;
    if (r < lambda)
        gpuopt_cmaes_rank_weight(r, dim, idx, weights, Z, wind);
}

/* recombine, second step: coordinate k of the weighted means (sums in rank order). */
GPUOPT_KERNEL void gpuopt_k_cmaes_means(gpuopt_u64 dim, gpuopt_u64 n_mu,
                                        const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                        const GPUOPT_GLOBAL double *weights,
                                        const GPUOPT_GLOBAL double *Y,
                                        const GPUOPT_GLOBAL double *Z, GPUOPT_GLOBAL double *ymean,
                                        GPUOPT_GLOBAL double *zmean)
{
    gpuopt_u64 k = GPUOPT_THREAD_ID;
    if (k < dim)
        gpuopt_cmaes_means_coord(k, dim, n_mu, idx, weights, Y, Z, ymean, zmean);
}

/* recombine, third step: element e = i * dim + k of the rank-mu rows. */
GPUOPT_KERNEL void gpuopt_k_cmaes_rankmu(gpuopt_u64 lambda, gpuopt_u64 dim, double c_mu,
                                         const GPUOPT_GLOBAL double *wind,
                                         const GPUOPT_GLOBAL double *Y, GPUOPT_GLOBAL double *Z)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < lambda * dim)
        gpuopt_cmaes_rankmu_elem(e / dim, e % dim, dim, c_mu, wind, Y, Z);
}

/* paths, first step (one thread): p_sigma, coordinate by coordinate; out[0] = |p_sigma|^2
 * summed in coordinate order, out[1] = h_sigma. */
GPUOPT_KERNEL void gpuopt_k_cmaes_ps(gpuopt_u64 dim, double decay, double gain, double hsig_norm,
                                     double hsig_bound, const GPUOPT_GLOBAL double *u,
                                     GPUOPT_GLOBAL double *ps, GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID != 0)
        return;
    double norm2 = 0.0;
    for (gpuopt_u64 k = 0; k < dim; ++k)
        norm2 += gpuopt_cmaes_ps_coord(k, decay, gain, u, ps);
    out[0] = norm2;
    out[1] = gpuopt_cmaes_hsig(norm2, hsig_norm, hsig_bound);
}

/* paths, second step: p_c, the mean and the rank-one row at coordinate k (h_sigma from out[1]). */
GPUOPT_KERNEL void gpuopt_k_cmaes_pc(gpuopt_u64 dim, gpuopt_u64 row, double decay, double gain,
                                     double mean_gain, double c1, const GPUOPT_GLOBAL double *out,
                                     const GPUOPT_GLOBAL double *ymean, GPUOPT_GLOBAL double *pc,
                                     GPUOPT_GLOBAL double *mean, GPUOPT_GLOBAL double *Y,
                                     GPUOPT_GLOBAL double *Z)
{
    gpuopt_u64 k = GPUOPT_THREAD_ID;
    if (k < dim)
        gpuopt_cmaes_pc_coord(k, dim, row, out[1] != 0.0, decay, gain, mean_gain, c1, ymean, pc,
                              mean, Y, Z);
}

/* diag_update: variance k (its sum over the rows in row order). */
GPUOPT_KERNEL void gpuopt_k_cmaes_diag(gpuopt_u64 dim, gpuopt_u64 rows, double beta,
                                       const GPUOPT_GLOBAL double *Z,
                                       const GPUOPT_GLOBAL double *Y, GPUOPT_GLOBAL double *c,
                                       GPUOPT_GLOBAL double *d)
{
    gpuopt_u64 k = GPUOPT_THREAD_ID;
    if (k < dim)
        gpuopt_cmaes_diag_coord(k, dim, rows, beta, Z, Y, c, d);
}

/* diag_update's extremes (one thread, dim >= 1): out[0] = max c_k, out[1] = min c_k. */
GPUOPT_KERNEL void gpuopt_k_cmaes_extremes(gpuopt_u64 dim, const GPUOPT_GLOBAL double *c,
                                           GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID != 0)
        return;
    double hi = c[0], lo = c[0];
    for (gpuopt_u64 k = 1; k < dim; ++k) {
        hi = fmax(hi, c[k]);
        lo = fmin(lo, c[k]);
    }
    out[0] = hi;
    out[1] = lo;
}

/* eigen_finish, first step: element e = j * dim + k of BD = B diag(D). */
GPUOPT_KERNEL void gpuopt_k_cmaes_bd(gpuopt_u64 dim, const GPUOPT_GLOBAL double *B,
                                     const GPUOPT_GLOBAL double *evals, GPUOPT_GLOBAL double *BD)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < dim * dim)
        gpuopt_cmaes_bd_elem(e / dim, e % dim, dim, B, evals, BD);
}

/* eigen_finish, second step: axis length k; thread 0 also copies the smallest and largest
 * eigenvalues to out[0], out[1]. */
GPUOPT_KERNEL void gpuopt_k_cmaes_axes(gpuopt_u64 dim, const GPUOPT_GLOBAL double *evals,
                                       GPUOPT_GLOBAL double *d, GPUOPT_GLOBAL double *out)
{
    gpuopt_u64 k = GPUOPT_THREAD_ID;
    if (k >= dim)
        return;
    d[k] = gpuopt_cmaes_axis_length(evals[k], evals[dim - 1]);
    if (k == 0) {
        out[0] = evals[0];
        out[1] = evals[dim - 1];
    }
}

/* measure (one thread): the GPUOPT_CMAES_MEASURE_* values into out[0..6], accumulated in
 * coordinate order as the CPU backend does. BD is not read when separable. */
GPUOPT_KERNEL void gpuopt_k_cmaes_measure(gpuopt_u64 dim, int separable, gpuopt_u64 axis,
                                          double sigma, const GPUOPT_GLOBAL double *C,
                                          const GPUOPT_GLOBAL double *pc,
                                          const GPUOPT_GLOBAL double *mean,
                                          const GPUOPT_GLOBAL double *lower,
                                          const GPUOPT_GLOBAL double *upper,
                                          const GPUOPT_GLOBAL double *d,
                                          const GPUOPT_GLOBAL double *BD,
                                          GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID != 0)
        return;
    gpuopt_u64 cstride = separable ? 1 : dim + 1;
    double max_var = -INFINITY, min_var = INFINITY, max_pc = 0.0, noeffect = 0.0, moves = 0.0;
    double outside = 0.0, sum_var = 0.0;
    for (gpuopt_u64 j = 0; j < dim; ++j) {
        double axis_j = separable ? (j == axis ? d[j] : 0.0) : BD[j * dim + axis];
        gpuopt_cmaes_coord m = gpuopt_cmaes_measure_coord(j, sigma, C[j * cstride], axis_j, pc,
                                                          mean, lower, upper);
        max_var = fmax(max_var, m.var);
        min_var = fmin(min_var, m.var);
        max_pc = fmax(max_pc, m.pc);
        noeffect += m.noeffect;
        moves = moves != 0.0 || m.moves;
        outside += m.outside;
        sum_var += m.var;
    }
    out[GPUOPT_CMAES_MEASURE_MAX_VAR] = max_var;
    out[GPUOPT_CMAES_MEASURE_MIN_VAR] = min_var;
    out[GPUOPT_CMAES_MEASURE_MAX_PC] = max_pc;
    out[GPUOPT_CMAES_MEASURE_NOEFFECT] = noeffect;
    out[GPUOPT_CMAES_MEASURE_AXIS] = moves;
    out[GPUOPT_CMAES_MEASURE_OUTSIDE] = outside;
    out[GPUOPT_CMAES_MEASURE_SUM_VAR] = sum_var;
}

#endif /* GPUOPT_THREAD_ID */

#endif /* GPUOPT_KERNELS_CMAES_ENTRY_H */
