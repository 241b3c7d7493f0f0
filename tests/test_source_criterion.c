/* Source criteria (include/gpuopt/user_criteria.h) on the CPU (the system C compiler) and on
 * OpenCL when a device is present: a sphere source solves and gives the same bits as the
 * built-in sphere and as the other backend; a syntax error returns GPUOPT_ERR_SOURCE_COMPILE
 * with a log naming the user's file and line; NaN values follow error_handling; programs are
 * built once per backend instance; bad input is refused. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "gpuopt.h"
#include "gpuopt/user_criteria.h"
#include "host/backend.h"
#include "source/portable_math.h"
#include "src/core.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

#define DIM 5

static const char SPHERE[] = "/* sphere */\n"
                             "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                             "{\n"
                             "    double s = 0.0;\n"
                             "    for (int i = 0; i < dim; ++i)\n"
                             "        s += x[i] * x[i];\n"
                             "    return s;\n"
                             "}\n";

/* Line 4 holds the syntax error, and only line 4. */
static const char SYNTAX_ERROR[] = "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                                   "{\n"
                                   "    double s = 0.0;\n"
                                   "    for (int i = 0; i < dim; ++i) s += x[i] * ;\n"
                                   "    return s;\n"
                                   "}\n";

/* NaN where x[0] < 0, else sum (x_i - 1)^2. */
static const char NAN_LEFT[] = "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                               "{\n"
                               "    double s = 0.0;\n"
                               "    for (int i = 0; i < dim; ++i)\n"
                               "        s += (x[i] - 1.0) * (x[i] - 1.0);\n"
                               "    return x[0] < 0.0 ? sqrt(x[0]) : s;\n"
                               "}\n";

/* A helper function, math and the prelude's constant. */
static const char RASTRIGIN[] = "GPUOPT_FN double term(double xi)\n"
                                "{\n"
                                "    return xi * xi - 10.0 * cos(2.0 * GPUOPT_PI * xi);\n"
                                "}\n"
                                "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
                                "{\n"
                                "    double s = 10.0 * dim;\n"
                                "    for (int i = 0; i < dim; ++i)\n"
                                "        s += term(x[i]);\n"
                                "    return s;\n"
                                "}\n";

typedef struct outcome {
    gpuopt_status status;
    double x[DIM], fun;
    int64_t evaluations;
    char errmsg[GPUOPT_ERRMSG_LEN];
} outcome;

static gpuopt_problem *box_problem(const char *source, const char *name)
{
    gpuopt_problem *p = NULL;
    double lo[DIM], hi[DIM], x0[DIM];
    for (int i = 0; i < DIM; ++i) {
        lo[i] = -5.0;
        hi[i] = 5.0;
        x0[i] = 1.5 + 0.25 * i;
    }
    CHECK_STATUS(gpuopt_problem_create(&p, DIM), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(p, x0), GPUOPT_SUCCESS);
    if (source)
        CHECK_STATUS(gpuopt_problem_set_source_criterion(p, source, name), GPUOPT_SUCCESS);
    return p;
}

/* DE on p with seed 3, an error_handling value (or NULL) and a population size (0: auto). */
static outcome run_de_with(gpuopt_context *ctx, gpuopt_problem *p, const char *error_handling,
                           int population)
{
    outcome out = {.status = GPUOPT_ERR_INTERNAL, .fun = NAN};
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "de"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "seed", 3), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "stopping.max_iterations", 300), GPUOPT_SUCCESS);
    if (error_handling)
        CHECK_STATUS(gpuopt_optimizer_set_string(o, "error_handling", error_handling),
                     GPUOPT_SUCCESS);
    if (population)
        CHECK_STATUS(gpuopt_optimizer_set_int(o, "population_size", population), GPUOPT_SUCCESS);
    out.status = gpuopt_minimize(o, p, &r);
    snprintf(out.errmsg, sizeof out.errmsg, "%s", gpuopt_optimizer_errmsg(o));
    if (r && out.status > 0) {
        memcpy(out.x, gpuopt_result_x(r), sizeof out.x);
        out.fun = gpuopt_result_fun(r);
        out.evaluations = gpuopt_result_n_evaluations(r);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    return out;
}

static outcome run_de(gpuopt_context *ctx, gpuopt_problem *p, const char *error_handling)
{
    return run_de_with(ctx, p, error_handling, 0);
}

static int same_bits(const outcome *a, const outcome *b)
{
    return a->status == b->status && a->evaluations == b->evaluations &&
           !memcmp(a->x, b->x, sizeof a->x) && !memcmp(&a->fun, &b->fun, sizeof a->fun);
}

/* ------------------------------------------------------------------ host */

static void test_host_evaluate(void)
{
    gpuopt_problem *p = box_problem(SPHERE, "sphere.c");
    double X[2 * DIM] = {1, 2, 3, 4, 5, -1, 0.5, 0, 0, 2}, v[2];
    CHECK_STATUS(gpuopt_problem_evaluate(p, X, 2, v), GPUOPT_SUCCESS);
    CHECK(v[0] == 55.0 && v[1] == 5.25);
    CHECK(!strcmp(gpuopt_problem_name(p), "sphere.c"));
    gpuopt_problem_destroy(&p);

    gpuopt_problem *q = box_problem(RASTRIGIN, "rastrigin.c"), *builtin = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&builtin, "rastrigin", DIM), GPUOPT_SUCCESS);
    double w[2], ref[2];
    CHECK_STATUS(gpuopt_problem_evaluate(q, X, 2, w), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_evaluate(builtin, X, 2, ref), GPUOPT_SUCCESS);
    for (int i = 0; i < 2; ++i)
        CHECK_MSG(fabs(w[i] - ref[i]) <= 1e-12 * (1 + fabs(ref[i])), "%.17g vs %.17g", w[i],
                  ref[i]);
    gpuopt_problem_destroy(&q);
    gpuopt_problem_destroy(&builtin);
}

/* The same text and name give the same interned source: one build serves both problems. */
static void test_interned(void)
{
    gpuopt_problem *a = box_problem(SPHERE, "sphere.c"), *b = box_problem(SPHERE, "sphere.c");
    gpuopt_problem *c = box_problem(SPHERE, "other.c");
    CHECK(a->target.source && a->target.source == b->target.source);
    CHECK(c->target.source && c->target.source != a->target.source);
    gpuopt_problem_destroy(&a);
    gpuopt_problem_destroy(&b);
    gpuopt_problem_destroy(&c);
}

static void test_bad_input(void)
{
    gpuopt_problem *p = box_problem(NULL, NULL);
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_source_criterion(NULL, SPHERE, "x"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_source_criterion(p, NULL, "x"), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_set_source_file(p, "/nonexistent/gpuopt/crit.c"), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "/nonexistent/gpuopt/crit.c");
    char log[64] = "untouched";
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, log, sizeof log),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK(log[0] == '\0');
    CHECK_STATUS(gpuopt_problem_compile_source(p, NULL, NULL, 0), GPUOPT_ERR_NULL_POINTER);

    char path[] = "/tmp/gpuopt-test-source-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, "double\0criterion", 16) == 16);
        close(fd);
        CHECK_STATUS(gpuopt_problem_set_source_file(p, path), GPUOPT_ERR_IO);
        CHECK_CONTAINS(gpuopt_problem_errmsg(p), "NUL");
        unlink(path);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* $CC that cannot run: a compile error that says so (a source not built before). */
static void test_no_compiler(void)
{
    const char *old = getenv("CC");
    char *saved = old ? strdup(old) : NULL;
    setenv("CC", "/nonexistent/gpuopt-cc", 1);
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    gpuopt_problem *p = box_problem(SPHERE, "needs-a-compiler.c");
    char buf[2048];
    const char *log = buf;
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, buf, sizeof buf),
                 GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(log, "no C compiler");
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "needs-a-compiler.c");
    if (saved)
        setenv("CC", saved, 1);
    else
        unsetenv("CC");
    free(saved);
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, buf, sizeof buf), GPUOPT_SUCCESS);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* ------------------------------------------------------------------ per backend */

static void test_solves(gpuopt_context *ctx, outcome *sphere_out)
{
    gpuopt_problem *p = box_problem(SPHERE, "sphere.c"), *builtin = box_problem(NULL, NULL);
    gpuopt_problem *ref = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&ref, "sphere", DIM), GPUOPT_SUCCESS);
    double lo[DIM], hi[DIM], x0[DIM];
    gpuopt_problem_get_bounds(p, lo, hi);
    gpuopt_problem_get_start(p, x0);
    gpuopt_problem_set_bounds(ref, lo, hi);
    gpuopt_problem_set_start(ref, x0);
    char log[256] = "untouched";
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, log, sizeof log), GPUOPT_SUCCESS);
    CHECK(log[0] == '\0');
    outcome a = run_de(ctx, p, NULL), b = run_de(ctx, ref, NULL);
    CHECK_MSG(a.status > 0, "%s: %s", gpuopt_status_name(a.status), a.errmsg);
    CHECK_MSG(a.fun < 1e-6, "sphere source on %s: f = %g", gpuopt_context_backend(ctx), a.fun);
    for (int i = 0; i < DIM; ++i)
        CHECK(fabs(a.x[i]) < 1e-2);
    /* the same arithmetic as the built-in sphere: the same run, bit for bit */
    CHECK_MSG(same_bits(&a, &b), "%s: source %.17g vs built-in %.17g",
              gpuopt_context_backend(ctx), a.fun, b.fun);
    *sphere_out = a;
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&builtin);
    gpuopt_problem_destroy(&ref);
}

static void test_compile_error(gpuopt_context *ctx)
{
    const char *backend = gpuopt_context_backend(ctx);
    gpuopt_problem *p = box_problem(SYNTAX_ERROR, "broken_sphere.c");
    char buf[8192];
    const char *log = buf;
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, buf, sizeof buf),
                 GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(log, "broken_sphere.c:4:");
    CHECK_MSG(!strstr(log, "broken_sphere.c:3:") && !strstr(log, "broken_sphere.c:5:"),
              "%s log names another line: %s", backend, log);
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "failed to compile");
    CHECK_CONTAINS(gpuopt_problem_errmsg(p), "broken_sphere.c:4:");
    /* a run stops with the same status, and the backend's message carries the log */
    outcome r = run_de(ctx, p, NULL);
    CHECK_STATUS(r.status, GPUOPT_ERR_SOURCE_COMPILE);
    CHECK_CONTAINS(r.errmsg, "broken_sphere.c:4:");
    gpuopt_problem_destroy(&p);
}

/* Every portable math function compiles and runs; values agree with the host's build. */
static void test_portable_math(gpuopt_context *ctx)
{
    gpuopt_problem *p = box_problem(PORTABLE_MATH, "portable_math.c");
    char buf[4096];
    const char *log = buf;
    CHECK_STATUS(gpuopt_problem_compile_source(p, ctx, buf, sizeof buf), GPUOPT_SUCCESS);
    CHECK_MSG(buf[0] == '\0', "%s", log);
    outcome r = run_de(ctx, p, NULL);
    CHECK_MSG(r.status > 0 && isfinite(r.fun), "%s", r.errmsg);
    double host = NAN;
    CHECK_STATUS(gpuopt_problem_evaluate(p, r.x, 1, &host), GPUOPT_SUCCESS);
    CHECK_MSG(fabs(host - r.fun) <= 1e-12 * fabs(host), "%s: %.17g, host %.17g",
              gpuopt_context_backend(ctx), r.fun, host);
    gpuopt_problem_destroy(&p);
}

static void test_nan_values(gpuopt_context *ctx, outcome *continue_out)
{
    gpuopt_problem *p = box_problem(NAN_LEFT, "nan_left.c");
    outcome raise = run_de(ctx, p, "raise");
    CHECK_STATUS(raise.status, GPUOPT_ERR_NONFINITE_CRITERION);
    outcome cont = run_de(ctx, p, "continue");
    CHECK_MSG(cont.status > 0, "%s", cont.errmsg);
    CHECK_MSG(cont.fun < 1e-6, "f = %g", cont.fun);
    for (int i = 0; i < DIM; ++i)
        CHECK(fabs(cont.x[i] - 1.0) < 1e-2);
    *continue_out = cont;
    gpuopt_problem_destroy(&p);
}

/* The CPU's OpenMP evaluation gives the same run for any thread count (a population large
 * enough for the backend to use its threads). */
static void test_threads(void)
{
    outcome out[2];
    int threads[2] = {1, 3};
    for (int k = 0; k < 2; ++k) {
        gpuopt_context *ctx = NULL;
        CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_context_set_threads(ctx, threads[k]), GPUOPT_SUCCESS);
        gpuopt_problem *p = box_problem(RASTRIGIN, "rastrigin.c");
        out[k] = run_de_with(ctx, p, NULL, 1000);
        gpuopt_problem_destroy(&p);
        gpuopt_context_destroy(&ctx);
    }
    CHECK(out[0].status > 0 && same_bits(&out[0], &out[1]));
}

/* OpenCL builds a source once per backend instance: later runs and problems with the same
 * source reuse the build; a failed build is not kept; another context builds its own. */
static void test_opencl_cache(gpuopt_context *ctx)
{
#ifdef GPUOPT_HAVE_OPENCL
    size_t before = gpuopt_opencl_source_builds(ctx->backend);
    gpuopt_problem *p = box_problem(SPHERE, "cached.c"), *q = box_problem(SPHERE, "cached.c");
    outcome a = run_de(ctx, p, NULL);
    CHECK(gpuopt_opencl_source_builds(ctx->backend) == before + 1);
    outcome b = run_de(ctx, q, NULL);
    CHECK(gpuopt_opencl_source_builds(ctx->backend) == before + 1);
    CHECK(a.status > 0 && same_bits(&a, &b));
    gpuopt_problem *bad = box_problem(SYNTAX_ERROR, "broken_again.c");
    CHECK_STATUS(gpuopt_problem_compile_source(bad, ctx, NULL, 0), GPUOPT_ERR_SOURCE_COMPILE);
    CHECK(gpuopt_opencl_source_builds(ctx->backend) == before + 1);
    gpuopt_context *other = NULL;
    CHECK_STATUS(gpuopt_context_create(&other, "opencl"), GPUOPT_SUCCESS);
    if (other) {
        CHECK(gpuopt_opencl_source_builds(other->backend) == 0);
        CHECK_STATUS(gpuopt_problem_compile_source(p, other, NULL, 0), GPUOPT_SUCCESS);
        CHECK(gpuopt_opencl_source_builds(other->backend) == 1);
    }
    gpuopt_context_destroy(&other);
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&q);
    gpuopt_problem_destroy(&bad);
#else
    (void)ctx;
#endif
}

static gpuopt_context *open_backend(const char *name)
{
    gpuopt_context *ctx = NULL;
    gpuopt_status st = gpuopt_context_create(&ctx, name);
    if (st != GPUOPT_SUCCESS) {
        printf("%s backend not available (%s): its checks are not run\n", name,
               gpuopt_last_error());
        gpuopt_context_destroy(&ctx);
        return NULL;
    }
    return ctx;
}

int main(void)
{
    test_host_evaluate();
    test_interned();
    test_bad_input();
    test_no_compiler();
    test_threads();
    outcome sphere[2], nan_continue[2];
    const char *backends[2] = {"cpu", "opencl"};
    int ran[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        gpuopt_context *ctx = open_backend(backends[k]);
        if (!ctx)
            continue;
        ran[k] = 1;
        test_solves(ctx, &sphere[k]);
        test_compile_error(ctx);
        test_nan_values(ctx, &nan_continue[k]);
        test_portable_math(ctx);
        if (k == 1)
            test_opencl_cache(ctx);
        gpuopt_context_destroy(&ctx);
    }
    if (ran[0] && ran[1]) {
        CHECK_MSG(same_bits(&sphere[0], &sphere[1]), "sphere: cpu %.17g vs opencl %.17g",
                  sphere[0].fun, sphere[1].fun);
        CHECK_MSG(same_bits(&nan_continue[0], &nan_continue[1]),
                  "NaN source, continue: cpu %.17g vs opencl %.17g", nan_continue[0].fun,
                  nan_continue[1].fun);
    }
    return check_finish();
}
