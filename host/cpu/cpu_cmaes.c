/* The CPU backend's CMA-ES operations: the kernels/cmaes.h functions over elements on OpenMP
 * threads. Element results never depend on the thread count; sums over coordinates (|p_sigma|^2)
 * and the counts and extremes of the measurements are taken in index order on one thread. */
#include "cpu_cmaes.h"

#include <math.h>

#include "../../kernels/cmaes.h"
#include "../../src/algorithms/cmaes_core.h"
#include "cpu_popops.h"

/* A parallel loop on `threads` threads (gpuopt_cpu_threads_for). */
#ifdef _OPENMP
#define PARALLEL_FOR _Pragma("omp parallel for schedule(static) num_threads(threads)")
#else
#define PARALLEL_FOR (void)threads;
#endif

gpuopt_status gpuopt_cpu_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows, size_t cols,
                                     uint64_t seed, uint64_t stream)
{
    if (!b || (!out && rows && cols))
        return GPUOPT_ERR_NULL_POINTER;
    double *z = out;
    const size_t half = (cols + 1) / 2; /* Box-Muller pairs per row */
    const int64_t count = (int64_t)(rows * half);
    int threads = gpuopt_cpu_threads_for(b, rows * cols);
    PARALLEL_FOR
    for (int64_t e = 0; e < count; ++e) {
        size_t i = (size_t)e / half, k = 2 * ((size_t)e % half);
        double z0, z1;
        gpuopt_cmaes_normal_pair(seed, stream, i, k, &z0, &z1);
        z[i * cols + k] = z0;
        if (k + 1 < cols)
            z[i * cols + k + 1] = z1;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->Y || !a->X || !a->mean || !a->lower || !a->upper ||
        (a->separable && (!a->Z || !a->D)))
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim;
    const int64_t lam = (int64_t)a->lambda;
    int threads = gpuopt_cpu_threads_for(b, a->lambda * n);
    PARALLEL_FOR
    for (int64_t i = 0; i < lam; ++i)
        for (size_t k = 0; k < n; ++k)
            gpuopt_cmaes_sample_elem((uint64_t)i, k, n, a->separable, a->bounds, a->sigma, a->Z,
                                     a->D, a->mean, a->lower, a->upper, a->Y, a->X);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->f || !a->idx || !a->host_out || a->lambda == 0)
        return GPUOPT_ERR_NULL_POINTER;
    gpuopt_cmaes_rank_stats(a->f, a->idx, a->lambda, a->host_out);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->C || !a->mean || !a->lower || !a->upper || !a->gamma || !a->X || !a->Y ||
        !a->f || !a->fit)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim, cstride = a->separable ? 1 : n + 1;
    const int64_t dim = (int64_t)n, lam = (int64_t)a->lambda;
    double *fit = a->fit;
    int threads = gpuopt_cpu_threads_for(b, n);
    PARALLEL_FOR
    for (int64_t j = 0; j < dim; ++j)
        gpuopt_cmaes_penalty_weight((uint64_t)j, a->gamma_mode, a->dfit, a->damp, a->edist_min,
                                    a->sigma, a->C, cstride, a->mean, a->lower, a->upper, a->gamma);
    threads = gpuopt_cpu_threads_for(b, a->lambda * n);
    PARALLEL_FOR
    for (int64_t i = 0; i < lam; ++i)
        fit[i] =
            gpuopt_cmaes_penalized((uint64_t)i, n, a->sigma, a->f, a->X, a->Y, a->mean, a->gamma);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->idx || !a->weights || !a->Z || !a->Y || !a->wind || !a->ymean || !a->zmean)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim;
    const int64_t dim = (int64_t)n, lam = (int64_t)a->lambda;
    int threads = gpuopt_cpu_threads_for(b, a->lambda * n);
    PARALLEL_FOR
    for (int64_t r = 0; r < lam; ++r)
        gpuopt_cmaes_rank_weight((uint64_t)r, n, a->idx, a->weights, a->Z, a->wind);
    threads = gpuopt_cpu_threads_for(b, a->n_mu * n);
    PARALLEL_FOR
    for (int64_t k = 0; k < dim; ++k)
        gpuopt_cmaes_means_coord((uint64_t)k, n, a->n_mu, a->idx, a->weights, a->Y, a->Z, a->ymean,
                                 a->zmean);
    threads = gpuopt_cpu_threads_for(b, a->lambda * n);
    PARALLEL_FOR
    for (int64_t i = 0; i < lam; ++i)
        for (size_t k = 0; k < n; ++k)
            gpuopt_cmaes_rankmu_elem((uint64_t)i, k, n, a->c_mu, a->wind, a->Y, a->Z);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->u || !a->ps || !a->pc || !a->mean || !a->ymean || !a->Y || !a->Z ||
        !a->host_out)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim;
    const int64_t dim = (int64_t)n;
    double norm2 = 0;
    for (size_t k = 0; k < n; ++k) /* one thread: the sum's order is fixed */
        norm2 += gpuopt_cmaes_ps_coord(k, a->ps_decay, a->ps_gain, a->u, a->ps);
    int hsig = gpuopt_cmaes_hsig(norm2, a->hsig_norm, a->hsig_bound);
    int threads = gpuopt_cpu_threads_for(b, n);
    PARALLEL_FOR
    for (int64_t k = 0; k < dim; ++k)
        gpuopt_cmaes_pc_coord((uint64_t)k, n, a->lambda, hsig, a->pc_decay, a->pc_gain,
                              a->mean_gain, a->c1, a->ymean, a->pc, a->mean, a->Y, a->Z);
    a->host_out[0] = norm2;
    a->host_out[1] = hsig;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_diag_update(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->Z || !a->Y || !a->C || !a->D)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim;
    const int64_t dim = (int64_t)n;
    const double *c = a->C;
    int threads = gpuopt_cpu_threads_for(b, (a->lambda + 1) * n);
    PARALLEL_FOR
    for (int64_t k = 0; k < dim; ++k)
        gpuopt_cmaes_diag_coord((uint64_t)k, n, a->lambda + 1, a->beta, a->Z, a->Y, a->C, a->D);
    if (a->host_out) {
        double hi = c[0], lo = c[0];
        for (size_t k = 1; k < n; ++k) {
            hi = fmax(hi, c[k]);
            lo = fmin(lo, c[k]);
        }
        a->host_out[0] = hi;
        a->host_out[1] = lo;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_eigen_finish(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->B || !a->evals || !a->BD || !a->D || a->dim == 0)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim;
    const int64_t dim = (int64_t)n;
    const double *w = a->evals;
    double *d = a->D;
    int threads = gpuopt_cpu_threads_for(b, n * n);
    PARALLEL_FOR
    for (int64_t j = 0; j < dim; ++j)
        for (size_t k = 0; k < n; ++k)
            gpuopt_cmaes_bd_elem((uint64_t)j, k, n, a->B, a->evals, a->BD);
    for (size_t k = 0; k < n; ++k)
        d[k] = gpuopt_cmaes_axis_length(w[k], w[n - 1]);
    if (a->host_out) {
        a->host_out[0] = w[0];
        a->host_out[1] = w[n - 1];
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    if (!b || !a || !a->C || !a->pc || !a->mean || !a->lower || !a->upper || !a->D ||
        !a->host_out || (!a->separable && !a->BD) || a->dim == 0 || a->axis >= a->dim)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t n = a->dim, cstride = a->separable ? 1 : n + 1;
    const double *c = a->C, *bd = a->BD, *d = a->D;
    double *out = a->host_out;
    out[GPUOPT_CMAES_MEASURE_MAX_VAR] = -INFINITY;
    out[GPUOPT_CMAES_MEASURE_MIN_VAR] = INFINITY;
    for (int k = GPUOPT_CMAES_MEASURE_MAX_PC; k < GPUOPT_CMAES_N_MEASURES; ++k)
        out[k] = 0;
    for (size_t j = 0; j < n; ++j) {
        double axis = a->separable ? (j == a->axis ? d[j] : 0.0) : bd[j * n + a->axis];
        gpuopt_cmaes_coord m = gpuopt_cmaes_measure_coord(j, a->sigma, c[j * cstride], axis, a->pc,
                                                          a->mean, a->lower, a->upper);
        out[GPUOPT_CMAES_MEASURE_MAX_VAR] = fmax(out[GPUOPT_CMAES_MEASURE_MAX_VAR], m.var);
        out[GPUOPT_CMAES_MEASURE_MIN_VAR] = fmin(out[GPUOPT_CMAES_MEASURE_MIN_VAR], m.var);
        out[GPUOPT_CMAES_MEASURE_MAX_PC] = fmax(out[GPUOPT_CMAES_MEASURE_MAX_PC], m.pc);
        out[GPUOPT_CMAES_MEASURE_NOEFFECT] += m.noeffect;
        out[GPUOPT_CMAES_MEASURE_AXIS] = out[GPUOPT_CMAES_MEASURE_AXIS] || m.moves;
        out[GPUOPT_CMAES_MEASURE_OUTSIDE] += m.outside;
        out[GPUOPT_CMAES_MEASURE_SUM_VAR] += m.var;
    }
    return GPUOPT_SUCCESS;
}
