/* Nelder-Mead simplex (scipy.optimize's method='Nelder-Mead', alias scipy_neldermead). */
#ifndef GPUOPT_ALGORITHMS_NELDERMEAD_H
#define GPUOPT_ALGORITHMS_NELDERMEAD_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_neldermead;

#endif /* GPUOPT_ALGORITHMS_NELDERMEAD_H */
