/* DFO-LS (Cartis, Fiala, Marteau & Roberts 2019): derivative-free Gauss-Newton for least squares
 * with linear interpolation models of each residual. */
#ifndef GPUOPT_ALGORITHMS_DFOLS_H
#define GPUOPT_ALGORITHMS_DFOLS_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_dfols;

#endif /* GPUOPT_ALGORITHMS_DFOLS_H */
