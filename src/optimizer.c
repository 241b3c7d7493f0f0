/* The optimizer: algorithm + options + run state, driven by ask/tell; gpuopt_minimize is the
 * loop ask -> evaluate on the backend -> tell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "image.h"

#define OPT_NULL() gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "optimizer is NULL")

double gpuopt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

gpuopt_status gpuopt_optimizer_create(gpuopt_optimizer **out, gpuopt_context *ctx,
                                      const char *algorithm)
{
    if (!out || !ctx || !algorithm)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "optimizer out-parameter, context or algorithm name is NULL");
    *out = NULL;
    const char *preset;
    const gpuopt_algorithm *a = gpuopt_registry_find(algorithm, &preset);
    if (!a)
        return gpuopt_unknown_algorithm(algorithm);
    gpuopt_optimizer *opt = calloc(1, sizeof *opt);
    if (!opt)
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    opt->ctx = ctx;
    opt->algorithm = a;
    opt->run.backend = ctx->backend;
    opt->run.errmsg = opt->errmsg;
    opt->run.errmsg_len = sizeof opt->errmsg;
    gpuopt_status st = gpuopt_options_init(opt, preset);
    if (st != GPUOPT_SUCCESS) {
        gpuopt_set_last_error(st, "%s", opt->errmsg);
        gpuopt_optimizer_destroy(&opt);
        return st;
    }
    *out = opt;
    return GPUOPT_SUCCESS;
}

static void release_scratch(gpuopt_optimizer *opt)
{
    gpuopt_backend *b = opt->ctx->backend;
    gpuopt_dptr *bufs[] = {&opt->tell_raw, &opt->eval_raw, &opt->stage_x, &opt->stage_f};
    for (size_t k = 0; k < GPUOPT_COUNT(bufs); ++k) {
        if (*bufs[k])
            b->ops->release(b, *bufs[k]);
        *bufs[k] = NULL;
    }
    opt->tell_raw_cap = opt->eval_raw_cap = opt->stage_x_cap = opt->stage_f_cap = 0;
}

gpuopt_status gpuopt_optimizer_destroy(gpuopt_optimizer **opt)
{
    if (!opt)
        return OPT_NULL();
    if (*opt) {
        gpuopt_notify(*opt, GPUOPT_EVENT_RELEASE, GPUOPT_SUCCESS, NAN);
        gpuopt_run_free(&(*opt)->run);
        release_scratch(*opt);
        gpuopt_options_free(*opt);
        free((*opt)->ask_host);
        free(*opt);
        *opt = NULL;
    }
    return GPUOPT_SUCCESS;
}

const char *gpuopt_optimizer_algorithm(const gpuopt_optimizer *opt)
{
    return opt ? opt->algorithm->name : "";
}

const char *gpuopt_optimizer_errmsg(const gpuopt_optimizer *opt)
{
    return opt ? opt->errmsg : gpuopt_last_error();
}

gpuopt_status gpuopt_optimizer_set_progress(gpuopt_optimizer *opt, gpuopt_progress_fn fn, void *user)
{
    if (!opt)
        return OPT_NULL();
    opt->progress = fn;
    opt->progress_user = user;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_set_profiling(gpuopt_optimizer *opt, int on)
{
    if (!opt)
        return OPT_NULL();
    opt->profiling = on != 0;
    opt->run.timings.synchronize = opt->profiling;
    return GPUOPT_SUCCESS;
}

void gpuopt_optimizer_interrupt(gpuopt_optimizer *opt)
{
    if (opt)
        opt->interrupt = 1;
}

/* --------------------------------------------------------------- stopping */

static gpuopt_status finish(gpuopt_optimizer *opt, gpuopt_status reason)
{
    opt->phase = GPUOPT_PHASE_DONE;
    opt->stop_reason = reason;
    opt->elapsed = gpuopt_now() - opt->start_time;
    const gpuopt_stopping *s = &opt->run.stop;
    if (reason < 0)
        snprintf(opt->stop_message, sizeof opt->stop_message, "%s", opt->errmsg);
    else if (reason == GPUOPT_STOP_MAX_ITERATIONS)
        snprintf(opt->stop_message, sizeof opt->stop_message, "%s (%lld)",
                 gpuopt_status_text(reason), (long long)s->max_iterations);
    else if (reason == GPUOPT_STOP_MAX_EVALUATIONS)
        snprintf(opt->stop_message, sizeof opt->stop_message, "%s (%lld)",
                 gpuopt_status_text(reason), (long long)s->max_evaluations);
    else
        snprintf(opt->stop_message, sizeof opt->stop_message, "%s", gpuopt_status_text(reason));
    /* a failing observer cannot change the outcome now */
    gpuopt_notify(opt, GPUOPT_EVENT_STOP, reason, opt->run.iteration_f);
    return reason;
}

static gpuopt_status budget_reason(gpuopt_optimizer *opt)
{
    const gpuopt_run *run = &opt->run;
    if (opt->interrupt)
        return GPUOPT_STOP_INTERRUPTED;
    if (run->n_iterations >= run->stop.max_iterations)
        return GPUOPT_STOP_MAX_ITERATIONS;
    if (run->n_evaluations >= run->stop.max_evaluations)
        return GPUOPT_STOP_MAX_EVALUATIONS;
    if (gpuopt_now() - opt->start_time >= run->stop.max_seconds)
        return GPUOPT_STOP_MAX_TIME;
    return GPUOPT_SUCCESS;
}

static gpuopt_status report_progress(gpuopt_optimizer *opt, int64_t iterations_before)
{
    const gpuopt_run *run = &opt->run;
    if (!opt->progress || run->n_iterations == iterations_before)
        return GPUOPT_SUCCESS;
    gpuopt_progress p = {run->n_iterations, run->n_evaluations, run->best_f,
                         gpuopt_now() - opt->start_time, run->stop.max_iterations,
                         run->stop.max_evaluations};
    return opt->progress(&p, opt->progress_user) ? GPUOPT_STOP_INTERRUPTED : GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ setup */

gpuopt_status gpuopt_setup_run(gpuopt_optimizer *opt, const gpuopt_problem *problem)
{
    opt->interrupt = 0;
    opt->stop_reason = GPUOPT_SUCCESS;
    opt->stop_message[0] = '\0';
    opt->start_time = gpuopt_now();
    opt->target = problem->target;
    opt->phase = GPUOPT_PHASE_IDLE;
    snprintf(opt->problem_name, sizeof opt->problem_name, "%s", problem->name);
    gpuopt_status st = gpuopt_run_start(opt, problem);
    if (st != GPUOPT_SUCCESS) {
        gpuopt_run_free(&opt->run);
        return st;
    }
    gpuopt_timings_reset(&opt->run.timings, opt->profiling);
    opt->phase = GPUOPT_PHASE_READY;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_setup(gpuopt_optimizer *opt, const gpuopt_problem *problem)
{
    if (!opt)
        return OPT_NULL();
    if (!problem)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "problem is NULL");
    gpuopt_status st = gpuopt_setup_run(opt, problem);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_notify(opt, GPUOPT_EVENT_START, GPUOPT_SUCCESS, opt->run.iteration_f);
    return st == GPUOPT_SUCCESS || opt->phase != GPUOPT_PHASE_READY ? st : finish(opt, st);
}

/* ------------------------------------------------------- batch processing */

static gpuopt_status backend_error(gpuopt_optimizer *opt, gpuopt_status st)
{
    gpuopt_backend *b = opt->ctx->backend;
    return gpuopt_set_error(opt->errmsg, st, "%s backend: %s", b->ops->name, b->error);
}

/* Grows a backend scratch buffer to at least `bytes`. */
static gpuopt_status ensure_scratch(gpuopt_optimizer *opt, gpuopt_dptr *buf, size_t *cap,
                                    size_t bytes)
{
    if (*cap >= bytes && *buf)
        return GPUOPT_SUCCESS;
    gpuopt_backend *b = opt->ctx->backend;
    if (*buf)
        b->ops->release(b, *buf);
    *buf = NULL;
    *cap = 0;
    gpuopt_status st = b->ops->alloc(b, bytes, buf);
    if (st != GPUOPT_SUCCESS)
        return backend_error(opt, st);
    *cap = bytes;
    return GPUOPT_SUCCESS;
}

/* Where the batch's points and values are on the backend: the algorithm's buffers when the
 * batch starts at row 0, else staging copies. */
typedef struct batch_view {
    gpuopt_dptr X, f;
    int staged_f;
} batch_view;

static gpuopt_status view_batch(gpuopt_optimizer *opt, batch_view *v)
{
    const gpuopt_batch *bt = &opt->batch;
    gpuopt_run *run = &opt->run;
    size_t row = run->dim * sizeof(double);
    v->X = gpuopt_run_dev(run, bt->x_buffer);
    v->f = gpuopt_run_dev(run, bt->f_buffer);
    v->staged_f = bt->f_row != 0;
    gpuopt_status st = GPUOPT_SUCCESS;
    if (bt->x_row != 0) {
        st = ensure_scratch(opt, &opt->stage_x, &opt->stage_x_cap, bt->n * row);
        if (st == GPUOPT_SUCCESS)
            st = gpuopt_backend_copy(run->backend, opt->stage_x, 0, v->X, bt->x_row * row,
                                     bt->n * row);
        v->X = opt->stage_x;
    }
    if (st == GPUOPT_SUCCESS && v->staged_f) {
        st = ensure_scratch(opt, &opt->stage_f, &opt->stage_f_cap, bt->n * sizeof(double));
        v->f = opt->stage_f;
    }
    return st;
}

static gpuopt_status check_batch(gpuopt_optimizer *opt)
{
    const gpuopt_batch *bt = &opt->batch;
    const gpuopt_run *run = &opt->run;
    const gpuopt_buffer *x = bt->x_buffer >= 0 && (size_t)bt->x_buffer < run->n_buffers
                                 ? &run->buffers[bt->x_buffer]
                                 : NULL;
    const gpuopt_buffer *f = bt->f_buffer >= 0 && (size_t)bt->f_buffer < run->n_buffers
                                 ? &run->buffers[bt->f_buffer]
                                 : NULL;
    if (!x || !f || x->place != GPUOPT_ON_BACKEND || f->place != GPUOPT_ON_BACKEND ||
        (bt->x_row + bt->n) * run->dim > x->count || bt->f_row + bt->n > f->count || bt->n == 0)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INTERNAL,
                                "algorithm '%s' asked for an invalid batch", opt->algorithm->name);
    return GPUOPT_SUCCESS;
}

static gpuopt_status nonfinite_error(gpuopt_optimizer *opt, const batch_view *v, size_t first,
                                     size_t n_bad)
{
    gpuopt_run *run = &opt->run;
    double fx = NAN, x[8];
    size_t shown = run->dim < 8 ? run->dim : 8;
    gpuopt_backend *b = run->backend;
    b->ops->read(b, &fx, v->f, first * sizeof fx, sizeof fx);
    b->ops->read(b, x, v->X, first * run->dim * sizeof(double), shown * sizeof(double));
    char point[256];
    size_t used = 0;
    for (size_t k = 0; k < shown && used < sizeof point; ++k)
        used += (size_t)snprintf(point + used, sizeof point - used, "%s%.17g", k ? ", " : "", x[k]);
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NONFINITE_CRITERION,
                            "the criterion returned %g at x = [%s%s] (evaluation %lld; %zu "
                            "non-finite value%s in this batch); set error_handling=continue to "
                            "treat such values as a penalty",
                            fx, point, run->dim > shown ? ", ..." : "",
                            (long long)(run->n_evaluations + (int64_t)first + 1), n_bad,
                            n_bad == 1 ? "" : "s");
}

static gpuopt_status handle_nonfinite(gpuopt_optimizer *opt, const batch_view *v)
{
    gpuopt_run *run = &opt->run;
    gpuopt_backend *b = run->backend;
    gpuopt_penalty pen = {0};
    pen.replace = gpuopt_opt_choice(run, "error_handling") == 2;
    pen.constant = gpuopt_opt_double(run, "error_penalty.constant");
    pen.slope = gpuopt_opt_double(run, "error_penalty.slope");
    pen.x0 = run->x0_dev;
    size_t n_bad = 0, first = 0;
    gpuopt_status st = b->ops->check_values(b, v->f, v->X, opt->batch.n, run->dim, &pen, &n_bad,
                                            &first);
    if (st != GPUOPT_SUCCESS)
        return backend_error(opt, st);
    if (n_bad && !pen.replace)
        return nonfinite_error(opt, v, first, n_bad);
    return GPUOPT_SUCCESS;
}

/* Counts the batch and keeps the best point; only that point crosses to the host. */
static gpuopt_status track_best(gpuopt_optimizer *opt, const batch_view *v)
{
    gpuopt_run *run = &opt->run;
    gpuopt_backend *b = run->backend;
    size_t imin;
    double fmin = INFINITY;
    gpuopt_status st = opt->batch.untracked
                           ? GPUOPT_SUCCESS
                           : b->ops->minmax(b, v->f, opt->batch.n, &imin, &fmin, NULL, NULL);
    if (st == GPUOPT_SUCCESS && fmin < run->iteration_f)
        run->iteration_f = fmin;
    if (st == GPUOPT_SUCCESS && fmin < run->best_f) {
        run->best_f = fmin;
        st = b->ops->read(b, run->best_x, v->X, imin * run->dim * sizeof(double),
                          run->dim * sizeof(double));
    }
    if (st != GPUOPT_SUCCESS)
        return backend_error(opt, st);
    run->n_evaluations += (int64_t)opt->batch.n;
    return GPUOPT_SUCCESS;
}

/* Index of the report value named "restart", or -1. */
static int restart_key(const gpuopt_algorithm *a)
{
    for (int k = 0; a->report_keys && a->report_keys[k]; ++k)
        if (!strcmp(a->report_keys[k], "restart"))
            return k;
    return -1;
}

/* Records where a restart began when the algorithm's "restart" report value changed. */
static void mark_restart(gpuopt_optimizer *opt)
{
    gpuopt_run *run = &opt->run;
    int k = restart_key(opt->algorithm);
    if (k < 0 || !(run->report[k] > (double)run->n_restarts))
        return;
    if (run->n_restarts < GPUOPT_MAX_RESTART_MARKS) {
        gpuopt_restart_mark m = {run->n_iterations, run->n_evaluations};
        run->restarts[run->n_restarts] = m;
    }
    run->n_restarts += 1;
}

/* Notifies BATCH (and ITERATION when one completed) with the stop the batch causes, if any;
 * returns that stop, or an observer's failure. */
static gpuopt_status observe_batch(gpuopt_optimizer *opt, gpuopt_status pending, int completed)
{
    gpuopt_run *run = &opt->run;
    gpuopt_status st = gpuopt_notify(opt, GPUOPT_EVENT_BATCH, pending, run->iteration_f);
    if (st == GPUOPT_SUCCESS && completed) {
        double finished_f = run->iteration_f;
        run->iteration_f = INFINITY; /* a capture now belongs to the next iteration */
        mark_restart(opt);
        st = gpuopt_notify(opt, GPUOPT_EVENT_ITERATION, pending, finished_f);
    }
    return st == GPUOPT_SUCCESS ? pending : st;
}

/* After the values are in v->f: penalties, best, counts, the algorithm's tell, the budget. */
static gpuopt_status process_values(gpuopt_optimizer *opt, const batch_view *v)
{
    gpuopt_run *run = &opt->run;
    const gpuopt_batch *bt = &opt->batch;
    gpuopt_status st = handle_nonfinite(opt, v);
    if (st == GPUOPT_SUCCESS)
        st = track_best(opt, v);
    if (st == GPUOPT_SUCCESS && v->staged_f)
        st = gpuopt_backend_copy(run->backend, gpuopt_run_dev(run, bt->f_buffer),
                                 bt->f_row * sizeof(double), v->f, 0, bt->n * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return finish(opt, st);
    int64_t iterations = run->n_iterations;
    opt->phase = GPUOPT_PHASE_READY;
    double t0 = gpuopt_run_clock(run);
    st = run->algorithm->tell(run, bt);
    gpuopt_timings_end_phase(run, GPUOPT_TIMING_TELL, t0);
    if (st == GPUOPT_SUCCESS)
        st = report_progress(opt, iterations);
    if (st == GPUOPT_SUCCESS)
        st = budget_reason(opt);
    if (st >= 0)
        st = observe_batch(opt, st, run->n_iterations != iterations);
    return st == GPUOPT_SUCCESS ? st : finish(opt, st);
}

gpuopt_status gpuopt_check_budget(gpuopt_optimizer *opt)
{
    gpuopt_status st = budget_reason(opt);
    return st == GPUOPT_SUCCESS ? st : finish(opt, st);
}

/* ---------------------------------------------------------------- ask/tell */

static gpuopt_status check_phase(gpuopt_optimizer *opt, gpuopt_phase expected)
{
    if (opt->phase == expected)
        return GPUOPT_SUCCESS;
    switch (opt->phase) {
    case GPUOPT_PHASE_IDLE:
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "call gpuopt_optimizer_setup() first");
    case GPUOPT_PHASE_DONE:
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "the run has stopped (%s); call setup() to start a new one",
                                gpuopt_status_text(opt->stop_reason));
    case GPUOPT_PHASE_ASKED:
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "tell() the values of the last batch before asking again");
    default:
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "ask() for a batch before telling values");
    }
}

static gpuopt_status next_batch(gpuopt_optimizer *opt)
{
    gpuopt_run *run = &opt->run;
    memset(&opt->batch, 0, sizeof opt->batch);
    opt->batch.raw_buffer = -1;
    double t0 = gpuopt_run_clock(run);
    gpuopt_status st = run->algorithm->ask(run, &opt->batch);
    gpuopt_timings_end_phase(run, GPUOPT_TIMING_ASK, t0);
    if (st == GPUOPT_SUCCESS)
        st = check_batch(opt);
    if (st != GPUOPT_SUCCESS)
        return finish(opt, st);
    opt->phase = GPUOPT_PHASE_ASKED;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_ask(gpuopt_optimizer *opt, const double **X, size_t *n_points)
{
    if (!opt)
        return OPT_NULL();
    if (!X || !n_points)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "X or n_points is NULL");
    gpuopt_status st = check_phase(opt, GPUOPT_PHASE_READY);
    if (st == GPUOPT_SUCCESS)
        st = next_batch(opt);
    if (st != GPUOPT_SUCCESS)
        return st;
    size_t count = opt->batch.n * opt->run.dim;
    if (opt->ask_host_cap < count) {
        double *grown = realloc(opt->ask_host, count * sizeof *grown);
        if (!grown)
            return finish(opt, gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OUT_OF_MEMORY,
                                                "out of memory"));
        opt->ask_host = grown;
        opt->ask_host_cap = count;
    }
    st = gpuopt_run_read(&opt->run, opt->batch.x_buffer, opt->batch.x_row * opt->run.dim, count,
                         opt->ask_host);
    if (st != GPUOPT_SUCCESS)
        return finish(opt, st);
    *X = opt->ask_host;
    *n_points = opt->batch.n;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_tell(gpuopt_optimizer *opt, const double *outputs, size_t n_points)
{
    if (!opt)
        return OPT_NULL();
    if (!outputs)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "outputs is NULL");
    gpuopt_status st = check_phase(opt, GPUOPT_PHASE_ASKED);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (n_points != opt->batch.n)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "tell() got %zu points; the last ask() gave %zu", n_points,
                                opt->batch.n);
    gpuopt_run *run = &opt->run;
    gpuopt_backend *b = run->backend;
    size_t raw_bytes = n_points * run->n_outputs * sizeof(double);
    batch_view v;
    st = view_batch(opt, &v);
    /* the raw outputs go where the algorithm asked for them (its raw buffer), else to scratch */
    int to_batch = opt->batch.raw_buffer >= 0 && run->kind != GPUOPT_CRITERION_SCALAR;
    gpuopt_dptr raw = to_batch ? gpuopt_run_dev(run, opt->batch.raw_buffer) : NULL;
    if (st == GPUOPT_SUCCESS && !to_batch)
        st = ensure_scratch(opt, &opt->tell_raw, &opt->tell_raw_cap, raw_bytes);
    if (!to_batch)
        raw = opt->tell_raw;
    if (st == GPUOPT_SUCCESS && (st = b->ops->write(b, raw, 0, outputs, raw_bytes)))
        st = backend_error(opt, st);
    if (st == GPUOPT_SUCCESS &&
        (st = b->ops->aggregate(b, run->kind, raw, n_points, run->n_outputs, v.f)))
        st = backend_error(opt, st);
    if (st != GPUOPT_SUCCESS)
        return finish(opt, st);
    return process_values(opt, &v);
}

/* ------------------------------------------------------------------ driver */

static gpuopt_status evaluate_batch(gpuopt_optimizer *opt, batch_view *v)
{
    gpuopt_run *run = &opt->run;
    gpuopt_backend *b = run->backend;
    gpuopt_status st = view_batch(opt, v);
    gpuopt_dptr raw = v->f;
    if (st == GPUOPT_SUCCESS && run->kind != GPUOPT_CRITERION_SCALAR) {
        if (opt->batch.raw_buffer >= 0) {
            raw = gpuopt_run_dev(run, opt->batch.raw_buffer);
        } else {
            size_t bytes = opt->batch.n * run->n_outputs * sizeof(double);
            st = ensure_scratch(opt, &opt->eval_raw, &opt->eval_raw_cap, bytes);
            raw = opt->eval_raw;
        }
    }
    double t0 = gpuopt_run_clock(run);
    if (st == GPUOPT_SUCCESS && !opt->batch.evaluated &&
        (st = b->ops->evaluate(b, &opt->target, v->X, opt->batch.n, raw, v->f)))
        st = st == GPUOPT_ERR_CALLBACK
                 ? gpuopt_set_error(opt->errmsg, st, "the criterion callback returned an error "
                                                     "(nonzero) in evaluation batch of %zu points",
                                    opt->batch.n)
                 : backend_error(opt, st);
    gpuopt_timings_end_phase(run, GPUOPT_TIMING_EVALUATION, t0);
    return st;
}

static gpuopt_status make_result(const gpuopt_optimizer *opt, gpuopt_result **out);

/* The arguments of minimize / continue: an optimizer, and a problem with a criterion. */
static gpuopt_status check_run_args(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                    gpuopt_result **result)
{
    if (!opt)
        return OPT_NULL();
    if (result)
        *result = NULL;
    if (!problem)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "problem is NULL");
    if (!problem->has_criterion)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NO_CRITERION,
                                "the problem has no criterion: set one with "
                                "gpuopt_problem_set_batch_criterion or _point_criterion");
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_continue(gpuopt_optimizer *opt, gpuopt_problem *problem,
                                        gpuopt_result **result)
{
    gpuopt_status st = check_run_args(opt, problem, result);
    if (st == GPUOPT_SUCCESS)
        st = check_phase(opt, GPUOPT_PHASE_READY);
    if (st != GPUOPT_SUCCESS)
        return st;
    opt->target = problem->target;
    st = gpuopt_check_budget(opt); /* a resumed run may already be at its budget */
    while (st == GPUOPT_SUCCESS) {
        batch_view v;
        st = next_batch(opt);
        if (st == GPUOPT_SUCCESS && (st = evaluate_batch(opt, &v)) != GPUOPT_SUCCESS)
            st = finish(opt, st);
        if (st == GPUOPT_SUCCESS)
            st = process_values(opt, &v);
    }
    if (result) {
        gpuopt_status rs = make_result(opt, result);
        if (rs != GPUOPT_SUCCESS)
            return rs;
    }
    return st;
}

gpuopt_status gpuopt_minimize(gpuopt_optimizer *opt, gpuopt_problem *problem,
                              gpuopt_result **result)
{
    gpuopt_status st = check_run_args(opt, problem, result);
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_optimizer_setup(opt, problem);
    if (st != GPUOPT_SUCCESS) {
        if (result && opt->phase == GPUOPT_PHASE_DONE)
            make_result(opt, result);
        return st;
    }
    return gpuopt_optimizer_continue(opt, problem, result);
}

/* -------------------------------------------------------------- observers */

gpuopt_status gpuopt_notify(gpuopt_optimizer *opt, unsigned event, gpuopt_status pending,
                            double iteration_f)
{
    const gpuopt_run *run = &opt->run;
    size_t n_report = 0;
    for (const char *const *k = opt->algorithm->report_keys; k && *k; ++k)
        ++n_report;
    gpuopt_observation o = {
        .event = (gpuopt_event)event,
        .n_iterations = run->n_iterations,
        .n_evaluations = run->n_evaluations,
        .best_f = run->best_f,
        .best_x = run->best_x,
        .iteration_f = iteration_f,
        .elapsed = gpuopt_now() - opt->start_time,
        .n_report = n_report,
        .report_keys = opt->algorithm->report_keys,
        .report = run->report,
        .batch_n = event == GPUOPT_EVENT_BATCH ? opt->batch.n : 0,
        .stop_reason = pending,
    };
    for (size_t i = 0; i < GPUOPT_COUNT(opt->observers); ++i) {
        if (!opt->observers[i].fn || !(opt->observers[i].mask & event))
            continue;
        gpuopt_status st = opt->observers[i].fn(opt, &o, opt->observers[i].user);
        if (st != GPUOPT_SUCCESS && event != GPUOPT_EVENT_STOP && event != GPUOPT_EVENT_RELEASE)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_add_observer(gpuopt_optimizer *opt, unsigned mask,
                                            gpuopt_observer_fn fn, void *user)
{
    if (!opt)
        return OPT_NULL();
    if (!fn)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "observer is NULL");
    for (size_t i = 0; i < GPUOPT_COUNT(opt->observers); ++i) {
        if (!opt->observers[i].fn) {
            opt->observers[i].mask = mask;
            opt->observers[i].fn = fn;
            opt->observers[i].user = user;
            return GPUOPT_SUCCESS;
        }
    }
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                            "at most %zu observers can be registered", GPUOPT_COUNT(opt->observers));
}

gpuopt_status gpuopt_optimizer_remove_observer(gpuopt_optimizer *opt, gpuopt_observer_fn fn,
                                               void *user)
{
    if (!opt)
        return OPT_NULL();
    for (size_t i = 0; i < GPUOPT_COUNT(opt->observers); ++i)
        if (opt->observers[i].fn == fn && opt->observers[i].user == user)
            memset(&opt->observers[i], 0, sizeof opt->observers[i]);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_observer_read_batch(gpuopt_optimizer *opt, double *X, double *f)
{
    if (!opt)
        return OPT_NULL();
    if (opt->phase != GPUOPT_PHASE_READY || opt->batch.n == 0)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE, "no batch to read");
    gpuopt_run *run = &opt->run;
    const gpuopt_batch *bt = &opt->batch;
    gpuopt_status st = GPUOPT_SUCCESS;
    if (X)
        st = gpuopt_run_read(run, bt->x_buffer, bt->x_row * run->dim, bt->n * run->dim, X);
    if (st == GPUOPT_SUCCESS && f)
        st = gpuopt_run_read(run, bt->f_buffer, bt->f_row, bt->n, f);
    return st;
}

/* ------------------------------------------------------------------ result */

gpuopt_status gpuopt_optimizer_best(const gpuopt_optimizer *opt, double *x, double *f)
{
    if (!opt)
        return OPT_NULL();
    if (opt->phase == GPUOPT_PHASE_IDLE || !opt->run.best_x)
        return gpuopt_set_error(((gpuopt_optimizer *)opt)->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "no run has been set up");
    if (x)
        memcpy(x, opt->run.best_x, opt->run.dim * sizeof *x);
    if (f)
        *f = opt->run.best_f;
    return GPUOPT_SUCCESS;
}

static gpuopt_status make_result(const gpuopt_optimizer *opt, gpuopt_result **out)
{
    const gpuopt_run *run = &opt->run;
    gpuopt_result *r = calloc(1, sizeof *r);
    double *x = r ? malloc(run->dim * sizeof *x + 1) : NULL;
    if (!x) {
        free(r);
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    }
    r->dim = run->dim;
    r->x = x;
    memcpy(x, run->best_x, run->dim * sizeof *x);
    r->fun = run->best_f;
    r->n_evaluations = run->n_evaluations;
    r->n_iterations = run->n_iterations;
    int done = opt->phase == GPUOPT_PHASE_DONE;
    r->stop_reason = done ? opt->stop_reason : GPUOPT_SUCCESS;
    snprintf(r->message, sizeof r->message, "%s", done ? opt->stop_message : "running");
    snprintf(r->warnings, sizeof r->warnings, "%s", run->warnings);
    for (const char *const *k = opt->algorithm->report_keys; k && *k && r->n_report < GPUOPT_MAX_REPORT; ++k) {
        snprintf(r->report_keys[r->n_report], sizeof r->report_keys[0], "%s", *k);
        r->report[r->n_report] = run->report[r->n_report];
        r->n_report += 1;
    }
    r->n_restarts = run->n_restarts < GPUOPT_MAX_RESTART_MARKS ? run->n_restarts
                                                              : GPUOPT_MAX_RESTART_MARKS;
    memcpy(r->restarts, run->restarts, r->n_restarts * sizeof *r->restarts);
    r->wall_time = done ? opt->elapsed : gpuopt_now() - opt->start_time;
    snprintf(r->algorithm, sizeof r->algorithm, "%s", opt->algorithm->name);
    snprintf(r->backend, sizeof r->backend, "%s", opt->ctx->backend->ops->name);
    r->n_timings = run->timings.n;
    for (size_t i = 0; i < r->n_timings; ++i) {
        snprintf(r->timing_keys[i], sizeof r->timing_keys[0], "%s", run->timings.name[i]);
        r->timings[i] = run->timings.seconds[i];
    }
    *out = r;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_result(const gpuopt_optimizer *opt, gpuopt_result **result)
{
    if (!opt)
        return OPT_NULL();
    if (!result)
        return gpuopt_set_error(((gpuopt_optimizer *)opt)->errmsg, GPUOPT_ERR_NULL_POINTER,
                                "result out-parameter is NULL");
    *result = NULL;
    if (opt->phase == GPUOPT_PHASE_IDLE || !opt->run.best_x)
        return gpuopt_set_error(((gpuopt_optimizer *)opt)->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "no run has been set up");
    return make_result(opt, result);
}

gpuopt_status gpuopt_result_destroy(gpuopt_result **r)
{
    if (!r)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "result is NULL");
    if (*r) {
        free((*r)->x);
        free(*r);
        *r = NULL;
    }
    return GPUOPT_SUCCESS;
}

size_t gpuopt_result_dim(const gpuopt_result *r) { return r ? r->dim : 0; }
const double *gpuopt_result_x(const gpuopt_result *r) { return r ? r->x : NULL; }
double gpuopt_result_fun(const gpuopt_result *r) { return r ? r->fun : NAN; }
int64_t gpuopt_result_n_evaluations(const gpuopt_result *r) { return r ? r->n_evaluations : 0; }
int64_t gpuopt_result_n_iterations(const gpuopt_result *r) { return r ? r->n_iterations : 0; }
int gpuopt_result_converged(const gpuopt_result *r)
{
    return r ? gpuopt_status_converged(r->stop_reason) : 0;
}
gpuopt_status gpuopt_result_stop_reason(const gpuopt_result *r)
{
    return r ? r->stop_reason : GPUOPT_ERR_NULL_POINTER;
}
const char *gpuopt_result_message(const gpuopt_result *r) { return r ? r->message : ""; }
const char *gpuopt_result_warnings(const gpuopt_result *r) { return r ? r->warnings : ""; }
size_t gpuopt_result_report_count(const gpuopt_result *r) { return r ? r->n_report : 0; }
const char *gpuopt_result_report_key(const gpuopt_result *r, size_t i)
{
    return r && i < r->n_report ? r->report_keys[i] : NULL;
}
double gpuopt_result_report_value(const gpuopt_result *r, size_t i)
{
    return r && i < r->n_report ? r->report[i] : NAN;
}
size_t gpuopt_result_restart_count(const gpuopt_result *r) { return r ? r->n_restarts : 0; }
gpuopt_status gpuopt_result_restart_at(const gpuopt_result *r, size_t i, int64_t *iteration,
                                       int64_t *n_evaluations)
{
    if (!r || !iteration || !n_evaluations)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "result or output is NULL");
    if (i >= r->n_restarts)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "restart %zu of %zu does not exist", i, r->n_restarts);
    *iteration = r->restarts[i].iteration;
    *n_evaluations = r->restarts[i].n_evaluations;
    return GPUOPT_SUCCESS;
}
double gpuopt_result_wall_time(const gpuopt_result *r) { return r ? r->wall_time : 0; }
const char *gpuopt_result_algorithm(const gpuopt_result *r) { return r ? r->algorithm : ""; }
const char *gpuopt_result_backend(const gpuopt_result *r) { return r ? r->backend : ""; }
size_t gpuopt_result_timing_count(const gpuopt_result *r) { return r ? r->n_timings : 0; }
const char *gpuopt_result_timing_key(const gpuopt_result *r, size_t i)
{
    return r && i < r->n_timings ? r->timing_keys[i] : NULL;
}
double gpuopt_result_timing_seconds(const gpuopt_result *r, size_t i)
{
    return r && i < r->n_timings ? r->timings[i] : NAN;
}
