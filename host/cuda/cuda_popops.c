/* CUDA population operations and finite-difference stencils: one thread per individual,
 * particle, stencil row or derivative entry, running the same kernels/de.h, kernels/pso.h and
 * kernels/fd.h functions as the CPU backend (so the same bits). Nothing leaves the device. */
#include <math.h>
#include <stdint.h>

#include "../../src/algorithms/de.h"
#include "../../src/algorithms/pso.h"
#include "../../src/derivatives/fd.h"
#include "cuda_internal.h"

gpuopt_status gpuopt_cuda_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->trial || !a->best_x || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_trial: NULL buffer");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "de_trial", a->n, 0, &l);
    if (st != GPUOPT_SUCCESS || a->n == 0)
        return st;
    return gpuopt_cuda_launched(b,
                                gpuopt_cuda_k_de_trial(l, a->n, a->dim, a->variant, a->F, a->CR,
                                                       a->bounds_handling, a->seed,
                                                       a->generation, a->pop, a->best_x,
                                                       a->lower, a->upper, a->trial),
                                "de_trial");
}

gpuopt_status gpuopt_cuda_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->fit || !a->trial || !a->trial_f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_select: NULL buffer");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "de_select", a->n, 0, &l);
    if (st != GPUOPT_SUCCESS || a->n == 0)
        return st;
    return gpuopt_cuda_launched(
        b, gpuopt_cuda_k_de_select(l, a->n, a->dim, a->pop, a->fit, a->trial, a->trial_f),
        "de_select");
}

static int cu_pso_range_ok(const struct gpuopt_pso_args *a)
{
    return a->first <= a->n && a->count <= a->n - a->first;
}

gpuopt_status gpuopt_cuda_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->V || !a->pbest_X || !a->pbest_f || !a->neighbours || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_move: NULL buffer");
    if (!cu_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "pso_move: bad particle range");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "pso_move", a->count, 0, &l);
    if (st != GPUOPT_SUCCESS || a->count == 0)
        return st;
    return gpuopt_cuda_launched(
        b,
        gpuopt_cuda_k_pso_move(l, a->first, a->count, a->n, a->dim, a->variant, a->topology,
                               a->gbest, a->omega, a->eta1, a->eta2, a->max_velocity, a->seed,
                               a->generation, a->X, a->V, a->pbest_X, a->pbest_f, a->neighbours,
                               a->lower, a->upper),
        "pso_move");
}

gpuopt_status gpuopt_cuda_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->f || !a->pbest_X || !a->pbest_f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_remember: NULL buffer");
    if (!cu_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_remember: bad particle range");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "pso_remember", a->count, 0, &l);
    if (st != GPUOPT_SUCCESS || a->count == 0)
        return st;
    return gpuopt_cuda_launched(b,
                                gpuopt_cuda_k_pso_remember(l, a->first, a->count, a->dim, a->X,
                                                           a->f, a->pbest_X, a->pbest_f),
                                "pso_remember");
}

gpuopt_status gpuopt_cuda_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->pop || !a->trial || !a->trial_f || !a->best_x || !a->lower || !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "de_trial_evaluate: NULL buffer");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "de_trial_evaluate", a->n, 0, &l);
    if (st != GPUOPT_SUCCESS || a->n == 0)
        return st;
    return gpuopt_cuda_launched(
        b,
        gpuopt_cuda_k_de_trial_eval(l, a->n, a->dim, a->variant, a->F, a->CR, a->bounds_handling,
                                    a->seed, a->generation, a->builtin_id, a->pop, a->best_x,
                                    a->lower, a->upper, a->trial, a->trial_f),
        "de_trial_evaluate");
}

gpuopt_status gpuopt_cuda_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->V || !a->f || !a->pbest_X || !a->pbest_f || !a->neighbours || !a->lower ||
        !a->upper)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_move_evaluate: NULL buffer");
    if (!cu_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_move_evaluate: bad particle range");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "pso_move_evaluate", a->count, 0, &l);
    if (st != GPUOPT_SUCCESS || a->count == 0)
        return st;
    return gpuopt_cuda_launched(
        b,
        gpuopt_cuda_k_pso_move_eval(l, a->first, a->count, a->n, a->dim, a->variant, a->topology,
                                    a->gbest, a->omega, a->eta1, a->eta2, a->max_velocity,
                                    a->seed, a->generation, a->builtin_id, a->X, a->V,
                                    a->pbest_X, a->pbest_f, a->neighbours, a->lower, a->upper,
                                    a->f),
        "pso_move_evaluate");
}

/* pso_remember writing the reversed improvement keys, then minmax over them: one index and one
 * value cross to the host. */
gpuopt_status gpuopt_cuda_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                          size_t *index, double *value)
{
    if (!b || !a || !index || !value)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->f || !a->pbest_X || !a->pbest_f || !a->keys)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "pso_best_update: NULL buffer");
    if (!cu_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_best_update: bad particle range");
    *index = SIZE_MAX;
    *value = NAN;
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "pso_best_update", a->count, 0, &l);
    if (st != GPUOPT_SUCCESS || a->count == 0)
        return st;
    st = gpuopt_cuda_launched(b,
                              gpuopt_cuda_k_pso_remember_keys(l, a->first, a->count, a->dim, a->X,
                                                              a->f, a->pbest_X, a->pbest_f,
                                                              a->keys),
                              "pso_best_update");
    size_t rev;
    double v = NAN;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_minmax(b, a->keys, a->count, &rev, &v, NULL, NULL);
    if (st == GPUOPT_SUCCESS && !isnan(v)) {
        *index = a->first + (a->count - 1 - rev);
        *value = v;
    }
    return st;
}

/* ------------------------------------------------------------------ finite differences */

gpuopt_status gpuopt_cuda_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (!b || !a || !a->x || !a->steps || !a->points)
        return GPUOPT_ERR_NULL_POINTER;
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "fd_points", a->n_rows, 0, &l);
    if (st != GPUOPT_SUCCESS || a->n_rows == 0)
        return st;
    return gpuopt_cuda_launched(b,
                                gpuopt_cuda_k_fd_points(l, a->n_rows, a->order, a->method,
                                                        a->dim, a->x, a->steps, a->points),
                                "fd_points");
}

gpuopt_status gpuopt_cuda_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (!b || !a || !a->x || !a->steps || !a->values || !a->out)
        return GPUOPT_ERR_NULL_POINTER;
    if (a->n_steps < 1 || a->n_steps > GPUOPT_FD_MAX_STEPS || (a->order != 1 && a->order != 2))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "fd_combine: order %d with %d steps (order 1 or 2, 1 to %d "
                                   "steps)",
                                   a->order, a->n_steps, GPUOPT_FD_MAX_STEPS);
    size_t rows = gpuopt_fd_out_rows(a);
    if (a->dim && rows > SIZE_MAX / a->dim)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "fd_combine: %zu x %zu entries are too many", rows, a->dim);
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "fd_combine", rows * a->dim, 0, &l);
    if (st != GPUOPT_SUCCESS || rows * a->dim == 0)
        return st;
    return gpuopt_cuda_launched(b,
                                gpuopt_cuda_k_fd_combine(l, a->order, a->method, a->n_steps,
                                                         a->dim, a->n_outputs, rows, a->x,
                                                         a->steps, a->values, a->out),
                                "fd_combine");
}
