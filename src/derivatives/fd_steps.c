/* Finite-difference specs: defaults, method names, validation, stencil sizes and the
 * bound-aware steps of every coordinate (kernels/fd.h does the per-coordinate work). */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fd.h"

gpuopt_status gpuopt_fd_fail(char *errmsg, size_t len, gpuopt_status st, const char *fmt, ...)
{
    if (errmsg && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errmsg, len, fmt, ap);
        va_end(ap);
    }
    return st;
}

gpuopt_fd_spec gpuopt_fd_default_spec(int order)
{
    gpuopt_fd_spec s;
    memset(&s, 0, sizeof s);
    s.order = order;
    s.method = order == 2 ? GPUOPT_FD_CENTRAL_CROSS : GPUOPT_FD_CENTRAL;
    s.n_steps = 1;
    s.step_ratio = 2.0;
    s.scaling_factor = 1.0;
    s.error_handling = GPUOPT_FD_RAISE;
    return s;
}

static const struct {
    const char *name;
    int code;
} methods[] = {
    {"forward", GPUOPT_FD_FORWARD},
    {"backward", GPUOPT_FD_BACKWARD},
    {"central", GPUOPT_FD_CENTRAL},
    {"central_cross", GPUOPT_FD_CENTRAL_CROSS},
    {"central_average", GPUOPT_FD_CENTRAL_AVERAGE},
};

const char *gpuopt_fd_method_name(int method)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; ++i)
        if (methods[i].code == method)
            return methods[i].name;
    return "unknown";
}

int gpuopt_fd_method_code(const char *name)
{
    for (size_t i = 0; name && i < sizeof methods / sizeof methods[0]; ++i)
        if (strcmp(methods[i].name, name) == 0)
            return methods[i].code;
    return 0;
}

int gpuopt_fd_method_fits(int method, int order)
{
    if (method == GPUOPT_FD_FORWARD || method == GPUOPT_FD_BACKWARD)
        return order == 1 || order == 2;
    if (method == GPUOPT_FD_CENTRAL)
        return order == 1;
    return (method == GPUOPT_FD_CENTRAL_CROSS || method == GPUOPT_FD_CENTRAL_AVERAGE) &&
           order == 2;
}

static int positive(double v) { return isfinite(v) && v > 0.0; }

static gpuopt_status check_vector(const double *v, size_t dim, const char *what, char *errmsg,
                                  size_t len)
{
    for (size_t j = 0; v && j < dim; ++j)
        if (!positive(v[j]))
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                                  "%s[%zu] is %g; steps must be finite and > 0", what, j, v[j]);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_fd_check_spec(const gpuopt_fd_spec *s, size_t dim, char *errmsg, size_t len)
{
    if (s->order != 1 && s->order != 2)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_INVALID_ARGUMENT,
                              "derivative order must be 1 or 2; got %d", s->order);
    if (!gpuopt_fd_method_fits(s->method, s->order))
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "method '%s' does not compute %s derivatives; use %s",
                              gpuopt_fd_method_name(s->method), s->order == 1 ? "first" : "second",
                              s->order == 1
                                  ? "central, forward or backward"
                                  : "central_cross, central_average, forward or backward");
    if (s->n_steps < 1 || s->n_steps > GPUOPT_FD_MAX_STEPS)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "n_steps must be in [1, %d]; got %d", GPUOPT_FD_MAX_STEPS,
                              s->n_steps);
    if (!(isfinite(s->step_ratio) && s->step_ratio > 1.0))
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "step_ratio must be finite and > 1; got %g", s->step_ratio);
    if (!positive(s->scaling_factor))
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "scaling_factor must be finite and > 0; got %g", s->scaling_factor);
    if (!(isfinite(s->step_size) && s->step_size >= 0.0))
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "step_size must be finite and > 0; got %g", s->step_size);
    if (!(isfinite(s->min_step) && s->min_step >= 0.0))
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "min_steps must be finite and > 0; got %g", s->min_step);
    if (s->error_handling != GPUOPT_FD_RAISE && s->error_handling != GPUOPT_FD_CONTINUE)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "error_handling must be raise or continue");
    gpuopt_status st = check_vector(s->steps, dim, "step_size", errmsg, len);
    return st != GPUOPT_SUCCESS ? st : check_vector(s->min_steps, dim, "min_steps", errmsg, len);
}

/* a * b into *out unless it overflows. */
static int mul_ok(size_t a, size_t b, size_t *out)
{
    if (a && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

gpuopt_status gpuopt_fd_stencil_rows(const gpuopt_fd_spec *s, size_t dim, size_t *rows,
                                     char *errmsg, size_t len)
{
    size_t single = (size_t)(gpuopt_fd_one_slots(s->method) +
                             gpuopt_fd_diag_slots(s->order, s->method));
    size_t slots = (size_t)gpuopt_fd_pair_slots(s->order, s->method);
    size_t singles, pairs = 0, per_pair, level, all;
    int ok = mul_ok(single, dim, &singles);
    if (ok && slots)
        ok = mul_ok(dim % 2 ? dim : dim / 2, dim % 2 ? (dim - 1) / 2 : dim - 1, &pairs);
    ok = ok && mul_ok(slots, pairs, &per_pair) && per_pair <= SIZE_MAX - singles;
    level = ok ? singles + per_pair : 0;
    ok = ok && mul_ok(level, (size_t)s->n_steps, &all) && all < SIZE_MAX;
    if (!ok)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OUT_OF_MEMORY,
                              "the %s stencil at dimension %zu (%d step%s) has more points than "
                              "this machine can address",
                              s->order == 2 ? "Hessian" : "gradient", dim, s->n_steps,
                              s->n_steps == 1 ? "" : "s");
    *rows = all + 1;
    return GPUOPT_SUCCESS;
}

static int user_steps(const gpuopt_fd_spec *s) { return s->steps || s->step_size > 0.0; }

/* The base step of coordinate j before any shrinking, and its minimum, for `method`. */
static void base_and_min(const gpuopt_fd_spec *s, int method, size_t j, double x, double *base,
                         double *least)
{
    double rule = s->order == 1 && gpuopt_fd_one_sided(method) ? sqrt(DBL_EPSILON)
                                                                : cbrt(DBL_EPSILON);
    int user = user_steps(s);
    double step = s->steps ? s->steps[j] : s->step_size;
    *base = (user ? step : rule * fmax(fabs(x), 0.1)) * s->scaling_factor;
    *least = s->min_steps ? s->min_steps[j] : s->min_step > 0.0 ? s->min_step : *base;
    if (!user && *base < *least)
        *base = *least;
}

/* Whether coordinate j has a step on `side` (0: +, 1: -, 2: either) at some level. */
static int has_step(const gpuopt_fd_spec *s, size_t dim, const double *steps, size_t j, int side)
{
    for (int l = 0; l < s->n_steps; ++l)
        for (int k = 0; k < 2; ++k)
            if ((side == 2 || side == k) && isfinite(gpuopt_fd_step(steps, dim, l, k, j)))
                return 1;
    return 0;
}

static gpuopt_status coordinate(const gpuopt_fd_spec *s, int method, size_t dim, size_t j,
                                double x, double lo, double hi, double *steps, char *errmsg,
                                size_t len)
{
    double base, least;
    base_and_min(s, method, j, x, &base, &least);
    if (least > base)
        return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_OPTION_RANGE,
                              "coordinate %zu: the step %g (step_size x scaling_factor) is below "
                              "its minimum %g (min_steps)",
                              j, base, least);
    gpuopt_fd_coordinate_steps(s->order, method, s->n_steps, s->step_ratio, x, lo, hi, base, least,
                               steps, dim, j);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_fd_make_steps(const gpuopt_fd_spec *s, size_t dim, const double *x,
                                   const double *lower, const double *upper, double *steps,
                                   char *errmsg, size_t len)
{
    for (size_t j = 0; j < dim; ++j) {
        double lo = lower ? lower[j] : -INFINITY, hi = upper ? upper[j] : INFINITY;
        if (!isfinite(x[j]))
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_INVALID_ARGUMENT,
                                  "x[%zu] is %g; the point must be finite", j, x[j]);
        if (x[j] < lo || x[j] > hi)
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_INVALID_ARGUMENT,
                                  "x[%zu] = %.17g is outside the bounds [%g, %g]", j, x[j], lo, hi);
        gpuopt_status st = coordinate(s, s->method, dim, j, x[j], lo, hi, steps, errmsg, len);
        /* A central first derivative left with one side by the bounds: that side's one-sided
         * rule of thumb (the central one is too long for a one-sided formula). */
        int plus = has_step(s, dim, steps, j, 0), minus = has_step(s, dim, steps, j, 1);
        if (st == GPUOPT_SUCCESS && s->order == 1 && s->method == GPUOPT_FD_CENTRAL &&
            !user_steps(s) && plus != minus)
            st = coordinate(s, plus ? GPUOPT_FD_FORWARD : GPUOPT_FD_BACKWARD, dim, j, x[j], lo, hi,
                            steps, errmsg, len);
        if (st != GPUOPT_SUCCESS)
            return st;
        double base, least;
        base_and_min(s, s->method, j, x[j], &base, &least);
        if (s->error_handling == GPUOPT_FD_RAISE && !has_step(s, dim, steps, j, 2))
            return gpuopt_fd_fail(errmsg, len, GPUOPT_ERR_BAD_BOUNDS,
                                  "coordinate %zu: the bounds [%g, %g] leave no room at x = %.17g "
                                  "for a step of %g (the minimum step%s); lower min_steps or "
                                  "widen the bounds",
                                  j, lo, hi, x[j], least,
                                  s->order == 2 ? ", which second derivatives take twice" : "");
    }
    return GPUOPT_SUCCESS;
}
