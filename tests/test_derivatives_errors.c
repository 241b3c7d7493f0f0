/* Bad input and clear statuses (options <= 0, unknown names, wrong methods, points outside
 * the bounds, non-finite values, callback errors, a Hessian stencil too large for memory),
 * evaluation counts, workspace reuse, and the host fallbacks of the fd ops giving the CPU
 * ops' bits. */
#include <stdint.h>
#include <string.h>

#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/problems.h"
#include "src/derivatives/fd.h"
#include "tests/check.h"

static gpuopt_derivative *make_d(gpuopt_context *ctx)
{
    gpuopt_derivative *d = NULL;
    CHECK_STATUS(gpuopt_derivative_create(&d, ctx), GPUOPT_SUCCESS);
    return d;
}

static void test_options(gpuopt_context *ctx)
{
    gpuopt_derivative *d = make_d(ctx);
    CHECK_STATUS(gpuopt_derivative_set_double(d, "step_size", 0.0), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "step_size must be");
    CHECK_STATUS(gpuopt_derivative_set_double(d, "step_size", -1e-3), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_double(d, "step_size", NAN), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "scaling_factor=0"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "min_steps=-1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "step_ratio=1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "n_steps=0"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "n_steps=9"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "n_steps=2.5"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "step_size=abc"), GPUOPT_ERR_OPTION_TYPE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "'abc'");
    CHECK_STATUS(gpuopt_derivative_set_option(d, "method=centrl"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "unknown method 'centrl'");
    CHECK_STATUS(gpuopt_derivative_set_option(d, "methd=central"), GPUOPT_ERR_UNKNOWN_OPTION);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "method");
    CHECK_STATUS(gpuopt_derivative_set_option(d, "error_handling=ignore"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "no_equals_sign"), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_derivative_set_double(d, "method", 1.0), GPUOPT_ERR_OPTION_TYPE);
    double bad_steps[3] = {1e-3, 0.0, 1e-3};
    CHECK_STATUS(gpuopt_derivative_set_steps(d, bad_steps, 3), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_derivative_set_min_steps(d, bad_steps, 3), GPUOPT_ERR_OPTION_RANGE);
    /* Good values round-trip. */
    char buf[64];
    CHECK_STATUS(gpuopt_derivative_set_option(d, "n_steps=3"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_get_option(d, "n_steps", buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK(strcmp(buf, "3") == 0);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "step_size=1e-4"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "step_size=auto"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_get_option(d, "step_size", buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK(strcmp(buf, "auto") == 0);
    CHECK_STATUS(gpuopt_derivative_get_option(d, "method", buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK(strcmp(buf, "auto") == 0);
    CHECK_STATUS(gpuopt_derivative_get_option(d, "nope", buf, sizeof buf),
                 GPUOPT_ERR_UNKNOWN_OPTION);
    gpuopt_derivative_destroy(&d);
    CHECK(d == NULL);
    CHECK_STATUS(gpuopt_derivative_destroy(&d), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_create(&d, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_derivative_create(NULL, ctx), GPUOPT_ERR_NULL_POINTER);
}

static void test_call_errors(gpuopt_context *ctx)
{
    gpuopt_problem *p = NULL, *empty = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "rosenbrock", 3), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create(&empty, 3), GPUOPT_SUCCESS);
    gpuopt_derivative *d = make_d(ctx);
    double x[3] = {0.5, 20.0, 1.0}, out[9];
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, out), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "x[1] = 20 is outside the bounds [-5, 10]");
    x[1] = NAN;
    CHECK_STATUS(gpuopt_derivative_hessian(d, p, x, out), GPUOPT_ERR_INVALID_ARGUMENT);
    x[1] = 0.5;
    CHECK_STATUS(gpuopt_derivative_gradient(d, empty, x, out), GPUOPT_ERR_NO_CRITERION);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, NULL, out), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_derivative_gradient(NULL, p, x, out), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "method=central_cross"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, out), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "does not compute first derivatives");
    CHECK_STATUS(gpuopt_derivative_set_option(d, "method=central"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_hessian(d, p, x, out), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "central_cross");
    CHECK_STATUS(gpuopt_derivative_set_option(d, "method=auto"), GPUOPT_SUCCESS);
    double steps[2] = {1e-4, 1e-4};
    CHECK_STATUS(gpuopt_derivative_set_steps(d, steps, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, out), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_derivative_set_steps(d, NULL, 0), GPUOPT_SUCCESS);
    /* A user step below the minimum step. */
    CHECK_STATUS(gpuopt_derivative_set_option(d, "step_size=1e-9"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "min_steps=1e-8"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, out), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "below its minimum");
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&empty);
    gpuopt_problem_destroy(&p);
}

/* f = sum x_j^2, NaN when x_0 > 0.5, and a callback error when x_1 > 2. */
static long calls;
static int partial(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    ++calls;
    if (x[1] > 2.0)
        return 1;
    double s = 0;
    for (size_t j = 0; j < dim; ++j)
        s += x[j] * x[j];
    *out = x[0] > 0.5 ? NAN : s;
    return 0;
}

static void test_nonfinite_and_callback(gpuopt_context *ctx)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, partial, NULL, 0),
        GPUOPT_SUCCESS);
    gpuopt_derivative *d = make_d(ctx);
    double x[2] = {0.5, 1.0}, g[2];
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, g), GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "returned nan at x with x[0] +");
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "error_handling=continue");
    CHECK(gpuopt_derivative_n_evaluations(d) == 5);
    CHECK_STATUS(gpuopt_derivative_set_option(d, "error_handling=continue"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, g), GPUOPT_SUCCESS);
    CHECK_MSG(fabs(g[0] - 1.0) < 1e-5 && fabs(g[1] - 2.0) < 1e-8, "continue: %g %g", g[0], g[1]);
    double inside[2] = {0.6, 1.0};
    CHECK_STATUS(gpuopt_derivative_set_option(d, "error_handling=raise"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_hessian(d, p, inside, g), GPUOPT_ERR_NONFINITE_CRITERION);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "at x itself");
    double near_error[2] = {0.0, 2.0};
    CHECK_STATUS(gpuopt_derivative_gradient(d, p, near_error, g), GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "callback returned an error");
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
}

static void test_too_large(gpuopt_context *ctx)
{
    const size_t dim = 200000;
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", dim), GPUOPT_SUCCESS);
    double *x = calloc(dim, sizeof *x), *h = malloc(sizeof *h);
    gpuopt_derivative *d = make_d(ctx);
    CHECK_STATUS(gpuopt_derivative_hessian(d, p, x, h), GPUOPT_ERR_OUT_OF_MEMORY);
    char want[128]; /* rows: x, 4 single points per coordinate, 4 per pair */
    snprintf(want, sizeof want, "Hessian stencil at dimension 200000 has %zu points of 200000 "
             "coordinates", 1 + 4 * dim + 2 * dim * (dim - 1));
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), want);
    CHECK_CONTAINS(gpuopt_derivative_errmsg(d), "GB");
    CHECK(gpuopt_derivative_n_evaluations(d) == 0);
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
    free(x);
    free(h);
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(2);
    size_t rows = 0;
    char msg[256];
    CHECK_STATUS(gpuopt_fd_stencil_rows(&spec, SIZE_MAX / 4, &rows, msg, sizeof msg),
                 GPUOPT_ERR_OUT_OF_MEMORY);
    const char *text = msg;
    CHECK_CONTAINS(text, "more points than this machine can address");
}

static int count_calls(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    ++calls;
    *out = 0;
    for (size_t j = 0; j < dim; ++j)
        *out += sin(x[j]) * (double)(j + 1);
    return 0;
}

static void test_counts(gpuopt_context *ctx)
{
    static const struct {
        const char *method;
        int hessian, n_steps;
        size_t dim;
        long want;
    } cases[] = {{"central", 0, 1, 5, 11},       {"forward", 0, 1, 5, 6},
                 {"backward", 0, 1, 5, 6},       {"central", 0, 3, 5, 31},
                 {"central_cross", 1, 1, 3, 25}, {"central_average", 1, 1, 3, 19},
                 {"forward", 1, 1, 3, 10},       {"central_cross", 1, 2, 3, 49}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        gpuopt_problem *p = NULL;
        CHECK_STATUS(gpuopt_problem_create(&p, cases[c].dim), GPUOPT_SUCCESS);
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, count_calls, NULL, 0);
        gpuopt_derivative *d = make_d(ctx);
        char opt[64];
        snprintf(opt, sizeof opt, "n_steps=%d", cases[c].n_steps);
        CHECK_STATUS(gpuopt_derivative_set_string(d, "method", cases[c].method), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_derivative_set_option(d, opt), GPUOPT_SUCCESS);
        double x[5] = {0.1, 0.2, 0.3, 0.4, 0.5}, out[25];
        calls = 0;
        gpuopt_status st = cases[c].hessian ? gpuopt_derivative_hessian(d, p, x, out)
                                            : gpuopt_derivative_gradient(d, p, x, out);
        CHECK_STATUS(st, GPUOPT_SUCCESS);
        CHECK_MSG(calls == cases[c].want && gpuopt_derivative_n_evaluations(d) == cases[c].want,
                  "%s: %ld calls, %lld counted, want %ld", cases[c].method, calls,
                  (long long)gpuopt_derivative_n_evaluations(d), cases[c].want);
        CHECK(strcmp(gpuopt_derivative_method(d), cases[c].method) == 0);
        double f0 = 0;
        for (size_t j = 0; j < cases[c].dim; ++j)
            f0 += sin(x[j]) * (double)(j + 1);
        CHECK(gpuopt_derivative_value(d) == f0);
        gpuopt_derivative_destroy(&d);
        gpuopt_problem_destroy(&p);
    }
}

/* Repeated calls reuse the workspace's buffers; a larger problem grows them. */
static void test_workspace_reuse(gpuopt_context *ctx)
{
    gpuopt_backend *b = NULL;
    CHECK_STATUS(gpuopt_backend_open(&b, &gpuopt_backend_cpu, 1), GPUOPT_SUCCESS);
    (void)ctx;
    gpuopt_fd_workspace ws;
    gpuopt_fd_workspace_init(&ws, b);
    gpuopt_eval_target t = {.dim = 4, .kind = GPUOPT_CRITERION_SCALAR, .n_outputs = 1,
                            .builtin_id = GPUOPT_BUILTIN_ROSENBROCK};
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(1);
    double x[6] = {0.1, -0.3, 1.2, 0.8, 0.5, 0.25}, g[6];
    char msg[512];
    gpuopt_fd_output res = {g, NULL, 0, 0};
    CHECK_STATUS(gpuopt_fd_compute(&ws, &t, &spec, 0, x, NULL, NULL, &res, msg, sizeof msg),
                 GPUOPT_SUCCESS);
    gpuopt_dptr points = ws.points;
    size_t cap = ws.points_cap;
    for (int k = 0; k < 3; ++k) {
        x[0] += 0.1;
        CHECK_STATUS(gpuopt_fd_compute(&ws, &t, &spec, 0, x, NULL, NULL, &res, msg, sizeof msg),
                     GPUOPT_SUCCESS);
    }
    CHECK(ws.points == points && ws.points_cap == cap);
    t.dim = 6;
    CHECK_STATUS(gpuopt_fd_compute(&ws, &t, &spec, 0, x, NULL, NULL, &res, msg, sizeof msg),
                 GPUOPT_SUCCESS);
    CHECK(ws.points_cap > cap);
    gpuopt_fd_workspace_free(&ws);
    gpuopt_backend_close(&b);
}

/* A backend without fd ops gets the host fallbacks: the same bits as the CPU ops. */
static void test_fallback_matches(void)
{
    gpuopt_backend_ops bare = gpuopt_backend_cpu;
    bare.fd_points = NULL;
    bare.fd_combine = NULL;
    gpuopt_backend *b[2] = {NULL, NULL};
    CHECK_STATUS(gpuopt_backend_open(&b[0], &gpuopt_backend_cpu, 4), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_backend_open(&b[1], &bare, 1), GPUOPT_SUCCESS);
    double x[6] = {0.1, -0.3, 1.2, 0.8, -2.5, 0.25}, lower[6], upper[6];
    for (int j = 0; j < 6; ++j) {
        lower[j] = -2.5;
        upper[j] = 1.2;
    }
    double out[2][36];
    for (int order = 1; order <= 2; ++order)
        for (int method = 1; method <= 5; ++method) {
            gpuopt_fd_spec spec = gpuopt_fd_default_spec(order);
            if (!gpuopt_fd_method_fits(method, order))
                continue;
            spec.method = method;
            spec.n_steps = 3;
            for (int k = 0; k < 2; ++k) {
                gpuopt_fd_workspace ws;
                gpuopt_fd_workspace_init(&ws, b[k]);
                gpuopt_eval_target t = {.dim = 6, .kind = GPUOPT_CRITERION_SCALAR,
                                        .n_outputs = 1, .builtin_id = GPUOPT_BUILTIN_LEVY};
                gpuopt_fd_output res = {out[k], NULL, 0, 0};
                char msg[512];
                CHECK_STATUS(gpuopt_fd_compute(&ws, &t, &spec, 0, x, lower, upper, &res, msg,
                                               sizeof msg),
                             GPUOPT_SUCCESS);
                gpuopt_fd_workspace_free(&ws);
            }
            CHECK_MSG(memcmp(out[0], out[1], (order == 2 ? 36 : 6) * sizeof(double)) == 0,
                      "fallback differs: order %d, %s", order, gpuopt_fd_method_name(method));
        }
    gpuopt_backend_close(&b[0]);
    gpuopt_backend_close(&b[1]);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "cpu") != GPUOPT_SUCCESS)
        return 1;
    test_options(ctx);
    test_call_errors(ctx);
    test_nonfinite_and_callback(ctx);
    test_too_large(ctx);
    test_counts(ctx);
    test_workspace_reuse(ctx);
    test_fallback_matches();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
