/* The CMA-ES family on the device backends (OpenCL and CUDA when compiled in; those without a
 * device are reported and left out):
 *   - the ops tables: every device backend compiled in implements fill_normal and the cmaes_*
 *     ops natively (no host fallback), checked without a device;
 *   - each op against the CPU backend's on the same random inputs, bit for bit, over dims 5 to
 *     50, full and separable, every bounds handling and penalty weight mode; the host sees only
 *     the op's scalar results (OpenCL counts the bytes);
 *   - the ops' argument errors on the device;
 *   - whole runs against the CPU: the acceptance run (ellipsoid, n = 10, seed 1,
 *     f < 1e-8); sep_cmaes (no BLAS: element ops and argsort only) bit for bit over seeds,
 *     dims 5..50, with and without bounds, IPOP and BIPOP restarts; cmaes and xnes, whose
 *     matrix products are the backends' BLAS (CLBlast / cuBLAS vs OpenBLAS, which round
 *     differently), by success and evaluations over seeds.
 * Exits 77 (skipped) when no device backend with a device is available. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"
#include "src/algorithms/cmaes_core.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

/* ================================================================ the ops tables */

static void test_ops_table(const gpuopt_backend_ops *ops)
{
    const struct {
        const char *name;
        int present;
    } want[] = {
        {"fill_normal", ops->fill_normal != NULL},
        {"cmaes_sample", ops->cmaes_sample != NULL},
        {"cmaes_rank_stats", ops->cmaes_rank_stats != NULL},
        {"cmaes_penalty", ops->cmaes_penalty != NULL},
        {"cmaes_recombine", ops->cmaes_recombine != NULL},
        {"cmaes_paths", ops->cmaes_paths != NULL},
        {"cmaes_diag_update", ops->cmaes_diag_update != NULL},
        {"cmaes_eigen_finish", ops->cmaes_eigen_finish != NULL},
        {"cmaes_measure", ops->cmaes_measure != NULL},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; ++i)
        CHECK_MSG(want[i].present, "%s: no native %s op (it would run on the host)", ops->name,
                  want[i].name);
}

/* ================================================================ the ops, bit for bit */

enum {
    F_Z, F_Y, F_X, F_F, F_FIT, F_IDX, F_WEIGHTS, F_WIND, F_MEAN, F_PS, F_PC, F_YMEAN,
    F_ZMEAN, F_U, F_C, F_B, F_BD, F_EVALS, F_D, F_LOWER, F_UPPER, F_GAMMA, N_FIELDS
};
static const char *const field_names[N_FIELDS] = {
    "Z",  "Y",     "X",     "f",  "fit", "idx", "weights", "wind",  "mean",  "ps",    "pc",
    "ymean", "zmean", "u", "C", "B",   "BD",  "evals",   "D",     "lower", "upper", "gamma"};

typedef struct shape {
    size_t dim, lambda, mu;
    int separable, bounds;
} shape;

typedef struct side {
    gpuopt_backend *b;
    gpuopt_dptr d[N_FIELDS];
} side;

static size_t field_bytes(const shape *s, int f)
{
    size_t n = s->dim, lam = s->lambda;
    switch (f) {
    case F_Z:
    case F_Y: return (lam + 1) * n * sizeof(double);
    case F_X: return lam * n * sizeof(double);
    case F_IDX: return lam * sizeof(uint32_t);
    case F_F:
    case F_FIT:
    case F_WEIGHTS:
    case F_WIND: return lam * sizeof(double);
    case F_C: return (s->separable ? n : n * n) * sizeof(double);
    case F_B:
    case F_BD: return n * n * sizeof(double);
    default: return n * sizeof(double);
    }
}

static double urand(uint64_t stream, uint64_t i, double lo, double hi)
{
    return lo + (hi - lo) * gpuopt_philox_uniform(77, stream, i);
}

/* Random inputs of every field (host copies, malloc'd): values of the right signs and
 * magnitudes, a ranking of f, active weights, ascending eigenvalues with a negative one (the
 * floor), a mean partly outside the bounds. */
static void make_inputs(const shape *s, uint64_t tag, void *h[N_FIELDS])
{
    size_t n = s->dim, lam = s->lambda;
    for (int f = 0; f < N_FIELDS; ++f) {
        size_t count = field_bytes(s, f) / (f == F_IDX ? sizeof(uint32_t) : sizeof(double));
        h[f] = malloc(field_bytes(s, f));
        if (f == F_IDX)
            continue;
        double *v = h[f];
        for (size_t i = 0; i < count; ++i)
            v[i] = urand(tag * 64 + (uint64_t)f, i, -2.0, 2.0);
    }
    double *fv = h[F_F], *w = h[F_WEIGHTS], *c = h[F_C], *ev = h[F_EVALS], *lo = h[F_LOWER],
           *hi = h[F_UPPER], *gamma = h[F_GAMMA];
    for (size_t i = 0; i < lam; ++i) {
        fv[i] = floor(fv[i] * 4.0); /* ties */
        w[i] = i < s->mu ? (double)(s->mu - i) / (double)s->mu : -0.3 * (double)(i - s->mu + 1);
    }
    gpuopt_host_argsort(fv, lam, h[F_IDX]);
    for (size_t k = 0; k < n; ++k) {
        c[s->separable ? k : k * (n + 1)] = 0.5 + fabs(c[s->separable ? k : k * (n + 1)]);
        ev[k] = (double)k - 1.0; /* ascending; the first below the floor */
        gamma[k] = 0.1 + fabs(gamma[k]);
        int finite = s->bounds != GPUOPT_CMAES_BOUNDS_NONE && k % 3 != 2;
        lo[k] = finite ? -1.0 : -INFINITY;
        hi[k] = finite ? 1.0 : INFINITY;
    }
}

static void open_side(side *sd, gpuopt_backend *b, const shape *s, void *h[N_FIELDS])
{
    sd->b = b;
    for (int f = 0; f < N_FIELDS; ++f) {
        sd->d[f] = NULL;
        CHECK_STATUS(b->ops->alloc(b, field_bytes(s, f), &sd->d[f]), GPUOPT_SUCCESS);
        if (sd->d[f])
            CHECK_STATUS(b->ops->write(b, sd->d[f], 0, h[f], field_bytes(s, f)), GPUOPT_SUCCESS);
    }
}

static void close_side(side *sd)
{
    for (int f = 0; f < N_FIELDS; ++f)
        if (sd->d[f])
            sd->b->ops->release(sd->b, sd->d[f]);
}

static struct gpuopt_cmaes_args args_of(const side *sd, const shape *s, double *out)
{
    return (struct gpuopt_cmaes_args){
        .dim = s->dim, .lambda = s->lambda, .n_mu = s->mu, .separable = s->separable,
        .bounds = s->bounds, .sigma = 0.7, .Z = sd->d[F_Z], .Y = sd->d[F_Y], .X = sd->d[F_X],
        .f = sd->d[F_F], .fit = sd->d[F_FIT], .idx = sd->d[F_IDX], .weights = sd->d[F_WEIGHTS],
        .wind = sd->d[F_WIND], .mean = sd->d[F_MEAN], .ps = sd->d[F_PS], .pc = sd->d[F_PC],
        .ymean = sd->d[F_YMEAN], .zmean = sd->d[F_ZMEAN], .u = sd->d[F_U], .C = sd->d[F_C],
        .B = sd->d[F_B], .BD = sd->d[F_BD], .evals = sd->d[F_EVALS], .D = sd->d[F_D],
        .lower = sd->d[F_LOWER], .upper = sd->d[F_UPPER], .gamma = sd->d[F_GAMMA],
        .c_mu = 0.3, .ps_decay = 0.8, .ps_gain = 0.6, .hsig_norm = 0.9, .hsig_bound = 3.0,
        .pc_decay = 0.7, .pc_gain = 0.5, .mean_gain = 0.7, .c1 = 0.05, .beta = 0.9,
        .dfit = 0.4, .damp = 0.6, .edist_min = 0.5, .axis = s->dim / 2, .host_out = out};
}

typedef gpuopt_status (*op_fn)(gpuopt_backend *, const struct gpuopt_cmaes_args *);

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

/* Distance in units in the last place between two doubles (0: the same bits; UINT64_MAX: of
 * different signs or not both finite). */
static uint64_t ulps(double a, double b)
{
    int64_t x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    if (x == y)
        return 0;
    if (!isfinite(a) || !isfinite(b) || (x < 0) != (y < 0))
        return UINT64_MAX;
    return x > y ? (uint64_t)(x - y) : (uint64_t)(y - x);
}

/* The largest distance over count doubles; *differ counts those whose bits differ. */
static uint64_t max_ulps(const double *a, const double *b, size_t count, size_t *differ)
{
    uint64_t most = 0;
    for (size_t i = 0; i < count; ++i) {
        uint64_t d = ulps(a[i], b[i]);
        *differ += d != 0;
        most = d > most ? d : most;
    }
    return most;
}

/* Every field of the two sides: the same bits, or (tolerance > 0) within tolerance ulps. Then
 * the device gets the CPU's bits, so that the next op starts from equal inputs. Returns the
 * largest distance. */
static uint64_t compare_sides(side *cpu, side *dev, const shape *s, const char *what,
                          uint64_t tolerance, size_t *differ)
{
    uint64_t most = 0;
    for (int f = 0; f < N_FIELDS; ++f) {
        size_t bytes = field_bytes(s, f);
        void *a = malloc(bytes), *b = malloc(bytes);
        CHECK_STATUS(cpu->b->ops->read(cpu->b, a, cpu->d[f], 0, bytes), GPUOPT_SUCCESS);
        CHECK_STATUS(dev->b->ops->read(dev->b, b, dev->d[f], 0, bytes), GPUOPT_SUCCESS);
        uint64_t d = f == F_IDX ? (memcmp(a, b, bytes) ? UINT64_MAX : 0)
                                : max_ulps(a, b, bytes / sizeof(double), differ);
        CHECK_MSG(d <= tolerance,
                  "%s: %s n=%zu lambda=%zu %s bounds %d: field %s differs by %llu ulps",
                  dev->b->ops->name, what, s->dim, s->lambda, s->separable ? "sep" : "full",
                  s->bounds, field_names[f], (unsigned long long)d);
        CHECK_STATUS(dev->b->ops->write(dev->b, dev->d[f], 0, a, bytes), GPUOPT_SUCCESS);
        most = d > most ? d : most;
        free(a);
        free(b);
    }
    return most;
}

/* Ops whose element functions use only + - * / and sqrt give the CPU's bits on any IEEE 754
 * device; those that call exp, log, sin, cos or tanh get the device's math library, which may
 * differ from the host's in the last bits (as for the built-in problems that use them). */
#define EXACT 0
#define LIBM_ULPS 8

typedef struct op_case {
    const char *what;
    op_fn op;
    size_t n_out;     /* scalar results */
    uint64_t ulps;    /* EXACT or LIBM_ULPS */
    void (*tweak)(struct gpuopt_cmaes_args *);
} op_case;

/* Values of the LIBM_ULPS ops: how many differ, of how many, by at most libm_most ulps. */
static size_t libm_differ, libm_values;
static uint64_t libm_most;

/* Runs the op on both sides and compares everything, and what the device read back. */
static void check_op(side *cpu, side *dev, const shape *s, const op_case *c)
{
    double out_cpu[GPUOPT_CMAES_N_MEASURES] = {0}, out_dev[GPUOPT_CMAES_N_MEASURES] = {0};
    struct gpuopt_cmaes_args a = args_of(cpu, s, out_cpu), b = args_of(dev, s, out_dev);
    if (c->tweak) {
        c->tweak(&a);
        c->tweak(&b);
    }
    CHECK_STATUS(c->op(cpu->b, &a), GPUOPT_SUCCESS);
    uint64_t before = to_host(dev->b);
    gpuopt_status st = c->op(dev->b, &b);
    CHECK_MSG(st == GPUOPT_SUCCESS, "%s: %s: %s", dev->b->ops->name, c->what, dev->b->error);
    CHECK_MSG(to_host(dev->b) - before == (b.host_out ? c->n_out : 0) * sizeof(double),
              "%s: %s read %llu bytes back (its results are %zu bytes)", dev->b->ops->name,
              c->what, (unsigned long long)(to_host(dev->b) - before), c->n_out * sizeof(double));
    size_t differ = 0;
    CHECK_MSG(max_ulps(out_cpu, out_dev, GPUOPT_CMAES_N_MEASURES, &differ) <= c->ulps,
              "%s: %s n=%zu: scalar results differ", dev->b->ops->name, c->what, s->dim);
    uint64_t most = compare_sides(cpu, dev, s, c->what, c->ulps, &differ);
    if (c->ulps != EXACT) {
        libm_most = most > libm_most ? most : libm_most;
        libm_differ += differ;
        for (int f = 0; f < N_FIELDS; ++f)
            libm_values += f == F_IDX ? 0 : field_bytes(s, f) / sizeof(double);
    }
}

static gpuopt_status op_fill_normal(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    return gpuopt_backend_fill_normal(b, a->Z, a->lambda + 1, a->dim, 77, 0x3100000005ull);
}

static void gamma_init(struct gpuopt_cmaes_args *a) { a->gamma_mode = GPUOPT_CMAES_GAMMA_INIT; }
static void gamma_update(struct gpuopt_cmaes_args *a) { a->gamma_mode = GPUOPT_CMAES_GAMMA_UPDATE; }
static void gamma_keep(struct gpuopt_cmaes_args *a) { a->gamma_mode = GPUOPT_CMAES_GAMMA_KEEP; }
static void no_result(struct gpuopt_cmaes_args *a) { a->host_out = NULL; }
static void stalled(struct gpuopt_cmaes_args *a) { a->hsig_bound = 0.0; }

static void test_ops_shape(gpuopt_backend *ref, gpuopt_backend *b, const shape *s, uint64_t tag)
{
    const op_case cases[] = {
        {"fill_normal", op_fill_normal, 0, LIBM_ULPS, NULL},
        {"cmaes_sample", gpuopt_backend_cmaes_sample, 0, EXACT, NULL},
        {"cmaes_rank_stats", gpuopt_backend_cmaes_rank_stats, GPUOPT_CMAES_N_STATS, EXACT, NULL},
        {"cmaes_penalty (init)", gpuopt_backend_cmaes_penalty, 0, LIBM_ULPS, gamma_init},
        {"cmaes_penalty (update)", gpuopt_backend_cmaes_penalty, 0, LIBM_ULPS, gamma_update},
        {"cmaes_penalty (keep)", gpuopt_backend_cmaes_penalty, 0, EXACT, gamma_keep},
        {"cmaes_recombine", gpuopt_backend_cmaes_recombine, 0, EXACT, NULL},
        {"cmaes_paths", gpuopt_backend_cmaes_paths, 2, EXACT, NULL},
        {"cmaes_paths (h_sigma 0)", gpuopt_backend_cmaes_paths, 2, EXACT, stalled},
        {"cmaes_diag_update", gpuopt_backend_cmaes_diag_update, 2, EXACT, NULL},
        {"cmaes_diag_update (no results)", gpuopt_backend_cmaes_diag_update, 0, EXACT, no_result},
        {"cmaes_eigen_finish", gpuopt_backend_cmaes_eigen_finish, 2, EXACT, NULL},
        {"cmaes_measure", gpuopt_backend_cmaes_measure, GPUOPT_CMAES_N_MEASURES, EXACT, NULL},
    };
    void *h[N_FIELDS];
    make_inputs(s, tag, h);
    side cpu, dev;
    open_side(&cpu, ref, s, h);
    open_side(&dev, b, s, h);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        int diag = cases[i].op == gpuopt_backend_cmaes_diag_update;
        int eigen = cases[i].op == gpuopt_backend_cmaes_eigen_finish;
        if ((diag && !s->separable) || (eigen && s->separable))
            continue; /* the ops of the other variant */
        check_op(&cpu, &dev, s, &cases[i]);
    }
    close_side(&cpu);
    close_side(&dev);
    for (int f = 0; f < N_FIELDS; ++f)
        free(h[f]);
}

static void test_ops(gpuopt_backend *ref, gpuopt_backend *b)
{
    static const size_t dims[] = {5, 13, 50};
    static const int bounds[] = {GPUOPT_CMAES_BOUNDS_NONE, GPUOPT_CMAES_BOUNDS_PROJECTION,
                                 GPUOPT_CMAES_BOUNDS_PENALTY};
    uint64_t tag = 0;
    for (size_t d = 0; d < 3; ++d)
        for (int sep = 0; sep < 2; ++sep)
            for (size_t k = 0; k < 3; ++k) {
                size_t lambda = 4 + 3 * (size_t)log((double)dims[d]) + 7 * k;
                shape s = {dims[d], lambda, lambda / 2, sep, bounds[k]};
                test_ops_shape(ref, b, &s, ++tag);
            }
    printf("%s: the ops that call the math library (fill_normal, cmaes_penalty): %zu of %zu "
           "values compared after them differ from the CPU's, by at most %llu ulps; the other "
           "ops are bitwise identical\n",
           b->ops->name, libm_differ, libm_values, (unsigned long long)libm_most);
}

/* NULL buffers and bad sizes: clear failures, nothing launched. */
static void test_op_errors(gpuopt_backend *b)
{
    shape s = {5, 8, 4, 0, GPUOPT_CMAES_BOUNDS_NONE};
    void *h[N_FIELDS];
    make_inputs(&s, 99, h);
    side dev;
    open_side(&dev, b, &s, h);
    double out[GPUOPT_CMAES_N_MEASURES];
    const op_fn ops[] = {gpuopt_backend_cmaes_sample,      gpuopt_backend_cmaes_rank_stats,
                         gpuopt_backend_cmaes_penalty,     gpuopt_backend_cmaes_recombine,
                         gpuopt_backend_cmaes_paths,       gpuopt_backend_cmaes_diag_update,
                         gpuopt_backend_cmaes_eigen_finish, gpuopt_backend_cmaes_measure};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; ++i) {
        struct gpuopt_cmaes_args a = args_of(&dev, &s, out);
        a.Y = a.Z = a.C = a.B = a.idx = NULL; /* each op reads one of them */
        CHECK_STATUS(ops[i](b, &a), GPUOPT_ERR_NULL_POINTER);
        CHECK_CONTAINS(b->error, "NULL");
        CHECK_STATUS(ops[i](b, NULL), GPUOPT_ERR_NULL_POINTER);
    }
    struct gpuopt_cmaes_args a = args_of(&dev, &s, NULL);
    CHECK_STATUS(gpuopt_backend_cmaes_rank_stats(b, &a), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_backend_cmaes_paths(b, &a), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_backend_cmaes_measure(b, &a), GPUOPT_ERR_NULL_POINTER);
    a = args_of(&dev, &s, out);
    a.axis = s.dim;
    CHECK_STATUS(gpuopt_backend_cmaes_measure(b, &a), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "axis 5 of 5");
    a = args_of(&dev, &s, out);
    a.dim = 0;
    CHECK_STATUS(gpuopt_backend_cmaes_eigen_finish(b, &a), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_backend_fill_normal(b, NULL, 3, 3, 1, 1), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_backend_fill_normal(b, dev.d[F_Z], 0, 3, 1, 1), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_backend_fill_normal(b, dev.d[F_Z], SIZE_MAX, 3, 1, 1),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    close_side(&dev);
    for (int f = 0; f < N_FIELDS; ++f)
        free(h[f]);
}

/* ================================================================ whole runs */

typedef struct run_spec {
    const char *alg, *problem;
    size_t dim;
    uint64_t seed;
    int bounded;         /* a box [-3.5, 3.2]^n: holds the start and the optimum */
    const char *options; /* "key=value key=value", or NULL */
} run_spec;

typedef struct run_out {
    gpuopt_status status;
    double fun;
    long evals;
    char errmsg[256];
} run_out;

static void set_options(gpuopt_optimizer *o, const char *options)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", options ? options : "");
    for (char *save = NULL, *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save))
        CHECK_STATUS(gpuopt_optimizer_set_option(o, kv), GPUOPT_SUCCESS);
}

static run_out run(const char *backend, const run_spec *r)
{
    run_out out = {.status = GPUOPT_ERR_INTERNAL, .fun = NAN, .evals = -1};
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *res = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, backend), GPUOPT_SUCCESS);
    gpuopt_context_set_seed(ctx, r->seed);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, r->problem, r->dim), GPUOPT_SUCCESS);
    if (r->bounded) {
        double lo[64], hi[64];
        for (size_t k = 0; k < r->dim; ++k) {
            lo[k] = -3.5;
            hi[k] = 3.2;
        }
        CHECK_STATUS(gpuopt_problem_set_bounds(p, lo, hi), GPUOPT_SUCCESS);
    }
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, r->alg), GPUOPT_SUCCESS);
    set_options(o, "ftarget=1e-10 stopping.max_criterion_evaluations=100000");
    set_options(o, r->options);
    out.status = gpuopt_minimize(o, p, &res);
    snprintf(out.errmsg, sizeof out.errmsg, "%s", gpuopt_optimizer_errmsg(o));
    if (res && out.status > 0) {
        out.fun = gpuopt_result_fun(res);
        out.evals = (long)gpuopt_result_n_evaluations(res);
    }
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return out;
}

static void describe(char *buf, size_t len, const char *backend, const run_spec *r)
{
    snprintf(buf, len, "%s %s %s n=%zu seed %llu%s%s%s", backend, r->alg, r->problem, r->dim,
             (unsigned long long)r->seed, r->bounded ? " bounded" : "", r->options ? " " : "",
             r->options ? r->options : "");
}

/* The acceptance run, with the default options. */
static void test_acceptance(const char *backend)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *res = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, backend), GPUOPT_SUCCESS);
    gpuopt_context_set_seed(ctx, 1);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "ellipsoid", 10), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "cmaes"), GPUOPT_SUCCESS);
    gpuopt_status st = gpuopt_minimize(o, p, &res);
    CHECK_MSG(st > 0 && gpuopt_result_fun(res) < 1e-8, "%s: cmaes on ellipsoid-10: %s, f %g",
              backend, gpuopt_status_name(st), res ? gpuopt_result_fun(res) : NAN);
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

#define SEEDS 5

/* Median evaluations to f < 1e-10 over SEEDS seeds; every seed must reach it. */
static long median_evaluations(const char *backend, run_spec r)
{
    long e[SEEDS];
    for (int s = 0; s < SEEDS; ++s) {
        r.seed = (uint64_t)s + 1;
        run_out out = run(backend, &r);
        char what[200];
        describe(what, sizeof what, backend, &r);
        int reached = out.status == GPUOPT_STOP_TARGET_REACHED;
        CHECK_MSG(reached, "%s: %s f %g: %s", what, gpuopt_status_name(out.status), out.fun,
                  out.errmsg);
        e[s] = reached ? out.evals : 1L << 40;
    }
    qsort(e, SEEDS, sizeof *e, cmp_long);
    return e[SEEDS / 2];
}

/* The device's runs differ from the CPU's from the first normals on (their last bits, see
 * test_ops), so runs agree in distribution, not bit for bit: every seed reaches the target on
 * both backends and the median evaluations agree within 15%. */
static void test_runs(const char *backend)
{
    const run_spec cases[] = {
        {"cmaes", "sphere", 10, 1, 0, NULL},
        {"cmaes", "ellipsoid", 10, 1, 0, NULL},
        {"cmaes", "ellipsoid", 20, 1, 1, NULL},
        {"cmaes", "ellipsoid", 10, 1, 1, "bounds_handling=penalty"},
        {"cmaes", "rastrigin", 5, 1, 0, "restarts=ipop max_restarts=9"},
        {"cmaes", "rastrigin", 5, 1, 1, "restarts=bipop max_restarts=9"},
        {"sep_cmaes", "ellipsoid", 5, 1, 1, "restarts=bipop"},
        {"sep_cmaes", "ellipsoid", 30, 1, 0, "restarts=ipop"},
        {"sep_cmaes", "ellipsoid", 50, 1, 1, "bounds_handling=penalty"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        long dev = median_evaluations(backend, cases[c]), cpu = median_evaluations("cpu", cases[c]);
        char what[200];
        describe(what, sizeof what, backend, &cases[c]);
        printf("%s: median evaluations %ld, %ld on cpu\n", what, dev, cpu);
        CHECK_MSG(fabs((double)dev / (double)cpu - 1.0) <= 0.15, "%s: %ld vs %ld on cpu", what,
                  dev, cpu);
    }
}

/* ================================================================ main */

static int test_device(gpuopt_backend *ref, const gpuopt_backend_ops *ops)
{
    char why[256] = "";
    if (ops->device_count(0, why, sizeof why) <= 0) {
        printf("%s: no device (%s): its CMA-ES checks did not run\n", ops->name, why);
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
    test_acceptance(ops->name);
    test_runs(ops->name);
    return 1;
}

int main(void)
{
    gpuopt_backend *ref = NULL;
    CHECK_STATUS(gpuopt_backend_open(&ref, &gpuopt_backend_cpu, 2), GPUOPT_SUCCESS);
    int tested = 0, compiled = 0;
    for (size_t i = 0; i < gpuopt_backend_table_size(); ++i) {
        const gpuopt_backend_ops *ops = gpuopt_backend_table_at(i);
        if (!ops->is_gpu)
            continue;
        ++compiled;
        test_ops_table(ops);
        tested += test_device(ref, ops);
    }
    gpuopt_backend_close(&ref);
    if (!tested) {
        printf("no device backend with a device (%d compiled in, ops tables checked): skipped\n",
               compiled);
        return CHECK_SKIP_EXIT;
    }
    return check_finish();
}
