/* Accuracy of the finite-difference engine against the analytic gradients and Hessians of
 * every built-in problem, at random points and several dimensions, with a stated relative
 * error per method (docs/derivatives.md, "Accuracy", lists the same bounds and the measured
 * worst cases). The error of an estimate E of D is max|E - D| / max(max|D|, 1): relative where
 * derivatives exceed 1, absolute below (so points near a stationary point do not blow it up).
 *
 * Points are uniform in the inner 80% of each problem's default box, no coordinate within 1%
 * of the range of 0. Ackley and Griewank oscillate with periods (1, and 2 pi sqrt(i+1)) far
 * shorter than |x| over most of that box, so steps relative to |x| are long for them and they
 * get their own, looser, bounds. Also here: Richardson extrapolation beats plain central
 * differences, and the analytic Hessians agree with central differences of the analytic
 * gradients (so the reference itself is checked independently of the engine). */
#include <stdint.h>
#include <string.h>

#include "gpuopt.h"
#include "tests/check.h"

#define N_POINTS 3
#define MAX_DIM 12
static const size_t grad_dims[] = {1, 2, 5, 12};
static const size_t hess_dims[] = {1, 2, 5, 8};

/* Stated bounds: {smooth-scale problems, ackley and griewank}; 2-5 times the worst errors of
 * 150 random points per problem and dimension (docs/derivatives.md). */
#define TOL_CENTRAL {5e-8, 1e-5}
#define TOL_ONE_SIDED {3e-5, 1e-4}
#define TOL_RICHARDSON {5e-9, 5e-9}
#define TOL_CROSS {1e-2, 1e-2}
#define TOL_AVERAGE {3e-2, 3e-2}
#define TOL_HESS_FORWARD {5e-2, 2e-1}
#define TOL_CROSS_RICHARDSON {5e-3, 5e-3}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double uniform(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* A point in the inner 80% of the default box, no coordinate within 1% of the range of 0
 * (where Schwefel's second derivative has its pole). */
static void random_point(const gpuopt_problem_info *info, size_t dim, double *x)
{
    double lo = 0.8 * info->default_lower, hi = 0.8 * info->default_upper;
    double gap = 0.01 * (info->default_upper - info->default_lower);
    for (size_t j = 0; j < dim; ++j)
        do
            x[j] = lo + (hi - lo) * uniform();
        while (fabs(x[j]) < gap);
}

/* The problems with analytic derivatives (kernels/problems_grad.h): all but the More-Wild
 * least-squares set, which is said once. */
static int has_analytic_derivatives(const gpuopt_problem_info *info)
{
    static int said;
    if (strcmp(info->suite, "more_wild") != 0)
        return 1;
    if (!said++)
        printf("more_wild problems: no analytic derivatives, not checked here\n");
    return 0;
}

static double rel_error(const double *est, const double *exact, size_t n)
{
    double err = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
        double e = fabs(est[i] - exact[i]);
        err = isnan(e) || e > err ? e : err;
        scale = fabs(exact[i]) > scale ? fabs(exact[i]) : scale;
    }
    return err / fmax(scale, 1.0);
}

typedef struct method_case {
    const char *label;
    const char *options[3]; /* "key=value", NULL-terminated */
    double tol[2];          /* smooth-scale problems, ackley / griewank */
    double worst[2];
    char worst_where[2][96];
    double problem_worst;   /* the worst error on the current problem */
} method_case;

static method_case grad_cases[] = {
    {"central", {"method=central", NULL}, TOL_CENTRAL, {0, 0}, {"", ""}, 0},
    {"forward", {"method=forward", NULL}, TOL_ONE_SIDED, {0, 0}, {"", ""}, 0},
    {"backward", {"method=backward", NULL}, TOL_ONE_SIDED, {0, 0}, {"", ""}, 0},
    {"central+richardson(3)", {"method=central", "n_steps=3", NULL}, TOL_RICHARDSON, {0, 0},
     {"", ""}, 0},
};
static method_case hess_cases[] = {
    {"central_cross", {"method=central_cross", NULL}, TOL_CROSS, {0, 0}, {"", ""}, 0},
    {"central_average", {"method=central_average", NULL}, TOL_AVERAGE, {0, 0}, {"", ""}, 0},
    {"forward", {"method=forward", NULL}, TOL_HESS_FORWARD, {0, 0}, {"", ""}, 0},
    {"central_cross+richardson(3)", {"method=central_cross", "n_steps=3", NULL},
     TOL_CROSS_RICHARDSON, {0, 0}, {"", ""}, 0},
};
#define N_GRAD_CASES (sizeof grad_cases / sizeof grad_cases[0])
#define N_HESS_CASES (sizeof hess_cases / sizeof hess_cases[0])

static int oscillating(const char *name)
{
    return !strcmp(name, "ackley") || !strcmp(name, "griewank");
}

static gpuopt_derivative *differentiator(gpuopt_context *ctx, const char *const *options)
{
    gpuopt_derivative *d = NULL;
    CHECK_STATUS(gpuopt_derivative_create(&d, ctx), GPUOPT_SUCCESS);
    for (size_t i = 0; d && options[i]; ++i)
        CHECK_STATUS(gpuopt_derivative_set_option(d, options[i]), GPUOPT_SUCCESS);
    return d;
}

static void record(method_case *c, double err, const char *problem, size_t dim)
{
    int g = oscillating(problem);
    if (!(err <= c->worst[g])) {
        c->worst[g] = err;
        snprintf(c->worst_where[g], sizeof c->worst_where[g], "%s, dim %zu", problem, dim);
    }
    if (!(err <= c->problem_worst))
        c->problem_worst = err;
}

static double estimate(gpuopt_context *ctx, const char *const *options, int hessian,
                       const char *name, size_t dim, const double *x, const double *exact)
{
    gpuopt_problem *p = NULL;
    double est[MAX_DIM * MAX_DIM];
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, name, dim), GPUOPT_SUCCESS);
    gpuopt_derivative *d = differentiator(ctx, options);
    gpuopt_status st = hessian ? gpuopt_derivative_hessian(d, p, x, est)
                               : gpuopt_derivative_gradient(d, p, x, est);
    CHECK_MSG(st == GPUOPT_SUCCESS, "%s dim %zu: %s", name, dim, gpuopt_derivative_errmsg(d));
    double err = st == GPUOPT_SUCCESS ? rel_error(est, exact, hessian ? dim * dim : dim) : INFINITY;
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
    return err;
}

static void one_case(gpuopt_context *ctx, method_case *c, int hessian, const char *name,
                     size_t dim, const double *x, const double *exact)
{
    double err = estimate(ctx, c->options, hessian, name, dim, x, exact);
    double tol = c->tol[oscillating(name)];
    record(c, err, name, dim);
    CHECK_MSG(err <= tol, "%s %s %s dim %zu: error %.3g > %.0e",
              hessian ? "Hessian" : "gradient", c->label, name, dim, err, tol);
}

/* Richardson (last case) beats plain central (first case) on every problem: its worst error
 * is a tenth of central's at most, or below 5e-9 where central is already limited by
 * rounding. */
static void check_richardson_better(const method_case *cases, size_t n_cases, const char *name,
                                    double floor)
{
    double central = cases[0].problem_worst, rich = cases[n_cases - 1].problem_worst;
    CHECK_MSG(rich <= fmax(central / 10, floor) || rich <= floor,
              "%s: Richardson worst %.3g, central worst %.3g", name, rich, central);
}

static void test_accuracy(gpuopt_context *ctx, int hessian)
{
    const size_t *dims = hessian ? hess_dims : grad_dims;
    method_case *cases = hessian ? hess_cases : grad_cases;
    size_t n_cases = hessian ? N_HESS_CASES : N_GRAD_CASES;
    double x[MAX_DIM], exact[MAX_DIM * MAX_DIM];
    for (size_t pi = 0; pi < gpuopt_problem_count(); ++pi) {
        const gpuopt_problem_info *info = gpuopt_problem_info_at(pi);
        if (!has_analytic_derivatives(info))
            continue;
        for (size_t c = 0; c < n_cases; ++c)
            cases[c].problem_worst = 0;
        for (size_t di = 0; di < (info->fixed_dim ? 1u : 4u); ++di)
            for (int k = 0; k < N_POINTS; ++k) {
                size_t dim = info->fixed_dim ? info->fixed_dim : dims[di];
                random_point(info, dim, x);
                gpuopt_status st = hessian
                                       ? gpuopt_problem_builtin_hessian(info->name, dim, x, exact)
                                       : gpuopt_problem_builtin_gradient(info->name, dim, x, exact);
                CHECK_STATUS(st, GPUOPT_SUCCESS);
                for (size_t c = 0; c < n_cases; ++c)
                    one_case(ctx, &cases[c], hessian, info->name, dim, x, exact);
            }
        if (!hessian)
            check_richardson_better(cases, n_cases, info->name, 5e-9);
    }
    for (size_t c = 0; c < n_cases; ++c)
        for (int g = 0; g < 2; ++g)
            printf("%-8s %-28s %-15s worst error %.3g (%s; stated bound %.0e)\n",
                   hessian ? "Hessian" : "gradient", cases[c].label,
                   g ? "ackley/griewank" : "others", cases[c].worst[g], cases[c].worst_where[g],
                   cases[c].tol[g]);
}

/* With steps long enough for truncation to dominate (scaling_factor 1000), Richardson
 * extrapolation over 4 steps gains at least a factor 100 on problems with a third derivative. */
static void test_richardson_long_steps(gpuopt_context *ctx)
{
    static const char *const names[] = {"rosenbrock", "rastrigin", "levy", "styblinski_tang",
                                        "zakharov", "schwefel"};
    static const char *const plain[] = {"method=central", "scaling_factor=1000", NULL};
    static const char *const rich[] = {"method=central", "scaling_factor=1000", "n_steps=4", NULL};
    double x[5], exact[5];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_find(names[i]);
        random_point(info, 5, x);
        CHECK_STATUS(gpuopt_problem_builtin_gradient(names[i], 5, x, exact), GPUOPT_SUCCESS);
        double e_plain = estimate(ctx, plain, 0, names[i], 5, x, exact);
        double e_rich = estimate(ctx, rich, 0, names[i], 5, x, exact);
        printf("long steps  %-16s central %.3g, richardson(4) %.3g\n", names[i], e_plain, e_rich);
        CHECK_MSG(e_rich * 100 <= e_plain, "%s: richardson %.3g vs central %.3g", names[i],
                  e_rich, e_plain);
    }
}

/* The analytic Hessian against central differences of the analytic gradient (step 1e-6 |x|),
 * to 1e-6 relative: checks the reference independently of the engine. */
static void test_analytic_hessians(void)
{
    double x[6], xp[6], xm[6], gp[6], gm[6], hess[36];
    for (size_t pi = 0; pi < gpuopt_problem_count(); ++pi) {
        const gpuopt_problem_info *info = gpuopt_problem_info_at(pi);
        size_t n = info->fixed_dim ? info->fixed_dim : 6;
        if (n > 6 || !has_analytic_derivatives(info))
            continue;
        for (int k = 0; k < N_POINTS; ++k) {
            random_point(info, n, x);
            CHECK_STATUS(gpuopt_problem_builtin_hessian(info->name, n, x, hess), GPUOPT_SUCCESS);
            double err = 0, scale = 0;
            for (size_t j = 0; j < n; ++j) {
                double h = 1e-6 * fmax(fabs(x[j]), 1.0);
                memcpy(xp, x, sizeof x);
                memcpy(xm, x, sizeof x);
                xp[j] += h;
                xm[j] -= h;
                gpuopt_problem_builtin_gradient(info->name, n, xp, gp);
                gpuopt_problem_builtin_gradient(info->name, n, xm, gm);
                for (size_t i = 0; i < n; ++i) {
                    err = fmax(err, fabs((gp[i] - gm[i]) / (xp[j] - xm[j]) - hess[i * n + j]));
                    scale = fmax(scale, fabs(hess[i * n + j]));
                    CHECK(hess[i * n + j] == hess[j * n + i]);
                }
            }
            CHECK_MSG(err <= 1e-6 * scale, "%s: analytic Hessian vs gradient differences %.3g",
                      info->name, err / scale);
        }
    }
}

/* Known values: zero gradients at the minimizers of the smooth problems, and bad arguments. */
static void test_analytic_values(void)
{
    double x[4], g[4], h[16];
    static const char *const smooth[] = {"sphere", "ellipsoid", "rosenbrock", "rastrigin",
                                         "griewank", "levy", "styblinski_tang", "zakharov"};
    for (size_t i = 0; i < sizeof smooth / sizeof smooth[0]; ++i) {
        CHECK_STATUS(gpuopt_problem_known_minimizer(smooth[i], 4, x), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_problem_builtin_gradient(smooth[i], 4, x, g), GPUOPT_SUCCESS);
        for (size_t j = 0; j < 4; ++j)
            CHECK_MSG(fabs(g[j]) < 1e-9, "%s: gradient %g at the minimizer", smooth[i], g[j]);
    }
    double rosen[2] = {-1.2, 1.0}, want[2] = {-215.6, -88.0}, want_h[4] = {1330, 480, 480, 200};
    CHECK_STATUS(gpuopt_problem_builtin_gradient("rosenbrock", 2, rosen, g), GPUOPT_SUCCESS);
    CHECK(fabs(g[0] - want[0]) < 1e-12 && fabs(g[1] - want[1]) < 1e-12);
    CHECK_STATUS(gpuopt_problem_builtin_hessian("rosenbrock", 2, rosen, h), GPUOPT_SUCCESS);
    for (int i = 0; i < 4; ++i)
        CHECK(fabs(h[i] - want_h[i]) < 1e-9);
    double zero[3] = {0, 0, 0};
    CHECK_STATUS(gpuopt_problem_builtin_gradient("ackley", 3, zero, g), GPUOPT_SUCCESS);
    CHECK(isnan(g[0]));
    CHECK_STATUS(gpuopt_problem_builtin_gradient("nope", 3, zero, g), GPUOPT_ERR_UNKNOWN_PROBLEM);
    CHECK_STATUS(gpuopt_problem_builtin_gradient("sphere", 0, zero, g), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_problem_builtin_hessian("sphere", 3, NULL, h), GPUOPT_ERR_NULL_POINTER);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS)
        return 1;
    test_analytic_values();
    test_analytic_hessians();
    test_accuracy(ctx, 0);
    test_accuracy(ctx, 1);
    test_richardson_long_steps(ctx);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
