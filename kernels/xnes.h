/* xNES (exponential natural evolution strategies): the per-element math, written once for C,
 * OpenCL C and CUDA. The matrix work (sampling x = mean + A z, the natural gradient Z^T W, the
 * matrix exponential) runs as BLAS / LAPACK calls; these are the elementwise steps around them.
 *
 * Random draws are addressed by (seed, gpuopt_stream(GPUOPT_XNES_TAG_*, generation),
 * (i << 32) | j): a sample depends only on its generation, individual and coordinate. */
#ifndef GPUOPT_KERNELS_XNES_H
#define GPUOPT_KERNELS_XNES_H

#include "philox.h"
#include "portable.h"

#define GPUOPT_XNES_TAG_INIT 0x51u   /* the initial population, generation 0 */
#define GPUOPT_XNES_TAG_SAMPLE 0x52u /* the standard normal z of each generation */

/* Component j of the standard normal vector z_i of `generation` (1, 2, ...). */
GPUOPT_FN double gpuopt_xnes_z(gpuopt_u64 seed, gpuopt_u64 generation, gpuopt_u64 i,
                               gpuopt_u64 j)
{
    gpuopt_u64 stream = gpuopt_stream(GPUOPT_XNES_TAG_SAMPLE, generation);
    return gpuopt_philox_normal(seed, stream, (i << 32) | j);
}

/* Component j of individual i of the initial population: uniform in [lower, upper). */
GPUOPT_FN double gpuopt_xnes_initial(gpuopt_u64 seed, gpuopt_u64 i, gpuopt_u64 j, double lower,
                                     double upper)
{
    double u = gpuopt_philox_uniform(seed, gpuopt_stream(GPUOPT_XNES_TAG_INIT, 0), (i << 32) | j);
    return lower + u * (upper - lower);
}

/* pagmo's force_bounds: a sampled component outside the box is set to the nearer bound (the
 * update still uses the unclipped z). */
GPUOPT_FN double gpuopt_xnes_clip(double x, double lower, double upper)
{
    return x < lower ? lower : (x > upper ? upper : x);
}

/* The unnormalized utility of rank r (0 = best) in a population of lambda:
 * max(0, ln(lambda / 2 + 1) - ln(r + 1)). */
GPUOPT_FN double gpuopt_xnes_raw_utility(gpuopt_u64 r, gpuopt_u64 lambda)
{
    double u = log((double)lambda / 2.0 + 1.0) - log((double)r + 1.0);
    return u > 0.0 ? u : 0.0;
}

/* The default learning rate of the step size and of the shape: 0.6 (3 + ln d) / (d sqrt d). */
GPUOPT_FN double gpuopt_xnes_default_eta(gpuopt_u64 dim)
{
    double d = (double)dim;
    return 0.6 * (3.0 + log(d)) / (d * sqrt(d));
}

/* Row i of W = diag(w) Z: component j of individual i scaled by its utility w_i. */
GPUOPT_FN double gpuopt_xnes_weighted(double z, double w)
{
    return w * z;
}

/* Column scaling for expm(M) = (V e^{L/2}) (V e^{L/2})^T: entry (i, j) of V times
 * exp(eigenvalue_j / 2). */
GPUOPT_FN double gpuopt_xnes_half_exp_scaled(double v, double eigenvalue)
{
    return v * exp(0.5 * eigenvalue);
}

/* ---------------------------------------------------- the generation's element steps
 * (the xnes_* backend ops: host/cpu/cpu_xnes.c, kernels/xnes_entry.h) */

/* |x_0 - mean|^2 in coordinate order: pagmo's dx (squared) of the generation, before clipping. */
GPUOPT_FN double gpuopt_xnes_step_norm2(gpuopt_u64 dim, const GPUOPT_GLOBAL double *x,
                                        const GPUOPT_GLOBAL double *mean)
{
    double norm2 = 0.0;
    for (gpuopt_u64 j = 0; j < dim; ++j)
        norm2 += (x[j] - mean[j]) * (x[j] - mean[j]);
    return norm2;
}

/* Element e = i * dim + j of the population clipped to the box. */
GPUOPT_FN void gpuopt_xnes_clip_elem(gpuopt_u64 e, gpuopt_u64 dim, const GPUOPT_GLOBAL double *lower,
                                     const GPUOPT_GLOBAL double *upper, GPUOPT_GLOBAL double *x)
{
    gpuopt_u64 j = e % dim;
    x[e] = gpuopt_xnes_clip(x[e], lower[j], upper[j]);
}

/* Element (r, j) of W: row idx[r] (the individual of rank r) = u_r z_(idx[r]). */
GPUOPT_FN void gpuopt_xnes_weight_elem(gpuopt_u64 r, gpuopt_u64 j, gpuopt_u64 dim,
                                       const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                       const GPUOPT_GLOBAL double *util,
                                       const GPUOPT_GLOBAL double *z, GPUOPT_GLOBAL double *w)
{
    gpuopt_u64 i = idx[r];
    w[i * dim + j] = gpuopt_xnes_weighted(z[i * dim + j], util[r]);
}

/* tr(G - (sum u) I) in index order, G = Z^T W (dim x dim). */
GPUOPT_FN double gpuopt_xnes_trace(gpuopt_u64 dim, double utility_sum,
                                   const GPUOPT_GLOBAL double *g)
{
    double tr = 0.0;
    for (gpuopt_u64 i = 0; i < dim; ++i)
        tr += g[i * dim + i] - utility_sum;
    return tr;
}

/* Element (i, j) of dA = 1/2 (eta_sigma tr/d I + eta_b (G' - tr/d I)), G' = sym(G) - (sum u) I,
 * mean_diag = tr / d (out of place: reads g, writes da). */
GPUOPT_FN void gpuopt_xnes_exponent_elem(gpuopt_u64 i, gpuopt_u64 j, gpuopt_u64 dim,
                                         double utility_sum, double eta_sigma, double eta_b,
                                         double mean_diag, const GPUOPT_GLOBAL double *g,
                                         GPUOPT_GLOBAL double *da)
{
    if (i == j) {
        double gii = g[i * dim + i] - utility_sum;
        da[i * dim + j] = 0.5 * (eta_sigma * mean_diag + eta_b * (gii - mean_diag));
    } else {
        double sym = 0.5 * (g[i * dim + j] + g[j * dim + i]);
        da[i * dim + j] = 0.5 * eta_b * sym;
    }
}

/* Element (i, j) of V e^{L/2}: the eigenvectors (columns of v) scaled (out of place). */
GPUOPT_FN void gpuopt_xnes_expm_scale_elem(gpuopt_u64 i, gpuopt_u64 j, gpuopt_u64 dim,
                                           const GPUOPT_GLOBAL double *v,
                                           const GPUOPT_GLOBAL double *eig,
                                           GPUOPT_GLOBAL double *out)
{
    out[i * dim + j] = gpuopt_xnes_half_exp_scaled(v[i * dim + j], eig[j]);
}

#endif /* GPUOPT_KERNELS_XNES_H */
