/* Powell's conjugate-direction method (scipy.optimize's method='Powell', alias scipy_powell). */
#ifndef GPUOPT_ALGORITHMS_POWELL_H
#define GPUOPT_ALGORITHMS_POWELL_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_powell;

#endif /* GPUOPT_ALGORITHMS_POWELL_H */
