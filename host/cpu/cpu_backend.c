/* The CPU backend: host memory, OpenMP threads, and the kernels/ math run as plain C.
 * It implements every op and is the reference the device backends are checked against. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "../../kernels/philox.h"
#include "../../kernels/problems.h"
#include "../backend.h"
#include "../host_eval.h"
#include "cpu_fd.h"
#include "cpu_cmaes.h"
#include "cpu_xnes.h"
#include "cpu_popops.h"

static int cpu_cores(void)
{
#ifdef _OPENMP
    return omp_get_num_procs();
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#endif
}

static int cpu_device_count(int gpu_only, char *why, size_t why_len)
{
    if (why && why_len)
        snprintf(why, why_len, "%s", gpu_only ? "the CPU is not a GPU" : "");
    return gpu_only ? 0 : 1;
}

static void cpu_model_name(char *buf, size_t len)
{
    snprintf(buf, len, "host CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            colon += 1 + (colon[1] == ' ');
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, len, "%s", colon);
            break;
        }
    }
    fclose(f);
}

static gpuopt_status cpu_device_info(int index, gpuopt_device_info *info)
{
    if (index != 0 || !info)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    memset(info, 0, sizeof *info);
    cpu_model_name(info->name, sizeof info->name);
    snprintf(info->vendor, sizeof info->vendor, "host");
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    info->memory_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    info->compute_units = cpu_cores();
    info->double_support = 1;
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_open(gpuopt_backend *b, int device_index)
{
    (void)device_index;
    char model[128];
    cpu_model_name(model, sizeof model);
    snprintf(b->device, sizeof b->device, "%s, %d thread%s", model, b->n_threads,
             b->n_threads == 1 ? "" : "s");
    return GPUOPT_SUCCESS;
}

/* ---------------------------------------------------------------- memory */

static gpuopt_status cpu_alloc(gpuopt_backend *b, size_t bytes, gpuopt_dptr *out)
{
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "cpu backend: cannot allocate %zu bytes", bytes);
    *out = p;
    return GPUOPT_SUCCESS;
}

static void cpu_release(gpuopt_backend *b, gpuopt_dptr p)
{
    (void)b;
    free(p);
}

static gpuopt_status cpu_write(gpuopt_backend *b, gpuopt_dptr dst, size_t off, const void *src,
                               size_t bytes)
{
    (void)b;
    if (bytes)
        memmove((char *)dst + off, src, bytes);
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_read(gpuopt_backend *b, void *dst, gpuopt_dptr src, size_t off,
                              size_t bytes)
{
    (void)b;
    if (bytes)
        memmove(dst, (const char *)src + off, bytes);
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_copy(gpuopt_backend *b, gpuopt_dptr dst, size_t dst_off, gpuopt_dptr src,
                              size_t src_off, size_t bytes)
{
    return cpu_write(b, dst, dst_off, (const char *)src + src_off, bytes);
}

static gpuopt_status cpu_synchronize(gpuopt_backend *b)
{
    (void)b;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ evaluation */

static gpuopt_status cpu_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind, gpuopt_dptr raw,
                                   size_t n, size_t m, gpuopt_dptr f);

/* A built-in with several outputs (a likelihood): the n x m contributions, then their sums. */
static gpuopt_status eval_builtin_outputs(gpuopt_backend *b, const gpuopt_eval_target *t,
                                          const double *X, size_t n, double *raw, double *f)
{
    const size_t m = t->n_outputs;
    const long long count = (long long)(n * m);
    const int dim = (int)t->dim;
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, n * m * t->dim))
    for (long long i = 0; i < count; ++i)
        raw[i] = gpuopt_builtin_output(t->builtin_id, X + ((size_t)i / m) * t->dim, dim,
                                       (size_t)i % m);
    return cpu_aggregate(b, t->kind, raw, n, m, f);
}

static gpuopt_status eval_builtin(gpuopt_backend *b, const gpuopt_eval_target *t, const double *X,
                                  size_t n, double *out)
{
    const long long count = (long long)n;
    const int dim = (int)t->dim;
    (void)b;
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, n * t->dim))
    for (long long i = 0; i < count; ++i)
        out[i] = gpuopt_builtin_value(t->builtin_id, X + (size_t)i * t->dim, dim);
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_aggregate(gpuopt_backend *b, gpuopt_criterion_kind kind, gpuopt_dptr raw,
                                   size_t n, size_t m, gpuopt_dptr f)
{
    const double *r = raw;
    double *out = f;
    const long long count = (long long)n;
    (void)b;
    if (kind == GPUOPT_CRITERION_SCALAR) {
        if (raw != f)
            memmove(out, r, n * sizeof *out);
        return GPUOPT_SUCCESS;
    }
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, n * m))
    for (long long i = 0; i < count; ++i) {
        const double *row = r + (size_t)i * m;
        double sum = 0;
        for (size_t k = 0; k < m; ++k)
            sum += kind == GPUOPT_CRITERION_LEAST_SQUARES ? row[k] * row[k] : row[k];
        out[i] = sum;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_evaluate(gpuopt_backend *b, const gpuopt_eval_target *t, gpuopt_dptr X,
                                  size_t n, gpuopt_dptr raw, gpuopt_dptr f)
{
    gpuopt_status st;
    if (t->builtin_id >= 0 && t->n_outputs > 1)
        return raw ? eval_builtin_outputs(b, t, X, n, raw, f)
                   : gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (t->builtin_id >= 0)
        return eval_builtin(b, t, X, n, f);
    if (!t->batch_fn && !t->point_fn && !t->source && !t->device_fn)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NO_CRITERION, "the problem has no criterion");
    st = gpuopt_host_eval_callback(b, t, X, n, raw);
    if (st == GPUOPT_ERR_CALLBACK)
        return gpuopt_backend_fail(b, st, "the criterion callback returned an error");
    if (st != GPUOPT_SUCCESS)
        return st; /* the message the evaluation path left (e.g. a compile log) */
    return cpu_aggregate(b, t->kind, raw, n, t->n_outputs, f);
}

static gpuopt_status cpu_check_values(gpuopt_backend *b, gpuopt_dptr fp, gpuopt_dptr Xp, size_t n,
                                      size_t dim, const gpuopt_penalty *p, size_t *n_bad,
                                      size_t *first_bad)
{
    (void)b;
    double *f = fp;
    const double *X = Xp, *x0 = p ? p->x0 : NULL;
    size_t bad = 0, first = n;
    for (size_t i = 0; i < n; ++i) {
        if (isfinite(f[i]))
            continue;
        if (!bad++)
            first = i;
        if (p && p->replace) {
            double d2 = 0;
            for (size_t k = 0; x0 && k < dim; ++k) {
                double d = X[i * dim + k] - x0[k];
                d2 += d * d;
            }
            f[i] = p->constant + p->slope * sqrt(d2);
        }
    }
    *n_bad = bad;
    *first_bad = first;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------- random numbers, reductions */

static gpuopt_status cpu_fill_uniform(gpuopt_backend *b, gpuopt_dptr out, size_t n, uint64_t seed,
                                      uint64_t stream, uint64_t offset)
{
    double *u = out;
    const long long count = (long long)n;
    (void)b;
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, n))
    for (long long i = 0; i < count; ++i)
        u[i] = gpuopt_philox_uniform(seed, stream, offset + (uint64_t)i);
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_minmax(gpuopt_backend *b, gpuopt_dptr fp, size_t n, size_t *imin,
                                double *fmin, size_t *imax, double *fmax)
{
    (void)b;
    const double *f = fp;
    size_t lo = 0, hi = 0;
    for (size_t i = 1; i < n; ++i) {
        if (f[i] < f[lo] || (isnan(f[lo]) && !isnan(f[i])))
            lo = i;
        if (f[i] > f[hi] || (isnan(f[hi]) && !isnan(f[i])))
            hi = i;
    }
    if (imin)
        *imin = lo;
    if (fmin)
        *fmin = n ? f[lo] : NAN;
    if (imax)
        *imax = hi;
    if (fmax)
        *fmax = n ? f[hi] : NAN;
    return GPUOPT_SUCCESS;
}

static gpuopt_status cpu_argsort(gpuopt_backend *b, gpuopt_dptr f, size_t n, gpuopt_dptr idx)
{
    (void)b;
    return gpuopt_host_argsort(f, n, idx);
}

const gpuopt_backend_ops gpuopt_backend_cpu = {
    .name = "cpu",
    .kind = GPUOPT_BACKEND_CPU,
    .is_gpu = 0,
    .device_count = cpu_device_count,
    .device_info = cpu_device_info,
    .open = cpu_open,
    .close = NULL,
    .alloc = cpu_alloc,
    .release = cpu_release,
    .write = cpu_write,
    .read = cpu_read,
    .synchronize = cpu_synchronize,
    .evaluate = cpu_evaluate,
    .aggregate = cpu_aggregate,
    .check_values = cpu_check_values,
    .fill_uniform = cpu_fill_uniform,
    .minmax = cpu_minmax,
    .de_trial = gpuopt_cpu_de_trial,
    .de_select = gpuopt_cpu_de_select,
    .pso_move = gpuopt_cpu_pso_move,
    .pso_remember = gpuopt_cpu_pso_remember,
    .copy = cpu_copy,
    .argsort = cpu_argsort,
    .dgemm = gpuopt_cpu_dgemm,
    .dsyevd = gpuopt_cpu_dsyevd,
    .fill_normal = gpuopt_cpu_fill_normal,
    .cmaes_sample = gpuopt_cpu_cmaes_sample,
    .cmaes_rank_stats = gpuopt_cpu_cmaes_rank_stats,
    .cmaes_penalty = gpuopt_cpu_cmaes_penalty,
    .cmaes_recombine = gpuopt_cpu_cmaes_recombine,
    .cmaes_paths = gpuopt_cpu_cmaes_paths,
    .cmaes_diag_update = gpuopt_cpu_cmaes_diag_update,
    .cmaes_eigen_finish = gpuopt_cpu_cmaes_eigen_finish,
    .cmaes_measure = gpuopt_cpu_cmaes_measure,
    .fd_points = gpuopt_cpu_fd_points,
    .fd_combine = gpuopt_cpu_fd_combine,
    .de_trial_evaluate = gpuopt_cpu_de_trial_evaluate,
    .pso_move_evaluate = gpuopt_cpu_pso_move_evaluate,
    .pso_best_update = gpuopt_cpu_pso_best_update,
    .xnes_bound = gpuopt_cpu_xnes_bound,
    .xnes_weights = gpuopt_cpu_xnes_weights,
    .xnes_exponent = gpuopt_cpu_xnes_exponent,
    .xnes_expm_scale = gpuopt_cpu_xnes_expm_scale,
};

/* The CPU backend's thread count: 0 means all cores. */
int gpuopt_cpu_resolve_threads(int requested)
{
    return requested > 0 ? requested : cpu_cores();
}
