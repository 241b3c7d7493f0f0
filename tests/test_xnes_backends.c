/* xnes's element steps as backend ops (host/backend.h: xnes_bound, xnes_weights,
 * xnes_exponent, xnes_expm_scale):
 *   - the ops tables: the CPU backend and every device backend compiled in implement them
 *     natively (checked without a device);
 *   - the host fallback (a CPU ops table with the xnes_* ops removed) against the CPU's ops,
 *     bit for bit, and the ops' argument errors;
 *   - on each device backend with a device: each op against the CPU's on the same random inputs
 *     (bitwise where only + - * / are involved; expm_scale calls exp, whose device library may
 *     round differently: within 4 ulps), the host reading only the one scalar result of bound
 *     and exponent (OpenCL counts the bytes); then whole xnes runs reaching the same targets as
 *     on the CPU over several seeds, with similar evaluation counts (the device's BLAS rounds
 *     differently from OpenBLAS, so runs agree in distribution, not bit for bit). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"
#include "src/algorithms/xnes.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

/* ================================================================ the ops tables */

static void test_ops_table(const gpuopt_backend_ops *ops)
{
    CHECK_MSG(ops->xnes_bound && ops->xnes_weights && ops->xnes_exponent && ops->xnes_expm_scale,
              "%s: an xnes_* op is missing (it would run on the host)", ops->name);
}

/* ================================================================ one side's buffers */

enum { F_X, F_MEAN, F_LOWER, F_UPPER, F_IDX, F_UTIL, F_Z, F_W, F_G, F_DA, F_EVALS, F_VS, N_F };

typedef struct shape {
    size_t dim, lambda;
    int force_bounds;
} shape;

typedef struct side {
    gpuopt_backend *b;
    gpuopt_dptr d[N_F];
} side;

static size_t field_bytes(const shape *s, int f)
{
    size_t n = s->dim, lam = s->lambda;
    switch (f) {
    case F_X:
    case F_Z:
    case F_W: return lam * n * sizeof(double);
    case F_IDX: return lam * sizeof(uint32_t);
    case F_UTIL: return lam * sizeof(double);
    case F_G:
    case F_DA:
    case F_VS: return n * n * sizeof(double);
    default: return n * sizeof(double);
    }
}

/* Random inputs: points partly outside the box [-1, 1], a random permutation as the ranking,
 * utilities summing to about 0, eigenvalues of both signs. */
static void make_inputs(const shape *s, uint64_t tag, void *h[N_F])
{
    for (int f = 0; f < N_F; ++f) {
        h[f] = malloc(field_bytes(s, f));
        if (f == F_IDX)
            continue;
        double *v = h[f];
        for (size_t i = 0; i < field_bytes(s, f) / sizeof(double); ++i)
            v[i] = -2.0 + 4.0 * gpuopt_philox_uniform(31, tag * 64 + (uint64_t)f, i);
    }
    double *lo = h[F_LOWER], *hi = h[F_UPPER];
    uint32_t *idx = h[F_IDX];
    for (size_t j = 0; j < s->dim; ++j) {
        lo[j] = -1.0;
        hi[j] = 1.0;
    }
    for (size_t r = 0; r < s->lambda; ++r)
        idx[r] = (uint32_t)r;
    for (size_t r = s->lambda; r > 1; --r) { /* Fisher-Yates */
        size_t k = (size_t)(gpuopt_philox_uniform(32, tag, r) * (double)r);
        uint32_t t = idx[r - 1];
        idx[r - 1] = idx[k];
        idx[k] = t;
    }
}

static void open_side(side *sd, gpuopt_backend *b, const shape *s, void *h[N_F])
{
    sd->b = b;
    for (int f = 0; f < N_F; ++f) {
        CHECK_STATUS(b->ops->alloc(b, field_bytes(s, f), &sd->d[f]), GPUOPT_SUCCESS);
        CHECK_STATUS(b->ops->write(b, sd->d[f], 0, h[f], field_bytes(s, f)), GPUOPT_SUCCESS);
    }
}

static void close_side(side *sd)
{
    for (int f = 0; f < N_F; ++f)
        sd->b->ops->release(sd->b, sd->d[f]);
}

static struct gpuopt_xnes_args args_of(const side *sd, const shape *s, double *out)
{
    return (struct gpuopt_xnes_args){
        .dim = s->dim, .lambda = s->lambda, .force_bounds = s->force_bounds,
        .utility_sum = 1e-3, .eta_sigma = 0.3, .eta_b = 0.2, .X = sd->d[F_X],
        .mean = sd->d[F_MEAN], .lower = sd->d[F_LOWER], .upper = sd->d[F_UPPER],
        .idx = sd->d[F_IDX], .util = sd->d[F_UTIL], .Z = sd->d[F_Z], .W = sd->d[F_W],
        .G = sd->d[F_G], .dA = sd->d[F_DA], .V = sd->d[F_G], .evals = sd->d[F_EVALS],
        .VS = sd->d[F_VS], .host_out = out};
}

/* Bytes the backend has read back to the host so far (OpenCL counts them; else 0). */
static uint64_t to_host(gpuopt_backend *b)
{
#ifdef GPUOPT_HAVE_OPENCL
    if (b->ops == &gpuopt_backend_opencl)
        return ocl_of(b)->bytes_to_host;
#endif
    (void)b;
    return 0;
}

static uint64_t ulps(double a, double b)
{
    if (a == b)
        return 0;
    if (!isfinite(a) || !isfinite(b) || (a < 0) != (b < 0))
        return UINT64_MAX;
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    return (uint64_t)(ia > ib ? ia - ib : ib - ia);
}

typedef gpuopt_status (*op_fn)(gpuopt_backend *, const struct gpuopt_xnes_args *);

typedef struct op_case {
    const char *name;
    op_fn op;
    int has_result;
    uint64_t max_ulps; /* 0: bitwise */
} op_case;

static size_t differ, compared;

/* Runs the op on both sides and compares every buffer and the scalar result. */
static void check_op(side *cpu, side *dev, const shape *s, const op_case *c)
{
    double out_cpu = NAN, out_dev = NAN;
    struct gpuopt_xnes_args a = args_of(cpu, s, &out_cpu), b = args_of(dev, s, &out_dev);
    CHECK_STATUS(c->op(cpu->b, &a), GPUOPT_SUCCESS);
    uint64_t before = to_host(dev->b);
    gpuopt_status st = c->op(dev->b, &b);
    CHECK_MSG(st == GPUOPT_SUCCESS, "%s on %s: %s", c->name, dev->b->ops->name, dev->b->error);
    uint64_t crossed = to_host(dev->b) - before;
    if (dev->b->ops == cpu->b->ops || dev->b->ops->xnes_bound)
        CHECK_MSG(dev->b->ops->is_gpu == 0 || crossed == (c->has_result ? sizeof(double) : 0),
                  "%s on %s: %llu bytes read back", c->name, dev->b->ops->name,
                  (unsigned long long)crossed);
    if (c->has_result)
        CHECK_MSG(out_cpu == out_dev, "%s on %s, dim %zu: result %.17g vs %.17g on cpu", c->name,
                  dev->b->ops->name, s->dim, out_dev, out_cpu);
    for (int f = 0; f < N_F; ++f) {
        if (f == F_IDX)
            continue;
        size_t count = field_bytes(s, f) / sizeof(double);
        double *hc = malloc(field_bytes(s, f)), *hd = malloc(field_bytes(s, f));
        CHECK_STATUS(cpu->b->ops->read(cpu->b, hc, cpu->d[f], 0, field_bytes(s, f)),
                     GPUOPT_SUCCESS);
        CHECK_STATUS(dev->b->ops->read(dev->b, hd, dev->d[f], 0, field_bytes(s, f)),
                     GPUOPT_SUCCESS);
        uint64_t worst = 0;
        for (size_t i = 0; i < count; ++i) {
            uint64_t u = ulps(hc[i], hd[i]);
            worst = u > worst ? u : worst;
            differ += c->max_ulps && u;
            compared += c->max_ulps != 0;
        }
        CHECK_MSG(worst <= c->max_ulps, "%s on %s, dim %zu, field %d: %llu ulps from the cpu",
                  c->name, dev->b->ops->name, s->dim, f, (unsigned long long)worst);
        free(hc);
        free(hd);
    }
}

static void test_ops_shape(gpuopt_backend *ref, gpuopt_backend *b, const shape *s, uint64_t tag)
{
    const op_case cases[] = {
        {"xnes_bound", gpuopt_backend_xnes_bound, 1, 0},
        {"xnes_weights", gpuopt_backend_xnes_weights, 0, 0},
        {"xnes_exponent", gpuopt_backend_xnes_exponent, 1, 0},
        {"xnes_expm_scale", gpuopt_backend_xnes_expm_scale, 0, 4},
    };
    void *h[N_F];
    make_inputs(s, tag, h);
    side cpu, dev;
    open_side(&cpu, ref, s, h);
    open_side(&dev, b, s, h);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
        check_op(&cpu, &dev, s, &cases[i]);
    close_side(&cpu);
    close_side(&dev);
    for (int f = 0; f < N_F; ++f)
        free(h[f]);
}

/* Every op against the CPU's over dims 1 to 50 and populations 4 to 100, clipping on and off. */
static void test_ops(gpuopt_backend *ref, gpuopt_backend *b)
{
    static const size_t dims[] = {1, 5, 13, 50};
    static const size_t lambdas[] = {4, 17, 100};
    uint64_t tag = 0;
    differ = compared = 0;
    for (size_t d = 0; d < 4; ++d)
        for (size_t l = 0; l < 3; ++l)
            for (int fb = 0; fb < 2; ++fb) {
                shape s = {dims[d], lambdas[l], fb};
                test_ops_shape(ref, b, &s, ++tag);
            }
    printf("%s: xnes_expm_scale (exp): %zu of %zu values compared differ from the cpu's; the "
           "other ops are bitwise identical\n",
           b->ops->name, differ, compared);
}

/* NULL buffers and results, dim 0: clear failures. */
static void test_op_errors(gpuopt_backend *b)
{
    shape s = {3, 4, 1};
    void *h[N_F];
    make_inputs(&s, 7, h);
    side sd;
    open_side(&sd, b, &s, h);
    double out;
    struct gpuopt_xnes_args a = args_of(&sd, &s, &out);
    CHECK_STATUS(gpuopt_backend_xnes_bound(NULL, &a), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_backend_xnes_bound(b, NULL), GPUOPT_ERR_NULL_POINTER);
    a.host_out = NULL;
    CHECK_STATUS(gpuopt_backend_xnes_bound(b, &a), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_backend_xnes_exponent(b, &a), GPUOPT_ERR_NULL_POINTER);
    a = args_of(&sd, &s, &out);
    a.lower = NULL;
    CHECK_STATUS(gpuopt_backend_xnes_bound(b, &a), GPUOPT_ERR_NULL_POINTER);
    a = args_of(&sd, &s, &out);
    a.idx = NULL;
    CHECK_STATUS(gpuopt_backend_xnes_weights(b, &a), GPUOPT_ERR_NULL_POINTER);
    a = args_of(&sd, &s, &out);
    a.evals = NULL;
    CHECK_STATUS(gpuopt_backend_xnes_expm_scale(b, &a), GPUOPT_ERR_NULL_POINTER);
    a = args_of(&sd, &s, &out);
    a.dim = 0;
    CHECK(gpuopt_backend_xnes_bound(b, &a) != GPUOPT_SUCCESS);
    CHECK(gpuopt_backend_xnes_exponent(b, &a) != GPUOPT_SUCCESS);
    close_side(&sd);
    for (int f = 0; f < N_F; ++f)
        free(h[f]);
}

/* The host fallback: the CPU's ops table without the xnes_* ops. */
static void test_fallback(gpuopt_backend *ref)
{
    static gpuopt_backend_ops without;
    without = gpuopt_backend_cpu;
    without.name = "cpu (xnes fallback)";
    without.xnes_bound = NULL;
    without.xnes_weights = NULL;
    without.xnes_exponent = NULL;
    without.xnes_expm_scale = NULL;
    gpuopt_backend *b = NULL;
    CHECK_STATUS(gpuopt_backend_open(&b, &without, 2), GPUOPT_SUCCESS);
    if (!b)
        return;
    test_ops(ref, b);
    test_op_errors(b);
    gpuopt_backend_close(&b);
}

/* ================================================================ whole runs */

#define SEEDS 4
#define TARGET 1e-8

typedef struct run_spec {
    const char *problem;
    size_t dim;
    const char *options; /* space-separated "key=value" settings */
} run_spec;

static int stop_at_target(const gpuopt_progress *p, void *user)
{
    (void)user;
    return p->best_f < TARGET;
}

/* Evaluations to f < TARGET in the box [-3, 4]^dim (-1 when not reached). */
static long run(const char *backend, const run_spec *r, int seed, double *fun)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *res = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, backend), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, r->problem, r->dim), GPUOPT_SUCCESS);
    double lo[32], hi[32];
    for (size_t k = 0; k < r->dim; ++k) {
        lo[k] = -3.0;
        hi[k] = 4.0;
    }
    CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "xnes"), GPUOPT_SUCCESS);
    char buf[256], seed_kv[32];
    snprintf(buf, sizeof buf, "%s", r->options);
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save))
        CHECK_STATUS(gpuopt_optimizer_set_option(o, kv), GPUOPT_SUCCESS);
    snprintf(seed_kv, sizeof seed_kv, "seed=%d", seed);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, seed_kv), GPUOPT_SUCCESS);
    gpuopt_optimizer_set_progress(o, stop_at_target, NULL);
    gpuopt_status st = gpuopt_minimize(o, p, &res);
    *fun = res ? gpuopt_result_fun(res) : NAN;
    long evals = st > 0 && res && *fun < TARGET ? (long)gpuopt_result_n_evaluations(res) : -1;
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return evals;
}

static void test_runs(const char *backend)
{
    const char *common = "stopping.max_iterations=3000 convergence.criterion_tolerance=0 "
                         "convergence.relative_params_tolerance=0";
    const run_spec cases[] = {
        {"sphere", 5, "initial_search_share=0.25"},
        {"ellipsoid", 6, "population_size=32"},
        {"rosenbrock", 4, "force_bounds=false"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        long dev_sum = 0, cpu_sum = 0;
        for (int seed = 1; seed <= SEEDS; ++seed) {
            run_spec r = cases[c];
            char opts[256];
            snprintf(opts, sizeof opts, "%s %s", common, r.options);
            r.options = opts;
            double f_dev, f_cpu;
            long e_dev = run(backend, &r, seed, &f_dev), e_cpu = run("cpu", &r, seed, &f_cpu);
            CHECK_MSG(e_dev > 0 && e_cpu > 0, "%s xnes %s n=%zu seed %d: f %g (cpu %g)", backend,
                      r.problem, r.dim, seed, f_dev, f_cpu);
            dev_sum += e_dev;
            cpu_sum += e_cpu;
        }
        double ratio = (double)dev_sum / (double)cpu_sum;
        printf("%s xnes %s n=%zu: %ld evaluations over %d seeds, %ld on cpu\n", backend,
               cases[c].problem, cases[c].dim, dev_sum, SEEDS, cpu_sum);
        CHECK_MSG(ratio > 0.8 && ratio < 1.25, "%s xnes %s: evaluations %ld vs %ld on cpu",
                  backend, cases[c].problem, dev_sum, cpu_sum);
    }
}

/* ================================================================ main */

static int test_device(gpuopt_backend *ref, const gpuopt_backend_ops *ops)
{
    char why[256] = "";
    if (ops->device_count(0, why, sizeof why) <= 0) {
        printf("%s: no device (%s): its xnes checks did not run\n", ops->name, why);
        return 0;
    }
    gpuopt_backend *b = NULL;
    gpuopt_status st = gpuopt_backend_open(&b, ops, 2);
    CHECK_MSG(st == GPUOPT_SUCCESS, "%s: open: %s", ops->name, b ? b->error : "");
    if (st == GPUOPT_SUCCESS) {
        test_ops(ref, b);
        test_op_errors(b);
    }
    gpuopt_backend_close(&b);
    test_runs(ops->name);
    return 1;
}

int main(void)
{
    gpuopt_backend *ref = NULL;
    CHECK_STATUS(gpuopt_backend_open(&ref, &gpuopt_backend_cpu, 2), GPUOPT_SUCCESS);
    test_ops_table(&gpuopt_backend_cpu);
    test_fallback(ref);
    test_op_errors(ref);
    for (size_t i = 0; i < gpuopt_backend_table_size(); ++i) {
        const gpuopt_backend_ops *ops = gpuopt_backend_table_at(i);
        if (!ops->is_gpu)
            continue;
        test_ops_table(ops);
        test_device(ref, ops);
    }
    gpuopt_backend_close(&ref);
    return check_finish();
}
