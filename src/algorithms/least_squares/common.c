/* Options, scipy's trust-radius update and termination tests, buffers and size checks shared
 * by the least-squares solvers. */
#include <math.h>
#include <string.h>

#include "ls.h"

gpuopt_status ls_read_common(gpuopt_run *run, ls_solver *sv, int bounded)
{
    ls_tolerances *t = &sv->tol;
    if (gpuopt_opt_choice(run, "tr_solver") == 2)
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "%s: tr_solver=lsmr (scipy's iterative solver for large sparse "
                               "Jacobians) is not implemented; use tr_solver=exact (the SVD of "
                               "the dense Jacobian)",
                               run->algorithm->name);
    t->ftol = gpuopt_opt_double(run, "convergence.relative_criterion_tolerance");
    t->xtol = gpuopt_opt_double(run, "convergence.relative_params_tolerance");
    t->gtol = gpuopt_opt_double(run, "convergence.relative_gradient_tolerance");
    t->speculative = gpuopt_opt_bool(run, "speculative_jacobian");
    return ls_probe_init(run, &sv->probe, bounded);
}

void ls_solver_request(gpuopt_run *run, ls_solver *sv, const double *x, int phase, int kind)
{
    memcpy(ls_probe_point(run, &sv->probe), x, run->dim * sizeof *x);
    sv->phase = phase;
    sv->kind = kind;
}

gpuopt_status ls_solver_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    ls_solver *sv = (ls_solver *)run->state;
    return ls_probe_ask(run, &sv->probe, sv->kind, batch);
}

gpuopt_status ls_solver_tell(gpuopt_run *run, const gpuopt_batch *batch, const ls_phase_fn *after,
                             size_t n_phases)
{
    ls_solver *sv = (ls_solver *)run->state;
    gpuopt_status st = ls_probe_tell(run, &sv->probe, batch);
    if (st != GPUOPT_SUCCESS)
        return st;
    ++run->n_iterations;
    if (sv->phase < 0 || (size_t)sv->phase >= n_phases)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "%s: unknown phase %d",
                               run->algorithm->name, sv->phase);
    return after[sv->phase](run);
}

double ls_update_radius(double *Delta, double actual, double predicted, double step_norm,
                        int bound_hit)
{
    double ratio = 0;
    if (predicted > 0)
        ratio = actual / predicted;
    else if (predicted == actual && actual == 0)
        ratio = 1;
    if (ratio < 0.25)
        *Delta = 0.25 * step_norm;
    else if (ratio > 0.75 && bound_hit)
        *Delta *= 2.0;
    return ratio;
}

gpuopt_status ls_check_termination(const ls_tolerances *t, double dF, double F, double dx_norm,
                                   double x_norm, double ratio)
{
    int ftol = dF < t->ftol * F && ratio > 0.25;
    int xtol = dx_norm < t->xtol * (t->xtol + x_norm);
    if (ftol && xtol)
        return GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE;
    if (ftol)
        return GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE;
    if (xtol)
        return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    return GPUOPT_SUCCESS;
}

gpuopt_status ls_allocate(gpuopt_run *run, const ls_buffer_row *rows, size_t n_rows)
{
    for (size_t i = 0; i < n_rows; ++i) {
        size_t count = rows[i].count ? rows[i].count : 1;
        gpuopt_status st = gpuopt_run_buffer(run, rows[i].name, GPUOPT_ON_HOST, count,
                                             rows[i].elem_size, rows[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

gpuopt_status ls_check_sizes(gpuopt_run *run)
{
    size_t n = run->dim, m = run->n_outputs;
    if (n == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "%s: dimension is 0",
                               run->algorithm->name);
    if (m == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_ARGUMENT,
                               "%s: the criterion has no residuals (n_outputs is 0)",
                               run->algorithm->name);
    if (m > SIZE_MAX / sizeof(double) / n - n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "%s: the Jacobian of %zu residuals x %zu parameters does not fit "
                               "in memory",
                               run->algorithm->name, m, n);
    return GPUOPT_SUCCESS;
}
