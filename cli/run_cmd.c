/* `gpuopt run`: parse the flags, build context / problem / optimizer, minimize, report. */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "run.h"
#include "run_history.h"
#include "run_source.h"
#include "suggest.h"

#define DEFAULT_DIM 10 /* for problems of any dimension */

typedef struct run_args {
    const char *problem, *algorithm, *backend;
    size_t dim;
    int dim_given;
    uint64_t seed;
    int seed_given;
    int threads;
    int threads_given;
    const char **options; /* "key=value" texts, in order */
    size_t n_options;
    int json, quiet;
    cli_history_args history; /* --log, --checkpoint, --resume (run_history.c) */
    cli_source_args source;   /* --source, --lower, --upper (run_source.c) */
} run_args;

enum { F_PROBLEM, F_DIM, F_ALGORITHM, F_BACKEND, F_SEED, F_THREADS, F_OPTION, F_JSON, F_QUIET,
       F_SOURCE, F_HISTORY = F_SOURCE + CLI_S_N_FLAGS };
static const cli_flag run_flags[] = {
    [F_PROBLEM] = {"--problem", 1}, [F_DIM] = {"--dim", 1},   [F_ALGORITHM] = {"--algorithm", 1},
    [F_BACKEND] = {"--backend", 1}, [F_SEED] = {"--seed", 1}, [F_THREADS] = {"--threads", 1},
    [F_OPTION] = {"--option", 1},   [F_JSON] = {"--json", 0}, [F_QUIET] = {"--quiet", 0},
    CLI_SOURCE_FLAG_ROWS,           CLI_HISTORY_FLAG_ROWS,
};

/* ------------------------------------------------------------------ flags */

static int check_option_text(const char *text)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL)
        return cli_fail(CLI_EXIT_USAGE, "--option expects KEY=VALUE, got '%s'", text);
    if (eq == text)
        return cli_fail(CLI_EXIT_USAGE, "--option '%s' has no key before '='", text);
    return CLI_EXIT_OK;
}

static int apply_flag(void *args, int flag, const char *value)
{
    run_args *a = args;
    switch (flag) {
    case F_PROBLEM: a->problem = value; return CLI_EXIT_OK;
    case F_ALGORITHM: a->algorithm = value; return CLI_EXIT_OK;
    case F_BACKEND: a->backend = value; return CLI_EXIT_OK;
    case F_JSON: a->json = 1; return CLI_EXIT_OK;
    case F_QUIET: a->quiet = 1; return CLI_EXIT_OK;
    case F_DIM: a->dim_given = 1; return cli_parse_positive_size("--dim", value, &a->dim);
    case F_SEED: a->seed_given = 1; return cli_parse_uint64("--seed", value, &a->seed);
    case F_THREADS:
        a->threads_given = 1;
        return cli_parse_nonnegative_int("--threads", value, &a->threads);
    case F_OPTION: a->options[a->n_options++] = value; return check_option_text(value);
    default:
        if (flag < F_HISTORY)
            return cli_source_flag(&a->source, flag - F_SOURCE, value);
        return cli_history_flag(&a->history, flag - F_HISTORY, value);
    }
}

/* --resume: the saved run's problem, dimension, algorithm, backend and seed, unless given (a
 * different problem, dimension, algorithm or backend is refused when the run is restored). */
static int resume_defaults(run_args *a)
{
    const gpuopt_checkpoint_info *info = &a->history.info;
    if (a->seed_given || a->n_options > 0)
        return cli_fail(CLI_EXIT_USAGE, "--resume continues the saved run with its seed and "
                        "options; --seed and --option cannot change them");
    if (a->problem == NULL && a->source.path == NULL)
        a->problem = info->problem;
    if (a->algorithm == NULL)
        a->algorithm = info->algorithm;
    if (a->backend == NULL)
        a->backend = info->backend;
    if (!a->dim_given) {
        a->dim = info->dim;
        a->dim_given = 1;
    }
    a->seed = info->seed;
    a->seed_given = 1;
    return CLI_EXIT_OK;
}

/* Returns -1 to go on with the run, else the exit code (0 after --help). */
static int parse_run_args(int argc, char **argv, run_args *a)
{
    cli_scanner sc = {argc, argv, 0, "run"};
    int rc = cli_scan_flags(&sc, run_flags, sizeof run_flags / sizeof run_flags[0], cli_help_run,
                            apply_flag, a);
    if (rc != -1)
        return rc;
    rc = cli_history_prepare(&a->history);
    if (rc == CLI_EXIT_OK && a->history.resume != NULL)
        rc = resume_defaults(a);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_source_check(&a->source, a->problem, a->dim_given);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (a->problem == NULL && a->source.path == NULL)
        return cli_fail(CLI_EXIT_USAGE,
                        "run needs --problem NAME (see 'gpuopt problems') or --source FILE");
    if (a->algorithm == NULL)
        return cli_fail(CLI_EXIT_USAGE, "run needs --algorithm NAME (see 'gpuopt algorithms')");
    return -1;
}

/* ----------------------------------------------------------- failures */

static const char *message_or(const char *errmsg, gpuopt_status st)
{
    return errmsg != NULL && errmsg[0] != '\0' ? errmsg : gpuopt_status_text(st);
}

/* The library's message when it has one, else "WHAT 'NAME': <status text>". */
static int fail_with(gpuopt_status st, const char *errmsg, const char *what, const char *name)
{
    if (errmsg != NULL && errmsg[0] != '\0')
        return cli_fail(cli_exit_code_for(st), "%s", errmsg);
    return cli_fail(cli_exit_code_for(st), "%s '%s': %s", what, name, gpuopt_status_text(st));
}

/* ------------------------------------------------------------ building */

static int open_context(const run_args *a, cli_run_session *s)
{
    const char *backend = a->backend != NULL ? a->backend : "auto";
    gpuopt_status st = gpuopt_context_create(&s->ctx, backend);
    if (st != GPUOPT_SUCCESS) {
        const char *msg = s->ctx != NULL ? gpuopt_context_errmsg(s->ctx) : gpuopt_last_error();
        if (st == GPUOPT_ERR_UNKNOWN_BACKEND) {
            char matches[256];
            int close = 0;
            cli_suggest_backend(backend, matches, sizeof matches, &close);
            return cli_fail_unknown(msg, "backend", backend, matches, close);
        }
        return fail_with(st, msg, "backend", backend);
    }
    if (a->threads_given && (st = gpuopt_context_set_threads(s->ctx, a->threads)) != 0)
        return cli_fail(cli_exit_code_for(st), "--threads %d: %s", a->threads,
                        message_or(gpuopt_context_errmsg(s->ctx), st));
    if (a->seed_given && (st = gpuopt_context_set_seed(s->ctx, a->seed)) != 0)
        return cli_fail(cli_exit_code_for(st), "--seed: %s",
                        message_or(gpuopt_context_errmsg(s->ctx), st));
    return CLI_EXIT_OK;
}

static size_t run_dimension(const run_args *a)
{
    if (a->dim_given)
        return a->dim;
    const gpuopt_problem_info *info = gpuopt_problem_info_find(a->problem);
    return info != NULL && info->fixed_dim > 0 ? info->fixed_dim : DEFAULT_DIM;
}

static int open_problem(const run_args *a, cli_run_session *s)
{
    if (a->source.path != NULL)
        return cli_source_problem(&a->source, a->algorithm, a->dim, s->ctx, &s->problem);
    size_t dim = run_dimension(a);
    gpuopt_status st = gpuopt_problem_create_builtin(&s->problem, a->problem, dim);
    if (st == GPUOPT_SUCCESS)
        return CLI_EXIT_OK;
    const char *msg = s->problem != NULL ? gpuopt_problem_errmsg(s->problem) : gpuopt_last_error();
    if (st == GPUOPT_ERR_UNKNOWN_PROBLEM) {
        char matches[256];
        int close = 0;
        cli_suggest_problem(a->problem, matches, sizeof matches, &close);
        return cli_fail_unknown(msg, "problem", a->problem, matches, close);
    }
    const gpuopt_problem_info *info = gpuopt_problem_info_find(a->problem);
    if (st == GPUOPT_ERR_BAD_DIMENSION && (msg == NULL || msg[0] == '\0') && info != NULL &&
        info->fixed_dim > 0)
        return cli_fail(CLI_EXIT_USAGE, "problem '%s' has dimension %zu; --dim %zu given",
                        a->problem, info->fixed_dim, dim);
    return fail_with(st, msg, "problem", a->problem);
}

static int open_optimizer(const run_args *a, cli_run_session *s)
{
    gpuopt_status st = gpuopt_optimizer_create(&s->opt, s->ctx, a->algorithm);
    if (st != GPUOPT_SUCCESS) {
        const char *msg = s->opt != NULL ? gpuopt_optimizer_errmsg(s->opt) : gpuopt_last_error();
        if (st == GPUOPT_ERR_UNKNOWN_ALGORITHM) {
            char matches[256];
            int close = 0;
            cli_suggest_algorithm(a->algorithm, matches, sizeof matches, &close);
            return cli_fail_unknown(msg, "algorithm", a->algorithm, matches, close);
        }
        return fail_with(st, msg, "algorithm", a->algorithm);
    }
    for (size_t i = 0; i < a->n_options; ++i) {
        st = gpuopt_optimizer_set_option(s->opt, a->options[i]);
        if (st != GPUOPT_SUCCESS)
            return fail_with(st, gpuopt_optimizer_errmsg(s->opt), "--option", a->options[i]);
    }
    return CLI_EXIT_OK;
}

static void close_session(cli_run_session *s, run_args *a)
{
    cli_history_detach(&a->history, s->opt);
    gpuopt_result_destroy(&s->result);
    gpuopt_optimizer_destroy(&s->opt);
    gpuopt_problem_destroy(&s->problem);
    gpuopt_context_destroy(&s->ctx);
}

/* ------------------------------------------------------------- Ctrl-C */

static volatile sig_atomic_t interrupted;
static gpuopt_optimizer *volatile running_optimizer;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    if (running_optimizer != NULL)
        gpuopt_optimizer_interrupt(running_optimizer);
    /* a second Ctrl-C ends the process the usual way */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGINT, &dfl, NULL);
}

/* Installed before anything is built, so that a Ctrl-C during setup also ends the run at its
 * first iteration (the progress callback reports the flag). Installed even when SIGINT was
 * inherited as ignored (background jobs of non-interactive shells), so that `kill -INT`
 * always ends a run cleanly. */
static void install_sigint(struct sigaction *previous)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    running_optimizer = NULL;
    sigaction(SIGINT, &sa, previous);
}

static void restore_sigint(const struct sigaction *previous)
{
    running_optimizer = NULL;
    sigaction(SIGINT, previous, NULL);
}

/* -------------------------------------------------------------- run */

static int minimize(run_args *a, cli_run_session *s)
{
    cli_progress bar;
    cli_progress_init(&bar, stderr, !a->quiet && isatty(STDERR_FILENO), &interrupted);
    gpuopt_status st = gpuopt_optimizer_set_progress(s->opt, cli_progress_update, &bar);
    if (st != GPUOPT_SUCCESS)
        return cli_fail(CLI_EXIT_RUNTIME, "progress: %s",
                        message_or(gpuopt_optimizer_errmsg(s->opt), st));
    running_optimizer = s->opt;
    if (interrupted) /* Ctrl-C came during setup */
        gpuopt_optimizer_interrupt(s->opt);
    st = cli_history_run(&a->history, s->ctx, s->opt, s->problem, &s->result);
    running_optimizer = NULL;
    cli_progress_clear(&bar);
    if (st < 0 && cli_exit_code_for(st) == CLI_EXIT_USAGE) /* options that do not fit */
        return cli_fail(CLI_EXIT_USAGE, "%s", message_or(gpuopt_optimizer_errmsg(s->opt), st));
    if (st < 0)
        return cli_fail(CLI_EXIT_RUNTIME, "run failed: %s",
                        message_or(gpuopt_optimizer_errmsg(s->opt), st));
    if (s->result == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "run ended (%s) without a result",
                        gpuopt_status_text(st));
    return CLI_EXIT_OK;
}

static int finish_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_fail(CLI_EXIT_RUNTIME, "cannot write the result to stdout");
    return CLI_EXIT_OK;
}

int cli_cmd_run(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof a);
    a.options = calloc((size_t)argc + 1, sizeof *a.options);
    if (a.options == NULL)
        return cli_fail(CLI_EXIT_RUNTIME, "out of memory");
    int rc = parse_run_args(argc, argv, &a);
    cli_run_session s = {NULL, NULL, NULL, NULL};
    struct sigaction previous;
    if (rc >= 0) {
        free(a.options);
        return rc;
    }
    install_sigint(&previous);
    rc = open_context(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = open_problem(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = open_optimizer(&a, &s);
    if (rc == CLI_EXIT_OK)
        rc = cli_history_attach(&a.history, s.opt);
    if (rc == CLI_EXIT_OK)
        rc = minimize(&a, &s);
    if (rc == CLI_EXIT_OK && s.result != NULL) {
        if (a.json)
            cli_run_write_json(&s, stdout);
        else
            cli_run_write_text(&s, stdout);
        rc = finish_output();
    }
    close_session(&s, &a);
    restore_sigint(&previous);
    free(a.options);
    return rc;
}
