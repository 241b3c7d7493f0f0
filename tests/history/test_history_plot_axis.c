/* Plot axes of `gpuopt log plot` (cli/plot_axis.c): nice linear ticks inside the padded range,
 * decade ticks on log axes, the choice of a log scale. */
#include <math.h>

#include "tests/check.h"
#include "cli/plot_axis.h"

static int ticks_inside(const plot_axis *a)
{
    for (size_t i = 0; i < a->n_ticks; ++i)
        if (a->ticks[i] < a->lo - 1e-12 || a->ticks[i] > a->hi + 1e-12)
            return 0;
    return 1;
}

static void test_linear(void)
{
    plot_axis a;
    plot_axis_linear(&a, 0, 2370, 0.02);
    CHECK(a.lo < 0 && a.hi > 2370 && a.n_ticks == 5 && ticks_inside(&a));
    CHECK(strcmp(a.labels[0], "0") == 0 && strcmp(a.labels[4], "2000") == 0);
    plot_axis_linear(&a, -2.07, 4.17, 0.04);
    CHECK(a.n_ticks >= 4 && a.n_ticks <= 10 && ticks_inside(&a));
    CHECK(strcmp(a.labels[0], "-2") == 0);
    plot_axis_linear(&a, 0.0012, 0.0031, 0);
    CHECK(a.n_ticks >= 3 && ticks_inside(&a) && strcmp(a.labels[0], "0.0015") == 0);
    plot_axis_linear(&a, 5, 5, 0); /* a constant: widened */
    CHECK(a.lo < 5 && a.hi > 5 && a.n_ticks >= 2);
    plot_axis_linear(&a, 0, 3e7, 0);
    CHECK(strcmp(a.labels[1], "5e+06") == 0);
    CHECK(fabs(plot_axis_position(&a, 1.5e7) - 0.5) < 1e-12);
}

static void test_log(void)
{
    plot_axis a;
    plot_axis_log(&a, 1.04, 130, 0.04);
    CHECK(a.log && a.lo < 1.04 && a.hi > 130 && a.n_ticks == 3);
    CHECK(a.exponents[0] == 0 && a.exponents[2] == 2 && ticks_inside(&a));
    CHECK(a.n_minor > 10);
    plot_axis_log(&a, 1e-30, 1e10, 0);
    CHECK(a.n_ticks >= 5 && a.n_ticks <= 11 && a.n_minor == 0);
    plot_axis_log(&a, 2, 30, 0.01); /* one decade inside: whole decades */
    CHECK(a.lo == 1 && a.hi == 100 && a.n_ticks == 3);
    CHECK(fabs(plot_axis_position(&a, 10) - 0.5) < 1e-12);
}

static void test_scale_choice(void)
{
    double decades[] = {1000, 50, 3, 0.2, 0.01};
    double narrow[] = {5, 4, 3};
    double negative[] = {100, 1, -0.5};
    double zeros[] = {1e4, 1, 0, 0};
    CHECK(plot_wants_log(decades, 5));
    CHECK(!plot_wants_log(narrow, 3));
    CHECK(!plot_wants_log(negative, 3));
    CHECK(plot_wants_log(zeros, 4));
    double lo = 0, hi = 0;
    double mixed[] = {NAN, 3, INFINITY, -1, 7};
    CHECK(plot_range(mixed, 5, 0, &lo, &hi) && lo == -1 && hi == 7);
    CHECK(plot_range(mixed, 5, 1, &lo, &hi) && lo == 3 && hi == 7);
    CHECK(!plot_range(mixed, 1, 0, &lo, &hi));
}

int main(void)
{
    test_linear();
    test_log();
    test_scale_choice();
    return check_finish();
}
