/* The table and the JSON file of gpuopt_bench_population. */
#include <math.h>
#include <string.h>

#include "bench.h"

static const char *status_name(bench_row_status s)
{
    return s == ROW_OK ? "ok" : s == ROW_SKIPPED ? "skipped" : "failed";
}

/* ------------------------------------------------------------------ table */

void bench_print_header(FILE *out)
{
    fprintf(out, "%-7s %-4s %-10s %8s %5s %6s %9s %10s %10s %7s %7s  %s\n", "backend", "alg",
            "problem", "pop", "dim", "gens", "seconds", "gen/s", "evals/s", "GB/s", "bw_frac",
            "note");
}

/* A number in a fixed-width cell, or "-" when it is not known. */
static void cell(FILE *out, int width, const char *fmt, double v)
{
    if (isfinite(v))
        fprintf(out, fmt, width, v);
    else
        fprintf(out, "%*s", width, "-");
}

void bench_print_row(FILE *out, const bench_row *r)
{
    fprintf(out, "%-7s %-4s %-10s %8zu %5zu ", r->backend->info.name, r->algorithm, r->problem,
            r->population, r->dim);
    if (r->status == ROW_OK)
        fprintf(out, "%6lld", (long long)r->timed_generations);
    else
        fprintf(out, "%6s", "-");
    cell(out, 10, " %*.4f", r->seconds);
    cell(out, 11, " %*.4g", r->gen_per_s);
    cell(out, 11, " %*.4g", r->evals_per_s);
    cell(out, 8, " %*.3g", r->gb_per_s);
    cell(out, 8, " %*.3f", r->bw_fraction);
    if (r->status == ROW_OK)
        fprintf(out, "  setup %.3g s, cpu %.2f\n", r->setup_s, r->cpu_per_s);
    else
        fprintf(out, "  %s: %s\n", status_name(r->status), r->reason);
}

/* ------------------------------------------------------------------ JSON */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
}

static void json_key(FILE *f, const char *key)
{
    json_string(f, key);
    fputs(": ", f);
}

static void json_device(FILE *f, const gpuopt_device_description *d)
{
    fputs("{", f);
    json_key(f, "name");
    json_string(f, d->name);
    fputs(", ", f);
    json_key(f, "vendor");
    json_string(f, d->vendor);
    fprintf(f, ", \"memory_bytes\": %llu, \"compute_units\": %d, \"double_support\": %s}",
            (unsigned long long)d->memory_bytes, d->compute_units,
            d->double_support ? "true" : "false");
}

static void json_backend(FILE *f, const bench_backend *b)
{
    fputs("    {", f);
    json_key(f, "name");
    json_string(f, b->info.name);
    fprintf(f, ", \"compiled_in\": %s, \"n_devices\": %d, \"selected\": %s, ",
            b->info.compiled_in ? "true" : "false", b->info.n_devices,
            b->selected ? "true" : "false");
    json_key(f, "note");
    json_string(f, b->info.note);
    fputs(", \"device\": ", f);
    if (b->info.compiled_in && b->info.n_devices > 0)
        json_device(f, &b->device);
    else
        fputs("null", f);
    fputs(", \"copy_bandwidth_gb_per_s\": ", f);
    json_number(f, b->copy_bandwidth_gbs);
    fputs("}", f);
}

static void json_field(FILE *f, const char *key, double v)
{
    fputs(", ", f);
    json_key(f, key);
    json_number(f, v);
}

static void json_row(FILE *f, const bench_row *r)
{
    fputs("    {", f);
    json_key(f, "backend");
    json_string(f, r->backend->info.name);
    fputs(", ", f);
    json_key(f, "algorithm");
    json_string(f, r->algorithm);
    fputs(", ", f);
    json_key(f, "problem");
    json_string(f, r->problem);
    fprintf(f, ", \"population\": %zu, \"dim\": %zu, \"status\": \"%s\", ", r->population, r->dim,
            status_name(r->status));
    json_key(f, "reason");
    if (r->status == ROW_OK)
        fputs("null", f);
    else
        json_string(f, r->reason);
    json_field(f, "memory_bytes", (double)r->memory_bytes);
    json_field(f, "memory_limit_bytes", (double)r->memory_limit);
    json_field(f, "host_memory_bytes", (double)r->host_memory_bytes);
    json_field(f, "probe_s", r->probe_s);
    json_field(f, "estimated_row_s", r->estimated_row_s);
    json_field(f, "generations", r->status == ROW_OK ? (double)r->generations : NAN);
    json_field(f, "timed_generations", r->status == ROW_OK ? (double)r->timed_generations : NAN);
    json_field(f, "seconds", r->seconds);
    json_field(f, "setup_s", r->setup_s);
    json_field(f, "total_s", r->total_s);
    json_field(f, "gen_per_s", r->gen_per_s);
    json_field(f, "evals_per_s", r->evals_per_s);
    json_field(f, "bytes_per_generation", r->bytes_per_generation);
    json_field(f, "gb_per_s", r->gb_per_s);
    json_field(f, "bw_fraction", r->bw_fraction);
    json_field(f, "process_cpu_per_s", r->cpu_per_s);
    json_field(f, "best_f", r->best_f);
    fputs("}", f);
}

static void json_names(FILE *f, const char *key, const bench_names *names)
{
    json_key(f, key);
    fputs("[", f);
    for (size_t i = 0; i < names->n; ++i) {
        fputs(i ? ", " : "", f);
        json_string(f, names->item[i]);
    }
    fputs("]", f);
}

static void json_sizes(FILE *f, const char *key, const bench_sizes *sizes)
{
    json_key(f, key);
    fputs("[", f);
    for (size_t i = 0; i < sizes->n; ++i)
        fprintf(f, "%s%zu", i ? ", " : "", sizes->item[i]);
    fputs("]", f);
}

static void json_config(FILE *f, const bench_config *cfg, const char *date)
{
    fputs("  \"program\": \"gpuopt_bench_population\",\n  \"gpuopt_version\": ", f);
    json_string(f, gpuopt_version());
    fprintf(f, ",\n  \"date\": \"%s\",\n  \"quick\": %s,\n  \"row_budget_s\": ", date,
            cfg->quick ? "true" : "false");
    json_number(f, cfg->row_budget_s);
    fputs(",\n  \"generations\": ", f);
    if (cfg->generations)
        fprintf(f, "%lld", (long long)cfg->generations);
    else
        fputs("\"auto\"", f);
    fprintf(f, ",\n  \"threads\": %d,\n  \"seed\": %llu,\n  ", cfg->threads,
            (unsigned long long)cfg->seed);
    json_names(f, "algorithms", &cfg->algorithms);
    fputs(",\n  ", f);
    json_names(f, "problems", &cfg->problems);
    fputs(",\n  ", f);
    json_sizes(f, "populations", &cfg->populations);
    fputs(",\n  ", f);
    json_sizes(f, "dimensions", &cfg->dimensions);
    fputs(",\n  \"timing\": \"generations 2..G, between the progress callbacks of generation 1 "
          "and G (monotonic clock); setup_s = time to the end of generation 1 minus one "
          "generation\",\n",
          f);
}

int bench_write_json(const char *path, const bench_config *cfg, const bench_backend *backends,
                     size_t n_backends, const bench_row *rows, size_t n_rows, const char *date)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fputs("{\n", f);
    json_config(f, cfg, date);
    fputs("  \"backends\": [\n", f);
    for (size_t i = 0; i < n_backends; ++i) {
        json_backend(f, &backends[i]);
        fputs(i + 1 < n_backends ? ",\n" : "\n", f);
    }
    fputs("  ],\n  \"rows\": [\n", f);
    for (size_t i = 0; i < n_rows; ++i) {
        json_row(f, &rows[i]);
        fputs(i + 1 < n_rows ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    if (fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}
