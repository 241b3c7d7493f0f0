/* The HDF5 run log (schema in docs/history.md). */
#include "log_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "gpuopt/history.h"
#include "h5util.h"

#define ROW_DATASETS 7 /* iteration .. best_x, without the report columns */
#define CHUNK_BYTES 8192   /* as h5util's extendible datasets */
#define METADATA_SLACK 65536

void log_init(log_writer *w, const char *path, unsigned flags)
{
    memset(w, 0, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->flags = flags;
    w->file = -1;
    hid_t *ids[] = {&w->iteration, &w->n_evaluations, &w->best_f, &w->iteration_f,
                    &w->elapsed, &w->restart, &w->best_x, &w->eval_x, &w->eval_f,
                    &w->eval_iteration};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; ++i)
        *ids[i] = -1;
    for (size_t k = 0; k < GPUOPT_MAX_REPORT; ++k)
        w->report[k] = -1;
    w->restart_key = -1;
}

static void close_id(hid_t *id)
{
    if (*id >= 0)
        H5Dclose(*id);
    *id = -1;
}

void log_close(log_writer *w)
{
    hid_t *ids[] = {&w->iteration, &w->n_evaluations, &w->best_f, &w->iteration_f,
                    &w->elapsed, &w->restart, &w->best_x, &w->eval_x, &w->eval_f,
                    &w->eval_iteration};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; ++i)
        close_id(ids[i]);
    for (size_t k = 0; k < GPUOPT_MAX_REPORT; ++k)
        close_id(&w->report[k]);
    if (w->file >= 0)
        H5Fclose(w->file);
    w->file = -1;
    w->failed = 0;
    free(w->batch_x);
    free(w->batch_f);
    w->batch_x = w->batch_f = NULL;
    w->batch_cap = 0;
}

static gpuopt_status fail(log_writer *w, gpuopt_optimizer *opt, const char *what)
{
    w->failed = 1;
    char reason[512];
    h5_reason(reason, sizeof reason);
    const char *hint = strstr(reason, "No space left") ? " (the disk is full)"
                       : strstr(reason, "Permission denied") || strstr(reason, "Read-only")
                           ? " (the directory is not writable)"
                           : "";
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_IO, "cannot write log '%s': %s: %s%s",
                            w->path, what, reason, hint);
}

/* ---------------------------------------------------------- disk space */

/* Free bytes on the file system of path, or UINT64_MAX when unknown. */
static uint64_t free_bytes(const char *path)
{
    char dir[4200];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0 || (sv.f_flag & ST_RDONLY))
        return UINT64_MAX; /* writing fails anyway, saying why */
    return (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
}

/* Refuses a write of about `bytes` (plus new chunks and metadata) that may not fit: HDF5 cannot
 * close a file cleanly once a flush failed for want of space, so a full disk is caught first. */
static gpuopt_status check_room(log_writer *w, gpuopt_optimizer *opt, uint64_t bytes)
{
    uint64_t need = bytes + (ROW_DATASETS + w->n_report + 3) * CHUNK_BYTES + METADATA_SLACK;
    uint64_t have = free_bytes(w->path);
    if (have >= need)
        return GPUOPT_SUCCESS;
    w->failed = 1;
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_IO,
                            "cannot write log '%s': No space left on device (the disk is full: "
                            "%llu KiB free, about %llu KiB needed)",
                            w->path, (unsigned long long)(have / 1024),
                            (unsigned long long)((need + 1023) / 1024));
}

/* ------------------------------------------------------------------ setup */

static int write_options(hid_t file, const gpuopt_optimizer *opt)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return -1;
    H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(file, "options", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    int rc = g < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < opt->n_specs; ++i) {
        char value[512];
        gpuopt_option_format(&opt->specs[i], &opt->values[i], value, sizeof value);
        rc = h5_attr_text(g, opt->specs[i].key, value);
    }
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_setup(hid_t f, const gpuopt_optimizer *opt, const gpuopt_observation *o,
                       const char *run_id, unsigned flags)
{
    const gpuopt_run *run = &opt->run;
    char now[32];
    h5_utc_now(now, sizeof now);
    return h5_attr_text(f, "format", LOG_FORMAT) |
           h5_attr_i64(f, "format_version", LOG_FORMAT_VERSION) |
           h5_attr_text(f, "library_version", gpuopt_version()) |
           h5_attr_text(f, "problem", opt->problem_name) | h5_attr_u64(f, "dim", run->dim) |
           h5_attr_i64(f, "kind", run->kind) | h5_attr_u64(f, "n_outputs", run->n_outputs) |
           h5_attr_text(f, "algorithm", opt->algorithm->name) |
           h5_attr_text(f, "backend", gpuopt_context_backend(opt->ctx)) |
           h5_attr_text(f, "device", gpuopt_context_device(opt->ctx)) |
           h5_attr_u64(f, "seed", run->seed) | h5_attr_text(f, "start_time", now) |
           h5_attr_text(f, "run_id", run_id) |
           h5_attr_i64(f, "first_iteration", o->n_iterations) |
           h5_attr_i64(f, "first_evaluation", o->n_evaluations) |
           h5_attr_i64(f, "n_resumes", 0) |
           h5_attr_i64(f, "evaluations_logged", (flags & GPUOPT_LOG_EVALUATIONS) != 0) |
           h5_write_1d(f, "lower", H5T_NATIVE_DOUBLE, run->dim, run->lower) |
           h5_write_1d(f, "upper", H5T_NATIVE_DOUBLE, run->dim, run->upper) |
           h5_write_1d(f, "x0", H5T_NATIVE_DOUBLE, run->dim, run->x0) | write_options(f, opt);
}

static hid_t ordered_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return -1;
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

static void note_report_keys(log_writer *w, const gpuopt_observation *o)
{
    w->n_report = o->n_report < GPUOPT_MAX_REPORT ? o->n_report : GPUOPT_MAX_REPORT;
    for (size_t k = 0; k < w->n_report; ++k)
        if (strcmp(o->report_keys[k], "restart") == 0)
            w->restart_key = (int)k;
}

static int create_report(log_writer *w, hid_t g, const gpuopt_observation *o)
{
    hid_t r = ordered_group(g, "report");
    int rc = r < 0 ? -1 : 0;
    for (size_t k = 0; rc == 0 && k < w->n_report; ++k)
        rc = (w->report[k] = h5_create_rows(r, o->report_keys[k], H5T_NATIVE_DOUBLE, 0)) < 0;
    if (r >= 0)
        H5Gclose(r);
    return rc ? -1 : 0;
}

static int create_rows(log_writer *w, const gpuopt_observation *o)
{
    hid_t g = ordered_group(w->file, "iterations");
    if (g < 0)
        return -1;
    w->iteration = h5_create_rows(g, "iteration", H5T_NATIVE_INT64, 0);
    w->n_evaluations = h5_create_rows(g, "n_evaluations", H5T_NATIVE_INT64, 0);
    w->best_f = h5_create_rows(g, "best_f", H5T_NATIVE_DOUBLE, 0);
    w->iteration_f = h5_create_rows(g, "iteration_f", H5T_NATIVE_DOUBLE, 0);
    w->elapsed = h5_create_rows(g, "elapsed", H5T_NATIVE_DOUBLE, 0);
    w->restart = h5_create_rows(g, "restart", H5T_NATIVE_INT64, 0);
    w->best_x = h5_create_rows(g, "best_x", H5T_NATIVE_DOUBLE, w->dim);
    int rc = w->iteration < 0 || w->n_evaluations < 0 || w->best_f < 0 || w->iteration_f < 0 ||
                     w->elapsed < 0 || w->restart < 0 || w->best_x < 0
                 ? -1
                 : create_report(w, g, o);
    H5Gclose(g);
    return rc;
}

static int create_evaluations(log_writer *w)
{
    if (!(w->flags & GPUOPT_LOG_EVALUATIONS))
        return 0;
    hid_t g = ordered_group(w->file, "evaluations");
    if (g < 0)
        return -1;
    w->eval_x = h5_create_rows(g, "x", H5T_NATIVE_DOUBLE, w->dim);
    w->eval_f = h5_create_rows(g, "f", H5T_NATIVE_DOUBLE, 0);
    w->eval_iteration = h5_create_rows(g, "iteration", H5T_NATIVE_INT64, 0);
    H5Gclose(g);
    return w->eval_x < 0 || w->eval_f < 0 || w->eval_iteration < 0 ? -1 : 0;
}

static void start_counters(log_writer *w, const gpuopt_observation *o)
{
    w->last_iteration = o->n_iterations;
    w->batch_iterations = o->n_iterations;
    w->logged_evaluations = o->n_evaluations;
}

static gpuopt_status create_log(log_writer *w, gpuopt_optimizer *opt,
                                const gpuopt_observation *o, const char *run_id)
{
    if (!(w->flags & GPUOPT_LOG_OVERWRITE) && access(w->path, F_OK) == 0)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "log file '%s' exists already; choose another file, or allow "
                                "overwriting it (--overwrite, GPUOPT_LOG_OVERWRITE)",
                                w->path);
    w->dim = opt->run.dim;
    note_report_keys(w, o);
    gpuopt_status st = check_room(w, opt, 4 * w->dim * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    hid_t fapl = h5_file_access();
    w->file = H5Fcreate(w->path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    h5_close_plist(fapl);
    if (w->file < 0)
        return fail(w, opt, "creating the file");
    start_counters(w, o);
    if (write_setup(w->file, opt, o, run_id, w->flags) < 0 || create_rows(w, o) < 0 ||
        create_evaluations(w) < 0 || H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0) {
        st = fail(w, opt, "writing its set-up");
        log_close(w);
        return st;
    }
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------ continuing a log */

static hid_t open_rows(hid_t loc, const char *name)
{
    return H5Lexists(loc, name, H5P_DEFAULT) > 0 ? H5Dopen2(loc, name, H5P_DEFAULT) : -1;
}

/* Opens the row datasets; 0 or -1. */
static int open_datasets(log_writer *w, const gpuopt_observation *o)
{
    hid_t g = H5Gopen2(w->file, "iterations", H5P_DEFAULT);
    if (g < 0)
        return -1;
    w->iteration = open_rows(g, "iteration");
    w->n_evaluations = open_rows(g, "n_evaluations");
    w->best_f = open_rows(g, "best_f");
    w->iteration_f = open_rows(g, "iteration_f");
    w->elapsed = open_rows(g, "elapsed");
    w->restart = open_rows(g, "restart");
    w->best_x = open_rows(g, "best_x");
    hid_t r = H5Gopen2(g, "report", H5P_DEFAULT);
    for (size_t k = 0; r >= 0 && k < w->n_report; ++k)
        w->report[k] = open_rows(r, o->report_keys[k]);
    if (r >= 0)
        H5Gclose(r);
    H5Gclose(g);
    int ok = w->iteration >= 0 && w->n_evaluations >= 0 && w->best_f >= 0 &&
             w->iteration_f >= 0 && w->elapsed >= 0 && w->restart >= 0 && w->best_x >= 0;
    for (size_t k = 0; k < w->n_report; ++k)
        ok = ok && w->report[k] >= 0;
    if (!ok || !(w->flags & GPUOPT_LOG_EVALUATIONS))
        return ok ? 0 : -1;
    w->eval_x = H5Lexists(w->file, "evaluations", H5P_DEFAULT) > 0
                    ? H5Dopen2(w->file, "evaluations/x", H5P_DEFAULT)
                    : -1;
    if (w->eval_x < 0) /* this log has no evaluations: it goes on without */
        return 0;
    w->eval_f = H5Dopen2(w->file, "evaluations/f", H5P_DEFAULT);
    w->eval_iteration = H5Dopen2(w->file, "evaluations/iteration", H5P_DEFAULT);
    return w->eval_f >= 0 && w->eval_iteration >= 0 ? 0 : -1;
}

static size_t rows_of(hid_t d)
{
    hid_t space = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    if (space < 0 || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        dims[0] = 0;
    if (space >= 0)
        H5Sclose(space);
    return (size_t)dims[0];
}

/* The rows every column has (a killed writer may have grown some and not others). */
static size_t common_rows(const log_writer *w)
{
    hid_t cols[ROW_DATASETS] = {w->iteration, w->n_evaluations, w->best_f, w->iteration_f,
                                w->elapsed, w->restart, w->best_x};
    size_t n = rows_of(cols[0]);
    for (size_t i = 1; i < ROW_DATASETS; ++i)
        n = rows_of(cols[i]) < n ? rows_of(cols[i]) : n;
    for (size_t k = 0; k < w->n_report; ++k)
        n = rows_of(w->report[k]) < n ? rows_of(w->report[k]) : n;
    return n;
}

/* Keeps the rows up to the resumed iteration, drops the rest. */
static int cut_rows(log_writer *w, int64_t n_iterations)
{
    size_t n = common_rows(w);
    int64_t *it = malloc((n + 1) * sizeof *it);
    if (!it || h5_read_rows(w->file, "iterations/iteration", H5T_NATIVE_INT64, n, 1, it) < 0) {
        free(it);
        return -1;
    }
    /* The rows up to the checkpoint were flushed before it was saved; the rows after it may be
     * torn by the kill (a dataset's extent can reach the file before its data: a row of
     * zeros). Keep the consecutive iterations up to the checkpoint's and nothing after. */
    size_t keep = 0;
    while (keep < n && it[keep] <= n_iterations && it[keep] >= 1 &&
           (keep == 0 || it[keep] == it[keep - 1] + 1))
        ++keep;
    free(it);
    hid_t cols[ROW_DATASETS] = {w->iteration, w->n_evaluations, w->best_f, w->iteration_f,
                                w->elapsed, w->restart, w->best_x};
    int rc = 0;
    for (size_t i = 0; i < ROW_DATASETS; ++i)
        rc |= h5_set_rows(cols[i], keep, i == ROW_DATASETS - 1 ? w->dim : 0);
    for (size_t k = 0; k < w->n_report; ++k)
        rc |= h5_set_rows(w->report[k], keep, 0);
    w->rows = keep;
    return rc;
}

static int cut_evaluations(log_writer *w, int64_t n_evaluations)
{
    int64_t first = 0;
    if (w->eval_x < 0 || h5_get_i64(w->file, "first_evaluation", &first) < 0)
        return w->eval_x < 0 ? 0 : -1;
    size_t n = rows_of(w->eval_x);
    n = rows_of(w->eval_f) < n ? rows_of(w->eval_f) : n;
    n = rows_of(w->eval_iteration) < n ? rows_of(w->eval_iteration) : n;
    int64_t want = n_evaluations - first;
    size_t keep = want < 0 ? 0 : (size_t)want < n ? (size_t)want : n;
    w->eval_rows = keep;
    w->logged_evaluations = first + (int64_t)keep;
    return h5_set_rows(w->eval_x, keep, w->dim) | h5_set_rows(w->eval_f, keep, 0) |
           h5_set_rows(w->eval_iteration, keep, 0);
}

/* The log's identity matches the run (same run id, algorithm, problem, dimension). */
static int same_run(hid_t f, const gpuopt_optimizer *opt, const char *run_id)
{
    char format[64] = "", id[64] = "", algorithm[64] = "", problem[64] = "";
    uint64_t dim = 0;
    return h5_get_text(f, "format", format, sizeof format) == 0 &&
           strcmp(format, LOG_FORMAT) == 0 && h5_get_text(f, "run_id", id, sizeof id) == 0 &&
           run_id[0] && strcmp(id, run_id) == 0 &&
           h5_get_text(f, "algorithm", algorithm, sizeof algorithm) == 0 &&
           strcmp(algorithm, opt->algorithm->name) == 0 &&
           h5_get_text(f, "problem", problem, sizeof problem) == 0 &&
           strcmp(problem, opt->problem_name) == 0 && h5_get_u64(f, "dim", &dim) == 0 &&
           dim == opt->run.dim;
}

static gpuopt_status continue_failed(log_writer *w, gpuopt_optimizer *opt, const char *why)
{
    char reason[512];
    h5_reason(reason, sizeof reason);
    log_close(w);
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_IO,
                            "cannot continue log '%s': %s (%s); give another log file, or "
                            "allow overwriting it (--overwrite, GPUOPT_LOG_OVERWRITE)",
                            w->path, why, reason);
}

static gpuopt_status reopen_log(log_writer *w, gpuopt_optimizer *opt,
                                const gpuopt_observation *o)
{
    int64_t resumes = 0;
    w->dim = opt->run.dim;
    note_report_keys(w, o);
    start_counters(w, o);
    if (open_datasets(w, o) < 0)
        return continue_failed(w, opt, "its datasets are missing or damaged");
    if (cut_rows(w, o->n_iterations) < 0 || cut_evaluations(w, o->n_evaluations) < 0)
        return continue_failed(w, opt, "cannot drop the records after the checkpoint");
    h5_get_i64(w->file, "n_resumes", &resumes);
    if ((H5Lexists(w->file, "result", H5P_DEFAULT) > 0 &&
         H5Ldelete(w->file, "result", H5P_DEFAULT) < 0) ||
        h5_attr_set_i64(w->file, "n_resumes", resumes + 1) < 0 ||
        H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0) {
        gpuopt_status st = fail(w, opt, "marking the resume");
        log_close(w);
        return st;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status continue_log(log_writer *w, gpuopt_optimizer *opt,
                                  const gpuopt_observation *o, const char *run_id)
{
    if (access(w->path, F_OK) != 0 || (w->flags & GPUOPT_LOG_OVERWRITE))
        return create_log(w, opt, o, run_id);
    hid_t fapl = h5_file_access();
    htri_t is_h5 = H5Fis_hdf5(w->path);
    w->file = is_h5 > 0 ? H5Fopen(w->path, H5F_ACC_RDWR, fapl) : -1;
    h5_close_plist(fapl);
    if (w->file < 0)
        return continue_failed(w, opt, "the file is not a readable HDF5 file");
    if (!same_run(w->file, opt, run_id)) {
        log_close(w);
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "log file '%s' exists and is not the log of the resumed run; "
                                "choose another file, or allow overwriting it (--overwrite, "
                                "GPUOPT_LOG_OVERWRITE)",
                                w->path);
    }
    return reopen_log(w, opt, o);
}

gpuopt_status log_start(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o,
                        int resumed, const char *run_id)
{
    log_close(w);
    return resumed ? continue_log(w, opt, o, run_id) : create_log(w, opt, o, run_id);
}

/* -------------------------------------------------------------- recording */

static int put_row(log_writer *w, const gpuopt_observation *o)
{
    int64_t restart = w->restart_key >= 0 ? (int64_t)o->report[w->restart_key] : 0;
    size_t at = w->rows;
    int rc = h5_put_rows(w->iteration, H5T_NATIVE_INT64, at, 1, 0, &o->n_iterations) |
             h5_put_rows(w->n_evaluations, H5T_NATIVE_INT64, at, 1, 0, &o->n_evaluations) |
             h5_put_rows(w->best_f, H5T_NATIVE_DOUBLE, at, 1, 0, &o->best_f) |
             h5_put_rows(w->iteration_f, H5T_NATIVE_DOUBLE, at, 1, 0, &o->iteration_f) |
             h5_put_rows(w->elapsed, H5T_NATIVE_DOUBLE, at, 1, 0, &o->elapsed) |
             h5_put_rows(w->restart, H5T_NATIVE_INT64, at, 1, 0, &restart) |
             h5_put_rows(w->best_x, H5T_NATIVE_DOUBLE, at, 1, w->dim, o->best_x);
    for (size_t k = 0; k < w->n_report; ++k)
        rc |= h5_put_rows(w->report[k], H5T_NATIVE_DOUBLE, at, 1, 0, &o->report[k]);
    if (rc == 0) {
        w->rows = at + 1;
        w->last_iteration = o->n_iterations;
    }
    return rc;
}

gpuopt_status log_iteration(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    if (w->file < 0 || w->failed || o->n_iterations <= w->last_iteration)
        return GPUOPT_SUCCESS;
    gpuopt_status st = check_room(w, opt, (w->dim + 8) * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    if (put_row(w, o) < 0)
        return fail(w, opt, "writing iteration records");
    if (H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0)
        return fail(w, opt, "flushing");
    return GPUOPT_SUCCESS;
}

static int grow_batch(log_writer *w, size_t n)
{
    if (n <= w->batch_cap)
        return 0;
    double *x = realloc(w->batch_x, n * w->dim * sizeof *x);
    if (x)
        w->batch_x = x;
    double *f = realloc(w->batch_f, n * sizeof *f);
    if (f)
        w->batch_f = f;
    if (!x || !f)
        return -1;
    w->batch_cap = n;
    return 0;
}

/* Appends n evaluations (in w->batch_x / batch_f) of iteration `iteration`. */
static int put_evaluations(log_writer *w, size_t n, int64_t iteration)
{
    int64_t *it = malloc(n * sizeof *it);
    if (!it)
        return -1;
    for (size_t i = 0; i < n; ++i)
        it[i] = iteration;
    size_t at = w->eval_rows;
    int rc = h5_put_rows(w->eval_x, H5T_NATIVE_DOUBLE, at, n, w->dim, w->batch_x) |
             h5_put_rows(w->eval_f, H5T_NATIVE_DOUBLE, at, n, 0, w->batch_f) |
             h5_put_rows(w->eval_iteration, H5T_NATIVE_INT64, at, n, 0, it);
    free(it);
    if (rc == 0) {
        w->eval_rows = at + n;
        w->logged_evaluations += (int64_t)n;
    }
    return rc;
}

/* Reads the batch that was just told (also after the run stopped on it). */
static gpuopt_status read_batch(gpuopt_optimizer *opt, double *x, double *f)
{
    gpuopt_run *run = &opt->run;
    const gpuopt_batch *bt = &opt->batch;
    gpuopt_status st =
        gpuopt_run_read(run, bt->x_buffer, bt->x_row * run->dim, bt->n * run->dim, x);
    return st == GPUOPT_SUCCESS ? gpuopt_run_read(run, bt->f_buffer, bt->f_row, bt->n, f) : st;
}

static gpuopt_status record_batch(log_writer *w, gpuopt_optimizer *opt, int64_t n_evaluations,
                                  int64_t n_iterations)
{
    size_t n = opt->batch.n;
    if (w->eval_x < 0 || n == 0 || n_evaluations - w->logged_evaluations != (int64_t)n)
        return GPUOPT_SUCCESS; /* not logged, or this batch was not counted */
    gpuopt_status st = check_room(w, opt, (uint64_t)n * (w->dim + 2) * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    if (grow_batch(w, n) < 0)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    st = read_batch(opt, w->batch_x, w->batch_f);
    if (st != GPUOPT_SUCCESS)
        return st;
    int64_t iteration = w->batch_iterations + 1;
    w->batch_iterations = n_iterations;
    return put_evaluations(w, n, iteration) < 0 ? fail(w, opt, "writing evaluation records")
                                                : GPUOPT_SUCCESS;
}

gpuopt_status log_batch(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    if (w->file < 0 || w->failed)
        return GPUOPT_SUCCESS;
    return record_batch(w, opt, o->n_evaluations, o->n_iterations);
}

/* ---------------------------------------------------------------- the end */

static void short_name(gpuopt_status st, char *buf, size_t len)
{
    const char *name = gpuopt_status_name(st);
    const char *tail = name;
    const char *prefix = "";
    if (strncmp(name, "GPUOPT_STOP_", 12) == 0) {
        tail = name + 12;
    } else if (strncmp(name, "GPUOPT_ERR_", 11) == 0) {
        tail = name + 11;
        prefix = "error_";
    } else if (strncmp(name, "GPUOPT_", 7) == 0) {
        tail = name + 7;
    }
    size_t n = (size_t)snprintf(buf, len, "%s%s", prefix, tail);
    for (size_t i = 0; i < n && i < len; ++i)
        buf[i] = (char)(buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] - 'A' + 'a' : buf[i]);
}

static int write_result(log_writer *w, const gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    char reason[64], now[32];
    short_name(o->stop_reason, reason, sizeof reason);
    h5_utc_now(now, sizeof now);
    if (H5Lexists(w->file, "result", H5P_DEFAULT) > 0)
        H5Ldelete(w->file, "result", H5P_DEFAULT);
    hid_t g = H5Gcreate2(w->file, "result", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return -1;
    int rc = h5_attr_text(g, "stop_reason", reason) | h5_attr_i64(g, "stop_code", o->stop_reason) |
             h5_attr_text(g, "message", opt->stop_message) | h5_attr_text(g, "end_time", now) |
             h5_attr_f64(g, "wall_time", o->elapsed) |
             h5_attr_i64(g, "n_iterations", o->n_iterations) |
             h5_attr_i64(g, "n_evaluations", o->n_evaluations) |
             h5_attr_f64(g, "fun", o->best_f) |
             h5_write_1d(g, "x", H5T_NATIVE_DOUBLE, w->dim, o->best_x);
    H5Gclose(g);
    return rc;
}

void log_stop(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o)
{
    if (w->file < 0 || w->failed) {
        log_close(w);
        return;
    }
    /* the batch and iteration the run stopped on were not observed as such */
    record_batch(w, opt, o->n_evaluations, o->n_iterations);
    if (o->n_iterations > w->last_iteration)
        put_row(w, o);
    write_result(w, opt, o);
    H5Fflush(w->file, H5F_SCOPE_LOCAL);
    log_close(w);
}
