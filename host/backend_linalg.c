/* dgemm and dsyevd: the backend's op, or the host fallback (read the operands, compute with
 * CBLAS / LAPACKE as the CPU backend does, write the result back). */
#include <stdlib.h>

#include "backend.h"
#include "cpu/cpu_cmaes.h"

/* Elements spanned by a row-major rows x cols matrix with leading dimension ld. */
static size_t span(size_t rows, size_t cols, size_t ld)
{
    return rows && cols ? (rows - 1) * ld + cols : 0;
}

/* Host copy of `count` elements at element offset `offset` of a backend buffer. */
static gpuopt_status fetch(gpuopt_backend *b, gpuopt_dptr src, size_t offset, size_t count,
                           double **out)
{
    *out = malloc(count ? count * sizeof **out : 1);
    if (!*out)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory (%zu values)",
                                   count);
    return count ? b->ops->read(b, *out, src, offset * sizeof **out, count * sizeof **out)
                 : GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_backend_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                   size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                   size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                   double beta, gpuopt_dptr C, size_t c_offset, size_t ldc)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (b->ops->dgemm)
        return b->ops->dgemm(b, trans_a, trans_b, m, n, k, alpha, A, a_offset, lda, B, b_offset,
                             ldb, beta, C, c_offset, ldc);
    if (m == 0 || n == 0)
        return GPUOPT_SUCCESS;
    size_t na = span(trans_a ? k : m, trans_a ? m : k, lda);
    size_t nb = span(trans_b ? n : k, trans_b ? k : n, ldb), nc = span(m, n, ldc);
    double *ha = NULL, *hb = NULL, *hc = NULL;
    gpuopt_status st = fetch(b, A, a_offset, na, &ha);
    if (st == GPUOPT_SUCCESS)
        st = fetch(b, B, b_offset, nb, &hb);
    if (st == GPUOPT_SUCCESS) /* read even when beta = 0: the gaps between rows stay as they are */
        st = fetch(b, C, c_offset, nc, &hc);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cpu_dgemm(b, trans_a, trans_b, m, n, k, alpha, ha, 0, lda, hb, 0, ldb, beta, hc,
                              0, ldc);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, C, c_offset * sizeof *hc, hc, nc * sizeof *hc);
    free(ha);
    free(hb);
    free(hc);
    return st;
}

gpuopt_status gpuopt_backend_dsyevd(gpuopt_backend *b, size_t n, gpuopt_dptr A, gpuopt_dptr w)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (b->ops->dsyevd)
        return b->ops->dsyevd(b, n, A, w);
    if (n == 0)
        return GPUOPT_SUCCESS;
    double *ha = NULL, *hw = malloc(n * sizeof *hw);
    gpuopt_status st = hw ? fetch(b, A, 0, n * n, &ha)
                          : gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cpu_dsyevd(b, n, ha, hw);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, A, 0, ha, n * n * sizeof *ha);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, w, 0, hw, n * sizeof *hw);
    free(ha);
    free(hw);
    return st;
}
