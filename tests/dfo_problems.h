/* Residual test problems for pounders and dfols (Moré, Garbow & Hillstrom 1981), as user
 * callbacks: Rosenbrock, Bard, Box 3-D, Powell singular, and Rosenbrock with an active bound;
 * and the checks both solvers' tests run on them. */
#ifndef GPUOPT_TESTS_DFO_PROBLEMS_H
#define GPUOPT_TESTS_DFO_PROBLEMS_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"

static int dfo_rosenbrock(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    out[0] = 10 * (x[1] - x[0] * x[0]);
    out[1] = 1 - x[0];
    return 0;
}

static int dfo_bard(const double *x, size_t dim, double *out, void *user)
{
    static const double y[15] = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39,
                                 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39};
    (void)dim;
    (void)user;
    for (int i = 0; i < 15; ++i) {
        double u = i + 1, v = 15 - i, w = fmin(u, v);
        out[i] = y[i] - (x[0] + u / (v * x[1] + w * x[2]));
    }
    return 0;
}

static int dfo_box3d(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    for (int i = 0; i < 10; ++i) {
        double t = 0.1 * (i + 1);
        out[i] = exp(-t * x[0]) - exp(-t * x[1]) - x[2] * (exp(-t) - exp(-10 * t));
    }
    return 0;
}

static int dfo_powell_singular(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    out[0] = x[0] + 10 * x[1];
    out[1] = sqrt(5.0) * (x[2] - x[3]);
    out[2] = (x[1] - 2 * x[2]) * (x[1] - 2 * x[2]);
    out[3] = sqrt(10.0) * (x[0] - x[3]) * (x[0] - x[3]);
    return 0;
}

typedef struct dfo_problem {
    const char *name;
    gpuopt_point_fn fn;
    size_t dim, m;
    double x0[4];
    double lower[4], upper[4]; /* used when bounded */
    int bounded;
    double fstar;
} dfo_problem;

static const dfo_problem DFO_PROBLEMS[] = {
    {"rosenbrock", dfo_rosenbrock, 2, 2, {-1.2, 1}, {0}, {0}, 0, 0},
    {"bard", dfo_bard, 3, 15, {1, 1, 1}, {0}, {0}, 0, 8.21487730657e-3},
    {"box3d", dfo_box3d, 3, 10, {0, 10, 20}, {0}, {0}, 0, 0},
    {"powell_singular", dfo_powell_singular, 4, 4, {3, -1, 0, 1}, {0}, {0}, 0, 0},
    {"rosenbrock_bounded", dfo_rosenbrock, 2, 2, {-1.2, 1}, {-2, -2}, {0.5, 2}, 1, 0.25},
};
#define DFO_N_PROBLEMS (sizeof DFO_PROBLEMS / sizeof DFO_PROBLEMS[0])

static gpuopt_problem *dfo_make_problem(const dfo_problem *d)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, d->dim), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, d->m,
                                                    d->fn, NULL, GPUOPT_CALLBACK_THREAD_SAFE),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, d->x0), GPUOPT_SUCCESS);
    if (d->bounded)
        CHECK_STATUS(gpuopt_problem_set_bounds(p, d->lower, d->upper), GPUOPT_SUCCESS);
    return p;
}

/* ------------------------------------------------ runs that record every evaluation */

typedef struct dfo_recorder {
    const dfo_problem *problem;
    double values[4096];
    size_t count;
} dfo_recorder;

static int dfo_recording(const double *x, size_t dim, double *out, void *user)
{
    dfo_recorder *rec = user;
    int rc = rec->problem->fn(x, dim, out, NULL);
    double f = 0;
    for (size_t k = 0; k < rec->problem->m; ++k)
        f += out[k] * out[k];
    if (rec->count < sizeof rec->values / sizeof rec->values[0])
        rec->values[rec->count++] = f;
    return rc;
}

/* Evaluations until (best f - f*) <= tau (f0 - f*); -1 when never. */
static long dfo_evals_to_tau(const dfo_recorder *rec, double tau)
{
    double f0 = rec->values[0], best = INFINITY, fstar = rec->problem->fstar;
    for (size_t i = 0; i < rec->count; ++i) {
        best = fmin(best, rec->values[i]);
        if (best - fstar <= tau * (f0 - fstar))
            return (long)i + 1;
    }
    return -1;
}

/* Runs `algorithm` (with ';'-separated settings) on d, recording values (one thread, so the
 * record is in evaluation order). Returns the result (NULL on failure). */
static gpuopt_result *dfo_run(gpuopt_context *ctx, const char *algorithm, const char *settings,
                              const dfo_problem *d, dfo_recorder *rec, gpuopt_status *st)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    rec->problem = d;
    rec->count = 0;
    CHECK_STATUS(gpuopt_problem_create(&p, d->dim), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, d->m,
                                                    dfo_recording, rec, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, d->x0), GPUOPT_SUCCESS);
    if (d->bounded)
        CHECK_STATUS(gpuopt_problem_set_bounds(p, d->lower, d->upper), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", settings ? settings : "");
    for (char *item = strtok(buf, ";"); item && o; item = strtok(NULL, ";"))
        CHECK_MSG(gpuopt_optimizer_set_option(o, item) == GPUOPT_SUCCESS, "%s: %s", item,
                  gpuopt_optimizer_errmsg(o));
    *st = p && o ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(*st > 0, "%s on %s: %s: %s", algorithm, d->name, gpuopt_status_name(*st),
              o ? gpuopt_optimizer_errmsg(o) : "");
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return r;
}

/* The error a run of `algorithm` with one bad setting gives at minimize (init) time. */
static gpuopt_status dfo_init_error(gpuopt_context *ctx, const char *algorithm,
                                    const char *setting, const char *expect_in_message)
{
    gpuopt_problem *p = dfo_make_problem(&DFO_PROBLEMS[0]);
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    gpuopt_status st = gpuopt_optimizer_set_option(o, setting);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(strstr(gpuopt_optimizer_errmsg(o), expect_in_message) != NULL,
              "%s with %s: message '%s' lacks '%s'", algorithm, setting,
              gpuopt_optimizer_errmsg(o), expect_in_message);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return st;
}

/* ------------------------------------------------ the checks pounders and dfols share */

/* Runs `algorithm` with `settings` on every problem: the known minimum within 1e-5 of the
 * start's gap, at most twice the reference's evaluations to tau = 1e-3 (plus two simplices),
 * the evaluation count, and the bounds. `reference` names the package of evals_to_tau. */
static void dfo_check_problems(gpuopt_context *ctx, const char *algorithm, const char *settings,
                               const char *reference, const long *evals_to_tau)
{
    for (size_t i = 0; i < DFO_N_PROBLEMS; ++i) {
        const dfo_problem *d = &DFO_PROBLEMS[i];
        static dfo_recorder rec;
        gpuopt_status st;
        gpuopt_result *r = dfo_run(ctx, algorithm, settings, d, &rec, &st);
        if (!r)
            continue;
        double f = gpuopt_result_fun(r), f0 = rec.values[0];
        long to_tau = dfo_evals_to_tau(&rec, 1e-3);
        printf("%s [%s] %-20s f %.3e (f* %.3e) %ld evaluations to tau (%s %ld), "
               "%zu in all, %s\n",
               algorithm, settings, d->name, f, d->fstar, to_tau, reference, evals_to_tau[i],
               rec.count, gpuopt_status_name(st));
        CHECK_MSG(f - d->fstar <= 1e-5 * (f0 - d->fstar), "%s: f %g", d->name, f);
        CHECK_MSG(to_tau > 0 && to_tau <= 2 * evals_to_tau[i] + 2 * (long)(d->dim + 1),
                  "%s: %ld evaluations to tau, %s %ld", d->name, to_tau, reference,
                  evals_to_tau[i]);
        CHECK((size_t)gpuopt_result_n_evaluations(r) == rec.count);
        if (d->bounded) {
            const double *x = gpuopt_result_x(r);
            for (size_t j = 0; j < d->dim; ++j)
                CHECK(x[j] >= d->lower[j] && x[j] <= d->upper[j]);
        }
        gpuopt_result_destroy(&r);
    }
}

/* The alias finds the algorithm, which takes least-squares criteria and bounds. */
static void dfo_check_descriptor(const char *alias, const char *algorithm)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find(alias, &info), GPUOPT_SUCCESS);
    CHECK(strcmp(info.name, algorithm) == 0);
    CHECK(info.criterion_kinds == GPUOPT_CRITERION_LEAST_SQUARES);
    CHECK(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS);
}

/* The budget cuts a batch: the n + 1 start points with a budget of 2 evaluate only 2. */
static void dfo_check_budget(gpuopt_context *ctx, const char *algorithm)
{
    static dfo_recorder rec;
    gpuopt_status st;
    gpuopt_result *r = dfo_run(ctx, algorithm, "stopping.max_criterion_evaluations=2",
                               &DFO_PROBLEMS[3], &rec, &st);
    CHECK_STATUS(st, GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK(rec.count == 2);
    gpuopt_result_destroy(&r);
}

/* The n + 1 start points arrive as one batch of the user's batch criterion. */
static size_t dfo_first_batch;
static int dfo_batch_residuals(const double *X, size_t n_points, double *out, void *user)
{
    (void)user;
    if (!dfo_first_batch)
        dfo_first_batch = n_points;
    for (size_t i = 0; i < n_points; ++i)
        dfo_powell_singular(X + 4 * i, 4, out + 4 * i, NULL);
    return 0;
}

static void dfo_check_one_batch(gpuopt_context *ctx, const char *algorithm)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    dfo_first_batch = 0;
    CHECK_STATUS(gpuopt_problem_create(&p, 4), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 4,
                                                    dfo_batch_residuals, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, DFO_PROBLEMS[3].x0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    CHECK(gpuopt_minimize(o, p, &r) > 0);
    CHECK_MSG(dfo_first_batch == 5, "first batch of %zu points", dfo_first_batch);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

#endif /* GPUOPT_TESTS_DFO_PROBLEMS_H */
