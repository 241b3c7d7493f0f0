/* Error lines on stderr, the exit code for a library status, and short status names. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Drops a leading "gpuopt: " (library messages may carry one) and folds newlines. */
static void tidy_message(char *text)
{
    static const char prefix[] = "gpuopt: ";
    if (strncmp(text, prefix, sizeof prefix - 1) == 0)
        memmove(text, text + sizeof prefix - 1, strlen(text + sizeof prefix - 1) + 1);
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = '\0';
    for (char *c = text; *c; ++c)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = (*c == '\t') ? ' ' : ';';
}

int cli_fail(int exit_code, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    tidy_message(text);
    fflush(stdout);
    fprintf(stderr, "gpuopt: %s\n", text);
    return exit_code;
}

int cli_exit_code_for(gpuopt_status status)
{
    switch (status) {
    case GPUOPT_ERR_INVALID_ARGUMENT:
    case GPUOPT_ERR_UNKNOWN_ALGORITHM:
    case GPUOPT_ERR_UNKNOWN_OPTION:
    case GPUOPT_ERR_OPTION_TYPE:
    case GPUOPT_ERR_OPTION_RANGE:
    case GPUOPT_ERR_UNKNOWN_BACKEND:
    case GPUOPT_ERR_BACKEND_UNAVAILABLE:
    case GPUOPT_ERR_UNKNOWN_PROBLEM:
    case GPUOPT_ERR_BAD_DIMENSION:
    case GPUOPT_ERR_BAD_BOUNDS:
    case GPUOPT_ERR_BAD_START:
    case GPUOPT_ERR_UNSUPPORTED:
    case GPUOPT_ERR_POPULATION_TOO_SMALL: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_RUNTIME;
    }
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* 1 when word occurs in text as a whole name (not inside a longer one). */
static int contains_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p != NULL; p = strstr(p + 1, word))
        if ((p == text || !is_name_char(p[-1])) && !is_name_char(p[n]))
            return 1;
    return 0;
}

/* 1 when the message names one of the close matches ("a, b or c"). */
static int names_a_match(const char *errmsg, const char *matches)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", matches);
    for (char *tok = strtok(copy, ", "); tok != NULL; tok = strtok(NULL, ", "))
        if (strcmp(tok, "or") != 0 && contains_word(errmsg, tok))
            return 1;
    return 0;
}

int cli_fail_unknown(const char *errmsg, const char *what, const char *name, const char *matches,
                     int close)
{
    if (errmsg != NULL && errmsg[0] != '\0') {
        if (close && !names_a_match(errmsg, matches))
            return cli_fail(CLI_EXIT_USAGE, "%s; did you mean %s?", errmsg, matches);
        return cli_fail(CLI_EXIT_USAGE, "%s", errmsg);
    }
    if (close)
        return cli_fail(CLI_EXIT_USAGE, "unknown %s '%s'; did you mean %s?", what, name, matches);
    return cli_fail(CLI_EXIT_USAGE, "unknown %s '%s'; nearest: %s (see 'gpuopt %ss')", what, name,
                    matches, what);
}

const char *cli_status_short_name(gpuopt_status status, char *buf, size_t len)
{
    static const char *const prefixes[] = {"GPUOPT_STOP_", "GPUOPT_ERR_", "GPUOPT_"};
    const char *name = gpuopt_status_name(status);
    if (len == 0)
        return "";
    if (name == NULL) {
        snprintf(buf, len, "status_%d", (int)status);
        return buf;
    }
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; ++i) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(name, prefixes[i], n) == 0) {
            name += n;
            break;
        }
    }
    size_t k = 0;
    for (; name[k] != '\0' && k + 1 < len; ++k)
        buf[k] = (char)tolower((unsigned char)name[k]);
    buf[k] = '\0';
    return buf;
}
