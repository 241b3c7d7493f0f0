/* Differential evolution (Storn & Price 1997), pagmo2's `de` in batch form.
 *
 * The first ask returns the initial population; every later ask builds the whole generation's
 * trial vectors on the backend from the previous generation (de_trial) and returns them as one
 * batch; its tell keeps each trial that is at least as good as its target (de_select), moves
 * the best row, and checks pagmo's population-flatness stopping rules. See
 * docs/algorithms/de.md. */
#include "de.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../../kernels/philox.h"
#include "best_sync.h"

typedef enum de_stage {
    DE_ASK_INITIAL = 0, /* next: ask for the initial population */
    DE_TELL_INITIAL,    /* next: its values */
    DE_ASK_TRIAL,       /* next: ask for a generation's trial vectors */
    DE_TELL_TRIAL       /* next: their values */
} de_stage;

/* Plain values only (checkpointable). */
typedef struct de_state {
    int stage;
    int variant, bounds_handling, discard_start;
    double F, CR;
    uint64_t np;
    uint64_t generation; /* trial batches built so far */
    int64_t best_sync_every;
    int buf_pop, buf_fit, buf_trial, buf_trial_f, buf_best;
    int buf_rows; /* host scratch, 2 x dim: the initial rows, then the best and worst rows */
} de_state;

static const char *const de_variant_names[GPUOPT_DE_N_VARIANTS] = {
    "best/1/exp", "rand/1/exp", "rand-to-best/1/exp", "best/2/exp", "rand/2/exp",
    "best/1/bin", "rand/1/bin", "rand-to-best/1/bin", "best/2/bin", "rand/2/bin"};

/* -------------------------------------------------------------------- init */

static gpuopt_status de_read_options(gpuopt_run *run, de_state *s)
{
    s->variant = gpuopt_opt_choice(run, "mutation_variant");
    s->bounds_handling = gpuopt_opt_choice(run, "bounds_handling");
    s->F = gpuopt_opt_double(run, "weight_coefficient");
    s->CR = gpuopt_opt_double(run, "crossover_probability");
    s->discard_start = gpuopt_opt_bool(run, "discard_start_params");
    s->best_sync_every = gpuopt_opt_int(run, "best_sync_every");
    if (s->variant < 1 || s->variant > GPUOPT_DE_N_VARIANTS)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "de: mutation_variant must be 1..10, got %d", s->variant);
    if (s->bounds_handling < GPUOPT_DE_BOUNDS_RANDOM || s->bounds_handling > GPUOPT_DE_BOUNDS_REFLECT)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE, "de: invalid bounds_handling code %d",
                               s->bounds_handling);
    return GPUOPT_SUCCESS;
}

static gpuopt_status de_choose_population(gpuopt_run *run, de_state *s)
{
    uint64_t auto_np = 2 * (uint64_t)run->dim > 10 ? 2 * (uint64_t)run->dim : 10;
    s->np = gpuopt_opt_is_auto(run, "population_size")
                ? auto_np
                : (uint64_t)gpuopt_opt_int(run, "population_size");
    uint64_t need = (uint64_t)gpuopt_de_n_donors(s->variant) + 1;
    if (s->np < need)
        return gpuopt_run_fail(run, GPUOPT_ERR_POPULATION_TOO_SMALL,
                               "de: mutation_variant %s needs population_size >= %llu (%llu "
                               "distinct donors plus the target), got %llu",
                               de_variant_names[s->variant - 1], (unsigned long long)need,
                               (unsigned long long)(need - 1), (unsigned long long)s->np);
    if (s->np >= (UINT64_C(1) << 32))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "de: population_size must be below 2^32");
    return GPUOPT_SUCCESS;
}

static gpuopt_status de_allocate(gpuopt_run *run, de_state *s)
{
    size_t n = (size_t)s->np, d = run->dim, sz = sizeof(double);
    gpuopt_status st;
    if ((st = gpuopt_run_buffer(run, "de_pop", GPUOPT_ON_BACKEND, n * d, sz, &s->buf_pop)) ||
        (st = gpuopt_run_buffer(run, "de_fit", GPUOPT_ON_BACKEND, n, sz, &s->buf_fit)) ||
        (st = gpuopt_run_buffer(run, "de_trial", GPUOPT_ON_BACKEND, n * d, sz, &s->buf_trial)) ||
        (st = gpuopt_run_buffer(run, "de_trial_f", GPUOPT_ON_BACKEND, n, sz, &s->buf_trial_f)) ||
        (st = gpuopt_run_buffer(run, "de_best_x", GPUOPT_ON_BACKEND, d, sz, &s->buf_best)) ||
        (st = gpuopt_run_buffer(run, "de_rows", GPUOPT_ON_HOST, 2 * d, sz, &s->buf_rows)))
        return st;
    return GPUOPT_SUCCESS;
}

static gpuopt_status de_init(gpuopt_run *run)
{
    de_state *s = run->state;
    gpuopt_status st;
    if (!run->has_bounds)
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "de (pygmo_de) needs finite lower and upper bounds on every "
                               "parameter");
    if (run->dim >= (UINT64_C(1) << 30))
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "de: dimension must be below 2^30");
    if ((st = de_read_options(run, s)) || (st = de_choose_population(run, s)) ||
        (st = de_allocate(run, s)))
        return st;
    s->stage = DE_ASK_INITIAL;
    s->generation = 0;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------------- ask */

/* Row i of the initial population: the start point, or uniform in the bounds. */
static void de_initial_row(const gpuopt_run *run, const de_state *s, uint64_t i, double *row)
{
    if (i == 0 && !s->discard_start) {
        memcpy(row, run->x0, run->dim * sizeof(double));
        return;
    }
    uint64_t stream = gpuopt_stream(GPUOPT_DE_TAG_INIT, 0);
    for (size_t j = 0; j < run->dim; ++j) {
        double u = gpuopt_philox_uniform(run->seed, stream, (i << 32) | (uint64_t)j);
        row[j] = run->lower[j] + u * (run->upper[j] - run->lower[j]);
    }
}

static gpuopt_status de_ask_initial(gpuopt_run *run, de_state *s, gpuopt_batch *batch)
{
    double *row = gpuopt_run_host(run, s->buf_rows);
    for (uint64_t i = 0; i < s->np; ++i) {
        de_initial_row(run, s, i, row);
        gpuopt_status st = gpuopt_run_write(run, s->buf_pop, (size_t)i * run->dim, run->dim, row);
        if (st)
            return st;
    }
    *batch = (gpuopt_batch){.x_buffer = s->buf_pop, .x_row = 0, .f_buffer = s->buf_fit,
                            .f_row = 0, .raw_buffer = -1, .n = (size_t)s->np};
    s->stage = DE_TELL_INITIAL;
    return GPUOPT_SUCCESS;
}

static struct gpuopt_de_args de_args(const gpuopt_run *run, const de_state *s)
{
    return (struct gpuopt_de_args){
        .pop = gpuopt_run_dev(run, s->buf_pop),
        .fit = gpuopt_run_dev(run, s->buf_fit),
        .trial = gpuopt_run_dev(run, s->buf_trial),
        .trial_f = gpuopt_run_dev(run, s->buf_trial_f),
        .best_x = gpuopt_run_dev(run, s->buf_best),
        .lower = run->lower_dev,
        .upper = run->upper_dev,
        .n = (size_t)s->np,
        .dim = run->dim,
        .variant = s->variant,
        .bounds_handling = s->bounds_handling,
        .F = s->F,
        .CR = s->CR,
        .seed = run->seed,
        .generation = s->generation,
        .builtin_id = run->target ? run->target->builtin_id : -1,
    };
}

static gpuopt_status de_backend_fail(gpuopt_run *run, gpuopt_status st, const char *what)
{
    return gpuopt_run_fail(run, st, "de: %s failed: %s", what, run->backend->error);
}

static gpuopt_status de_ask_trial(gpuopt_run *run, de_state *s, gpuopt_batch *batch)
{
    s->generation += 1;
    struct gpuopt_de_args a = de_args(run, s);
    int fused = gpuopt_fusable(run);
    gpuopt_status st = fused ? gpuopt_backend_de_trial_evaluate(run->backend, &a)
                             : run->backend->ops->de_trial(run->backend, &a);
    if (st)
        return de_backend_fail(run, st, fused ? "de_trial_evaluate" : "de_trial");
    *batch = (gpuopt_batch){.x_buffer = s->buf_trial, .x_row = 0, .f_buffer = s->buf_trial_f,
                            .f_row = 0, .raw_buffer = -1, .n = (size_t)s->np,
                            .evaluated = fused, .untracked = s->best_sync_every > 1};
    s->stage = DE_TELL_TRIAL;
    return GPUOPT_SUCCESS;
}

static gpuopt_status de_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    de_state *s = run->state;
    if (s->stage == DE_ASK_INITIAL)
        return de_ask_initial(run, s, batch);
    if (s->stage == DE_ASK_TRIAL)
        return de_ask_trial(run, s, batch);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "de: ask while a batch is out");
}

/* -------------------------------------------------------------------- tell */

typedef struct de_extremes {
    size_t best, worst;
    double f_best, f_worst;
} de_extremes;

/* Finds the best and worst individuals and copies the best row into best_x. */
static gpuopt_status de_update_best(gpuopt_run *run, const de_state *s, de_extremes *e)
{
    gpuopt_backend *b = run->backend;
    gpuopt_status st = b->ops->minmax(b, gpuopt_run_dev(run, s->buf_fit), (size_t)s->np, &e->best,
                                      &e->f_best, &e->worst, &e->f_worst);
    if (st)
        return de_backend_fail(run, st, "minmax");
    run->report[0] = e->f_best;
    run->report[1] = e->f_worst;
    size_t row_bytes = run->dim * sizeof(double);
    st = gpuopt_backend_copy(b, gpuopt_run_dev(run, s->buf_best), 0, gpuopt_run_dev(run, s->buf_pop),
                             e->best * row_bytes, row_bytes);
    if (st)
        return de_backend_fail(run, st, "copy of the best row");
    return GPUOPT_SUCCESS;
}

/* pagmo's exit conditions: the spread in x (L1 distance between the best and the worst
 * individual), then in f, each strictly below its tolerance. */
static gpuopt_status de_check_flatness(gpuopt_run *run, const de_state *s, const de_extremes *e)
{
    if (run->stop.relative_params_tolerance > 0.0) {
        double *rows = gpuopt_run_host(run, s->buf_rows);
        double *xb = rows, *xw = rows + run->dim;
        gpuopt_status st;
        if ((st = gpuopt_run_read(run, s->buf_pop, e->best * run->dim, run->dim, xb)) ||
            (st = gpuopt_run_read(run, s->buf_pop, e->worst * run->dim, run->dim, xw)))
            return st;
        double dx = 0.0;
        for (size_t j = 0; j < run->dim; ++j)
            dx += fabs(xw[j] - xb[j]);
        if (dx < run->stop.relative_params_tolerance)
            return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    }
    if (fabs(e->f_worst - e->f_best) < run->stop.criterion_tolerance)
        return GPUOPT_STOP_CRITERION_TOLERANCE;
    return GPUOPT_SUCCESS;
}

static gpuopt_status de_tell_trial(gpuopt_run *run, de_state *s)
{
    struct gpuopt_de_args a = de_args(run, s);
    gpuopt_status st = run->backend->ops->de_select(run->backend, &a);
    if (st)
        return de_backend_fail(run, st, "de_select");
    de_extremes e;
    if ((st = de_update_best(run, s, &e)))
        return st;
    s->stage = DE_ASK_TRIAL;
    run->n_iterations += 1;
    gpuopt_status stop = de_check_flatness(run, s, &e);
    if (stop >= 0 && gpuopt_best_sync_due(run, s->best_sync_every, stop) &&
        (st = gpuopt_offer_best(run, s->buf_pop, e.best, e.f_best)))
        return st;
    return stop;
}

static gpuopt_status de_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    de_state *s = run->state;
    (void)batch;
    if (s->stage == DE_TELL_INITIAL) {
        de_extremes e;
        gpuopt_status st = de_update_best(run, s, &e);
        if (st == GPUOPT_SUCCESS)
            s->stage = DE_ASK_TRIAL;
        return st;
    }
    if (s->stage == DE_TELL_TRIAL)
        return de_tell_trial(run, s);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "de: tell without a batch out");
}

/* --------------------------------------------------------------- descriptor */

static const gpuopt_option_spec de_options[] = {
    {"population_size", GPUOPT_OPTION_INT, 0, "auto", 1, 4294967295.0, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO,
     "Individuals in the population; 0 = auto = max(2 * dim, 10). The variant needs at least "
     "3 (best/1, rand-to-best/1), 4 (rand/1), 5 (best/2) or 6 (rand/2)."},
    {"seed", GPUOPT_OPTION_INT, -1, "auto", 0, 9223372036854775807.0, NULL,
     GPUOPT_OPT_NEG_IS_AUTO, "Seed of the random draws; -1 = the context's seed."},
    {"discard_start_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "When false, the start point is individual 0 of the initial population; when true, every "
     "individual is drawn uniformly in the bounds."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 250, NULL, 0, 9223372036854775807.0, NULL, 0,
     "Generations to evolve."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 9223372036854775807.0, "unlimited",
     1, 9223372036854775807.0, NULL, 0, "Criterion evaluations allowed."},
    {"weight_coefficient", GPUOPT_OPTION_DOUBLE, 0.8, NULL, 0, 2, NULL, 0,
     "F: the weight of the difference vectors."},
    {"crossover_probability", GPUOPT_OPTION_DOUBLE, 0.9, NULL, 0, 1, NULL, 0,
     "CR: the probability of taking a component from the mutant."},
    {"mutation_variant", GPUOPT_OPTION_CHOICE, GPUOPT_DE_RAND_1_EXP, "rand/1/exp", 0, 0,
     "best/1/exp|rand/1/exp|rand-to-best/1/exp|best/2/exp|rand/2/exp|best/1/bin|rand/1/bin|"
     "rand-to-best/1/bin|best/2/bin|rand/2/bin",
     0, "How the mutant is built (a name, or pagmo's code 1..10)."},
    {"convergence.criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1e-6, NULL, 0, INFINITY, NULL, 0,
     "Stop when |f_worst - f_best| in the population is below this (0 disables)."},
    {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, INFINITY,
     NULL, 0,
     "Stop when sum_j |x_worst_j - x_best_j| in the population is below this (0 disables)."},
    {"bounds_handling", GPUOPT_OPTION_CHOICE, GPUOPT_DE_BOUNDS_RANDOM, "random", 0, 0,
     "random|clip|reflect", 0,
     "What happens to a trial component outside the bounds: re-drawn uniformly in the bounds "
     "(pagmo), clipped to the bound, or reflected at the bound."},
    GPUOPT_BEST_SYNC_OPTIONS,
};

static const char *const de_aliases[] = {"pygmo_de", NULL};
static const char *const de_report_keys[] = {"population_f_best", "population_f_worst", NULL};

const gpuopt_algorithm gpuopt_algorithm_de = {
    .name = "de",
    .aliases = de_aliases,
    .report_keys = de_report_keys,
    .presets = NULL,
    .summary = "Differential evolution (pagmo2's de): ten mutation variants, exponential or "
               "binomial crossover, whole generations evaluated as one batch.",
    .doc = "Storn & Price's differential evolution as in pagmo2's `de`. Differences: the trial "
           "vectors of a generation are all built from the previous generation (pagmo updates "
           "the population and the best individual while it goes through a generation), donors "
           "are distinct from the target, and F may lie in [0, 2]. Needs finite bounds. "
           "See docs/algorithms/de.md.",
    .properties = GPUOPT_PROP_GLOBAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_NEEDS_BOUNDS |
                  GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = de_options,
    .n_options = GPUOPT_COUNT(de_options),
    .state_size = sizeof(de_state),
    .init = de_init,
    .ask = de_ask,
    .tell = de_tell,
};
