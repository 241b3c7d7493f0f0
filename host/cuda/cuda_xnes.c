/* CUDA xNES operations: the kernels of kernels/xnes_entry.h, which run the kernels/xnes.h element
 * functions of the CPU backend (so the same bits, up to the device's exp in expm_scale).
 * Population, draws, weights and matrices never leave the device: the host reads only the one
 * scalar result of bound and exponent, which a one-thread kernel accumulates in the CPU
 * backend's order into the front of the reduction buffer. */
#include "../../kernels/xnes_entry.h"
#include "../../src/algorithms/xnes.h"
#include "cuda_internal.h"

/* If st is still GPUOPT_SUCCESS and threads > 0: launches gpuopt_cuda_k_<kernel>(l, ...) over
 * `threads` threads and sets st to the launch's status. */
#define CU_RUN(st, b, kernel, threads, ...)                                                        \
    do {                                                                                           \
        gpuopt_cuda_launch l_;                                                                     \
        if ((st) == GPUOPT_SUCCESS && (threads) > 0 &&                                             \
            ((st) = gpuopt_cuda_grid((b), #kernel, (threads), 0, &l_)) == GPUOPT_SUCCESS)          \
            (st) = gpuopt_cuda_launched((b), gpuopt_cuda_k_##kernel(l_, __VA_ARGS__), #kernel);    \
    } while (0)

static gpuopt_status cu_xnes_null(gpuopt_backend *b, const char *op)
{
    return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "%s: NULL buffer or result", op);
}

/* The op's scalar result, from the reduction buffer to a->host_out[0]. */
static gpuopt_status cu_xnes_result(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    return gpuopt_cuda_read(b, a->host_out, cu_of(b)->reduce_values, 0, sizeof(double));
}

gpuopt_status gpuopt_cuda_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->mean || !a->host_out || (a->force_bounds && (!a->lower || !a->upper)))
        return cu_xnes_null(b, "xnes_bound");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "xnes_bound: dim 0");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, xnes_step_norm, 1, a->dim, a->X, a->mean, cu_of(b)->reduce_values);
    if (a->force_bounds)
        CU_RUN(st, b, xnes_clip, a->lambda * a->dim, a->lambda * a->dim, a->dim, a->lower,
               a->upper, a->X);
    return st ? st : cu_xnes_result(b, a);
}

gpuopt_status gpuopt_cuda_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->idx || !a->util || !a->Z || !a->W)
        return cu_xnes_null(b, "xnes_weights");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, xnes_weights, a->lambda * a->dim, a->lambda, a->dim, a->idx, a->util, a->Z,
           a->W);
    return st;
}

gpuopt_status gpuopt_cuda_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->G || !a->dA || !a->host_out)
        return cu_xnes_null(b, "xnes_exponent");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "xnes_exponent: dim 0");
    double *out = cu_of(b)->reduce_values;
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, xnes_trace, 1, a->dim, a->utility_sum, a->G, out);
    CU_RUN(st, b, xnes_exponent, a->dim * a->dim, a->dim, a->utility_sum, a->eta_sigma, a->eta_b,
           out, a->G, a->dA);
    return st ? st : cu_xnes_result(b, a);
}

gpuopt_status gpuopt_cuda_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->V || !a->evals || !a->VS)
        return cu_xnes_null(b, "xnes_expm_scale");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, xnes_expm_scale, a->dim * a->dim, a->dim, a->V, a->evals, a->VS);
    return st;
}
