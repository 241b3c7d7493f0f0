/* Internal layout of the public handles. */
#ifndef GPUOPT_CORE_H
#define GPUOPT_CORE_H

#include <signal.h>
#include <stdarg.h>

#include "algorithm.h"

#define GPUOPT_ERRMSG_LEN 1024

struct gpuopt_observation; /* src/image.h */

struct gpuopt_context {
    gpuopt_backend *backend;
    int n_threads;  /* as requested: 0 = all cores */
    uint64_t seed;
    char message[512];
    char errmsg[GPUOPT_ERRMSG_LEN];
};

struct gpuopt_problem {
    size_t dim;
    char name[64];
    gpuopt_eval_target target; /* criterion: built-in id or host callback */
    int has_criterion;
    gpuopt_gradient_fn gradient;
    void *gradient_user;
    double *lower, *upper, *x0;
    char errmsg[GPUOPT_ERRMSG_LEN];
};

typedef enum gpuopt_phase {
    GPUOPT_PHASE_IDLE = 0,  /* created, not set up */
    GPUOPT_PHASE_READY,     /* set up: next call is ask */
    GPUOPT_PHASE_ASKED,     /* a batch is out: next call is tell */
    GPUOPT_PHASE_DONE       /* stopped: the result is final */
} gpuopt_phase;

struct gpuopt_optimizer {
    gpuopt_context *ctx;
    const gpuopt_algorithm *algorithm;
    gpuopt_option_spec *specs; /* the algorithm's rows, then the common rows */
    gpuopt_option_value *values;
    size_t n_specs;

    gpuopt_run run;
    char problem_name[64];
    gpuopt_phase phase;
    gpuopt_batch batch;        /* the batch out for evaluation */
    gpuopt_status stop_reason;
    char stop_message[GPUOPT_ERRMSG_LEN];
    gpuopt_eval_target target; /* copy of the problem's, for minimize */
    double start_time;
    double elapsed;            /* wall time of the finished run */
    double *ask_host;          /* host copy of a backend batch for ask */
    size_t ask_host_cap;
    gpuopt_dptr tell_raw;      /* backend scratch for raw outputs given to tell */
    size_t tell_raw_cap;
    gpuopt_dptr eval_raw;      /* backend scratch for raw outputs in minimize */
    size_t eval_raw_cap;
    gpuopt_dptr stage_x;       /* staging for batches that do not start at row 0 */
    size_t stage_x_cap;
    gpuopt_dptr stage_f;
    size_t stage_f_cap;

    struct {
        unsigned mask;
        gpuopt_status (*fn)(gpuopt_optimizer *, const struct gpuopt_observation *, void *);
        void *user;
    } observers[4];
    gpuopt_progress_fn progress;
    void *progress_user;
    volatile sig_atomic_t interrupt;
    int profiling;             /* gpuopt_optimizer_set_profiling */
    char errmsg[GPUOPT_ERRMSG_LEN];
};

struct gpuopt_result {
    size_t dim;
    double *x;
    double fun;
    int64_t n_evaluations, n_iterations;
    gpuopt_status stop_reason;
    char message[GPUOPT_ERRMSG_LEN];
    char warnings[1024];
    double wall_time;
    size_t n_report;
    char report_keys[GPUOPT_MAX_REPORT][48];
    double report[GPUOPT_MAX_REPORT];
    size_t n_restarts;
    gpuopt_restart_mark restarts[GPUOPT_MAX_RESTART_MARKS];
    char algorithm[64];
    char backend[32];
    size_t n_timings;
    char timing_keys[GPUOPT_MAX_TIMINGS][32];
    double timings[GPUOPT_MAX_TIMINGS];
};

/* Formats into buf (size GPUOPT_ERRMSG_LEN) and returns st. */
gpuopt_status gpuopt_set_error(char *buf, gpuopt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Sets the thread's last error (gpuopt_last_error) and returns st. */
gpuopt_status gpuopt_set_last_error(gpuopt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
gpuopt_status gpuopt_vset_error(char *buf, size_t len, gpuopt_status st, const char *fmt,
                                va_list ap);

/* Options (src/options.c). */
gpuopt_status gpuopt_options_init(gpuopt_optimizer *opt, const char *preset);
void gpuopt_options_free(gpuopt_optimizer *opt);
const gpuopt_option_spec *gpuopt_options_find(const gpuopt_option_spec *specs, size_t n,
                                              const char *key, size_t *index);
/* Writes "Did you mean: a, b?" style suggestions of the closest keys among candidates. */
void gpuopt_suggest(const char *word, const char *const *candidates, size_t n, char *out,
                    size_t len);
/* Sets the last error for an unknown algorithm name, naming the nearest names and aliases. */
gpuopt_status gpuopt_unknown_algorithm(const char *name);
void gpuopt_option_format(const gpuopt_option_spec *spec, const gpuopt_option_value *v, char *buf,
                          size_t len);
void gpuopt_option_allowed(const gpuopt_option_spec *spec, char *buf, size_t len);

/* The run (src/run.c). */
gpuopt_status gpuopt_run_start(gpuopt_optimizer *opt, const gpuopt_problem *problem);
void gpuopt_run_free(gpuopt_run *run);

/* Sets a run up on problem (setup without the START notification). */
gpuopt_status gpuopt_setup_run(gpuopt_optimizer *opt, const gpuopt_problem *problem);
/* Notifies the observers registered for `event` (src/optimizer.c). */
/* `pending` is the stop the current batch causes (BATCH/ITERATION), `iteration_f` the smallest
 * value of the iteration just completed (ITERATION). */
gpuopt_status gpuopt_notify(gpuopt_optimizer *opt, unsigned event, gpuopt_status pending,
                            double iteration_f);
/* Checks the budget (iterations, evaluations, time, interrupt) and finishes the run on a stop. */
gpuopt_status gpuopt_check_budget(gpuopt_optimizer *opt);

/* Time in seconds from a monotonic clock. */
double gpuopt_now(void);

/* The framework's phases in gpuopt_run_timings (src/run_timing.c). */
typedef enum gpuopt_timing_phase {
    GPUOPT_TIMING_ASK = 0,
    GPUOPT_TIMING_EVALUATION,
    GPUOPT_TIMING_TELL,
    GPUOPT_TIMING_N_PHASES
} gpuopt_timing_phase;
void gpuopt_timings_reset(gpuopt_run_timings *t, int synchronize);
/* Adds the time since `since`, less what the algorithm booked meanwhile, to `phase`. */
void gpuopt_timings_end_phase(gpuopt_run *run, gpuopt_timing_phase phase, double since);

#endif /* GPUOPT_CORE_H */
