/* CPU and CUDA give the same runs (issue 3, parts 5 and 8):
 *  - 10^6 Philox draws of fill_uniform: bitwise equal;
 *  - DE and PSO on sphere and rosenbrock, same seed: bitwise-identical x, fun, evaluation and
 *    iteration counts, over mutation variants, bounds rules, velocity variants, topologies and
 *    both PSO update modes;
 *  - host-callback criteria (point, batch, least squares, likelihood, NaN penalties): the same
 *    bits, with only each batch crossing to the host;
 *  - rastrigin and ackley (cos/exp may differ in the last bit between glibc and CUDA's
 *    libdevice): success rates over 20 seeds agree within sampling error.
 * Reported skipped (77) when CUDA is not compiled in or has no device. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"

#define DIM 10

typedef struct outcome {
    gpuopt_status status;
    double x[DIM];
    double fun;
    int64_t n_evaluations, n_iterations;
} outcome;

static size_t dim_value = DIM;

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

static int shifted(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < dim; ++k)
        out[k] = x[k] - 0.1 * (double)k;
    return 0;
}

static int nan_above_one(const double *x, size_t dim, double *out, void *user)
{
    point_sphere(x, dim, out, user);
    if (x[0] > 1.0)
        out[0] = NAN;
    return 0;
}

/* 0: the built-in; 1 point sphere; 2 batch rosenbrock; 3 least squares; 4 likelihood;
 * 5 NaN where x_0 > 1. */
static void set_criterion(gpuopt_problem *p, int kind)
{
    if (kind == 1)
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, point_sphere, NULL,
                                           GPUOPT_CALLBACK_THREAD_SAFE);
    else if (kind == 2)
        gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, batch_rosenbrock,
                                           &dim_value, 0);
    else if (kind == 3)
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LEAST_SQUARES, DIM, shifted, NULL,
                                           GPUOPT_CALLBACK_THREAD_SAFE);
    else if (kind == 4)
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LIKELIHOOD, DIM, shifted, NULL, 0);
    else if (kind == 5)
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, nan_above_one, NULL, 0);
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
    char buf[512], *save = NULL, seed_opt[64];
    snprintf(buf, sizeof buf, "%s", options);
    for (char *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save))
        CHECK_MSG(gpuopt_optimizer_set_option(o, kv) == GPUOPT_SUCCESS, "%s: %s", kv,
                  gpuopt_optimizer_errmsg(o));
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

static int same(const outcome *a, const outcome *b)
{
    return a->status == b->status && !memcmp(a->x, b->x, sizeof a->x) &&
           !memcmp(&a->fun, &b->fun, sizeof a->fun) && a->n_evaluations == b->n_evaluations &&
           a->n_iterations == b->n_iterations;
}

static gpuopt_context *cpu, *gpu;

static void compare(const char *alg, const char *problem, int criterion, const char *options)
{
    outcome a = run_dim(cpu, alg, problem, DIM, criterion, 3, options);
    outcome b = run_dim(gpu, alg, problem, DIM, criterion, 3, options);
    CHECK_MSG(same(&a, &b),
              "%s %s criterion %d (%s): cpu fun %.17g (%lld evals) vs cuda %.17g (%lld)", alg,
              problem, criterion, options, a.fun, (long long)a.n_evaluations, b.fun,
              (long long)b.n_evaluations);
}

/* ------------------------------------------------------------------ random numbers */

static void test_draws(void)
{
    const size_t n = 1000000;
    gpuopt_backend *b[2] = {NULL, NULL};
    double *out[2] = {malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    CHECK_STATUS(gpuopt_backend_open(&b[0], gpuopt_backend_ops_find("cpu"), 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_backend_open(&b[1], gpuopt_backend_ops_find("cuda"), 2), GPUOPT_SUCCESS);
    for (int k = 0; k < 2 && b[0] && b[1]; ++k) {
        gpuopt_dptr p = NULL;
        CHECK_STATUS(b[k]->ops->alloc(b[k], n * sizeof(double), &p), GPUOPT_SUCCESS);
        CHECK_STATUS(b[k]->ops->fill_uniform(b[k], p, n, 0xC0FFEEu, 42, 1u << 20),
                     GPUOPT_SUCCESS);
        CHECK_STATUS(b[k]->ops->read(b[k], out[k], p, 0, n * sizeof(double)), GPUOPT_SUCCESS);
        b[k]->ops->release(b[k], p);
    }
    CHECK_MSG(!memcmp(out[0], out[1], n * sizeof(double)),
              "10^6 fill_uniform draws differ between cpu and cuda");
    CHECK(out[1][999999] == gpuopt_philox_uniform(0xC0FFEEu, 42, (1u << 20) + 999999));
    gpuopt_backend_close(&b[0]);
    gpuopt_backend_close(&b[1]);
    free(out[0]);
    free(out[1]);
}

/* ------------------------------------------------------------------ DE and PSO */

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
        "population_size=5000;stopping.max_iterations=10", /* several reduction blocks */
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
        "population_size=5000;stopping.max_iterations=10",
    };
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; ++s) {
        compare("pso", "sphere", 0, settings[s]);
        compare("pso", "rosenbrock", 0, settings[s]);
    }
}

static void test_host_callbacks(void)
{
    const char *opts = "population_size=30;stopping.max_iterations=60";
    for (int criterion = 1; criterion <= 4; ++criterion) {
        compare("de", criterion == 2 ? "rosenbrock" : "sphere", criterion, opts);
        compare("pso", criterion == 2 ? "rosenbrock" : "sphere", criterion, opts);
    }
    const char *penalized = "population_size=30;stopping.max_iterations=40;"
                            "error_handling=continue";
    compare("de", "sphere", 5, penalized);
    compare("pso", "sphere", 5, penalized);
    /* error_handling=raise: the same failure, naming the same point */
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o[2] = {NULL, NULL};
    gpuopt_context *ctx[2] = {cpu, gpu};
    gpuopt_problem_create_builtin(&p, "sphere", DIM);
    set_criterion(p, 5);
    for (int k = 0; k < 2; ++k) {
        gpuopt_optimizer_create(&o[k], ctx[k], "de");
        gpuopt_optimizer_set_option(o[k], "seed=3");
        CHECK_STATUS(gpuopt_minimize(o[k], p, NULL), GPUOPT_ERR_NONFINITE_CRITERION);
    }
    CHECK_MSG(!strcmp(gpuopt_optimizer_errmsg(o[0]), gpuopt_optimizer_errmsg(o[1])),
              "raise: cpu '%s' vs cuda '%s'", gpuopt_optimizer_errmsg(o[0]),
              gpuopt_optimizer_errmsg(o[1]));
    for (int k = 0; k < 2; ++k)
        gpuopt_optimizer_destroy(&o[k]);
    gpuopt_problem_destroy(&p);
}

/* Success rates over 20 seeds in dimension 5 (targets near the median result, so that both
 * outcomes occur): |p_cpu - p_cuda| within 3 standard errors plus one run. */
static void test_success_rates(const char *alg, const char *problem, double target)
{
    const int seeds = 20;
    int ok_cpu = 0, ok_gpu = 0, identical = 0;
    const char *options = "population_size=30;stopping.max_iterations=150";
    for (int s = 1; s <= seeds; ++s) {
        outcome a = run_dim(cpu, alg, problem, 5, 0, (uint64_t)s, options);
        outcome b = run_dim(gpu, alg, problem, 5, 0, (uint64_t)s, options);
        ok_cpu += a.fun < target;
        ok_gpu += b.fun < target;
        identical += same(&a, &b);
    }
    double p = (ok_cpu + ok_gpu) / (2.0 * seeds);
    double se = sqrt(2.0 * p * (1.0 - p) / seeds);
    double gap = fabs((double)(ok_cpu - ok_gpu)) / (double)seeds;
    CHECK_MSG(gap <= 3.0 * se + 1.0 / seeds, "%s on %s: %d vs %d successes of %d", alg, problem,
              ok_cpu, ok_gpu, seeds);
    printf("%s on %s (f < %g): cpu %d/%d, cuda %d/%d successes; %d of %d runs bitwise "
           "identical\n",
           alg, problem, target, ok_cpu, seeds, ok_gpu, seeds, identical, seeds);
}

int main(void)
{
    char why[256] = "";
    const gpuopt_backend_ops *ops = gpuopt_backend_ops_find("cuda");
    if (!ops) {
        printf("skipped: the CUDA backend is not compiled into this build\n");
        return CHECK_SKIP_EXIT;
    }
    if (ops->device_count(0, why, sizeof why) <= 0) {
        printf("skipped: no CUDA device (%s)\n", why);
        return CHECK_SKIP_EXIT;
    }
    CHECK_STATUS(gpuopt_context_create(&cpu, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_context_create(&gpu, "cuda"), GPUOPT_SUCCESS);
    if (!cpu || !gpu)
        return check_finish();
    gpuopt_context_set_threads(cpu, 2);
    test_draws();
    test_de_bitwise();
    test_pso_bitwise();
    test_host_callbacks();
    test_success_rates("de", "rastrigin", 3.5);
    test_success_rates("de", "ackley", 1e-2);
    test_success_rates("pso", "rastrigin", 1.01);
    test_success_rates("pso", "ackley", 2.5e-3);
    gpuopt_context_destroy(&cpu);
    gpuopt_context_destroy(&gpu);
    return check_finish();
}
