/* Particle swarm optimization (pagmo2's `pso` and `pso_gen`, aliases pygmo_pso and
 * pygmo_pso_gen): the algorithm descriptor and the arguments of the backends' pso_move /
 * pso_remember operations. */
#ifndef GPUOPT_ALGORITHMS_PSO_H
#define GPUOPT_ALGORITHMS_PSO_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/pso.h"
#include "../algorithm.h"

/* Work on particles [first, first + count) of the swarm. Buffers are row-major on the backend:
 * X, V, pbest_X n x dim; f, pbest_f n; lower, upper dim; neighbours the int table described in
 * kernels/pso.h. pso_move reads X, V, pbest_X, pbest_f, neighbours and writes X, V of the
 * particles in range; pso_remember copies X, f into pbest_X, pbest_f where f is no worse. */
struct gpuopt_pso_args {
    gpuopt_dptr X;          /* current positions */
    gpuopt_dptr V;          /* current velocities */
    gpuopt_dptr f;          /* criterion values of the current positions */
    gpuopt_dptr pbest_X;    /* personal best positions */
    gpuopt_dptr pbest_f;    /* personal best values */
    gpuopt_dptr neighbours; /* int: offsets[n + 1], then informant indices */
    gpuopt_dptr lower, upper;
    size_t n, dim;
    size_t first, count;    /* the particles to work on */
    int variant;            /* GPUOPT_PSO_CANONICAL_INERTIA .. GPUOPT_PSO_FIPS (1..6) */
    int topology;           /* GPUOPT_PSO_GBEST .. GPUOPT_PSO_ADAPTIVE_RANDOM (1..4) */
    size_t gbest;           /* gbest topology: the particle with the swarm's best memory */
    double omega;           /* inertia weight (variants 1-4) or constriction factor (5, 6) */
    double eta1, eta2;      /* forces of the previous best and of the neighbourhood best */
    double max_velocity;    /* fraction of upper - lower */
    uint64_t seed;
    uint64_t generation;    /* 0 for the first generation's moves */
    int builtin_id;         /* pso_move_evaluate: the built-in scalar problem evaluated */
    gpuopt_dptr keys;       /* pso_best_update on devices: count doubles of scratch */
};

extern const gpuopt_algorithm gpuopt_algorithm_pso;

#endif /* GPUOPT_ALGORITHMS_PSO_H */
