/* `gpuopt run`: the objects of one run and the two ways its result is written. */
#ifndef GPUOPT_CLI_RUN_H
#define GPUOPT_CLI_RUN_H

#include <stdio.h>

#include "gpuopt.h"

typedef struct cli_run_session {
    gpuopt_context *ctx;
    gpuopt_problem *problem;
    gpuopt_optimizer *opt;
    gpuopt_result *result;
} cli_run_session;

/* One JSON object: algorithm, backend, device, problem, dim, seed, threads, x, fun,
 * n_evaluations, n_iterations, converged, stop_reason, message, wall_time_s, ... */
void cli_run_write_json(const cli_run_session *s, FILE *out);
/* A readable summary. */
void cli_run_write_text(const cli_run_session *s, FILE *out);

#endif /* GPUOPT_CLI_RUN_H */
