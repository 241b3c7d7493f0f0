/* Exponential natural evolution strategies (pagmo2's `xnes`, alias pygmo_xnes). */
#ifndef GPUOPT_ALGORITHMS_XNES_H
#define GPUOPT_ALGORITHMS_XNES_H

#include "../../kernels/xnes.h"
#include "../algorithm.h"

/* The largest dimension for which xnes keeps its full dim x dim matrices. */
#define GPUOPT_XNES_MAX_DIM 10000

extern const gpuopt_algorithm gpuopt_algorithm_xnes;

/* Arguments of the xnes_* backend ops (host/backend.h), buffers on the backend, row-major:
 *   X            lambda x dim: the generation's points;  mean, lower, upper: dim
 *   idx          lambda uint32: the ranking (argsort of the values); util: lambda utilities by rank
 *   Z, W         lambda x dim: the standard normal draws; W row idx[r] = util[r] z_idx[r]
 *   G, dA        dim x dim: G = Z^T W; dA, the exponent of the update
 *   V, evals, VS dim x dim eigenvectors (columns), their dim eigenvalues, V e^{L/2}
 * Ops (CPU: host/cpu/cpu_xnes.c; the reference):
 *   bound:      host_out[0] = |X_0 - mean|^2 (coordinate order); then, with force_bounds, X
 *               clipped to [lower, upper]
 *   weights:    W from idx, util and Z
 *   exponent:   host_out[0] = tr = sum_i (G_ii - utility_sum) in index order;
 *               dA = 1/2 (eta_sigma tr/d I + eta_b (sym(G) - utility_sum I - tr/d I))
 *   expm_scale: VS = V diag(exp(evals / 2)), so that expm(dA) = VS VS^T */
struct gpuopt_xnes_args {
    size_t dim, lambda;
    int force_bounds;
    double utility_sum, eta_sigma, eta_b;
    gpuopt_dptr X, mean, lower, upper, idx, util, Z, W, G, dA, V, evals, VS;
    double *host_out; /* host memory for the scalar result */
};

/* The backend's op, or the host fallback (host/backend_xnes.c). */
gpuopt_status gpuopt_backend_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_backend_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_backend_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_backend_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a);

#endif /* GPUOPT_ALGORITHMS_XNES_H */
