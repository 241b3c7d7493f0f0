/* Images (src/image.h): a run captured between batches and applied to a fresh optimizer
 * continues bit for bit like the uninterrupted run, for every registered algorithm; mismatches
 * are refused; observers see every event. */
#include <math.h>

#include "algorithm_cases.h"
#include "check.h"
#include "gpuopt.h"
#include "src/image.h"

static const char *const runs[][2] = {
    {"de", "mutation_variant=best/1/bin"}, {"de", "mutation_variant=rand/2/exp"},
    {"pso", "neighbor_definition=adaptive_random"}, {"pygmo_pso", "neighbor_definition=gbest"},
    {"neldermead", "adaptive=true"},
};

static gpuopt_optimizer *make(gpuopt_context *ctx, const char *alg, const char *setting)
{
    gpuopt_optimizer *o;
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_optimizer_set_option(o, "stopping.max_iterations=120");
    gpuopt_optimizer_set_option(o, setting);
    return o;
}

/* Runs `batches` batches by ask/tell, captures, and returns the image. */
static gpuopt_image *run_and_capture(gpuopt_optimizer *o, gpuopt_problem *p, int batches)
{
    const double *X;
    size_t n;
    double f[4096];
    CHECK_STATUS(gpuopt_optimizer_setup(o, p), GPUOPT_SUCCESS);
    for (int b = 0; b < batches; ++b) {
        CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
        gpuopt_problem_evaluate(p, X, n, f);
        CHECK_STATUS(gpuopt_optimizer_tell(o, f, n), GPUOPT_SUCCESS);
    }
    gpuopt_image *img = NULL;
    CHECK_STATUS(gpuopt_image_capture(o, &img), GPUOPT_SUCCESS);
    /* a batch that is out cannot be captured */
    CHECK_STATUS(gpuopt_optimizer_ask(o, &X, &n), GPUOPT_SUCCESS);
    gpuopt_image *none = NULL;
    CHECK_STATUS(gpuopt_image_capture(o, &none), GPUOPT_ERR_INVALID_STATE);
    return img;
}

static void test_resume_is_bitwise(void)
{
    gpuopt_context *ctx;
    gpuopt_problem *p;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_seed(ctx, 11);
    gpuopt_problem_create_builtin(&p, "rastrigin", 5);
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; ++r) {
        gpuopt_optimizer *whole = make(ctx, runs[r][0], runs[r][1]);
        gpuopt_result *full, *resumed;
        gpuopt_status st_full = gpuopt_minimize(whole, p, &full);
        for (int batches = 1; batches <= 37; batches += 12) {
            gpuopt_optimizer *first = make(ctx, runs[r][0], runs[r][1]);
            gpuopt_image *img = run_and_capture(first, p, batches);
            gpuopt_optimizer_destroy(&first);
            /* a fresh optimizer with default options: the image brings its options along */
            gpuopt_optimizer *second;
            gpuopt_optimizer_create(&second, ctx, runs[r][0]);
            CHECK_STATUS(gpuopt_image_apply(second, p, img, 0), GPUOPT_SUCCESS);
            gpuopt_status st = gpuopt_optimizer_continue(second, p, &resumed);
            CHECK_MSG(st == st_full, "%s: %s vs %s", runs[r][0], gpuopt_status_name(st),
                      gpuopt_status_name(st_full));
            CHECK_MSG(gpuopt_result_fun(resumed) == gpuopt_result_fun(full) &&
                          !memcmp(gpuopt_result_x(resumed), gpuopt_result_x(full), 5 * sizeof(double)) &&
                          gpuopt_result_n_evaluations(resumed) == gpuopt_result_n_evaluations(full) &&
                          gpuopt_result_n_iterations(resumed) == gpuopt_result_n_iterations(full),
                      "%s %s: resumed after %d batches differs", runs[r][0], runs[r][1], batches);
            gpuopt_result_destroy(&resumed);
            gpuopt_optimizer_destroy(&second);
            gpuopt_image_free(&img);
        }
        gpuopt_result_destroy(&full);
        gpuopt_optimizer_destroy(&whole);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

static void test_mismatch_refused(void)
{
    gpuopt_context *ctx;
    gpuopt_problem *p, *other, *wider;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_problem_create_builtin(&p, "sphere", 3);
    gpuopt_problem_create_builtin(&other, "ackley", 3);
    gpuopt_problem_create_builtin(&wider, "sphere", 4);
    gpuopt_optimizer *o = make(ctx, "de", "seed=3");
    gpuopt_image *img = run_and_capture(o, p, 3);
    gpuopt_optimizer_destroy(&o);
    gpuopt_optimizer_create(&o, ctx, "pso");
    CHECK_STATUS(gpuopt_image_apply(o, p, img, 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "algorithm 'de'");
    gpuopt_optimizer_destroy(&o);
    gpuopt_optimizer_create(&o, ctx, "de");
    CHECK_STATUS(gpuopt_image_apply(o, other, img, 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "problem 'sphere'");
    CHECK_STATUS(gpuopt_image_apply(o, wider, img, 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "dimension 3");
    snprintf(img->backend, sizeof img->backend, "opencl");
    CHECK_STATUS(gpuopt_image_apply(o, p, img, 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "backend 'opencl'");
    CHECK_STATUS(gpuopt_image_apply(o, p, img, 1), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_image_apply(o, p, img, 1), GPUOPT_ERR_INVALID_STATE);
    gpuopt_optimizer_destroy(&o);
    gpuopt_optimizer_create(&o, ctx, "de");
    img->buffers[0].count += 1;
    CHECK_STATUS(gpuopt_image_apply(o, p, img, 1), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "does not match");
    gpuopt_image_free(&img);
    CHECK(img == NULL);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_problem_destroy(&other);
    gpuopt_problem_destroy(&wider);
    gpuopt_context_destroy(&ctx);
}

typedef struct counts {
    int start, batch, iteration, stop, pending;
    int64_t last_iteration;
    int read_ok;
} counts;

static gpuopt_status count_events(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    counts *c = user;
    c->start += o->event == GPUOPT_EVENT_START;
    c->stop += o->event == GPUOPT_EVENT_STOP;
    if (o->event == GPUOPT_EVENT_BATCH) {
        ++c->batch;
        double X[64 * 4], f[64];
        c->read_ok += o->batch_n <= 64 &&
                      gpuopt_observer_read_batch(opt, X, f) == GPUOPT_SUCCESS && isfinite(f[0]);
    }
    if (o->event == GPUOPT_EVENT_ITERATION) {
        c->iteration += o->n_iterations == c->last_iteration + 1 && isfinite(o->iteration_f);
        c->last_iteration = o->n_iterations;
        /* only the batch that ends the run carries a pending stop */
        c->pending += o->stop_reason != GPUOPT_SUCCESS;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status fail_at_third(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    (void)opt, (void)user;
    return o->n_iterations == 3 ? GPUOPT_ERR_IO : GPUOPT_SUCCESS;
}

static void test_observers(void)
{
    gpuopt_context *ctx;
    gpuopt_problem *p;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_problem_create_builtin(&p, "sphere", 4);
    gpuopt_optimizer *o = make(ctx, "de", "population_size=20");
    counts c = {0};
    CHECK_STATUS(gpuopt_optimizer_add_observer(o, ~0u, count_events, &c), GPUOPT_SUCCESS);
    gpuopt_result *r;
    gpuopt_minimize(o, p, &r);
    CHECK(c.start == 1 && c.stop == 1);
    /* the initial population and 120 generations, the last one (which stops the run) included */
    CHECK(c.batch == 121 && c.read_ok == 121);
    CHECK(c.iteration == 120);
    CHECK(c.pending == 1);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_remove_observer(o, count_events, &c);
    CHECK_STATUS(gpuopt_optimizer_add_observer(o, GPUOPT_EVENT_ITERATION, fail_at_third, NULL),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_IO);
    CHECK(gpuopt_result_n_iterations(r) == 3);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

static gpuopt_status check_report(gpuopt_optimizer *opt, const gpuopt_observation *o, void *user)
{
    (void)opt;
    int *bad = user;
    *bad += o->n_report < 1 || !o->report_keys || !o->report_keys[0];
    for (size_t k = 0; k < o->n_report; ++k)
        *bad += !isfinite(o->report[k]);
    return GPUOPT_SUCCESS;
}

static gpuopt_status count_iterations(gpuopt_optimizer *opt, const gpuopt_observation *o,
                                      void *user)
{
    (void)opt, (void)o;
    ++*(int *)user;
    return GPUOPT_SUCCESS;
}

/* Every algorithm reports its named values each iteration (for the history log), on the
 * problem and settings tests/algorithm_cases.h picks for it. */
static void test_reports(void)
{
    gpuopt_context *ctx;
    gpuopt_context_create(&ctx, "cpu");
    for (size_t a = 0; a < gpuopt_algorithm_count(); ++a) {
        gpuopt_algorithm_info info;
        algorithm_case c;
        gpuopt_algorithm_info_at(a, &info);
        if (!algorithm_case_for(&info, &c)) {
            algorithm_case_skip(info.name, "the report values", c.why_none);
            continue;
        }
        gpuopt_problem *p;
        CHECK_STATUS(gpuopt_problem_create_builtin(&p, c.problem, c.dim), GPUOPT_SUCCESS);
        gpuopt_optimizer *o = make(ctx, info.name, "stopping.max_iterations=30");
        CHECK_STATUS(algorithm_case_apply(&c, o), GPUOPT_SUCCESS);
        int bad = 0, iterations = 0;
        gpuopt_optimizer_add_observer(o, GPUOPT_EVENT_ITERATION, check_report, &bad);
        gpuopt_optimizer_add_observer(o, GPUOPT_EVENT_ITERATION, count_iterations, &iterations);
        gpuopt_status st = gpuopt_minimize(o, p, NULL);
        CHECK_MSG(st > 0 && iterations > 0, "%s (%s): %s after %d iterations: %s", info.name,
                  algorithm_case_text(&c), gpuopt_status_name(st), iterations,
                  gpuopt_optimizer_errmsg(o));
        CHECK_MSG(bad == 0, "%s: %d bad report values", info.name, bad);
        gpuopt_optimizer_destroy(&o);
        gpuopt_problem_destroy(&p);
    }
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    test_reports();
    test_resume_is_bitwise();
    test_mismatch_refused();
    test_observers();
    return check_finish();
}
