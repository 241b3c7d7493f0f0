/* The interface between the framework and an algorithm.
 *
 * An algorithm is a `static const gpuopt_algorithm` descriptor in src/algorithms/<name>.c,
 * listed once in src/registry.c. The framework allocates its state (state_size bytes, zeroed)
 * and every array it needs (gpuopt_run_buffer), so that a run can be saved and restored bit for
 * bit: the state struct must hold plain values only (numbers and buffer ids, never pointers).
 *
 * Life cycle:   init -> (ask -> [framework evaluates the batch] -> tell)* -> stop
 *  - init:  read options (gpuopt_opt_*), validate them against the problem, allocate buffers.
 *  - ask:   fill a gpuopt_batch: which buffer holds the points, where their values go, how many.
 *  - tell:  the batch's values are in place (aggregated, NaN-handled, counted, best point
 *           updated); advance. Return GPUOPT_SUCCESS to go on, a positive stop reason to stop,
 *           or a negative error. Increment run->n_iterations when an iteration completes.
 * The framework checks the budget (iterations, evaluations, time, interrupt) after every tell;
 * algorithms check their own convergence with the gpuopt_stop_* helpers. */
#ifndef GPUOPT_ALGORITHM_H
#define GPUOPT_ALGORITHM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../host/backend.h"
#include "gpuopt.h"

/* ------------------------------------------------------------------ options */

#define GPUOPT_OPT_MIN_EXCLUSIVE 1u /* value > min rather than >= */
#define GPUOPT_OPT_MAX_EXCLUSIVE 2u
#define GPUOPT_OPT_ZERO_IS_AUTO 4u  /* 0 means "choose automatically" (allowed besides range) */
#define GPUOPT_OPT_NEG_IS_AUTO 8u   /* -1 means "choose automatically" (e.g. seed: the context's) */

typedef struct gpuopt_option_spec {
    const char *key;
    gpuopt_option_type type;
    double default_value;     /* DOUBLE, INT, BOOL (0/1), CHOICE (1-based code) */
    const char *default_text; /* STRING default; NULL otherwise */
    double min, max;          /* inclusive range for DOUBLE and INT (see flags) */
    const char *choices;      /* CHOICE: "a|b|c" */
    unsigned flags;
    const char *doc;
} gpuopt_option_spec;

typedef struct gpuopt_option_value {
    double num;   /* DOUBLE, BOOL, CHOICE code */
    int64_t i;    /* INT */
    char *text;   /* STRING */
} gpuopt_option_value;

/* Rows every algorithm gets after its own (error handling, time limit). */
extern const gpuopt_option_spec gpuopt_common_options[];
extern const size_t gpuopt_n_common_options;

/* An alias that presets options (e.g. pygmo_pso -> update=sequential). */
typedef struct gpuopt_alias_preset {
    const char *alias;
    const char *settings; /* "key=value;key=value" */
} gpuopt_alias_preset;

/* --------------------------------------------------------------- stopping */

/* The one stopping struct every algorithm checks (nlopt_stopping style). Filled by the
 * framework from the harmonized option keys the algorithm's table has; absent keys mean
 * "no such criterion" (0 tolerances, unlimited budgets). */
typedef struct gpuopt_stopping {
    int64_t max_iterations;
    int64_t max_evaluations;
    double max_seconds;
    double criterion_tolerance;          /* convergence.criterion_tolerance (pygmo's ftol) */
    double absolute_criterion_tolerance; /* convergence.absolute_criterion_tolerance */
    double relative_criterion_tolerance; /* convergence.relative_criterion_tolerance */
    double absolute_params_tolerance;    /* convergence.absolute_params_tolerance */
    double relative_params_tolerance;    /* convergence.relative_params_tolerance */
} gpuopt_stopping;

/* |f_old - f_new| <= abs tol, or <= rel tol * max(|f_old|, |f_new|, 1)... see stopping.c. */
gpuopt_status gpuopt_stop_criterion_change(const gpuopt_stopping *s, double f_old, double f_new);
gpuopt_status gpuopt_stop_params_change(const gpuopt_stopping *s, const double *x_old,
                                        const double *x_new, size_t dim);

/* ------------------------------------------------------------------- runs */

typedef enum gpuopt_buffer_place {
    GPUOPT_ON_HOST = 0,   /* plain host memory: host-side algorithm logic */
    GPUOPT_ON_BACKEND = 1 /* backend memory: populations, batches for the backend */
} gpuopt_buffer_place;

typedef struct gpuopt_buffer {
    char name[32];
    gpuopt_buffer_place place;
    size_t count, elem_size;
    void *host;       /* GPUOPT_ON_HOST, or the host mirror used by ask/tell */
    gpuopt_dptr dev;  /* GPUOPT_ON_BACKEND */
} gpuopt_buffer;

/* One batch of points for the framework to evaluate. */
typedef struct gpuopt_batch {
    int x_buffer;     /* buffer id holding n x dim doubles (from row x_row on) */
    size_t x_row;
    int f_buffer;     /* buffer id receiving n doubles (from index f_row on) */
    size_t f_row;
    int raw_buffer;   /* -1, or a buffer id receiving n x n_outputs raw outputs */
    size_t n;
    /* 1: the ask already wrote the values of the built-in criterion run->target (a fused
     * generation step, rows from 0, scalar criterion); the framework's driver does not evaluate
     * again (values told through gpuopt_optimizer_tell still replace them). */
    int evaluated;
    /* 1: the framework does not look for the best point in this batch (only counts it); the
     * algorithm brings its best point to run->best_f / best_x itself (DE / PSO
     * best_sync_every). */
    int untracked;
} gpuopt_batch;

typedef struct gpuopt_algorithm gpuopt_algorithm;

#define GPUOPT_MAX_REPORT 8
#define GPUOPT_MAX_RESTART_MARKS 64

/* Where a restart began (the framework records one whenever the report value named "restart"
 * changes). */
typedef struct gpuopt_restart_mark {
    int64_t iteration, n_evaluations;
} gpuopt_restart_mark;

/* Wall time spent in the parts of a run (not part of its saved state: it restarts at zero on
 * resume). Slots 0..2 are the framework's phases "ask", "evaluation" and "tell"; algorithms
 * book parts of their ask or tell under names of their own (gpuopt_run_book). */
#define GPUOPT_MAX_TIMINGS 8
typedef struct gpuopt_run_timings {
    const char *name[GPUOPT_MAX_TIMINGS]; /* string literals */
    double seconds[GPUOPT_MAX_TIMINGS];
    size_t n;
    double booked; /* seconds booked by the algorithm during the current phase */
    int synchronize; /* 1: the backend is synchronized at every boundary (exact attribution) */
} gpuopt_run_timings;

typedef struct gpuopt_run {
    const gpuopt_algorithm *algorithm;
    gpuopt_backend *backend;
    size_t dim;
    gpuopt_criterion_kind kind;
    size_t n_outputs;
    const double *lower, *upper, *x0; /* host copies, dim values each */
    int has_bounds;                   /* 1 when every bound is finite */
    gpuopt_dptr lower_dev, upper_dev, x0_dev; /* the same on the backend */
    uint64_t seed;                    /* the option `seed` if set, else the context's */
    const gpuopt_eval_target *target; /* the criterion (for derivative stencils) */
    gpuopt_gradient_fn gradient;      /* the user's gradient, or NULL (then finite differences) */
    void *gradient_user;
    const gpuopt_option_spec *specs;  /* the algorithm's rows, then the common rows */
    const gpuopt_option_value *values;
    size_t n_specs;
    gpuopt_stopping stop;

    void *state; /* algorithm state, state_size bytes */
    gpuopt_buffer *buffers;
    size_t n_buffers, cap_buffers;

    int64_t n_iterations;
    int64_t n_evaluations;
    double best_f;
    double *best_x; /* host, dim values */
    double iteration_f; /* smallest value seen in the current iteration */
    double report[GPUOPT_MAX_REPORT]; /* the algorithm's report values (see report_keys) */
    gpuopt_restart_mark restarts[GPUOPT_MAX_RESTART_MARKS];
    size_t n_restarts;

    char *errmsg;   /* the optimizer's message buffer */
    size_t errmsg_len;
    char warnings[1024]; /* "; "-separated warnings of this run */
    gpuopt_run_timings timings;
} gpuopt_run;

/* Sets the run's error message (printf style) and returns st. */
gpuopt_status gpuopt_run_fail(gpuopt_run *run, gpuopt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records a warning (e.g. an option adjusted to the problem); runs go on. Warnings reach the
 * result (gpuopt_result_warnings) and the CLI prints them. */
void gpuopt_run_warn(gpuopt_run *run, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Timing of a part of an ask or tell (e.g. CMA-ES's eigendecomposition):
 *   double t0 = gpuopt_run_clock(run);  ...work...  gpuopt_run_book(run, "eigendecomposition", t0);
 * The time is reported under `name` (a string literal) and not under the enclosing phase. With
 * profiling on (gpuopt_optimizer_set_profiling), both calls first wait for the backend. */
double gpuopt_run_clock(gpuopt_run *run);
void gpuopt_run_book(gpuopt_run *run, const char *name, double since);

/* Allocates a zeroed buffer of count elements; *id receives its handle. */
gpuopt_status gpuopt_run_buffer(gpuopt_run *run, const char *name, gpuopt_buffer_place place,
                                size_t count, size_t elem_size, int *id);
void *gpuopt_run_host(const gpuopt_run *run, int id);       /* GPUOPT_ON_HOST buffers */
gpuopt_dptr gpuopt_run_dev(const gpuopt_run *run, int id);  /* GPUOPT_ON_BACKEND buffers */
/* Moves data between a backend buffer and host memory (offsets in elements). */
gpuopt_status gpuopt_run_read(gpuopt_run *run, int id, size_t offset, size_t count, void *dst);
gpuopt_status gpuopt_run_write(gpuopt_run *run, int id, size_t offset, size_t count,
                               const void *src);

/* Option values, looked up by key in the run's table (a missing key is a programming error:
 * the functions return 0 and write the message). */
double gpuopt_opt_double(const gpuopt_run *run, const char *key);
int64_t gpuopt_opt_int(const gpuopt_run *run, const char *key);
int gpuopt_opt_bool(const gpuopt_run *run, const char *key);
int gpuopt_opt_choice(const gpuopt_run *run, const char *key); /* 1-based code */
const char *gpuopt_opt_string(const gpuopt_run *run, const char *key);
/* 1 when the option's value is "auto" (0 or -1 under the ZERO/NEG_IS_AUTO flags). */
int gpuopt_opt_is_auto(const gpuopt_run *run, const char *key);

/* ------------------------------------------------------------- descriptor */

struct gpuopt_algorithm {
    const char *name;
    const char *const *aliases;          /* NULL-terminated */
    const gpuopt_alias_preset *presets;  /* NULL or terminated by {NULL, NULL} */
    const char *summary;
    const char *doc;                     /* longer notes: differences to peers, references */
    unsigned properties;                 /* GPUOPT_PROP_* */
    unsigned criterion_kinds;
    unsigned backends;
    const gpuopt_option_spec *options;
    size_t n_options;
    /* Names of the values the algorithm reports each iteration in run->report (NULL-terminated,
     * at most GPUOPT_MAX_REPORT), e.g. "population_f_mean", "simplex_size"; NULL for none. */
    const char *const *report_keys;
    size_t state_size;
    gpuopt_status (*init)(gpuopt_run *run);
    gpuopt_status (*ask)(gpuopt_run *run, gpuopt_batch *batch);
    gpuopt_status (*tell)(gpuopt_run *run, const gpuopt_batch *batch);
};

/* The registry (src/registry.c). */
size_t gpuopt_registry_size(void);
const gpuopt_algorithm *gpuopt_registry_at(size_t i);
/* By name or alias; *preset receives the alias's preset settings or NULL. */
const gpuopt_algorithm *gpuopt_registry_find(const char *name, const char **preset);

#define GPUOPT_COUNT(array) (sizeof(array) / sizeof((array)[0]))

#endif /* GPUOPT_ALGORITHM_H */
