/* OpenCL CMA-ES operations: the kernels of kernels/cmaes_entry.h, which run the kernels/cmaes.h
 * element functions of the CPU backend (so the same bits). The population, the paths and the
 * covariance never leave the device: the host reads only the few scalar results of an op
 * (host_out), which one-thread kernels accumulate in the CPU backend's order into the front of
 * the reduction buffer. */
#include "../../kernels/cmaes_entry.h"
#include "../../src/algorithms/cmaes_core.h"
#include "opencl_internal.h"

/* The op's `count` scalar results, from the reduction buffer to a->host_out. */
static gpuopt_status ocl_cmaes_results(gpuopt_backend *b, const struct gpuopt_cmaes_args *a,
                                       size_t count)
{
    return gpuopt_opencl_read(b, a->host_out, ocl_of(b)->reduce_values, 0,
                              count * sizeof(double));
}

static gpuopt_status ocl_cmaes_null(gpuopt_backend *b, const char *op)
{
    return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "%s: NULL buffer or result", op);
}

gpuopt_status gpuopt_opencl_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                        size_t cols, uint64_t seed, uint64_t stream)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (rows == 0 || cols == 0)
        return GPUOPT_SUCCESS;
    if (!out)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "fill_normal: NULL buffer");
    size_t half = (cols + 1) / 2;
    if (rows > SIZE_MAX / half)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "fill_normal: %zu x %zu values are too many", rows, cols);
    ocl_arg args[] = {OCL_U64(rows), OCL_U64(cols), OCL_U64(seed), OCL_U64(stream), OCL_MEM(out)};
    return gpuopt_opencl_launch(b, OCL_K_FILL_NORMAL, rows * half, 0, args, OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->Y || !a->X || !a->mean || !a->lower || !a->upper || (a->separable && (!a->Z || !a->D)))
        return ocl_cmaes_null(b, "cmaes_sample");
    ocl_arg args[] = {OCL_U64(a->lambda),   OCL_U64(a->dim),     OCL_INT(a->separable),
                      OCL_INT(a->bounds),   OCL_DBL(a->sigma),   OCL_MEM(a->Z),
                      OCL_MEM(a->D),        OCL_MEM(a->mean),    OCL_MEM(a->lower),
                      OCL_MEM(a->upper),    OCL_MEM(a->Y),       OCL_MEM(a->X)};
    return gpuopt_opencl_launch(b, OCL_K_CMAES_SAMPLE, a->lambda * a->dim, 0, args,
                                OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->f || !a->idx || !a->host_out || a->lambda == 0)
        return ocl_cmaes_null(b, "cmaes_rank_stats");
    ocl_arg args[] = {OCL_U64(a->lambda), OCL_MEM(a->f), OCL_MEM(a->idx),
                      OCL_MEM(ocl_of(b)->reduce_values)};
    gpuopt_status st = gpuopt_opencl_launch(b, OCL_K_CMAES_RANK_STATS, 1, 0, args, OCL_NARGS(args));
    return st ? st : ocl_cmaes_results(b, a, GPUOPT_CMAES_N_STATS);
}

gpuopt_status gpuopt_opencl_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->C || !a->mean || !a->lower || !a->upper || !a->gamma || !a->X || !a->Y || !a->f ||
        !a->fit)
        return ocl_cmaes_null(b, "cmaes_penalty");
    size_t cstride = a->separable ? 1 : a->dim + 1;
    ocl_arg weight[] = {OCL_U64(a->dim),        OCL_INT(a->gamma_mode), OCL_DBL(a->dfit),
                        OCL_DBL(a->damp),       OCL_DBL(a->edist_min),  OCL_DBL(a->sigma),
                        OCL_MEM(a->C),          OCL_U64(cstride),       OCL_MEM(a->mean),
                        OCL_MEM(a->lower),      OCL_MEM(a->upper),      OCL_MEM(a->gamma)};
    ocl_arg value[] = {OCL_U64(a->lambda), OCL_U64(a->dim),  OCL_DBL(a->sigma),
                       OCL_MEM(a->f),      OCL_MEM(a->X),    OCL_MEM(a->Y),
                       OCL_MEM(a->mean),   OCL_MEM(a->gamma), OCL_MEM(a->fit)};
    gpuopt_status st =
        gpuopt_opencl_launch(b, OCL_K_CMAES_PENALTY_WEIGHT, a->dim, 0, weight, OCL_NARGS(weight));
    return st ? st
              : gpuopt_opencl_launch(b, OCL_K_CMAES_PENALIZED, a->lambda, 0, value,
                                     OCL_NARGS(value));
}

gpuopt_status gpuopt_opencl_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->idx || !a->weights || !a->Z || !a->Y || !a->wind || !a->ymean || !a->zmean)
        return ocl_cmaes_null(b, "cmaes_recombine");
    ocl_arg weight[] = {OCL_U64(a->lambda), OCL_U64(a->dim), OCL_MEM(a->idx),
                        OCL_MEM(a->weights), OCL_MEM(a->Z),  OCL_MEM(a->wind)};
    ocl_arg means[] = {OCL_U64(a->dim), OCL_U64(a->n_mu), OCL_MEM(a->idx),   OCL_MEM(a->weights),
                       OCL_MEM(a->Y),   OCL_MEM(a->Z),    OCL_MEM(a->ymean), OCL_MEM(a->zmean)};
    ocl_arg rankmu[] = {OCL_U64(a->lambda), OCL_U64(a->dim), OCL_DBL(a->c_mu),
                        OCL_MEM(a->wind),   OCL_MEM(a->Y),   OCL_MEM(a->Z)};
    gpuopt_status st;
    if ((st = gpuopt_opencl_launch(b, OCL_K_CMAES_RANK_WEIGHT, a->lambda, 0, weight,
                                   OCL_NARGS(weight))) ||
        (st = gpuopt_opencl_launch(b, OCL_K_CMAES_MEANS, a->dim, 0, means, OCL_NARGS(means))))
        return st;
    return gpuopt_opencl_launch(b, OCL_K_CMAES_RANKMU, a->lambda * a->dim, 0, rankmu,
                                OCL_NARGS(rankmu));
}

gpuopt_status gpuopt_opencl_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->u || !a->ps || !a->pc || !a->mean || !a->ymean || !a->Y || !a->Z || !a->host_out)
        return ocl_cmaes_null(b, "cmaes_paths");
    cl_mem out = ocl_of(b)->reduce_values;
    ocl_arg ps[] = {OCL_U64(a->dim),       OCL_DBL(a->ps_decay), OCL_DBL(a->ps_gain),
                    OCL_DBL(a->hsig_norm), OCL_DBL(a->hsig_bound), OCL_MEM(a->u),
                    OCL_MEM(a->ps),        OCL_MEM(out)};
    ocl_arg pc[] = {OCL_U64(a->dim),      OCL_U64(a->lambda),    OCL_DBL(a->pc_decay),
                    OCL_DBL(a->pc_gain),  OCL_DBL(a->mean_gain), OCL_DBL(a->c1),
                    OCL_MEM(out),         OCL_MEM(a->ymean),     OCL_MEM(a->pc),
                    OCL_MEM(a->mean),     OCL_MEM(a->Y),         OCL_MEM(a->Z)};
    gpuopt_status st;
    if ((st = gpuopt_opencl_launch(b, OCL_K_CMAES_PS, 1, 0, ps, OCL_NARGS(ps))) ||
        (st = gpuopt_opencl_launch(b, OCL_K_CMAES_PC, a->dim, 0, pc, OCL_NARGS(pc))))
        return st;
    return ocl_cmaes_results(b, a, 2);
}

gpuopt_status gpuopt_opencl_cmaes_diag_update(gpuopt_backend *b,
                                              const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->Z || !a->Y || !a->C || !a->D)
        return ocl_cmaes_null(b, "cmaes_diag_update");
    ocl_arg diag[] = {OCL_U64(a->dim), OCL_U64(a->lambda + 1), OCL_DBL(a->beta),
                      OCL_MEM(a->Z),   OCL_MEM(a->Y),          OCL_MEM(a->C),
                      OCL_MEM(a->D)};
    gpuopt_status st = gpuopt_opencl_launch(b, OCL_K_CMAES_DIAG, a->dim, 0, diag, OCL_NARGS(diag));
    if (st || !a->host_out || a->dim == 0)
        return st;
    ocl_arg ext[] = {OCL_U64(a->dim), OCL_MEM(a->C), OCL_MEM(ocl_of(b)->reduce_values)};
    if ((st = gpuopt_opencl_launch(b, OCL_K_CMAES_EXTREMES, 1, 0, ext, OCL_NARGS(ext))))
        return st;
    return ocl_cmaes_results(b, a, 2);
}

gpuopt_status gpuopt_opencl_cmaes_eigen_finish(gpuopt_backend *b,
                                               const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->B || !a->evals || !a->BD || !a->D)
        return ocl_cmaes_null(b, "cmaes_eigen_finish");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "cmaes_eigen_finish: dim 0");
    ocl_arg bd[] = {OCL_U64(a->dim), OCL_MEM(a->B), OCL_MEM(a->evals), OCL_MEM(a->BD)};
    ocl_arg axes[] = {OCL_U64(a->dim), OCL_MEM(a->evals), OCL_MEM(a->D),
                      OCL_MEM(ocl_of(b)->reduce_values)};
    gpuopt_status st;
    if ((st = gpuopt_opencl_launch(b, OCL_K_CMAES_BD, a->dim * a->dim, 0, bd, OCL_NARGS(bd))) ||
        (st = gpuopt_opencl_launch(b, OCL_K_CMAES_AXES, a->dim, 0, axes, OCL_NARGS(axes))))
        return st;
    return a->host_out ? ocl_cmaes_results(b, a, 2) : GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_opencl_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->C || !a->pc || !a->mean || !a->lower || !a->upper || !a->D || !a->host_out ||
        (!a->separable && !a->BD))
        return ocl_cmaes_null(b, "cmaes_measure");
    if (a->axis >= a->dim)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "cmaes_measure: axis %zu of %zu coordinates", a->axis, a->dim);
    ocl_arg args[] = {OCL_U64(a->dim),   OCL_INT(a->separable), OCL_U64(a->axis),
                      OCL_DBL(a->sigma), OCL_MEM(a->C),         OCL_MEM(a->pc),
                      OCL_MEM(a->mean),  OCL_MEM(a->lower),     OCL_MEM(a->upper),
                      OCL_MEM(a->D),     OCL_MEM(a->BD),        OCL_MEM(ocl_of(b)->reduce_values)};
    gpuopt_status st = gpuopt_opencl_launch(b, OCL_K_CMAES_MEASURE, 1, 0, args, OCL_NARGS(args));
    return st ? st : ocl_cmaes_results(b, a, GPUOPT_CMAES_N_MEASURES);
}
