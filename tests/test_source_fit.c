/* Multi-output source criteria and curve-fit models given as source: a residual source gives
 * the same outputs and values as a host callback on cpu and OpenCL; Misra1a's model as source
 * fits on cpu and OpenCL as the host-callback fit (1e-10 relative) and as NIST certifies (6
 * digits); a compile error in a model source names the user's line; data beyond OpenCL's
 * constant memory get a clear error; bad input is refused. With CUDA: NVRTC compiles a residual
 * source and a generated model source (no device needed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "gpuopt/user_criteria.h"
#include "host/backend.h"
#include "src/core.h"
#include "src/fit/model_source.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif
#ifdef GPUOPT_HAVE_CUDA
#include "host/cuda/cuda_source.h"
#endif

#define DIM 3
#define N_OUT 7
#define N_POINTS 5

/* r_k = x_{k mod dim} * (k + 1) - sin(k) + exp(-x_0 * 0.1 * k): math, every output distinct. */
static const char RESIDUAL[] = "double residual(GPUOPT_GLOBAL const double *x, int dim, int k)\n"
                               "{\n"
                               "    double t = x[k % dim] * (double)(k + 1) - sin((double)k);\n"
                               "    return t + exp(-x[0] * 0.1 * (double)k);\n"
                               "}\n";

static int residual_host(const double *X, size_t n, double *out, void *user)
{
    (void)user;
    for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < N_OUT; ++k) {
            const double *x = X + i * DIM;
            double t = x[k % DIM] * (double)(k + 1) - sin((double)k);
            out[i * N_OUT + k] = t + exp(-x[0] * 0.1 * (double)k);
        }
    return 0;
}

static const char MISRA1A[] = "/* Misra1a */\n"
                              "double model(GPUOPT_GLOBAL const double *b, int n, double x)\n"
                              "{\n"
                              "    return b[0] * (1.0 - exp(-b[1] * x));\n"
                              "}\n";

/* Line 3 holds the error, and only line 3. */
static const char BAD_MODEL[] = "double model(GPUOPT_GLOBAL const double *b, int n, double x)\n"
                                "{\n"
                                "    return b[0] * (1.0 - exp(-b[1] * ));\n"
                                "}\n";

/* ------------------------------------------------------------------ residual source */

/* Evaluates N_POINTS points on ctx's backend: raw outputs and aggregated values. */
static gpuopt_status eval_on(gpuopt_context *ctx, gpuopt_problem *p, const double *X,
                             double *raw, double *f)
{
    gpuopt_backend *b = ctx->backend;
    gpuopt_dptr dX = NULL, draw = NULL, df = NULL;
    gpuopt_status st = b->ops->alloc(b, sizeof(double) * N_POINTS * DIM, &dX);
    if (!st)
        st = b->ops->alloc(b, sizeof(double) * N_POINTS * N_OUT, &draw);
    if (!st)
        st = b->ops->alloc(b, sizeof(double) * N_POINTS, &df);
    if (!st)
        st = b->ops->write(b, dX, 0, X, sizeof(double) * N_POINTS * DIM);
    if (!st)
        st = b->ops->evaluate(b, &p->target, dX, N_POINTS, draw, df);
    if (!st)
        st = b->ops->read(b, raw, draw, 0, sizeof(double) * N_POINTS * N_OUT);
    if (!st)
        st = b->ops->read(b, f, df, 0, sizeof(double) * N_POINTS);
    if (st)
        fprintf(stderr, "evaluate on %s: %s\n", b->ops->name, b->error);
    b->ops->release(b, dX);
    b->ops->release(b, draw);
    b->ops->release(b, df);
    return st;
}

static void test_residual_source(gpuopt_context *ctx, gpuopt_criterion_kind kind)
{
    double X[N_POINTS * DIM];
    for (int i = 0; i < N_POINTS * DIM; ++i)
        X[i] = 0.3 * i - 1.7 + 0.01 * i * i;
    gpuopt_problem *src = NULL, *host = NULL;
    CHECK_STATUS(gpuopt_problem_create(&src, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create(&host, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_source_outputs(src, kind, N_OUT, RESIDUAL, "residual.c"),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_batch_criterion(host, kind, N_OUT, residual_host, NULL, 1),
                 GPUOPT_SUCCESS);
    double raw_s[N_POINTS * N_OUT], raw_h[N_POINTS * N_OUT], f_s[N_POINTS], f_h[N_POINTS];
    if (eval_on(ctx, src, X, raw_s, f_s) == GPUOPT_SUCCESS &&
        eval_on(ctx, host, X, raw_h, f_h) == GPUOPT_SUCCESS) {
        for (int i = 0; i < N_POINTS * N_OUT; ++i)
            CHECK_MSG(fabs(raw_s[i] - raw_h[i]) <= 1e-15 * fmax(1.0, fabs(raw_h[i])),
                      "%s kind %d output %d: source %.17g, host %.17g",
                      ctx->backend->ops->name, (int)kind, i, raw_s[i], raw_h[i]);
        for (int i = 0; i < N_POINTS; ++i)
            CHECK_MSG(fabs(f_s[i] - f_h[i]) <= 1e-14 * fmax(1.0, fabs(f_h[i])),
                      "%s kind %d value %d: source %.17g, host %.17g", ctx->backend->ops->name,
                      (int)kind, i, f_s[i], f_h[i]);
    } else {
        CHECK(0);
    }
    gpuopt_problem_destroy(&src);
    gpuopt_problem_destroy(&host);
}

static void test_residual_compile_error(gpuopt_context *ctx)
{
    static const char bad[] = "double residual(GPUOPT_GLOBAL const double *x, int dim, int k)\n"
                              "{\n"
                              "    return x[0] + ;\n"
                              "}\n";
    gpuopt_problem *p = NULL;
    char log[8192];
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_source_outputs(p, GPUOPT_CRITERION_LEAST_SQUARES, N_OUT, bad,
                                                   "bad_residual.c"),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, log, sizeof log),
                 GPUOPT_ERR_SOURCE_COMPILE);
    const char *text = log;
    CHECK_CONTAINS(text, "bad_residual.c:3:");
    gpuopt_problem_destroy(&p);
}

static void test_residual_bad_input(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_source_outputs(p, GPUOPT_CRITERION_SCALAR, 1, RESIDUAL, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "least squares");
    CHECK_STATUS(gpuopt_problem_set_source_outputs(p, GPUOPT_CRITERION_LEAST_SQUARES, 0,
                                                   RESIDUAL, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "n_outputs");
    CHECK_STATUS(gpuopt_problem_set_source_outputs(p, GPUOPT_CRITERION_LEAST_SQUARES, 3, NULL,
                                                   NULL),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_source_outputs(NULL, GPUOPT_CRITERION_LEAST_SQUARES, 3,
                                                   RESIDUAL, NULL),
                 GPUOPT_ERR_NULL_POINTER);
    gpuopt_problem_destroy(&p);
}

/* ------------------------------------------------------------------ model source */

static gpuopt_nist_dataset *misra1a_data(void)
{
    char path[1024];
    const char *file = __FILE__, *slash = strrchr(file, '/');
    snprintf(path, sizeof path, "%.*sdata/nist/Misra1a.dat", slash ? (int)(slash - file + 1) : 0,
             file);
    gpuopt_nist_dataset *ds = NULL;
    CHECK_STATUS(gpuopt_nist_read(&ds, path), GPUOPT_SUCCESS);
    return ds;
}

static double lre(double got, double want)
{
    double rel = fabs(got - want) / fabs(want);
    return rel == 0.0 ? 16.0 : -log10(rel);
}

/* Tolerances at which the solver reaches the minimum itself: with the defaults (ftol 2e-9) it
 * stops wherever the cost stalls, which differs by 1e-9 relative between OpenCL's exp and the
 * C library's (both within NIST's 6 digits). */
static const char *const tight[] = {"convergence.relative_criterion_tolerance=1e-15",
                                    "convergence.relative_params_tolerance=1e-15",
                                    "convergence.relative_gradient_tolerance=1e-15",
                                    "numdiff.method=central", NULL};

static void test_model_source(gpuopt_context *ctx, const gpuopt_nist_dataset *ds)
{
    const gpuopt_fit_settings settings = {.solver_options = tight};
    gpuopt_fit_data data = {.x = gpuopt_nist_x(ds), .n_data = gpuopt_nist_n_data(ds),
                            .x_dim = 1, .y = gpuopt_nist_y(ds), .n_y = gpuopt_nist_n_data(ds)};
    gpuopt_fit_model host, source;
    CHECK_STATUS(gpuopt_fit_model_builtin(&host, "misra1a", 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_fit_model_source(&source, MISRA1A, "misra1a.c", 2), GPUOPT_SUCCESS);
    for (int start = 1; start <= 2; ++start) {
        gpuopt_fit_result *rh = NULL, *rs = NULL;
        const double *p0 = gpuopt_nist_start(ds, start);
        CHECK(gpuopt_curve_fit(&rh, ctx, &host, &data, p0, &settings) > 0);
        gpuopt_status st = gpuopt_curve_fit(&rs, ctx, &source, &data, p0, &settings);
        CHECK_MSG(st > 0, "%s start %d: %s: %s", ctx->backend->ops->name, start,
                  gpuopt_status_name(st), gpuopt_last_error());
        if (!rh || !rs) {
            gpuopt_fit_result_destroy(&rh);
            gpuopt_fit_result_destroy(&rs);
            continue;
        }
        const double *ph = gpuopt_fit_result_params(rh), *ps = gpuopt_fit_result_params(rs);
        const double *cert = gpuopt_nist_certified_params(ds);
        const double *sd = gpuopt_fit_result_stderr(rs);
        printf("%s start %d: source vs host fit, relative differences %.1e %.1e\n",
               ctx->backend->ops->name, start, fabs(ps[0] - ph[0]) / fabs(ph[0]),
               fabs(ps[1] - ph[1]) / fabs(ph[1]));
        for (int i = 0; i < 2; ++i) {
            CHECK_MSG(fabs(ps[i] - ph[i]) <= 1e-10 * fabs(ph[i]),
                      "%s start %d b%d: source %.17g, host %.17g", ctx->backend->ops->name,
                      start, i + 1, ps[i], ph[i]);
            CHECK_MSG(lre(ps[i], cert[i]) >= 6.0, "b%d = %.10e, certified %.10e", i + 1, ps[i],
                      cert[i]);
            CHECK_MSG(lre(sd[i], gpuopt_nist_certified_stderr(ds)[i]) >= 6.0,
                      "sd(b%d) = %.10e", i + 1, sd[i]);
        }
        CHECK(lre(gpuopt_fit_result_ssr(rs), gpuopt_nist_certified_ssr(ds)) >= 6.0);
        CHECK(gpuopt_fit_result_covariance_status(rs) == GPUOPT_COVARIANCE_OK);
        gpuopt_fit_result_destroy(&rh);
        gpuopt_fit_result_destroy(&rs);
    }
}

static void test_model_compile_error(gpuopt_context *ctx, const gpuopt_nist_dataset *ds)
{
    gpuopt_fit_data data = {.x = gpuopt_nist_x(ds), .n_data = gpuopt_nist_n_data(ds),
                            .x_dim = 1, .y = gpuopt_nist_y(ds), .n_y = gpuopt_nist_n_data(ds)};
    gpuopt_fit_model m;
    CHECK_STATUS(gpuopt_fit_model_source(&m, BAD_MODEL, "bad_model.c", 2), GPUOPT_SUCCESS);
    gpuopt_fit_result *r = NULL;
    CHECK_STATUS(gpuopt_curve_fit(&r, ctx, &m, &data, gpuopt_nist_start(ds, 1), NULL),
                 GPUOPT_ERR_SOURCE_COMPILE);
    CHECK(r == NULL);
    CHECK_CONTAINS(gpuopt_last_error(), "bad_model.c:3:");
}

static void test_model_bad_input(gpuopt_context *ctx, const gpuopt_nist_dataset *ds)
{
    gpuopt_fit_model m;
    CHECK_STATUS(gpuopt_fit_model_source(&m, MISRA1A, NULL, 0), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_fit_model_source(&m, NULL, NULL, 2), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_fit_model_source(&m, MISRA1A, NULL, 2), GPUOPT_SUCCESS);
    gpuopt_fit_data data = {.x = gpuopt_nist_x(ds), .n_data = gpuopt_nist_n_data(ds) / 2,
                            .x_dim = 2, .y = gpuopt_nist_y(ds), .n_y = gpuopt_nist_n_data(ds) / 2};
    gpuopt_fit_result *r = NULL;
    CHECK_STATUS(gpuopt_curve_fit(&r, ctx, &m, &data, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "x_dim");
    gpuopt_fit_model both;
    CHECK_STATUS(gpuopt_fit_model_builtin(&both, "misra1a", 2), GPUOPT_SUCCESS);
    both.source = MISRA1A;
    data.x_dim = 1;
    CHECK_STATUS(gpuopt_curve_fit(&r, ctx, &both, &data, NULL, NULL), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "exactly one");
}

/* More points than the device's __constant memory holds (x, y, sigma: 24 bytes a point). */
static void test_constant_memory(gpuopt_context *ctx)
{
#ifdef GPUOPT_HAVE_OPENCL
    size_t limit = gpuopt_opencl_constant_limit(ctx->backend);
    CHECK(limit > 0);
    if (limit == 0 || limit > ((size_t)16 << 20)) {
        printf("constant memory of %llu bytes: the too-large-data check is not run\n",
               (unsigned long long)limit);
        return;
    }
    size_t n = (size_t)(limit / 24) + 1;
    double *x = malloc(3 * n * sizeof *x);
    if (!x) {
        CHECK(0);
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        x[i] = (double)i / (double)n;
        x[n + i] = 2.0 * (1.0 - exp(-0.5 * x[i]));
        x[2 * n + i] = 1.0;
    }
    gpuopt_fit_data data = {.x = x, .n_data = n, .x_dim = 1, .y = x + n, .n_y = n,
                            .sigma = x + 2 * n};
    gpuopt_fit_model m;
    CHECK_STATUS(gpuopt_fit_model_source(&m, MISRA1A, "big.c", 2), GPUOPT_SUCCESS);
    gpuopt_fit_result *r = NULL;
    CHECK_STATUS(gpuopt_curve_fit(&r, ctx, &m, &data, NULL, NULL), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_last_error(), "CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE");
    char bytes[64];
    snprintf(bytes, sizeof bytes, "%zu bytes", 24 * n);
    CHECK_CONTAINS(gpuopt_last_error(), bytes);
    free(x);
#else
    (void)ctx;
#endif
}

/* NVRTC alone: the residual entry and the GPUOPT_CONSTANT data compile as CUDA; a model source
 * with an error gets a log naming the user's line. */
#ifdef GPUOPT_HAVE_CUDA
static gpuopt_status nvrtc(gpuopt_problem *p, char **log)
{
    void *image = NULL;
    size_t size = 0;
    gpuopt_status st = gpuopt_cuda_compile_source(p->target.source, 90, &image, &size, log);
    CHECK(st != GPUOPT_SUCCESS || (image && size > 0));
    free(image);
    gpuopt_problem_destroy(&p);
    return st;
}

static gpuopt_problem *model_problem(const char *source, const gpuopt_nist_dataset *ds)
{
    gpuopt_fit_data data = {.x = gpuopt_nist_x(ds), .n_data = gpuopt_nist_n_data(ds),
                            .x_dim = 1, .y = gpuopt_nist_y(ds), .n_y = gpuopt_nist_n_data(ds),
                            .sigma = gpuopt_nist_y(ds)};
    gpuopt_fit_model m;
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_fit_model_source(&m, source, "misra1a.c", 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create(&p, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_fit_set_model_source(p, &m, &data), GPUOPT_SUCCESS);
    return p;
}
#endif

static void test_nvrtc(const gpuopt_nist_dataset *ds)
{
#ifdef GPUOPT_HAVE_CUDA
    gpuopt_problem *p = NULL;
    char *log = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_source_outputs(p, GPUOPT_CRITERION_LEAST_SQUARES, N_OUT,
                                                   RESIDUAL, "residual.c"),
                 GPUOPT_SUCCESS);
    gpuopt_status st = nvrtc(p, &log);
    CHECK_MSG(st == GPUOPT_SUCCESS, "NVRTC, residual source: %s", log ? log : "");
    free(log);
    log = NULL;
    st = nvrtc(model_problem(MISRA1A, ds), &log);
    CHECK_MSG(st == GPUOPT_SUCCESS, "NVRTC, model source: %s", log ? log : "");
    free(log);
    log = NULL;
    CHECK_STATUS(nvrtc(model_problem(BAD_MODEL, ds), &log), GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(log, "misra1a.c(3)");
    free(log);
    printf("NVRTC checks run\n");
#else
    (void)ds;
#endif
}

static gpuopt_context *open_backend(const char *name)
{
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, name) != GPUOPT_SUCCESS) {
        printf("%s backend not available (%s): its checks are not run\n", name,
               gpuopt_last_error());
        gpuopt_context_destroy(&ctx);
        return NULL;
    }
    return ctx;
}

int main(void)
{
    test_residual_bad_input();
    gpuopt_nist_dataset *ds = misra1a_data();
    if (ds)
        test_nvrtc(ds);
    const char *backends[2] = {"cpu", "opencl"};
    for (int k = 0; k < 2 && ds; ++k) {
        gpuopt_context *ctx = open_backend(backends[k]);
        if (!ctx)
            continue;
        test_residual_source(ctx, GPUOPT_CRITERION_LEAST_SQUARES);
        test_residual_source(ctx, GPUOPT_CRITERION_LIKELIHOOD);
        test_residual_compile_error(ctx);
        test_model_source(ctx, ds);
        test_model_compile_error(ctx, ds);
        test_model_bad_input(ctx, ds);
        if (k == 1)
            test_constant_memory(ctx);
        gpuopt_context_destroy(&ctx);
    }
    gpuopt_nist_destroy(&ds);
    return check_finish();
}
