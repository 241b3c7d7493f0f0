/* The CPU backend's differential evolution operations: kernels/de.h per individual, on OpenMP
 * threads. Each individual reads only the previous population, so any thread count gives the
 * same bits. */
#include "../../kernels/de.h"
#include "../../kernels/problems.h"
#include "../../src/algorithms/de.h"
#include "cpu_popops.h"

gpuopt_status gpuopt_cpu_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a || !a->pop || !a->trial || !a->best_x || !a->lower || !a->upper)
        return GPUOPT_ERR_NULL_POINTER;
    const double *pop = a->pop, *best = a->best_x, *lower = a->lower, *upper = a->upper;
    double *trial = a->trial;
    const int64_t n = (int64_t)a->n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->n * a->dim))
#endif
    for (int64_t i = 0; i < n; ++i)
        gpuopt_de_trial_one((uint64_t)i, a->n, a->dim, a->variant, a->F, a->CR,
                            a->bounds_handling, a->seed, a->generation, pop, best, lower, upper,
                            trial);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a || !a->pop || !a->fit || !a->trial || !a->trial_f)
        return GPUOPT_ERR_NULL_POINTER;
    double *pop = a->pop, *fit = a->fit;
    const double *trial = a->trial, *trial_f = a->trial_f;
    const int64_t n = (int64_t)a->n;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->n * a->dim))
#endif
    for (int64_t i = 0; i < n; ++i)
        gpuopt_de_select_one((uint64_t)i, a->dim, pop, fit, trial, trial_f);
    return GPUOPT_SUCCESS;
}

/* Trial vector and its built-in criterion value in one loop (the row is still in cache). */
gpuopt_status gpuopt_cpu_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a)
{
    if (!b || !a || !a->pop || !a->trial || !a->trial_f || !a->best_x || !a->lower || !a->upper)
        return GPUOPT_ERR_NULL_POINTER;
    const double *pop = a->pop, *best = a->best_x, *lower = a->lower, *upper = a->upper;
    double *trial = a->trial, *trial_f = a->trial_f;
    const int64_t n = (int64_t)a->n;
    const int dim = (int)a->dim;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->n * a->dim))
#endif
    for (int64_t i = 0; i < n; ++i) {
        gpuopt_de_trial_one((uint64_t)i, a->n, a->dim, a->variant, a->F, a->CR,
                            a->bounds_handling, a->seed, a->generation, pop, best, lower, upper,
                            trial);
        trial_f[i] = gpuopt_builtin_value(a->builtin_id, trial + (size_t)i * a->dim, dim);
    }
    return GPUOPT_SUCCESS;
}
