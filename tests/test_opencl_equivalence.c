/* CPU and OpenCL give the same runs (issue 3, part 8):
 *  - DE and PSO on sphere and rosenbrock, same seed: bitwise-identical x, fun, evaluation and
 *    iteration counts, over mutation variants, bounds rules, velocity variants, topologies and
 *    both PSO update modes;
 *  - the fused generation kernels and the unfused launches (fused_generation=false): the same
 *    bits on OpenCL; best_sync_every=4 keeps CPU and OpenCL equal;
 *  - user criteria (host batch / point callbacks, least squares, likelihood, NaN penalties)
 *    and the ask/tell interface: the same bits;
 *  - rastrigin and ackley (cos/exp may differ in the last bit between libm and the OpenCL
 *    implementation): success rates over 20 seeds agree within sampling error.
 * Reported skipped (77) when OpenCL is not compiled in or has no device. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"

#define DIM 10

typedef struct outcome {
    gpuopt_status status;
    double x[DIM];
    double fun;
    int64_t n_evaluations, n_iterations;
} outcome;

typedef struct user_fn {
    int kind; /* 0 built-in, 1 point, 2 batch, 3 least squares, 4 likelihood, 5 NaN region */
} user_fn;

static int point_sphere(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    double s = 0;
    for (size_t k = 0; k < dim; ++k)
        s += x[k] * x[k];
    out[0] = s;
    return 0;
}

static int batch_rosenbrock(const double *X, size_t n, double *out, void *user)
{
    size_t dim = *(const size_t *)user;
    for (size_t i = 0; i < n; ++i) {
        const double *x = X + i * dim;
        double s = 0;
        for (size_t k = 0; k + 1 < dim; ++k) {
            double valley = x[k + 1] - x[k] * x[k];
            s += 100 * valley * valley + (x[k] - 1) * (x[k] - 1);
        }
        out[i] = s;
    }
    return 0;
}

static int residuals(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < dim; ++k)
        out[k] = x[k] - 0.1 * (double)k;
    return 0;
}

static int nan_region(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    point_sphere(x, dim, out, NULL);
    if (x[0] > 1.0)
        out[0] = NAN;
    return 0;
}

static size_t dim_value = DIM;

static void set_criterion(gpuopt_problem *p, int kind)
{
    switch (kind) {
    case 1:
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, point_sphere, NULL,
                                           GPUOPT_CALLBACK_THREAD_SAFE);
        break;
    case 2:
        gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, batch_rosenbrock,
                                           &dim_value, 0);
        break;
    case 3:
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, DIM, residuals,
                                           NULL, GPUOPT_CALLBACK_THREAD_SAFE);
        break;
    case 4:
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LIKELIHOOD, DIM, residuals, NULL,
                                           0);
        break;
    case 5:
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, nan_region, NULL, 0);
        break;
    default:
        break;
    }
}

/* One run; options is a ';'-separated list of key=value. */
static outcome run_dim(gpuopt_context *ctx, const char *alg, const char *problem, size_t dim,
                       int criterion, uint64_t seed, const char *options)
{
    outcome out;
    memset(&out, 0, sizeof out);
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    gpuopt_problem_create_builtin(&p, problem, dim);
    set_criterion(p, criterion);
    gpuopt_optimizer_create(&o, ctx, alg);
    char buf[512], *save = NULL;
    snprintf(buf, sizeof buf, "%s", options);
    for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save))
        CHECK_MSG(gpuopt_optimizer_set_option(o, kv) == GPUOPT_SUCCESS, "%s: %s", kv,
                  gpuopt_optimizer_errmsg(o));
    char seed_opt[64];
    snprintf(seed_opt, sizeof seed_opt, "seed=%llu", (unsigned long long)seed);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, seed_opt), GPUOPT_SUCCESS);
    out.status = gpuopt_minimize(o, p, &r);
    CHECK_MSG(out.status > 0, "%s on %s (%s): %s", alg, gpuopt_context_backend(ctx), options,
              gpuopt_optimizer_errmsg(o));
    if (r) {
        memcpy(out.x, gpuopt_result_x(r), dim * sizeof(double));
        out.fun = gpuopt_result_fun(r);
        out.n_evaluations = gpuopt_result_n_evaluations(r);
        out.n_iterations = gpuopt_result_n_iterations(r);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return out;
}

static outcome run(gpuopt_context *ctx, const char *alg, const char *problem, int criterion,
                   uint64_t seed, const char *options)
{
    return run_dim(ctx, alg, problem, DIM, criterion, seed, options);
}

static int same(const outcome *a, const outcome *b)
{
    return a->status == b->status && !memcmp(a->x, b->x, sizeof a->x) &&
           !memcmp(&a->fun, &b->fun, sizeof a->fun) && a->n_evaluations == b->n_evaluations &&
           a->n_iterations == b->n_iterations;
}

static gpuopt_context *cpu, *ocl;

static void compare(const char *alg, const char *problem, int criterion, const char *options)
{
    outcome a = run(cpu, alg, problem, criterion, 3, options);
    outcome b = run(ocl, alg, problem, criterion, 3, options);
    CHECK_MSG(same(&a, &b),
              "%s %s criterion %d (%s): cpu fun %.17g (%lld evals) vs opencl %.17g (%lld)", alg,
              problem, criterion, options, a.fun, (long long)a.n_evaluations, b.fun,
              (long long)b.n_evaluations);
}

static void test_de_bitwise(void)
{
    static const char *const settings[] = {
        "population_size=40;stopping.max_iterations=120",
        "population_size=40;stopping.max_iterations=120;mutation_variant=best/1/bin;"
        "bounds_handling=clip",
        "population_size=30;stopping.max_iterations=80;mutation_variant=rand-to-best/1/exp;"
        "bounds_handling=reflect",
        "population_size=30;stopping.max_iterations=80;mutation_variant=rand/2/bin;"
        "crossover_probability=0.3",
        "population_size=25;stopping.max_iterations=60;mutation_variant=best/2/exp;"
        "discard_start_params=true",
    };
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; ++s) {
        compare("de", "sphere", 0, settings[s]);
        compare("de", "rosenbrock", 0, settings[s]);
    }
    compare("de", "sphere", 0, ""); /* defaults: stops on its tolerances */
}

static void test_pso_bitwise(void)
{
    static const char *const settings[] = {
        "population_size=40;stopping.max_iterations=120",
        "population_size=30;stopping.max_iterations=80;neighbor_definition=gbest;"
        "algo_variant=canonical_inertia",
        "population_size=30;stopping.max_iterations=80;neighbor_definition=von_neumann;"
        "algo_variant=fips",
        "population_size=30;stopping.max_iterations=80;neighbor_definition=adaptive_random;"
        "algo_variant=social_and_cog_rand;neighbor_param=5",
        "population_size=20;stopping.max_iterations=40;update=sequential",
        "population_size=20;stopping.max_criterion_evaluations=333",
    };
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; ++s) {
        compare("pso", "sphere", 0, settings[s]);
        compare("pso", "rosenbrock", 0, settings[s]);
    }
}

/* On OpenCL, the fused generation kernels give the bits of the unfused launches (rastrigin too:
 * the same device evaluates both); with best_sync_every = 4, CPU and OpenCL still agree. */
static void test_fused_bitwise(void)
{
    static const char *const settings[][2] = {
        {"de", "population_size=40;stopping.max_iterations=60;mutation_variant=best/1/bin"},
        {"de", "population_size=30;stopping.max_iterations=60;mutation_variant=rand/1/exp"},
        {"pso", "population_size=40;stopping.max_iterations=60"},
        {"pso", "population_size=30;stopping.max_iterations=60;neighbor_definition=gbest"},
    };
    static const char *const problems[] = {"sphere", "rosenbrock", "rastrigin"};
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; ++s) {
        char unfused[256], synced[256];
        snprintf(unfused, sizeof unfused, "%s;fused_generation=false", settings[s][1]);
        snprintf(synced, sizeof synced, "%s;best_sync_every=4", settings[s][1]);
        for (size_t p = 0; p < 3; ++p) {
            outcome a = run(ocl, settings[s][0], problems[p], 0, 3, settings[s][1]);
            outcome b = run(ocl, settings[s][0], problems[p], 0, 3, unfused);
            CHECK_MSG(same(&a, &b), "%s on %s (%s): opencl fused %.17g vs unfused %.17g",
                      settings[s][0], problems[p], settings[s][1], a.fun, b.fun);
        }
        compare(settings[s][0], "sphere", 0, synced);
        compare(settings[s][0], "rosenbrock", 0, unfused);
    }
}

static void test_user_criteria(void)
{
    const char *de = "population_size=30;stopping.max_iterations=60";
    const char *pso = "population_size=30;stopping.max_iterations=60";
    for (int criterion = 1; criterion <= 4; ++criterion) {
        compare("de", criterion == 2 ? "rosenbrock" : "sphere", criterion, de);
        compare("pso", criterion == 2 ? "rosenbrock" : "sphere", criterion, pso);
    }
    compare("de", "sphere", 5, "population_size=30;stopping.max_iterations=40;"
                               "error_handling=continue");
    compare("pso", "sphere", 5, "population_size=30;stopping.max_iterations=40;"
                                "error_handling=continue");
    /* error_handling=raise: the same failure, naming the same point */
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o[2] = {NULL, NULL};
    gpuopt_context *ctx[2] = {cpu, ocl};
    gpuopt_problem_create_builtin(&p, "sphere", DIM);
    set_criterion(p, 5);
    for (int k = 0; k < 2; ++k) {
        gpuopt_optimizer_create(&o[k], ctx[k], "de");
        gpuopt_optimizer_set_option(o[k], "seed=3");
        CHECK_STATUS(gpuopt_minimize(o[k], p, NULL), GPUOPT_ERR_NONFINITE_CRITERION);
    }
    CHECK_MSG(!strcmp(gpuopt_optimizer_errmsg(o[0]), gpuopt_optimizer_errmsg(o[1])),
              "raise: cpu '%s' vs opencl '%s'", gpuopt_optimizer_errmsg(o[0]),
              gpuopt_optimizer_errmsg(o[1]));
    for (int k = 0; k < 2; ++k)
        gpuopt_optimizer_destroy(&o[k]);
    gpuopt_problem_destroy(&p);
}

/* ask/tell on each backend, values computed here: the same points and the same best. */
static void ask_tell(gpuopt_context *ctx, const char *alg, double *trace, double *best)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_problem_create_builtin(&p, "rosenbrock", DIM);
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_optimizer_set_option(o, "population_size=16");
    gpuopt_optimizer_set_option(o, "seed=11");
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    for (int it = 0; it < 30; ++it) {
        const double *X;
        size_t n;
        double f[16];
        CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
        batch_rosenbrock(X, n, f, &dim_value);
        trace[it] = X[n * DIM - 1];
        CHECK_STATUS(gpuopt_optimizer_tell(o, f, n), GPUOPT_SUCCESS);
    }
    gpuopt_optimizer_best(o, best, best + DIM);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

static void test_ask_tell(void)
{
    const char *algs[] = {"de", "pso"};
    for (int a = 0; a < 2; ++a) {
        double t1[30], t2[30], b1[DIM + 1], b2[DIM + 1];
        ask_tell(cpu, algs[a], t1, b1);
        ask_tell(ocl, algs[a], t2, b2);
        CHECK_MSG(!memcmp(t1, t2, sizeof t1) && !memcmp(b1, b2, sizeof b1),
                  "%s: ask/tell differs between cpu and opencl", algs[a]);
    }
}

/* Success rates over 20 seeds in dimension 5 (targets near the median result, so that both
 * outcomes occur): |p_cpu - p_ocl| within 3 standard errors plus one run. */
static void test_success_rates(const char *alg, const char *problem, double target)
{
    const int seeds = 20;
    int ok_cpu = 0, ok_ocl = 0, identical = 0;
    const char *options = "population_size=30;stopping.max_iterations=150";
    for (int s = 1; s <= seeds; ++s) {
        outcome a = run_dim(cpu, alg, problem, 5, 0, (uint64_t)s, options);
        outcome b = run_dim(ocl, alg, problem, 5, 0, (uint64_t)s, options);
        ok_cpu += a.fun < target;
        ok_ocl += b.fun < target;
        identical += same(&a, &b);
    }
    double p = (ok_cpu + ok_ocl) / (2.0 * seeds);
    double se = sqrt(2.0 * p * (1.0 - p) / seeds);
    double gap = fabs((double)(ok_cpu - ok_ocl)) / (double)seeds;
    CHECK_MSG(gap <= 3.0 * se + 1.0 / seeds, "%s on %s: %d vs %d successes of %d", alg, problem,
              ok_cpu, ok_ocl, seeds);
    printf("%s on %s (f < %g): cpu %d/%d, opencl %d/%d successes; %d of %d runs bitwise "
           "identical\n",
           alg, problem, target, ok_cpu, seeds, ok_ocl, seeds, identical, seeds);
}

int main(void)
{
    char why[256] = "";
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find("opencl");
    if (!ops) {
        printf("skipped: the OpenCL backend is not compiled into this build\n");
        return CHECK_SKIP_EXIT;
    }
    if (ops->device_count(0, why, sizeof why) <= 0) {
        printf("skipped: no OpenCL device (%s)\n", why);
        return CHECK_SKIP_EXIT;
    }
    CHECK_STATUS(gpuopt_context_create(&cpu, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_context_create(&ocl, "opencl"), GPUOPT_SUCCESS);
    if (!cpu || !ocl)
        return check_finish();
    gpuopt_context_set_threads(cpu, 2);
    test_de_bitwise();
    test_pso_bitwise();
    test_fused_bitwise();
    test_user_criteria();
    test_ask_tell();
    test_success_rates("de", "rastrigin", 3.5);
    test_success_rates("de", "ackley", 1e-2);
    test_success_rates("pso", "rastrigin", 1.01);
    test_success_rates("pso", "ackley", 2.5e-3);
    gpuopt_context_destroy(&cpu);
    gpuopt_context_destroy(&ocl);
    return check_finish();
}
