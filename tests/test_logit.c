/* The built-in likelihood problem `logit`: its catalogue entry, its fixed data (checksum), its
 * contributions on every backend with a device, the derivative engine's Jacobian of them, and
 * the maximum-likelihood estimate of tests/reference/logit_mle.py reached by several solvers. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/problems.h"

/* From tests/reference/logit_mle.txt (Newton's method; statsmodels agrees to 1e-16). */
static const double MLE[GPUOPT_LOGIT_DIM] = {-0.51924821395996834, 0.96653276673334021,
                                             -0.78909027502696139, 0.81107666778789134,
                                             0.38082162831878552};
#define MIN_NLL 541.90651313139278
#define DATA_CHECKSUM 0x300BBE86110A6610ull
#define DATA_ONES 567

/* ------------------------------------------------------------------ helpers */

static uint64_t fnv1a(uint64_t h, const void *data, size_t bytes)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < bytes; ++i)
        h = (h ^ p[i]) * 0x100000001B3ull;
    return h;
}

/* The analytic gradient of the negative log-likelihood: sum_i (p_i - y_i) z_i. */
static void nll_gradient(const double *beta, double *g)
{
    double z[GPUOPT_LOGIT_DIM];
    memset(g, 0, GPUOPT_LOGIT_DIM * sizeof *g);
    for (uint64_t i = 0; i < GPUOPT_LOGIT_N; ++i) {
        double y = gpuopt_logit_observation(i, z), eta = 0;
        for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
            eta += beta[k] * z[k];
        double p = 1.0 / (1.0 + exp(-eta));
        for (int k = 0; k < GPUOPT_LOGIT_DIM; ++k)
            g[k] += (p - y) * z[k];
    }
}

static double max_gap(const double *a, const double *b, size_t n)
{
    double gap = 0;
    for (size_t i = 0; i < n; ++i)
        gap = fmax(gap, fabs(a[i] - b[i]));
    return gap;
}

/* ------------------------------------------------------------------- tests */

static void test_catalogue(void)
{
    const gpuopt_problem_info *info = gpuopt_problem_info_find("logit");
    CHECK(info != NULL);
    if (!info)
        return;
    CHECK(info->kind == GPUOPT_CRITERION_LIKELIHOOD);
    CHECK(info->fixed_dim == GPUOPT_LOGIT_DIM && info->n_outputs == GPUOPT_LOGIT_N);
    CHECK(info->suite && strcmp(info->suite, "estimation") == 0);
    CHECK(info->default_lower == -10.0 && info->default_upper == 10.0);
    CHECK(gpuopt_problem_info_best_value(info, 5) == MIN_NLL);
    const gpuopt_problem_info *sphere = gpuopt_problem_info_find("sphere");
    CHECK(sphere && sphere->n_outputs == 1 && strcmp(sphere->suite, "classic") == 0);
    double x[5];
    CHECK_STATUS(gpuopt_problem_known_minimizer("logit", 5, x), GPUOPT_SUCCESS);
    CHECK(memcmp(x, MLE, sizeof x) == 0);
    CHECK_STATUS(gpuopt_problem_known_minimizer("logit", 4, x), GPUOPT_ERR_BAD_DIMENSION);

    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "logit", 4), GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_last_error(), "dimension 5");
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "logit", 5), GPUOPT_SUCCESS);
    if (!p)
        return;
    CHECK(gpuopt_problem_kind(p) == GPUOPT_CRITERION_LIKELIHOOD);
    CHECK(gpuopt_problem_n_outputs(p) == GPUOPT_LOGIT_N);
    double x0[5], f = NAN;
    CHECK_STATUS(gpuopt_problem_get_start(p, x0), GPUOPT_SUCCESS);
    for (int k = 0; k < 5; ++k)
        CHECK(x0[k] == 0.0);
    /* at beta = 0 every contribution is log 2 */
    CHECK_STATUS(gpuopt_problem_evaluate(p, x0, 1, &f), GPUOPT_SUCCESS);
    CHECK_MSG(fabs(f - GPUOPT_LOGIT_N * log(2.0)) < 1e-10, "f(0) = %.17g", f);
    CHECK_STATUS(gpuopt_problem_evaluate(p, MLE, 1, &f), GPUOPT_SUCCESS);
    CHECK_MSG(f == MIN_NLL, "f(mle) = %.17g (reference %.17g)", f, MIN_NLL);
    gpuopt_problem_destroy(&p);
}

/* The data are fixed forever: the FNV-1a 64 checksum of (z_i, y_i) as logit_mle.py prints it,
 * and no outcome is within 1e-3 of flipping under a differently rounded exp. */
static void test_data_fixed(void)
{
    uint64_t h = 0xCBF29CE484222325ull;
    int ones = 0;
    double z[GPUOPT_LOGIT_DIM];
    for (uint64_t i = 0; i < GPUOPT_LOGIT_N; ++i) {
        double y = gpuopt_logit_observation(i, z);
        h = fnv1a(h, z, sizeof z);
        h = fnv1a(h, &y, sizeof y);
        ones += y == 1.0;
        CHECK(z[0] == 1.0 && z[1] >= -2 && z[1] < 2 && z[2] >= -1 && z[2] < 1);
        CHECK((z[3] == 0.0 || z[3] == 1.0) && z[4] >= 0 && z[4] < 3);
    }
    CHECK_MSG(h == DATA_CHECKSUM, "checksum %016llX", (unsigned long long)h);
    CHECK(ones == DATA_ONES);
}

static void test_mle_is_stationary(void)
{
    double g[5];
    nll_gradient(MLE, g);
    for (int k = 0; k < 5; ++k)
        CHECK_MSG(fabs(g[k]) < 1e-10, "gradient[%d] = %g at the MLE", k, g[k]);
    double start[5] = {0};
    nll_gradient(start, g);
    CHECK(fabs(g[0]) > 1.0); /* not stationary at the start */
}

/* Every backend with a device writes the 1000 contributions of each point and sums them. */
static void test_backends(void)
{
    enum { N_POINTS = 7 };
    double X[N_POINTS * 5], raw[N_POINTS * GPUOPT_LOGIT_N], f[N_POINTS];
    for (size_t i = 0; i < N_POINTS * 5; ++i)
        X[i] = (i % 5 == 0 ? 0.3 : -0.2) + 0.37 * (double)(i / 5) - 0.05 * (double)(i % 5);
    gpuopt_eval_target t = {.dim = 5, .kind = GPUOPT_CRITERION_LIKELIHOOD,
                            .n_outputs = GPUOPT_LOGIT_N, .builtin_id = GPUOPT_BUILTIN_LOGIT};
    for (size_t k = 0; k < gpuopt_backend_table_size(); ++k) {
        const gpuopt_backend_ops *ops = gpuopt_backend_table_at(k);
        char why[256] = "";
        if (ops->device_count(0, why, sizeof why) <= 0) {
            printf("%s: no device (%s): logit contributions not checked there\n", ops->name, why);
            continue;
        }
        gpuopt_backend *b = NULL;
        CHECK_STATUS(gpuopt_backend_open(&b, ops, 3), GPUOPT_SUCCESS);
        if (!b)
            continue;
        gpuopt_dptr dx = NULL, draw = NULL, df = NULL;
        CHECK_STATUS(ops->alloc(b, sizeof X, &dx), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->alloc(b, sizeof raw, &draw), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->alloc(b, sizeof f, &df), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->write(b, dx, 0, X, sizeof X), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->evaluate(b, &t, dx, N_POINTS, draw, df), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->read(b, raw, draw, 0, sizeof raw), GPUOPT_SUCCESS);
        CHECK_STATUS(ops->read(b, f, df, 0, sizeof f), GPUOPT_SUCCESS);
        double worst = 0;
        for (size_t i = 0; i < N_POINTS; ++i) {
            for (size_t o = 0; o < GPUOPT_LOGIT_N; ++o) {
                double want = gpuopt_builtin_output(GPUOPT_BUILTIN_LOGIT, X + i * 5, 5, o);
                worst = fmax(worst, fabs(raw[i * GPUOPT_LOGIT_N + o] - want));
            }
            double value = gpuopt_builtin_value(GPUOPT_BUILTIN_LOGIT, X + i * 5, 5);
            CHECK_MSG(fabs(f[i] - value) <= 1e-12 * value, "%s: point %zu: %.17g vs %.17g",
                      ops->name, i, f[i], value);
        }
        CHECK_MSG(worst <= 1e-15, "%s: contributions differ from the host by %g", ops->name,
                  worst);
        printf("%s (%s): logit contributions within %g of the host\n", ops->name, b->device,
               worst);
        ops->release(b, dx);
        ops->release(b, draw);
        ops->release(b, df);
        gpuopt_backend_close(&b);
    }
}

/* The engine's Jacobian of the contributions against the analytic one (row i: (p_i - y_i) z_i),
 * and the gradient of the sum against the analytic gradient. */
static void test_jacobian(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_derivative *d = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "logit", 5), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_derivative_create(&d, ctx), GPUOPT_SUCCESS);
    static double jac[GPUOPT_LOGIT_N * 5];
    const double x[5] = {0.2, -0.4, 0.9, 0.1, -0.3};
    double g[5], want[5], z[5];
    if (d && p) {
        CHECK_STATUS(gpuopt_derivative_jacobian(d, p, x, jac), GPUOPT_SUCCESS);
        CHECK(gpuopt_derivative_n_evaluations(d) == 11);
        double worst = 0;
        for (uint64_t i = 0; i < GPUOPT_LOGIT_N; ++i) {
            double y = gpuopt_logit_observation(i, z), eta = 0;
            for (int k = 0; k < 5; ++k)
                eta += x[k] * z[k];
            double r = 1.0 / (1.0 + exp(-eta)) - y;
            for (int k = 0; k < 5; ++k)
                worst = fmax(worst, fabs(jac[i * 5 + k] - r * z[k]));
        }
        CHECK_MSG(worst < 1e-8, "Jacobian error %g", worst);
        CHECK_STATUS(gpuopt_derivative_gradient(d, p, x, g), GPUOPT_SUCCESS);
        nll_gradient(x, want);
        CHECK_MSG(max_gap(g, want, 5) < 1e-6, "gradient error %g", max_gap(g, want, 5));
    }
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* Solvers for scalar criteria minimize the sum: they reach the MLE as well. */
static void test_solvers_reach_mle(void)
{
    static const struct {
        const char *algorithm, *options[3];
        double x_tol;
    } runs[] = {
        {"bhhh", {"convergence.absolute_gradient_tolerance=1e-20", NULL}, 1e-8},
        {"powell", {"convergence.relative_params_tolerance=1e-10",
                    "convergence.relative_criterion_tolerance=1e-15", NULL},
         1e-6},
        {"neldermead", {"convergence.absolute_params_tolerance=1e-10",
                        "convergence.absolute_criterion_tolerance=1e-12", NULL},
         1e-6},
        {"neldermead_parallel", {"convergence.absolute_params_tolerance=1e-10",
                                 "convergence.absolute_criterion_tolerance=1e-12", NULL},
         1e-6},
    };
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "logit", 5), GPUOPT_SUCCESS);
    for (size_t r = 0; p && r < sizeof runs / sizeof runs[0]; ++r) {
        gpuopt_optimizer *o = NULL;
        gpuopt_result *res = NULL;
        CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, runs[r].algorithm), GPUOPT_SUCCESS);
        for (int k = 0; o && runs[r].options[k]; ++k)
            CHECK_STATUS(gpuopt_optimizer_set_option(o, runs[r].options[k]), GPUOPT_SUCCESS);
        gpuopt_status st = o ? gpuopt_minimize(o, p, &res) : GPUOPT_ERR_INTERNAL;
        CHECK_MSG(st > 0 && gpuopt_status_converged(st), "%s: %s (%s)", runs[r].algorithm,
                  gpuopt_status_name(st), o ? gpuopt_optimizer_errmsg(o) : "");
        if (res) {
            double gap = max_gap(gpuopt_result_x(res), MLE, 5);
            double f = gpuopt_result_fun(res);
            CHECK_MSG(gap <= runs[r].x_tol, "%s: |x - mle| = %g", runs[r].algorithm, gap);
            CHECK_MSG(f - MIN_NLL <= 1e-8 * MIN_NLL, "%s: f = %.17g", runs[r].algorithm, f);
            printf("%-20s |x - mle| %.2g, f - f* %.2g, %lld evaluations\n", runs[r].algorithm,
                   gap, f - MIN_NLL, (long long)gpuopt_result_n_evaluations(res));
        }
        gpuopt_result_destroy(&res);
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    test_catalogue();
    test_data_fixed();
    test_mle_is_stationary();
    test_backends();
    test_jacobian();
    test_solvers_reach_mle();
    return check_finish();
}
