/* Shared by the tests of the local gradient solvers (test_bfgs.c, test_conjugate_gradient.c,
 * test_lbfgsb.c): built-in problems behind a counting callback (with the analytic gradient as
 * a user gradient when asked), the algorithm x problem matrix, the comparison with scipy's
 * reference numbers (tests/reference/scipy_local.inc), resumption from an image, and the bad
 * input every solver shares. */
#ifndef GPUOPT_TESTS_LOCAL_SOLVERS_H
#define GPUOPT_TESTS_LOCAL_SOLVERS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "reference_start.h"
#include "gpuopt.h"
#include "src/image.h"

#define GAP 1e-8           /* the relative gap of the evaluation counts */
#define EVAL_FACTOR 1.5    /* ours may use at most this many times scipy's evaluations */
#define STARTS 5           /* start points per comparison, x0 (1 + k 1e-12), k < STARTS */

typedef struct scipy_row {
    const char *algorithm, *problem;
    size_t dim;
    int bounded, analytic;
    double fun;
    int64_t nfev, at_gap;
} scipy_row;

static const scipy_row scipy_rows[] = {
#include "reference/scipy_local.inc"
};

/* A built-in problem behind a counting batch callback. */
typedef struct counted {
    gpuopt_problem *inner;
    char name[32];
    double threshold, best;
    int64_t n, at_gap;
    int64_t gradient_calls, bad_gradient_after; /* the gradient misbehaves after that many calls */
    int bad_gradient_kind;                      /* 1: returns nonzero, 2: NaN */
} counted;

static int counted_batch(const double *X, size_t n_points, double *out, void *user)
{
    counted *c = user;
    size_t dim = gpuopt_problem_dim(c->inner);
    if (gpuopt_problem_evaluate(c->inner, X, n_points, out) != GPUOPT_SUCCESS)
        return 1;
    for (size_t k = 0; k < n_points; ++k) {
        ++c->n;
        c->best = fmin(c->best, out[k]);
        if (c->at_gap < 0 && c->best <= c->threshold)
            c->at_gap = c->n;
    }
    (void)dim;
    return 0;
}

static int counted_gradient(const double *x, size_t dim, double *grad, void *user)
{
    counted *c = user;
    if (c->bad_gradient_kind && c->gradient_calls++ >= c->bad_gradient_after) {
        if (c->bad_gradient_kind == 1)
            return 7;
        grad[0] = NAN;
        for (size_t j = 1; j < dim; ++j)
            grad[j] = 0;
        return 0;
    }
    return gpuopt_problem_builtin_gradient(c->name, dim, x, grad) == GPUOPT_SUCCESS ? 0 : 1;
}

/* The counted problem: the reference start (tests/reference_start.h) scaled by 1 + k 1e-12, its
 * bounds when `bounded`, the analytic gradient when `analytic`. */
static gpuopt_problem *counted_problem_from(counted *c, const char *name, size_t dim,
                                            int bounded, int analytic, int k)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->best = INFINITY;
    c->at_gap = -1;
    gpuopt_problem_create_builtin(&c->inner, name, dim);
    double x0[64], f0 = 0, lower[64], upper[64];
    reference_start(name, dim, x0);
    for (size_t i = 0; i < dim; ++i)
        x0[i] *= 1.0 + (double)k * 1e-12;
    gpuopt_problem_get_bounds(c->inner, lower, upper);
    gpuopt_problem_evaluate(c->inner, x0, 1, &f0);
    c->threshold = GAP * f0; /* f* = 0 for sphere, ellipsoid and rosenbrock */
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, dim);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, counted_batch, c, 0);
    gpuopt_problem_set_start(p, x0);
    if (bounded)
        gpuopt_problem_set_bounds(p, lower, upper);
    if (analytic)
        gpuopt_problem_set_gradient(p, counted_gradient, c);
    return p;
}

static gpuopt_problem *counted_problem(counted *c, const char *name, size_t dim, int bounded,
                                       int analytic)
{
    return counted_problem_from(c, name, dim, bounded, analytic, 0);
}

static void counted_free(counted *c, gpuopt_problem **p)
{
    gpuopt_problem_destroy(p);
    gpuopt_problem_destroy(&c->inner);
}

typedef struct outcome {
    gpuopt_status status;
    double fun;
    int64_t nfev, at_gap, iterations;
    double x[64];
} outcome;

static gpuopt_optimizer *make_optimizer(gpuopt_context *ctx, const char *algorithm,
                                        const char *options)
{
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", options ? options : "");
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";"))
        CHECK_STATUS(gpuopt_optimizer_set_option(o, item), GPUOPT_SUCCESS);
    return o;
}

static outcome run_from(gpuopt_context *ctx, const char *algorithm, const char *options,
                        const char *problem, size_t dim, int bounded, int analytic, int k)
{
    counted c;
    gpuopt_problem *p = counted_problem_from(&c, problem, dim, bounded, analytic, k);
    gpuopt_optimizer *o = make_optimizer(ctx, algorithm, options);
    gpuopt_result *r = NULL;
    outcome out = {gpuopt_minimize(o, p, &r), NAN, 0, 0, 0, {0}};
    if (out.status < 0)
        fprintf(stderr, "%s on %s: %s\n", algorithm, problem, gpuopt_optimizer_errmsg(o));
    out.fun = r ? gpuopt_result_fun(r) : NAN;
    if (r)
        memcpy(out.x, gpuopt_result_x(r), dim * sizeof(double));
    out.iterations = r ? gpuopt_result_n_iterations(r) : 0;
    out.nfev = c.n;
    out.at_gap = c.at_gap;
    CHECK(!r || gpuopt_result_n_evaluations(r) == c.n);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    return out;
}

static outcome run_counted(gpuopt_context *ctx, const char *algorithm, const char *options,
                           const char *problem, size_t dim, int bounded, int analytic)
{
    return run_from(ctx, algorithm, options, problem, dim, bounded, analytic, 0);
}

/* ------------------------------------------------------------------ matrix */

/* The scipy reference row of a case, or NULL. */
static const scipy_row *scipy_case(const char *algorithm, const char *problem, size_t dim,
                                   int bounded, int analytic)
{
    for (size_t i = 0; i < sizeof scipy_rows / sizeof scipy_rows[0]; ++i) {
        const scipy_row *s = &scipy_rows[i];
        if (!strcmp(s->algorithm, algorithm) && !strcmp(s->problem, problem) && s->dim == dim &&
            s->bounded == bounded && s->analytic == analytic)
            return s;
    }
    return NULL;
}

/* Rosenbrock at n >= 4 has a local minimum near (-1, 1, ..., 1), f = 3.98658: from the
 * alternating start some solvers end there, and so does scipy's namesake. That counts when
 * scipy's run of the same case (row s) ends at the same value and the point is stationary. */
static int at_reference_minimum(const scipy_row *s, const char *problem, size_t dim,
                                const outcome *r)
{
    double g[64];
    if (!s || gpuopt_problem_builtin_gradient(problem, dim, r->x, g) != GPUOPT_SUCCESS)
        return 0;
    double gmax = 0;
    for (size_t j = 0; j < dim; ++j)
        gmax = fmax(gmax, fabs(g[j]));
    return fabs(r->fun - s->fun) <= 1e-7 * s->fun && gmax <= 1e-4;
}

static int same_local_minimum(const char *algorithm, const char *problem, size_t dim,
                              const outcome *r)
{
    return at_reference_minimum(scipy_case(algorithm, problem, dim, 0, 0), problem, dim, r);
}

/* sphere, ellipsoid and rosenbrock at n = 2, 10, 50 from the start points, without bounds,
 * finite differences (the default forward ones), to a relative gap f - f* <= tol (f(x0) - f*)
 * (or scipy's local minimum, see above). */
static void check_matrix(gpuopt_context *ctx, const char *algorithm, const char *options,
                         double tol)
{
    static const char *problems[] = {"sphere", "ellipsoid", "rosenbrock"};
    static const size_t dims[] = {2, 10, 50};
    for (size_t i = 0; i < 3; ++i) {
        for (size_t d = 0; d < 3; ++d) {
            counted probe;
            gpuopt_problem *p = counted_problem(&probe, problems[i], dims[d], 0, 0);
            double f0 = probe.threshold / GAP;
            counted_free(&probe, &p);
            outcome r = run_counted(ctx, algorithm, options, problems[i], dims[d], 0, 0);
            printf("%-18s %-10s n=%-3zu f=%-10.3g gap %-9.2g evaluations %-7lld iterations "
                   "%-5lld %s\n",
                   algorithm, problems[i], dims[d], r.fun, r.fun / f0, (long long)r.nfev,
                   (long long)r.iterations, gpuopt_status_name(r.status));
            int solved =
                r.fun <= tol * f0 || same_local_minimum(algorithm, problems[i], dims[d], &r);
            CHECK_MSG(r.status > 0 && solved, "%s on %s n=%zu: f = %g (%s)", algorithm,
                      problems[i], dims[d], r.fun, gpuopt_status_name(r.status));
        }
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return v[n / 2];
}

/* Every reference row of the algorithm, medians over the STARTS start points (as the script
 * takes them): the final value at most scipy's plus a slack (1e-8 of the start gap, or 1e-7
 * relative), and the evaluations to the 1e-8 gap (when scipy gets there; else all
 * evaluations) at most EVAL_FACTOR times scipy's. */
static void check_against_scipy(gpuopt_context *ctx, const char *algorithm)
{
    int rows = 0;
    for (size_t i = 0; i < sizeof scipy_rows / sizeof scipy_rows[0]; ++i) {
        const scipy_row *s = &scipy_rows[i];
        if (strcmp(s->algorithm, algorithm) != 0)
            continue;
        ++rows;
        counted probe;
        gpuopt_problem *p = counted_problem(&probe, s->problem, s->dim, s->bounded, 0);
        double slack = fmax(probe.threshold, 1e-7 * fabs(s->fun));
        counted_free(&probe, &p);
        double fun[STARTS], evals[STARTS];
        int ok = 1;
        for (int k = 0; k < STARTS; ++k) {
            outcome r = run_from(ctx, algorithm, NULL, s->problem, s->dim, s->bounded,
                                 s->analytic, k);
            ok &= r.status > 0;
            fun[k] = r.fun;
            evals[k] = (double)(s->at_gap > 0 ? r.at_gap : r.nfev);
            if (evals[k] < 0)
                evals[k] = INFINITY;
        }
        double f = median(fun, STARTS), ours = median(evals, STARTS);
        double theirs = (double)(s->at_gap > 0 ? s->at_gap : s->nfev);
        printf("%-18s %-10s n=%-3zu %-9s %-8s f=%-11.4g scipy %-11.4g evaluations%s %6.0f "
               "scipy %6.0f (%.2fx)\n",
               algorithm, s->problem, s->dim, s->bounded ? "bounded" : "unbounded",
               s->analytic ? "gradient" : "numdiff", f, s->fun,
               s->at_gap > 0 ? " to gap" : "       ", ours, theirs, ours / theirs);
        CHECK_MSG(ok && f <= s->fun + slack, "%s %s n=%zu: f = %.10g, scipy %.10g", algorithm,
                  s->problem, s->dim, f, s->fun);
        CHECK_MSG(ours <= EVAL_FACTOR * theirs,
                  "%s %s n=%zu (%s, %s): %.0f evaluations, scipy %.0f",
                  algorithm, s->problem, s->dim, s->bounded ? "bounded" : "unbounded",
                  s->analytic ? "gradient" : "numdiff", ours, theirs);
    }
    CHECK_MSG(rows >= 8, "%s: only %d scipy reference rows", algorithm, rows);
}

/* ------------------------------------------------------------------ resume */

static int same_outcome(const gpuopt_result *a, const gpuopt_result *b)
{
    size_t dim = gpuopt_result_dim(a);
    double fa = gpuopt_result_fun(a), fb = gpuopt_result_fun(b);
    return dim == gpuopt_result_dim(b) &&
           !memcmp(gpuopt_result_x(a), gpuopt_result_x(b), dim * sizeof(double)) &&
           !memcmp(&fa, &fb, sizeof fa) &&
           gpuopt_result_n_evaluations(a) == gpuopt_result_n_evaluations(b) &&
           gpuopt_result_n_iterations(a) == gpuopt_result_n_iterations(b) &&
           gpuopt_result_stop_reason(a) == gpuopt_result_stop_reason(b);
}

/* A run captured after `batches` ask/tell batches and applied to a fresh optimizer continues
 * bit for bit like the whole run; with finite differences and with the user gradient. */
static void check_resume(gpuopt_context *ctx, const char *algorithm, const char *options,
                         const char *problem, size_t dim, int bounded)
{
    for (int analytic = 0; analytic <= 1; ++analytic) {
        counted c;
        gpuopt_problem *p = counted_problem(&c, problem, dim, bounded, analytic);
        gpuopt_optimizer *whole = make_optimizer(ctx, algorithm, options);
        gpuopt_result *full = NULL;
        gpuopt_status st_full = gpuopt_minimize(whole, p, &full);
        CHECK(st_full > 0);
        for (int batches = 1; batches <= 41; batches += 20) {
            gpuopt_optimizer *first = make_optimizer(ctx, algorithm, options);
            CHECK_STATUS(gpuopt_optimizer_setup(first, p), GPUOPT_SUCCESS);
            for (int b = 0; b < batches; ++b) {
                const double *X;
                size_t n;
                double f[64 * 130];
                CHECK_STATUS(gpuopt_optimizer_ask(first, &X, &n), GPUOPT_SUCCESS);
                counted_batch(X, n, f, &c);
                CHECK_STATUS(gpuopt_optimizer_tell(first, f, n), GPUOPT_SUCCESS);
            }
            gpuopt_image *img = NULL;
            CHECK_STATUS(gpuopt_image_capture(first, &img), GPUOPT_SUCCESS);
            gpuopt_optimizer_destroy(&first);
            gpuopt_optimizer *second = make_optimizer(ctx, algorithm, NULL);
            CHECK_STATUS(gpuopt_image_apply(second, p, img, 0), GPUOPT_SUCCESS);
            gpuopt_result *resumed = NULL;
            CHECK_STATUS(gpuopt_optimizer_continue(second, p, &resumed), st_full);
            CHECK_MSG(full && resumed && same_outcome(full, resumed),
                      "%s (%s): resumed after %d batches differs", algorithm,
                      analytic ? "user gradient" : "numdiff", batches);
            gpuopt_result_destroy(&resumed);
            gpuopt_optimizer_destroy(&second);
            gpuopt_image_free(&img);
        }
        gpuopt_result_destroy(&full);
        gpuopt_optimizer_destroy(&whole);
        counted_free(&c, &p);
    }
}

/* --------------------------------------------------------------- bad input */

static gpuopt_status run_bad_gradient(gpuopt_context *ctx, const char *algorithm,
                                      const char *options, int kind, int bounded,
                                      char *message, size_t len)
{
    counted c;
    gpuopt_problem *p = counted_problem(&c, "rosenbrock", 4, bounded, 1);
    c.bad_gradient_kind = kind;
    c.bad_gradient_after = 3;
    gpuopt_optimizer *o = make_optimizer(ctx, algorithm, options);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    snprintf(message, len, "%s", gpuopt_optimizer_errmsg(o));
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    counted_free(&c, &p);
    return st;
}

/* A failing user gradient, a NaN gradient (raise: an error naming the coordinate; continue: the
 * run goes on), and option values out of range. */
static void check_bad_input(gpuopt_context *ctx, const char *algorithm, const char *options,
                            int bounded)
{
    char buf[1024];
    const char *msg = buf;
    CHECK_STATUS(run_bad_gradient(ctx, algorithm, options, 1, bounded, buf, sizeof buf),
                 GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(msg, "gradient callback returned an error (7)");
    CHECK_STATUS(run_bad_gradient(ctx, algorithm, options, 2, bounded, buf, sizeof buf),
                 GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(msg, "user gradient is nan in coordinate 0");
    char cont[256];
    snprintf(cont, sizeof cont, "%s%serror_handling=continue", options ? options : "",
             options ? ";" : "");
    gpuopt_status st = run_bad_gradient(ctx, algorithm, cont, 2, bounded, buf, sizeof buf);
    CHECK_MSG(st > 0, "%s: NaN gradient under continue: %s (%s)", algorithm,
              gpuopt_status_name(st), msg);

    gpuopt_optimizer *o = make_optimizer(ctx, algorithm, NULL);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "convergence.absolute_gradient_tolerance=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "convergence.absolute_gradient_tolerance");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_iterations=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.step_size=-1e-6"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.method=centrall"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.scaling_factor=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "convergence.absolute_gradient_tolerence=1e-6"),
                 GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "convergence.absolute_gradient_tolerance");
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_criterion_evaluations=many"),
                 GPUOPT_ERR_OPTION_TYPE);
    gpuopt_optimizer_destroy(&o);
}

#endif /* GPUOPT_TESTS_LOCAL_SOLVERS_H */
