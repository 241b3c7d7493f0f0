/* Berndt-Hall-Hall-Hausman (estimagic's bhhh): likelihood contributions, the outer product of
 * their gradients as the Hessian approximation. */
#ifndef GPUOPT_ALGORITHMS_BHHH_H
#define GPUOPT_ALGORITHMS_BHHH_H

#include "../algorithm.h"

extern const gpuopt_algorithm gpuopt_algorithm_bhhh;

#endif /* GPUOPT_ALGORITHMS_BHHH_H */
