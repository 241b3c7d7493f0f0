/* `gpuopt log plot` with cairo: a figure with a title, a subtitle, one plot area with grid,
 * ticks and axis labels, series as lines, steps or dots, restart markers and a legend. */
#include "log_plot.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot_axis.h"

#define PI 3.14159265358979323846

#define FIG_W 1000.0
#define FIG_H 600.0
#define PNG_SCALE 1.5
#define MARGIN_L 96.0
#define MARGIN_R_MIN 60.0
#define MARGIN_T 80.0
#define MARGIN_B 66.0
#define MAX_SERIES 12
#define MAX_PARAMS 10
#define FONT "DejaVu Sans"

typedef enum { STYLE_LINE, STYLE_STEPS, STYLE_DOTS } series_style;

typedef struct plot_series {
    char label[48];
    const double *x, *y;
    size_t n;
    double rgb[3], alpha, width;
    series_style style;
} plot_series;

typedef struct figure {
    char title[256], subtitle[320], x_label[64], y_label[96], note[160];
    plot_axis xa, ya;
    plot_series series[MAX_SERIES];
    size_t n_series;
    const double *marks; /* x positions of vertical markers (restarts) */
    size_t n_marks;
    cairo_t *cr;
    double px, py, pw, ph; /* the plot area */
} figure;

/* Tableau 10: distinct and readable on white. */
static const double palette[10][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
    {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812},
};

int cli_plot_available(void)
{
    return 1;
}

/* ------------------------------------------------------------------ text */

static void font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Draws s with its anchor at (x, y): ax = 0 left, 0.5 centre, 1 right; ay likewise from the
 * baseline up (0 baseline, 0.5 middle of capitals). */
static void text_at(cairo_t *cr, const char *s, double x, double y, double ax, double ay)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_move_to(cr, x - ax * text_width(cr, s), y + ay * fe.ascent * 0.72);
    cairo_show_text(cr, s);
}

/* A number label with a typographic minus sign (U+2212) for a leading '-'. */
static void number_at(cairo_t *cr, const char *s, double x, double y, double ax, double ay)
{
    char buf[40];
    if (s[0] == '-')
        snprintf(buf, sizeof buf, "\xe2\x88\x92%s", s + 1);
    else
        snprintf(buf, sizeof buf, "%s", s);
    text_at(cr, buf, x, y, ax, ay);
}

/* "10" with a raised exponent, right-aligned at x (y axis) or centred (x axis). */
static void power_label(cairo_t *cr, int exponent, double x, double y, double ax)
{
    char e[16];
    snprintf(e, sizeof e, "%s%d", exponent < 0 ? "\xe2\x88\x92" : "", abs(exponent));
    double base_w = text_width(cr, "10");
    font(cr, 9, 0);
    double exp_w = text_width(cr, e);
    font(cr, 12, 0);
    double left = x - ax * (base_w + exp_w);
    text_at(cr, "10", left, y, 0, 0.5);
    font(cr, 9, 0);
    text_at(cr, e, left + base_w + 0.5, y - 6, 0, 0.5);
    font(cr, 12, 0);
}

/* --------------------------------------------------------------- mapping */

static double map_x(const figure *f, double v)
{
    return f->px + plot_axis_position(&f->xa, v) * f->pw;
}

static double map_y(const figure *f, double v)
{
    return f->py + f->ph - plot_axis_position(&f->ya, v) * f->ph;
}

static int drawable(const figure *f, double v)
{
    return isfinite(v) && (!f->ya.log || v > 0);
}

/* -------------------------------------------------------------- the frame */

static void draw_grid(figure *f)
{
    cairo_t *cr = f->cr;
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
    for (size_t i = 0; i < f->ya.n_minor; ++i) {
        double y = round(map_y(f, f->ya.minor[i])) + 0.5;
        cairo_move_to(cr, f->px, y);
        cairo_line_to(cr, f->px + f->pw, y);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.86, 0.86, 0.86);
    for (size_t i = 0; i < f->ya.n_ticks; ++i) {
        double y = round(map_y(f, f->ya.ticks[i])) + 0.5;
        cairo_move_to(cr, f->px, y);
        cairo_line_to(cr, f->px + f->pw, y);
    }
    for (size_t i = 0; i < f->xa.n_ticks; ++i) {
        double x = round(map_x(f, f->xa.ticks[i])) + 0.5;
        cairo_move_to(cr, x, f->py);
        cairo_line_to(cr, x, f->py + f->ph);
    }
    cairo_stroke(cr);
}

static void draw_ticks(figure *f)
{
    cairo_t *cr = f->cr;
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1);
    font(cr, 12, 0);
    double bottom = f->py + f->ph;
    for (size_t i = 0; i < f->xa.n_ticks; ++i) {
        double x = round(map_x(f, f->xa.ticks[i])) + 0.5;
        cairo_move_to(cr, x, bottom);
        cairo_line_to(cr, x, bottom + 5);
        number_at(cr, f->xa.labels[i], x, bottom + 20, 0.5, 0);
    }
    for (size_t i = 0; i < f->ya.n_ticks; ++i) {
        double y = round(map_y(f, f->ya.ticks[i])) + 0.5;
        cairo_move_to(cr, f->px - 5, y);
        cairo_line_to(cr, f->px, y);
        if (f->ya.log)
            power_label(cr, f->ya.exponents[i], f->px - 9, y, 1);
        else
            number_at(cr, f->ya.labels[i], f->px - 9, y, 1, 0.5);
    }
    cairo_stroke(cr);
    cairo_rectangle(cr, f->px + 0.5, f->py + 0.5, f->pw, f->ph);
    cairo_stroke(cr);
}

static void draw_labels(figure *f)
{
    cairo_t *cr = f->cr;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    font(cr, 19, 1);
    text_at(cr, f->title, f->px, 34, 0, 0);
    font(cr, 13, 0);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    text_at(cr, f->subtitle, f->px, 56, 0, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    font(cr, 14, 0);
    text_at(cr, f->x_label, f->px + f->pw / 2, FIG_H - 18, 0.5, 0);
    cairo_save(cr);
    cairo_translate(cr, 26, f->py + f->ph / 2);
    cairo_rotate(cr, -PI / 2);
    text_at(cr, f->y_label, 0, 0, 0.5, 0.5);
    cairo_restore(cr);
    if (f->note[0]) {
        font(cr, 11, 0);
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        text_at(cr, f->note, FIG_W - 12, FIG_H - 18, 1, 0);
    }
}

/* ---------------------------------------------------------------- series */

static void trace_series(figure *f, const plot_series *s)
{
    cairo_t *cr = f->cr;
    int pen_down = 0;
    double last_y = 0;
    for (size_t i = 0; i < s->n; ++i) {
        if (!drawable(f, s->y[i])) {
            pen_down = 0;
            continue;
        }
        double x = map_x(f, s->x[i]), y = map_y(f, s->y[i]);
        if (!pen_down)
            cairo_move_to(cr, x, y);
        else if (s->style == STYLE_STEPS)
            cairo_line_to(cr, x, last_y);
        if (pen_down)
            cairo_line_to(cr, x, y);
        pen_down = 1;
        last_y = y;
    }
    cairo_stroke(cr);
}

static void dot_series(figure *f, const plot_series *s)
{
    cairo_t *cr = f->cr;
    size_t stride = s->n > 40000 ? s->n / 40000 + 1 : 1;
    for (size_t i = 0; i < s->n; i += stride) {
        if (!drawable(f, s->y[i]))
            continue;
        cairo_new_sub_path(cr);
        cairo_arc(cr, map_x(f, s->x[i]), map_y(f, s->y[i]), s->width, 0, 2 * PI);
    }
    cairo_fill(cr);
}

static void draw_marks(figure *f)
{
    cairo_t *cr = f->cr;
    double dash[] = {6, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgba(cr, 0.45, 0.45, 0.45, 0.9);
    cairo_set_line_width(cr, 1.2);
    for (size_t i = 0; i < f->n_marks; ++i) {
        double x = round(map_x(f, f->marks[i])) + 0.5;
        cairo_move_to(cr, x, f->py);
        cairo_line_to(cr, x, f->py + f->ph);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void draw_series(figure *f)
{
    cairo_t *cr = f->cr;
    cairo_save(cr);
    cairo_rectangle(cr, f->px, f->py, f->pw, f->ph);
    cairo_clip(cr);
    draw_marks(f);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t k = 0; k < f->n_series; ++k) {
        const plot_series *s = &f->series[k];
        cairo_set_source_rgba(cr, s->rgb[0], s->rgb[1], s->rgb[2], s->alpha);
        cairo_set_line_width(cr, s->width);
        if (s->style == STYLE_DOTS)
            dot_series(f, s);
        else
            trace_series(f, s);
    }
    cairo_restore(cr);
}

static void legend_sample(cairo_t *cr, const plot_series *s, double x, double y)
{
    cairo_set_source_rgba(cr, s->rgb[0], s->rgb[1], s->rgb[2], s->alpha < 0.6 ? 0.8 : s->alpha);
    if (s->style == STYLE_DOTS) {
        cairo_arc(cr, x + 14, y, 3, 0, 2 * PI);
        cairo_fill(cr);
        return;
    }
    cairo_set_line_width(cr, s->width < 1.5 ? 1.5 : s->width);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 28, y);
    cairo_stroke(cr);
}

/* The room the legend needs right of the plot area. */
static double legend_width(figure *f)
{
    font(f->cr, 13, 0);
    double w = f->n_marks ? text_width(f->cr, "restart") : 0;
    for (size_t k = 0; k < f->n_series; ++k) {
        double t = text_width(f->cr, f->series[k].label);
        w = t > w ? t : w;
    }
    w += 18 + 36 + 16;
    return w > MARGIN_R_MIN ? w : MARGIN_R_MIN;
}

static void draw_legend(figure *f)
{
    cairo_t *cr = f->cr;
    double x = f->px + f->pw + 18, y = f->py + 12;
    font(cr, 13, 0);
    for (size_t k = 0; k < f->n_series; ++k, y += 22) {
        legend_sample(cr, &f->series[k], x, y);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, f->series[k].label, x + 36, y, 0, 0.5);
    }
    if (f->n_marks) {
        double dash[] = {6, 4};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 1.2);
        cairo_move_to(cr, x + 14, y - 8);
        cairo_line_to(cr, x + 14, y + 8);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, "restart", x + 36, y, 0, 0.5);
    }
}

/* ----------------------------------------------------------------- output */

static void draw_figure(figure *f)
{
    cairo_set_source_rgb(f->cr, 1, 1, 1);
    cairo_paint(f->cr);
    f->px = MARGIN_L;
    f->py = MARGIN_T;
    f->pw = FIG_W - MARGIN_L - legend_width(f);
    f->ph = FIG_H - MARGIN_T - MARGIN_B;
    draw_grid(f);
    draw_series(f);
    draw_ticks(f);
    draw_labels(f);
    draw_legend(f);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int surface_failed(cairo_surface_t *s, const char *path, char *err, size_t len)
{
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        return 0;
    snprintf(err, len, "cannot write plot '%s': %s", path, cairo_status_to_string(st));
    return -1;
}

static int render(figure *f, const char *path, char *err, size_t len)
{
    int png = ends_with(path, ".png");
    cairo_surface_t *s = png ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                          (int)(FIG_W * PNG_SCALE),
                                                          (int)(FIG_H * PNG_SCALE))
                             : cairo_svg_surface_create(path, FIG_W, FIG_H);
    if (surface_failed(s, path, err, len)) {
        cairo_surface_destroy(s);
        return -1;
    }
    f->cr = cairo_create(s);
    if (png)
        cairo_scale(f->cr, PNG_SCALE, PNG_SCALE);
    draw_figure(f);
    cairo_destroy(f->cr);
    cairo_status_t st = png ? cairo_surface_write_to_png(s, path) : CAIRO_STATUS_SUCCESS;
    cairo_surface_finish(s);
    int rc = st != CAIRO_STATUS_SUCCESS ? -1 : surface_failed(s, path, err, len);
    if (st != CAIRO_STATUS_SUCCESS)
        snprintf(err, len, "cannot write plot '%s': %s", path, cairo_status_to_string(st));
    cairo_surface_destroy(s);
    cairo_debug_reset_static_data(); /* cairo's font caches: the plot is the program's last use */
    return rc;
}

static int check_output(const gpuopt_log_data *log, const char *path, char *err, size_t len)
{
    if (!ends_with(path, ".png") && !ends_with(path, ".svg")) {
        snprintf(err, len, "the plot file '%s' must end in .png or .svg", path);
        return -1;
    }
    if (log->n_records == 0) {
        snprintf(err, len, "the log has no iteration records yet: nothing to plot");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ the figures */

static void describe_run(figure *f, const gpuopt_log_data *log, const char *what)
{
    snprintf(f->title, sizeof f->title, "%s on %s (dimension %zu): %s", log->algorithm,
             log->problem[0] ? log->problem : "user problem", log->dim, what);
    int64_t evals = log->n_evaluations[log->n_records - 1];
    char end[96];
    if (log->finished)
        snprintf(end, sizeof end, "stop: %s", log->stop_reason);
    else
        snprintf(end, sizeof end, "not finished (running, or killed)");
    snprintf(f->subtitle, sizeof f->subtitle,
             "seed %llu  \xc2\xb7  backend %s  \xc2\xb7  %lld iterations, %lld evaluations  "
             "\xc2\xb7  %s",
             (unsigned long long)log->seed, log->backend,
             (long long)log->iteration[log->n_records - 1], (long long)evals, end);
    snprintf(f->x_label, sizeof f->x_label, "criterion evaluations");
}

static plot_series *add_series(figure *f, const char *label, const double *x, const double *y,
                               size_t n, const double rgb[3])
{
    plot_series *s = &f->series[f->n_series++];
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s", label);
    s->x = x;
    s->y = y;
    s->n = n;
    memcpy(s->rgb, rgb, sizeof s->rgb);
    s->alpha = 1;
    s->width = 2;
    s->style = STYLE_LINE;
    return s;
}

/* The y axis for all series' values (log scale where they suit it and allow_log). */
static void fit_y(figure *f, const double *all, size_t n, int allow_log)
{
    double lo = 0, hi = 1;
    if (allow_log && plot_wants_log(all, n)) {
        plot_range(all, n, 1, &lo, &hi);
        plot_axis_log(&f->ya, lo, hi, 0.04);
        int zeros = 0;
        for (size_t i = 0; i < n; ++i)
            zeros |= all[i] == 0;
        if (zeros)
            snprintf(f->note, sizeof f->note, "values of 0 are not shown on the log scale");
    } else {
        plot_range(all, n, 0, &lo, &hi);
        plot_axis_linear(&f->ya, lo, hi, 0.04);
    }
}

static void fit_x(figure *f, const double *x, size_t n)
{
    double lo = 0, hi = 1;
    plot_range(x, n, 0, &lo, &hi);
    plot_axis_linear(&f->xa, lo < 0 ? lo : 0, hi, 0.02);
}

typedef struct columns {
    double *x, *best, *current, *eval_x, *marks, *all;
    size_t n_all, n_marks;
} columns;

static void free_columns(columns *c)
{
    free(c->x);
    free(c->best);
    free(c->current);
    free(c->eval_x);
    free(c->marks);
    free(c->all);
}

static int criterion_columns(const gpuopt_log_data *log, columns *c)
{
    size_t n = log->n_records, ne = log->has_evaluations ? log->n_eval_records : 0;
    memset(c, 0, sizeof *c);
    c->x = malloc((n + 1) * sizeof *c->x);
    c->marks = malloc((n + 1) * sizeof *c->marks);
    c->eval_x = malloc((ne + 1) * sizeof *c->eval_x);
    c->all = malloc((2 * n + ne + 1) * sizeof *c->all);
    if (!c->x || !c->marks || !c->eval_x || !c->all)
        return -1;
    for (size_t i = 0; i < n; ++i) {
        c->x[i] = (double)log->n_evaluations[i];
        c->all[c->n_all++] = log->best_f[i];
        c->all[c->n_all++] = log->iteration_f[i];
        if (i > 0 && log->restart[i] != log->restart[i - 1])
            c->marks[c->n_marks++] = c->x[i - 1];
    }
    for (size_t i = 0; i < ne; ++i) {
        c->eval_x[i] = (double)(log->first_evaluation + (int64_t)i + 1);
        c->all[c->n_all++] = log->eval_f[i];
    }
    return 0;
}

static void criterion_series(figure *f, const gpuopt_log_data *log, const columns *c)
{
    static const double gray[3] = {0.55, 0.55, 0.55};
    size_t n = log->n_records;
    if (log->has_evaluations && log->n_eval_records) {
        plot_series *e = add_series(f, "evaluated points", c->eval_x, log->eval_f,
                                    log->n_eval_records, gray);
        e->style = STYLE_DOTS;
        e->alpha = 0.35;
        e->width = 1.3;
    }
    plot_series *cur = add_series(f, "current value", c->x, log->iteration_f, n,
                                  palette[1]);
    cur->width = 1.2;
    cur->alpha = 0.85;
    plot_series *best = add_series(f, "best so far", c->x, log->best_f, n, palette[0]);
    best->style = STYLE_STEPS;
    best->width = 2.4;
}

int cli_plot_criterion(const gpuopt_log_data *log, const char *path, char *err, size_t err_len)
{
    if (check_output(log, path, err, err_len) < 0)
        return -1;
    figure *f = calloc(1, sizeof *f);
    columns c;
    if (!f || criterion_columns(log, &c) < 0) {
        snprintf(err, err_len, "out of memory");
        if (f)
            free_columns(&c);
        free(f);
        return -1;
    }
    describe_run(f, log, "criterion");
    criterion_series(f, log, &c);
    f->marks = c.marks;
    f->n_marks = c.n_marks;
    fit_x(f, c.x, log->n_records);
    if (log->has_evaluations && log->n_eval_records)
        fit_x(f, c.eval_x, log->n_eval_records);
    fit_y(f, c.all, c.n_all, 1);
    snprintf(f->y_label, sizeof f->y_label, "criterion value%s", f->ya.log ? " (log scale)" : "");
    int rc = render(f, path, err, err_len);
    free_columns(&c);
    free(f);
    return rc;
}

/* ------------------------------------------------------------- parameters */

int cli_plot_params(const gpuopt_log_data *log, const char *path, char *err, size_t err_len)
{
    if (check_output(log, path, err, err_len) < 0)
        return -1;
    size_t n = log->n_records, k = log->dim < MAX_PARAMS ? log->dim : MAX_PARAMS;
    figure *f = calloc(1, sizeof *f);
    double *x = malloc((n + 1) * sizeof *x), *cols = malloc((n * k + 1) * sizeof *cols);
    int rc = -1;
    if (f && x && cols) {
        for (size_t i = 0; i < n; ++i) {
            x[i] = (double)log->n_evaluations[i];
            for (size_t j = 0; j < k; ++j)
                cols[j * n + i] = log->best_x[i * log->dim + j];
        }
        describe_run(f, log, "parameters of the best point");
        for (size_t j = 0; j < k; ++j) {
            char label[32];
            snprintf(label, sizeof label, "x[%zu]", j);
            add_series(f, label, x, cols + j * n, n, palette[j])->style = STYLE_STEPS;
        }
        if (log->dim > k)
            snprintf(f->note, sizeof f->note, "the first %zu of %zu parameters", k, log->dim);
        fit_x(f, x, n);
        fit_y(f, cols, n * k, 0);
        snprintf(f->y_label, sizeof f->y_label, "parameter value");
        rc = render(f, path, err, err_len);
    } else {
        snprintf(err, err_len, "out of memory");
    }
    free(x);
    free(cols);
    free(f);
    return rc;
}
