/* Kernel entry points, written once for OpenCL C and CUDA C: thin wrappers that take the thread
 * index and call the per-element functions of problems.h, philox.h, de.h and pso.h (and, in
 * cmaes_entry.h, of cmaes.h), plus the work-group reductions (minmax, non-finite count) and the
 * bitonic argsort steps.
 *
 * Every per-element kernel is launched with at least `n` threads (rounded up to the work-group
 * size) and returns for thread ids >= n. Reductions run in two launches: the first with any
 * number G <= GPUOPT_REDUCE_MAX_GROUPS of groups of exactly GPUOPT_REDUCE_THREADS threads, each
 * thread walking the elements with stride G * GPUOPT_REDUCE_THREADS and each group writing one
 * partial result; the second with one group, which combines the G partials into the slots at
 * GPUOPT_REDUCE_TOTAL. Only those few numbers cross to the host.
 *
 * The constants (first part) are also read by host code; the kernels need a device compiler. */
#ifndef GPUOPT_KERNELS_ENTRY_H
#define GPUOPT_KERNELS_ENTRY_H

#include "de.h"
#include "philox.h"
#include "portable.h"
#include "problems.h"
#include "pso.h"

#define GPUOPT_REDUCE_THREADS 256    /* threads of a reduction work-group (a power of two) */
#define GPUOPT_REDUCE_MAX_GROUPS 256 /* at most this many groups in a first pass */
/* Partial results: 2 values per group, then the 2 totals at this index. */
#define GPUOPT_REDUCE_TOTAL (2 * GPUOPT_REDUCE_MAX_GROUPS)
#define GPUOPT_REDUCE_SLOTS (2 * GPUOPT_REDUCE_MAX_GROUPS + 2)
#define GPUOPT_NO_INDEX (~(gpuopt_u64)0)

/* ------------------------------------------------------------- comparisons */

/* Neither NaN nor infinite (without isfinite, whose return type differs between dialects). */
GPUOPT_FN int gpuopt_is_finite(double v)
{
    return v - v == 0.0;
}

/* Whether candidate (vb, ib) should replace (va, ia) as the minimum (sign = 1) or the maximum
 * (sign = -1): NaN loses to any number, equal values go to the lower index, and GPUOPT_NO_INDEX
 * marks an empty candidate. This is the order of the CPU backend's sequential scan, so any
 * reduction tree gives the same answer. */
GPUOPT_FN int gpuopt_prefer(double vb, gpuopt_u64 ib, double va, gpuopt_u64 ia, int sign)
{
    if (ib == GPUOPT_NO_INDEX)
        return 0;
    if (ia == GPUOPT_NO_INDEX)
        return 1;
    int na = !(va == va), nb = !(vb == vb);
    if (na != nb)
        return na;
    if (!na) {
        if (sign > 0 ? vb < va : vb > va)
            return 1;
        if (sign > 0 ? va < vb : va > vb)
            return 0;
    }
    return ib < ia;
}

/* Whether sort entry (ka, ia) comes after (kb, ib): numbers ascending, then NaN, then padding
 * (index >= n); ties by index, which makes the order total and the sort stable. */
GPUOPT_FN int gpuopt_sort_after(double ka, gpuopt_u32 ia, double kb, gpuopt_u32 ib, gpuopt_u64 n)
{
    int ca = (gpuopt_u64)ia >= n ? 2 : !(ka == ka);
    int cb = (gpuopt_u64)ib >= n ? 2 : !(kb == kb);
    if (ca != cb)
        return ca > cb;
    if (ca == 0) {
        if (ka < kb)
            return 0;
        if (kb < ka)
            return 1;
    }
    return ia > ib;
}

#ifdef GPUOPT_THREAD_ID /* ------------------------------------ device compilers only */

/* ------------------------------------------------------------- evaluation */

/* m = 1: f[i] is the value of point i (n points). m > 1 (a likelihood): item i < n is output
 * i % m of point i / m (n = points x m), written to f = the raw buffer; the aggregate kernel
 * then sums each point's m outputs. */
GPUOPT_KERNEL void gpuopt_k_eval_builtin(gpuopt_u64 n, gpuopt_u64 dim, gpuopt_u64 m, int id,
                                         const GPUOPT_GLOBAL double *X, GPUOPT_GLOBAL double *f)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i < n && m == 1)
        f[i] = gpuopt_builtin_value(id, X + i * dim, (int)dim);
    else if (i < n)
        f[i] = gpuopt_builtin_output(id, X + (i / m) * dim, (int)dim, i % m);
}

/* f[i] = sum_k raw[i][k]^2 (squares) or sum_k raw[i][k], k in order. */
GPUOPT_KERNEL void gpuopt_k_aggregate(gpuopt_u64 n, gpuopt_u64 m, int squares,
                                      const GPUOPT_GLOBAL double *raw, GPUOPT_GLOBAL double *f)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i >= n)
        return;
    const GPUOPT_GLOBAL double *row = raw + i * m;
    double sum = 0.0;
    for (gpuopt_u64 k = 0; k < m; ++k)
        sum += squares ? row[k] * row[k] : row[k];
    f[i] = sum;
}

/* The penalty of point i: constant + slope * ||x_i - x0||_2 (no x0: the constant). The pen_
 * prefix: `constant` is an OpenCL C keyword. */
GPUOPT_FN double gpuopt_penalty_value(gpuopt_u64 i, gpuopt_u64 dim, int has_x0,
                                      double pen_constant, double pen_slope,
                                      const GPUOPT_GLOBAL double *X,
                                      const GPUOPT_GLOBAL double *x0)
{
    double d2 = 0.0;
    for (gpuopt_u64 k = 0; has_x0 && k < dim; ++k) {
        double d = X[i * dim + k] - x0[k];
        d2 += d * d;
    }
    return pen_constant + pen_slope * sqrt(d2);
}

/* Pass 1 of check_values: counts the non-finite f (replacing them by the penalty when asked);
 * group g writes its count to part[2g] and its first bad index (n if none) to part[2g + 1]. */
GPUOPT_KERNEL void gpuopt_k_check_values(gpuopt_u64 n, gpuopt_u64 dim, int replace, int has_x0,
                                         double pen_constant, double pen_slope,
                                         GPUOPT_GLOBAL double *f,
                                         const GPUOPT_GLOBAL double *X,
                                         const GPUOPT_GLOBAL double *x0,
                                         GPUOPT_GLOBAL gpuopt_u64 *part)
{
    GPUOPT_LOCAL gpuopt_u64 count[GPUOPT_REDUCE_THREADS], first[GPUOPT_REDUCE_THREADS];
    gpuopt_u32 lid = GPUOPT_LOCAL_ID;
    gpuopt_u64 stride = GPUOPT_GROUP_COUNT * GPUOPT_REDUCE_THREADS, c = 0, fb = n;
    for (gpuopt_u64 i = GPUOPT_THREAD_ID; i < n; i += stride) {
        if (gpuopt_is_finite(f[i]))
            continue;
        ++c;
        fb = i < fb ? i : fb;
        if (replace)
            f[i] = gpuopt_penalty_value(i, dim, has_x0, pen_constant, pen_slope, X, x0);
    }
    count[lid] = c;
    first[lid] = fb;
    for (gpuopt_u32 s = GPUOPT_REDUCE_THREADS / 2; s > 0; s >>= 1) {
        GPUOPT_BARRIER();
        if (lid < s) {
            count[lid] += count[lid + s];
            first[lid] = first[lid + s] < first[lid] ? first[lid + s] : first[lid];
        }
    }
    if (lid == 0) {
        part[2 * GPUOPT_GROUP_ID] = count[0];
        part[2 * GPUOPT_GROUP_ID + 1] = first[0];
    }
}

/* Pass 2 (one group): the totals of `groups` partials into part[GPUOPT_REDUCE_TOTAL], [+1]. */
GPUOPT_KERNEL void gpuopt_k_check_values_total(gpuopt_u64 groups, gpuopt_u64 n,
                                               GPUOPT_GLOBAL gpuopt_u64 *part)
{
    GPUOPT_LOCAL gpuopt_u64 count[GPUOPT_REDUCE_THREADS], first[GPUOPT_REDUCE_THREADS];
    gpuopt_u32 lid = GPUOPT_LOCAL_ID;
    gpuopt_u64 c = 0, fb = n;
    for (gpuopt_u64 g = lid; g < groups; g += GPUOPT_REDUCE_THREADS) {
        c += part[2 * g];
        fb = part[2 * g + 1] < fb ? part[2 * g + 1] : fb;
    }
    count[lid] = c;
    first[lid] = fb;
    for (gpuopt_u32 s = GPUOPT_REDUCE_THREADS / 2; s > 0; s >>= 1) {
        GPUOPT_BARRIER();
        if (lid < s) {
            count[lid] += count[lid + s];
            first[lid] = first[lid + s] < first[lid] ? first[lid + s] : first[lid];
        }
    }
    if (lid == 0) {
        part[GPUOPT_REDUCE_TOTAL] = count[0];
        part[GPUOPT_REDUCE_TOTAL + 1] = first[0];
    }
}

/* ------------------------------------------------------------- minmax */

/* The work-group's tree over the candidates in lo/hi (values v, indices i); slot 0 ends with
 * the group's minimum and maximum. */
#define GPUOPT_MINMAX_TREE(lid, lo_v, lo_i, hi_v, hi_i)                                            \
    for (gpuopt_u32 s = GPUOPT_REDUCE_THREADS / 2; s > 0; s >>= 1) {                               \
        GPUOPT_BARRIER();                                                                          \
        if ((lid) < s) {                                                                           \
            if (gpuopt_prefer(lo_v[(lid) + s], lo_i[(lid) + s], lo_v[lid], lo_i[lid], 1)) {       \
                lo_v[lid] = lo_v[(lid) + s];                                                       \
                lo_i[lid] = lo_i[(lid) + s];                                                       \
            }                                                                                      \
            if (gpuopt_prefer(hi_v[(lid) + s], hi_i[(lid) + s], hi_v[lid], hi_i[lid], -1)) {      \
                hi_v[lid] = hi_v[(lid) + s];                                                       \
                hi_i[lid] = hi_i[(lid) + s];                                                       \
            }                                                                                      \
        }                                                                                          \
    }

/* Pass 1: group g writes its minimum to part_v/part_i[2g] and its maximum to [2g + 1]. */
GPUOPT_KERNEL void gpuopt_k_minmax(gpuopt_u64 n, const GPUOPT_GLOBAL double *f,
                                   GPUOPT_GLOBAL double *part_v, GPUOPT_GLOBAL gpuopt_u64 *part_i)
{
    GPUOPT_LOCAL double lo_v[GPUOPT_REDUCE_THREADS], hi_v[GPUOPT_REDUCE_THREADS];
    GPUOPT_LOCAL gpuopt_u64 lo_i[GPUOPT_REDUCE_THREADS], hi_i[GPUOPT_REDUCE_THREADS];
    gpuopt_u32 lid = GPUOPT_LOCAL_ID;
    gpuopt_u64 stride = GPUOPT_GROUP_COUNT * GPUOPT_REDUCE_THREADS;
    double lv = 0.0, hv = 0.0;
    gpuopt_u64 li = GPUOPT_NO_INDEX, hi = GPUOPT_NO_INDEX;
    for (gpuopt_u64 i = GPUOPT_THREAD_ID; i < n; i += stride) {
        double v = f[i];
        if (gpuopt_prefer(v, i, lv, li, 1)) {
            lv = v;
            li = i;
        }
        if (gpuopt_prefer(v, i, hv, hi, -1)) {
            hv = v;
            hi = i;
        }
    }
    lo_v[lid] = lv;
    lo_i[lid] = li;
    hi_v[lid] = hv;
    hi_i[lid] = hi;
    GPUOPT_MINMAX_TREE(lid, lo_v, lo_i, hi_v, hi_i)
    if (lid == 0) {
        part_v[2 * GPUOPT_GROUP_ID] = lo_v[0];
        part_i[2 * GPUOPT_GROUP_ID] = lo_i[0];
        part_v[2 * GPUOPT_GROUP_ID + 1] = hi_v[0];
        part_i[2 * GPUOPT_GROUP_ID + 1] = hi_i[0];
    }
}

/* Pass 2 (one group): minimum and maximum of `groups` partials into [GPUOPT_REDUCE_TOTAL], [+1]. */
GPUOPT_KERNEL void gpuopt_k_minmax_total(gpuopt_u64 groups, GPUOPT_GLOBAL double *part_v,
                                         GPUOPT_GLOBAL gpuopt_u64 *part_i)
{
    GPUOPT_LOCAL double lo_v[GPUOPT_REDUCE_THREADS], hi_v[GPUOPT_REDUCE_THREADS];
    GPUOPT_LOCAL gpuopt_u64 lo_i[GPUOPT_REDUCE_THREADS], hi_i[GPUOPT_REDUCE_THREADS];
    gpuopt_u32 lid = GPUOPT_LOCAL_ID;
    double lv = 0.0, hv = 0.0;
    gpuopt_u64 li = GPUOPT_NO_INDEX, hi = GPUOPT_NO_INDEX;
    for (gpuopt_u64 g = lid; g < groups; g += GPUOPT_REDUCE_THREADS) {
        if (gpuopt_prefer(part_v[2 * g], part_i[2 * g], lv, li, 1)) {
            lv = part_v[2 * g];
            li = part_i[2 * g];
        }
        if (gpuopt_prefer(part_v[2 * g + 1], part_i[2 * g + 1], hv, hi, -1)) {
            hv = part_v[2 * g + 1];
            hi = part_i[2 * g + 1];
        }
    }
    lo_v[lid] = lv;
    lo_i[lid] = li;
    hi_v[lid] = hv;
    hi_i[lid] = hi;
    GPUOPT_MINMAX_TREE(lid, lo_v, lo_i, hi_v, hi_i)
    if (lid == 0) {
        part_v[GPUOPT_REDUCE_TOTAL] = lo_v[0];
        part_i[GPUOPT_REDUCE_TOTAL] = lo_i[0];
        part_v[GPUOPT_REDUCE_TOTAL + 1] = hi_v[0];
        part_i[GPUOPT_REDUCE_TOTAL + 1] = hi_i[0];
    }
}

/* ------------------------------------------------------------- random numbers */

GPUOPT_KERNEL void gpuopt_k_fill_uniform(gpuopt_u64 n, gpuopt_u64 seed, gpuopt_u64 stream,
                                         gpuopt_u64 offset, GPUOPT_GLOBAL double *out)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i < n)
        out[i] = gpuopt_philox_uniform(seed, stream, offset + i);
}

/* ------------------------------------------------------------- population operations */

GPUOPT_KERNEL void gpuopt_k_de_trial(gpuopt_u64 n, gpuopt_u64 dim, int variant, double F,
                                     double CR, int bounds_handling, gpuopt_u64 seed,
                                     gpuopt_u64 generation, const GPUOPT_GLOBAL double *pop,
                                     const GPUOPT_GLOBAL double *best,
                                     const GPUOPT_GLOBAL double *lower,
                                     const GPUOPT_GLOBAL double *upper,
                                     GPUOPT_GLOBAL double *trial)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i < n)
        gpuopt_de_trial_one(i, n, dim, variant, F, CR, bounds_handling, seed, generation, pop,
                            best, lower, upper, trial);
}

GPUOPT_KERNEL void gpuopt_k_de_select(gpuopt_u64 n, gpuopt_u64 dim, GPUOPT_GLOBAL double *pop,
                                      GPUOPT_GLOBAL double *fit, const GPUOPT_GLOBAL double *trial,
                                      const GPUOPT_GLOBAL double *trial_f)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i < n)
        gpuopt_de_select_one(i, dim, pop, fit, trial, trial_f);
}

/* Particles first .. first + count - 1, one thread each. */
GPUOPT_KERNEL void gpuopt_k_pso_move(gpuopt_u64 first, gpuopt_u64 count, gpuopt_u64 n,
                                     gpuopt_u64 dim, int variant, int topology, gpuopt_u64 gbest,
                                     double omega, double eta1, double eta2, double max_velocity,
                                     gpuopt_u64 seed, gpuopt_u64 generation,
                                     GPUOPT_GLOBAL double *X, GPUOPT_GLOBAL double *V,
                                     const GPUOPT_GLOBAL double *pbest_x,
                                     const GPUOPT_GLOBAL double *pbest_f,
                                     const GPUOPT_GLOBAL int *table,
                                     const GPUOPT_GLOBAL double *lower,
                                     const GPUOPT_GLOBAL double *upper)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t < count)
        gpuopt_pso_move_one(first + t, n, dim, variant, topology, gbest, omega, eta1, eta2,
                            max_velocity, seed, generation, X, V, pbest_x, pbest_f, table, lower,
                            upper);
}

GPUOPT_KERNEL void gpuopt_k_pso_remember(gpuopt_u64 first, gpuopt_u64 count, gpuopt_u64 dim,
                                         const GPUOPT_GLOBAL double *X,
                                         const GPUOPT_GLOBAL double *f,
                                         GPUOPT_GLOBAL double *pbest_x,
                                         GPUOPT_GLOBAL double *pbest_f)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t < count)
        gpuopt_pso_remember_one(first + t, dim, X, f, pbest_x, pbest_f);
}

/* Fused generation steps for built-in criteria (one thread per individual): the trial vector or
 * the move, then the criterion value of the new row, as de_trial / pso_move followed by
 * eval_builtin would compute them. */
GPUOPT_KERNEL void gpuopt_k_de_trial_eval(gpuopt_u64 n, gpuopt_u64 dim, int variant, double F,
                                          double CR, int bounds_handling, gpuopt_u64 seed,
                                          gpuopt_u64 generation, int builtin_id,
                                          const GPUOPT_GLOBAL double *pop,
                                          const GPUOPT_GLOBAL double *best,
                                          const GPUOPT_GLOBAL double *lower,
                                          const GPUOPT_GLOBAL double *upper,
                                          GPUOPT_GLOBAL double *trial, GPUOPT_GLOBAL double *trial_f)
{
    gpuopt_u64 i = GPUOPT_THREAD_ID;
    if (i >= n)
        return;
    gpuopt_de_trial_one(i, n, dim, variant, F, CR, bounds_handling, seed, generation, pop, best,
                        lower, upper, trial);
    trial_f[i] = gpuopt_builtin_value(builtin_id, trial + i * dim, (int)dim);
}

GPUOPT_KERNEL void gpuopt_k_pso_move_eval(gpuopt_u64 first, gpuopt_u64 count, gpuopt_u64 n,
                                          gpuopt_u64 dim, int variant, int topology,
                                          gpuopt_u64 gbest, double omega, double eta1,
                                          double eta2, double max_velocity, gpuopt_u64 seed,
                                          gpuopt_u64 generation, int builtin_id,
                                          GPUOPT_GLOBAL double *X, GPUOPT_GLOBAL double *V,
                                          const GPUOPT_GLOBAL double *pbest_x,
                                          const GPUOPT_GLOBAL double *pbest_f,
                                          const GPUOPT_GLOBAL int *table,
                                          const GPUOPT_GLOBAL double *lower,
                                          const GPUOPT_GLOBAL double *upper,
                                          GPUOPT_GLOBAL double *f)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t >= count)
        return;
    gpuopt_pso_move_one(first + t, n, dim, variant, topology, gbest, omega, eta1, eta2,
                        max_velocity, seed, generation, X, V, pbest_x, pbest_f, table, lower,
                        upper);
    f[first + t] = gpuopt_builtin_value(builtin_id, X + (first + t) * dim, (int)dim);
}

/* pso_remember, and keys[count - 1 - t] = the new value of particle first + t when its memory
 * improved, NaN otherwise: the minimum of keys (lowest index on ties, kernels minmax) is the
 * improved particle with the smallest value, the last one on ties (pagmo's <= scan). */
GPUOPT_KERNEL void gpuopt_k_pso_remember_keys(gpuopt_u64 first, gpuopt_u64 count, gpuopt_u64 dim,
                                              const GPUOPT_GLOBAL double *X,
                                              const GPUOPT_GLOBAL double *f,
                                              GPUOPT_GLOBAL double *pbest_x,
                                              GPUOPT_GLOBAL double *pbest_f,
                                              GPUOPT_GLOBAL double *keys)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t >= count)
        return;
    gpuopt_u64 i = first + t;
    int improves = gpuopt_pso_improves(f[i], pbest_f[i]);
    gpuopt_pso_remember_one(i, dim, X, f, pbest_x, pbest_f);
    keys[count - 1 - t] = improves ? f[i] : 0.0 / 0.0;
}

/* ------------------------------------------------------------- argsort (bitonic) */

/* keys/idx hold `padded` (a power of two >= n) entries: f and 0..n-1, then padding. */
GPUOPT_KERNEL void gpuopt_k_sort_init(gpuopt_u64 n, gpuopt_u64 padded,
                                      const GPUOPT_GLOBAL double *f, GPUOPT_GLOBAL double *keys,
                                      GPUOPT_GLOBAL gpuopt_u32 *idx)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t >= padded)
        return;
    keys[t] = t < n ? f[t] : 0.0;
    idx[t] = (gpuopt_u32)t;
}

/* One compare-exchange step (block size k, distance j) over padded / 2 pairs. */
GPUOPT_KERNEL void gpuopt_k_sort_step(gpuopt_u64 n, gpuopt_u64 padded, gpuopt_u64 k,
                                      gpuopt_u64 j, GPUOPT_GLOBAL double *keys,
                                      GPUOPT_GLOBAL gpuopt_u32 *idx)
{
    gpuopt_u64 t = GPUOPT_THREAD_ID;
    if (t >= padded / 2)
        return;
    gpuopt_u64 a = (t / j) * 2 * j + t % j, b = a + j;
    int ascending = (a & k) == 0;
    double ka = keys[a], kb = keys[b];
    gpuopt_u32 ia = idx[a], ib = idx[b];
    if (ascending ? gpuopt_sort_after(ka, ia, kb, ib, n) : gpuopt_sort_after(kb, ib, ka, ia, n)) {
        keys[a] = kb;
        keys[b] = ka;
        idx[a] = ib;
        idx[b] = ia;
    }
}

#endif /* GPUOPT_THREAD_ID */

/* The CMA-ES family's kernels (fill_normal and the cmaes_* ops). */
#include "cmaes_entry.h"
/* xNES (the xnes_* ops). */
#include "xnes_entry.h"

#endif /* GPUOPT_KERNELS_ENTRY_H */
