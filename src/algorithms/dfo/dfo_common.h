/* What pounders and dfols share with the framework: batches of points whose residuals come back
 * as raw outputs, budgets, and the buffers of their POD states. */
#ifndef GPUOPT_DFO_COMMON_H
#define GPUOPT_DFO_COMMON_H

#include "../../algorithm.h"

/* How many of `wanted` points the evaluation budget still allows (at least 1). */
size_t dfo_batch_size(const gpuopt_run *run, size_t wanted);

/* Writes n points (n x dim, host) to the backend batch buffer bx and fills *batch (values to bf,
 * residuals to braw). */
gpuopt_status dfo_ask_points(gpuopt_run *run, const double *points, size_t n, int bx, int bf,
                             int braw, gpuopt_batch *batch);

/* Reads the n values and n x m residuals of the last batch. A point whose residuals are not all
 * finite (error_handling=continue gave it a finite penalty value f) gets m equal residuals
 * sqrt(f/m), so that models see the penalty. Returns the status of the reads. */
gpuopt_status dfo_read_batch(gpuopt_run *run, int bf, int braw, size_t n, double *f, double *r);

/* The values (k = batch->n) and k x n_outputs residuals of the last batch in one allocation:
 * *f (values), *f + k (residuals), to be freed by the caller. GPUOPT_STOP_MAX_EVALUATIONS when
 * the budget cut the batch below the `asked` points; a failed read is freed and returned. */
gpuopt_status dfo_tell_batch(gpuopt_run *run, const gpuopt_batch *batch, size_t asked, int bf,
                             int braw, double **f);

/* GPUOPT_ERR_OUT_OF_MEMORY, "<algorithm>: out of memory". */
gpuopt_status dfo_no_memory(gpuopt_run *run);

/* Allocates the host buffers of a table {name, count, &id} (doubles). */
typedef struct dfo_buffer_spec {
    const char *name;
    size_t count;
    int *id;
} dfo_buffer_spec;
gpuopt_status dfo_allocate(gpuopt_run *run, const dfo_buffer_spec *table, size_t n_table);
/* The backend buffers of batches of up to dim + 1 points: <prefix>_batch_x, _batch_f and
 * _batch_r (the residuals). */
gpuopt_status dfo_allocate_batch(gpuopt_run *run, const char *prefix, int *bx, int *bf,
                                 int *braw);

/* The host buffer `id` as doubles. */
static inline double *dfo_buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* Projects x on the problem's bounds. */
void dfo_clip(const gpuopt_run *run, double *x);

#endif /* GPUOPT_DFO_COMMON_H */
