/* Shared by the tests of the Newton-type solvers (test_newton_cg.c, test_truncated_newton.c,
 * test_trust_ncg.c): the problem matrix, the comparison with scipy's reference numbers
 * (tests/reference/scipy_newton.inc, printed by scipy_newton.py), and CPU vs OpenCL. Built on
 * the helpers of the other local solvers' tests (local_solvers.h: counted problems, resumption,
 * bad gradients). */
#ifndef GPUOPT_TESTS_NEWTON_SOLVERS_H
#define GPUOPT_TESTS_NEWTON_SOLVERS_H

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function" /* helpers these tests do not call */
#endif
#include "local_solvers.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "src/algorithm.h"

#define NEWTON_EVAL_FACTOR 1.5 /* ours may use at most this many times scipy's evaluations */

static const scipy_row newton_rows[] = {
#include "reference/scipy_newton.inc"
};

/* A context on one CPU thread: results do not depend on the thread count, and on a loaded
 * machine OpenMP's barriers between the many small batches cost more than they save. */
static gpuopt_context *newton_context(const char *backend)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, backend) != GPUOPT_SUCCESS)
        return NULL;
    if (!strcmp(backend, "cpu"))
        gpuopt_context_set_threads(ctx, 1);
    return ctx;
}

static const scipy_row *newton_case(const char *algorithm, const char *problem, size_t dim,
                                    int bounded, int analytic)
{
    for (size_t i = 0; i < sizeof newton_rows / sizeof newton_rows[0]; ++i) {
        const scipy_row *s = &newton_rows[i];
        if (!strcmp(s->algorithm, algorithm) && !strcmp(s->problem, problem) && s->dim == dim &&
            s->bounded == bounded && s->analytic == analytic)
            return s;
    }
    return NULL;
}

/* A run from start k (see local_solvers.h) that also counts the evaluations until the best
 * value first reached `target` (NaN: the 1e-8 relative gap). */
static outcome newton_run(gpuopt_context *ctx, const char *algorithm, const char *options,
                          const char *problem, size_t dim, int bounded, int analytic, int k,
                          double target)
{
    counted c;
    gpuopt_problem *p = counted_problem_from(&c, problem, dim, bounded, analytic, k);
    if (!isnan(target))
        c.threshold = target;
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

/* f(x0) of a built-in problem at its start point (f* = 0 for the matrix problems). */
static double start_value(const char *problem, size_t dim)
{
    counted probe;
    gpuopt_problem *p = counted_problem(&probe, problem, dim, 0, 0);
    double f0 = probe.threshold / GAP;
    counted_free(&probe, &p);
    return f0;
}

/* The chained Rosenbrock's local minimum near (-1, 1, ..., 1), f = 3.98658, counts when scipy's
 * run of the same case (finite differences, no bounds) ends there too and the point is
 * stationary. */
static int newton_same_local_minimum(const char *algorithm, const char *problem, size_t dim,
                                     const outcome *r)
{
    return at_reference_minimum(newton_case(algorithm, problem, dim, 0, 0), problem, dim, r);
}

/* sphere, ellipsoid and rosenbrock at n = 2, 10, 50 from the start points, without bounds,
 * finite differences, to a relative gap f - f* <= tol (f(x0) - f*). */
static void newton_matrix(gpuopt_context *ctx, const char *algorithm, const char *options,
                          double tol)
{
    static const char *problems[] = {"sphere", "ellipsoid", "rosenbrock"};
    static const size_t dims[] = {2, 10, 50};
    for (size_t i = 0; i < 3; ++i) {
        for (size_t d = 0; d < 3; ++d) {
            double f0 = start_value(problems[i], dims[d]);
            outcome r = newton_run(ctx, algorithm, options, problems[i], dims[d], 0, 0, 0, NAN);
            printf("%-16s %-10s n=%-3zu f=%-10.3g gap %-9.2g evaluations %-7lld iterations "
                   "%-5lld %s\n",
                   algorithm, problems[i], dims[d], r.fun, r.fun / f0, (long long)r.nfev,
                   (long long)r.iterations, gpuopt_status_name(r.status));
            int solved = r.fun <= tol * f0 ||
                         newton_same_local_minimum(algorithm, problems[i], dims[d], &r);
            CHECK_MSG(r.status > 0 && solved, "%s on %s n=%zu: f = %g (%s)", algorithm,
                      problems[i], dims[d], r.fun, gpuopt_status_name(r.status));
        }
    }
}

static int newton_by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double newton_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, newton_by_value);
    return v[n / 2];
}

/* One reference row, medians over the STARTS start points (as the script takes them):
 *  - the final value at most scipy's plus a slack (1e-8 of the start gap, or 1e-7 relative);
 *  - the evaluations to the 1e-8 relative gap at most NEWTON_EVAL_FACTOR times scipy's. Where
 *    scipy never gets there (it fails on several finite-difference cases), its count is
 *    infinite: ours passes when it gets there, else its total evaluations are compared with
 *    scipy's total. */
static void newton_compare_row(gpuopt_context *ctx, const scipy_row *s)
{
    double f0 = start_value(s->problem, s->dim);
    double slack = fmax(GAP * f0, 1e-7 * fabs(s->fun));
    double fun[STARTS], at_gap[STARTS], total[STARTS];
    int ok = 1;
    for (int k = 0; k < STARTS; ++k) {
        outcome r = newton_run(ctx, s->algorithm, NULL, s->problem, s->dim, s->bounded,
                               s->analytic, k, NAN);
        ok &= r.status > 0;
        fun[k] = r.fun;
        at_gap[k] = r.at_gap > 0 ? (double)r.at_gap : INFINITY;
        total[k] = (double)r.nfev;
    }
    double f = newton_median(fun, STARTS), ours = newton_median(at_gap, STARTS);
    double ours_total = newton_median(total, STARTS);
    double theirs = s->at_gap > 0 ? (double)s->at_gap : INFINITY;
    int compare_totals = !isfinite(ours) && !isfinite(theirs);
    if (compare_totals) {
        ours = ours_total;
        theirs = (double)s->nfev;
    }
    char vs[64];
    if (isfinite(theirs))
        snprintf(vs, sizeof vs, "scipy %7.0f (%.2fx)", theirs, ours / theirs);
    else
        snprintf(vs, sizeof vs, "scipy never gets there");
    printf("%-16s %-10s n=%-3zu %-9s %-8s f=%-11.4g scipy %-11.4g evaluations %s %7.0f %s\n",
           s->algorithm, s->problem, s->dim, s->bounded ? "bounded" : "unbounded",
           s->analytic ? "gradient" : "numdiff", f, s->fun, compare_totals ? "(all) " : "to gap",
           ours, vs);
    CHECK_MSG(ok && f <= s->fun + slack, "%s %s n=%zu: f = %.10g, scipy %.10g", s->algorithm,
              s->problem, s->dim, f, s->fun);
    CHECK_MSG(ours <= NEWTON_EVAL_FACTOR * theirs,
              "%s %s n=%zu (%s, %s): %.0f evaluations, scipy %.0f", s->algorithm, s->problem,
              s->dim, s->bounded ? "bounded" : "unbounded", s->analytic ? "gradient" : "numdiff",
              ours, theirs);
}

static void newton_against_scipy(gpuopt_context *ctx, const char *algorithm)
{
    int rows = 0;
    for (size_t i = 0; i < sizeof newton_rows / sizeof newton_rows[0]; ++i) {
        if (strcmp(newton_rows[i].algorithm, algorithm) != 0)
            continue;
        ++rows;
        newton_compare_row(ctx, &newton_rows[i]);
    }
    CHECK_MSG(rows >= 8, "%s: only %d scipy reference rows", algorithm, rows);
}

/* ------------------------------------------------------- criterion kinds */

/* Rosenbrock in two variables as least squares: residuals 10 (x2 - x1^2) and 1 - x1. */
static int banana_residuals(const double *X, size_t n_points, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < n_points; ++k) {
        const double *x = X + 2 * k;
        out[2 * k] = 10.0 * (x[1] - x[0] * x[0]);
        out[2 * k + 1] = 1.0 - x[0];
    }
    return 0;
}

/* The least-squares and likelihood kinds: the sum of squares of the banana's residuals (minimum
 * 0), and the logit problem's likelihood contributions (its MLE value 541.9065131). `options`
 * are set for both (e.g. ignore_bounds=true for the logit's box). */
static void newton_criterion_kinds(gpuopt_context *ctx, const char *algorithm,
                                   const char *options)
{
    gpuopt_problem *p = NULL;
    gpuopt_problem_create(&p, 2);
    gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, 2, banana_residuals,
                                       NULL, 0);
    double x0[2] = {-1.2, 1.0};
    gpuopt_problem_set_start(p, x0);
    gpuopt_optimizer *o = make_optimizer(ctx, algorithm, NULL);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0 && r && gpuopt_result_fun(r) < 1e-9, "%s on least squares: %s, f = %g",
              algorithm, gpuopt_status_name(st), r ? gpuopt_result_fun(r) : NAN);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);

    gpuopt_problem_create_builtin(&p, "logit", 5);
    o = make_optimizer(ctx, algorithm, options);
    st = gpuopt_minimize(o, p, &r);
    double f = r ? gpuopt_result_fun(r) : NAN;
    CHECK_MSG(st > 0 && fabs(f - 541.9065131) <= 1e-6 * 541.9065131,
              "%s on logit: %s, f = %.10g (%s)", algorithm, gpuopt_status_name(st), f,
              gpuopt_optimizer_errmsg(o));
    printf("%s: least squares and likelihood (logit f = %.10g) solved\n", algorithm, f);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* ------------------------------------------------------------------ OpenCL */

/* The built-in problem (evaluated on the device by the OpenCL backend) solved on CPU and on
 * OpenCL: the same point, value and counts, bit for bit. */
static void newton_same_on_opencl(gpuopt_context *cpu, const char *algorithm,
                                  const char *options, const char *problem, size_t dim)
{
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find("opencl");
    char why[256] = "";
    if (!ops || ops->device_count(0, why, sizeof why) <= 0) {
        printf("%s: the OpenCL comparison is skipped: %s\n", algorithm,
               ops ? why : "the OpenCL backend is not compiled into this build");
        return;
    }
    gpuopt_context *ocl = newton_context("opencl");
    CHECK(ocl != NULL);
    if (!ocl)
        return;
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, problem, dim), GPUOPT_SUCCESS);
    gpuopt_result *r[2] = {NULL, NULL};
    gpuopt_context *ctx[2] = {cpu, ocl};
    gpuopt_status st[2];
    for (int b = 0; b < 2; ++b) {
        gpuopt_optimizer *o = make_optimizer(ctx[b], algorithm, options);
        st[b] = gpuopt_minimize(o, p, &r[b]);
        gpuopt_optimizer_destroy(&o);
    }
    CHECK_MSG(st[0] > 0 && st[0] == st[1], "%s: cpu %s, opencl %s", algorithm,
              gpuopt_status_name(st[0]), gpuopt_status_name(st[1]));
    CHECK_MSG(r[0] && r[1] && same_outcome(r[0], r[1]), "%s on %s: OpenCL differs from CPU",
              algorithm, problem);
    if (r[0] && r[1])
        printf("%s on %s n=%zu: cpu and opencl f = %.17g, %lld evaluations, bitwise %s\n",
               algorithm, problem, dim, gpuopt_result_fun(r[0]),
               (long long)gpuopt_result_n_evaluations(r[0]),
               same_outcome(r[0], r[1]) ? "identical" : "DIFFERENT");
    gpuopt_result_destroy(&r[0]);
    gpuopt_result_destroy(&r[1]);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ocl);
}

#endif /* GPUOPT_TESTS_NEWTON_SOLVERS_H */
