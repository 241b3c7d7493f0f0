/* L-BFGS-B (scipy.optimize's method='L-BFGS-B', alias scipy_lbfgsb), through the original
 * authors' Fortran code (Debian's liblbfgsb, L-BFGS-B 3.0). */
#ifndef GPUOPT_ALGORITHMS_LBFGSB_H
#define GPUOPT_ALGORITHMS_LBFGSB_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_lbfgsb;

#endif /* GPUOPT_ALGORITHMS_LBFGSB_H */
