/* The HDF5 run log: created (or continued, for a resumed run) when a run starts, one row per
 * iteration (flushed each time), optional rows per evaluation, and the outcome at the stop.
 * Schema in docs/history.md. */
#ifndef GPUOPT_HISTORY_LOG_WRITER_H
#define GPUOPT_HISTORY_LOG_WRITER_H

#include <hdf5.h>

#include "../image.h"

#define LOG_FORMAT "gpuopt log"
#define LOG_FORMAT_VERSION 1

typedef struct log_writer {
    char path[4096];
    unsigned flags;             /* GPUOPT_LOG_* */
    hid_t file;                 /* -1 when closed */
    int failed;                 /* a write failed: nothing more is written, only closed */
    hid_t iteration, n_evaluations, best_f, iteration_f, elapsed, restart, best_x;
    hid_t report[GPUOPT_MAX_REPORT];
    size_t n_report;
    int restart_key;            /* index of the report key "restart", or -1 */
    hid_t eval_x, eval_f, eval_iteration; /* -1 without GPUOPT_LOG_EVALUATIONS */
    size_t dim;
    size_t rows, eval_rows;     /* rows written */
    int64_t last_iteration;     /* the iteration of the last row */
    int64_t batch_iterations;   /* n_iterations when the previous batch was told */
    int64_t logged_evaluations; /* n_evaluations covered by the evaluation rows */
    double *batch_x, *batch_f;
    size_t batch_cap;
} log_writer;

/* Prepares a closed writer. */
void log_init(log_writer *w, const char *path, unsigned flags);

/* Opens the log when a run starts. resumed: the run continues from a checkpoint of the run
 * run_id, so an existing log of that run is continued from the run's iteration; else a new log
 * is created (an existing file only with GPUOPT_LOG_OVERWRITE). */
gpuopt_status log_start(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o,
                        int resumed, const char *run_id);
/* One row per completed iteration (flushed). */
gpuopt_status log_iteration(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o);
/* The evaluations of the batch just told (with GPUOPT_LOG_EVALUATIONS). */
gpuopt_status log_batch(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o);
/* The last rows and the outcome; closes the file. */
void log_stop(log_writer *w, gpuopt_optimizer *opt, const gpuopt_observation *o);
/* Closes the file (if open) and frees the buffers. */
void log_close(log_writer *w);

#endif /* GPUOPT_HISTORY_LOG_WRITER_H */
