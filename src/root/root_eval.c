/* F and its Jacobian for GSL, on the context's backend: F at one point through the backend's
 * evaluate op; the Jacobian from the user's callback or as one finite-difference batch
 * (src/derivatives/fd_engine.c), whose centre row also gives F. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "root_internal.h"

static gpuopt_status fail(root_eval *e, gpuopt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static gpuopt_status fail(root_eval *e, gpuopt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gpuopt_vset_error(e->errmsg, e->errmsg_len, st, fmt, ap);
    va_end(ap);
    e->error = st;
    return st;
}

gpuopt_status gpuopt_root_eval_init(root_eval *e, gpuopt_backend *b, const gpuopt_eval_target *t,
                                    char *errmsg, size_t len)
{
    memset(e, 0, sizeof *e);
    e->backend = b;
    e->target = *t;
    e->n = t->dim;
    e->errmsg = errmsg;
    e->errmsg_len = len;
    gpuopt_fd_workspace_init(&e->ws, b);
    size_t n = e->n, d = sizeof(double);
    e->x_host = malloc(n * d);
    e->f_host = malloc(n * d);
    e->jac_host = malloc(n * n * d);
    if (!e->x_host || !e->f_host || !e->jac_host)
        return fail(e, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory for a system of %zu equations", n);
    gpuopt_status st = b->ops->alloc(b, n * d, &e->x_dev);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, n * d, &e->raw_dev);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, d, &e->f_dev);
    if (st != GPUOPT_SUCCESS)
        return fail(e, st, "cannot allocate %zu values on the %s backend: %s", 2 * n + 1,
                    b->ops->name, b->error);
    return GPUOPT_SUCCESS;
}

void gpuopt_root_eval_free(root_eval *e)
{
    gpuopt_backend *b = e->backend;
    gpuopt_dptr bufs[] = {e->x_dev, e->raw_dev, e->f_dev};
    for (size_t i = 0; b && i < GPUOPT_COUNT(bufs); ++i)
        if (bufs[i])
            b->ops->release(b, bufs[i]);
    gpuopt_fd_workspace_free(&e->ws);
    free(e->x_host);
    free(e->f_host);
    free(e->jac_host);
    memset(e, 0, sizeof *e);
}

static double distance_to_start(const root_eval *e, const double *x)
{
    double s = 0;
    for (size_t j = 0; j < e->n; ++j)
        s += (x[j] - e->x0[j]) * (x[j] - e->x0[j]);
    return sqrt(s);
}

/* error_handling=raise: a non-finite F_i is an error; continue: it becomes the penalty. */
static gpuopt_status check_values(root_eval *e, const double *x, double *f)
{
    for (size_t i = 0; i < e->n; ++i) {
        if (isfinite(f[i]))
            continue;
        if (!e->replace_nonfinite)
            return fail(e, GPUOPT_ERR_NONFINITE_CRITERION,
                        "F[%zu] = %g at x = (%g%s); set error_handling=continue to replace "
                        "non-finite values by a penalty",
                        i, f[i], x[0], e->n > 1 ? ", ..." : "");
        f[i] = e->penalty_constant + e->penalty_slope * distance_to_start(e, x);
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_root_eval_f(root_eval *e, const double *x, double *f)
{
    gpuopt_backend *b = e->backend;
    size_t bytes = e->n * sizeof(double);
    gpuopt_dptr raw = e->target.kind == GPUOPT_CRITERION_SCALAR ? e->f_dev : e->raw_dev;
    gpuopt_status st = b->ops->write(b, e->x_dev, 0, x, bytes);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->evaluate(b, &e->target, e->x_dev, 1, raw, e->f_dev);
    ++e->n_evaluations;
    if (st == GPUOPT_ERR_CALLBACK)
        return fail(e, st, "the system's callback returned an error (nonzero) at x = (%g%s)",
                    x[0], e->n > 1 ? ", ..." : "");
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, f, raw, 0, bytes);
    if (st != GPUOPT_SUCCESS)
        return fail(e, st, "evaluating F failed on the %s backend: %s", b->ops->name,
                    b->error[0] ? b->error : gpuopt_status_text(st));
    return check_values(e, x, f);
}

static gpuopt_status user_jacobian(root_eval *e, const double *x, double *jac)
{
    ++e->n_jacobians;
    if (e->jacobian(x, e->n, jac, e->jacobian_user) != 0)
        return fail(e, GPUOPT_ERR_CALLBACK,
                    "the Jacobian callback returned an error (nonzero) at x = (%g%s)", x[0],
                    e->n > 1 ? ", ..." : "");
    for (size_t k = 0; k < e->n * e->n; ++k)
        if (!isfinite(jac[k]))
            return fail(e, GPUOPT_ERR_NONFINITE_CRITERION,
                        "the Jacobian callback gave entry (%zu, %zu) = %g", k / e->n, k % e->n,
                        jac[k]);
    return GPUOPT_SUCCESS;
}

/* The stencil as one batch; f (NULL or n values) receives F at x from its centre row. */
static gpuopt_status fd_jacobian(root_eval *e, const double *x, double *jac, double *f)
{
    gpuopt_fd_output out = {jac, f, NAN, 0};
    ++e->n_jacobians;
    gpuopt_status st = gpuopt_fd_compute(&e->ws, &e->target, &e->spec, 1, x, NULL, NULL, &out,
                                         e->errmsg, e->errmsg_len);
    e->n_evaluations += out.n_evaluations;
    if (st != GPUOPT_SUCCESS) {
        e->error = st;
        return st;
    }
    for (size_t k = 0; k < e->n * e->n; ++k)
        if (!isfinite(jac[k]))
            return fail(e, GPUOPT_ERR_NONFINITE_CRITERION,
                        "no finite-difference estimate of the Jacobian's entry (%zu, %zu) at "
                        "x = (%g%s): the system is not finite around x",
                        k / e->n, k % e->n, x[0], e->n > 1 ? ", ..." : "");
    return f ? check_values(e, x, f) : GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ GSL callbacks */

static void to_host(const gsl_vector *v, double *out)
{
    for (size_t i = 0; i < v->size; ++i)
        out[i] = gsl_vector_get(v, i);
}

static void fill_vector(gsl_vector *v, const double *src)
{
    for (size_t i = 0; i < v->size; ++i)
        gsl_vector_set(v, i, src ? src[i] : NAN);
}

static void fill_matrix(gsl_matrix *m, const double *src, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            gsl_matrix_set(m, i, j, src ? src[i * n + j] : NAN);
}

static int gsl_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    root_eval *e = params;
    if (e->error == GPUOPT_SUCCESS) {
        to_host(x, e->x_host);
        gpuopt_root_eval_f(e, e->x_host, e->f_host);
    }
    int ok = e->error == GPUOPT_SUCCESS;
    fill_vector(f, ok ? e->f_host : NULL);
    return ok ? GSL_SUCCESS : GSL_EBADFUNC;
}

static gpuopt_status jacobian_at(root_eval *e, const double *x, double *f)
{
    return e->jacobian ? user_jacobian(e, x, e->jac_host) : fd_jacobian(e, x, e->jac_host, f);
}

static int gsl_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    root_eval *e = params;
    if (e->error == GPUOPT_SUCCESS) {
        to_host(x, e->x_host);
        jacobian_at(e, e->x_host, NULL);
    }
    int ok = e->error == GPUOPT_SUCCESS;
    fill_matrix(J, ok ? e->jac_host : NULL, e->n);
    return ok ? GSL_SUCCESS : GSL_EBADFUNC;
}

static int gsl_fdf(const gsl_vector *x, void *params, gsl_vector *f, gsl_matrix *J)
{
    root_eval *e = params;
    if (e->error == GPUOPT_SUCCESS) {
        to_host(x, e->x_host);
        if (e->jacobian) /* F first, then the user's Jacobian */
            gpuopt_root_eval_f(e, e->x_host, e->f_host);
        if (e->error == GPUOPT_SUCCESS)
            jacobian_at(e, e->x_host, e->jacobian ? NULL : e->f_host);
    }
    int ok = e->error == GPUOPT_SUCCESS;
    fill_vector(f, ok ? e->f_host : NULL);
    fill_matrix(J, ok ? e->jac_host : NULL, e->n);
    return ok ? GSL_SUCCESS : GSL_EBADFUNC;
}

gsl_multiroot_function_fdf gpuopt_root_eval_gsl(root_eval *e)
{
    gsl_multiroot_function_fdf fdf = {gsl_f, gsl_df, gsl_fdf, e->n, e};
    return fdf;
}
