/* Determinism: the same seed gives identical results; 1 and 2 threads give identical results
 * (built-in criteria and thread-safe user callbacks alike); different seeds differ. */
#include <math.h>

#include "check.h"
#include "gpuopt.h"

typedef struct outcome {
    double x[8];
    double fun;
    int64_t n_evaluations, n_iterations;
} outcome;

static int user_rastrigin(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    double s = 10.0 * (double)dim;
    for (size_t k = 0; k < dim; ++k)
        s += x[k] * x[k] - 10.0 * cos(2.0 * 3.14159265358979323846 * x[k]);
    out[0] = s;
    return 0;
}

static outcome run(const char *alg, const char *problem, int threads, uint64_t seed, int user_fn)
{
    outcome out = {0};
    gpuopt_context *ctx;
    gpuopt_problem *p;
    gpuopt_optimizer *o;
    gpuopt_result *r = NULL;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_threads(ctx, threads);
    gpuopt_context_set_seed(ctx, seed);
    gpuopt_problem_create_builtin(&p, problem, 6);
    if (user_fn)
        gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_SCALAR, 1, user_rastrigin, NULL,
                                           GPUOPT_CALLBACK_THREAD_SAFE);
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_optimizer_set_option(o, "stopping.max_iterations=200");
    if (strcmp(alg, "neldermead") != 0)
        gpuopt_optimizer_set_option(o, "population_size=64");
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0, "%s: %s", alg, gpuopt_optimizer_errmsg(o));
    if (r) {
        memcpy(out.x, gpuopt_result_x(r), 6 * sizeof(double));
        out.fun = gpuopt_result_fun(r);
        out.n_evaluations = gpuopt_result_n_evaluations(r);
        out.n_iterations = gpuopt_result_n_iterations(r);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return out;
}

static int same(const outcome *a, const outcome *b)
{
    return !memcmp(a->x, b->x, sizeof a->x) && !memcmp(&a->fun, &b->fun, sizeof a->fun) &&
           a->n_evaluations == b->n_evaluations && a->n_iterations == b->n_iterations;
}

int main(void)
{
    const char *algs[] = {"de", "pso", "pygmo_pso", "neldermead"};
    for (size_t a = 0; a < 4; ++a) {
        for (int user_fn = 0; user_fn <= 1; ++user_fn) {
            outcome one = run(algs[a], "rastrigin", 1, 42, user_fn);
            outcome again = run(algs[a], "rastrigin", 1, 42, user_fn);
            outcome two = run(algs[a], "rastrigin", 2, 42, user_fn);
            CHECK_MSG(same(&one, &again), "%s: same seed differs", algs[a]);
            CHECK_MSG(same(&one, &two), "%s (user fn %d): 1 vs 2 threads differ", algs[a], user_fn);
        }
        if (strcmp(algs[a], "neldermead") != 0) { /* stochastic: the seed matters */
            outcome s1 = run(algs[a], "rastrigin", 2, 1, 0), s2 = run(algs[a], "rastrigin", 2, 2, 0);
            CHECK_MSG(!same(&s1, &s2), "%s: seeds 1 and 2 give the same run", algs[a]);
        }
    }
    /* the algorithm's own `seed` option overrides the context's */
    gpuopt_context *ctx;
    gpuopt_problem *p;
    gpuopt_optimizer *o;
    gpuopt_result *r1, *r2;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_problem_create_builtin(&p, "ackley", 4);
    gpuopt_optimizer_create(&o, ctx, "de");
    gpuopt_optimizer_set_option(o, "seed=5");
    gpuopt_context_set_seed(ctx, 1);
    gpuopt_minimize(o, p, &r1);
    gpuopt_context_set_seed(ctx, 2);
    gpuopt_minimize(o, p, &r2);
    CHECK(gpuopt_result_fun(r1) == gpuopt_result_fun(r2));
    CHECK(!memcmp(gpuopt_result_x(r1), gpuopt_result_x(r2), 4 * sizeof(double)));
    gpuopt_result_destroy(&r1);
    gpuopt_result_destroy(&r2);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
