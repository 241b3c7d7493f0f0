/* What the local solvers share besides the probe and the line search: norms, the projected
 * gradient, option checks and report values. */
#include <math.h>

#include "local.h"

double local_norm(const double *v, size_t n, double ord)
{
    if (isinf(ord)) {
        double m = ord > 0 ? 0 : INFINITY;
        for (size_t i = 0; i < n; ++i) {
            double a = fabs(v[i]);
            if (isnan(a))
                return NAN;
            m = ord > 0 ? fmax(m, a) : fmin(m, a);
        }
        return m;
    }
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += pow(fabs(v[i]), ord);
    return pow(sum, 1.0 / ord);
}

double local_dot(const double *a, const double *b, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

void local_axpy(const double *x, double alpha, const double *p, double *out, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        out[i] = x[i] + alpha * p[i];
}

double local_projected_gradient_norm(const gpuopt_run *run, const double *x, const double *g)
{
    double norm = 0;
    for (size_t i = 0; i < run->dim; ++i) {
        double gi = g[i];
        if (gi < 0 && isfinite(run->upper[i]))
            gi = fmax(x[i] - run->upper[i], gi);
        else if (gi >= 0 && isfinite(run->lower[i]))
            gi = fmin(x[i] - run->lower[i], gi);
        norm = fmax(norm, fabs(gi));
    }
    return norm;
}

gpuopt_status local_refuse_bounds(gpuopt_run *run)
{
    if (gpuopt_opt_bool(run, "ignore_bounds"))
        return GPUOPT_SUCCESS;
    for (size_t i = 0; i < run->dim; ++i)
        if (isfinite(run->lower[i]) || isfinite(run->upper[i]))
            return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                                   "%s does not support bounds, and coordinate %zu has [%g, %g]; "
                                   "use lbfgsb, remove the bounds, or set ignore_bounds=true to "
                                   "ignore them as scipy does",
                                   run->algorithm->name, i, run->lower[i], run->upper[i]);
    return GPUOPT_SUCCESS;
}

gpuopt_status local_check_wolfe_constants(gpuopt_run *run, double c1, double c2)
{
    if (0 < c1 && c1 < c2 && c2 < 1)
        return GPUOPT_SUCCESS;
    return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                           "%s: the line search needs 0 < armijo_condition < curvature_condition "
                           "< 1; got %g and %g",
                           run->algorithm->name, c1, c2);
}

gpuopt_status local_line_search_failed(gpuopt_run *run)
{
    gpuopt_run_warn(run,
                    "%s: the line search found no acceptable step (desired error not necessarily "
                    "achieved due to precision loss); with finite differences, try "
                    "numdiff.method=central or a larger gradient tolerance",
                    run->algorithm->name);
    return GPUOPT_STOP_NO_IMPROVEMENT;
}

void local_report(gpuopt_run *run, double gradient_norm, double step_length)
{
    run->report[0] = gradient_norm;
    run->report[1] = step_length;
}
