/* Reading a whole log into a gpuopt_log_data (schema in docs/history.md). A log whose writer
 * was killed may have some columns one row longer than others: the rows all columns have are
 * read. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core.h"
#include "gpuopt/history.h"
#include "h5util.h"
#include "log_writer.h"

typedef struct log_reader {
    const char *path;
    char err[GPUOPT_ERRMSG_LEN];
    hid_t file;
    gpuopt_log_data *d;
} log_reader;

static gpuopt_status damaged(log_reader *r, const char *what)
{
    char reason[512];
    h5_reason(reason, sizeof reason);
    snprintf(r->err, sizeof r->err, "log '%s' is damaged: cannot read %s (%s)", r->path, what,
             reason);
    return GPUOPT_ERR_IO;
}

static gpuopt_status no_memory(log_reader *r)
{
    snprintf(r->err, sizeof r->err, "out of memory reading log '%s'", r->path);
    return GPUOPT_ERR_OUT_OF_MEMORY;
}

/* ------------------------------------------------------------------ open */

static gpuopt_status open_log(log_reader *r)
{
    if (access(r->path, R_OK) != 0) {
        snprintf(r->err, sizeof r->err, "cannot read log '%s': %s", r->path, strerror(errno));
        return GPUOPT_ERR_IO;
    }
    if (H5Fis_hdf5(r->path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(r->err, sizeof r->err, "'%s' is not a gpuopt log: it is not an HDF5 file (or "
                 "its header is damaged)", r->path);
        return GPUOPT_ERR_IO;
    }
    hid_t fapl = h5_file_access();
    r->file = H5Fopen(r->path, H5F_ACC_RDONLY, fapl);
    h5_close_plist(fapl);
    if (r->file < 0) {
        char reason[512];
        h5_reason(reason, sizeof reason);
        snprintf(r->err, sizeof r->err, "cannot open log '%s': the file is truncated or "
                 "damaged (%s)", r->path, reason);
        return GPUOPT_ERR_IO;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_format(log_reader *r)
{
    char format[64] = "";
    int64_t version = 0;
    if (h5_get_text(r->file, "format", format, sizeof format) < 0 ||
        (strcmp(format, LOG_FORMAT) != 0 && strcmp(format, "gpuopt checkpoint") != 0)) {
        snprintf(r->err, sizeof r->err, "'%s' is not a gpuopt log (an HDF5 file without "
                 "gpuopt's format attribute)", r->path);
        return GPUOPT_ERR_IO;
    }
    if (strcmp(format, LOG_FORMAT) != 0) {
        snprintf(r->err, sizeof r->err, "'%s' is a gpuopt checkpoint, not a log (give the file "
                 "written by --log)", r->path);
        return GPUOPT_ERR_IO;
    }
    if (h5_get_i64(r->file, "format_version", &version) < 0 || version < 1 ||
        version > LOG_FORMAT_VERSION) {
        snprintf(r->err, sizeof r->err, "log '%s' has format version %lld; this gpuopt reads "
                 "version %d", r->path, (long long)version, LOG_FORMAT_VERSION);
        return GPUOPT_ERR_IO;
    }
    snprintf(r->d->format_version, sizeof r->d->format_version, "%lld", (long long)version);
    return GPUOPT_SUCCESS;
}

/* ----------------------------------------------------------------- set-up */

static gpuopt_status read_setup(log_reader *r)
{
    gpuopt_log_data *d = r->d;
    hid_t f = r->file;
    uint64_t dim = 0, n_outputs = 0;
    int64_t kind = 0;
    if (h5_get_text(f, "library_version", d->library_version, sizeof d->library_version) |
        h5_get_text(f, "algorithm", d->algorithm, sizeof d->algorithm) |
        h5_get_text(f, "problem", d->problem, sizeof d->problem) |
        h5_get_text(f, "backend", d->backend, sizeof d->backend) |
        h5_get_text(f, "device", d->device, sizeof d->device) |
        h5_get_text(f, "start_time", d->start_time, sizeof d->start_time) |
        h5_get_text(f, "run_id", d->run_id, sizeof d->run_id) | h5_get_u64(f, "dim", &dim) |
        h5_get_i64(f, "kind", &kind) | h5_get_u64(f, "n_outputs", &n_outputs) |
        h5_get_u64(f, "seed", &d->seed) || dim == 0)
        return damaged(r, "its set-up attributes");
    h5_get_i64(f, "n_resumes", &d->n_resumes);
    h5_get_i64(f, "first_iteration", &d->first_iteration);
    h5_get_i64(f, "first_evaluation", &d->first_evaluation);
    d->dim = (size_t)dim;
    d->kind = (int)kind;
    d->n_outputs = (size_t)n_outputs;
    d->lower = malloc(d->dim * sizeof(double));
    d->upper = malloc(d->dim * sizeof(double));
    d->x0 = malloc(d->dim * sizeof(double));
    if (!d->lower || !d->upper || !d->x0)
        return no_memory(r);
    if (h5_read_all(f, "lower", H5T_NATIVE_DOUBLE, d->dim, 1, d->lower) |
        h5_read_all(f, "upper", H5T_NATIVE_DOUBLE, d->dim, 1, d->upper) |
        h5_read_all(f, "x0", H5T_NATIVE_DOUBLE, d->dim, 1, d->x0))
        return damaged(r, "its bounds and start point");
    return GPUOPT_SUCCESS;
}

typedef struct text_list {
    char **keys, **values;
    size_t n, cap;
} text_list;

static char *text_copy(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    return c ? strcpy(c, s) : NULL;
}

static int push_text(const char *key, const char *value, void *user)
{
    text_list *l = user;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **k = realloc(l->keys, cap * sizeof *k);
        if (k)
            l->keys = k;
        char **v = realloc(l->values, cap * sizeof *v);
        if (v)
            l->values = v;
        if (!k || !v)
            return -1;
        l->cap = cap;
    }
    l->keys[l->n] = text_copy(key);
    l->values[l->n] = text_copy(value);
    if (!l->keys[l->n] || !l->values[l->n]) {
        free(l->keys[l->n]);
        free(l->values[l->n]);
        return -1;
    }
    ++l->n;
    return 0;
}

static gpuopt_status read_options(log_reader *r)
{
    text_list l = {NULL, NULL, 0, 0};
    hid_t g = H5Gopen2(r->file, "options", H5P_DEFAULT);
    int rc = g < 0 ? -1 : h5_each_text_attr(g, push_text, &l);
    if (g >= 0)
        H5Gclose(g);
    r->d->option_keys = l.keys;
    r->d->option_values = l.values;
    r->d->n_options = l.n;
    return rc < 0 ? damaged(r, "its option values") : GPUOPT_SUCCESS;
}

/* --------------------------------------------------------- iteration rows */

typedef struct name_list {
    char **names;
    size_t n, cap;
} name_list;

static herr_t push_name(hid_t g, const char *name, const H5L_info_t *info, void *user)
{
    (void)g;
    (void)info;
    name_list *l = user;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **grown = realloc(l->names, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->names = grown;
        l->cap = cap;
    }
    l->names[l->n] = text_copy(name);
    return l->names[l->n++] ? 0 : -1;
}

static gpuopt_status read_report_keys(log_reader *r)
{
    name_list l = {NULL, 0, 0};
    hid_t g = H5Gopen2(r->file, "iterations/report", H5P_DEFAULT);
    hsize_t at = 0;
    herr_t rc = g < 0 ? -1 : H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at, push_name, &l);
    if (g >= 0 && rc < 0 && l.n == 0) { /* no creation order: names in alphabetical order */
        at = 0;
        rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &at, push_name, &l);
    }
    if (g >= 0)
        H5Gclose(g);
    r->d->report_keys = l.names;
    r->d->n_report = l.n;
    return rc < 0 ? damaged(r, "its report columns") : GPUOPT_SUCCESS;
}

static const char *const row_columns[] = {"iteration", "n_evaluations", "best_f", "iteration_f",
                                          "elapsed", "restart", "best_x"};

/* The rows every per-iteration column has. */
static int common_rows(log_reader *r, size_t *rows)
{
    hid_t g = H5Gopen2(r->file, "iterations", H5P_DEFAULT);
    if (g < 0)
        return -1;
    size_t n = SIZE_MAX, len, cols;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < GPUOPT_COUNT(row_columns); ++i) {
        rc = h5_length(g, row_columns[i], &len, &cols);
        n = rc == 0 && len < n ? len : n;
    }
    for (size_t k = 0; rc == 0 && k < r->d->n_report; ++k) {
        char name[300];
        snprintf(name, sizeof name, "report/%s", r->d->report_keys[k]);
        rc = h5_length(g, name, &len, &cols);
        n = rc == 0 && len < n ? len : n;
    }
    H5Gclose(g);
    *rows = n;
    return rc;
}

static gpuopt_status alloc_rows(log_reader *r, size_t n)
{
    gpuopt_log_data *d = r->d;
    size_t m = n + 1;
    d->iteration = malloc(m * sizeof *d->iteration);
    d->n_evaluations = malloc(m * sizeof *d->n_evaluations);
    d->restart = malloc(m * sizeof *d->restart);
    d->best_f = malloc(m * sizeof *d->best_f);
    d->iteration_f = malloc(m * sizeof *d->iteration_f);
    d->elapsed = malloc(m * sizeof *d->elapsed);
    d->best_x = malloc(m * d->dim * sizeof *d->best_x);
    d->report = malloc((m * d->n_report + 1) * sizeof *d->report);
    int ok = d->iteration && d->n_evaluations && d->restart && d->best_f && d->iteration_f &&
             d->elapsed && d->best_x && d->report;
    return ok ? GPUOPT_SUCCESS : no_memory(r);
}

static int read_report(log_reader *r, size_t n)
{
    gpuopt_log_data *d = r->d;
    double *column = malloc((n + 1) * sizeof *column);
    int rc = column ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < d->n_report; ++k) {
        char name[300];
        snprintf(name, sizeof name, "iterations/report/%s", d->report_keys[k]);
        rc = h5_read_rows(r->file, name, H5T_NATIVE_DOUBLE, n, 1, column);
        for (size_t i = 0; rc == 0 && i < n; ++i)
            d->report[i * d->n_report + k] = column[i];
    }
    free(column);
    return rc;
}

static gpuopt_status read_rows(log_reader *r)
{
    gpuopt_log_data *d = r->d;
    size_t n;
    gpuopt_status st = read_report_keys(r);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (common_rows(r, &n) < 0)
        return damaged(r, "its per-iteration records");
    if ((st = alloc_rows(r, n)) != GPUOPT_SUCCESS)
        return st;
    hid_t f = r->file;
    if (h5_read_rows(f, "iterations/iteration", H5T_NATIVE_INT64, n, 1, d->iteration) |
        h5_read_rows(f, "iterations/n_evaluations", H5T_NATIVE_INT64, n, 1, d->n_evaluations) |
        h5_read_rows(f, "iterations/restart", H5T_NATIVE_INT64, n, 1, d->restart) |
        h5_read_rows(f, "iterations/best_f", H5T_NATIVE_DOUBLE, n, 1, d->best_f) |
        h5_read_rows(f, "iterations/iteration_f", H5T_NATIVE_DOUBLE, n, 1, d->iteration_f) |
        h5_read_rows(f, "iterations/elapsed", H5T_NATIVE_DOUBLE, n, 1, d->elapsed) |
        h5_read_rows(f, "iterations/best_x", H5T_NATIVE_DOUBLE, n, d->dim, d->best_x) |
        read_report(r, n))
        return damaged(r, "its per-iteration records");
    d->n_records = n;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------ evaluations, end */

static gpuopt_status read_evaluations(log_reader *r)
{
    gpuopt_log_data *d = r->d;
    hid_t f = r->file;
    if (H5Lexists(f, "evaluations", H5P_DEFAULT) <= 0)
        return GPUOPT_SUCCESS;
    size_t nx, nf, ni, cols;
    if (h5_length(f, "evaluations/x", &nx, &cols) | h5_length(f, "evaluations/f", &nf, NULL) |
        h5_length(f, "evaluations/iteration", &ni, NULL) || cols != d->dim)
        return damaged(r, "its evaluation records");
    size_t n = nx < nf ? nx : nf;
    n = ni < n ? ni : n;
    d->eval_x = malloc((n * d->dim + 1) * sizeof *d->eval_x);
    d->eval_f = malloc((n + 1) * sizeof *d->eval_f);
    d->eval_iteration = malloc((n + 1) * sizeof *d->eval_iteration);
    if (!d->eval_x || !d->eval_f || !d->eval_iteration)
        return no_memory(r);
    if (h5_read_rows(f, "evaluations/x", H5T_NATIVE_DOUBLE, n, d->dim, d->eval_x) |
        h5_read_rows(f, "evaluations/f", H5T_NATIVE_DOUBLE, n, 1, d->eval_f) |
        h5_read_rows(f, "evaluations/iteration", H5T_NATIVE_INT64, n, 1, d->eval_iteration))
        return damaged(r, "its evaluation records");
    d->has_evaluations = 1;
    d->n_eval_records = n;
    return GPUOPT_SUCCESS;
}

static gpuopt_status read_result(log_reader *r)
{
    gpuopt_log_data *d = r->d;
    if (H5Lexists(r->file, "result", H5P_DEFAULT) <= 0)
        return GPUOPT_SUCCESS;
    hid_t g = H5Gopen2(r->file, "result", H5P_DEFAULT);
    int64_t code = 0;
    d->final_x = malloc(d->dim * sizeof *d->final_x);
    int rc = g < 0 || !d->final_x ? -1
             : h5_get_text(g, "stop_reason", d->stop_reason, sizeof d->stop_reason) |
                   h5_get_i64(g, "stop_code", &code) |
                   h5_get_text(g, "message", d->stop_message, sizeof d->stop_message) |
                   h5_get_text(g, "end_time", d->end_time, sizeof d->end_time) |
                   h5_get_f64(g, "wall_time", &d->wall_time) |
                   h5_get_i64(g, "n_iterations", &d->final_iterations) |
                   h5_get_i64(g, "n_evaluations", &d->final_evaluations) |
                   h5_get_f64(g, "fun", &d->final_f) |
                   h5_read_all(g, "x", H5T_NATIVE_DOUBLE, d->dim, 1, d->final_x);
    if (g >= 0)
        H5Gclose(g);
    if (rc != 0)
        return damaged(r, "the outcome of the run");
    d->stop_code = (int)code;
    d->finished = 1;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ public */

void gpuopt_log_data_free(gpuopt_log_data **data)
{
    if (!data || !*data)
        return;
    gpuopt_log_data *d = *data;
    for (size_t i = 0; i < d->n_options; ++i) {
        free(d->option_keys[i]);
        free(d->option_values[i]);
    }
    for (size_t k = 0; k < d->n_report; ++k)
        free(d->report_keys[k]);
    void *blocks[] = {d->lower, d->upper, d->x0, d->option_keys, d->option_values,
                      d->iteration, d->n_evaluations, d->restart, d->best_f, d->iteration_f,
                      d->elapsed, d->best_x, d->report_keys, d->report, d->eval_x, d->eval_f,
                      d->eval_iteration, d->final_x};
    for (size_t i = 0; i < GPUOPT_COUNT(blocks); ++i)
        free(blocks[i]);
    free(d);
    *data = NULL;
}

gpuopt_status gpuopt_log_read(const char *path, gpuopt_log_data **out)
{
    if (!path || !out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "path or out-parameter is NULL");
    *out = NULL;
    log_reader r = {path, "", -1, calloc(1, sizeof(gpuopt_log_data))};
    if (!r.d)
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    h5_enter();
    gpuopt_status st = open_log(&r);
    if (st == GPUOPT_SUCCESS)
        st = check_format(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_setup(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_options(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_rows(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_evaluations(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_result(&r);
    if (r.file >= 0)
        H5Fclose(r.file);
    H5Eclear2(H5E_DEFAULT);
    h5_leave();
    if (st != GPUOPT_SUCCESS) {
        gpuopt_log_data_free(&r.d);
        return gpuopt_set_last_error(st, "%s", r.err);
    }
    *out = r.d;
    return GPUOPT_SUCCESS;
}
