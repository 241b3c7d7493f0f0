/* BFGS quasi-Newton (scipy.optimize's method='BFGS', alias scipy_bfgs). */
#ifndef GPUOPT_ALGORITHMS_BFGS_H
#define GPUOPT_ALGORITHMS_BFGS_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_bfgs;

#endif /* GPUOPT_ALGORITHMS_BFGS_H */
