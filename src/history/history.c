/* The public history API: one observer per optimizer writes its log and its checkpoints, and
 * resume restores a checkpoint through gpuopt_image_apply. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../image.h"
#include "checkpoint.h"
#include "gpuopt/history.h"
#include "h5util.h"
#include "log_writer.h"

#define PATH_LEN 4096

typedef struct history {
    int log_on;
    log_writer log;
    int checkpoint_on;
    char checkpoint_path[PATH_LEN];
    int64_t every_iterations;
    double every_seconds;
    int resuming;          /* set by gpuopt_optimizer_resume around its START event */
    char run_id[40];
    int64_t saved_iteration;
    double saved_time;
} history;

static gpuopt_status observe(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user);

#define OBSERVED_EVENTS                                                                        \
    (GPUOPT_EVENT_START | GPUOPT_EVENT_BATCH | GPUOPT_EVENT_ITERATION | GPUOPT_EVENT_STOP |      \
     GPUOPT_EVENT_RELEASE)

int gpuopt_history_available(void)
{
    return 1;
}

/* --------------------------------------------------------------- helpers */

static history *find_history(gpuopt_optimizer *opt)
{
    for (size_t i = 0; i < GPUOPT_COUNT(opt->observers); ++i)
        if (opt->observers[i].fn == observe)
            return opt->observers[i].user;
    return NULL;
}

static gpuopt_status attach_history(gpuopt_optimizer *opt, history **out)
{
    *out = find_history(opt);
    if (*out)
        return GPUOPT_SUCCESS;
    history *h = calloc(1, sizeof *h);
    if (!h)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    log_init(&h->log, "", 0);
    gpuopt_status st = gpuopt_optimizer_add_observer(opt, OBSERVED_EVENTS, observe, h);
    if (st != GPUOPT_SUCCESS) {
        free(h);
        return st;
    }
    *out = h;
    return GPUOPT_SUCCESS;
}

/* Drops the observer when it has nothing left to do. */
static void detach_if_idle(gpuopt_optimizer *opt, history *h)
{
    if (h->log_on || h->checkpoint_on)
        return;
    gpuopt_optimizer_remove_observer(opt, observe, h);
    h5_enter();
    log_close(&h->log);
    h5_leave();
    free(h);
}

/* path made absolute (so that a resumed run finds it from any directory). */
static void absolute_path(const char *path, char *out, size_t len)
{
    char cwd[PATH_LEN];
    int n = -1;
    if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
        n = snprintf(out, len, "%s/%s", cwd, path);
    if (n < 0 || (size_t)n >= len)
        snprintf(out, len, "%s", path);
}

static void new_run_id(history *h)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t parts[4] = {(uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid(),
                         (uint64_t)(uintptr_t)h};
    uint64_t a = h5_hash(H5_HASH_START, parts, sizeof parts);
    uint64_t b = h5_hash(a ^ 0x9e3779b97f4a7c15ull, parts, sizeof parts);
    snprintf(h->run_id, sizeof h->run_id, "%016llx%016llx", (unsigned long long)a,
             (unsigned long long)b);
}

static gpuopt_status check_path(gpuopt_optimizer *opt, const char *path, const char *what)
{
    if (!path[0])
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT, "the %s path is empty",
                                what);
    if (strlen(path) >= PATH_LEN - 16)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "the %s path is too long", what);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ checkpoints */

static void fill_extra(const history *h, const gpuopt_optimizer *opt, const char *path,
                       ckpt_extra *x)
{
    memset(x, 0, sizeof *x);
    snprintf(x->device, sizeof x->device, "%s", gpuopt_context_device(opt->ctx));
    h5_utc_now(x->created, sizeof x->created);
    absolute_path(path, x->checkpoint_path, sizeof x->checkpoint_path);
    if (!h)
        return;
    snprintf(x->run_id, sizeof x->run_id, "%s", h->run_id);
    if (h->log_on) {
        absolute_path(h->log.path, x->log_path, sizeof x->log_path);
        x->log_flags = h->log.flags & GPUOPT_LOG_EVALUATIONS;
    }
    x->every_iterations = h->every_iterations;
    x->every_seconds = h->every_seconds;
}

/* Captures the run and writes it to path (the caller holds the HDF5 lock). at_iteration: the
 * capture is taken at an ITERATION event, before the framework starts the next iteration's
 * smallest value afresh, so the saved value is the fresh one. */
static gpuopt_status save(const history *h, gpuopt_optimizer *opt, const char *path,
                          int at_iteration)
{
    gpuopt_image *img = NULL;
    gpuopt_status st = gpuopt_image_capture(opt, &img);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (at_iteration)
        img->iteration_f = INFINITY;
    ckpt_extra x;
    fill_extra(h, opt, path, &x);
    st = ckpt_write(path, img, &x, opt->errmsg, sizeof opt->errmsg);
    gpuopt_image_free(&img);
    return st;
}

static gpuopt_status save_scheduled(history *h, gpuopt_optimizer *opt,
                                    const gpuopt_observation *o, int at_iteration)
{
    gpuopt_status st = save(h, opt, h->checkpoint_path, at_iteration);
    if (st == GPUOPT_SUCCESS) {
        h->saved_iteration = o->n_iterations;
        h->saved_time = gpuopt_now();
    }
    return st;
}

static int save_due(const history *h, const gpuopt_observation *o)
{
    if (h->every_iterations > 0 && o->n_iterations - h->saved_iteration >= h->every_iterations)
        return 1;
    return h->every_seconds > 0 && gpuopt_now() - h->saved_time >= h->every_seconds;
}

/* -------------------------------------------------------------- observer */

static gpuopt_status on_start(history *h, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    if (!h->resuming || !h->run_id[0])
        new_run_id(h);
    gpuopt_status st = GPUOPT_SUCCESS;
    if (h->log_on)
        st = log_start(&h->log, opt, o, h->resuming, h->run_id);
    if (st == GPUOPT_SUCCESS && h->checkpoint_on) {
        ckpt_remove_stale(h->checkpoint_path);
        st = save_scheduled(h, opt, o, 0);
    }
    if (st != GPUOPT_SUCCESS)
        log_close(&h->log);
    return st;
}

static gpuopt_status on_iteration(history *h, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    gpuopt_status st = h->log_on ? log_iteration(&h->log, opt, o) : GPUOPT_SUCCESS;
    /* the iteration a run stops on is not saved: a resume would run past the stop */
    if (st == GPUOPT_SUCCESS && h->checkpoint_on && o->stop_reason == GPUOPT_SUCCESS &&
        save_due(h, o))
        st = save_scheduled(h, opt, o, 1);
    return st;
}

/* The run is over: an interrupted run saves where it stopped (it can go on from there); the
 * log gets its last rows and the outcome. The observer then leaves the optimizer. */
static void on_stop(history *h, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    if (h->checkpoint_on && o->stop_reason == GPUOPT_STOP_INTERRUPTED)
        save_scheduled(h, opt, o, 0);
    if (h->log_on)
        log_stop(&h->log, opt, o);
}

static gpuopt_status observe(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    history *h = user;
    gpuopt_status st = GPUOPT_SUCCESS;
    if (o->event == GPUOPT_EVENT_RELEASE) { /* destroyed before the run stopped */
        h5_enter();
        log_close(&h->log);
        h5_leave();
        free(h);
        return GPUOPT_SUCCESS;
    }
    h5_enter();
    if (o->event == GPUOPT_EVENT_START)
        st = on_start(h, opt, o);
    else if (o->event == GPUOPT_EVENT_BATCH && h->log_on)
        st = log_batch(&h->log, opt, o);
    else if (o->event == GPUOPT_EVENT_ITERATION)
        st = on_iteration(h, opt, o);
    else if (o->event == GPUOPT_EVENT_STOP)
        on_stop(h, opt, o);
    h5_leave();
    if (o->event == GPUOPT_EVENT_STOP) {
        h->log_on = h->checkpoint_on = 0;
        detach_if_idle(opt, h);
    }
    return st;
}

/* ------------------------------------------------------------- public API */

#define OPT_NULL() gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "optimizer is NULL")

gpuopt_status gpuopt_optimizer_set_log(gpuopt_optimizer *opt, const char *path, unsigned flags)
{
    if (!opt)
        return OPT_NULL();
    if (flags & ~(GPUOPT_LOG_EVALUATIONS | GPUOPT_LOG_OVERWRITE))
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "unknown log flags 0x%x", flags);
    history *h = find_history(opt);
    if (!path) {
        if (h) {
            h->log_on = 0;
            detach_if_idle(opt, h);
        }
        return GPUOPT_SUCCESS;
    }
    gpuopt_status st = check_path(opt, path, "log");
    if (st == GPUOPT_SUCCESS && h && h->checkpoint_on && strcmp(h->checkpoint_path, path) == 0)
        st = gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                              "the log and the checkpoint cannot be the same file ('%s')", path);
    if (st == GPUOPT_SUCCESS)
        st = attach_history(opt, &h);
    if (st != GPUOPT_SUCCESS)
        return st;
    h5_enter();
    log_close(&h->log);
    h5_leave();
    log_init(&h->log, path, flags);
    h->log_on = 1;
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_schedule(gpuopt_optimizer *opt, int64_t every_iterations,
                                    double every_seconds)
{
    if (every_iterations < 0 || !(every_seconds >= 0) || isinf(every_seconds))
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "checkpoint intervals must be >= 0 and finite (got every %lld "
                                "iterations, every %g seconds)",
                                (long long)every_iterations, every_seconds);
    if (every_iterations == 0 && every_seconds == 0)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "give a checkpoint interval: every_iterations > 0 or "
                                "every_seconds > 0");
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_set_checkpoint(gpuopt_optimizer *opt, const char *path,
                                              int64_t every_iterations, double every_seconds)
{
    if (!opt)
        return OPT_NULL();
    history *h = find_history(opt);
    if (!path) {
        if (h) {
            h->checkpoint_on = 0;
            detach_if_idle(opt, h);
        }
        return GPUOPT_SUCCESS;
    }
    gpuopt_status st = check_path(opt, path, "checkpoint");
    if (st == GPUOPT_SUCCESS)
        st = check_schedule(opt, every_iterations, every_seconds);
    if (st == GPUOPT_SUCCESS && h && h->log_on && strcmp(h->log.path, path) == 0)
        st = gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                              "the log and the checkpoint cannot be the same file ('%s')", path);
    if (st == GPUOPT_SUCCESS)
        st = attach_history(opt, &h);
    if (st != GPUOPT_SUCCESS)
        return st;
    snprintf(h->checkpoint_path, sizeof h->checkpoint_path, "%s", path);
    h->every_iterations = every_iterations;
    h->every_seconds = every_seconds;
    h->checkpoint_on = 1;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_save_checkpoint(gpuopt_optimizer *opt, const char *path)
{
    if (!opt)
        return OPT_NULL();
    if (!path)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "path is NULL");
    gpuopt_status st = check_path(opt, path, "checkpoint");
    if (st != GPUOPT_SUCCESS)
        return st;
    h5_enter();
    st = save(find_history(opt), opt, path, 0);
    h5_leave();
    return st;
}

gpuopt_status gpuopt_checkpoint_read_info(const char *path, gpuopt_checkpoint_info *info)
{
    if (!path || !info)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "path or info is NULL");
    char err[GPUOPT_ERRMSG_LEN];
    ckpt_extra x;
    h5_enter();
    gpuopt_status st = ckpt_read(path, NULL, info, &x, err, sizeof err);
    h5_leave();
    return st == GPUOPT_SUCCESS ? st : gpuopt_set_last_error(st, "%s", err);
}

gpuopt_status gpuopt_optimizer_resume(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                      const char *path, unsigned flags)
{
    if (!opt)
        return OPT_NULL();
    if (!problem || !path)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "problem or path is NULL");
    if (flags & ~GPUOPT_RESUME_ALLOW_BACKEND_CHANGE)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "unknown resume flags 0x%x", flags);
    gpuopt_image *img = NULL;
    gpuopt_checkpoint_info info;
    ckpt_extra x;
    h5_enter();
    gpuopt_status st = ckpt_read(path, &img, &info, &x, opt->errmsg, sizeof opt->errmsg);
    h5_leave();
    if (st != GPUOPT_SUCCESS)
        return st;
    history *h = find_history(opt);
    if (h) {
        h->resuming = 1;
        snprintf(h->run_id, sizeof h->run_id, "%s", x.run_id);
    }
    st = gpuopt_image_apply(opt, problem, img, (flags & GPUOPT_RESUME_ALLOW_BACKEND_CHANGE) != 0);
    gpuopt_image_free(&img);
    if ((h = find_history(opt)) != NULL)
        h->resuming = 0;
    return st;
}
