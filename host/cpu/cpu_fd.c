/* The CPU backend's finite-difference ops: kernels/fd.h per stencil row and per output row,
 * on OpenMP threads. Every row is computed on its own, so any thread count gives the same bits. */
#include "../../src/derivatives/fd.h"
#include "cpu_fd.h"
#include "cpu_popops.h"

gpuopt_status gpuopt_cpu_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (!b || !a || !a->x || !a->steps || !a->points)
        return GPUOPT_ERR_NULL_POINTER;
    const int64_t rows = (int64_t)a->n_rows;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(gpuopt_cpu_threads_for(b, a->n_rows * a->dim))
#endif
    for (int64_t r = 0; r < rows; ++r)
        gpuopt_fd_host_points(a, a->x, a->steps, a->points, (size_t)r, 1);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (!b || !a || !a->x || !a->steps || !a->values || !a->out)
        return GPUOPT_ERR_NULL_POINTER;
    const int64_t rows = (int64_t)gpuopt_fd_out_rows(a);
    size_t work = (size_t)rows * a->dim * (size_t)a->n_steps * (a->order == 2 ? a->dim / 2 + 1 : 1);
    (void)work;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(gpuopt_cpu_threads_for(b, work))
#endif
    for (int64_t i = 0; i < rows; ++i)
        gpuopt_fd_host_combine_rows(a, a->x, a->steps, a->values, a->out, (size_t)i, 1);
    return GPUOPT_SUCCESS;
}
