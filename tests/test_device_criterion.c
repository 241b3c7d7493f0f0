/* Device batch callbacks (gpuopt_problem_set_device_criterion) on the CPU backend, where the
 * "device" buffers are host pointers: the batch the callback gets, the same run as the
 * built-in sphere bit for bit, least-squares aggregation, host evaluation, errors and bad
 * input. The OpenCL side is tests/test_opencl_device_callback.c. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "gpuopt/user_criteria.h"

#define DIM 4

typedef struct seen {
    int calls, bad_batches;
    int fail;      /* return nonzero from the first call */
    size_t max_n;
} seen;

static int batch_ok(const gpuopt_device_batch *b, size_t n_outputs)
{
    return !strcmp(b->backend, "cpu") && b->X && b->out && b->queue == NULL &&
           b->context == NULL && b->device == NULL && b->dim == DIM &&
           b->n_outputs == n_outputs && b->n_points >= 1;
}

static int sphere_on_host(const gpuopt_device_batch *b, void *user)
{
    seen *s = user;
    s->calls++;
    s->bad_batches += !batch_ok(b, 1);
    s->max_n = b->n_points > s->max_n ? b->n_points : s->max_n;
    if (s->fail)
        return 1;
    const double *X = (const double *)((const char *)b->X + b->x_offset);
    double *out = (double *)((char *)b->out + b->out_offset);
    for (size_t i = 0; i < b->n_points; ++i) {
        double v = 0.0;
        for (size_t k = 0; k < b->dim; ++k)
            v += X[i * b->dim + k] * X[i * b->dim + k];
        out[i] = v;
    }
    return 0;
}

/* Residuals x_k - (k + 1): least squares with its minimum 0 at (1, 2, ..., dim). */
static int residuals_on_host(const gpuopt_device_batch *b, void *user)
{
    seen *s = user;
    s->calls++;
    s->bad_batches += !batch_ok(b, DIM);
    const double *X = (const double *)((const char *)b->X + b->x_offset);
    double *out = (double *)((char *)b->out + b->out_offset);
    for (size_t i = 0; i < b->n_points; ++i)
        for (size_t k = 0; k < b->dim; ++k)
            out[i * b->n_outputs + k] = X[i * b->dim + k] - (double)(k + 1);
    return 0;
}

static int residuals_batch(const double *X, size_t n, double *out, void *user)
{
    (void)user;
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < DIM; ++k)
            out[i * DIM + k] = X[i * DIM + k] - (double)(k + 1);
    return 0;
}

static void set_box(gpuopt_problem *p)
{
    double lo[DIM], hi[DIM], x0[DIM];
    for (int i = 0; i < DIM; ++i) {
        lo[i] = -5.0;
        hi[i] = 5.0;
        x0[i] = 2.5 - 0.5 * i;
    }
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
}

static gpuopt_status run(gpuopt_context *ctx, gpuopt_problem *p, const char *algorithm,
                         double *x, double *f)
{
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "seed", 11), GPUOPT_SUCCESS);
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    if (r && st > 0) {
        memcpy(x, gpuopt_result_x(r), DIM * sizeof *x);
        *f = gpuopt_result_fun(r);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    return st;
}

static void test_sphere(gpuopt_context *ctx)
{
    seen s = {0};
    gpuopt_problem *p = NULL, *ref = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&ref, "sphere", DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 1, sphere_on_host,
                                                     &s),
                 GPUOPT_SUCCESS);
    set_box(p);
    set_box(ref);
    double x[DIM], f = NAN, xr[DIM], fr = NAN;
    CHECK(run(ctx, p, "de", x, &f) > 0);
    CHECK(run(ctx, ref, "de", xr, &fr) > 0);
    CHECK(s.calls > 1 && s.bad_batches == 0 && s.max_n > 1);
    CHECK(!memcmp(x, xr, sizeof x) && !memcmp(&f, &fr, sizeof f));
    CHECK(f < 1e-6);

    /* host evaluation (no backend) calls it with host pointers too */
    double X[2 * DIM] = {1, 2, 3, 4, 0, 0, 0, 0.5}, v[2];
    CHECK_STATUS(gpuopt_problem_evaluate(p, X, 2, v), GPUOPT_SUCCESS);
    CHECK(v[0] == 30.0 && v[1] == 0.25);

    s.fail = 1;
    CHECK_STATUS(run(ctx, p, "de", x, &f), GPUOPT_ERR_CALLBACK);
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&ref);
}

static void test_least_squares(gpuopt_context *ctx)
{
    seen s = {0};
    gpuopt_problem *p = NULL, *ref = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create(&ref, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, DIM,
                                                     residuals_on_host, &s),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(ref, GPUOPT_CRITERION_LEAST_SQUARES, DIM,
                                                    residuals_batch, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK(gpuopt_problem_kind(p) == GPUOPT_CRITERION_LEAST_SQUARES &&
          gpuopt_problem_n_outputs(p) == DIM);
    set_box(p);
    set_box(ref);
    double x[DIM], f = NAN, xr[DIM], fr = NAN;
    CHECK(run(ctx, p, "pso", x, &f) > 0);
    CHECK(run(ctx, ref, "pso", xr, &fr) > 0);
    CHECK(s.calls > 1 && s.bad_batches == 0);
    CHECK(!memcmp(x, xr, sizeof x) && !memcmp(&f, &fr, sizeof f));
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&ref);
}

static void test_bad_input(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(NULL, GPUOPT_CRITERION_SCALAR, 1,
                                                     sphere_on_host, NULL),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 1, NULL, NULL),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_SCALAR, 2,
                                                     sphere_on_host, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, (gpuopt_criterion_kind)3, 1,
                                                     sphere_on_host, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_problem_set_device_criterion(p, GPUOPT_CRITERION_LIKELIHOOD, 0,
                                                     sphere_on_host, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    gpuopt_problem_destroy(&p);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_context_set_threads(ctx, 2), GPUOPT_SUCCESS);
    test_sphere(ctx);
    test_least_squares(ctx);
    test_bad_input();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
