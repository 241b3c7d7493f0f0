/* The Moré–Wild problems (kernels/problems_more_wild.h, suite "more_wild"): all 53 rows of
 * dfo.dat are in the catalogue in order with their n and m, unbounded, least squares; the value
 * at each start point agrees with the published table and with the catalogue's start_value;
 * f* <= f(x0); the value is the sum of the squared residuals; hand-checked residuals and known
 * minima; errors for a wrong dimension, a residual index out of range and a missing minimizer.
 * The OpenCL backend's values are compared in tests/test_opencl_more_wild.c. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"
#include "kernels/problems.h"
#include "src/problems.h"

/* dfo.dat (Moré & Wild 2009; github.com/POptUS/BenDFO data/dfo.dat): function, n, m, ns. */
static const int dfo_dat[GPUOPT_MW_COUNT][4] = {
    {1, 9, 45, 0},   {1, 9, 45, 1},   {2, 7, 35, 0},   {2, 7, 35, 1},   {3, 7, 35, 0},
    {3, 7, 35, 1},   {4, 2, 2, 0},    {4, 2, 2, 1},    {5, 3, 3, 0},    {5, 3, 3, 1},
    {6, 4, 4, 0},    {6, 4, 4, 1},    {7, 2, 2, 0},    {7, 2, 2, 1},    {8, 3, 15, 0},
    {8, 3, 15, 1},   {9, 4, 11, 0},   {10, 3, 16, 0},  {11, 6, 31, 0},  {11, 6, 31, 1},
    {11, 9, 31, 0},  {11, 9, 31, 1},  {11, 12, 31, 0}, {11, 12, 31, 1}, {12, 3, 10, 0},
    {13, 2, 10, 0},  {14, 4, 20, 0},  {14, 4, 20, 1},  {15, 6, 6, 0},   {15, 7, 7, 0},
    {15, 8, 8, 0},   {15, 9, 9, 0},   {15, 10, 10, 0}, {15, 11, 11, 0}, {16, 10, 10, 0},
    {17, 5, 33, 0},  {18, 11, 65, 0}, {18, 11, 65, 1}, {19, 8, 8, 0},   {19, 10, 12, 0},
    {19, 11, 14, 0}, {19, 12, 16, 0}, {20, 5, 5, 0},   {20, 6, 6, 0},   {20, 8, 8, 0},
    {21, 5, 5, 0},   {21, 5, 5, 1},   {21, 8, 8, 0},   {21, 10, 10, 0}, {21, 12, 12, 0},
    {21, 12, 12, 1}, {22, 8, 8, 0},   {22, 8, 8, 1}};

/* f(x0) = sum of squared residuals at the start point, as published to 6 significant digits in
 * BenDFO's reference output (github.com/POptUS/BenDFO data/testout.dat, the "smooth" rows 1-53,
 * fifth column), row by row of dfo.dat. */
static const double published_f0[GPUOPT_MW_COUNT] = {
    7.20000e+01, 1.12500e+03, 1.16542e+07, 1.16859e+09, 4.98920e+06, 5.00936e+08, 2.42000e+01,
    1.79577e+06, 2.50000e+03, 1.06000e+04, 2.15000e+02, 1.61540e+06, 4.00500e+02, 1.54575e+08,
    4.16817e+01, 1.30623e+03, 5.31317e-03, 1.69361e+09, 1.64308e+01, 2.32337e+06, 2.69042e+01,
    8.15888e+06, 7.36782e+01, 2.05938e+07, 1.03115e+03, 4.17131e+03, 7.92669e+06, 3.08106e+11,
    4.64282e-02, 3.37706e-02, 3.86177e-02, 2.88830e-02, 3.37633e-02, 2.67406e-02, 2.73248e+02,
    1.61741e+01, 2.09342e+00, 1.99685e+02, 9.04000e+02, 1.35600e+03, 1.58200e+03, 1.80800e+03,
    5.65000e+01, 7.05625e+01, 9.86875e+01, 2.53908e+09, 6.87380e+12, 3.36796e+09, 3.73513e+09,
    3.99107e+09, 1.13001e+13, 9.38567e+00, 3.36582e+10};

/* 6 significant digits: the rounding error is at most half a unit of the 6th digit. */
#define PUBLISHED_REL_TOL 5.0e-6

static int is_more_wild(const gpuopt_problem_info *info)
{
    return info->suite && !strcmp(info->suite, "more_wild");
}

static double rel_diff(double a, double b)
{
    return fabs(a - b) / fmax(fabs(b), 1e-300);
}

/* The criterion at the problem's own start point, through the public API. */
static double value_at_start(const char *name, size_t dim, double *x0)
{
    gpuopt_problem *p = NULL;
    double f = NAN;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, name, dim), GPUOPT_SUCCESS);
    if (!p)
        return f;
    CHECK_STATUS(gpuopt_problem_get_start(p, x0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_evaluate(p, x0, 1, &f), GPUOPT_SUCCESS);
    CHECK(gpuopt_problem_kind(p) == GPUOPT_CRITERION_LEAST_SQUARES);
    double lo[GPUOPT_MW_MAX_N], hi[GPUOPT_MW_MAX_N];
    CHECK_STATUS(gpuopt_problem_get_bounds(p, lo, hi), GPUOPT_SUCCESS);
    for (size_t j = 0; j < dim; ++j)
        CHECK(lo[j] == -INFINITY && hi[j] == INFINITY);
    gpuopt_problem_destroy(&p);
    return f;
}

/* The sum of the squared residuals (gpuopt_builtin_output) at x, in order from 0. */
static double sum_of_squares(int id, const double *x, size_t n, size_t m)
{
    double s = 0.0;
    for (size_t k = 0; k < m; ++k) {
        double r = gpuopt_builtin_output(id, x, (int)n, k);
        s += r * r;
    }
    return s;
}

static void check_row(size_t row, const gpuopt_builtin_problem *b)
{
    const gpuopt_problem_info *info = &b->info;
    size_t n = (size_t)dfo_dat[row][1], m = (size_t)dfo_dat[row][2];
    double x0[GPUOPT_MW_MAX_N];
    CHECK_MSG(info->fixed_dim == n && info->n_outputs == m, "%s: n %zu m %zu, dfo.dat %zu %zu",
              info->name, info->fixed_dim, info->n_outputs, n, m);
    CHECK(info->kind == GPUOPT_CRITERION_LEAST_SQUARES && !info->value_per_dim);
    CHECK(info->default_lower == -INFINITY && info->default_upper == INFINITY);
    CHECK(!strncmp(info->name, "mw_", 3) && strlen(info->name) < 64);
    CHECK((strstr(info->name, "_x10") != NULL) == (dfo_dat[row][3] == 1));
    CHECK(info->description && info->description[0] && !strchr(info->description, '\n'));
    CHECK(b->id == GPUOPT_BUILTIN_MORE_WILD + (int)row);
    CHECK(gpuopt_mw_function((int)row) == dfo_dat[row][0]);
    if (info->fixed_dim != n || n > GPUOPT_MW_MAX_N)
        return;
    double f0 = value_at_start(info->name, n, x0);
    CHECK_MSG(rel_diff(f0, published_f0[row]) <= PUBLISHED_REL_TOL,
              "%s: f(x0) = %.9g, published %.6g", info->name, f0, published_f0[row]);
    CHECK_MSG(rel_diff(info->start_value, f0) <= 1e-13, "%s: start_value %.17g, computed %.17g",
              info->name, info->start_value, f0);
    CHECK_MSG(info->best_known_value >= 0 && info->best_known_value <= f0,
              "%s: f* %.17g, f(x0) %.17g", info->name, info->best_known_value, f0);
    CHECK(f0 == sum_of_squares(b->id, x0, n, m));
    CHECK(f0 == gpuopt_builtin_evaluate(b->id, x0, n));
    CHECK(isnan(gpuopt_builtin_output(b->id, x0, (int)n, m)));
    CHECK(isnan(gpuopt_builtin_evaluate(b->id, x0, n - 1)));
    CHECK(isnan(gpuopt_builtin_output(b->id, x0, (int)n + 1, 0)));
}

static void test_catalogue(void)
{
    size_t row = 0;
    for (size_t i = 0; i < gpuopt_builtin_count(); ++i) {
        const gpuopt_builtin_problem *b = gpuopt_builtin_at(i);
        if (!is_more_wild(&b->info))
            continue;
        CHECK_MSG(row < GPUOPT_MW_COUNT, "more than %d more_wild problems", GPUOPT_MW_COUNT);
        if (row < GPUOPT_MW_COUNT)
            check_row(row, b);
        ++row;
    }
    CHECK_MSG(row == GPUOPT_MW_COUNT, "%zu more_wild problems, expected %d", row,
              GPUOPT_MW_COUNT);
    /* the classic problems record no start value (their dimension is free) */
    const gpuopt_problem_info *sphere = gpuopt_problem_info_find("sphere");
    CHECK(sphere && isnan(sphere->start_value));
}

/* The first least-squares problem of the catalogue is the one the tests of least-squares-only
 * algorithms run on (tests/algorithm_cases.h): a cheap, well-conditioned linear fit. */
static void test_first_least_squares(void)
{
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        if (p->kind == GPUOPT_CRITERION_LEAST_SQUARES) {
            CHECK(!strcmp(p->name, "mw_linear_full_rank_9_45"));
            return;
        }
    }
    CHECK_MSG(0, "no least-squares problem in the catalogue");
}

static double value_of(const char *name, const double *x)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    CHECK_MSG(b != NULL, "no problem %s", name);
    return b ? gpuopt_builtin_evaluate(b->id, x, b->info.fixed_dim) : NAN;
}

static double residual_of(const char *name, const double *x, size_t k)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    return b ? gpuopt_builtin_output(b->id, x, (int)b->info.fixed_dim, k) : NAN;
}

/* Residuals worked out by hand, and the value at known minimizers. */
static void test_hand_checked(void)
{
    const double rosen[2] = {-1.2, 1.0};
    CHECK(fabs(residual_of("mw_rosenbrock_2_2", rosen, 0) - (-4.4)) < 1e-14);
    CHECK(residual_of("mw_rosenbrock_2_2", rosen, 1) == 2.2);
    CHECK(value_of("mw_rosenbrock_2_2", (double[]){1, 1}) == 0.0);
    CHECK(value_of("mw_helical_valley_3_3", (double[]){1, 0, 0}) == 0.0);
    CHECK(value_of("mw_powell_singular_4_4", (double[]){0, 0, 0, 0}) == 0.0);
    CHECK(value_of("mw_freudenstein_roth_2_2", (double[]){5, 4}) == 0.0);
    CHECK(fabs(value_of("mw_box3d_3_10", (double[]){1, 10, 1})) < 1e-30);
    CHECK(value_of("mw_cube_5_5", (double[]){1, 1, 1, 1, 1}) == 0.0);
    double ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    double minus[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    CHECK(value_of("mw_brown_almost_linear_10_10", ones) == 0.0);
    /* linear full rank: the minimum m - n = 36 at x = -1, residuals -2 + 18/45 (i <= n) and
     * 18/45 - 1 (i > n) */
    CHECK(fabs(value_of("mw_linear_full_rank_9_45", minus) - 36.0) < 1e-13);
    CHECK(fabs(residual_of("mw_linear_full_rank_9_45", minus, 0) - (-1.6)) < 1e-15);
    CHECK(fabs(residual_of("mw_linear_full_rank_9_45", minus, 44) - (-0.6)) < 1e-15);
    /* Chebyquad n = 2 style check at n = 6: residual 1 (T_2) of x = 1/2 everywhere is
     * mean(T_2(0)) + 1/3 = -1 + 1/3 */
    double half[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    CHECK(fabs(residual_of("mw_chebyquad_6_6", half, 1) - (-1.0 + 1.0 / 3.0)) < 1e-15);
    CHECK(residual_of("mw_chebyquad_6_6", half, 0) == 0.0);
    /* the start of the 10 x_s problems is ten times the standard one */
    double a[2], b[2];
    gpuopt_builtin_find("mw_rosenbrock_2_2")->start(2, a);
    gpuopt_builtin_find("mw_rosenbrock_2_2_x10")->start(2, b);
    CHECK(a[0] == -1.2 && a[1] == 1.0 && b[0] == -12.0 && b[1] == 10.0);
}

/* Best known values at the published minimizers (optimagic's more_wild.py solution_x):
 * a check that f* and the residuals belong together. */
static void test_best_known_at_minimizers(void)
{
    static const struct {
        const char *name;
        double x[5];
    } at[] = {
        {"mw_bard_3_15", {0.08241056005476516, 1.1330360796060677, 2.3436951913379658}},
        {"mw_kowalik_osborne_4_11",
         {0.19280693401647758, 0.19128233030789646, 0.12305650338704374, 0.1360623315234073}},
        {"mw_meyer_3_16", {0.005609636453940975, 6181.3463491557495, 345.22363473367955}},
        {"mw_osborne1_5_33",
         {0.37541005253870485, 1.9358469347077125, -1.4646871598379403, 0.012867534697214533,
          0.02212269960299629}},
        {"mw_jennrich_sampson_2_10", {0.2578252135686162, 0.2578252135686162}},
        {"mw_freudenstein_roth_2_2", {11.4127789219781, -0.8968052599835741}},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_find(at[i].name);
        double f = value_of(at[i].name, at[i].x);
        double best = !strcmp(at[i].name, "mw_freudenstein_roth_2_2") ? 48.984253679240013
                                                                     : info->best_known_value;
        CHECK_MSG(rel_diff(f, best) < 1e-6, "%s: %.17g at the published minimizer, f* %.17g",
                  at[i].name, f, best);
    }
}

static void test_errors(void)
{
    double x[GPUOPT_MW_MAX_N];
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "mw_watson_6_31", 7), GPUOPT_ERR_BAD_DIMENSION);
    CHECK(p == NULL);
    CHECK_CONTAINS(gpuopt_last_error(), "dimension 6");
    CHECK_STATUS(gpuopt_problem_known_minimizer("mw_cube_5_5", 5, x), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_last_error(), "mw_cube_5_5");
    CHECK_STATUS(gpuopt_problem_known_minimizer("mw_cube_5_5", 4, x), GPUOPT_ERR_BAD_DIMENSION);
    double g[GPUOPT_MW_MAX_N * GPUOPT_MW_MAX_N];
    gpuopt_builtin_find("mw_cube_5_5")->start(5, x);
    CHECK_STATUS(gpuopt_problem_builtin_gradient("mw_cube_5_5", 5, x, g), GPUOPT_ERR_UNSUPPORTED);
    CHECK_CONTAINS(gpuopt_last_error(), "no analytic derivatives");
    CHECK_STATUS(gpuopt_problem_builtin_hessian("mw_cube_5_5", 5, x, g), GPUOPT_ERR_UNSUPPORTED);
    CHECK(isnan(gpuopt_mw_residual(0, x, 2, 2, 0)));
    CHECK(isnan(gpuopt_mw_residual(23, x, 2, 2, 0)));
    CHECK(isnan(gpuopt_mw_residual(GPUOPT_MW_ROSENBROCK, x, 2, 2, -1)));
    CHECK(gpuopt_mw_row(GPUOPT_MW_COUNT) == 0 && gpuopt_mw_row(-1) == 0);
}

int main(void)
{
    test_catalogue();
    test_first_least_squares();
    test_hand_checked();
    test_best_known_at_minimizers();
    test_errors();
    return check_finish();
}
