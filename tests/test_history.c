/* Run history through the public API (include/gpuopt/history.h): checkpoints saved while a run
 * goes on, by an interrupt and by hand (ask/tell) resume bit for bit for every algorithm (each on
 * the problem and settings tests/algorithm_cases.h picks for it); logs hold one record per
 * iteration and the outcome; bad files and mismatches are refused with clear messages. Without
 * HDF5 every call says so. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algorithm_cases.h"
#include "check.h"
#include "gpuopt.h"
#include "kernels/problems.h"
#include "src/problems.h"

static char dir[256];

static const char *in_dir(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

typedef struct setup {
    gpuopt_context *ctx;
    gpuopt_problem *problem;
    const algorithm_case *c; /* NULL: the algorithm's defaults */
} setup;

static setup open_setup(const char *problem, size_t dim)
{
    setup s = {NULL, NULL, NULL};
    CHECK_STATUS(gpuopt_context_create(&s.ctx, "cpu"), GPUOPT_SUCCESS);
    gpuopt_context_set_seed(s.ctx, 2024);
    CHECK_STATUS(gpuopt_problem_create_builtin(&s.problem, problem, dim), GPUOPT_SUCCESS);
    return s;
}

/* The problem of an algorithm's case; make() applies the case's settings. */
static setup open_case(const algorithm_case *c)
{
    setup s = open_setup(c->problem, c->dim);
    s.c = c;
    return s;
}

static void close_setup(setup *s)
{
    gpuopt_problem_destroy(&s->problem);
    gpuopt_context_destroy(&s->ctx);
}

static gpuopt_optimizer *make(const setup *s, const char *algorithm, int64_t iterations)
{
    gpuopt_optimizer *o = NULL;
    CHECK_STATUS(gpuopt_optimizer_create(&o, s->ctx, algorithm), GPUOPT_SUCCESS);
    if (s->c)
        CHECK_MSG(algorithm_case_apply(s->c, o) == GPUOPT_SUCCESS, "%s (%s): %s", algorithm,
                  algorithm_case_text(s->c), gpuopt_optimizer_errmsg(o));
    CHECK_STATUS(gpuopt_optimizer_set_int(o, "stopping.max_iterations", iterations),
                 GPUOPT_SUCCESS);
    return o;
}

/* Runs test(case) for every registered algorithm that has a case; says which have none. */
static void for_every_algorithm(void (*test)(const algorithm_case *c), const char *what)
{
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info a;
        algorithm_case c;
        CHECK_STATUS(gpuopt_algorithm_info_at(i, &a), GPUOPT_SUCCESS);
        if (algorithm_case_for(&a, &c))
            test(&c);
        else
            algorithm_case_skip(a.name, what, c.why_none);
    }
}

static int same_result(const gpuopt_result *a, const gpuopt_result *b)
{
    size_t dim = gpuopt_result_dim(a);
    double fa = gpuopt_result_fun(a), fb = gpuopt_result_fun(b);
    return dim == gpuopt_result_dim(b) &&
           memcmp(gpuopt_result_x(a), gpuopt_result_x(b), dim * sizeof(double)) == 0 &&
           memcmp(&fa, &fb, sizeof fa) == 0 &&
           gpuopt_result_n_evaluations(a) == gpuopt_result_n_evaluations(b) &&
           gpuopt_result_n_iterations(a) == gpuopt_result_n_iterations(b) &&
           gpuopt_result_stop_reason(a) == gpuopt_result_stop_reason(b);
}

/* A whole run of the case: its stop reason must be a stop reason, not an error. */
static gpuopt_result *run_whole(const setup *s, const char *alg, int64_t iterations)
{
    gpuopt_optimizer *o = make(s, alg, iterations);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, s->problem, &r);
    CHECK_MSG(st > 0, "%s (%s): %s: %s", alg, algorithm_case_text(s->c), gpuopt_status_name(st),
              gpuopt_optimizer_errmsg(o));
    gpuopt_optimizer_destroy(&o);
    if (st <= 0)
        gpuopt_result_destroy(&r);
    return r;
}

/* ------------------------------------------------ interrupt, then resume */

enum { INTERRUPT_RUN = 40, INTERRUPT_AT = 13 };

static int stop_at_iteration(const gpuopt_progress *p, void *user)
{
    (void)user;
    return p->n_iterations >= INTERRUPT_AT;
}

static gpuopt_result *interrupted_then_resumed(const setup *s, const char *alg, const char *ckpt)
{
    gpuopt_optimizer *first = make(s, alg, INTERRUPT_RUN);
    gpuopt_result *partial = NULL, *result = NULL;
    gpuopt_optimizer_set_progress(first, stop_at_iteration, NULL);
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(first, ckpt, 5, 0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(first, s->problem, &partial), GPUOPT_STOP_INTERRUPTED);
    gpuopt_checkpoint_info info;
    CHECK_STATUS(gpuopt_checkpoint_read_info(ckpt, &info), GPUOPT_SUCCESS);
    CHECK_MSG(partial && info.n_iterations == gpuopt_result_n_iterations(partial),
              "%s: saved at %lld", alg, (long long)info.n_iterations);
    CHECK(strcmp(info.problem, s->c->problem) == 0 && info.dim == s->c->dim && info.seed == 2024);
    CHECK(strcmp(info.backend, "cpu") == 0 && info.checkpoint_every_iterations == 5);
    gpuopt_optimizer *second = make(s, alg, 7); /* the saved options replace these */
    CHECK_STATUS(gpuopt_optimizer_resume(second, s->problem, ckpt, 0), GPUOPT_SUCCESS);
    gpuopt_optimizer_continue(second, s->problem, &result);
    gpuopt_result_destroy(&partial);
    gpuopt_optimizer_destroy(&first);
    gpuopt_optimizer_destroy(&second);
    return result;
}

static void interrupt_and_resume(const algorithm_case *c)
{
    setup s = open_case(c);
    gpuopt_result *full = run_whole(&s, c->algorithm, INTERRUPT_RUN);
    if (full && gpuopt_result_n_iterations(full) <= INTERRUPT_AT) {
        char why[160];
        snprintf(why, sizeof why, "its whole run stopped by %s after %lld iterations",
                 gpuopt_status_name(gpuopt_result_stop_reason(full)),
                 (long long)gpuopt_result_n_iterations(full));
        algorithm_case_skip(c->algorithm, "the interrupt at iteration 13 and resume", why);
    } else if (full) {
        gpuopt_result *resumed = interrupted_then_resumed(&s, c->algorithm, in_dir("int.ckpt"));
        CHECK_MSG(resumed && same_result(full, resumed), "%s (%s): resumed run differs",
                  c->algorithm, algorithm_case_text(c));
        gpuopt_result_destroy(&resumed);
    }
    gpuopt_result_destroy(&full);
    close_setup(&s);
}

/* ------------------------------------------- ask/tell, save by hand, resume */

/* The raw outputs of a built-in problem at n points, as tell() takes them: the value of a scalar
 * problem, the contributions (or residuals) of the others. */
static void raw_outputs(const gpuopt_problem *p, const double *X, size_t n, double *out)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(gpuopt_problem_name(p));
    size_t dim = gpuopt_problem_dim(p), n_outputs = gpuopt_problem_n_outputs(p);
    CHECK(b != NULL);
    for (size_t i = 0; b && i < n; ++i)
        for (size_t k = 0; k < n_outputs; ++k)
            out[i * n_outputs + k] = gpuopt_builtin_output(b->id, X + i * dim, (int)dim, k);
}

/* Drives o by ask/tell until it stops; saves to `path` after `save_after` batches (if >= 0).
 * Returns the number of batches told; *saved says whether the save happened. */
static int drive(gpuopt_optimizer *o, gpuopt_problem *p, int save_after, const char *path,
                 int *saved)
{
    gpuopt_status st = GPUOPT_SUCCESS;
    size_t n_outputs = gpuopt_problem_n_outputs(p);
    double *f = NULL;
    int batch = 0;
    for (; st == GPUOPT_SUCCESS; ++batch) {
        if (batch == save_after) {
            CHECK_STATUS(gpuopt_optimizer_save_checkpoint(o, path), GPUOPT_SUCCESS);
            *saved = 1;
        }
        const double *X;
        size_t n;
        if ((st = gpuopt_optimizer_ask(o, &X, &n)) != GPUOPT_SUCCESS)
            break;
        f = realloc(f, n * n_outputs * sizeof *f);
        raw_outputs(p, X, n, f);
        st = gpuopt_optimizer_tell(o, f, n);
    }
    CHECK_MSG(st > 0, "ask/tell ended with %s: %s", gpuopt_status_name(st),
              gpuopt_optimizer_errmsg(o));
    free(f);
    return batch;
}

enum { ASK_TELL_RUN = 25, SAVE_AFTER = 9 };

/* A batch that is out cannot be saved. */
static void busy_save_refused(const setup *s, const char *alg)
{
    gpuopt_optimizer *busy = make(s, alg, ASK_TELL_RUN);
    const double *X;
    size_t n;
    CHECK_STATUS(gpuopt_optimizer_setup(busy, s->problem), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_ask(busy, &X, &n), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_save_checkpoint(busy, in_dir("busy.ckpt")),
                 GPUOPT_ERR_INVALID_STATE);
    gpuopt_optimizer_destroy(&busy);
}

static void ask_tell_save(const algorithm_case *c)
{
    setup s = open_case(c);
    const char *ckpt = in_dir("asktell.ckpt"), *alg = c->algorithm;
    gpuopt_optimizer *o = make(&s, alg, ASK_TELL_RUN);
    CHECK_STATUS(gpuopt_optimizer_setup(o, s.problem), GPUOPT_SUCCESS);
    int saved = 0, batches = drive(o, s.problem, SAVE_AFTER, ckpt, &saved);
    gpuopt_result *whole = NULL, *again = NULL;
    gpuopt_optimizer_result(o, &whole);
    if (!saved) {
        char why[120];
        snprintf(why, sizeof why, "its run ended after %d batches", batches);
        algorithm_case_skip(alg, "the ask/tell save after 9 batches and resume", why);
    } else {
        gpuopt_optimizer *r = make(&s, alg, ASK_TELL_RUN);
        CHECK_STATUS(gpuopt_optimizer_resume(r, s.problem, ckpt, 0), GPUOPT_SUCCESS);
        drive(r, s.problem, -1, NULL, &saved);
        gpuopt_optimizer_result(r, &again);
        CHECK_MSG(whole && again && same_result(whole, again), "%s (%s): ask/tell resume differs",
                  alg, algorithm_case_text(c));
        gpuopt_optimizer_destroy(&r);
    }
    busy_save_refused(&s, alg);
    gpuopt_result_destroy(&whole);
    gpuopt_result_destroy(&again);
    gpuopt_optimizer_destroy(&o);
    unlink(ckpt);
    close_setup(&s);
}

/* ------------------------------------------------------------------ logs */

enum { LOG_RUN = 30 };

/* GPUOPT_STOP_MAX_ITERATIONS -> "max_iterations", as logs name stop reasons. */
static const char *short_reason(gpuopt_status st)
{
    static char text[64];
    const char *name = gpuopt_status_name(st);
    if (strncmp(name, "GPUOPT_STOP_", 12) == 0)
        name += 12;
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof text; ++i)
        text[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    text[i] = '\0';
    return text;
}

static void check_log_rows(const gpuopt_log_data *d, const gpuopt_result *r, const char *alg)
{
    int64_t n = gpuopt_result_n_iterations(r);
    CHECK_MSG((int64_t)d->n_records == n, "%s: %zu records for %lld iterations", alg,
              d->n_records, (long long)n);
    int ordered = 1, improving = 1;
    for (size_t i = 0; i < d->n_records; ++i) {
        ordered &= d->iteration[i] == (int64_t)i + 1;
        improving &= i == 0 || d->best_f[i] <= d->best_f[i - 1];
        improving &= d->iteration_f[i] >= d->best_f[i];
    }
    CHECK_MSG(ordered && improving, "%s: iterations out of order or best_f increasing", alg);
    size_t last = d->n_records - 1;
    CHECK(d->n_records > 0 && d->best_f[last] == gpuopt_result_fun(r));
    CHECK(d->n_records > 0 && d->n_evaluations[last] == gpuopt_result_n_evaluations(r));
    CHECK(d->n_records > 0 &&
          memcmp(d->best_x + last * d->dim, gpuopt_result_x(r), d->dim * sizeof(double)) == 0);
    const char *reason = short_reason(gpuopt_result_stop_reason(r));
    CHECK_MSG(d->finished && d->final_f == gpuopt_result_fun(r) &&
                  d->stop_code == (int)gpuopt_result_stop_reason(r) &&
                  strcmp(d->stop_reason, reason) == 0,
              "%s: the log's outcome: finished %d, stop reason %s (the run's: %s)", alg,
              d->finished, d->stop_reason, reason);
}

static void check_log_setup(const gpuopt_log_data *d, const algorithm_case *c)
{
    const char *alg = c->algorithm;
    CHECK_MSG(strcmp(d->algorithm, alg) == 0 && strcmp(d->problem, c->problem) == 0 &&
                  d->dim == c->dim,
              "%s: the log's set-up: %s, %s, dim %zu", alg, d->algorithm, d->problem, d->dim);
    CHECK(strcmp(d->backend, "cpu") == 0 && d->seed == 2024 && d->n_resumes == 0);
    CHECK(strcmp(d->library_version, gpuopt_version()) == 0 && d->start_time[0] == '2');
    CHECK(d->lower[0] < d->upper[0] && d->n_options > 4);
    int has_max = 0;
    for (size_t i = 0; i < d->n_options; ++i)
        has_max |= strcmp(d->option_keys[i], "stopping.max_iterations") == 0 &&
                   strcmp(d->option_values[i], "30") == 0;
    CHECK_MSG(has_max, "%s: option stopping.max_iterations=30 not in the log", alg);
    for (size_t k = 0; k < c->n_settings; ++k) { /* the case's settings, as set */
        int found = 0;
        size_t key_len = strcspn(c->settings[k], "=");
        for (size_t i = 0; i < d->n_options; ++i)
            found |= strlen(d->option_keys[i]) == key_len &&
                     strncmp(d->option_keys[i], c->settings[k], key_len) == 0;
        CHECK_MSG(found, "%s: option %s not in the log", alg, c->settings[k]);
    }
    CHECK_MSG(d->n_report > 0, "%s: no report values", alg);
}

static void check_evaluations(const gpuopt_log_data *d, const gpuopt_result *r)
{
    CHECK(d->has_evaluations && (int64_t)d->n_eval_records == gpuopt_result_n_evaluations(r));
    double best = INFINITY;
    for (size_t i = 0; i < d->n_eval_records; ++i)
        best = d->eval_f[i] < best ? d->eval_f[i] : best;
    CHECK(best == gpuopt_result_fun(r));
    CHECK(d->n_eval_records && d->eval_iteration[0] == 1 &&
          d->eval_iteration[d->n_eval_records - 1] == gpuopt_result_n_iterations(r));
}

static void logs(const algorithm_case *c)
{
    setup s = open_case(c);
    const char *log = in_dir("run.h5"), *alg = c->algorithm;
    gpuopt_optimizer *o = make(&s, alg, LOG_RUN);
    CHECK_STATUS(gpuopt_optimizer_set_log(o, log, GPUOPT_LOG_EVALUATIONS | GPUOPT_LOG_OVERWRITE),
                 GPUOPT_SUCCESS);
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_minimize(o, s.problem, &r);
    CHECK_MSG(st > 0, "%s (%s): %s", alg, algorithm_case_text(c), gpuopt_optimizer_errmsg(o));
    if (st > 0 && st != GPUOPT_STOP_MAX_ITERATIONS)
        algorithm_case_skip(alg, "a log that ends by stopping.max_iterations=30",
                            gpuopt_result_message(r));
    gpuopt_log_data *d = NULL;
    CHECK_STATUS(gpuopt_log_read(log, &d), GPUOPT_SUCCESS);
    if (d && r) {
        check_log_setup(d, c);
        check_log_rows(d, r, alg);
        check_evaluations(d, r);
    }
    gpuopt_log_data_free(&d);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    close_setup(&s);
}

/* A log that exists is refused unless overwritten; the run does not start. */
static void test_log_exists(void)
{
    setup s = open_setup("sphere", 3);
    const char *log = in_dir("exists.h5");
    FILE *f = fopen(log, "w");
    fputs("precious\n", f);
    fclose(f);
    gpuopt_optimizer *o = make(&s, "de", 5);
    gpuopt_optimizer_set_log(o, log, 0);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, s.problem, &r), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "exists");
    gpuopt_result_destroy(&r);
    f = fopen(log, "r");
    char line[32] = "";
    CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "precious\n") == 0);
    if (f)
        fclose(f);
    CHECK_STATUS(gpuopt_optimizer_set_log(o, log, GPUOPT_LOG_OVERWRITE), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_minimize(o, s.problem, &r), GPUOPT_STOP_MAX_ITERATIONS);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    close_setup(&s);
}

/* ------------------------------------------------------------- bad files */

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 22);
    *n = f && buf ? fread(buf, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

static void expect_bad(const setup *s, const char *path, const char *phrase)
{
    gpuopt_checkpoint_info info;
    CHECK_STATUS(gpuopt_checkpoint_read_info(path, &info), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), phrase);
    gpuopt_optimizer *o = make(s, "de", 10);
    CHECK_STATUS(gpuopt_optimizer_resume(o, s->problem, path, 0), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), phrase);
    gpuopt_optimizer_destroy(&o);
}

static void test_bad_checkpoints(void)
{
    setup s = open_setup("sphere", 3);
    const char *good = in_dir("good.ckpt"), *bad = in_dir("bad.ckpt");
    gpuopt_optimizer *o = make(&s, "de", 10);
    gpuopt_optimizer_set_checkpoint(o, good, 1, 0);
    gpuopt_optimizer_set_log(o, in_dir("good.h5"), GPUOPT_LOG_OVERWRITE);
    gpuopt_result *r = NULL;
    gpuopt_minimize(o, s.problem, &r);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    size_t n;
    unsigned char *bytes = slurp(good, &n);
    expect_bad(&s, in_dir("missing.ckpt"), "No such file");
    write_bytes(bad, bytes, n / 2);
    expect_bad(&s, bad, "truncated or damaged");
    for (size_t i = n / 3; i < n; i += 7) /* corrupt the stored state, keep the header */
        bytes[i] ^= 0x5a;
    write_bytes(bad, bytes, n);
    expect_bad(&s, bad, "damaged");
    write_bytes(bad, "just some text, not HDF5\n", 25);
    expect_bad(&s, bad, "not an HDF5 file");
    expect_bad(&s, in_dir("good.h5"), "is a gpuopt log, not a checkpoint");
    gpuopt_log_data *d = NULL;
    CHECK_STATUS(gpuopt_log_read(good, &d), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "is a gpuopt checkpoint, not a log");
    CHECK_STATUS(gpuopt_log_read(bad, &d), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "not an HDF5 file");
    CHECK(d == NULL);
    free(bytes);
    close_setup(&s);
}

/* Resuming on another problem, dimension or algorithm is refused, naming it. */
static void test_mismatch(void)
{
    setup s = open_setup("sphere", 3);
    const char *ckpt = in_dir("mismatch.ckpt");
    gpuopt_optimizer *o = make(&s, "pso", 5);
    gpuopt_optimizer_set_checkpoint(o, ckpt, 2, 0);
    gpuopt_result *r = NULL;
    gpuopt_minimize(o, s.problem, &r);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
    setup other = open_setup("rastrigin", 3), wider = open_setup("sphere", 4);
    const setup *cases[] = {&other, &wider, &s};
    const char *algs[] = {"pso", "pso", "de"}, *phrases[] = {"problem", "dimension", "algorithm"};
    for (int k = 0; k < 3; ++k) {
        o = make(cases[k], algs[k], 5);
        CHECK_STATUS(gpuopt_optimizer_resume(o, cases[k]->problem, ckpt, 0),
                     GPUOPT_ERR_INVALID_ARGUMENT);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), phrases[k]);
        gpuopt_optimizer_destroy(&o);
    }
    close_setup(&other);
    close_setup(&wider);
    close_setup(&s);
}

static void test_arguments(void)
{
    setup s = open_setup("sphere", 3);
    gpuopt_optimizer *o = make(&s, "de", 5);
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(o, in_dir("c"), 0, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(o, in_dir("c"), -1, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(o, in_dir("c"), 0, NAN),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_set_log(o, in_dir("c"), 0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(o, in_dir("c"), 1, 0),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "same file");
    CHECK_STATUS(gpuopt_optimizer_set_log(o, in_dir("c"), 99), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(gpuopt_optimizer_set_log(o, NULL, 0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_set_log(NULL, "x", 0), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_optimizer_resume(o, s.problem, NULL, 0), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_checkpoint_read_info(NULL, NULL), GPUOPT_ERR_NULL_POINTER);
    gpuopt_optimizer_destroy(&o);
    close_setup(&s);
}

/* ------------------------------------------------------------ without HDF5 */

static int test_unavailable(void)
{
    setup s = open_setup("sphere", 3);
    gpuopt_optimizer *o = make(&s, "de", 5);
    CHECK_STATUS(gpuopt_optimizer_set_log(o, "x.h5", 0), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "without HDF5");
    CHECK_STATUS(gpuopt_optimizer_set_checkpoint(o, "x.ckpt", 1, 0), GPUOPT_ERR_UNSUPPORTED);
    CHECK_STATUS(gpuopt_optimizer_resume(o, s.problem, "x.ckpt", 0), GPUOPT_ERR_UNSUPPORTED);
    gpuopt_log_data *d = NULL;
    CHECK_STATUS(gpuopt_log_read("x.h5", &d), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_last_error(), "without HDF5");
    gpuopt_optimizer_destroy(&o);
    close_setup(&s);
    return check_finish();
}

int main(void)
{
    if (!gpuopt_history_available())
        return test_unavailable();
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gpuopt_history_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    for_every_algorithm(interrupt_and_resume, "the interrupt and resume");
    for_every_algorithm(ask_tell_save, "the ask/tell save and resume");
    for_every_algorithm(logs, "the log");
    test_log_exists();
    test_bad_checkpoints();
    test_mismatch();
    test_arguments();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_finish();
}
