/* Differential evolution, per individual: build the trial vector of individual i, and select
 * between individual i and its trial. Written once for C, OpenCL C and CUDA C.
 *
 * The formulas follow pagmo2's `de` (Storn & Price's DE with ten mutation variants, exponential
 * and binomial crossover). Every random number is a philox draw addressed by
 * (seed, gpuopt_stream(GPUOPT_DE_TAG_*, generation), (i << 32) | k), so a trial depends only on
 * the previous population, never on the order in which individuals are processed.
 *
 * Draw slots k of individual i in one generation:
 *   0 .. 4                 the donors (as many as the variant needs)
 *   5                      the crossover start component
 *   8 .. 8+dim-1           crossover coin flips (step L uses slot 8 + L)
 *   8+dim .. 8+2*dim-1     bounds_handling=random: the re-draw of component j */
#ifndef GPUOPT_KERNELS_DE_H
#define GPUOPT_KERNELS_DE_H

#include "philox.h"
#include "portable.h"

/* Stream purposes (gpuopt_stream tags). */
#define GPUOPT_DE_TAG_INIT 0x21u
#define GPUOPT_DE_TAG_TRIAL 0x22u

/* Mutation variants, pagmo's codes. */
#define GPUOPT_DE_BEST_1_EXP 1
#define GPUOPT_DE_RAND_1_EXP 2
#define GPUOPT_DE_RAND_TO_BEST_1_EXP 3
#define GPUOPT_DE_BEST_2_EXP 4
#define GPUOPT_DE_RAND_2_EXP 5
#define GPUOPT_DE_BEST_1_BIN 6
#define GPUOPT_DE_RAND_1_BIN 7
#define GPUOPT_DE_RAND_TO_BEST_1_BIN 8
#define GPUOPT_DE_BEST_2_BIN 9
#define GPUOPT_DE_RAND_2_BIN 10
#define GPUOPT_DE_N_VARIANTS 10
#define GPUOPT_DE_MAX_DONORS 5

/* bounds_handling codes (the option's 1-based choice codes). */
#define GPUOPT_DE_BOUNDS_RANDOM 1
#define GPUOPT_DE_BOUNDS_CLIP 2
#define GPUOPT_DE_BOUNDS_REFLECT 3

#define GPUOPT_DE_SLOT_START 5u
#define GPUOPT_DE_SLOT_CROSS 8u

/* The five mutation families; variants v and v + 5 share one. */
#define GPUOPT_DE_FAMILY_BEST_1 1
#define GPUOPT_DE_FAMILY_RAND_1 2
#define GPUOPT_DE_FAMILY_RAND_TO_BEST_1 3
#define GPUOPT_DE_FAMILY_BEST_2 4
#define GPUOPT_DE_FAMILY_RAND_2 5

GPUOPT_FN int gpuopt_de_family(int variant)
{
    return variant > 5 ? variant - 5 : variant;
}

GPUOPT_FN int gpuopt_de_is_binomial(int variant)
{
    return variant > 5;
}

/* Distinct individuals, other than the target, that the variant combines. */
GPUOPT_FN int gpuopt_de_n_donors(int variant)
{
    switch (gpuopt_de_family(variant)) {
    case GPUOPT_DE_FAMILY_BEST_1: return 2;
    case GPUOPT_DE_FAMILY_RAND_1: return 3;
    case GPUOPT_DE_FAMILY_RAND_TO_BEST_1: return 2;
    case GPUOPT_DE_FAMILY_BEST_2: return 4;
    default: return 5;
    }
}

GPUOPT_FN double gpuopt_de_draw(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i, gpuopt_u64 k)
{
    return gpuopt_philox_uniform(seed, stream, (i << 32) | k);
}

/* Picks n_donors distinct indices in [0, n) other than i, uniformly, without rejection: the j-th
 * is drawn among the n - 1 - j indices still free, then shifted past the taken ones (kept
 * sorted in `taken`). Needs n >= n_donors + 1. */
GPUOPT_FN void gpuopt_de_pick_donors(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i,
                                     gpuopt_u64 n, int n_donors, gpuopt_u64 *donors)
{
    gpuopt_u64 taken[GPUOPT_DE_MAX_DONORS + 1];
    int n_taken = 1;
    taken[0] = i;
    for (int j = 0; j < n_donors; ++j) {
        gpuopt_u64 free_count = n - (gpuopt_u64)n_taken;
        gpuopt_u64 r = gpuopt_uniform_below(gpuopt_de_draw(seed, stream, i, (gpuopt_u64)j), free_count);
        int pos = 0;
        while (pos < n_taken && taken[pos] <= r) {
            ++r;
            ++pos;
        }
        for (int m = n_taken; m > pos; --m)
            taken[m] = taken[m - 1];
        taken[pos] = r;
        ++n_taken;
        donors[j] = r;
    }
}

/* The mutant's component c (pagmo's operation order). x is the target row. */
GPUOPT_FN double gpuopt_de_mutant(int family, double F, const GPUOPT_GLOBAL double *pop,
                                  gpuopt_u64 dim, const gpuopt_u64 *d,
                                  const GPUOPT_GLOBAL double *best, const GPUOPT_GLOBAL double *x,
                                  gpuopt_u64 c)
{
    switch (family) {
    case GPUOPT_DE_FAMILY_BEST_1:
        return best[c] + F * (pop[d[0] * dim + c] - pop[d[1] * dim + c]);
    case GPUOPT_DE_FAMILY_RAND_1:
        return pop[d[0] * dim + c] + F * (pop[d[1] * dim + c] - pop[d[2] * dim + c]);
    case GPUOPT_DE_FAMILY_RAND_TO_BEST_1:
        return x[c] + F * (best[c] - x[c]) + F * (pop[d[0] * dim + c] - pop[d[1] * dim + c]);
    case GPUOPT_DE_FAMILY_BEST_2:
        return best[c] + (pop[d[0] * dim + c] + pop[d[1] * dim + c] - pop[d[2] * dim + c] -
                          pop[d[3] * dim + c]) *
                             F;
    default:
        return pop[d[4] * dim + c] + (pop[d[0] * dim + c] + pop[d[1] * dim + c] -
                                      pop[d[2] * dim + c] - pop[d[3] * dim + c]) *
                                         F;
    }
}

/* Mirrors v into [lo, hi] as repeated reflection at the bounds would (a triangle wave of
 * period 2 (hi - lo)), in a fixed number of operations. */
GPUOPT_FN double gpuopt_de_reflect(double v, double lo, double hi)
{
    double width = hi - lo;
    if (!(width > 0.0))
        return lo;
    double t = fmod(v - lo, 2.0 * width);
    if (t < 0.0)
        t += 2.0 * width;
    if (t > width)
        t = 2.0 * width - t;
    double r = lo + t;
    return r < lo ? lo : (r > hi ? hi : r);
}

/* Brings component c back into [lo, hi] when it left it. */
GPUOPT_FN double gpuopt_de_into_bounds(double v, double lo, double hi, int handling,
                                       gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i,
                                       gpuopt_u64 dim, gpuopt_u64 c)
{
    if (v >= lo && v <= hi)
        return v;
    if (handling == GPUOPT_DE_BOUNDS_CLIP)
        return v < lo ? lo : hi;
    if (handling == GPUOPT_DE_BOUNDS_REFLECT)
        return gpuopt_de_reflect(v, lo, hi);
    double u = gpuopt_de_draw(seed, stream, i, GPUOPT_DE_SLOT_CROSS + dim + c);
    return lo + u * (hi - lo);
}

/* Writes the trial vector of individual i (row i of `trial`) from the population `pop`
 * (n x dim, row-major) and the best row `best` of that population. */
GPUOPT_FN void gpuopt_de_trial_one(gpuopt_u64 i, gpuopt_u64 n, gpuopt_u64 dim, int variant,
                                   double F, double CR, int bounds_handling, gpuopt_u64 seed,
                                   gpuopt_u64 generation, const GPUOPT_GLOBAL double *pop,
                                   const GPUOPT_GLOBAL double *best,
                                   const GPUOPT_GLOBAL double *lower,
                                   const GPUOPT_GLOBAL double *upper, GPUOPT_GLOBAL double *trial)
{
    gpuopt_u64 stream = gpuopt_stream(GPUOPT_DE_TAG_TRIAL, generation);
    gpuopt_u64 donors[GPUOPT_DE_MAX_DONORS];
    const GPUOPT_GLOBAL double *x = pop + i * dim;
    GPUOPT_GLOBAL double *t = trial + i * dim;
    int family = gpuopt_de_family(variant);

    gpuopt_de_pick_donors(seed, stream, i, n, gpuopt_de_n_donors(variant), donors);
    for (gpuopt_u64 c = 0; c < dim; ++c)
        t[c] = x[c];

    gpuopt_u64 c = gpuopt_uniform_below(gpuopt_de_draw(seed, stream, i, GPUOPT_DE_SLOT_START), dim);
    if (gpuopt_de_is_binomial(variant)) {
        /* dim coin flips from a random start; the last component visited always changes */
        for (gpuopt_u64 L = 0; L < dim; ++L) {
            if (gpuopt_de_draw(seed, stream, i, GPUOPT_DE_SLOT_CROSS + L) < CR || L + 1 == dim)
                t[c] = gpuopt_de_mutant(family, F, pop, dim, donors, best, x, c);
            c = (c + 1) % dim;
        }
    } else {
        /* a run of consecutive components (cyclic) that continues while the coin says so */
        gpuopt_u64 L = 0;
        do {
            t[c] = gpuopt_de_mutant(family, F, pop, dim, donors, best, x, c);
            c = (c + 1) % dim;
            ++L;
        } while (L < dim && gpuopt_de_draw(seed, stream, i, GPUOPT_DE_SLOT_CROSS + L - 1) < CR);
    }

    for (gpuopt_u64 j = 0; j < dim; ++j)
        t[j] = gpuopt_de_into_bounds(t[j], lower[j], upper[j], bounds_handling, seed, stream, i,
                                     dim, j);
}

/* Keeps the trial of individual i when it is at least as good (trial_f <= f, as pagmo). */
GPUOPT_FN void gpuopt_de_select_one(gpuopt_u64 i, gpuopt_u64 dim, GPUOPT_GLOBAL double *pop,
                                    GPUOPT_GLOBAL double *fit, const GPUOPT_GLOBAL double *trial,
                                    const GPUOPT_GLOBAL double *trial_f)
{
    if (!(trial_f[i] <= fit[i]))
        return;
    for (gpuopt_u64 c = 0; c < dim; ++c)
        pop[i * dim + c] = trial[i * dim + c];
    fit[i] = trial_f[i];
}

#endif /* GPUOPT_KERNELS_DE_H */
