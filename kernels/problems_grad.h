/* Analytic gradients and Hessians of the built-in problems (kernels/problems.h), written once
 * for C, OpenCL C and CUDA C. The accuracy tests of the finite-difference engine compare with
 * them; see docs/derivatives.md.
 *
 * gpuopt_builtin_gradient writes dim values in O(dim). gpuopt_builtin_hessian_entry returns one
 * entry (i, j) in O(dim) at most (one thread per entry on a device). Where a derivative does not
 * exist the value is NaN: Ackley at the origin, and Schwefel's second derivative at x_i = 0. */
#ifndef GPUOPT_KERNELS_PROBLEMS_GRAD_H
#define GPUOPT_KERNELS_PROBLEMS_GRAD_H

#include "portable.h"
#include "problems.h"

/* The ellipsoid's weight of coordinate i (as gpuopt_builtin_ellipsoid computes it). */
GPUOPT_FN double gpuopt_builtin_ellipsoid_weight(int i, int dim)
{
    return i == 0 ? 1.0 : pow(10.0, (6.0 * (double)i) / (double)(dim - 1));
}

/* ------------------------------------------------------------------ Levy terms */

/* The terms of Levy's function as functions of w = 1 + (x - 1) / 4: head sin^2(pi w),
 * middle (w-1)^2 (1 + 10 sin^2(pi w + 1)), tail (w-1)^2 (1 + sin^2(2 pi w)); order 1 or 2. */
GPUOPT_FN double gpuopt_levy_head(double w, int order)
{
    return order == 1 ? GPUOPT_PI * sin(2.0 * GPUOPT_PI * w)
                      : 2.0 * GPUOPT_PI * GPUOPT_PI * cos(2.0 * GPUOPT_PI * w);
}

GPUOPT_FN double gpuopt_levy_middle(double w, int order)
{
    double s = sin(GPUOPT_PI * w + 1.0), d = w - 1.0, wave = 2.0 * (GPUOPT_PI * w + 1.0);
    if (order == 1)
        return 2.0 * d * (1.0 + 10.0 * s * s) + 10.0 * GPUOPT_PI * d * d * sin(wave);
    return 2.0 * (1.0 + 10.0 * s * s) + 40.0 * GPUOPT_PI * d * sin(wave) +
           20.0 * GPUOPT_PI * GPUOPT_PI * d * d * cos(wave);
}

GPUOPT_FN double gpuopt_levy_tail(double w, int order)
{
    double s = sin(2.0 * GPUOPT_PI * w), d = w - 1.0, wave = 4.0 * GPUOPT_PI * w;
    if (order == 1)
        return 2.0 * d * (1.0 + s * s) + 2.0 * GPUOPT_PI * d * d * sin(wave);
    return 2.0 * (1.0 + s * s) + 8.0 * GPUOPT_PI * d * sin(wave) +
           8.0 * GPUOPT_PI * GPUOPT_PI * d * d * cos(wave);
}

/* d^order f / dx_i^order of Levy's function (it is separable). */
GPUOPT_FN double gpuopt_levy_derivative(const GPUOPT_GLOBAL double *x, int dim, int i, int order)
{
    double w = 1.0 + (x[i] - 1.0) / 4.0, s = 0.0;
    if (i == 0)
        s += gpuopt_levy_head(w, order);
    if (i + 1 < dim)
        s += gpuopt_levy_middle(w, order);
    if (i == dim - 1)
        s += gpuopt_levy_tail(w, order);
    return order == 1 ? s / 4.0 : s / 16.0;
}

/* ------------------------------------------------------------ shared sums */

GPUOPT_FN double gpuopt_sum_squares(const GPUOPT_GLOBAL double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += x[i] * x[i];
    return s;
}

GPUOPT_FN double gpuopt_ackley_cosines(const GPUOPT_GLOBAL double *x, int dim)
{
    double c = 0.0;
    for (int i = 0; i < dim; ++i)
        c += cos((2.0 * GPUOPT_PI) * x[i]);
    return c;
}

GPUOPT_FN double gpuopt_zakharov_weighted(const GPUOPT_GLOBAL double *x, int dim)
{
    double w = 0.0;
    for (int i = 0; i < dim; ++i)
        w += (0.5 * (double)(i + 1)) * x[i];
    return w;
}

/* prod_{k != i, k != j} cos(x_k / sqrt(k + 1)) */
GPUOPT_FN double gpuopt_griewank_product_except(const GPUOPT_GLOBAL double *x, int dim, int i,
                                                int j)
{
    double p = 1.0;
    for (int k = 0; k < dim; ++k)
        if (k != i && k != j)
            p *= cos(x[k] / sqrt((double)(k + 1)));
    return p;
}

/* -------------------------------------------------------------- gradients */

GPUOPT_FN void gpuopt_ackley_gradient(const GPUOPT_GLOBAL double *x, int dim,
                                      GPUOPT_GLOBAL double *g)
{
    double n = (double)dim, r = sqrt(gpuopt_sum_squares(x, dim) / n);
    double radial = 4.0 * exp(-0.2 * r) / (n * r);
    double wave = (2.0 * GPUOPT_PI / n) * exp(gpuopt_ackley_cosines(x, dim) / n);
    for (int i = 0; i < dim; ++i)
        g[i] = r > 0.0 ? radial * x[i] + wave * sin((2.0 * GPUOPT_PI) * x[i]) : 0.0 / 0.0;
}

/* g_i = x_i / 2000 + a_i sin(a_i x_i) prod_{k != i} cos(a_k x_k), a_k = 1 / sqrt(k + 1): the
 * products come from a forward pass (prefix products in g) and a backward one. */
GPUOPT_FN void gpuopt_griewank_gradient(const GPUOPT_GLOBAL double *x, int dim,
                                        GPUOPT_GLOBAL double *g)
{
    double prefix = 1.0;
    for (int i = 0; i < dim; ++i) {
        g[i] = prefix;
        prefix *= cos(x[i] / sqrt((double)(i + 1)));
    }
    double suffix = 1.0;
    for (int i = dim - 1; i >= 0; --i) {
        double a = 1.0 / sqrt((double)(i + 1));
        double others = g[i] * suffix;
        g[i] = x[i] / 2000.0 + a * sin(a * x[i]) * others;
        suffix *= cos(x[i] / sqrt((double)(i + 1)));
    }
}

GPUOPT_FN void gpuopt_rosenbrock_gradient(const GPUOPT_GLOBAL double *x, int dim,
                                          GPUOPT_GLOBAL double *g)
{
    if (dim == 1) {
        g[0] = 2.0 * (x[0] - 1.0);
        return;
    }
    for (int i = 0; i < dim; ++i) {
        double s = 0.0;
        if (i + 1 < dim)
            s += -400.0 * x[i] * (x[i + 1] - x[i] * x[i]) + 2.0 * (x[i] - 1.0);
        if (i > 0)
            s += 200.0 * (x[i] - x[i - 1] * x[i - 1]);
        g[i] = s;
    }
}

/* logit: with p_i = 1 / (1 + exp(-z_i . x)), the gradient of the negative log-likelihood is
 * sum_i (p_i - y_i) z_i and its Hessian sum_i p_i (1 - p_i) z_i z_i^T (entry (a, b) here). */
GPUOPT_FN void gpuopt_logit_gradient(const GPUOPT_GLOBAL double *x, int dim,
                                     GPUOPT_GLOBAL double *g)
{
    for (int k = 0; k < dim; ++k)
        g[k] = dim == GPUOPT_LOGIT_DIM ? 0.0 : 0.0 / 0.0;
    if (dim != GPUOPT_LOGIT_DIM)
        return;
    for (gpuopt_u64 i = 0; i < GPUOPT_LOGIT_N; ++i) {
        double z[GPUOPT_LOGIT_DIM];
        double y = gpuopt_logit_observation(i, z), eta = 0.0;
        for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
            eta += x[k] * z[k];
        double r = 1.0 / (1.0 + exp(-eta)) - y;
        for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
            g[k] += r * z[k];
    }
}

GPUOPT_FN double gpuopt_logit_hessian(const GPUOPT_GLOBAL double *x, int dim, int a, int b)
{
    if (dim != GPUOPT_LOGIT_DIM)
        return 0.0 / 0.0;
    double h = 0.0;
    for (gpuopt_u64 i = 0; i < GPUOPT_LOGIT_N; ++i) {
        double z[GPUOPT_LOGIT_DIM];
        gpuopt_logit_observation(i, z);
        double eta = 0.0;
        for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
            eta += x[k] * z[k];
        double p = 1.0 / (1.0 + exp(-eta));
        h += p * (1.0 - p) * z[a] * z[b];
    }
    return h;
}

/* The gradient of built-in problem id at x (dim values into g; NaN for an unknown id). */
GPUOPT_FN void gpuopt_builtin_gradient(int id, const GPUOPT_GLOBAL double *x, int dim,
                                       GPUOPT_GLOBAL double *g)
{
    if (id == GPUOPT_BUILTIN_ACKLEY) {
        gpuopt_ackley_gradient(x, dim, g);
        return;
    }
    if (id == GPUOPT_BUILTIN_GRIEWANK) {
        gpuopt_griewank_gradient(x, dim, g);
        return;
    }
    if (id == GPUOPT_BUILTIN_ROSENBROCK) {
        gpuopt_rosenbrock_gradient(x, dim, g);
        return;
    }
    if (id == GPUOPT_BUILTIN_LOGIT) {
        gpuopt_logit_gradient(x, dim, g);
        return;
    }
    double w = id == GPUOPT_BUILTIN_ZAKHAROV ? gpuopt_zakharov_weighted(x, dim) : 0.0;
    for (int i = 0; i < dim; ++i) {
        double v = x[i], t = sqrt(fabs(v));
        switch (id) {
        case GPUOPT_BUILTIN_SPHERE: g[i] = 2.0 * v; break;
        case GPUOPT_BUILTIN_ELLIPSOID:
            g[i] = 2.0 * gpuopt_builtin_ellipsoid_weight(i, dim) * v;
            break;
        case GPUOPT_BUILTIN_RASTRIGIN:
            g[i] = 2.0 * v + 20.0 * GPUOPT_PI * sin((2.0 * GPUOPT_PI) * v);
            break;
        case GPUOPT_BUILTIN_SCHWEFEL: g[i] = -sin(t) - 0.5 * t * cos(t); break;
        case GPUOPT_BUILTIN_LEVY: g[i] = gpuopt_levy_derivative(x, dim, i, 1); break;
        case GPUOPT_BUILTIN_STYBLINSKI_TANG: g[i] = 2.0 * v * v * v - 16.0 * v + 2.5; break;
        case GPUOPT_BUILTIN_ZAKHAROV:
            g[i] = 2.0 * v + (2.0 * w + 4.0 * w * w * w) * (0.5 * (double)(i + 1));
            break;
        default: g[i] = 0.0 / 0.0;
        }
    }
}

/* --------------------------------------------------------------- Hessians */

GPUOPT_FN double gpuopt_ackley_hessian(const GPUOPT_GLOBAL double *x, int dim, int i, int j)
{
    double n = (double)dim, r = sqrt(gpuopt_sum_squares(x, dim) / n);
    if (!(r > 0.0))
        return 0.0 / 0.0;
    double xi = x[i], xj = x[j], same = i == j ? 1.0 : 0.0;
    double radial = (4.0 * exp(-0.2 * r) / n) *
                    (same / r - xi * xj / (n * r * r * r) - 0.2 * xi * xj / (n * r * r));
    double si = sin((2.0 * GPUOPT_PI) * xi), sj = sin((2.0 * GPUOPT_PI) * xj);
    double wave = (4.0 * GPUOPT_PI * GPUOPT_PI / n) * exp(gpuopt_ackley_cosines(x, dim) / n) *
                  (same * cos((2.0 * GPUOPT_PI) * xi) - si * sj / n);
    return radial + wave;
}

GPUOPT_FN double gpuopt_griewank_hessian(const GPUOPT_GLOBAL double *x, int dim, int i, int j)
{
    double ai = 1.0 / sqrt((double)(i + 1)), aj = 1.0 / sqrt((double)(j + 1));
    double others = gpuopt_griewank_product_except(x, dim, i, j);
    if (i == j)
        return 1.0 / 2000.0 + ai * ai * cos(ai * x[i]) * others;
    return -ai * aj * sin(ai * x[i]) * sin(aj * x[j]) * others;
}

GPUOPT_FN double gpuopt_rosenbrock_hessian(const GPUOPT_GLOBAL double *x, int dim, int i, int j)
{
    if (dim == 1)
        return 2.0;
    if (i == j) {
        double h = 0.0;
        if (i + 1 < dim)
            h += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        if (i > 0)
            h += 200.0;
        return h;
    }
    if (j == i + 1)
        return -400.0 * x[i];
    if (i == j + 1)
        return -400.0 * x[j];
    return 0.0;
}

/* The second derivative of a separable problem's coordinate term. */
GPUOPT_FN double gpuopt_separable_hessian(int id, const GPUOPT_GLOBAL double *x, int dim, int i)
{
    double v = x[i], t = sqrt(fabs(v));
    switch (id) {
    case GPUOPT_BUILTIN_SPHERE: return 2.0;
    case GPUOPT_BUILTIN_ELLIPSOID: return 2.0 * gpuopt_builtin_ellipsoid_weight(i, dim);
    case GPUOPT_BUILTIN_RASTRIGIN:
        return 2.0 + 40.0 * GPUOPT_PI * GPUOPT_PI * cos((2.0 * GPUOPT_PI) * v);
    case GPUOPT_BUILTIN_SCHWEFEL:
        return t > 0.0 ? -(v > 0.0 ? 1.0 : -1.0) * (3.0 * cos(t) - t * sin(t)) / (4.0 * t)
                       : 0.0 / 0.0;
    case GPUOPT_BUILTIN_LEVY: return gpuopt_levy_derivative(x, dim, i, 2);
    case GPUOPT_BUILTIN_STYBLINSKI_TANG: return 6.0 * v * v - 16.0;
    default: return 0.0 / 0.0;
    }
}

/* Entry (i, j) of the Hessian of built-in problem id at x (NaN for an unknown id). */
GPUOPT_FN double gpuopt_builtin_hessian_entry(int id, const GPUOPT_GLOBAL double *x, int dim,
                                              int i, int j)
{
    switch (id) {
    case GPUOPT_BUILTIN_ACKLEY: return gpuopt_ackley_hessian(x, dim, i, j);
    case GPUOPT_BUILTIN_GRIEWANK: return gpuopt_griewank_hessian(x, dim, i, j);
    case GPUOPT_BUILTIN_ROSENBROCK: return gpuopt_rosenbrock_hessian(x, dim, i, j);
    case GPUOPT_BUILTIN_LOGIT: return gpuopt_logit_hessian(x, dim, i, j);
    case GPUOPT_BUILTIN_ZAKHAROV: {
        double w = gpuopt_zakharov_weighted(x, dim);
        double ci = 0.5 * (double)(i + 1), cj = 0.5 * (double)(j + 1);
        return (i == j ? 2.0 : 0.0) + (2.0 + 12.0 * w * w) * ci * cj;
    }
    default:
        if (id < 0 || id >= GPUOPT_BUILTIN_COUNT)
            return 0.0 / 0.0;
        return i == j ? gpuopt_separable_hessian(id, x, dim, i) : 0.0;
    }
}

#endif /* GPUOPT_KERNELS_PROBLEMS_GRAD_H */
