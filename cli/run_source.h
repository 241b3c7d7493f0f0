/* `gpuopt run --source FILE`: a criterion written in the portable C subset, compiled at run
 * time for the backend (docs/user_criteria.md), with scalar bounds --lower / --upper. */
#ifndef GPUOPT_CLI_RUN_SOURCE_H
#define GPUOPT_CLI_RUN_SOURCE_H

#include <stddef.h>

#include "cli.h"
#include "gpuopt.h"

/* The rows of run's flag table, in the order of the cli_source_flag enum. */
#define CLI_SOURCE_FLAG_ROWS {"--source", 1}, {"--lower", 1}, {"--upper", 1}

enum cli_source_flag { CLI_S_SOURCE, CLI_S_LOWER, CLI_S_UPPER, CLI_S_N_FLAGS };

typedef struct cli_source_args {
    const char *path;
    double lower, upper;
    int lower_given, upper_given;
} cli_source_args;

/* Records one flag (index in enum cli_source_flag); an exit code. */
int cli_source_flag(cli_source_args *s, int flag, const char *value);

/* Checks the flags against the rest of the run's: --source excludes --problem and needs
 * --dim; --lower/--upper need --source. An exit code (the message printed). */
int cli_source_check(const cli_source_args *s, const char *problem, int dim_given);

/* Makes the problem: dimension dim, the bounds on every coordinate (-inf/+inf when not given;
 * both are required when the algorithm needs bounds), the start point (the box centre when
 * both bounds are given, else 0 moved into the bounds), the source criterion, compiled now for
 * ctx's backend. A compile error prints "gpuopt: criterion source ... failed to compile ...:"
 * and then the compiler's log, line by line, on stderr, and returns CLI_EXIT_USAGE. */
int cli_source_problem(const cli_source_args *s, const char *algorithm, size_t dim,
                       gpuopt_context *ctx, gpuopt_problem **out);

#endif /* GPUOPT_CLI_RUN_SOURCE_H */
