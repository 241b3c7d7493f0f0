/* cmaes against pycma: on sphere, ellipsoid and rosenbrock at n = 10 and 40, the median number
 * of evaluations to reach f < 1e-8 over 11 seeds is within a factor 1.5 of pycma's under the same
 * settings (start point, bounds, sigma0 = 0.25 box widths, default population, active CMA);
 * pycma's medians are measured by tests/reference/pycma_medians.py. And BIPOP solves rastrigin
 * at n = 10 to f < 1e-8 in at least 9 of 11 seeds. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "reference_start.h"
#include "gpuopt.h"

typedef struct reference {
    const char *problem;
    size_t dim;
    long median;   /* evaluations; failures count as infinitely many */
    int successes; /* of 11 seeds */
} reference;

static const reference pycma[] = {
#include "tests/reference/pycma_medians.inc"
};

#define SEEDS 11
#define TARGET 1e-8

/* Evaluations until the best value is below TARGET, or -1 when the run stopped first. */
static long evaluations_to_target(const char *problem, size_t dim, uint64_t seed,
                                  const char *const *options)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_seed(ctx, seed);
    gpuopt_problem_create_builtin(&p, problem, dim);
    use_reference_start(p);
    gpuopt_optimizer_create(&o, ctx, "cmaes");
    char target[64];
    snprintf(target, sizeof target, "ftarget=%.17g", nextafter(TARGET, 0.0)); /* f < TARGET */
    CHECK_STATUS(gpuopt_optimizer_set_option(o, target), GPUOPT_SUCCESS);
    for (const char *const *s = options; *s; ++s)
        CHECK_STATUS(gpuopt_optimizer_set_option(o, *s), GPUOPT_SUCCESS);
    gpuopt_status st = gpuopt_minimize(o, p, &r);
    CHECK_MSG(st > 0, "%s %zu seed %llu: %s", problem, dim, (unsigned long long)seed,
              gpuopt_optimizer_errmsg(o));
    long evals = st == GPUOPT_STOP_TARGET_REACHED && gpuopt_result_fun(r) < TARGET
                     ? (long)gpuopt_result_n_evaluations(r)
                     : -1;
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return evals;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void test_against_pycma(void)
{
    /* pycma does not evaluate its start point; neither do these runs */
    const char *options[] = {"discard_start_params=true", NULL};
    for (size_t c = 0; c < sizeof pycma / sizeof pycma[0]; ++c) {
        const reference *ref = &pycma[c];
        long evals[SEEDS];
        int successes = 0;
        for (int s = 0; s < SEEDS; ++s) {
            evals[s] = evaluations_to_target(ref->problem, ref->dim, (uint64_t)s + 1, options);
            successes += evals[s] >= 0;
            if (evals[s] < 0)
                evals[s] = LONG_MAX;
        }
        qsort(evals, SEEDS, sizeof *evals, cmp_long);
        long median = evals[SEEDS / 2];
        double ratio = median == LONG_MAX ? INFINITY : (double)median / (double)ref->median;
        printf("%-10s n=%-3zu median evaluations %8ld (pycma %8ld), ratio %.3f, reached %d/%d "
               "(pycma %d/%d)\n",
               ref->problem, ref->dim, median, ref->median, ratio, successes, SEEDS, ref->successes,
               SEEDS);
        CHECK_MSG(ref->median > 0 && ratio <= 1.5 && ratio >= 1.0 / 1.5,
                  "%s n=%zu: median %ld vs pycma's %ld", ref->problem, ref->dim, median,
                  ref->median);
    }
}

static void test_bipop_rastrigin(void)
{
    const char *options[] = {"restarts=bipop", NULL};
    int successes = 0;
    for (int s = 1; s <= SEEDS; ++s)
        successes += evaluations_to_target("rastrigin", 10, (uint64_t)s, options) >= 0;
    printf("bipop rastrigin n=10: f < %g in %d of %d seeds\n", TARGET, successes, SEEDS);
    CHECK_MSG(successes >= 9, "bipop solved rastrigin-10 in %d of %d seeds", successes, SEEDS);
}

int main(void)
{
    test_against_pycma();
    test_bipop_rastrigin();
    return check_finish();
}
