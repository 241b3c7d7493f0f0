/* `gpuopt log show FILE` (a summary of a run log) and `gpuopt log plot FILE -o PATH [--params]`
 * (its criterion or parameter plot). */
#include "log_cmd.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log_plot.h"

#define POINT_ALL 12 /* best points up to this dimension are shown whole */
#define POINT_HEAD 6
#define POINT_TAIL 3
#define MAX_REPORT_COLUMNS 4

void cli_help_log(void)
{
    fputs("usage: gpuopt log show FILE\n"
          "       gpuopt log plot FILE -o PATH.svg|PATH.png [--params]\n"
          "\n"
          "Looks at a run log written by 'gpuopt run --log FILE'.\n"
          "\n"
          "  show   the set-up, the stop reason, the best point, evaluations, time and the best\n"
          "         value at a few milestones of the run\n"
          "  plot   the criterion plot: best and current value against evaluations (log scale\n"
          "         where the values span decades; restarts marked); with --params the\n"
          "         coordinates of the best point instead\n"
          "\n"
          "flags of plot:\n"
          "  -o, --output PATH   the picture to write; .svg or .png\n"
          "  --params            draw the parameter trajectories\n"
          "\n"
          "A log may be looked at while its run goes on. The file schema is in docs/history.md.\n",
          stdout);
}

/* --------------------------------------------------------------- helpers */

static int read_log(const char *path, gpuopt_log_data **log)
{
    gpuopt_status st = gpuopt_log_read(path, log);
    if (st != GPUOPT_SUCCESS)
        return cli_fail(st == GPUOPT_ERR_UNSUPPORTED ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME, "%s",
                        gpuopt_last_error());
    return CLI_EXIT_OK;
}

static size_t first_reaching(const gpuopt_log_data *log, double evaluations)
{
    size_t i = 0;
    while (i + 1 < log->n_records && (double)log->n_evaluations[i] < evaluations)
        ++i;
    return i;
}

/* The records shown as milestones: the first, those at 10, 25, 50, 75 and 90 % of the
 * evaluations, and the last, without repeats. Returns how many (at most 7). */
static size_t milestones(const gpuopt_log_data *log, size_t rows[7])
{
    static const double shares[] = {0.10, 0.25, 0.50, 0.75, 0.90};
    if (log->n_records == 0)
        return 0;
    size_t n = 0, last = log->n_records - 1;
    double total = (double)log->n_evaluations[last];
    rows[n++] = 0;
    for (size_t k = 0; k < sizeof shares / sizeof shares[0]; ++k) {
        size_t i = first_reaching(log, shares[k] * total);
        if (i > rows[n - 1] && i < last)
            rows[n++] = i;
    }
    if (last > rows[n - 1])
        rows[n++] = last;
    return n;
}

/* ----------------------------------------------------------------- show */

static void show_bounds(const gpuopt_log_data *log)
{
    int same = 1;
    for (size_t i = 1; i < log->dim; ++i)
        same &= log->lower[i] == log->lower[0] && log->upper[i] == log->upper[0];
    if (same) {
        printf("bounds       [%g, %g] on every coordinate\n", log->lower[0], log->upper[0]);
        return;
    }
    printf("bounds       ");
    for (size_t i = 0; i < log->dim && i < 3; ++i)
        printf("%s[%g, %g]", i ? ", " : "", log->lower[i], log->upper[i]);
    printf("%s (per coordinate)\n", log->dim > 3 ? ", ..." : "");
}

static void show_setup(const char *path, const gpuopt_log_data *log)
{
    printf("run log      %s (format %s, written by gpuopt %s)\n", path, log->format_version,
           log->library_version);
    printf("algorithm    %s\n", log->algorithm);
    printf("problem      %s, dimension %zu\n", log->problem[0] ? log->problem : "(unnamed)",
           log->dim);
    show_bounds(log);
    printf("backend      %s%s%s%s\n", log->backend, log->device[0] ? " (" : "", log->device,
           log->device[0] ? ")" : "");
    printf("seed         %llu\n", (unsigned long long)log->seed);
    printf("started      %s", log->start_time);
    if (log->n_resumes > 0)
        printf(" (resumed from a checkpoint %lld time%s)", (long long)log->n_resumes,
               log->n_resumes == 1 ? "" : "s");
    printf("\n");
    for (size_t i = 0; i < log->n_options; ++i)
        printf("%-12s %s = %s\n", i == 0 ? "options" : "", log->option_keys[i],
               log->option_values[i]);
}

static void show_point(const double *x, size_t dim)
{
    printf("best point   [");
    for (size_t i = 0; i < dim; ++i) {
        if (dim > POINT_ALL && i == POINT_HEAD) {
            printf(", ...");
            i = dim - POINT_TAIL;
        }
        printf("%s%.10g", i ? ", " : "", x[i]);
    }
    printf("]\n");
}

static void show_outcome(const gpuopt_log_data *log)
{
    size_t last = log->n_records - 1;
    if (log->finished)
        printf("stop reason  %s: %s (at %s)\n", log->stop_reason, log->stop_message,
               log->end_time);
    else
        printf("stop reason  none recorded: the run is going on, or was killed (last record: "
               "iteration %lld)\n", log->n_records ? (long long)log->iteration[last] : 0LL);
    if (log->n_records == 0 && !log->finished) {
        printf("records      none yet\n");
        return;
    }
    double f = log->finished ? log->final_f : log->best_f[last];
    int64_t evals = log->finished ? log->final_evaluations : log->n_evaluations[last];
    int64_t iters = log->finished ? log->final_iterations : log->iteration[last];
    double secs = log->finished ? log->wall_time : log->elapsed[last];
    printf("best value   %.17g\n", f);
    show_point(log->finished ? log->final_x : log->best_x + last * log->dim, log->dim);
    printf("evaluations  %lld in %lld iterations\n", (long long)evals, (long long)iters);
    if (log->n_records && log->restart[last] > 0)
        printf("restarts     %lld\n", (long long)log->restart[last]);
    printf("time         %.3f s", secs);
    if (secs > 0)
        printf(" (%.*f evaluations/s)", (double)evals / secs >= 100 ? 0 : 2, (double)evals / secs);
    printf("\n");
}

static int column_width(const char *key)
{
    size_t n = strlen(key);
    return n > 12 ? (int)n : 12;
}

static void show_milestones(const gpuopt_log_data *log)
{
    size_t rows[7], n = milestones(log, rows);
    size_t n_report = log->n_report < MAX_REPORT_COLUMNS ? log->n_report : MAX_REPORT_COLUMNS;
    if (n == 0)
        return;
    printf("\nmilestones (by share of the evaluations)\n");
    printf("  %-5s %10s %12s %10s  %17s %17s", "share", "iteration", "evaluations", "time (s)",
           "best value", "current value");
    for (size_t k = 0; k < n_report; ++k)
        printf("  %*s", column_width(log->report_keys[k]), log->report_keys[k]);
    printf("\n");
    double total = (double)log->n_evaluations[log->n_records - 1];
    for (size_t r = 0; r < n; ++r) {
        size_t i = rows[r];
        char share[16];
        double part = total > 0 ? (double)log->n_evaluations[i] / total : 1.0;
        snprintf(share, sizeof share, "%.0f%%", 100.0 * part);
        printf("  %-5s %10lld %12lld %10.3f  %17.10g %17.10g", share,
               (long long)log->iteration[i], (long long)log->n_evaluations[i], log->elapsed[i],
               log->best_f[i], log->iteration_f[i]);
        for (size_t k = 0; k < n_report; ++k)
            printf("  %*.6g", column_width(log->report_keys[k]),
                   log->report[i * log->n_report + k]);
        printf("\n");
    }
}

static int log_show(int argc, char **argv)
{
    if (argc != 1)
        return cli_fail(CLI_EXIT_USAGE,
                        "log show needs exactly one FILE (see 'gpuopt log --help')");
    gpuopt_log_data *log = NULL;
    int rc = read_log(argv[0], &log);
    if (rc != CLI_EXIT_OK)
        return rc;
    show_setup(argv[0], log);
    printf("\n");
    show_outcome(log);
    show_milestones(log);
    gpuopt_log_data_free(&log);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_fail(CLI_EXIT_RUNTIME, "cannot write to stdout");
    return CLI_EXIT_OK;
}

/* ----------------------------------------------------------------- plot */

enum { P_OUTPUT, P_OUTPUT_SHORT, P_PARAMS };
static const cli_flag plot_flags[] = {
    [P_OUTPUT] = {"--output", 1}, [P_OUTPUT_SHORT] = {"-o", 1}, [P_PARAMS] = {"--params", 0}};

static int log_plot(int argc, char **argv)
{
    cli_scanner sc = {argc, argv, 0, "log plot"};
    const char *file = NULL, *output = NULL, *value = NULL;
    int params = 0;
    for (int flag; (flag = cli_scan_next(&sc, plot_flags, 3, &value)) != CLI_SCAN_END;) {
        if (flag == CLI_SCAN_HELP) {
            cli_help_log();
            return CLI_EXIT_OK;
        }
        if (flag == CLI_SCAN_ERROR)
            return CLI_EXIT_USAGE;
        if (flag == CLI_SCAN_POSITIONAL && file != NULL)
            return cli_fail(CLI_EXIT_USAGE, "log plot takes one FILE; '%s' is a second", value);
        if (flag == CLI_SCAN_POSITIONAL)
            file = value;
        else if (flag == P_PARAMS)
            params = 1;
        else
            output = value;
    }
    if (file == NULL || output == NULL)
        return cli_fail(CLI_EXIT_USAGE, "log plot needs FILE and -o PATH.svg|PATH.png");
    if (!cli_plot_available())
        return cli_fail(CLI_EXIT_USAGE, "%s", "this gpuopt was built without cairo, so it "
                        "cannot draw plots (install cairo, e.g. Debian's libcairo2-dev, and "
                        "rebuild)");
    gpuopt_log_data *log = NULL;
    int rc = read_log(file, &log);
    if (rc != CLI_EXIT_OK)
        return rc;
    char err[512];
    int drawn = params ? cli_plot_params(log, output, err, sizeof err)
                       : cli_plot_criterion(log, output, err, sizeof err);
    gpuopt_log_data_free(&log);
    return drawn == 0 ? CLI_EXIT_OK : cli_fail(CLI_EXIT_RUNTIME, "log plot: %s", err);
}

/* --------------------------------------------------------------- dispatch */

int cli_cmd_log(int argc, char **argv)
{
    if (argc == 0)
        return cli_fail(CLI_EXIT_USAGE, "log needs a subcommand: show or plot (see 'gpuopt log "
                        "--help')");
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        cli_help_log();
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[0], "show") == 0) {
        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            cli_help_log();
            return CLI_EXIT_OK;
        }
        return log_show(argc - 1, argv + 1);
    }
    if (strcmp(argv[0], "plot") == 0)
        return log_plot(argc - 1, argv + 1);
    return cli_fail(CLI_EXIT_USAGE, "unknown log subcommand '%s' (subcommands: show, plot)",
                    argv[0]);
}
