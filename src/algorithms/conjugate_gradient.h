/* Nonlinear conjugate gradients, Polak-Ribiere (scipy.optimize's method='CG', alias
 * scipy_conjugate_gradient). */
#ifndef GPUOPT_ALGORITHMS_CONJUGATE_GRADIENT_H
#define GPUOPT_ALGORITHMS_CONJUGATE_GRADIENT_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_conjugate_gradient;

#endif /* GPUOPT_ALGORITHMS_CONJUGATE_GRADIENT_H */
