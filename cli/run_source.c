/* `gpuopt run --source FILE --dim N [--lower L --upper U]`: a source criterion. */
#include "run_source.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpuopt/user_criteria.h"

#define SOURCE_LOG_MAX (64 * 1024)

static int parse_bound(const char *flag, const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end != '\0' || errno == ERANGE || isnan(v))
        return cli_fail(CLI_EXIT_USAGE, "%s expects a number (inf and -inf allowed), got '%s'",
                        flag, text ? text : "");
    *out = v;
    return CLI_EXIT_OK;
}

int cli_source_flag(cli_source_args *s, int flag, const char *value)
{
    switch (flag) {
    case CLI_S_SOURCE: s->path = value; return CLI_EXIT_OK;
    case CLI_S_LOWER: s->lower_given = 1; return parse_bound("--lower", value, &s->lower);
    case CLI_S_UPPER: s->upper_given = 1; return parse_bound("--upper", value, &s->upper);
    default: return cli_fail(CLI_EXIT_USAGE, "internal: unhandled source flag");
    }
}

int cli_source_check(const cli_source_args *s, const char *problem, int dim_given)
{
    if (s->path == NULL) {
        if (s->lower_given || s->upper_given)
            return cli_fail(CLI_EXIT_USAGE, "--lower and --upper apply to --source criteria; "
                                            "built-in problems have their own bounds");
        return CLI_EXIT_OK;
    }
    if (problem != NULL)
        return cli_fail(CLI_EXIT_USAGE, "give either --problem NAME or --source FILE, not both");
    if (!dim_given)
        return cli_fail(CLI_EXIT_USAGE, "--source needs --dim N");
    if (s->lower_given && s->upper_given && !(s->lower <= s->upper))
        return cli_fail(CLI_EXIT_USAGE, "--lower %g is greater than --upper %g", s->lower,
                        s->upper);
    return CLI_EXIT_OK;
}

/* Whether the algorithm needs finite bounds (unknown names are left to the optimizer). */
static int needs_bounds(const char *algorithm)
{
    gpuopt_algorithm_info info;
    return gpuopt_algorithm_find(algorithm, &info) == GPUOPT_SUCCESS &&
           (info.properties & GPUOPT_PROP_NEEDS_BOUNDS);
}

static double start_value(double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi))
        return lo + (hi - lo) / 2;
    return lo > 0 ? lo : (hi < 0 ? hi : 0.0);
}

static int set_box(const cli_source_args *s, gpuopt_problem *p, size_t dim)
{
    double lo = s->lower_given ? s->lower : -INFINITY, hi = s->upper_given ? s->upper : INFINITY;
    double *buf = malloc(3 * dim * sizeof *buf);
    if (buf == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    for (size_t i = 0; i < dim; ++i) {
        buf[i] = lo;
        buf[dim + i] = hi;
        buf[2 * dim + i] = start_value(lo, hi);
    }
    gpuopt_status st = gpuopt_problem_set_bounds(p, buf, buf + dim);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_start(p, buf + 2 * dim);
    free(buf);
    if (st != GPUOPT_SUCCESS)
        return cli_fail(CLI_EXIT_USAGE, "%s", gpuopt_problem_errmsg(p));
    return CLI_EXIT_OK;
}

/* The exception to the one-line rule: the compiler's log is shown as it is. */
static int compile_failure(gpuopt_problem *p, const char *log)
{
    const char *msg = gpuopt_problem_errmsg(p);
    size_t head = strcspn(msg, "\n");
    fflush(stdout);
    fprintf(stderr, "gpuopt: %.*s\n", (int)head, msg);
    fputs(log, stderr);
    if (log[0] != '\0' && log[strlen(log) - 1] != '\n')
        fputc('\n', stderr);
    return CLI_EXIT_USAGE;
}

static int compile_now(gpuopt_problem *p, gpuopt_context *ctx)
{
    char *log = malloc(SOURCE_LOG_MAX);
    if (log == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    gpuopt_status st = gpuopt_problem_compile_source(p, ctx, log, SOURCE_LOG_MAX);
    int rc = CLI_EXIT_OK;
    if (st == GPUOPT_ERR_SOURCE_COMPILE)
        rc = compile_failure(p, log);
    else if (st != GPUOPT_SUCCESS)
        rc = cli_fail(cli_exit_code_for(st), "%s", gpuopt_problem_errmsg(p));
    free(log);
    return rc;
}

int cli_source_problem(const cli_source_args *s, const char *algorithm, size_t dim,
                       gpuopt_context *ctx, gpuopt_problem **out)
{
    if (needs_bounds(algorithm) && !(s->lower_given && s->upper_given &&
                                     isfinite(s->lower) && isfinite(s->upper)))
        return cli_fail(CLI_EXIT_USAGE, "algorithm '%s' needs finite bounds: give --lower L and "
                        "--upper U (they apply to every coordinate)", algorithm);
    gpuopt_status st = gpuopt_problem_create(out, dim);
    if (st != GPUOPT_SUCCESS)
        return cli_fail(cli_exit_code_for(st), "%s", gpuopt_last_error());
    int rc = set_box(s, *out, dim);
    if (rc != CLI_EXIT_OK)
        return rc;
    st = gpuopt_problem_set_source_file(*out, s->path);
    if (st != GPUOPT_SUCCESS) /* a file that cannot be read is bad input */
        return cli_fail(st == GPUOPT_ERR_OUT_OF_MEMORY ? CLI_EXIT_RUNTIME : CLI_EXIT_USAGE, "%s",
                        gpuopt_problem_errmsg(*out));
    return compile_now(*out, ctx);
}
