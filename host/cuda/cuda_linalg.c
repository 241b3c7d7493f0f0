/* cuBLAS and cuSOLVER behind the CUDA backend: dgemm (cublasDgemm) and dsyevd
 * (cusolverDnDsyevd) on the backend's stream. The libraries are loaded (cuda_libs.c) and the
 * handles created on first use: both cost time and memory that most runs never need. */
#include <limits.h>
#include <stdio.h>

#include "cuda_internal.h"

/* ------------------------------------------------------------------ errors */

static gpuopt_status cu_blas_fail(gpuopt_backend *b, const gpuopt_cuda_blas *lib,
                                  cublasStatus_t s, const char *call, const char *what)
{
    return gpuopt_backend_fail(b, s == CUBLAS_STATUS_ALLOC_FAILED ? GPUOPT_ERR_OUT_OF_MEMORY
                                                                  : GPUOPT_ERR_BACKEND,
                               "%s(%s): %s (%s)", call, what, lib->status_name(s),
                               lib->status_string(s));
}

static const char *cu_solver_status_name(cusolverStatus_t s)
{
    switch (s) {
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_INVALID_WORKSPACE: return "CUSOLVER_STATUS_INVALID_WORKSPACE";
    default: return "CUSOLVER_STATUS_?";
    }
}

static gpuopt_status cu_solver_fail(gpuopt_backend *b, cusolverStatus_t s, const char *call,
                                    size_t n)
{
    return gpuopt_backend_fail(b, s == CUSOLVER_STATUS_ALLOC_FAILED ? GPUOPT_ERR_OUT_OF_MEMORY
                                                                    : GPUOPT_ERR_BACKEND,
                               "%s(n = %zu): %s (status %d)", call, n, cu_solver_status_name(s),
                               (int)s);
}

/* ------------------------------------------------------------------ handles */

/* cuBLAS loaded and the instance's handle on its stream; NULL after a failure (reported). */
static const gpuopt_cuda_blas *cu_blas(gpuopt_backend *b, gpuopt_status *st)
{
    cu_impl *c = cu_of(b);
    const char *why = "";
    const gpuopt_cuda_blas *lib = gpuopt_cuda_blas_lib(&why);
    *st = lib ? GPUOPT_SUCCESS
              : gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND, "cuBLAS is not available: %s", why);
    if (!lib || c->blas)
        return lib;
    cublasStatus_t s = lib->create(&c->blas);
    if (s != CUBLAS_STATUS_SUCCESS) {
        c->blas = NULL;
        *st = cu_blas_fail(b, lib, s, "cublasCreate", b->device);
        return NULL;
    }
    s = lib->set_stream(c->blas, c->stream);
    if (s != CUBLAS_STATUS_SUCCESS)
        *st = cu_blas_fail(b, lib, s, "cublasSetStream", b->device);
    return s == CUBLAS_STATUS_SUCCESS ? lib : NULL;
}

/* cuSOLVER loaded and the instance's handle on its stream; NULL after a failure (reported). */
static const gpuopt_cuda_solver *cu_solver(gpuopt_backend *b, gpuopt_status *st)
{
    cu_impl *c = cu_of(b);
    const char *why = "";
    const gpuopt_cuda_solver *lib = gpuopt_cuda_solver_lib(&why);
    *st = lib ? GPUOPT_SUCCESS
              : gpuopt_backend_fail(b, GPUOPT_ERR_BACKEND, "cuSOLVER is not available: %s", why);
    if (!lib || c->solver)
        return lib;
    cusolverStatus_t s = lib->create(&c->solver);
    if (s != CUSOLVER_STATUS_SUCCESS) {
        c->solver = NULL;
        *st = cu_solver_fail(b, s, "cusolverDnCreate", 0);
        return NULL;
    }
    s = lib->set_stream(c->solver, c->stream);
    if (s != CUSOLVER_STATUS_SUCCESS)
        *st = cu_solver_fail(b, s, "cusolverDnSetStream", 0);
    return s == CUSOLVER_STATUS_SUCCESS ? lib : NULL;
}

void gpuopt_cuda_release_linalg(cu_impl *c)
{
    const char *why;
    if (c->blas)
        gpuopt_cuda_blas_lib(&why)->destroy(c->blas);
    if (c->solver)
        gpuopt_cuda_solver_lib(&why)->destroy(c->solver);
    c->blas = NULL;
    c->solver = NULL;
}

/* ------------------------------------------------------------------ dgemm */

/* Whether a row-major rows x cols matrix with leading dimension ld suits BLAS (as on the CPU). */
static int cu_shape_ok(size_t rows, size_t cols, size_t ld)
{
    return rows <= INT_MAX && cols <= INT_MAX && ld <= INT_MAX && ld >= (cols ? cols : 1);
}

/* Row-major C = alpha op(A) op(B) + beta C is, read column-major, C^T = alpha op(B)^T op(A)^T +
 * beta C^T: cuBLAS gets B before A and n before m, with the same transpose flags. */
gpuopt_status gpuopt_cuda_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                double beta, gpuopt_dptr C, size_t c_offset, size_t ldc)
{
    if (!b || !b->impl)
        return GPUOPT_ERR_NULL_POINTER;
    if (!cu_shape_ok(trans_a ? k : m, trans_a ? m : k, lda) ||
        !cu_shape_ok(trans_b ? n : k, trans_b ? k : n, ldb) || !cu_shape_ok(m, n, ldc))
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "dgemm: bad shape (m %zu, n %zu, k %zu, lda %zu, ldb %zu, ldc "
                                   "%zu)",
                                   m, n, k, lda, ldb, ldc);
    if (m == 0 || n == 0)
        return GPUOPT_SUCCESS;
    if (!A || !B || !C)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "dgemm: NULL matrix");
    gpuopt_status st = gpuopt_cuda_enter(b);
    const gpuopt_cuda_blas *lib = st == GPUOPT_SUCCESS ? cu_blas(b, &st) : NULL;
    if (!lib)
        return st;
    cublasStatus_t s = lib->dgemm(cu_of(b)->blas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, (int)n, (int)m, (int)k,
                                  &alpha, (const double *)B + b_offset, (int)ldb,
                                  (const double *)A + a_offset, (int)lda, &beta,
                                  (double *)C + c_offset, (int)ldc);
    if (s == CUBLAS_STATUS_SUCCESS)
        return GPUOPT_SUCCESS;
    char what[96];
    snprintf(what, sizeof what, "%zu x %zu x %zu", m, n, k);
    return cu_blas_fail(b, lib, s, "cublasDgemm", what);
}

/* ------------------------------------------------------------------ dsyevd */

/* Fails naming the first non-finite entry of the n x n matrix (the CPU backend refuses them
 * too; cuSOLVER would return garbage). */
static gpuopt_status cu_check_finite(gpuopt_backend *b, size_t n, gpuopt_dptr A)
{
    size_t bad = 0, first = 0;
    gpuopt_status st = gpuopt_cuda_check_values(b, A, NULL, n * n, 0, NULL, &bad, &first);
    if (st != GPUOPT_SUCCESS || bad == 0)
        return st;
    double v = 0.0;
    st = gpuopt_cuda_read(b, &v, A, first * sizeof v, sizeof v);
    return st != GPUOPT_SUCCESS ? st
                                : gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                                      "dsyevd: entry (%zu, %zu) of the matrix is "
                                                      "%g",
                                                      first / n, first % n, v);
}

/* cuSOLVER's syevd on A (row-major upper = column-major lower triangle), then its eigenvectors,
 * columns in column-major order, transposed so that they are the columns of the row-major A. */
static gpuopt_status cu_syevd(gpuopt_backend *b, const gpuopt_cuda_solver *lib, int n, double *A,
                              double *w)
{
    cu_impl *c = cu_of(b);
    const cusolverEigMode_t jobz = CUSOLVER_EIG_MODE_VECTOR;
    const cublasFillMode_t uplo = CUBLAS_FILL_MODE_LOWER;
    int lwork = 0, info = 0;
    cusolverStatus_t s = lib->syevd_buffer_size(c->solver, jobz, uplo, n, A, n, w, &lwork);
    if (s != CUSOLVER_STATUS_SUCCESS)
        return cu_solver_fail(b, s, "cusolverDnDsyevd_bufferSize", (size_t)n);
    gpuopt_dptr work = NULL, dinfo = NULL;
    gpuopt_status st = gpuopt_cuda_alloc(b, (size_t)(lwork > 0 ? lwork : 1) * sizeof(double), &work);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_alloc(b, sizeof(int), &dinfo);
    if (st == GPUOPT_SUCCESS) {
        s = lib->syevd(c->solver, jobz, uplo, n, A, n, w, work, lwork, dinfo);
        if (s != CUSOLVER_STATUS_SUCCESS)
            st = cu_solver_fail(b, s, "cusolverDnDsyevd", (size_t)n);
    }
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_read(b, &info, dinfo, 0, sizeof info);
    gpuopt_cuda_release(b, work);
    gpuopt_cuda_release(b, dinfo);
    if (st == GPUOPT_SUCCESS && info != 0)
        return gpuopt_backend_fail(b, info < 0 ? GPUOPT_ERR_INVALID_ARGUMENT : GPUOPT_ERR_BACKEND,
                                   "cusolverDnDsyevd failed (info %d)%s", info,
                                   info > 0 ? ": the eigenvalues did not converge" : "");
    gpuopt_cuda_launch l;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_grid(b, "transpose", (size_t)n * (size_t)n, 0, &l);
    return st != GPUOPT_SUCCESS ? st
                                : gpuopt_cuda_launched(b, gpuopt_cuda_k_transpose(l, (size_t)n, A),
                                                       "transpose");
}

gpuopt_status gpuopt_cuda_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w)
{
    if (!b || !b->impl)
        return GPUOPT_ERR_NULL_POINTER;
    if (n == 0)
        return GPUOPT_SUCCESS;
    if (!A || !w)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "dsyevd: NULL matrix");
    if (n > INT_MAX / 2)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "dsyevd: n = %zu is too large",
                                   n);
    gpuopt_status st = cu_check_finite(b, n, A);
    const gpuopt_cuda_solver *lib = st == GPUOPT_SUCCESS ? cu_solver(b, &st) : NULL;
    return lib ? cu_syevd(b, lib, (int)n, A, w) : st;
}
