/* The whole derivative path with buffers kept in a workspace: steps on the host, stencil
 * points on the backend, one batch evaluation, combination on the backend; only the result
 * (and the value at x) is read back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"

void gpuopt_fd_workspace_init(gpuopt_fd_workspace *ws, gpuopt_backend *backend)
{
    memset(ws, 0, sizeof *ws);
    ws->backend = backend;
}

void gpuopt_fd_workspace_free(gpuopt_fd_workspace *ws)
{
    gpuopt_backend *b = ws->backend;
    gpuopt_dptr *bufs[] = {&ws->x, &ws->steps, &ws->points, &ws->f, &ws->raw, &ws->out};
    for (size_t i = 0; b && i < sizeof bufs / sizeof bufs[0]; ++i)
        if (*bufs[i])
            b->ops->release(b, *bufs[i]);
    free(ws->steps_host);
    gpuopt_fd_workspace_init(ws, b);
}

/* Grows a backend buffer to at least `bytes` (contents are not kept). */
static gpuopt_status ensure(gpuopt_backend *b, gpuopt_dptr *buf, size_t *cap, size_t bytes)
{
    if (*buf && *cap >= bytes)
        return GPUOPT_SUCCESS;
    if (*buf)
        b->ops->release(b, *buf);
    *buf = NULL;
    *cap = 0;
    gpuopt_status st = b->ops->alloc(b, bytes ? bytes : 1, buf);
    if (st == GPUOPT_SUCCESS)
        *cap = bytes;
    else
        *buf = NULL;
    return st;
}

/* Sizes of one computation, in bytes. */
typedef struct fd_sizes {
    size_t rows, m; /* stencil rows; values per row combined (Jacobian: n_outputs) */
    size_t points, f, raw, out, total;
} fd_sizes;

static int add_mul(size_t *acc, size_t a, size_t b)
{
    if (a && b > SIZE_MAX / a)
        return 0;
    if (a * b > SIZE_MAX - *acc)
        return 0;
    *acc += a * b;
    return 1;
}

static gpuopt_status plan_sizes(gpuopt_fd_workspace *ws, const gpuopt_eval_target *t,
                                const gpuopt_fd_spec *spec, int jacobian, fd_sizes *z,
                                char *errmsg, size_t len)
{
    size_t dim = t->dim, d = sizeof(double);
    memset(z, 0, sizeof *z);
    gpuopt_status st = gpuopt_fd_stencil_rows(spec, dim, &z->rows, errmsg, len);
    if (st != GPUOPT_SUCCESS)
        return st;
    z->m = jacobian && spec->order == 1 ? t->n_outputs : 1;
    int ok = add_mul(&z->points, z->rows, dim * d) && add_mul(&z->f, z->rows, d) &&
             (t->kind == GPUOPT_CRITERION_SCALAR || add_mul(&z->raw, z->rows, t->n_outputs * d)) &&
             add_mul(&z->out, spec->order == 2 ? dim : z->m, dim * d);
    z->total = z->points;
    ok = ok && add_mul(&z->total, 1, z->f) && add_mul(&z->total, 1, z->raw) &&
         add_mul(&z->total, 1, z->out);
    const char *what = spec->order == 2 ? "Hessian" : jacobian ? "Jacobian" : "gradient";
    if (!ok)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OUT_OF_MEMORY,
                              "the %s stencil at dimension %zu has %zu points of %zu coordinates: "
                              "more bytes than this machine can address",
                              what, dim, z->rows, dim);
    gpuopt_device_info info;
    memset(&info, 0, sizeof info);
    gpuopt_backend *b = ws->backend;
    if (b->ops->device_info && b->ops->device_info(0, &info) == GPUOPT_SUCCESS &&
        info.memory_bytes && (double)z->total > (double)info.memory_bytes)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OUT_OF_MEMORY,
                              "the %s stencil at dimension %zu has %zu points of %zu coordinates "
                              "(%.4g GB with their values), more than the %s device's %.4g GB",
                              what, dim, z->rows, dim, (double)z->total / 1e9, b->ops->name,
                              (double)info.memory_bytes / 1e9);
    return GPUOPT_SUCCESS;
}

static gpuopt_status alloc_all(gpuopt_fd_workspace *ws, const gpuopt_fd_spec *spec, size_t dim,
                               const fd_sizes *z, char *errmsg, size_t len)
{
    gpuopt_backend *b = ws->backend;
    size_t n_steps = 2 * (size_t)spec->n_steps * dim;
    gpuopt_status st = ensure(b, &ws->x, &ws->x_cap, dim * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = ensure(b, &ws->steps, &ws->steps_cap, n_steps * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = ensure(b, &ws->points, &ws->points_cap, z->points);
    if (st == GPUOPT_SUCCESS)
        st = ensure(b, &ws->f, &ws->f_cap, z->f);
    if (st == GPUOPT_SUCCESS && z->raw)
        st = ensure(b, &ws->raw, &ws->raw_cap, z->raw);
    if (st == GPUOPT_SUCCESS)
        st = ensure(b, &ws->out, &ws->out_cap, z->out);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_fail(errmsg, len, st,
                              "cannot allocate the stencil of %zu points of %zu coordinates "
                              "(%.4g GB with their values) on the %s backend: %s",
                              z->rows, dim, (double)z->total / 1e9, b->ops->name, b->error);
    if (ws->steps_host_cap < n_steps) {
        double *grown = realloc(ws->steps_host, n_steps * sizeof *grown);
        if (!grown)
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
        ws->steps_host = grown;
        ws->steps_host_cap = n_steps;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status backend_error(gpuopt_backend *b, gpuopt_status st, const char *what,
                                   char *errmsg, size_t len)
{
    return gpuopt_fd_fail(errmsg, len, st, "finite differences: %s failed on the %s backend: %s",
                          what, b->ops->name, b->error[0] ? b->error : gpuopt_status_text(st));
}

/* "x itself" or "x with x[j] + h" for the message about a non-finite value at a row. */
static void describe_row(gpuopt_fd_workspace *ws, size_t dim, const double *x, size_t row,
                         char *buf, size_t len)
{
    gpuopt_backend *b = ws->backend;
    double *point = malloc(dim * sizeof *point);
    snprintf(buf, len, "stencil point %zu", row);
    if (!point || b->ops->read(b, point, ws->points, row * dim * sizeof *point,
                               dim * sizeof *point) != GPUOPT_SUCCESS) {
        free(point);
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "x");
    int moved = 0;
    for (size_t j = 0; j < dim && used < len; ++j)
        if (point[j] != x[j])
            used += (size_t)snprintf(buf + used, len - used, "%s x[%zu] %+.3g",
                                     moved++ ? "," : " with", j, point[j] - x[j]);
    if (!moved)
        snprintf(buf, len, "x itself");
    free(point);
}

static gpuopt_status check_finite(gpuopt_fd_workspace *ws, gpuopt_dptr values, const fd_sizes *z,
                                  size_t dim, const double *x, char *errmsg, size_t len)
{
    gpuopt_backend *b = ws->backend;
    gpuopt_penalty none;
    memset(&none, 0, sizeof none);
    size_t n_bad = 0, first = 0;
    gpuopt_status st = b->ops->check_values(b, values, ws->points, z->rows * z->m, dim, &none,
                                            &n_bad, &first);
    if (st != GPUOPT_SUCCESS)
        return backend_error(b, st, "checking the values", errmsg, len);
    if (!n_bad)
        return GPUOPT_SUCCESS;
    double v = NAN;
    b->ops->read(b, &v, values, first * sizeof v, sizeof v);
    char where[256];
    describe_row(ws, dim, x, first / z->m, where, sizeof where);
    return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_NONFINITE_CRITERION,
                          "the criterion returned %g at %s (%zu non-finite value%s among the %zu "
                          "stencil points); set error_handling=continue to leave such points out",
                          v, where, n_bad, n_bad == 1 ? "" : "s", z->rows);
}

static gpuopt_status evaluate(gpuopt_fd_workspace *ws, const gpuopt_eval_target *t,
                              const fd_sizes *z, char *errmsg, size_t len)
{
    gpuopt_backend *b = ws->backend;
    gpuopt_dptr raw = t->kind == GPUOPT_CRITERION_SCALAR ? ws->f : ws->raw;
    gpuopt_status st = b->ops->evaluate(b, t, ws->points, z->rows, raw, ws->f);
    if (st == GPUOPT_ERR_CALLBACK)
        return gpuopt_fd_fail(errmsg, len, st,
                              "the criterion callback returned an error (nonzero) while evaluating "
                              "the %zu-point finite-difference stencil",
                              z->rows);
    return st == GPUOPT_SUCCESS ? st : backend_error(b, st, "evaluating the stencil", errmsg, len);
}

static gpuopt_status check_result(const gpuopt_fd_spec *spec, const double *out, size_t rows,
                                  size_t dim, char *errmsg, size_t len)
{
    if (spec->error_handling != GPUOPT_FD_RAISE)
        return GPUOPT_SUCCESS;
    for (size_t i = 0; i < rows * dim; ++i)
        if (!isfinite(out[i]))
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_NONFINITE_CRITERION,
                                  "the finite-difference estimate of entry (%zu, %zu) is %g "
                                  "(the values overflow)",
                                  i / dim, i % dim, out[i]);
    return GPUOPT_SUCCESS;
}

static gpuopt_status run_stencil(gpuopt_fd_workspace *ws, const gpuopt_eval_target *t,
                                 const gpuopt_fd_spec *spec, const fd_sizes *z,
                                 struct gpuopt_fd_args *a, const double *x,
                                 int64_t *n_evaluations, char *errmsg, size_t len)
{
    gpuopt_backend *b = ws->backend;
    size_t dim = t->dim;
    gpuopt_status st = b->ops->write(b, ws->x, 0, x, dim * sizeof *x);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, ws->steps, 0, ws->steps_host,
                           2 * (size_t)spec->n_steps * dim * sizeof(double));
    if (st == GPUOPT_SUCCESS && (st = gpuopt_backend_fd_points(b, a)) != GPUOPT_SUCCESS)
        return backend_error(b, st, "generating the stencil", errmsg, len);
    if (st != GPUOPT_SUCCESS)
        return backend_error(b, st, "copying the point", errmsg, len);
    st = evaluate(ws, t, z, errmsg, len);
    *n_evaluations = (int64_t)z->rows;
    if (st != GPUOPT_SUCCESS)
        return st;
    if (spec->error_handling == GPUOPT_FD_RAISE &&
        (st = check_finite(ws, a->values, z, dim, x, errmsg, len)) != GPUOPT_SUCCESS)
        return st;
    if ((st = gpuopt_backend_fd_combine(b, a)) != GPUOPT_SUCCESS)
        return backend_error(b, st, "combining the values", errmsg, len);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_fd_compute(gpuopt_fd_workspace *ws, const gpuopt_eval_target *t,
                                const gpuopt_fd_spec *spec, int jacobian, const double *x,
                                const double *lower, const double *upper, gpuopt_fd_output *res,
                                char *errmsg, size_t len)
{
    size_t dim = t->dim;
    fd_sizes z;
    gpuopt_status st = gpuopt_fd_check_spec(spec, dim, errmsg, len);
    if (st == GPUOPT_SUCCESS)
        st = plan_sizes(ws, t, spec, jacobian, &z, errmsg, len);
    if (st == GPUOPT_SUCCESS)
        st = alloc_all(ws, spec, dim, &z, errmsg, len);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_fd_make_steps(spec, dim, x, lower, upper, ws->steps_host, errmsg, len);
    if (st != GPUOPT_SUCCESS)
        return st;
    int use_raw = z.m > 1 || (jacobian && t->kind != GPUOPT_CRITERION_SCALAR);
    struct gpuopt_fd_args a = {spec->order, spec->method, spec->n_steps, dim, z.m, z.rows,
                               ws->x, ws->steps, ws->points, use_raw ? ws->raw : ws->f, ws->out};
    res->n_evaluations = 0;
    if ((st = run_stencil(ws, t, spec, &z, &a, x, &res->n_evaluations, errmsg, len)))
        return st;
    gpuopt_backend *b = ws->backend;
    size_t out_rows = gpuopt_fd_out_rows(&a);
    st = b->ops->read(b, res->out, ws->out, 0, out_rows * dim * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, &res->value, ws->f, 0, sizeof res->value);
    if (st == GPUOPT_SUCCESS && res->f0)
        st = b->ops->read(b, res->f0, a.values, 0, z.m * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return backend_error(b, st, "reading the result", errmsg, len);
    return check_result(spec, res->out, out_rows, dim, errmsg, len);
}
