/* A helper of the history tests; reads a run log with gpuopt_log_read.
 * log_check LOG ITERATIONS EVALUATIONS FUN: checks that the log has each iteration
 *   1..ITERATIONS exactly once, in order, with non-decreasing evaluation counts and
 *   non-increasing best values, and that the run finished with EVALUATIONS evaluations and best
 *   value FUN (as printed with %.17g). Exit status 0 when it does; else the first difference on
 *   stderr and exit 1.
 * log_check --iterating-seconds LOG: prints the seconds between the first and the last
 *   iteration record (the run's time spent iterating, without its set-up). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpuopt.h"

static int rows_in_order(const gpuopt_log_data *d)
{
    for (size_t i = 0; i < d->n_records; ++i) {
        if (d->iteration[i] != (int64_t)i + 1) {
            fprintf(stderr, "record %zu is iteration %" PRId64 ", expected %zu\n", i,
                    d->iteration[i], i + 1);
            return 0;
        }
        if (i > 0 && (d->n_evaluations[i] < d->n_evaluations[i - 1] ||
                      d->best_f[i] > d->best_f[i - 1])) {
            fprintf(stderr, "record %zu: evaluations decrease or best value increases\n", i);
            return 0;
        }
    }
    return 1;
}

static int outcome_matches(const gpuopt_log_data *d, int64_t iterations, int64_t evaluations,
                           const char *fun)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", d->final_f);
    if (!d->finished || d->final_iterations != iterations || d->final_evaluations != evaluations ||
        strcmp(text, fun) != 0) {
        fprintf(stderr, "outcome: finished %d, %" PRId64 " iterations, %" PRId64
                " evaluations, fun %s; expected %" PRId64 ", %" PRId64 ", %s\n",
                d->finished, d->final_iterations, d->final_evaluations, text, iterations,
                evaluations, fun);
        return 0;
    }
    /* a run may stop in a batch that completes no iteration (e.g. inside a line search): the
     * last record then counts fewer evaluations than the outcome */
    if ((int64_t)d->n_records != iterations ||
        d->n_evaluations[d->n_records - 1] > evaluations) {
        fprintf(stderr, "%zu records for %" PRId64 " iterations\n", d->n_records, iterations);
        return 0;
    }
    return 1;
}

static int iterating_seconds(const char *path)
{
    gpuopt_log_data *d = NULL;
    if (gpuopt_log_read(path, &d) != GPUOPT_SUCCESS) {
        fprintf(stderr, "%s\n", gpuopt_last_error());
        return 1;
    }
    printf("%.6f\n", d->n_records ? d->elapsed[d->n_records - 1] - d->elapsed[0] : 0.0);
    gpuopt_log_data_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--iterating-seconds") == 0)
        return iterating_seconds(argv[2]);
    if (argc != 5) {
        fprintf(stderr, "usage: log_check LOG ITERATIONS EVALUATIONS FUN\n"
                        "       log_check --iterating-seconds LOG\n");
        return 2;
    }
    gpuopt_log_data *d = NULL;
    if (gpuopt_log_read(argv[1], &d) != GPUOPT_SUCCESS) {
        fprintf(stderr, "%s\n", gpuopt_last_error());
        return 1;
    }
    int ok = rows_in_order(d) &&
             outcome_matches(d, strtoll(argv[2], NULL, 10), strtoll(argv[3], NULL, 10), argv[4]);
    gpuopt_log_data_free(&d);
    return ok ? 0 : 1;
}
