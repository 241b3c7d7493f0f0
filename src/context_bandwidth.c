/* The context's device-to-device copy bandwidth, measured: the reference against which the
 * benchmarks report the memory traffic of a generation (bytes read + written per second). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define DEFAULT_BYTES (256u << 20) /* 256 MiB per buffer */
#define MIN_SECONDS 0.2            /* copies are repeated for at least this long */
#define MIN_COPIES 5

static gpuopt_status failed(gpuopt_context *ctx, gpuopt_status st, const char *what)
{
    return gpuopt_set_error(ctx->errmsg, st, "copy bandwidth: %s failed on the %s backend: %s",
                            what, ctx->backend->ops->name, ctx->backend->error);
}

/* Writes every page of the source, so that the copies read memory, not the zero page a fresh
 * allocation maps (which would make reads look free). */
static gpuopt_status touch(gpuopt_context *ctx, gpuopt_dptr src, size_t bytes)
{
    enum { CHUNK = 1 << 20 };
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk)
        return gpuopt_set_error(ctx->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    memset(chunk, 0x5a, CHUNK);
    gpuopt_backend *b = ctx->backend;
    gpuopt_status st = GPUOPT_SUCCESS;
    for (size_t at = 0; at < bytes && st == GPUOPT_SUCCESS; at += CHUNK)
        st = b->ops->write(b, src, at, chunk, bytes - at < CHUNK ? bytes - at : CHUNK);
    free(chunk);
    return st == GPUOPT_SUCCESS ? st : failed(ctx, st, "write");
}

/* The fastest of the timed copies of `bytes` from one device buffer to another. */
static gpuopt_status time_copies(gpuopt_context *ctx, gpuopt_dptr src, gpuopt_dptr dst,
                                 size_t bytes, double *best)
{
    gpuopt_backend *b = ctx->backend;
    gpuopt_status st = gpuopt_backend_copy(b, dst, 0, src, 0, bytes); /* warm-up */
    if (st == GPUOPT_SUCCESS)
        st = b->ops->synchronize(b);
    double start = gpuopt_now();
    *best = INFINITY;
    for (int k = 0; st == GPUOPT_SUCCESS && (k < MIN_COPIES || gpuopt_now() - start < MIN_SECONDS);
         ++k) {
        double t0 = gpuopt_now();
        st = gpuopt_backend_copy(b, dst, 0, src, 0, bytes);
        if (st == GPUOPT_SUCCESS)
            st = b->ops->synchronize(b);
        double dt = gpuopt_now() - t0;
        if (dt < *best)
            *best = dt;
    }
    return st == GPUOPT_SUCCESS ? st : failed(ctx, st, "copy");
}

gpuopt_status gpuopt_context_copy_bandwidth(gpuopt_context *ctx, size_t bytes, double *gb_per_s)
{
    if (!ctx)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context is NULL");
    if (!gb_per_s)
        return gpuopt_set_error(ctx->errmsg, GPUOPT_ERR_NULL_POINTER, "gb_per_s is NULL");
    *gb_per_s = NAN;
    if (bytes == 0)
        bytes = DEFAULT_BYTES;
    gpuopt_backend *b = ctx->backend;
    gpuopt_device_info info;
    if (b->ops->device_info(0, &info) == GPUOPT_SUCCESS && info.memory_bytes > 0 &&
        bytes > info.memory_bytes / 2)
        return gpuopt_set_error(ctx->errmsg, GPUOPT_ERR_OUT_OF_MEMORY,
                                "copy bandwidth: cannot allocate two buffers of %zu bytes on the "
                                "%s backend: its device has %llu bytes",
                                bytes, b->ops->name, (unsigned long long)info.memory_bytes);
    gpuopt_dptr src = NULL, dst = NULL;
    gpuopt_status st = b->ops->alloc(b, bytes, &src);
    if (st == GPUOPT_SUCCESS && (st = b->ops->alloc(b, bytes, &dst)) != GPUOPT_SUCCESS) {
        b->ops->release(b, src);
        src = NULL;
    }
    if (st != GPUOPT_SUCCESS)
        return gpuopt_set_error(ctx->errmsg, st,
                                "copy bandwidth: cannot allocate two buffers of %zu bytes on the "
                                "%s backend: %s", bytes, b->ops->name, b->error);
    double best = INFINITY;
    st = touch(ctx, src, bytes);
    if (st == GPUOPT_SUCCESS)
        st = time_copies(ctx, src, dst, bytes, &best);
    b->ops->release(b, src);
    b->ops->release(b, dst);
    if (st == GPUOPT_SUCCESS)
        *gb_per_s = best > 0 ? 2.0 * (double)bytes / best / 1e9 : INFINITY;
    return st;
}
