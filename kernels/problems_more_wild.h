/* The Moré–Wild benchmark set of nonlinear least-squares problems, written once for the CPU,
 * OpenCL and CUDA backends.
 *
 * J. J. Moré and S. M. Wild, "Benchmarking derivative-free optimization algorithms", SIAM J.
 * Optim. 20(1):172-191, 2009: 22 residual functions (numbered 1..22 as in their dfovec) at the
 * 53 settings (function, n, m, start) of their table dfo.dat. Row r of that table (0-based) is
 * built-in problem GPUOPT_BUILTIN_MORE_WILD + r. Formulas and data follow the authors' Fortran
 * dfovec.f / dfoxs.f (github.com/POptUS/BenDFO); see docs/problems.md.
 *
 * gpuopt_mw_residual(f, x, n, m, k) computes residual k (0-based) on its own, so a device
 * evaluates one residual per thread; the value of a problem is the sum of the squared residuals
 * k = 0 .. m-1, added in order from 0.0 (as the backends' aggregate op sums them). Only plain
 * loops; data tables are function-local arrays. */
#ifndef GPUOPT_KERNELS_PROBLEMS_MORE_WILD_H
#define GPUOPT_KERNELS_PROBLEMS_MORE_WILD_H

#include "portable.h"

#define GPUOPT_MW_COUNT 53 /* rows of dfo.dat */
#define GPUOPT_MW_MAX_N 12
#define GPUOPT_MW_MAX_M 65

/* The 22 residual functions (dfovec's nprob). */
enum {
    GPUOPT_MW_LINEAR_FULL_RANK = 1,
    GPUOPT_MW_LINEAR_RANK1,
    GPUOPT_MW_LINEAR_RANK1_ZERO,
    GPUOPT_MW_ROSENBROCK,
    GPUOPT_MW_HELICAL_VALLEY,
    GPUOPT_MW_POWELL_SINGULAR,
    GPUOPT_MW_FREUDENSTEIN_ROTH,
    GPUOPT_MW_BARD,
    GPUOPT_MW_KOWALIK_OSBORNE,
    GPUOPT_MW_MEYER,
    GPUOPT_MW_WATSON,
    GPUOPT_MW_BOX3D,
    GPUOPT_MW_JENNRICH_SAMPSON,
    GPUOPT_MW_BROWN_DENNIS,
    GPUOPT_MW_CHEBYQUAD,
    GPUOPT_MW_BROWN_ALMOST_LINEAR,
    GPUOPT_MW_OSBORNE1,
    GPUOPT_MW_OSBORNE2,
    GPUOPT_MW_BDQRTIC,
    GPUOPT_MW_CUBE,
    GPUOPT_MW_MANCINO,
    GPUOPT_MW_HEART8
};

/* ------------------------------------------------------------------ the table dfo.dat */

/* Row r of dfo.dat packed as function * 1000000 + n * 10000 + m * 10 + ns (ns = 1: the start
 * point is 10 x_s); 0 for a row that does not exist. */
#define GPUOPT_MW_PACK(f, n, m, ns) ((f) * 1000000 + (n) * 10000 + (m) * 10 + (ns))
GPUOPT_FN int gpuopt_mw_row(int r)
{
    switch (r) {
    case 0: return GPUOPT_MW_PACK(1, 9, 45, 0);
    case 1: return GPUOPT_MW_PACK(1, 9, 45, 1);
    case 2: return GPUOPT_MW_PACK(2, 7, 35, 0);
    case 3: return GPUOPT_MW_PACK(2, 7, 35, 1);
    case 4: return GPUOPT_MW_PACK(3, 7, 35, 0);
    case 5: return GPUOPT_MW_PACK(3, 7, 35, 1);
    case 6: return GPUOPT_MW_PACK(4, 2, 2, 0);
    case 7: return GPUOPT_MW_PACK(4, 2, 2, 1);
    case 8: return GPUOPT_MW_PACK(5, 3, 3, 0);
    case 9: return GPUOPT_MW_PACK(5, 3, 3, 1);
    case 10: return GPUOPT_MW_PACK(6, 4, 4, 0);
    case 11: return GPUOPT_MW_PACK(6, 4, 4, 1);
    case 12: return GPUOPT_MW_PACK(7, 2, 2, 0);
    case 13: return GPUOPT_MW_PACK(7, 2, 2, 1);
    case 14: return GPUOPT_MW_PACK(8, 3, 15, 0);
    case 15: return GPUOPT_MW_PACK(8, 3, 15, 1);
    case 16: return GPUOPT_MW_PACK(9, 4, 11, 0);
    case 17: return GPUOPT_MW_PACK(10, 3, 16, 0);
    case 18: return GPUOPT_MW_PACK(11, 6, 31, 0);
    case 19: return GPUOPT_MW_PACK(11, 6, 31, 1);
    case 20: return GPUOPT_MW_PACK(11, 9, 31, 0);
    case 21: return GPUOPT_MW_PACK(11, 9, 31, 1);
    case 22: return GPUOPT_MW_PACK(11, 12, 31, 0);
    case 23: return GPUOPT_MW_PACK(11, 12, 31, 1);
    case 24: return GPUOPT_MW_PACK(12, 3, 10, 0);
    case 25: return GPUOPT_MW_PACK(13, 2, 10, 0);
    case 26: return GPUOPT_MW_PACK(14, 4, 20, 0);
    case 27: return GPUOPT_MW_PACK(14, 4, 20, 1);
    case 28: return GPUOPT_MW_PACK(15, 6, 6, 0);
    case 29: return GPUOPT_MW_PACK(15, 7, 7, 0);
    case 30: return GPUOPT_MW_PACK(15, 8, 8, 0);
    case 31: return GPUOPT_MW_PACK(15, 9, 9, 0);
    case 32: return GPUOPT_MW_PACK(15, 10, 10, 0);
    case 33: return GPUOPT_MW_PACK(15, 11, 11, 0);
    case 34: return GPUOPT_MW_PACK(16, 10, 10, 0);
    case 35: return GPUOPT_MW_PACK(17, 5, 33, 0);
    case 36: return GPUOPT_MW_PACK(18, 11, 65, 0);
    case 37: return GPUOPT_MW_PACK(18, 11, 65, 1);
    case 38: return GPUOPT_MW_PACK(19, 8, 8, 0);
    case 39: return GPUOPT_MW_PACK(19, 10, 12, 0);
    case 40: return GPUOPT_MW_PACK(19, 11, 14, 0);
    case 41: return GPUOPT_MW_PACK(19, 12, 16, 0);
    case 42: return GPUOPT_MW_PACK(20, 5, 5, 0);
    case 43: return GPUOPT_MW_PACK(20, 6, 6, 0);
    case 44: return GPUOPT_MW_PACK(20, 8, 8, 0);
    case 45: return GPUOPT_MW_PACK(21, 5, 5, 0);
    case 46: return GPUOPT_MW_PACK(21, 5, 5, 1);
    case 47: return GPUOPT_MW_PACK(21, 8, 8, 0);
    case 48: return GPUOPT_MW_PACK(21, 10, 10, 0);
    case 49: return GPUOPT_MW_PACK(21, 12, 12, 0);
    case 50: return GPUOPT_MW_PACK(21, 12, 12, 1);
    case 51: return GPUOPT_MW_PACK(22, 8, 8, 0);
    case 52: return GPUOPT_MW_PACK(22, 8, 8, 1);
    default: return 0;
    }
}

GPUOPT_FN int gpuopt_mw_function(int r) { return gpuopt_mw_row(r) / 1000000; }
GPUOPT_FN int gpuopt_mw_n(int r) { return gpuopt_mw_row(r) / 10000 % 100; }
GPUOPT_FN int gpuopt_mw_m(int r) { return gpuopt_mw_row(r) / 10 % 1000; }
/* The factor of the start point: 1 (x_s) or 10 (10 x_s). */
GPUOPT_FN double gpuopt_mw_factor(int r) { return gpuopt_mw_row(r) % 10 ? 10.0 : 1.0; }

/* ------------------------------------------------------------------ data of the fits */

/* Bard: y_i, i = 1..15 */
GPUOPT_FN double gpuopt_mw_bard_y(int k)
{
    const double y[15] = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39,
                          0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39};
    return y[k];
}

/* Kowalik-Osborne: y_i (which == 0) and the abscissae v_i (which == 1), i = 1..11 */
GPUOPT_FN double gpuopt_mw_kowalik_osborne_data(int k, int which)
{
    const double y[11] = {0.1957, 0.1947, 0.1735, 0.16, 0.0844, 0.0627,
                          0.0456, 0.0342, 0.0323, 0.0235, 0.0246};
    const double v[11] = {4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625};
    return which ? v[k] : y[k];
}

/* Meyer: y_i, i = 1..16 */
GPUOPT_FN double gpuopt_mw_meyer_y(int k)
{
    const double y[16] = {34780.0, 28610.0, 23650.0, 19630.0, 16370.0, 13720.0,
                          11540.0, 9744.0,  8261.0,  7030.0,  6005.0,  5147.0,
                          4427.0,  3820.0,  3307.0,  2872.0};
    return y[k];
}

/* Osborne 1: y_i, i = 1..33 */
GPUOPT_FN double gpuopt_mw_osborne1_y(int k)
{
    const double y[33] = {0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818,
                          0.784, 0.751, 0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558,
                          0.538, 0.522, 0.506, 0.490, 0.478, 0.467, 0.457, 0.448, 0.438,
                          0.431, 0.424, 0.420, 0.414, 0.411, 0.406};
    return y[k];
}

/* Osborne 2: y_i, i = 1..65 */
GPUOPT_FN double gpuopt_mw_osborne2_y(int k)
{
    const double y[65] = {1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725,
                          0.746, 0.679, 0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724,
                          0.649, 0.649, 0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495,
                          0.500, 0.423, 0.395, 0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429,
                          0.523, 0.562, 0.607, 0.653, 0.672, 0.708, 0.633, 0.668, 0.645, 0.632,
                          0.591, 0.559, 0.597, 0.625, 0.739, 0.710, 0.729, 0.720, 0.636, 0.581,
                          0.428, 0.292, 0.162, 0.098, 0.054};
    return y[k];
}

/* Heart 8: the right-hand sides y_i, i = 1..8 */
GPUOPT_FN double gpuopt_mw_heart8_y(int k)
{
    const double y[8] = {-0.69, -0.044, -1.57, -1.31, -2.65, 2.0, -12.6, 9.48};
    return y[k];
}

/* ------------------------------------------------------------------ residuals */

/* Functions 1-3: the linear functions of full rank, rank 1, rank 1 with zero columns and rows. */
GPUOPT_FN double gpuopt_mw_linear(int f, const GPUOPT_GLOBAL double *x, int n, int m, int k)
{
    double s = 0.0;
    if (f == GPUOPT_MW_LINEAR_FULL_RANK) {
        for (int j = 0; j < n; ++j)
            s += x[j];
        double t = 2.0 * s / (double)m + 1.0;
        return k < n ? x[k] - t : -t;
    }
    if (f == GPUOPT_MW_LINEAR_RANK1) {
        for (int j = 0; j < n; ++j)
            s += (double)(j + 1) * x[j];
        return (double)(k + 1) * s - 1.0;
    }
    for (int j = 1; j + 1 < n; ++j)
        s += (double)(j + 1) * x[j];
    return k + 1 < m ? (double)k * s - 1.0 : -1.0;
}

/* Functions 4-7: Rosenbrock, helical valley, Powell singular, Freudenstein-Roth. */
GPUOPT_FN double gpuopt_mw_small(int f, const GPUOPT_GLOBAL double *x, int k)
{
    if (f == GPUOPT_MW_ROSENBROCK)
        return k == 0 ? 10.0 * (x[1] - x[0] * x[0]) : 1.0 - x[0];
    if (f == GPUOPT_MW_HELICAL_VALLEY) {
        if (k == 2)
            return x[2];
        if (k == 1)
            return 10.0 * (sqrt(x[0] * x[0] + x[1] * x[1]) - 1.0);
        double th = x[1] < 0.0 ? -0.25 : 0.25; /* Fortran sign(0.25, x2) at x1 = 0 */
        if (x[0] > 0.0)
            th = atan(x[1] / x[0]) / (2.0 * GPUOPT_PI);
        if (x[0] < 0.0)
            th = atan(x[1] / x[0]) / (2.0 * GPUOPT_PI) + 0.5;
        return 10.0 * (x[2] - 10.0 * th);
    }
    if (f == GPUOPT_MW_POWELL_SINGULAR) {
        double a = x[1] - 2.0 * x[2], b = x[0] - x[3];
        if (k == 0)
            return x[0] + 10.0 * x[1];
        if (k == 1)
            return sqrt(5.0) * (x[2] - x[3]);
        return k == 2 ? a * a : sqrt(10.0) * (b * b);
    }
    if (k == 0)
        return -13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1];
    return -29.0 + x[0] + ((1.0 + x[1]) * x[1] - 14.0) * x[1];
}

/* Functions 8-10: Bard, Kowalik-Osborne, Meyer (data fits, i = k + 1). */
GPUOPT_FN double gpuopt_mw_fit(int f, const GPUOPT_GLOBAL double *x, int k)
{
    double i = (double)(k + 1);
    if (f == GPUOPT_MW_BARD) {
        double u = i, v = 16.0 - i, w = k + 1 > 8 ? v : u;
        return gpuopt_mw_bard_y(k) - (x[0] + u / (x[1] * v + x[2] * w));
    }
    if (f == GPUOPT_MW_KOWALIK_OSBORNE) {
        double v = gpuopt_mw_kowalik_osborne_data(k, 1);
        double num = v * (v + x[1]), den = v * (v + x[2]) + x[3];
        return gpuopt_mw_kowalik_osborne_data(k, 0) - x[0] * num / den;
    }
    double t = 5.0 * i + 45.0 + x[2];
    return x[0] * exp(x[1] / t) - gpuopt_mw_meyer_y(k);
}

/* Function 11: Watson (m = 31). */
GPUOPT_FN double gpuopt_mw_watson(const GPUOPT_GLOBAL double *x, int n, int k)
{
    if (k == 29)
        return x[0];
    if (k == 30)
        return x[1] - x[0] * x[0] - 1.0;
    double t = (double)(k + 1) / 29.0, s1 = 0.0, s2 = 0.0, dx = 1.0;
    for (int j = 1; j < n; ++j) {
        s1 += (double)j * dx * x[j];
        dx = t * dx;
    }
    dx = 1.0;
    for (int j = 0; j < n; ++j) {
        s2 += dx * x[j];
        dx = t * dx;
    }
    return s1 - s2 * s2 - 1.0;
}

/* Functions 12-14: Box 3-D, Jennrich-Sampson, Brown-Dennis (i = k + 1). */
GPUOPT_FN double gpuopt_mw_exponential(int f, const GPUOPT_GLOBAL double *x, int k)
{
    double i = (double)(k + 1);
    if (f == GPUOPT_MW_BOX3D) {
        double t = i / 10.0;
        return exp(-t * x[0]) - exp(-t * x[1]) + (exp(-i) - exp(-t)) * x[2];
    }
    if (f == GPUOPT_MW_JENNRICH_SAMPSON)
        return 2.0 * (1.0 + i) - (exp(i * x[0]) + exp(i * x[1]));
    double t = i / 5.0;
    double a = x[0] + t * x[1] - exp(t), b = x[2] + sin(t) * x[3] - cos(t);
    return a * a + b * b;
}

/* Function 15: Chebyquad. Residual k: the mean of T_{k+1}(2 x_j - 1) over j, plus the integral
 * term 1 / ((k+1)^2 - 1) for even k + 1. */
GPUOPT_FN double gpuopt_mw_chebyquad(const GPUOPT_GLOBAL double *x, int n, int k)
{
    double s = 0.0;
    for (int j = 0; j < n; ++j) {
        double t1 = 1.0, t2 = 2.0 * x[j] - 1.0, t = 2.0 * t2;
        for (int l = 0; l < k; ++l) {
            double next = t * t2 - t1;
            t1 = t2;
            t2 = next;
        }
        s += t2;
    }
    s = s / (double)n;
    int i = k + 1;
    return i % 2 == 0 ? s + 1.0 / ((double)(i * i) - 1.0) : s;
}

/* Function 16: Brown almost-linear (m = n). */
GPUOPT_FN double gpuopt_mw_brown_almost_linear(const GPUOPT_GLOBAL double *x, int n, int k)
{
    double s = -(double)(n + 1), p = 1.0;
    for (int j = 0; j < n; ++j) {
        s += x[j];
        p = x[j] * p;
    }
    return k + 1 < n ? x[k] + s : p - 1.0;
}

/* Functions 17-18: Osborne 1 (m = 33) and Osborne 2 (m = 65). */
GPUOPT_FN double gpuopt_mw_osborne(int f, const GPUOPT_GLOBAL double *x, int k)
{
    if (f == GPUOPT_MW_OSBORNE1) {
        double t = 10.0 * (double)k;
        return gpuopt_mw_osborne1_y(k) - (x[0] + x[1] * exp(-x[3] * t) + x[2] * exp(-x[4] * t));
    }
    double t = (double)k / 10.0;
    double d9 = t - x[8], d10 = t - x[9], d11 = t - x[10];
    double e1 = exp(-x[4] * t), e2 = exp(-x[5] * (d9 * d9));
    double e3 = exp(-x[6] * (d10 * d10)), e4 = exp(-x[7] * (d11 * d11));
    return gpuopt_mw_osborne2_y(k) - (x[0] * e1 + x[1] * e2 + x[2] * e3 + x[3] * e4);
}

/* Functions 19-20: Bdqrtic (m = 2 (n - 4)) and Cube (m = n). */
GPUOPT_FN double gpuopt_mw_quartic(int f, const GPUOPT_GLOBAL double *x, int n, int k)
{
    if (f == GPUOPT_MW_CUBE) {
        if (k == 0)
            return x[0] - 1.0;
        return 10.0 * (x[k] - x[k - 1] * x[k - 1] * x[k - 1]);
    }
    if (k < n - 4)
        return -4.0 * x[k] + 3.0;
    int i = k - (n - 4);
    return x[i] * x[i] + 2.0 * (x[i + 1] * x[i + 1]) + 3.0 * (x[i + 2] * x[i + 2]) +
           4.0 * (x[i + 3] * x[i + 3]) + 5.0 * (x[n - 1] * x[n - 1]);
}

/* v (sin^5(log v) + cos^5(log v)), the term of Mancino's function and start point. */
GPUOPT_FN double gpuopt_mw_mancino_term(double v)
{
    double s = sin(log(v)), c = cos(log(v));
    double s2 = s * s, c2 = c * c;
    return v * (s2 * s2 * s + c2 * c2 * c);
}

/* Function 21: Mancino (m = n). */
GPUOPT_FN double gpuopt_mw_mancino(const GPUOPT_GLOBAL double *x, int n, int k)
{
    int i = k + 1;
    double s = 0.0;
    for (int j = 1; j <= n; ++j)
        s += gpuopt_mw_mancino_term(sqrt(x[k] * x[k] + (double)i / (double)j));
    return 1400.0 * x[k] + (double)((i - 50) * (i - 50) * (i - 50)) + s;
}

/* Function 22: Heart 8 (m = n = 8). */
GPUOPT_FN double gpuopt_mw_heart8(const GPUOPT_GLOBAL double *x, int k)
{
    double a = x[0], b = x[1], c = x[2], d = x[3], t = x[4], u = x[5], v = x[6], w = x[7];
    double r;
    switch (k) {
    case 0: r = a + b; break;
    case 1: r = c + d; break;
    case 2: r = t * a + u * b - v * c - w * d; break;
    case 3: r = v * a + w * b + t * c + u * d; break;
    case 4:
        r = a * (t * t - v * v) - 2.0 * c * t * v + b * (u * u - w * w) - 2.0 * d * u * w;
        break;
    case 5:
        r = c * (t * t - v * v) + 2.0 * a * t * v + d * (u * u - w * w) + 2.0 * b * u * w;
        break;
    case 6:
        r = a * t * (t * t - 3.0 * (v * v)) + c * v * (v * v - 3.0 * (t * t)) +
            b * u * (u * u - 3.0 * (w * w)) + d * w * (w * w - 3.0 * (u * u));
        break;
    default:
        r = c * t * (t * t - 3.0 * (v * v)) - a * v * (v * v - 3.0 * (t * t)) +
            d * u * (u * u - 3.0 * (w * w)) - b * w * (w * w - 3.0 * (u * u));
        break;
    }
    return r - gpuopt_mw_heart8_y(k);
}

/* Residual k (0 .. m-1) of function f at x[0 .. n-1]; NaN for an unknown f or k. */
GPUOPT_FN double gpuopt_mw_residual(int f, const GPUOPT_GLOBAL double *x, int n, int m, int k)
{
    if (k < 0 || k >= m)
        return 0.0 / 0.0;
    switch (f) {
    case GPUOPT_MW_LINEAR_FULL_RANK:
    case GPUOPT_MW_LINEAR_RANK1:
    case GPUOPT_MW_LINEAR_RANK1_ZERO: return gpuopt_mw_linear(f, x, n, m, k);
    case GPUOPT_MW_ROSENBROCK:
    case GPUOPT_MW_HELICAL_VALLEY:
    case GPUOPT_MW_POWELL_SINGULAR:
    case GPUOPT_MW_FREUDENSTEIN_ROTH: return gpuopt_mw_small(f, x, k);
    case GPUOPT_MW_BARD:
    case GPUOPT_MW_KOWALIK_OSBORNE:
    case GPUOPT_MW_MEYER: return gpuopt_mw_fit(f, x, k);
    case GPUOPT_MW_WATSON: return gpuopt_mw_watson(x, n, k);
    case GPUOPT_MW_BOX3D:
    case GPUOPT_MW_JENNRICH_SAMPSON:
    case GPUOPT_MW_BROWN_DENNIS: return gpuopt_mw_exponential(f, x, k);
    case GPUOPT_MW_CHEBYQUAD: return gpuopt_mw_chebyquad(x, n, k);
    case GPUOPT_MW_BROWN_ALMOST_LINEAR: return gpuopt_mw_brown_almost_linear(x, n, k);
    case GPUOPT_MW_OSBORNE1:
    case GPUOPT_MW_OSBORNE2: return gpuopt_mw_osborne(f, x, k);
    case GPUOPT_MW_BDQRTIC:
    case GPUOPT_MW_CUBE: return gpuopt_mw_quartic(f, x, n, k);
    case GPUOPT_MW_MANCINO: return gpuopt_mw_mancino(x, n, k);
    case GPUOPT_MW_HEART8: return gpuopt_mw_heart8(x, k);
    default: return 0.0 / 0.0;
    }
}

/* Residual k of row r at x; NaN unless dim is the row's n. */
GPUOPT_FN double gpuopt_mw_output(int r, const GPUOPT_GLOBAL double *x, int dim, gpuopt_u64 k)
{
    int m = gpuopt_mw_m(r);
    if (dim != gpuopt_mw_n(r) || k >= (gpuopt_u64)m)
        return 0.0 / 0.0;
    return gpuopt_mw_residual(gpuopt_mw_function(r), x, dim, m, (int)k);
}

/* The value of row r at x: the squared residuals summed in order from 0.0. */
GPUOPT_FN double gpuopt_mw_value(int r, const GPUOPT_GLOBAL double *x, int dim)
{
    int f = gpuopt_mw_function(r), m = gpuopt_mw_m(r);
    if (dim != gpuopt_mw_n(r))
        return 0.0 / 0.0;
    double s = 0.0;
    for (int k = 0; k < m; ++k) {
        double res = gpuopt_mw_residual(f, x, dim, m, k);
        s += res * res;
    }
    return s;
}

/* ------------------------------------------------------------------ start points */

/* Coordinate j (0-based) of the standard start point x_s of function f at dimension n
 * (dfoxs); the problem of row r starts from gpuopt_mw_factor(r) * x_s. */
GPUOPT_FN double gpuopt_mw_standard_start(int f, int n, int j)
{
    switch (f) {
    case GPUOPT_MW_ROSENBROCK: return j == 0 ? -1.2 : 1.0;
    case GPUOPT_MW_HELICAL_VALLEY: return j == 0 ? -1.0 : 0.0;
    case GPUOPT_MW_POWELL_SINGULAR: return j == 0 ? 3.0 : j == 1 ? -1.0 : j == 2 ? 0.0 : 1.0;
    case GPUOPT_MW_FREUDENSTEIN_ROTH: return j == 0 ? 0.5 : -2.0;
    case GPUOPT_MW_KOWALIK_OSBORNE: return j == 0 ? 0.25 : j == 2 ? 0.415 : 0.39;
    case GPUOPT_MW_MEYER: return j == 0 ? 0.02 : j == 1 ? 4000.0 : 250.0;
    case GPUOPT_MW_WATSON:
    case GPUOPT_MW_BROWN_ALMOST_LINEAR:
    case GPUOPT_MW_CUBE: return 0.5;
    case GPUOPT_MW_BOX3D: return j == 0 ? 0.0 : j == 1 ? 10.0 : 20.0;
    case GPUOPT_MW_JENNRICH_SAMPSON: return j == 0 ? 0.3 : 0.4;
    case GPUOPT_MW_BROWN_DENNIS: return j == 0 ? 25.0 : j == 1 ? 5.0 : j == 2 ? -5.0 : -1.0;
    case GPUOPT_MW_CHEBYQUAD: return (double)(j + 1) / (double)(n + 1);
    case GPUOPT_MW_OSBORNE1: {
        const double s[5] = {0.5, 1.5, 1.0, 0.01, 0.02};
        return s[j];
    }
    case GPUOPT_MW_OSBORNE2: {
        const double s[11] = {1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5};
        return s[j];
    }
    case GPUOPT_MW_MANCINO: {
        int i = j + 1;
        double s = 0.0;
        for (int l = 1; l <= n; ++l)
            s += gpuopt_mw_mancino_term(sqrt((double)i / (double)l));
        return -8.710996e-4 * ((double)((i - 50) * (i - 50) * (i - 50)) + s);
    }
    case GPUOPT_MW_HEART8: {
        const double s[8] = {-0.3, -0.39, 0.3, -0.344, -1.2, 2.69, 1.59, -1.5};
        return s[j];
    }
    default: return 1.0; /* linear functions, Bard, Bdqrtic */
    }
}

#endif /* GPUOPT_KERNELS_PROBLEMS_MORE_WILD_H */
