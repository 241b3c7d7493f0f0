/* `gpuopt run` flags for the run history: --log, --checkpoint, --resume and their options. */
#ifndef GPUOPT_CLI_RUN_HISTORY_H
#define GPUOPT_CLI_RUN_HISTORY_H

#include <stdint.h>

#include "cli.h"
#include "gpuopt.h"

/* The rows of run's flag table, in the order of the cli_history_flag enum. */
#define CLI_HISTORY_FLAG_ROWS                                                                      \
    {"--log", 1}, {"--log-evaluations", 0}, {"--overwrite", 0}, {"--checkpoint", 1},               \
        {"--checkpoint-every", 1}, {"--checkpoint-seconds", 1}, {"--resume", 1},                   \
        {"--allow-backend-change", 0}

enum cli_history_flag {
    CLI_H_LOG,
    CLI_H_LOG_EVALUATIONS,
    CLI_H_OVERWRITE,
    CLI_H_CHECKPOINT,
    CLI_H_CHECKPOINT_EVERY,
    CLI_H_CHECKPOINT_SECONDS,
    CLI_H_RESUME,
    CLI_H_ALLOW_BACKEND_CHANGE,
    CLI_H_N_FLAGS
};

/* Without an interval, --checkpoint saves every this many seconds (and when the run starts). */
#define CLI_CHECKPOINT_DEFAULT_SECONDS 60.0

typedef struct cli_history_args {
    const char *log, *checkpoint, *resume;
    int log_evaluations, overwrite, allow_backend_change;
    int64_t every_iterations; /* 0: not given */
    double every_seconds;     /* 0: not given */
    gpuopt_checkpoint_info info; /* of --resume, once read */
    int attached;             /* set_log / set_checkpoint were called */
} cli_history_args;

/* Records one flag (index in enum cli_history_flag); an exit code. */
int cli_history_flag(cli_history_args *h, int flag, const char *value);

/* Checks the combination of flags and reads the --resume checkpoint's identity into h->info;
 * an exit code (the message printed). */
int cli_history_prepare(cli_history_args *h);

/* Registers the log and checkpoint on opt (from the flags, else from the resumed run's
 * settings); an exit code. */
int cli_history_attach(cli_history_args *h, gpuopt_optimizer *opt);

/* Runs: gpuopt_minimize, or resume + continue with --resume. Prints a note when a backend change
 * is allowed and happens. Returns the library's status. */
gpuopt_status cli_history_run(cli_history_args *h, gpuopt_context *ctx, gpuopt_optimizer *opt,
                              gpuopt_problem *problem, gpuopt_result **result);

/* Drops the log and checkpoint settings (a run that never started keeps them). */
void cli_history_detach(cli_history_args *h, gpuopt_optimizer *opt);

#endif /* GPUOPT_CLI_RUN_HISTORY_H */
