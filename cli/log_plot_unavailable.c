/* `gpuopt log plot` in a build without cairo: says what is missing. */
#include <stdio.h>

#include "log_plot.h"

#define NO_CAIRO "this gpuopt was built without cairo, so it cannot draw plots (install " \
                 "cairo, e.g. Debian's libcairo2-dev, and rebuild)"

int cli_plot_available(void)
{
    return 0;
}

int cli_plot_criterion(const gpuopt_log_data *log, const char *path, char *err, size_t err_len)
{
    (void)log;
    (void)path;
    snprintf(err, err_len, NO_CAIRO);
    return -1;
}

int cli_plot_params(const gpuopt_log_data *log, const char *path, char *err, size_t err_len)
{
    (void)log;
    (void)path;
    snprintf(err, err_len, NO_CAIRO);
    return -1;
}
