/* Command-line scanning ("--flag value", "--flag=value"), number parsing, and the context the
 * commands open from --backend and --threads. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"

/* Matches arg against flag name: 1 for "--name", 2 for "--name=value", 0 otherwise. */
static int match_flag(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '\0')
        return 1;
    return arg[n] == '=' ? 2 : 0;
}

static int take_value(cli_scanner *sc, const cli_flag *flag, int form, const char *arg,
                      const char **value)
{
    if (form == 2) {
        *value = arg + strlen(flag->name) + 1;
        return 0;
    }
    if (sc->next >= sc->argc) {
        cli_fail(CLI_EXIT_USAGE, "%s needs a value (see 'gpuopt %s --help')", flag->name,
                 sc->command);
        return -1;
    }
    *value = sc->argv[sc->next++];
    return 0;
}

int cli_scan_next(cli_scanner *sc, const cli_flag *flags, size_t n_flags, const char **value)
{
    *value = NULL;
    if (sc->next >= sc->argc)
        return CLI_SCAN_END;
    const char *arg = sc->argv[sc->next++];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
        return CLI_SCAN_HELP;
    if (arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return CLI_SCAN_POSITIONAL;
    }
    for (size_t i = 0; i < n_flags; ++i) {
        int form = match_flag(arg, flags[i].name);
        if (form == 0)
            continue;
        if (!flags[i].takes_value) {
            if (form == 2) {
                cli_fail(CLI_EXIT_USAGE, "%s takes no value", flags[i].name);
                return CLI_SCAN_ERROR;
            }
            return (int)i;
        }
        return take_value(sc, &flags[i], form, arg, value) == 0 ? (int)i : CLI_SCAN_ERROR;
    }
    cli_fail(CLI_EXIT_USAGE, "unknown flag '%s' for '%s' (see 'gpuopt %s --help')", arg,
             sc->command, sc->command);
    return CLI_SCAN_ERROR;
}

/* Parses a decimal unsigned integer: digits only, no sign, no overflow. */
static int parse_decimal(const char *text, unsigned long long *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse_positive_size(const char *flag, const char *text, size_t *out)
{
    unsigned long long v = 0;
    int bad = parse_decimal(text, &v) != 0 || v == 0;
#if ULLONG_MAX > SIZE_MAX
    bad = bad || v > SIZE_MAX;
#endif
    if (bad)
        return cli_fail(CLI_EXIT_USAGE, "%s expects a positive integer, got '%s'", flag, text);
    *out = (size_t)v;
    return CLI_EXIT_OK;
}

int cli_parse_nonnegative_int(const char *flag, const char *text, int *out)
{
    unsigned long long v = 0;
    if (parse_decimal(text, &v) != 0 || v > INT_MAX)
        return cli_fail(CLI_EXIT_USAGE, "%s expects a non-negative integer, got '%s'", flag, text);
    *out = (int)v;
    return CLI_EXIT_OK;
}

int cli_parse_uint64(const char *flag, const char *text, uint64_t *out)
{
    unsigned long long v = 0;
    if (parse_decimal(text, &v) != 0) /* unsigned long long has at least 64 bits */
        return cli_fail(CLI_EXIT_USAGE,
                        "%s expects an integer in [0, 18446744073709551615], got '%s'", flag, text);
    *out = (uint64_t)v;
    return CLI_EXIT_OK;
}

int cli_scan_flags(cli_scanner *sc, const cli_flag *flags, size_t n_flags, void (*help)(void),
                   int (*apply)(void *args, int flag, const char *value), void *args)
{
    for (;;) {
        const char *value = NULL;
        int flag = cli_scan_next(sc, flags, n_flags, &value);
        if (flag == CLI_SCAN_END)
            return -1;
        if (flag == CLI_SCAN_HELP) {
            help();
            return CLI_EXIT_OK;
        }
        if (flag == CLI_SCAN_ERROR)
            return CLI_EXIT_USAGE;
        if (flag == CLI_SCAN_POSITIONAL)
            return cli_fail(CLI_EXIT_USAGE, "unexpected argument '%s' for '%s'", value,
                            sc->command);
        int rc = apply(args, flag, value);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
}

int cli_fail_status(gpuopt_status st, const char *msg)
{
    return cli_fail(cli_exit_code_for(st), "%s", msg && msg[0] ? msg : gpuopt_status_text(st));
}

int cli_open_context(gpuopt_context **ctx, const char *backend, int threads_given, int threads)
{
    if (backend == NULL)
        backend = "auto";
    gpuopt_status st = gpuopt_context_create(ctx, backend);
    if (st != GPUOPT_SUCCESS) {
        const char *msg = *ctx ? gpuopt_context_errmsg(*ctx) : gpuopt_last_error();
        if (st == GPUOPT_ERR_UNKNOWN_BACKEND) {
            char matches[256];
            int close = 0;
            cli_suggest_backend(backend, matches, sizeof matches, &close);
            return cli_fail_unknown(msg, "backend", backend, matches, close);
        }
        return cli_fail_status(st, msg);
    }
    if (threads_given && (st = gpuopt_context_set_threads(*ctx, threads)) != 0)
        return cli_fail_status(st, gpuopt_context_errmsg(*ctx));
    return CLI_EXIT_OK;
}
