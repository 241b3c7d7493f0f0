/* The public differentiator (include/gpuopt/derivatives.h): options, and the three entry
 * points over the engine (fd_engine.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "fd.h"

struct gpuopt_derivative {
    gpuopt_context *ctx;
    int method; /* GPUOPT_FD_*, 0: auto */
    double step_size, scaling_factor, min_step, step_ratio; /* step_size, min_step 0: auto */
    int n_steps, error_handling;
    double *steps, *min_steps; /* per-coordinate vectors, or NULL */
    size_t steps_dim, min_steps_dim;
    gpuopt_fd_workspace ws;
    int64_t n_evaluations;
    double value;
    int last_method;
    char errmsg[GPUOPT_ERRMSG_LEN];
};

static const char *const option_keys[] = {"method",  "step_size",  "scaling_factor", "min_steps",
                                          "n_steps", "step_ratio", "error_handling"};
#define N_KEYS (sizeof option_keys / sizeof option_keys[0])

#define D_NULL() gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "derivative handle is NULL")

gpuopt_status gpuopt_derivative_create(gpuopt_derivative **out, gpuopt_context *ctx)
{
    if (!out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "derivative out-parameter is NULL");
    *out = NULL;
    if (!ctx || !ctx->backend)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context is NULL");
    gpuopt_derivative *d = calloc(1, sizeof *d);
    if (!d)
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    d->ctx = ctx;
    d->scaling_factor = 1.0;
    d->step_ratio = 2.0;
    d->n_steps = 1;
    d->error_handling = GPUOPT_FD_RAISE;
    gpuopt_fd_workspace_init(&d->ws, ctx->backend);
    *out = d;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_derivative_destroy(gpuopt_derivative **d)
{
    if (!d)
        return D_NULL();
    if (*d) {
        gpuopt_fd_workspace_free(&(*d)->ws);
        free((*d)->steps);
        free((*d)->min_steps);
        free(*d);
        *d = NULL;
    }
    return GPUOPT_SUCCESS;
}

/* ----------------------------------------------------------------- options */

static gpuopt_status unknown_key(gpuopt_derivative *d, const char *key)
{
    char hint[256];
    gpuopt_suggest(key, option_keys, N_KEYS, hint, sizeof hint);
    return gpuopt_set_error(d->errmsg, GPUOPT_ERR_UNKNOWN_OPTION,
                            "unknown derivative option '%s'; nearest: %s (options: method, "
                            "step_size, scaling_factor, min_steps, n_steps, step_ratio, "
                            "error_handling)",
                            key, hint);
}

static int known_key(const char *key)
{
    for (size_t i = 0; i < N_KEYS; ++i)
        if (strcmp(option_keys[i], key) == 0)
            return 1;
    return 0;
}

static gpuopt_status range_error(gpuopt_derivative *d, const char *key, const char *rule, double v)
{
    return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_RANGE, "%s must be %s; got %g", key, rule,
                            v);
}

gpuopt_status gpuopt_derivative_set_double(gpuopt_derivative *d, const char *key, double v)
{
    if (!d)
        return D_NULL();
    if (!key)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_NULL_POINTER, "option key is NULL");
    int positive = isfinite(v) && v > 0.0;
    if (!strcmp(key, "step_size") || !strcmp(key, "min_steps") || !strcmp(key, "scaling_factor")) {
        if (!positive)
            return range_error(d, key, "finite and > 0", v);
        *(!strcmp(key, "step_size")   ? &d->step_size
          : !strcmp(key, "min_steps") ? &d->min_step
                                      : &d->scaling_factor) = v;
        return GPUOPT_SUCCESS;
    }
    if (!strcmp(key, "step_ratio")) {
        if (!(isfinite(v) && v > 1.0))
            return range_error(d, key, "finite and > 1", v);
        d->step_ratio = v;
        return GPUOPT_SUCCESS;
    }
    if (!strcmp(key, "n_steps")) {
        if (!(v >= 1 && v <= GPUOPT_FD_MAX_STEPS && v == floor(v)))
            return range_error(d, key, "an integer in [1, 8]", v);
        d->n_steps = (int)v;
        return GPUOPT_SUCCESS;
    }
    if (known_key(key))
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_TYPE,
                                "option '%s' takes a name, not a number", key);
    return unknown_key(d, key);
}

static gpuopt_status set_method(gpuopt_derivative *d, const char *value)
{
    int code = strcmp(value, "auto") ? gpuopt_fd_method_code(value) : 0;
    if (strcmp(value, "auto") && !code)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_RANGE,
                                "unknown method '%s'; choose auto, central, forward or backward "
                                "(first derivatives), central_cross, central_average, forward or "
                                "backward (second derivatives)",
                                value);
    d->method = code;
    return GPUOPT_SUCCESS;
}

static gpuopt_status set_number_text(gpuopt_derivative *d, const char *key, const char *value)
{
    if (!strcmp(value, "auto") && (!strcmp(key, "step_size") || !strcmp(key, "min_steps"))) {
        *(!strcmp(key, "step_size") ? &d->step_size : &d->min_step) = 0.0;
        return GPUOPT_SUCCESS;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end != '\0' || errno == ERANGE)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_TYPE,
                                "option '%s' expects a number%s; got '%s'", key,
                                !strcmp(key, "step_size") || !strcmp(key, "min_steps")
                                    ? " or auto"
                                    : "",
                                value);
    return gpuopt_derivative_set_double(d, key, v);
}

gpuopt_status gpuopt_derivative_set_string(gpuopt_derivative *d, const char *key, const char *value)
{
    if (!d)
        return D_NULL();
    if (!key || !value)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_NULL_POINTER, "option key or value is NULL");
    if (!strcmp(key, "method"))
        return set_method(d, value);
    if (!strcmp(key, "error_handling")) {
        if (strcmp(value, "raise") && strcmp(value, "continue"))
            return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_RANGE,
                                    "error_handling must be raise or continue; got '%s'", value);
        d->error_handling = strcmp(value, "raise") ? GPUOPT_FD_CONTINUE : GPUOPT_FD_RAISE;
        return GPUOPT_SUCCESS;
    }
    if (!known_key(key))
        return unknown_key(d, key);
    return set_number_text(d, key, value);
}

gpuopt_status gpuopt_derivative_set_option(gpuopt_derivative *d, const char *text)
{
    if (!d)
        return D_NULL();
    const char *eq = text ? strchr(text, '=') : NULL;
    if (!eq || eq == text)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "expected key=value; got '%s'", text ? text : "(null)");
    char key[64];
    size_t n = (size_t)(eq - text);
    if (n >= sizeof key)
        return unknown_key(d, text);
    memcpy(key, text, n);
    key[n] = '\0';
    return gpuopt_derivative_set_string(d, key, eq + 1);
}

gpuopt_status gpuopt_derivative_get_option(const gpuopt_derivative *d, const char *key, char *buf,
                                           size_t len)
{
    if (!d || !key || !buf || !len)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "derivative, key or buffer is NULL");
    if (!strcmp(key, "method"))
        snprintf(buf, len, "%s", d->method ? gpuopt_fd_method_name(d->method) : "auto");
    else if (!strcmp(key, "error_handling"))
        snprintf(buf, len, "%s", d->error_handling == GPUOPT_FD_RAISE ? "raise" : "continue");
    else if (!strcmp(key, "n_steps"))
        snprintf(buf, len, "%d", d->n_steps);
    else if (!strcmp(key, "step_size") || !strcmp(key, "min_steps")) {
        double v = !strcmp(key, "step_size") ? d->step_size : d->min_step;
        if (v > 0.0)
            snprintf(buf, len, "%.17g", v);
        else
            snprintf(buf, len, "auto");
    } else if (!strcmp(key, "scaling_factor") || !strcmp(key, "step_ratio"))
        snprintf(buf, len, "%.17g", !strcmp(key, "step_ratio") ? d->step_ratio : d->scaling_factor);
    else
        return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_OPTION, "unknown derivative option '%s'",
                                     key);
    return GPUOPT_SUCCESS;
}

static gpuopt_status copy_vector(gpuopt_derivative *d, double **dst, size_t *dst_dim,
                                 const double *src, size_t dim, const char *what)
{
    if (!src) {
        free(*dst);
        *dst = NULL;
        *dst_dim = 0;
        return GPUOPT_SUCCESS;
    }
    if (dim == 0)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_BAD_DIMENSION, "%s: dim must be >= 1", what);
    for (size_t j = 0; j < dim; ++j)
        if (!(isfinite(src[j]) && src[j] > 0.0))
            return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OPTION_RANGE,
                                    "%s[%zu] must be finite and > 0; got %g", what, j, src[j]);
    double *copy = malloc(dim * sizeof *copy);
    if (!copy)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    memcpy(copy, src, dim * sizeof *copy);
    free(*dst);
    *dst = copy;
    *dst_dim = dim;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_derivative_set_steps(gpuopt_derivative *d, const double *steps, size_t dim)
{
    return d ? copy_vector(d, &d->steps, &d->steps_dim, steps, dim, "steps") : D_NULL();
}

gpuopt_status gpuopt_derivative_set_min_steps(gpuopt_derivative *d, const double *min_steps,
                                              size_t dim)
{
    return d ? copy_vector(d, &d->min_steps, &d->min_steps_dim, min_steps, dim, "min_steps")
             : D_NULL();
}

/* ------------------------------------------------------------- derivatives */

static gpuopt_status check_call(gpuopt_derivative *d, const gpuopt_problem *p, const double *x,
                                const double *out)
{
    if (!p || !x || !out)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_NULL_POINTER, "problem, x or output is NULL");
    if (!p->has_criterion)
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_NO_CRITERION,
                                "the problem has no criterion: set one with "
                                "gpuopt_problem_set_batch_criterion or _point_criterion");
    if ((d->steps && d->steps_dim != p->dim) || (d->min_steps && d->min_steps_dim != p->dim))
        return gpuopt_set_error(d->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "the step vectors have %zu values; the problem has dimension %zu",
                                d->steps ? d->steps_dim : d->min_steps_dim, p->dim);
    return GPUOPT_SUCCESS;
}

static gpuopt_fd_spec make_spec(const gpuopt_derivative *d, int order)
{
    gpuopt_fd_spec s = gpuopt_fd_default_spec(order);
    if (d->method)
        s.method = d->method;
    s.n_steps = d->n_steps;
    s.step_ratio = d->step_ratio;
    s.scaling_factor = d->scaling_factor;
    s.step_size = d->step_size;
    s.steps = d->steps;
    s.min_step = d->min_step;
    s.min_steps = d->min_steps;
    s.error_handling = d->error_handling;
    return s;
}

static gpuopt_status compute(gpuopt_derivative *d, gpuopt_problem *p, const double *x,
                             double *out, int order, int jacobian)
{
    if (!d)
        return D_NULL();
    gpuopt_status st = check_call(d, p, x, out);
    if (st != GPUOPT_SUCCESS)
        return st;
    gpuopt_fd_spec spec = make_spec(d, order);
    gpuopt_fd_output res = {out, NULL, NAN, 0};
    d->errmsg[0] = '\0';
    st = gpuopt_fd_compute(&d->ws, &p->target, &spec, jacobian, x, p->lower, p->upper, &res,
                           d->errmsg, sizeof d->errmsg);
    d->n_evaluations = res.n_evaluations;
    if (st != GPUOPT_SUCCESS)
        return st;
    d->value = res.value;
    d->last_method = spec.method;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_derivative_gradient(gpuopt_derivative *d, gpuopt_problem *p, const double *x,
                                         double *grad)
{
    return compute(d, p, x, grad, 1, 0);
}

gpuopt_status gpuopt_derivative_jacobian(gpuopt_derivative *d, gpuopt_problem *p, const double *x,
                                         double *jac)
{
    return compute(d, p, x, jac, 1, 1);
}

gpuopt_status gpuopt_derivative_hessian(gpuopt_derivative *d, gpuopt_problem *p, const double *x,
                                        double *hess)
{
    return compute(d, p, x, hess, 2, 0);
}

int64_t gpuopt_derivative_n_evaluations(const gpuopt_derivative *d)
{
    return d ? d->n_evaluations : 0;
}

double gpuopt_derivative_value(const gpuopt_derivative *d)
{
    return d && d->last_method ? d->value : NAN;
}

const char *gpuopt_derivative_method(const gpuopt_derivative *d)
{
    return d && d->last_method ? gpuopt_fd_method_name(d->last_method) : "";
}

const char *gpuopt_derivative_errmsg(const gpuopt_derivative *d)
{
    return d ? d->errmsg : gpuopt_last_error();
}
