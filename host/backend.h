/* A backend is a table of operations over its own memory (SUNDIALS N_Vector style).
 *
 * Required ops: every backend implements them. Optional ops may be NULL; the gpuopt_backend_*
 * wrappers in host/backend.c then fall back to required ones (e.g. copy = read + write).
 * The CPU backend (host/cpu/) implements everything and is the reference.
 *
 * Device memory is an opaque gpuopt_dptr (a host pointer on the CPU backend, a cl_mem on
 * OpenCL, a device pointer on CUDA); offsets are given separately, in bytes, so that handles
 * need no pointer arithmetic. */
#ifndef GPUOPT_HOST_BACKEND_H
#define GPUOPT_HOST_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt.h"
#include "gpuopt/user_criteria.h"

typedef void *gpuopt_dptr;
typedef struct gpuopt_backend gpuopt_backend;
struct gpuopt_de_args;  /* src/algorithms/de.h */
struct gpuopt_pso_args; /* src/algorithms/pso.h */
struct gpuopt_cmaes_args; /* src/algorithms/cmaes_core.h */
struct gpuopt_xnes_args;  /* src/algorithms/xnes.h */
struct gpuopt_fd_args;  /* src/derivatives/fd.h */
struct gpuopt_user_source; /* host/user_source.h */

/* What the backend evaluates: a built-in problem (by id), a host callback, a source criterion
 * or a device batch callback (include/gpuopt/user_criteria.h). Source and device criteria also
 * set batch_fn to a host fallback (host/user_source.h): a backend that does not check them
 * first still evaluates a source (on the host), and reports device callbacks unsupported. */
typedef struct gpuopt_eval_target {
    size_t dim;
    gpuopt_criterion_kind kind;
    size_t n_outputs; /* 1 for scalar */
    int builtin_id;   /* >= 0: a built-in problem evaluated by the backend's own code */
    gpuopt_batch_fn batch_fn;
    gpuopt_point_fn point_fn;
    void *user;
    int thread_safe; /* host callbacks may be called from several threads */
    /* Source criterion (interned for the process, never freed): each backend compiles it once
     * per instance and keeps the build in its own cache. */
    const struct gpuopt_user_source *source;
    gpuopt_device_fn device_fn; /* device batch callback and its user pointer */
    void *device_user;
} gpuopt_eval_target;

/* How non-finite criterion values are handled (error_handling=continue replaces them). */
typedef struct gpuopt_penalty {
    int replace;         /* 0: only count them (error_handling=raise) */
    double constant;     /* penalty = constant + slope * ||x - x0||_2 */
    double slope;
    gpuopt_dptr x0;      /* dim values on the backend */
} gpuopt_penalty;

typedef struct gpuopt_device_info {
    char name[128];
    char vendor[128];
    uint64_t memory_bytes;
    int compute_units;
    int double_support;
} gpuopt_device_info;

typedef struct gpuopt_backend_ops {
    const char *name;  /* "cpu", "opencl", "cuda" */
    unsigned kind;     /* GPUOPT_BACKEND_* */
    int is_gpu;

    /* ---- lifecycle and discovery */
    /* Number of usable devices (0 when compiled in but none present); why is set when 0.
     * With gpu_only, only GPU devices count ("auto" picks a backend only for a GPU). */
    int (*device_count)(int gpu_only, char *why, size_t why_len);
    gpuopt_status (*device_info)(int index, gpuopt_device_info *info);
    gpuopt_status (*open)(gpuopt_backend *b, int device_index);
    void (*close)(gpuopt_backend *b);

    /* ---- required: memory */
    gpuopt_status (*alloc)(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out);
    void (*release)(gpuopt_backend *b, gpuopt_dptr p);
    gpuopt_status (*write)(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_offset, const void *src,
                           size_t bytes);
    gpuopt_status (*read)(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t src_offset,
                          size_t bytes);
    gpuopt_status (*synchronize)(gpuopt_backend *b);

    /* ---- required: evaluation. raw holds n x n_outputs outputs (may equal f for scalar kinds);
     * f receives the aggregated scalar value of each point. */
    gpuopt_status (*evaluate)(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                              size_t n, gpuopt_dptr raw, gpuopt_dptr f);
    gpuopt_status (*aggregate)(gpuopt_backend *b, gpuopt_criterion_kind kind, gpuopt_dptr raw,
                               size_t n, size_t n_outputs, gpuopt_dptr f);
    /* Counts non-finite f (and replaces them by the penalty when p->replace). */
    gpuopt_status (*check_values)(gpuopt_backend *b, gpuopt_dptr f, gpuopt_dptr X, size_t n,
                                  size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                  size_t *first_bad);

    /* ---- required: random numbers (Philox4x32-10, kernels/philox.h), reductions */
    gpuopt_status (*fill_uniform)(gpuopt_backend *b, gpuopt_dptr out, size_t n, uint64_t seed,
                                  uint64_t stream, uint64_t offset);
    /* Index and value of the smallest and largest finite-or-not f (ties: lowest index). */
    gpuopt_status (*minmax)(gpuopt_backend *b, gpuopt_dptr f, size_t n, size_t *imin,
                            double *fmin, size_t *imax, double *fmax);

    /* ---- required: population operations */
    gpuopt_status (*de_trial)(gpuopt_backend *b, const struct gpuopt_de_args *a);
    gpuopt_status (*de_select)(gpuopt_backend *b, const struct gpuopt_de_args *a);
    gpuopt_status (*pso_move)(gpuopt_backend *b, const struct gpuopt_pso_args *a);
    gpuopt_status (*pso_remember)(gpuopt_backend *b, const struct gpuopt_pso_args *a);

    /* ---- optional (NULL falls back to the required ops) */
    gpuopt_status (*copy)(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_offset, gpuopt_dptr src,
                          size_t src_offset, size_t bytes);
    /* Indices 0..n-1 ordered by f ascending, stable. idx holds n uint32 values. */
    gpuopt_status (*argsort)(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx);
    /* BLAS-3, row-major: C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T (trans_*),
     * C is m x n, op(A) m x k, op(B) k x n; offsets and leading dimensions in elements.
     * Fallback: the host (read, compute, write). CPU: OpenBLAS; OpenCL: CLBlast; CUDA: cuBLAS. */
    gpuopt_status (*dgemm)(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                           size_t k, double alpha, gpuopt_dptr A, size_t a_offset, size_t lda,
                           gpuopt_dptr B, size_t b_offset, size_t ldb, double beta, gpuopt_dptr C,
                           size_t c_offset, size_t ldc);
    /* Symmetric eigendecomposition of the n x n row-major matrix A: A is overwritten by the
     * eigenvectors (as columns), w receives the eigenvalues in ascending order.
     * Fallback: LAPACK(E) dsyevd on the host. CUDA: cuSOLVER syevd. */
    gpuopt_status (*dsyevd)(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w);
    /* Standard normals: out[i * cols + k] = gpuopt_philox_normal(seed, stream, (i << 32) | k). */
    gpuopt_status (*fill_normal)(gpuopt_backend *b, gpuopt_dptr out, size_t rows, size_t cols,
                                 uint64_t seed, uint64_t stream);
    /* CMA-ES family (kernels/cmaes.h, src/algorithms/cmaes_core.h); NULL: host fallbacks. */
    gpuopt_status (*cmaes_sample)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_rank_stats)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_penalty)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_recombine)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_paths)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_diag_update)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_eigen_finish)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    gpuopt_status (*cmaes_measure)(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
    /* Finite differences (kernels/fd.h): writes the a->n_rows stencil rows of a->x and a->steps
     * into a->points. Fallback: the host (src/derivatives/fd_backend.c). */
    gpuopt_status (*fd_points)(gpuopt_backend *b, const struct gpuopt_fd_args *a);
    /* Combines the stencil's a->values into the gradient / Jacobian / Hessian a->out, with
     * Richardson extrapolation when a->n_steps > 1. Fallback: the host. */
    gpuopt_status (*fd_combine)(gpuopt_backend *b, const struct gpuopt_fd_args *a);
    /* Fused generation steps for a built-in scalar criterion (a->builtin_id): de_trial, or
     * pso_move, and the new rows' values (into a->trial_f, or a->f) in one pass per individual,
     * bitwise as the unfused op followed by evaluate. Fallback: the two ops. */
    gpuopt_status (*de_trial_evaluate)(gpuopt_backend *b, const struct gpuopt_de_args *a);
    gpuopt_status (*pso_move_evaluate)(gpuopt_backend *b, const struct gpuopt_pso_args *a);
    /* pso_remember, and the particle of [first, first + count) whose memory improved with the
     * smallest new value (ties: the highest index, pagmo's `<=` scan): *index (SIZE_MAX when
     * none improved) and *value; only those cross to the host. Devices use a->keys (count
     * doubles of scratch). Fallback: reads f and pbest_f of the range, then pso_remember. */
    gpuopt_status (*pso_best_update)(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                     size_t *index, double *value);
    /* xNES (kernels/xnes.h, src/algorithms/xnes.h): the element steps around its matrix
     * products; NULL: host fallbacks (host/backend_xnes.c). */
    gpuopt_status (*xnes_bound)(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
    gpuopt_status (*xnes_weights)(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
    gpuopt_status (*xnes_exponent)(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
    gpuopt_status (*xnes_expm_scale)(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
} gpuopt_backend_ops;

struct gpuopt_backend {
    const gpuopt_backend_ops *ops;
    void *impl;         /* backend-private */
    int n_threads;      /* CPU threads (1..); GPU backends use it for host-side work */
    char device[256];   /* description of the device in use */
    char error[1024];   /* last error message */
};

/* Backends compiled into this build, in "auto" preference order (GPU first, cpu last). */
size_t gpuopt_backend_table_size(void);
const gpuopt_backend_ops *gpuopt_backend_table_at(size_t i);
const gpuopt_backend_ops *gpuopt_backend_ops_find(const char *name);

gpuopt_status gpuopt_backend_open(gpuopt_backend **b, const gpuopt_backend_ops *ops, int n_threads);
void gpuopt_backend_close(gpuopt_backend **b);
gpuopt_status gpuopt_backend_fail(gpuopt_backend *b, gpuopt_status st, const char *fmt, ...);

/* Wrappers that apply the fallbacks. */
gpuopt_status gpuopt_backend_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_offset,
                                  gpuopt_dptr src, size_t src_offset, size_t bytes);
gpuopt_status gpuopt_backend_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx);
/* (host/backend_linalg.c) */
gpuopt_status gpuopt_backend_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                   size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                   size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                   double beta, gpuopt_dptr C, size_t c_offset, size_t ldc);
gpuopt_status gpuopt_backend_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w);
/* (host/backend_cmaes.c; the cmaes_* wrappers are declared in src/algorithms/cmaes_core.h) */
gpuopt_status gpuopt_backend_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                         size_t cols, uint64_t seed, uint64_t stream);

/* (host/backend_popops.c) the fused DE / PSO steps and pso_best_update, or their fallbacks */
gpuopt_status gpuopt_backend_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_backend_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_backend_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                             size_t *index, double *value);
/* The scan behind pso_best_update over host arrays of count values: f and the memories before
 * the update (the CPU backend's and the fallback's); index relative to the arrays. */
void gpuopt_pso_best_scan(const double *f, const double *pbest_f, size_t count, size_t *index,
                          double *value);

/* Stable host argsort (idx holds n values); the CPU backend's and the fallback's. */
gpuopt_status gpuopt_host_argsort(const double *f, size_t n, uint32_t *idx);

/* Threads the CPU backend uses for a request (0 = all cores). */
int gpuopt_cpu_resolve_threads(int requested);

/* Implemented backends. */
extern const gpuopt_backend_ops gpuopt_backend_cpu;
#ifdef GPUOPT_HAVE_OPENCL
extern const gpuopt_backend_ops gpuopt_backend_opencl;
#endif
#ifdef GPUOPT_HAVE_CUDA
extern const gpuopt_backend_ops gpuopt_backend_cuda;
#endif

#endif /* GPUOPT_HOST_BACKEND_H */
