/* The CPU backend's xNES operations: the kernels/xnes.h functions over elements on OpenMP
 * threads. Element results never depend on the thread count; the two sums (|x_0 - mean|^2 and
 * the trace) are taken in index order on one thread. */
#include "cpu_xnes.h"

#include "../../kernels/xnes.h"
#include "../../src/algorithms/xnes.h"
#include "cpu_popops.h"

/* A parallel loop on `threads` threads (gpuopt_cpu_threads_for). */
#ifdef _OPENMP
#define PARALLEL_FOR _Pragma("omp parallel for schedule(static) num_threads(threads)")
#else
#define PARALLEL_FOR (void)threads;
#endif

gpuopt_status gpuopt_cpu_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a || !a->X || !a->mean || !a->host_out || a->dim == 0 ||
        (a->force_bounds && (!a->lower || !a->upper)))
        return GPUOPT_ERR_NULL_POINTER;
    a->host_out[0] = gpuopt_xnes_step_norm2(a->dim, a->X, a->mean);
    if (!a->force_bounds)
        return GPUOPT_SUCCESS;
    const int64_t count = (int64_t)(a->lambda * a->dim);
    int threads = gpuopt_cpu_threads_for(b, a->lambda * a->dim);
    PARALLEL_FOR
    for (int64_t e = 0; e < count; ++e)
        gpuopt_xnes_clip_elem((uint64_t)e, a->dim, a->lower, a->upper, a->X);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a || !a->idx || !a->util || !a->Z || !a->W)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t d = a->dim;
    const int64_t lam = (int64_t)a->lambda;
    int threads = gpuopt_cpu_threads_for(b, a->lambda * d);
    PARALLEL_FOR
    for (int64_t r = 0; r < lam; ++r)
        for (size_t j = 0; j < d; ++j)
            gpuopt_xnes_weight_elem((uint64_t)r, j, d, a->idx, a->util, a->Z, a->W);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a || !a->G || !a->dA || !a->host_out || a->dim == 0)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t d = a->dim;
    const int64_t dim = (int64_t)d;
    double tr = gpuopt_xnes_trace(d, a->utility_sum, a->G), mean_diag = tr / (double)d;
    int threads = gpuopt_cpu_threads_for(b, d * d);
    PARALLEL_FOR
    for (int64_t i = 0; i < dim; ++i)
        for (size_t j = 0; j < d; ++j)
            gpuopt_xnes_exponent_elem((uint64_t)i, j, d, a->utility_sum, a->eta_sigma, a->eta_b,
                                      mean_diag, a->G, a->dA);
    a->host_out[0] = tr;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a || !a->V || !a->evals || !a->VS)
        return GPUOPT_ERR_NULL_POINTER;
    const size_t d = a->dim;
    const int64_t dim = (int64_t)d;
    int threads = gpuopt_cpu_threads_for(b, d * d);
    PARALLEL_FOR
    for (int64_t i = 0; i < dim; ++i)
        for (size_t j = 0; j < d; ++j)
            gpuopt_xnes_expm_scale_elem((uint64_t)i, j, d, a->V, a->evals, a->VS);
    return GPUOPT_SUCCESS;
}
