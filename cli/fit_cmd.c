/* `gpuopt fit`: curve fitting of a NIST StRD data set or of a CSV file with a built-in model
 * or a model source file (public API only: gpuopt/fit.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "fit_cmd.h"
#include "json.h"
#include "suggest.h"

#ifndef GPUOPT_INSTALL_DATADIR
#define GPUOPT_INSTALL_DATADIR "share"
#endif
#ifndef GPUOPT_NIST_DIR
#define GPUOPT_NIST_DIR "tests/data/nist"
#endif
#define MAX_OPTIONS 64

typedef struct fit_args {
    const char *nist, *data, *model, *model_source, *algorithm, *backend, *p0;
    const char *options[MAX_OPTIONS + 1];
    size_t n_options, degree;
    int start, threads, threads_given, json, absolute_sigma, degree_given;
} fit_args;

enum { F_NIST, F_START, F_DATA, F_MODEL, F_DEGREE, F_P0, F_ALGORITHM, F_OPTION, F_BACKEND,
       F_THREADS, F_ABSOLUTE_SIGMA, F_JSON, F_MODEL_SOURCE };
static const cli_flag flags[] = {
    [F_NIST] = {"--nist", 1},           [F_START] = {"--start", 1},
    [F_DATA] = {"--data", 1},           [F_MODEL] = {"--model", 1},
    [F_DEGREE] = {"--degree", 1},       [F_P0] = {"--p0", 1},
    [F_ALGORITHM] = {"--algorithm", 1}, [F_OPTION] = {"--option", 1},
    [F_BACKEND] = {"--backend", 1},     [F_THREADS] = {"--threads", 1},
    [F_ABSOLUTE_SIGMA] = {"--absolute-sigma", 0}, [F_JSON] = {"--json", 0},
    [F_MODEL_SOURCE] = {"--model-source", 1},
};

void cli_help_fit(void)
{
    fputs("usage: gpuopt fit --nist NAME [--start 1|2] [FLAGS...]\n"
          "       gpuopt fit --data FILE.csv --model NAME [--degree N] [--p0 P1,P2,...] ...\n"
          "       gpuopt fit --data FILE.csv --model-source FILE.c --p0 P1,P2,... ...\n"
          "\n"
          "Nonlinear least-squares curve fitting (as scipy's curve_fit): the parameters, their\n"
          "standard errors and covariance (see docs/fitting.md).\n"
          "\n"
          "flags:\n"
          "  --nist NAME          a NIST StRD data set (Misra1a, Chwirut2, Lanczos3, MGH09, ...)\n"
          "                       from $GPUOPT_NIST_DIR, the installed share/gpuopt/nist or\n"
          "                       the source tree's tests/data/nist,\n"
          "                       or the path of a NIST .dat file; fitted with its model and\n"
          "                       compared with the certified values\n"
          "  --start 1|2          the NIST start point (default 1)\n"
          "  --data FILE          CSV: columns x, y and optionally sigma (a header line is\n"
          "                       skipped)\n"
          "  --model NAME         exponential, gaussian, logistic, polynomial or a NIST model\n"
          "  --model-source FILE  a model written in C: double model(GPUOPT_GLOBAL const double\n"
          "                       *p, int n_params, double x); compiled for the backend, which\n"
          "                       evaluates it (cpu: $CC); needs --p0 (its count is n_params)\n"
          "  --degree N           the polynomial's degree (default 2)\n"
          "  --p0 P1,P2,...       start parameters (default: a guess from the data for the\n"
          "                       general models, ones otherwise)\n"
          "  --algorithm NAME     least-squares solver (default ls_lm)\n"
          "  --option KEY=VALUE   solver option; repeatable\n"
          "  --absolute-sigma     covariance inv(J'J), not scaled by SSR/(n-p)\n"
          "  --backend NAME       auto (default), cpu, opencl or cuda\n"
          "  --threads N          CPU threads; 0 means all cores\n"
          "  --json               print one JSON object (params, stderr, covariance, ssr, ...,\n"
          "                       certified values for NIST data)\n",
          stdout);
}

/* ------------------------------------------------------------------ flags */

static int apply_option(fit_args *a, const char *value)
{
    if (a->n_options == MAX_OPTIONS)
        return cli_fail(CLI_EXIT_USAGE, "at most %d --option flags", MAX_OPTIONS);
    if (strchr(value, '=') == NULL || value[0] == '=')
        return cli_fail(CLI_EXIT_USAGE, "--option expects KEY=VALUE, got '%s'", value);
    a->options[a->n_options++] = value;
    return CLI_EXIT_OK;
}

static int apply_flag(void *args, int flag, const char *value)
{
    fit_args *a = args;
    switch (flag) {
    case F_NIST: a->nist = value; return CLI_EXIT_OK;
    case F_DATA: a->data = value; return CLI_EXIT_OK;
    case F_MODEL: a->model = value; return CLI_EXIT_OK;
    case F_MODEL_SOURCE: a->model_source = value; return CLI_EXIT_OK;
    case F_P0: a->p0 = value; return CLI_EXIT_OK;
    case F_ALGORITHM: a->algorithm = value; return CLI_EXIT_OK;
    case F_BACKEND: a->backend = value; return CLI_EXIT_OK;
    case F_JSON: a->json = 1; return CLI_EXIT_OK;
    case F_ABSOLUTE_SIGMA: a->absolute_sigma = 1; return CLI_EXIT_OK;
    case F_OPTION: return apply_option(a, value);
    case F_START:
        if (strcmp(value, "1") && strcmp(value, "2"))
            return cli_fail(CLI_EXIT_USAGE, "--start must be 1 or 2, got '%s'", value);
        a->start = value[0] - '0';
        return CLI_EXIT_OK;
    case F_DEGREE:
        a->degree_given = 1;
        return cli_parse_positive_size("--degree", value, &a->degree);
    case F_THREADS:
        a->threads_given = 1;
        return cli_parse_nonnegative_int("--threads", value, &a->threads);
    default: return cli_fail(CLI_EXIT_USAGE, "internal: unhandled flag");
    }
}

static int check_args(const fit_args *a)
{
    if ((a->nist == NULL) == (a->data == NULL))
        return cli_fail(CLI_EXIT_USAGE, "fit needs exactly one of --nist NAME and --data FILE");
    if (a->model_source && (a->nist || a->model))
        return cli_fail(CLI_EXIT_USAGE, "--model-source goes with --data, without --model");
    if (a->model_source && !a->p0)
        return cli_fail(CLI_EXIT_USAGE,
                        "--model-source needs --p0 P1,P2,... (the number of values is the "
                        "model's n_params)");
    if (a->data && a->model == NULL && a->model_source == NULL)
        return cli_fail(CLI_EXIT_USAGE,
                        "fit --data needs --model NAME (exponential, gaussian, logistic, "
                        "polynomial or a NIST model) or --model-source FILE.c");
    return -1;
}

/* Returns -1 to go on, else the exit code (0 after --help). */
static int parse_args(int argc, char **argv, fit_args *a)
{
    cli_scanner sc = {argc, argv, 0, "fit"};
    a->start = 1;
    a->degree = 2;
    int rc =
        cli_scan_flags(&sc, flags, sizeof flags / sizeof flags[0], cli_help_fit, apply_flag, a);
    if (rc != -1)
        return rc;
    return check_args(a);
}

/* ------------------------------------------------------------------ the session */

typedef struct fit_session {
    gpuopt_context *ctx;
    gpuopt_nist_dataset *nist;
    gpuopt_fit_model model;
    double *x, *y, *sigma, *p0;
    char *model_text; /* --model-source's text */
    size_t n_data;
    const char *data_name;
    gpuopt_fit_result *result;
} fit_session;

static void session_free(fit_session *s)
{
    gpuopt_fit_result_destroy(&s->result);
    gpuopt_nist_destroy(&s->nist);
    gpuopt_context_destroy(&s->ctx);
    free(s->x);
    free(s->y);
    free(s->sigma);
    free(s->p0);
    free(s->model_text);
}

/* Parses "v1,v2,..." into a new array of exactly n values. */
static int parse_list(const char *flag, const char *text, size_t n, double **out)
{
    double *v = malloc(n * sizeof *v);
    if (!v)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    const char *p = text;
    size_t count = 0;
    for (; count < n; ++count) {
        char *end;
        errno = 0;
        v[count] = strtod(p, &end);
        if (end == p || errno == ERANGE || (*end != ',' && *end != '\0'))
            break;
        p = end + (*end == ',');
        if (*end == '\0') {
            ++count;
            break;
        }
    }
    if (count != n || *p != '\0' || p[-1] == ',') {
        free(v);
        return cli_fail(CLI_EXIT_USAGE, "%s expects %zu comma-separated numbers, got '%s'", flag,
                        n, text);
    }
    *out = v;
    return CLI_EXIT_OK;
}

/* Where the NIST data sets are: $GPUOPT_NIST_DIR; else, for an installed gpuopt, the data
 * installed next to this program (bin/../share/gpuopt/nist); else the source tree's. */
static void nist_dir(char *out, size_t len)
{
    const char *env = getenv("GPUOPT_NIST_DIR");
    if (env && env[0]) {
        snprintf(out, len, "%s", env);
        return;
    }
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = '\0';
        snprintf(out, len, "%s/../%s/gpuopt/nist", exe, GPUOPT_INSTALL_DATADIR);
        if (access(out, R_OK) == 0)
            return;
    }
    snprintf(out, len, "%s", GPUOPT_NIST_DIR);
}

static int open_nist(const fit_args *a, fit_session *s)
{
    char path[4096], dir[2600];
    size_t len = strlen(a->nist);
    nist_dir(dir, sizeof dir);
    if (strchr(a->nist, '/') || (len > 4 && !strcmp(a->nist + len - 4, ".dat")))
        snprintf(path, sizeof path, "%s", a->nist);
    else
        snprintf(path, sizeof path, "%s/%s.dat", dir, a->nist);
    gpuopt_status st = gpuopt_nist_read(&s->nist, path);
    if (st)
        return cli_fail(st == GPUOPT_ERR_IO ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME,
                        "--nist %s: %s", a->nist, gpuopt_last_error());
    char model[64];
    snprintf(model, sizeof model, "%s", gpuopt_nist_name(s->nist));
    for (char *c = model; *c; ++c)
        *c = (char)tolower((unsigned char)*c);
    size_t n = gpuopt_nist_n_params(s->nist);
    if ((st = gpuopt_fit_model_builtin(&s->model, model, n)))
        return cli_fail_status(st, gpuopt_last_error());
    s->n_data = gpuopt_nist_n_data(s->nist);
    s->data_name = gpuopt_nist_name(s->nist);
    if (a->p0)
        return parse_list("--p0", a->p0, n, &s->p0);
    s->p0 = malloc(n * sizeof *s->p0);
    if (!s->p0)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    memcpy(s->p0, gpuopt_nist_start(s->nist, a->start), n * sizeof *s->p0);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ CSV data */

static int grow(fit_session *s, size_t *cap)
{
    size_t n = *cap ? 2 * *cap : 256;
    double *x = realloc(s->x, n * sizeof *x);
    if (x)
        s->x = x;
    double *y = x ? realloc(s->y, n * sizeof *y) : NULL;
    if (y)
        s->y = y;
    double *sg = y ? realloc(s->sigma, n * sizeof *sg) : NULL;
    if (!sg)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    s->sigma = sg;
    *cap = n;
    return CLI_EXIT_OK;
}

/* "x,y" or "x,y,sigma" (commas, semicolons, tabs or spaces); returns the column count. */
static int split_row(const char *line, double v[3])
{
    const char *p = line;
    int n = 0;
    while (n < 4) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == ';')
            ++p;
        if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#')
            return n;
        char *end;
        double d = strtod(p, &end);
        if (end == p)
            return -1;
        if (n < 3)
            v[n] = d;
        ++n;
        p = end;
    }
    return n;
}

static int read_csv_line(fit_session *s, const char *line, size_t line_no, size_t *cap,
                         int *columns, const char *path)
{
    double v[3];
    int n = split_row(line, v);
    if (n == 0 || (n < 0 && line_no == 1))
        return CLI_EXIT_OK; /* blank line, comment or header */
    if (n < 2 || n > 3 || (*columns && n != *columns))
        return cli_fail(CLI_EXIT_USAGE, "%s:%zu: expected %s numbers (x, y[, sigma])", path,
                        line_no, *columns ? (*columns == 2 ? "2" : "3") : "2 or 3");
    *columns = n;
    if (s->n_data == *cap && grow(s, cap))
        return CLI_EXIT_RUNTIME;
    s->x[s->n_data] = v[0];
    s->y[s->n_data] = v[1];
    s->sigma[s->n_data] = n == 3 ? v[2] : 1.0;
    ++s->n_data;
    return CLI_EXIT_OK;
}

static int read_csv(const char *path, fit_session *s)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cli_fail(CLI_EXIT_USAGE, "--data: cannot open '%s': %s", path, strerror(errno));
    char line[4096];
    size_t line_no = 0, cap = 0;
    int columns = 0, rc = CLI_EXIT_OK;
    while (rc == CLI_EXIT_OK && fgets(line, sizeof line, f))
        rc = read_csv_line(s, line, ++line_no, &cap, &columns, path);
    fclose(f);
    if (rc == CLI_EXIT_OK && s->n_data == 0)
        rc = cli_fail(CLI_EXIT_USAGE, "--data: '%s' holds no data rows", path);
    if (rc == CLI_EXIT_OK && columns == 2) {
        free(s->sigma);
        s->sigma = NULL;
    }
    return rc;
}

/* A start guess for the general models from the data's range; ones for the others. */
static void guess_start(fit_session *s, const char *model)
{
    size_t n = s->model.n_params, imax = 0, imin = 0;
    for (size_t i = 0; i < s->n_data; ++i) {
        imax = s->y[i] > s->y[imax] ? i : imax;
        imin = s->x[i] < s->x[imin] ? i : imin;
    }
    double xmin = s->x[imin], xmax = xmin;
    for (size_t i = 0; i < s->n_data; ++i)
        xmax = fmax(xmax, s->x[i]);
    double span = xmax > xmin ? xmax - xmin : 1.0;
    for (size_t i = 0; i < n; ++i)
        s->p0[i] = 1.0;
    if (!strcasecmp(model, "gaussian")) {
        s->p0[0] = s->y[imax], s->p0[1] = s->x[imax], s->p0[2] = span / 4.0;
    } else if (!strcasecmp(model, "logistic")) {
        s->p0[0] = s->y[imax], s->p0[1] = 4.0 / span, s->p0[2] = 0.5 * (xmin + xmax);
    } else if (!strcasecmp(model, "exponential")) {
        s->p0[0] = s->y[imin], s->p0[1] = 1.0 / span, s->p0[2] = 0.0;
    }
}

/* ------------------------------------------------------------------ model source */

#define MODEL_SOURCE_MAX ((size_t)16 << 20)

static int read_model_source(const char *path, char **text)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail(CLI_EXIT_USAGE, "--model-source: cannot open '%s': %s", path,
                        strerror(errno));
    char *t = malloc(MODEL_SOURCE_MAX + 1);
    size_t n = t ? fread(t, 1, MODEL_SOURCE_MAX + 1, f) : 0;
    int failed = !t || ferror(f);
    fclose(f);
    if (failed || n > MODEL_SOURCE_MAX || memchr(t, '\0', n)) {
        free(t);
        return cli_fail(CLI_EXIT_USAGE, "--model-source: cannot read '%s' as text of at most %zu "
                        "bytes", path, MODEL_SOURCE_MAX);
    }
    t[n] = '\0';
    *text = t;
    return CLI_EXIT_OK;
}

static int open_model_source(const fit_args *a, fit_session *s)
{
    size_t n = 1;
    for (const char *c = a->p0; *c; ++c)
        n += *c == ',';
    int rc = read_model_source(a->model_source, &s->model_text);
    if (rc == CLI_EXIT_OK)
        rc = parse_list("--p0", a->p0, n, &s->p0);
    if (rc != CLI_EXIT_OK)
        return rc;
    gpuopt_status st = gpuopt_fit_model_source(&s->model, s->model_text, a->model_source, n);
    return st ? cli_fail_status(st, gpuopt_last_error()) : CLI_EXIT_OK;
}

static int open_data(const fit_args *a, fit_session *s)
{
    int rc = read_csv(a->data, s);
    if (rc != CLI_EXIT_OK)
        return rc;
    s->data_name = a->data;
    if (a->model_source)
        return open_model_source(a, s);
    size_t n = !strcasecmp(a->model, "polynomial") ? a->degree + 1 : 0;
    if (a->degree_given && n == 0)
        return cli_fail(CLI_EXIT_USAGE, "--degree applies to --model polynomial only");
    gpuopt_status st = gpuopt_fit_model_builtin(&s->model, a->model, n);
    if (st)
        return cli_fail_status(st, gpuopt_last_error());
    s->data_name = a->data;
    if (a->p0)
        return parse_list("--p0", a->p0, s->model.n_params, &s->p0);
    if (!(s->p0 = malloc(s->model.n_params * sizeof *s->p0)))
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    guess_start(s, a->model);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ output */

static double digits(double got, double certified)
{
    if (!isfinite(got))
        return 0.0;
    double rel = fabs(got - certified) / fabs(certified);
    return rel == 0.0 ? 16.0 : fmin(16.0, -log10(rel));
}

static void json_vector(cli_json *j, const char *key, const double *v, size_t n)
{
    if (key)
        cli_json_key(j, key);
    cli_json_begin_inline_array(j);
    for (size_t i = 0; i < n; ++i)
        cli_json_double(j, v[i]);
    cli_json_end_array(j);
}

static void json_certified(cli_json *j, const fit_session *s)
{
    const gpuopt_fit_result *r = s->result;
    size_t p = gpuopt_fit_result_n_params(r);
    const double *cp = gpuopt_nist_certified_params(s->nist);
    const double *cs = gpuopt_nist_certified_stderr(s->nist);
    double dp[64], ds[64];
    for (size_t i = 0; i < p && i < 64; ++i) {
        dp[i] = digits(gpuopt_fit_result_params(r)[i], cp[i]);
        ds[i] = digits(gpuopt_fit_result_stderr(r)[i], cs[i]);
    }
    cli_json_key(j, "certified");
    cli_json_begin_object(j);
    json_vector(j, "params", cp, p);
    json_vector(j, "stderr", cs, p);
    cli_json_kv_double(j, "ssr", gpuopt_nist_certified_ssr(s->nist));
    json_vector(j, "digits_params", dp, p);
    json_vector(j, "digits_stderr", ds, p);
    cli_json_kv_double(j, "digits_ssr",
                       digits(gpuopt_fit_result_ssr(r), gpuopt_nist_certified_ssr(s->nist)));
    cli_json_end_object(j);
}

static void print_json(const fit_session *s, gpuopt_status stop, int start)
{
    const gpuopt_fit_result *r = s->result;
    size_t p = gpuopt_fit_result_n_params(r);
    char buf[64];
    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_object(&j);
    cli_json_kv_string(&j, "data", s->data_name);
    cli_json_kv_string(&j, "model", s->model.name);
    if (s->nist)
        cli_json_kv_int(&j, "start", start);
    cli_json_kv_string(&j, "solver", gpuopt_fit_result_solver(r));
    cli_json_kv_string(&j, "backend", gpuopt_context_backend(s->ctx));
    cli_json_kv_int(&j, "n_data", (int64_t)s->n_data);
    cli_json_kv_string(&j, "stop_reason", cli_status_short_name(stop, buf, sizeof buf));
    cli_json_kv_bool(&j, "converged", gpuopt_fit_result_converged(r));
    cli_json_kv_string(&j, "message", gpuopt_fit_result_message(r));
    cli_json_kv_int(&j, "n_evaluations", gpuopt_fit_result_n_evaluations(r));
    cli_json_kv_int(&j, "n_iterations", gpuopt_fit_result_n_iterations(r));
    json_vector(&j, "p0", s->p0, p);
    json_vector(&j, "params", gpuopt_fit_result_params(r), p);
    json_vector(&j, "stderr", gpuopt_fit_result_stderr(r), p);
    cli_json_key(&j, "covariance");
    cli_json_begin_array(&j);
    for (size_t i = 0; i < p; ++i)
        json_vector(&j, NULL, gpuopt_fit_result_covariance(r) + i * p, p);
    cli_json_end_array(&j);
    cli_json_kv_bool(&j, "covariance_available",
                     gpuopt_fit_result_covariance_status(r) == GPUOPT_COVARIANCE_OK);
    cli_json_kv_string(&j, "covariance_message", gpuopt_fit_result_covariance_message(r));
    cli_json_kv_double(&j, "ssr", gpuopt_fit_result_ssr(r));
    cli_json_kv_int(&j, "dof", (int64_t)gpuopt_fit_result_dof(r));
    cli_json_kv_double(&j, "residual_variance", gpuopt_fit_result_residual_variance(r));
    if (s->nist)
        json_certified(&j, s);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

static void print_text(const fit_session *s, gpuopt_status stop)
{
    const gpuopt_fit_result *r = s->result;
    size_t p = gpuopt_fit_result_n_params(r);
    char buf[64];
    printf("%-14s %s (%zu points)\n", "data", s->data_name, s->n_data);
    printf("%-14s %s\n", "model", s->model.name);
    printf("%-14s %s on %s\n", "solver", gpuopt_fit_result_solver(r),
           gpuopt_context_backend(s->ctx));
    printf("%-14s %s: %s\n", "stop reason", cli_status_short_name(stop, buf, sizeof buf),
           gpuopt_fit_result_message(r));
    printf("%-14s %.10g (dof %zu)\n", "ssr", gpuopt_fit_result_ssr(r), gpuopt_fit_result_dof(r));
    if (gpuopt_fit_result_covariance_status(r) != GPUOPT_COVARIANCE_OK)
        printf("%-14s %s\n", "covariance", gpuopt_fit_result_covariance_message(r));
    printf("%-6s %20s %20s%s\n", "param", "value", "stderr",
           s->nist ? "   digits (value, stderr)" : "");
    for (size_t i = 0; i < p; ++i) {
        double v = gpuopt_fit_result_params(r)[i], e = gpuopt_fit_result_stderr(r)[i];
        printf("b%-5zu %20.10e %20.10e", i + 1, v, e);
        if (s->nist)
            printf("   %5.1f %5.1f", digits(v, gpuopt_nist_certified_params(s->nist)[i]),
                   digits(e, gpuopt_nist_certified_stderr(s->nist)[i]));
        printf("\n");
    }
}

/* The exception to the one-line error rule: the compiler's log is shown as it is. */
static int compile_failure(const char *msg)
{
    fflush(stdout);
    fprintf(stderr, "gpuopt: %s%s", msg, msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
    return CLI_EXIT_USAGE;
}

static int run_fit(const fit_args *a, fit_session *s)
{
    gpuopt_fit_data data = {.x = s->nist ? gpuopt_nist_x(s->nist) : s->x, .n_data = s->n_data,
                            .x_dim = 1, .y = s->nist ? gpuopt_nist_y(s->nist) : s->y,
                            .n_y = s->n_data, .sigma = s->sigma};
    gpuopt_fit_settings settings = {.solver = a->algorithm,
                                    .solver_options = a->n_options ? a->options : NULL,
                                    .absolute_sigma = a->absolute_sigma};
    gpuopt_status st = gpuopt_curve_fit(&s->result, s->ctx, &s->model, &data, s->p0, &settings);
    if (st < 0) {
        if (st == GPUOPT_ERR_UNKNOWN_ALGORITHM) {
            char matches[256];
            int close = 0;
            cli_suggest_algorithm(a->algorithm ? a->algorithm : "", matches, sizeof matches,
                                  &close);
            return cli_fail_unknown(gpuopt_last_error(), "algorithm",
                                    a->algorithm ? a->algorithm : "", matches, close);
        }
        if (st == GPUOPT_ERR_SOURCE_COMPILE) /* as `run --source`: the log as it is, exit 2 */
            return compile_failure(gpuopt_last_error());
        return cli_fail_status(st, gpuopt_last_error());
    }
    if (a->json)
        print_json(s, st, a->start);
    else
        print_text(s, st);
    return CLI_EXIT_OK;
}

int cli_cmd_fit(int argc, char **argv)
{
    fit_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    fit_session s = {0};
    rc = cli_open_context(&s.ctx, a.backend, a.threads_given, a.threads);
    if (rc == CLI_EXIT_OK)
        rc = a.nist ? open_nist(&a, &s) : open_data(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = run_fit(&a, &s);
    session_free(&s);
    return rc;
}
