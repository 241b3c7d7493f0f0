/* The optional population ops (fused DE / PSO generation steps, pso_best_update): the backend's
 * op, or the fallback built from required ops. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../kernels/pso.h"
#include "../src/algorithms/de.h"
#include "../src/algorithms/pso.h"
#include "backend.h"

/* Evaluates rows [first, first + count) of X with the built-in scalar problem builtin_id. */
static gpuopt_status evaluate_rows(gpuopt_backend *b, int builtin_id, gpuopt_dptr X, gpuopt_dptr f,
                                   size_t dim, size_t first, size_t count)
{
    if (first == 0)
        return b->ops->evaluate(b,
                                &(gpuopt_eval_target){.dim = dim,
                                                      .kind = GPUOPT_CRITERION_SCALAR,
                                                      .n_outputs = 1,
                                                      .builtin_id = builtin_id},
                                X, count, f, f);
    /* a range that does not start at row 0: through a host copy of the rows */
    double *x = malloc(count * dim * sizeof *x + 1), *v = malloc(count * sizeof *v + 1);
    gpuopt_dptr tx = NULL, tf = NULL;
    gpuopt_status st = x && v ? GPUOPT_SUCCESS
                              : gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, x, X, first * dim * sizeof *x, count * dim * sizeof *x);
    if (st == GPUOPT_SUCCESS && (st = b->ops->alloc(b, count * dim * sizeof *x, &tx)) == 0 &&
        (st = b->ops->alloc(b, count * sizeof *v, &tf)) == 0 &&
        (st = b->ops->write(b, tx, 0, x, count * dim * sizeof *x)) == 0)
        st = evaluate_rows(b, builtin_id, tx, tf, dim, 0, count);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_backend_copy(b, f, first * sizeof *v, tf, 0, count * sizeof *v);
    if (tx)
        b->ops->release(b, tx);
    if (tf)
        b->ops->release(b, tf);
    free(x);
    free(v);
    return st;
}

gpuopt_status gpuopt_backend_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (a->builtin_id < 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "de_trial_evaluate needs a built-in problem (got id %d)",
                                   a->builtin_id);
    if (b->ops->de_trial_evaluate)
        return b->ops->de_trial_evaluate(b, a);
    gpuopt_status st = b->ops->de_trial(b, a);
    return st == GPUOPT_SUCCESS
               ? evaluate_rows(b, a->builtin_id, a->trial, a->trial_f, a->dim, 0, a->n)
               : st;
}

gpuopt_status gpuopt_backend_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (a->builtin_id < 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_move_evaluate needs a built-in problem (got id %d)",
                                   a->builtin_id);
    if (b->ops->pso_move_evaluate)
        return b->ops->pso_move_evaluate(b, a);
    gpuopt_status st = b->ops->pso_move(b, a);
    return st == GPUOPT_SUCCESS
               ? evaluate_rows(b, a->builtin_id, a->X, a->f, a->dim, a->first, a->count)
               : st;
}

/* The sequential scan of pso_best_update over host copies of f and the old pbest_f. */
void gpuopt_pso_best_scan(const double *f, const double *pbest_f, size_t count, size_t *index,
                          double *value)
{
    *index = SIZE_MAX;
    *value = NAN;
    for (size_t t = 0; t < count; ++t)
        if (gpuopt_pso_improves(f[t], pbest_f[t]) && (*index == SIZE_MAX || f[t] <= *value)) {
            *index = t;
            *value = f[t];
        }
}

gpuopt_status gpuopt_backend_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                             size_t *index, double *value)
{
    if (!b || !a || !index || !value)
        return GPUOPT_ERR_NULL_POINTER;
    if (a->first > a->n || a->count > a->n - a->first)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_best_update: bad particle range");
    if (b->ops->pso_best_update)
        return b->ops->pso_best_update(b, a, index, value);
    size_t bytes = a->count * sizeof(double);
    double *f = malloc(bytes + 1), *pf = malloc(bytes + 1);
    gpuopt_status st = f && pf ? GPUOPT_SUCCESS
                               : gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, f, a->f, a->first * sizeof(double), bytes);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, pf, a->pbest_f, a->first * sizeof(double), bytes);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->pso_remember(b, a);
    if (st == GPUOPT_SUCCESS) {
        gpuopt_pso_best_scan(f, pf, a->count, index, value);
        if (*index != SIZE_MAX)
            *index += a->first;
    }
    free(f);
    free(pf);
    return st;
}
