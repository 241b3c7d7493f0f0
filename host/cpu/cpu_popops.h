/* The CPU backend's population operations, each in its own file (cpu_de.c, cpu_pso.c), and
 * referenced by the ops table in cpu_backend.c. They run the kernels/ math per individual on
 * OpenMP threads; the result does not depend on the thread count. */
#ifndef GPUOPT_HOST_CPU_POPOPS_H
#define GPUOPT_HOST_CPU_POPOPS_H

#include "../backend.h"

/* Threads for a loop of `work` element operations: below a few thousand a parallel region costs
 * more than it saves (and spin-waiting threads hurt small batches). Results never depend on it. */
#define GPUOPT_CPU_PARALLEL_WORK 4096
static inline int gpuopt_cpu_threads_for(const gpuopt_backend *b, size_t work)
{
    return work >= GPUOPT_CPU_PARALLEL_WORK && b->n_threads > 1 ? b->n_threads : 1;
}

gpuopt_status gpuopt_cpu_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cpu_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cpu_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cpu_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cpu_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_cpu_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_cpu_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                         size_t *index, double *value);

#endif
