/* Bounds: every stencil point stays inside the bounds; central steps at a bound fall back to
 * one-sided formulas; one-sided steps flip to the side with room; steps shrink down to
 * min_steps; beyond that the coordinate has no estimate (an error under error_handling=raise,
 * NaN under continue). Second derivatives need room for 2h (their diagonal points). */
#include <string.h>

#include "gpuopt.h"
#include "tests/check.h"

#define N 3

/* f(x) = sum_j w_j exp(x_j / 2) + x_0 x_1 x_2, recording the box of evaluated points. */
typedef struct recorder {
    double lo[N], hi[N];
    long calls;
} recorder;

static const double weights[N] = {1.0, 2.0, -0.5};

static int criterion(const double *x, size_t dim, double *out, void *user)
{
    recorder *r = user;
    double s = x[0] * x[1] * x[2];
    for (size_t j = 0; j < dim; ++j) {
        s += weights[j] * exp(x[j] / 2);
        r->lo[j] = fmin(r->lo[j], x[j]);
        r->hi[j] = fmax(r->hi[j], x[j]);
    }
    ++r->calls;
    *out = s;
    return 0;
}

static void gradient(const double *x, double *g)
{
    for (size_t j = 0; j < N; ++j)
        g[j] = weights[j] * exp(x[j] / 2) / 2;
    g[0] += x[1] * x[2];
    g[1] += x[0] * x[2];
    g[2] += x[0] * x[1];
}

static void hessian(const double *x, double *h)
{
    for (size_t j = 0; j < N; ++j)
        for (size_t k = 0; k < N; ++k)
            h[j * N + k] = j == k ? weights[j] * exp(x[j] / 2) / 4 : x[3 - j - k];
}

static void reset(recorder *r)
{
    for (size_t j = 0; j < N; ++j) {
        r->lo[j] = INFINITY;
        r->hi[j] = -INFINITY;
    }
    r->calls = 0;
}

static const double lower[N] = {-1.0, 0.0, -2.0}, upper[N] = {1.0, 3.0, 2.0};

static gpuopt_problem *bounded_problem(recorder *r, const double *lo, const double *hi)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, N), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, criterion, r, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    reset(r);
    return p;
}

static void check_inside(const recorder *r, const double *lo, const double *hi, const char *what)
{
    for (size_t j = 0; j < N; ++j)
        CHECK_MSG(r->lo[j] >= lo[j] && r->hi[j] <= hi[j],
                  "%s: coordinate %zu evaluated in [%.17g, %.17g], bounds [%g, %g]", what, j,
                  r->lo[j], r->hi[j], lo[j], hi[j]);
}

static double rel_error(const double *est, const double *exact, size_t n)
{
    double err = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
        err = fmax(err, fabs(est[i] - exact[i]));
        scale = fmax(scale, fabs(exact[i]));
    }
    return err / scale;
}

static gpuopt_derivative *make_d(gpuopt_context *ctx, const char *const *options)
{
    gpuopt_derivative *d = NULL;
    CHECK_STATUS(gpuopt_derivative_create(&d, ctx), GPUOPT_SUCCESS);
    for (size_t i = 0; options && options[i]; ++i)
        CHECK_STATUS(gpuopt_derivative_set_option(d, options[i]), GPUOPT_SUCCESS);
    return d;
}

/* Points on bounds: gradients with each first-derivative method, all points inside. */
static void test_gradient_on_bounds(gpuopt_context *ctx)
{
    static const double at[][N] = {{-1.0, 0.0, 2.0},  /* lower, lower, upper */
                                   {1.0, 3.0, -2.0},  /* upper, upper, lower */
                                   {0.5, 1e-9, 2.0}}; /* nearly on a bound */
    static const char *const methods[] = {"method=central", "method=forward", "method=backward"};
    static const double tols[] = {1e-7, 1e-7, 1e-7};
    recorder r;
    gpuopt_problem *p = bounded_problem(&r, lower, upper);
    for (size_t m = 0; m < 3; ++m)
        for (size_t k = 0; k < 3; ++k) {
            const char *opts[] = {methods[m], NULL};
            double g[N], est[N];
            gradient(at[k], g);
            gpuopt_derivative *d = make_d(ctx, opts);
            reset(&r);
            CHECK_STATUS(gpuopt_derivative_gradient(d, p, at[k], est), GPUOPT_SUCCESS);
            check_inside(&r, lower, upper, methods[m]);
            CHECK_MSG(rel_error(est, g, N) <= tols[m], "%s at point %zu: %.3g", methods[m], k,
                      rel_error(est, g, N));
            gpuopt_derivative_destroy(&d);
        }
    gpuopt_problem_destroy(&p);
}

/* Forward at an upper bound flips to backward: no point above x there, one below. */
static void test_flip(gpuopt_context *ctx)
{
    recorder r;
    gpuopt_problem *p = bounded_problem(&r, lower, upper);
    const double at[N] = {1.0, 1.0, 0.0};
    const char *fwd[] = {"method=forward", NULL}, *bwd[] = {"method=backward", NULL};
    double est[N];
    gpuopt_derivative *d = make_d(ctx, fwd);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_SUCCESS);
    CHECK(r.hi[0] == 1.0 && r.lo[0] < 1.0); /* flipped */
    CHECK(r.hi[1] > 1.0 && r.lo[1] == 1.0); /* forward where there is room */
    gpuopt_derivative_destroy(&d);
    const double at_low[N] = {-1.0, 1.0, 0.0};
    reset(&r);
    d = make_d(ctx, bwd);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at_low, est), GPUOPT_SUCCESS);
    CHECK(r.lo[0] == -1.0 && r.hi[0] > -1.0); /* backward flipped to forward */
    CHECK(r.lo[1] < 1.0 && r.hi[1] == 1.0);
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
}

/* Bounds narrower than the step around coordinate 1. */
static void test_narrow_bounds(gpuopt_context *ctx)
{
    const double at[N] = {0.3, 1.0, -0.7};
    const double lo[N] = {-1.0, 1.0 - 1e-10, -2.0}, hi[N] = {1.0, 1.0 + 1e-10, 2.0};
    recorder r;
    gpuopt_problem *p = bounded_problem(&r, lo, hi);
    double g[N], est[N];
    gradient(at, g);
    /* Default min_steps (the base step): no room for a step of coordinate 1. */
    gpuopt_derivative *d = make_d(ctx, NULL);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_ERR_BAD_BOUNDS);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "coordinate 1");
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "min_steps");
    CHECK(r.calls == 0); /* found before evaluating anything */
    /* error_handling=continue: NaN for coordinate 1, the others estimated. */
    CHECK_STATUS(gpuopt_derivative_set_option(d, "error_handling=continue"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_SUCCESS);
    CHECK(isnan(est[1]));
    CHECK(fabs(est[0] - g[0]) <= 1e-8 * fabs(g[0]) && fabs(est[2] - g[2]) <= 1e-8 * fabs(g[2]));
    check_inside(&r, lo, hi, "continue");
    /* min_steps small enough: the steps shrink to fit (and stay central). */
    const char *shrink[] = {"min_steps=1e-12", NULL};
    gpuopt_derivative_destroy(&d);
    d = make_d(ctx, shrink);
    reset(&r);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_SUCCESS);
    check_inside(&r, lo, hi, "shrunk");
    CHECK(r.lo[1] < 1.0 && r.hi[1] > 1.0);
    CHECK_MSG(fabs(est[1] - g[1]) <= 1e-5 * fabs(g[1]), "shrunk step: %.17g vs %.17g", est[1],
              g[1]);
    gpuopt_derivative_destroy(&d);
    /* Richardson: the 3 levels shrink together and still fit. */
    const char *rich[] = {"min_steps=1e-13", "n_steps=3", NULL};
    d = make_d(ctx, rich);
    reset(&r);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_SUCCESS);
    check_inside(&r, lo, hi, "shrunk richardson");
    CHECK(fabs(est[1] - g[1]) <= 1e-5 * fabs(g[1]));
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
}

/* Room on one side only, less than the step: the other side is used (one-sided fallback). */
static void test_partial_room(gpuopt_context *ctx)
{
    const double at[N] = {1.0 - 1e-12, 2.0, 0.0};
    recorder r;
    gpuopt_problem *p = bounded_problem(&r, lower, upper);
    double g[N], est[N];
    gradient(at, g);
    const char *rich[] = {"n_steps=4", NULL};
    gpuopt_derivative *d = make_d(ctx, rich);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at, est), GPUOPT_SUCCESS);
    check_inside(&r, lower, upper, "partial room");
    CHECK_MSG(rel_error(est, g, N) <= 1e-8, "partial room: %.3g", rel_error(est, g, N));
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
}

/* Hessians at bounds: the diagonal points x +- 2h stay inside too, and the entries of bounded
 * coordinates come from one-sided formulas. */
static void test_hessian_on_bounds(gpuopt_context *ctx)
{
    static const char *const methods[] = {"method=central_cross", "method=central_average",
                                          "method=forward", "method=backward"};
    static const double at[][N] = {{-1.0, 0.0, 2.0}, {1.0, 1.5, -0.5}, {0.2, 3.0, -2.0}};
    recorder r;
    gpuopt_problem *p = bounded_problem(&r, lower, upper);
    for (size_t m = 0; m < 4; ++m)
        for (size_t k = 0; k < 3; ++k) {
            const char *opts[] = {methods[m], NULL};
            double h[N * N], est[N * N];
            hessian(at[k], h);
            gpuopt_derivative *d = make_d(ctx, opts);
            reset(&r);
            CHECK_STATUS(gpuopt_derivative_hessian(d, p, at[k], est), GPUOPT_SUCCESS);
            check_inside(&r, lower, upper, methods[m]);
            /* x_1 = 0 takes the rule's smallest step, 6e-7, where rounding dominates */
            CHECK_MSG(rel_error(est, h, N * N) <= 3e-3, "%s at point %zu: %.3g", methods[m], k,
                      rel_error(est, h, N * N));
            gpuopt_derivative_destroy(&d);
        }
    /* Room for h but not 2h around coordinate 2: no second derivative there by default. */
    const double lo[N] = {-1.0, 0.0, -1e-5}, hi[N] = {1.0, 3.0, 1e-5}, at0[N] = {0.5, 1.0, 0.0};
    gpuopt_problem_set_bounds(p, lo, hi);
    const char *opts[] = {"step_size=8e-6", NULL};
    gpuopt_derivative *d = make_d(ctx, opts);
    double est[N * N];
    CHECK_STATUS(gpuopt_derivative_hessian(d, p, at0, est), GPUOPT_ERR_BAD_BOUNDS);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "twice");
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, at0, est), GPUOPT_SUCCESS); /* h fits */
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS)
        return 1;
    test_gradient_on_bounds(ctx);
    test_flip(ctx);
    test_narrow_bounds(ctx);
    test_partial_room(ctx);
    test_hessian_on_bounds(ctx);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
