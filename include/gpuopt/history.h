/* Run history: HDF5 logs, checkpoints and resume (see docs/history.md for the file schema).
 *
 * A log records a run's set-up and, every iteration, its counters, best point, current value
 * and the algorithm's report values (optionally every evaluated point). A checkpoint holds a
 * run's complete state; resuming from it continues the run bit for bit as if it had never
 * stopped (on the same backend kind).
 *
 * Logs and checkpoints cover the optimizer's next run (gpuopt_minimize, setup + ask/tell, or
 * resume + continue/ask/tell) and are closed when that run stops. Without HDF5 in the build
 * every function here returns GPUOPT_ERR_UNSUPPORTED. */
#ifndef GPUOPT_HISTORY_H
#define GPUOPT_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gpuopt_optimizer gpuopt_optimizer;
typedef struct gpuopt_problem gpuopt_problem;

/* 1 when this build can write and read logs and checkpoints (it has HDF5). */
int gpuopt_history_available(void);

/* ------------------------------------------------------------------- logs */

#define GPUOPT_LOG_EVALUATIONS 1u /* also record every evaluated point and its value */
#define GPUOPT_LOG_OVERWRITE 2u   /* replace a file that exists (else it is refused) */

/* Logs the next run to `path` (NULL: no log). The file is created when the run starts; a file
 * that exists is refused unless GPUOPT_LOG_OVERWRITE, except that a resumed run continues the
 * log of the same run (records after the checkpoint are dropped and written again). */
gpuopt_status gpuopt_optimizer_set_log(gpuopt_optimizer *opt, const char *path, unsigned flags);

/* ------------------------------------------------------------ checkpoints */

/* Saves checkpoints of the next run to `path` (NULL: none): when the run starts, then every
 * `every_iterations` iterations (0: not by count) and whenever `every_seconds` seconds have
 * passed since the last save (0: not by time); at least one of the two must be positive. A
 * run stopped by an interrupt or the time limit saves a last checkpoint. Each save writes a
 * new file and renames it over `path`, so a crash leaves the previous checkpoint intact; a
 * failed save stops the run with GPUOPT_ERR_IO. */
gpuopt_status gpuopt_optimizer_set_checkpoint(gpuopt_optimizer *opt, const char *path,
                                              int64_t every_iterations, double every_seconds);

/* Saves the run's state now (ask/tell users: between tell and the next ask, or after a stop by
 * an interrupt or a budget). */
gpuopt_status gpuopt_optimizer_save_checkpoint(gpuopt_optimizer *opt, const char *path);

/* What a checkpoint holds, without its state: enough to rebuild the context, problem and
 * optimizer that resume it. */
typedef struct gpuopt_checkpoint_info {
    char library_version[16]; /* the gpuopt that wrote it */
    char algorithm[64];
    char problem[64];         /* the problem's name ("" for an unnamed user problem) */
    char backend[16];         /* "cpu", "opencl", "cuda" */
    char device[128];
    char created[32];         /* UTC time of the save, ISO 8601 */
    size_t dim;
    int kind;                 /* gpuopt_criterion_kind */
    size_t n_outputs;
    uint64_t seed;
    int64_t n_iterations, n_evaluations;
    double best_f;
    double elapsed;           /* seconds of run time before the save */
    /* the run's history settings, so that a resumed run goes on logging and saving */
    char log_path[4096];      /* "" when the run had no log */
    unsigned log_flags;       /* GPUOPT_LOG_EVALUATIONS */
    char checkpoint_path[4096];
    int64_t checkpoint_every_iterations;
    double checkpoint_every_seconds;
} gpuopt_checkpoint_info;

/* Reads the identity and counters of a checkpoint. A missing, truncated, damaged or foreign
 * file gives GPUOPT_ERR_IO and a message (gpuopt_last_error()). */
gpuopt_status gpuopt_checkpoint_read_info(const char *path, gpuopt_checkpoint_info *info);

#define GPUOPT_RESUME_ALLOW_BACKEND_CHANGE 1u /* resume on another backend kind (results are
                                                 then not bitwise those of an uninterrupted run) */

/* Restores the run saved in `path` into opt (a new optimizer of the same algorithm, or one
 * whose run has stopped), on `problem` (the same problem, dimension, bounds and start point).
 * The saved option values replace opt's. Then gpuopt_optimizer_continue, or ask/tell, goes on.
 * Read errors give GPUOPT_ERR_IO; a different problem, dimension, algorithm or backend kind
 * gives GPUOPT_ERR_INVALID_ARGUMENT naming the difference. */
gpuopt_status gpuopt_optimizer_resume(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                      const char *path, unsigned flags);

/* ------------------------------------------------------------ reading logs */

typedef struct gpuopt_log_data {
    /* set-up */
    char format_version[16];
    char library_version[16];
    char algorithm[64];
    char problem[64];
    char backend[16];
    char device[128];
    char start_time[32];     /* UTC, ISO 8601 */
    char run_id[40];
    size_t dim;
    int kind;
    size_t n_outputs;
    uint64_t seed;
    double *lower, *upper, *x0; /* dim values each */
    size_t n_options;
    char **option_keys, **option_values;
    int64_t n_resumes;       /* how often the run was resumed from a checkpoint */
    int64_t first_iteration, first_evaluation; /* the counts when the log began (0, unless it
                                                  began with a resumed run) */
    /* per iteration (n_records rows) */
    size_t n_records;
    int64_t *iteration, *n_evaluations, *restart;
    double *best_f, *iteration_f, *elapsed;
    double *best_x;          /* n_records x dim, row-major */
    size_t n_report;         /* the algorithm's report values */
    char **report_keys;
    double *report;          /* n_records x n_report, row-major */
    /* per evaluation (when logged) */
    int has_evaluations;
    size_t n_eval_records;
    double *eval_x;          /* n_eval_records x dim */
    double *eval_f;
    int64_t *eval_iteration; /* the iteration each evaluation belongs to (1-based) */
    /* the end of the run (finished = 0 while it runs, or when it was killed) */
    int finished;
    int stop_code;           /* gpuopt_status */
    char stop_reason[64];    /* short name, e.g. "max_iterations" */
    char stop_message[1024];
    char end_time[32];
    double wall_time;
    int64_t final_iterations, final_evaluations;
    double final_f;
    double *final_x;         /* dim values */
} gpuopt_log_data;

/* Reads a whole log into memory. Errors as for checkpoints (GPUOPT_ERR_IO with a message in
 * gpuopt_last_error()). Free with gpuopt_log_data_free. */
gpuopt_status gpuopt_log_read(const char *path, gpuopt_log_data **out);
void gpuopt_log_data_free(gpuopt_log_data **data);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_HISTORY_H */
