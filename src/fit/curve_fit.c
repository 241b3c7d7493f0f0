/* gpuopt_curve_fit: the weighted residuals (y - f(x; p)) / sigma of a model become a gpuopt
 * problem of kind GPUOPT_CRITERION_LEAST_SQUARES; gpuopt_minimize solves it, the derivative
 * engine gives the Jacobian at the solution, and fit_result.c the covariance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_internal.h"
#include "model_source.h"

typedef struct fit_target {
    gpuopt_fit_model model;
    const double *x;
    size_t n_data, x_dim;
    const double *y, *sigma;
} fit_target;

/* ---------------------------------------------------------------- the criterion */

static int eval_model(const fit_target *t, const double *P, size_t n_sets, double *out)
{
    size_t p = t->model.n_params;
    if (t->model.batch)
        return t->model.batch(P, n_sets, p, t->x, t->n_data, t->x_dim, out, t->model.user);
    for (size_t k = 0; k < n_sets; ++k) {
        int rc = t->model.point(P + k * p, p, t->x, t->n_data, t->x_dim, out + k * t->n_data,
                                t->model.user);
        if (rc)
            return rc;
    }
    return 0;
}

static int residual_batch(const double *P, size_t n_sets, double *out, void *user)
{
    const fit_target *t = user;
    int rc = eval_model(t, P, n_sets, out);
    if (rc)
        return rc;
    for (size_t k = 0; k < n_sets; ++k) {
        double *r = out + k * t->n_data;
        for (size_t i = 0; i < t->n_data; ++i)
            r[i] = (t->y[i] - r[i]) / (t->sigma ? t->sigma[i] : 1.0);
    }
    return 0;
}

/* ---------------------------------------------------------------- validation */

static gpuopt_status check_pointers(gpuopt_fit_result **result, const gpuopt_context *ctx,
                                    const gpuopt_fit_model *model, const gpuopt_fit_data *data)
{
    if (!result || !ctx || !model || !data)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_curve_fit: result, ctx, model and data must not "
                                     "be NULL");
    if (!data->x || !data->y)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_curve_fit: data.x and data.y must not be NULL");
    if ((model->batch != NULL) + (model->point != NULL) + (model->source != NULL) != 1)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_curve_fit: set exactly one of model.batch and "
                                     "model.point, or model.source alone");
    if (model->source && data->x_dim > 1)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_curve_fit: a model source takes one x per data "
                                     "point; data.x_dim is %zu",
                                     data->x_dim);
    if (model->n_params == 0)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "gpuopt_curve_fit: model.n_params must be >= 1");
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_finite(const double *v, size_t n, const char *what)
{
    for (size_t i = 0; i < n; ++i)
        if (!isfinite(v[i]))
            return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                         "gpuopt_curve_fit: %s[%zu] is %g; data must be finite",
                                         what, i, v[i]);
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_data(const gpuopt_fit_data *d, size_t n_params)
{
    if (d->n_y != d->n_data)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_curve_fit: x and y data have different lengths: "
                                     "x has %zu points (n_data), y has %zu values (n_y)",
                                     d->n_data, d->n_y);
    if (d->n_data < n_params)
        return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                     "gpuopt_curve_fit: fewer data (%zu) than parameters (%zu); "
                                     "a fit needs n_data >= n_params",
                                     d->n_data, n_params);
    for (size_t i = 0; d->sigma && i < d->n_data; ++i)
        if (!(d->sigma[i] > 0.0) || !isfinite(d->sigma[i]))
            return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                         "gpuopt_curve_fit: sigma[%zu] = %g; every sigma must be "
                                         "finite and > 0",
                                         i, d->sigma[i]);
    gpuopt_status st = check_finite(d->x, d->n_data * (d->x_dim ? d->x_dim : 1), "x");
    return st ? st : check_finite(d->y, d->n_data, "y");
}

static int has_bounds(const gpuopt_fit_settings *s, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if ((s->lower && s->lower[i] > -INFINITY) || (s->upper && s->upper[i] < INFINITY))
            return 1;
    return 0;
}

static gpuopt_status check_bounds(const gpuopt_fit_settings *s, const double *p0, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        double lo = s->lower ? s->lower[i] : -INFINITY, hi = s->upper ? s->upper[i] : INFINITY;
        if (isnan(lo) || isnan(hi) || !(lo < hi))
            return gpuopt_set_last_error(GPUOPT_ERR_BAD_BOUNDS,
                                         "gpuopt_curve_fit: bounds of parameter %zu are [%g, %g]; "
                                         "each lower bound must be < its upper bound",
                                         i, lo, hi);
        if (!isfinite(p0[i]) || p0[i] < lo || p0[i] > hi)
            return gpuopt_set_last_error(GPUOPT_ERR_BAD_START,
                                         "gpuopt_curve_fit: start parameter %zu = %g is not a "
                                         "finite value within its bounds [%g, %g]",
                                         i, p0[i], lo, hi);
    }
    return GPUOPT_SUCCESS;
}

/* The solver by name (default: ls_lm, ls_trf with bounds); it must take least-squares
 * criteria, and bounds when there are any. */
static gpuopt_status check_solver(const char *name, int bounded)
{
    gpuopt_algorithm_info info;
    if (gpuopt_algorithm_find(name, &info) != GPUOPT_SUCCESS) {
        char msg[GPUOPT_ERRMSG_LEN];
        snprintf(msg, sizeof msg, "%s", gpuopt_last_error());
        return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_ALGORITHM, "gpuopt_curve_fit: solver: %s",
                                     msg);
    }
    if (!(info.criterion_kinds & GPUOPT_CRITERION_LEAST_SQUARES))
        return gpuopt_set_last_error(GPUOPT_ERR_UNSUPPORTED,
                                     "gpuopt_curve_fit: solver '%s' does not take least-squares "
                                     "criteria (use ls_lm, ls_trf or ls_dogbox)",
                                     name);
    if (bounded && !(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS))
        return gpuopt_set_last_error(GPUOPT_ERR_UNSUPPORTED,
                                     "gpuopt_curve_fit: solver '%s' does not support bounds (use "
                                     "ls_trf or ls_dogbox)",
                                     name);
    return GPUOPT_SUCCESS;
}

/* ---------------------------------------------------------------- the run */

typedef struct fit_run {
    gpuopt_context *ctx;
    fit_target target;
    const gpuopt_fit_data *data;
    const gpuopt_fit_settings *settings;
    const char *solver;
    const double *p0;
    gpuopt_problem *problem;
    gpuopt_optimizer *opt;
    gpuopt_derivative *deriv;
    gpuopt_result *result;
} fit_run;

static gpuopt_status fail_with(gpuopt_status st, const char *what, const char *msg)
{
    char copy[GPUOPT_ERRMSG_LEN];
    snprintf(copy, sizeof copy, "%s", msg ? msg : "");
    return gpuopt_set_last_error(st, "gpuopt_curve_fit: %s: %s", what, copy);
}

static gpuopt_status build_problem(fit_run *f)
{
    const gpuopt_fit_model *m = &f->target.model;
    gpuopt_status st = gpuopt_problem_create(&f->problem, m->n_params);
    if (!st && m->source)
        st = gpuopt_fit_set_model_source(f->problem, m, f->data);
    else if (!st)
        st = gpuopt_problem_set_batch_criterion(f->problem, GPUOPT_CRITERION_LEAST_SQUARES,
                                                f->target.n_data, residual_batch, &f->target,
                                                m->flags & GPUOPT_CALLBACK_THREAD_SAFE);
    if (!st)
        st = gpuopt_problem_set_bounds(f->problem, f->settings->lower, f->settings->upper);
    if (!st)
        st = gpuopt_problem_set_start(f->problem, f->p0);
    if (st)
        return fail_with(st, "problem",
                         f->problem ? gpuopt_problem_errmsg(f->problem) : gpuopt_last_error());
    return GPUOPT_SUCCESS;
}

static gpuopt_status build_optimizer(fit_run *f)
{
    gpuopt_status st = gpuopt_optimizer_create(&f->opt, f->ctx, f->solver);
    if (st)
        return fail_with(st, "solver", gpuopt_last_error());
    for (const char *const *o = f->settings->solver_options; o && *o; ++o)
        if ((st = gpuopt_optimizer_set_option(f->opt, *o)))
            return fail_with(st, "solver option", gpuopt_optimizer_errmsg(f->opt));
    return GPUOPT_SUCCESS;
}

static gpuopt_status build_derivative(fit_run *f)
{
    gpuopt_status st = gpuopt_derivative_create(&f->deriv, f->ctx);
    if (st)
        return fail_with(st, "derivative", gpuopt_last_error());
    for (const char *const *o = f->settings->derivative_options; o && *o; ++o)
        if ((st = gpuopt_derivative_set_option(f->deriv, *o)))
            return fail_with(st, "derivative option", gpuopt_derivative_errmsg(f->deriv));
    return GPUOPT_SUCCESS;
}

static void copy_run_account(gpuopt_fit_result *r, const gpuopt_result *res, gpuopt_status stop)
{
    memcpy(r->params, gpuopt_result_x(res), r->n_params * sizeof *r->params);
    r->stop = stop;
    r->converged = gpuopt_result_converged(res);
    snprintf(r->message, sizeof r->message, "%s", gpuopt_result_message(res));
    snprintf(r->solver, sizeof r->solver, "%s", gpuopt_result_algorithm(res));
    r->n_evaluations = gpuopt_result_n_evaluations(res);
    r->n_iterations = gpuopt_result_n_iterations(res);
}

static gpuopt_status fill_residuals(gpuopt_fit_result *r, fit_run *f)
{
    if (f->target.model.source) {
        gpuopt_status st = gpuopt_fit_source_residuals(f->ctx, f->problem, r->params,
                                                       r->residuals);
        if (st)
            return st;
    } else if (residual_batch(r->params, 1, r->residuals, &f->target)) {
        return gpuopt_set_last_error(GPUOPT_ERR_CALLBACK,
                                     "gpuopt_curve_fit: the model failed at the solution");
    }
    r->ssr = 0.0;
    for (size_t i = 0; i < r->n_data; ++i)
        r->ssr += r->residuals[i] * r->residuals[i];
    r->dof = r->n_data - r->n_params;
    r->s2 = r->dof ? r->ssr / (double)r->dof : NAN;
    return GPUOPT_SUCCESS;
}

static void fill_jacobian(gpuopt_fit_result *r, fit_run *f)
{
    if (gpuopt_derivative_jacobian(f->deriv, f->problem, r->params, r->jac) == GPUOPT_SUCCESS)
        return;
    for (size_t i = 0; i < r->n_data * r->n_params; ++i)
        r->jac[i] = NAN;
    r->cov_status = GPUOPT_COVARIANCE_JACOBIAN_FAILED;
    snprintf(r->cov_message, sizeof r->cov_message,
             "covariance unavailable: the Jacobian at the solution failed: %s",
             gpuopt_derivative_errmsg(f->deriv));
}

static gpuopt_status solve(fit_run *f, gpuopt_fit_result **out)
{
    gpuopt_status stop = gpuopt_minimize(f->opt, f->problem, &f->result);
    if (stop < 0)
        return fail_with(stop, "the solver failed", gpuopt_optimizer_errmsg(f->opt));
    gpuopt_fit_result *r = gpuopt_fit_result_alloc(f->target.model.n_params, f->target.n_data);
    if (!r)
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "gpuopt_curve_fit: out of memory");
    copy_run_account(r, f->result, stop);
    gpuopt_status st = fill_residuals(r, f);
    if (st) {
        gpuopt_fit_result_destroy(&r);
        return st;
    }
    fill_jacobian(r, f);
    gpuopt_fit_covariance(r, f->settings->absolute_sigma);
    *out = r;
    return stop;
}

static gpuopt_status fit(fit_run *f, gpuopt_fit_result **out)
{
    gpuopt_status st = build_problem(f);
    if (!st)
        st = build_optimizer(f);
    if (!st)
        st = build_derivative(f);
    if (!st)
        st = solve(f, out);
    gpuopt_result_destroy(&f->result);
    gpuopt_derivative_destroy(&f->deriv);
    gpuopt_optimizer_destroy(&f->opt);
    gpuopt_problem_destroy(&f->problem);
    return st;
}

static gpuopt_status validate(const gpuopt_fit_model *model, const gpuopt_fit_data *data,
                              const double *p0, const gpuopt_fit_settings *s, const char **solver)
{
    size_t n = model->n_params;
    gpuopt_status st = check_data(data, n);
    if (!st)
        st = check_bounds(s, p0, n);
    if (st)
        return st;
    int bounded = has_bounds(s, n);
    *solver = s->solver ? s->solver : bounded ? "ls_trf" : "ls_lm";
    return check_solver(*solver, bounded);
}

gpuopt_status gpuopt_curve_fit(gpuopt_fit_result **result, gpuopt_context *ctx,
                               const gpuopt_fit_model *model, const gpuopt_fit_data *data,
                               const double *p0, const gpuopt_fit_settings *settings)
{
    if (result)
        *result = NULL;
    gpuopt_status st = check_pointers(result, ctx, model, data);
    if (st)
        return st;
    static const gpuopt_fit_settings defaults = {0};
    const gpuopt_fit_settings *s = settings ? settings : &defaults;
    double *ones = NULL;
    if (!p0) {
        if (!(ones = malloc(model->n_params * sizeof *ones)))
            return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "gpuopt_curve_fit: out of memory");
        for (size_t i = 0; i < model->n_params; ++i)
            ones[i] = 1.0;
        p0 = ones;
    }
    fit_run f = {.ctx = ctx, .settings = s, .p0 = p0, .data = data};
    f.target = (fit_target){.model = *model, .x = data->x, .n_data = data->n_data,
                            .x_dim = data->x_dim ? data->x_dim : 1, .y = data->y,
                            .sigma = data->sigma};
    st = validate(model, data, p0, s, &f.solver);
    if (!st)
        st = fit(&f, result);
    free(ones);
    return st;
}
