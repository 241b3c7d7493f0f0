/* DFO-LS (Cartis, Fiala, Marteau & Roberts 2019, "Improving the flexibility and robustness of
 * model-based derivative-free optimization solvers"), after the DFO-LS package's main loop.
 *
 * n + 1 interpolation points y_0..y_n, y_opt the best. Each residual has the linear model
 * r(y_opt) + J (x - y_opt), J from the n x n interpolation system (rows scaled by 1/delta when
 * trustregion.precondition_interpolation). The Gauss-Newton model ||r + J s||^2 is minimized over
 * the ball ||s|| <= delta and the bounds (TRSBOX truncated CG). Two radii: delta (the trust
 * region) and rho (its lower bound, the resolution). A step shorter than
 * threshold_for_safety_step rho is not evaluated (safety step): delta shrinks, and a far point is
 * replaced by a geometry point or rho is reduced. Otherwise the step is evaluated, delta updated
 * from rho_k = actual / predicted reduction, the new point replaces the point with the largest
 * distance-weighted Lagrange value; after an unsuccessful step a point farther than
 * max(2 delta, 10 rho) is replaced by a geometry point (maximizing its Lagrange polynomial in a
 * ball), else rho is reduced. Stops when rho reaches its minimum, on slow progress, a small
 * criterion, or noise; resets (optional) re-sample the set around y_opt as one batch. */
#include "dfols.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/philox.h"
#include "dfo/dfo_common.h"
#include "dfo/dfo_linalg.h"
#include "dfo/dfo_trsub.h"

enum dl_phase { DL_START = 0, DL_STEP, DL_GEOMETRY, DL_RESET };

typedef struct dl_state {
    int phase, random_directions, orthogonal, precondition, clip, use_resets;
    int64_t kopt, knew;          /* the best point; the point a geometry step replaces */
    int64_t n_asked, slow_count, n_resets, unsuccessful_resets, period, max_slow, max_resets;
    int64_t last_success;        /* iteration of the last successful step */
    double rho, delta, rhobeg, rhoend, f0, f_at_reset;
    double gamma_dec, gamma_inc, gamma_inc_big, alpha1, alpha2, eta1, eta2, safety;
    double slow_thresh, scaled_tol, noise_add, noise_mul, noise_tol, rhoend_scaling;
    double ratio, step_norm, pred;
    /* host buffers */
    int Y, R, F;                 /* points (n+1) x n, residuals (n+1) x m, values n+1 */
    int J, step, pending, slow;  /* Jacobian m x n, step n, asked points (n+1) x n, log f ring */
    /* backend buffers */
    int bx, bf, braw;
} dl_state;

#define DL_UNLIMITED 9223372036854775807.0

static const gpuopt_option_spec dl_options[] = {
    {"trustregion.initial_radius", GPUOPT_OPTION_DOUBLE, 0, "auto", 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,
     "rhobeg: the first delta and rho; auto: 0.1 max(||x0||_inf, 1) (DFO-LS's default)."},
    {"convergence.minimal_trustregion_radius_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0,
     DBL_MAX, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "rhoend: converged when rho would shrink below this."},
    {"convergence.scaled_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1e-20, NULL, 0, 1, NULL, 0,
     "Converged when f(y_opt) <= this * f(x0)."},
    {"convergence.slow_progress.threshold_to_characterize_as_slow", GPUOPT_OPTION_DOUBLE, 1e-8,
     NULL, 0, DBL_MAX, NULL, 0,
     "An iteration is slow when log f decreased by less than this per iteration over the "
     "comparison period."},
    {"convergence.slow_progress.max_insufficient_improvements", GPUOPT_OPTION_INT, 0, "auto", 0,
     DL_UNLIMITED, NULL, GPUOPT_OPT_ZERO_IS_AUTO,
     "Stop (or reset) after this many slow iterations in a row; auto: 20 n."},
    {"convergence.slow_progress.comparison_period", GPUOPT_OPTION_INT, 5, NULL, 1, 1000, NULL, 0,
     "Iterations over which the decrease of log f is averaged."},
    {"convergence.noise_corrected_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 1, NULL, 0, DBL_MAX,
     NULL, 0,
     "With a noise level: converged when every interpolation value is within this factor of the "
     "noise level of f(y_opt) (0: off)."},
    {"noise_additive_level", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,
     "Additive noise level of the criterion (0: none)."},
    {"noise_multiplicative_level", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,
     "Multiplicative noise level of the criterion (0: none). Not together with the additive one."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, DL_UNLIMITED, "unlimited", 1,
     DL_UNLIMITED, NULL, 0, "Residual vectors evaluated at most (batches are cut to it)."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, DL_UNLIMITED, "unlimited", 1, DL_UNLIMITED,
     NULL, 0, "Iterations (model updates) at most. Not convergence."},
    {"clip_criterion_if_overflowing", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Clip residuals to +-sqrt(DBL_MAX / (4 m)) so that the sum of squares stays finite."},
    {"initial_directions", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "coordinate|random", 0,
     "Directions of the first n points (and of reset points) from x0."},
    {"random_directions_orthogonal", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "With random directions: orthonormalize them (else: normalized Gaussian directions)."},
    {"threshold_for_safety_step", GPUOPT_OPTION_DOUBLE, 0.5, NULL, 0, DBL_MAX, NULL, 0,
     "A step shorter than this * rho is not evaluated (safety step)."},
    {"trustregion.precondition_interpolation", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Scale the interpolation system by 1/delta."},
    {"trustregion.shrinking_factor_not_successful", GPUOPT_OPTION_DOUBLE, 0.5, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE, "gamma_dec: delta's factor after a poor step."},
    {"trustregion.expansion_factor_successful", GPUOPT_OPTION_DOUBLE, 2, NULL, 1, DBL_MAX, NULL, 0,
     "gamma_inc: delta's factor after a very successful step."},
    {"trustregion.expansion_factor_very_successful", GPUOPT_OPTION_DOUBLE, 4, NULL, 1, DBL_MAX,
     NULL, 0, "gamma_inc_overline: delta grows to at least this * ||step|| after a very "
              "successful step."},
    {"trustregion.shrinking_factor_lower_radius", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE, "alpha1: rho's factor when reduced."},
    {"trustregion.shrinking_factor_upper_radius", GPUOPT_OPTION_DOUBLE, 0.5, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "alpha2: delta becomes max(alpha2 rho_old, rho_new) when rho is reduced."},
    {"trustregion.threshold_successful", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, 1, NULL, 0,
     "eta1: a step with rho_k below this is unsuccessful."},
    {"trustregion.threshold_very_successful", GPUOPT_OPTION_DOUBLE, 0.7, NULL, 0, 1, NULL, 0,
     "eta2: a step with rho_k above this is very successful."},
    {"trustregion.reset_options.use_resets", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "Reset instead of stopping at rhoend or on slow progress: the n points besides y_opt are "
     "re-sampled at radius rhobeg (one batch), rho and delta restart from rhobeg."},
    {"trustregion.reset_options.max_consecutive_unsuccessful_resets", GPUOPT_OPTION_INT, 10,
     NULL, 0, 1e6, NULL, 0, "Stop after this many resets in a row that found no better point."},
    {"trustregion.reset_options.minimal_trustregion_radius_tolerance_scaling_at_reset",
     GPUOPT_OPTION_DOUBLE, 1, NULL, 0, 1, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "rhoend is multiplied by this at every reset."},
};

/* ------------------------------------------------------------------ helpers */

static dl_state *dl(const gpuopt_run *run)
{
    return (dl_state *)run->state;
}

static double *pt(const gpuopt_run *run, int64_t k)
{
    return dfo_buf(run, dl(run)->Y) + (size_t)k * run->dim;
}

static double *res(const gpuopt_run *run, int64_t k)
{
    return dfo_buf(run, dl(run)->R) + (size_t)k * run->n_outputs;
}

static double fval(const gpuopt_run *run, int64_t k)
{
    return dfo_buf(run, dl(run)->F)[k];
}

static void set_point(gpuopt_run *run, int64_t k, const double *x, const double *r, double f)
{
    memcpy(pt(run, k), x, run->dim * sizeof *x);
    memcpy(res(run, k), r, run->n_outputs * sizeof *r);
    dfo_buf(run, dl(run)->F)[k] = f;
}

static void update_kopt(gpuopt_run *run)
{
    dl_state *s = dl(run);
    for (int64_t k = 0; k <= (int64_t)run->dim; ++k)
        if (fval(run, k) < fval(run, s->kopt))
            s->kopt = k;
}

static double dist_sq(const gpuopt_run *run, int64_t k)
{
    const double *y = pt(run, k), *o = pt(run, dl(run)->kopt);
    double d = 0;
    for (size_t j = 0; j < run->dim; ++j)
        d += (y[j] - o[j]) * (y[j] - o[j]);
    return d;
}

/* ----------------------------------------------------- interpolation model */

/* W (n x n): rows (y_k - y_opt) / scale for k != kopt; idx[row] = k. */
static void displacement_rows(const gpuopt_run *run, double scale, double *W, int64_t *idx)
{
    dl_state *s = dl(run);
    size_t n = run->dim, row = 0;
    const double *o = pt(run, s->kopt);
    for (int64_t k = 0; k <= (int64_t)n; ++k) {
        if (k == s->kopt)
            continue;
        for (size_t j = 0; j < n; ++j)
            W[row * n + j] = (pt(run, k)[j] - o[j]) / scale;
        idx[row++] = k;
    }
}

/* J from the interpolation conditions r(y_k) - r(y_opt) = J (y_k - y_opt); 0 when singular. */
static int build_jacobian(gpuopt_run *run)
{
    dl_state *s = dl(run);
    size_t n = run->dim, m = run->n_outputs;
    double scale = s->precondition ? s->delta : 1;
    double *W = malloc((n * n + n * m + 2 * n) * sizeof *W);
    if (!W)
        return -1;
    double *B = W + n * n;
    int64_t *idx = (int64_t *)(void *)(B + n * m);
    size_t *piv = (size_t *)(void *)(idx + n);
    displacement_rows(run, scale, W, idx);
    const double *ro = res(run, s->kopt);
    for (size_t row = 0; row < n; ++row)
        for (size_t k = 0; k < m; ++k)
            B[row * m + k] = res(run, idx[row])[k] - ro[k];
    int ok = dfo_solve(W, B, n, m, piv);
    double *J = dfo_buf(run, s->J);
    for (size_t k = 0; k < m && ok; ++k)
        for (size_t j = 0; j < n; ++j) {
            J[k * n + j] = B[j * m + k] / scale;
            ok = ok && isfinite(J[k * n + j]);
        }
    free(W);
    return ok;
}

/* Lagrange values l_k(x) of every point k at x (l_opt = 1 - sum of the others); 0 when the
 * set is degenerate. */
static int lagrange_values(gpuopt_run *run, const double *x, double *l)
{
    dl_state *s = dl(run);
    size_t n = run->dim;
    double *W = malloc((n * n + n + 2 * n) * sizeof *W);
    if (!W)
        return 0;
    double *c = W + n * n;
    int64_t *idx = (int64_t *)(void *)(c + n);
    size_t *piv = (size_t *)(void *)(idx + n);
    displacement_rows(run, s->delta, W, idx);
    /* l(x) over the rows: solve W' c = (x - y_opt) / delta */
    double *Wt = malloc(n * n * sizeof *Wt);
    int ok = Wt != NULL;
    if (ok) {
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j)
                Wt[i * n + j] = W[j * n + i];
        for (size_t j = 0; j < n; ++j)
            c[j] = (x[j] - pt(run, s->kopt)[j]) / s->delta;
        ok = dfo_solve(Wt, c, n, 1, piv);
    }
    if (ok) {
        double sum = 0;
        for (size_t row = 0; row < n; ++row) {
            l[idx[row]] = c[row];
            sum += c[row];
        }
        l[s->kopt] = 1 - sum;
    }
    free(Wt);
    free(W);
    return ok;
}

/* The point (not y_opt) that x should replace: largest |l_k(x)| weighted by distance. */
static int64_t point_to_replace(gpuopt_run *run, const double *x)
{
    dl_state *s = dl(run);
    size_t n = run->dim;
    double *l = malloc((n + 1) * sizeof *l);
    int64_t best = s->kopt == 0 ? 1 : 0;
    int ok = l && lagrange_values(run, x, l);
    double wsq = fmax(0.1 * s->delta, s->rho), top = -1;
    for (int64_t k = 0; k <= (int64_t)n; ++k) {
        if (k == s->kopt)
            continue;
        double w = fmax(1, dist_sq(run, k) / (wsq * wsq));
        double v = (ok ? fabs(l[k]) : 1) * w * w;
        if (v > top) {
            top = v;
            best = k;
        }
    }
    free(l);
    return best;
}

static int64_t farthest_point(gpuopt_run *run, double *dsq)
{
    dl_state *s = dl(run);
    int64_t far = s->kopt == 0 ? 1 : 0;
    *dsq = -1;
    for (int64_t k = 0; k <= (int64_t)run->dim; ++k)
        if (k != s->kopt && dist_sq(run, k) > *dsq) {
            *dsq = dist_sq(run, k);
            far = k;
        }
    return far;
}

/* ------------------------------------------------------------------- steps */

/* The Gauss-Newton step over the ball and the bounds; predicted reduction of ||r||^2. */
static gpuopt_status trust_region_step(gpuopt_run *run)
{
    dl_state *s = dl(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *J = dfo_buf(run, s->J), *r = res(run, s->kopt), *o = pt(run, s->kopt);
    double *d = dfo_buf(run, s->step);
    double *w = malloc((n + n * n + 2 * n + dfo_trsub_work(n) + m) * sizeof *w);
    if (!w)
        return dfo_no_memory(run);
    double *H = w + n, *lo = H + n * n, *hi = lo + n, *work = hi + n, *Jd = work + dfo_trsub_work(n);
    for (size_t i = 0; i < n; ++i) {
        double g = 0;
        for (size_t k = 0; k < m; ++k)
            g += J[k * n + i] * r[k];
        w[i] = g;
        for (size_t j = 0; j < n; ++j) {
            double h = 0;
            for (size_t k = 0; k < m; ++k)
                h += J[k * n + i] * J[k * n + j];
            H[i * n + j] = h;
        }
        lo[i] = fmin(run->lower[i] - o[i], 0);
        hi[i] = fmax(run->upper[i] - o[i], 0);
    }
    dfo_cg_options cg = {DFO_CG_TRSBOX, 0, 1e-10};
    dfo_tr_cg(n, w, H, lo, hi, s->delta, &cg, d, work);
    ls_matvec(J, m, n, n, d, Jd);
    double pred = 0;
    for (size_t k = 0; k < m; ++k)
        pred -= Jd[k] * (2 * r[k] + Jd[k]);
    free(w);
    s->pred = pred;
    s->step_norm = dfo_norm(d, n);
    return GPUOPT_SUCCESS;
}

/* The point maximizing |l_knew| on the ball of radius adelt around y_opt within the bounds:
 * the gradient of l_knew (linear) followed in both senses, coordinates clipped at their bounds
 * and the remaining radius spent on the others. */
static void linear_max_in_box(const double *c, const double *lo, const double *hi, size_t n,
                              double radius, double *d, double *fixed)
{
    memset(d, 0, n * sizeof *d);
    memset(fixed, 0, n * sizeof *fixed);
    double left = radius * radius;
    for (size_t pass = 0; pass <= n; ++pass) {
        double cn = 0;
        for (size_t j = 0; j < n; ++j)
            cn += fixed[j] != 0 ? 0 : c[j] * c[j];
        if (!(cn > 0) || !(left > 0))
            return;
        double t = sqrt(left / cn);
        int clipped = 0;
        for (size_t j = 0; j < n; ++j) {
            if (fixed[j] != 0)
                continue;
            d[j] = t * c[j];
            if (d[j] > hi[j] || d[j] < lo[j]) {
                d[j] = d[j] > hi[j] ? hi[j] : lo[j];
                fixed[j] = 1;
                left -= d[j] * d[j];
                clipped = 1;
            }
        }
        if (!clipped)
            return;
    }
}

static gpuopt_status geometry_point(gpuopt_run *run, int64_t knew, double adelt)
{
    dl_state *s = dl(run);
    size_t n = run->dim;
    double *w = malloc((6 * n + 1) * sizeof *w);
    if (!w)
        return dfo_no_memory(run);
    double *c = w, *lo = c + n, *hi = lo + n, *d1 = hi + n, *d2 = d1 + n, *fixed = d2 + n;
    double *W = malloc((n * n + 2 * n) * sizeof *W);
    if (!W) {
        free(w);
        return dfo_no_memory(run);
    }
    int64_t *idx = (int64_t *)(void *)(W + n * n);
    size_t *piv = (size_t *)(void *)(idx + n);
    const double *o = pt(run, s->kopt);
    displacement_rows(run, 1, W, idx);
    /* gradient of l_knew: column of W^-1 for knew's row, i.e. solve W c = e_row */
    memset(c, 0, n * sizeof *c);
    for (size_t row = 0; row < n; ++row)
        if (idx[row] == knew)
            c[row] = 1;
    int ok = dfo_solve(W, c, n, 1, piv);
    if (!ok)
        for (size_t j = 0; j < n; ++j) /* degenerate set: a coordinate direction */
            c[j] = j == (size_t)(knew % (int64_t)n);
    for (size_t j = 0; j < n; ++j) {
        lo[j] = fmin(run->lower[j] - o[j], 0);
        hi[j] = fmax(run->upper[j] - o[j], 0);
    }
    linear_max_in_box(c, lo, hi, n, adelt, d1, fixed);
    for (size_t j = 0; j < n; ++j)
        c[j] = -c[j];
    linear_max_in_box(c, lo, hi, n, adelt, d2, fixed);
    double v1 = fabs(ls_dot(c, d1, n)), v2 = fabs(ls_dot(c, d2, n));
    double *d = v1 >= v2 ? d1 : d2, *P = dfo_buf(run, s->pending);
    for (size_t j = 0; j < n; ++j)
        P[j] = o[j] + d[j];
    dfo_clip(run, P);
    free(W);
    free(w);
    s->knew = knew;
    s->n_asked = 1;
    s->phase = DL_GEOMETRY;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ start, reset */

/* n directions (rows of D) of length radius: coordinates (negated where the upper bound is
 * nearer than radius), or random ones (orthonormalized when asked) from the run's seed. */
static gpuopt_status directions(gpuopt_run *run, const double *x, double radius, double *P)
{
    dl_state *s = dl(run);
    size_t n = run->dim;
    double *D = calloc(2 * n * n + n, sizeof *D);
    if (!D)
        return dfo_no_memory(run);
    if (!s->random_directions) {
        for (size_t j = 0; j < n; ++j)
            D[j * n + j] = 1;
    } else {
        for (size_t i = 0; i < n * n; ++i)
            D[i] = gpuopt_philox_normal(run->seed, 7000 + (uint64_t)s->n_resets, i);
        if (s->orthogonal) {
            double *Q = D + n * n;
            double *work = malloc((n * n + n) * sizeof *work);
            if (!work) {
                free(D);
                return dfo_no_memory(run);
            }
            dfo_qr_q(D, n, n, Q, work);
            free(work);
            for (size_t i = 0; i < n; ++i)
                for (size_t j = 0; j < n; ++j)
                    D[i * n + j] = Q[j * n + i]; /* rows: the columns of Q */
        } else {
            for (size_t i = 0; i < n; ++i) {
                double nn = dfo_norm(D + i * n, n);
                for (size_t j = 0; j < n; ++j)
                    D[i * n + j] /= nn > 0 ? nn : 1;
            }
        }
    }
    for (size_t i = 0; i < n; ++i) {
        double *p = P + i * n;
        for (size_t j = 0; j < n; ++j) {
            double step = radius * D[i * n + j];
            if (x[j] + step > run->upper[j] && x[j] - step >= run->lower[j])
                step = -step;
            p[j] = x[j] + step;
        }
        dfo_clip(run, p);
    }
    free(D);
    return GPUOPT_SUCCESS;
}

static gpuopt_status start_reset(gpuopt_run *run)
{
    dl_state *s = dl(run);
    ++s->n_resets;
    s->unsuccessful_resets = fval(run, s->kopt) < s->f_at_reset ? 0 : s->unsuccessful_resets + 1;
    if (s->unsuccessful_resets >= s->max_resets)
        return GPUOPT_STOP_NO_IMPROVEMENT;
    s->f_at_reset = fval(run, s->kopt);
    s->rhoend *= s->rhoend_scaling;
    s->rho = s->delta = s->rhobeg;
    s->slow_count = 0;
    run->report[3] = (double)s->n_resets;
    gpuopt_status st = directions(run, pt(run, s->kopt), s->rhobeg, dfo_buf(run, s->pending));
    s->n_asked = (int64_t)run->dim;
    s->phase = DL_RESET;
    return st;
}

/* rhoend reached, slow progress: stop with `reason`, or reset. */
static gpuopt_status stop_or_reset(gpuopt_run *run, gpuopt_status reason)
{
    return dl(run)->use_resets ? start_reset(run) : reason;
}

static gpuopt_status reduce_rho(gpuopt_run *run)
{
    dl_state *s = dl(run);
    if (s->rho <= s->rhoend)
        return stop_or_reset(run, GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE);
    double ratio = s->rho / s->rhoend, rho_new;
    if (ratio <= 16)
        rho_new = s->rhoend;
    else if (ratio <= 250)
        rho_new = sqrt(ratio) * s->rhoend;
    else
        rho_new = s->alpha1 * s->rho;
    s->delta = fmax(s->alpha2 * s->rho, rho_new);
    s->rho = rho_new;
    return GPUOPT_SUCCESS;
}

/* ----------------------------------------------------------- the iteration */

static gpuopt_status check_slow_and_small(gpuopt_run *run)
{
    dl_state *s = dl(run);
    double fopt = fval(run, s->kopt);
    if (fopt <= s->scaled_tol * s->f0)
        return GPUOPT_STOP_TARGET_REACHED;
    double *ring = dfo_buf(run, s->slow), lf = log(fmax(fopt, DBL_MIN));
    int64_t it = run->n_iterations, slot = it % (s->period + 1);
    if (it > s->period) {
        double old = ring[slot]; /* the value period iterations ago */
        s->slow_count = (old - lf) / (double)s->period < s->slow_thresh ? s->slow_count + 1 : 0;
    }
    ring[slot] = lf;
    if (s->slow_count >= s->max_slow)
        return stop_or_reset(run, GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE);
    double level = fmax(s->noise_add, s->noise_mul * fopt);
    if (level > 0 && s->noise_tol > 0) {
        int within = 1;
        for (int64_t k = 0; k <= (int64_t)run->dim && within; ++k)
            within = fval(run, k) - fopt <= s->noise_tol * level;
        if (within)
            return stop_or_reset(run, GPUOPT_STOP_CRITERION_TOLERANCE);
    }
    return GPUOPT_SUCCESS;
}

/* A model, then a step: evaluated, or a safety step (no evaluation) that loops. Safety steps
 * count within the iteration they end (one iteration per batch: the history logs one row per
 * iteration). */
static gpuopt_status next_step(gpuopt_run *run)
{
    dl_state *s = dl(run);
    ++run->n_iterations;
    for (;;) {
        run->report[0] = s->delta;
        run->report[1] = s->rho;
        run->report[2] = isfinite(s->ratio) ? s->ratio : 0.0;
        run->report[3] = (double)s->n_resets;
        gpuopt_status st = check_slow_and_small(run);
        if (st != GPUOPT_SUCCESS || s->phase == DL_RESET)
            return st;
        int ok = build_jacobian(run);
        if (ok < 0)
            return dfo_no_memory(run);
        if (!ok) { /* a degenerate set: replace the farthest point by a geometry point */
            double dsq;
            return geometry_point(run, farthest_point(run, &dsq), fmax(s->delta, s->rho));
        }
        st = trust_region_step(run);
        if (st != GPUOPT_SUCCESS)
            return st;
        if (s->step_norm >= s->safety * s->rho && s->pred > 0) {
            s->n_asked = 1;
            s->phase = DL_STEP;
            return GPUOPT_SUCCESS;
        }
        /* safety step */
        s->delta = fmax(s->gamma_dec * s->delta, s->rho);
        double dsq;
        int64_t far = farthest_point(run, &dsq);
        double cutoff = fmax(2 * s->delta, 10 * s->rho);
        if (dsq > cutoff * cutoff)
            return geometry_point(run, far, fmax(fmin(0.1 * sqrt(dsq), s->delta), s->rho));
        st = reduce_rho(run);
        if (st != GPUOPT_SUCCESS || s->phase == DL_RESET)
            return st;
    }
}

static void update_delta(dl_state *s)
{
    if (s->ratio < s->eta1)
        s->delta = fmin(s->gamma_dec * s->delta, s->step_norm);
    else if (s->ratio <= s->eta2)
        s->delta = fmax(s->gamma_dec * s->delta, s->step_norm);
    else
        s->delta = fmin(fmax(s->gamma_inc * s->delta, s->gamma_inc_big * s->step_norm), 1e10);
    if (s->delta <= 1.5 * s->rho)
        s->delta = s->rho;
}

static gpuopt_status after_step(gpuopt_run *run, const double *x, const double *r, double f)
{
    dl_state *s = dl(run);
    s->ratio = (fval(run, s->kopt) - f) / s->pred;
    run->report[2] = isfinite(s->ratio) ? s->ratio : 0.0; /* 0: no prediction */
    update_delta(s);
    int64_t knew = point_to_replace(run, x);
    set_point(run, knew, x, r, f);
    if (f < fval(run, s->kopt))
        s->kopt = knew;
    if (s->ratio >= s->eta1) {
        s->last_success = run->n_iterations;
        return next_step(run);
    }
    double dsq;
    int64_t far = farthest_point(run, &dsq);
    double cutoff = fmax(2 * s->delta, 10 * s->rho);
    if (dsq > cutoff * cutoff)
        return geometry_point(run, far, fmax(fmin(0.1 * sqrt(dsq), s->delta), s->rho));
    if (s->ratio > 0 || fmax(s->delta, s->step_norm) > s->rho)
        return next_step(run);
    gpuopt_status st = reduce_rho(run);
    if (st != GPUOPT_SUCCESS || s->phase == DL_RESET)
        return st;
    return next_step(run);
}

/* -------------------------------------------------------------------- init */

static gpuopt_status read_options(gpuopt_run *run, dl_state *s)
{
    size_t n = run->dim;
    double xmax = 0;
    for (size_t j = 0; j < n; ++j)
        xmax = fmax(xmax, fabs(run->x0[j]));
    s->rhobeg = gpuopt_opt_is_auto(run, "trustregion.initial_radius")
                    ? 0.1 * fmax(xmax, 1)
                    : gpuopt_opt_double(run, "trustregion.initial_radius");
    s->rhoend = gpuopt_opt_double(run, "convergence.minimal_trustregion_radius_tolerance");
    s->scaled_tol = gpuopt_opt_double(run, "convergence.scaled_criterion_tolerance");
    s->slow_thresh =
        gpuopt_opt_double(run, "convergence.slow_progress.threshold_to_characterize_as_slow");
    s->max_slow = gpuopt_opt_is_auto(run, "convergence.slow_progress.max_insufficient_improvements")
                      ? 20 * (int64_t)n
                      : gpuopt_opt_int(run, "convergence.slow_progress.max_insufficient_improvements");
    s->period = gpuopt_opt_int(run, "convergence.slow_progress.comparison_period");
    s->noise_tol = gpuopt_opt_double(run, "convergence.noise_corrected_criterion_tolerance");
    s->noise_add = gpuopt_opt_double(run, "noise_additive_level");
    s->noise_mul = gpuopt_opt_double(run, "noise_multiplicative_level");
    s->clip = gpuopt_opt_bool(run, "clip_criterion_if_overflowing");
    s->random_directions = gpuopt_opt_choice(run, "initial_directions") == 2;
    s->orthogonal = gpuopt_opt_bool(run, "random_directions_orthogonal");
    s->safety = gpuopt_opt_double(run, "threshold_for_safety_step");
    s->precondition = gpuopt_opt_bool(run, "trustregion.precondition_interpolation");
    s->gamma_dec = gpuopt_opt_double(run, "trustregion.shrinking_factor_not_successful");
    s->gamma_inc = gpuopt_opt_double(run, "trustregion.expansion_factor_successful");
    s->gamma_inc_big = gpuopt_opt_double(run, "trustregion.expansion_factor_very_successful");
    s->alpha1 = gpuopt_opt_double(run, "trustregion.shrinking_factor_lower_radius");
    s->alpha2 = gpuopt_opt_double(run, "trustregion.shrinking_factor_upper_radius");
    s->eta1 = gpuopt_opt_double(run, "trustregion.threshold_successful");
    s->eta2 = gpuopt_opt_double(run, "trustregion.threshold_very_successful");
    s->use_resets = gpuopt_opt_bool(run, "trustregion.reset_options.use_resets");
    s->max_resets =
        gpuopt_opt_int(run, "trustregion.reset_options.max_consecutive_unsuccessful_resets");
    s->rhoend_scaling = gpuopt_opt_double(
        run, "trustregion.reset_options.minimal_trustregion_radius_tolerance_scaling_at_reset");
    if (!(s->rhoend < s->rhobeg))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "dfols: convergence.minimal_trustregion_radius_tolerance (%g) must "
                               "be smaller than trustregion.initial_radius (%g)",
                               s->rhoend, s->rhobeg);
    if (!(s->eta1 <= s->eta2))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "dfols: trustregion.threshold_successful (%g) must not exceed "
                               "trustregion.threshold_very_successful (%g)",
                               s->eta1, s->eta2);
    if (!(s->gamma_inc <= s->gamma_inc_big))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "dfols: trustregion.expansion_factor_successful (%g) must not "
                               "exceed trustregion.expansion_factor_very_successful (%g)",
                               s->gamma_inc, s->gamma_inc_big);
    if (s->noise_add > 0 && s->noise_mul > 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "dfols: set noise_additive_level or noise_multiplicative_level, "
                               "not both (got %g and %g)",
                               s->noise_add, s->noise_mul);
    return GPUOPT_SUCCESS;
}

static gpuopt_status allocate(gpuopt_run *run, dl_state *s)
{
    size_t n = run->dim, m = run->n_outputs;
    if (m > SIZE_MAX / sizeof(double) / (n + 1) / 2)
        return dfo_no_memory(run);
    dfo_buffer_spec table[] = {
        {"dfols_points", (n + 1) * n, &s->Y},
        {"dfols_residuals", (n + 1) * m, &s->R},
        {"dfols_values", n + 1, &s->F},
        {"dfols_jacobian", m * n, &s->J},
        {"dfols_step", n, &s->step},
        {"dfols_pending", (n + 1) * n, &s->pending},
        {"dfols_log_values", (size_t)s->period + 1, &s->slow},
    };
    gpuopt_status st = dfo_allocate(run, table, GPUOPT_COUNT(table));
    if (st == GPUOPT_SUCCESS)
        st = dfo_allocate_batch(run, "dfols", &s->bx, &s->bf, &s->braw);
    return st;
}

static gpuopt_status dl_init(gpuopt_run *run)
{
    if (run->dim == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "dfols: dimension is 0");
    dl_state *s = dl(run);
    gpuopt_status st = read_options(run, s);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    size_t n = run->dim;
    double *P = dfo_buf(run, s->pending);
    memcpy(P, run->x0, n * sizeof *P);
    st = directions(run, run->x0, s->rhobeg, P + n);
    s->rho = s->delta = s->rhobeg;
    s->n_asked = (int64_t)n + 1;
    s->f_at_reset = INFINITY;
    s->phase = DL_START;
    return st;
}

/* --------------------------------------------------------------- ask, tell */

static gpuopt_status dl_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    dl_state *s = dl(run);
    double *P = dfo_buf(run, s->pending);
    if (s->phase == DL_STEP) {
        const double *o = pt(run, s->kopt), *d = dfo_buf(run, s->step);
        for (size_t j = 0; j < run->dim; ++j)
            P[j] = o[j] + d[j];
        dfo_clip(run, P);
    }
    size_t k = dfo_batch_size(run, (size_t)s->n_asked);
    return dfo_ask_points(run, P, k, s->bx, s->bf, s->braw, batch);
}

static void clip_residuals(const gpuopt_run *run, double *r, double *f, size_t k)
{
    size_t m = run->n_outputs;
    double cap = sqrt(DBL_MAX / (4.0 * (double)m));
    for (size_t i = 0; i < k; ++i) {
        int changed = 0;
        for (size_t j = 0; j < m; ++j)
            if (fabs(r[i * m + j]) > cap) {
                r[i * m + j] = copysign(cap, r[i * m + j]);
                changed = 1;
            }
        if (changed)
            f[i] = ls_dot(r + i * m, r + i * m, m);
    }
}

static gpuopt_status dl_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    dl_state *s = dl(run);
    size_t n = run->dim, m = run->n_outputs, k = batch->n;
    double *f;
    gpuopt_status st = dfo_tell_batch(run, batch, (size_t)s->n_asked, s->bf, s->braw, &f);
    if (st != GPUOPT_SUCCESS)
        return st;
    double *r = f + k;
    if (s->clip)
        clip_residuals(run, r, f, k);
    const double *P = dfo_buf(run, s->pending);
    if (s->phase == DL_STEP) {
        st = after_step(run, P, r, f[0]);
    } else if (s->phase == DL_GEOMETRY) {
        set_point(run, s->knew, P, r, f[0]);
        update_kopt(run);
        s->phase = DL_STEP;
        st = next_step(run);
    } else if (s->phase == DL_START) {
        for (size_t i = 0; i <= n; ++i)
            set_point(run, (int64_t)i, P + i * n, r + i * m, f[i]);
        s->f0 = f[0];
        s->kopt = 0;
        update_kopt(run);
        s->phase = DL_STEP;
        st = next_step(run);
    } else { /* reset: y_opt stays, the others are the new points */
        const double *o = pt(run, s->kopt);
        double *xo = malloc((n + m + 1) * sizeof *xo);
        if (!xo) {
            free(f);
            return dfo_no_memory(run);
        }
        memcpy(xo, o, n * sizeof *xo);
        memcpy(xo + n, res(run, s->kopt), m * sizeof *xo);
        xo[n + m] = fval(run, s->kopt);
        set_point(run, 0, xo, xo + n, xo[n + m]);
        for (size_t i = 0; i < n; ++i)
            set_point(run, (int64_t)i + 1, P + i * n, r + i * m, f[i]);
        free(xo);
        s->kopt = 0;
        update_kopt(run);
        s->phase = DL_STEP;
        st = next_step(run);
    }
    free(f);
    return st;
}

/* -------------------------------------------------------------- descriptor */

static const char *const dl_aliases[] = {"nag_dfols", NULL};
static const char *const dl_report_keys[] = {"trustregion_radius", "rho", "ratio", "restart",
                                             NULL};

const gpuopt_algorithm gpuopt_algorithm_dfols = {
    .name = "dfols",
    .aliases = dl_aliases,
    .presets = NULL,
    .summary = "DFO-LS: derivative-free Gauss-Newton for least squares with linear interpolation "
               "models of each residual (Cartis, Fiala, Marteau & Roberts 2019).",
    .doc = "Local, derivative-free, for least-squares criteria (GPUOPT_CRITERION_LEAST_SQUARES). "
           "n + 1 interpolation points (x0 and x0 + rhobeg along coordinate or random directions, "
           "one batch), linear residual models, Gauss-Newton trust-region steps over the ball and "
           "the bounds (TRSBOX), geometry and safety steps, two radii (delta, rho). Stops when "
           "rho reaches convergence.minimal_trustregion_radius_tolerance, on slow progress, a "
           "scaled criterion, or within the noise level; optional resets re-sample the set. "
           "nag_dfols is an alias. See docs/algorithms/dfols.md for the differences from the "
           "DFO-LS package. Reference: C. Cartis, J. Fiala, B. Marteau, L. Roberts (2019), ACM "
           "Trans. Math. Softw. 45(3):32.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_LEAST_SQUARES,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = dl_options,
    .n_options = GPUOPT_COUNT(dl_options),
    .report_keys = dl_report_keys,
    .state_size = sizeof(dl_state),
    .init = dl_init,
    .ask = dl_ask,
    .tell = dl_tell,
};
