/* BHHH (Berndt, Hall, Hall & Hausman 1974) for likelihood criteria, after estimagic's bhhh.
 *
 * The criterion's outputs are the N contributions c_i(x) whose sum is minimized (negative
 * log-likelihood contributions). With J the N x dim Jacobian of the contributions and
 * g = J' 1 the gradient of the sum, the outer product H = J'J approximates the Hessian and the
 * direction is d = -H^-1 g. A full step x + d is tried first; while the sum does not decrease
 * the step is halved, and at a step of at most 0.01 the point is taken anyway (estimagic's rule).
 * Converged when g' H^-1 g (estimagic's gtol) is below convergence.absolute_gradient_tolerance.
 *
 * The Jacobian is the derivative engine's stencil (src/derivatives/fd.h), evaluated as one batch
 * with its raw outputs: the stencil's rows are generated on the backend, the contributions of
 * every row land in a backend buffer, fd_combine forms J there and dgemm forms J'J and J'1 there;
 * only H and g (dim^2 + dim values) cross to the host, where the small system is solved. A full
 * step is asked for together with its stencil (row 0 is the point itself), so an accepted full
 * step costs one batch; halved steps are single points, followed by a stencil when accepted. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../derivatives/fd_run.h"
#include "bhhh.h"

enum bh_phase {
    BH_START = 0, /* the stencil at x0 */
    BH_FULL,      /* the stencil at x + d (its row 0: the candidate) */
    BH_HALF,      /* the candidate x + step d alone */
    BH_JACOBIAN   /* the stencil at a candidate just accepted */
};

typedef struct bh_state {
    int phase;
    int method;          /* GPUOPT_FD_* */
    int error_handling;  /* GPUOPT_FD_RAISE | GPUOPT_FD_CONTINUE */
    int warned_bounds;
    double step_size, scaling_factor; /* numdiff.*: 0 step_size = rule of thumb */
    int64_t rows;        /* stencil rows */
    double f_accepted;   /* the sum of the contributions at x */
    double step;         /* the step along d being tried */
    double gtol;         /* g' H^-1 g at x */
    /* host buffers */
    int x, cand, dir, hess, grad, lu, piv, steps;
    /* backend buffers */
    int bx, bf, raw, fd_x, fd_steps, jac, b_hess, b_grad, ones;
} bh_state;

/* ------------------------------------------------------------------ options */

static const gpuopt_option_spec bh_options[] = {
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX,
     NULL, 0,
     "Converged when g' (J'J)^-1 g < this, with J the Jacobian of the contributions and g = J'1 "
     "the gradient of their sum (estimagic's gtol)."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 200, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (the first Jacobian counts as one; then one per step "
     "tried). Not counted as convergence."},
    {"numdiff.method", GPUOPT_OPTION_CHOICE, 2, NULL, 0, 0, "forward|central|backward", 0,
     "Finite differences for the Jacobian of the contributions: central (2 dim + 1 points) or "
     "one-sided (dim + 1 points)."},
    {"numdiff.step_size", GPUOPT_OPTION_DOUBLE, 0, "auto", 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,
     "Base step of every coordinate; auto: eps^(1/3) max(|x|, 0.1) (central) or eps^(1/2) "
     "max(|x|, 0.1) (one-sided), see docs/derivatives.md."},
    {"numdiff.scaling_factor", GPUOPT_OPTION_DOUBLE, 1, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE, "Multiplies the base step."},
};

/* ------------------------------------------------------------------ helpers */

static bh_state *bh(const gpuopt_run *run)
{
    return (bh_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static gpuopt_fd_spec spec_of(const bh_state *s)
{
    return gpuopt_fd_first_order_spec(s->method, s->step_size, s->scaling_factor,
                                      s->error_handling);
}

static gpuopt_fd_run_buffers fd_buffers(const bh_state *s)
{
    return (gpuopt_fd_run_buffers){s->fd_x, s->fd_steps, s->bx, s->raw, s->jac};
}

static struct gpuopt_fd_args fd_args(const gpuopt_run *run)
{
    const bh_state *s = bh(run);
    return gpuopt_fd_run_args(run, 1, s->method, run->n_outputs, (size_t)s->rows, fd_buffers(s));
}

/* The candidate x + step d (numpy's x + step * d). */
static void make_candidate(const gpuopt_run *run)
{
    const bh_state *s = bh(run);
    const double *x = buf(run, s->x), *d = buf(run, s->dir);
    double *c = buf(run, s->cand);
    for (size_t j = 0; j < run->dim; ++j)
        c[j] = x[j] + s->step * d[j];
}

/* Writes the stencil rows around point p into the batch buffer (on the backend). Bounds are
 * not passed: bhhh is unconstrained. */
static gpuopt_status write_stencil(gpuopt_run *run, const double *p)
{
    bh_state *s = bh(run);
    gpuopt_fd_spec spec = spec_of(s);
    struct gpuopt_fd_args a = fd_args(run);
    return gpuopt_fd_run_write_stencil(run, &spec, p, 0, buf(run, s->steps), &a, fd_buffers(s),
                                       "generating the stencil");
}

/* ------------------------------------------------------------ the direction */

/* Solves A y = b in place (A n x n row-major, overwritten by its LU factors; partial pivoting,
 * as LAPACK's dgesv that numpy.linalg.solve calls). Returns 0 when A is singular. */
static int lu_solve(double *A, double *b, int64_t *piv, size_t n)
{
    for (size_t k = 0; k < n; ++k) {
        size_t p = k;
        for (size_t i = k + 1; i < n; ++i)
            if (fabs(A[i * n + k]) > fabs(A[p * n + k]))
                p = i;
        piv[k] = (int64_t)p;
        if (!(A[p * n + k] != 0) || !isfinite(A[p * n + k]))
            return 0;
        if (p != k) {
            for (size_t j = 0; j < n; ++j) {
                double t = A[k * n + j];
                A[k * n + j] = A[p * n + j];
                A[p * n + j] = t;
            }
            double t = b[k];
            b[k] = b[p];
            b[p] = t;
        }
        for (size_t i = k + 1; i < n; ++i) {
            double l = A[i * n + k] / A[k * n + k];
            A[i * n + k] = l;
            for (size_t j = k + 1; j < n; ++j)
                A[i * n + j] -= l * A[k * n + j];
            b[i] -= l * b[k];
        }
    }
    for (size_t k = n; k-- > 0;) {
        double sum = b[k];
        for (size_t j = k + 1; j < n; ++j)
            sum -= A[k * n + j] * b[j];
        b[k] = sum / A[k * n + k];
    }
    return 1;
}

/* J from the stencil's raw outputs, H = J'J and g = J'1 on the backend; then d = -H^-1 g and
 * gtol = g' H^-1 g on the host. */
static gpuopt_status new_direction(gpuopt_run *run)
{
    bh_state *s = bh(run);
    gpuopt_backend *b = run->backend;
    size_t n = run->dim, m = run->n_outputs;
    struct gpuopt_fd_args a = fd_args(run);
    gpuopt_status st = gpuopt_backend_fd_combine(b, &a);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_run_backend_fail(run, st, "combining the Jacobian");
    gpuopt_dptr J = a.out;
    st = gpuopt_backend_dgemm(b, 1, 0, n, n, m, 1.0, J, 0, n, J, 0, n, 0.0,
                              gpuopt_run_dev(run, s->b_hess), 0, n);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_backend_dgemm(b, 1, 0, n, 1, m, 1.0, J, 0, n, gpuopt_run_dev(run, s->ones), 0,
                                  1, 0.0, gpuopt_run_dev(run, s->b_grad), 0, 1);
    if (st != GPUOPT_SUCCESS)
        return gpuopt_fd_run_backend_fail(run, st, "forming J'J and J'1");
    double *H = buf(run, s->hess), *g = buf(run, s->grad), *d = buf(run, s->dir);
    double *lu = buf(run, s->lu);
    st = gpuopt_run_read(run, s->b_hess, 0, n * n, H);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_run_read(run, s->b_grad, 0, n, g);
    if (st != GPUOPT_SUCCESS)
        return st;
    for (size_t i = 0; i < n * n; ++i)
        if (!isfinite(H[i]))
            return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                                   "bhhh: the Jacobian of the contributions is not finite at the "
                                   "current point (entry %zu of J'J is %g)",
                                   i, H[i]);
    memcpy(lu, H, n * n * sizeof *H);
    memcpy(d, g, n * sizeof *g);
    if (!lu_solve(lu, d, (int64_t *)gpuopt_run_host(run, s->piv), n)) {
        gpuopt_run_warn(run,
                        "bhhh: the outer product of the gradients J'J is singular after %lld "
                        "iterations: some parameter does not change any contribution",
                        (long long)run->n_iterations);
        return GPUOPT_STOP_ILL_CONDITIONED;
    }
    s->gtol = 0;
    for (size_t j = 0; j < n; ++j) {
        s->gtol += g[j] * d[j];
        d[j] = -d[j];
    }
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ steps */

static void warn_outside_bounds(gpuopt_run *run, const double *x)
{
    bh_state *s = bh(run);
    for (size_t j = 0; j < run->dim && !s->warned_bounds; ++j)
        if (x[j] < run->lower[j] || x[j] > run->upper[j]) {
            s->warned_bounds = 1;
            gpuopt_run_warn(run,
                            "bhhh ignores bounds: coordinate %zu left [%g, %g] at iteration %lld",
                            j, run->lower[j], run->upper[j], (long long)run->n_iterations);
        }
}

/* The candidate becomes the point, with value f. */
static void accept(gpuopt_run *run, double f)
{
    bh_state *s = bh(run);
    memcpy(buf(run, s->x), buf(run, s->cand), run->dim * sizeof(double));
    s->f_accepted = f;
    warn_outside_bounds(run, buf(run, s->x));
}

/* A Jacobian at the point is in: new direction, an iteration done, then a full step. */
static gpuopt_status after_jacobian(gpuopt_run *run)
{
    bh_state *s = bh(run);
    gpuopt_status st = new_direction(run);
    ++run->n_iterations;
    run->report[0] = s->gtol;
    run->report[1] = s->step;
    if (st != GPUOPT_SUCCESS)
        return st;
    if (s->gtol < gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance"))
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    s->step = 1.0;
    s->phase = BH_FULL;
    return GPUOPT_SUCCESS;
}

/* A rejected candidate: halve the step; at 0.01 or less take the candidate anyway. */
static gpuopt_status after_rejection(gpuopt_run *run, double f)
{
    bh_state *s = bh(run);
    s->step /= 2;
    if (s->step <= 0.01) {
        accept(run, f);
        s->phase = BH_JACOBIAN;
        return GPUOPT_SUCCESS;
    }
    ++run->n_iterations;
    run->report[1] = s->step;
    s->phase = BH_HALF;
    return GPUOPT_SUCCESS;
}

/* -------------------------------------------------------------------- init */

static gpuopt_status allocate_buffers(gpuopt_run *run, bh_state *s)
{
    size_t n = run->dim, m = run->n_outputs, rows = (size_t)s->rows;
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count, elem_size;
        int *id;
    } table[] = {
        {"bhhh_x", GPUOPT_ON_HOST, n, sizeof(double), &s->x},
        {"bhhh_candidate", GPUOPT_ON_HOST, n, sizeof(double), &s->cand},
        {"bhhh_direction", GPUOPT_ON_HOST, n, sizeof(double), &s->dir},
        {"bhhh_hessian", GPUOPT_ON_HOST, n * n, sizeof(double), &s->hess},
        {"bhhh_gradient", GPUOPT_ON_HOST, n, sizeof(double), &s->grad},
        {"bhhh_lu", GPUOPT_ON_HOST, n * n, sizeof(double), &s->lu},
        {"bhhh_pivots", GPUOPT_ON_HOST, n, sizeof(int64_t), &s->piv},
        {"bhhh_steps", GPUOPT_ON_HOST, 2 * n, sizeof(double), &s->steps},
        {"bhhh_batch_x", GPUOPT_ON_BACKEND, rows * n, sizeof(double), &s->bx},
        {"bhhh_batch_f", GPUOPT_ON_BACKEND, rows, sizeof(double), &s->bf},
        {"bhhh_contributions", GPUOPT_ON_BACKEND, rows * m, sizeof(double), &s->raw},
        {"bhhh_fd_x", GPUOPT_ON_BACKEND, n, sizeof(double), &s->fd_x},
        {"bhhh_fd_steps", GPUOPT_ON_BACKEND, 2 * n, sizeof(double), &s->fd_steps},
        {"bhhh_jacobian", GPUOPT_ON_BACKEND, m * n, sizeof(double), &s->jac},
        {"bhhh_outer_product", GPUOPT_ON_BACKEND, n * n, sizeof(double), &s->b_hess},
        {"bhhh_gradient_sum", GPUOPT_ON_BACKEND, n, sizeof(double), &s->b_grad},
        {"bhhh_ones", GPUOPT_ON_BACKEND, m, sizeof(double), &s->ones},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             table[i].elem_size, table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* The stencil's size, checked before anything is allocated. */
static gpuopt_status plan_stencil(gpuopt_run *run, bh_state *s)
{
    size_t n = run->dim, m = run->n_outputs, rows = 0;
    gpuopt_fd_spec spec = spec_of(s);
    gpuopt_status st = gpuopt_fd_run_plan(run, &spec, &rows);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (rows > SIZE_MAX / sizeof(double) / (m > n ? m : n) || m > SIZE_MAX / sizeof(double) / n ||
        n > SIZE_MAX / sizeof(double) / n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "bhhh: the Jacobian stencil of %zu points with %zu contributions "
                               "each (dimension %zu) does not fit in memory",
                               rows, m, n);
    s->rows = (int64_t)rows;
    return GPUOPT_SUCCESS;
}

static gpuopt_status bh_init(gpuopt_run *run)
{
    if (run->dim == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "bhhh: dimension is 0");
    bh_state *s = bh(run);
    gpuopt_fd_run_read_options(run, &s->method, &s->step_size, &s->scaling_factor,
                               &s->error_handling);
    gpuopt_status st = plan_stencil(run, s);
    if (st == GPUOPT_SUCCESS)
        st = allocate_buffers(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    double *ones = malloc(run->n_outputs * sizeof *ones);
    if (!ones)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY, "bhhh: out of memory");
    for (size_t i = 0; i < run->n_outputs; ++i)
        ones[i] = 1.0;
    st = gpuopt_run_write(run, s->ones, 0, run->n_outputs, ones);
    free(ones);
    if (st != GPUOPT_SUCCESS)
        return st;
    if (run->gradient)
        gpuopt_run_warn(run, "bhhh does not use the gradient of the sum: it needs the Jacobian "
                             "of the contributions, computed by finite differences");
    memcpy(buf(run, s->x), run->x0, run->dim * sizeof(double));
    s->step = 1.0;
    s->phase = BH_START;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------- ask, tell */

static gpuopt_status bh_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    bh_state *s = bh(run);
    gpuopt_status st = GPUOPT_SUCCESS;
    size_t n = (size_t)s->rows;
    if (s->phase == BH_START || s->phase == BH_JACOBIAN) {
        st = write_stencil(run, buf(run, s->x));
    } else {
        make_candidate(run);
        if (s->phase == BH_FULL)
            st = write_stencil(run, buf(run, s->cand));
        else {
            n = 1;
            st = gpuopt_run_write(run, s->bx, 0, run->dim, buf(run, s->cand));
        }
    }
    if (st != GPUOPT_SUCCESS)
        return st;
    batch->x_buffer = s->bx;
    batch->x_row = 0;
    batch->f_buffer = s->bf;
    batch->f_row = 0;
    batch->raw_buffer = s->raw;
    batch->n = n;
    return GPUOPT_SUCCESS;
}

static gpuopt_status bh_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    bh_state *s = bh(run);
    size_t expected = s->phase == BH_HALF ? 1 : (size_t)s->rows;
    if (batch->n != expected || batch->f_buffer != s->bf || batch->f_row != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "bhhh: told a batch of %zu values, expected %zu", batch->n,
                               expected);
    double f = NAN;
    gpuopt_status st = gpuopt_run_read(run, s->bf, 0, 1, &f);
    if (st != GPUOPT_SUCCESS)
        return st;
    switch (s->phase) {
    case BH_START:
        s->f_accepted = f;
        return after_jacobian(run);
    case BH_JACOBIAN:
        return after_jacobian(run);
    case BH_FULL:
        if (f > s->f_accepted)
            return after_rejection(run, f);
        accept(run, f);
        return after_jacobian(run);
    case BH_HALF:
        if (f > s->f_accepted)
            return after_rejection(run, f);
        accept(run, f);
        s->phase = BH_JACOBIAN;
        return GPUOPT_SUCCESS;
    default:
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "bhhh: unknown phase %d", s->phase);
    }
}

/* -------------------------------------------------------------- descriptor */

static const char *const bh_report_keys[] = {"newton_decrement", "step_size", NULL};

const gpuopt_algorithm gpuopt_algorithm_bhhh = {
    .name = "bhhh",
    .aliases = NULL,
    .presets = NULL,
    .summary = "Berndt-Hall-Hall-Hausman for maximum likelihood: the outer product of the "
               "contributions' gradients approximates the Hessian (estimagic's bhhh).",
    .doc = "Local, for likelihood criteria only (GPUOPT_CRITERION_LIKELIHOOD: n_outputs "
           "negative log-likelihood contributions per point, their sum minimized). Direction "
           "d = -(J'J)^-1 J'1 with J the Jacobian of the contributions (finite differences, one "
           "batch on the backend; J'J and J'1 by the backend's dgemm); a full step, halved while "
           "the sum does not decrease, taken anyway at a step <= 0.01. Converged when "
           "g'(J'J)^-1 g < convergence.absolute_gradient_tolerance. Unconstrained: bounds are "
           "ignored (a warning says when a point leaves them). Differences from estimagic: J'J "
           "is always that of the current point (estimagic keeps the one of the first, possibly "
           "rejected, candidate of a line search), the direction is recomputed after a forced "
           "step, and a start point that already meets the tolerance is not moved. Reference: "
           "Berndt, Hall, Hall & Hausman (1974), Annals of Economic and Social Measurement "
           "3(4):653-665.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = bh_options,
    .n_options = GPUOPT_COUNT(bh_options),
    .report_keys = bh_report_keys,
    .state_size = sizeof(bh_state),
    .init = bh_init,
    .ask = bh_ask,
    .tell = bh_tell,
};
