/* CMA-ES per-element math (cmaes and sep_cmaes), written once for C, OpenCL C and CUDA C.
 *
 * The matrix products (y = B D z, C <- beta C + sum w y y^T) are BLAS calls of the backend; what
 * remains are the element-wise steps of one generation, each a pure function of its inputs so
 * that any number of threads, in any order, computes the same bits:
 *   sample      x = m + sigma y and the bounds repair                       (i, k) elements
 *   rank stats  criterion values at a few ranks                            one thread
 *   penalty     BoundPenalty weights (per coordinate), penalized values     (per individual)
 *   recombine   effective weight per individual, weighted means, rank-mu rows
 *   paths       evolution paths p_sigma, p_c and the mean step             per coordinate
 *   diag        the separable covariance update                            per coordinate
 *   eigen       D = sqrt(eigenvalues), BD = B diag(D)                      (j, k) elements
 *   measure     per-coordinate inputs of the stopping rules                per coordinate
 * Sums over individuals run in rank or index order inside one thread; sums over coordinates
 * (|p_sigma|^2) are the caller's reductions.
 *
 * Random numbers: the standard normal z_ik of generation g is
 * gpuopt_philox_normal(seed, gpuopt_stream(GPUOPT_CMAES_TAG_SAMPLE, g), (i << 32) | k). */
#ifndef GPUOPT_KERNELS_CMAES_H
#define GPUOPT_KERNELS_CMAES_H

#include "philox.h"
#include "portable.h"

/* Stream purposes (gpuopt_stream tags). */
#define GPUOPT_CMAES_TAG_SAMPLE 0x31u  /* the normals of a generation */
#define GPUOPT_CMAES_TAG_RESTART 0x32u /* BIPOP's draws at a restart */

/* Bounds handling (the option's 1-based codes; NONE when no coordinate has a finite bound). */
#define GPUOPT_CMAES_BOUNDS_NONE 0
#define GPUOPT_CMAES_BOUNDS_PROJECTION 1
#define GPUOPT_CMAES_BOUNDS_PENALTY 2

/* BoundPenalty weight modes. */
#define GPUOPT_CMAES_GAMMA_KEEP 0   /* weights not initialized yet: leave them */
#define GPUOPT_CMAES_GAMMA_INIT 1   /* set every weight to 2 dfit, then update */
#define GPUOPT_CMAES_GAMMA_UPDATE 2 /* update */

/* Slots of the rank statistics (criterion values of the sorted generation). */
#define GPUOPT_CMAES_STAT_BEST 0
#define GPUOPT_CMAES_STAT_WORST 1
#define GPUOPT_CMAES_STAT_MEDIAN 2
#define GPUOPT_CMAES_STAT_Q75 3    /* rank floor(0.75 lambda): the flat-fitness test */
#define GPUOPT_CMAES_STAT_IQR_LO 4 /* ranks floor((lambda+1)/4), floor(3(lambda+1)/4): */
#define GPUOPT_CMAES_STAT_IQR_HI 5 /* BoundPenalty's interquartile range */
#define GPUOPT_CMAES_N_STATS 6

/* Slots of the measurements for the stopping rules. */
#define GPUOPT_CMAES_MEASURE_MAX_VAR 0  /* max_j C_jj */
#define GPUOPT_CMAES_MEASURE_MIN_VAR 1  /* min_j C_jj */
#define GPUOPT_CMAES_MEASURE_MAX_PC 2   /* max_j |p_c,j| */
#define GPUOPT_CMAES_MEASURE_NOEFFECT 3 /* coordinates where m_j + 0.2 sigma sqrt(C_jj) == m_j */
#define GPUOPT_CMAES_MEASURE_AXIS 4     /* 1 when 0.1 sigma times the axis moves the mean */
#define GPUOPT_CMAES_MEASURE_OUTSIDE 5  /* coordinates of the mean outside the bounds */
#define GPUOPT_CMAES_MEASURE_SUM_VAR 6  /* sum_j C_jj */
#define GPUOPT_CMAES_N_MEASURES 7

GPUOPT_FN double gpuopt_cmaes_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* z_ik and z_i,k+1 (k even) at once: the two values of one Box-Muller pair, the same bits as
 * gpuopt_philox_normal(seed, stream, (i << 32) | k) and (i << 32) | (k + 1). */
GPUOPT_FN void gpuopt_cmaes_normal_pair(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i,
                                        gpuopt_u64 k, double *z0, double *z1)
{
    gpuopt_philox4 r = gpuopt_philox_block(seed, stream, ((i << 32) | k) >> 1);
    double u1 = 1.0 - gpuopt_u32x2_to_unit(r.v[0], r.v[1]);
    double u2 = gpuopt_u32x2_to_unit(r.v[2], r.v[3]);
    double radius = sqrt(-2.0 * log(u1));
    double angle = 2.0 * GPUOPT_PI * u2;
    *z0 = radius * cos(angle);
    *z1 = radius * sin(angle);
}

/* ------------------------------------------------------------------ sample */

/* Element (i, k): y = Y_ik (full: Y = Z (B D)^T already) or d_k Z_ik (separable); x = m + sigma y,
 * then the bounds: projection puts x on the bound and makes y the step actually taken; the
 * penalty puts x on the bound and keeps y (BoundPenalty). Writes X_ik and Y_ik. */
GPUOPT_FN void gpuopt_cmaes_sample_elem(gpuopt_u64 i, gpuopt_u64 k, gpuopt_u64 dim, int separable,
                                        int bounds, double sigma, const GPUOPT_GLOBAL double *Z,
                                        const GPUOPT_GLOBAL double *d,
                                        const GPUOPT_GLOBAL double *mean,
                                        const GPUOPT_GLOBAL double *lower,
                                        const GPUOPT_GLOBAL double *upper, GPUOPT_GLOBAL double *Y,
                                        GPUOPT_GLOBAL double *X)
{
    gpuopt_u64 e = i * dim + k;
    double y = separable ? d[k] * Z[e] : Y[e];
    double x = mean[k] + sigma * y;
    if (bounds != GPUOPT_CMAES_BOUNDS_NONE) {
        double r = gpuopt_cmaes_clamp(x, lower[k], upper[k]);
        if (r != x && bounds == GPUOPT_CMAES_BOUNDS_PROJECTION)
            y = (r - mean[k]) / sigma;
        x = r;
    }
    X[e] = x;
    Y[e] = y;
}

/* -------------------------------------------------------------- rank stats */

/* The values of f at the ranks of the GPUOPT_CMAES_STAT_* slots (idx orders f ascending). */
GPUOPT_FN void gpuopt_cmaes_rank_stats(const GPUOPT_GLOBAL double *f,
                                       const GPUOPT_GLOBAL gpuopt_u32 *idx, gpuopt_u64 n,
                                       GPUOPT_GLOBAL double *out)
{
    gpuopt_u64 h = n / 2, lo = (n + 1) / 4, hi = 3 * (n + 1) / 4;
    out[GPUOPT_CMAES_STAT_BEST] = f[idx[0]];
    out[GPUOPT_CMAES_STAT_WORST] = f[idx[n - 1]];
    out[GPUOPT_CMAES_STAT_MEDIAN] = n % 2 ? f[idx[h]] : 0.5 * (f[idx[h - 1]] + f[idx[h]]);
    out[GPUOPT_CMAES_STAT_Q75] = f[idx[3 * n / 4]];
    out[GPUOPT_CMAES_STAT_IQR_LO] = f[idx[lo < n ? lo : n - 1]];
    out[GPUOPT_CMAES_STAT_IQR_HI] = f[idx[hi < n ? hi : n - 1]];
}

/* ----------------------------------------------------------------- penalty */

/* BoundPenalty (Hansen et al. 2009, as pycma): coordinate j's weight gamma_j grows while the
 * mean lies outside the bounds by more than edist_min standard deviations, and shrinks when
 * above 5 dfit. cdiag_j = C_jj is read at cdiag[j * cstride]. */
GPUOPT_FN void
gpuopt_cmaes_penalty_weight(gpuopt_u64 j, int mode, double dfit, double damp, double edist_min,
                            double sigma, const GPUOPT_GLOBAL double *cdiag, gpuopt_u64 cstride,
                            const GPUOPT_GLOBAL double *mean, const GPUOPT_GLOBAL double *lower,
                            const GPUOPT_GLOBAL double *upper, GPUOPT_GLOBAL double *gamma)
{
    if (mode == GPUOPT_CMAES_GAMMA_KEEP)
        return;
    double m = mean[j];
    double dmean =
        (m - gpuopt_cmaes_clamp(m, lower[j], upper[j])) / (sigma * sqrt(cdiag[j * cstride]));
    double g = mode == GPUOPT_CMAES_GAMMA_INIT ? 2.0 * dfit : gamma[j];
    double edist = fabs(dmean) - edist_min;
    if (edist > 0.0)
        g *= exp(damp * tanh(edist / 3.0) / 2.0);
    if (g > 5.0 * dfit)
        g *= exp(-damp / 3.0);
    gamma[j] = g;
}

/* Individual i's value plus sum_j gamma_j (x_ij - (m_j + sigma y_ij))^2 / dim: X holds the
 * repaired point, m + sigma y the sampled one. */
GPUOPT_FN double
gpuopt_cmaes_penalized(gpuopt_u64 i, gpuopt_u64 dim, double sigma, const GPUOPT_GLOBAL double *f,
                       const GPUOPT_GLOBAL double *X, const GPUOPT_GLOBAL double *Y,
                       const GPUOPT_GLOBAL double *mean, const GPUOPT_GLOBAL double *gamma)
{
    double s = 0.0;
    for (gpuopt_u64 k = 0; k < dim; ++k) {
        double d = X[i * dim + k] - (mean[k] + sigma * Y[i * dim + k]);
        s += gamma[k] * (d * d);
    }
    return f[i] + s / (double)dim;
}

/* --------------------------------------------------------------- recombine */

/* The effective weight of the individual at rank r, stored by individual: the rank's weight;
 * a negative one is multiplied by dim / |z|^2 = dim / |C^-1/2 y|^2 of the sampled step (active
 * CMA, as pycma). */
GPUOPT_FN void gpuopt_cmaes_rank_weight(gpuopt_u64 r, gpuopt_u64 dim,
                                        const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                        const GPUOPT_GLOBAL double *weights,
                                        const GPUOPT_GLOBAL double *Z, GPUOPT_GLOBAL double *wind)
{
    gpuopt_u64 i = idx[r];
    double w = weights[r];
    if (w < 0.0) {
        double s = 0.0;
        for (gpuopt_u64 k = 0; k < dim; ++k)
            s += Z[i * dim + k] * Z[i * dim + k];
        double norm = sqrt(s) + 1e-9;
        w *= (double)dim / (norm * norm);
    }
    wind[i] = w;
}

/* Coordinate k of the weighted means over the n_mu best, in rank order: <y>_w = sum w_r y_(r)
 * of the steps taken (repaired) and <z>_w = sum w_r z_(r) of the sampled normals. */
GPUOPT_FN void gpuopt_cmaes_means_coord(gpuopt_u64 k, gpuopt_u64 dim, gpuopt_u64 n_mu,
                                        const GPUOPT_GLOBAL gpuopt_u32 *idx,
                                        const GPUOPT_GLOBAL double *weights,
                                        const GPUOPT_GLOBAL double *Y,
                                        const GPUOPT_GLOBAL double *Z, GPUOPT_GLOBAL double *ymean,
                                        GPUOPT_GLOBAL double *zmean)
{
    double sy = 0.0, sz = 0.0;
    for (gpuopt_u64 r = 0; r < n_mu; ++r) {
        gpuopt_u64 i = idx[r];
        sy += weights[r] * Y[i * dim + k];
        sz += weights[r] * Z[i * dim + k];
    }
    ymean[k] = sy;
    zmean[k] = sz;
}

/* Element (i, k) of the rank-mu rows: Z_ik = c_mu w_i y_ik (then C += Z^T Y). */
GPUOPT_FN void gpuopt_cmaes_rankmu_elem(gpuopt_u64 i, gpuopt_u64 k, gpuopt_u64 dim, double c_mu,
                                        const GPUOPT_GLOBAL double *wind,
                                        const GPUOPT_GLOBAL double *Y, GPUOPT_GLOBAL double *Z)
{
    Z[i * dim + k] = c_mu * wind[i] * Y[i * dim + k];
}

/* ------------------------------------------------------------------- paths */

/* p_sigma <- decay p_sigma + gain u (u = C^-1/2 <y>_w); returns the new component squared. */
GPUOPT_FN double gpuopt_cmaes_ps_coord(gpuopt_u64 k, double decay, double gain,
                                       const GPUOPT_GLOBAL double *u, GPUOPT_GLOBAL double *ps)
{
    double p = decay * ps[k] + gain * u[k];
    ps[k] = p;
    return p * p;
}

/* 1 when |p_sigma|^2 / norm < bound (h_sigma: the rank-one update is not stalled). */
GPUOPT_FN int gpuopt_cmaes_hsig(double ps_norm2, double norm, double bound)
{
    return ps_norm2 / norm < bound;
}

/* p_c <- decay p_c + hsig gain <y>_w; m <- m + mean_gain <y>_w; the extra rank-one row
 * (row `row` of Y and Z): Y = p_c, Z = c1 p_c. */
GPUOPT_FN void gpuopt_cmaes_pc_coord(gpuopt_u64 k, gpuopt_u64 dim, gpuopt_u64 row, int hsig,
                                     double decay, double gain, double mean_gain, double c1,
                                     const GPUOPT_GLOBAL double *ymean, GPUOPT_GLOBAL double *pc,
                                     GPUOPT_GLOBAL double *mean, GPUOPT_GLOBAL double *Y,
                                     GPUOPT_GLOBAL double *Z)
{
    double p = decay * pc[k] + (hsig ? gain * ymean[k] : 0.0);
    pc[k] = p;
    mean[k] += mean_gain * ymean[k];
    Y[row * dim + k] = p;
    Z[row * dim + k] = c1 * p;
}

/* -------------------------------------------------------------------- diag */

/* Separable update of variance k: c_k <- beta c_k + sum_i Z_ik Y_ik over the `rows` rows (the
 * diagonal of C <- beta C + Z^T Y); d_k = sqrt(c_k). A non-positive result (possible with
 * negative weights) keeps a thousandth of the old variance. */
GPUOPT_FN void gpuopt_cmaes_diag_coord(gpuopt_u64 k, gpuopt_u64 dim, gpuopt_u64 rows, double beta,
                                       const GPUOPT_GLOBAL double *Z, const GPUOPT_GLOBAL double *Y,
                                       GPUOPT_GLOBAL double *c, GPUOPT_GLOBAL double *d)
{
    double old = c[k], s = beta * old;
    for (gpuopt_u64 i = 0; i < rows; ++i)
        s += Z[i * dim + k] * Y[i * dim + k];
    if (!(s > 0.0))
        s = 1e-3 * old;
    c[k] = s;
    d[k] = sqrt(s);
}

/* ------------------------------------------------------------------- eigen */

/* The axis length for eigenvalue w: sqrt(w), with w floored at 1e-20 of the largest eigenvalue
 * (rounding can make the smallest ones zero or negative). */
GPUOPT_FN double gpuopt_cmaes_axis_length(double w, double w_max)
{
    double floor = w_max > 0.0 ? 1e-20 * w_max : 2.2250738585072014e-308;
    return sqrt(w > floor ? w : floor);
}

/* Element (j, k) of BD = B diag(D), D_k from the ascending eigenvalues `evals`. */
GPUOPT_FN void gpuopt_cmaes_bd_elem(gpuopt_u64 j, gpuopt_u64 k, gpuopt_u64 dim,
                                    const GPUOPT_GLOBAL double *B,
                                    const GPUOPT_GLOBAL double *evals, GPUOPT_GLOBAL double *BD)
{
    BD[j * dim + k] = B[j * dim + k] * gpuopt_cmaes_axis_length(evals[k], evals[dim - 1]);
}

/* ----------------------------------------------------------------- measure */

typedef struct gpuopt_cmaes_coord {
    double var;   /* C_jj */
    double pc;    /* |p_c,j| */
    int noeffect; /* m_j + 0.2 sigma sqrt(C_jj) == m_j */
    int moves;    /* m_j + 0.1 sigma (axis)_j != m_j */
    int outside;  /* m_j outside [lower_j, upper_j] */
} gpuopt_cmaes_coord;

/* Coordinate j's part of the stopping rules. axis_j is component j of the principal axis under
 * test (D_a B_ja; separable: d_a at j = a, else 0). */
GPUOPT_FN gpuopt_cmaes_coord gpuopt_cmaes_measure_coord(gpuopt_u64 j, double sigma, double var,
                                                        double axis_j,
                                                        const GPUOPT_GLOBAL double *pc,
                                                        const GPUOPT_GLOBAL double *mean,
                                                        const GPUOPT_GLOBAL double *lower,
                                                        const GPUOPT_GLOBAL double *upper)
{
    gpuopt_cmaes_coord c;
    double m = mean[j];
    c.var = var;
    c.pc = fabs(pc[j]);
    c.noeffect = m + 0.2 * sigma * sqrt(var) == m;
    c.moves = m + 0.1 * sigma * axis_j != m;
    c.outside = m < lower[j] || m > upper[j];
    return c;
}

#endif /* GPUOPT_KERNELS_CMAES_H */
