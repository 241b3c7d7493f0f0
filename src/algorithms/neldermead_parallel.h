/* Lee & Wiswall's parallel Nelder-Mead simplex (estimagic's neldermead_parallel). */
#ifndef GPUOPT_ALGORITHMS_NELDERMEAD_PARALLEL_H
#define GPUOPT_ALGORITHMS_NELDERMEAD_PARALLEL_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_neldermead_parallel;

#endif /* GPUOPT_ALGORITHMS_NELDERMEAD_PARALLEL_H */
