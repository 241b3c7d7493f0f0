/* The built-in problem catalogue: names, default bounds, known minima, start points.
 * Values come from kernels/problems.h, the code every backend runs. */
#include "problems.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "core.h"
#include "kernels/problems.h"

/* The Schwefel minimizer: x = t^2 with tan t = -t/2, t near 20.52 (50-digit root). */
#define SCHWEFEL_ARGMIN 420.968746359982027311844365
/* 418.9828872724338 (as a double) - x sin(sqrt x) at that x, per coordinate: positive,
 * because the customary constant exceeds the true maximum of x sin(sqrt x) by ~9.4e-14. */
#define SCHWEFEL_MIN_PER_DIM 9.3533127166202867e-14
/* The Styblinski-Tang minimizer: the root of 4x^3 - 32x + 5 near -2.9. */
#define STYBLINSKI_TANG_ARGMIN -2.903534027771177095118917596
#define STYBLINSKI_TANG_MIN_PER_DIM -39.16616570377141546389317

static void fill(size_t dim, double *x, double value)
{
    for (size_t i = 0; i < dim; ++i)
        x[i] = value;
}

/* x = (even, odd, even, odd, ...) */
static void alternate(size_t dim, double *x, double even, double odd)
{
    for (size_t i = 0; i < dim; ++i)
        x[i] = (i % 2 == 0) ? even : odd;
}

static void at_zero(size_t dim, double *x) { fill(dim, x, 0.0); }
static void at_one(size_t dim, double *x) { fill(dim, x, 1.0); }
static void at_schwefel_argmin(size_t dim, double *x) { fill(dim, x, SCHWEFEL_ARGMIN); }
static void at_styblinski_tang_argmin(size_t dim, double *x)
{
    fill(dim, x, STYBLINSKI_TANG_ARGMIN);
}

static void start_sphere(size_t dim, double *x) { alternate(dim, x, 3.0, -2.0); }
static void start_ellipsoid(size_t dim, double *x) { alternate(dim, x, 3.0, -2.0); }
/* CUTEst's GENROSE start x_i = i / (n + 1). From the classic (-1.2, 1, -1.2, ...), local solvers
 * in n >= 4 end in the local minimum near (-1, 1, ..., 1) (f = 3.98658 at n = 10). */
static void start_rosenbrock(size_t dim, double *x)
{
    for (size_t i = 0; i < dim; ++i)
        x[i] = (double)(i + 1) / (double)(dim + 1);
}
static void start_rastrigin(size_t dim, double *x) { alternate(dim, x, 2.2, -3.1); }
static void start_ackley(size_t dim, double *x) { alternate(dim, x, 20.0, -12.5); }
static void start_griewank(size_t dim, double *x) { alternate(dim, x, 300.0, -200.0); }
static void start_schwefel(size_t dim, double *x) { alternate(dim, x, -250.0, 150.0); }
static void start_levy(size_t dim, double *x) { alternate(dim, x, -4.0, 6.0); }
static void start_styblinski_tang(size_t dim, double *x) { alternate(dim, x, 1.0, -1.0); }
static void start_zakharov(size_t dim, double *x) { alternate(dim, x, 2.0, -1.0); }
static void start_logit(size_t dim, double *x) { fill(dim, x, 0.0); }

#define SCALAR GPUOPT_CRITERION_SCALAR
#define CLASSIC 1, "classic", NAN /* one output, the classic test-function suite, any dim */

/* The logit problem's maximum-likelihood estimate and its negative log-likelihood, from
 * tests/reference/logit_mle.py (Newton's method; statsmodels agrees to 1e-16). */
static const double logit_mle[GPUOPT_LOGIT_DIM] = {
    -0.51924821395996834, 0.96653276673334021, -0.78909027502696139, 0.81107666778789134,
    0.38082162831878552};
#define LOGIT_MIN_NLL 541.90651313139278
#define LOGIT_START_NLL 693.14718055993217 /* 1000 log 2, summed in order, at x = 0 */

static void at_logit_mle(size_t dim, double *x)
{
    for (size_t i = 0; i < dim && i < GPUOPT_LOGIT_DIM; ++i)
        x[i] = logit_mle[i];
}

/* ------------------------------------------------------------------ Moré–Wild problems */

/* Row r of Moré & Wild's dfo.dat starts from gpuopt_mw_factor(r) x_s
 * (kernels/problems_more_wild.h); one start function per row, as the catalogue's start callback
 * takes no row. */
static void mw_start(int r, size_t dim, double *x)
{
    int f = gpuopt_mw_function(r), n = gpuopt_mw_n(r);
    for (size_t j = 0; j < dim; ++j)
        x[j] = gpuopt_mw_factor(r) * gpuopt_mw_standard_start(f, n, (int)j);
}

#define MW_START(r) \
    static void mw_start_##r(size_t dim, double *x) { mw_start(r, dim, x); }
#define MW_START10(d)                                                                              \
    MW_START(d##0) MW_START(d##1) MW_START(d##2) MW_START(d##3) MW_START(d##4) MW_START(d##5)    \
    MW_START(d##6) MW_START(d##7) MW_START(d##8) MW_START(d##9)
MW_START(0) MW_START(1) MW_START(2) MW_START(3) MW_START(4) MW_START(5) MW_START(6) MW_START(7)
MW_START(8) MW_START(9) MW_START10(1) MW_START10(2) MW_START10(3) MW_START10(4)
MW_START(50) MW_START(51) MW_START(52)
_Static_assert(GPUOPT_MW_COUNT == 53, "one start function per row of dfo.dat");

/* Known minima of the linear functions (Moré, Garbow & Hillstrom 1981): m - n for full rank,
 * m (m - 1) / (2 (2m + 1)) for rank 1, (m^2 + 3m - 6) / (2 (2m - 3)) with zero columns and rows
 * (m = 45, n = 9; m = 35). */
#define MW_LINEAR_FULL_RANK_MIN 36.0
#define MW_LINEAR_RANK1_MIN (1190.0 / 142.0)
#define MW_LINEAR_RANK1_ZERO_MIN (1324.0 / 134.0)

/* A Moré–Wild problem: row r of dfo.dat, n parameters, m residuals, unbounded, f* the best known
 * value (docs/problems.md names each one's source), f0 the value at the start point (as
 * tests/test_more_wild.c recomputes and checks against the published table). No minimizer is
 * recorded (gpuopt_problem_known_minimizer answers GPUOPT_ERR_UNSUPPORTED). */
#define MW(r, name, what, n, m, fstar, f0)                                                         \
    {{name, "More-Wild " what, GPUOPT_CRITERION_LEAST_SQUARES, n, -INFINITY, INFINITY, fstar, 0,   \
      m, "more_wild", f0},                                                                         \
     GPUOPT_BUILTIN_MORE_WILD + (r), mw_start_##r, NULL}

static const gpuopt_builtin_problem builtins[] = {
    {{"sphere", "sum of squares; convex, separable, unimodal", SCALAR, 0, -5.12, 5.12, 0.0, 0,
      CLASSIC},
     GPUOPT_BUILTIN_SPHERE, start_sphere, at_zero},
    {{"ellipsoid", "axis-aligned ellipsoid with condition number 1e6; convex, ill-conditioned",
      SCALAR, 0, -5.0, 5.0, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_ELLIPSOID, start_ellipsoid, at_zero},
    {{"rosenbrock", "Rosenbrock's banana valley; unimodal for n <= 3, narrow curved valley",
      SCALAR, 0, -5.0, 10.0, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_ROSENBROCK, start_rosenbrock, at_one},
    {{"rastrigin", "sphere plus a cosine wave; highly multimodal, regular grid of local minima",
      SCALAR, 0, -5.12, 5.12, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_RASTRIGIN, start_rastrigin, at_zero},
    {{"ackley", "Ackley's function; nearly flat outer region, many local minima, deep centre",
      SCALAR, 0, -32.768, 32.768, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_ACKLEY, start_ackley, at_zero},
    {{"griewank", "Griewank's function; many regularly spaced shallow local minima",
      SCALAR, 0, -600.0, 600.0, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_GRIEWANK, start_griewank, at_zero},
    {{"schwefel", "Schwefel's function; deceptive, best minimum far from the next best ones",
      SCALAR, 0, -500.0, 500.0, SCHWEFEL_MIN_PER_DIM, 1, CLASSIC},
     GPUOPT_BUILTIN_SCHWEFEL, start_schwefel, at_schwefel_argmin},
    {{"levy", "Levy's function; multimodal, sine-modulated valleys", SCALAR, 0, -10.0, 10.0, 0.0,
      0, CLASSIC},
     GPUOPT_BUILTIN_LEVY, start_levy, at_one},
    {{"styblinski_tang", "Styblinski-Tang function; separable, 2^n local minima",
      SCALAR, 0, -5.0, 5.0, STYBLINSKI_TANG_MIN_PER_DIM, 1, CLASSIC},
     GPUOPT_BUILTIN_STYBLINSKI_TANG, start_styblinski_tang, at_styblinski_tang_argmin},
    {{"zakharov", "Zakharov's function; unimodal, plate-shaped with a quartic term",
      SCALAR, 0, -5.0, 10.0, 0.0, 0, CLASSIC},
     GPUOPT_BUILTIN_ZAKHAROV, start_zakharov, at_zero},
    {{"logit", "logit model by maximum likelihood on 1000 fixed synthetic observations; "
               "likelihood contributions",
      GPUOPT_CRITERION_LIKELIHOOD, GPUOPT_LOGIT_DIM, -10.0, 10.0, LOGIT_MIN_NLL, 0, GPUOPT_LOGIT_N,
      "estimation", LOGIT_START_NLL},
     GPUOPT_BUILTIN_LOGIT, start_logit, at_logit_mle},
    /* Moré & Wild (2009), the rows of their dfo.dat in order */
    MW(0, "mw_linear_full_rank_9_45", "linear function, full rank; start x_s", 9, 45,
       MW_LINEAR_FULL_RANK_MIN, 71.999999999999986),
    MW(1, "mw_linear_full_rank_9_45_x10", "linear function, full rank; start 10 x_s", 9, 45,
       MW_LINEAR_FULL_RANK_MIN, 1125),
    MW(2, "mw_linear_rank1_7_35", "linear function, rank 1; start x_s", 7, 35,
       MW_LINEAR_RANK1_MIN, 11654195),
    MW(3, "mw_linear_rank1_7_35_x10", "linear function, rank 1; start 10 x_s", 7, 35,
       MW_LINEAR_RANK1_MIN, 1168591235),
    MW(4, "mw_linear_rank1_zero_7_35",
       "linear function, rank 1 with zero columns and rows; start x_s", 7, 35,
       MW_LINEAR_RANK1_ZERO_MIN, 4989195),
    MW(5, "mw_linear_rank1_zero_7_35_x10",
       "linear function, rank 1 with zero columns and rows; start 10 x_s", 7, 35,
       MW_LINEAR_RANK1_ZERO_MIN, 500935635),
    MW(6, "mw_rosenbrock_2_2", "Rosenbrock's function; start x_s", 2, 2, 0.0, 24.199999999999996),
    MW(7, "mw_rosenbrock_2_2_x10", "Rosenbrock's function; start 10 x_s", 2, 2, 0.0, 1795769),
    MW(8, "mw_helical_valley_3_3", "helical valley; start x_s", 3, 3, 0.0, 2500),
    MW(9, "mw_helical_valley_3_3_x10", "helical valley; start 10 x_s", 3, 3, 0.0, 10600),
    MW(10, "mw_powell_singular_4_4", "Powell's singular function; start x_s", 4, 4,
       0.0, 215.00000000000003),
    MW(11, "mw_powell_singular_4_4_x10", "Powell's singular function; start 10 x_s", 4, 4,
       0.0, 1615400.0000000002),
    MW(12, "mw_freudenstein_roth_2_2", "Freudenstein and Roth's function; start x_s", 2, 2,
       0.0, 400.5),
    MW(13, "mw_freudenstein_roth_2_2_x10", "Freudenstein and Roth's function; start 10 x_s", 2, 2,
       0.0, 154575360),
    MW(14, "mw_bard_3_15", "Bard's data fit; start x_s", 3, 15,
       8.21487730657897e-3, 41.681695861678008),
    MW(15, "mw_bard_3_15_x10", "Bard's data fit; start 10 x_s", 3, 15,
       8.21487730657897e-3, 1306.2335498157597),
    MW(16, "mw_kowalik_osborne_4_11", "Kowalik and Osborne's data fit; start x_s", 4, 11,
       3.0750560384924e-4, 0.0053131722721085402),
    MW(17, "mw_meyer_3_16", "Meyer's data fit; start x_s", 3, 16,
       87.945855170395831, 1693607809.4361455),
    MW(18, "mw_watson_6_31", "Watson's function; start x_s", 6, 31,
       2.28767005355236e-3, 16.430831175992274),
    MW(19, "mw_watson_6_31_x10", "Watson's function; start 10 x_s", 6, 31,
       2.28767005355236e-3, 2323367.37205191),
    MW(20, "mw_watson_9_31", "Watson's function; start x_s", 9, 31,
       1.399760e-6, 26.904166022417815),
    MW(21, "mw_watson_9_31_x10", "Watson's function; start 10 x_s", 9, 31,
       1.399760e-6, 8158876.6252107257),
    MW(22, "mw_watson_12_31", "Watson's function; start x_s", 12, 31,
       4.722381e-10, 73.678205249058976),
    MW(23, "mw_watson_12_31_x10", "Watson's function; start 10 x_s", 12, 31,
       4.722381e-10, 20593837.27330552),
    MW(24, "mw_box3d_3_10", "Box's 3-D function; start x_s", 3, 10, 0.0, 1031.1538106093983),
    MW(25, "mw_jennrich_sampson_2_10", "Jennrich and Sampson's function; start x_s", 2, 10,
       124.3621823556148, 4171.3061619604932),
    MW(26, "mw_brown_dennis_4_20", "Brown and Dennis's function; start x_s", 4, 20,
       85822.20162635, 7926693.3369974317),
    MW(27, "mw_brown_dennis_4_20_x10", "Brown and Dennis's function; start 10 x_s", 4, 20,
       85822.20162635, 308106428512.94086),
    MW(28, "mw_chebyquad_6_6", "Chebyquad; start x_s", 6, 6, 0.0, 0.04642817229746083),
    MW(29, "mw_chebyquad_7_7", "Chebyquad; start x_s", 7, 7, 0.0, 0.033770638463718826),
    MW(30, "mw_chebyquad_8_8", "Chebyquad; start x_s", 8, 8,
       3.516873725677e-3, 0.038617698285930271),
    MW(31, "mw_chebyquad_9_9", "Chebyquad; start x_s", 9, 9, 0.0, 0.028882980288225977),
    MW(32, "mw_chebyquad_10_10", "Chebyquad; start x_s", 10, 10,
       4.77271369637536e-3, 0.033763265462880082),
    MW(33, "mw_chebyquad_11_11", "Chebyquad; start x_s", 11, 11,
       2.79976155186576e-3, 0.026740603262178475),
    MW(34, "mw_brown_almost_linear_10_10", "Brown's almost-linear function; start x_s", 10, 10,
       0.0, 273.24804782867432),
    MW(35, "mw_osborne1_5_33", "Osborne 1 data fit; start x_s", 5, 33,
       5.464894697483e-5, 16.174112540921751),
    MW(36, "mw_osborne2_11_65", "Osborne 2 data fit; start x_s", 11, 65,
       4.01377362935477e-2, 2.0934195142120648),
    MW(37, "mw_osborne2_11_65_x10", "Osborne 2 data fit; start 10 x_s", 11, 65,
       4.01377362935477e-2, 199.68467904854859),
    MW(38, "mw_bdqrtic_8_8", "Bdqrtic; start x_s", 8, 8, 10.2389734213174, 904),
    MW(39, "mw_bdqrtic_10_12", "Bdqrtic; start x_s", 10, 12, 18.28116175359353, 1356),
    MW(40, "mw_bdqrtic_11_14", "Bdqrtic; start x_s", 11, 14, 22.260591734883817, 1582),
    MW(41, "mw_bdqrtic_12_16", "Bdqrtic; start x_s", 12, 16, 26.2727663967939, 1808),
    MW(42, "mw_cube_5_5", "cube function; start x_s", 5, 5, 0.0, 56.5),
    MW(43, "mw_cube_6_6", "cube function; start x_s", 6, 6, 0.0, 70.5625),
    MW(44, "mw_cube_8_8", "cube function; start x_s", 8, 8, 0.0, 98.6875),
    MW(45, "mw_mancino_5_5", "Mancino's function; start x_s", 5, 5, 0.0, 2539084359.2504702),
    MW(46, "mw_mancino_5_5_x10", "Mancino's function; start 10 x_s", 5, 5, 0.0, 6873795260334.3066),
    MW(47, "mw_mancino_8_8", "Mancino's function; start x_s", 8, 8, 0.0, 3367961145.8590851),
    MW(48, "mw_mancino_10_10", "Mancino's function; start x_s", 10, 10, 0.0, 3735127013.2708926),
    MW(49, "mw_mancino_12_12", "Mancino's function; start x_s", 12, 12, 0.0, 3991072354.222331),
    MW(50, "mw_mancino_12_12_x10", "Mancino's function; start 10 x_s", 12, 12,
       0.0, 11300149979351.404),
    MW(51, "mw_heart8_8_8", "Heart 8; start x_s", 8, 8, 0.0, 9.385672310627486),
    MW(52, "mw_heart8_8_8_x10", "Heart 8; start 10 x_s", 8, 8, 0.0, 33658150719.149567),
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

_Static_assert(N_BUILTINS == GPUOPT_BUILTIN_COUNT, "one catalogue entry per built-in id");

size_t gpuopt_builtin_count(void) { return N_BUILTINS; }

const gpuopt_builtin_problem *gpuopt_builtin_at(size_t i)
{
    return i < N_BUILTINS ? &builtins[i] : NULL;
}

const gpuopt_builtin_problem *gpuopt_builtin_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_BUILTINS; ++i)
        if (strcmp(builtins[i].info.name, name) == 0)
            return &builtins[i];
    return NULL;
}

double gpuopt_builtin_evaluate(int id, const double *x, size_t dim)
{
    if (!x || dim == 0 || dim > INT_MAX)
        return NAN;
    return gpuopt_builtin_value(id, x, (int)dim);
}

size_t gpuopt_problem_count(void) { return N_BUILTINS; }

const gpuopt_problem_info *gpuopt_problem_info_at(size_t index)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_at(index);
    return b ? &b->info : NULL;
}

const gpuopt_problem_info *gpuopt_problem_info_find(const char *name)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    return b ? &b->info : NULL;
}

gpuopt_status gpuopt_problem_known_minimizer(const char *name, size_t dim, double *x_out)
{
    if (!name || !x_out)
        return GPUOPT_ERR_NULL_POINTER;
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    if (!b)
        return GPUOPT_ERR_UNKNOWN_PROBLEM;
    if (dim == 0 || dim > INT_MAX || (b->info.fixed_dim && dim != b->info.fixed_dim))
        return GPUOPT_ERR_BAD_DIMENSION;
    if (!b->minimizer)
        return gpuopt_set_last_error(GPUOPT_ERR_UNSUPPORTED,
                                     "problem '%s' has no recorded minimizer", name);
    b->minimizer(dim, x_out);
    return GPUOPT_SUCCESS;
}

double gpuopt_problem_info_best_value(const gpuopt_problem_info *info, size_t dim)
{
    if (!info)
        return NAN;
    return info->value_per_dim ? info->best_known_value * (double)dim : info->best_known_value;
}
