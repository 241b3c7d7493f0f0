/* Trust Region Reflective for bounded nonlinear least squares (scipy's least_squares 'trf'). */
#ifndef GPUOPT_ALGORITHMS_LS_TRF_H
#define GPUOPT_ALGORITHMS_LS_TRF_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_ls_trf;

#endif /* GPUOPT_ALGORITHMS_LS_TRF_H */
