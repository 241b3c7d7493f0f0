/* Plot axes for `gpuopt log plot`: the range, "nice" tick positions and their labels, on a
 * linear or a base-10 logarithmic scale. No drawing here (see log_plot.c). */
#ifndef GPUOPT_CLI_PLOT_AXIS_H
#define GPUOPT_CLI_PLOT_AXIS_H

#include <stddef.h>

#define PLOT_MAX_TICKS 24
#define PLOT_MAX_MINOR 200

typedef struct plot_axis {
    int log;                      /* 1: base-10 logarithmic */
    double lo, hi;                /* the axis range, in data units */
    size_t n_ticks;
    double ticks[PLOT_MAX_TICKS]; /* major ticks, in data units */
    char labels[PLOT_MAX_TICKS][24];
    int exponents[PLOT_MAX_TICKS]; /* log axes: the tick is 10^exponent */
    size_t n_minor;
    double minor[PLOT_MAX_MINOR];
} plot_axis;

/* A linear axis over [min, max] widened by pad times its length on both sides (and widened
 * when min == max), with ticks at multiples of 1, 2 or 5 times a power of ten inside. */
void plot_axis_linear(plot_axis *a, double min, double max, double pad);
/* A log axis over [min, max] (both > 0) widened by pad times its decades on both sides, with
 * ticks at the powers of ten inside (whole decades when fewer than two would show) and minor
 * ticks at 2..9 times them. */
void plot_axis_log(plot_axis *a, double min, double max, double pad);
/* The position of v on the axis, 0 at lo and 1 at hi. */
double plot_axis_position(const plot_axis *a, double v);

/* 1 when a log scale suits the values: the finite positive ones span at least two decades and
 * none is negative (zeros are then left out of the picture). */
int plot_wants_log(const double *values, size_t n);
/* The finite values' range (positive ones only when positive_only); 0 when there is none. */
int plot_range(const double *values, size_t n, int positive_only, double *min, double *max);

#endif /* GPUOPT_CLI_PLOT_AXIS_H */
