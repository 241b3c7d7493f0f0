/* Separable CMA-ES: a diagonal covariance matrix, linear time and memory in the dimension. */
#ifndef GPUOPT_ALGORITHMS_SEP_CMAES_H
#define GPUOPT_ALGORITHMS_SEP_CMAES_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_sep_cmaes;

#endif /* GPUOPT_ALGORITHMS_SEP_CMAES_H */
