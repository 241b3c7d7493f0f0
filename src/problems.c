/* The built-in problem catalogue: names, default bounds, known minima, start points.
 * Values come from kernels/problems.h, the code every backend runs. */
#include "problems.h"

#include <limits.h>
#include <math.h>
#include <string.h>

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
static void start_rosenbrock(size_t dim, double *x) { alternate(dim, x, -1.2, 1.0); }
static void start_rastrigin(size_t dim, double *x) { alternate(dim, x, 2.2, -3.1); }
static void start_ackley(size_t dim, double *x) { alternate(dim, x, 20.0, -12.5); }
static void start_griewank(size_t dim, double *x) { alternate(dim, x, 300.0, -200.0); }
static void start_schwefel(size_t dim, double *x) { alternate(dim, x, -250.0, 150.0); }
static void start_levy(size_t dim, double *x) { alternate(dim, x, -4.0, 6.0); }
static void start_styblinski_tang(size_t dim, double *x) { alternate(dim, x, 1.0, -1.0); }
static void start_zakharov(size_t dim, double *x) { alternate(dim, x, 2.0, -1.0); }
static void start_logit(size_t dim, double *x) { fill(dim, x, 0.0); }

#define SCALAR GPUOPT_CRITERION_SCALAR
#define CLASSIC 1, "classic" /* one output, the classic test-function suite */

/* The logit problem's maximum-likelihood estimate and its negative log-likelihood, from
 * tests/reference/logit_mle.py (Newton's method; statsmodels agrees to 1e-16). */
static const double logit_mle[GPUOPT_LOGIT_DIM] = {
    -0.51924821395996834, 0.96653276673334021, -0.78909027502696139, 0.81107666778789134,
    0.38082162831878552};
#define LOGIT_MIN_NLL 541.90651313139278

static void at_logit_mle(size_t dim, double *x)
{
    for (size_t i = 0; i < dim && i < GPUOPT_LOGIT_DIM; ++i)
        x[i] = logit_mle[i];
}

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
      "estimation"},
     GPUOPT_BUILTIN_LOGIT, start_logit, at_logit_mle},
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
    b->minimizer(dim, x_out);
    return GPUOPT_SUCCESS;
}

double gpuopt_problem_info_best_value(const gpuopt_problem_info *info, size_t dim)
{
    if (!info)
        return NAN;
    return info->value_per_dim ? info->best_known_value * (double)dim : info->best_known_value;
}
