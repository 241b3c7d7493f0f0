/* Exponential natural evolution strategies (pagmo2's `xnes`, alias pygmo_xnes). */
#ifndef GPUOPT_ALGORITHMS_XNES_H
#define GPUOPT_ALGORITHMS_XNES_H

#include "../../kernels/xnes.h"
#include "../algorithm.h"

/* The largest dimension for which xnes keeps its full dim x dim matrices. */
#define GPUOPT_XNES_MAX_DIM 10000

extern const gpuopt_algorithm gpuopt_algorithm_xnes;

#endif /* GPUOPT_ALGORITHMS_XNES_H */
