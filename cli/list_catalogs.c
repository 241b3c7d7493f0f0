/* `gpuopt problems` and `gpuopt backends`: the built-in problems and the compute backends. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"

#define DEFAULT_DIM 10 /* what `run` uses for problems of any dimension */

static const char *kind_name(gpuopt_criterion_kind kind)
{
    switch (kind) {
    case GPUOPT_CRITERION_SCALAR: return "scalar";
    case GPUOPT_CRITERION_LEAST_SQUARES: return "least_squares";
    case GPUOPT_CRITERION_LIKELIHOOD: return "likelihood";
    }
    return "unknown";
}

/* Parses "[--json]" (and --help); returns -1 to go on, else the exit code. */
static int parse_json_flag(int argc, char **argv, const char *command, void (*help)(void),
                           int *json)
{
    static const cli_flag flags[] = {{"--json", 0}};
    cli_scanner sc = {argc, argv, 0, command};
    const char *value = NULL;
    int flag;
    while ((flag = cli_scan_next(&sc, flags, 1, &value)) != CLI_SCAN_END) {
        if (flag == CLI_SCAN_HELP) {
            help();
            return CLI_EXIT_OK;
        }
        if (flag == CLI_SCAN_ERROR)
            return CLI_EXIT_USAGE;
        if (flag == CLI_SCAN_POSITIONAL)
            return cli_fail(CLI_EXIT_USAGE, "unexpected argument '%s' for '%s'", value, command);
        *json = 1;
    }
    return -1;
}

/* --------------------------------------------------------------- problems */

static void json_problem(cli_json *j, const gpuopt_problem_info *p)
{
    cli_json_begin_object(j);
    cli_json_kv_string(j, "name", p->name);
    cli_json_kv_string(j, "description", p->description != NULL ? p->description : "");
    cli_json_kv_string(j, "kind", kind_name(p->kind));
    cli_json_key(j, "dim");
    if (p->fixed_dim > 0)
        cli_json_int(j, (int64_t)p->fixed_dim);
    else
        cli_json_null(j);
    cli_json_kv_int(j, "default_dim", p->fixed_dim > 0 ? (int64_t)p->fixed_dim : DEFAULT_DIM);
    cli_json_kv_double(j, "lower", p->default_lower);
    cli_json_kv_double(j, "upper", p->default_upper);
    cli_json_kv_double(j, "best_known_value", p->best_known_value);
    cli_json_kv_bool(j, "best_known_value_per_dim", p->value_per_dim != 0);
    cli_json_kv_int(j, "n_outputs", (int64_t)p->n_outputs);
    cli_json_kv_string(j, "suite", p->suite != NULL ? p->suite : "");
    cli_json_kv_double(j, "start_value", p->start_value); /* null when the dimension is free */
    cli_json_end_object(j);
}

typedef struct problem_row {
    char dim[24], bounds[64], best[48];
} problem_row;

static void problem_row_of(const gpuopt_problem_info *p, problem_row *r)
{
    if (p->fixed_dim > 0)
        snprintf(r->dim, sizeof r->dim, "%zu", p->fixed_dim);
    else
        snprintf(r->dim, sizeof r->dim, "any");
    snprintf(r->bounds, sizeof r->bounds, "[%g, %g]", p->default_lower, p->default_upper);
    snprintf(r->best, sizeof r->best, p->value_per_dim ? "%.10g * dim" : "%.10g",
             p->best_known_value);
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

static void text_problems(void)
{
    int w_name = 4, w_bounds = 6, w_best = 10;
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        problem_row r;
        if (p == NULL)
            continue;
        problem_row_of(p, &r);
        w_name = max_int(w_name, (int)strlen(p->name));
        w_bounds = max_int(w_bounds, (int)strlen(r.bounds));
        w_best = max_int(w_best, (int)strlen(r.best));
    }
    printf("%-*s  %-13s  %-4s  %-*s  %-*s  %s\n", w_name, "NAME", "KIND", "DIM", w_bounds, "BOUNDS",
           w_best, "BEST KNOWN", "DESCRIPTION");
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        problem_row r;
        if (p == NULL)
            continue;
        problem_row_of(p, &r);
        printf("%-*s  %-13s  %-4s  %-*s  %-*s  %s\n", w_name, p->name, kind_name(p->kind), r.dim,
               w_bounds, r.bounds, w_best, r.best, p->description != NULL ? p->description : "");
    }
    printf("\n'gpuopt run' uses --dim %d for problems of any dimension unless told.\n",
           DEFAULT_DIM);
}

int cli_cmd_problems(int argc, char **argv)
{
    int json = 0;
    int rc = parse_json_flag(argc, argv, "problems", cli_help_problems, &json);
    if (rc >= 0)
        return rc;
    if (!json) {
        text_problems();
        return CLI_EXIT_OK;
    }
    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_array(&j);
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        if (p != NULL)
            json_problem(&j, p);
    }
    cli_json_end_array(&j);
    cli_json_finish(&j);
    return CLI_EXIT_OK;
}

/* --------------------------------------------------------------- backends */

static void terminate_strings(gpuopt_device_description *d)
{
    d->name[sizeof d->name - 1] = '\0';
    d->vendor[sizeof d->vendor - 1] = '\0';
}

static void json_device(cli_json *j, int index, const gpuopt_device_description *d)
{
    cli_json_begin_object(j);
    cli_json_kv_int(j, "index", index);
    cli_json_kv_string(j, "name", d->name);
    cli_json_kv_string(j, "vendor", d->vendor);
    cli_json_key(j, "memory_bytes");
    cli_json_uint(j, d->memory_bytes);
    cli_json_kv_int(j, "compute_units", d->compute_units);
    cli_json_kv_bool(j, "double_support", d->double_support);
    cli_json_end_object(j);
}

static void json_backend(cli_json *j, const gpuopt_backend_info *b)
{
    cli_json_begin_object(j);
    cli_json_kv_string(j, "name", b->name);
    cli_json_kv_bool(j, "compiled_in", b->compiled_in);
    cli_json_kv_int(j, "n_devices", b->n_devices);
    cli_json_key(j, "devices");
    cli_json_begin_array(j);
    for (int d = 0; d < b->n_devices; ++d) {
        gpuopt_device_description desc;
        memset(&desc, 0, sizeof desc);
        if (gpuopt_backend_device(b->name, d, &desc) != GPUOPT_SUCCESS)
            continue;
        terminate_strings(&desc);
        json_device(j, d, &desc);
    }
    cli_json_end_array(j);
    cli_json_kv_string(j, "note", b->note);
    cli_json_end_object(j);
}

static void text_backend(const gpuopt_backend_info *b)
{
    if (!b->compiled_in)
        printf("%-7s not compiled in", b->name);
    else
        printf("%-7s %d device%s", b->name, b->n_devices, b->n_devices == 1 ? "" : "s");
    printf("%s%s\n", b->note[0] != '\0' ? ": " : "", b->note);
    for (int d = 0; d < b->n_devices; ++d) {
        gpuopt_device_description x;
        memset(&x, 0, sizeof x);
        if (gpuopt_backend_device(b->name, d, &x) != GPUOPT_SUCCESS)
            continue;
        terminate_strings(&x);
        printf("  #%d %s", d, x.name);
        if (x.vendor[0] != '\0')
            printf(" (%s)", x.vendor);
        printf(", %d compute units, %.1f GiB, double precision: %s\n", x.compute_units,
               (double)x.memory_bytes / (1024.0 * 1024.0 * 1024.0),
               x.double_support ? "yes" : "no");
    }
}

int cli_cmd_backends(int argc, char **argv)
{
    int json = 0;
    int rc = parse_json_flag(argc, argv, "backends", cli_help_backends, &json);
    if (rc >= 0)
        return rc;
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) { /* fail before printing anything */
        gpuopt_backend_info b;
        gpuopt_status st = gpuopt_backend_info_at(i, &b);
        if (st != GPUOPT_SUCCESS)
            return cli_fail(CLI_EXIT_RUNTIME, "backend %zu: %s", i, gpuopt_status_text(st));
    }
    cli_json j;
    cli_json_init(&j, stdout, 1);
    if (json)
        cli_json_begin_array(&j);
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        gpuopt_backend_info b;
        memset(&b, 0, sizeof b);
        gpuopt_backend_info_at(i, &b);
        b.note[sizeof b.note - 1] = '\0';
        if (json)
            json_backend(&j, &b);
        else
            text_backend(&b);
    }
    if (json) {
        cli_json_end_array(&j);
        cli_json_finish(&j);
    }
    return CLI_EXIT_OK;
}
