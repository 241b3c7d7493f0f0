/* Source criteria (include/gpuopt/user_criteria.h), the part every backend shares: the
 * interned source, the program text each compiler gets, build failures, and the host build
 * (the system C compiler, for the CPU backend and host evaluation).
 *
 * A backend that supports source criteria checks gpuopt_eval_target.source first in its
 * evaluate op, builds the program returned by gpuopt_user_source_program() once per backend
 * instance (keeping the build in its own cache, keyed by the source pointer: sources are
 * interned and never freed, so the pointer identifies the text for the life of the process),
 * and launches the kernel GPUOPT_SOURCE_KERNEL(n, dim, X, out), one thread per point (a
 * multi-output source: n = points x n_outputs, one thread per output, into the raw buffer). A build
 * failure goes through gpuopt_user_source_fail(). */
#ifndef GPUOPT_HOST_USER_SOURCE_H
#define GPUOPT_HOST_USER_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

/* The kernel every device program defines: (u64 n, int dim, const double *X, double *out). */
#define GPUOPT_SOURCE_KERNEL "gpuopt_user_eval"
/* The function the host build exports: out[i] = criterion(X + i * dim, dim), lo <= i < hi. */
#define GPUOPT_SOURCE_HOST_ENTRY "gpuopt_user_rows"

typedef void (*gpuopt_source_rows_fn)(const double *X, long long lo, long long hi, int dim,
                                      double *out);

typedef enum gpuopt_source_dialect {
    GPUOPT_SOURCE_C = 0,  /* C99, for the system C compiler */
    GPUOPT_SOURCE_OPENCL, /* OpenCL C 1.2 */
    GPUOPT_SOURCE_CUDA    /* CUDA C++ for NVRTC (with -default-device) */
} gpuopt_source_dialect;

typedef struct gpuopt_user_source {
    char *name; /* for messages and the #line directive */
    char *text;
    size_t length;
    uint64_t hash;
    size_t n_outputs;      /* 0: `criterion` (scalar); else `residual`, this many outputs */
    size_t constant_bytes; /* data the text holds in GPUOPT_CONSTANT arrays (device limits) */
    struct gpuopt_user_source *next; /* the intern table */
    /* The host build, made once (host/user_source_cc.c, under its lock). */
    gpuopt_source_rows_fn host_rows;
    void *host_library; /* the dlopen handle, kept for the life of the process */
} gpuopt_user_source;

/* What a source defines: n_outputs 0 for `double criterion(x, dim)`, else
 * `double residual(x, dim, k)` for 0 <= k < n_outputs (GPUOPT_N_OUTPUTS in the text); device
 * programs then run one thread per output. constant_bytes: the size of the GPUOPT_CONSTANT
 * data the text holds (checked against the device's constant memory). */
typedef struct gpuopt_source_shape {
    size_t n_outputs;
    size_t constant_bytes;
} gpuopt_source_shape;

/* The entry for (text, name, shape), as gpuopt_user_source_intern. */
const gpuopt_user_source *gpuopt_user_source_intern_shaped(const char *text, size_t length,
                                                           const char *name,
                                                           const gpuopt_source_shape *shape);

/* The entry for (text, name) of a scalar criterion, made on first use: the same pair always gives the same entry,
 * which lives until the process ends. NULL when out of memory. Thread-safe. */
const gpuopt_user_source *gpuopt_user_source_intern(const char *text, size_t length,
                                                    const char *name);

/* The text a compiler gets: the portability prelude, `#line 1 "<name>"`, the user's text and
 * the entry for the dialect (under `#line 1 "<gpuopt criterion entry>"`). malloc'd; NULL when
 * out of memory. *length (may be NULL) receives strlen. */
char *gpuopt_user_source_program(const gpuopt_user_source *s, gpuopt_source_dialect dialect,
                                 size_t *length);

/* Records a failed build: `log` becomes this thread's last source log, and b's error (when b
 * is not NULL) "criterion source 'NAME' failed to compile for BACKEND (WHAT):\n<log>".
 * Returns GPUOPT_ERR_SOURCE_COMPILE. */
gpuopt_status gpuopt_user_source_fail(gpuopt_backend *b, const gpuopt_user_source *s,
                                      const char *what, const char *log);
/* The whole log of the last failed build in this thread ("" when none); cleared by
 * gpuopt_user_source_clear_log. */
const char *gpuopt_user_source_last_log(void);
void gpuopt_user_source_clear_log(void);

/* The host build (host/user_source_cc.c): compiled by $CC (default `cc`) into a private
 * temporary directory and loaded with dlopen, once per process and source (later calls return
 * the same function). GPUOPT_ERR_SOURCE_COMPILE on failure, through gpuopt_user_source_fail
 * (b may be NULL). Thread-safe. */
gpuopt_status gpuopt_user_source_host_build(gpuopt_backend *b, const gpuopt_user_source *s,
                                            gpuopt_source_rows_fn *rows);

/* Source and device criteria evaluated on host memory (the CPU backend, through
 * gpuopt_host_eval_callback): the host build of t->source on b->n_threads threads, or
 * t->device_fn with host pointers (cpu backend only: elsewhere the device handles are the
 * backend's to give, and this returns GPUOPT_ERR_UNSUPPORTED). */
gpuopt_status gpuopt_user_criterion_eval_host(gpuopt_backend *b, const gpuopt_eval_target *t,
                                              const double *X, size_t n, double *raw);

/* The batch_fn fallbacks the problem setters store with a source or a device criterion, with
 * user = the problem's own target (for its dim, source and callback): they serve
 * gpuopt_problem_evaluate and backends that only know host callbacks. Nonzero on failure. */
int gpuopt_user_source_batch_fn(const double *X, size_t n, double *out, void *user);
int gpuopt_device_criterion_batch_fn(const double *X, size_t n, double *out, void *user);

#endif /* GPUOPT_HOST_USER_SOURCE_H */
