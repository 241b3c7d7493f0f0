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

#endif /* GPUOPT_KERNELS_XNES_H */
