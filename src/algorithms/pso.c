/* Particle swarm optimization after pagmo2's `pso` (update=sequential) and `pso_gen`
 * (update=generational). The per-particle math lives in kernels/pso.h and runs on the backend
 * (pso_move, pso_remember); this file holds the options, the swarm topologies (built on the host,
 * written to a small int table on the backend) and the ask/tell flow:
 *
 *   ask 0:  the initial swarm (particle 0 = x0 unless discard_start_params), all n points.
 *   tell 0: personal bests = initial positions; the swarm's best; the topology.
 *   then per generation:
 *     generational: ask moves all particles, one batch of n; tell updates all memories.
 *     sequential:   n rounds of ask (move particle i), batch of 1, tell (update its memory),
 *                   so later particles of the generation see it.
 *   At the end of a generation: adaptive_random rewires when the swarm's best did not improve;
 *   run->n_iterations += 1.
 * A batch never asks for more evaluations than the budget has left. */
#include "pso.h"

#include "best_sync.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { PSO_UPDATE_GENERATIONAL = 1, PSO_UPDATE_SEQUENTIAL = 2 };
enum { PSO_PHASE_START = 0, PSO_PHASE_MOVE = 1 };

/* Plain values only (see src/algorithm.h). */
typedef struct pso_state {
    int buf_x, buf_v, buf_f, buf_pbest_x, buf_pbest_f, buf_table, buf_keys; /* backend */
    int buf_init, buf_table_host;                                           /* host */
    size_t n;
    size_t table_cap;   /* ints in the neighbour table buffers */
    int variant, topology, update, discard_start;
    int64_t neighbor_param;
    double omega, eta1, eta2, max_velocity;
    int phase;
    size_t next;        /* sequential: the particle that moves next */
    size_t gbest;       /* the particle whose memory is the swarm's best (pagmo's tie rule) */
    double gbest_f;
    int improved;       /* the swarm's best improved in this generation */
    uint64_t n_rewires; /* adaptive_random: topologies built so far */
    int64_t best_sync_every;
} pso_state;

static const gpuopt_option_spec pso_options[] = {
    {"population_size", GPUOPT_OPTION_INT, 0, NULL, 2, 1e9, NULL, GPUOPT_OPT_ZERO_IS_AUTO,
     "Number of particles; 0 (auto) means max(2 * dim, 10)."},
    {"seed", GPUOPT_OPTION_INT, -1, NULL, 0, (double)INT64_MAX, NULL, GPUOPT_OPT_NEG_IS_AUTO,
     "Seed of the random numbers; -1 (auto) uses the context's seed."},
    {"discard_start_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "If true, the start point is not made particle 0 of the initial swarm."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 250, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Number of generations (every particle moves once per generation)."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, (double)INT64_MAX, "unlimited", 1,
     (double)INT64_MAX, NULL, 0, "Stop after this many criterion evaluations."},
    {"omega", GPUOPT_OPTION_DOUBLE, 0.7298, NULL, 0, 1, NULL, 0,
     "Inertia weight (variants 1-4) or constriction factor (variants 5 and 6)."},
    {"force_of_previous_best", GPUOPT_OPTION_DOUBLE, 2.05, NULL, 0, 4, NULL, 0,
     "eta1: pull towards the particle's own best position."},
    {"force_of_best_in_neighborhood", GPUOPT_OPTION_DOUBLE, 2.05, NULL, 0, 4, NULL, 0,
     "eta2: pull towards the best position in the particle's neighbourhood."},
    {"max_velocity", GPUOPT_OPTION_DOUBLE, 0.5, NULL, 0, 1, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "Largest velocity component, as a fraction of the box width upper - lower."},
    {"algo_variant", GPUOPT_OPTION_CHOICE, GPUOPT_PSO_CANONICAL_CONSTRICTION, NULL, 0, 0,
     "canonical_inertia|social_and_cog_rand|all_components_rand|one_rand|"
     "canonical_constriction|fips",
     0, "Velocity update rule (pagmo's variants 1-6)."},
    {"neighbor_definition", GPUOPT_OPTION_CHOICE, GPUOPT_PSO_LBEST, NULL, 0, 0,
     "gbest|lbest|von_neumann|adaptive_random", 0,
     "Swarm topology: who informs whom (pagmo's codes 1-4)."},
    {"neighbor_param", GPUOPT_OPTION_INT, 4, NULL, 1, 1e9, NULL, 0,
     "lbest: informants per particle (ring radius neighbor_param / 2, needs >= 2); "
     "adaptive_random: each particle informs itself and neighbor_param - 1 random particles "
     "(at most population_size). Ignored by gbest and von_neumann."},
    {"keep_velocities", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "pagmo's memory flag across evolve() calls; within one gpuopt run velocities always persist "
     "from generation to generation, so it has no effect."},
    {"update", GPUOPT_OPTION_CHOICE, PSO_UPDATE_GENERATIONAL, NULL, 0, 0,
     "generational|sequential", 0,
     "generational (pagmo's pso_gen): all particles move, then the swarm is evaluated as one "
     "batch; sequential (pagmo's pso): one particle moves and is evaluated at a time."},
    GPUOPT_BEST_SYNC_OPTIONS,
};

/* ------------------------------------------------------------- topologies */

static size_t pso_table_entries(const pso_state *s)
{
    switch (s->topology) {
    case GPUOPT_PSO_LBEST: return s->n * 2 * (size_t)(s->neighbor_param / 2);
    case GPUOPT_PSO_VON_NEUMANN: return s->n * 4;
    case GPUOPT_PSO_ADAPTIVE_RANDOM: return s->n * (size_t)s->neighbor_param;
    default: return 0; /* gbest: the table is not read */
    }
}

/* Ring: radius r on each side, the farther ones first (pagmo's order). */
static void pso_build_lbest(int *table, size_t n, size_t radius)
{
    int *idx = table + n + 1;
    size_t k = 0;
    for (size_t p = 0; p < n; ++p) {
        table[p] = (int)k;
        for (size_t j = radius; j > 0; --j)
            idx[k++] = (int)(p < j ? p + n - j : p - j);
        for (size_t j = 1; j <= radius; ++j)
            idx[k++] = (int)(p + j >= n ? p + j - n : p + j);
    }
    table[n] = (int)k;
}

/* Lattice of rows x cols (rows the largest divisor of n not above sqrt(n)), wrapped; the
 * informants of a particle are W, E, N, S. */
static void pso_build_von_neumann(int *table, size_t n)
{
    static const int diff[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    int *idx = table + n + 1;
    size_t rows = (size_t)sqrt((double)n);
    while (rows > 1 && n % rows != 0)
        --rows;
    size_t cols = n / rows;
    for (size_t p = 0; p < n; ++p) {
        table[p] = (int)(4 * p);
        long px = (long)(p % cols), py = (long)(p / cols);
        for (int k = 0; k < 4; ++k) {
            long nx = (px + diff[k][0] + (long)cols) % (long)cols;
            long ny = (py + diff[k][1] + (long)rows) % (long)rows;
            idx[4 * p + (size_t)k] = (int)((size_t)ny * cols + (size_t)nx);
        }
    }
    table[n] = (int)(4 * n);
}

/* The particle that particle p informs with its j-th random link (j >= 1). */
static size_t pso_random_link(uint64_t seed, uint64_t build, size_t p, size_t j, size_t n)
{
    uint64_t stream = gpuopt_stream(GPUOPT_PSO_TAG_TOPOLOGY, build);
    return (size_t)gpuopt_uniform_below(gpuopt_pso_draw(seed, stream, p, j), n);
}

/* Each particle informs itself and K - 1 random particles (repeats allowed); particle q's list
 * holds its informants in the order pagmo appends them. cursor: n scratch ints. */
static void pso_build_adaptive(int *table, int *cursor, size_t n, size_t K, uint64_t seed,
                               uint64_t build)
{
    int *idx = table + n + 1;
    for (size_t q = 0; q <= n; ++q)
        table[q] = 0;
    for (size_t p = 0; p < n; ++p) {
        ++table[p + 1];
        for (size_t j = 1; j < K; ++j)
            ++table[pso_random_link(seed, build, p, j, n) + 1];
    }
    for (size_t q = 0; q < n; ++q) {
        table[q + 1] += table[q];
        cursor[q] = table[q];
    }
    for (size_t p = 0; p < n; ++p) {
        idx[cursor[p]++] = (int)p;
        for (size_t j = 1; j < K; ++j)
            idx[cursor[pso_random_link(seed, build, p, j, n)]++] = (int)p;
    }
}

/* Builds the topology on the host and writes it to the backend table. */
static gpuopt_status pso_build_topology(gpuopt_run *run, pso_state *s)
{
    int *table = gpuopt_run_host(run, s->buf_table_host);
    size_t n = s->n;
    switch (s->topology) {
    case GPUOPT_PSO_LBEST:
        pso_build_lbest(table, n, (size_t)(s->neighbor_param / 2));
        break;
    case GPUOPT_PSO_VON_NEUMANN:
        pso_build_von_neumann(table, n);
        break;
    case GPUOPT_PSO_ADAPTIVE_RANDOM:
        pso_build_adaptive(table, table + s->table_cap, n, (size_t)s->neighbor_param, run->seed,
                           s->n_rewires++);
        break;
    default:
        memset(table, 0, (n + 1) * sizeof *table);
        break;
    }
    return gpuopt_run_write(run, s->buf_table, 0, n + 1 + pso_table_entries(s), table);
}

/* ------------------------------------------------------------------- init */

static gpuopt_status pso_read_options(gpuopt_run *run, pso_state *s)
{
    int64_t n = gpuopt_opt_int(run, "population_size");
    if (gpuopt_opt_is_auto(run, "population_size"))
        n = run->dim * 2 > 10 ? (int64_t)run->dim * 2 : 10;
    s->n = (size_t)n;
    s->discard_start = gpuopt_opt_bool(run, "discard_start_params");
    s->omega = gpuopt_opt_double(run, "omega");
    s->eta1 = gpuopt_opt_double(run, "force_of_previous_best");
    s->eta2 = gpuopt_opt_double(run, "force_of_best_in_neighborhood");
    s->max_velocity = gpuopt_opt_double(run, "max_velocity");
    s->variant = gpuopt_opt_choice(run, "algo_variant");
    s->topology = gpuopt_opt_choice(run, "neighbor_definition");
    s->neighbor_param = gpuopt_opt_int(run, "neighbor_param");
    s->update = gpuopt_opt_choice(run, "update");
    s->best_sync_every = gpuopt_opt_int(run, "best_sync_every");
    if (s->variant < 1 || s->variant > 6 || s->topology < 1 || s->topology > 4 || s->update < 1 ||
        s->update > 2)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "pso: option table lookup failed");
    return GPUOPT_SUCCESS;
}

static gpuopt_status pso_check_neighbor_param(gpuopt_run *run, const pso_state *s)
{
    int64_t k = s->neighbor_param, n = (int64_t)s->n;
    if (s->topology == GPUOPT_PSO_LBEST && (k < 2 || k / 2 >= n))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "pso: neighbor_definition=lbest needs 2 <= neighbor_param and "
                               "neighbor_param / 2 < population_size (%lld); got neighbor_param=%lld",
                               (long long)n, (long long)k);
    if (s->topology == GPUOPT_PSO_ADAPTIVE_RANDOM && (k < 1 || k > n))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "pso: neighbor_definition=adaptive_random needs 1 <= neighbor_param "
                               "<= population_size (%lld); got neighbor_param=%lld",
                               (long long)n, (long long)k);
    return GPUOPT_SUCCESS;
}

static gpuopt_status pso_allocate(gpuopt_run *run, pso_state *s)
{
    size_t n = s->n, nd = s->n * run->dim;
    s->table_cap = n + 1 + pso_table_entries(s);
    gpuopt_status st;
    if ((st = gpuopt_run_buffer(run, "pso_x", GPUOPT_ON_BACKEND, nd, sizeof(double), &s->buf_x)) ||
        (st = gpuopt_run_buffer(run, "pso_v", GPUOPT_ON_BACKEND, nd, sizeof(double), &s->buf_v)) ||
        (st = gpuopt_run_buffer(run, "pso_f", GPUOPT_ON_BACKEND, n, sizeof(double), &s->buf_f)) ||
        (st = gpuopt_run_buffer(run, "pso_pbest_x", GPUOPT_ON_BACKEND, nd, sizeof(double),
                                &s->buf_pbest_x)) ||
        (st = gpuopt_run_buffer(run, "pso_pbest_f", GPUOPT_ON_BACKEND, n, sizeof(double),
                                &s->buf_pbest_f)) ||
        (st = gpuopt_run_buffer(run, "pso_neighbours", GPUOPT_ON_BACKEND, s->table_cap,
                                sizeof(int), &s->buf_table)) ||
        (st = gpuopt_run_buffer(run, "pso_init", GPUOPT_ON_HOST, nd, sizeof(double),
                                &s->buf_init)) ||
        (st = gpuopt_run_buffer(run, "pso_neighbours_host", GPUOPT_ON_HOST, s->table_cap + n,
                                sizeof(int), &s->buf_table_host)) ||
        (st = gpuopt_run_buffer(run, "pso_keys", GPUOPT_ON_BACKEND, n, sizeof(double),
                                &s->buf_keys)))
        return st;
    return GPUOPT_SUCCESS;
}

static gpuopt_status pso_init(gpuopt_run *run)
{
    pso_state *s = run->state;
    if (!run->has_bounds)
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "pso needs finite lower and upper bounds on every parameter");
    gpuopt_status st = pso_read_options(run, s);
    if (st == GPUOPT_SUCCESS)
        st = pso_check_neighbor_param(run, s);
    if (st == GPUOPT_SUCCESS)
        st = pso_allocate(run, s);
    if (st == GPUOPT_SUCCESS)
        st = pso_build_topology(run, s);
    s->phase = PSO_PHASE_START;
    return st;
}

/* ------------------------------------------------------------------- ask */

/* Initial positions (x0 first unless discarded, others uniform in the box) or velocities
 * (uniform in +-max_velocity * (upper - lower)), written to buffer id. */
static gpuopt_status pso_write_initial(gpuopt_run *run, const pso_state *s, int velocities,
                                       int id)
{
    double *out = gpuopt_run_host(run, s->buf_init);
    size_t dim = run->dim;
    uint32_t tag = velocities ? GPUOPT_PSO_TAG_VELOCITY : GPUOPT_PSO_TAG_POSITION;
    uint64_t stream = gpuopt_stream(tag, 0);
    for (size_t i = 0; i < s->n; ++i) {
        for (size_t d = 0; d < dim; ++d) {
            double u = gpuopt_pso_draw(run->seed, stream, i, d);
            double width = run->upper[d] - run->lower[d];
            double *o = &out[i * dim + d];
            if (velocities)
                *o = -1.0 * width * s->max_velocity + u * (2.0 * width * s->max_velocity);
            else if (i == 0 && !s->discard_start)
                *o = run->x0[d];
            else
                *o = run->lower[d] + u * width;
        }
    }
    return gpuopt_run_write(run, id, 0, s->n * dim, out);
}

static struct gpuopt_pso_args pso_args(const gpuopt_run *run, const pso_state *s, size_t first,
                                       size_t count)
{
    struct gpuopt_pso_args a;
    memset(&a, 0, sizeof a);
    a.X = gpuopt_run_dev(run, s->buf_x);
    a.V = gpuopt_run_dev(run, s->buf_v);
    a.f = gpuopt_run_dev(run, s->buf_f);
    a.pbest_X = gpuopt_run_dev(run, s->buf_pbest_x);
    a.pbest_f = gpuopt_run_dev(run, s->buf_pbest_f);
    a.neighbours = gpuopt_run_dev(run, s->buf_table);
    a.lower = run->lower_dev;
    a.upper = run->upper_dev;
    a.n = s->n;
    a.dim = run->dim;
    a.first = first;
    a.count = count;
    a.variant = s->variant;
    a.topology = s->topology;
    a.gbest = s->gbest;
    a.omega = s->omega;
    a.eta1 = s->eta1;
    a.eta2 = s->eta2;
    a.max_velocity = s->max_velocity;
    a.seed = run->seed;
    a.generation = (uint64_t)run->n_iterations;
    a.builtin_id = run->target ? run->target->builtin_id : -1;
    a.keys = gpuopt_run_dev(run, s->buf_keys);
    return a;
}

static void pso_batch(const pso_state *s, size_t first, size_t count, gpuopt_batch *batch)
{
    batch->x_buffer = s->buf_x;
    batch->x_row = first;
    batch->f_buffer = s->buf_f;
    batch->f_row = first;
    batch->raw_buffer = -1;
    batch->n = count;
    batch->evaluated = 0;
    batch->untracked = s->best_sync_every > 1;
}

/* At most the evaluations left in the budget, so that the budget is met exactly (the run
 * stops after that batch). */
static size_t pso_within_budget(const gpuopt_run *run, size_t count)
{
    int64_t left = run->stop.max_evaluations - run->n_evaluations;
    return left > 0 && (uint64_t)left < count ? (size_t)left : count;
}

static gpuopt_status pso_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    pso_state *s = run->state;
    gpuopt_status st;
    if (s->phase == PSO_PHASE_START) {
        if ((st = pso_write_initial(run, s, 0, s->buf_x)) ||
            (st = pso_write_initial(run, s, 1, s->buf_v)))
            return st;
        pso_batch(s, 0, pso_within_budget(run, s->n), batch);
        batch->untracked = 0;
        return GPUOPT_SUCCESS;
    }
    size_t first = s->update == PSO_UPDATE_SEQUENTIAL ? s->next : 0;
    size_t count = s->update == PSO_UPDATE_SEQUENTIAL ? 1 : s->n;
    struct gpuopt_pso_args a = pso_args(run, s, first, count);
    size_t evaluated = pso_within_budget(run, count);
    /* fused: the whole swarm from row 0 (a budget-cut batch leaves the rest unevaluated) */
    int fused = first == 0 && evaluated == count && gpuopt_fusable(run);
    st = fused ? gpuopt_backend_pso_move_evaluate(run->backend, &a)
               : run->backend->ops->pso_move(run->backend, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_run_fail(run, st, "pso: moving the swarm failed: %s", run->backend->error);
    pso_batch(s, first, evaluated, batch);
    batch->evaluated = fused;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ tell */

static int pso_tracks_best(const pso_state *s)
{
    return s->topology == GPUOPT_PSO_GBEST || s->topology == GPUOPT_PSO_ADAPTIVE_RANDOM;
}

/* Tell 0: memories = initial swarm, and the swarm's best (pagmo's best_idx: first minimum). */
static gpuopt_status pso_tell_start(gpuopt_run *run, pso_state *s)
{
    size_t n = s->n, nd = n * run->dim;
    gpuopt_backend *b = run->backend;
    gpuopt_status st;
    if ((st = gpuopt_backend_copy(b, gpuopt_run_dev(run, s->buf_pbest_x), 0,
                                  gpuopt_run_dev(run, s->buf_x), 0, nd * sizeof(double))) ||
        (st = gpuopt_backend_copy(b, gpuopt_run_dev(run, s->buf_pbest_f), 0,
                                  gpuopt_run_dev(run, s->buf_f), 0, n * sizeof(double))))
        return st;
    /* pagmo's best_idx: the first minimum, NaN worse than any number (minmax's order) */
    st = b->ops->minmax(b, gpuopt_run_dev(run, s->buf_f), n, &s->gbest, &s->gbest_f, NULL, NULL);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_run_fail(run, st, "pso: minmax failed: %s", b->error);
    s->phase = PSO_PHASE_MOVE;
    s->next = 0;
    s->improved = 0;
    return GPUOPT_SUCCESS;
}

/* The memory update of particles [first, first + count) with pagmo's tracking of the swarm's
 * best (in particle order, it moves to an improved particle whose value is <= it): the backend
 * returns the improved particle with the smallest value, the last one on ties, which is where
 * that scan ends when the value is <= the swarm's best. Two numbers cross to the host. */
static gpuopt_status pso_track_best(gpuopt_run *run, pso_state *s, const struct gpuopt_pso_args *a)
{
    size_t index;
    double value;
    gpuopt_status st = gpuopt_backend_pso_best_update(run->backend, a, &index, &value);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (index != SIZE_MAX && value <= s->gbest_f) {
        s->gbest = index;
        s->gbest_f = value;
        s->improved = 1;
    }
    return GPUOPT_SUCCESS;
}

/* best_sync_every > 1: the best memory becomes the run's best point when it is better. */
static gpuopt_status pso_sync_best(gpuopt_run *run, const pso_state *s)
{
    gpuopt_backend *b = run->backend;
    size_t i;
    double f;
    gpuopt_status st = b->ops->minmax(b, gpuopt_run_dev(run, s->buf_pbest_f), s->n, &i, &f, NULL,
                                      NULL);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_run_fail(run, st, "pso: minmax failed: %s", b->error);
    return gpuopt_offer_best(run, s->buf_pbest_x, i, f);
}

/* Report values: the swarm's best memory, and the best and worst current positions
 * (reductions on the backend; only numbers cross). */
static gpuopt_status pso_report(gpuopt_run *run, const pso_state *s)
{
    gpuopt_backend *b = run->backend;
    gpuopt_status st = b->ops->minmax(b, gpuopt_run_dev(run, s->buf_pbest_f), s->n, NULL,
                                      &run->report[0], NULL, NULL);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->minmax(b, gpuopt_run_dev(run, s->buf_f), s->n, NULL, &run->report[1], NULL,
                            &run->report[2]);
    return st == GPUOPT_SUCCESS ? st
                                : gpuopt_run_fail(run, st, "pso: minmax failed: %s", b->error);
}

static gpuopt_status pso_end_generation(gpuopt_run *run, pso_state *s)
{
    gpuopt_status st = GPUOPT_SUCCESS;
    if (s->topology == GPUOPT_PSO_ADAPTIVE_RANDOM && !s->improved)
        st = pso_build_topology(run, s);
    s->improved = 0;
    s->next = 0;
    run->n_iterations += 1;
    if (st == GPUOPT_SUCCESS && gpuopt_best_sync_due(run, s->best_sync_every, GPUOPT_SUCCESS))
        st = pso_sync_best(run, s);
    return st == GPUOPT_SUCCESS ? pso_report(run, s) : st;
}

static gpuopt_status pso_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    pso_state *s = run->state;
    if (s->phase == PSO_PHASE_START)
        return pso_tell_start(run, s);
    size_t first = batch->x_row, count = batch->n;
    struct gpuopt_pso_args a = pso_args(run, s, first, count);
    gpuopt_status st = pso_tracks_best(s) ? pso_track_best(run, s, &a)
                                          : run->backend->ops->pso_remember(run->backend, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_run_fail(run, st, "pso: updating the memories failed: %s",
                               run->backend->error);
    s->next = first + count;
    if (s->next < s->n) /* sequential: the budget may end the run inside a generation */
        return run->n_evaluations >= run->stop.max_evaluations && s->best_sync_every > 1
                   ? pso_sync_best(run, s)
                   : GPUOPT_SUCCESS;
    return pso_end_generation(run, s);
}

/* ------------------------------------------------------------- descriptor */

static const char *const pso_aliases[] = {"pygmo_pso", "pygmo_pso_gen", NULL};
static const char *const pso_report_keys[] = {"swarm_f_best", "positions_f_best",
                                              "positions_f_worst", NULL};

static const gpuopt_alias_preset pso_presets[] = {
    {"pygmo_pso", "update=sequential"},
    {NULL, NULL},
};

const gpuopt_algorithm gpuopt_algorithm_pso = {
    .name = "pso",
    .aliases = pso_aliases,
    .report_keys = pso_report_keys,
    .presets = pso_presets,
    .summary = "Particle swarm optimization (pagmo2's pso / pso_gen): six velocity variants, "
               "four topologies, generational or sequential updates.",
    .doc = "Each particle moves with a velocity pulled towards its own best position and the best "
           "position among its informants. update=generational (default, pagmo's pso_gen) "
           "moves the whole swarm and evaluates it as one batch, which keeps a GPU busy and "
           "evaluates every particle of a generation under the same conditions (suited to "
           "stochastic criteria); update=sequential (pagmo's pso, alias pygmo_pso) evaluates one "
           "particle at a time and updates memories at once. See docs/algorithms/pso.md.",
    .properties = GPUOPT_PROP_GLOBAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_NEEDS_BOUNDS |
                  GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = pso_options,
    .n_options = GPUOPT_COUNT(pso_options),
    .state_size = sizeof(pso_state),
    .init = pso_init,
    .ask = pso_ask,
    .tell = pso_tell,
};
