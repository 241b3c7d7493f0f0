/* The gpuopt command-line tool: shared declarations (exit codes, messages, argument scanning). */
#ifndef GPUOPT_CLI_H
#define GPUOPT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "gpuopt.h"

/* Exit codes. */
enum {
    CLI_EXIT_OK = 0,      /* the command did its work; a run ended for any stop reason */
    CLI_EXIT_RUNTIME = 1, /* a failure at run time (memory, backend, I/O) */
    CLI_EXIT_USAGE = 2    /* bad input: command, flag, number, name, option or backend */
};

/* Prints one line "gpuopt: <message>" on stderr (newlines in the message become "; ") and
 * returns exit_code. */
int cli_fail(int exit_code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Fails (CLI_EXIT_USAGE) for an unknown name: with the library's message errmsg when there is
 * one (adding the close matches when it names none of them), else "unknown WHAT 'NAME'" with
 * the matches ("a, b or c"; close: they are close to NAME, else merely the nearest). */
int cli_fail_unknown(const char *errmsg, const char *what, const char *name, const char *matches,
                     int close);

/* The exit code for a failed library call: CLI_EXIT_USAGE for statuses caused by the user's
 * input (unknown names, bad options, dimensions, unavailable backends), else CLI_EXIT_RUNTIME. */
int cli_exit_code_for(gpuopt_status status);

/* The short name of a status, e.g. "max_iterations", "interrupted". */
const char *cli_status_short_name(gpuopt_status status, char *buf, size_t len);

/* ------------------------------------------------------------ argument scanning */

typedef struct cli_flag {
    const char *name; /* "--dim" */
    int takes_value;
} cli_flag;

typedef struct cli_scanner {
    int argc;
    char **argv;
    int next;            /* index of the next argument */
    const char *command; /* for messages: "run", "algorithms", ... */
} cli_scanner;

enum {
    CLI_SCAN_END = -1,        /* no arguments left */
    CLI_SCAN_POSITIONAL = -2, /* *value is a positional argument */
    CLI_SCAN_HELP = -3,       /* --help or -h */
    CLI_SCAN_ERROR = -4       /* the message has been printed */
};

/* The index in flags of the next argument's flag (its value in *value, from "--flag=value" or
 * the following argument), or one of CLI_SCAN_*. */
int cli_scan_next(cli_scanner *sc, const cli_flag *flags, size_t n_flags, const char **value);

/* Scans all of sc's arguments: apply(args, flag, value) for each flag (stopping at a non-zero
 * exit code), help() and CLI_EXIT_OK for --help, a positional argument refused. Returns -1 after
 * the last argument (go on), else the exit code. */
int cli_scan_flags(cli_scanner *sc, const cli_flag *flags, size_t n_flags, void (*help)(void),
                   int (*apply)(void *args, int flag, const char *value), void *args);

/* Number parsing for flag values; each prints the message and returns CLI_EXIT_USAGE on bad
 * text, else CLI_EXIT_OK. */
int cli_parse_positive_size(const char *flag, const char *text, size_t *out);
int cli_parse_nonnegative_int(const char *flag, const char *text, int *out);
int cli_parse_uint64(const char *flag, const char *text, uint64_t *out);

/* ------------------------------------------------------------ the context */

/* cli_fail with the status's exit code and msg (the status text when msg is empty). */
int cli_fail_status(gpuopt_status st, const char *msg);
/* Creates *ctx on backend (NULL: auto; an unknown name is answered with suggestions) and sets
 * its threads when threads_given. Returns CLI_EXIT_OK, else the exit code after the message. */
int cli_open_context(gpuopt_context **ctx, const char *backend, int threads_given, int threads);

/* ------------------------------------------------------------ commands */

int cli_cmd_run(int argc, char **argv);
int cli_cmd_algorithms(int argc, char **argv);
int cli_cmd_problems(int argc, char **argv);
int cli_cmd_backends(int argc, char **argv);

/* Help texts, printed on stdout. */
void cli_help_main(void);
void cli_help_run(void);
void cli_help_algorithms(void);
void cli_help_problems(void);
void cli_help_backends(void);

#endif /* GPUOPT_CLI_H */
