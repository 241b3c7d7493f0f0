/* The CPU backend's linear algebra: dgemm through CBLAS (OpenBLAS), dsyevd through LAPACKE. The
 * host fallbacks of the other backends (host/backend_linalg.c) run these on host copies. */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>

#include "cpu_cmaes.h"

/* OpenBLAS runs its own threads, and its results depend on how many: so that gpuopt's results do
 * not depend on the backend's thread count, operations of at least GPUOPT_CPU_BLAS_PARALLEL_WORK
 * multiply-adds use all cores and smaller ones one thread (where starting and spin-waiting
 * threads costs more than it saves). */
#define GPUOPT_CPU_BLAS_PARALLEL_WORK (1u << 21)
static void blas_threads(double work)
{
#ifdef GPUOPT_HAVE_OPENBLAS_THREADS
    int want = work >= GPUOPT_CPU_BLAS_PARALLEL_WORK ? gpuopt_cpu_resolve_threads(0) : 1;
    if (openblas_get_num_threads() != want)
        openblas_set_num_threads(want);
#else
    (void)work;
#endif
}

/* Whether a row-major rows x cols matrix with leading dimension ld is well formed for BLAS. */
static int shape_ok(size_t rows, size_t cols, size_t ld)
{
    return rows <= INT_MAX && cols <= INT_MAX && ld <= INT_MAX && ld >= (cols ? cols : 1);
}

gpuopt_status gpuopt_cpu_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                               size_t k, double alpha, gpuopt_dptr A, size_t a_offset, size_t lda,
                               gpuopt_dptr B, size_t b_offset, size_t ldb, double beta,
                               gpuopt_dptr C, size_t c_offset, size_t ldc)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (!shape_ok(trans_a ? k : m, trans_a ? m : k, lda) ||
        !shape_ok(trans_b ? n : k, trans_b ? k : n, ldb) || !shape_ok(m, n, ldc))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "dgemm: bad shape (m %zu, n %zu, k %zu, lda %zu, ldb %zu, ldc "
                                   "%zu)",
                                   m, n, k, lda, ldb, ldc);
    if (m == 0 || n == 0)
        return GPUOPT_SUCCESS;
    if (!A || !B || !C)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "dgemm: NULL matrix");
    blas_threads((double)m * (double)n * (double)k);
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha,
                (const double *)A + a_offset, (int)lda, (const double *)B + b_offset, (int)ldb,
                beta, (double *)C + c_offset, (int)ldc);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cpu_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (n == 0)
        return GPUOPT_SUCCESS;
    if (!A || !w)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "dsyevd: NULL matrix");
    if (n > INT_MAX / 2)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "dsyevd: n = %zu is too large",
                                   n);
    const double *a = A;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i; j < n; ++j) /* the upper triangle is what LAPACK reads */
            if (!isfinite(a[i * n + j]))
                return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                           "dsyevd: entry (%zu, %zu) of the matrix is %g", i, j,
                                           a[i * n + j]);
    blas_threads((double)n * (double)n * (double)n);
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, (double *)A,
                                     (lapack_int)n, (double *)w);
    if (info != 0)
        return gpuopt_backend_fail(b, info < 0 ? GPUOPT_ERR_INVALID_ARGUMENT : GPUOPT_ERR_BACKEND,
                                   "LAPACKE_dsyevd failed (info %d)%s", (int)info,
                                   info > 0 ? ": the eigenvalues did not converge" : "");
    return GPUOPT_SUCCESS;
}
