/* xNES kernel entry points (the backends' xnes_* ops), written once for OpenCL C and CUDA C and
 * included by kernels/entry.h. Each wraps an element function of kernels/xnes.h, the one the CPU
 * backend (host/cpu/cpu_xnes.c) runs. The two sums the CPU takes in index order (pagmo's dx and
 * the trace of the natural gradient) are taken by one thread, in the same order, into `out`
 * (the backend's small reduction buffer): the host reads only those numbers.
 *
 * Thread geometry: as the other per-element kernels, at least `count` threads, those beyond
 * returning; the one-thread kernels do their work on thread 0. */
#ifndef GPUOPT_KERNELS_XNES_ENTRY_H
#define GPUOPT_KERNELS_XNES_ENTRY_H

#include "portable.h"
#include "xnes.h"

#ifdef GPUOPT_THREAD_ID /* ------------------------------------ device compilers only */

/* bound, first step (one thread): out[0] = |x_0 - mean|^2. */
GPUOPT_KERNEL void gpuopt_k_xnes_step_norm(gpuopt_u64 dim, const GPUOPT_GLOBAL double *x,
                                           const GPUOPT_GLOBAL double *mean,
                                           GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID == 0)
        out[0] = gpuopt_xnes_step_norm2(dim, x, mean);
}

/* bound, second step: element e of the lambda x dim population clipped to the box. */
GPUOPT_KERNEL void gpuopt_k_xnes_clip(gpuopt_u64 count, gpuopt_u64 dim,
                                      const GPUOPT_GLOBAL double *lower,
                                      const GPUOPT_GLOBAL double *upper, GPUOPT_GLOBAL double *x)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < count)
        gpuopt_xnes_clip_elem(e, dim, lower, upper, x);
}

/* weights: element e = r * dim + j of W (row idx[r] = u_r z_idx[r]). */
GPUOPT_KERNEL void gpuopt_k_xnes_weights(gpuopt_u64 lambda, gpuopt_u64 dim,
                                         const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                         const GPUOPT_GLOBAL double *util,
                                         const GPUOPT_GLOBAL double *z, GPUOPT_GLOBAL double *w)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < lambda * dim)
        gpuopt_xnes_weight_elem(e / dim, e % dim, dim, idx, util, z, w);
}

/* exponent, first step (one thread): out[0] = tr(G - (sum u) I). */
GPUOPT_KERNEL void gpuopt_k_xnes_trace(gpuopt_u64 dim, double utility_sum,
                                       const GPUOPT_GLOBAL double *g, GPUOPT_GLOBAL double *out)
{
    if (GPUOPT_THREAD_ID == 0)
        out[0] = gpuopt_xnes_trace(dim, utility_sum, g);
}

/* exponent, second step: element e = i * dim + j of dA, the trace read from out[0]. */
GPUOPT_KERNEL void gpuopt_k_xnes_exponent(gpuopt_u64 dim, double utility_sum, double eta_sigma,
                                          double eta_b, const GPUOPT_GLOBAL double *out,
                                          const GPUOPT_GLOBAL double *g, GPUOPT_GLOBAL double *da)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < dim * dim)
        gpuopt_xnes_exponent_elem(e / dim, e % dim, dim, utility_sum, eta_sigma, eta_b,
                                  out[0] / (double)dim, g, da);
}

/* expm_scale: element e = i * dim + j of V e^{L/2}. */
GPUOPT_KERNEL void gpuopt_k_xnes_expm_scale(gpuopt_u64 dim, const GPUOPT_GLOBAL double *v,
                                            const GPUOPT_GLOBAL double *eig,
                                            GPUOPT_GLOBAL double *scaled)
{
    gpuopt_u64 e = GPUOPT_THREAD_ID;
    if (e < dim * dim)
        gpuopt_xnes_expm_scale_elem(e / dim, e % dim, dim, v, eig, scaled);
}

#endif /* GPUOPT_THREAD_ID */

#endif /* GPUOPT_KERNELS_XNES_ENTRY_H */
