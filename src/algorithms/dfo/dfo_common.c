/* Batches, budgets and buffers of the model-based derivative-free solvers (see dfo_common.h). */
#include "dfo_common.h"

#include <math.h>

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

void dfo_clip(const gpuopt_run *run, double *x)
{
    for (size_t j = 0; j < run->dim; ++j)
        x[j] = fmin(fmax(x[j], run->lower[j]), run->upper[j]);
}
