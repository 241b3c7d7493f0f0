/* BLAS on the OpenCL backend through CLBlast (internal; ready for CMA-ES). Buffers are the
 * backend's cl_mem handles; nothing crosses to the host. */
#ifndef GPUOPT_HOST_OPENCL_BLAS_H
#define GPUOPT_HOST_OPENCL_BLAS_H

#include "../backend.h"

/* Row-major C = alpha * op(A) * op(B) + beta * C, op(X) = X, or X^T when trans_x is nonzero;
 * C is m x n, op(A) m x k, op(B) k x n; offsets and leading dimensions in elements (the
 * signature of the backend ops' dgemm). m = 0 or n = 0 does nothing. Enqueued on the backend's
 * queue: later ops see the result. */
gpuopt_status gpuopt_opencl_dgemm(gpuopt_backend *b, int trans_a, int trans_b, size_t m, size_t n,
                                  size_t k, double alpha, gpuopt_dptr A, size_t a_offset,
                                  size_t lda, gpuopt_dptr B, size_t b_offset, size_t ldb,
                                  double beta, gpuopt_dptr C, size_t c_offset, size_t ldc);

#endif /* GPUOPT_HOST_OPENCL_BLAS_H */
