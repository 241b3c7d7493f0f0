/* Plot axes: ranges, nice ticks and labels (see plot_axis.h). */
#include "plot_axis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The smallest of 1, 2, 5 (times 10^k) that is >= raw. */
static double nice_step(double raw)
{
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 5.0 ? 5.0 : 10.0) * p;
}

static void format_linear(char *buf, size_t len, double v, double step)
{
    if (fabs(v) < step * 1e-9)
        v = 0; /* no "-0" or "1e-17" at zero */
    double mag = fmax(fabs(v), step);
    if (mag >= 1e6 || mag < 1e-4) {
        snprintf(buf, len, "%.3g", v);
        return;
    }
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, len, "%.*f", decimals, v);
}

void plot_axis_linear(plot_axis *a, double min, double max, double pad)
{
    memset(a, 0, sizeof *a);
    if (!(max > min)) {
        double widen = fabs(min) > 0 ? fabs(min) * 0.1 : 1.0;
        min -= widen;
        max += widen;
    }
    double step = nice_step((max - min) / 6.0);
    a->lo = min - pad * (max - min);
    a->hi = max + pad * (max - min);
    for (double t = ceil(a->lo / step - 1e-9) * step;
         t <= a->hi + step * 1e-9 && a->n_ticks < PLOT_MAX_TICKS; t += step) {
        a->ticks[a->n_ticks] = t;
        format_linear(a->labels[a->n_ticks], sizeof a->labels[0], t, step);
        ++a->n_ticks;
    }
}

static void add_minor(plot_axis *a, int e)
{
    for (int m = 2; m <= 9 && a->n_minor < PLOT_MAX_MINOR; ++m) {
        double v = m * pow(10.0, e);
        if (v >= a->lo && v <= a->hi)
            a->minor[a->n_minor++] = v;
    }
}

/* Decade ticks inside [lo, hi], every stride-th decade so that there are at most 10. */
static void decade_ticks(plot_axis *a)
{
    int e_lo = (int)ceil(log10(a->lo) - 1e-9), e_hi = (int)floor(log10(a->hi) + 1e-9);
    int stride = 1;
    while ((e_hi - e_lo) / stride + 1 > 10)
        ++stride;
    int first = (int)ceil((double)e_lo / stride) * stride;
    for (int e = first; e <= e_hi && a->n_ticks < PLOT_MAX_TICKS; e += stride) {
        a->ticks[a->n_ticks] = pow(10.0, e);
        a->exponents[a->n_ticks] = e;
        snprintf(a->labels[a->n_ticks], sizeof a->labels[0], "1e%d", e);
        ++a->n_ticks;
    }
    for (int e = e_lo - 1; stride == 1 && e <= e_hi && e_hi - e_lo <= 6; ++e)
        add_minor(a, e);
}

void plot_axis_log(plot_axis *a, double min, double max, double pad)
{
    memset(a, 0, sizeof *a);
    a->log = 1;
    double decades = log10(max) - log10(min);
    a->lo = min / pow(10.0, pad * decades);
    a->hi = max * pow(10.0, pad * decades);
    decade_ticks(a);
    if (a->n_ticks >= 2)
        return;
    /* less than two decades inside: widen to whole decades */
    a->lo = pow(10.0, floor(log10(min) + 1e-12));
    a->hi = pow(10.0, ceil(log10(max) - 1e-12));
    if (a->hi <= a->lo)
        a->hi = a->lo * 10;
    a->n_ticks = a->n_minor = 0;
    decade_ticks(a);
}

double plot_axis_position(const plot_axis *a, double v)
{
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

int plot_range(const double *values, size_t n, int positive_only, double *min, double *max)
{
    int any = 0;
    for (size_t i = 0; i < n; ++i) {
        double v = values[i];
        if (!isfinite(v) || (positive_only && v <= 0))
            continue;
        if (!any || v < *min)
            *min = v;
        if (!any || v > *max)
            *max = v;
        any = 1;
    }
    return any;
}

int plot_wants_log(const double *values, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (values[i] < 0)
            return 0;
    double lo = 0, hi = 0;
    return plot_range(values, n, 1, &lo, &hi) && hi >= 100.0 * lo;
}
