/* CUDA CMA-ES operations: the kernels of kernels/cmaes_entry.h, which run the kernels/cmaes.h
 * element functions of the CPU backend (so the same bits, up to the device's math library in
 * exp, log, sin, cos and tanh). The population, the paths and the covariance never leave the
 * device: the host reads only the few scalar results of an op (host_out), which one-thread
 * kernels accumulate in the CPU backend's order into the front of the reduction buffer.
 * (fill_normal is in cuda_eval.c.) */
#include "../../kernels/cmaes_entry.h"
#include "../../src/algorithms/cmaes_core.h"
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

/* The op's `count` scalar results, from the reduction buffer to a->host_out. */
static gpuopt_status cu_cmaes_results(gpuopt_backend *b, const struct gpuopt_cmaes_args *a,
                                      size_t count)
{
    return gpuopt_cuda_read(b, a->host_out, cu_of(b)->reduce_values, 0, count * sizeof(double));
}

static gpuopt_status cu_cmaes_null(gpuopt_backend *b, const char *op)
{
    return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "%s: NULL buffer or result", op);
}

gpuopt_status gpuopt_cuda_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->Y || !a->X || !a->mean || !a->lower || !a->upper || (a->separable && (!a->Z || !a->D)))
        return cu_cmaes_null(b, "cmaes_sample");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_sample, a->lambda * a->dim, a->lambda, a->dim, a->separable, a->bounds,
           a->sigma, a->Z, a->D, a->mean, a->lower, a->upper, a->Y, a->X);
    return st;
}

gpuopt_status gpuopt_cuda_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->f || !a->idx || !a->host_out || a->lambda == 0)
        return cu_cmaes_null(b, "cmaes_rank_stats");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_rank_stats, 1, a->lambda, a->f, a->idx, cu_of(b)->reduce_values);
    return st ? st : cu_cmaes_results(b, a, GPUOPT_CMAES_N_STATS);
}

gpuopt_status gpuopt_cuda_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->C || !a->mean || !a->lower || !a->upper || !a->gamma || !a->X || !a->Y || !a->f ||
        !a->fit)
        return cu_cmaes_null(b, "cmaes_penalty");
    size_t cstride = a->separable ? 1 : a->dim + 1;
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_penalty_weight, a->dim, a->dim, a->gamma_mode, a->dfit, a->damp,
           a->edist_min, a->sigma, a->C, cstride, a->mean, a->lower, a->upper, a->gamma);
    CU_RUN(st, b, cmaes_penalized, a->lambda, a->lambda, a->dim, a->sigma, a->f, a->X, a->Y,
           a->mean, a->gamma, a->fit);
    return st;
}

gpuopt_status gpuopt_cuda_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->idx || !a->weights || !a->Z || !a->Y || !a->wind || !a->ymean || !a->zmean)
        return cu_cmaes_null(b, "cmaes_recombine");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_rank_weight, a->lambda, a->lambda, a->dim, a->idx, a->weights, a->Z,
           a->wind);
    CU_RUN(st, b, cmaes_means, a->dim, a->dim, a->n_mu, a->idx, a->weights, a->Y, a->Z, a->ymean,
           a->zmean);
    CU_RUN(st, b, cmaes_rankmu, a->lambda * a->dim, a->lambda, a->dim, a->c_mu, a->wind, a->Y,
           a->Z);
    return st;
}

gpuopt_status gpuopt_cuda_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->u || !a->ps || !a->pc || !a->mean || !a->ymean || !a->Y || !a->Z || !a->host_out)
        return cu_cmaes_null(b, "cmaes_paths");
    double *out = cu_of(b)->reduce_values;
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_ps, 1, a->dim, a->ps_decay, a->ps_gain, a->hsig_norm, a->hsig_bound, a->u,
           a->ps, out);
    CU_RUN(st, b, cmaes_pc, a->dim, a->dim, a->lambda, a->pc_decay, a->pc_gain, a->mean_gain,
           a->c1, out, a->ymean, a->pc, a->mean, a->Y, a->Z);
    return st ? st : cu_cmaes_results(b, a, 2);
}

gpuopt_status gpuopt_cuda_cmaes_diag_update(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->Z || !a->Y || !a->C || !a->D)
        return cu_cmaes_null(b, "cmaes_diag_update");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_diag, a->dim, a->dim, a->lambda + 1, a->beta, a->Z, a->Y, a->C, a->D);
    if (st || !a->host_out || a->dim == 0)
        return st;
    CU_RUN(st, b, cmaes_extremes, 1, a->dim, a->C, cu_of(b)->reduce_values);
    return st ? st : cu_cmaes_results(b, a, 2);
}

gpuopt_status gpuopt_cuda_cmaes_eigen_finish(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->B || !a->evals || !a->BD || !a->D)
        return cu_cmaes_null(b, "cmaes_eigen_finish");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "cmaes_eigen_finish: dim 0");
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_bd, a->dim * a->dim, a->dim, a->B, a->evals, a->BD);
    CU_RUN(st, b, cmaes_axes, a->dim, a->dim, a->evals, a->D, cu_of(b)->reduce_values);
    return st || !a->host_out ? st : cu_cmaes_results(b, a, 2);
}

gpuopt_status gpuopt_cuda_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->C || !a->pc || !a->mean || !a->lower || !a->upper || !a->D || !a->host_out ||
        (!a->separable && !a->BD))
        return cu_cmaes_null(b, "cmaes_measure");
    if (a->axis >= a->dim)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "cmaes_measure: axis %zu of %zu coordinates", a->axis, a->dim);
    gpuopt_status st = GPUOPT_SUCCESS;
    CU_RUN(st, b, cmaes_measure, 1, a->dim, a->separable, a->axis, a->sigma, a->C, a->pc, a->mean,
           a->lower, a->upper, a->D, a->BD, cu_of(b)->reduce_values);
    return st ? st : cu_cmaes_results(b, a, GPUOPT_CMAES_N_MEASURES);
}
