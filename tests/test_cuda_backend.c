/* The CUDA backend itself: discovery and description, device out-of-memory (a status naming
 * the sizes, nothing leaked), kernel launch failures (the CUDA error by name), argsort with NaN
 * keys, and the optional ops the generic conformance test does not cover, against the CPU
 * backend: fill_normal, dsyevd (cuSOLVER), dgemm's shape errors, fd_points and fd_combine.
 *
 * Without a CUDA device (no driver, or no GPU) it checks the errors instead: no device counted
 * and why, a clear error for --backend cuda, `auto` not picking cuda; then it exits 77, which
 * CTest reports as skipped (a failed check there still fails the test). */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"
#include "src/core.h"
#include "src/derivatives/fd.h"
#ifdef GPUOPT_HAVE_CUDA
#include "host/cuda/cuda_backend.h"
#endif

/* No device: clear errors for `cuda`, and `auto` takes another backend. */
static void check_without_device(const char *why)
{
    CHECK_MSG(!strncmp(why, "no CUDA device", 14) || strstr(why, "none usable"),
              "why: \"%s\"", why);
    gpuopt_backend_info bi;
    int seen = 0;
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        CHECK_STATUS(gpuopt_backend_info_at(i, &bi), GPUOPT_SUCCESS);
        if (strcmp(bi.name, "cuda"))
            continue;
        seen = 1;
        CHECK(bi.compiled_in && bi.n_devices == 0);
        CHECK_MSG(!strcmp(bi.note, why), "note \"%s\" vs why \"%s\"", bi.note, why);
    }
    CHECK(seen);
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cuda"), GPUOPT_ERR_BACKEND_UNAVAILABLE);
    CHECK(ctx == NULL);
    CHECK_CONTAINS(gpuopt_last_error(), "backend 'cuda' has no usable device");
    CHECK_CONTAINS(gpuopt_last_error(), why);
    CHECK_STATUS(gpuopt_context_create(&ctx, "auto"), GPUOPT_SUCCESS);
    CHECK(ctx && strcmp(gpuopt_context_backend(ctx), "cuda") != 0);
    gpuopt_context_destroy(&ctx);
    gpuopt_device_description d;
    CHECK_STATUS(gpuopt_backend_device("cuda", 0, &d), GPUOPT_ERR_INVALID_ARGUMENT);
}

#ifdef GPUOPT_HAVE_CUDA

static gpuopt_backend *ref; /* the CPU backend */

static gpuopt_dptr put(gpuopt_backend *b, const void *src, size_t bytes)
{
    gpuopt_dptr p = NULL;
    CHECK_STATUS(b->ops->alloc(b, bytes, &p), GPUOPT_SUCCESS);
    if (p && src && bytes)
        CHECK_STATUS(b->ops->write(b, p, 0, src, bytes), GPUOPT_SUCCESS);
    return p;
}

static void get(gpuopt_backend *b, void *dst, gpuopt_dptr p, size_t bytes)
{
    CHECK_STATUS(b->ops->read(b, dst, p, 0, bytes), GPUOPT_SUCCESS);
}

static void fill(double *x, size_t n, double lo, double hi, uint64_t stream)
{
    for (size_t i = 0; i < n; ++i)
        x[i] = lo + (hi - lo) * gpuopt_philox_uniform(31, stream, i);
}

static void test_discovery(void)
{
    const gpuopt_backend_ops *ops = &gpuopt_backend_cuda;
    char why[256];
    int n = ops->device_count(0, why, sizeof why);
    CHECK(n >= 1 && ops->device_count(1, why, sizeof why) == n && why[0] == '\0');
    gpuopt_device_info info;
    CHECK_STATUS(ops->device_info(0, &info), GPUOPT_SUCCESS);
    CHECK(info.name[0] != '\0' && !strcmp(info.vendor, "NVIDIA"));
    CHECK(info.memory_bytes > 0 && info.compute_units >= 1 && info.double_support == 1);
    CHECK_STATUS(ops->device_info(n, &info), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ops->device_info(-1, &info), GPUOPT_ERR_INVALID_ARGUMENT);
    gpuopt_backend_info bi;
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        CHECK_STATUS(gpuopt_backend_info_at(i, &bi), GPUOPT_SUCCESS);
        if (!strcmp(bi.name, "cuda"))
            CHECK(bi.compiled_in && bi.n_devices == n);
    }
    gpuopt_device_description d;
    CHECK_STATUS(gpuopt_backend_device("cuda", 0, &d), GPUOPT_SUCCESS);
    CHECK(!strcmp(d.name, info.name) && d.double_support);
    CHECK(ops->is_gpu && ops->kind == GPUOPT_BACKEND_CUDA);
    gpuopt_context *ctx = NULL; /* auto prefers a GPU backend; cuda comes first */
    CHECK_STATUS(gpuopt_context_create(&ctx, "auto"), GPUOPT_SUCCESS);
    CHECK(ctx && !strcmp(gpuopt_context_backend(ctx), "cuda"));
    CHECK_CONTAINS(gpuopt_context_message(ctx), "auto: using cuda");
    gpuopt_context_destroy(&ctx);
}

static void test_out_of_memory(gpuopt_backend *b)
{
    size_t live = gpuopt_cuda_live_buffers(b), used = 0, total = 0;
    gpuopt_dptr p = (gpuopt_dptr)&p;
    CHECK_STATUS(b->ops->alloc(b, (size_t)1 << 60, &p), GPUOPT_ERR_OUT_OF_MEMORY);
    CHECK(p == NULL);
    CHECK_CONTAINS(b->error, "cannot allocate 1152921504606846976 bytes");
    CHECK_CONTAINS(b->error, "device memory");
    /* no larger than the device, but more than is free: cudaMalloc itself refuses */
    CHECK_STATUS(gpuopt_cuda_memory(b, &used, &total), GPUOPT_SUCCESS);
    CHECK(used > 0 && total > used);
    p = (gpuopt_dptr)&p;
    CHECK_STATUS(b->ops->alloc(b, total - used / 2, &p), GPUOPT_ERR_OUT_OF_MEMORY);
    CHECK(p == NULL);
    CHECK_CONTAINS(b->error, "cudaMalloc: cudaErrorMemoryAllocation");
    CHECK_CONTAINS(b->error, "free)");
    CHECK(gpuopt_cuda_live_buffers(b) == live);
    double u[3] = {0, 0, 0}; /* the device still works, the error is not reported again */
    p = put(b, NULL, sizeof u);
    CHECK_STATUS(b->ops->fill_uniform(b, p, 3, 1, 2, 3), GPUOPT_SUCCESS);
    get(b, u, p, sizeof u);
    CHECK(u[2] == gpuopt_philox_uniform(1, 2, 5));
    b->ops->release(b, p);
    CHECK(gpuopt_cuda_live_buffers(b) == live);
}

/* A population that cannot fit: the run stops naming the buffer's size and the device's
 * memory, frees what it had allocated, and the optimizer runs a feasible problem afterwards. */
static void test_population_too_large(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cuda"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 1000), GPUOPT_SUCCESS);
    const char *algs[] = {"de", "pso"};
    for (int a = 0; a < 2 && ctx && p; ++a) {
        size_t live = gpuopt_cuda_live_buffers(ctx->backend);
        CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algs[a]), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=400000000"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_OUT_OF_MEMORY);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "3200000000000 bytes");
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "device memory");
        CHECK_MSG(gpuopt_cuda_live_buffers(ctx->backend) == live,
                  "%s: %zu buffers live after the failed run, %zu before", algs[a],
                  gpuopt_cuda_live_buffers(ctx->backend), live);
        gpuopt_result_destroy(&r);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=20"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_iterations=5"), GPUOPT_SUCCESS);
        CHECK_MSG(gpuopt_minimize(o, p, &r) > 0, "%s: %s", algs[a], gpuopt_optimizer_errmsg(o));
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&o);
        CHECK(gpuopt_cuda_live_buffers(ctx->backend) == live);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* A launch the device refuses comes back as the CUDA error by name, with the kernel's name. */
static void test_launch_failure(gpuopt_backend *b)
{
    gpuopt_dptr out = put(b, NULL, 4096 * sizeof(double));
    CHECK_STATUS(gpuopt_cuda_fill_uniform_blocks(b, out, 4096, 4096), GPUOPT_ERR_BACKEND);
    CHECK_CONTAINS(b->error, "kernel launch(fill_uniform): cudaErrorInvalidConfiguration");
    CHECK_STATUS(gpuopt_cuda_fill_uniform_blocks(b, out, 4096, 256), GPUOPT_SUCCESS);
    double u[2];
    CHECK_STATUS(b->ops->read(b, u, out, 4094 * sizeof(double), sizeof u), GPUOPT_SUCCESS);
    CHECK(u[1] == gpuopt_philox_uniform(1, 2, 4095));
    CHECK_STATUS(b->ops->fill_uniform(b, out, (size_t)1 << 62, 1, 2, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT); /* more threads than one grid holds */
    CHECK_CONTAINS(b->error, "too many");
    b->ops->release(b, out);
}

/* NaN keys (where the CPU's merge sort has no defined order) sort last, ties by index. */
static void test_argsort_nan(gpuopt_backend *b)
{
    const double f[7] = {3, NAN, -1, 3, NAN, -INFINITY, 0};
    const uint32_t want[7] = {5, 2, 6, 0, 3, 1, 4};
    uint32_t got[7];
    gpuopt_dptr fd = put(b, f, sizeof f), idx = put(b, NULL, sizeof got);
    CHECK_STATUS(b->ops->argsort(b, fd, 7, idx), GPUOPT_SUCCESS);
    get(b, got, idx, sizeof got);
    CHECK(!memcmp(got, want, sizeof want));
    b->ops->release(b, fd);
    b->ops->release(b, idx);
}

/* Standard normals: the same Box-Muller pairs as the CPU; log/cos/sin may differ in the last
 * bit between CUDA's libdevice and glibc, so values agree to 1e-13 and most are bitwise equal. */
static void test_fill_normal(gpuopt_backend *b)
{
    enum { ROWS = 301, COLS = 7 };
    static double mine[ROWS * COLS], theirs[ROWS * COLS];
    gpuopt_dptr p = put(b, NULL, sizeof mine), q = put(ref, NULL, sizeof theirs);
    CHECK_STATUS(b->ops->fill_normal(b, p, ROWS, COLS, 5, 9), GPUOPT_SUCCESS);
    CHECK_STATUS(ref->ops->fill_normal(ref, q, ROWS, COLS, 5, 9), GPUOPT_SUCCESS);
    get(b, mine, p, sizeof mine);
    get(ref, theirs, q, sizeof theirs);
    size_t exact = 0, close = 0;
    for (size_t i = 0; i < ROWS * COLS; ++i) {
        exact += !memcmp(&mine[i], &theirs[i], sizeof mine[i]);
        close += fabs(mine[i] - theirs[i]) <= 1e-13 * (1 + fabs(theirs[i]));
    }
    CHECK_MSG(close == ROWS * COLS, "fill_normal: %zu of %d within 1e-13 of the cpu", close,
              ROWS * COLS);
    printf("fill_normal: %zu of %d values bitwise equal to the cpu\n", exact, ROWS * COLS);
    CHECK(mine[3 * COLS + 4] == mine[3 * COLS + 4] &&
          fabs(mine[3 * COLS + 4] - gpuopt_philox_normal(5, 9, ((uint64_t)3 << 32) | 4)) < 1e-13);
    b->ops->release(b, p);
    ref->ops->release(ref, q);
}

/* A symmetric matrix with known spectrum: eigenvalues ascending as on the CPU, eigenvectors
 * as columns (A v_j = w_j v_j, orthonormal); a non-finite entry is refused, naming it. */
static void test_dsyevd(gpuopt_backend *b)
{
    enum { N = 24 };
    static double A[N * N], V[N * N], w[N], w_ref[N], A_ref[N * N];
    fill(A, N * N, -1, 1, 7);
    for (size_t i = 0; i < N; ++i)
        for (size_t j = 0; j < i; ++j)
            A[i * N + j] = A[j * N + i];
    memcpy(A_ref, A, sizeof A);
    gpuopt_dptr a = put(b, A, sizeof A), wd = put(b, NULL, sizeof w);
    CHECK_STATUS(b->ops->dsyevd(b, N, a, wd), GPUOPT_SUCCESS);
    get(b, V, a, sizeof V);
    get(b, w, wd, sizeof w);
    CHECK_STATUS(ref->ops->dsyevd(ref, N, A_ref, w_ref), GPUOPT_SUCCESS);
    double werr = 0, resid = 0, orth = 0;
    for (size_t j = 0; j < N; ++j) {
        werr = fmax(werr, fabs(w[j] - w_ref[j]));
        for (size_t i = 0; i < N; ++i) {
            double av = 0, dot = 0;
            for (size_t k = 0; k < N; ++k) {
                av += A[i * N + k] * V[k * N + j];
                dot += V[k * N + i] * V[k * N + j];
            }
            resid = fmax(resid, fabs(av - w[j] * V[i * N + j]));
            orth = fmax(orth, fabs(dot - (i == j)));
        }
    }
    CHECK_MSG(werr < 1e-12 && resid < 1e-12 && orth < 1e-12,
              "dsyevd: eigenvalues %g from the cpu's, residual %g, orthogonality %g", werr, resid,
              orth);
    for (size_t j = 1; j < N; ++j)
        CHECK(w[j - 1] <= w[j]);
    A[2 * N + 5] = NAN;
    CHECK_STATUS(b->ops->write(b, a, 0, A, sizeof A), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->dsyevd(b, N, a, wd), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "entry (2, 5)");
    b->ops->release(b, a);
    b->ops->release(b, wd);
}

/* cuBLAS gets the CPU's shape rules: a leading dimension below the row length is refused. */
static void test_dgemm_shapes(gpuopt_backend *b)
{
    gpuopt_dptr a = put(b, NULL, 64 * sizeof(double));
    CHECK_STATUS(b->ops->dgemm(b, 0, 0, 4, 4, 4, 1.0, a, 0, 1, a, 0, 4, 0.0, a, 0, 4),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "dgemm: bad shape");
    CHECK_STATUS(b->ops->dgemm(b, 0, 0, 0, 4, 4, 1.0, a, 0, 4, a, 0, 4, 0.0, a, 0, 4),
                 GPUOPT_SUCCESS);
    b->ops->release(b, a);
}

/* Stencil points and their combination, bit for bit as on the CPU, over both orders, every
 * method, one and three Richardson levels, and a point next to a bound (one-sided steps). */
static void fd_case(gpuopt_backend *b, int order, int method, int n_steps, int near_bound)
{
    enum { DIM = 4, M = 3 };
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(order);
    spec.method = method;
    spec.n_steps = n_steps;
    double x[DIM] = {0.3, -1.2, 2.0, 0.7}, lower[DIM], upper[DIM], steps[2 * 3 * DIM];
    for (size_t j = 0; j < DIM; ++j) {
        lower[j] = -5;
        upper[j] = near_bound && j == 2 ? 2.0 + 1e-9 : 5;
    }
    char msg[256];
    size_t rows = 0, m = order == 1 ? M : 1, out_n = (order == 1 ? M : DIM) * DIM;
    CHECK_STATUS(gpuopt_fd_stencil_rows(&spec, DIM, &rows, msg, sizeof msg), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_fd_make_steps(&spec, DIM, x, lower, upper, steps, msg, sizeof msg),
                 GPUOPT_SUCCESS);
    double *pts[2], *vals = malloc(rows * m * sizeof *vals);
    double outs[2][DIM * DIM]; /* >= M * DIM */
    gpuopt_backend *both[2] = {b, ref};
    for (int k = 0; k < 2; ++k) {
        struct gpuopt_fd_args a = {
            .order = order, .method = method, .n_steps = n_steps, .dim = DIM, .n_outputs = m,
            .n_rows = rows, .x = put(both[k], x, sizeof x),
            .steps = put(both[k], steps, 2 * (size_t)n_steps * DIM * sizeof(double)),
            .points = put(both[k], NULL, rows * DIM * sizeof(double)),
            .values = put(both[k], NULL, rows * m * sizeof(double)),
            .out = put(both[k], NULL, out_n * sizeof(double))};
        pts[k] = malloc(rows * DIM * sizeof(double));
        CHECK_STATUS(both[k]->ops->fd_points(both[k], &a), GPUOPT_SUCCESS);
        get(both[k], pts[k], a.points, rows * DIM * sizeof(double));
        for (size_t r = 0; r < rows; ++r) /* smooth outputs of the points, computed here */
            for (size_t i = 0; i < m; ++i) {
                const double *p = pts[k] + r * DIM;
                vals[r * m + i] = (double)(i + 1) * p[0] * p[1] * p[1] + exp(0.3 * p[2]) -
                                  p[3] * p[3] * p[3] + (double)i * p[0] * p[3];
            }
        CHECK_STATUS(both[k]->ops->write(both[k], a.values, 0, vals, rows * m * sizeof(double)),
                     GPUOPT_SUCCESS);
        CHECK_STATUS(both[k]->ops->fd_combine(both[k], &a), GPUOPT_SUCCESS);
        get(both[k], outs[k], a.out, out_n * sizeof(double));
        gpuopt_dptr all[] = {a.x, a.steps, a.points, a.values, a.out};
        for (size_t i = 0; i < 5; ++i)
            both[k]->ops->release(both[k], all[i]);
    }
    CHECK_MSG(!memcmp(pts[0], pts[1], rows * DIM * sizeof(double)) &&
                  !memcmp(outs[0], outs[1], out_n * sizeof(double)),
              "fd order %d method %d steps %d near bound %d differs from cpu", order, method,
              n_steps, near_bound);
    free(pts[0]);
    free(pts[1]);
    free(vals);
}

static void test_fd(gpuopt_backend *b)
{
    static const int first[] = {GPUOPT_FD_FORWARD, GPUOPT_FD_BACKWARD, GPUOPT_FD_CENTRAL};
    static const int second[] = {GPUOPT_FD_FORWARD, GPUOPT_FD_BACKWARD,
                                 GPUOPT_FD_CENTRAL_CROSS, GPUOPT_FD_CENTRAL_AVERAGE};
    for (int near = 0; near <= 1; ++near)
        for (int steps = 1; steps <= 3; steps += 2) {
            for (size_t k = 0; k < 3; ++k)
                fd_case(b, 1, first[k], steps, near);
            for (size_t k = 0; k < 4; ++k)
                fd_case(b, 2, second[k], steps, near);
        }
}

static int run_with_device(void)
{
    gpuopt_backend *b = NULL;
    test_discovery();
    CHECK_STATUS(gpuopt_backend_open(&ref, &gpuopt_backend_cpu, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_backend_open(&b, &gpuopt_backend_cuda, 2), GPUOPT_SUCCESS);
    if (b && b->impl && ref) {
        size_t live = gpuopt_cuda_live_buffers(b);
        CHECK(live == 2); /* the reduction buffers */
        CHECK_CONTAINS(b->device, "compute capability");
        test_out_of_memory(b);
        test_launch_failure(b);
        test_argsort_nan(b);
        test_fill_normal(b);
        test_dsyevd(b);
        test_dgemm_shapes(b);
        test_fd(b);
        CHECK_MSG(gpuopt_cuda_live_buffers(b) == live, "%zu buffers live, %zu at the start",
                  gpuopt_cuda_live_buffers(b), live);
    }
    gpuopt_backend_close(&b);
    gpuopt_backend_close(&ref);
    test_population_too_large();
    return check_finish();
}
#endif /* GPUOPT_HAVE_CUDA */

int main(void)
{
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find("cuda");
    if (!ops) {
        printf("skipped: the CUDA backend is not compiled into this build\n");
        return CHECK_SKIP_EXIT;
    }
    char why[256] = "";
    if (ops->device_count(0, why, sizeof why) <= 0) {
        check_without_device(why);
        printf("skipped: no CUDA device (%s); the no-device errors were checked\n", why);
        return check_finish() ? 1 : CHECK_SKIP_EXIT;
    }
#ifdef GPUOPT_HAVE_CUDA
    return run_with_device();
#else
    return CHECK_SKIP_EXIT;
#endif
}
