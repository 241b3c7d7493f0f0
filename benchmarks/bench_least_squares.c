/* gpuopt_bench_least_squares: the least-squares solvers on the Moré–Wild benchmark set, for
 * data and performance profiles (benchmarks/ls_profiles.py; see benchmarks/README.md).
 *
 * Every selected algorithm runs on every selected Moré–Wild problem (suite "more_wild") from
 * its start point with a budget of B (n + 1) evaluations of the residual vector, B = 100 by
 * default (stopping.max_criterion_evaluations). The residuals come from a point callback that
 * runs the library's own kernel code (kernels/problems_more_wild.h) and counts every point it
 * evaluates, finite-difference Jacobian points included; after each evaluation it records the
 * best value so far. The JSON holds, per run, that trace (cut at the budget) as its steps
 * ("improvements": [k, best after evaluation k] wherever the best changed; "trace_length"
 * evaluations in all) and the result.
 * A benchmark, never a test of speed or of accuracy. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gpuopt.h>

#include "kernels/problems_more_wild.h"

#define MAX_ALGORITHMS 32
#define MAX_PROBLEMS GPUOPT_MW_COUNT

typedef struct ls_config {
    char algorithms[1024]; /* comma-separated, "" = the least-squares solvers */
    char problems[2048];   /* comma-separated, "" = all 53 */
    const char *backend;
    const char *options[16]; /* "key=value" set on every optimizer (--option) */
    size_t n_options;
    int budget_factor;
    const char *json_path;
} ls_config;

/* One Moré–Wild problem: its catalogue entry and its row of dfo.dat. */
typedef struct ls_problem {
    const gpuopt_problem_info *info;
    int row, function;
    size_t n, m;
    double x0[GPUOPT_MW_MAX_N];
} ls_problem;

/* What the criterion callback keeps: the evaluation count and the best-so-far trace. */
typedef struct ls_counter {
    const ls_problem *problem;
    int64_t count, budget;
    double best;
    double *trace; /* budget values */
} ls_counter;

typedef struct ls_run {
    const char *algorithm;
    const ls_problem *problem;
    gpuopt_status status;
    char message[512];
    int64_t n_evaluations, n_iterations, counted;
    double fun, seconds;
    double *trace;
    int64_t trace_length;
} ls_run;

/* ------------------------------------------------------------------ options */

static int usage(int rc)
{
    fputs("usage: gpuopt_bench_least_squares [--algorithms LIST] [--problems LIST]\n"
          "          [--budget-factor B] [--backend NAME] [--option KEY=VALUE]...\n"
          "          [--json PATH]\n"
          "  defaults: every registered algorithm that takes least-squares criteria and no\n"
          "  scalar ones (the least-squares solvers), all 53 More-Wild problems, B = 100\n"
          "  (budget B (n + 1) residual evaluations), backend cpu; --option applies to every\n"
          "  algorithm (e.g. error_handling=continue)\n",
          rc ? stderr : stdout);
    return rc;
}

static int parse(int argc, char **argv, ls_config *c)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help"))
            return usage(0), 1;
        if (!v) {
            fprintf(stderr, "gpuopt_bench_least_squares: unknown argument or missing value: %s\n",
                    a);
            return usage(2);
        }
        ++i;
        if (!strcmp(a, "--algorithms"))
            snprintf(c->algorithms, sizeof c->algorithms, "%s", v);
        else if (!strcmp(a, "--problems"))
            snprintf(c->problems, sizeof c->problems, "%s", v);
        else if (!strcmp(a, "--backend"))
            c->backend = v;
        else if (!strcmp(a, "--option") && c->n_options < 16)
            c->options[c->n_options++] = v;
        else if (!strcmp(a, "--json"))
            c->json_path = v;
        else if (!strcmp(a, "--budget-factor") && atoi(v) >= 1)
            c->budget_factor = atoi(v);
        else {
            fprintf(stderr, "gpuopt_bench_least_squares: bad option %s %s\n", a, v);
            return usage(2);
        }
    }
    return 0;
}

/* 1 when name is in the comma-separated list. */
static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && !strncmp(p, name, n))
            return 1;
        p += n + (end != NULL);
    }
    return 0;
}

/* Every name of the list is one of `known` (count n); else prints the unknown one. */
static int check_list(const char *what, const char *list, const char *const *known, size_t n)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        size_t k = 0;
        while (k < n && strcmp(known[k], t) != 0)
            ++k;
        if (k == n) {
            fprintf(stderr, "gpuopt_bench_least_squares: unknown %s '%s'\n", what, t);
            return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ selection */

static size_t select_algorithms(const ls_config *c, const char **out)
{
    const char *all[128];
    size_t n_all = 0, n = 0;
    for (size_t i = 0; i < gpuopt_algorithm_count() && n_all < 128; ++i) {
        gpuopt_algorithm_info a;
        if (gpuopt_algorithm_info_at(i, &a) != GPUOPT_SUCCESS)
            continue;
        all[n_all++] = a.name;
        int least_squares = (a.criterion_kinds & GPUOPT_CRITERION_LEAST_SQUARES) != 0;
        int scalar = (a.criterion_kinds & GPUOPT_CRITERION_SCALAR) != 0;
        int wanted = c->algorithms[0] ? in_list(c->algorithms, a.name) : least_squares && !scalar;
        if (wanted && least_squares && n < MAX_ALGORITHMS)
            out[n++] = a.name;
    }
    if (c->algorithms[0] && !check_list("algorithm", c->algorithms, all, n_all))
        return 0;
    return n;
}

static size_t select_problems(const ls_config *c, ls_problem *out)
{
    const char *all[MAX_PROBLEMS];
    size_t n = 0, row = 0;
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        if (!p || !p->suite || strcmp(p->suite, "more_wild") != 0 || row >= MAX_PROBLEMS)
            continue;
        all[row] = p->name;
        /* the catalogue lists the Moré–Wild problems in the order of dfo.dat */
        if (!c->problems[0] || in_list(c->problems, p->name)) {
            ls_problem *q = &out[n++];
            q->info = p;
            q->row = (int)row;
            q->function = gpuopt_mw_function((int)row);
            q->n = p->fixed_dim;
            q->m = p->n_outputs;
        }
        ++row;
    }
    if (c->problems[0] && !check_list("problem", c->problems, all, row))
        return 0;
    return n;
}

/* ------------------------------------------------------------------ one run */

static int residuals(const double *x, size_t dim, double *out, void *user)
{
    ls_counter *c = user;
    const ls_problem *p = c->problem;
    double f = 0.0;
    for (size_t k = 0; k < p->m; ++k) {
        out[k] = gpuopt_mw_residual(p->function, x, (int)dim, (int)p->m, (int)k);
        f += out[k] * out[k];
    }
    if (f < c->best) /* NaN never improves */
        c->best = f;
    if (c->count < c->budget)
        c->trace[c->count] = c->best;
    ++c->count;
    return 0;
}

/* The user problem with the Moré–Wild residuals, counted; its start point is the catalogue's. */
static gpuopt_status make_problem(ls_problem *p, ls_counter *counter, gpuopt_problem **out)
{
    gpuopt_problem *builtin = NULL;
    gpuopt_status st = gpuopt_problem_create_builtin(&builtin, p->info->name, p->n);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_get_start(builtin, p->x0);
    gpuopt_problem_destroy(&builtin);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_create(out, p->n);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_point_criterion(*out, GPUOPT_CRITERION_LEAST_SQUARES, p->m,
                                                residuals, counter, 0);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_start(*out, p->x0);
    return st;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A run counts as failed when it ends in an error other than a non-finite criterion value (an
 * outcome of the solver: it stepped where the residuals overflow, and error_handling=raise,
 * the default, stops it there). */
static int run_failed(gpuopt_status st)
{
    return st < 0 && st != GPUOPT_ERR_NONFINITE_CRITERION;
}

static void run_one(gpuopt_context *ctx, const ls_config *c, const char *algorithm, ls_problem *p,
                    int64_t budget, ls_run *r)
{
    ls_counter counter = {p, 0, budget, INFINITY, calloc((size_t)budget, sizeof(double))};
    gpuopt_problem *problem = NULL;
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *result = NULL;
    memset(r, 0, sizeof *r);
    r->algorithm = algorithm;
    r->problem = p;
    r->fun = NAN;
    gpuopt_status st =
        counter.trace ? make_problem(p, &counter, &problem) : GPUOPT_ERR_OUT_OF_MEMORY;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_create(&opt, ctx, algorithm);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_set_int(opt, "stopping.max_criterion_evaluations", budget);
    for (size_t i = 0; st == GPUOPT_SUCCESS && i < c->n_options; ++i)
        st = gpuopt_optimizer_set_option(opt, c->options[i]);
    double t0 = now_s();
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_minimize(opt, problem, &result);
    r->seconds = now_s() - t0;
    r->status = st;
    snprintf(r->message, sizeof r->message, "%s",
             result ? gpuopt_result_message(result)
             : opt  ? gpuopt_optimizer_errmsg(opt)
             : problem ? gpuopt_problem_errmsg(problem)
                       : gpuopt_last_error());
    if (result) {
        r->n_evaluations = gpuopt_result_n_evaluations(result);
        r->n_iterations = gpuopt_result_n_iterations(result);
        r->fun = gpuopt_result_fun(result);
    }
    r->counted = counter.count;
    r->trace = counter.trace;
    r->trace_length = counter.count < budget ? counter.count : budget;
    gpuopt_result_destroy(&result);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&problem);
}

/* ------------------------------------------------------------------ output */

static void json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned)(unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_problem(FILE *f, const ls_problem *p, int budget_factor)
{
    fputs("    {\"name\": ", f);
    json_string(f, p->info->name);
    fprintf(f, ", \"row\": %d, \"function\": %d, \"n\": %zu, \"m\": %zu, \"budget\": %lld,\n",
            p->row + 1, p->function, p->n, p->m, (long long)budget_factor * (long long)(p->n + 1));
    fputs("     \"f0\": ", f);
    json_number(f, p->info->start_value);
    fputs(", \"fstar\": ", f);
    json_number(f, p->info->best_known_value);
    fputs(", \"x0\": [", f);
    for (size_t j = 0; j < p->n; ++j) {
        fputs(j ? ", " : "", f);
        json_number(f, p->x0[j]);
    }
    fputs("]}", f);
}

static void json_run(FILE *f, const ls_run *r)
{
    fputs("    {\"algorithm\": ", f);
    json_string(f, r->algorithm);
    fputs(", \"problem\": ", f);
    json_string(f, r->problem->info->name);
    fprintf(f, ", \"status\": \"%s\", \"failed\": %s,\n     \"message\": ",
            gpuopt_status_name(r->status), run_failed(r->status) ? "true" : "false");
    json_string(f, r->message);
    fprintf(f, ", \"n_evaluations\": %lld, \"counted_evaluations\": %lld, \"n_iterations\": %lld,",
            (long long)r->n_evaluations, (long long)r->counted, (long long)r->n_iterations);
    fputs(" \"fun\": ", f);
    json_number(f, r->fun);
    fprintf(f, ", \"seconds\": %.6g,\n     \"trace_length\": %lld, \"improvements\": [", r->seconds,
            (long long)r->trace_length);
    /* the best-so-far step function: [k, f] where evaluation k (1-based) changed the best */
    int first = 1;
    for (int64_t i = 0; i < r->trace_length; ++i) {
        int changed = i == 0 ? isfinite(r->trace[0]) : r->trace[i] != r->trace[i - 1];
        if (!changed)
            continue;
        fprintf(f, "%s[%lld, ", first ? "" : ", ", (long long)(i + 1));
        json_number(f, r->trace[i]);
        fputs("]", f);
        first = 0;
    }
    fputs("]}", f);
}

static int write_json(const ls_config *c, const char *backend, const ls_problem *problems,
                      size_t n_problems, const char **algorithms, size_t n_algorithms,
                      const ls_run *runs, size_t n_runs)
{
    FILE *f = fopen(c->json_path, "w");
    if (!f) {
        fprintf(stderr, "gpuopt_bench_least_squares: cannot write %s\n", c->json_path);
        return 0;
    }
    char date[32];
    time_t t = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    fprintf(f, "{\n  \"benchmark\": \"least_squares\",\n  \"gpuopt_version\": \"%s\",\n",
            gpuopt_version());
    fprintf(f, "  \"date\": \"%s\",\n  \"backend\": ", date);
    json_string(f, backend);
    fprintf(f, ",\n  \"budget_factor\": %d,\n  \"options\": [", c->budget_factor);
    for (size_t i = 0; i < c->n_options; ++i) {
        fputs(i ? ", " : "", f);
        json_string(f, c->options[i]);
    }
    fputs("],\n  \"algorithms\": [", f);
    for (size_t i = 0; i < n_algorithms; ++i) {
        fputs(i ? ", " : "", f);
        json_string(f, algorithms[i]);
    }
    fputs("],\n  \"problems\": [\n", f);
    for (size_t i = 0; i < n_problems; ++i) {
        json_problem(f, &problems[i], c->budget_factor);
        fputs(i + 1 < n_problems ? ",\n" : "\n", f);
    }
    fputs("  ],\n  \"runs\": [\n", f);
    for (size_t i = 0; i < n_runs; ++i) {
        json_run(f, &runs[i]);
        fputs(i + 1 < n_runs ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    return fclose(f) == 0;
}

static void print_run(const ls_run *r, int64_t budget)
{
    const ls_problem *p = r->problem;
    printf("%-20s %-32s %5lld/%-5lld %-24.6g %-24.6g %s\n", r->algorithm, p->info->name,
           (long long)r->counted, (long long)budget,
           r->trace_length ? r->trace[r->trace_length - 1] : NAN, p->info->best_known_value,
           r->status < 0 ? r->message : gpuopt_status_name(r->status));
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    ls_config c = {.backend = "cpu", .budget_factor = 100};
    int rc = parse(argc, argv, &c);
    if (rc)
        return rc == 1 ? 0 : rc;
    const char *algorithms[MAX_ALGORITHMS];
    static ls_problem problems[MAX_PROBLEMS];
    size_t n_alg = select_algorithms(&c, algorithms), n_prob = select_problems(&c, problems);
    if (n_alg == 0 || n_prob == 0) {
        fprintf(stderr, "gpuopt_bench_least_squares: no %s to run\n",
                n_alg == 0 ? "least-squares algorithm" : "More-Wild problem");
        return 2;
    }
    gpuopt_context *ctx = NULL;
    if (gpuopt_context_create(&ctx, c.backend) != GPUOPT_SUCCESS) {
        fprintf(stderr, "gpuopt_bench_least_squares: backend %s: %s\n", c.backend,
                gpuopt_last_error());
        return 2;
    }
    size_t n_runs = n_alg * n_prob;
    ls_run *runs = calloc(n_runs, sizeof *runs);
    int failed = runs == NULL;
    printf("%-20s %-32s %-11s %-24s %-24s %s\n", "ALGORITHM", "PROBLEM", "EVALS", "BEST",
           "F*", "STOP");
    for (size_t p = 0; runs && p < n_prob; ++p)
        for (size_t a = 0; a < n_alg; ++a) {
            ls_run *r = &runs[p * n_alg + a];
            int64_t budget = (int64_t)c.budget_factor * (int64_t)(problems[p].n + 1);
            run_one(ctx, &c, algorithms[a], &problems[p], budget, r);
            print_run(r, budget);
            failed |= run_failed(r->status);
        }
    if (runs && c.json_path && !write_json(&c, gpuopt_context_backend(ctx), problems, n_prob,
                                           algorithms, n_alg, runs, n_runs))
        failed = 1;
    for (size_t i = 0; runs && i < n_runs; ++i)
        free(runs[i].trace);
    free(runs);
    gpuopt_context_destroy(&ctx);
    return failed ? 1 : 0;
}
