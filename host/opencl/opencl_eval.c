/* OpenCL evaluation: built-in problems as a kernel; host callbacks with only the batch crossing
 * (X to the host, raw outputs back); source and device criteria (opencl_source.c) on the
 * device; aggregation and the non-finite check on the device. */
#include <math.h>
#include <stdlib.h>

#include "../../kernels/entry.h"
#include "../host_eval.h"
#include "opencl_internal.h"

/* Grows a host staging array to at least count doubles. */
static gpuopt_status ocl_staging(gpuopt_backend *b, double **buf, size_t *cap, size_t count)
{
    if (*cap >= count && *buf)
        return GPUOPT_SUCCESS;
    if (count > SIZE_MAX / sizeof(double))
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "batch too large for the host");
    double *grown = realloc(*buf, (count ? count : 1) * sizeof(double));
    if (!grown)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "cannot stage the batch on the host (%zu bytes)",
                                   count * sizeof(double));
    *buf = grown;
    *cap = count;
    return GPUOPT_SUCCESS;
}

/* A host callback: the batch crosses to the host, the raw outputs cross back. */
static gpuopt_status ocl_eval_host(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                                   size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    ocl_impl *o = ocl_of(b);
    size_t nx = n * t->dim, nr = n * t->n_outputs;
    gpuopt_status st = ocl_staging(b, &o->host_x, &o->host_x_cap, nx);
    if (st == GPUOPT_SUCCESS)
        st = ocl_staging(b, &o->host_raw, &o->host_raw_cap, nr);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_read(b, o->host_x, X, 0, nx * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_host_eval_callback(b, t, o->host_x, n, o->host_raw);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_backend_fail(b, st, "the criterion callback returned an error");
    st = gpuopt_opencl_write(b, raw, 0, o->host_raw, nr * sizeof(double));
    return st == GPUOPT_SUCCESS ? gpuopt_opencl_aggregate(b, t->kind, raw, n, t->n_outputs, f) : st;
}

gpuopt_status gpuopt_opencl_evaluate(gpuopt_backend *b, const gpuopt_eval_target *t,
                                     gpuopt_dptr X, size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    if (!t || !X || !f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL argument");
    if (n == 0)
        return GPUOPT_SUCCESS;
    if (t->builtin_id >= 0 && t->n_outputs > 1) { /* contributions into raw, then their sums */
        if (!raw)
            return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
        if (n > SIZE_MAX / t->n_outputs)
            return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                       "evaluate: %zu points x %zu outputs are too many", n,
                                       t->n_outputs);
        size_t items = n * t->n_outputs;
        ocl_arg args[] = {OCL_U64(items),        OCL_U64(t->dim), OCL_U64(t->n_outputs),
                          OCL_INT(t->builtin_id), OCL_MEM(X),      OCL_MEM(raw)};
        gpuopt_status st = gpuopt_opencl_launch(b, OCL_K_EVAL_BUILTIN, items, 0, args,
                                                OCL_NARGS(args));
        return st == GPUOPT_SUCCESS ? gpuopt_opencl_aggregate(b, t->kind, raw, n, t->n_outputs, f)
                                    : st;
    }
    if (t->builtin_id >= 0) {
        ocl_arg args[] = {OCL_U64(n),         OCL_U64(t->dim), OCL_U64(1),
                          OCL_INT(t->builtin_id), OCL_MEM(X),      OCL_MEM(f)};
        return gpuopt_opencl_launch(b, OCL_K_EVAL_BUILTIN, n, 0, args, OCL_NARGS(args));
    }
    if (t->source)
        return gpuopt_opencl_eval_source(b, t, X, n, raw, f);
    if (!t->batch_fn && !t->point_fn && !t->device_fn)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NO_CRITERION, "the problem has no criterion");
    if (!raw)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (t->device_fn)
        return gpuopt_opencl_eval_device_fn(b, t, X, n, raw, f);
    return ocl_eval_host(b, t, X, n, raw, f);
}

gpuopt_status gpuopt_opencl_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind,
                                      gpuopt_dptr raw, size_t n, size_t n_outputs, gpuopt_dptr f)
{
    if (!raw || !f)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "aggregate: NULL buffer");
    if (kind == GPUOPT_CRITERION_SCALAR)
        return raw == f ? GPUOPT_SUCCESS : gpuopt_opencl_copy(b, f, 0, raw, 0, n * sizeof(double));
    ocl_arg args[] = {OCL_U64(n), OCL_U64(n_outputs),
                      OCL_INT(kind == GPUOPT_CRITERION_LEAST_SQUARES), OCL_MEM(raw), OCL_MEM(f)};
    return gpuopt_opencl_launch(b, OCL_K_AGGREGATE, n, 0, args, OCL_NARGS(args));
}

/* ------------------------------------------------------------------- reductions */

/* Values per thread before another group is worth it: up to 4096 values (typical populations)
 * take one group, hence one launch. */
#define OCL_REDUCE_PER_THREAD 16

/* Groups of the first pass, at most GPUOPT_REDUCE_MAX_GROUPS. */
static size_t ocl_reduce_groups(size_t n)
{
    const size_t per_group = (size_t)GPUOPT_REDUCE_THREADS * OCL_REDUCE_PER_THREAD;
    size_t g = n / per_group + (n % per_group != 0);
    return g < 1 ? 1 : (g > GPUOPT_REDUCE_MAX_GROUPS ? GPUOPT_REDUCE_MAX_GROUPS : g);
}

/* The second pass when the first left more than one partial; returns the slot to read. */
static gpuopt_status ocl_reduce_total(gpuopt_backend *b, ocl_kernel_id k, size_t groups,
                                      const ocl_arg *args, size_t n_args, size_t *slot)
{
    *slot = 0;
    if (groups == 1)
        return GPUOPT_SUCCESS;
    *slot = GPUOPT_REDUCE_TOTAL;
    return gpuopt_opencl_launch(b, k, GPUOPT_REDUCE_THREADS, GPUOPT_REDUCE_THREADS, args, n_args);
}

gpuopt_status gpuopt_opencl_check_values(gpuopt_backend *b, gpuopt_dptr f, gpuopt_dptr X, size_t n,
                                         size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                         size_t *first_bad)
{
    ocl_impl *o = ocl_of(b);
    if (!f || !n_bad || !first_bad)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "check_values: NULL argument");
    *n_bad = 0;
    *first_bad = n;
    if (n == 0)
        return GPUOPT_SUCCESS;
    int replace = p && p->replace;
    int has_x0 = replace && p->x0 && X;
    size_t groups = ocl_reduce_groups(n), slot;
    ocl_arg args[] = {OCL_U64(n),
                      OCL_U64(dim),
                      OCL_INT(replace),
                      OCL_INT(has_x0),
                      OCL_DBL(replace ? p->constant : 0.0),
                      OCL_DBL(replace ? p->slope : 0.0),
                      OCL_MEM(f),
                      OCL_MEM(has_x0 ? X : f), /* not read without x0 */
                      OCL_MEM(has_x0 ? p->x0 : f),
                      OCL_MEM(o->reduce_indices)};
    ocl_arg total[] = {OCL_U64(groups), OCL_U64(n), OCL_MEM(o->reduce_indices)};
    gpuopt_status st = gpuopt_opencl_launch(b, OCL_K_CHECK_VALUES, groups * GPUOPT_REDUCE_THREADS,
                                            GPUOPT_REDUCE_THREADS, args, OCL_NARGS(args));
    if (st == GPUOPT_SUCCESS)
        st = ocl_reduce_total(b, OCL_K_CHECK_VALUES_TOTAL, groups, total, OCL_NARGS(total), &slot);
    cl_ulong result[2] = {0, n};
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_read(b, result, o->reduce_indices, slot * sizeof(cl_ulong),
                                sizeof result);
    *n_bad = (size_t)result[0];
    *first_bad = (size_t)result[1];
    return st;
}

/* Reads the two values and the two indices at slot with one wait (the queue is in order). */
static gpuopt_status ocl_read_pair(gpuopt_backend *b, double *values, cl_mem value_buf,
                                   cl_ulong *indices, cl_mem index_buf, size_t slot)
{
    ocl_impl *o = ocl_of(b);
    cl_int err = clEnqueueReadBuffer(o->queue, value_buf, CL_FALSE, slot * sizeof(double),
                                     2 * sizeof(double), values, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueReadBuffer(o->queue, index_buf, CL_TRUE, slot * sizeof(cl_ulong),
                                  2 * sizeof(cl_ulong), indices, 0, NULL, NULL);
    if (err == CL_SUCCESS) {
        o->bytes_to_host += 2 * sizeof(double) + 2 * sizeof(cl_ulong);
        return GPUOPT_SUCCESS;
    }
    clFinish(o->queue); /* the first read may still target `values` */
    return gpuopt_opencl_fail(b, err, "clEnqueueReadBuffer", "minmax result");
}

gpuopt_status gpuopt_opencl_minmax(gpuopt_backend *b, gpuopt_dptr f, size_t n, size_t *imin,
                                   double *fmin, size_t *imax, double *fmax)
{
    ocl_impl *o = ocl_of(b);
    double values[2] = {NAN, NAN};
    cl_ulong indices[2] = {0, 0};
    gpuopt_status st = f ? GPUOPT_SUCCESS
                         : gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "minmax: NULL buffer");
    if (st == GPUOPT_SUCCESS && n > 0) {
        size_t groups = ocl_reduce_groups(n), slot;
        ocl_arg args[] = {OCL_U64(n), OCL_MEM(f), OCL_MEM(o->reduce_values),
                          OCL_MEM(o->reduce_indices)};
        ocl_arg total[] = {OCL_U64(groups), OCL_MEM(o->reduce_values),
                           OCL_MEM(o->reduce_indices)};
        st = gpuopt_opencl_launch(b, OCL_K_MINMAX, groups * GPUOPT_REDUCE_THREADS,
                                  GPUOPT_REDUCE_THREADS, args, OCL_NARGS(args));
        if (st == GPUOPT_SUCCESS)
            st = ocl_reduce_total(b, OCL_K_MINMAX_TOTAL, groups, total, OCL_NARGS(total), &slot);
        if (st == GPUOPT_SUCCESS)
            st = ocl_read_pair(b, values, o->reduce_values, indices, o->reduce_indices, slot);
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

/* Bitonic sort of (f, index) pairs padded to a power of two: log2(m) (log2(m) + 1) / 2 steps,
 * each one launch; the order is total (ties by index), so the result is the stable order. */
static gpuopt_status ocl_bitonic(gpuopt_backend *b, size_t n, size_t padded, gpuopt_dptr keys,
                                 gpuopt_dptr order)
{
    gpuopt_status st = GPUOPT_SUCCESS;
    for (size_t k = 2; k <= padded && st == GPUOPT_SUCCESS; k <<= 1) {
        for (size_t j = k >> 1; j > 0 && st == GPUOPT_SUCCESS; j >>= 1) {
            ocl_arg args[] = {OCL_U64(n),    OCL_U64(padded), OCL_U64(k),
                              OCL_U64(j),    OCL_MEM(keys),   OCL_MEM(order)};
            st = gpuopt_opencl_launch(b, OCL_K_SORT_STEP, padded / 2, 0, args, OCL_NARGS(args));
        }
    }
    return st;
}

gpuopt_status gpuopt_opencl_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx)
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
    gpuopt_status st = gpuopt_opencl_alloc(b, padded * sizeof(double), &keys);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_alloc(b, padded * sizeof(cl_uint), &order);
    if (st == GPUOPT_SUCCESS) {
        ocl_arg args[] = {OCL_U64(n), OCL_U64(padded), OCL_MEM(f), OCL_MEM(keys), OCL_MEM(order)};
        st = gpuopt_opencl_launch(b, OCL_K_SORT_INIT, padded, 0, args, OCL_NARGS(args));
    }
    if (st == GPUOPT_SUCCESS)
        st = ocl_bitonic(b, n, padded, keys, order);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_opencl_copy(b, idx, 0, order, 0, n * sizeof(cl_uint));
    gpuopt_opencl_release(b, keys); /* OpenCL keeps them alive until queued work is done */
    gpuopt_opencl_release(b, order);
    return st;
}

/* ------------------------------------------------------------------- random numbers */

gpuopt_status gpuopt_opencl_fill_uniform(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                         uint64_t seed, uint64_t stream, uint64_t offset)
{
    if (!out)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "fill_uniform: NULL buffer");
    ocl_arg args[] = {OCL_U64(n), OCL_U64(seed), OCL_U64(stream), OCL_U64(offset), OCL_MEM(out)};
    return gpuopt_opencl_launch(b, OCL_K_FILL_UNIFORM, n, 0, args, OCL_NARGS(args));
}
