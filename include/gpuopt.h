/* gpuopt: batch-evaluated numerical optimization on CPU threads, OpenCL and CUDA.
 *
 * Four opaque handles: context (backend, threads, seed), problem (criterion, bounds, start),
 * optimizer (algorithm, options, state) and result. Every function returns a gpuopt_status;
 * `create` writes to an out-parameter and `destroy(&h)` sets the handle to NULL.
 * The library never prints to stdout and never exits the process. */
#ifndef GPUOPT_H
#define GPUOPT_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt/status.h"
#include "gpuopt/derivatives.h"
#include "gpuopt/history.h"
#include "gpuopt/root.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GPUOPT_VERSION_MAJOR 0
#define GPUOPT_VERSION_MINOR 1
#define GPUOPT_VERSION_PATCH 0
const char *gpuopt_version(void);

/* The message of the last failed call in this thread that had no object to keep it (a failed
 * create, or a NULL handle). */
const char *gpuopt_last_error(void);

typedef struct gpuopt_context gpuopt_context;
typedef struct gpuopt_problem gpuopt_problem;
typedef struct gpuopt_optimizer gpuopt_optimizer;
typedef struct gpuopt_result gpuopt_result;

/* ---------------------------------------------------------------- context */

/* backend: "auto", "cpu", "opencl" or "cuda". "auto" picks a GPU backend with a usable device
 * when one is compiled in and present, else the CPU; gpuopt_context_message() says which. */
gpuopt_status gpuopt_context_create(gpuopt_context **ctx, const char *backend);
gpuopt_status gpuopt_context_destroy(gpuopt_context **ctx);
/* Threads for the CPU backend; 0 means all cores. Results do not depend on this number. */
gpuopt_status gpuopt_context_set_threads(gpuopt_context *ctx, int n_threads);
gpuopt_status gpuopt_context_set_seed(gpuopt_context *ctx, uint64_t seed);
uint64_t gpuopt_context_seed(const gpuopt_context *ctx);
int gpuopt_context_threads(const gpuopt_context *ctx);
/* The backend in use ("cpu", "opencl", "cuda") and its device description. */
const char *gpuopt_context_backend(const gpuopt_context *ctx);
const char *gpuopt_context_device(const gpuopt_context *ctx);
/* A notice from backend selection (e.g. "auto: no GPU found, using cpu"), or "". */
const char *gpuopt_context_message(const gpuopt_context *ctx);
const char *gpuopt_context_errmsg(const gpuopt_context *ctx);
/* Measures the backend's device-to-device copy bandwidth: copies of `bytes` (0: 256 MiB) from
 * one device buffer to another, repeated for at least 0.2 s, the fastest one counted as
 * 2 * bytes (read + written) per second, in GB/s (1e9 bytes). The reference the benchmarks
 * divide a generation's memory traffic by. Fails, naming the size, when two buffers of that
 * size do not fit. */
gpuopt_status gpuopt_context_copy_bandwidth(gpuopt_context *ctx, size_t bytes, double *gb_per_s);

/* ---------------------------------------------------------------- problem */

typedef enum gpuopt_criterion_kind {
    GPUOPT_CRITERION_SCALAR = 1,        /* one value per point */
    GPUOPT_CRITERION_LEAST_SQUARES = 2, /* n_outputs residuals per point; value = sum of squares */
    GPUOPT_CRITERION_LIKELIHOOD = 4     /* n_outputs contributions per point; value = sum */
} gpuopt_criterion_kind;

/* Primary form: evaluate n_points points. X is row-major n_points x dim; out is row-major
 * n_points x n_outputs (n_outputs = 1 for scalar). Return 0 on success; any other value stops
 * the run with GPUOPT_ERR_CALLBACK. */
typedef int (*gpuopt_batch_fn)(const double *X, size_t n_points, double *out, void *user);
/* Convenience: one point; out holds n_outputs values. */
typedef int (*gpuopt_point_fn)(const double *x, size_t dim, double *out, void *user);
/* Optional user gradient of the (aggregated) scalar value. */
typedef int (*gpuopt_gradient_fn)(const double *x, size_t dim, double *grad, void *user);

/* Flags for the criterion setters. */
#define GPUOPT_CALLBACK_THREAD_SAFE 1u /* the CPU backend may call it from several threads */

gpuopt_status gpuopt_problem_create(gpuopt_problem **problem, size_t dim);
/* A built-in test problem (see gpuopt_problem_count/gpuopt_problem_info) at dimension dim,
 * with its default bounds and start point. */
gpuopt_status gpuopt_problem_create_builtin(gpuopt_problem **problem, const char *name, size_t dim);
gpuopt_status gpuopt_problem_destroy(gpuopt_problem **problem);
gpuopt_status gpuopt_problem_set_batch_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                 size_t n_outputs, gpuopt_batch_fn fn, void *user,
                                                 unsigned flags);
gpuopt_status gpuopt_problem_set_point_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                 size_t n_outputs, gpuopt_point_fn fn, void *user,
                                                 unsigned flags);
gpuopt_status gpuopt_problem_set_gradient(gpuopt_problem *p, gpuopt_gradient_fn fn, void *user);
/* lower/upper may be NULL (unbounded on that side); entries may be -INFINITY/+INFINITY. */
gpuopt_status gpuopt_problem_set_bounds(gpuopt_problem *p, const double *lower, const double *upper);
gpuopt_status gpuopt_problem_set_start(gpuopt_problem *p, const double *x0);
size_t gpuopt_problem_dim(const gpuopt_problem *p);
gpuopt_criterion_kind gpuopt_problem_kind(const gpuopt_problem *p);
size_t gpuopt_problem_n_outputs(const gpuopt_problem *p);
const char *gpuopt_problem_name(const gpuopt_problem *p);
/* Copies of the bounds and start point (dim values each). */
gpuopt_status gpuopt_problem_get_bounds(const gpuopt_problem *p, double *lower, double *upper);
gpuopt_status gpuopt_problem_get_start(const gpuopt_problem *p, double *x0);
/* Evaluates the aggregated scalar criterion at n points on the host (no backend). */
gpuopt_status gpuopt_problem_evaluate(gpuopt_problem *p, const double *X, size_t n_points,
                                      double *values);
const char *gpuopt_problem_errmsg(const gpuopt_problem *p);

/* The built-in problem catalogue. */
typedef struct gpuopt_problem_info {
    const char *name;
    const char *description;
    gpuopt_criterion_kind kind;
    size_t fixed_dim;         /* 0 when any dimension works */
    double default_lower;     /* the same bound on every coordinate */
    double default_upper;
    double best_known_value;  /* the global minimum value (per coordinate when value_per_dim) */
    int value_per_dim;        /* 1: the minimum at dimension n is best_known_value * n */
    size_t n_outputs;         /* outputs per point: 1 (scalar), or the residuals/contributions */
    const char *suite;        /* the problem's family: "classic" test functions, "estimation",
                                 "more_wild" (Moré & Wild's least-squares benchmark set) */
    double start_value;       /* the criterion at the default start point of a fixed-dimension
                                 problem; NaN when the dimension is free */
} gpuopt_problem_info;
/* The known minimum value of a built-in problem at dimension dim. */
double gpuopt_problem_info_best_value(const gpuopt_problem_info *info, size_t dim);
size_t gpuopt_problem_count(void);
const gpuopt_problem_info *gpuopt_problem_info_at(size_t index);
const gpuopt_problem_info *gpuopt_problem_info_find(const char *name);
/* The known minimizer of a built-in problem at dimension dim (x_out holds dim values). */
gpuopt_status gpuopt_problem_known_minimizer(const char *name, size_t dim, double *x_out);

/* ---------------------------------------------------------------- backends */

typedef struct gpuopt_backend_info {
    const char *name;   /* "cpu", "opencl", "cuda" */
    int compiled_in;    /* built into this library */
    int n_devices;      /* usable devices (0 when none, or not compiled in) */
    char note[256];     /* why there are none, when n_devices == 0 */
} gpuopt_backend_info;

typedef struct gpuopt_device_description {
    char name[128];
    char vendor[128];
    uint64_t memory_bytes;
    int compute_units;
    int double_support;
} gpuopt_device_description;

/* Every backend gpuopt knows of, compiled in or not: cpu, opencl, cuda. */
size_t gpuopt_backend_count(void);
gpuopt_status gpuopt_backend_info_at(size_t index, gpuopt_backend_info *info);
gpuopt_status gpuopt_backend_device(const char *backend, int device,
                                    gpuopt_device_description *out);

/* -------------------------------------------------------------- algorithms */

#define GPUOPT_PROP_GLOBAL 1u
#define GPUOPT_PROP_LOCAL 2u
#define GPUOPT_PROP_DERIVATIVE_FREE 4u
#define GPUOPT_PROP_USES_GRADIENT 8u
#define GPUOPT_PROP_NEEDS_BOUNDS 16u
#define GPUOPT_PROP_SUPPORTS_BOUNDS 32u

#define GPUOPT_BACKEND_CPU 1u
#define GPUOPT_BACKEND_OPENCL 2u
#define GPUOPT_BACKEND_CUDA 4u

typedef enum gpuopt_option_type {
    GPUOPT_OPTION_DOUBLE = 1,
    GPUOPT_OPTION_INT = 2,
    GPUOPT_OPTION_BOOL = 3,
    GPUOPT_OPTION_CHOICE = 4, /* a string from a fixed list; set_int takes its 1-based code */
    GPUOPT_OPTION_STRING = 5
} gpuopt_option_type;

typedef struct gpuopt_option_info {
    const char *key;
    gpuopt_option_type type;
    char default_text[64];    /* the default as text, e.g. "1e-05", "auto", "rand/1/exp" */
    char allowed[512];        /* the allowed values as text, e.g. "[0, 2]" or "a|b|c" */
    const char *doc;
} gpuopt_option_info;

typedef struct gpuopt_algorithm_info {
    const char *name;
    const char *const *aliases; /* NULL-terminated */
    const char *summary;
    unsigned properties;        /* GPUOPT_PROP_* */
    unsigned criterion_kinds;   /* OR of gpuopt_criterion_kind */
    unsigned backends;          /* GPUOPT_BACKEND_* */
    size_t n_options;
} gpuopt_algorithm_info;

size_t gpuopt_algorithm_count(void);
gpuopt_status gpuopt_algorithm_info_at(size_t index, gpuopt_algorithm_info *info);
/* Looks up a name or alias; GPUOPT_ERR_UNKNOWN_ALGORITHM when neither. */
gpuopt_status gpuopt_algorithm_find(const char *name_or_alias, gpuopt_algorithm_info *info);
gpuopt_status gpuopt_algorithm_option_at(const char *algorithm, size_t index,
                                         gpuopt_option_info *info);

/* -------------------------------------------------------------- optimizer */

gpuopt_status gpuopt_optimizer_create(gpuopt_optimizer **opt, gpuopt_context *ctx,
                                      const char *algorithm);
gpuopt_status gpuopt_optimizer_destroy(gpuopt_optimizer **opt);
const char *gpuopt_optimizer_algorithm(const gpuopt_optimizer *opt);
gpuopt_status gpuopt_optimizer_set_double(gpuopt_optimizer *opt, const char *key, double value);
gpuopt_status gpuopt_optimizer_set_int(gpuopt_optimizer *opt, const char *key, int64_t value);
gpuopt_status gpuopt_optimizer_set_string(gpuopt_optimizer *opt, const char *key, const char *value);
/* "key=value" text; the value is parsed by the option's type. */
gpuopt_status gpuopt_optimizer_set_option(gpuopt_optimizer *opt, const char *key_equals_value);
/* The current value of an option as text (buf of size len). */
gpuopt_status gpuopt_optimizer_get_option(const gpuopt_optimizer *opt, const char *key, char *buf,
                                          size_t len);
const char *gpuopt_optimizer_errmsg(const gpuopt_optimizer *opt);

/* Progress, called on the host after every iteration; return nonzero to stop the run
 * (stop reason GPUOPT_STOP_INTERRUPTED). */
typedef struct gpuopt_progress {
    int64_t n_iterations;
    int64_t n_evaluations;
    double best_f;
    double elapsed_s;
    int64_t max_iterations;   /* the budget, for a progress bar */
    int64_t max_evaluations;
} gpuopt_progress;
typedef int (*gpuopt_progress_fn)(const gpuopt_progress *progress, void *user);
gpuopt_status gpuopt_optimizer_set_progress(gpuopt_optimizer *opt, gpuopt_progress_fn fn, void *user);

/* Profiling: on (1), the optimizer waits for the backend at the boundaries of every ask,
 * evaluation and tell, so that the result's timings attribute asynchronous device work
 * (OpenCL, CUDA) to the phase that issued it, at the cost of that waiting. Off (0, default),
 * timings are host wall time between the boundaries. Takes effect from the next setup. */
gpuopt_status gpuopt_optimizer_set_profiling(gpuopt_optimizer *opt, int on);

/* Asks a running minimize (or ask/tell loop) to stop at the next iteration boundary.
 * Async-signal-safe: it only sets a flag. */
void gpuopt_optimizer_interrupt(gpuopt_optimizer *opt);

/* Ask/tell. setup() validates the options against the problem and initializes the state
 * (the criterion callback is not needed). ask() returns the points to evaluate (row-major
 * n_points x dim, owned by the optimizer, valid until the next call). tell() takes their raw
 * criterion outputs (n_points x n_outputs, as the problem's kind defines) and returns
 * GPUOPT_SUCCESS to continue, a positive stop reason when the run is over, or an error. */
gpuopt_status gpuopt_optimizer_setup(gpuopt_optimizer *opt, const gpuopt_problem *problem);
gpuopt_status gpuopt_optimizer_ask(gpuopt_optimizer *opt, const double **X, size_t *n_points);
gpuopt_status gpuopt_optimizer_tell(gpuopt_optimizer *opt, const double *outputs, size_t n_points);
/* The best point and value so far (x holds dim values; either pointer may be NULL). */
gpuopt_status gpuopt_optimizer_best(const gpuopt_optimizer *opt, double *x, double *f);
/* The result of the run so far (a new handle the caller destroys). */
gpuopt_status gpuopt_optimizer_result(const gpuopt_optimizer *opt, gpuopt_result **result);

/* The driver: setup, then ask / evaluate on the backend / tell until a stop reason.
 * Returns the stop reason (positive) or an error (negative); *result is written in both
 * cases when the run got as far as setup. */
gpuopt_status gpuopt_minimize(gpuopt_optimizer *opt, gpuopt_problem *problem,
                              gpuopt_result **result);

/* Runs the ask / evaluate / tell loop from the optimizer's current state (after setup, a
 * resume, or some ask/tell steps by hand) until a stop reason. gpuopt_minimize is setup +
 * continue. */
gpuopt_status gpuopt_optimizer_continue(gpuopt_optimizer *opt, gpuopt_problem *problem,
                                        gpuopt_result **result);

/* ----------------------------------------------------------------- result */

gpuopt_status gpuopt_result_destroy(gpuopt_result **result);
size_t gpuopt_result_dim(const gpuopt_result *r);
const double *gpuopt_result_x(const gpuopt_result *r);
double gpuopt_result_fun(const gpuopt_result *r);
int64_t gpuopt_result_n_evaluations(const gpuopt_result *r);
int64_t gpuopt_result_n_iterations(const gpuopt_result *r);
int gpuopt_result_converged(const gpuopt_result *r);
gpuopt_status gpuopt_result_stop_reason(const gpuopt_result *r);
const char *gpuopt_result_message(const gpuopt_result *r);
/* Warnings of the run ("; "-separated; "" when none), e.g. an option the algorithm adjusted. */
const char *gpuopt_result_warnings(const gpuopt_result *r);
/* The algorithm's report values at the end of the run (e.g. cmaes: sigma, condition_number,
 * restart), by index 0..count-1. */
size_t gpuopt_result_report_count(const gpuopt_result *r);
const char *gpuopt_result_report_key(const gpuopt_result *r, size_t i);
double gpuopt_result_report_value(const gpuopt_result *r, size_t i);
/* Restart boundaries (algorithms with restarts, e.g. cmaes restarts=ipop|bipop): restart i
 * began after `iteration` iterations and `n_evaluations` evaluations. */
size_t gpuopt_result_restart_count(const gpuopt_result *r);
gpuopt_status gpuopt_result_restart_at(const gpuopt_result *r, size_t i, int64_t *iteration,
                                       int64_t *n_evaluations);
double gpuopt_result_wall_time(const gpuopt_result *r);
/* Wall time per part of the run, in seconds: "ask" (the algorithm proposes points: sampling),
 * "evaluation" (the criterion, in minimize; 0 in a user's ask/tell loop), "tell" (the update),
 * then the parts an algorithm books separately out of its ask or tell (cmaes and sep_cmaes:
 * "eigendecomposition"). A resumed run counts from its resumption. */
size_t gpuopt_result_timing_count(const gpuopt_result *r);
const char *gpuopt_result_timing_key(const gpuopt_result *r, size_t i);
double gpuopt_result_timing_seconds(const gpuopt_result *r, size_t i);
const char *gpuopt_result_algorithm(const gpuopt_result *r);
const char *gpuopt_result_backend(const gpuopt_result *r);

#ifdef __cplusplus
}
#endif

#include "gpuopt/user_criteria.h"
#include "gpuopt/fit.h"
#endif /* GPUOPT_H */
