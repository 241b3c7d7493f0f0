/* gpuopt_lstsq and gpuopt_polyfit against numpy.linalg.lstsq and numpy.polyfit
 * (tests/reference/lstsq_numpy.py wrote lstsq_numpy.inc), and their argument errors. */
#include <float.h>
#include <math.h>

#include "gpuopt.h"
#include "tests/check.h"
#include "tests/reference/lstsq_numpy.inc"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int close_to(double got, double want, double rel, double abs_tol)
{
    if (isnan(want))
        return isnan(got);
    return fabs(got - want) <= rel * fabs(want) + abs_tol;
}

static void check_vector(const char *what, const double *got, const double *want, size_t n,
                         double rel, double abs_tol)
{
    for (size_t i = 0; i < n; ++i)
        CHECK_MSG(close_to(got[i], want[i], rel, abs_tol), "%s[%zu] = %.17g, numpy %.17g", what,
                  i, got[i], want[i]);
}

static void test_lstsq_case(const char *name, const double *A, const double *B, size_t m,
                            size_t n, size_t nrhs, const double *X_ref, const double *sv_ref,
                            size_t rank_ref, const double *res_ref)
{
    double X[16], res[4], sv[8];
    gpuopt_lstsq_info info;
    CHECK_STATUS(gpuopt_lstsq(A, m, n, B, nrhs, -1.0, X, res, sv, &info), GPUOPT_SUCCESS);
    printf("lstsq %s: rank %zu, rcond %g\n", name, info.rank, info.rcond);
    CHECK_MSG(info.rank == rank_ref, "%s: rank %zu, numpy %zu", name, info.rank, rank_ref);
    CHECK(info.rcond == DBL_EPSILON * (double)(m > n ? m : n));
    CHECK(info.has_residuals == !isnan(res_ref[0]));
    check_vector(name, X, X_ref, n * nrhs, 1e-12, 1e-14);
    check_vector(name, sv, sv_ref, m < n ? m : n, 1e-12, 1e-14);
    check_vector(name, res, res_ref, nrhs, 1e-12, 1e-14);
}

static void test_lstsq(void)
{
    test_lstsq_case("full", A_full, B_full, 6, 3, 2, ref_full_X, ref_full_sv, ref_full_rank,
                    ref_full_res);
    test_lstsq_case("rank-deficient", A_def, B_def, 5, 3, 1, ref_def_X, ref_def_sv, ref_def_rank,
                    ref_def_res);
    test_lstsq_case("underdetermined", A_under, B_under, 2, 4, 1, ref_under_X, ref_under_sv,
                    ref_under_rank, ref_under_res);
    /* optional outputs may be NULL */
    double X[6];
    CHECK_STATUS(gpuopt_lstsq(A_full, 6, 3, B_full, 2, -1.0, X, NULL, NULL, NULL),
                 GPUOPT_SUCCESS);
    check_vector("full (NULL outputs)", X, ref_full_X, 6, 1e-12, 1e-14);
}

static void test_polyfit(void)
{
    size_t n = N_OF(poly_x);
    double coef[4], res, sv[4], cov[16];
    gpuopt_lstsq_info info;
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, n, 2, NULL, -1.0, coef, &res, sv,
                                GPUOPT_POLYFIT_COV_NONE, NULL, &info),
                 GPUOPT_SUCCESS);
    check_vector("polyfit coef", coef, ref_poly_coef, 3, 1e-10, 1e-14);
    check_vector("polyfit residual", &res, ref_poly_res, 1, 1e-8, 0.0);
    check_vector("polyfit sv", sv, ref_poly_sv, 3, 1e-12, 0.0);
    CHECK(info.rank == ref_poly_rank);
    CHECK(close_to(info.rcond, ref_poly_rcond[0], 1e-15, 0.0));
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, n, 2, NULL, -1.0, coef, NULL, NULL,
                                GPUOPT_POLYFIT_COV_SCALED, cov, NULL),
                 GPUOPT_SUCCESS);
    check_vector("polyfit cov", cov, ref_poly_cov, 9, 1e-8, 0.0);
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, n, 3, poly_w, -1.0, coef, &res, sv,
                                GPUOPT_POLYFIT_COV_UNSCALED, cov, &info),
                 GPUOPT_SUCCESS);
    check_vector("weighted polyfit coef", coef, ref_wpoly_coef, 4, 1e-9, 1e-13);
    check_vector("weighted polyfit cov", cov, ref_wpoly_cov, 16, 1e-9, 0.0);
    check_vector("weighted polyfit residual", &res, ref_wpoly_res, 1, 1e-8, 0.0);
    check_vector("weighted polyfit sv", sv, ref_wpoly_sv, 4, 1e-12, 0.0);
}

static void test_polyfit_rank_deficient(void)
{
    /* degree 3 through 3 points: rank 3 < 4, no residual (as numpy's empty array) */
    const double x[] = {0.0, 1.0, 2.0}, y[] = {1.0, 3.0, 7.0};
    double coef[4], res = 0.0;
    gpuopt_lstsq_info info;
    CHECK_STATUS(gpuopt_polyfit(x, y, 3, 3, NULL, -1.0, coef, &res, NULL,
                                GPUOPT_POLYFIT_COV_NONE, NULL, &info),
                 GPUOPT_SUCCESS);
    CHECK(info.rank == 3);
    CHECK(!info.has_residuals);
    CHECK(isnan(res));
    for (int i = 0; i < 3; ++i) {
        double v = ((coef[0] * x[i] + coef[1]) * x[i] + coef[2]) * x[i] + coef[3];
        CHECK(fabs(v - y[i]) < 1e-12);
    }
}

static void test_errors(void)
{
    double X[4], c[3];
    CHECK_STATUS(gpuopt_lstsq(NULL, 2, 2, B_under, 1, -1.0, X, NULL, NULL, NULL),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_CONTAINS(gpuopt_last_error(), "must not be NULL");
    CHECK_STATUS(gpuopt_lstsq(A_under, 0, 2, B_under, 1, -1.0, X, NULL, NULL, NULL),
                 GPUOPT_ERR_BAD_DIMENSION);
    CHECK_CONTAINS(gpuopt_last_error(), "m = 0");
    const double A_nan[] = {1.0, NAN, 2.0, 3.0};
    CHECK_STATUS(gpuopt_lstsq(A_nan, 2, 2, B_under, 1, -1.0, X, NULL, NULL, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "A[1]");
    CHECK_STATUS(gpuopt_polyfit(poly_x, NULL, 3, 1, NULL, -1.0, c, NULL, NULL,
                                GPUOPT_POLYFIT_COV_NONE, NULL, NULL),
                 GPUOPT_ERR_NULL_POINTER);
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, 0, 1, NULL, -1.0, c, NULL, NULL,
                                GPUOPT_POLYFIT_COV_NONE, NULL, NULL),
                 GPUOPT_ERR_BAD_DIMENSION);
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, 3, 2, NULL, -1.0, c, NULL, NULL,
                                GPUOPT_POLYFIT_COV_SCALED, X, NULL),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_last_error(), "must exceed degree + 1");
    CHECK_STATUS(gpuopt_polyfit(poly_x, poly_y, 5, 1, NULL, -1.0, c, NULL, NULL,
                                GPUOPT_POLYFIT_COV_SCALED, NULL, NULL),
                 GPUOPT_ERR_NULL_POINTER);
}

int main(void)
{
    test_lstsq();
    test_polyfit();
    test_polyfit_rank_deficient();
    test_errors();
    return check_finish();
}
