/* CUDA evaluation: built-in problems as a kernel; host callbacks with only the batch crossing
 * (X to the host, raw outputs back, through pinned staging buffers); source criteria and device
 * batch callbacks through cuda_source.c; aggregation, the non-finite check, minmax, argsort and
 * the Philox draws on the device. */
#include <math.h>
#include <stdio.h>

#include "../../kernels/entry.h"
#include "../host_eval.h"
#include "cuda_internal.h"
#include "cuda_source.h"

/* Grows a pinned host staging array to at least count doubles. */
static gpuopt_status cu_staging(gpuopt_backend *b, double **buf, size_t *cap, size_t count)
{
    if (*cap >= count && *buf)
        return GPUOPT_SUCCESS;
    if (count > SIZE_MAX / sizeof(double))
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "cannot stage %zu values on the host", count);
    size_t bytes = (count ? count : 1) * sizeof(double);
    void *grown = NULL;
    cudaError_t err = cudaMallocHost(&grown, bytes);
    if (err != cudaSuccess) {
        char text[192];
        gpuopt_cuda_error_text(err, text, sizeof text);
        (void)cudaGetLastError();
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "cannot stage the batch on the host: cudaMallocHost(%zu "
                                   "bytes): %s",
                                   bytes, text);
    }
    if (*buf)
        cudaFreeHost(*buf);
    *buf = grown;
    *cap = count ? count : 1;
    return GPUOPT_SUCCESS;
}

/* A host callback: the batch crosses to the host, the raw outputs cross back. */
static gpuopt_status cu_eval_host(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                                  size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    cu_impl *c = cu_of(b);
    size_t nx = n * t->dim, nr = n * t->n_outputs;
    gpuopt_status st = cu_staging(b, &c->host_x, &c->host_x_cap, nx);
    if (st == GPUOPT_SUCCESS)
        st = cu_staging(b, &c->host_raw, &c->host_raw_cap, nr);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_read(b, c->host_x, X, 0, nx * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_host_eval_callback(b, t, c->host_x, n, c->host_raw);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_backend_fail(b, st, "the criterion callback returned an error");
    st = gpuopt_cuda_write(b, raw, 0, c->host_raw, nr * sizeof(double));
    return st == GPUOPT_SUCCESS ? gpuopt_cuda_aggregate(b, t->kind, raw, n, t->n_outputs, f) : st;
}

/* A built-in problem: its values into f, or (several outputs, e.g. likelihood contributions)
 * its outputs into raw, one thread per output, then their sums into f. */
static gpuopt_status cu_eval_builtin(gpuopt_backend *b, const gpuopt_eval_target *t,
                                     gpuopt_dptr X, size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    size_t m = t->n_outputs > 1 ? t->n_outputs : 1;
    if (m > 1 && !raw)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (n > SIZE_MAX / m)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "evaluate: %zu points x %zu outputs are too many", n, m);
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "eval_builtin", n * m, 0, &l);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_launched(b,
                                  gpuopt_cuda_k_eval_builtin(l, n * m, t->dim, m, t->builtin_id, X,
                                                             m > 1 ? raw : f),
                                  "eval_builtin");
    return st == GPUOPT_SUCCESS && m > 1 ? gpuopt_cuda_aggregate(b, t->kind, raw, n, m, f) : st;
}

gpuopt_status gpuopt_cuda_evaluate(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                                   size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    if (!t || !X || !f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL argument");
    if (n == 0)
        return GPUOPT_SUCCESS;
    if (t->builtin_id >= 0)
        return cu_eval_builtin(b, t, X, n, raw, f);
    if (t->source)
        return gpuopt_cuda_eval_source(b, &cu_of(b)->sources, t, X, n, raw, f);
    if (!t->batch_fn && !t->point_fn && !t->device_fn)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NO_CRITERION, "the problem has no criterion");
    if (!raw)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (t->device_fn)
        return gpuopt_cuda_eval_device_fn(b, t, X, n, raw, f);
    return cu_eval_host(b, t, X, n, raw, f);
}

gpuopt_status gpuopt_cuda_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind,
                                    gpuopt_dptr raw, size_t n, size_t n_outputs, gpuopt_dptr f)
{
    if (!raw || !f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "aggregate: NULL buffer");
    if (kind == GPUOPT_CRITERION_SCALAR)
        return raw == f ? GPUOPT_SUCCESS : gpuopt_cuda_copy(b, f, 0, raw, 0, n * sizeof(double));
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "aggregate", n, 0, &l);
    if (st != GPUOPT_SUCCESS || n == 0)
        return st;
    int squares = kind == GPUOPT_CRITERION_LEAST_SQUARES;
    return gpuopt_cuda_launched(b, gpuopt_cuda_k_aggregate(l, n, n_outputs, squares, raw, f),
                                "aggregate");
}

/* ------------------------------------------------------------------- reductions */

/* Values per thread before another block is worth it: up to 4096 values (typical populations)
 * take one block, hence one launch (as on OpenCL). */
#define CU_REDUCE_PER_THREAD 16

/* The first pass's geometry: at most GPUOPT_REDUCE_MAX_GROUPS blocks of GPUOPT_REDUCE_THREADS. */
static gpuopt_status cu_reduce_grid(gpuopt_backend *b, const char *kernel, size_t n,
                                    gpuopt_cuda_launch *l)
{
    const size_t per_block = (size_t)GPUOPT_REDUCE_THREADS * CU_REDUCE_PER_THREAD;
    size_t g = n / per_block + (n % per_block != 0);
    g = g < 1 ? 1 : (g > GPUOPT_REDUCE_MAX_GROUPS ? GPUOPT_REDUCE_MAX_GROUPS : g);
    return gpuopt_cuda_grid(b, kernel, g * GPUOPT_REDUCE_THREADS, GPUOPT_REDUCE_THREADS, l);
}

/* The second pass runs as one block of the first pass's stream. */
static gpuopt_cuda_launch cu_one_block(gpuopt_cuda_launch l)
{
    l.blocks = 1;
    return l;
}

gpuopt_status gpuopt_cuda_check_values(gpuopt_backend *b, gpuopt_dptr f, gpuopt_dptr X, size_t n,
                                       size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                       size_t *first_bad)
{
    cu_impl *c = cu_of(b);
    if (!f || !n_bad || !first_bad)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "check_values: NULL argument");
    *n_bad = 0;
    *first_bad = n;
    if (n == 0)
        return GPUOPT_SUCCESS;
    int replace = p && p->replace;
    int has_x0 = replace && p->x0 && X;
    gpuopt_cuda_launch l;
    gpuopt_status st = cu_reduce_grid(b, "check_values", n, &l);
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_cuda_launched(
        b,
        gpuopt_cuda_k_check_values(l, n, dim, replace, has_x0, replace ? p->constant : 0.0,
                                   replace ? p->slope : 0.0, f, has_x0 ? X : f,
                                   has_x0 ? p->x0 : f, c->reduce_indices),
        "check_values");
    size_t slot = 0;
    if (st == GPUOPT_SUCCESS && l.blocks > 1) {
        slot = GPUOPT_REDUCE_TOTAL;
        st = gpuopt_cuda_launched(b,
                                  gpuopt_cuda_k_check_values_total(cu_one_block(l), l.blocks, n,
                                                                   c->reduce_indices),
                                  "check_values_total");
    }
    gpuopt_cuda_u64 result[2] = {0, n};
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_read(b, result, c->reduce_indices, slot * sizeof(gpuopt_cuda_u64),
                              sizeof result);
    *n_bad = (size_t)result[0];
    *first_bad = (size_t)result[1];
    return st;
}

/* Reads the two values and the two indices at slot with one wait. */
static gpuopt_status cu_read_pair(gpuopt_backend *b, double *values, gpuopt_cuda_u64 *indices,
                                  size_t slot)
{
    cu_impl *c = cu_of(b);
    cudaError_t err = cudaMemcpyAsync(values, c->reduce_values + slot, 2 * sizeof(double),
                                      cudaMemcpyDeviceToHost, c->stream);
    if (err == cudaSuccess)
        err = cudaMemcpyAsync(indices, c->reduce_indices + slot, 2 * sizeof(gpuopt_cuda_u64),
                              cudaMemcpyDeviceToHost, c->stream);
    cudaError_t done = cudaStreamSynchronize(c->stream); /* also after a failed second copy */
    err = err == cudaSuccess ? done : err;
    return err == cudaSuccess ? GPUOPT_SUCCESS
                              : gpuopt_cuda_fail(b, err, "cudaMemcpyAsync", "minmax result");
}

gpuopt_status gpuopt_cuda_minmax(gpuopt_backend *b, gpuopt_dptr f, size_t n, size_t *imin,
                                 double *fmin, size_t *imax, double *fmax)
{
    cu_impl *c = cu_of(b);
    double values[2] = {NAN, NAN};
    gpuopt_cuda_u64 indices[2] = {0, 0};
    gpuopt_status st = f ? GPUOPT_SUCCESS
                         : gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "minmax: NULL buffer");
    gpuopt_cuda_launch l;
    if (st == GPUOPT_SUCCESS && n > 0) {
        size_t slot = 0;
        st = cu_reduce_grid(b, "minmax", n, &l);
        if (st == GPUOPT_SUCCESS)
            st = gpuopt_cuda_launched(
                b, gpuopt_cuda_k_minmax(l, n, f, c->reduce_values, c->reduce_indices), "minmax");
        if (st == GPUOPT_SUCCESS && l.blocks > 1) {
            slot = GPUOPT_REDUCE_TOTAL;
            st = gpuopt_cuda_launched(b,
                                      gpuopt_cuda_k_minmax_total(cu_one_block(l), l.blocks,
                                                                 c->reduce_values,
                                                                 c->reduce_indices),
                                      "minmax_total");
        }
        if (st == GPUOPT_SUCCESS)
            st = cu_read_pair(b, values, indices, slot);
    }
    if (imin)
        *imin = (size_t)indices[0];
    if (fmin)
        *fmin = values[0];
    if (imax)
        *imax = (size_t)indices[1];
    if (fmax)
        *fmax = values[1];
    return st;
}

/* ------------------------------------------------------------------- argsort */

/* Bitonic sort of (f, index) pairs padded to a power of two, as on OpenCL: the order is total
 * (ties by index), so the result is the stable order. */
static gpuopt_status cu_bitonic(gpuopt_backend *b, size_t n, size_t padded, double *keys,
                                unsigned *order)
{
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "sort_step", padded / 2, 0, &l);
    for (size_t k = 2; k <= padded && st == GPUOPT_SUCCESS; k <<= 1)
        for (size_t j = k >> 1; j > 0 && st == GPUOPT_SUCCESS; j >>= 1)
            st = gpuopt_cuda_launched(b, gpuopt_cuda_k_sort_step(l, n, padded, k, j, keys, order),
                                      "sort_step");
    return st;
}

gpuopt_status gpuopt_cuda_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx)
{
    if (!f || !idx)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "argsort: NULL buffer");
    if (n == 0)
        return GPUOPT_SUCCESS;
    if (n > UINT32_MAX)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "argsort: %zu keys; at most 2^32 - 1 (uint32 indices)", n);
    size_t padded = 1;
    while (padded < n)
        padded <<= 1;
    gpuopt_dptr keys = NULL, order = NULL;
    gpuopt_status st = gpuopt_cuda_alloc(b, padded * sizeof(double), &keys);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_alloc(b, padded * sizeof(unsigned), &order);
    gpuopt_cuda_launch l;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_grid(b, "sort_init", padded, 0, &l);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_launched(b, gpuopt_cuda_k_sort_init(l, n, padded, f, keys, order),
                                  "sort_init");
    if (st == GPUOPT_SUCCESS)
        st = cu_bitonic(b, n, padded, keys, order);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_copy(b, idx, 0, order, 0, n * sizeof(unsigned));
    gpuopt_cuda_release(b, keys); /* waits for the queued work */
    gpuopt_cuda_release(b, order);
    return st;
}

/* ------------------------------------------------------------------- random numbers */

gpuopt_status gpuopt_cuda_fill_uniform(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                       uint64_t seed, uint64_t stream, uint64_t offset)
{
    if (!out)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "fill_uniform: NULL buffer");
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "fill_uniform", n, 0, &l);
    if (st != GPUOPT_SUCCESS || n == 0)
        return st;
    return gpuopt_cuda_launched(b, gpuopt_cuda_k_fill_uniform(l, n, seed, stream, offset, out),
                                "fill_uniform");
}

gpuopt_status gpuopt_cuda_fill_uniform_blocks(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                              unsigned block)
{
    if (!b || b->ops != &gpuopt_backend_cuda || !out || !block)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "fill_uniform", n, block, &l);
    if (st != GPUOPT_SUCCESS || n == 0)
        return st;
    return gpuopt_cuda_launched(b, gpuopt_cuda_k_fill_uniform(l, n, 1, 2, 0, out), "fill_uniform");
}

gpuopt_status gpuopt_cuda_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                      size_t cols, uint64_t seed, uint64_t stream)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (rows == 0 || cols == 0)
        return GPUOPT_SUCCESS;
    if (!out)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "fill_normal: NULL buffer");
    size_t half = (cols + 1) / 2;
    if (rows > SIZE_MAX / half)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "fill_normal: %zu x %zu values are too many", rows, cols);
    gpuopt_cuda_launch l;
    gpuopt_status st = gpuopt_cuda_grid(b, "fill_normal", rows * half, 0, &l);
    return st != GPUOPT_SUCCESS ? st
                                : gpuopt_cuda_launched(b,
                                                       gpuopt_cuda_k_fill_normal(l, rows, cols,
                                                                                 seed, stream,
                                                                                 out),
                                                       "fill_normal");
}
