/* gpuopt_bench_population: shared types of the population benchmark (see benchmarks/README.md). */
#ifndef GPUOPT_BENCH_H
#define GPUOPT_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gpuopt.h>

#define BENCH_MAX_LIST 16
#define BENCH_NAME_LEN 32

/* A list of names or sizes given on the command line (or a default grid). */
typedef struct bench_names {
    size_t n;
    char item[BENCH_MAX_LIST][BENCH_NAME_LEN];
} bench_names;

typedef struct bench_sizes {
    size_t n;
    size_t item[BENCH_MAX_LIST];
} bench_sizes;

typedef struct bench_config {
    bench_names backends;   /* empty: every compiled-in backend with a device */
    bench_names algorithms;
    bench_names problems;
    bench_sizes populations;
    bench_sizes dimensions;
    int64_t generations;    /* 0: auto, chosen per row from the probe */
    double row_budget_s;
    int threads;            /* -1: the library's default; else gpuopt_context_set_threads */
    int quick;
    uint64_t seed;
    const char *json_path;  /* NULL: no JSON */
} bench_config;

/* One backend known to the library, whether or not it is run. */
typedef struct bench_backend {
    gpuopt_backend_info info;
    gpuopt_device_description device; /* device 0, when info.n_devices > 0 */
    int selected;                     /* run in this invocation */
    double copy_bandwidth_gbs;        /* NAN: the backend gives no figure (no API yet) */
    char context_error[256];          /* why no context could be opened, or "" */
} bench_backend;

typedef enum bench_row_status { ROW_OK, ROW_SKIPPED, ROW_FAILED } bench_row_status;

typedef struct bench_row {
    const bench_backend *backend;
    char algorithm[BENCH_NAME_LEN];
    char problem[BENCH_NAME_LEN];
    size_t population, dim;
    bench_row_status status;
    char reason[320];            /* why skipped or failed */
    uint64_t memory_bytes;       /* estimate of the run's large arrays, device side */
    uint64_t memory_limit;
    uint64_t host_memory_bytes;  /* host-side arrays (on the CPU backend: included above) */
    double estimated_row_s;      /* probe + estimated timed run; NAN when not probed */
    double probe_s;              /* wall time of the 2-generation probe */
    int64_t generations;         /* G of the timed run */
    int64_t timed_generations;   /* generations 2..G */
    double seconds;              /* time of generations 2..G */
    double setup_s;              /* time to the end of generation 1 minus one generation */
    double total_s;              /* wall time of the whole gpuopt_minimize call */
    double gen_per_s, evals_per_s;
    double bytes_per_generation; /* compulsory traffic model, see README */
    double gb_per_s;
    double bw_fraction;          /* NAN (null): no copy-bandwidth figure from the backend */
    double cpu_per_s;            /* process CPU seconds per second in generations 2..G */
    int over_budget;             /* skipped for time: larger rows of the series are skipped too */
    double best_f;
} bench_row;

/* bench_output.c */
void bench_print_header(FILE *out);
void bench_print_row(FILE *out, const bench_row *row);
int bench_write_json(const char *path, const bench_config *cfg, const bench_backend *backends,
                     size_t n_backends, const bench_row *rows, size_t n_rows, const char *date);

/* bench_options.c: returns 0 on success, 1 after --help, 2 on bad input (message printed). */
int bench_parse_options(int argc, char **argv, bench_config *cfg);

#endif /* GPUOPT_BENCH_H */
