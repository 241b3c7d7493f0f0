/* POUNDERS (Wild 2017): model-based derivative-free least squares with quadratic models of each
 * residual. */
#ifndef GPUOPT_ALGORITHMS_POUNDERS_H
#define GPUOPT_ALGORITHMS_POUNDERS_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_pounders;

#endif /* GPUOPT_ALGORITHMS_POUNDERS_H */
