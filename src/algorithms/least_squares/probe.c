/* Residuals and finite-difference Jacobians of a least-squares criterion as ask/tell batches.
 *
 * A stencil (n + 1 rows one-sided, 2 n + 1 central) is generated on the backend into the batch
 * buffer; its raw outputs (all residuals of all rows) land in a backend buffer where fd_combine
 * forms J; J (m x n) and the residuals at the point are read back for the host's SVD. A
 * Jacobian at a point already evaluated skips row 0: its raw outputs land in a second buffer
 * and are copied behind row 0, which is rewritten from the host's residuals. */
#include <math.h>
#include <string.h>

#include "../../derivatives/fd_run.h"
#include "ls.h"

static gpuopt_fd_spec spec_of(const ls_probe *p)
{
    return gpuopt_fd_first_order_spec(p->fd_method, p->fd_step_size, p->fd_scaling_factor,
                                      p->fd_error_handling);
}

static gpuopt_fd_run_buffers fd_buffers(const ls_probe *p)
{
    return (gpuopt_fd_run_buffers){p->fd_x, p->fd_steps, p->bx, p->raw, p->bjac};
}

static struct gpuopt_fd_args fd_args(const gpuopt_run *run, const ls_probe *p)
{
    return gpuopt_fd_run_args(run, 1, p->fd_method, run->n_outputs, (size_t)p->rows,
                              fd_buffers(p));
}

double *ls_probe_point(const gpuopt_run *run, const ls_probe *p)
{
    return (double *)gpuopt_run_host(run, p->point);
}

double *ls_probe_residuals(const gpuopt_run *run, const ls_probe *p)
{
    return (double *)gpuopt_run_host(run, p->res);
}

double *ls_probe_jacobian(const gpuopt_run *run, const ls_probe *p)
{
    return (double *)gpuopt_run_host(run, p->jac);
}

static gpuopt_status plan_stencil(gpuopt_run *run, ls_probe *p)
{
    size_t n = run->dim, m = run->n_outputs, rows = 0;
    gpuopt_fd_spec spec = spec_of(p);
    gpuopt_status st = gpuopt_fd_run_plan(run, &spec, &rows);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (rows > SIZE_MAX / sizeof(double) / (m > n ? m : n))
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "%s: the Jacobian stencil of %zu points with %zu residuals each "
                               "(dimension %zu) does not fit in memory",
                               run->algorithm->name, rows, m, n);
    p->rows = (int64_t)rows;
    return GPUOPT_SUCCESS;
}

gpuopt_status ls_probe_init(gpuopt_run *run, ls_probe *p, int bounded)
{
    gpuopt_fd_run_read_options(run, &p->fd_method, &p->fd_step_size, &p->fd_scaling_factor,
                               &p->fd_error_handling);
    p->bounded = bounded;
    gpuopt_status st = plan_stencil(run, p);
    if (st != GPUOPT_SUCCESS)
        return st;
    size_t n = run->dim, m = run->n_outputs, rows = (size_t)p->rows;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count;
        int *id;
    } table[] = {
        {"ls_point", GPUOPT_ON_HOST, n, &p->point},
        {"ls_residuals", GPUOPT_ON_HOST, m, &p->res},
        {"ls_jacobian", GPUOPT_ON_HOST, m * n, &p->jac},
        {"ls_steps", GPUOPT_ON_HOST, 2 * n, &p->steps},
        {"ls_batch_x", GPUOPT_ON_BACKEND, rows * n, &p->bx},
        {"ls_batch_f", GPUOPT_ON_BACKEND, rows, &p->bf},
        {"ls_batch_residuals", GPUOPT_ON_BACKEND, rows * m, &p->raw},
        {"ls_batch_residuals_tail", GPUOPT_ON_BACKEND, (rows - 1) * m, &p->raw_tail},
        {"ls_fd_x", GPUOPT_ON_BACKEND, n, &p->fd_x},
        {"ls_fd_steps", GPUOPT_ON_BACKEND, 2 * n, &p->fd_steps},
        {"ls_fd_jacobian", GPUOPT_ON_BACKEND, m * n, &p->bjac},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                               sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* The stencil rows around the point, on the backend. */
static gpuopt_status write_stencil(gpuopt_run *run, ls_probe *p)
{
    gpuopt_fd_spec spec = spec_of(p);
    struct gpuopt_fd_args a = fd_args(run, p);
    return gpuopt_fd_run_write_stencil(run, &spec, ls_probe_point(run, p), p->bounded,
                                       (double *)gpuopt_run_host(run, p->steps), &a,
                                       fd_buffers(p), "generating the stencil");
}

gpuopt_status ls_probe_ask(gpuopt_run *run, ls_probe *p, int kind, gpuopt_batch *batch)
{
    p->kind = kind;
    gpuopt_status st = kind == LS_PROBE_POINT
                           ? gpuopt_run_write(run, p->bx, 0, run->dim, ls_probe_point(run, p))
                           : write_stencil(run, p);
    if (st != GPUOPT_SUCCESS)
        return st;
    int skip_point = kind == LS_PROBE_JACOBIAN;
    batch->x_buffer = p->bx;
    batch->x_row = skip_point ? 1 : 0;
    batch->f_buffer = p->bf;
    batch->f_row = skip_point ? 1 : 0;
    batch->raw_buffer = skip_point ? p->raw_tail : p->raw;
    batch->n = kind == LS_PROBE_POINT ? 1 : (size_t)p->rows - (size_t)skip_point;
    return GPUOPT_SUCCESS;
}

static gpuopt_status read_residuals(gpuopt_run *run, ls_probe *p)
{
    double *r = ls_probe_residuals(run, p);
    gpuopt_status st = gpuopt_run_read(run, p->raw, 0, run->n_outputs, r);
    if (st != GPUOPT_SUCCESS)
        return st;
    double sum = 0;
    for (size_t i = 0; i < run->n_outputs; ++i)
        sum += r[i] * r[i];
    p->cost = 0.5 * sum;
    p->finite = isfinite(p->cost);
    return GPUOPT_SUCCESS;
}

/* Row 0 of the stencil's values: the residuals at the point (known on the host), the other
 * rows from the batch. */
static gpuopt_status assemble_stencil_values(gpuopt_run *run, ls_probe *p)
{
    size_t m = run->n_outputs, tail = ((size_t)p->rows - 1) * m;
    gpuopt_status st = gpuopt_run_write(run, p->raw, 0, m, ls_probe_residuals(run, p));
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_backend_copy(run->backend, gpuopt_run_dev(run, p->raw), m * sizeof(double),
                             gpuopt_run_dev(run, p->raw_tail), 0, tail * sizeof(double));
    return st == GPUOPT_SUCCESS ? st
                                : gpuopt_fd_run_backend_fail(run, st, "assembling the stencil");
}

static gpuopt_status combine_jacobian(gpuopt_run *run, ls_probe *p)
{
    struct gpuopt_fd_args a = fd_args(run, p);
    gpuopt_status st = gpuopt_backend_fd_combine(run->backend, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_run_backend_fail(run, st, "combining the Jacobian");
    size_t count = run->n_outputs * run->dim;
    double *J = ls_probe_jacobian(run, p);
    st = gpuopt_run_read(run, p->bjac, 0, count, J);
    if (st != GPUOPT_SUCCESS)
        return st;
    for (size_t i = 0; i < count; ++i)
        if (!isfinite(J[i]))
            return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                                   "%s: the Jacobian of the residuals is not finite at the "
                                   "current point (residual %zu, parameter %zu: %g)",
                                   run->algorithm->name, i / run->dim, i % run->dim, J[i]);
    ++p->n_jacobians;
    return GPUOPT_SUCCESS;
}

gpuopt_status ls_probe_tell(gpuopt_run *run, ls_probe *p, const gpuopt_batch *batch)
{
    size_t expected = p->kind == LS_PROBE_POINT ? 1
                      : p->kind == LS_PROBE_JACOBIAN ? (size_t)p->rows - 1
                                                      : (size_t)p->rows;
    if (batch->n != expected || batch->x_buffer != p->bx)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "%s: told a batch of %zu points, expected %zu",
                               run->algorithm->name, batch->n, expected);
    gpuopt_status st = GPUOPT_SUCCESS;
    if (p->kind != LS_PROBE_JACOBIAN)
        st = read_residuals(run, p);
    else
        st = assemble_stencil_values(run, p);
    if (st != GPUOPT_SUCCESS || p->kind == LS_PROBE_POINT)
        return st;
    if (!p->finite) /* a trial point the solver rejects: its stencil is not used */
        return GPUOPT_SUCCESS;
    return combine_jacobian(run, p);
}
