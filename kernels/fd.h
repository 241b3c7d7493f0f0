/* Finite-difference stencils, written once for C, OpenCL C and CUDA C: the steps of one
 * coordinate, the points of a stencil (one row at a time), and the combination of the values
 * into one gradient / Jacobian / Hessian entry, with Richardson extrapolation.
 *
 * Steps. For each level l < n_steps (Richardson levels, step_ratio^l times the base step) and
 * coordinate j, steps[(2 l + side) dim + j] holds the positive step (side 0) or the negative
 * one (side 1); NaN marks a step that is not used (the other side of a one-sided method, or a
 * step that does not fit the bounds). See gpuopt_fd_coordinate_steps.
 *
 * Stencil rows. Row 0 is the point x itself. Then n_steps blocks of equal size, one per level:
 *   one-step rows   x + h_j e_j                  S1 per coordinate (1 one-sided, 2 central)
 *   diagonal rows   x + 2 h_j e_j                (second derivatives) D per coordinate
 *   pair rows       x + h_j e_j + h_k e_k, j<k   (second derivatives) C per pair
 * One-sided methods use, per coordinate, whichever side its steps have. central_average pairs
 * are (+,+) and (-,-) (a coordinate lacking a side uses its other side in both); central_cross
 * pairs are (+,+), (-,-), (+,-), (-,+). A row whose step is NaN holds x unchanged (its value is
 * never used). Pairs j<k are numbered p = k(k-1)/2 + j.
 *
 * Combination. Every step is taken as it lands: a = (x_j + h) - x_j, the difference the points
 * really have. Each entry tries formulas in order of preference and keeps the first with a
 * finite estimate at some level (see docs/derivatives.md). With n_steps > 1 the finite levels
 * are extrapolated to step 0 by Neville's scheme in u = h^e (e = 2 for central formulas, 1 for
 * one-sided ones), and the tableau entry with the smallest error estimate
 * max(|A(i,t) - A(i,t-1)|, |A(i,t) - A(i+1,t-1)|) is returned (Ridders' rule). */
#ifndef GPUOPT_KERNELS_FD_H
#define GPUOPT_KERNELS_FD_H

#include "portable.h"

#define GPUOPT_FD_FORWARD 1
#define GPUOPT_FD_BACKWARD 2
#define GPUOPT_FD_CENTRAL 3
#define GPUOPT_FD_CENTRAL_CROSS 4   /* second derivatives */
#define GPUOPT_FD_CENTRAL_AVERAGE 5 /* second derivatives */

#define GPUOPT_FD_MAX_STEPS 8 /* Richardson levels at most */

#define GPUOPT_FD_NAN (0.0 / 0.0)

GPUOPT_FN int gpuopt_fd_finite(double v)
{
    return v - v == 0.0;
}

GPUOPT_FN int gpuopt_fd_one_sided(int method)
{
    return method == GPUOPT_FD_FORWARD || method == GPUOPT_FD_BACKWARD;
}

/* ------------------------------------------------------------------ layout */

GPUOPT_FN gpuopt_u64 gpuopt_fd_one_slots(int method)
{
    return gpuopt_fd_one_sided(method) ? 1 : 2;
}

GPUOPT_FN gpuopt_u64 gpuopt_fd_diag_slots(int order, int method)
{
    return order == 1 ? 0 : gpuopt_fd_one_slots(method);
}

GPUOPT_FN gpuopt_u64 gpuopt_fd_pair_slots(int order, int method)
{
    if (order == 1)
        return 0;
    if (gpuopt_fd_one_sided(method))
        return 1;
    return method == GPUOPT_FD_CENTRAL_CROSS ? 4 : 2;
}

/* Rows of one level (callers check for overflow first, see src/derivatives). */
GPUOPT_FN gpuopt_u64 gpuopt_fd_level_rows(int order, int method, gpuopt_u64 n)
{
    gpuopt_u64 pairs = n * (n - 1) / 2;
    return (gpuopt_fd_one_slots(method) + gpuopt_fd_diag_slots(order, method)) * n +
           gpuopt_fd_pair_slots(order, method) * pairs;
}

GPUOPT_FN gpuopt_u64 gpuopt_fd_level_base(int order, int method, gpuopt_u64 n, int level)
{
    return 1 + (gpuopt_u64)level * gpuopt_fd_level_rows(order, method, n);
}

GPUOPT_FN gpuopt_u64 gpuopt_fd_pair_index(gpuopt_u64 j, gpuopt_u64 k)
{
    return k * (k - 1) / 2 + j;
}

/* The pair (j < k) of index p. */
GPUOPT_FN void gpuopt_fd_pair_of(gpuopt_u64 p, gpuopt_u64 *j, gpuopt_u64 *k)
{
    gpuopt_u64 c = (gpuopt_u64)((1.0 + sqrt(1.0 + 8.0 * (double)p)) / 2.0);
    while (c > 1 && c * (c - 1) / 2 > p)
        --c;
    while ((c + 1) * c / 2 <= p)
        ++c;
    *k = c;
    *j = p - c * (c - 1) / 2;
}

/* ------------------------------------------------------------------- steps */

GPUOPT_FN double gpuopt_fd_step(const GPUOPT_GLOBAL double *steps, gpuopt_u64 n, int level,
                                int side, gpuopt_u64 j)
{
    return steps[((gpuopt_u64)level * 2 + (gpuopt_u64)side) * n + j];
}

/* The side (0: +, 1: -) that one-sided methods use for coordinate j at a level, -1 if none. */
GPUOPT_FN int gpuopt_fd_available_side(const GPUOPT_GLOBAL double *steps, gpuopt_u64 n, int level,
                                       gpuopt_u64 j, int preferred)
{
    if (gpuopt_fd_finite(gpuopt_fd_step(steps, n, level, preferred, j)))
        return preferred;
    if (gpuopt_fd_finite(gpuopt_fd_step(steps, n, level, 1 - preferred, j)))
        return 1 - preferred;
    return -1;
}

/* The step as it lands: the difference between the moved coordinate and x. */
GPUOPT_FN double gpuopt_fd_actual(double x, double h)
{
    return (x + h) - x;
}

/* Whether x + reach * h stays in [lower, upper] (computed as the stencil computes points). */
GPUOPT_FN int gpuopt_fd_fits(double x, double h, double reach, double lower, double upper)
{
    double moved = x + reach * h;
    return moved >= lower && moved <= upper;
}

/* The steps of coordinate j (see docs/derivatives.md, "Bounds"). base > 0 is the first step
 * (before any shrinking) and min_step in (0, base] the smallest the bounds may shrink it to.
 * Second derivatives reach 2 h (the diagonal points), so their steps must fit twice. */
GPUOPT_FN void gpuopt_fd_coordinate_steps(int order, int method, int n_steps, double ratio,
                                          double x, double lower, double upper, double base,
                                          double min_step, GPUOPT_GLOBAL double *steps,
                                          gpuopt_u64 n, gpuopt_u64 j)
{
    double reach = order == 2 ? 2.0 : 1.0;
    double top = base * reach; /* the farthest a point moves at full size */
    for (int l = 1; l < n_steps; ++l)
        top *= ratio;
    double room_up = upper - x, room_dn = x - lower;
    int want_up = 1, want_dn = 1;
    if (gpuopt_fd_one_sided(method)) {
        int better_up = room_up >= room_dn;
        int up = method == GPUOPT_FD_FORWARD ? (room_up >= top ? 1 : better_up)
                                             : (room_dn >= top ? 0 : better_up);
        want_up = up;
        want_dn = !up;
    }
    /* (1 - 1e-15): a shrunk step stays below the room despite rounding */
    double need_up = room_up >= top ? 1.0 : room_up / top * (1.0 - 1e-15);
    double need_dn = room_dn >= top ? 1.0 : room_dn / top * (1.0 - 1e-15);
    double least = min_step / base, scale = 1.0;
    int fits = 0;
    if (want_up && need_up >= least) {
        scale = need_up;
        fits = 1;
    }
    if (want_dn && need_dn >= least) {
        scale = fits && scale < need_dn ? scale : need_dn;
        fits = 1;
    }
    if (!fits)
        scale = least;
    double h = base * scale;
    for (int l = 0; l < n_steps; ++l) {
        int up = want_up && gpuopt_fd_fits(x, h, 1.0, lower, upper) &&
                 gpuopt_fd_fits(x, h, reach, lower, upper);
        int dn = want_dn && gpuopt_fd_fits(x, -h, 1.0, lower, upper) &&
                 gpuopt_fd_fits(x, -h, reach, lower, upper);
        steps[((gpuopt_u64)l * 2) * n + j] = up ? h : GPUOPT_FD_NAN;
        steps[((gpuopt_u64)l * 2 + 1) * n + j] = dn ? -h : GPUOPT_FD_NAN;
        h *= ratio;
    }
}

/* ------------------------------------------------------------------ points */

/* The sides of pair slot `slot` for coordinates j, k at a level (-1: the slot is unused). */
GPUOPT_FN void gpuopt_fd_pair_sides(int method, gpuopt_u64 slot, const GPUOPT_GLOBAL double *steps,
                                    gpuopt_u64 n, int level, gpuopt_u64 j, gpuopt_u64 k, int *sj,
                                    int *sk)
{
    if (gpuopt_fd_one_sided(method)) {
        *sj = gpuopt_fd_available_side(steps, n, level, j, 0);
        *sk = gpuopt_fd_available_side(steps, n, level, k, 0);
    } else if (method == GPUOPT_FD_CENTRAL_AVERAGE) {
        int preferred = slot == 0 ? 0 : 1;
        *sj = gpuopt_fd_available_side(steps, n, level, j, preferred);
        *sk = gpuopt_fd_available_side(steps, n, level, k, preferred);
    } else {
        *sj = slot == 0 || slot == 2 ? 0 : 1;
        *sk = slot == 0 || slot == 3 ? 0 : 1;
        if (!gpuopt_fd_finite(gpuopt_fd_step(steps, n, level, *sj, j)))
            *sj = -1;
        if (!gpuopt_fd_finite(gpuopt_fd_step(steps, n, level, *sk, k)))
            *sk = -1;
    }
    if (*sj < 0 || *sk < 0)
        *sj = *sk = -1;
}

/* The side of a one-step or diagonal slot (-1: unused). */
GPUOPT_FN int gpuopt_fd_single_side(int method, gpuopt_u64 slot, const GPUOPT_GLOBAL double *steps,
                                    gpuopt_u64 n, int level, gpuopt_u64 j)
{
    if (gpuopt_fd_one_sided(method))
        return gpuopt_fd_available_side(steps, n, level, j, 0);
    return gpuopt_fd_finite(gpuopt_fd_step(steps, n, level, (int)slot, j)) ? (int)slot : -1;
}

/* Writes stencil row `row` (dim values) into points + row * n. */
GPUOPT_FN void gpuopt_fd_point(gpuopt_u64 row, int order, int method, gpuopt_u64 n,
                               const GPUOPT_GLOBAL double *x, const GPUOPT_GLOBAL double *steps,
                               GPUOPT_GLOBAL double *points)
{
    GPUOPT_GLOBAL double *p = points + row * n;
    for (gpuopt_u64 i = 0; i < n; ++i)
        p[i] = x[i];
    if (row == 0)
        return;
    gpuopt_u64 per_level = gpuopt_fd_level_rows(order, method, n);
    int level = (int)((row - 1) / per_level);
    gpuopt_u64 r = (row - 1) % per_level;
    gpuopt_u64 singles = gpuopt_fd_one_slots(method) * n;
    gpuopt_u64 diagonals = gpuopt_fd_diag_slots(order, method) * n;
    if (r < singles + diagonals) {
        int diagonal = r >= singles;
        gpuopt_u64 q = diagonal ? r - singles : r;
        gpuopt_u64 j = q % n;
        int side = gpuopt_fd_single_side(method, q / n, steps, n, level, j);
        if (side >= 0)
            p[j] = x[j] + (diagonal ? 2.0 : 1.0) * gpuopt_fd_step(steps, n, level, side, j);
        return;
    }
    gpuopt_u64 slots = gpuopt_fd_pair_slots(order, method), j, k;
    r -= singles + diagonals;
    gpuopt_fd_pair_of(r / slots, &j, &k);
    int sj, sk;
    gpuopt_fd_pair_sides(method, r % slots, steps, n, level, j, k, &sj, &sk);
    if (sj >= 0) {
        p[j] = x[j] + gpuopt_fd_step(steps, n, level, sj, j);
        p[k] = x[k] + gpuopt_fd_step(steps, n, level, sk, k);
    }
}

/* ----------------------------------------------------- Richardson extrapolation */

/* The limit at u = 0 of the estimates d[0..count-1] at increasing u[0..count-1]. */
GPUOPT_FN double gpuopt_fd_extrapolate(const double *u, double *d, int count)
{
    if (count <= 0)
        return GPUOPT_FD_NAN;
    double best = d[0], best_err = -1.0;
    double prev[GPUOPT_FD_MAX_STEPS], cur[GPUOPT_FD_MAX_STEPS];
    for (int i = 0; i < count; ++i)
        prev[i] = d[i];
    for (int t = 1; t < count; ++t) {
        for (int i = 0; i + t < count; ++i) {
            double span = u[i + t] - u[i];
            cur[i] = span > 0.0 ? (u[i + t] * prev[i] - u[i] * prev[i + 1]) / span : GPUOPT_FD_NAN;
            double e1 = fabs(cur[i] - prev[i]), e2 = fabs(cur[i] - prev[i + 1]);
            double err = e1 > e2 ? e1 : e2;
            if (gpuopt_fd_finite(cur[i]) && gpuopt_fd_finite(err) &&
                (best_err < 0.0 || err < best_err)) {
                best = cur[i];
                best_err = err;
            }
        }
        for (int i = 0; i + t < count; ++i)
            prev[i] = cur[i];
    }
    return best;
}

/* Collects the finite level estimates of one formula and extrapolates them (or returns the
 * single one); NaN when none is finite. */
GPUOPT_FN double gpuopt_fd_reduce(const double *u_all, const double *d_all, int n_steps)
{
    double u[GPUOPT_FD_MAX_STEPS], d[GPUOPT_FD_MAX_STEPS];
    int count = 0;
    for (int l = 0; l < n_steps; ++l)
        if (gpuopt_fd_finite(d_all[l]) && gpuopt_fd_finite(u_all[l])) {
            u[count] = u_all[l];
            d[count++] = d_all[l];
        }
    return gpuopt_fd_extrapolate(u, d, count);
}

/* ------------------------------------------------------- first derivatives */

/* One level's estimate of d f_i / d x_j by formula 0 (the method's own), 1 (forward) or
 * 2 (backward, central only); *u receives h^e. NaN when the formula has no data. */
GPUOPT_FN double gpuopt_fd_first_level(int method, int formula, int level, gpuopt_u64 n,
                                       gpuopt_u64 m, const GPUOPT_GLOBAL double *x,
                                       const GPUOPT_GLOBAL double *steps,
                                       const GPUOPT_GLOBAL double *values, gpuopt_u64 i,
                                       gpuopt_u64 j, double *u)
{
    gpuopt_u64 base = gpuopt_fd_level_base(1, method, n, level);
    double f0 = values[i];
    *u = GPUOPT_FD_NAN;
    if (gpuopt_fd_one_sided(method)) {
        int side = gpuopt_fd_available_side(steps, n, level, j, 0);
        if (side < 0)
            return GPUOPT_FD_NAN;
        double a = gpuopt_fd_actual(x[j], gpuopt_fd_step(steps, n, level, side, j));
        *u = fabs(a);
        return (values[(base + j) * m + i] - f0) / a;
    }
    double hp = gpuopt_fd_step(steps, n, level, 0, j), hn = gpuopt_fd_step(steps, n, level, 1, j);
    double vp = values[(base + j) * m + i], vn = values[(base + n + j) * m + i];
    double ap = gpuopt_fd_actual(x[j], hp), an = gpuopt_fd_actual(x[j], hn);
    if (formula == 0) {
        *u = (ap - an) * (ap - an) / 4.0;
        return (vp - vn) / (ap - an);
    }
    double a = formula == 1 ? ap : an;
    *u = fabs(a);
    return ((formula == 1 ? vp : vn) - f0) / a;
}

/* d f_i / d x_j (row i of the Jacobian; i = 0 for the scalar value). values holds m outputs
 * per stencil row. */
GPUOPT_FN double gpuopt_fd_first_entry(int method, int n_steps, gpuopt_u64 n, gpuopt_u64 m,
                                       const GPUOPT_GLOBAL double *x,
                                       const GPUOPT_GLOBAL double *steps,
                                       const GPUOPT_GLOBAL double *values, gpuopt_u64 i,
                                       gpuopt_u64 j)
{
    int formulas = gpuopt_fd_one_sided(method) ? 1 : 3;
    double u[GPUOPT_FD_MAX_STEPS], d[GPUOPT_FD_MAX_STEPS];
    for (int formula = 0; formula < formulas; ++formula) {
        for (int l = 0; l < n_steps; ++l)
            d[l] = gpuopt_fd_first_level(method, formula, l, n, m, x, steps, values, i, j, &u[l]);
        double estimate = gpuopt_fd_reduce(u, d, n_steps);
        if (gpuopt_fd_finite(estimate))
            return estimate;
    }
    return GPUOPT_FD_NAN;
}

/* ------------------------------------------------------ second derivatives */

GPUOPT_FN gpuopt_u64 gpuopt_fd_single_row(int order, int method, gpuopt_u64 n, int level,
                                          int diagonal, int side, gpuopt_u64 j)
{
    gpuopt_u64 row = gpuopt_fd_level_base(order, method, n, level) + j;
    int slot = gpuopt_fd_one_sided(method) ? 0 : side;
    if (diagonal)
        row += gpuopt_fd_one_slots(method) * n;
    return row + (gpuopt_u64)slot * n;
}

/* d2f / dx_j^2 from f0, f(x + a) and f(x + b): a, b the landed steps (any signs, a != b). */
GPUOPT_FN double gpuopt_fd_second_difference(double f0, double fa, double a, double fb, double b)
{
    return 2.0 * ((fb - f0) / b - (fa - f0) / a) / (b - a);
}

/* One-sided estimate of d2f/dx_j^2 on side s: from x, x + h, x + 2h. */
GPUOPT_FN double gpuopt_fd_diag_one_sided(int method, int level, int side, gpuopt_u64 n,
                                          const GPUOPT_GLOBAL double *x,
                                          const GPUOPT_GLOBAL double *steps,
                                          const GPUOPT_GLOBAL double *f, gpuopt_u64 j, double *u)
{
    double h = gpuopt_fd_step(steps, n, level, side, j);
    double a = gpuopt_fd_actual(x[j], h), b = (x[j] + 2.0 * h) - x[j];
    *u = fabs(a);
    return gpuopt_fd_second_difference(f[0],
                                       f[gpuopt_fd_single_row(2, method, n, level, 0, side, j)], a,
                                       f[gpuopt_fd_single_row(2, method, n, level, 1, side, j)], b);
}

/* One-sided estimate of d2f/dx_j dx_k (j < k) from pair slot `slot` with sides sj, sk. */
GPUOPT_FN double gpuopt_fd_pair_one_sided(int method, int level, gpuopt_u64 slot, int sj, int sk,
                                          gpuopt_u64 n, const GPUOPT_GLOBAL double *x,
                                          const GPUOPT_GLOBAL double *steps,
                                          const GPUOPT_GLOBAL double *f, gpuopt_u64 j,
                                          gpuopt_u64 k, double *u)
{
    double aj = gpuopt_fd_actual(x[j], gpuopt_fd_step(steps, n, level, sj, j));
    double ak = gpuopt_fd_actual(x[k], gpuopt_fd_step(steps, n, level, sk, k));
    gpuopt_u64 base = gpuopt_fd_level_base(2, method, n, level);
    gpuopt_u64 pairs_at =
        base + (gpuopt_fd_one_slots(method) + gpuopt_fd_diag_slots(2, method)) * n;
    double two = f[pairs_at + gpuopt_fd_pair_index(j, k) * gpuopt_fd_pair_slots(2, method) + slot];
    double one_j = f[gpuopt_fd_single_row(2, method, n, level, 0, sj, j)];
    double one_k = f[gpuopt_fd_single_row(2, method, n, level, 0, sk, k)];
    *u = sqrt(fabs(aj * ak));
    return ((two - one_k) - (one_j - f[0])) / (aj * ak);
}

/* The pair slot of central_cross holding sides (sj, sk). */
GPUOPT_FN gpuopt_u64 gpuopt_fd_cross_slot(int sj, int sk)
{
    if (sj == sk)
        return (gpuopt_u64)sj;
    return sj == 0 ? 2 : 3;
}

/* Half the distance between the two landed steps of coordinate j (NaN without both). */
GPUOPT_FN double gpuopt_fd_half_span(const GPUOPT_GLOBAL double *x,
                                     const GPUOPT_GLOBAL double *steps, gpuopt_u64 n, int level,
                                     gpuopt_u64 j, double reach)
{
    double ap = (x[j] + reach * gpuopt_fd_step(steps, n, level, 0, j)) - x[j];
    double an = (x[j] + reach * gpuopt_fd_step(steps, n, level, 1, j)) - x[j];
    return (ap - an) / 2.0;
}

/* central_cross, formula 0: the four-point mixed difference (diagonal: x +- 2h). */
GPUOPT_FN double gpuopt_fd_cross_level(int level, gpuopt_u64 n, const GPUOPT_GLOBAL double *x,
                                       const GPUOPT_GLOBAL double *steps,
                                       const GPUOPT_GLOBAL double *f, gpuopt_u64 j, gpuopt_u64 k,
                                       double *u)
{
    int method = GPUOPT_FD_CENTRAL_CROSS;
    if (j == k) {
        double a = (x[j] + 2.0 * gpuopt_fd_step(steps, n, level, 0, j)) - x[j];
        double b = (x[j] + 2.0 * gpuopt_fd_step(steps, n, level, 1, j)) - x[j];
        double w = gpuopt_fd_half_span(x, steps, n, level, j, 2.0);
        *u = w * w;
        return gpuopt_fd_second_difference(
            f[0], f[gpuopt_fd_single_row(2, method, n, level, 1, 0, j)], a,
            f[gpuopt_fd_single_row(2, method, n, level, 1, 1, j)], b);
    }
    double wj = gpuopt_fd_half_span(x, steps, n, level, j, 1.0);
    double wk = gpuopt_fd_half_span(x, steps, n, level, k, 1.0);
    gpuopt_u64 at = gpuopt_fd_level_base(2, method, n, level) + 4 * n +
                    gpuopt_fd_pair_index(j, k) * 4;
    *u = fabs(wj * wk);
    return ((f[at] - f[at + 2]) - (f[at + 3] - f[at + 1])) / (4.0 * wj * wk);
}

/* One level's estimate of d2f/dx_j dx_k (j <= k) by formula 0 (the method's own) or 1 (the
 * one-sided fallback of the central methods). */
GPUOPT_FN double gpuopt_fd_second_level(int method, int formula, int level, gpuopt_u64 n,
                                        const GPUOPT_GLOBAL double *x,
                                        const GPUOPT_GLOBAL double *steps,
                                        const GPUOPT_GLOBAL double *f, gpuopt_u64 j,
                                        gpuopt_u64 k, double *u)
{
    *u = GPUOPT_FD_NAN;
    if (method == GPUOPT_FD_CENTRAL_CROSS && formula == 0)
        return gpuopt_fd_cross_level(level, n, x, steps, f, j, k, u);
    int both = gpuopt_fd_available_side(steps, n, level, j, 1) == 1 &&
               gpuopt_fd_available_side(steps, n, level, j, 0) == 0 &&
               gpuopt_fd_available_side(steps, n, level, k, 1) == 1 &&
               gpuopt_fd_available_side(steps, n, level, k, 0) == 0;
    int average = method == GPUOPT_FD_CENTRAL_AVERAGE;
    if (average && formula == 0 && !both)
        return GPUOPT_FD_NAN;
    /* One-sided estimates: one per slot (central_average: both slots, averaged). */
    int slots = average ? 2 : 1, used = 0;
    double sum = 0.0, usum = 0.0;
    for (int s = 0; s < slots; ++s) {
        int sj, sk;
        gpuopt_u64 slot = (gpuopt_u64)s;
        if (method == GPUOPT_FD_CENTRAL_CROSS) {
            sj = gpuopt_fd_available_side(steps, n, level, j, 0);
            sk = gpuopt_fd_available_side(steps, n, level, k, 0);
            slot = sj >= 0 && sk >= 0 ? gpuopt_fd_cross_slot(sj, sk) : 0;
        } else {
            gpuopt_fd_pair_sides(method, slot, steps, n, level, j, k, &sj, &sk);
        }
        if (sj < 0 || sk < 0)
            continue;
        double uu, v = j == k ? gpuopt_fd_diag_one_sided(method, level, sj, n, x, steps, f, j, &uu)
                              : gpuopt_fd_pair_one_sided(method, level, slot, sj, sk, n, x, steps,
                                                         f, j, k, &uu);
        if (!gpuopt_fd_finite(v))
            continue;
        sum += v;
        usum += uu;
        ++used;
    }
    if (used == 0 || (average && formula == 0 && used < 2))
        return GPUOPT_FD_NAN;
    *u = usum / (double)used;
    if (average && formula == 0)
        *u = *u * *u;
    return sum / (double)used;
}

/* d2f / dx_j dx_k of the scalar value (values: one per stencil row). */
GPUOPT_FN double gpuopt_fd_second_entry(int method, int n_steps, gpuopt_u64 n,
                                        const GPUOPT_GLOBAL double *x,
                                        const GPUOPT_GLOBAL double *steps,
                                        const GPUOPT_GLOBAL double *values, gpuopt_u64 j,
                                        gpuopt_u64 k)
{
    if (k < j) {
        gpuopt_u64 t = j;
        j = k;
        k = t;
    }
    int formulas = gpuopt_fd_one_sided(method) ? 1 : 2;
    double u[GPUOPT_FD_MAX_STEPS], d[GPUOPT_FD_MAX_STEPS];
    for (int formula = 0; formula < formulas; ++formula) {
        for (int l = 0; l < n_steps; ++l)
            d[l] = gpuopt_fd_second_level(method, formula, l, n, x, steps, values, j, k, &u[l]);
        double estimate = gpuopt_fd_reduce(u, d, n_steps);
        if (gpuopt_fd_finite(estimate))
            return estimate;
    }
    return GPUOPT_FD_NAN;
}

#endif /* GPUOPT_KERNELS_FD_H */
