/* Batches, budgets and buffers of the model-based derivative-free solvers (see dfo_common.h). */
#include "dfo_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

size_t dfo_batch_size(const gpuopt_run *run, size_t wanted)
{
    int64_t left = run->stop.max_evaluations - run->n_evaluations;
    if (left < 1)
        left = 1;
    return (uint64_t)left < wanted ? (size_t)left : wanted;
}

gpuopt_status dfo_ask_points(gpuopt_run *run, const double *points, size_t n, int bx, int bf,
                             int braw, gpuopt_batch *batch)
{
    gpuopt_status st = gpuopt_run_write(run, bx, 0, n * run->dim, points);
    if (st != GPUOPT_SUCCESS)
        return st;
    batch->x_buffer = bx;
    batch->x_row = 0;
    batch->f_buffer = bf;
    batch->f_row = 0;
    batch->raw_buffer = braw;
    batch->n = n;
    return GPUOPT_SUCCESS;
}

gpuopt_status dfo_read_batch(gpuopt_run *run, int bf, int braw, size_t n, double *f, double *r)
{
    size_t m = run->n_outputs;
    gpuopt_status st = gpuopt_run_read(run, bf, 0, n, f);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_run_read(run, braw, 0, n * m, r);
    if (st != GPUOPT_SUCCESS)
        return st;
    for (size_t i = 0; i < n; ++i) {
        int finite = isfinite(f[i]);
        for (size_t k = 0; k < m && finite; ++k)
            finite = isfinite(r[i * m + k]);
        if (finite)
            continue;
        double v = isfinite(f[i]) && f[i] >= 0 ? sqrt(f[i] / (double)m) : sqrt(1e300 / (double)m);
        for (size_t k = 0; k < m; ++k)
            r[i * m + k] = v;
        f[i] = v * v * (double)m;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status dfo_allocate(gpuopt_run *run, const dfo_buffer_spec *table, size_t n_table)
{
    for (size_t i = 0; i < n_table; ++i) {
        size_t count = table[i].count ? table[i].count : 1;
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, GPUOPT_ON_HOST, count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status dfo_allocate_batch(gpuopt_run *run, const char *prefix, int *bx, int *bf,
                                 int *braw)
{
    size_t n = run->dim, m = run->n_outputs;
    const struct {
        const char *suffix;
        size_t count;
        int *id;
    } table[] = {{"x", (n + 1) * n, bx}, {"f", n + 1, bf}, {"r", (n + 1) * m, braw}};
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        char name[32];
        snprintf(name, sizeof name, "%s_batch_%s", prefix, table[i].suffix);
        gpuopt_status st = gpuopt_run_buffer(run, name, GPUOPT_ON_BACKEND, table[i].count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status dfo_no_memory(gpuopt_run *run)
{
    return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY, "%s: out of memory",
                           run->algorithm->name);
}

gpuopt_status dfo_tell_batch(gpuopt_run *run, const gpuopt_batch *batch, size_t asked, int bf,
                             int braw, double **f)
{
    size_t k = batch->n;
    *f = NULL;
    if (k < asked)
        return GPUOPT_STOP_MAX_EVALUATIONS; /* the budget cut the batch */
    *f = malloc((k + k * run->n_outputs) * sizeof **f);
    if (!*f)
        return dfo_no_memory(run);
    gpuopt_status st = dfo_read_batch(run, bf, braw, k, *f, *f + k);
    if (st != GPUOPT_SUCCESS) {
        free(*f);
        *f = NULL;
    }
    return st;
}

void dfo_clip(const gpuopt_run *run, double *x)
{
    for (size_t j = 0; j < run->dim; ++j)
        x[j] = fmin(fmax(x[j], run->lower[j]), run->upper[j]);
}
