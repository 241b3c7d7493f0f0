/* Particle swarm optimization, per particle: the velocity and position update of particle i,
 * its personal-best update, and the lookup of the best informant in its neighbourhood.
 * Written once for C, OpenCL C and CUDA C.
 *
 * The formulas follow pagmo2's `pso` / `pso_gen` (six velocity variants, velocity clamped to
 * max_velocity * (upper - lower) per component, positions leaving the box put on the bound with
 * that velocity component set to zero). Every random number is a philox draw addressed by
 * (seed, gpuopt_stream(GPUOPT_PSO_TAG_MOVE, generation), (i << 32) | k), so a particle's move
 * never depends on the order in which particles are processed.
 *
 * Draw slots k of particle i in one generation:
 *   canonical_inertia, canonical_constriction   2d (r1), 2d + 1 (r2) for component d
 *   social_and_cog_rand                         d (r1 = r2) for component d
 *   all_components_rand                         0 (r1), 1 (r2) for every component
 *   one_rand                                    0 (r1 = r2) for every component
 *   fips                                        d * m + j for informant j of m, component d
 *
 * The neighbour table (int, built on the host) holds offsets[0..n] and then the informant
 * indices: particle i's informants are table[n + 1 + offsets[i]] .. [n + 1 + offsets[i+1] - 1].
 * With the gbest topology the table is not read: the best informant is the swarm's best
 * particle (passed as `gbest`) and FIPS's informants are all particles 0..n-1. */
#ifndef GPUOPT_KERNELS_PSO_H
#define GPUOPT_KERNELS_PSO_H

#include "philox.h"
#include "portable.h"

/* Velocity variants, pagmo's codes (option algo_variant). */
#define GPUOPT_PSO_CANONICAL_INERTIA 1
#define GPUOPT_PSO_SOCIAL_AND_COG_RAND 2
#define GPUOPT_PSO_ALL_COMPONENTS_RAND 3
#define GPUOPT_PSO_ONE_RAND 4
#define GPUOPT_PSO_CANONICAL_CONSTRICTION 5
#define GPUOPT_PSO_FIPS 6

/* Topologies, pagmo's codes (option neighbor_definition). */
#define GPUOPT_PSO_GBEST 1
#define GPUOPT_PSO_LBEST 2
#define GPUOPT_PSO_VON_NEUMANN 3
#define GPUOPT_PSO_ADAPTIVE_RANDOM 4

/* Stream purposes (gpuopt_stream tags). */
#define GPUOPT_PSO_TAG_POSITION 0x31u /* initial positions, generation 0 */
#define GPUOPT_PSO_TAG_VELOCITY 0x32u /* initial velocities, generation 0 */
#define GPUOPT_PSO_TAG_MOVE 0x33u     /* velocity updates */
#define GPUOPT_PSO_TAG_TOPOLOGY 0x34u /* adaptive_random rewiring */

GPUOPT_FN double gpuopt_pso_draw(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i, gpuopt_u64 k)
{
    return gpuopt_philox_uniform(seed, stream, (i << 32) | k);
}

/* pagmo's memory rule: a value equal to the remembered one replaces it too. */
GPUOPT_FN int gpuopt_pso_improves(double f_new, double f_old)
{
    return f_new <= f_old;
}

GPUOPT_FN gpuopt_u64 gpuopt_pso_n_informants(const GPUOPT_GLOBAL int *table, gpuopt_u64 n,
                                             int topology, gpuopt_u64 i)
{
    if (topology == GPUOPT_PSO_GBEST)
        return n;
    return (gpuopt_u64)(table[i + 1] - table[i]);
}

/* The j-th informant of particle i. */
GPUOPT_FN gpuopt_u64 gpuopt_pso_informant(const GPUOPT_GLOBAL int *table, gpuopt_u64 n,
                                          int topology, gpuopt_u64 i, gpuopt_u64 j)
{
    if (topology == GPUOPT_PSO_GBEST)
        return j;
    return (gpuopt_u64)table[n + 1 + (gpuopt_u64)table[i] + j];
}

/* The informant of particle i with the best remembered value (ties: the later one in the list,
 * as pagmo's `<=` scan). */
GPUOPT_FN gpuopt_u64 gpuopt_pso_best_neighbour(const GPUOPT_GLOBAL int *table,
                                               const GPUOPT_GLOBAL double *pbest_f, gpuopt_u64 n,
                                               int topology, gpuopt_u64 gbest, gpuopt_u64 i)
{
    if (topology == GPUOPT_PSO_GBEST)
        return gbest;
    gpuopt_u64 m = gpuopt_pso_n_informants(table, n, topology, i);
    gpuopt_u64 best = gpuopt_pso_informant(table, n, topology, i, 0);
    for (gpuopt_u64 j = 1; j < m; ++j) {
        gpuopt_u64 c = gpuopt_pso_informant(table, n, topology, i, j);
        if (pbest_f[c] <= pbest_f[best])
            best = c;
    }
    return best;
}

/* Variants 1-5: the new velocity component from the old one v, the position x, the personal
 * best p, the neighbourhood best g and the two uniform numbers. */
GPUOPT_FN double gpuopt_pso_velocity(int variant, double omega, double eta1, double eta2, double v,
                                     double x, double p, double g, double r1, double r2)
{
    if (variant == GPUOPT_PSO_CANONICAL_CONSTRICTION)
        return omega * (v + eta1 * r1 * (p - x) + eta2 * r2 * (g - x));
    return omega * v + eta1 * r1 * (p - x) + eta2 * r2 * (g - x);
}

/* The two random factors of component d for variants 1-5. */
GPUOPT_FN void gpuopt_pso_factors(int variant, gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 i,
                                  gpuopt_u64 d, double *r1, double *r2)
{
    switch (variant) {
    case GPUOPT_PSO_SOCIAL_AND_COG_RAND:
        *r1 = gpuopt_pso_draw(seed, stream, i, d);
        *r2 = *r1;
        break;
    case GPUOPT_PSO_ALL_COMPONENTS_RAND:
        *r1 = gpuopt_pso_draw(seed, stream, i, 0);
        *r2 = gpuopt_pso_draw(seed, stream, i, 1);
        break;
    case GPUOPT_PSO_ONE_RAND:
        *r1 = gpuopt_pso_draw(seed, stream, i, 0);
        *r2 = *r1;
        break;
    default: /* canonical_inertia, canonical_constriction */
        *r1 = gpuopt_pso_draw(seed, stream, i, 2 * d);
        *r2 = gpuopt_pso_draw(seed, stream, i, 2 * d + 1);
        break;
    }
}

/* FIPS: v' = omega * (v + mean over informants j of u_j * (eta1 + eta2) * (pbest_j - x)). */
GPUOPT_FN double gpuopt_pso_fips_velocity(const GPUOPT_GLOBAL int *table,
                                          const GPUOPT_GLOBAL double *pbest_x, gpuopt_u64 n,
                                          gpuopt_u64 dim, int topology, double omega, double eta1,
                                          double eta2, gpuopt_u64 seed, gpuopt_u64 stream,
                                          gpuopt_u64 i, gpuopt_u64 d, double v, double x)
{
    double acceleration = eta1 + eta2;
    gpuopt_u64 m = gpuopt_pso_n_informants(table, n, topology, i);
    double sum = 0.0;
    for (gpuopt_u64 j = 0; j < m; ++j) {
        gpuopt_u64 c = gpuopt_pso_informant(table, n, topology, i, j);
        double u = gpuopt_pso_draw(seed, stream, i, d * m + j);
        sum += u * acceleration * (pbest_x[c * dim + d] - x);
    }
    return omega * (v + sum / (double)m);
}

/* Clamps the velocity to +-max_velocity * (upper - lower), moves, and puts a position that
 * leaves the box on the bound with a zero velocity component (pagmo's rule). */
GPUOPT_FN void gpuopt_pso_step(double max_velocity, double lower, double upper,
                               GPUOPT_GLOBAL double *x, GPUOPT_GLOBAL double *v)
{
    double vmax = (upper - lower) * max_velocity;
    double vel = *v;
    if (vel > vmax)
        vel = vmax;
    else if (vel < -1.0 * vmax)
        vel = -1.0 * vmax;
    double nx = *x + vel;
    if (nx < lower) {
        nx = lower;
        vel = 0.0;
    } else if (nx > upper) {
        nx = upper;
        vel = 0.0;
    }
    *x = nx;
    *v = vel;
}

/* Moves particle i: new velocity (variant), clamp, new position. Reads the personal bests of
 * its informants, writes only row i of X and V. */
GPUOPT_FN void gpuopt_pso_move_one(gpuopt_u64 i, gpuopt_u64 n, gpuopt_u64 dim, int variant,
                                   int topology, gpuopt_u64 gbest, double omega, double eta1,
                                   double eta2, double max_velocity, gpuopt_u64 seed,
                                   gpuopt_u64 generation, GPUOPT_GLOBAL double *X,
                                   GPUOPT_GLOBAL double *V, const GPUOPT_GLOBAL double *pbest_x,
                                   const GPUOPT_GLOBAL double *pbest_f,
                                   const GPUOPT_GLOBAL int *table,
                                   const GPUOPT_GLOBAL double *lower,
                                   const GPUOPT_GLOBAL double *upper)
{
    gpuopt_u64 stream = gpuopt_stream(GPUOPT_PSO_TAG_MOVE, generation);
    GPUOPT_GLOBAL double *x = X + i * dim;
    GPUOPT_GLOBAL double *v = V + i * dim;
    const GPUOPT_GLOBAL double *p = pbest_x + i * dim;
    if (variant == GPUOPT_PSO_FIPS) {
        for (gpuopt_u64 d = 0; d < dim; ++d)
            v[d] = gpuopt_pso_fips_velocity(table, pbest_x, n, dim, topology, omega, eta1, eta2,
                                            seed, stream, i, d, v[d], x[d]);
    } else {
        gpuopt_u64 b = gpuopt_pso_best_neighbour(table, pbest_f, n, topology, gbest, i);
        const GPUOPT_GLOBAL double *g = pbest_x + b * dim;
        for (gpuopt_u64 d = 0; d < dim; ++d) {
            double r1, r2;
            gpuopt_pso_factors(variant, seed, stream, i, d, &r1, &r2);
            v[d] = gpuopt_pso_velocity(variant, omega, eta1, eta2, v[d], x[d], p[d], g[d], r1,
                                       r2);
        }
    }
    for (gpuopt_u64 d = 0; d < dim; ++d)
        gpuopt_pso_step(max_velocity, lower[d], upper[d], x + d, v + d);
}

/* Particle i remembers its new position when its value is no worse than its personal best. */
GPUOPT_FN void gpuopt_pso_remember_one(gpuopt_u64 i, gpuopt_u64 dim, const GPUOPT_GLOBAL double *X,
                                       const GPUOPT_GLOBAL double *f,
                                       GPUOPT_GLOBAL double *pbest_x,
                                       GPUOPT_GLOBAL double *pbest_f)
{
    if (!gpuopt_pso_improves(f[i], pbest_f[i]))
        return;
    pbest_f[i] = f[i];
    for (gpuopt_u64 d = 0; d < dim; ++d)
        pbest_x[i * dim + d] = X[i * dim + d];
}

#endif /* GPUOPT_KERNELS_PSO_H */
