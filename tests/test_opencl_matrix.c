/* The algorithm x problem matrix (tests/test_matrix.c) on the OpenCL backend; skipped (77)
 * without an OpenCL device. */
#define MATRIX_BACKEND "opencl"
#include "test_matrix.c"
