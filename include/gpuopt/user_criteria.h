/* User criteria that run where the population lives (see docs/user_criteria.md).
 *
 * Three ways besides the host callbacks of gpuopt.h:
 *  - a source criterion: C-subset source text defining
 *        double criterion(GPUOPT_GLOBAL const double *x, int dim)
 *    compiled at run time for the context's backend (OpenCL: clBuildProgram; CUDA: NVRTC;
 *    cpu: the system C compiler, $CC or `cc`, then dlopen) and evaluated there;
 *  - a device batch callback: gets the batch as device buffers (cl_mem or CUDA pointers) with
 *    the backend's queue or stream, and launches its own kernels;
 *  - a host batch callback (gpuopt_problem_set_batch_criterion): on a device backend only each
 *    batch crosses to the host and its values cross back; the population stays on the device. */
#ifndef GPUOPT_USER_CRITERIA_H
#define GPUOPT_USER_CRITERIA_H

#include <stddef.h>

#include "gpuopt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- source criteria */

/* Sets a scalar criterion given as source text. The library prepends its portability header
 * (GPUOPT_GLOBAL, GPUOPT_FN, GPUOPT_PI and the math functions common to C99, OpenCL C and
 * CUDA) and a #line directive, so compiler messages name `name` (NULL: "criterion") and the
 * line numbers of `source`. Nothing is compiled here: the backend compiles it once, at the
 * first evaluation (or at gpuopt_problem_compile_source), and keeps the build for later runs.
 * The text is copied. */
gpuopt_status gpuopt_problem_set_source_criterion(gpuopt_problem *p, const char *source,
                                                  const char *name);
/* Sets a multi-output criterion (kind GPUOPT_CRITERION_LEAST_SQUARES or
 * GPUOPT_CRITERION_LIKELIHOOD) given as source text defining
 *        double residual(GPUOPT_GLOBAL const double *x, int dim, int k)
 * for output k, 0 <= k < n_outputs (n_outputs <= INT_MAX; the text may use GPUOPT_N_OUTPUTS).
 * Every backend evaluates the n_points x n_outputs outputs (one device thread per output) and
 * aggregates them as for gpuopt_problem_set_batch_criterion. Prelude, #line and compilation as
 * for gpuopt_problem_set_source_criterion (NULL name: "residual"). */
gpuopt_status gpuopt_problem_set_source_outputs(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                size_t n_outputs, const char *source,
                                                const char *name);

/* The same, reading the source from a file (messages name the file as given).
 * GPUOPT_ERR_IO when it cannot be read. */
gpuopt_status gpuopt_problem_set_source_file(gpuopt_problem *p, const char *path);

/* Compiles the problem's source criterion for ctx's backend now and evaluates it once at the
 * start point, so that compile errors show before a run. On a compile error it returns
 * GPUOPT_ERR_SOURCE_COMPILE, gpuopt_problem_errmsg() holds a message with the head of the
 * compiler's log, and `log` (when not NULL) receives the whole log (truncated to log_len).
 * On success log receives "". GPUOPT_ERR_INVALID_ARGUMENT when the criterion is no source. */
gpuopt_status gpuopt_problem_compile_source(gpuopt_problem *p, gpuopt_context *ctx, char *log,
                                            size_t log_len);

/* ---------------------------------------------------------------- device batch callbacks */

/* One batch, where the backend keeps it. Handles by backend:
 *   backend  X, out                       queue                 context       device
 *   cpu      host pointers (double *)     NULL                  NULL          NULL
 *   opencl   cl_mem                       cl_command_queue      cl_context    cl_device_id
 *   cuda     device pointers (double *)   cudaStream_t          NULL          NULL (device_ordinal)
 * X holds n_points rows of dim doubles starting x_offset bytes into the buffer; the callback
 * writes n_points x n_outputs doubles into out starting out_offset bytes in. Work enqueued on
 * `queue` may still run when the callback returns: the library's next operations go to the
 * same in-order queue (stream). Work on any other queue must be finished before returning. */
typedef struct gpuopt_device_batch {
    const char *backend; /* "cpu", "opencl", "cuda" */
    void *X;
    size_t x_offset;     /* bytes */
    void *out;
    size_t out_offset;   /* bytes */
    size_t n_points, dim, n_outputs;
    void *queue;
    void *context;
    void *device;
    int device_ordinal;  /* the CUDA device; 0 elsewhere */
} gpuopt_device_batch;

/* Returns 0 on success; any other value stops the run with GPUOPT_ERR_CALLBACK. */
typedef int (*gpuopt_device_fn)(const gpuopt_device_batch *batch, void *user);

/* Sets a criterion evaluated by the user's own device code. kind and n_outputs as for
 * gpuopt_problem_set_batch_criterion; aggregation (least squares, likelihood) and the
 * non-finite checks run on the device afterwards. */
gpuopt_status gpuopt_problem_set_device_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                  size_t n_outputs, gpuopt_device_fn fn,
                                                  void *user);

#ifdef __cplusplus
}
#endif
#endif /* GPUOPT_USER_CRITERIA_H */
