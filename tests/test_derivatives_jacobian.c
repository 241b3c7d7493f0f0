/* Jacobians of residual vectors (least squares) and of likelihood contributions, against a
 * problem with a known Jacobian; the gradient and Hessian of the aggregated value
 * (sum of squares: 2 J^T r and 2 (J^T J + sum r_i H_i)); point and batch callbacks; the same
 * bits for any thread count. */
#include <string.h>

#include "gpuopt.h"
#include "tests/check.h"

#define N 4 /* parameters */
#define M 7 /* residuals */

/* r_i(x) = sum_j A_ij x_j + c_i sin(x_{i mod N}) + d_i x_{(i+1) mod N}^2 - b_i */
static double A(size_t i, size_t j)
{
    return 0.3 * (double)(i + 1) - 0.2 * (double)j + 0.05 * (double)(i * j);
}
static double c_(size_t i) { return 1.0 + 0.25 * (double)i; }
static double d_(size_t i) { return 0.5 - 0.1 * (double)i; }
static double b_(size_t i) { return (double)i - 2.0; }

static void residuals(const double *x, double *r)
{
    for (size_t i = 0; i < M; ++i) {
        double s = 0;
        for (size_t j = 0; j < N; ++j)
            s += A(i, j) * x[j];
        double y = x[(i + 1) % N];
        r[i] = s + c_(i) * sin(x[i % N]) + d_(i) * y * y - b_(i);
    }
}

static void jacobian(const double *x, double *J)
{
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j)
            J[i * N + j] = A(i, j) + (j == i % N ? c_(i) * cos(x[j]) : 0.0) +
                           (j == (i + 1) % N ? 2.0 * d_(i) * x[j] : 0.0);
}

/* 2 (J^T J + sum_i r_i Hess(r_i)) */
static void ls_hessian(const double *x, double *H)
{
    double r[M], J[M * N];
    residuals(x, r);
    jacobian(x, J);
    memset(H, 0, N * N * sizeof *H);
    for (size_t i = 0; i < M; ++i) {
        for (size_t j = 0; j < N; ++j)
            for (size_t k = 0; k < N; ++k)
                H[j * N + k] += 2.0 * J[i * N + j] * J[i * N + k];
        size_t s = i % N, q = (i + 1) % N;
        H[s * N + s] += 2.0 * r[i] * (-c_(i) * sin(x[s]));
        H[q * N + q] += 2.0 * r[i] * (2.0 * d_(i));
    }
}

static int point_fn(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    residuals(x, out);
    return 0;
}

static int batch_fn(const double *X, size_t n, double *out, void *user)
{
    (void)user;
    for (size_t p = 0; p < n; ++p)
        residuals(X + p * N, out + p * M);
    return 0;
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

static gpuopt_problem *make_problem(gpuopt_criterion_kind kind, int batch)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, N), GPUOPT_SUCCESS);
    if (batch)
        CHECK_STATUS(gpuopt_problem_set_batch_criterion(p, kind, M, batch_fn, NULL,
                                                        GPUOPT_CALLBACK_THREAD_SAFE),
                     GPUOPT_SUCCESS);
    else
        CHECK_STATUS(gpuopt_problem_set_point_criterion(p, kind, M, point_fn, NULL, 0),
                     GPUOPT_SUCCESS);
    return p;
}

static gpuopt_derivative *make_d(gpuopt_context *ctx, const char *method, const char *extra)
{
    gpuopt_derivative *d = NULL;
    CHECK_STATUS(gpuopt_derivative_create(&d, ctx), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_set_string(d, "method", method), GPUOPT_SUCCESS);
    if (extra)
        CHECK_STATUS(gpuopt_derivative_set_option(d, extra), GPUOPT_SUCCESS);
    return d;
}

static const double points[3][N] = {
    {0.3, -1.2, 2.5, 0.7}, {-2.0, 0.05, 1.0, -0.4}, {4.0, 3.0, -3.5, 1.5}};

static void test_jacobian(gpuopt_context *ctx, gpuopt_criterion_kind kind, int batch)
{
    static const struct {
        const char *method, *extra;
        double tol;
    } cases[] = {{"central", NULL, 1e-9}, {"forward", NULL, 1e-6}, {"backward", NULL, 1e-6},
                 {"central", "n_steps=3", 1e-9}};
    gpuopt_problem *p = make_problem(kind, batch);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
        for (size_t k = 0; k < 3; ++k) {
            double J[M * N], est[M * N], r[M];
            jacobian(points[k], J);
            gpuopt_derivative *d = make_d(ctx, cases[c].method, cases[c].extra);
            CHECK_STATUS(gpuopt_derivative_jacobian(d, p, points[k], est), GPUOPT_SUCCESS);
            double err = rel_error(est, J, M * N);
            CHECK_MSG(err <= cases[c].tol, "Jacobian %s %s point %zu: %.3g > %.0e", cases[c].method,
                      cases[c].extra ? cases[c].extra : "", k, err, cases[c].tol);
            printf("Jacobian (kind %d, %s) %-8s %-10s point %zu: relative error %.3g\n", (int)kind,
                   batch ? "batch" : "point", cases[c].method, cases[c].extra ? cases[c].extra : "",
                   k, err);
            residuals(points[k], r);
            double value = 0;
            for (size_t i = 0; i < M; ++i)
                value += kind == GPUOPT_CRITERION_LEAST_SQUARES ? r[i] * r[i] : r[i];
            CHECK(fabs(gpuopt_derivative_value(d) - value) <= 1e-12 * fmax(1.0, fabs(value)));
            gpuopt_derivative_destroy(&d);
        }
    gpuopt_problem_destroy(&p);
}

/* The gradient of the aggregated value: 2 J^T r (least squares) or sum of J's rows. */
static void test_gradient_of_aggregate(gpuopt_context *ctx, gpuopt_criterion_kind kind)
{
    gpuopt_problem *p = make_problem(kind, 0);
    for (size_t k = 0; k < 3; ++k) {
        double J[M * N], r[M], g[N] = {0}, est[N];
        jacobian(points[k], J);
        residuals(points[k], r);
        for (size_t i = 0; i < M; ++i)
            for (size_t j = 0; j < N; ++j)
                g[j] += (kind == GPUOPT_CRITERION_LEAST_SQUARES ? 2.0 * r[i] : 1.0) * J[i * N + j];
        gpuopt_derivative *d = make_d(ctx, "central", NULL);
        CHECK_STATUS(gpuopt_derivative_gradient(d, p, points[k], est), GPUOPT_SUCCESS);
        CHECK_MSG(rel_error(est, g, N) <= 1e-8, "gradient of kind %d at point %zu: %.3g", (int)kind,
                  k, rel_error(est, g, N));
        CHECK(gpuopt_derivative_n_evaluations(d) == 2 * N + 1);
        gpuopt_derivative_destroy(&d);
    }
    gpuopt_problem_destroy(&p);
}

static void test_ls_hessian(gpuopt_context *ctx)
{
    gpuopt_problem *p = make_problem(GPUOPT_CRITERION_LEAST_SQUARES, 1);
    static const char *const methods[] = {"central_cross", "central_average", "forward"};
    /* Point 1 has x_1 = 0.05: the rule's step there is 6e-7, where rounding dominates. */
    static const double tols[] = {1e-3, 1e-3, 1e-3};
    for (size_t m = 0; m < 3; ++m)
        for (size_t k = 0; k < 3; ++k) {
            double H[N * N], est[N * N];
            ls_hessian(points[k], H);
            gpuopt_derivative *d = make_d(ctx, methods[m], NULL);
            CHECK_STATUS(gpuopt_derivative_hessian(d, p, points[k], est), GPUOPT_SUCCESS);
            double err = rel_error(est, H, N * N);
            CHECK_MSG(err <= tols[m], "LS Hessian %s point %zu: %.3g", methods[m], k, err);
            printf("least-squares Hessian %-16s point %zu: relative error %.3g\n", methods[m], k,
                   err);
            gpuopt_derivative_destroy(&d);
        }
    gpuopt_problem_destroy(&p);
}

/* Threads 1 and 4 (batch callback marked thread-safe) give the same bits. */
static void test_thread_independence(void)
{
    double out[2][M * N], hess[2][N * N];
    for (int t = 0; t < 2; ++t) {
        gpuopt_context *ctx = NULL;
        CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_context_set_threads(ctx, t ? 4 : 1), GPUOPT_SUCCESS);
        gpuopt_problem *p = make_problem(GPUOPT_CRITERION_LEAST_SQUARES, 1);
        gpuopt_derivative *d = make_d(ctx, "central", "n_steps=3");
        CHECK_STATUS(gpuopt_derivative_jacobian(d, p, points[1], out[t]), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_derivative_set_string(d, "method", "central_average"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_derivative_hessian(d, p, points[1], hess[t]), GPUOPT_SUCCESS);
        gpuopt_derivative_destroy(&d);
        gpuopt_problem_destroy(&p);
        gpuopt_context_destroy(&ctx);
    }
    CHECK(memcmp(out[0], out[1], sizeof out[0]) == 0);
    CHECK(memcmp(hess[0], hess[1], sizeof hess[0]) == 0);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS)
        return 1;
    test_jacobian(ctx, GPUOPT_CRITERION_LEAST_SQUARES, 0);
    test_jacobian(ctx, GPUOPT_CRITERION_LEAST_SQUARES, 1);
    test_jacobian(ctx, GPUOPT_CRITERION_LIKELIHOOD, 0);
    test_gradient_of_aggregate(ctx, GPUOPT_CRITERION_LEAST_SQUARES);
    test_gradient_of_aggregate(ctx, GPUOPT_CRITERION_LIKELIHOOD);
    test_ls_hessian(ctx);
    test_thread_independence();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
