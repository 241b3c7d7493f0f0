/* gpuopt_bench_population: generations/s and evaluations/s of DE and PSO (generational) on
 * built-in problems, for every backend present, over a grid of population x dimension.
 * Public API only. How rows are timed, estimated and skipped: benchmarks/README.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define WARMUP_POPULATION 64
#define WARMUP_DIM 8
#define PROBE_GENERATIONS 2
#define AUTO_MIN_GENERATIONS 3
#define AUTO_MAX_GENERATIONS 10000
#define AUTO_TARGET_S 2.0

static double clock_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* ----------------------------------------------------------- models */

/* Per algorithm: the arrays of population x dimension doubles and of population doubles it
 * keeps on the backend and on the host (estimates of src/algorithms/{de,pso}.c's buffers), and
 * the compulsory traffic of one fused generation in the same units. */
typedef struct algorithm_model {
    const char *name;
    double device_rows, device_values; /* DE: population, trial; PSO: X, V, pbest */
    double host_rows, host_values;     /* PSO: the initial swarm is built on the host */
    double traffic_rows, traffic_values;
} algorithm_model;

static const algorithm_model models[] = {
    /* DE: read the population, write the next one; read and write each individual's value. */
    {"de", 2, 2, 0, 0, 2, 2},
    /* PSO: read X, V, pbest; write X, V; read and write each particle's best value. */
    {"pso", 3, 5, 1, 5, 5, 2},
};

static const algorithm_model *model_of(const char *algorithm)
{
    return strcmp(algorithm, "de") ? &models[1] : &models[0];
}

static double model_bytes(double rows, double values, size_t population, size_t dim)
{
    return 8.0 * (double)population * (rows * (double)dim + values);
}

/* ----------------------------------------------------------- backends */

/* Every backend the library knows; those compiled in with a device are candidates. */
static size_t list_backends(bench_backend *out, size_t cap)
{
    size_t n = gpuopt_backend_count();
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; ++i) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].copy_bandwidth_gbs = NAN; /* measured for the backends that run (run_backend) */
        if (gpuopt_backend_info_at(i, &out[i].info) != GPUOPT_SUCCESS)
            continue;
        if (out[i].info.compiled_in && out[i].info.n_devices > 0 &&
            gpuopt_backend_device(out[i].info.name, 0, &out[i].device) != GPUOPT_SUCCESS)
            out[i].info.n_devices = 0;
    }
    return n;
}

static int usable(const bench_backend *b)
{
    return b->info.compiled_in && b->info.n_devices > 0;
}

/* Marks the backends to run: those named, or every usable one. 2 when a named one is absent. */
static int select_backends(bench_backend *list, size_t n, const bench_names *names)
{
    for (size_t i = 0; i < n; ++i)
        list[i].selected = names->n == 0 && usable(&list[i]);
    for (size_t k = 0; k < names->n; ++k) {
        size_t i = 0;
        while (i < n && strcmp(list[i].info.name, names->item[k]))
            ++i;
        if (i == n || !usable(&list[i])) {
            fprintf(stderr, "gpuopt_bench_population: backend '%s' is not available%s%s\n",
                    names->item[k], i == n ? "" : ": ", i == n ? "" : list[i].info.note);
            return 2;
        }
        list[i].selected = 1;
    }
    return 0;
}

static uint64_t host_memory_bytes(const bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (!strcmp(list[i].info.name, "cpu") && usable(&list[i]))
            return list[i].device.memory_bytes;
    return 0;
}

/* ----------------------------------------------------------- one run */

/* Observer timestamps: the end of generation 1 and of the last generation seen, on the
 * monotonic clock and on the process's CPU-time clock (all threads). */
typedef struct run_timing {
    double start, gen1, last, end;
    double cpu_gen1, cpu_last;
    int64_t evals_gen1, evals_last, n_last;
} run_timing;

static int observe(const gpuopt_progress *p, void *user)
{
    run_timing *t = user;
    double now = now_s(), cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (p->n_iterations == 1) {
        t->gen1 = now;
        t->cpu_gen1 = cpu;
        t->evals_gen1 = p->n_evaluations;
    }
    t->last = now;
    t->cpu_last = cpu;
    t->evals_last = p->n_evaluations;
    t->n_last = p->n_iterations;
    return 0;
}

/* Sets every convergence.* tolerance of the algorithm to 0, so that only the generation
 * budget stops the run. */
static gpuopt_status disable_convergence(gpuopt_optimizer *opt, const char *algorithm)
{
    gpuopt_option_info info;
    for (size_t i = 0; gpuopt_algorithm_option_at(algorithm, i, &info) == GPUOPT_SUCCESS; ++i) {
        if (strncmp(info.key, "convergence.", 12))
            continue;
        gpuopt_status st = gpuopt_optimizer_set_double(opt, info.key, 0.0);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status configure(gpuopt_optimizer *opt, const char *algorithm, size_t population,
                               int64_t generations, run_timing *timing)
{
    gpuopt_status st = gpuopt_optimizer_set_int(opt, "population_size", (int64_t)population);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_set_int(opt, "stopping.max_iterations", generations);
    if (st == GPUOPT_SUCCESS)
        st = disable_convergence(opt, algorithm);
    if (st == GPUOPT_SUCCESS && !strcmp(algorithm, "pso"))
        st = gpuopt_optimizer_set_string(opt, "update", "generational");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_set_progress(opt, observe, timing);
    return st;
}

/* Runs `generations` generations; fills timing and best_f. Returns the stop reason or an error
 * (message in err). */
static gpuopt_status run_once(gpuopt_context *ctx, gpuopt_problem *problem, const char *algorithm,
                              size_t population, int64_t generations, run_timing *timing,
                              double *best_f, char *err, size_t err_len)
{
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *res = NULL;
    memset(timing, 0, sizeof *timing);
    gpuopt_status st = gpuopt_optimizer_create(&opt, ctx, algorithm);
    if (st != GPUOPT_SUCCESS) {
        snprintf(err, err_len, "%s", gpuopt_last_error());
        return st;
    }
    st = configure(opt, algorithm, population, generations, timing);
    if (st == GPUOPT_SUCCESS) {
        timing->start = now_s();
        st = gpuopt_minimize(opt, problem, &res);
        timing->end = now_s();
    }
    if (st < 0)
        snprintf(err, err_len, "%s", gpuopt_optimizer_errmsg(opt));
    *best_f = res ? gpuopt_result_fun(res) : NAN;
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&opt);
    return st;
}

/* A run that must end by its generation budget; otherwise the row fails with the reason. */
static int run_checked(gpuopt_context *ctx, gpuopt_problem *problem, bench_row *row,
                       int64_t generations, run_timing *timing)
{
    gpuopt_status st = run_once(ctx, problem, row->algorithm, row->population, generations,
                                timing, &row->best_f, row->reason, sizeof row->reason);
    if (st == GPUOPT_STOP_MAX_ITERATIONS && timing->n_last == generations && timing->gen1 > 0)
        return 0;
    row->status = ROW_FAILED;
    if (st >= 0)
        snprintf(row->reason, sizeof row->reason, "stopped after %lld of %lld generations: %s",
                 (long long)timing->n_last, (long long)generations, gpuopt_status_text(st));
    return -1;
}

/* ----------------------------------------------------------- one row */

typedef struct row_plan {
    double gen_s;       /* one generation, from the probe */
    double overhead_s;  /* a run's time outside its generations 2..G */
} row_plan;

static int check_memory(bench_row *row, const algorithm_model *m, uint64_t device_limit,
                        uint64_t host_limit, int on_host)
{
    double dev = model_bytes(m->device_rows, m->device_values, row->population, row->dim);
    double host = model_bytes(m->host_rows, m->host_values, row->population, row->dim);
    row->memory_bytes = (uint64_t)(on_host ? dev + host : dev);
    row->host_memory_bytes = (uint64_t)host;
    row->memory_limit = device_limit;
    if (row->memory_bytes > device_limit) {
        snprintf(row->reason, sizeof row->reason, "memory: needs about %.2f GB, limit %.2f GB",
                 (double)row->memory_bytes / 1e9, (double)device_limit / 1e9);
    } else if (!on_host && host > (double)host_limit) {
        snprintf(row->reason, sizeof row->reason,
                 "host memory: needs about %.2f GB, limit %.2f GB", host / 1e9,
                 (double)host_limit / 1e9);
    } else {
        return 0;
    }
    row->status = ROW_SKIPPED;
    return -1;
}

static double elements(const bench_row *row)
{
    return (double)row->population * (double)row->dim;
}

static int skip_for_time(bench_row *row)
{
    row->status = ROW_SKIPPED;
    row->over_budget = 1;
    return -1;
}

/* The probe time a measured row predicts for a larger one: the run outside its timed
 * generations plus one generation, scaled by population x dimension. */
static double predicted_probe(const bench_row *ref, const bench_row *row)
{
    double overhead = fmax(0.0, ref->total_s - ref->seconds);
    double generation = ref->seconds / (double)ref->timed_generations;
    return (overhead + generation) * elements(row) / elements(ref);
}

/* Skips, without probing, a row no smaller in population and dimension than an earlier row of
 * its series (same backend, algorithm, problem) that was over the budget, or whose probe alone
 * the largest such measured row predicts to exceed the budget. */
static int check_smaller_rows(bench_row *row, const bench_row *series, size_t n, double budget)
{
    const bench_row *ref = NULL;
    for (size_t i = 0; i < n; ++i) {
        const bench_row *s = &series[i];
        if (s->population > row->population || s->dim > row->dim)
            continue;
        if (s->over_budget) {
            snprintf(row->reason, sizeof row->reason,
                     "time: the smaller row %zu x %zu was already over the budget",
                     s->population, s->dim);
            return skip_for_time(row);
        }
        if (s->status == ROW_OK && (!ref || elements(s) > elements(ref)))
            ref = s;
    }
    double probe = ref ? predicted_probe(ref, row) : 0;
    if (probe <= budget)
        return 0;
    row->estimated_row_s = probe;
    snprintf(row->reason, sizeof row->reason,
             "time: the probe alone would take about %.3g s (scaled from the row %zu x %zu) "
             "> budget %g s", probe, ref->population, ref->dim, budget);
    return skip_for_time(row);
}

/* Generations of the timed run: fixed, or auto (about AUTO_TARGET_S of timed generations,
 * within what the budget leaves). 0 when the row does not fit the budget. */
static int64_t plan_generations(const bench_config *cfg, const row_plan *p, double probe_s)
{
    double left = cfg->row_budget_s - probe_s - p->overhead_s;
    double gen = p->gen_s > 1e-9 ? p->gen_s : 1e-9;
    if (cfg->generations)
        return (double)(cfg->generations - 1) * gen <= left ? cfg->generations : 0;
    double target = fmin(AUTO_TARGET_S, left);
    double g = 1 + ceil(target / gen);
    if (g > AUTO_MAX_GENERATIONS)
        g = AUTO_MAX_GENERATIONS;
    if (g < AUTO_MIN_GENERATIONS)
        g = (AUTO_MIN_GENERATIONS - 1) * gen <= left ? AUTO_MIN_GENERATIONS : 0;
    return (int64_t)g;
}

static int probe(gpuopt_context *ctx, gpuopt_problem *problem, bench_row *row,
                 const bench_config *cfg, row_plan *plan)
{
    run_timing t;
    if (run_checked(ctx, problem, row, PROBE_GENERATIONS, &t))
        return -1;
    row->probe_s = t.end - t.start;
    plan->gen_s = t.last - t.gen1;
    plan->overhead_s = fmax(0.0, row->probe_s - plan->gen_s);
    row->generations = plan_generations(cfg, plan, row->probe_s);
    /* The estimate is for the planned G, or for the least G when the row does not fit. */
    int64_t g = row->generations;
    if (!g)
        g = cfg->generations ? cfg->generations : AUTO_MIN_GENERATIONS;
    row->estimated_row_s = row->probe_s + plan->overhead_s + (double)(g - 1) * plan->gen_s;
    if (row->generations)
        return 0;
    snprintf(row->reason, sizeof row->reason,
             "time: estimated %.3g s for %lld generations > budget %g s (probe: %.3g s)",
             row->estimated_row_s, (long long)g, cfg->row_budget_s, row->probe_s);
    return skip_for_time(row);
}

static void fill_measurement(bench_row *row, const run_timing *t)
{
    const algorithm_model *m = model_of(row->algorithm);
    row->timed_generations = t->n_last - 1;
    row->seconds = t->last - t->gen1;
    row->total_s = t->end - t->start;
    row->gen_per_s = (double)row->timed_generations / row->seconds;
    row->evals_per_s = (double)(t->evals_last - t->evals_gen1) / row->seconds;
    double one_generation = row->seconds / (double)row->timed_generations;
    row->setup_s = fmax(0.0, (t->gen1 - t->start) - one_generation); /* an estimate */
    row->bytes_per_generation =
        model_bytes(m->traffic_rows, m->traffic_values, row->population, row->dim);
    row->gb_per_s = row->bytes_per_generation * row->gen_per_s / 1e9;
    row->cpu_per_s = (t->cpu_last - t->cpu_gen1) / row->seconds;
    row->bw_fraction = row->backend->copy_bandwidth_gbs > 0
                           ? row->gb_per_s / row->backend->copy_bandwidth_gbs
                           : NAN;
}

/* Measures row `series[n]`, the earlier rows of its series being series[0..n). */
static void measure_row(gpuopt_context *ctx, bench_row *series, size_t n, const bench_config *cfg)
{
    bench_row *row = &series[n];
    gpuopt_problem *problem = NULL;
    if (gpuopt_problem_create_builtin(&problem, row->problem, row->dim) != GPUOPT_SUCCESS) {
        row->status = ROW_FAILED;
        snprintf(row->reason, sizeof row->reason, "%s", gpuopt_last_error());
        return;
    }
    row_plan plan;
    run_timing t;
    if (!check_smaller_rows(row, series, n, cfg->row_budget_s) &&
        !probe(ctx, problem, row, cfg, &plan) &&
        !run_checked(ctx, problem, row, row->generations, &t))
        fill_measurement(row, &t);
    gpuopt_problem_destroy(&problem);
}

/* ----------------------------------------------------------- the grid */

typedef struct grid {
    bench_row *rows;
    size_t n, cap;
} grid;

static bench_row *new_row(grid *g, const bench_backend *b, const char *algorithm,
                          const char *problem, size_t population, size_t dim)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        bench_row *rows = realloc(g->rows, cap * sizeof *rows);
        if (!rows)
            return NULL;
        g->rows = rows;
        g->cap = cap;
    }
    bench_row *row = &g->rows[g->n++];
    memset(row, 0, sizeof *row);
    row->backend = b;
    snprintf(row->algorithm, sizeof row->algorithm, "%s", algorithm);
    snprintf(row->problem, sizeof row->problem, "%s", problem);
    row->population = population;
    row->dim = dim;
    row->estimated_row_s = row->probe_s = row->seconds = row->setup_s = row->total_s = NAN;
    row->gen_per_s = row->evals_per_s = row->bytes_per_generation = row->gb_per_s = NAN;
    row->bw_fraction = row->best_f = row->cpu_per_s = NAN;
    return row;
}

/* A short run per algorithm and problem first, so that one-time costs (kernel builds, thread
 * pool start) fall outside the probes. */
static void warm_up(gpuopt_context *ctx, const bench_config *cfg)
{
    for (size_t a = 0; a < cfg->algorithms.n; ++a) {
        for (size_t p = 0; p < cfg->problems.n; ++p) {
            gpuopt_problem *problem = NULL;
            if (gpuopt_problem_create_builtin(&problem, cfg->problems.item[p], WARMUP_DIM))
                continue;
            run_timing t;
            double f;
            char err[8];
            run_once(ctx, problem, cfg->algorithms.item[a], WARMUP_POPULATION, PROBE_GENERATIONS,
                     &t, &f, err, sizeof err);
            gpuopt_problem_destroy(&problem);
        }
    }
}

typedef struct limits {
    uint64_t device, host;
    int on_host;
} limits;

static limits limits_of(const bench_backend *b, uint64_t host_memory)
{
    limits l;
    l.on_host = !strcmp(b->info.name, "cpu");
    l.host = host_memory / 2;
    l.device = l.on_host ? l.host : b->device.memory_bytes;
    return l;
}

/* The rows of one backend, algorithm and problem, in population-major order. */
static int run_series(gpuopt_context *ctx, const bench_backend *b, const char *algorithm,
                      const char *problem, const bench_config *cfg, limits lim, grid *g)
{
    size_t first = g->n;
    for (size_t i = 0; i < cfg->populations.n; ++i) {
        for (size_t j = 0; j < cfg->dimensions.n; ++j) {
            bench_row *row = new_row(g, b, algorithm, problem, cfg->populations.item[i],
                                     cfg->dimensions.item[j]);
            if (!row)
                return -1;
            if (!ctx) {
                row->status = ROW_FAILED;
                snprintf(row->reason, sizeof row->reason, "no context: %s", b->context_error);
            } else if (!check_memory(row, model_of(algorithm), lim.device, lim.host, lim.on_host)) {
                measure_row(ctx, &g->rows[first], g->n - 1 - first, cfg);
            }
            bench_print_row(stdout, row);
            fflush(stdout);
        }
    }
    return 0;
}

/* The backend's context, described on one comment line (or why it could not be opened). */
static gpuopt_context *open_context(bench_backend *b, const bench_config *cfg)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, b->info.name) != GPUOPT_SUCCESS)
        snprintf(b->context_error, sizeof b->context_error, "%s", gpuopt_last_error());
    else if (gpuopt_context_set_seed(ctx, cfg->seed) != GPUOPT_SUCCESS ||
             (cfg->threads >= 0 && !strcmp(b->info.name, "cpu") &&
              gpuopt_context_set_threads(ctx, cfg->threads) != GPUOPT_SUCCESS)) {
        snprintf(b->context_error, sizeof b->context_error, "%s", gpuopt_context_errmsg(ctx));
        gpuopt_context_destroy(&ctx);
    }
    if (!ctx) {
        printf("# %s: no context: %s\n", b->info.name, b->context_error);
        return NULL;
    }
    printf("# %s: %s (%s), %d compute units, %.1f GiB", b->info.name, b->device.name,
           b->device.vendor, b->device.compute_units,
           (double)b->device.memory_bytes / (1024.0 * 1024.0 * 1024.0));
    if (!strcmp(b->info.name, "cpu"))
        printf(", %d threads", gpuopt_context_threads(ctx));
    size_t copy_bytes = cfg->quick ? (size_t)16 << 20 : 0; /* 0: the library's 256 MiB */
    if (gpuopt_context_copy_bandwidth(ctx, copy_bytes, &b->copy_bandwidth_gbs) == GPUOPT_SUCCESS)
        printf(", copy bandwidth %.1f GB/s", b->copy_bandwidth_gbs);
    else
        printf(", no copy bandwidth (%s)", gpuopt_context_errmsg(ctx));
    printf("\n");
    return ctx;
}

static int run_backend(const bench_backend *b, gpuopt_context *ctx, const bench_config *cfg,
                       uint64_t host_memory, grid *g)
{
    if (ctx)
        warm_up(ctx, cfg);
    limits lim = limits_of(b, host_memory);
    int st = 0;
    for (size_t a = 0; a < cfg->algorithms.n && !st; ++a)
        for (size_t p = 0; p < cfg->problems.n && !st; ++p)
            st = run_series(ctx, b, cfg->algorithms.item[a], cfg->problems.item[p], cfg, lim, g);
    return st;
}

/* ----------------------------------------------------------- main */

static void print_backends(const bench_backend *list, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (!list[i].selected)
            printf("# %s: not run (%s)\n", list[i].info.name,
                   !list[i].info.compiled_in ? "not compiled in"
                   : usable(&list[i])        ? "not selected"
                                             : list[i].info.note);
}

static void utc_date(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int count_failed(const grid *g)
{
    int failed = 0;
    for (size_t i = 0; i < g->n; ++i)
        failed += g->rows[i].status == ROW_FAILED;
    return failed;
}

int main(int argc, char **argv)
{
    bench_config cfg;
    int st = bench_parse_options(argc, argv, &cfg);
    if (st)
        return st == 1 ? 0 : st;
    bench_backend backends[8];
    size_t n_backends = list_backends(backends, 8);
    if (select_backends(backends, n_backends, &cfg.backends))
        return 2;
    char date[32];
    utc_date(date, sizeof date);
    printf("# gpuopt %s, gpuopt_bench_population, %s, row budget %g s\n", gpuopt_version(), date,
           cfg.row_budget_s);
    print_backends(backends, n_backends);
    uint64_t host_memory = host_memory_bytes(backends, n_backends);
    gpuopt_context *contexts[8] = {NULL};
    for (size_t i = 0; i < n_backends; ++i)
        if (backends[i].selected)
            contexts[i] = open_context(&backends[i], &cfg);
    grid g = {NULL, 0, 0};
    bench_print_header(stdout);
    for (size_t i = 0; i < n_backends && !st; ++i)
        if (backends[i].selected)
            st = run_backend(&backends[i], contexts[i], &cfg, host_memory, &g);
    for (size_t i = 0; i < n_backends; ++i)
        gpuopt_context_destroy(&contexts[i]);
    if (st)
        fprintf(stderr, "gpuopt_bench_population: out of memory for the table\n");
    if (!st && cfg.json_path &&
        bench_write_json(cfg.json_path, &cfg, backends, n_backends, g.rows, g.n, date))
        st = 1;
    int failed = count_failed(&g);
    if (failed)
        fprintf(stderr, "gpuopt_bench_population: %d row%s failed\n", failed,
                failed == 1 ? "" : "s");
    free(g.rows);
    return st || failed ? 1 : 0;
}
