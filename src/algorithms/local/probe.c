/* The probe: f and the gradient at a point, as ask/tell batches.
 *
 * Without a user gradient, a gradient request is the engine's stencil (src/derivatives/fd.h):
 * steps on the host, the rows written on the backend by fd_points, evaluated as one batch by the
 * framework, combined on the backend by fd_combine; only the gradient (dim values) and the value
 * at x cross back. With a user gradient, the batch is the point alone and the gradient is called
 * on the host in tell. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../derivatives/fd_run.h"
#include "local.h"

static const char *who(const gpuopt_run *run)
{
    return run->algorithm->name;
}

static gpuopt_fd_spec spec_of(const local_probe *p)
{
    return gpuopt_fd_first_order_spec(p->fd_method, p->fd_step_size, p->fd_scaling_factor,
                                      p->fd_error_handling);
}

static gpuopt_status allocate(gpuopt_run *run, local_probe *p)
{
    size_t n = run->dim, fd = p->user_gradient ? 0 : 1;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count;
        int *id;
    } table[] = {
        {"probe_point", GPUOPT_ON_HOST, n, &p->point},
        {"probe_gradient", GPUOPT_ON_HOST, n, &p->grad},
        {"probe_steps", GPUOPT_ON_HOST, 2 * n * fd, &p->steps},
        {"probe_batch_x", GPUOPT_ON_BACKEND, p->rows * n, &p->batch_x},
        {"probe_batch_f", GPUOPT_ON_BACKEND, p->rows, &p->batch_f},
        {"probe_fd_x", GPUOPT_ON_BACKEND, n * fd, &p->fd_x},
        {"probe_fd_steps", GPUOPT_ON_BACKEND, 2 * n * fd, &p->fd_steps},
        {"probe_fd_out", GPUOPT_ON_BACKEND, n * fd, &p->fd_out},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        if (!table[i].count) {
            *table[i].id = -1;
            continue;
        }
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status local_probe_init(gpuopt_run *run, local_probe *p, int bounded)
{
    memset(p, 0, sizeof *p);
    p->user_gradient = run->gradient != NULL;
    p->bounded = bounded;
    p->gradient_ok = 1;
    gpuopt_fd_run_read_options(run, &p->fd_method, &p->fd_step_size, &p->fd_scaling_factor,
                               &p->fd_error_handling);
    p->rows = 1;
    if (!p->user_gradient) {
        gpuopt_fd_spec spec = spec_of(p);
        gpuopt_status st = gpuopt_fd_run_plan(run, &spec, &p->rows);
        if (st != GPUOPT_SUCCESS)
            return st;
        if (p->rows > SIZE_MAX / sizeof(double) / run->dim)
            return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                                   "%s: a gradient stencil of %zu points of dimension %zu does "
                                   "not fit in memory",
                                   who(run), p->rows, run->dim);
    }
    return allocate(run, p);
}

double *local_probe_point(const gpuopt_run *run, const local_probe *p)
{
    return (double *)gpuopt_run_host(run, p->point);
}

double *local_probe_gradient(const gpuopt_run *run, const local_probe *p)
{
    return (double *)gpuopt_run_host(run, p->grad);
}

void local_probe_request(local_probe *p, int kind)
{
    p->kind = kind;
}

int local_probe_needs_batch(const local_probe *p)
{
    return !(p->kind == LOCAL_PROBE_GRADIENT && p->user_gradient);
}

/* ------------------------------------------------------------------ ask */

static gpuopt_fd_run_buffers fd_buffers(const local_probe *p)
{
    return (gpuopt_fd_run_buffers){p->fd_x, p->fd_steps, p->batch_x, p->batch_f, p->fd_out};
}

static struct gpuopt_fd_args fd_args(const gpuopt_run *run, const local_probe *p)
{
    return gpuopt_fd_run_args(run, 1, p->fd_method, 1, p->rows, fd_buffers(p));
}

/* Steps, x and the stencil rows on the backend. */
static gpuopt_status write_stencil(gpuopt_run *run, const local_probe *p)
{
    gpuopt_fd_spec spec = spec_of(p);
    struct gpuopt_fd_args a = fd_args(run, p);
    double *steps = (double *)gpuopt_run_host(run, p->steps);
    gpuopt_status st =
        gpuopt_fd_run_write_stencil(run, &spec, local_probe_point(run, p), p->bounded, steps, &a,
                                    fd_buffers(p), "writing the gradient stencil");
    if (st == GPUOPT_ERR_BAD_BOUNDS) {
        char engine[512];
        snprintf(engine, sizeof engine, "%s", run->errmsg);
        return gpuopt_run_fail(run, st,
                               "%s: finite differences: %s; with a variable fixed by its bounds, "
                               "give a user gradient or set error_handling=continue",
                               who(run), engine);
    }
    return st;
}

static void set_batch(const local_probe *p, gpuopt_batch *batch, size_t first, size_t n)
{
    batch->x_buffer = p->batch_x;
    batch->x_row = first;
    batch->f_buffer = p->batch_f;
    batch->f_row = first;
    batch->raw_buffer = -1;
    batch->n = n;
}

gpuopt_status local_probe_ask(gpuopt_run *run, local_probe *p, gpuopt_batch *batch)
{
    gpuopt_status st = GPUOPT_SUCCESS;
    int single = p->kind == LOCAL_PROBE_VALUE ||
                 (p->kind == LOCAL_PROBE_VALUE_GRADIENT && p->user_gradient);
    if (single) {
        st = gpuopt_run_write(run, p->batch_x, 0, run->dim, local_probe_point(run, p));
        set_batch(p, batch, 0, 1);
    } else if (p->kind == LOCAL_PROBE_VALUE_GRADIENT) {
        st = write_stencil(run, p);
        set_batch(p, batch, 0, p->rows);
    } else if (p->kind == LOCAL_PROBE_GRADIENT && !p->user_gradient) {
        /* row 0 (x itself) is known: its value goes in place, the batch is the other rows */
        st = write_stencil(run, p);
        if (st == GPUOPT_SUCCESS)
            st = gpuopt_run_write(run, p->batch_f, 0, 1, &p->value);
        set_batch(p, batch, 1, p->rows - 1);
    } else {
        st = gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "%s: no batch for probe kind %d",
                             who(run), p->kind);
    }
    return st;
}

/* ----------------------------------------------------------------- tell */

static void format_point(const gpuopt_run *run, const double *x, char *buf, size_t len)
{
    size_t shown = run->dim < 4 ? run->dim : 4, used = 0;
    for (size_t k = 0; k < shown && used < len; ++k)
        used += (size_t)snprintf(buf + used, len - used, "%s%.6g", k ? ", " : "", x[k]);
    if (run->dim > shown && used < len)
        snprintf(buf + used, len - used, ", ...");
}

static gpuopt_status check_gradient(gpuopt_run *run, local_probe *p)
{
    const double *g = local_probe_gradient(run, p);
    p->gradient_ok = 1;
    for (size_t j = 0; j < run->dim; ++j) {
        if (isfinite(g[j]))
            continue;
        if (p->fd_error_handling == GPUOPT_FD_CONTINUE) {
            p->gradient_ok = 0;
            return GPUOPT_SUCCESS;
        }
        char point[160];
        format_point(run, local_probe_point(run, p), point, sizeof point);
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "%s: the %s gradient is %g in coordinate %zu at x = [%s]; set "
                               "error_handling=continue to treat such points as failed steps",
                               who(run), p->user_gradient ? "user" : "finite-difference", g[j], j,
                               point);
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status user_gradient(gpuopt_run *run, local_probe *p)
{
    if (!run->gradient)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "%s: the run was set up with a user gradient, but the problem has "
                               "none now",
                               who(run));
    const double *x = local_probe_point(run, p);
    double *g = local_probe_gradient(run, p);
    int rc = run->gradient(x, run->dim, g, run->gradient_user);
    if (rc != 0) {
        char point[160];
        format_point(run, x, point, sizeof point);
        return gpuopt_run_fail(run, GPUOPT_ERR_CALLBACK,
                               "%s: the gradient callback returned an error (%d) at x = [%s]",
                               who(run), rc, point);
    }
    return check_gradient(run, p);
}

static gpuopt_status fd_gradient(gpuopt_run *run, local_probe *p)
{
    struct gpuopt_fd_args a = fd_args(run, p);
    gpuopt_status st = gpuopt_backend_fd_combine(run->backend, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_run_backend_fail(run, st, "combining the gradient stencil");
    st = gpuopt_run_read(run, p->fd_out, 0, run->dim, local_probe_gradient(run, p));
    return st == GPUOPT_SUCCESS ? check_gradient(run, p) : st;
}

static size_t expected_rows(const local_probe *p)
{
    if (p->kind == LOCAL_PROBE_VALUE || p->user_gradient)
        return 1;
    return p->kind == LOCAL_PROBE_GRADIENT ? p->rows - 1 : p->rows;
}

gpuopt_status local_probe_tell(gpuopt_run *run, local_probe *p, const gpuopt_batch *batch)
{
    if (batch->f_buffer != p->batch_f || batch->n != expected_rows(p))
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "%s: told a batch of %zu values, expected %zu", who(run), batch->n,
                               expected_rows(p));
    gpuopt_status st = GPUOPT_SUCCESS;
    if (p->kind != LOCAL_PROBE_GRADIENT)
        st = gpuopt_run_read(run, p->batch_f, 0, 1, &p->value);
    if (st != GPUOPT_SUCCESS || p->kind == LOCAL_PROBE_VALUE)
        return st;
    return p->user_gradient ? user_gradient(run, p) : fd_gradient(run, p);
}

gpuopt_status local_probe_on_host(gpuopt_run *run, local_probe *p)
{
    if (local_probe_needs_batch(p))
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "%s: probe kind %d needs a batch",
                               who(run), p->kind);
    return user_gradient(run, p);
}

gpuopt_status local_drive(gpuopt_run *run, local_probe *p, const gpuopt_batch *batch,
                          gpuopt_status (*advance)(gpuopt_run *run))
{
    gpuopt_status st = local_probe_tell(run, p, batch);
    while (st == GPUOPT_SUCCESS) {
        st = advance(run);
        if (st != GPUOPT_SUCCESS || local_probe_needs_batch(p))
            break;
        st = local_probe_on_host(run, p);
    }
    return st;
}

gpuopt_status local_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    return local_probe_ask(run, (local_probe *)run->state, batch);
}
