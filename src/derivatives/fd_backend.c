/* The fd_points / fd_combine ops with their host fallbacks, and the host loops over
 * kernels/fd.h that the fallbacks (serially) and the CPU backend (on threads) run. */
#include <stdlib.h>

#include "fd.h"

size_t gpuopt_fd_out_rows(const struct gpuopt_fd_args *a)
{
    return a->order == 2 ? a->dim : a->n_outputs;
}

void gpuopt_fd_host_points(const struct gpuopt_fd_args *a, const double *x, const double *steps,
                           double *points, size_t first_row, size_t n_rows)
{
    for (size_t r = first_row; r < first_row + n_rows; ++r)
        gpuopt_fd_point(r, a->order, a->method, a->dim, x, steps, points);
}

/* Output rows first .. first+count-1. A Hessian row j computes entries k >= j and mirrors
 * them, so the matrix is exactly symmetric; callers give each thread whole rows. */
void gpuopt_fd_host_combine_rows(const struct gpuopt_fd_args *a, const double *x,
                                 const double *steps, const double *values, double *out,
                                 size_t first, size_t count)
{
    size_t n = a->dim;
    for (size_t i = first; i < first + count; ++i) {
        if (a->order == 1) {
            for (size_t j = 0; j < n; ++j)
                out[i * n + j] = gpuopt_fd_first_entry(a->method, a->n_steps, n, a->n_outputs, x,
                                                       steps, values, i, j);
            continue;
        }
        for (size_t k = i; k < n; ++k) {
            double h = gpuopt_fd_second_entry(a->method, a->n_steps, n, x, steps, values, i, k);
            out[i * n + k] = h;
            out[k * n + i] = h;
        }
    }
}

/* Host copies of x and the steps. */
static gpuopt_status read_inputs(gpuopt_backend *b, const struct gpuopt_fd_args *a, double **x,
                                 double **steps)
{
    size_t n_steps = 2 * (size_t)a->n_steps * a->dim;
    *x = malloc(a->dim * sizeof **x);
    *steps = malloc(n_steps * sizeof **steps);
    if (!*x || !*steps)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "finite differences: out of host memory");
    gpuopt_status st = b->ops->read(b, *x, a->x, 0, a->dim * sizeof **x);
    return st != GPUOPT_SUCCESS ? st
                                : b->ops->read(b, *steps, a->steps, 0, n_steps * sizeof **steps);
}

gpuopt_status gpuopt_backend_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (b->ops->fd_points)
        return b->ops->fd_points(b, a);
    double *x = NULL, *steps = NULL, *points = NULL;
    gpuopt_status st = read_inputs(b, a, &x, &steps);
    size_t bytes = a->n_rows * a->dim * sizeof *points;
    if (st == GPUOPT_SUCCESS && !(points = malloc(bytes)))
        st = gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                 "finite differences: cannot allocate %zu bytes of host memory for "
                                 "the stencil",
                                 bytes);
    if (st == GPUOPT_SUCCESS) {
        gpuopt_fd_host_points(a, x, steps, points, 0, a->n_rows);
        st = b->ops->write(b, a->points, 0, points, bytes);
    }
    free(points);
    free(steps);
    free(x);
    return st;
}

gpuopt_status gpuopt_backend_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a)
{
    if (b->ops->fd_combine)
        return b->ops->fd_combine(b, a);
    double *x = NULL, *steps = NULL, *values = NULL, *out = NULL;
    gpuopt_status st = read_inputs(b, a, &x, &steps);
    size_t value_bytes = a->n_rows * a->n_outputs * sizeof *values;
    size_t out_bytes = gpuopt_fd_out_rows(a) * a->dim * sizeof *out;
    if (st == GPUOPT_SUCCESS && (!(values = malloc(value_bytes)) || !(out = malloc(out_bytes))))
        st = gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY,
                                 "finite differences: out of host memory (%zu + %zu bytes)",
                                 value_bytes, out_bytes);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, values, a->values, 0, value_bytes);
    if (st == GPUOPT_SUCCESS) {
        gpuopt_fd_host_combine_rows(a, x, steps, values, out, 0, gpuopt_fd_out_rows(a));
        st = b->ops->write(b, a->out, 0, out, out_bytes);
    }
    free(out);
    free(values);
    free(steps);
    free(x);
    return st;
}
