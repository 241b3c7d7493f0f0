/* Rectangular trust-region dogleg for bounded nonlinear least squares (scipy's least_squares 'dogbox'). */
#ifndef GPUOPT_ALGORITHMS_LS_DOGBOX_H
#define GPUOPT_ALGORITHMS_LS_DOGBOX_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_ls_dogbox;

#endif /* GPUOPT_ALGORITHMS_LS_DOGBOX_H */
