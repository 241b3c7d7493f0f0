/* Host callbacks evaluated on host memory, on OpenMP threads where the callback allows it. */
#ifdef _OPENMP
#include <omp.h>
#endif

#include "host_eval.h"
#include "user_source.h"

/* Host batch callback: one call, or one call per thread on contiguous chunks. */
static gpuopt_status eval_batch_fn(const gpuopt_backend *b, const gpuopt_eval_target *t,
                                   const double *X, size_t n, double *raw)
{
    int threads = t->thread_safe && n > 1 ? b->n_threads : 1;
    if (threads <= 1)
        return t->batch_fn(X, n, raw, t->user) ? GPUOPT_ERR_CALLBACK : GPUOPT_SUCCESS;
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) reduction(| : failed)
#endif
    {
#ifdef _OPENMP
        size_t k = (size_t)omp_get_thread_num(), m = (size_t)omp_get_num_threads();
#else
        size_t k = 0, m = 1;
#endif
        size_t lo = n * k / m, hi = n * (k + 1) / m;
        if (hi > lo)
            failed |= t->batch_fn(X + lo * t->dim, hi - lo, raw + lo * t->n_outputs, t->user) != 0;
    }
    return failed ? GPUOPT_ERR_CALLBACK : GPUOPT_SUCCESS;
}

static gpuopt_status eval_point_fn(const gpuopt_backend *b, const gpuopt_eval_target *t,
                                   const double *X, size_t n, double *raw)
{
    int threads = t->thread_safe && n > 1 ? b->n_threads : 1;
    const long long count = (long long)n;
    int failed = 0;
    (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) reduction(| : failed)
#endif
    for (long long i = 0; i < count; ++i)
        failed |= t->point_fn(X + (size_t)i * t->dim, t->dim, raw + (size_t)i * t->n_outputs,
                              t->user) != 0;
    return failed ? GPUOPT_ERR_CALLBACK : GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_host_eval_callback(gpuopt_backend *b, const gpuopt_eval_target *t,
                                        const double *X, size_t n, double *raw)
{
    if (t->source || t->device_fn)
        return gpuopt_user_criterion_eval_host(b, t, X, n, raw);
    if (t->batch_fn)
        return eval_batch_fn(b, t, X, n, raw);
    if (t->point_fn)
        return eval_point_fn(b, t, X, n, raw);
    return GPUOPT_ERR_NO_CRITERION;
}
