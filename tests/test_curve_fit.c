/* gpuopt_curve_fit against scipy.optimize.curve_fit (tests/reference/curve_fit_scipy.py wrote
 * curve_fit_scipy.inc): parameters and covariance unweighted, with sigma, with absolute_sigma
 * and with bounds; the point-callback convenience; the covariance when it is unavailable
 * (singular Jacobian, no degrees of freedom); the built-in models; the bad-input errors. */
#include <math.h>

#include "gpuopt.h"
#include "tests/check.h"
#include "tests/reference/curve_fit_scipy.inc"

#define N 25

static double xs[N], ys[N], sigmas[N];

static void make_data(void)
{
    for (int i = 0; i < N; ++i) {
        xs[i] = 4.0 * i / (N - 1);
        ys[i] = 2.5 * exp(-1.3 * xs[i]) + 0.5 + 0.05 * sin(7.0 * xs[i]);
        sigmas[i] = 0.1 + 0.02 * xs[i];
    }
}

static int exp_point(const double *p, size_t n_params, const double *x, size_t n_data,
                     size_t x_dim, double *y, void *user)
{
    (void)n_params, (void)x_dim;
    int *calls = user;
    ++*calls;
    for (size_t i = 0; i < n_data; ++i)
        y[i] = p[0] * exp(-p[1] * x[i]) + p[2];
    return 0;
}

/* y = (a + b) * x: only the sum is identified; from a start with a == b the columns of the
 * finite-difference Jacobian are identical, so J has rank 1. */
static int product_batch(const double *P, size_t n_sets, size_t n_params, const double *x,
                         size_t n_data, size_t x_dim, double *y, void *user)
{
    (void)x_dim, (void)user;
    for (size_t k = 0; k < n_sets; ++k)
        for (size_t i = 0; i < n_data; ++i)
            y[k * n_data + i] = (P[k * n_params] + P[k * n_params + 1]) * x[i];
    return 0;
}

static int failing_batch(const double *P, size_t n_sets, size_t n_params, const double *x,
                         size_t n_data, size_t x_dim, double *y, void *user)
{
    (void)P, (void)n_sets, (void)n_params, (void)x, (void)n_data, (void)x_dim, (void)y;
    (void)user;
    return 1;
}

static void check_close(const char *what, const double *got, const double *want, size_t n,
                        double rel)
{
    for (size_t i = 0; i < n; ++i)
        CHECK_MSG(fabs(got[i] - want[i]) <= rel * fabs(want[i]) + 1e-14,
                  "%s[%zu] = %.12g, scipy %.12g", what, i, got[i], want[i]);
}

static gpuopt_fit_data exp_data(const double *sigma)
{
    return (gpuopt_fit_data){.x = xs, .n_data = N, .x_dim = 1, .y = ys, .n_y = N,
                             .sigma = sigma};
}

static void check_against_scipy(gpuopt_context *ctx, const char *name, const double *sigma,
                                const gpuopt_fit_settings *settings, const double *ref_params,
                                const double *ref_cov)
{
    gpuopt_fit_model model;
    CHECK_STATUS(gpuopt_fit_model_builtin(&model, "exponential", 0), GPUOPT_SUCCESS);
    gpuopt_fit_data data = exp_data(sigma);
    const double p0[3] = {1.0, 1.0, 1.0};
    gpuopt_fit_result *r = NULL;
    gpuopt_status st = gpuopt_curve_fit(&r, ctx, &model, &data, p0, settings);
    CHECK_MSG(st > 0, "%s: %s %s", name, gpuopt_status_name(st), st < 0 ? gpuopt_last_error() : "");
    if (!r)
        return;
    printf("%s: solver %s, %lld evaluations, %s\n", name, gpuopt_fit_result_solver(r),
           (long long)gpuopt_fit_result_n_evaluations(r), gpuopt_status_name(st));
    CHECK(gpuopt_fit_result_n_params(r) == 3 && gpuopt_fit_result_n_data(r) == N);
    CHECK(gpuopt_fit_result_dof(r) == N - 3);
    CHECK(gpuopt_fit_result_covariance_status(r) == GPUOPT_COVARIANCE_OK);
    CHECK(gpuopt_fit_result_jacobian_rank(r) == 3);
    check_close(name, gpuopt_fit_result_params(r), ref_params, 3, 1e-7);
    check_close(name, gpuopt_fit_result_covariance(r), ref_cov, 9, 1e-5);
    double se[3];
    for (int i = 0; i < 3; ++i)
        se[i] = sqrt(ref_cov[4 * i]);
    check_close(name, gpuopt_fit_result_stderr(r), se, 3, 1e-5);
    double ssr = 0.0;
    for (int i = 0; i < N; ++i)
        ssr += gpuopt_fit_result_residuals(r)[i] * gpuopt_fit_result_residuals(r)[i];
    CHECK(fabs(gpuopt_fit_result_ssr(r) - ssr) <= 1e-14 * ssr);
    CHECK(fabs(gpuopt_fit_result_residual_variance(r) - ssr / (N - 3)) <= 1e-14 * ssr);
    gpuopt_fit_result_destroy(&r);
    CHECK(r == NULL);
}

static void test_scipy_reference(gpuopt_context *ctx)
{
    gpuopt_fit_settings plain = {0}, absolute = {.absolute_sigma = 1};
    const double lower[3] = {0.0, 0.0, 0.0}, upper[3] = {10.0, 10.0, 10.0};
    gpuopt_fit_settings bounded = {.lower = lower, .upper = upper};
    check_against_scipy(ctx, "unweighted", NULL, NULL, ref_unweighted_params,
                        ref_unweighted_cov);
    check_against_scipy(ctx, "weighted", sigmas, &plain, ref_weighted_params, ref_weighted_cov);
    check_against_scipy(ctx, "absolute_sigma", sigmas, &absolute, ref_absolute_params,
                        ref_absolute_cov);
    check_against_scipy(ctx, "bounded", sigmas, &bounded, ref_bounded_params, ref_bounded_cov);
}

/* The default solvers: ls_lm without bounds, ls_trf with bounds. */
static void test_default_solvers(gpuopt_context *ctx)
{
    gpuopt_fit_model model;
    gpuopt_fit_model_builtin(&model, "exponential", 3);
    gpuopt_fit_data data = exp_data(NULL);
    gpuopt_fit_result *r = NULL;
    CHECK(gpuopt_curve_fit(&r, ctx, &model, &data, NULL, NULL) > 0);
    CHECK_CONTAINS(gpuopt_fit_result_solver(r), "ls_lm");
    gpuopt_fit_result_destroy(&r);
    const double upper[3] = {10.0, 10.0, 10.0};
    gpuopt_fit_settings bounded = {.upper = upper};
    CHECK(gpuopt_curve_fit(&r, ctx, &model, &data, NULL, &bounded) > 0);
    CHECK_CONTAINS(gpuopt_fit_result_solver(r), "ls_trf");
    gpuopt_fit_result_destroy(&r);
}

/* The point callback gives the same fit as the built-in batch model. */
static void test_point_callback(gpuopt_context *ctx)
{
    int calls = 0;
    gpuopt_fit_model model = {.n_params = 3, .point = exp_point, .user = &calls, .name = "exp"};
    gpuopt_fit_data data = exp_data(sigmas);
    gpuopt_fit_result *r = NULL;
    CHECK(gpuopt_curve_fit(&r, ctx, &model, &data, NULL, NULL) > 0);
    CHECK(calls > 0);
    if (r)
        check_close("point callback", gpuopt_fit_result_params(r), ref_weighted_params, 3, 1e-7);
    gpuopt_fit_result_destroy(&r);
}

static void test_singular_jacobian(gpuopt_context *ctx)
{
    gpuopt_fit_model model = {.n_params = 2, .batch = product_batch, .name = "product"};
    const double x[4] = {1.0, 2.0, 3.0, 4.0}, y[4] = {2.1, 3.9, 6.2, 7.9};
    gpuopt_fit_data data = {.x = x, .n_data = 4, .y = y, .n_y = 4};
    const double p0[2] = {1.0, 1.0};
    gpuopt_fit_result *r = NULL;
    gpuopt_status st = gpuopt_curve_fit(&r, ctx, &model, &data, p0, NULL);
    CHECK_MSG(st > 0, "singular: %s", gpuopt_status_name(st));
    if (!r)
        return;
    CHECK(gpuopt_fit_result_covariance_status(r) == GPUOPT_COVARIANCE_SINGULAR);
    CHECK_CONTAINS(gpuopt_fit_result_covariance_message(r), "rank-deficient (rank 1 of 2");
    CHECK(gpuopt_fit_result_jacobian_rank(r) == 1);
    for (int i = 0; i < 4; ++i)
        CHECK(isnan(gpuopt_fit_result_covariance(r)[i]));
    CHECK(isnan(gpuopt_fit_result_stderr(r)[0]) && isnan(gpuopt_fit_result_stderr(r)[1]));
    /* the fit itself is fine: the sum matches the least-squares slope */
    const double *p = gpuopt_fit_result_params(r);
    double slope = (2.1 + 2 * 3.9 + 3 * 6.2 + 4 * 7.9) / 30.0;
    CHECK(fabs(p[0] + p[1] - slope) < 1e-6);
    gpuopt_fit_result_destroy(&r);
}

static void test_no_dof(gpuopt_context *ctx)
{
    gpuopt_fit_model model;
    gpuopt_fit_model_builtin(&model, "polynomial", 2);
    const double x[2] = {0.0, 1.0}, y[2] = {1.0, 3.0}, sigma[2] = {0.5, 0.5};
    gpuopt_fit_data data = {.x = x, .n_data = 2, .y = y, .n_y = 2, .sigma = sigma};
    gpuopt_fit_result *r = NULL;
    CHECK(gpuopt_curve_fit(&r, ctx, &model, &data, NULL, NULL) > 0);
    if (!r)
        return;
    CHECK(gpuopt_fit_result_dof(r) == 0);
    CHECK(gpuopt_fit_result_covariance_status(r) == GPUOPT_COVARIANCE_NO_DOF);
    CHECK_CONTAINS(gpuopt_fit_result_covariance_message(r), "0 degrees of freedom");
    CHECK(isnan(gpuopt_fit_result_covariance(r)[0]));
    CHECK(fabs(gpuopt_fit_result_params(r)[0] - 2.0) < 1e-6);
    gpuopt_fit_result_destroy(&r);
    /* absolute_sigma needs no residual variance: inv(J'J) = [[0.5, -0.25], [-0.25, 0.25]] */
    gpuopt_fit_settings absolute = {.absolute_sigma = 1};
    CHECK(gpuopt_curve_fit(&r, ctx, &model, &data, NULL, &absolute) > 0);
    if (!r)
        return;
    const double want[4] = {0.5, -0.25, -0.25, 0.25};
    CHECK(gpuopt_fit_result_covariance_status(r) == GPUOPT_COVARIANCE_OK);
    check_close("absolute no-dof", gpuopt_fit_result_covariance(r), want, 4, 1e-6);
    gpuopt_fit_result_destroy(&r);
}

static void test_builtin_models(void)
{
    gpuopt_fit_model m;
    CHECK(gpuopt_fit_model_count() >= 20);
    for (size_t i = 0; i < gpuopt_fit_model_count(); ++i)
        CHECK(gpuopt_fit_model_name(i) && gpuopt_fit_model_formula(i));
    CHECK(gpuopt_fit_model_name(gpuopt_fit_model_count()) == NULL);
    CHECK_STATUS(gpuopt_fit_model_builtin(&m, "Misra1a", 0), GPUOPT_SUCCESS);
    CHECK(m.n_params == 2);
    CHECK_STATUS(gpuopt_fit_model_builtin(&m, "gausian", 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "gaussian");
    CHECK_STATUS(gpuopt_fit_model_builtin(&m, "polynomial", 0), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_fit_model_builtin(&m, "rat43", 3), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_last_error(), "has 4 parameters");
    CHECK_STATUS(gpuopt_fit_model_builtin(NULL, "rat43", 0), GPUOPT_ERR_NULL_POINTER);
    /* polynomial: highest degree first */
    CHECK_STATUS(gpuopt_fit_model_builtin(&m, "polynomial", 3), GPUOPT_SUCCESS);
    const double p[3] = {2.0, -1.0, 0.5}, x[2] = {0.0, 2.0};
    double y[2];
    CHECK(m.batch(p, 1, 3, x, 2, 1, y, m.user) == 0);
    CHECK(y[0] == 0.5 && y[1] == 6.5);
}

static gpuopt_status fit_expect_error(gpuopt_context *ctx, const gpuopt_fit_model *model,
                                      const gpuopt_fit_data *data, const double *p0,
                                      const gpuopt_fit_settings *settings)
{
    gpuopt_fit_result *r = (gpuopt_fit_result *)&r; /* must come back NULL */
    gpuopt_status st = gpuopt_curve_fit(&r, ctx, model, data, p0, settings);
    CHECK(r == NULL);
    return st;
}

static void test_errors(gpuopt_context *ctx)
{
    gpuopt_fit_model model;
    gpuopt_fit_model_builtin(&model, "exponential", 0);
    gpuopt_fit_data data = exp_data(NULL);
    gpuopt_fit_data bad = data;
    bad.n_y = N - 1;
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "x and y data have different lengths");
    double sigma[N];
    for (int i = 0; i < N; ++i)
        sigma[i] = 1.0;
    sigma[7] = 0.0;
    bad = exp_data(sigma);
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "sigma[7] = 0");
    sigma[7] = -2.0;
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "sigma[7] = -2");
    bad = exp_data(NULL);
    bad.n_data = bad.n_y = 2;
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "fewer data (2) than parameters (3)");
    CHECK_STATUS(fit_expect_error(ctx, NULL, &data, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(fit_expect_error(NULL, &model, &data, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(fit_expect_error(ctx, &model, NULL, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    bad = exp_data(NULL);
    bad.y = NULL;
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_CONTAINS(gpuopt_last_error(), "data.x and data.y");
    CHECK_STATUS(gpuopt_curve_fit(NULL, ctx, &model, &data, NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    gpuopt_fit_settings unknown = {.solver = "ls_lmx"};
    CHECK_STATUS(fit_expect_error(ctx, &model, &data, NULL, &unknown),
                 GPUOPT_ERR_UNKNOWN_ALGORITHM);
    CHECK_CONTAINS(gpuopt_last_error(), "unknown algorithm 'ls_lmx'");
    const double lower0[3] = {0.0, 0.0, 0.0};
    gpuopt_fit_settings lm_bounded = {.solver = "ls_lm", .lower = lower0};
    CHECK_STATUS(fit_expect_error(ctx, &model, &data, NULL, &lm_bounded), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_last_error(), "does not support bounds");
    const char *bad_option[] = {"no_such_option=1", NULL};
    gpuopt_fit_settings opts = {.solver_options = bad_option};
    CHECK(fit_expect_error(ctx, &model, &data, NULL, &opts) < 0);
    CHECK_CONTAINS(gpuopt_last_error(), "no_such_option");
    const double lower[3] = {2.0, 0.0, 0.0};
    gpuopt_fit_settings infeasible = {.lower = lower};
    CHECK_STATUS(fit_expect_error(ctx, &model, &data, NULL, &infeasible), GPUOPT_ERR_BAD_START);
    CHECK_CONTAINS(gpuopt_last_error(), "start parameter 0 = 1");
    gpuopt_fit_model both = model;
    both.point = exp_point;
    CHECK_STATUS(fit_expect_error(ctx, &both, &data, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "exactly one of model.batch and model.point");
    gpuopt_fit_model failing = {.n_params = 3, .batch = failing_batch};
    CHECK_STATUS(fit_expect_error(ctx, &failing, &data, NULL, NULL), GPUOPT_ERR_CALLBACK);
    bad = exp_data(NULL);
    double ynan[N];
    for (int i = 0; i < N; ++i)
        ynan[i] = ys[i];
    ynan[3] = NAN;
    bad.y = ynan;
    CHECK_STATUS(fit_expect_error(ctx, &model, &bad, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "y[3]");
    CHECK_STATUS(gpuopt_fit_result_destroy(NULL), GPUOPT_ERR_NULL_POINTER);
}

static void test_nist_reader_errors(void)
{
    gpuopt_nist_dataset *ds = NULL;
    CHECK_STATUS(gpuopt_nist_read(&ds, "/nonexistent/Misra1a.dat"), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "cannot open");
    CHECK_STATUS(gpuopt_nist_read(&ds, __FILE__), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "not a NIST StRD");
    CHECK(ds == NULL);
    CHECK_STATUS(gpuopt_nist_read(NULL, __FILE__), GPUOPT_ERR_NULL_POINTER);
}

int main(void)
{
    make_data();
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    test_scipy_reference(ctx);
    test_default_solvers(ctx);
    test_point_callback(ctx);
    test_singular_jacobian(ctx);
    test_no_dof(ctx);
    test_builtin_models();
    test_errors(ctx);
    test_nist_reader_errors();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
