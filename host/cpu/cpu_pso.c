/* The CPU backend's particle swarm operations: kernels/pso.h per particle, on OpenMP threads.
 * A particle's move reads only personal bests and writes only its own row, so any thread count
 * gives the same bits. */
#include <stdint.h>

#include "../../kernels/problems.h"
#include "../../kernels/pso.h"
#include "../../src/algorithms/pso.h"
#include "cpu_popops.h"

static int cpu_pso_range_ok(const struct gpuopt_pso_args *a)
{
    return a->first <= a->n && a->count <= a->n - a->first;
}

gpuopt_status gpuopt_cpu_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a || !a->X || !a->V || !a->pbest_X || !a->pbest_f || !a->neighbours || !a->lower ||
        !a->upper)
        return GPUOPT_ERR_NULL_POINTER;
    if (!cpu_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "pso_move: bad particle range");
    double *X = a->X, *V = a->V;
    const double *pbest_X = a->pbest_X, *pbest_f = a->pbest_f;
    const double *lower = a->lower, *upper = a->upper;
    const int *table = a->neighbours;
    const int64_t first = (int64_t)a->first, last = (int64_t)(a->first + a->count);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->count * a->dim))
#endif
    for (int64_t i = first; i < last; ++i)
        gpuopt_pso_move_one((uint64_t)i, a->n, a->dim, a->variant, a->topology, a->gbest,
                            a->omega, a->eta1, a->eta2, a->max_velocity, a->seed, a->generation,
                            X, V, pbest_X, pbest_f, table, lower, upper);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a || !a->X || !a->f || !a->pbest_X || !a->pbest_f)
        return GPUOPT_ERR_NULL_POINTER;
    if (!cpu_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_remember: bad particle range");
    const double *X = a->X, *f = a->f;
    double *pbest_X = a->pbest_X, *pbest_f = a->pbest_f;
    const int64_t first = (int64_t)a->first, last = (int64_t)(a->first + a->count);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->count * a->dim))
#endif
    for (int64_t i = first; i < last; ++i)
        gpuopt_pso_remember_one((uint64_t)i, a->dim, X, f, pbest_X, pbest_f);
    return GPUOPT_SUCCESS;
}

/* Move and the built-in criterion value of the new position in one loop. */
gpuopt_status gpuopt_cpu_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a)
{
    if (!b || !a || !a->X || !a->V || !a->f || !a->pbest_X || !a->pbest_f || !a->neighbours ||
        !a->lower || !a->upper)
        return GPUOPT_ERR_NULL_POINTER;
    if (!cpu_pso_range_ok(a) || (a->topology == GPUOPT_PSO_GBEST && a->gbest >= a->n))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_move_evaluate: bad particle range");
    double *X = a->X, *V = a->V, *f = a->f;
    const double *pbest_X = a->pbest_X, *pbest_f = a->pbest_f;
    const double *lower = a->lower, *upper = a->upper;
    const int *table = a->neighbours;
    const int64_t first = (int64_t)a->first, last = (int64_t)(a->first + a->count);
    const int dim = (int)a->dim;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->count * a->dim))
#endif
    for (int64_t i = first; i < last; ++i) {
        gpuopt_pso_move_one((uint64_t)i, a->n, a->dim, a->variant, a->topology, a->gbest,
                            a->omega, a->eta1, a->eta2, a->max_velocity, a->seed, a->generation,
                            X, V, pbest_X, pbest_f, table, lower, upper);
        f[i] = gpuopt_builtin_value(a->builtin_id, X + (size_t)i * a->dim, dim);
    }
    return GPUOPT_SUCCESS;
}

/* The reference: the sequential scan over the old memories, then pso_remember. */
gpuopt_status gpuopt_cpu_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                         size_t *index, double *value)
{
    if (!b || !a || !a->f || !a->pbest_f || !index || !value)
        return GPUOPT_ERR_NULL_POINTER;
    if (!cpu_pso_range_ok(a))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "pso_best_update: bad particle range");
    const double *f = a->f, *pbest_f = a->pbest_f;
    gpuopt_pso_best_scan(f + a->first, pbest_f + a->first, a->count, index, value);
    if (*index != SIZE_MAX)
        *index += a->first;
    return gpuopt_cpu_pso_remember(b, a);
}
