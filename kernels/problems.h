/* The built-in test problems, written once for the CPU, OpenCL and CUDA backends.
 *
 * Formulas as in Surjanovic & Bingham's Virtual Library of Simulation Experiments; see
 * docs/problems.md. Every loop runs i = 0 .. dim-1 in order and accumulates into one double,
 * so with contraction off each backend performs the same operations in the same order. Only
 * sqrt, exp, log1p, cos, sin and pow are called. Points are read from x[0 .. dim-1]; a
 * dimension below 1 or an unknown id gives NaN.
 *
 * Most problems are scalar. `logit` is a likelihood problem: GPUOPT_LOGIT_N contributions per
 * point (gpuopt_builtin_output), its value their sum. The Moré–Wild least-squares problems
 * (kernels/problems_more_wild.h) have their residuals as outputs, their value the sum of squares. */
#ifndef GPUOPT_KERNELS_PROBLEMS_H
#define GPUOPT_KERNELS_PROBLEMS_H

#include "philox.h"
#include "portable.h"
#include "problems_more_wild.h"

enum {
    GPUOPT_BUILTIN_SPHERE = 0,
    GPUOPT_BUILTIN_ELLIPSOID,
    GPUOPT_BUILTIN_ROSENBROCK,
    GPUOPT_BUILTIN_RASTRIGIN,
    GPUOPT_BUILTIN_ACKLEY,
    GPUOPT_BUILTIN_GRIEWANK,
    GPUOPT_BUILTIN_SCHWEFEL,
    GPUOPT_BUILTIN_LEVY,
    GPUOPT_BUILTIN_STYBLINSKI_TANG,
    GPUOPT_BUILTIN_ZAKHAROV,
    GPUOPT_BUILTIN_LOGIT,
    GPUOPT_BUILTIN_MORE_WILD, /* row 0 of dfo.dat; row r is GPUOPT_BUILTIN_MORE_WILD + r */
    GPUOPT_BUILTIN_MORE_WILD_LAST = GPUOPT_BUILTIN_MORE_WILD + GPUOPT_MW_COUNT - 1,
    GPUOPT_BUILTIN_COUNT
};

/* 1 when built-in id is a Moré–Wild problem. */
GPUOPT_FN int gpuopt_builtin_is_more_wild(int id)
{
    return id >= GPUOPT_BUILTIN_MORE_WILD && id <= GPUOPT_BUILTIN_MORE_WILD_LAST;
}

/* The constant of the Schwefel function: sum_i (GPUOPT_SCHWEFEL_SHIFT - x_i sin(sqrt|x_i|)). */
#define GPUOPT_SCHWEFEL_SHIFT 418.9828872724338

/* sum x_i^2 */
GPUOPT_FN double gpuopt_builtin_sphere(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += x[i] * x[i];
    return s;
}

/* sum 10^(6 i / (n-1)) x_i^2 (i = 0 .. n-1), condition number 1e6; n = 1 gives x^2. */
GPUOPT_FN double gpuopt_builtin_ellipsoid(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = x[0] * x[0];
    for (int i = 1; i < dim; ++i) {
        double weight = pow(10.0, (6.0 * (double)i) / (double)(dim - 1));
        s += weight * (x[i] * x[i]);
    }
    return s;
}

/* sum_{i<n-1} 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2; n = 1 gives (x - 1)^2. */
GPUOPT_FN double gpuopt_builtin_rosenbrock(const GPUOPT_GLOBAL double *x, int dim)
{
    if (dim == 1)
        return (x[0] - 1.0) * (x[0] - 1.0);
    double s = 0.0;
    for (int i = 0; i + 1 < dim; ++i) {
        double valley = x[i + 1] - x[i] * x[i];
        double offset = x[i] - 1.0;
        s += 100.0 * (valley * valley) + offset * offset;
    }
    return s;
}

/* 10 n + sum x_i^2 - 10 cos(2 pi x_i), summed as x_i^2 + 10 (1 - cos(2 pi x_i)). */
GPUOPT_FN double gpuopt_builtin_rastrigin(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += x[i] * x[i] + 10.0 * (1.0 - cos((2.0 * GPUOPT_PI) * x[i]));
    return s;
}

/* -20 exp(-0.2 sqrt(mean x_i^2)) - exp(mean cos(2 pi x_i)) + 20 + e, grouped as
 * 20 (1 - exp(...)) + (e - exp(...)) so that the origin gives exactly 0. */
GPUOPT_FN double gpuopt_builtin_ackley(const GPUOPT_GLOBAL double *x, int dim)
{
    double squares = 0.0, cosines = 0.0;
    for (int i = 0; i < dim; ++i) {
        squares += x[i] * x[i];
        cosines += cos((2.0 * GPUOPT_PI) * x[i]);
    }
    double n = (double)dim;
    double radial = 20.0 * (1.0 - exp(-0.2 * sqrt(squares / n)));
    return radial + (exp(1.0) - exp(cosines / n));
}

/* sum x_i^2 / 4000 - prod cos(x_i / sqrt(i + 1)) + 1 (i = 0 .. n-1). */
GPUOPT_FN double gpuopt_builtin_griewank(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0, p = 1.0;
    for (int i = 0; i < dim; ++i) {
        s += x[i] * x[i];
        p *= cos(x[i] / sqrt((double)(i + 1)));
    }
    return s / 4000.0 + (1.0 - p);
}

/* 418.9828872724338 n - sum x_i sin(sqrt|x_i|), summed term by term. */
GPUOPT_FN double gpuopt_builtin_schwefel(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += GPUOPT_SCHWEFEL_SHIFT - x[i] * sin(sqrt(fabs(x[i])));
    return s;
}

/* w_i = 1 + (x_i - 1) / 4;  sin^2(pi w_1) + sum_{i<n} (w_i - 1)^2 (1 + 10 sin^2(pi w_i + 1))
 *                           + (w_n - 1)^2 (1 + sin^2(2 pi w_n)) */
GPUOPT_FN double gpuopt_builtin_levy(const GPUOPT_GLOBAL double *x, int dim)
{
    double w = 1.0 + (x[0] - 1.0) / 4.0;
    double head = sin(GPUOPT_PI * w);
    double s = head * head;
    for (int i = 0; i + 1 < dim; ++i) {
        w = 1.0 + (x[i] - 1.0) / 4.0;
        double wave = sin(GPUOPT_PI * w + 1.0);
        s += ((w - 1.0) * (w - 1.0)) * (1.0 + 10.0 * (wave * wave));
    }
    w = 1.0 + (x[dim - 1] - 1.0) / 4.0;
    double tail = sin((2.0 * GPUOPT_PI) * w);
    return s + ((w - 1.0) * (w - 1.0)) * (1.0 + tail * tail);
}

/* 0.5 sum x_i^4 - 16 x_i^2 + 5 x_i */
GPUOPT_FN double gpuopt_builtin_styblinski_tang(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i) {
        double sq = x[i] * x[i];
        s += sq * sq - 16.0 * sq + 5.0 * x[i];
    }
    return 0.5 * s;
}

/* sum x_i^2 + (sum 0.5 (i+1) x_i)^2 + (sum 0.5 (i+1) x_i)^4 (i = 0 .. n-1). */
GPUOPT_FN double gpuopt_builtin_zakharov(const GPUOPT_GLOBAL double *x, int dim)
{
    double squares = 0.0, weighted = 0.0;
    for (int i = 0; i < dim; ++i) {
        squares += x[i] * x[i];
        weighted += (0.5 * (double)(i + 1)) * x[i];
    }
    double w2 = weighted * weighted;
    return squares + w2 + w2 * w2;
}

/* ------------------------------------------------------------------ logit */

/* A logit model fitted by maximum likelihood to a fixed synthetic data set of GPUOPT_LOGIT_N
 * observations, generated here from Philox draws so that every backend has the same data
 * without reading any. Observation i uses the draws of blocks 3i, 3i+1, 3i+2 of
 * (GPUOPT_LOGIT_SEED, GPUOPT_LOGIT_STREAM): u0..u3 give the covariates
 *   z = (1, 4 u0 - 2, 2 u1 - 1, [u2 < 0.4], 3 u3),
 * and y = [u4 < 1 / (1 + exp(-eta))] with eta = -0.5 + z1 - 0.75 z2 + 0.8 z3 + 0.4 z4. The
 * smallest |u4 - p| is 1.4e-3, so no libm rounding can flip an outcome: the data are fixed
 * (tests/test_logit.c checks a checksum; tests/reference/logit_mle.py regenerates them). */
#define GPUOPT_LOGIT_N 1000
#define GPUOPT_LOGIT_DIM 5
#define GPUOPT_LOGIT_SEED 0x6C6F676974 /* "logit" */
#define GPUOPT_LOGIT_STREAM 1u

/* Writes the covariates of observation i into z[0 .. GPUOPT_LOGIT_DIM-1]; returns y (0 or 1). */
GPUOPT_FN double gpuopt_logit_observation(gpuopt_u64 i, double *z)
{
    gpuopt_philox4 a = gpuopt_philox_block(GPUOPT_LOGIT_SEED, GPUOPT_LOGIT_STREAM, 3 * i);
    gpuopt_philox4 b = gpuopt_philox_block(GPUOPT_LOGIT_SEED, GPUOPT_LOGIT_STREAM, 3 * i + 1);
    gpuopt_philox4 c = gpuopt_philox_block(GPUOPT_LOGIT_SEED, GPUOPT_LOGIT_STREAM, 3 * i + 2);
    z[0] = 1.0;
    z[1] = 4.0 * gpuopt_u32x2_to_unit(a.v[0], a.v[1]) - 2.0;
    z[2] = 2.0 * gpuopt_u32x2_to_unit(a.v[2], a.v[3]) - 1.0;
    z[3] = gpuopt_u32x2_to_unit(b.v[0], b.v[1]) < 0.4 ? 1.0 : 0.0;
    z[4] = 3.0 * gpuopt_u32x2_to_unit(b.v[2], b.v[3]);
    double eta = -0.5 + 1.0 * z[1];
    eta = eta + -0.75 * z[2];
    eta = eta + 0.8 * z[3];
    eta = eta + 0.4 * z[4];
    double p = 1.0 / (1.0 + exp(-eta));
    return gpuopt_u32x2_to_unit(c.v[0], c.v[1]) < p ? 1.0 : 0.0;
}

/* Contribution i: the negative log-likelihood log(1 + exp(eta)) - y eta of observation i at
 * the coefficients x (eta = z_i . x), with log(1 + exp(eta)) computed without overflow. */
GPUOPT_FN double gpuopt_builtin_logit_contribution(const GPUOPT_GLOBAL double *x, int dim,
                                                   gpuopt_u64 i)
{
    if (dim != GPUOPT_LOGIT_DIM || i >= GPUOPT_LOGIT_N)
        return 0.0 / 0.0;
    double z[GPUOPT_LOGIT_DIM];
    double y = gpuopt_logit_observation(i, z);
    double eta = 0.0;
    for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
        eta += x[k] * z[k];
    double softplus = eta > 0.0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));
    return softplus - y * eta;
}

/* The negative log-likelihood: the contributions summed in order from 0.0 (as the backends'
 * aggregate op sums them). */
GPUOPT_FN double gpuopt_builtin_logit(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (gpuopt_u64 i = 0; i < GPUOPT_LOGIT_N; ++i)
        s += gpuopt_builtin_logit_contribution(x, dim, i);
    return s;
}

/* The value of built-in problem id (GPUOPT_BUILTIN_*) at x[0 .. dim-1]. */
GPUOPT_FN double gpuopt_builtin_value(int id, const GPUOPT_GLOBAL double *x, int dim)
{
    if (dim < 1)
        return 0.0 / 0.0;
    switch (id) {
    case GPUOPT_BUILTIN_SPHERE: return gpuopt_builtin_sphere(x, dim);
    case GPUOPT_BUILTIN_ELLIPSOID: return gpuopt_builtin_ellipsoid(x, dim);
    case GPUOPT_BUILTIN_ROSENBROCK: return gpuopt_builtin_rosenbrock(x, dim);
    case GPUOPT_BUILTIN_RASTRIGIN: return gpuopt_builtin_rastrigin(x, dim);
    case GPUOPT_BUILTIN_ACKLEY: return gpuopt_builtin_ackley(x, dim);
    case GPUOPT_BUILTIN_GRIEWANK: return gpuopt_builtin_griewank(x, dim);
    case GPUOPT_BUILTIN_SCHWEFEL: return gpuopt_builtin_schwefel(x, dim);
    case GPUOPT_BUILTIN_LEVY: return gpuopt_builtin_levy(x, dim);
    case GPUOPT_BUILTIN_STYBLINSKI_TANG: return gpuopt_builtin_styblinski_tang(x, dim);
    case GPUOPT_BUILTIN_ZAKHAROV: return gpuopt_builtin_zakharov(x, dim);
    case GPUOPT_BUILTIN_LOGIT: return gpuopt_builtin_logit(x, dim);
    default:
        if (gpuopt_builtin_is_more_wild(id))
            return gpuopt_mw_value(id - GPUOPT_BUILTIN_MORE_WILD, x, dim);
        return 0.0 / 0.0;
    }
}

/* Output k of built-in problem id at x: contribution k of a likelihood problem (logit), residual
 * k of a least-squares one (Moré–Wild), the value itself (k = 0) of a scalar one. */
GPUOPT_FN double gpuopt_builtin_output(int id, const GPUOPT_GLOBAL double *x, int dim,
                                       gpuopt_u64 k)
{
    if (id == GPUOPT_BUILTIN_LOGIT)
        return gpuopt_builtin_logit_contribution(x, dim, k);
    if (gpuopt_builtin_is_more_wild(id))
        return gpuopt_mw_output(id - GPUOPT_BUILTIN_MORE_WILD, x, dim, k);
    return k == 0 ? gpuopt_builtin_value(id, x, dim) : 0.0 / 0.0;
}

#endif /* GPUOPT_KERNELS_PROBLEMS_H */
