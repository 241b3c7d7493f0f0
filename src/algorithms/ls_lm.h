/* Levenberg-Marquardt (MINPACK lmder, scipy's least_squares 'lm'), optional geodesic acceleration. */
#ifndef GPUOPT_ALGORITHMS_LS_LM_H
#define GPUOPT_ALGORITHMS_LS_LM_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_ls_lm;

#endif /* GPUOPT_ALGORITHMS_LS_LM_H */
