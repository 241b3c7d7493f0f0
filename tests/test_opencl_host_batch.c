/* Host batch callbacks on the OpenCL backend: the population stays on the device and only
 * each batch crosses, its points to the host and its values back. Proven with the backend's
 * transfer counters (every clEnqueueRead/WriteBuffer of the instance): one evaluation moves
 * exactly the batch; a whole DE or PSO run with a host callback moves exactly the bytes of the
 * same run with the built-in kernel (the trajectories are bitwise equal) plus its batches.
 * Reported skipped (77) without OpenCL or without a device. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "src/core.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

#ifdef GPUOPT_HAVE_OPENCL

#define DIM 6

typedef struct traffic {
    cl_ulong to_host, to_device;
} traffic;

static traffic counters(gpuopt_context *ctx)
{
    ocl_impl *o = ocl_of(ctx->backend);
    return (traffic){o->bytes_to_host, o->bytes_to_device};
}

static int sphere_batch(const double *X, size_t n, double *out, void *user)
{
    size_t *points = user;
    *points += n;
    for (size_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (size_t k = 0; k < DIM; ++k)
            s += X[i * DIM + k] * X[i * DIM + k];
        out[i] = s;
    }
    return 0;
}

static int three_residuals(const double *X, size_t n, double *out, void *user)
{
    (void)user;
    for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < 3; ++k)
            out[i * 3 + k] = X[i * DIM + k] - 1.0;
    return 0;
}

/* One evaluate op: exactly n x dim doubles to the host, n x n_outputs doubles back. */
static void test_one_batch(gpuopt_context *ctx)
{
    gpuopt_backend *b = ctx->backend;
    const size_t n = 37;
    size_t points = 0;
    gpuopt_dptr X = NULL, raw = NULL, f = NULL;
    CHECK_STATUS(b->ops->alloc(b, n * DIM * sizeof(double), &X), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->alloc(b, n * 3 * sizeof(double), &raw), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->alloc(b, n * sizeof(double), &f), GPUOPT_SUCCESS);
    gpuopt_eval_target scalar = {.dim = DIM, .kind = GPUOPT_CRITERION_SCALAR, .n_outputs = 1,
                                 .builtin_id = -1, .batch_fn = sphere_batch, .user = &points};
    traffic t0 = counters(ctx);
    CHECK_STATUS(b->ops->evaluate(b, &scalar, X, n, f, f), GPUOPT_SUCCESS);
    traffic t1 = counters(ctx);
    CHECK(points == n);
    CHECK(t1.to_host - t0.to_host == n * DIM * sizeof(double));
    CHECK(t1.to_device - t0.to_device == n * sizeof(double));

    gpuopt_eval_target ls = {.dim = DIM, .kind = GPUOPT_CRITERION_LEAST_SQUARES, .n_outputs = 3,
                             .builtin_id = -1, .batch_fn = three_residuals};
    CHECK_STATUS(b->ops->evaluate(b, &ls, X, n, raw, f), GPUOPT_SUCCESS);
    traffic t2 = counters(ctx);
    CHECK(t2.to_host - t1.to_host == n * DIM * sizeof(double));
    CHECK(t2.to_device - t1.to_device == n * 3 * sizeof(double));
    double first = -1;
    CHECK_STATUS(b->ops->read(b, &first, f, 0, sizeof first), GPUOPT_SUCCESS);
    CHECK(first == 3.0); /* X is zero-filled: three residuals of -1 */
    b->ops->release(b, X);
    b->ops->release(b, raw);
    b->ops->release(b, f);
}

typedef struct run_out {
    gpuopt_status status;
    double x[DIM], fun;
    int64_t evaluations;
    traffic moved;
} run_out;

static run_out run(gpuopt_context *ctx, gpuopt_problem *p, const char *algorithm)
{
    run_out r = {.status = GPUOPT_ERR_INTERNAL};
    gpuopt_optimizer *o = NULL;
    gpuopt_result *res = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "seed", 5), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "stopping.max_iterations", 60), GPUOPT_SUCCESS);
    traffic before = counters(ctx);
    r.status = gpuopt_minimize(o, p, &res);
    traffic after = counters(ctx);
    r.moved = (traffic){after.to_host - before.to_host, after.to_device - before.to_device};
    if (res && r.status > 0) {
        memcpy(r.x, gpuopt_result_x(res), sizeof r.x);
        r.fun = gpuopt_result_fun(res);
        r.evaluations = gpuopt_result_n_evaluations(res);
    }
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    return r;
}

/* The same run with the built-in kernel and with a host callback: the callback run moves the
 * built-in run's bytes plus exactly its batches (points out, values back), nothing else. */
static void test_run(gpuopt_context *ctx, const char *algorithm)
{
    gpuopt_problem *builtin = NULL, *callback = NULL;
    size_t points = 0;
    CHECK_STATUS(gpuopt_problem_create_builtin(&builtin, "sphere", DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&callback, "sphere", DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(callback, GPUOPT_CRITERION_SCALAR, 1,
                                                    sphere_batch, &points, 0),
                 GPUOPT_SUCCESS);
    run_out a = run(ctx, builtin, algorithm), b = run(ctx, callback, algorithm);
    CHECK_MSG(a.status > 0 && b.status == a.status, "%s: %s / %s", algorithm,
              gpuopt_status_name(a.status), gpuopt_status_name(b.status));
    CHECK(!memcmp(a.x, b.x, sizeof a.x) && a.fun == b.fun && a.evaluations == b.evaluations);
    CHECK(points == (size_t)b.evaluations && b.evaluations > 0);
    cl_ulong batches_out = (cl_ulong)b.evaluations * DIM * sizeof(double);
    cl_ulong values_back = (cl_ulong)b.evaluations * sizeof(double);
    CHECK_MSG(b.moved.to_host == a.moved.to_host + batches_out,
              "%s: to host %llu with the callback, %llu built-in, batches %llu", algorithm,
              (unsigned long long)b.moved.to_host, (unsigned long long)a.moved.to_host,
              (unsigned long long)batches_out);
    CHECK_MSG(b.moved.to_device == a.moved.to_device + values_back,
              "%s: to device %llu with the callback, %llu built-in, values %llu", algorithm,
              (unsigned long long)b.moved.to_device, (unsigned long long)a.moved.to_device,
              (unsigned long long)values_back);
    printf("%s, %lld evaluations: built-in run %llu bytes to host, %llu to device; host "
           "callback %llu and %llu\n",
           algorithm, (long long)b.evaluations, (unsigned long long)a.moved.to_host,
           (unsigned long long)a.moved.to_device, (unsigned long long)b.moved.to_host,
           (unsigned long long)b.moved.to_device);
    gpuopt_problem_destroy(&builtin);
    gpuopt_problem_destroy(&callback);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, "opencl") != GPUOPT_SUCCESS) {
        printf("skipped: %s\n", gpuopt_last_error());
        gpuopt_context_destroy(&ctx);
        return CHECK_SKIP_EXIT;
    }
    test_one_batch(ctx);
    test_run(ctx, "de");
    test_run(ctx, "pso");
    gpuopt_context_destroy(&ctx);
    return check_finish();
}

#else

int main(void)
{
    printf("skipped: the OpenCL backend is not compiled in\n");
    return CHECK_SKIP_EXIT;
}

#endif
