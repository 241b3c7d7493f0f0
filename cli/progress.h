/* The progress bar on stderr during `gpuopt run`, and the Ctrl-C flag it reports. */
#ifndef GPUOPT_CLI_PROGRESS_H
#define GPUOPT_CLI_PROGRESS_H

#include <signal.h>
#include <stdio.h>

#include "gpuopt.h"

typedef struct cli_progress {
    FILE *out;
    int enabled;                        /* draw the bar (stderr is a terminal and not --quiet) */
    int drawn;                          /* a bar line is on the screen */
    int width;                          /* terminal columns (lines are cut to width - 1) */
    double start_s;                     /* monotonic clock at cli_progress_init */
    double last_draw_s;                 /* monotonic clock at the last redraw */
    volatile sig_atomic_t *interrupted; /* set by the SIGINT handler; stops the run */
} cli_progress;

void cli_progress_init(cli_progress *pb, FILE *out, int enabled,
                       volatile sig_atomic_t *interrupted);
/* A gpuopt_progress_fn: redraws the bar at most 10 times a second; returns nonzero once
 * *interrupted is set. */
int cli_progress_update(const gpuopt_progress *progress, void *user);
/* Erases the bar line, if one is drawn. */
void cli_progress_clear(cli_progress *pb);

/* Formatting helpers (exposed for tests): a duration like "42.0s", "3m07s", "2h05m", "4d03h";
 * a count like "950", "12.3k", "4.56M". */
const char *cli_format_duration(double seconds, char *buf, size_t len);
const char *cli_format_count(double value, char *buf, size_t len);
/* The fraction of the budget used, in [0, 1], or -1 when the run has no budget. */
double cli_progress_fraction(const gpuopt_progress *progress);

#endif /* GPUOPT_CLI_PROGRESS_H */
