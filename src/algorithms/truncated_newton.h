/* Truncated Newton with bounds: Stephen Nash's TNBC as in scipy's TNC (method='TNC', alias
 * scipy_truncated_newton). */
#ifndef GPUOPT_ALGORITHMS_TRUNCATED_NEWTON_H
#define GPUOPT_ALGORITHMS_TRUNCATED_NEWTON_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_truncated_newton;

#endif /* GPUOPT_ALGORITHMS_TRUNCATED_NEWTON_H */
