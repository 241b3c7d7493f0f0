/* A run's memory and set-up: every array an algorithm uses is a framework buffer, so the whole
 * state can be saved and restored. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

gpuopt_status gpuopt_run_fail(gpuopt_run *run, gpuopt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gpuopt_vset_error(run->errmsg, run->errmsg_len, st, fmt, ap);
    va_end(ap);
    return st;
}

void gpuopt_run_warn(gpuopt_run *run, const char *fmt, ...)
{
    size_t used = strlen(run->warnings);
    if (used && used + 2 < sizeof run->warnings) {
        strcpy(run->warnings + used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->warnings + used, sizeof run->warnings - used, fmt, ap);
    va_end(ap);
}

static gpuopt_status backend_fail(gpuopt_run *run, gpuopt_status st)
{
    return gpuopt_run_fail(run, st, "%s backend: %s", run->backend->ops->name,
                           run->backend->error);
}

gpuopt_status gpuopt_run_buffer(gpuopt_run *run, const char *name, gpuopt_buffer_place place,
                                size_t count, size_t elem_size, int *id)
{
    if (count && elem_size > SIZE_MAX / count)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "buffer '%s' of %zu x %zu bytes overflows", name, count, elem_size);
    if (run->n_buffers == run->cap_buffers) {
        size_t cap = run->cap_buffers ? 2 * run->cap_buffers : 8;
        gpuopt_buffer *grown = realloc(run->buffers, cap * sizeof *grown);
        if (!grown)
            return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
        run->buffers = grown;
        run->cap_buffers = cap;
    }
    gpuopt_buffer *b = &run->buffers[run->n_buffers];
    memset(b, 0, sizeof *b);
    snprintf(b->name, sizeof b->name, "%s", name);
    b->place = place;
    b->count = count;
    b->elem_size = elem_size;
    size_t bytes = count * elem_size;
    if (place == GPUOPT_ON_HOST) {
        b->host = calloc(1, bytes ? bytes : 1);
        if (!b->host)
            return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "cannot allocate buffer '%s' (%zu bytes) on the host", name,
                                   bytes);
    } else {
        gpuopt_status st = run->backend->ops->alloc(run->backend, bytes, &b->dev);
        if (st != GPUOPT_SUCCESS)
            return gpuopt_run_fail(run, st, "cannot allocate buffer '%s' (%zu elements, %zu bytes) "
                                   "on the %s backend: %s",
                                   name, count, bytes, run->backend->ops->name,
                                   run->backend->error);
    }
    *id = (int)run->n_buffers++;
    return GPUOPT_SUCCESS;
}

void *gpuopt_run_host(const gpuopt_run *run, int id)
{
    return id >= 0 && (size_t)id < run->n_buffers ? run->buffers[id].host : NULL;
}

gpuopt_dptr gpuopt_run_dev(const gpuopt_run *run, int id)
{
    return id >= 0 && (size_t)id < run->n_buffers ? run->buffers[id].dev : NULL;
}

static gpuopt_status check_range(gpuopt_run *run, int id, size_t offset, size_t count)
{
    if (id < 0 || (size_t)id >= run->n_buffers)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "no buffer with id %d", id);
    const gpuopt_buffer *b = &run->buffers[id];
    if (offset > b->count || count > b->count - offset)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "range [%zu, %zu) outside buffer '%s' of %zu elements", offset,
                               offset + count, b->name, b->count);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_run_read(gpuopt_run *run, int id, size_t offset, size_t count, void *dst)
{
    gpuopt_status st = check_range(run, id, offset, count);
    if (st != GPUOPT_SUCCESS)
        return st;
    const gpuopt_buffer *b = &run->buffers[id];
    if (b->place == GPUOPT_ON_HOST) {
        memmove(dst, (char *)b->host + offset * b->elem_size, count * b->elem_size);
        return GPUOPT_SUCCESS;
    }
    st = run->backend->ops->read(run->backend, dst, b->dev, offset * b->elem_size,
                                 count * b->elem_size);
    return st == GPUOPT_SUCCESS ? st : backend_fail(run, st);
}

gpuopt_status gpuopt_run_write(gpuopt_run *run, int id, size_t offset, size_t count, const void *src)
{
    gpuopt_status st = check_range(run, id, offset, count);
    if (st != GPUOPT_SUCCESS)
        return st;
    const gpuopt_buffer *b = &run->buffers[id];
    if (b->place == GPUOPT_ON_HOST) {
        memmove((char *)b->host + offset * b->elem_size, src, count * b->elem_size);
        return GPUOPT_SUCCESS;
    }
    st = run->backend->ops->write(run->backend, b->dev, offset * b->elem_size, src,
                                  count * b->elem_size);
    return st == GPUOPT_SUCCESS ? st : backend_fail(run, st);
}

void gpuopt_run_free(gpuopt_run *run)
{
    for (size_t i = 0; i < run->n_buffers; ++i) {
        free(run->buffers[i].host);
        if (run->buffers[i].dev)
            run->backend->ops->release(run->backend, run->buffers[i].dev);
    }
    free(run->buffers);
    if (run->backend) {
        gpuopt_dptr devs[3] = {run->lower_dev, run->upper_dev, run->x0_dev};
        for (int k = 0; k < 3; ++k)
            if (devs[k])
                run->backend->ops->release(run->backend, devs[k]);
    }
    free((double *)run->lower);
    free((double *)run->upper);
    free((double *)run->x0);
    free(run->best_x);
    free(run->state);
    gpuopt_backend *backend = run->backend;
    char *errmsg = run->errmsg;
    size_t errmsg_len = run->errmsg_len;
    memset(run, 0, sizeof *run);
    run->backend = backend;
    run->errmsg = errmsg;
    run->errmsg_len = errmsg_len;
}

/* ---------------------------------------------------------------- set-up */

static const char *kind_text(unsigned kind)
{
    switch (kind) {
    case GPUOPT_CRITERION_SCALAR:
        return "scalar";
    case GPUOPT_CRITERION_LEAST_SQUARES:
        return "least squares (residuals)";
    default:
        return "likelihood (per-observation contributions)";
    }
}

/* "scalar, least squares" from a mask of kinds. */
static void kinds_text(unsigned kinds, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned k = 1; k <= GPUOPT_CRITERION_LIKELIHOOD && used < len; k <<= 1)
        if (kinds & k)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     kind_text(k));
}

static gpuopt_status check_problem(gpuopt_run *run, const gpuopt_problem *p)
{
    const gpuopt_algorithm *a = run->algorithm;
    if (!(a->criterion_kinds & p->target.kind)) {
        char accepted[160];
        kinds_text(a->criterion_kinds, accepted, sizeof accepted);
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "algorithm '%s' needs a criterion of kind %s; this problem's "
                               "criterion is %s",
                               a->name, accepted, kind_text(p->target.kind));
    }
    if (!(a->backends & run->backend->ops->kind))
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "algorithm '%s' does not run on the %s backend", a->name,
                               run->backend->ops->name);
    for (size_t i = 0; i < p->dim; ++i) {
        if ((a->properties & GPUOPT_PROP_NEEDS_BOUNDS) &&
            !(isfinite(p->lower[i]) && isfinite(p->upper[i])))
            return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                                   "algorithm '%s' needs finite bounds on every coordinate; "
                                   "coordinate %zu has [%g, %g]",
                                   a->name, i, p->lower[i], p->upper[i]);
        if (!(p->x0[i] >= p->lower[i] && p->x0[i] <= p->upper[i]))
            return gpuopt_run_fail(run, GPUOPT_ERR_BAD_START,
                                   "start point coordinate %zu (%g) is outside its bounds [%g, %g]",
                                   i, p->x0[i], p->lower[i], p->upper[i]);
    }
    return GPUOPT_SUCCESS;
}

static double *host_copy(const double *src, size_t n)
{
    double *dst = malloc(n * sizeof *dst);
    if (dst)
        memcpy(dst, src, n * sizeof *dst);
    return dst;
}

static gpuopt_status device_copy(gpuopt_run *run, const double *src, gpuopt_dptr *dst)
{
    size_t bytes = run->dim * sizeof *src;
    gpuopt_backend *b = run->backend;
    gpuopt_status st = b->ops->alloc(b, bytes, dst);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, *dst, 0, src, bytes);
    return st == GPUOPT_SUCCESS ? st : backend_fail(run, st);
}

static gpuopt_status copy_problem(gpuopt_run *run, const gpuopt_problem *p)
{
    run->dim = p->dim;
    run->kind = p->target.kind;
    run->n_outputs = p->target.n_outputs;
    run->lower = host_copy(p->lower, p->dim);
    run->upper = host_copy(p->upper, p->dim);
    run->x0 = host_copy(p->x0, p->dim);
    run->best_x = host_copy(p->x0, p->dim);
    if (!run->lower || !run->upper || !run->x0 || !run->best_x)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    run->has_bounds = 1;
    for (size_t i = 0; i < p->dim; ++i)
        run->has_bounds &= isfinite(p->lower[i]) && isfinite(p->upper[i]);
    gpuopt_status st = device_copy(run, run->lower, &run->lower_dev);
    if (st == GPUOPT_SUCCESS)
        st = device_copy(run, run->upper, &run->upper_dev);
    if (st == GPUOPT_SUCCESS)
        st = device_copy(run, run->x0, &run->x0_dev);
    return st;
}

static double option_or(const gpuopt_run *run, const char *key, double fallback)
{
    size_t i;
    const gpuopt_option_spec *s = gpuopt_options_find(run->specs, run->n_specs, key, &i);
    if (!s)
        return fallback;
    return s->type == GPUOPT_OPTION_INT ? (double)run->values[i].i : run->values[i].num;
}

static int64_t int_option_or(const gpuopt_run *run, const char *key, int64_t fallback)
{
    size_t i;
    const gpuopt_option_spec *s = gpuopt_options_find(run->specs, run->n_specs, key, &i);
    return s && s->type == GPUOPT_OPTION_INT ? run->values[i].i : fallback;
}

static void fill_stopping(gpuopt_run *run)
{
    gpuopt_stopping *s = &run->stop;
    s->max_iterations = int_option_or(run, "stopping.max_iterations", INT64_MAX);
    s->max_evaluations = int_option_or(run, "stopping.max_criterion_evaluations", INT64_MAX);
    s->max_seconds = option_or(run, "stopping.max_seconds", INFINITY);
    s->criterion_tolerance = option_or(run, "convergence.criterion_tolerance", 0);
    s->absolute_criterion_tolerance = option_or(run, "convergence.absolute_criterion_tolerance", 0);
    s->relative_criterion_tolerance = option_or(run, "convergence.relative_criterion_tolerance", 0);
    s->absolute_params_tolerance = option_or(run, "convergence.absolute_params_tolerance", 0);
    s->relative_params_tolerance = option_or(run, "convergence.relative_params_tolerance", 0);
}

gpuopt_status gpuopt_run_start(gpuopt_optimizer *opt, const gpuopt_problem *problem)
{
    gpuopt_run *run = &opt->run;
    gpuopt_run_free(run);
    run->algorithm = opt->algorithm;
    run->backend = opt->ctx->backend;
    run->specs = opt->specs;
    run->values = opt->values;
    run->n_specs = opt->n_specs;
    run->errmsg = opt->errmsg;
    run->errmsg_len = sizeof opt->errmsg;
    run->best_f = INFINITY;
    run->iteration_f = INFINITY;
    for (size_t k = 0; k < GPUOPT_MAX_REPORT; ++k)
        run->report[k] = NAN;
    gpuopt_status st = check_problem(run, problem);
    if (st == GPUOPT_SUCCESS)
        st = copy_problem(run, problem);
    if (st != GPUOPT_SUCCESS)
        return st;
    int64_t seed = int_option_or(run, "seed", -1);
    run->seed = seed >= 0 ? (uint64_t)seed : opt->ctx->seed;
    run->target = &opt->target;
    run->gradient = problem->gradient;
    run->gradient_user = problem->gradient_user;
    fill_stopping(run);
    run->state = calloc(1, opt->algorithm->state_size ? opt->algorithm->state_size : 1);
    if (!run->state)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    return opt->algorithm->init(run);
}
