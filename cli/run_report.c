/* The result of `gpuopt run`, as JSON or as a readable summary. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli.h"
#include "json.h"
#include "run.h"

#define TEXT_X_ALL 12 /* dimensions up to this show every coordinate in the summary */
#define TEXT_X_HEAD 6 /* else the first ones, "...", and the last ones */
#define TEXT_X_TAIL 3
#define MAX_OPTIONS 4096

/* The seed the run used: the optimizer's `seed` option when it is set, else the context's. */
static uint64_t effective_seed(const cli_run_session *s)
{
    char text[64];
    if (gpuopt_optimizer_get_option(s->opt, "seed", text, sizeof text) == GPUOPT_SUCCESS &&
        text[0] >= '0' && text[0] <= '9') {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(text, &end, 10);
        if (errno == 0 && *end == '\0')
            return (uint64_t)v;
    }
    return gpuopt_context_seed(s->ctx);
}

static const char *algorithm_name(const cli_run_session *s)
{
    const char *name = gpuopt_result_algorithm(s->result);
    return name != NULL ? name : gpuopt_optimizer_algorithm(s->opt);
}

static const char *backend_name(const cli_run_session *s)
{
    const char *name = gpuopt_result_backend(s->result);
    return name != NULL ? name : gpuopt_context_backend(s->ctx);
}

static const char *text_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* The known minimum of a built-in problem at the run's dimension, or NaN. */
static double best_known_value(const cli_run_session *s)
{
    const char *name = gpuopt_problem_name(s->problem);
    const gpuopt_problem_info *info = name != NULL ? gpuopt_problem_info_find(name) : NULL;
    return info != NULL ? gpuopt_problem_info_best_value(info, gpuopt_problem_dim(s->problem))
                        : NAN;
}

/* ------------------------------------------------------------------ JSON */

static void write_json_x(cli_json *j, const cli_run_session *s)
{
    const double *x = gpuopt_result_x(s->result);
    size_t dim = gpuopt_result_dim(s->result);
    cli_json_key(j, "x");
    cli_json_begin_inline_array(j);
    for (size_t i = 0; x != NULL && i < dim; ++i)
        cli_json_double(j, x[i]);
    cli_json_end_array(j);
}

/* "options": every option of the algorithm with its value in this run, as text. */
static void write_json_options(cli_json *j, const cli_run_session *s)
{
    const char *algorithm = gpuopt_optimizer_algorithm(s->opt);
    cli_json_key(j, "options");
    cli_json_begin_object(j);
    for (size_t i = 0; algorithm != NULL && i < MAX_OPTIONS; ++i) {
        gpuopt_option_info info;
        char value[512];
        if (gpuopt_algorithm_option_at(algorithm, i, &info) != GPUOPT_SUCCESS)
            break;
        if (gpuopt_optimizer_get_option(s->opt, info.key, value, sizeof value) != GPUOPT_SUCCESS)
            continue;
        cli_json_kv_string(j, info.key, value);
    }
    cli_json_end_object(j);
}

/* "report": the algorithm's final report values; "restarts": where restarts began; "timing":
 * seconds per part of the run (gpuopt_result_timing_*). */
static void write_json_report(cli_json *j, const gpuopt_result *r)
{
    cli_json_key(j, "report");
    cli_json_begin_object(j);
    for (size_t i = 0; i < gpuopt_result_report_count(r); ++i)
        cli_json_kv_double(j, gpuopt_result_report_key(r, i), gpuopt_result_report_value(r, i));
    cli_json_end_object(j);
    cli_json_key(j, "restarts");
    cli_json_begin_array(j);
    for (size_t i = 0; i < gpuopt_result_restart_count(r); ++i) {
        int64_t iteration, evaluations;
        gpuopt_result_restart_at(r, i, &iteration, &evaluations);
        cli_json_begin_object(j);
        cli_json_kv_int(j, "iteration", iteration);
        cli_json_kv_int(j, "n_evaluations", evaluations);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_key(j, "timing");
    cli_json_begin_object(j);
    for (size_t i = 0; i < gpuopt_result_timing_count(r); ++i)
        cli_json_kv_double(j, gpuopt_result_timing_key(r, i), gpuopt_result_timing_seconds(r, i));
    cli_json_end_object(j);
}

void cli_run_write_json(const cli_run_session *s, FILE *out)
{
    const gpuopt_result *r = s->result;
    gpuopt_status reason = gpuopt_result_stop_reason(r);
    char reason_name[64];
    cli_json j;
    cli_json_init(&j, out, 1);
    cli_json_begin_object(&j);
    cli_json_kv_string(&j, "algorithm", algorithm_name(s));
    cli_json_kv_string(&j, "backend", backend_name(s));
    cli_json_kv_string(&j, "device", text_or_empty(gpuopt_context_device(s->ctx)));
    cli_json_kv_string(&j, "problem", gpuopt_problem_name(s->problem));
    cli_json_kv_int(&j, "dim", (int64_t)gpuopt_problem_dim(s->problem));
    cli_json_key(&j, "seed");
    cli_json_uint(&j, effective_seed(s));
    cli_json_kv_int(&j, "threads", gpuopt_context_threads(s->ctx));
    write_json_x(&j, s);
    cli_json_kv_double(&j, "fun", gpuopt_result_fun(r));
    cli_json_kv_double(&j, "best_known_value", best_known_value(s));
    cli_json_kv_int(&j, "n_evaluations", gpuopt_result_n_evaluations(r));
    cli_json_kv_int(&j, "n_iterations", gpuopt_result_n_iterations(r));
    cli_json_kv_bool(&j, "converged", gpuopt_result_converged(r));
    cli_json_kv_string(&j, "stop_reason",
                       cli_status_short_name(reason, reason_name, sizeof reason_name));
    cli_json_kv_string(&j, "message", text_or_empty(gpuopt_result_message(r)));
    cli_json_kv_double(&j, "wall_time_s", gpuopt_result_wall_time(r));
    cli_json_kv_string(&j, "notice", text_or_empty(gpuopt_context_message(s->ctx)));
    cli_json_kv_string(&j, "warnings", text_or_empty(gpuopt_result_warnings(r)));
    write_json_report(&j, r);
    write_json_options(&j, s);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ------------------------------------------------------------------ text */

/* "[a, b, c]" or, for large dimensions, "[a, b, ..., y, z]  (n values)". */
static void write_text_x(const cli_run_session *s, FILE *out)
{
    const double *x = gpuopt_result_x(s->result);
    size_t dim = x != NULL ? gpuopt_result_dim(s->result) : 0;
    int abbreviate = dim > TEXT_X_ALL;
    fputs("x            [", out);
    for (size_t i = 0; i < dim; ++i) {
        if (abbreviate && i == TEXT_X_HEAD) {
            fputs(", ...", out);
            i = dim - TEXT_X_TAIL - 1;
            continue;
        }
        fprintf(out, "%s%.8g", i == 0 ? "" : ", ", x[i]);
    }
    fputs("]", out);
    if (abbreviate)
        fprintf(out, "  (%zu values)", dim);
    fputc('\n', out);
}

static void write_text_backend(const cli_run_session *s, FILE *out)
{
    const char *device = text_or_empty(gpuopt_context_device(s->ctx));
    const char *notice = text_or_empty(gpuopt_context_message(s->ctx));
    fprintf(out, "backend      %s%s%s\n", backend_name(s), device[0] != '\0' ? ": " : "", device);
    if (notice[0] != '\0')
        fprintf(out, "note         %s\n", notice);
}

void cli_run_write_text(const cli_run_session *s, FILE *out)
{
    const gpuopt_result *r = s->result;
    gpuopt_status reason = gpuopt_result_stop_reason(r);
    char reason_name[64];
    double best = best_known_value(s);
    fprintf(out, "algorithm    %s\n", algorithm_name(s));
    write_text_backend(s, out);
    fprintf(out, "problem      %s, dim %zu, seed %llu\n", gpuopt_problem_name(s->problem),
            gpuopt_problem_dim(s->problem), (unsigned long long)effective_seed(s));
    fprintf(out, "fun          %.17g", gpuopt_result_fun(r));
    if (!isnan(best))
        fprintf(out, "  (best known %.17g)", best);
    fputc('\n', out);
    write_text_x(s, out);
    fprintf(out, "evaluations  %lld\n", (long long)gpuopt_result_n_evaluations(r));
    fprintf(out, "iterations   %lld\n", (long long)gpuopt_result_n_iterations(r));
    fprintf(out, "stop reason  %s (%s)\n",
            cli_status_short_name(reason, reason_name, sizeof reason_name),
            gpuopt_result_converged(r) ? "converged" : "not converged");
    fprintf(out, "message      %s\n", text_or_empty(gpuopt_result_message(r)));
    const char *warnings = text_or_empty(gpuopt_result_warnings(r));
    if (warnings[0] != '\0')
        fprintf(out, "warnings     %s\n", warnings);
    if (gpuopt_result_restart_count(r) > 0)
        fprintf(out, "restarts     %zu\n", gpuopt_result_restart_count(r));
    fprintf(out, "time         %.3f s\n", gpuopt_result_wall_time(r));
}
