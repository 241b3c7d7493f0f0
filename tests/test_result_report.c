/* The result carries the algorithm's final report values and its restart boundaries, and they
 * survive a resume (src/image.h). */
#include <math.h>

#include "check.h"
#include "gpuopt.h"
#include "src/image.h"

static gpuopt_optimizer *ipop(gpuopt_context *ctx)
{
    gpuopt_optimizer *o;
    gpuopt_optimizer_create(&o, ctx, "cmaes");
    gpuopt_optimizer_set_option(o, "restarts=ipop");
    gpuopt_optimizer_set_option(o, "stopping.max_criterion_evaluations=20000");
    return o;
}

static double report(const gpuopt_result *r, const char *key)
{
    for (size_t i = 0; i < gpuopt_result_report_count(r); ++i)
        if (!strcmp(gpuopt_result_report_key(r, i), key))
            return gpuopt_result_report_value(r, i);
    return NAN;
}

int main(void)
{
    gpuopt_context *ctx;
    gpuopt_problem *p;
    gpuopt_result *r = NULL, *resumed = NULL;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_seed(ctx, 4);
    gpuopt_problem_create_builtin(&p, "rastrigin", 4);
    gpuopt_optimizer *o = ipop(ctx);
    gpuopt_minimize(o, p, &r);
    size_t n = gpuopt_result_restart_count(r);
    CHECK_MSG(n >= 2, "%zu restarts", n);
    CHECK(report(r, "restart") == (double)n);
    CHECK(isfinite(report(r, "sigma")) && report(r, "population_size") >= 8);
    int64_t last_it = 0, last_ev = 0;
    for (size_t i = 0; i < n; ++i) {
        int64_t it, ev;
        CHECK_STATUS(gpuopt_result_restart_at(r, i, &it, &ev), GPUOPT_SUCCESS);
        CHECK(it > last_it && ev > last_ev && ev <= gpuopt_result_n_evaluations(r));
        last_it = it, last_ev = ev;
    }
    int64_t it, ev;
    CHECK_STATUS(gpuopt_result_restart_at(r, n, &it, &ev), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK(gpuopt_result_report_key(r, 99) == NULL && isnan(gpuopt_result_report_value(r, 99)));

    /* captured after the first restart and resumed: the same marks */
    gpuopt_optimizer *first = ipop(ctx);
    gpuopt_optimizer_setup(first, p);
    const double *X;
    size_t m;
    double f[4096];
    gpuopt_result *probe = NULL;
    for (int more = 1; more;) {
        gpuopt_optimizer_ask(first, &X, &m);
        gpuopt_problem_evaluate(p, X, m, f);
        gpuopt_optimizer_tell(first, f, m);
        gpuopt_optimizer_result(first, &probe);
        more = gpuopt_result_restart_count(probe) < 1;
        gpuopt_result_destroy(&probe);
    }
    gpuopt_image *img = NULL;
    CHECK_STATUS(gpuopt_image_capture(first, &img), GPUOPT_SUCCESS);
    gpuopt_optimizer *second;
    gpuopt_optimizer_create(&second, ctx, "cmaes");
    CHECK_STATUS(gpuopt_image_apply(second, p, img, 0), GPUOPT_SUCCESS);
    gpuopt_optimizer_continue(second, p, &resumed);
    CHECK(gpuopt_result_restart_count(resumed) == n);
    for (size_t i = 0; i < n; ++i) {
        int64_t a_it, a_ev, b_it, b_ev;
        gpuopt_result_restart_at(r, i, &a_it, &a_ev);
        gpuopt_result_restart_at(resumed, i, &b_it, &b_ev);
        CHECK(a_it == b_it && a_ev == b_ev);
    }
    CHECK(gpuopt_result_fun(resumed) == gpuopt_result_fun(r));
    gpuopt_image_free(&img);
    gpuopt_result_destroy(&resumed);

    /* PSO's swarm best is the best memory, for every topology */
    const char *topologies[] = {"gbest", "lbest", "von_neumann", "adaptive_random"};
    for (size_t t = 0; t < 4; ++t) {
        gpuopt_optimizer *pso;
        gpuopt_result *pr;
        char setting[64];
        gpuopt_optimizer_create(&pso, ctx, "pso");
        snprintf(setting, sizeof setting, "neighbor_definition=%s", topologies[t]);
        gpuopt_optimizer_set_option(pso, setting);
        gpuopt_minimize(pso, p, &pr);
        CHECK_MSG(report(pr, "swarm_f_best") == gpuopt_result_fun(pr), "%s: %g vs %g",
                  topologies[t], report(pr, "swarm_f_best"), gpuopt_result_fun(pr));
        CHECK(report(pr, "positions_f_best") >= gpuopt_result_fun(pr) &&
              report(pr, "positions_f_worst") >= report(pr, "positions_f_best"));
        gpuopt_result_destroy(&pr);
        gpuopt_optimizer_destroy(&pso);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&first);
    gpuopt_optimizer_destroy(&second);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
