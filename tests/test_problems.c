/* The built-in problem catalogue: minima, hand-checked values, textbook cross-checks, start
 * points, lookups and argument validation. */
#include <float.h>

#include "gpuopt.h"
#include "kernels/problems.h"
#include "src/problems.h"
#include "tests/check.h"

#define MAX_DIM 30
static const size_t test_dims[] = {1, 2, 7, 30};
#define N_TEST_DIMS (sizeof test_dims / sizeof test_dims[0])

static double value_of(const char *name, const double *x, size_t dim)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(name);
    return b ? gpuopt_builtin_evaluate(b->id, x, dim) : NAN;
}

static int near(double got, double want, double tol) { return fabs(got - want) <= tol; }

/* ------------------------------------------------ textbook formulas, written independently */

static double ref_sphere(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += pow(x[i], 2);
    return s;
}

static double ref_ellipsoid(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += (n == 1 ? 1.0 : pow(1e6, (double)i / (double)(n - 1))) * pow(x[i], 2);
    return s;
}

static double ref_rosenbrock(const double *x, size_t n)
{
    if (n == 1)
        return pow(x[0] - 1, 2); /* gpuopt's one-dimensional case */
    double s = 0;
    for (size_t i = 0; i + 1 < n; ++i)
        s += 100 * pow(x[i + 1] - pow(x[i], 2), 2) + pow(1 - x[i], 2);
    return s;
}

static double ref_rastrigin(const double *x, size_t n)
{
    double s = 10.0 * (double)n;
    for (size_t i = 0; i < n; ++i)
        s += pow(x[i], 2) - 10 * cos(2 * GPUOPT_PI * x[i]);
    return s;
}

static double ref_ackley(const double *x, size_t n)
{
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; ++i) {
        s1 += pow(x[i], 2);
        s2 += cos(2 * GPUOPT_PI * x[i]);
    }
    return -20 * exp(-0.2 * sqrt(s1 / (double)n)) - exp(s2 / (double)n) + 20 + exp(1.0);
}

static double ref_griewank(const double *x, size_t n)
{
    double s = 0, p = 1;
    for (size_t i = 0; i < n; ++i) {
        s += pow(x[i], 2) / 4000;
        p *= cos(x[i] / sqrt((double)(i + 1)));
    }
    return s - p + 1;
}

static double ref_schwefel(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += x[i] * sin(sqrt(fabs(x[i])));
    return 418.9828872724338 * (double)n - s;
}

static double levy_w(double x) { return 1 + (x - 1) / 4; }

static double ref_levy(const double *x, size_t n)
{
    double f = pow(sin(GPUOPT_PI * levy_w(x[0])), 2);
    for (size_t i = 0; i + 1 < n; ++i)
        f += pow(levy_w(x[i]) - 1, 2) * (1 + 10 * pow(sin(GPUOPT_PI * levy_w(x[i]) + 1), 2));
    double wn = levy_w(x[n - 1]);
    return f + pow(wn - 1, 2) * (1 + pow(sin(2 * GPUOPT_PI * wn), 2));
}

static double ref_styblinski_tang(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += pow(x[i], 4) - 16 * pow(x[i], 2) + 5 * x[i];
    return s / 2;
}

static double ref_zakharov(const double *x, size_t n)
{
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; ++i) {
        s1 += pow(x[i], 2);
        s2 += 0.5 * (double)(i + 1) * x[i];
    }
    return s1 + pow(s2, 2) + pow(s2, 4);
}

typedef struct reference {
    const char *name;
    double (*f)(const double *x, size_t n);
    double min_tol_per_dim; /* |f(minimizer) - best| allowed, per coordinate */
} reference;

/* Tolerances at the minimizer, per coordinate: exactly zero where every term is exactly zero
 * in floating point; levy keeps sin(pi)^2 ~ 1.5e-32; schwefel's terms are differences of two
 * ~419 sized numbers (a few ulps of 419 = 5.7e-14 each); styblinski_tang sums n terms of ~-78
 * (accumulated rounding below n * ulp(78 n) / 2). */
static const reference references[] = {
    {"sphere", ref_sphere, 0.0},
    {"ellipsoid", ref_ellipsoid, 0.0},
    {"rosenbrock", ref_rosenbrock, 0.0},
    {"rastrigin", ref_rastrigin, 0.0},
    {"ackley", ref_ackley, 0.0},
    {"griewank", ref_griewank, 0.0},
    {"schwefel", ref_schwefel, 2e-13},
    {"levy", ref_levy, 1e-31},
    {"styblinski_tang", ref_styblinski_tang, 1e-12},
    {"zakharov", ref_zakharov, 0.0},
};
#define N_REFERENCES (sizeof references / sizeof references[0])

/* Deterministic uniform draws in [0, 1) (64-bit LCG, top 53 bits). */
static double uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*state >> 11) * 0x1.0p-53;
}

static double random_in_bounds(const gpuopt_problem_info *info, uint64_t *state)
{
    return info->default_lower + (info->default_upper - info->default_lower) * uniform(state);
}

/* ----------------------------------------------------------------------------- tests */

static int is_classic(const gpuopt_problem_info *info)
{
    return info->suite && !strcmp(info->suite, "classic");
}

static void test_catalogue(void)
{
    size_t n_classic = 0;
    for (size_t i = 0; i < gpuopt_problem_count(); ++i)
        n_classic += is_classic(gpuopt_problem_info_at(i));
    CHECK(n_classic == N_REFERENCES);
    CHECK(gpuopt_builtin_count() == GPUOPT_BUILTIN_COUNT);
    CHECK(gpuopt_problem_info_at(gpuopt_problem_count()) == NULL);
    CHECK(gpuopt_builtin_at(gpuopt_builtin_count()) == NULL);
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_at(i);
        const gpuopt_builtin_problem *b = gpuopt_builtin_at(i);
        CHECK(info && b && info == &b->info);
        if (!info || !b)
            continue;
        CHECK(gpuopt_problem_info_find(info->name) == info);
        CHECK(gpuopt_builtin_find(info->name) == b);
        CHECK(b->id >= 0 && b->id < GPUOPT_BUILTIN_COUNT);
        CHECK(info->n_outputs >= 1 && info->suite && info->suite[0]);
        if (!is_classic(info)) { /* other suites: their own tests (e.g. test_logit.c) */
            CHECK(info->fixed_dim > 0);
            continue;
        }
        CHECK(info->kind == GPUOPT_CRITERION_SCALAR && info->n_outputs == 1);
        CHECK(info->fixed_dim == 0);
        CHECK(info->default_lower < info->default_upper);
        CHECK(info->description && info->description[0] && !strchr(info->description, '\n'));
        CHECK(strcmp(references[i].name, info->name) == 0);
        for (size_t j = 0; j < i; ++j)
            CHECK(gpuopt_builtin_at(j)->id != b->id);
    }
}

static void test_lookup_failures(void)
{
    double x[2];
    CHECK(gpuopt_problem_info_find("no_such_problem") == NULL);
    CHECK(gpuopt_problem_info_find("Sphere") == NULL);
    CHECK(gpuopt_problem_info_find("") == NULL);
    CHECK(gpuopt_problem_info_find(NULL) == NULL);
    CHECK(gpuopt_builtin_find(NULL) == NULL);
    CHECK_STATUS(gpuopt_problem_known_minimizer("no_such_problem", 2, x),
                 GPUOPT_ERR_UNKNOWN_PROBLEM);
    CHECK_STATUS(gpuopt_problem_known_minimizer(NULL, 2, x), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_known_minimizer("sphere", 2, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_known_minimizer("sphere", 0, x), GPUOPT_ERR_BAD_DIMENSION);
    CHECK(isnan(gpuopt_problem_info_best_value(NULL, 2)));
    CHECK(isnan(gpuopt_builtin_evaluate(GPUOPT_BUILTIN_SPHERE, x, 0)));
    CHECK(isnan(gpuopt_builtin_evaluate(GPUOPT_BUILTIN_SPHERE, NULL, 2)));
    x[0] = x[1] = 1.0;
    CHECK(isnan(gpuopt_builtin_evaluate(GPUOPT_BUILTIN_COUNT, x, 2)));
    CHECK(isnan(gpuopt_builtin_evaluate(-1, x, 2)));
}

static void test_best_value_scaling(void)
{
    const gpuopt_problem_info *st = gpuopt_problem_info_find("styblinski_tang");
    const gpuopt_problem_info *sw = gpuopt_problem_info_find("schwefel");
    const gpuopt_problem_info *sp = gpuopt_problem_info_find("sphere");
    CHECK(st && sw && sp);
    if (!st || !sw || !sp)
        return;
    CHECK(st->value_per_dim && sw->value_per_dim);
    CHECK(near(st->best_known_value, -39.16616570377142, 1e-13));
    CHECK(near(gpuopt_problem_info_best_value(st, 3), 3 * st->best_known_value, 0.0));
    /* The Schwefel minimum is ~9.35e-14 per coordinate, not 0. */
    CHECK(sw->best_known_value > 9.3e-14 && sw->best_known_value < 9.4e-14);
    CHECK(gpuopt_problem_info_best_value(sp, 30) == 0.0);
}

/* At the minimizer the value is the best known one, and no nearby or sampled point is lower. */
static void check_minimum(const reference *r, size_t dim)
{
    const gpuopt_problem_info *info = gpuopt_problem_info_find(r->name);
    double x[MAX_DIM], y[MAX_DIM];
    CHECK_STATUS(gpuopt_problem_known_minimizer(r->name, dim, x), GPUOPT_SUCCESS);
    double best = gpuopt_problem_info_best_value(info, dim);
    double f = value_of(r->name, x, dim);
    CHECK_MSG(near(f, best, r->min_tol_per_dim * (double)dim), "%s n=%zu: f=%.17g best=%.17g",
              r->name, dim, f, best);
    for (size_t i = 0; i < dim; ++i) {
        CHECK(x[i] >= info->default_lower && x[i] <= info->default_upper);
        for (int sign = -1; sign <= 1; sign += 2) {
            memcpy(y, x, dim * sizeof *x);
            y[i] += sign * 1e-3;
            CHECK_MSG(value_of(r->name, y, dim) > f, "%s n=%zu: lower value beside minimizer",
                      r->name, dim);
        }
    }
    uint64_t state = 12345u + dim;
    for (int k = 0; k < 200; ++k) {
        for (size_t i = 0; i < dim; ++i)
            y[i] = random_in_bounds(info, &state);
        CHECK_MSG(value_of(r->name, y, dim) > best, "%s n=%zu: random point below the minimum",
                  r->name, dim);
    }
}

/* The library's values agree with the textbook formula at random points inside the bounds. */
static void check_against_reference(const reference *r, size_t dim)
{
    const gpuopt_problem_info *info = gpuopt_problem_info_find(r->name);
    double x[MAX_DIM];
    uint64_t state = 777u * dim + 1;
    for (int k = 0; k < 50; ++k) {
        for (size_t i = 0; i < dim; ++i)
            x[i] = random_in_bounds(info, &state);
        double got = value_of(r->name, x, dim), want = r->f(x, dim);
        /* schwefel subtracts sums of size ~419 n: tolerance relative to that scale */
        double scale = fabs(want) + (strcmp(r->name, "schwefel") == 0 ? 838.0 * (double)dim : 1.0);
        CHECK_MSG(near(got, want, 1e-12 * scale), "%s n=%zu: %.17g vs textbook %.17g", r->name,
                  dim, got, want);
    }
}

/* The start point lies strictly inside the bounds and is clearly worse than the minimum. */
static void check_start(const reference *r, size_t dim)
{
    const gpuopt_builtin_problem *b = gpuopt_builtin_find(r->name);
    double x0[MAX_DIM], xmin[MAX_DIM];
    b->start(dim, x0);
    b->minimizer(dim, xmin);
    int differs = 0;
    for (size_t i = 0; i < dim; ++i) {
        CHECK(x0[i] > b->info.default_lower && x0[i] < b->info.default_upper);
        differs |= x0[i] != xmin[i];
    }
    CHECK(differs);
    double best = gpuopt_problem_info_best_value(&b->info, dim);
    double f0 = value_of(r->name, x0, dim);
    CHECK_MSG(f0 > best + 1e-2 * (1.0 + fabs(best)), "%s n=%zu: start value %.17g, best %.17g",
              r->name, dim, f0, best);
}

static void test_all_problems(void)
{
    for (size_t p = 0; p < N_REFERENCES; ++p) {
        CHECK(gpuopt_builtin_find(references[p].name) != NULL);
        if (!gpuopt_builtin_find(references[p].name))
            continue;
        for (size_t d = 0; d < N_TEST_DIMS; ++d) {
            check_minimum(&references[p], test_dims[d]);
            check_against_reference(&references[p], test_dims[d]);
            check_start(&references[p], test_dims[d]);
        }
    }
}

/* Values worked out by hand from the textbook formulas. */
static void test_hand_checked_values(void)
{
    const double pi = GPUOPT_PI, half_pi_sq = (GPUOPT_PI / 2) * (GPUOPT_PI / 2);
    CHECK(value_of("sphere", (double[]){1, 2, 3}, 3) == 14.0);
    CHECK(value_of("ellipsoid", (double[]){2}, 1) == 4.0);
    CHECK(value_of("ellipsoid", (double[]){1, 1}, 2) == 1000001.0);
    CHECK(value_of("ellipsoid", (double[]){1, 1, 1}, 3) == 1001001.0);
    CHECK(near(value_of("rosenbrock", (double[]){-1.2, 1}, 2), 24.2, 1e-12));
    CHECK(value_of("rosenbrock", (double[]){0, 0}, 2) == 1.0);
    CHECK(value_of("rosenbrock", (double[]){0, 0, 0}, 3) == 2.0);
    CHECK(value_of("rosenbrock", (double[]){3}, 1) == 4.0);
    CHECK(near(value_of("rastrigin", (double[]){1, 1}, 2), 2.0, 1e-12));
    CHECK(near(value_of("rastrigin", (double[]){0.5}, 1), 20.25, 1e-12));
    CHECK(near(value_of("ackley", (double[]){1, 1}, 2), 20 * (1 - exp(-0.2)), 1e-12));
    CHECK(near(value_of("griewank", (double[]){pi}, 1), pi * pi / 4000 + 2, 1e-12));
    CHECK(near(value_of("griewank", (double[]){0, pi * sqrt(2.0)}, 2), 2 * pi * pi / 4000 + 2,
               1e-12));
    CHECK(near(value_of("schwefel", (double[]){0}, 1), 418.9828872724338, 1e-12));
    CHECK(near(value_of("schwefel", (double[]){half_pi_sq}, 1), 418.9828872724338 - half_pi_sq,
               1e-12));
    CHECK(near(value_of("schwefel", (double[]){-half_pi_sq}, 1), 418.9828872724338 + half_pi_sq,
               1e-12));
    CHECK(near(value_of("levy", (double[]){5}, 1), 1.0, 1e-12));
    CHECK(near(value_of("levy", (double[]){5, 1}, 2), 1 + 10 * sin(1.0) * sin(1.0), 1e-12));
    CHECK(value_of("styblinski_tang", (double[]){1}, 1) == -5.0);
    CHECK(value_of("styblinski_tang", (double[]){2, -1}, 2) == -29.0);
    CHECK(value_of("zakharov", (double[]){1, 1}, 2) == 9.3125);
    CHECK(value_of("zakharov", (double[]){2}, 1) == 6.0);
}

/* CUTEst's GENROSE start x_i = i / (n + 1), i = 1 .. n. */
static void test_rosenbrock_genrose_start(void)
{
    double x0[4];
    gpuopt_builtin_find("rosenbrock")->start(4, x0);
    CHECK(x0[0] == 1.0 / 5 && x0[1] == 2.0 / 5 && x0[2] == 3.0 / 5 && x0[3] == 4.0 / 5);
}

/* gpuopt_problem_create_builtin takes the catalogue's bounds, start point and values. */
static void test_create_builtin(void)
{
    gpuopt_problem *p = NULL;
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "no_such_problem", 2),
                 GPUOPT_ERR_UNKNOWN_PROBLEM);
    CHECK(p == NULL);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, NULL, 2), GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_problem_create_builtin(NULL, "sphere", 2), GPUOPT_ERR_NULL_POINTER);
    for (size_t i = 0; i < gpuopt_builtin_count(); ++i) {
        const gpuopt_builtin_problem *b = gpuopt_builtin_at(i);
        const size_t dim = b->info.fixed_dim ? b->info.fixed_dim : 7;
        if (dim > 7)
            continue;
        if (b->info.fixed_dim) /* a fixed-dimension problem refuses any other dimension */
            CHECK_STATUS(gpuopt_problem_create_builtin(&p, b->info.name, dim + 1),
                         GPUOPT_ERR_BAD_DIMENSION);
        CHECK_STATUS(gpuopt_problem_create_builtin(&p, b->info.name, dim), GPUOPT_SUCCESS);
        if (!p)
            continue;
        double lo[7], hi[7], x0[7], want_x0[7], f = NAN;
        CHECK(gpuopt_problem_dim(p) == dim);
        CHECK(gpuopt_problem_kind(p) == b->info.kind);
        CHECK_STATUS(gpuopt_problem_get_bounds(p, lo, hi), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_problem_get_start(p, x0), GPUOPT_SUCCESS);
        b->start(dim, want_x0);
        for (size_t k = 0; k < dim; ++k)
            CHECK(lo[k] == b->info.default_lower && hi[k] == b->info.default_upper &&
                  x0[k] == want_x0[k]);
        CHECK_STATUS(gpuopt_problem_evaluate(p, x0, 1, &f), GPUOPT_SUCCESS);
        CHECK(f == gpuopt_builtin_evaluate(b->id, x0, dim));
        CHECK_STATUS(gpuopt_problem_destroy(&p), GPUOPT_SUCCESS);
    }
}

int main(void)
{
    test_catalogue();
    test_lookup_failures();
    test_best_value_scaling();
    test_all_problems();
    test_hand_checked_values();
    test_rosenbrock_genrose_start();
    test_create_builtin();
    return check_finish();
}
