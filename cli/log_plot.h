/* `gpuopt log plot`: the criterion plot and the parameter plot of a run log, drawn with cairo
 * into an SVG or PNG file (chosen by the file name's extension). */
#ifndef GPUOPT_CLI_LOG_PLOT_H
#define GPUOPT_CLI_LOG_PLOT_H

#include <stddef.h>

#include "gpuopt.h"

/* 1 when this gpuopt was built with cairo (plots available). */
int cli_plot_available(void);

/* Best value so far and the current (iteration's best) value against evaluations, log scale
 * where the values suit it, restarts marked. 0, or -1 with the reason in err. */
int cli_plot_criterion(const gpuopt_log_data *log, const char *path, char *err, size_t err_len);

/* The coordinates of the best point against evaluations (the first 10 when there are more). */
int cli_plot_params(const gpuopt_log_data *log, const char *path, char *err, size_t err_len);

#endif /* GPUOPT_CLI_LOG_PLOT_H */
