/* The OpenCL backend's internals, shared by the files of host/opencl/ (and read by its tests).
 *
 * One backend instance = one device, context, in-order queue and program. The program is built
 * once per instance from the kernel sources embedded in the library (kernels/entry.h and what it
 * includes, see cmake/GpuoptEmbed.cmake), and every kernel object is created once. */
#ifndef GPUOPT_HOST_OPENCL_INTERNAL_H
#define GPUOPT_HOST_OPENCL_INTERNAL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include "../backend.h"

/* The kernels of kernels/entry.h, in the order of their names in opencl_program.c. */
typedef enum ocl_kernel_id {
    OCL_K_EVAL_BUILTIN = 0,
    OCL_K_AGGREGATE,
    OCL_K_CHECK_VALUES,
    OCL_K_CHECK_VALUES_TOTAL,
    OCL_K_MINMAX,
    OCL_K_MINMAX_TOTAL,
    OCL_K_FILL_UNIFORM,
    OCL_K_DE_TRIAL,
    OCL_K_DE_SELECT,
    OCL_K_PSO_MOVE,
    OCL_K_PSO_REMEMBER,
    OCL_K_DE_TRIAL_EVAL,
    OCL_K_PSO_MOVE_EVAL,
    OCL_K_PSO_REMEMBER_KEYS,
    OCL_K_SORT_INIT,
    OCL_K_SORT_STEP,
    OCL_K_FILL_NORMAL, /* kernels/cmaes_entry.h */
    OCL_K_CMAES_SAMPLE,
    OCL_K_CMAES_RANK_STATS,
    OCL_K_CMAES_PENALTY_WEIGHT,
    OCL_K_CMAES_PENALIZED,
    OCL_K_CMAES_RANK_WEIGHT,
    OCL_K_CMAES_MEANS,
    OCL_K_CMAES_RANKMU,
    OCL_K_CMAES_PS,
    OCL_K_CMAES_PC,
    OCL_K_CMAES_DIAG,
    OCL_K_CMAES_EXTREMES,
    OCL_K_CMAES_BD,
    OCL_K_CMAES_AXES,
    OCL_K_CMAES_MEASURE,
    OCL_K_XNES_STEP_NORM, /* kernels/xnes_entry.h */
    OCL_K_XNES_CLIP,
    OCL_K_XNES_WEIGHTS,
    OCL_K_XNES_TRACE,
    OCL_K_XNES_EXPONENT,
    OCL_K_XNES_EXPM_SCALE,
    OCL_K_COUNT
} ocl_kernel_id;

typedef struct ocl_impl {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
    cl_command_queue queue;
    cl_program program;
    cl_kernel kernels[OCL_K_COUNT];
    size_t group_size[OCL_K_COUNT]; /* work-group size of the per-element kernels */
    cl_ulong global_mem, max_alloc;
    cl_mem reduce_values;  /* GPUOPT_REDUCE_SLOTS doubles: minmax partials and totals */
    cl_mem reduce_indices; /* GPUOPT_REDUCE_SLOTS ulongs */
    double *host_x, *host_raw; /* host staging for host callbacks */
    size_t host_x_cap, host_raw_cap;
    struct ocl_source_build *sources; /* programs built from source criteria (opencl_source.c) */
    /* Bytes moved between host and device by this instance (transfers only, for tests). */
    cl_ulong bytes_to_host, bytes_to_device;
} ocl_impl;

/* One kernel argument: its size and a pointer to its value (see the OCL_* makers). */
typedef struct ocl_arg {
    size_t size;
    const void *value;
} ocl_arg;

#define OCL_MEM(p) ((ocl_arg){sizeof(cl_mem), &(cl_mem){(cl_mem)(p)}})
#define OCL_U64(v) ((ocl_arg){sizeof(cl_ulong), &(cl_ulong){(cl_ulong)(v)}})
#define OCL_INT(v) ((ocl_arg){sizeof(cl_int), &(cl_int){(cl_int)(v)}})
#define OCL_DBL(v) ((ocl_arg){sizeof(cl_double), &(cl_double){(cl_double)(v)}})
#define OCL_NARGS(a) (sizeof(a) / sizeof((a)[0]))

static inline ocl_impl *ocl_of(gpuopt_backend *b)
{
    return (ocl_impl *)b->impl;
}

/* "CL_OUT_OF_RESOURCES", or "OpenCL error -N" for codes it does not know. */
const char *gpuopt_opencl_error_name(cl_int err, char *buf, size_t len);

/* Records "<call>(<what>): <error name>" as the backend's error; returns the status the error
 * maps to (GPUOPT_ERR_OUT_OF_MEMORY for allocation failures, else GPUOPT_ERR_BACKEND). */
gpuopt_status gpuopt_opencl_fail(gpuopt_backend *b, cl_int err, const char *call, const char *what);

/* Devices usable by the backend (double precision, available, with a compiler), GPUs first;
 * with gpu_only, GPUs only. Writes up to cap ids (and their platforms); returns the count, or a
 * negative OpenCL error when no platform can be listed. */
int gpuopt_opencl_devices(int gpu_only, cl_device_id *ids, cl_platform_id *platforms, int cap);

/* Builds the program from the embedded sources and creates every kernel (opencl_program.c). */
gpuopt_status gpuopt_opencl_build(gpuopt_backend *b);
void gpuopt_opencl_release_program(ocl_impl *o);
const char *gpuopt_opencl_kernel_name(ocl_kernel_id k); /* without the gpuopt_k_ prefix */
/* The program's build log on the instance's device (malloc'd; NULL when out of memory). */
char *gpuopt_opencl_build_log(ocl_impl *o, cl_program program);

/* Sets the arguments and enqueues kernel k over `threads` threads (rounded up to the kernel's
 * work-group size; group = 0) or over `threads` threads in groups of `group` (threads must then
 * be a multiple of group). threads = 0 enqueues nothing. */
gpuopt_status gpuopt_opencl_launch(gpuopt_backend *b, ocl_kernel_id k, size_t threads,
                                   size_t group, const ocl_arg *args, size_t n_args);
/* The same for any kernel object, in groups of `group` (> 0) threads. */
gpuopt_status gpuopt_opencl_launch_kernel(gpuopt_backend *b, cl_kernel kernel, const char *name,
                                          size_t threads, size_t group, const ocl_arg *args,
                                          size_t n_args);

/* User criteria (opencl_source.c): a source criterion built once per instance and source, run
 * as one kernel; a device batch callback given the batch's cl_mem buffers and the queue. */
gpuopt_status gpuopt_opencl_eval_source(gpuopt_backend *b, const gpuopt_eval_target *t,
                                        gpuopt_dptr X, size_t n, gpuopt_dptr raw, gpuopt_dptr f);
gpuopt_status gpuopt_opencl_eval_device_fn(gpuopt_backend *b, const gpuopt_eval_target *t,
                                           gpuopt_dptr X, size_t n, gpuopt_dptr raw,
                                           gpuopt_dptr f);
void gpuopt_opencl_release_sources(ocl_impl *o);
/* How many source programs the instance has built and keeps (for tests). */
size_t gpuopt_opencl_source_builds(gpuopt_backend *b);
/* The device's CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE in bytes (0 when the query fails). */
size_t gpuopt_opencl_constant_limit(gpuopt_backend *b);

/* Ops implemented in the other files. */
gpuopt_status gpuopt_opencl_evaluate(gpuopt_backend *b, const gpuopt_eval_target *t,
                                     gpuopt_dptr X, size_t n, gpuopt_dptr raw, gpuopt_dptr f);
gpuopt_status gpuopt_opencl_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind,
                                      gpuopt_dptr raw, size_t n, size_t n_outputs, gpuopt_dptr f);
gpuopt_status gpuopt_opencl_check_values(gpuopt_backend *b, gpuopt_dptr f, gpuopt_dptr X, size_t n,
                                         size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                         size_t *first_bad);
gpuopt_status gpuopt_opencl_minmax(gpuopt_backend *b, gpuopt_dptr f, size_t n, size_t *imin,
                                   double *fmin, size_t *imax, double *fmax);
gpuopt_status gpuopt_opencl_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx);
gpuopt_status gpuopt_opencl_fill_uniform(gpuopt_backend *b, gpuopt_dptr out, size_t n,
                                         uint64_t seed, uint64_t stream, uint64_t offset);
gpuopt_status gpuopt_opencl_de_trial(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_opencl_de_select(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_opencl_pso_move(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_opencl_pso_remember(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_opencl_de_trial_evaluate(gpuopt_backend *b, const struct gpuopt_de_args *a);
gpuopt_status gpuopt_opencl_pso_move_evaluate(gpuopt_backend *b, const struct gpuopt_pso_args *a);
gpuopt_status gpuopt_opencl_pso_best_update(gpuopt_backend *b, const struct gpuopt_pso_args *a,
                                            size_t *index, double *value);
/* The CMA-ES family (opencl_cmaes.c). */
gpuopt_status gpuopt_opencl_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                        size_t cols, uint64_t seed, uint64_t stream);
gpuopt_status gpuopt_opencl_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_diag_update(gpuopt_backend *b,
                                              const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_eigen_finish(gpuopt_backend *b,
                                               const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_opencl_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
/* xNES (opencl_xnes.c). */
gpuopt_status gpuopt_opencl_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_opencl_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_opencl_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_opencl_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a);

/* Memory ops (opencl_backend.c), used by the other files too. */
gpuopt_status gpuopt_opencl_alloc(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out);
void gpuopt_opencl_release(gpuopt_backend *b, gpuopt_dptr p);
gpuopt_status gpuopt_opencl_write(gpuopt_backend *b, gpuopt_dptr dst, size_t off, const void *src,
                                  size_t bytes);
gpuopt_status gpuopt_opencl_read(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t off,
                                 size_t bytes);
gpuopt_status gpuopt_opencl_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_off,
                                 gpuopt_dptr src, size_t src_off, size_t bytes);

#endif /* GPUOPT_HOST_OPENCL_INTERNAL_H */
