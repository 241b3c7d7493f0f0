/* The root solver handle (include/gpuopt/root.h): methods, options (the option machinery of
 * src/options.c through an options-only optimizer), and the solve loop over GSL's
 * gsl_multiroot_fdfsolver with the tests xtol / ftol and the budgets. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "root_internal.h"

/* ------------------------------------------------------------------ methods */

#define ROOT_OPTIONS                                                                               \
    {"xtol", GPUOPT_OPTION_DOUBLE, 1.49012e-08, NULL, 0, DBL_MAX, NULL, 0,                         \
     "Converged (relative params tolerance) when every step component satisfies |dx_i| <= "        \
     "xtol_abs + xtol |x_i| (GSL's gsl_multiroot_test_delta; scipy's hybr default)."},             \
        {"xtol_abs", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,                           \
         "Absolute part of the step test (see xtol); 0 leaves only the relative test."},           \
        {"ftol", GPUOPT_OPTION_DOUBLE, 1e-10, NULL, 0, DBL_MAX, NULL, 0,                           \
         "Converged when sum_i |F_i(x)| < ftol (GSL's gsl_multiroot_test_residual)."},             \
        {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000, NULL, 1, (double)INT64_MAX, NULL, 0,  \
         "Stop after this many iterations (not convergence)."},                                    \
        {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, (double)INT64_MAX, NULL, 1,      \
         (double)INT64_MAX, NULL, 0,                                                               \
         "Stop once F has been evaluated at this many points (finite-difference stencils "         \
         "included), checked between iterations (not convergence)."},                              \
        {"numdiff.method", GPUOPT_OPTION_CHOICE, 2, NULL, 0, 0, "forward|central|backward", 0,     \
         "Finite differences for the Jacobian when no user Jacobian is set: central (2 n + 1 "     \
         "points, one batch) or one-sided (n + 1 points)."},                                       \
        {"numdiff.step_size", GPUOPT_OPTION_DOUBLE, 0, "auto", 0, DBL_MAX, NULL,                   \
         GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,                                       \
         "Base step of every coordinate; auto: eps^(1/3) max(|x|, 0.1) (central) or eps^(1/2) "    \
         "max(|x|, 0.1) (one-sided), see docs/derivatives.md."},                                   \
    {                                                                                              \
        "numdiff.scaling_factor", GPUOPT_OPTION_DOUBLE, 1, NULL, 0, DBL_MAX, NULL,                 \
            GPUOPT_OPT_MIN_EXCLUSIVE, "Multiplies the base step."                                  \
    }

static const gpuopt_option_spec hybr_options[] = {
    ROOT_OPTIONS,
    {"scale", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Scale the variables by the Jacobian's column norms (GSL's hybridsj, MINPACK's mode 1); "
     "false: unscaled (hybridj)."},
};
static const gpuopt_option_spec plain_options[] = {ROOT_OPTIONS};

static const char *const hybr_aliases[] = {"hybridsj", "hybridj", "powell_hybrid", NULL};
static const char *const newton_aliases[] = {"gnewton", NULL};
static const char *const broyden_aliases[] = {"broyden1", NULL};

enum { ROOT_HYBR, ROOT_NEWTON, ROOT_BROYDEN };

static const gpuopt_algorithm root_methods[] = {
    {"hybr", hybr_aliases, NULL, "Powell's hybrid method (GSL hybridsj / MINPACK hybrj)", NULL, 0,
     0, 0, hybr_options, GPUOPT_COUNT(hybr_options), NULL, 0, NULL, NULL, NULL},
    {"newton", newton_aliases, NULL, "Newton's method with backtracking (GSL gnewton)", NULL, 0,
     0, 0, plain_options, GPUOPT_COUNT(plain_options), NULL, 0, NULL, NULL, NULL},
    {"broyden", broyden_aliases, NULL, "Broyden's good method with line search (GSL broyden)",
     NULL, 0, 0, 0, plain_options, GPUOPT_COUNT(plain_options), NULL, 0, NULL, NULL, NULL},
};

size_t gpuopt_root_method_count(void) { return GPUOPT_COUNT(root_methods); }

const char *gpuopt_root_method_at(size_t index)
{
    return index < GPUOPT_COUNT(root_methods) ? root_methods[index].name : NULL;
}

static const gpuopt_algorithm *find_method(const char *name)
{
    for (size_t i = 0; i < GPUOPT_COUNT(root_methods); ++i) {
        if (!strcmp(root_methods[i].name, name))
            return &root_methods[i];
        for (const char *const *al = root_methods[i].aliases; *al; ++al)
            if (!strcmp(*al, name))
                return &root_methods[i];
    }
    return NULL;
}

static gpuopt_status unknown_method(const char *name)
{
    const char *names[16];
    size_t n = 0;
    for (size_t i = 0; i < GPUOPT_COUNT(root_methods); ++i) {
        names[n++] = root_methods[i].name;
        for (const char *const *al = root_methods[i].aliases; *al && n < 16; ++al)
            names[n++] = *al;
    }
    char hint[256];
    gpuopt_suggest(name, names, n, hint, sizeof hint);
    return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_ALGORITHM,
                                 "unknown root-finding method '%s'; nearest: %s (methods: hybr, "
                                 "newton, broyden)",
                                 name, hint);
}

gpuopt_status gpuopt_root_option_at(const char *method, size_t index, gpuopt_option_info *info)
{
    if (!method || !info)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "method or info is NULL");
    const gpuopt_algorithm *a = find_method(method);
    if (!a)
        return unknown_method(method);
    size_t n = a->n_options;
    const gpuopt_option_spec *spec = index < n ? &a->options[index]
                                     : index < n + gpuopt_n_common_options
                                         ? &gpuopt_common_options[index - n]
                                         : NULL;
    if (!spec)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    gpuopt_option_value v = {spec->default_value, 0, NULL};
    if (spec->type == GPUOPT_OPTION_INT)
        v.i = spec->default_value >= 9.2e18 ? INT64_MAX : (int64_t)spec->default_value;
    info->key = spec->key;
    info->type = spec->type;
    info->doc = spec->doc;
    if (spec->default_text)
        snprintf(info->default_text, sizeof info->default_text, "%s", spec->default_text);
    else
        gpuopt_option_format(spec, &v, info->default_text, sizeof info->default_text);
    gpuopt_option_allowed(spec, info->allowed, sizeof info->allowed);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ handle */

static pthread_once_t gsl_quiet_once = PTHREAD_ONCE_INIT;

static void gsl_quiet(void) { gsl_set_error_handler_off(); }

void gpuopt_root_gsl_quiet(void) { pthread_once(&gsl_quiet_once, gsl_quiet); }

#define ROOT_NULL() gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "root solver is NULL")

gpuopt_status gpuopt_root_create(gpuopt_root **out, gpuopt_context *ctx, const char *method)
{
    if (!out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "root solver out-parameter is NULL");
    *out = NULL;
    if (!ctx || !method)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "context or method name is NULL");
    const gpuopt_algorithm *a = find_method(method);
    if (!a)
        return unknown_method(method);
    gpuopt_root_gsl_quiet();
    gpuopt_root *r = calloc(1, sizeof *r);
    gpuopt_optimizer *o = calloc(1, sizeof *o);
    if (!r || !o) {
        free(r);
        free(o);
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    }
    r->ctx = ctx;
    r->method = a;
    r->options = o;
    o->ctx = ctx;
    o->algorithm = a;
    gpuopt_status st = gpuopt_options_init(o, NULL);
    o->run.specs = o->specs;
    o->run.values = o->values;
    o->run.n_specs = o->n_specs;
    if (st != GPUOPT_SUCCESS) {
        gpuopt_set_last_error(st, "%s", o->errmsg);
        gpuopt_root_destroy(&r);
        return st;
    }
    *out = r;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_root_destroy(gpuopt_root **r)
{
    if (!r)
        return ROOT_NULL();
    if (*r) {
        gpuopt_options_free((*r)->options);
        free((*r)->options);
        free(*r);
        *r = NULL;
    }
    return GPUOPT_SUCCESS;
}

const char *gpuopt_root_method(const gpuopt_root *r) { return r ? r->method->name : ""; }

const char *gpuopt_root_errmsg(const gpuopt_root *r) { return r ? r->errmsg : gpuopt_last_error(); }

/* The options' messages are written into the inner optimizer; the solver keeps a copy. */
static gpuopt_status option_result(gpuopt_root *r, gpuopt_status st)
{
    if (st != GPUOPT_SUCCESS)
        snprintf(r->errmsg, sizeof r->errmsg, "%s", r->options->errmsg);
    return st;
}

gpuopt_status gpuopt_root_set_option(gpuopt_root *r, const char *text)
{
    return r ? option_result(r, gpuopt_optimizer_set_option(r->options, text)) : ROOT_NULL();
}

gpuopt_status gpuopt_root_set_double(gpuopt_root *r, const char *key, double value)
{
    return r ? option_result(r, gpuopt_optimizer_set_double(r->options, key, value)) : ROOT_NULL();
}

gpuopt_status gpuopt_root_set_int(gpuopt_root *r, const char *key, int64_t value)
{
    return r ? option_result(r, gpuopt_optimizer_set_int(r->options, key, value)) : ROOT_NULL();
}

gpuopt_status gpuopt_root_set_string(gpuopt_root *r, const char *key, const char *value)
{
    return r ? option_result(r, gpuopt_optimizer_set_string(r->options, key, value)) : ROOT_NULL();
}

gpuopt_status gpuopt_root_get_option(const gpuopt_root *r, const char *key, char *buf, size_t len)
{
    if (!r)
        return ROOT_NULL();
    gpuopt_status st = gpuopt_optimizer_get_option(r->options, key, buf, len);
    return option_result((gpuopt_root *)r, st);
}

gpuopt_status gpuopt_root_set_jacobian(gpuopt_root *r, size_t n, gpuopt_root_jacobian_fn fn,
                                       void *user)
{
    if (!r)
        return ROOT_NULL();
    if (fn && n == 0)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "the Jacobian callback must be declared for n >= 1 unknowns");
    r->jacobian = fn;
    r->jacobian_n = fn ? n : 0;
    r->jacobian_user = fn ? user : NULL;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ result */

struct gpuopt_root_result {
    size_t n;
    double *x, *f;
    double norm, wall_time;
    int64_t n_iterations, n_evaluations, n_jacobians;
    gpuopt_status stop_reason;
    char message[GPUOPT_ERRMSG_LEN];
    char method[32];
};

gpuopt_status gpuopt_root_result_destroy(gpuopt_root_result **r)
{
    if (!r)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "root result is NULL");
    if (*r) {
        free((*r)->x);
        free((*r)->f);
        free(*r);
        *r = NULL;
    }
    return GPUOPT_SUCCESS;
}

size_t gpuopt_root_result_dim(const gpuopt_root_result *r) { return r ? r->n : 0; }
const double *gpuopt_root_result_x(const gpuopt_root_result *r) { return r ? r->x : NULL; }
const double *gpuopt_root_result_f(const gpuopt_root_result *r) { return r ? r->f : NULL; }
double gpuopt_root_result_norm(const gpuopt_root_result *r) { return r ? r->norm : NAN; }
int64_t gpuopt_root_result_n_iterations(const gpuopt_root_result *r)
{
    return r ? r->n_iterations : 0;
}
int64_t gpuopt_root_result_n_evaluations(const gpuopt_root_result *r)
{
    return r ? r->n_evaluations : 0;
}
int64_t gpuopt_root_result_n_jacobian_evaluations(const gpuopt_root_result *r)
{
    return r ? r->n_jacobians : 0;
}
gpuopt_status gpuopt_root_result_stop_reason(const gpuopt_root_result *r)
{
    return r ? r->stop_reason : GPUOPT_ERR_NULL_POINTER;
}
int gpuopt_root_result_converged(const gpuopt_root_result *r)
{
    return r && gpuopt_status_converged(r->stop_reason);
}
const char *gpuopt_root_result_message(const gpuopt_root_result *r) { return r ? r->message : ""; }
const char *gpuopt_root_result_method(const gpuopt_root_result *r) { return r ? r->method : ""; }
double gpuopt_root_result_wall_time(const gpuopt_root_result *r) { return r ? r->wall_time : 0; }

/* ------------------------------------------------------------------- solve */

typedef struct solve_run {
    gpuopt_root *r;
    size_t n;
    root_eval eval;
    gsl_multiroot_fdfsolver *gs;
    gsl_multiroot_function_fdf fdf;
    double *best_x, *best_f, best_norm;
    int64_t iterations;
    double start;
    double xtol, xtol_abs, ftol, max_seconds;
    int64_t max_iterations, max_evaluations;
} solve_run;

static const gpuopt_run *opts(const solve_run *s) { return &s->r->options->run; }

static gpuopt_status check_system(gpuopt_root *r, const gpuopt_problem *p, const double *x0)
{
    if (!p)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_NULL_POINTER, "the system (problem) is NULL");
    if (!p->has_criterion)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_NO_CRITERION,
                                "the system has no criterion: set F with "
                                "gpuopt_problem_set_batch_criterion (kind least_squares, "
                                "n_outputs = %zu)",
                                p->dim);
    if (p->target.n_outputs != p->dim)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "a root system needs as many equations as unknowns: the system "
                                "has %zu unknowns (dimension) but %zu equations (n_outputs)",
                                p->dim, p->target.n_outputs);
    if (r->jacobian && r->jacobian_n != p->dim)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_BAD_DIMENSION,
                                "the Jacobian callback was declared for n = %zu unknowns (a %zu x "
                                "%zu matrix) but the system has n = %zu",
                                r->jacobian_n, r->jacobian_n, r->jacobian_n, p->dim);
    const double *x = x0 ? x0 : p->x0;
    for (size_t j = 0; j < p->dim; ++j)
        if (!isfinite(x[j]))
            return gpuopt_set_error(r->errmsg, GPUOPT_ERR_BAD_START, "x0[%zu] = %g is not finite",
                                    j, x[j]);
    return GPUOPT_SUCCESS;
}

static void configure_eval(solve_run *s, const double *x0)
{
    const gpuopt_run *o = opts(s);
    root_eval *e = &s->eval;
    e->spec = gpuopt_fd_default_spec(1);
    static const char *const fd_names[] = {"forward", "central", "backward"};
    e->spec.method = gpuopt_fd_method_code(fd_names[gpuopt_opt_choice(o, "numdiff.method") - 1]);
    e->spec.step_size = gpuopt_opt_double(o, "numdiff.step_size");
    e->spec.scaling_factor = gpuopt_opt_double(o, "numdiff.scaling_factor");
    int cont = gpuopt_opt_choice(o, "error_handling") == 2;
    e->spec.error_handling = cont ? GPUOPT_FD_CONTINUE : GPUOPT_FD_RAISE;
    e->replace_nonfinite = cont;
    e->penalty_constant = gpuopt_opt_double(o, "error_penalty.constant");
    e->penalty_slope = gpuopt_opt_double(o, "error_penalty.slope");
    e->x0 = x0;
    e->jacobian = s->r->jacobian;
    e->jacobian_user = s->r->jacobian_user;
    s->xtol = gpuopt_opt_double(o, "xtol");
    s->xtol_abs = gpuopt_opt_double(o, "xtol_abs");
    s->ftol = gpuopt_opt_double(o, "ftol");
    s->max_seconds = gpuopt_opt_double(o, "stopping.max_seconds");
    s->max_iterations = gpuopt_opt_int(o, "stopping.max_iterations");
    s->max_evaluations = gpuopt_opt_int(o, "stopping.max_criterion_evaluations");
}

static const gsl_multiroot_fdfsolver_type *gsl_type(const gpuopt_root *r)
{
    if (r->method == &root_methods[ROOT_NEWTON])
        return gsl_multiroot_fdfsolver_gnewton;
    if (r->method == &root_methods[ROOT_BROYDEN])
        return gpuopt_root_broyden;
    return gpuopt_opt_bool(&r->options->run, "scale") ? gsl_multiroot_fdfsolver_hybridsj
                                                      : gsl_multiroot_fdfsolver_hybridj;
}

static gpuopt_status start(solve_run *s, gpuopt_problem *p, const double *x0)
{
    gpuopt_root *r = s->r;
    s->n = p->dim;
    s->best_norm = INFINITY;
    s->start = gpuopt_now();
    gpuopt_status st = gpuopt_root_eval_init(&s->eval, r->ctx->backend, &p->target, r->errmsg,
                                             sizeof r->errmsg);
    s->best_x = malloc(s->n * sizeof(double));
    s->best_f = malloc(s->n * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        return st;
    if (!s->best_x || !s->best_f)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    memcpy(s->best_x, x0, s->n * sizeof(double));
    for (size_t i = 0; i < s->n; ++i)
        s->best_f[i] = NAN;
    configure_eval(s, x0);
    s->gs = gsl_multiroot_fdfsolver_alloc(gsl_type(r), s->n);
    if (!s->gs)
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_OUT_OF_MEMORY,
                                "out of memory for GSL's %s solver at n = %zu", r->method->name,
                                s->n);
    s->fdf = gpuopt_root_eval_gsl(&s->eval);
    return GPUOPT_SUCCESS;
}

static double norm2(const gsl_vector *v)
{
    double sum = 0;
    for (size_t i = 0; i < v->size; ++i)
        sum += gsl_vector_get(v, i) * gsl_vector_get(v, i);
    return sqrt(sum);
}

static void remember_best(solve_run *s)
{
    double norm = norm2(s->gs->f);
    if (!(norm < s->best_norm))
        return;
    s->best_norm = norm;
    for (size_t i = 0; i < s->n; ++i) {
        s->best_x[i] = gsl_vector_get(s->gs->x, i);
        s->best_f[i] = gsl_vector_get(s->gs->f, i);
    }
}

/* A GSL status (nonzero) as a gpuopt stop reason or error, with the message. */
static gpuopt_status from_gsl(solve_run *s, int gsl_status)
{
    gpuopt_root *r = s->r;
    if (s->eval.error != GPUOPT_SUCCESS)
        return s->eval.error; /* the message is already in place */
    const char *what = gsl_strerror(gsl_status);
    switch (gsl_status) {
    case GSL_ENOPROG:
    case GSL_ENOPROGJ:
        return gpuopt_set_error(r->errmsg, GPUOPT_STOP_NO_IMPROVEMENT,
                                "%s stopped without reaching a root: %s (GSL)", r->method->name,
                                what);
    case GSL_ESING:
    case GSL_EDOM:
    case GSL_EZERODIV:
        return gpuopt_set_error(r->errmsg, GPUOPT_STOP_ILL_CONDITIONED,
                                "%s stopped: the Jacobian (or its approximation) is singular "
                                "at the current point (GSL: %s)",
                                r->method->name, what);
    case GSL_ENOMEM:
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "GSL: %s", what);
    default:
        return gpuopt_set_error(r->errmsg, GPUOPT_ERR_INTERNAL, "GSL's %s solver failed: %s (%d)",
                                r->method->name, what, gsl_status);
    }
}

static gpuopt_status residual_test(solve_run *s)
{
    double sum = 0;
    for (size_t i = 0; i < s->n; ++i)
        sum += fabs(gsl_vector_get(s->gs->f, i));
    if (!(sum < s->ftol))
        return GPUOPT_SUCCESS;
    return gpuopt_set_error(s->r->errmsg, GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE,
                            "converged: sum |F_i| = %.3g < ftol = %g", sum, s->ftol);
}

static gpuopt_status step_test(solve_run *s)
{
    int absolute = s->xtol_abs > 0;
    for (size_t i = 0; i < s->n; ++i) {
        double dx = fabs(gsl_vector_get(s->gs->dx, i)), x = fabs(gsl_vector_get(s->gs->x, i));
        if (!(dx <= s->xtol_abs + s->xtol * x))
            return GPUOPT_SUCCESS;
        absolute = absolute && dx <= s->xtol_abs;
    }
    return gpuopt_set_error(s->r->errmsg,
                            absolute ? GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE
                                     : GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE,
                            "converged: every step |dx_i| <= xtol_abs + xtol |x_i| (xtol = %g, "
                            "xtol_abs = %g)",
                            s->xtol, s->xtol_abs);
}

static gpuopt_status budget_test(solve_run *s)
{
    gpuopt_root *r = s->r;
    if (s->iterations >= s->max_iterations)
        return gpuopt_set_error(r->errmsg, GPUOPT_STOP_MAX_ITERATIONS, "%s (%lld)",
                                gpuopt_status_text(GPUOPT_STOP_MAX_ITERATIONS),
                                (long long)s->max_iterations);
    if (s->eval.n_evaluations >= s->max_evaluations)
        return gpuopt_set_error(r->errmsg, GPUOPT_STOP_MAX_EVALUATIONS, "%s (%lld)",
                                gpuopt_status_text(GPUOPT_STOP_MAX_EVALUATIONS),
                                (long long)s->max_evaluations);
    if (gpuopt_now() - s->start >= s->max_seconds)
        return gpuopt_set_error(r->errmsg, GPUOPT_STOP_MAX_TIME, "%s (%g s)",
                                gpuopt_status_text(GPUOPT_STOP_MAX_TIME), s->max_seconds);
    return GPUOPT_SUCCESS;
}

static gpuopt_status iterate(solve_run *s)
{
    gpuopt_status st = budget_test(s);
    if (st != GPUOPT_SUCCESS)
        return st;
    int gsl_status = gsl_multiroot_fdfsolver_iterate(s->gs);
    ++s->iterations;
    if (s->eval.error != GPUOPT_SUCCESS)
        return s->eval.error;
    remember_best(s);
    if ((st = residual_test(s)) != GPUOPT_SUCCESS)
        return st;
    if (gsl_status != GSL_SUCCESS)
        return from_gsl(s, gsl_status);
    return step_test(s);
}

static gpuopt_status run_solver(solve_run *s, gpuopt_problem *p, const double *x0)
{
    gpuopt_status stop = start(s, p, x0);
    if (stop != GPUOPT_SUCCESS)
        return stop;
    gsl_vector_const_view xv = gsl_vector_const_view_array(x0, s->n);
    int gsl_status = gsl_multiroot_fdfsolver_set(s->gs, &s->fdf, &xv.vector);
    if (s->eval.error != GPUOPT_SUCCESS)
        return s->eval.error;
    remember_best(s);
    stop = residual_test(s);
    if (stop == GPUOPT_SUCCESS && gsl_status != GSL_SUCCESS)
        return from_gsl(s, gsl_status);
    while (stop == GPUOPT_SUCCESS)
        stop = iterate(s);
    return stop;
}

static gpuopt_root_result *make_result(const solve_run *s, gpuopt_status stop)
{
    gpuopt_root_result *res = calloc(1, sizeof *res);
    if (!res || !(res->x = malloc(s->n * sizeof(double))) ||
        !(res->f = malloc(s->n * sizeof(double)))) {
        gpuopt_root_result_destroy(&res);
        return NULL;
    }
    res->n = s->n;
    memcpy(res->x, s->best_x, s->n * sizeof(double));
    memcpy(res->f, s->best_f, s->n * sizeof(double));
    res->norm = isfinite(s->best_norm) ? s->best_norm : NAN;
    res->wall_time = gpuopt_now() - s->start;
    res->n_iterations = s->iterations;
    res->n_evaluations = s->eval.n_evaluations;
    res->n_jacobians = s->eval.n_jacobians;
    res->stop_reason = stop;
    snprintf(res->message, sizeof res->message, "%s", s->r->errmsg);
    snprintf(res->method, sizeof res->method, "%s", s->r->method->name);
    return res;
}

static void finish(solve_run *s)
{
    if (s->gs)
        gsl_multiroot_fdfsolver_free(s->gs);
    gpuopt_root_eval_free(&s->eval);
    free(s->best_x);
    free(s->best_f);
}

gpuopt_status gpuopt_root_solve(gpuopt_root *r, gpuopt_problem *system, const double *x0,
                                gpuopt_root_result **result)
{
    if (!r)
        return ROOT_NULL();
    if (result)
        *result = NULL;
    r->errmsg[0] = '\0';
    gpuopt_status st = check_system(r, system, x0);
    if (st != GPUOPT_SUCCESS)
        return st;
    gpuopt_root_gsl_quiet();
    solve_run s;
    memset(&s, 0, sizeof s);
    s.r = r;
    st = run_solver(&s, system, x0 ? x0 : system->x0);
    if (result && s.best_x && s.best_f && !(*result = make_result(&s, st)))
        st = gpuopt_set_error(r->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory for the result");
    finish(&s);
    return st;
}
