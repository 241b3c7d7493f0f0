/* Trust-region Newton with the Steihaug CG subproblem and a finite-difference Hessian
 * (scipy.optimize's method='trust-ncg' with hess='2-point'). */
#ifndef GPUOPT_ALGORITHMS_TRUST_NCG_H
#define GPUOPT_ALGORITHMS_TRUST_NCG_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_trust_ncg;

#endif /* GPUOPT_ALGORITHMS_TRUST_NCG_H */
