/* CLBlast behind the OpenCL backend: dgemm on the backend's queue. */
#include <stdio.h>

#include "opencl_internal.h" /* first: sets CL_TARGET_OPENCL_VERSION */

#include <clblast_c.h>

#include "opencl_blas.h"

/* CLBlast's own status codes (those above -100 are OpenCL's). */
static const char *clblast_status_name(CLBlastStatusCode s, char *buf, size_t len)
{
    switch (s) {
    case CLBlastNotImplemented: return "CLBlastNotImplemented";
    case CLBlastInvalidMatrixA: return "CLBlastInvalidMatrixA";
    case CLBlastInvalidMatrixB: return "CLBlastInvalidMatrixB";
    case CLBlastInvalidMatrixC: return "CLBlastInvalidMatrixC";
    case CLBlastInvalidDimension: return "CLBlastInvalidDimension";
    case CLBlastInvalidLeadDimA: return "CLBlastInvalidLeadDimA";
    case CLBlastInvalidLeadDimB: return "CLBlastInvalidLeadDimB";
    case CLBlastInvalidLeadDimC: return "CLBlastInvalidLeadDimC";
    case CLBlastInsufficientMemoryA: return "CLBlastInsufficientMemoryA";
    case CLBlastInsufficientMemoryB: return "CLBlastInsufficientMemoryB";
    case CLBlastInsufficientMemoryC: return "CLBlastInsufficientMemoryC";
    case CLBlastInvalidLocalMemUsage: return "CLBlastInvalidLocalMemUsage";
    case CLBlastNoDoublePrecision: return "CLBlastNoDoublePrecision";
    case CLBlastDatabaseError: return "CLBlastDatabaseError";
    case CLBlastUnknownError: return "CLBlastUnknownError";
    case CLBlastUnexpectedError: return "CLBlastUnexpectedError";
    default: break;
    }
    if (s > -100)
        return gpuopt_opencl_error_name((cl_int)s, buf, len);
    snprintf(buf, len, "CLBlast status %d", (int)s);
    return buf;
}

gpuopt_status gpuopt_opencl_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                  size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                  size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                  double beta, gpuopt_dptr C, size_t c_offset, size_t ldc)
{
    if (!b || !b->impl)
        return GPUOPT_ERR_NULL_POINTER;
    if (m == 0 || n == 0)
        return GPUOPT_SUCCESS;
    if (!A || !B || !C)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "dgemm: NULL buffer");
    CLBlastStatusCode s = CLBlastDgemm(
        CLBlastLayoutRowMajor, trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
        trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, m, n, k, alpha, (cl_mem)A, a_offset,
        lda, (cl_mem)B, b_offset, ldb, beta, (cl_mem)C, c_offset, ldc, &ocl_of(b)->queue, NULL);
    if (s == CLBlastSuccess)
        return GPUOPT_SUCCESS;
    char buf[32];
    return gpuopt_backend_fail(b, s == CLBlastTempBufferAllocFailure ? GPUOPT_ERR_OUT_OF_MEMORY
                                                                     : GPUOPT_ERR_BACKEND,
                               "CLBlastDgemm(%zu x %zu x %zu): %s", m, n, k,
                               clblast_status_name(s, buf, sizeof buf));
}
