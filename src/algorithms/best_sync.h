/* What DE and PSO share about their device-resident generations: whether a generation can be
 * fused with the evaluation of a built-in criterion, and how often the best point crosses to the
 * host (option best_sync_every; docs/algorithms/de.md, pso.md). */
#ifndef GPUOPT_ALGORITHMS_BEST_SYNC_H
#define GPUOPT_ALGORITHMS_BEST_SYNC_H

#include <stdint.h>

#include "../algorithm.h"

/* The option rows (append to the algorithm's table). */
#define GPUOPT_BEST_SYNC_OPTIONS                                                                   \
    {"best_sync_every", GPUOPT_OPTION_INT, 1, NULL, 1, 9223372036854775807.0, NULL, 0,             \
     "Generations between two crossings of the best point to the host (the result's best, "      \
     "progress callbacks). 1: the framework checks every batch. k > 1: it checks none, and the "  \
     "population's best crosses every k-th generation and at the last one (iteration or "        \
     "evaluation budget, convergence); a run stopped by time, an interrupt or an observer "      \
     "reports the best of the last crossing."},                                                  \
    {"fused_generation", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,                               \
     "With a built-in problem, build and evaluate a generation in one backend pass per "          \
     "individual (same bits as the unfused steps); other criteria always take the unfused "      \
     "steps."}

/* Whether the criterion the framework evaluates is a built-in scalar problem, so that a
 * generation step may evaluate it itself (gpuopt_batch.evaluated). */
static inline int gpuopt_fusable(const gpuopt_run *run)
{
    const gpuopt_eval_target *t = run->target;
    return gpuopt_opt_bool(run, "fused_generation") && t && t->builtin_id >= 0 &&
           t->n_outputs == 1 && t->kind == GPUOPT_CRITERION_SCALAR;
}

/* Whether the best point crosses after this tell (best_sync_every = every > 1): every k-th
 * generation, and whenever the run is about to stop on its budget or on `pending`. */
static inline int gpuopt_best_sync_due(const gpuopt_run *run, int64_t every, gpuopt_status pending)
{
    return every > 1 &&
           (pending != GPUOPT_SUCCESS || run->n_iterations % every == 0 ||
            run->n_iterations >= run->stop.max_iterations ||
            run->n_evaluations >= run->stop.max_evaluations);
}

/* Row `row` of backend buffer `id` (value f) becomes the run's best point when it is better
 * (the framework's rule: strictly smaller). */
static inline gpuopt_status gpuopt_offer_best(gpuopt_run *run, int id, size_t row, double f)
{
    if (!(f < run->best_f))
        return GPUOPT_SUCCESS;
    gpuopt_status st = gpuopt_run_read(run, id, row * run->dim, run->dim, run->best_x);
    if (st == GPUOPT_SUCCESS)
        run->best_f = f;
    return st;
}

#endif /* GPUOPT_ALGORITHMS_BEST_SYNC_H */
