/* bhhh through the public API: the built-in logit problem against its reference MLE and
 * estimagic's own bhhh (tests/reference/logit_mle.py), a user likelihood with a closed-form
 * MLE, a singular outer product, budgets, options, bad input (a scalar criterion), resume from
 * an image bit for bit, ask/tell by hand, and the OpenCL backend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "kernels/problems.h"
#include "src/image.h"

/* tests/reference/logit_mle.txt */
static const double MLE[5] = {-0.51924821395996834, 0.96653276673334021, -0.78909027502696139,
                              0.81107666778789134, 0.38082162831878552};
#define ESTIMAGIC_ITERATIONS 6    /* estimagic's bhhh with analytic scores, its defaults */
#define ESTIMAGIC_X_ERROR 1.07e-5 /* its max |x - mle| */

static gpuopt_context *ctx;

/* ---------------------------------------------------------------- helpers */

static gpuopt_optimizer *make(const char *const *settings)
{
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, "bhhh"), GPUOPT_SUCCESS);
    for (const char *const *s = settings; o && s && *s; ++s)
        CHECK_MSG(gpuopt_optimizer_set_option(o, *s) == GPUOPT_SUCCESS, "%s: %s", *s,
                  gpuopt_optimizer_errmsg(o));
    return o;
}

static gpuopt_result *run(gpuopt_problem *p, const char *const *settings, gpuopt_status *st)
{
    gpuopt_optimizer *o = make(settings);
    gpuopt_result *r = NULL;
    *st = o ? gpuopt_minimize(o, p, &r) : GPUOPT_ERR_INTERNAL;
    CHECK_MSG(*st > 0, "bhhh: %s: %s", gpuopt_status_name(*st),
              o ? gpuopt_optimizer_errmsg(o) : "");
    gpuopt_optimizer_destroy(&o);
    return r;
}

static gpuopt_problem *logit(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "logit", 5), GPUOPT_SUCCESS);
    return p;
}

static double gap_to_mle(const double *x)
{
    double gap = 0;
    for (int k = 0; k < 5; ++k)
        gap = fmax(gap, fabs(x[k] - MLE[k]));
    return gap;
}

static int same_result(const gpuopt_result *a, const gpuopt_result *b)
{
    double fa = gpuopt_result_fun(a), fb = gpuopt_result_fun(b);
    return !memcmp(gpuopt_result_x(a), gpuopt_result_x(b), gpuopt_result_dim(a) * sizeof(double)) &&
           !memcmp(&fa, &fb, sizeof fa) &&
           gpuopt_result_n_evaluations(a) == gpuopt_result_n_evaluations(b) &&
           gpuopt_result_n_iterations(a) == gpuopt_result_n_iterations(b) &&
           gpuopt_result_stop_reason(a) == gpuopt_result_stop_reason(b);
}

/* A Poisson regression with an intercept and a dummy: contributions exp(eta) - y eta with
 * eta = b0 + b1 d (a third parameter, when the problem has one, enters nothing). MLE:
 * b0 = log(mean y | d=0), b1 = log(mean y | d=1) - b0. Each group's sample variance is near its
 * mean, so the outer product is a good Hessian approximation at the MLE (BHHH's premise). */
static const double POIS_Y[8] = {0, 3, 1, 2, 2, 8, 4, 6};
static const double POIS_D[8] = {0, 0, 0, 0, 1, 1, 1, 1};

static int poisson(const double *x, size_t dim, double *out, void *user)
{
    (void)dim;
    (void)user;
    for (int i = 0; i < 8; ++i) {
        double eta = x[0] + x[1] * POIS_D[i];
        out[i] = exp(eta) - POIS_Y[i] * eta;
    }
    return 0;
}

static gpuopt_problem *poisson_problem(size_t dim)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create(&p, dim), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_set_point_criterion(p, GPUOPT_CRITERION_LIKELIHOOD, 8, poisson,
                                                    NULL, GPUOPT_CALLBACK_THREAD_SAFE),
                 GPUOPT_SUCCESS);
    return p;
}

/* ------------------------------------------------------------------ tests */

static void test_descriptor(void)
{
    gpuopt_algorithm_info info;
    CHECK_STATUS(gpuopt_algorithm_find("bhhh", &info), GPUOPT_SUCCESS);
    CHECK(info.criterion_kinds == GPUOPT_CRITERION_LIKELIHOOD);
    CHECK((info.properties & GPUOPT_PROP_LOCAL) && (info.properties & GPUOPT_PROP_USES_GRADIENT));
    CHECK(!(info.properties & GPUOPT_PROP_SUPPORTS_BOUNDS));
    gpuopt_optimizer *o = make(NULL);
    if (!o)
        return;
    char text[64];
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "convergence.absolute_gradient_tolerance", text,
                                             sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(atof(text) == 1e-8);
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "stopping.max_iterations", text, sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(strcmp(text, "200") == 0);
    CHECK_STATUS(gpuopt_optimizer_get_option(o, "numdiff.method", text, sizeof text),
                 GPUOPT_SUCCESS);
    CHECK(strcmp(text, "central") == 0);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.step_size=-1"), GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.scaling_factor=0"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "numdiff.method=sideways"),
                 GPUOPT_ERR_OPTION_RANGE);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, "convergence.absolute_gradient_tolerance=-1"),
                 GPUOPT_ERR_OPTION_RANGE);
    gpuopt_optimizer_destroy(&o);
}

/* Defaults: converged in about estimagic's iterations, about as close to the MLE. */
static void test_logit_defaults(void)
{
    gpuopt_problem *p = logit();
    gpuopt_status st;
    gpuopt_result *r = p ? run(p, NULL, &st) : NULL;
    if (r) {
        CHECK_STATUS(st, GPUOPT_STOP_GRADIENT_TOLERANCE);
        double gap = gap_to_mle(gpuopt_result_x(r));
        int64_t it = gpuopt_result_n_iterations(r);
        printf("logit, defaults: %lld iterations, %lld evaluations, |x - mle| %.3g (estimagic: "
               "%d iterations, %.3g)\n",
               (long long)it, (long long)gpuopt_result_n_evaluations(r), gap,
               ESTIMAGIC_ITERATIONS, ESTIMAGIC_X_ERROR);
        CHECK(it <= ESTIMAGIC_ITERATIONS * 3 / 2);
        CHECK_MSG(gap <= 2 * ESTIMAGIC_X_ERROR, "|x - mle| = %g", gap);
        CHECK(strcmp(gpuopt_result_warnings(r), "") == 0);
    }
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

/* With a tight tolerance the MLE is reached to 1e-8, with forward differences too. */
static void test_logit_tight(void)
{
    const char *central[] = {"convergence.absolute_gradient_tolerance=1e-20", NULL};
    const char *forward[] = {"convergence.absolute_gradient_tolerance=1e-14",
                             "numdiff.method=forward", NULL};
    const char *const *settings[] = {central, forward};
    const double tol[] = {1e-8, 1e-6};
    gpuopt_problem *p = logit();
    for (int k = 0; p && k < 2; ++k) {
        gpuopt_status st;
        gpuopt_result *r = run(p, settings[k], &st);
        if (!r)
            continue;
        CHECK_MSG(gpuopt_status_converged(st), "%s", gpuopt_status_name(st));
        CHECK_MSG(gap_to_mle(gpuopt_result_x(r)) <= tol[k], "%s: |x - mle| = %g", settings[k][0],
                  gap_to_mle(gpuopt_result_x(r)));
        gpuopt_result_destroy(&r);
    }
    gpuopt_problem_destroy(&p);
}

static void test_user_likelihood(void)
{
    gpuopt_problem *p = poisson_problem(2);
    const char *settings[] = {"convergence.absolute_gradient_tolerance=1e-16", NULL};
    gpuopt_status st;
    gpuopt_result *r = p ? run(p, settings, &st) : NULL;
    if (r) {
        double b0 = log(1.5), b1 = log(5.0) - log(1.5);
        const double *x = gpuopt_result_x(r);
        CHECK_MSG(fabs(x[0] - b0) < 1e-8 && fabs(x[1] - b1) < 1e-8, "x = %.17g %.17g", x[0], x[1]);
        CHECK_MSG(gpuopt_status_converged(st), "%s after %lld iterations",
                  gpuopt_status_name(st), (long long)gpuopt_result_n_iterations(r));
    }
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

/* A parameter that no contribution depends on makes J'J singular: the run stops and says so. */
static void test_singular(void)
{
    gpuopt_problem *p = poisson_problem(3);
    gpuopt_status st;
    gpuopt_result *r = p ? run(p, NULL, &st) : NULL;
    if (r) {
        CHECK_STATUS(st, GPUOPT_STOP_ILL_CONDITIONED);
        CHECK_CONTAINS(gpuopt_result_warnings(r), "singular");
        CHECK(!gpuopt_result_converged(r));
    }
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

static void test_budget(void)
{
    const char *settings[] = {"stopping.max_iterations=2", NULL};
    gpuopt_problem *p = logit();
    gpuopt_status st;
    gpuopt_result *r = p ? run(p, settings, &st) : NULL;
    if (r) {
        CHECK_STATUS(st, GPUOPT_STOP_MAX_ITERATIONS);
        CHECK(gpuopt_result_n_iterations(r) == 2);
        CHECK(gpuopt_result_n_evaluations(r) == 22); /* two central stencils of 11 points */
    }
    gpuopt_result_destroy(&r);
    gpuopt_problem_destroy(&p);
}

/* bhhh needs likelihood contributions: a scalar criterion is refused before anything runs. */
static void test_scalar_refused(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 3), GPUOPT_SUCCESS);
    gpuopt_optimizer *o = make(NULL);
    gpuopt_result *r = NULL;
    if (p && o) {
        CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_UNSUPPORTED);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "bhhh");
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "likelihood");
        CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_ERR_UNSUPPORTED);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* --------------------------------------------------------------- resume */

typedef struct capture {
    int at, seen;
    gpuopt_image *img;
} capture;

static gpuopt_status capture_at(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    capture *c = user;
    if (o->event == GPUOPT_EVENT_BATCH && ++c->seen == c->at && !c->img)
        CHECK_STATUS(gpuopt_image_capture(opt, &c->img), GPUOPT_SUCCESS);
    return GPUOPT_SUCCESS;
}

/* An image taken after any batch (stencils and single points alike) continues bit for bit. */
static void test_resume_bitwise(void)
{
    const char *settings[] = {"convergence.absolute_gradient_tolerance=1e-20", NULL};
    gpuopt_problem *p = logit();
    gpuopt_status st;
    gpuopt_result *full = p ? run(p, settings, &st) : NULL;
    for (int at = 1; full && at <= 9; at += 2) {
        capture c = {at, 0, NULL};
        gpuopt_optimizer *first = make(settings);
        gpuopt_result *ignored = NULL, *resumed = NULL;
        gpuopt_optimizer_add_observer(first, GPUOPT_EVENT_BATCH, capture_at, &c);
        gpuopt_minimize(first, p, &ignored);
        CHECK_MSG(c.img != NULL, "no image after batch %d", at);
        gpuopt_optimizer *second = NULL;
        gpuopt_optimizer_create(&second, ctx, "bhhh");
        if (c.img && second) {
            CHECK_STATUS(gpuopt_image_apply(second, p, c.img, 0), GPUOPT_SUCCESS);
            CHECK(gpuopt_optimizer_continue(second, p, &resumed) == st);
            CHECK_MSG(resumed && same_result(full, resumed), "resumed after batch %d differs", at);
        }
        gpuopt_image_free(&c.img);
        gpuopt_result_destroy(&ignored);
        gpuopt_result_destroy(&resumed);
        gpuopt_optimizer_destroy(&first);
        gpuopt_optimizer_destroy(&second);
    }
    gpuopt_result_destroy(&full);
    gpuopt_problem_destroy(&p);
}

/* Driving bhhh by ask/tell, telling the raw contributions of each point, gives the same run as
 * gpuopt_minimize. */
static void test_ask_tell(void)
{
    gpuopt_problem *p = logit();
    gpuopt_status st;
    gpuopt_result *full = p ? run(p, NULL, &st) : NULL, *by_hand = NULL;
    gpuopt_optimizer *o = make(NULL);
    static double raw[11 * GPUOPT_LOGIT_N];
    gpuopt_status s = o && p ? gpuopt_optimizer_setup(o, p) : GPUOPT_ERR_INTERNAL;
    CHECK_STATUS(s, GPUOPT_SUCCESS);
    while (s == GPUOPT_SUCCESS) {
        const double *X;
        size_t n;
        if ((s = gpuopt_optimizer_ask(o, &X, &n)) != GPUOPT_SUCCESS || n > 11)
            break;
        for (size_t i = 0; i < n; ++i)
            for (size_t k = 0; k < GPUOPT_LOGIT_N; ++k)
                raw[i * GPUOPT_LOGIT_N + k] =
                    gpuopt_builtin_output(GPUOPT_BUILTIN_LOGIT, X + i * 5, 5, k);
        s = gpuopt_optimizer_tell(o, raw, n);
    }
    CHECK_STATUS(s, st);
    if (o && full && gpuopt_optimizer_result(o, &by_hand) == GPUOPT_SUCCESS)
        CHECK_MSG(same_result(full, by_hand), "ask/tell: f %.17g after %lld evaluations; "
                  "minimize: f %.17g after %lld",
                  gpuopt_result_fun(by_hand), (long long)gpuopt_result_n_evaluations(by_hand),
                  gpuopt_result_fun(full), (long long)gpuopt_result_n_evaluations(full));
    gpuopt_result_destroy(&full);
    gpuopt_result_destroy(&by_hand);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
}

/* The OpenCL backend (when it has a device) reaches the same point to rounding. */
static void test_opencl(void)
{
    gpuopt_context *ocl = NULL;
    if (gpuopt_context_create(&ocl, "opencl") != GPUOPT_SUCCESS) {
        printf("opencl: %s: bhhh not run there\n", gpuopt_last_error());
        return;
    }
    gpuopt_problem *p = logit();
    const char *settings[] = {"convergence.absolute_gradient_tolerance=1e-20", NULL};
    gpuopt_result *on_cpu = NULL, *on_ocl = NULL;
    gpuopt_status st;
    on_cpu = p ? run(p, settings, &st) : NULL;
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, ocl, "bhhh"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_option(o, settings[0]), GPUOPT_SUCCESS);
    if (o && p)
        CHECK_STATUS(gpuopt_minimize(o, p, &on_ocl), st);
    if (on_cpu && on_ocl) {
        double gap = 0;
        for (int k = 0; k < 5; ++k)
            gap = fmax(gap, fabs(gpuopt_result_x(on_cpu)[k] - gpuopt_result_x(on_ocl)[k]));
        CHECK_MSG(gap < 1e-9, "opencl vs cpu: %g", gap);
        CHECK(gap_to_mle(gpuopt_result_x(on_ocl)) < 1e-8);
        printf("opencl (%s): bhhh within %.2g of the cpu run\n", gpuopt_context_device(ocl), gap);
    }
    gpuopt_result_destroy(&on_cpu);
    gpuopt_result_destroy(&on_ocl);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ocl);
}

int main(void)
{
    CHECK_STATUS(gpuopt_context_create(&ctx, "cpu"), GPUOPT_SUCCESS);
    test_descriptor();
    test_logit_defaults();
    test_logit_tight();
    test_user_likelihood();
    test_singular();
    test_budget();
    test_scalar_refused();
    test_resume_bitwise();
    test_ask_tell();
    test_opencl();
    gpuopt_context_destroy(&ctx);
    return check_finish();
}
