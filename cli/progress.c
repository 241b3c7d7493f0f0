/* Progress bar: "[#####-----]  42.0%  best 1.2345e-05  12.3k eval/s  ETA 3.2s". */
#include <math.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>

#include "progress.h"

#define BAR_WIDTH 24
#define REDRAW_INTERVAL_S 0.1
#define DEFAULT_WIDTH 80

static int terminal_width(FILE *out)
{
#if defined(TIOCGWINSZ)
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
#else
    (void)out;
#endif
    return DEFAULT_WIDTH;
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *pb, FILE *out, int enabled, volatile sig_atomic_t *interrupted)
{
    pb->out = out;
    pb->enabled = enabled;
    pb->drawn = 0;
    pb->width = enabled ? terminal_width(out) : DEFAULT_WIDTH;
    pb->start_s = monotonic_seconds();
    pb->last_draw_s = pb->start_s;
    pb->interrupted = interrupted;
}

const char *cli_format_duration(double s, char *buf, size_t len)
{
    if (!(s >= 0.0) || s > 999.0 * 86400.0)
        snprintf(buf, len, ">999d");
    else if (s < 60.0)
        snprintf(buf, len, "%.1fs", s);
    else if (s < 3600.0)
        snprintf(buf, len, "%dm%02ds", (int)(s / 60.0), (int)fmod(s, 60.0));
    else if (s < 86400.0)
        snprintf(buf, len, "%dh%02dm", (int)(s / 3600.0), (int)fmod(s / 60.0, 60.0));
    else
        snprintf(buf, len, "%dd%02dh", (int)(s / 86400.0), (int)fmod(s / 3600.0, 24.0));
    return buf;
}

const char *cli_format_count(double v, char *buf, size_t len)
{
    static const char suffix[] = {'k', 'M', 'G', 'T', 'P'};
    if (!isfinite(v) || v < 1000.0) {
        snprintf(buf, len, "%.0f", isfinite(v) ? v : 0.0);
        return buf;
    }
    size_t i = 0;
    v /= 1000.0;
    while (v >= 999.95 && i + 1 < sizeof suffix) {
        v /= 1000.0;
        ++i;
    }
    snprintf(buf, len, v < 99.95 ? "%.1f%c" : "%.0f%c", v, suffix[i]);
    return buf;
}

static double budget_fraction(int64_t used, int64_t budget)
{
    if (budget <= 0)
        return -1.0;
    double f = (double)used / (double)budget;
    return f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
}

double cli_progress_fraction(const gpuopt_progress *p)
{
    double fi = budget_fraction(p->n_iterations, p->max_iterations);
    double fe = budget_fraction(p->n_evaluations, p->max_evaluations);
    return fi > fe ? fi : fe;
}

/* "[####------]  42.0%  " or "iter 1234  " when there is no budget. */
static int format_head(char *buf, size_t len, const gpuopt_progress *p, double frac)
{
    if (frac < 0.0)
        return snprintf(buf, len, "iter %lld  ", (long long)p->n_iterations);
    char bar[BAR_WIDTH + 1];
    int filled = (int)(frac * BAR_WIDTH + 0.5);
    for (int i = 0; i < BAR_WIDTH; ++i)
        bar[i] = i < filled ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    return snprintf(buf, len, "[%s] %5.1f%%  ", bar, 100.0 * frac);
}

static void draw(cli_progress *pb, const gpuopt_progress *p, double now)
{
    double elapsed = p->elapsed_s > 0.0 ? p->elapsed_s : now - pb->start_s;
    double rate = elapsed > 0.0 ? (double)p->n_evaluations / elapsed : 0.0;
    double frac = cli_progress_fraction(p);
    char line[160], rate_text[32], eta_text[32];
    int n = format_head(line, sizeof line, p, frac);
    size_t used = n > 0 ? (size_t)n : 0;
    cli_format_count(rate, rate_text, sizeof rate_text);
    n = snprintf(line + used, sizeof line - used, "best %.6g  %s eval/s", p->best_f, rate_text);
    used += n > 0 ? (size_t)n : 0;
    if (frac > 0.0 && used < sizeof line) {
        cli_format_duration(elapsed * (1.0 - frac) / frac, eta_text, sizeof eta_text);
        snprintf(line + used, sizeof line - used, "  ETA %s", eta_text);
    }
    if (pb->width - 1 < (int)sizeof line)
        line[pb->width - 1] = '\0';
    /* carriage return, the line, then erase whatever an older, longer line left */
    fprintf(pb->out, "\r%s\033[K", line);
    fflush(pb->out);
    pb->drawn = 1;
    pb->last_draw_s = now;
}

int cli_progress_update(const gpuopt_progress *progress, void *user)
{
    cli_progress *pb = user;
    if (pb->enabled && progress != NULL) {
        double now = monotonic_seconds();
        if (now - pb->last_draw_s >= REDRAW_INTERVAL_S)
            draw(pb, progress, now);
    }
    return pb->interrupted != NULL && *pb->interrupted ? 1 : 0;
}

void cli_progress_clear(cli_progress *pb)
{
    if (pb->enabled && pb->drawn) {
        fputs("\r\033[K", pb->out);
        fflush(pb->out);
        pb->drawn = 0;
    }
}
