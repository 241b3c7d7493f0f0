/* The Hessian at the probe's point, for the Newton-type solvers (trust_ncg).
 *
 * Without a user gradient (or with numdiff.hessian_source=values): the engine's order-2 stencil
 * (src/derivatives/fd.h) as one batch. Row 0 is the point itself, whose value the probe already
 * has: it is written into the f buffer and the batch is rows 1.. only. The rows are written and
 * combined on the backend; only the dim x dim matrix crosses back.
 *
 * With a user gradient: differences of that gradient on the host, one gradient per coordinate
 * (two for the central methods), with the engine's first-derivative steps; the matrix is then
 * made exactly symmetric, (A + A') / 2. No criterion evaluations, as scipy's hess='2-point'. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../derivatives/fd_run.h"
#include "local.h"

static const char *who(const gpuopt_run *run)
{
    return run->algorithm->name;
}

static double *host(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------------ init */

static gpuopt_fd_spec values_spec(const local_hessian *h)
{
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(2);
    spec.method = h->method;
    spec.scaling_factor = h->scaling_factor;
    spec.error_handling = h->error_handling;
    return spec;
}

/* The first-derivative spec whose steps the gradient differences use. */
static gpuopt_fd_spec gradient_spec(const local_hessian *h)
{
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(1);
    spec.method = gpuopt_fd_one_sided(h->method) ? h->method : GPUOPT_FD_CENTRAL;
    spec.scaling_factor = h->scaling_factor;
    spec.error_handling = h->error_handling;
    return spec;
}

/* The stencil, its values and the matrix must fit the device (as the engine checks). */
static gpuopt_status check_size(gpuopt_run *run, const local_hessian *h)
{
    size_t n = run->dim;
    double bytes = ((double)h->rows * (double)(n + 1) + 2.0 * (double)n * (double)n) * 8.0;
    gpuopt_device_info info;
    memset(&info, 0, sizeof info);
    const gpuopt_backend_ops *ops = run->backend->ops;
    int known = ops->device_info && ops->device_info(0, &info) == GPUOPT_SUCCESS &&
                info.memory_bytes;
    if (bytes < (double)SIZE_MAX && (!known || bytes <= (double)info.memory_bytes))
        return GPUOPT_SUCCESS;
    return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                           "%s: the Hessian stencil at dimension %zu has %zu points of %zu "
                           "coordinates (%.4g GB with their values and the %zu x %zu matrix), "
                           "more than the %s device's %.4g GB",
                           who(run), n, h->rows, n, bytes / 1e9, n, n, ops->name,
                           known ? (double)info.memory_bytes / 1e9 : (double)SIZE_MAX / 1e9);
}

static gpuopt_status allocate(gpuopt_run *run, local_hessian *h)
{
    size_t n = run->dim, fd = h->from_gradient ? 0 : 1;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count;
        int *id;
    } table[] = {
        {"hessian_matrix", GPUOPT_ON_HOST, n * n, &h->matrix},
        {"hessian_steps", GPUOPT_ON_HOST, 2 * n, &h->steps},
        {"hessian_point", GPUOPT_ON_HOST, n, &h->point},
        {"hessian_gradient", GPUOPT_ON_HOST, n * (1 - fd), &h->grad},
        {"hessian_batch_x", GPUOPT_ON_BACKEND, h->rows * n * fd, &h->batch_x},
        {"hessian_batch_f", GPUOPT_ON_BACKEND, h->rows * fd, &h->batch_f},
        {"hessian_fd_x", GPUOPT_ON_BACKEND, n * fd, &h->fd_x},
        {"hessian_fd_steps", GPUOPT_ON_BACKEND, 2 * n * fd, &h->fd_steps},
        {"hessian_fd_out", GPUOPT_ON_BACKEND, n * n * fd, &h->fd_out},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        *table[i].id = -1;
        if (!table[i].count)
            continue;
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status local_hessian_init(gpuopt_run *run, local_hessian *h)
{
    static const int methods[] = {GPUOPT_FD_FORWARD, GPUOPT_FD_CENTRAL_CROSS,
                                  GPUOPT_FD_CENTRAL_AVERAGE, GPUOPT_FD_BACKWARD};
    memset(h, 0, sizeof *h);
    int code = gpuopt_opt_choice(run, "numdiff.hessian_method");
    h->method = code >= 1 && code <= 4 ? methods[code - 1] : GPUOPT_FD_FORWARD;
    h->from_gradient = run->gradient && gpuopt_opt_choice(run, "numdiff.hessian_source") == 1;
    h->scaling_factor = gpuopt_opt_double(run, "numdiff.scaling_factor");
    h->error_handling =
        gpuopt_opt_choice(run, "error_handling") == 2 ? GPUOPT_FD_CONTINUE : GPUOPT_FD_RAISE;
    h->ok = 1;
    h->rows = 1;
    if (run->dim > SIZE_MAX / sizeof(double) / run->dim)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "%s: the %zu x %zu Hessian does not fit in memory", who(run),
                               run->dim, run->dim);
    if (!h->from_gradient) {
        gpuopt_fd_spec spec = values_spec(h);
        gpuopt_status st = gpuopt_fd_stencil_rows(&spec, run->dim, &h->rows, run->errmsg,
                                                  run->errmsg_len);
        if (st == GPUOPT_SUCCESS)
            st = check_size(run, h);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return allocate(run, h);
}

void local_hessian_request(local_hessian *h)
{
    h->pending = 1;
}

double *local_hessian_matrix(const gpuopt_run *run, const local_hessian *h)
{
    return host(run, h->matrix);
}

void local_probe_request_gradient_at(local_probe *p)
{
    local_probe_request(p, p->user_gradient ? LOCAL_PROBE_GRADIENT : LOCAL_PROBE_VALUE_GRADIENT);
}

/* --------------------------------------------------- the stencil of values */

static gpuopt_fd_run_buffers fd_buffers(const local_hessian *h)
{
    return (gpuopt_fd_run_buffers){h->fd_x, h->fd_steps, h->batch_x, h->batch_f, h->fd_out};
}

static struct gpuopt_fd_args fd_args(const gpuopt_run *run, const local_hessian *h)
{
    return gpuopt_fd_run_args(run, 2, h->method, 1, h->rows, fd_buffers(h));
}

/* The engine's message for bounds that leave no step, named as the Hessian's. */
static gpuopt_status steps_failure(gpuopt_run *run, gpuopt_status st)
{
    if (st == GPUOPT_ERR_BAD_BOUNDS) {
        char engine[512];
        snprintf(engine, sizeof engine, "%s", run->errmsg);
        return gpuopt_run_fail(run, st, "%s: finite-difference Hessian: %s", who(run), engine);
    }
    return st;
}

static gpuopt_status make_steps(gpuopt_run *run, const local_probe *p, const gpuopt_fd_spec *spec,
                                const double *x, double *steps)
{
    return steps_failure(run, gpuopt_fd_make_steps(spec, run->dim, x,
                                                   p->bounded ? run->lower : NULL,
                                                   p->bounded ? run->upper : NULL, steps,
                                                   run->errmsg, run->errmsg_len));
}

static gpuopt_status ask_values(gpuopt_run *run, const local_probe *p, local_hessian *h,
                                gpuopt_batch *batch)
{
    gpuopt_fd_spec spec = values_spec(h);
    struct gpuopt_fd_args a = fd_args(run, h);
    gpuopt_status st = steps_failure(
        run, gpuopt_fd_run_write_stencil(run, &spec, local_probe_point(run, p), p->bounded,
                                         host(run, h->steps), &a, fd_buffers(h),
                                         "writing the Hessian stencil"));
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_run_write(run, h->batch_f, 0, 1, &p->value); /* row 0: the known value */
    batch->x_buffer = h->batch_x;
    batch->x_row = 1;
    batch->f_buffer = h->batch_f;
    batch->f_row = 1;
    batch->raw_buffer = -1;
    batch->n = h->rows - 1;
    return st;
}

/* Non-finite entries: an error under error_handling=raise, ok = 0 under continue. */
static gpuopt_status check_matrix(gpuopt_run *run, local_hessian *h)
{
    size_t n = run->dim;
    const double *H = host(run, h->matrix);
    h->ok = 1;
    for (size_t k = 0; k < n * n; ++k) {
        if (isfinite(H[k]))
            continue;
        if (h->error_handling == GPUOPT_FD_CONTINUE) {
            h->ok = 0;
            return GPUOPT_SUCCESS;
        }
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "%s: the finite-difference Hessian is %g in entry (%zu, %zu); set "
                               "error_handling=continue to go on without it",
                               who(run), H[k], k / n, k % n);
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status tell_values(gpuopt_run *run, local_hessian *h, const gpuopt_batch *batch)
{
    if (batch->f_buffer != h->batch_f || batch->n != h->rows - 1)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "%s: told a batch of %zu values, expected the %zu of the Hessian "
                               "stencil",
                               who(run), batch->n, h->rows - 1);
    struct gpuopt_fd_args a = fd_args(run, h);
    gpuopt_status st = gpuopt_backend_fd_combine(run->backend, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_run_backend_fail(run, st, "combining the Hessian stencil");
    st = gpuopt_run_read(run, h->fd_out, 0, run->dim * run->dim, host(run, h->matrix));
    return st == GPUOPT_SUCCESS ? check_matrix(run, h) : st;
}

/* ------------------------------------------- differences of the user gradient */

static gpuopt_status call_gradient(gpuopt_run *run, const double *x, double *g)
{
    int rc = run->gradient ? run->gradient(x, run->dim, g, run->gradient_user) : -1;
    if (rc == 0)
        return GPUOPT_SUCCESS;
    if (!run->gradient)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "%s: the run was set up with a user gradient, but the problem has "
                               "none now",
                               who(run));
    return gpuopt_run_fail(run, GPUOPT_ERR_CALLBACK,
                           "%s: the gradient callback returned an error (%d) while computing the "
                           "Hessian",
                           who(run), rc);
}

static void format_point(const gpuopt_run *run, const double *x, char *out, size_t len)
{
    size_t shown = run->dim < 4 ? run->dim : 4, used = 0;
    for (size_t k = 0; k < shown && used < len; ++k)
        used += (size_t)snprintf(out + used, len - used, "%s%.6g", k ? ", " : "", x[k]);
    if (run->dim > shown && used < len)
        snprintf(out + used, len - used, ", ...");
}

/* The gradient at x + step e_j into h->grad; returns the step as it landed. A non-finite entry
 * is an error under error_handling=raise (under continue it makes the Hessian not ok). */
static gpuopt_status shifted_gradient(gpuopt_run *run, local_hessian *h, const double *x,
                                      size_t j, double step, double *landed)
{
    double *y = host(run, h->point), *g = host(run, h->grad);
    memcpy(y, x, run->dim * sizeof(double));
    y[j] = x[j] + step;
    *landed = y[j] - x[j];
    gpuopt_status st = call_gradient(run, y, g);
    for (size_t i = 0; st == GPUOPT_SUCCESS && i < run->dim; ++i) {
        if (isfinite(g[i]) || h->error_handling == GPUOPT_FD_CONTINUE)
            continue;
        char point[160];
        format_point(run, y, point, sizeof point);
        st = gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                             "%s: the user gradient is %g in coordinate %zu at x = [%s] (a point "
                             "of the Hessian's differences); set error_handling=continue to go "
                             "on without that Hessian",
                             who(run), g[i], i, point);
    }
    return st;
}

/* Row j of A' (column j of the Jacobian of the gradient): central when both steps exist, else
 * one-sided against the gradient at x; NaN when the bounds leave no step. */
static gpuopt_status gradient_row(gpuopt_run *run, local_hessian *h, const double *x,
                                  const double *g0, size_t j, double *row)
{
    size_t n = run->dim;
    const double *steps = host(run, h->steps), *g = host(run, h->grad);
    double plus = steps[j], minus = steps[n + j], a = NAN, b = NAN;
    gpuopt_status st = GPUOPT_SUCCESS;
    if (!isfinite(plus) && !isfinite(minus)) {
        for (size_t i = 0; i < n; ++i)
            row[i] = NAN;
        return st;
    }
    if (isfinite(plus)) {
        st = shifted_gradient(run, h, x, j, plus, &a);
        for (size_t i = 0; st == GPUOPT_SUCCESS && i < n; ++i)
            row[i] = g[i];
    }
    if (st == GPUOPT_SUCCESS && isfinite(minus))
        st = shifted_gradient(run, h, x, j, minus, &b);
    for (size_t i = 0; st == GPUOPT_SUCCESS && i < n; ++i) {
        if (isfinite(a) && isfinite(b))
            row[i] = (row[i] - g[i]) / (a - b);
        else if (isfinite(a))
            row[i] = (row[i] - g0[i]) / a;
        else
            row[i] = (g[i] - g0[i]) / b;
    }
    return st;
}

static gpuopt_status from_gradients(gpuopt_run *run, const local_probe *p, local_hessian *h)
{
    size_t n = run->dim;
    const double *x = local_probe_point(run, p), *g0 = local_probe_gradient(run, p);
    gpuopt_fd_spec spec = gradient_spec(h);
    double *H = host(run, h->matrix);
    gpuopt_status st = make_steps(run, p, &spec, x, host(run, h->steps));
    for (size_t j = 0; st == GPUOPT_SUCCESS && j < n; ++j)
        st = gradient_row(run, h, x, g0, j, H + j * n);
    if (st != GPUOPT_SUCCESS)
        return st;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < i; ++j) {
            double m = (H[i * n + j] + H[j * n + i]) / 2;
            H[i * n + j] = m;
            H[j * n + i] = m;
        }
    }
    return check_matrix(run, h);
}

/* -------------------------------------------------------------- ask / tell */

gpuopt_status local_hessian_ask(gpuopt_run *run, local_probe *p, local_hessian *h,
                                gpuopt_batch *batch)
{
    if (!h->pending)
        return local_probe_ask(run, p, batch);
    if (h->from_gradient)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "%s: the Hessian from gradients needs no batch", who(run));
    return ask_values(run, p, h, batch);
}

gpuopt_status local_hessian_drive(gpuopt_run *run, local_probe *p, local_hessian *h,
                                  const gpuopt_batch *batch,
                                  gpuopt_status (*advance)(gpuopt_run *run))
{
    gpuopt_status st;
    if (h->pending) {
        st = tell_values(run, h, batch);
        h->pending = 0;
    } else {
        st = local_probe_tell(run, p, batch);
    }
    while (st == GPUOPT_SUCCESS) {
        st = advance(run);
        if (st != GPUOPT_SUCCESS)
            break;
        if (h->pending) {
            if (!h->from_gradient)
                break;
            st = from_gradients(run, p, h);
            h->pending = 0;
        } else if (local_probe_needs_batch(p)) {
            break;
        } else {
            st = local_probe_on_host(run, p);
        }
    }
    return st;
}
