/* OpenCL xNES operations: the kernels of kernels/xnes_entry.h, which run the kernels/xnes.h
 * element functions of the CPU backend (so the same bits, up to the device's exp in
 * expm_scale). Population, draws, weights and matrices never leave the device: the host reads
 * only the one scalar result of bound and exponent, which a one-thread kernel accumulates in
 * the CPU backend's order into the front of the reduction buffer. */
#include "../../kernels/xnes_entry.h"
#include "../../src/algorithms/xnes.h"
#include "opencl_internal.h"

static gpuopt_status ocl_xnes_null(gpuopt_backend *b, const char *op)
{
    return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "%s: NULL buffer or result", op);
}

/* The op's scalar result, from the reduction buffer to a->host_out[0]. */
static gpuopt_status ocl_xnes_result(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    return gpuopt_opencl_read(b, a->host_out, ocl_of(b)->reduce_values, 0, sizeof(double));
}

gpuopt_status gpuopt_opencl_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->X || !a->mean || !a->host_out || (a->force_bounds && (!a->lower || !a->upper)))
        return ocl_xnes_null(b, "xnes_bound");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "xnes_bound: dim 0");
    cl_mem out = ocl_of(b)->reduce_values;
    ocl_arg norm[] = {OCL_U64(a->dim), OCL_MEM(a->X), OCL_MEM(a->mean), OCL_MEM(out)};
    ocl_arg clip[] = {OCL_U64(a->lambda * a->dim), OCL_U64(a->dim), OCL_MEM(a->lower),
                      OCL_MEM(a->upper), OCL_MEM(a->X)};
    gpuopt_status st =
        gpuopt_opencl_launch(b, OCL_K_XNES_STEP_NORM, 1, 0, norm, OCL_NARGS(norm));
    if (st == GPUOPT_SUCCESS && a->force_bounds && a->lambda > 0)
        st = gpuopt_opencl_launch(b, OCL_K_XNES_CLIP, a->lambda * a->dim, 0, clip,
                                  OCL_NARGS(clip));
    return st ? st : ocl_xnes_result(b, a);
}

gpuopt_status gpuopt_opencl_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->idx || !a->util || !a->Z || !a->W)
        return ocl_xnes_null(b, "xnes_weights");
    if (a->lambda == 0 || a->dim == 0)
        return GPUOPT_SUCCESS;
    ocl_arg args[] = {OCL_U64(a->lambda), OCL_U64(a->dim), OCL_MEM(a->idx),
                      OCL_MEM(a->util),   OCL_MEM(a->Z),   OCL_MEM(a->W)};
    return gpuopt_opencl_launch(b, OCL_K_XNES_WEIGHTS, a->lambda * a->dim, 0, args,
                                OCL_NARGS(args));
}

gpuopt_status gpuopt_opencl_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->G || !a->dA || !a->host_out)
        return ocl_xnes_null(b, "xnes_exponent");
    if (a->dim == 0)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT, "xnes_exponent: dim 0");
    cl_mem out = ocl_of(b)->reduce_values;
    ocl_arg trace[] = {OCL_U64(a->dim), OCL_DBL(a->utility_sum), OCL_MEM(a->G), OCL_MEM(out)};
    ocl_arg elems[] = {OCL_U64(a->dim),   OCL_DBL(a->utility_sum), OCL_DBL(a->eta_sigma),
                       OCL_DBL(a->eta_b), OCL_MEM(out),            OCL_MEM(a->G),
                       OCL_MEM(a->dA)};
    gpuopt_status st;
    if ((st = gpuopt_opencl_launch(b, OCL_K_XNES_TRACE, 1, 0, trace, OCL_NARGS(trace))) ||
        (st = gpuopt_opencl_launch(b, OCL_K_XNES_EXPONENT, a->dim * a->dim, 0, elems,
                                   OCL_NARGS(elems))))
        return st;
    return ocl_xnes_result(b, a);
}

gpuopt_status gpuopt_opencl_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    if (!b || !a)
        return GPUOPT_ERR_NULL_POINTER;
    if (!a->V || !a->evals || !a->VS)
        return ocl_xnes_null(b, "xnes_expm_scale");
    if (a->dim == 0)
        return GPUOPT_SUCCESS;
    ocl_arg args[] = {OCL_U64(a->dim), OCL_MEM(a->V), OCL_MEM(a->evals), OCL_MEM(a->VS)};
    return gpuopt_opencl_launch(b, OCL_K_XNES_EXPM_SCALE, a->dim * a->dim, 0, args,
                                OCL_NARGS(args));
}
