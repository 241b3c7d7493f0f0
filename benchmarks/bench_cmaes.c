/* gpuopt_bench_cmaes: generations per second of CMA-ES (full covariance) on every backend
 * present, over dimension n x population lambda, with the time of one generation split into
 * sampling (the algorithm's ask), evaluation, update (tell without the eigendecomposition) and
 * eigendecomposition, from gpuopt_result_timing_* with profiling on (the backend is waited for
 * at every boundary). See benchmarks/README.md. A benchmark, never a test of speed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpuopt.h>

#include "bench_common.h"

#define MAX_LIST 8

typedef struct cm_config {
    size_t dims[MAX_LIST], n_dims;
    size_t lambdas[MAX_LIST], n_lambdas; /* 0 = the default 4 + floor(3 ln n) */
    const char *backends[MAX_LIST];
    size_t n_backends;
    const char *problem;
    double row_seconds; /* each row runs until this much time or max_generations */
    long max_generations;
    const char *json_path;
} cm_config;

typedef struct cm_row {
    const char *backend;
    size_t dim, lambda;
    long generations;
    double seconds, per_gen[4]; /* sampling, evaluation, update, eigendecomposition */
    double fun;
    char error[256];
} cm_row;

static const char *const part_names[4] = {"sampling", "evaluation", "update",
                                          "eigendecomposition"};

static int usage(int rc)
{
    fputs("usage: gpuopt_bench_cmaes [--backend NAME]... [--dims LIST] [--lambdas LIST]\n"
          "          [--problem NAME] [--row-seconds S] [--max-generations G] [--quick]\n"
          "          [--json PATH]\n"
          "  defaults: every backend with a device, dims 10,100,1000,4000,\n"
          "  lambdas default,256,4096, problem ellipsoid, row-seconds 10, max-generations 1000;\n"
          "  --quick: dims 10,100, lambdas default,256, row-seconds 1\n",
          rc ? stderr : stdout);
    return rc;
}

static int parse(int argc, char **argv, cm_config *c)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help"))
            return usage(0), 1;
        if (!strcmp(a, "--quick")) {
            c->n_dims = bench_parse_sizes("10,100", c->dims, MAX_LIST);
            c->n_lambdas = bench_parse_sizes("default,256", c->lambdas, MAX_LIST);
            c->row_seconds = 1.0;
            continue;
        }
        if (!v)
            return fprintf(stderr, "gpuopt_bench_cmaes: %s needs a value\n", a), 2;
        ++i;
        if (!strcmp(a, "--backend") && c->n_backends < MAX_LIST)
            c->backends[c->n_backends++] = v;
        else if (!strcmp(a, "--dims"))
            c->n_dims = bench_parse_sizes(v, c->dims, MAX_LIST);
        else if (!strcmp(a, "--lambdas"))
            c->n_lambdas = bench_parse_sizes(v, c->lambdas, MAX_LIST);
        else if (!strcmp(a, "--problem"))
            c->problem = v;
        else if (!strcmp(a, "--row-seconds"))
            c->row_seconds = atof(v);
        else if (!strcmp(a, "--max-generations"))
            c->max_generations = atol(v);
        else if (!strcmp(a, "--json"))
            c->json_path = v;
        else
            return fprintf(stderr, "gpuopt_bench_cmaes: unknown flag %s\n", a), usage(2);
    }
    if (c->row_seconds <= 0 || c->max_generations < 2)
        return fprintf(stderr, "gpuopt_bench_cmaes: --row-seconds must be > 0 and "
                               "--max-generations >= 2\n"), 2;
    return 0;
}

static double timing(const gpuopt_result *r, const char *key)
{
    for (size_t i = 0; i < gpuopt_result_timing_count(r); ++i)
        if (!strcmp(gpuopt_result_timing_key(r, i), key))
            return gpuopt_result_timing_seconds(r, i);
    return 0.0;
}

static int set_options(gpuopt_optimizer *o, const cm_config *c, size_t lambda, char *err)
{
    char text[3][96];
    snprintf(text[0], sizeof text[0], "population_size=%zu", lambda);
    snprintf(text[1], sizeof text[1], "stopping.max_iterations=%ld", c->max_generations);
    snprintf(text[2], sizeof text[2], "stopping.max_seconds=%g", c->row_seconds);
    for (int k = lambda ? 0 : 1; k < 3; ++k)
        if (gpuopt_optimizer_set_option(o, text[k]) != GPUOPT_SUCCESS)
            return snprintf(err, 256, "%s", gpuopt_optimizer_errmsg(o)), 0;
    return 1;
}

static void run_row(gpuopt_context *ctx, const cm_config *c, cm_row *row)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    if (gpuopt_problem_create_builtin(&p, c->problem, row->dim) != GPUOPT_SUCCESS ||
        gpuopt_optimizer_create(&o, ctx, "cmaes") != GPUOPT_SUCCESS) {
        snprintf(row->error, sizeof row->error, "%s", gpuopt_last_error());
    } else if (set_options(o, c, row->lambda, row->error)) {
        gpuopt_optimizer_set_profiling(o, 1);
        gpuopt_status st = gpuopt_minimize(o, p, &r);
        if (st < 0)
            snprintf(row->error, sizeof row->error, "%s", gpuopt_optimizer_errmsg(o));
    }
    if (r) {
        long g = (long)gpuopt_result_n_iterations(r);
        double eig = timing(r, "eigendecomposition");
        double parts[4] = {timing(r, "ask"), timing(r, "evaluation"), timing(r, "tell"), eig};
        row->generations = g;
        row->seconds = 0;
        for (int k = 0; k < 4; ++k) {
            row->seconds += parts[k];
            row->per_gen[k] = g > 0 ? parts[k] / (double)g : NAN;
        }
        row->fun = gpuopt_result_fun(r);
        if (row->lambda == 0) /* the default, as the algorithm reports it */
            for (size_t i = 0; i < gpuopt_result_report_count(r); ++i)
                if (!strcmp(gpuopt_result_report_key(r, i), "population_size"))
                    row->lambda = (size_t)gpuopt_result_report_value(r, i);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

static void print_row(const cm_row *r)
{
    if (r->error[0]) {
        printf("%-7s %6zu %6zu  FAILED: %s\n", r->backend, r->dim, r->lambda, r->error);
        return;
    }
    double gen_s = r->seconds > 0 ? (double)r->generations / r->seconds : NAN;
    printf("%-7s %6zu %6zu %6ld %10.4g", r->backend, r->dim, r->lambda, r->generations, gen_s);
    for (int k = 0; k < 4; ++k)
        printf(" %11.3g", r->per_gen[k] * 1e3);
    printf("\n");
    fflush(stdout);
}

static void write_json(const cm_config *c, const cm_row *rows, size_t n)
{
    FILE *f = fopen(c->json_path, "w");
    if (!f) {
        fprintf(stderr, "gpuopt_bench_cmaes: cannot write %s\n", c->json_path);
        return;
    }
    fprintf(f, "{\"benchmark\": \"cmaes\", \"problem\": \"%s\", \"row_seconds\": %g, "
               "\"rows\": [\n", c->problem, c->row_seconds);
    for (size_t i = 0; i < n; ++i) {
        const cm_row *r = &rows[i];
        fprintf(f, "  {\"backend\": \"%s\", \"dim\": %zu, \"lambda\": %zu, \"generations\": %ld, "
                   "\"seconds\": %.6g, \"failed\": %s",
                r->backend, r->dim, r->lambda, r->generations, r->seconds,
                r->error[0] ? "true" : "false");
        for (int k = 0; k < 4; ++k)
            fprintf(f, ", \"%s_ms_per_generation\": %.6g", part_names[k],
                    isfinite(r->per_gen[k]) ? r->per_gen[k] * 1e3 : -1.0);
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(f, "]}\n");
    fclose(f);
}

int main(int argc, char **argv)
{
    cm_config c = {.problem = "ellipsoid", .row_seconds = 10.0, .max_generations = 1000};
    c.n_dims = bench_parse_sizes("10,100,1000,4000", c.dims, MAX_LIST);
    c.n_lambdas = bench_parse_sizes("default,256,4096", c.lambdas, MAX_LIST);
    int rc = parse(argc, argv, &c);
    if (rc)
        return rc == 1 ? 0 : rc;
    bench_default_backends(c.backends, &c.n_backends, MAX_LIST);
    cm_row *rows = calloc(c.n_backends * c.n_dims * c.n_lambdas, sizeof *rows);
    size_t n = 0;
    int failed = 0;
    printf("%-7s %6s %6s %6s %10s %11s %11s %11s %11s\n", "backend", "n", "lambda", "gens",
           "gen/s", "sample ms", "eval ms", "update ms", "eigen ms");
    for (size_t b = 0; rows && b < c.n_backends; ++b) {
        gpuopt_context *ctx = NULL;
        if (gpuopt_context_create(&ctx, c.backends[b]) != GPUOPT_SUCCESS) {
            fprintf(stderr, "gpuopt_bench_cmaes: %s\n", gpuopt_last_error());
            failed = 1;
            continue;
        }
        gpuopt_context_set_seed(ctx, 1);
        for (size_t i = 0; i < c.n_dims; ++i)
            for (size_t j = 0; j < c.n_lambdas; ++j) {
                cm_row *row = &rows[n++];
                *row = (cm_row){.backend = c.backends[b], .dim = c.dims[i],
                                .lambda = c.lambdas[j]};
                run_row(ctx, &c, row);
                failed |= row->error[0] != '\0';
                print_row(row);
            }
        gpuopt_context_destroy(&ctx);
    }
    if (c.json_path)
        write_json(&c, rows, n);
    free(rows);
    return failed;
}
