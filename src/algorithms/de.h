/* Differential evolution (pagmo2's `de`, alias pygmo_de): the algorithm descriptor and the
 * arguments of the backends' de_trial / de_select operations. */
#ifndef GPUOPT_ALGORITHMS_DE_H
#define GPUOPT_ALGORITHMS_DE_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/de.h"
#include "../algorithm.h"

/* One generation's work for a backend. Buffers are row-major on the backend:
 * pop, trial n x dim; fit, trial_f n; best_x, lower, upper dim. */
struct gpuopt_de_args {
    gpuopt_dptr pop;     /* the current population (de_select writes accepted trials) */
    gpuopt_dptr fit;     /* its criterion values (de_select writes accepted values) */
    gpuopt_dptr trial;   /* de_trial writes the trial vectors */
    gpuopt_dptr trial_f; /* the trial vectors' values, read by de_select */
    gpuopt_dptr best_x;  /* the best row of the current population */
    gpuopt_dptr lower, upper;
    size_t n, dim;
    int variant;         /* GPUOPT_DE_BEST_1_EXP .. GPUOPT_DE_RAND_2_BIN (1..10) */
    int bounds_handling; /* GPUOPT_DE_BOUNDS_RANDOM | _CLIP | _REFLECT */
    double F;            /* weight coefficient */
    double CR;           /* crossover probability */
    uint64_t seed;
    uint64_t generation; /* 1 for the first trial batch */
    int builtin_id;      /* de_trial_evaluate: the built-in scalar problem evaluated */
};

extern const gpuopt_algorithm gpuopt_algorithm_de;

#endif /* GPUOPT_ALGORITHMS_DE_H */
