/* Images: a run's complete state as host data, captured and applied between batches. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static char *text_copy(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (c)
        strcpy(c, s);
    return c;
}

gpuopt_image *gpuopt_image_alloc(size_t dim, size_t n_options, size_t state_size, size_t n_buffers)
{
    gpuopt_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->dim = dim;
    img->n_options = n_options;
    img->state_size = state_size;
    img->n_buffers = n_buffers;
    img->lower = calloc(dim + 1, sizeof(double));
    img->upper = calloc(dim + 1, sizeof(double));
    img->x0 = calloc(dim + 1, sizeof(double));
    img->best_x = calloc(dim + 1, sizeof(double));
    img->option_keys = calloc(n_options + 1, sizeof(char *));
    img->option_values = calloc(n_options + 1, sizeof(char *));
    img->state = calloc(state_size + 1, 1);
    img->buffers = calloc(n_buffers + 1, sizeof *img->buffers);
    if (!img->lower || !img->upper || !img->x0 || !img->best_x || !img->option_keys ||
        !img->option_values || !img->state || !img->buffers)
        gpuopt_image_free(&img);
    return img;
}

void gpuopt_image_free(gpuopt_image **img)
{
    if (!img || !*img)
        return;
    gpuopt_image *m = *img;
    for (size_t i = 0; i < m->n_options && m->option_keys; ++i) {
        free(m->option_keys[i]);
        free(m->option_values[i]);
    }
    for (size_t i = 0; i < m->n_buffers && m->buffers; ++i)
        free(m->buffers[i].data);
    free(m->option_keys);
    free(m->option_values);
    free(m->buffers);
    free(m->lower);
    free(m->upper);
    free(m->x0);
    free(m->best_x);
    free(m->state);
    free(m);
    *img = NULL;
}

/* ---------------------------------------------------------------- capture */

static gpuopt_status capture_options(const gpuopt_optimizer *opt, gpuopt_image *img)
{
    for (size_t i = 0; i < opt->n_specs; ++i) {
        char value[512];
        gpuopt_option_format(&opt->specs[i], &opt->values[i], value, sizeof value);
        img->option_keys[i] = text_copy(opt->specs[i].key);
        img->option_values[i] = text_copy(value);
        if (!img->option_keys[i] || !img->option_values[i])
            return GPUOPT_ERR_OUT_OF_MEMORY;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status capture_buffers(const gpuopt_optimizer *opt, gpuopt_image *img)
{
    gpuopt_run *run = (gpuopt_run *)&opt->run;
    for (size_t i = 0; i < run->n_buffers; ++i) {
        const gpuopt_buffer *b = &run->buffers[i];
        gpuopt_image_buffer *ib = &img->buffers[i];
        memcpy(ib->name, b->name, sizeof ib->name);
        ib->place = b->place;
        ib->count = b->count;
        ib->elem_size = b->elem_size;
        ib->data = malloc(b->count * b->elem_size + 1);
        if (!ib->data)
            return GPUOPT_ERR_OUT_OF_MEMORY;
        gpuopt_status st = gpuopt_run_read(run, (int)i, 0, b->count, ib->data);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static int capturable(const gpuopt_optimizer *opt)
{
    if (opt->phase == GPUOPT_PHASE_READY)
        return 1;
    /* a run stopped by its budget or an interrupt stopped at a batch boundary */
    gpuopt_status r = opt->stop_reason;
    return opt->phase == GPUOPT_PHASE_DONE &&
           (r == GPUOPT_STOP_INTERRUPTED || r == GPUOPT_STOP_MAX_TIME ||
            r == GPUOPT_STOP_MAX_ITERATIONS || r == GPUOPT_STOP_MAX_EVALUATIONS);
}

gpuopt_status gpuopt_image_capture(const gpuopt_optimizer *opt, gpuopt_image **out)
{
    if (!opt || !out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "optimizer or image is NULL");
    char *err = ((gpuopt_optimizer *)opt)->errmsg;
    *out = NULL;
    if (!capturable(opt))
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_STATE,
                                "a run's state can be saved only between tell() and the next "
                                "ask(), or after a budget or interrupt stop");
    const gpuopt_run *run = &opt->run;
    gpuopt_image *img = gpuopt_image_alloc(run->dim, opt->n_specs, opt->algorithm->state_size,
                                           run->n_buffers);
    if (!img)
        return gpuopt_set_error(err, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    snprintf(img->library_version, sizeof img->library_version, "%s", gpuopt_version());
    snprintf(img->algorithm, sizeof img->algorithm, "%s", opt->algorithm->name);
    snprintf(img->problem, sizeof img->problem, "%s", opt->problem_name);
    snprintf(img->backend, sizeof img->backend, "%s", run->backend->ops->name);
    img->kind = run->kind;
    img->n_outputs = run->n_outputs;
    memcpy(img->lower, run->lower, run->dim * sizeof(double));
    memcpy(img->upper, run->upper, run->dim * sizeof(double));
    memcpy(img->x0, run->x0, run->dim * sizeof(double));
    memcpy(img->best_x, run->best_x, run->dim * sizeof(double));
    img->seed = run->seed;
    img->n_iterations = run->n_iterations;
    img->n_evaluations = run->n_evaluations;
    img->best_f = run->best_f;
    img->iteration_f = run->iteration_f;
    img->n_restarts = run->n_restarts;
    memcpy(img->restarts, run->restarts, sizeof img->restarts);
    img->elapsed = opt->phase == GPUOPT_PHASE_DONE ? opt->elapsed : gpuopt_now() - opt->start_time;
    memcpy(img->state, run->state, img->state_size);
    gpuopt_status st = capture_options(opt, img);
    if (st == GPUOPT_SUCCESS)
        st = capture_buffers(opt, img);
    if (st != GPUOPT_SUCCESS) {
        gpuopt_image_free(&img);
        return st == GPUOPT_ERR_OUT_OF_MEMORY ? gpuopt_set_error(err, st, "out of memory") : st;
    }
    *out = img;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ apply */

static int same_values(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
            return 0;
    return 1;
}

static gpuopt_status check_identity(gpuopt_optimizer *opt, const gpuopt_problem *p,
                                    const gpuopt_image *img, int allow_backend_change)
{
    char *err = opt->errmsg;
    const char *backend = opt->ctx->backend->ops->name;
    if (strcmp(img->algorithm, opt->algorithm->name) != 0)
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run used algorithm '%s', not '%s'", img->algorithm,
                                opt->algorithm->name);
    if (strcmp(img->problem, p->name) != 0)
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run solved problem '%s', not '%s'", img->problem,
                                p->name);
    if (img->dim != p->dim)
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run has dimension %zu, not %zu", img->dim, p->dim);
    if (img->kind != (int)p->target.kind || img->n_outputs != p->target.n_outputs)
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run's criterion kind or output count differs");
    if (!same_values(img->lower, p->lower, p->dim) || !same_values(img->upper, p->upper, p->dim))
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT, "the saved run's bounds differ");
    if (!same_values(img->x0, p->x0, p->dim))
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run's start point differs");
    if (strcmp(img->backend, backend) != 0 && !allow_backend_change)
        return gpuopt_set_error(err, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved run used backend '%s', not '%s' (allow a backend "
                                "change to resume anyway; results are then no longer bitwise "
                                "identical to an uninterrupted run)",
                                img->backend, backend);
    return GPUOPT_SUCCESS;
}

static gpuopt_status restore_options(gpuopt_optimizer *opt, const gpuopt_image *img)
{
    for (size_t i = 0; i < img->n_options; ++i) {
        gpuopt_status st = gpuopt_optimizer_set_string(opt, img->option_keys[i],
                                                       img->option_values[i]);
        if (st != GPUOPT_SUCCESS)
            return gpuopt_set_error(opt->errmsg, st,
                                    "the saved run's option %s=%s does not apply to this build "
                                    "(saved by gpuopt %s)",
                                    img->option_keys[i], img->option_values[i],
                                    img->library_version);
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status restore_buffers(gpuopt_optimizer *opt, const gpuopt_image *img)
{
    gpuopt_run *run = &opt->run;
    if (img->state_size != opt->algorithm->state_size || img->n_buffers != run->n_buffers)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the saved state of '%s' does not match this build's (%zu state "
                                "bytes and %zu buffers saved, %zu and %zu expected)",
                                img->algorithm, img->state_size, img->n_buffers,
                                opt->algorithm->state_size, run->n_buffers);
    for (size_t i = 0; i < run->n_buffers; ++i) {
        const gpuopt_buffer *b = &run->buffers[i];
        const gpuopt_image_buffer *ib = &img->buffers[i];
        if (strcmp(b->name, ib->name) != 0 || b->count != ib->count ||
            b->elem_size != ib->elem_size)
            return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                    "the saved buffer '%s' (%zu x %zu bytes) does not match '%s' "
                                    "(%zu x %zu bytes)",
                                    ib->name, ib->count, ib->elem_size, b->name, b->count,
                                    b->elem_size);
        gpuopt_status st = gpuopt_run_write(run, (int)i, 0, b->count, ib->data);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    memcpy(run->state, img->state, img->state_size);
    return GPUOPT_SUCCESS;
}

static void restore_counters(gpuopt_optimizer *opt, const gpuopt_image *img)
{
    gpuopt_run *run = &opt->run;
    run->seed = img->seed;
    run->n_iterations = img->n_iterations;
    run->n_evaluations = img->n_evaluations;
    run->best_f = img->best_f;
    run->iteration_f = img->iteration_f;
    run->n_restarts = img->n_restarts;
    memcpy(run->restarts, img->restarts, sizeof run->restarts);
    memcpy(run->best_x, img->best_x, run->dim * sizeof(double));
    opt->start_time = gpuopt_now() - img->elapsed;
}

gpuopt_status gpuopt_image_apply(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                 const gpuopt_image *img, int allow_backend_change)
{
    if (!opt)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "optimizer is NULL");
    if (!problem || !img)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "problem or image is NULL");
    if (opt->phase != GPUOPT_PHASE_IDLE && opt->phase != GPUOPT_PHASE_DONE)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "a run is in progress; resume into a new or finished optimizer");
    gpuopt_status st = check_identity(opt, problem, img, allow_backend_change);
    if (st == GPUOPT_SUCCESS)
        st = restore_options(opt, img);
    if (st != GPUOPT_SUCCESS)
        return st;
    /* set up without notifying START: observers see the restored state */
    st = gpuopt_setup_run(opt, problem);
    if (st == GPUOPT_SUCCESS)
        st = restore_buffers(opt, img);
    if (st != GPUOPT_SUCCESS) {
        gpuopt_run_free(&opt->run);
        opt->phase = GPUOPT_PHASE_IDLE;
        return st;
    }
    restore_counters(opt, img);
    return gpuopt_notify(opt, GPUOPT_EVENT_START, GPUOPT_SUCCESS, opt->run.iteration_f);
}
