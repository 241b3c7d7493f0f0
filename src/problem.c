/* Problems: dimension, bounds, start point and one of three criterion kinds. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/problems.h"
#include "core.h"
#include "problems.h"

#define PROBLEM_NULL() gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem is NULL")

static gpuopt_problem *problem_alloc(size_t dim)
{
    gpuopt_problem *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->lower = malloc(dim * sizeof *p->lower);
    p->upper = malloc(dim * sizeof *p->upper);
    p->x0 = calloc(dim, sizeof *p->x0);
    if (!p->lower || !p->upper || !p->x0) {
        gpuopt_problem_destroy(&p);
        return NULL;
    }
    p->dim = dim;
    for (size_t i = 0; i < dim; ++i) {
        p->lower[i] = -INFINITY;
        p->upper[i] = INFINITY;
    }
    p->target.dim = dim;
    p->target.builtin_id = -1;
    p->target.kind = GPUOPT_CRITERION_SCALAR;
    p->target.n_outputs = 1;
    snprintf(p->name, sizeof p->name, "custom");
    return p;
}

gpuopt_status gpuopt_problem_create(gpuopt_problem **out, size_t dim)
{
    if (!out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem out-parameter is NULL");
    *out = NULL;
    if (dim == 0 || dim > ((size_t)1 << 40))
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "dimension must be at least 1; got %zu", dim);
    *out = problem_alloc(dim);
    return *out ? GPUOPT_SUCCESS : gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
}

static gpuopt_status unknown_problem(const char *name)
{
#define MAX_NAMES 256
    const char *names[MAX_NAMES];
    size_t n = gpuopt_builtin_count() < MAX_NAMES ? gpuopt_builtin_count() : MAX_NAMES;
    _Static_assert((int)GPUOPT_BUILTIN_COUNT <= MAX_NAMES, "every built-in name can be suggested");
    for (size_t i = 0; i < n; ++i)
        names[i] = gpuopt_builtin_at(i)->info.name;
    char hint[256];
    gpuopt_suggest(name, names, n, hint, sizeof hint);
    return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_PROBLEM,
                                 "unknown problem '%s'; nearest: %s (see `gpuopt problems`)", name,
                                 hint);
}

gpuopt_status gpuopt_problem_create_builtin(gpuopt_problem **out, const char *name, size_t dim)
{
    if (!out || !name)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem out-parameter or name is NULL");
    *out = NULL;
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    if (!b)
        return unknown_problem(name);
    if (dim > (size_t)INT_MAX)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "built-in problems take dimensions up to %d; got %zu", INT_MAX,
                                     dim);
    if (b->info.fixed_dim && dim != b->info.fixed_dim)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "problem '%s' has dimension %zu; got %zu", name,
                                     b->info.fixed_dim, dim);
    gpuopt_status st = gpuopt_problem_create(out, dim);
    if (st != GPUOPT_SUCCESS)
        return st;
    gpuopt_problem *p = *out;
    snprintf(p->name, sizeof p->name, "%s", b->info.name);
    p->target.builtin_id = b->id;
    p->target.kind = b->info.kind;
    p->target.n_outputs = b->info.n_outputs;
    p->has_criterion = 1;
    for (size_t i = 0; i < dim; ++i) {
        p->lower[i] = b->info.default_lower;
        p->upper[i] = b->info.default_upper;
    }
    b->start(dim, p->x0);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_destroy(gpuopt_problem **p)
{
    if (!p)
        return PROBLEM_NULL();
    if (*p) {
        free((*p)->lower);
        free((*p)->upper);
        free((*p)->x0);
        free(*p);
        *p = NULL;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status set_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind, size_t n_outputs,
                                   int has_fn)
{
    if (!p)
        return PROBLEM_NULL();
    if (!has_fn)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "criterion function is NULL");
    if (kind != GPUOPT_CRITERION_SCALAR && kind != GPUOPT_CRITERION_LEAST_SQUARES &&
        kind != GPUOPT_CRITERION_LIKELIHOOD)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "unknown criterion kind %d (use GPUOPT_CRITERION_SCALAR, "
                                "_LEAST_SQUARES or _LIKELIHOOD)",
                                (int)kind);
    if (n_outputs == 0 || (kind == GPUOPT_CRITERION_SCALAR && n_outputs != 1))
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "n_outputs must be 1 for a scalar criterion and >= 1 otherwise; "
                                "got %zu",
                                n_outputs);
    memset(&p->target, 0, sizeof p->target);
    p->target.dim = p->dim;
    p->target.kind = kind;
    p->target.n_outputs = n_outputs;
    p->target.builtin_id = -1;
    p->has_criterion = 1;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_batch_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                 size_t n_outputs, gpuopt_batch_fn fn, void *user,
                                                 unsigned flags)
{
    gpuopt_status st = set_criterion(p, kind, n_outputs, fn != NULL);
    if (st != GPUOPT_SUCCESS)
        return st;
    p->target.batch_fn = fn;
    p->target.user = user;
    p->target.thread_safe = (flags & GPUOPT_CALLBACK_THREAD_SAFE) != 0;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_point_criterion(gpuopt_problem *p, gpuopt_criterion_kind kind,
                                                 size_t n_outputs, gpuopt_point_fn fn, void *user,
                                                 unsigned flags)
{
    gpuopt_status st = set_criterion(p, kind, n_outputs, fn != NULL);
    if (st != GPUOPT_SUCCESS)
        return st;
    p->target.point_fn = fn;
    p->target.user = user;
    p->target.thread_safe = (flags & GPUOPT_CALLBACK_THREAD_SAFE) != 0;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_gradient(gpuopt_problem *p, gpuopt_gradient_fn fn, void *user)
{
    if (!p)
        return PROBLEM_NULL();
    p->gradient = fn;
    p->gradient_user = user;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_bounds(gpuopt_problem *p, const double *lower, const double *upper)
{
    if (!p)
        return PROBLEM_NULL();
    for (size_t i = 0; i < p->dim; ++i) {
        double lo = lower ? lower[i] : -INFINITY, hi = upper ? upper[i] : INFINITY;
        if (isnan(lo) || isnan(hi))
            return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_BOUNDS,
                                    "bound %zu is NaN (lower %g, upper %g)", i, lo, hi);
        if (lo > hi)
            return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_BOUNDS,
                                    "lower bound %zu (%g) is greater than upper bound (%g)", i, lo,
                                    hi);
        if (lo == INFINITY || hi == -INFINITY)
            return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_BOUNDS,
                                    "bound %zu leaves no feasible value (lower %g, upper %g)", i,
                                    lo, hi);
    }
    for (size_t i = 0; i < p->dim; ++i) {
        p->lower[i] = lower ? lower[i] : -INFINITY;
        p->upper[i] = upper ? upper[i] : INFINITY;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_set_start(gpuopt_problem *p, const double *x0)
{
    if (!p)
        return PROBLEM_NULL();
    if (!x0)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "start point is NULL");
    for (size_t i = 0; i < p->dim; ++i)
        if (!isfinite(x0[i]))
            return gpuopt_set_error(p->errmsg, GPUOPT_ERR_BAD_START,
                                    "start point coordinate %zu is %g; it must be finite", i, x0[i]);
    memcpy(p->x0, x0, p->dim * sizeof *x0);
    return GPUOPT_SUCCESS;
}

size_t gpuopt_problem_dim(const gpuopt_problem *p)
{
    return p ? p->dim : 0;
}

gpuopt_criterion_kind gpuopt_problem_kind(const gpuopt_problem *p)
{
    return p ? p->target.kind : GPUOPT_CRITERION_SCALAR;
}

size_t gpuopt_problem_n_outputs(const gpuopt_problem *p)
{
    return p ? p->target.n_outputs : 0;
}

const char *gpuopt_problem_name(const gpuopt_problem *p)
{
    return p ? p->name : "";
}

gpuopt_status gpuopt_problem_get_bounds(const gpuopt_problem *p, double *lower, double *upper)
{
    if (!p || !lower || !upper)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem or output is NULL");
    memcpy(lower, p->lower, p->dim * sizeof *lower);
    memcpy(upper, p->upper, p->dim * sizeof *upper);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_get_start(const gpuopt_problem *p, double *x0)
{
    if (!p || !x0)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "problem or output is NULL");
    memcpy(x0, p->x0, p->dim * sizeof *x0);
    return GPUOPT_SUCCESS;
}

/* Host evaluation of one point's raw outputs. */
static int eval_point(const gpuopt_problem *p, const double *x, double *raw)
{
    const gpuopt_eval_target *t = &p->target;
    if (t->builtin_id >= 0 && t->n_outputs > 1) {
        for (size_t k = 0; k < t->n_outputs; ++k)
            raw[k] = gpuopt_builtin_output(t->builtin_id, x, (int)p->dim, k);
        return 0;
    }
    if (t->builtin_id >= 0) {
        raw[0] = gpuopt_builtin_evaluate(t->builtin_id, x, p->dim);
        return 0;
    }
    if (t->point_fn)
        return t->point_fn(x, p->dim, raw, t->user);
    return t->batch_fn(x, 1, raw, t->user);
}

gpuopt_status gpuopt_problem_evaluate(gpuopt_problem *p, const double *X, size_t n_points,
                                      double *values)
{
    if (!p)
        return PROBLEM_NULL();
    if (!X || !values)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NULL_POINTER, "points or values are NULL");
    if (!p->has_criterion)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_NO_CRITERION, "the problem has no criterion");
    size_t m = p->target.n_outputs;
    double *raw = malloc(m * sizeof *raw);
    if (!raw)
        return gpuopt_set_error(p->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; i < n_points; ++i) {
        if (eval_point(p, X + i * p->dim, raw)) {
            free(raw);
            return gpuopt_set_error(p->errmsg, GPUOPT_ERR_CALLBACK,
                                    "the criterion callback returned an error at point %zu", i);
        }
        double sum = 0;
        for (size_t k = 0; k < m; ++k)
            sum += p->target.kind == GPUOPT_CRITERION_LEAST_SQUARES ? raw[k] * raw[k] : raw[k];
        values[i] = sum;
    }
    free(raw);
    return GPUOPT_SUCCESS;
}

const char *gpuopt_problem_errmsg(const gpuopt_problem *p)
{
    return p ? p->errmsg : gpuopt_last_error();
}
