/* Differential evolution (de, alias pygmo_de): the ten variants, options, errors,
 * reproducibility, bounds handling, and the per-individual kernels. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gpuopt.h"
#include "kernels/de.h"
#include "tests/check.h"

#define MAX_DIM 16

typedef struct outcome {
    gpuopt_status st;
    double fun;
    double x[MAX_DIM];
    int64_t n_iterations, n_evaluations;
    char errmsg[512];
} outcome;

static gpuopt_context *make_context(int threads)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    if (ctx)
        CHECK_STATUS(gpuopt_context_set_threads(ctx, threads), GPUOPT_SUCCESS);
    return ctx;
}

/* settings: "key=value" strings, NULL-terminated. */
static gpuopt_optimizer *make_optimizer(gpuopt_context *ctx, const char *const *settings)
{
    gpuopt_optimizer *opt = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&opt, ctx, "pygmo_de"), GPUOPT_SUCCESS);
    for (size_t k = 0; opt && settings && settings[k]; ++k)
        CHECK_MSG(gpuopt_optimizer_set_option(opt, settings[k]) == GPUOPT_SUCCESS, "%s: %s",
                  settings[k], gpuopt_optimizer_errmsg(opt));
    return opt;
}

static outcome minimize(gpuopt_optimizer *opt, gpuopt_problem *prob)
{
    outcome out;
    memset(&out, 0, sizeof out);
    out.fun = NAN;
    gpuopt_result *res = NULL;
    out.st = gpuopt_minimize(opt, prob, &res);
    snprintf(out.errmsg, sizeof out.errmsg, "%s", gpuopt_optimizer_errmsg(opt));
    if (res) {
        out.fun = gpuopt_result_fun(res);
        size_t dim = gpuopt_result_dim(res);
        memcpy(out.x, gpuopt_result_x(res), (dim < MAX_DIM ? dim : MAX_DIM) * sizeof(double));
        out.n_iterations = gpuopt_result_n_iterations(res);
        out.n_evaluations = gpuopt_result_n_evaluations(res);
        gpuopt_result_destroy(&res);
    }
    return out;
}

/* Minimizes a built-in problem on the CPU backend with `threads` threads. */
static outcome run_builtin(const char *problem, size_t dim, int threads,
                           const char *const *settings)
{
    gpuopt_context *ctx = make_context(threads);
    gpuopt_optimizer *opt = make_optimizer(ctx, settings);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&prob, problem, dim), GPUOPT_SUCCESS);
    outcome out = minimize(opt, prob);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
    return out;
}

static int is_stop_reason(gpuopt_status st)
{
    return st > 0;
}

/* ------------------------------------------------------------ public API */

static void test_lookup_and_options(void)
{
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&opt, ctx, "pygmo_de"), GPUOPT_SUCCESS);
    CHECK(opt && strcmp(gpuopt_optimizer_algorithm(opt), "de") == 0);
    char buf[64] = "";
    CHECK_STATUS(gpuopt_optimizer_get_option(opt, "mutation_variant", buf, sizeof buf),
                 GPUOPT_SUCCESS);
    CHECK(strcmp(buf, "rand/1/exp") == 0);
    CHECK_STATUS(gpuopt_optimizer_get_option(opt, "bounds_handling", buf, sizeof buf),
                 GPUOPT_SUCCESS);
    CHECK(strcmp(buf, "random") == 0);
    CHECK_STATUS(gpuopt_optimizer_set_int(opt, "mutation_variant", 11), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_double(opt, "weight_coefficient", 2.5),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_double(opt, "crossover_probability", 1.5),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_string(opt, "bounds_handling", "wrap"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);

    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("pygmo_de", &info), GPUOPT_SUCCESS);
    CHECK(info.properties & GPUOPT_PROP_NEEDS_BOUNDS);
    CHECK(info.properties & GPUOPT_PROP_GLOBAL);
    CHECK(info.backends & GPUOPT_BACKEND_CPU);
}

/* Every variant solves sphere in dimension 5. */
static void test_all_variants_solve_sphere(void)
{
    for (int v = 1; v <= 10; ++v) {
        char variant[48];
        snprintf(variant, sizeof variant, "mutation_variant=%d", v);
        const char *settings[] = {variant, "seed=3", "stopping.max_iterations=600",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        outcome out = run_builtin("sphere", 5, 2, settings);
        CHECK_MSG(out.st == GPUOPT_STOP_MAX_ITERATIONS, "variant %d: %s (%s)", v,
                  gpuopt_status_name(out.st), out.errmsg);
        CHECK_MSG(out.fun < 1e-6, "variant %d: f = %g", v, out.fun);
        CHECK(out.n_iterations == 600);
    }
}

/* A variant set by name and by pagmo's code is the same run. */
static void test_variant_name_equals_code(void)
{
    const char *by_name[] = {"mutation_variant=best/1/bin", "stopping.max_iterations=30", NULL};
    const char *by_code[] = {"mutation_variant=6", "stopping.max_iterations=30", NULL};
    outcome a = run_builtin("sphere", 4, 1, by_name);
    outcome b = run_builtin("sphere", 4, 1, by_code);
    CHECK(is_stop_reason(a.st) && a.st == b.st);
    CHECK(a.fun == b.fun && memcmp(a.x, b.x, sizeof a.x) == 0);
}

/* The project's done-criterion for de. */
static void test_sphere_10_to_1e8(void)
{
    const char *settings[] = {"seed=1", "stopping.max_iterations=3000",
                              "convergence.criterion_tolerance=0",
                              "convergence.relative_params_tolerance=0", NULL};
    outcome out = run_builtin("sphere", 10, 2, settings);
    CHECK_MSG(is_stop_reason(out.st), "%s (%s)", gpuopt_status_name(out.st), out.errmsg);
    CHECK_MSG(out.fun < 1e-8, "f = %g", out.fun);
}

/* Default tolerances end the run by population flatness, as pagmo does. */
static void test_stops_on_flatness(void)
{
    const char *settings[] = {"stopping.max_iterations=5000", NULL};
    outcome out = run_builtin("sphere", 3, 1, settings);
    CHECK_MSG(out.st == GPUOPT_STOP_CRITERION_TOLERANCE ||
                  out.st == GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE,
              "%s", gpuopt_status_name(out.st));
    CHECK(gpuopt_status_converged(out.st));
    CHECK(out.n_iterations > 0 && out.n_iterations < 5000);
    CHECK(out.fun < 1e-4);
}

static void test_evaluation_budget(void)
{
    const char *settings[] = {"stopping.max_criterion_evaluations=55", "population_size=10",
                              "convergence.criterion_tolerance=0",
                              "convergence.relative_params_tolerance=0", NULL};
    outcome out = run_builtin("sphere", 3, 1, settings);
    CHECK_STATUS(out.st, GPUOPT_STOP_MAX_EVALUATIONS);
    CHECK_MSG(out.n_evaluations >= 55 && out.n_evaluations < 65, "%lld evaluations",
              (long long)out.n_evaluations);
}

static void test_population_too_small(void)
{
    const char *too_small[] = {"mutation_variant=rand/2/bin", "population_size=5", NULL};
    outcome out = run_builtin("sphere", 3, 1, too_small);
    CHECK_STATUS(out.st, GPUOPT_ERR_POPULATION_TOO_SMALL);
    CHECK_CONTAINS(out.errmsg, ">= 6");

    const char *rand1[] = {"mutation_variant=rand/1/exp", "population_size=3", NULL};
    out = run_builtin("sphere", 3, 1, rand1);
    CHECK_STATUS(out.st, GPUOPT_ERR_POPULATION_TOO_SMALL);
    CHECK_CONTAINS(out.errmsg, ">= 4");

    /* the smallest allowed population works */
    const char *smallest[] = {"mutation_variant=best/1/exp", "population_size=3",
                              "stopping.max_iterations=20", "convergence.criterion_tolerance=0",
                              "convergence.relative_params_tolerance=0", NULL};
    out = run_builtin("sphere", 3, 1, smallest);
    CHECK_STATUS(out.st, GPUOPT_STOP_MAX_ITERATIONS);
    CHECK(out.n_evaluations == 3 + 20 * 3);
}

static int shifted_sphere(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    double s = 0.0;
    for (size_t j = 0; j < dim; ++j)
        s += (x[j] - 3.0) * (x[j] - 3.0);
    *out = s;
    return 0;
}

static void test_bounds_required(void)
{
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create(&prob, 2), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(prob, GPUOPT_CRITERION_SCALAR, 1,
                                                    shifted_sphere, NULL, 0),
                 GPUOPT_SUCCESS);
    const double lower[2] = {-1.0, -INFINITY}, upper[2] = {1.0, 1.0};
    CHECK_STATUS(gpuopt_problem_set_bounds(prob, lower, upper), GPUOPT_SUCCESS);
    outcome out = minimize(opt, prob);
    CHECK_STATUS(out.st, GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(out.errmsg, "finite bounds");
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

static void test_threads_do_not_matter(void)
{
    const char *settings[] = {"seed=7", "stopping.max_iterations=200", NULL};
    for (int v = 1; v <= 10; v += 3) {
        char variant[48];
        snprintf(variant, sizeof variant, "mutation_variant=%d", v);
        const char *s[] = {variant, settings[0], settings[1], NULL};
        outcome one = run_builtin("rosenbrock", 6, 1, s);
        outcome two = run_builtin("rosenbrock", 6, 2, s);
        CHECK(is_stop_reason(one.st) && one.st == two.st);
        CHECK_MSG(memcmp(&one.fun, &two.fun, sizeof one.fun) == 0, "variant %d", v);
        CHECK_MSG(memcmp(one.x, two.x, sizeof one.x) == 0, "variant %d", v);
        CHECK(one.n_iterations == two.n_iterations);
    }
}

static int same_outcome(const outcome *a, const outcome *b)
{
    return a->st == b->st && !memcmp(&a->fun, &b->fun, sizeof a->fun) &&
           !memcmp(a->x, b->x, sizeof a->x) && a->n_iterations == b->n_iterations &&
           a->n_evaluations == b->n_evaluations;
}

/* The fused trial + evaluation of a built-in problem gives the bits of the unfused steps. */
static void test_fused_equals_unfused(void)
{
    const char *problems[] = {"sphere", "rosenbrock", "rastrigin", "ackley"};
    for (int v = 1; v <= 10; v += 3)
        for (size_t p = 0; p < 4; ++p) {
            char variant[48];
            snprintf(variant, sizeof variant, "mutation_variant=%d", v);
            const char *fused[] = {variant, "seed=11", "stopping.max_iterations=60", NULL};
            const char *plain[] = {variant, "seed=11", "stopping.max_iterations=60",
                                   "fused_generation=false", NULL};
            outcome a = run_builtin(problems[p], 7, 2, fused);
            outcome b = run_builtin(problems[p], 7, 2, plain);
            CHECK_MSG(same_outcome(&a, &b), "variant %d on %s: fused %.17g, unfused %.17g", v,
                      problems[p], a.fun, b.fun);
        }
}

/* Progress reports: how many times best_f changed (after the first report) at an iteration that
 * is not a multiple of `every`. */
typedef struct sync_log {
    int64_t every;
    double last;
    int off_schedule, changes;
} sync_log;

static int log_progress(const gpuopt_progress *p, void *user)
{
    sync_log *l = user;
    if (p->best_f != l->last && l->last != INFINITY) { /* the first: the initial population */
        l->changes += 1;
        l->off_schedule += p->n_iterations % l->every != 0;
    }
    l->last = p->best_f;
    return 0;
}

/* The best point reaches progress reports only every k-th generation (and, with k = 1, at
 * others too). */
static int off_schedule_changes(int every, int64_t watch, int *changes)
{
    gpuopt_context *ctx = make_context(1);
    char sync[48];
    snprintf(sync, sizeof sync, "best_sync_every=%d", every);
    const char *settings[] = {"seed=5", "stopping.max_iterations=60", sync, NULL};
    gpuopt_optimizer *opt = make_optimizer(ctx, settings);
    sync_log l = {watch, INFINITY, 0, 0};
    CHECK_STATUS(gpuopt_optimizer_set_progress(opt, log_progress, &l), GPUOPT_SUCCESS);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&prob, "rastrigin", 3), GPUOPT_SUCCESS);
    outcome out = minimize(opt, prob);
    CHECK(is_stop_reason(out.st));
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
    *changes = l.changes;
    return l.off_schedule;
}

/* best_sync_every = k: the population's best crosses every k generations and at the last one
 * (iteration budget, evaluation budget, convergence), which is the result of k = 1. */
static void test_best_sync_every(void)
{
    const char *stops[][2] = {{"stopping.max_iterations=23", "convergence.criterion_tolerance=0"},
                              {"stopping.max_criterion_evaluations=410",
                               "convergence.criterion_tolerance=0"},
                              {"stopping.max_iterations=100000", "population_size=12"}};
    for (size_t c = 0; c < 3; ++c)
        for (int every = 3; every <= 1000; every *= 10) {
            char sync[48];
            snprintf(sync, sizeof sync, "best_sync_every=%d", every);
            const char *each[] = {"seed=5", stops[c][0], stops[c][1], NULL};
            const char *synced[] = {"seed=5", stops[c][0], stops[c][1], sync, NULL};
            outcome a = run_builtin("rastrigin", 3, 1, each);
            outcome b = run_builtin("rastrigin", 3, 1, synced);
            CHECK_MSG(same_outcome(&a, &b), "stop %zu, %s: %.17g, every batch %.17g", c, sync,
                      b.fun, a.fun);
        }
    int changes = 0;
    CHECK(off_schedule_changes(4, 4, &changes) == 0 && changes > 1);
    CHECK(off_schedule_changes(1, 4, &changes) > 0);
    gpuopt_context *ctx = make_context(1);
    gpuopt_optimizer *opt = make_optimizer(ctx, NULL);
    CHECK_STATUS(gpuopt_optimizer_set_int(opt, "best_sync_every", 0), GPUOPT_ERR_OPTION_RANGE);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(opt), "best_sync_every");
    CHECK_STATUS(gpuopt_optimizer_set_int(opt, "best_sync_every", -2), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(opt, "fused_generation=sometimes"),
                 GPUOPT_ERR_OPTION_TYPE);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

static void test_seeds(void)
{
    const char *seed1[] = {"seed=1", "stopping.max_iterations=25", NULL};
    const char *seed2[] = {"seed=2", "stopping.max_iterations=25", NULL};
    outcome a = run_builtin("rastrigin", 4, 2, seed1);
    outcome b = run_builtin("rastrigin", 4, 2, seed1);
    outcome c = run_builtin("rastrigin", 4, 2, seed2);
    CHECK(a.fun == b.fun && memcmp(a.x, b.x, sizeof a.x) == 0);
    CHECK(a.fun != c.fun && memcmp(a.x, c.x, sizeof a.x) != 0);

    /* seed = -1 takes the context's seed */
    gpuopt_context *ctx = make_context(1);
    CHECK_STATUS(gpuopt_context_set_seed(ctx, 1), GPUOPT_SUCCESS);
    const char *from_ctx[] = {"stopping.max_iterations=25", NULL};
    gpuopt_optimizer *opt = make_optimizer(ctx, from_ctx);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&prob, "rastrigin", 4), GPUOPT_SUCCESS);
    outcome d = minimize(opt, prob);
    CHECK(d.fun == a.fun && memcmp(a.x, d.x, sizeof a.x) == 0);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
}

/* Rastrigin in 2-D has many local minima. With 20 individuals DE finds the global one for
 * about 99 % of seeds (68 % with the default 10), so at least 4 of 5 seeds must succeed. */
static void test_rastrigin_2(void)
{
    int solved = 0;
    for (int seed = 1; seed <= 5; ++seed) {
        char s[32];
        snprintf(s, sizeof s, "seed=%d", seed);
        const char *settings[] = {s, "population_size=20", "stopping.max_iterations=400",
                                  "convergence.criterion_tolerance=0",
                                  "convergence.relative_params_tolerance=0", NULL};
        outcome out = run_builtin("rastrigin", 2, 2, settings);
        CHECK(is_stop_reason(out.st));
        solved += out.fun < 1e-6;
    }
    CHECK_MSG(solved >= 4, "rastrigin 2-D solved for %d of 5 seeds", solved);
}

/* ------------------------------------------------------- ask/tell level */

typedef struct asktell_report {
    int all_in_bounds;
    int first_is_start;
    double best_f;
} asktell_report;

/* Runs `generations` ask/tell rounds of the shifted sphere on [-1, 1]^3 (minimum on the
 * corner x = 1, f = 12), checking that every asked point is inside the bounds. */
static asktell_report run_asktell(const char *bounds_handling, int discard_start, int generations)
{
    enum { DIM = 3 };
    asktell_report rep = {1, 0, INFINITY};
    char bh[64], ds[64];
    snprintf(bh, sizeof bh, "bounds_handling=%s", bounds_handling);
    snprintf(ds, sizeof ds, "discard_start_params=%s", discard_start ? "true" : "false");
    const char *settings[] = {bh, ds, "seed=5", "stopping.max_iterations=100000",
                              "convergence.criterion_tolerance=0",
                              "convergence.relative_params_tolerance=0", NULL};
    gpuopt_context *ctx = make_context(2);
    gpuopt_optimizer *opt = make_optimizer(ctx, settings);
    gpuopt_problem *prob = NULL;
    CHECK_STATUS(gpuopt_problem_create(&prob, DIM), GPUOPT_SUCCESS);
    const double lower[DIM] = {-1, -1, -1}, upper[DIM] = {1, 1, 1}, x0[DIM] = {0.25, -0.5, 0.75};
    CHECK_STATUS(gpuopt_problem_set_point_criterion(prob, GPUOPT_CRITERION_SCALAR, 1,
                                                    shifted_sphere, NULL, 0),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_bounds(prob, lower, upper), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_start(prob, x0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_setup(opt, prob), GPUOPT_SUCCESS);
    for (int g = 0; g <= generations; ++g) {
        const double *X = NULL;
        size_t n = 0;
        CHECK_STATUS(gpuopt_optimizer_ask(opt, &X, &n), GPUOPT_SUCCESS);
        if (!X || n != 10)
            break;
        if (g == 0)
            rep.first_is_start = memcmp(X, x0, sizeof x0) == 0;
        double f[10];
        for (size_t i = 0; i < n; ++i) {
            for (size_t j = 0; j < DIM; ++j)
                rep.all_in_bounds &= X[i * DIM + j] >= -1.0 && X[i * DIM + j] <= 1.0;
            shifted_sphere(X + i * DIM, DIM, f + i, NULL);
        }
        CHECK_STATUS(gpuopt_optimizer_tell(opt, f, n), GPUOPT_SUCCESS);
    }
    CHECK_STATUS(gpuopt_optimizer_best(opt, NULL, &rep.best_f), GPUOPT_SUCCESS);
    gpuopt_problem_destroy(&prob);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_context_destroy(&ctx);
    return rep;
}

static void test_bounds_handling(void)
{
    const char *modes[] = {"random", "clip", "reflect"};
    for (int m = 0; m < 3; ++m) {
        asktell_report rep = run_asktell(modes[m], 0, 400);
        CHECK_MSG(rep.all_in_bounds, "%s: a point left the bounds", modes[m]);
        CHECK(rep.first_is_start);
        CHECK_MSG(rep.best_f - 12.0 < 1e-9, "%s: f = %.17g", modes[m], rep.best_f);
    }
    /* clipping puts trial components exactly on the bound, so the corner is hit exactly */
    CHECK(run_asktell("clip", 0, 150).best_f == 12.0);
    CHECK(!run_asktell("random", 1, 0).first_is_start);
}

/* ------------------------------------------------------------ kernels */

/* Donors are distinct, differ from the target, and cover the population. */
static void test_kernel_donors(void)
{
    enum { N = 6 };
    int seen[N] = {0};
    int ok = 1;
    for (uint64_t gen = 1; gen <= 200; ++gen) {
        for (uint64_t i = 0; i < N; ++i) {
            gpuopt_u64 d[GPUOPT_DE_MAX_DONORS];
            gpuopt_de_pick_donors(11, gpuopt_stream(GPUOPT_DE_TAG_TRIAL, gen), i, N, 5, d);
            for (int a = 0; a < 5; ++a) {
                ok &= d[a] < N && d[a] != i;
                for (int b = 0; b < a; ++b)
                    ok &= d[a] != d[b];
                if (d[a] < N)
                    seen[d[a]] = 1;
            }
        }
    }
    CHECK(ok);
    for (int i = 0; i < N; ++i)
        CHECK(seen[i]);
}

/* Components of row i of `trial` that differ from row i of `pop`. */
static int changed_components(const double *pop, const double *trial, size_t i, size_t dim)
{
    int count = 0;
    for (size_t j = 0; j < dim; ++j)
        count += pop[i * dim + j] != trial[i * dim + j];
    return count;
}

/* Crossover: CR = 0 changes exactly one component (both schemes), CR = 1 all of them; every
 * changed component of rand/1 is x_r0 + F (x_r1 - x_r2) for some donors. */
static void test_kernel_crossover(void)
{
    enum { N = 8, D = 6 };
    double pop[N * D], trial[N * D], best[D], lo[D], hi[D];
    for (size_t k = 0; k < N * D; ++k)
        pop[k] = 10.0 * gpuopt_philox_uniform(99, 0, k); /* no two values alike */
    for (size_t j = 0; j < D; ++j) {
        best[j] = pop[j];
        lo[j] = -1e6;
        hi[j] = 1e6;
    }
    for (int v = 1; v <= 10; ++v) {
        for (int cr = 0; cr <= 1; ++cr) {
            for (uint64_t i = 0; i < N; ++i)
                gpuopt_de_trial_one(i, N, D, v, 0.5, (double)cr, GPUOPT_DE_BOUNDS_RANDOM, 3, 1, pop,
                                    best, lo, hi, trial);
            for (size_t i = 0; i < N; ++i) {
                int changed = changed_components(pop, trial, i, D);
                if (cr == 0)
                    CHECK_MSG(changed == 1, "variant %d row %zu: %d changed", v, i, changed);
                else
                    CHECK_MSG(changed == D, "variant %d row %zu: %d changed", v, i, changed);
            }
        }
    }
    /* rand/1/bin with CR = 1: the trial is the mutant of the donors the kernel picks */
    gpuopt_de_trial_one(2, N, D, GPUOPT_DE_RAND_1_BIN, 0.5, 1.0, GPUOPT_DE_BOUNDS_RANDOM, 3, 4,
                        pop, best, lo, hi, trial);
    gpuopt_u64 d[GPUOPT_DE_MAX_DONORS];
    gpuopt_de_pick_donors(3, gpuopt_stream(GPUOPT_DE_TAG_TRIAL, 4), 2, N, 3, d);
    for (size_t j = 0; j < D; ++j)
        CHECK(trial[2 * D + j] == pop[d[0] * D + j] + 0.5 * (pop[d[1] * D + j] - pop[d[2] * D + j]));
}

static void test_kernel_bounds_and_select(void)
{
    CHECK(gpuopt_de_reflect(1.25, 0.0, 1.0) == 0.75);
    CHECK(gpuopt_de_reflect(-0.25, 0.0, 1.0) == 0.25);
    CHECK(gpuopt_de_reflect(2.5, 0.0, 1.0) == 0.5); /* two reflections */
    CHECK(gpuopt_de_reflect(7.0, 2.0, 2.0) == 2.0); /* degenerate bounds */
    CHECK(gpuopt_de_into_bounds(3.0, 0.0, 1.0, GPUOPT_DE_BOUNDS_CLIP, 1, 1, 0, 1, 0) == 1.0);
    CHECK(gpuopt_de_into_bounds(-3.0, 0.0, 1.0, GPUOPT_DE_BOUNDS_CLIP, 1, 1, 0, 1, 0) == 0.0);
    double r = gpuopt_de_into_bounds(-3.0, 2.0, 5.0, GPUOPT_DE_BOUNDS_RANDOM, 1, 1, 0, 1, 0);
    CHECK(r >= 2.0 && r <= 5.0);
    CHECK(gpuopt_de_into_bounds(0.5, 0.0, 1.0, GPUOPT_DE_BOUNDS_RANDOM, 1, 1, 0, 1, 0) == 0.5);

    double pop[4] = {1, 1, 2, 2}, fit[2] = {5, 5};
    const double trial[4] = {7, 7, 8, 8}, trial_f[2] = {5, 6};
    gpuopt_de_select_one(0, 2, pop, fit, trial, trial_f); /* equal value: the trial wins */
    gpuopt_de_select_one(1, 2, pop, fit, trial, trial_f); /* worse: kept */
    CHECK(pop[0] == 7 && pop[1] == 7 && fit[0] == 5);
    CHECK(pop[2] == 2 && pop[3] == 2 && fit[1] == 5);
}

int main(void)
{
    test_kernel_donors();
    test_kernel_crossover();
    test_kernel_bounds_and_select();
    test_lookup_and_options();
    test_all_variants_solve_sphere();
    test_variant_name_equals_code();
    test_sphere_10_to_1e8();
    test_stops_on_flatness();
    test_evaluation_budget();
    test_population_too_small();
    test_bounds_required();
    test_threads_do_not_matter();
    test_seeds();
    test_fused_equals_unfused();
    test_best_sync_every();
    test_rastrigin_2();
    test_bounds_handling();
    return check_finish();
}
