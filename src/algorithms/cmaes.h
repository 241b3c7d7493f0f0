/* CMA-ES with a full covariance matrix (alias pygmo_cmaes): active CMA, IPOP/BIPOP restarts. */
#ifndef GPUOPT_ALGORITHMS_CMAES_H
#define GPUOPT_ALGORITHMS_CMAES_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_cmaes;

#endif /* GPUOPT_ALGORITHMS_CMAES_H */
