/* Source and device criteria on a problem (include/gpuopt/user_criteria.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "gpuopt/user_criteria.h"
#include "host/user_source.h"
#include "source_outputs.h"

#define SOURCE_MAX_BYTES ((size_t)16 << 20)

static gpuopt_status null_problem(void)
{
    return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem is NULL");
}

/* A fresh target for a criterion that is not a host callback; the batch_fn fallback gets the
 * problem's own target (it lives as long as the problem, which every evaluation needs). */
static void reset_target(gpuopt_problem *p, gpuopt_criterion_kind kind, size_t n_outputs,
                         gpuopt_batch_fn fallback)
{
    memset(&p->target, 0, sizeof p->target);
    p->target.dim = p->dim;
    p->target.kind = kind;
    p->target.n_outputs = n_outputs;
    p->target.builtin_id = -1;
    p->target.batch_fn = fallback;
    p->target.user = &p->target;
    p->target.thread_safe = 1;
    p->has_criterion = 1;
}

/* The problem's name: the label's last path component. */
static void name_problem(gpuopt_problem *p, const char *label)
{
    const char *base = strrchr(label, '/');
    snprintf(p->name, sizeof p->name, "%s", base ? base + 1 : label);
}

gpuopt_status gpuopt_problem_set_source_criterion(gpuopt_problem *p, const char *source,
                                                  const char *name)
{
    if (!p)
        return null_problem();
    if (!source)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "criterion source is NULL");
    if (p->dim > (size_t)2147483647)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "a source criterion takes an int dimension; %zu is too large",
                                p->dim);
    const char *label = name && name[0] ? name : "criterion";
    const gpuopt_user_source *s = gpuopt_user_source_intern(source, strlen(source), label);
    if (!s)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    reset_target(p, GPUOPT_CRITERION_SCALAR, 1, gpuopt_user_source_batch_fn);
    p->target.source = s;
    name_problem(p, label);
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_outputs_kind(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                        size_t n_outputs)
{
    if (kind != GPUOPT_CRITERION_LEAST_SQUARES && kind != GPUOPT_CRITERION_LIKELIHOOD)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "a residual source takes kind least squares (%d) or likelihood "
                                "(%d); got %d",
                                (int)GPUOPT_CRITERION_LEAST_SQUARES,
                                (int)GPUOPT_CRITERION_LIKELIHOOD, (int)kind);
    if (n_outputs == 0 || n_outputs > (size_t)2147483647)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "n_outputs of a residual source must be in [1, 2147483647]; "
                                "got %zu",
                                n_outputs);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_source_outputs_shaped(gpuopt_problem *p,
                                                       gpuopt_criterion_kind kind,
                                                       const char *source, const char *name,
                                                       const gpuopt_source_shape *shape)
{
    if (!p)
        return null_problem();
    if (!source)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "residual source is NULL");
    gpuopt_status st = check_outputs_kind(p, kind, shape->n_outputs);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (p->dim > (size_t)2147483647)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "a source criterion takes an int dimension; %zu is too large",
                                p->dim);
    const char *label = name && name[0] ? name : "residual";
    const gpuopt_user_source *s =
        gpuopt_user_source_intern_shaped(source, strlen(source), label, shape);
    if (!s)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    reset_target(p, kind, shape->n_outputs, gpuopt_user_source_batch_fn);
    p->target.source = s;
    name_problem(p, label);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_source_outputs(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                size_t n_outputs, const char *source,
                                                const char *name)
{
    const gpuopt_source_shape shape = {n_outputs, 0};
    return gpuopt_problem_set_source_outputs_shaped(p, kind, source, name, &shape);
}

gpuopt_status gpuopt_problem_set_source_file(gpuopt_problem *p, const char *path)
{
    if (!p)
        return null_problem();
    if (!path)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "source file path is NULL");
    FILE *f = fopen(path, "rb");
    if (!f)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_IO, "cannot open criterion source '%s'",
                                path);
    char *text = malloc(SOURCE_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, SOURCE_MAX_BYTES + 1, f) : 0;
    int failed = !text || ferror(f);
    fclose(f);
    gpuopt_status st;
    if (failed)
        st = gpuopt_set_error(p->errmsg, text ? GPUOPT_ERR_IO : GPUOPT_ERR_OUT_OF_MEMORY,
                              "cannot read criterion source '%s'", path);
    else if (n > SOURCE_MAX_BYTES)
        st = gpuopt_set_error(p->errmsg, GPUOPT_ERR_IO,
                              "criterion source '%s' is larger than %zu bytes", path,
                              SOURCE_MAX_BYTES);
    else if (memchr(text, '\0', n))
        st = gpuopt_set_error(p->errmsg, GPUOPT_ERR_IO,
                              "criterion source '%s' is not text (it holds a NUL byte)", path);
    else {
        text[n] = '\0';
        st = gpuopt_problem_set_source_criterion(p, text, path);
    }
    free(text);
    return st;
}

/* Evaluates the start point on the context's backend: the backend builds the source. */
static gpuopt_status evaluate_start(gpuopt_problem *p, gpuopt_backend *b, double *value)
{
    gpuopt_dptr X = NULL, f = NULL, raw = NULL;
    gpuopt_status st = b->ops->alloc(b, p->dim * sizeof(double), &X);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, sizeof(double), &f);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, p->target.n_outputs * sizeof(double), &raw);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, X, 0, p->x0, p->dim * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = b->ops->evaluate(b, &p->target, X, 1, raw, f);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, value, f, 0, sizeof(double));
    if (X)
        b->ops->release(b, X);
    if (f)
        b->ops->release(b, f);
    if (raw)
        b->ops->release(b, raw);
    return st;
}

static void copy_log(char *log, size_t log_len, const char *text)
{
    if (log && log_len)
        snprintf(log, log_len, "%s", text);
}

gpuopt_status gpuopt_problem_compile_source(gpuopt_problem *p, gpuopt_context *ctx, char *log,
                                            size_t log_len)
{
    copy_log(log, log_len, "");
    if (!p)
        return null_problem();
    if (!ctx)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "context is NULL");
    if (!p->target.source)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the problem's criterion is not a source criterion");
    gpuopt_backend *b = ctx->backend;
    double value = 0;
    gpuopt_user_source_clear_log();
    gpuopt_status st = evaluate_start(p, b, &value);
    if (st == GPUOPT_ERR_SOURCE_COMPILE) {
        const char *text = gpuopt_user_source_last_log();
        copy_log(log, log_len, text);
        st = gpuopt_set_error(p->errmsg, st,
                              "criterion source '%s' failed to compile for the %s backend:\n%s",
                              p->target.source->name, b->ops->name, text);
    } else if (st != GPUOPT_SUCCESS) {
        st = gpuopt_set_error(p->errmsg, st, "%s backend: %s", b->ops->name, b->error);
    }
    gpuopt_user_source_clear_log();
    return st;
}

gpuopt_status gpuopt_problem_set_device_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                  size_t n_outputs, gpuopt_device_fn fn,
                                                  void *user)
{
    if (!p)
        return null_problem();
    if (!fn)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "criterion function is NULL");
    if (kind != GPUOPT_CRITERION_SCALAR && kind != GPUOPT_CRITERION_LEAST_SQUARES &&
        kind != GPUOPT_CRITERION_LIKELIHOOD)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "unknown criterion kind %d", (int)kind);
    if (n_outputs == 0 || (kind == GPUOPT_CRITERION_SCALAR && n_outputs != 1))
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "n_outputs must be 1 for a scalar criterion and >= 1 otherwise; "
                                "got %zu",
                                n_outputs);
    reset_target(p, kind, n_outputs, gpuopt_device_criterion_batch_fn);
    p->target.device_fn = fn;
    p->target.device_user = user;
    return GPUOPT_SUCCESS;
}
