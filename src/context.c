/* The context owns the backend: device, threads, seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

static const char *const known_backends[] = {"auto", "cpu", "opencl", "cuda"};

static gpuopt_status unknown_backend(const char *name)
{
    char hint[256];
    gpuopt_suggest(name, known_backends, GPUOPT_COUNT(known_backends), hint, sizeof hint);
    return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_BACKEND,
                                 "unknown backend '%s'; valid backends: auto, cpu, opencl, cuda "
                                 "(nearest: %s)",
                                 name, hint);
}

static gpuopt_status open_named(gpuopt_context *ctx, const char *name)
{
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find(name);
    if (!ops)
        return gpuopt_set_last_error(GPUOPT_ERR_BACKEND_UNAVAILABLE,
                                     "backend '%s' is not compiled into this build of gpuopt "
                                     "(configure with GPUOPT_ENABLE_%s=ON where its SDK is "
                                     "installed)",
                                     name, !strcasecmp(name, "cuda") ? "CUDA" : "OPENCL");
    char why[256] = "";
    if (ops->device_count(0, why, sizeof why) <= 0)
        return gpuopt_set_last_error(GPUOPT_ERR_BACKEND_UNAVAILABLE,
                                     "backend '%s' has no usable device%s%s", name,
                                     why[0] ? ": " : "", why);
    int threads = gpuopt_cpu_resolve_threads(ctx->n_threads);
    gpuopt_status st = gpuopt_backend_open(&ctx->backend, ops, threads);
    if (st != GPUOPT_SUCCESS) {
        gpuopt_set_last_error(st, "backend '%s' failed to open: %s", name, ctx->backend->error);
        gpuopt_backend_close(&ctx->backend);
    }
    return st;
}

/* auto: the first GPU backend with a device, else the CPU. */
static gpuopt_status open_auto(gpuopt_context *ctx)
{
    for (size_t i = 0; i < gpuopt_backend_table_size(); ++i) {
        const gpuopt_backend_ops *ops = gpuopt_backend_table_at(i);
        char why[256];
        if (ops->is_gpu && ops->device_count(1, why, sizeof why) > 0 &&
            open_named(ctx, ops->name) == GPUOPT_SUCCESS) {
            snprintf(ctx->message, sizeof ctx->message, "auto: using %s (%s)", ops->name,
                     ctx->backend->device);
            return GPUOPT_SUCCESS;
        }
    }
    gpuopt_status st = open_named(ctx, "cpu");
    if (st == GPUOPT_SUCCESS)
        snprintf(ctx->message, sizeof ctx->message, "auto: no GPU device found, using cpu");
    return st;
}

gpuopt_status gpuopt_context_create(gpuopt_context **out, const char *backend)
{
    if (!out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context out-parameter is NULL");
    *out = NULL;
    const char *name = backend ? backend : "auto";
    int known = 0;
    for (size_t i = 0; i < GPUOPT_COUNT(known_backends); ++i)
        known |= !strcasecmp(name, known_backends[i]);
    if (!known)
        return unknown_backend(name);
    gpuopt_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    ctx->seed = 0;
    gpuopt_status st = !strcasecmp(name, "auto") ? open_auto(ctx) : open_named(ctx, name);
    if (st != GPUOPT_SUCCESS) {
        free(ctx);
        return st;
    }
    *out = ctx;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_context_destroy(gpuopt_context **ctx)
{
    if (!ctx)
        return GPUOPT_ERR_NULL_POINTER;
    if (*ctx) {
        gpuopt_backend_close(&(*ctx)->backend);
        free(*ctx);
        *ctx = NULL;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_context_set_threads(gpuopt_context *ctx, int n_threads)
{
    if (!ctx)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context is NULL");
    if (n_threads < 0)
        return gpuopt_set_error(ctx->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "thread count must be >= 0 (0 = all cores); got %d", n_threads);
    ctx->n_threads = n_threads;
    ctx->backend->n_threads = gpuopt_cpu_resolve_threads(n_threads);
    if (ctx->backend->ops->kind == GPUOPT_BACKEND_CPU)
        ctx->backend->ops->open(ctx->backend, 0); /* refreshes the device description */
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_context_set_seed(gpuopt_context *ctx, uint64_t seed)
{
    if (!ctx)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context is NULL");
    ctx->seed = seed;
    return GPUOPT_SUCCESS;
}

uint64_t gpuopt_context_seed(const gpuopt_context *ctx)
{
    return ctx ? ctx->seed : 0;
}

int gpuopt_context_threads(const gpuopt_context *ctx)
{
    return ctx ? ctx->backend->n_threads : 0;
}

const char *gpuopt_context_backend(const gpuopt_context *ctx)
{
    return ctx ? ctx->backend->ops->name : "";
}

const char *gpuopt_context_device(const gpuopt_context *ctx)
{
    return ctx ? ctx->backend->device : "";
}

const char *gpuopt_context_message(const gpuopt_context *ctx)
{
    return ctx ? ctx->message : "";
}

const char *gpuopt_context_errmsg(const gpuopt_context *ctx)
{
    return ctx ? ctx->errmsg : gpuopt_last_error();
}

/* ----------------------------------------------------- backend listing */

static const char *const all_backends[] = {"cpu", "opencl", "cuda"};

size_t gpuopt_backend_count(void)
{
    return GPUOPT_COUNT(all_backends);
}

gpuopt_status gpuopt_backend_info_at(size_t index, gpuopt_backend_info *info)
{
    if (!info)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "info is NULL");
    if (index >= GPUOPT_COUNT(all_backends))
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT, "backend index %zu out of range",
                                     index);
    memset(info, 0, sizeof *info);
    info->name = all_backends[index];
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find(info->name);
    info->compiled_in = ops != NULL;
    if (!ops) {
        snprintf(info->note, sizeof info->note,
                 "this build has no %s backend (configure with GPUOPT_ENABLE_%s=ON where its SDK "
                 "is installed)",
                 info->name, !strcmp(info->name, "cuda") ? "CUDA" : "OPENCL");
        return GPUOPT_SUCCESS;
    }
    info->n_devices = ops->device_count(0, info->note, sizeof info->note);
    if (info->n_devices < 0)
        info->n_devices = 0;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_backend_device(const char *backend, int device, gpuopt_device_description *out)
{
    if (!backend || !out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "backend name or output is NULL");
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find(backend);
    if (!ops)
        return gpuopt_set_last_error(GPUOPT_ERR_BACKEND_UNAVAILABLE,
                                     "backend '%s' is not compiled in", backend);
    gpuopt_device_info info;
    gpuopt_status st = ops->device_info(device, &info);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_set_last_error(st, "backend '%s' has no device %d", backend, device);
    memset(out, 0, sizeof *out);
    memcpy(out->name, info.name, sizeof out->name);
    memcpy(out->vendor, info.vendor, sizeof out->vendor);
    out->memory_bytes = info.memory_bytes;
    out->compute_units = info.compute_units;
    out->double_support = info.double_support;
    return GPUOPT_SUCCESS;
}
