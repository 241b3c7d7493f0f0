/* Newton-CG, a line-search truncated Newton method (scipy.optimize's method='Newton-CG', alias
 * scipy_newton_cg). */
#ifndef GPUOPT_ALGORITHMS_NEWTON_CG_H
#define GPUOPT_ALGORITHMS_NEWTON_CG_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_newton_cg;

#endif /* GPUOPT_ALGORITHMS_NEWTON_CG_H */
