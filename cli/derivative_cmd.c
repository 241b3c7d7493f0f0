/* `gpuopt derivative`: the finite-difference gradient or Hessian of a built-in problem at a
 * point (public API only: gpuopt/derivatives.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "derivative_cmd.h"
#include "json.h"
#include "suggest.h"

#define DEFAULT_DIM 10 /* without --dim and --at, as `run` */
#define MAX_OPTIONS 64

typedef struct derivative_args {
    const char *problem, *at, *method, *backend;
    const char *options[MAX_OPTIONS];
    size_t n_options, dim;
    int dim_given, threads, threads_given, hessian, json, check;
} derivative_args;

enum { F_PROBLEM, F_DIM, F_AT, F_HESSIAN, F_METHOD, F_BACKEND, F_THREADS, F_OPTION, F_JSON,
       F_CHECK };
static const cli_flag flags[] = {
    [F_PROBLEM] = {"--problem", 1}, [F_DIM] = {"--dim", 1},         [F_AT] = {"--at", 1},
    [F_HESSIAN] = {"--hessian", 0}, [F_METHOD] = {"--method", 1},   [F_BACKEND] = {"--backend", 1},
    [F_THREADS] = {"--threads", 1}, [F_OPTION] = {"--option", 1},   [F_JSON] = {"--json", 0},
    [F_CHECK] = {"--check", 0},
};

void cli_help_derivative(void)
{
    fputs("usage: gpuopt derivative --problem NAME [--dim N] [--at X1,X2,...] [FLAGS...]\n"
          "\n"
          "The gradient (or Hessian) of a built-in problem at a point, by finite differences\n"
          "evaluated as one batch on the backend (see docs/derivatives.md).\n"
          "\n"
          "flags:\n"
          "  --problem NAME       built-in problem (see 'gpuopt problems')\n"
          "  --dim N              dimension; default: the number of --at values, else 10\n"
          "  --at X1,X2,...       the point (within the problem's bounds); default: the\n"
          "                       problem's start point\n"
          "  --hessian            the Hessian instead of the gradient\n"
          "  --method M           central (default), forward or backward for gradients;\n"
          "                       central_cross (default), central_average, forward or\n"
          "                       backward for Hessians\n"
          "  --backend NAME       auto (default), cpu, opencl or cuda\n"
          "  --threads N          CPU threads; 0 means all cores (results do not depend on it)\n"
          "  --option KEY=VALUE   step_size, scaling_factor, min_steps, n_steps (Richardson),\n"
          "                       step_ratio or error_handling; repeatable\n"
          "  --check              also print the analytic derivative and the relative error\n"
          "  --json               print one JSON object (keys gradient or hessian, method,\n"
          "                       n_evaluations, value, ...)\n",
          stdout);
}

/* ------------------------------------------------------------------ flags */

static int apply_flag(void *args, int flag, const char *value)
{
    derivative_args *a = args;
    switch (flag) {
    case F_PROBLEM: a->problem = value; return CLI_EXIT_OK;
    case F_AT: a->at = value; return CLI_EXIT_OK;
    case F_METHOD: a->method = value; return CLI_EXIT_OK;
    case F_BACKEND: a->backend = value; return CLI_EXIT_OK;
    case F_HESSIAN: a->hessian = 1; return CLI_EXIT_OK;
    case F_JSON: a->json = 1; return CLI_EXIT_OK;
    case F_CHECK: a->check = 1; return CLI_EXIT_OK;
    case F_DIM: a->dim_given = 1; return cli_parse_positive_size("--dim", value, &a->dim);
    case F_THREADS:
        a->threads_given = 1;
        return cli_parse_nonnegative_int("--threads", value, &a->threads);
    case F_OPTION:
        if (a->n_options == MAX_OPTIONS)
            return cli_fail(CLI_EXIT_USAGE, "at most %d --option flags", MAX_OPTIONS);
        if (strchr(value, '=') == NULL || value[0] == '=')
            return cli_fail(CLI_EXIT_USAGE, "--option expects KEY=VALUE, got '%s'", value);
        a->options[a->n_options++] = value;
        return CLI_EXIT_OK;
    default: return cli_fail(CLI_EXIT_USAGE, "internal: unhandled flag");
    }
}

/* Returns -1 to go on, else the exit code (0 after --help). */
static int parse_args(int argc, char **argv, derivative_args *a)
{
    cli_scanner sc = {argc, argv, 0, "derivative"};
    int rc = cli_scan_flags(&sc, flags, sizeof flags / sizeof flags[0], cli_help_derivative, apply_flag, a);
    if (rc != -1)
        return rc;
    if (a->problem == NULL)
        return cli_fail(CLI_EXIT_USAGE, "derivative needs --problem NAME (see 'gpuopt problems')");
    return -1;
}

/* Parses "x1,x2,..." into a new array (*count values). */
static int parse_point(const char *text, double **out, size_t *count)
{
    size_t n = 1;
    for (const char *c = text; *c; ++c)
        n += *c == ',';
    double *x = malloc(n * sizeof *x);
    if (x == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    const char *p = text;
    for (size_t i = 0; i < n; ++i) {
        size_t len = strcspn(p, ",");
        char token[128];
        if (len == 0 || len >= sizeof token) {
            free(x);
            return cli_fail(CLI_EXIT_USAGE, "--at: coordinate %zu of '%s' is %s", i + 1, text,
                            len ? "too long" : "empty");
        }
        memcpy(token, p, len);
        token[len] = '\0';
        char *end = NULL;
        errno = 0;
        x[i] = strtod(token, &end);
        if (end == token || *end != '\0' || errno == ERANGE || !isfinite(x[i])) {
            free(x);
            return cli_fail(CLI_EXIT_USAGE, "--at: coordinate %zu is '%s', not a finite number",
                            i + 1, token);
        }
        p += len + (p[len] == ',');
    }
    *out = x;
    *count = n;
    return CLI_EXIT_OK;
}

/* --------------------------------------------------------------- the work */

typedef struct derivative_session {
    gpuopt_context *ctx;
    gpuopt_problem *problem;
    gpuopt_derivative *d;
    double *x, *result, *analytic;
    size_t dim;
} derivative_session;

static void close_session(derivative_session *s)
{
    gpuopt_derivative_destroy(&s->d);
    gpuopt_problem_destroy(&s->problem);
    gpuopt_context_destroy(&s->ctx);
    free(s->x);
    free(s->result);
    free(s->analytic);
}

/* The dimension and the point: from --at (checked against --dim), else the start point. */
static int open_problem(const derivative_args *a, derivative_session *s)
{
    size_t count = 0;
    int rc = a->at ? parse_point(a->at, &s->x, &count) : CLI_EXIT_OK;
    if (rc != CLI_EXIT_OK)
        return rc;
    const gpuopt_problem_info *info = gpuopt_problem_info_find(a->problem);
    s->dim = a->dim_given              ? a->dim
             : a->at                   ? count
             : info && info->fixed_dim ? info->fixed_dim
                                       : DEFAULT_DIM;
    if (a->at && count != s->dim)
        return cli_fail(CLI_EXIT_USAGE, "--at has %zu coordinate%s; --dim is %zu", count,
                        count == 1 ? "" : "s", s->dim);
    gpuopt_status st = gpuopt_problem_create_builtin(&s->problem, a->problem, s->dim);
    if (st == GPUOPT_ERR_UNKNOWN_PROBLEM) {
        char matches[256];
        int close = 0;
        cli_suggest_problem(a->problem, matches, sizeof matches, &close);
        return cli_fail_unknown(gpuopt_last_error(), "problem", a->problem, matches, close);
    }
    if (st != GPUOPT_SUCCESS)
        return cli_fail_status(st, gpuopt_last_error());
    if (!s->x) {
        if (!(s->x = malloc(s->dim * sizeof *s->x)))
            return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
        gpuopt_problem_get_start(s->problem, s->x);
    }
    return CLI_EXIT_OK;
}

static int open_derivative(const derivative_args *a, derivative_session *s)
{
    gpuopt_status st = gpuopt_derivative_create(&s->d, s->ctx);
    if (st != GPUOPT_SUCCESS)
        return cli_fail_status(st, gpuopt_last_error());
    if (a->method && (st = gpuopt_derivative_set_string(s->d, "method", a->method)) != 0)
        return cli_fail_status(st, gpuopt_derivative_errmsg(s->d));
    for (size_t i = 0; i < a->n_options; ++i)
        if ((st = gpuopt_derivative_set_option(s->d, a->options[i])) != GPUOPT_SUCCESS)
            return cli_fail(cli_exit_code_for(st), "--option %s: %s", a->options[i],
                            gpuopt_derivative_errmsg(s->d));
    return CLI_EXIT_OK;
}

static int compute(const derivative_args *a, derivative_session *s)
{
    size_t n = a->hessian ? s->dim * s->dim : s->dim;
    s->result = malloc(n * sizeof *s->result);
    s->analytic = a->check ? malloc(n * sizeof *s->analytic) : NULL;
    if (!s->result || (a->check && !s->analytic))
        return cli_fail(CLI_EXIT_RUNTIME, "cannot allocate the %s at dimension %zu (%zu values, "
                        "%.4g GB)", a->hessian ? "Hessian" : "gradient", s->dim, n,
                        (double)n * sizeof(double) / 1e9);
    gpuopt_status st = a->hessian ? gpuopt_derivative_hessian(s->d, s->problem, s->x, s->result)
                                  : gpuopt_derivative_gradient(s->d, s->problem, s->x, s->result);
    if (st != GPUOPT_SUCCESS)
        return cli_fail_status(st, gpuopt_derivative_errmsg(s->d));
    if (a->check) {
        st = a->hessian ? gpuopt_problem_builtin_hessian(a->problem, s->dim, s->x, s->analytic)
                        : gpuopt_problem_builtin_gradient(a->problem, s->dim, s->x, s->analytic);
        if (st != GPUOPT_SUCCESS)
            return cli_fail_status(st, gpuopt_last_error());
    }
    return CLI_EXIT_OK;
}

/* ----------------------------------------------------------------- output */

/* max |numeric - analytic| / max |analytic| */
static double relative_error(const double *est, const double *exact, size_t n)
{
    double err = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
        double e = fabs(est[i] - exact[i]);
        err = isnan(e) || e > err ? e : err;
        scale = fabs(exact[i]) > scale ? fabs(exact[i]) : scale;
    }
    return scale > 0 ? err / scale : err;
}

static void json_vector(cli_json *j, const double *v, size_t n)
{
    cli_json_begin_inline_array(j);
    for (size_t i = 0; i < n; ++i)
        cli_json_double(j, v[i]);
    cli_json_end_array(j);
}

/* The gradient as a vector, the Hessian as an array of rows. */
static void json_result(cli_json *j, const char *key, const double *v, size_t dim, int hessian)
{
    cli_json_key(j, key);
    if (!hessian) {
        json_vector(j, v, dim);
        return;
    }
    cli_json_begin_array(j);
    for (size_t i = 0; i < dim; ++i)
        json_vector(j, v + i * dim, dim);
    cli_json_end_array(j);
}

static void print_json(const derivative_args *a, const derivative_session *s)
{
    cli_json j;
    const char *what = a->hessian ? "hessian" : "gradient";
    size_t n = a->hessian ? s->dim * s->dim : s->dim;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_object(&j);
    cli_json_kv_string(&j, "problem", gpuopt_problem_name(s->problem));
    cli_json_kv_int(&j, "dim", (int64_t)s->dim);
    cli_json_kv_string(&j, "backend", gpuopt_context_backend(s->ctx));
    cli_json_key(&j, "at");
    json_vector(&j, s->x, s->dim);
    cli_json_kv_string(&j, "derivative", what);
    cli_json_kv_string(&j, "method", gpuopt_derivative_method(s->d));
    cli_json_kv_int(&j, "n_evaluations", gpuopt_derivative_n_evaluations(s->d));
    cli_json_kv_double(&j, "value", gpuopt_derivative_value(s->d));
    json_result(&j, what, s->result, s->dim, a->hessian);
    if (a->check) {
        json_result(&j, a->hessian ? "analytic_hessian" : "analytic_gradient", s->analytic, s->dim,
                    a->hessian);
        cli_json_kv_double(&j, "relative_error", relative_error(s->result, s->analytic, n));
    }
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

static void text_vector(const char *label, const double *v, size_t n)
{
    printf("%-14s [", label);
    for (size_t i = 0; i < n; ++i)
        printf("%s%.10g", i ? ", " : "", v[i]);
    printf("]\n");
}

static void text_result(const char *label, const double *v, size_t dim, int hessian)
{
    if (!hessian) {
        text_vector(label, v, dim);
        return;
    }
    for (size_t i = 0; i < dim; ++i)
        text_vector(i ? "" : label, v + i * dim, dim);
}

static void print_text(const derivative_args *a, const derivative_session *s)
{
    const char *what = a->hessian ? "hessian" : "gradient";
    printf("%-14s %s (dim %zu)\n", "problem", gpuopt_problem_name(s->problem), s->dim);
    printf("%-14s %s\n", "backend", gpuopt_context_backend(s->ctx));
    text_vector("at", s->x, s->dim);
    printf("%-14s %.17g\n", "value", gpuopt_derivative_value(s->d));
    printf("%-14s %s (%lld evaluations)\n", "method", gpuopt_derivative_method(s->d),
           (long long)gpuopt_derivative_n_evaluations(s->d));
    text_result(what, s->result, s->dim, a->hessian);
    if (a->check) {
        text_result("analytic", s->analytic, s->dim, a->hessian);
        printf("%-14s %.3g\n", "relative error",
               relative_error(s->result, s->analytic, a->hessian ? s->dim * s->dim : s->dim));
    }
}

int cli_cmd_derivative(int argc, char **argv)
{
    derivative_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    derivative_session s;
    memset(&s, 0, sizeof s);
    rc = open_problem(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_context(&s.ctx, a.backend, a.threads_given, a.threads);
    if (rc == CLI_EXIT_OK)
        rc = open_derivative(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = compute(&a, &s);
    if (rc == CLI_EXIT_OK) {
        if (a.json)
            print_json(&a, &s);
        else
            print_text(&a, &s);
    }
    close_session(&s);
    return rc;
}
