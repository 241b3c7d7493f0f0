/* The backend table, opening/closing, and the fallbacks of optional ops. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"

static const gpuopt_backend_ops *const table[] = {
#ifdef GPUOPT_HAVE_CUDA
    &gpuopt_backend_cuda,
#endif
#ifdef GPUOPT_HAVE_OPENCL
    &gpuopt_backend_opencl,
#endif
    &gpuopt_backend_cpu,
};

size_t gpuopt_backend_table_size(void)
{
    return sizeof table / sizeof table[0];
}

const gpuopt_backend_ops *gpuopt_backend_table_at(size_t i)
{
    return i < gpuopt_backend_table_size() ? table[i] : NULL;
}

const gpuopt_backend_ops *gpuopt_backend_ops_find(const char *name)
{
    for (size_t i = 0; name && i < gpuopt_backend_table_size(); ++i)
        if (!strcasecmp(table[i]->name, name))
            return table[i];
    return NULL;
}

gpuopt_status gpuopt_backend_fail(gpuopt_backend *b, gpuopt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->error, sizeof b->error, fmt, ap);
    va_end(ap);
    return st;
}

gpuopt_status gpuopt_backend_open(gpuopt_backend **out, const gpuopt_backend_ops *ops, int n_threads)
{
    gpuopt_backend *b = calloc(1, sizeof *b);
    if (!b)
        return GPUOPT_ERR_OUT_OF_MEMORY;
    b->ops = ops;
    b->n_threads = n_threads > 0 ? n_threads : 1;
    gpuopt_status st = ops->open(b, 0);
    if (st != GPUOPT_SUCCESS) {
        *out = b; /* the caller reads b->error, then closes */
        return st;
    }
    *out = b;
    return GPUOPT_SUCCESS;
}

void gpuopt_backend_close(gpuopt_backend **b)
{
    if (!b || !*b)
        return;
    if ((*b)->ops->close)
        (*b)->ops->close(*b);
    free(*b);
    *b = NULL;
}

gpuopt_status gpuopt_backend_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_offset,
                                  gpuopt_dptr src, size_t src_offset, size_t bytes)
{
    if (b->ops->copy)
        return b->ops->copy(b, dst, dst_offset, src, src_offset, bytes);
    void *tmp = malloc(bytes ? bytes : 1);
    if (!tmp)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory (%zu bytes)",
                                   bytes);
    gpuopt_status st = b->ops->read(b, tmp, src, src_offset, bytes);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, dst, dst_offset, tmp, bytes);
    free(tmp);
    return st;
}

/* Stable merge sort of indices by key (no global state, unlike qsort with a comparator). */
static void merge_sort(const double *f, uint32_t *idx, uint32_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(f, idx, tmp, h);
    merge_sort(f, idx + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = f[idx[j]] < f[idx[i]] ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

gpuopt_status gpuopt_host_argsort(const double *f, size_t n, uint32_t *idx)
{
    uint32_t *tmp = malloc(n * sizeof *tmp + 1);
    if (!tmp)
        return GPUOPT_ERR_OUT_OF_MEMORY;
    for (size_t i = 0; i < n; ++i)
        idx[i] = (uint32_t)i;
    merge_sort(f, idx, tmp, n);
    free(tmp);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_backend_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx)
{
    if (b->ops->argsort)
        return b->ops->argsort(b, f, n, idx);
    double *keys = malloc(n * sizeof *keys + 1);
    uint32_t *order = malloc(n * sizeof *order + 1);
    gpuopt_status st = keys && order ? b->ops->read(b, keys, f, 0, n * sizeof *keys)
                                     : GPUOPT_ERR_OUT_OF_MEMORY;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_host_argsort(keys, n, order);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, idx, 0, order, n * sizeof *order);
    free(keys);
    free(order);
    return st;
}
