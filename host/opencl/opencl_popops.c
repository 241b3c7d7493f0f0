/* OpenCL population operations: one thread per individual / particle, running the same
 * kernels/de.h and kernels/pso.h functions as the CPU backend (so the same bits). The
 * population never leaves the device. */
#include <math.h>
#include <stdint.h>

#include "../../src/algorithms/de.h"
#include "../../src/algorithms/pso.h"
#include "opencl_internal.h"

gpuopt_status gpuopt_opencl_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->trial || !a->best_x || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_trial: NULL buffer");
    ocl_arg args[] = {OCL_U64(a->n),          OCL_U64(a->dim),        OCL_INT(a->variant),
                      OCL_DBL(a->F),          OCL_DBL(a->CR),         OCL_INT(a->bounds_handling),
                      OCL_U64(a->seed),       OCL_U64(a->generation), OCL_MEM(a->pop),
                      OCL_MEM(a->best_x),     OCL_MEM(a->lower),      OCL_MEM(a->upper),
                      OCL_MEM(a->trial)};
    return gpuopt_opencl_launch(b, OCL_K_DE_TRIAL, a->n, 0, args, OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->fit || !a->trial || !a->trial_f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_select: NULL buffer");
    ocl_arg args[] = {OCL_U64(a->n),     OCL_U64(a->dim),   OCL_MEM(a->pop),
                      OCL_MEM(a->fit),   OCL_MEM(a->trial), OCL_MEM(a->trial_f)};
    return gpuopt_opencl_launch(b, OCL_K_DE_SELECT, a->n, 0, args, OCL_NARGS(args));
}

static int ocl_pso_range_ok(const struct gpuopt_pso_args *a)
{
    return a->first <= a->n && a->count <= a->n - a->first;
}

gpuopt_status gpuopt_opencl_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->V || !a->pbest_X || !a->pbest_f || !a->neighbours || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_move: NULL buffer");
    if (!ocl_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "pso_move: bad particle range");
    ocl_arg args[] = {OCL_U64(a->first),     OCL_U64(a->count),      OCL_U64(a->n),
                      OCL_U64(a->dim),       OCL_INT(a->variant),    OCL_INT(a->topology),
                      OCL_U64(a->gbest),     OCL_DBL(a->omega),      OCL_DBL(a->eta1),
                      OCL_DBL(a->eta2),      OCL_DBL(a->max_velocity), OCL_U64(a->seed),
                      OCL_U64(a->generation), OCL_MEM(a->X),         OCL_MEM(a->V),
                      OCL_MEM(a->pbest_X),   OCL_MEM(a->pbest_f),    OCL_MEM(a->neighbours),
                      OCL_MEM(a->lower),     OCL_MEM(a->upper)};
    return gpuopt_opencl_launch(b, OCL_K_PSO_MOVE, a->count, 0, args, OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->f || !a->pbest_X || !a->pbest_f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_remember: NULL buffer");
    if (!ocl_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_remember: bad particle range");
    ocl_arg args[] = {OCL_U64(a->first), OCL_U64(a->count),   OCL_U64(a->dim),
                      OCL_MEM(a->X),     OCL_MEM(a->f),       OCL_MEM(a->pbest_X),
                      OCL_MEM(a->pbest_f)};
    return gpuopt_opencl_launch(b, OCL_K_PSO_REMEMBER, a->count, 0, args, OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->trial || !a->trial_f || !a->best_x || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_trial_evaluate: NULL buffer");
    ocl_arg args[] = {OCL_U64(a->n),          OCL_U64(a->dim),        OCL_INT(a->variant),
                      OCL_DBL(a->F),          OCL_DBL(a->CR),         OCL_INT(a->bounds_handling),
                      OCL_U64(a->seed),       OCL_U64(a->generation), OCL_INT(a->builtin_id),
                      OCL_MEM(a->pop),        OCL_MEM(a->best_x),     OCL_MEM(a->lower),
                      OCL_MEM(a->upper),      OCL_MEM(a->trial),      OCL_MEM(a->trial_f)};
    return gpuopt_opencl_launch(b, OCL_K_DE_TRIAL_EVAL, a->n, 0, args, OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->V || !a->f || !a->pbest_X || !a->pbest_f || !a->neighbours || !a->lower ||
        !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_move_evaluate: NULL buffer");
    if (!ocl_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_move_evaluate: bad particle range");
    ocl_arg args[] = {OCL_U64(a->first),     OCL_U64(a->count),      OCL_U64(a->n),
                      OCL_U64(a->dim),       OCL_INT(a->variant),    OCL_INT(a->topology),
                      OCL_U64(a->gbest),     OCL_DBL(a->omega),      OCL_DBL(a->eta1),
                      OCL_DBL(a->eta2),      OCL_DBL(a->max_velocity), OCL_U64(a->seed),
                      OCL_U64(a->generation), OCL_INT(a->builtin_id), OCL_MEM(a->X),
                      OCL_MEM(a->V),         OCL_MEM(a->pbest_X),    OCL_MEM(a->pbest_f),
                      OCL_MEM(a->neighbours), OCL_MEM(a->lower),     OCL_MEM(a->upper),
                      OCL_MEM(a->f)};
    return gpuopt_opencl_launch(b, OCL_K_PSO_MOVE_EVAL, a->count, 0, args, OCL_NARGS(args));
}

/* pso_remember writing the reversed improvement keys, then minmax over them: one index and one
 * value cross to the host. */
gpuopt_status gpuopt_opencl_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                            size_t *index, double *value)
{
    if (!b || !a || !index || !value)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->f || !a->pbest_X || !a->pbest_f || !a->keys)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_best_update: NULL buffer");
    if (!ocl_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_best_update: bad particle range");
    *index = SIZE_MAX;
    *value = NAN;
    if (a->count == 0)
        return GPUOPT_SUCCESS;
    ocl_arg args[] = {OCL_U64(a->first),   OCL_U64(a->count),   OCL_U64(a->dim),
                      OCL_MEM(a->X),       OCL_MEM(a->f),       OCL_MEM(a->pbest_X),
                      OCL_MEM(a->pbest_f), OCL_MEM(a->keys)};
    gpuopt_status st =
        gpuopt_opencl_launch(b, OCL_K_PSO_REMEMBER_KEYS, a->count, 0, args, OCL_NARGS(args));
    size_t rev;
    double v;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_minmax(b, a->keys, a->count, &rev, &v, NULL, NULL);
    if (st == GPUOPT_SUCCESS && !isnan(v)) {
        *index = a->first + (a->count - 1 - rev);
        *value = v;
    }
    return st;
}
