/* `gpuopt algorithms [NAME] [--json]`: the algorithm catalogue and each algorithm's options. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "suggest.h"

#define MAX_OPTIONS 4096

static const char *option_type_name(gpuopt_option_type type)
{
    switch (type) {
    case GPUOPT_OPTION_DOUBLE: return "double";
    case GPUOPT_OPTION_INT: return "int";
    case GPUOPT_OPTION_BOOL: return "bool";
    case GPUOPT_OPTION_CHOICE: return "choice";
    case GPUOPT_OPTION_STRING: return "string";
    }
    return "unknown";
}

static const char *derivatives_name(unsigned properties)
{
    return (properties & GPUOPT_PROP_USES_GRADIENT) ? "gradient" : "free";
}

static const char *text_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

typedef struct bit_name {
    unsigned bit;
    const char *name;
} bit_name;

static const bit_name kind_names[] = {{GPUOPT_CRITERION_SCALAR, "scalar"},
                                      {GPUOPT_CRITERION_LEAST_SQUARES, "least_squares"},
                                      {GPUOPT_CRITERION_LIKELIHOOD, "likelihood"}};
static const bit_name backend_names[] = {
    {GPUOPT_BACKEND_CPU, "cpu"}, {GPUOPT_BACKEND_OPENCL, "opencl"}, {GPUOPT_BACKEND_CUDA, "cuda"}};
#define N_ROWS(table) (sizeof(table) / sizeof((table)[0]))

/* "a,b,c" for the bits of mask named in the table. */
static const char *join_bits(const bit_name *rows, size_t n, unsigned mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; ++i)
        if (mask & rows[i].bit) {
            int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", rows[i].name);
            used += w > 0 ? (size_t)w : 0;
        }
    return buf;
}

/* ------------------------------------------------------------------ JSON */

static void json_bits(cli_json *j, const char *key, const bit_name *rows, size_t n, unsigned mask)
{
    cli_json_key(j, key);
    cli_json_begin_inline_array(j);
    for (size_t i = 0; i < n; ++i)
        if (mask & rows[i].bit)
            cli_json_string(j, rows[i].name);
    cli_json_end_array(j);
}

static void json_options(cli_json *j, const char *name)
{
    cli_json_key(j, "options");
    cli_json_begin_array(j);
    for (size_t i = 0; i < MAX_OPTIONS; ++i) {
        gpuopt_option_info o;
        if (gpuopt_algorithm_option_at(name, i, &o) != GPUOPT_SUCCESS)
            break;
        cli_json_begin_object(j);
        cli_json_kv_string(j, "key", o.key);
        cli_json_kv_string(j, "type", option_type_name(o.type));
        cli_json_kv_string(j, "default", text_or_empty(o.default_text));
        cli_json_kv_string(j, "allowed", text_or_empty(o.allowed));
        cli_json_kv_string(j, "doc", text_or_empty(o.doc));
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void json_algorithm(cli_json *j, const gpuopt_algorithm_info *a)
{
    cli_json_begin_object(j);
    cli_json_kv_string(j, "name", a->name);
    cli_json_key(j, "aliases");
    cli_json_begin_inline_array(j);
    for (const char *const *alias = a->aliases; alias != NULL && *alias != NULL; ++alias)
        cli_json_string(j, *alias);
    cli_json_end_array(j);
    cli_json_kv_string(j, "summary", text_or_empty(a->summary));
    cli_json_kv_bool(j, "global", (a->properties & GPUOPT_PROP_GLOBAL) != 0);
    cli_json_kv_string(j, "derivatives", derivatives_name(a->properties));
    json_bits(j, "criterion_kinds", kind_names, N_ROWS(kind_names), a->criterion_kinds);
    cli_json_kv_bool(j, "needs_bounds", (a->properties & GPUOPT_PROP_NEEDS_BOUNDS) != 0);
    cli_json_kv_bool(j, "supports_bounds",
                     (a->properties & (GPUOPT_PROP_SUPPORTS_BOUNDS | GPUOPT_PROP_NEEDS_BOUNDS)) !=
                         0);
    json_bits(j, "backends", backend_names, N_ROWS(backend_names), a->backends);
    json_options(j, a->name);
    cli_json_end_object(j);
}

/* ------------------------------------------------------------------ text */

static const char *aliases_text(const gpuopt_algorithm_info *a, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *const *alias = a->aliases; alias != NULL && *alias != NULL && used < len;
         ++alias) {
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", *alias);
        used += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

static void text_table(void)
{
    int width = 4;
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info a;
        if (gpuopt_algorithm_info_at(i, &a) == GPUOPT_SUCCESS && (int)strlen(a.name) > width)
            width = (int)strlen(a.name);
    }
    printf("%-*s  %-6s  %-8s  %-8s  %-15s  %s\n", width, "NAME", "TYPE", "DERIVS", "BOUNDS",
           "BACKENDS", "SUMMARY");
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info a;
        char backends[64], aliases[512];
        if (gpuopt_algorithm_info_at(i, &a) != GPUOPT_SUCCESS)
            continue;
        printf(
            "%-*s  %-6s  %-8s  %-8s  %-15s  %s\n", width, a.name,
            (a.properties & GPUOPT_PROP_GLOBAL) ? "global" : "local",
            derivatives_name(a.properties),
            (a.properties & GPUOPT_PROP_NEEDS_BOUNDS) ? "required" : "optional",
            join_bits(backend_names, N_ROWS(backend_names), a.backends, backends, sizeof backends),
            text_or_empty(a.summary));
        if (aliases_text(&a, aliases, sizeof aliases)[0] != '\0')
            printf("%-*s  aliases: %s\n", width, "", aliases);
    }
    printf("\n'gpuopt algorithms NAME' lists an algorithm's options.\n");
}

/* One block per option: "KEY (TYPE, default D)", then what is allowed and the doc. */
static void text_options(const char *name)
{
    gpuopt_option_info o;
    printf("\noptions (--option KEY=VALUE):\n");
    for (size_t i = 0; i < MAX_OPTIONS && gpuopt_algorithm_option_at(name, i, &o) == 0; ++i) {
        printf("  %s (%s, default %s)\n", o.key, option_type_name(o.type),
               text_or_empty(o.default_text));
        if (o.allowed[0] != '\0')
            printf("      allowed: %s\n", o.allowed);
        if (o.doc != NULL && o.doc[0] != '\0')
            printf("      %s\n", o.doc);
    }
}

static void text_detail(const gpuopt_algorithm_info *a)
{
    char buf[512];
    printf("%s: %s\n", a->name, text_or_empty(a->summary));
    printf("  aliases      %s\n", aliases_text(a, buf, sizeof buf));
    printf("  type         %s, derivatives: %s\n",
           (a->properties & GPUOPT_PROP_GLOBAL) ? "global" : "local",
           derivatives_name(a->properties));
    printf("  criteria     %s\n",
           join_bits(kind_names, N_ROWS(kind_names), a->criterion_kinds, buf, sizeof buf));
    printf("  bounds       %s\n", (a->properties & GPUOPT_PROP_NEEDS_BOUNDS)      ? "required"
                                  : (a->properties & GPUOPT_PROP_SUPPORTS_BOUNDS) ? "supported"
                                                                                  : "ignored");
    printf("  backends     %s\n",
           join_bits(backend_names, N_ROWS(backend_names), a->backends, buf, sizeof buf));
    text_options(a->name);
}

/* ------------------------------------------------------------- command */

static int list_one(const char *name, int json)
{
    gpuopt_algorithm_info a;
    if (gpuopt_algorithm_find(name, &a) != GPUOPT_SUCCESS) {
        char matches[256];
        int close = 0;
        cli_suggest_algorithm(name, matches, sizeof matches, &close);
        return cli_fail_unknown(gpuopt_last_error(), "algorithm", name, matches, close);
    }
    if (!json) {
        text_detail(&a);
        return CLI_EXIT_OK;
    }
    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_array(&j);
    json_algorithm(&j, &a);
    cli_json_end_array(&j);
    cli_json_finish(&j);
    return CLI_EXIT_OK;
}

static int list_all(int json)
{
    if (!json) {
        text_table();
        return CLI_EXIT_OK;
    }
    cli_json j;
    cli_json_init(&j, stdout, 1);
    cli_json_begin_array(&j);
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info a;
        if (gpuopt_algorithm_info_at(i, &a) == GPUOPT_SUCCESS)
            json_algorithm(&j, &a);
    }
    cli_json_end_array(&j);
    cli_json_finish(&j);
    return CLI_EXIT_OK;
}

int cli_cmd_algorithms(int argc, char **argv)
{
    static const cli_flag flags[] = {{"--json", 0}};
    cli_scanner sc = {argc, argv, 0, "algorithms"};
    const char *name = NULL, *value = NULL;
    int json = 0, flag;
    while ((flag = cli_scan_next(&sc, flags, 1, &value)) != CLI_SCAN_END) {
        if (flag == CLI_SCAN_HELP) {
            cli_help_algorithms();
            return CLI_EXIT_OK;
        }
        if (flag == CLI_SCAN_ERROR)
            return CLI_EXIT_USAGE;
        if (flag == CLI_SCAN_POSITIONAL && name != NULL)
            return cli_fail(CLI_EXIT_USAGE, "algorithms takes one NAME; got '%s' and '%s'", name,
                            value);
        if (flag == CLI_SCAN_POSITIONAL)
            name = value;
        else
            json = 1;
    }
    return name != NULL ? list_one(name, json) : list_all(json);
}
