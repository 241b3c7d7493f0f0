/* pounders and dfols on the 53 Moré–Wild problems (suite "more_wild"): each must reach
 * (f - f*) / (f0 - f*) <= 1e-3 within 100 (n + 1) residual evaluations (the budget option cuts
 * batches to it, so no run evaluates more). Problems where an algorithm is known to fall short
 * are listed in EXCEPTIONS with the reason; they are run and reported, and must still decrease
 * f, and an exception that is in fact solved fails the test (so that the list stays true). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"

#define TAU 1e-3

typedef struct exception_row {
    const char *algorithm, *problem, *why;
} exception_row;

static const exception_row EXCEPTIONS[] = {
    {"pounders", "mw_freudenstein_roth_2_2",
     "converges to the local minimum f = 48.98 (the catalogue's f* = 0 is the global one)"},
    {"dfols", "mw_freudenstein_roth_2_2",
     "converges to the local minimum f = 48.98 (the catalogue's f* = 0 is the global one)"},
    {"pounders", "mw_osborne2_11_65_x10",
     "converges to a local minimum (gap 8.8e-3; dfols reaches the same value)"},
    {"dfols", "mw_osborne2_11_65_x10",
     "converges to a local minimum (gap 8.8e-3; pounders reaches the same value)"},
    {"pounders", "mw_bard_3_15_x10", "converges to Bard's local minimum f = 17.43"},
    {"pounders", "mw_chebyquad_11_11",
     "stops on the default gradient tolerance (delta ||g||, estimagic's rule) at gap 1.7e-2; "
     "with the gradient tolerances at 0 it reaches 1.6e-6 in 263 evaluations (estimagic 0.4.6 "
     "takes another path, radius growth rule: 1.8e-5 in 167, dfo_reference.txt)"},
    {"pounders", "mw_osborne1_5_33",
     "gap 6.3e-3 at the budget: the decay rates x4, x5 (~0.01) are badly scaled for the round "
     "trust region (J's singular values 764 to 0.009); estimagic 0.4.6 stalls at 0.29 (0.15 "
     "with the whole budget, dfo_reference.txt)"},
    {NULL, NULL, NULL},
};

static const char *exception_of(const char *algorithm, const char *problem)
{
    for (size_t i = 0; EXCEPTIONS[i].algorithm; ++i)
        if (!strcmp(EXCEPTIONS[i].algorithm, algorithm) && !strcmp(EXCEPTIONS[i].problem, problem))
            return EXCEPTIONS[i].why;
    return NULL;
}

/* The normalized gap (f - f*) / (f0 - f*) of one run, NaN when it failed. */
static double run_one(gpuopt_context *ctx, const char *algorithm, const gpuopt_problem_info *info,
                      long long *evals)
{
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    double gap = NAN;
    size_t n = info->fixed_dim;
    char budget[96];
    snprintf(budget, sizeof budget, "stopping.max_criterion_evaluations=%zu", 100 * (n + 1));
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, info->name, n), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algorithm), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, budget), GPUOPT_SUCCESS);
    gpuopt_status st = p && o ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(st > 0, "%s on %s: %s: %s", algorithm, info->name, gpuopt_status_name(st),
              o ? gpuopt_optimizer_errmsg(o) : "");
    if (st > 0) {
        double f = gpuopt_result_fun(r), fstar = info->best_known_value;
        gap = (f - fstar) / (info->start_value - fstar);
        *evals = (long long)gpuopt_result_n_evaluations(r);
        CHECK_MSG(*evals <= (long long)(100 * (n + 1)), "%s on %s: %lld evaluations", algorithm,
                  info->name, *evals);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    return gap;
}

static void run_suite(gpuopt_context *ctx, const char *algorithm)
{
    int total = 0, solved = 0;
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_at(i);
        if (!info || !info->suite || strcmp(info->suite, "more_wild") != 0)
            continue;
        long long evals = 0;
        double gap = run_one(ctx, algorithm, info, &evals);
        const char *why = exception_of(algorithm, info->name);
        int ok = gap <= TAU;
        ++total;
        solved += ok;
        printf("%-9s %-36s n=%-2zu gap %.3e evals %4lld %s\n", algorithm, info->name,
               info->fixed_dim, gap, evals, ok ? "ok" : why ? "EXCEPTION" : "FAILED");
        if (why) {
            printf("          exception: %s\n", why);
            CHECK_MSG(!ok, "%s on %s is listed as an exception but was solved", algorithm,
                      info->name);
            CHECK_MSG(gap < 1, "%s on %s: no decrease (gap %g)", algorithm, info->name, gap);
        } else {
            CHECK_MSG(ok, "%s on %s: (f - f*) / (f0 - f*) = %g > %g", algorithm, info->name, gap,
                      TAU);
        }
    }
    printf("%s: %d of %d problems solved to tau = %g\n", algorithm, solved, total, TAU);
    CHECK_MSG(total == 53, "the more_wild suite has %d problems, expected 53", total);
}

int main(void)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    run_suite(ctx, "pounders");
    run_suite(ctx, "dfols");
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
