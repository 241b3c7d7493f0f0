/* Wall time per part of a run: the framework's phases (ask, evaluation, tell) and the parts
 * algorithms book under names of their own. See gpuopt_run_timings in algorithm.h. */
#include <string.h>

#include "core.h"

static const char *const phase_names[GPUOPT_TIMING_N_PHASES] = {"ask", "evaluation", "tell"};

void gpuopt_timings_reset(gpuopt_run_timings *t, int synchronize)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < GPUOPT_TIMING_N_PHASES; ++i)
        t->name[i] = phase_names[i];
    t->n = GPUOPT_TIMING_N_PHASES;
    t->synchronize = synchronize;
}

double gpuopt_run_clock(gpuopt_run *run)
{
    if (run->timings.synchronize && run->backend)
        run->backend->ops->synchronize(run->backend);
    return gpuopt_now();
}

/* The slot of `name`, added when new; NULL when all slots are taken. */
static double *slot(gpuopt_run_timings *t, const char *name)
{
    for (size_t i = 0; i < t->n; ++i)
        if (t->name[i] == name || strcmp(t->name[i], name) == 0)
            return &t->seconds[i];
    if (t->n == GPUOPT_MAX_TIMINGS)
        return NULL;
    t->name[t->n] = name;
    return &t->seconds[t->n++];
}

void gpuopt_run_book(gpuopt_run *run, const char *name, double since)
{
    double dt = gpuopt_run_clock(run) - since;
    double *s = name ? slot(&run->timings, name) : NULL;
    if (!s)
        return; /* stays in the enclosing phase */
    *s += dt;
    run->timings.booked += dt;
}

void gpuopt_timings_end_phase(gpuopt_run *run, gpuopt_timing_phase phase, double since)
{
    double dt = gpuopt_run_clock(run) - since - run->timings.booked;
    run->timings.seconds[phase] += dt > 0 ? dt : 0;
    run->timings.booked = 0;
}
