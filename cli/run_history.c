/* `gpuopt run` flags for the run history (logs, checkpoints, resume). */
#include "run_history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_seconds(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : 0;
    if (!text || end == text || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0)
        return cli_fail(CLI_EXIT_USAGE, "--checkpoint-seconds expects a positive number of "
                        "seconds, got '%s'", text ? text : "");
    *out = v;
    return CLI_EXIT_OK;
}

int cli_history_flag(cli_history_args *h, int flag, const char *value)
{
    size_t every = 0;
    int rc = CLI_EXIT_OK;
    switch (flag) {
    case CLI_H_LOG: h->log = value; break;
    case CLI_H_LOG_EVALUATIONS: h->log_evaluations = 1; break;
    case CLI_H_OVERWRITE: h->overwrite = 1; break;
    case CLI_H_CHECKPOINT: h->checkpoint = value; break;
    case CLI_H_CHECKPOINT_EVERY:
        rc = cli_parse_positive_size("--checkpoint-every", value, &every);
        h->every_iterations = every > INT64_MAX ? INT64_MAX : (int64_t)every;
        break;
    case CLI_H_CHECKPOINT_SECONDS: rc = parse_seconds(value, &h->every_seconds); break;
    case CLI_H_RESUME: h->resume = value; break;
    case CLI_H_ALLOW_BACKEND_CHANGE: h->allow_backend_change = 1; break;
    default: rc = cli_fail(CLI_EXIT_USAGE, "internal: unhandled history flag");
    }
    return rc;
}

/* ------------------------------------------------------------- checking */

static int needs(int given, const char *flag, int have, const char *what)
{
    if (given && !have)
        return cli_fail(CLI_EXIT_USAGE, "%s needs %s", flag, what);
    return CLI_EXIT_OK;
}

static int check_combination(const cli_history_args *h)
{
    int has_log = h->log != NULL || h->resume != NULL;
    int has_ckpt = h->checkpoint != NULL || h->resume != NULL;
    int rc = needs(h->log_evaluations, "--log-evaluations", has_log, "--log FILE");
    if (rc == CLI_EXIT_OK)
        rc = needs(h->overwrite, "--overwrite", has_log, "--log FILE");
    if (rc == CLI_EXIT_OK)
        rc = needs(h->every_iterations > 0, "--checkpoint-every", has_ckpt, "--checkpoint FILE");
    if (rc == CLI_EXIT_OK)
        rc = needs(h->every_seconds > 0, "--checkpoint-seconds", has_ckpt, "--checkpoint FILE");
    if (rc == CLI_EXIT_OK)
        rc = needs(h->allow_backend_change, "--allow-backend-change", h->resume != NULL,
                   "--resume FILE");
    if (rc == CLI_EXIT_OK && h->log && h->checkpoint && strcmp(h->log, h->checkpoint) == 0)
        rc = cli_fail(CLI_EXIT_USAGE, "--log and --checkpoint name the same file '%s'", h->log);
    return rc;
}

int cli_history_prepare(cli_history_args *h)
{
    int rc = check_combination(h);
    if (rc != CLI_EXIT_OK || h->resume == NULL)
        return rc;
    gpuopt_status st = gpuopt_checkpoint_read_info(h->resume, &h->info);
    if (st != GPUOPT_SUCCESS)
        return cli_fail(cli_exit_code_for(st), "--resume: %s", gpuopt_last_error());
    return CLI_EXIT_OK;
}

/* -------------------------------------------------------------- attaching */

static int attach_log(cli_history_args *h, gpuopt_optimizer *opt)
{
    const char *path = h->log;
    unsigned flags = (h->log_evaluations ? GPUOPT_LOG_EVALUATIONS : 0) |
                     (h->overwrite ? GPUOPT_LOG_OVERWRITE : 0);
    if (path == NULL && h->resume != NULL && h->info.log_path[0] != '\0') {
        path = h->info.log_path; /* the resumed run goes on logging where it did */
        flags |= h->info.log_flags & GPUOPT_LOG_EVALUATIONS;
    }
    if (path == NULL)
        return CLI_EXIT_OK;
    gpuopt_status st = gpuopt_optimizer_set_log(opt, path, flags);
    h->attached = 1;
    if (st != GPUOPT_SUCCESS)
        return cli_fail(cli_exit_code_for(st), "--log: %s", gpuopt_optimizer_errmsg(opt));
    return CLI_EXIT_OK;
}

static int attach_checkpoint(cli_history_args *h, gpuopt_optimizer *opt)
{
    const char *path = h->checkpoint != NULL ? h->checkpoint : h->resume;
    if (path == NULL)
        return CLI_EXIT_OK;
    int64_t every = h->every_iterations;
    double seconds = h->every_seconds;
    if (every == 0 && seconds == 0 && h->resume != NULL) {
        every = h->info.checkpoint_every_iterations;
        seconds = h->info.checkpoint_every_seconds;
    }
    if (every == 0 && seconds == 0)
        seconds = CLI_CHECKPOINT_DEFAULT_SECONDS;
    gpuopt_status st = gpuopt_optimizer_set_checkpoint(opt, path, every, seconds);
    h->attached = 1;
    if (st != GPUOPT_SUCCESS)
        return cli_fail(cli_exit_code_for(st), "--checkpoint: %s",
                        gpuopt_optimizer_errmsg(opt));
    return CLI_EXIT_OK;
}

int cli_history_attach(cli_history_args *h, gpuopt_optimizer *opt)
{
    int rc = attach_log(h, opt);
    return rc == CLI_EXIT_OK ? attach_checkpoint(h, opt) : rc;
}

void cli_history_detach(cli_history_args *h, gpuopt_optimizer *opt)
{
    if (!h->attached || opt == NULL)
        return;
    gpuopt_optimizer_set_log(opt, NULL, 0);
    gpuopt_optimizer_set_checkpoint(opt, NULL, 0, 0);
    h->attached = 0;
}

/* ------------------------------------------------------------------ run */

gpuopt_status cli_history_run(cli_history_args *h, gpuopt_context *ctx, gpuopt_optimizer *opt,
                              gpuopt_problem *problem, gpuopt_result **result)
{
    if (h->resume == NULL)
        return gpuopt_minimize(opt, problem, result);
    unsigned flags = h->allow_backend_change ? GPUOPT_RESUME_ALLOW_BACKEND_CHANGE : 0;
    gpuopt_status st = gpuopt_optimizer_resume(opt, problem, h->resume, flags);
    if (st != GPUOPT_SUCCESS)
        return st;
    const char *backend = gpuopt_context_backend(ctx);
    if (strcmp(backend, h->info.backend) != 0)
        fprintf(stderr, "gpuopt: note: the run was saved on the %s backend and goes on on %s; "
                "its result is not bitwise that of an uninterrupted run\n",
                h->info.backend, backend);
    return gpuopt_optimizer_continue(opt, problem, result);
}
