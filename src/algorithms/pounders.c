/* POUNDERS (Wild 2017, "Solving derivative-free nonlinear least squares problems with
 * POUNDERS"), structured as estimagic's pure-Python port.
 *
 * Each residual r_k has a quadratic model in the scaled coordinates y = (x - x_acc) / delta
 * around the accepted point: r_k(x_acc) + l_k'y + y'S_k y/2. The models interpolate a fully
 * linear set (the accepted point and n affinely independent points within c1 delta, made up by
 * orthogonal geometry points when too few are known) plus up to max_interpolation_points - n - 1
 * further points (within c2 delta, kept while they leave the system well poised: theta2); the
 * Hessians are the minimum-Frobenius-norm change of the previous ones. The master model of
 * ||r||^2 / 2 has gradient g = sum r_k l_k and Hessian sum l_k l_k' + r_k S_k; its trust-region
 * subproblem is solved over the unit box intersected with the bounds (bntr) or the unit ball
 * (gqtpar, then cut back to the bounds). The step is accepted when rho = (f_acc - f_new) / (model
 * decrease) >= threshold_very_successful, or > threshold_successful with a valid model. Points
 * whose values are outliers (is_outlier) are never chosen for a model.
 *
 * Batches: the n + 1 start points and the geometry points are evaluated as one batch each; the
 * residuals come back as raw outputs. The history is a ring of the most recent points (plus the
 * accepted one), sized so that every point a model may use is in it. */
#include "pounders.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dfo/dfo_common.h"
#include "dfo/dfo_linalg.h"
#include "dfo/dfo_trsub.h"

enum pd_phase { PD_START = 0, PD_CANDIDATE, PD_GEOMETRY };
enum pd_solver { PD_BNTR = 1, PD_GQTPAR = 2 };

typedef struct pd_state {
    int phase, geometry_stage; /* stage 1: before the radius update; 2: after it */
    int solver, valid;
    int outlier_step;      /* the last candidate was an outlier (is_outlier) */
    int64_t n_interp, hist_cap;
    int64_t nf;            /* points ever added to the history */
    int64_t accepted;      /* history index of the accepted point */
    int64_t n_modelpoints, n_last_modelpoints, n_asked;
    double delta, delta_old, rho, step_norm, model_decrease;
    double f_accepted, gradient_norm, gradient_norm_initial;
    double f_start;        /* the best start point's value: the scale of outliers */
    double gtol_abs, gtol_rel, gtol_scaled, delta_min, delta_max, gamma0, gamma1;
    double theta1, theta2, eta0, eta1, c1, c2, k_easy, k_hard;
    dfo_bntr_options bntr;
    /* host buffers */
    int hx, hr, hf;        /* ring history: hist_cap x n, hist_cap x m, hist_cap */
    int acc_x, acc_r;      /* the accepted point and its residuals */
    int lin, sq;           /* residual models: n x m linear terms, m x n x n square terms */
    int mg, mh;            /* master model: n, n x n */
    int step, mind, last_mind, pending; /* subproblem step, model indices, asked points */
    /* backend buffers */
    int bx, bf, braw;
} pd_state;

/* ------------------------------------------------------------------ options */

#define PD_UNLIMITED 9223372036854775807.0

static const gpuopt_option_spec pd_options[] = {
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX, NULL,
     0, "Converged when delta ||g|| < this (g: the master model's gradient in the scaled "
        "coordinates, as estimagic and TAO)."},
    {"convergence.relative_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0, DBL_MAX, NULL,
     0, "Converged when delta ||g|| / f < this, f the accepted sum of squares."},
    {"convergence.scaled_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,
     "Converged when delta ||g|| is below this share of its value at the start (0: off)."},
    {"max_interpolation_points", GPUOPT_OPTION_INT, 0, "auto", 0, PD_UNLIMITED, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO,
     "Most points in a residual model; auto: 2n + 1. Between n + 1 and (n+1)(n+2)/2."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 2000, NULL, 1, PD_UNLIMITED, NULL, 0,
     "Stop after this many iterations (one trust-region step each). Not convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, PD_UNLIMITED, "unlimited", 1,
     PD_UNLIMITED, NULL, 0,
     "Stop once this many residual vectors are evaluated (batches are cut to the budget)."},
    {"trustregion.initial_radius", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE, "delta at the start; the start points are x0 + delta e_i."},
    {"trustregion.minimal_radius", GPUOPT_OPTION_DOUBLE, 1e-6, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE, "delta never shrinks below this."},
    {"trustregion.maximal_radius", GPUOPT_OPTION_DOUBLE, 1e6, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE, "delta never grows beyond this."},
    {"trustregion.shrinking_factor_not_successful", GPUOPT_OPTION_DOUBLE, 0.5, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "delta is multiplied by this after an unsuccessful step with a valid (fully linear) model."},
    {"trustregion.expansion_factor_successful", GPUOPT_OPTION_DOUBLE, 2, NULL, 1, DBL_MAX, NULL, 0,
     "delta is multiplied by this after a very successful step longer than delta / 2."},
    {"theta1", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "A point joins the fully linear set when its scaled distance from the span of the set is "
     "at least this."},
    {"theta2", GPUOPT_OPTION_DOUBLE, 1e-4, NULL, 0, DBL_MAX, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "A further point joins a model when the smallest singular value of the quadratic system "
     "stays above this."},
    {"trustregion.threshold_successful", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, 1, NULL, 0,
     "eta0: a step is accepted when rho > this and the model is valid."},
    {"trustregion.threshold_very_successful", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "eta1: a step is accepted when rho >= this; delta may then grow."},
    {"c1", GPUOPT_OPTION_DOUBLE, 0, "auto", 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_ZERO_IS_AUTO,
     "Points of the fully linear set lie within c1 delta of the accepted point; auto: sqrt(n)."},
    {"c2", GPUOPT_OPTION_DOUBLE, 10, NULL, 0, DBL_MAX, NULL, GPUOPT_OPT_MIN_EXCLUSIVE,
     "Any model point lies within c2 delta; also the radius for completing a set that is not "
     "valid."},
    {"trustregion.subproblem_solver", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "bntr|gqtpar", 0,
     "bntr: bounded Newton trust-region over the unit box and the bounds; gqtpar: Moré-Sorensen "
     "over the unit ball (steps cut back to the bounds)."},
    {"trustregion.subsolver.conjugate_gradient_method", GPUOPT_OPTION_CHOICE, 3, NULL, 0, 0,
     "cg|steihaug_toint|trsbox", 0, "How bntr computes its Newton steps (truncated CG)."},
    {"trustregion.subsolver.max_iterations", GPUOPT_OPTION_INT, 50, NULL, 1, 1e6, NULL, 0,
     "Iterations of the subproblem solver (bntr's Newton steps, gqtpar's updates of lambda)."},
    {"trustregion.subsolver.max_iterations_gradient_descent", GPUOPT_OPTION_INT, 5, NULL, 0, 1e6,
     NULL, 0, "Projected gradient steps bntr takes before its Newton steps."},
    {"trustregion.subsolver.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0,
     DBL_MAX, NULL, 0, "bntr stops when its projected gradient norm is below this."},
    {"trustregion.subsolver.relative_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0,
     DBL_MAX, NULL, 0, "bntr stops when its projected gradient norm / |q| is below this."},
    {"trustregion.subsolver.scaled_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX,
     NULL, 0, "bntr stops when its projected gradient norm falls below this share of the first."},
    {"trustregion.subsolver.cg_absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-8, NULL, 0,
     DBL_MAX, NULL, 0, "Truncated CG stops when its residual norm is below this..."},
    {"trustregion.subsolver.cg_relative_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-6, NULL, 0,
     DBL_MAX, NULL, 0, "... or below this share of the gradient norm it started from."},
    {"trustregion.subsolver.k_easy", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "gqtpar stops when | ||s|| - 1 | <= k_easy (easy case)."},
    {"trustregion.subsolver.k_hard", GPUOPT_OPTION_DOUBLE, 0.2, NULL, 0, 1, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE | GPUOPT_OPT_MAX_EXCLUSIVE,
     "gqtpar accepts a hard-case step when the eigenvector's share of the model decrease is at "
     "most k_hard."},
};

/* ------------------------------------------------------------------ helpers */

static pd_state *pd(const gpuopt_run *run)
{
    return (pd_state *)run->state;
}

static size_t nq_of(size_t n)
{
    return n * (n + 1) / 2;
}

/* The history's x and residuals of point g (the accepted one from its own copy). */
static const double *hist_x(const gpuopt_run *run, int64_t g)
{
    const pd_state *s = pd(run);
    if (g == s->accepted)
        return dfo_buf(run, s->acc_x);
    return dfo_buf(run, s->hx) + (size_t)(g % s->hist_cap) * run->dim;
}

static const double *hist_r(const gpuopt_run *run, int64_t g)
{
    const pd_state *s = pd(run);
    if (g == s->accepted)
        return dfo_buf(run, s->acc_r);
    return dfo_buf(run, s->hr) + (size_t)(g % s->hist_cap) * run->n_outputs;
}

static int64_t oldest(const gpuopt_run *run)
{
    const pd_state *s = pd(run);
    return s->nf > s->hist_cap ? s->nf - s->hist_cap : 0;
}

/* (x_g - x_acc) / radius. */
static void centered(const gpuopt_run *run, int64_t g, double radius, double *y)
{
    const double *x = hist_x(run, g), *c = dfo_buf(run, pd(run)->acc_x);
    for (size_t j = 0; j < run->dim; ++j)
        y[j] = (x[j] - c[j]) / radius;
}

static void add_point(gpuopt_run *run, const double *x, const double *r, double f)
{
    pd_state *s = pd(run);
    size_t slot = (size_t)(s->nf % s->hist_cap), n = run->dim, m = run->n_outputs;
    memcpy(dfo_buf(run, s->hx) + slot * n, x, n * sizeof *x);
    memcpy(dfo_buf(run, s->hr) + slot * m, r, m * sizeof *r);
    dfo_buf(run, s->hf)[slot] = f;
    s->nf++;
}

static double hist_f(const gpuopt_run *run, int64_t g)
{
    const pd_state *s = pd(run);
    return g == s->accepted ? s->f_accepted : dfo_buf(run, s->hf)[g % s->hist_cap];
}

/* A point far outside the region a quadratic model can describe: its value exceeds the start
 * value (or the accepted one, if larger) by the factor PD_OUTLIER (residual norms 1e4 times
 * larger). Such a point (an exponential blowing up at a long step) would dominate the
 * minimum-Frobenius-norm Hessians, which every later model inherits, shrinking only with the
 * radius; it stays in the history and is never chosen for a model (geometry points asked
 * after the radius update enter the model whatever their values, so no loop can arise). */
#define PD_OUTLIER 1e8

static int is_outlier(const gpuopt_run *run, int64_t g)
{
    const pd_state *s = pd(run);
    double scale = fmax(s->f_start, s->f_accepted);
    if (g == s->accepted || scale <= 0)
        return 0;
    return !(hist_f(run, g) <= PD_OUTLIER * scale);
}

static void set_accepted(gpuopt_run *run, int64_t g)
{
    pd_state *s = pd(run);
    const double *x = hist_x(run, g), *r = hist_r(run, g);
    double f = hist_f(run, g);
    memmove(dfo_buf(run, s->acc_x), x, run->dim * sizeof *x);
    memmove(dfo_buf(run, s->acc_r), r, run->n_outputs * sizeof *r);
    s->accepted = g;
    s->f_accepted = f;
}

/* ------------------------------------------------------------ master model */

/* g = sum_k r_k l_k and H = sum_k l_k l_k' (+ r_k S_k when with_square). */
static void make_master(gpuopt_run *run, int with_square)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *L = dfo_buf(run, s->lin), *S = dfo_buf(run, s->sq), *r = dfo_buf(run, s->acc_r);
    double *g = dfo_buf(run, s->mg), *H = dfo_buf(run, s->mh);
    for (size_t i = 0; i < n; ++i) {
        g[i] = ls_dot(L + i * m, r, m);
        for (size_t j = 0; j < n; ++j) {
            double h = ls_dot(L + i * m, L + j * m, m);
            if (with_square)
                for (size_t k = 0; k < m; ++k)
                    h += r[k] * S[(k * n + i) * n + j];
            H[i * n + j] = h;
        }
    }
}

/* ------------------------------------------------------------- subproblem */

static gpuopt_status solve_subproblem(gpuopt_run *run)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    const double *x = dfo_buf(run, s->acc_x), *g = dfo_buf(run, s->mg), *H = dfo_buf(run, s->mh);
    double *step = dfo_buf(run, s->step);
    double *work = malloc((dfo_trsub_work(n) + 2 * n) * sizeof *work);
    if (!work)
        return dfo_no_memory(run);
    double *lo = work + dfo_trsub_work(n), *hi = lo + n;
    for (size_t j = 0; j < n; ++j) {
        lo[j] = fmin(fmax((run->lower[j] - x[j]) / s->delta, -1), 0);
        hi[j] = fmax(fmin((run->upper[j] - x[j]) / s->delta, 1), 0);
    }
    double q;
    if (s->solver == PD_BNTR) {
        q = dfo_bntr(n, g, H, lo, hi, &s->bntr, step, work);
    } else {
        q = dfo_gqtpar(n, g, H, 1.0, s->k_easy, s->k_hard, s->bntr.max_iterations, step, work);
        double t = 1; /* cut back along the step to the bounds */
        for (size_t j = 0; j < n; ++j) {
            if (step[j] > hi[j])
                t = fmin(t, hi[j] / step[j]);
            if (step[j] < lo[j])
                t = fmin(t, lo[j] / step[j]);
        }
        if (t < 1) {
            for (size_t j = 0; j < n; ++j)
                step[j] *= t;
            q = dfo_model_value(n, g, H, step);
        }
    }
    free(work);
    s->model_decrease = -q;
    s->step_norm = dfo_norm(step, n);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------ affine points */

/* Adds history points within c delta whose component orthogonal to the span of the set (the
 * orthonormal columns B, n x n, first *np used) is at least theta1; newest first. P receives
 * the points' scaled coordinates (columns). */
static void find_affine_points(gpuopt_run *run, double c, double *P, double *B, int64_t *np)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    double *mind = dfo_buf(run, s->mind);
    double *y = malloc(2 * n * sizeof *y);
    if (!y)
        return;
    double *v = y + n;
    for (int64_t g = s->nf - 1; g >= oldest(run) && *np < (int64_t)n; --g) {
        centered(run, g, s->delta, y);
        if (dfo_norm(y, n) > c || is_outlier(run, g))
            continue;
        memcpy(v, y, n * sizeof *v);
        for (int pass = 0; pass < 2; ++pass)
            for (int64_t k = 0; k < *np; ++k) {
                double d = 0;
                for (size_t i = 0; i < n; ++i)
                    d += B[i * n + (size_t)k] * v[i];
                for (size_t i = 0; i < n; ++i)
                    v[i] -= d * B[i * n + (size_t)k];
            }
        double proj = dfo_norm(v, n);
        if (proj < s->theta1)
            continue;
        for (size_t i = 0; i < n; ++i) {
            B[i * n + (size_t)*np] = v[i] / proj;
            P[i * n + (size_t)*np] = y[i];
        }
        mind[*np] = (double)g;
        ++*np;
    }
    free(y);
}

/* The points that complete the set: the accepted point + delta q for the columns q of the QR
 * factor orthogonal to the set, each pointing downhill for the master model, clipped to the
 * bounds. */
static gpuopt_status geometry_points(gpuopt_run *run, const double *P, int64_t np)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    double *work = malloc((2 * n * n + n) * sizeof *work);
    if (!work)
        return dfo_no_memory(run);
    double *Q = work + n * n + n;
    dfo_qr_q(P, n, n, Q, work);
    const double *x = dfo_buf(run, s->acc_x), *g = dfo_buf(run, s->mg);
    double *pending = dfo_buf(run, s->pending), *mind = dfo_buf(run, s->mind);
    size_t k = 0;
    for (size_t i = (size_t)np; i < n; ++i, ++k) {
        double dir = 0;
        for (size_t j = 0; j < n; ++j)
            dir += Q[j * n + i] * g[j];
        double sign = dir > 0 ? -1 : 1;
        for (size_t j = 0; j < n; ++j)
            pending[k * n + j] = x[j] + s->delta * sign * Q[j * n + i];
        dfo_clip(run, pending + k * n);
        mind[i] = (double)(s->nf + (int64_t)k);
    }
    free(work);
    s->n_asked = (int64_t)k;
    return GPUOPT_SUCCESS;
}

/* The fully linear set with radius c; 1 when the caller must evaluate geometry points. */
static gpuopt_status affine_set(gpuopt_run *run, int stage, int *need_points)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    double *P = calloc(2 * n * n, sizeof *P);
    if (!P)
        return dfo_no_memory(run);
    double *B = P + n * n;
    int64_t np = 0;
    find_affine_points(run, s->c1, P, B, &np);
    gpuopt_status st = GPUOPT_SUCCESS;
    *need_points = 0;
    if (stage == 2)
        s->valid = np == (int64_t)n;
    if (np < (int64_t)n && stage == 2)
        find_affine_points(run, s->c2, P, B, &np);
    if (np < (int64_t)n) {
        st = geometry_points(run, P, np);
        *need_points = st == GPUOPT_SUCCESS;
        s->geometry_stage = stage;
    }
    s->n_modelpoints = (int64_t)n;
    free(P);
    return st;
}

/* ------------------------------------------------------- interpolation */

static void monomials(const double *y, size_t n, double *phi)
{
    size_t j = 0;
    for (size_t i = 0; i < n; ++i) {
        phi[j++] = 0.5 * y[i] * y[i];
        for (size_t k = i + 1; k < n; ++k)
            phi[j++] = y[i] * y[k] / sqrt(2.0);
    }
}

typedef struct interp_work {
    size_t n, nq, cap;
    double *M, *Phi, *Q, *qr_work, *ZN, *gram, *eig_w, *eig_V, *eig_work;
} interp_work;

static void interp_free(interp_work *w)
{
    free(w->M);
}

static int interp_alloc(interp_work *w, size_t n, size_t cap)
{
    size_t nq = nq_of(n), big = cap > nq ? cap : nq;
    w->n = n;
    w->nq = nq;
    w->cap = cap;
    size_t total = cap * (n + 1) + cap * nq + cap * cap + (cap * (n + 1) + cap) + cap * nq +
                   3 * big * big + big;
    w->M = calloc(total, sizeof(double));
    if (!w->M)
        return 0;
    w->Phi = w->M + cap * (n + 1);
    w->Q = w->Phi + cap * nq;
    w->qr_work = w->Q + cap * cap;
    w->ZN = w->qr_work + cap * (n + 1) + cap;
    w->gram = w->ZN + cap * nq;
    w->eig_V = w->gram + big * big;
    w->eig_work = w->eig_V + big * big;
    w->eig_w = w->eig_work + big * big;
    return 1;
}

/* Q of the first p rows of M; Z'Phi (rows n+1..p-1 of Q'Phi) into ZN; returns the smallest
 * singular value of Z'Phi (the poisedness of the quadratic part). */
static double null_space_poisedness(interp_work *w, size_t p)
{
    size_t n = w->n, nq = w->nq, q = p - n - 1;
    dfo_qr_q(w->M, p, n + 1, w->Q, w->qr_work);
    for (size_t a = 0; a < q; ++a)
        for (size_t b = 0; b < nq; ++b) {
            double v = 0;
            for (size_t i = 0; i < p; ++i)
                v += w->Q[i * p + n + 1 + a] * w->Phi[i * nq + b];
            w->ZN[a * nq + b] = v;
        }
    size_t k = q < nq ? q : nq;
    int rows = q <= nq; /* Gram matrix of the smaller side */
    size_t dim = rows ? q : nq;
    for (size_t a = 0; a < dim; ++a)
        for (size_t b = 0; b < dim; ++b) {
            double v = 0;
            if (rows)
                v = ls_dot(w->ZN + a * nq, w->ZN + b * nq, nq);
            else
                for (size_t i = 0; i < q; ++i)
                    v += w->ZN[i * nq + a] * w->ZN[i * nq + b];
            w->gram[a * dim + b] = v;
        }
    dfo_sym_eigen(w->gram, dim, w->eig_w, w->eig_V, w->eig_work);
    (void)k;
    return sqrt(fmax(w->eig_w[0], 0));
}

/* Chooses the model points: the accepted point and the n affine points first, then newer
 * points within c2 delta while the quadratic system stays poised. Fills M (rows [1, y]) and Phi
 * (monomials) and returns the number of points. */
static size_t choose_points(gpuopt_run *run, interp_work *w)
{
    pd_state *s = pd(run);
    size_t n = run->dim, nq = w->nq, p = n + 1;
    double *mind = dfo_buf(run, s->mind);
    for (size_t i = 0; i <= n; ++i) {
        w->M[i * (n + 1)] = 1;
        centered(run, (int64_t)mind[i], s->delta, w->M + i * (n + 1) + 1);
        monomials(w->M + i * (n + 1) + 1, n, w->Phi + i * nq);
    }
    for (int64_t g = s->nf - 1; g >= oldest(run) && p < (size_t)s->n_interp; --g) {
        int in_model = 0;
        for (size_t i = 0; i <= n && !in_model; ++i)
            in_model = (int64_t)mind[i] == g;
        if (in_model)
            continue;
        double *row = w->M + p * (n + 1);
        row[0] = 1;
        centered(run, g, s->delta, row + 1);
        if (dfo_norm(row + 1, n) > s->c2 || is_outlier(run, g))
            continue;
        monomials(row + 1, n, w->Phi + p * nq);
        if (null_space_poisedness(w, p + 1) > s->theta2)
            mind[p++] = (double)g;
    }
    if (p > n + 1)
        null_space_poisedness(w, p);
    return p;
}

/* The interpolation residuals F (p x m): r(x_i) minus the current model at x_i, the model in
 * the coordinates of the previous radius. */
static void model_residuals(gpuopt_run *run, size_t p, double *F, double *y)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *L = dfo_buf(run, s->lin), *S = dfo_buf(run, s->sq);
    const double *c = dfo_buf(run, s->acc_r), *mind = dfo_buf(run, s->mind);
    for (size_t i = 0; i < p; ++i) {
        int64_t g = (int64_t)mind[i];
        const double *r = hist_r(run, g);
        centered(run, g, s->delta_old, y);
        for (size_t k = 0; k < m; ++k) {
            double v = c[k];
            for (size_t j = 0; j < n; ++j)
                v += L[j * m + k] * y[j];
            v += 0.5 * dfo_quadform(S + k * n * n, y, n);
            F[i * m + k] = r[k] - v;
        }
    }
}

/* Adds the minimum-Frobenius-norm interpolant of F to the (rescaled) residual models. */
static gpuopt_status fit_models(gpuopt_run *run, interp_work *w, size_t p, double *F)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs, nq = w->nq, q = p - n - 1;
    double *beta = calloc(nq * m + q * q + q * m + (n + 1) * (n + 1) + (n + 1) * m + p + nq * q,
                          sizeof *beta);
    if (!beta)
        return dfo_no_memory(run);
    double *A = beta + nq * m, *omega = A + q * q, *Mn = omega + q * m, *alpha = Mn + (n + 1) * (n + 1);
    size_t *piv = (size_t *)(void *)(alpha + (n + 1) * m);
    double *Lz = (double *)(piv + p); /* Phi'Z: nq x q, i.e. ZN transposed */
    int ok = 1;
    if (q > 0) {
        for (size_t a = 0; a < nq; ++a)
            for (size_t b = 0; b < q; ++b)
                Lz[a * q + b] = w->ZN[b * nq + a];
        for (size_t a = 0; a < q; ++a)
            for (size_t b = 0; b < q; ++b)
                A[a * q + b] = ls_dot(w->ZN + a * nq, w->ZN + b * nq, nq);
        for (size_t a = 0; a < q; ++a)
            for (size_t k = 0; k < m; ++k) {
                double v = 0;
                for (size_t i = 0; i < p; ++i)
                    v += w->Q[i * p + n + 1 + a] * F[i * m + k];
                omega[a * m + k] = v;
            }
        ok = dfo_solve(A, omega, q, m, piv);
        for (size_t a = 0; a < nq && ok; ++a)
            for (size_t k = 0; k < m; ++k) {
                double v = 0;
                for (size_t b = 0; b < q; ++b)
                    v += Lz[a * q + b] * omega[b * m + k];
                beta[a * m + k] = v;
            }
    }
    for (size_t i = 0; i <= n && ok; ++i) {
        memcpy(Mn + i * (n + 1), w->M + i * (n + 1), (n + 1) * sizeof *Mn);
        for (size_t k = 0; k < m; ++k) {
            double v = F[i * m + k];
            for (size_t a = 0; a < nq; ++a)
                v -= w->Phi[i * nq + a] * beta[a * m + k];
            alpha[i * m + k] = v;
        }
    }
    if (ok)
        ok = dfo_solve(Mn, alpha, n + 1, m, piv);
    if (ok) {
        double ratio = s->delta / s->delta_old;
        double *L = dfo_buf(run, s->lin), *S = dfo_buf(run, s->sq);
        for (size_t j = 0; j < n; ++j)
            for (size_t k = 0; k < m; ++k)
                L[j * m + k] = alpha[(j + 1) * m + k] + ratio * L[j * m + k];
        for (size_t k = 0; k < m; ++k) {
            double *Sk = S + k * n * n;
            size_t a = 0;
            for (size_t i = 0; i < n; ++i) {
                Sk[i * n + i] = beta[a++ * m + k] + ratio * ratio * Sk[i * n + i];
                for (size_t j = i + 1; j < n; ++j, ++a) {
                    double h = beta[a * m + k] / sqrt(2.0) + ratio * ratio * Sk[i * n + j];
                    Sk[i * n + j] = Sk[j * n + i] = h;
                }
            }
        }
    }
    free(beta);
    if (!ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "pounders: the interpolation system is singular at iteration %lld "
                               "(the affine points were checked to be independent)",
                               (long long)run->n_iterations);
    return GPUOPT_SUCCESS;
}

static gpuopt_status build_model(gpuopt_run *run)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs, cap = (size_t)s->n_interp;
    double *mind = dfo_buf(run, s->mind);
    /* the accepted point first, then the n affine points */
    memmove(mind + 1, mind, n * sizeof *mind);
    mind[0] = (double)s->accepted;
    interp_work w;
    if (!interp_alloc(&w, n, cap))
        return dfo_no_memory(run);
    size_t p = choose_points(run, &w);
    double *F = malloc((p * m + n) * sizeof *F);
    gpuopt_status st = F ? GPUOPT_SUCCESS : dfo_no_memory(run);
    if (st == GPUOPT_SUCCESS) {
        model_residuals(run, p, F, F + p * m);
        st = fit_models(run, &w, p, F);
    }
    free(F);
    interp_free(&w);
    s->n_modelpoints = (int64_t)p;
    if (st == GPUOPT_SUCCESS)
        make_master(run, 1);
    return st;
}

/* ------------------------------------------------------------- iterations */

static int same_model(gpuopt_run *run)
{
    pd_state *s = pd(run);
    double *mind = dfo_buf(run, s->mind), *last = dfo_buf(run, s->last_mind);
    int same = s->n_modelpoints == s->n_last_modelpoints;
    for (int64_t i = 0; i < s->n_modelpoints; ++i) {
        same = same && mind[i] == last[i];
        last[i] = mind[i];
    }
    s->n_last_modelpoints = s->n_modelpoints;
    return same;
}

static gpuopt_status check_convergence(gpuopt_run *run, int same)
{
    pd_state *s = pd(run);
    double gn = s->gradient_norm;
    if (same && s->delta == s->delta_old)
        return GPUOPT_STOP_NO_EFFECT;
    if (gn < s->gtol_abs || (s->f_accepted != 0 && fabs(gn / s->f_accepted) < s->gtol_rel))
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    if (s->gradient_norm_initial != 0 && gn / s->gradient_norm_initial < s->gtol_scaled)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    return GPUOPT_SUCCESS;
}

/* The model is rebuilt from the chosen points; convergence is checked; the next step is
 * solved. */
static gpuopt_status finish_iteration(gpuopt_run *run)
{
    pd_state *s = pd(run);
    gpuopt_status st = build_model(run);
    if (st != GPUOPT_SUCCESS)
        return st;
    s->gradient_norm = dfo_norm(dfo_buf(run, s->mg), run->dim) * s->delta;
    ++run->n_iterations;
    run->report[0] = s->delta;
    run->report[1] = s->gradient_norm;
    run->report[2] = isfinite(s->rho) ? s->rho : 0.0; /* 0: no candidate ratio yet, or +-inf */
    run->report[3] = (double)s->n_modelpoints;
    st = check_convergence(run, same_model(run));
    if (st != GPUOPT_SUCCESS)
        return st;
    st = solve_subproblem(run);
    s->phase = PD_CANDIDATE;
    return st;
}

/* The radius update, then the fully linear set (geometry points when needed). */
static gpuopt_status update_radius(gpuopt_run *run)
{
    pd_state *s = pd(run);
    s->delta_old = s->delta;
    if (s->rho >= s->eta1 && s->step_norm > 0.5)
        s->delta = fmin(s->delta * s->gamma1, s->delta_max);
    else if (s->valid || s->outlier_step)
        s->delta = fmax(s->delta * s->gamma0, s->delta_min);
    int need = 0;
    gpuopt_status st = affine_set(run, 2, &need);
    if (st != GPUOPT_SUCCESS || need) {
        s->phase = PD_GEOMETRY;
        return st;
    }
    return finish_iteration(run);
}

/* Moves the residual and master models to the new accepted point x_acc + delta y. */
static void shift_models(gpuopt_run *run, const double *y)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs;
    double *L = dfo_buf(run, s->lin), *S = dfo_buf(run, s->sq), *g = dfo_buf(run, s->mg);
    const double *H = dfo_buf(run, s->mh);
    for (size_t k = 0; k < m; ++k) {
        const double *Sk = S + k * n * n;
        for (size_t j = 0; j < n; ++j)
            L[j * m + k] += ls_dot(Sk + j * n, y, n);
    }
    for (size_t j = 0; j < n; ++j)
        g[j] += ls_dot(H + j * n, y, n);
}

static gpuopt_status after_candidate(gpuopt_run *run, const double *x, const double *r, double f)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    s->rho = s->model_decrease > 0 ? (s->f_accepted - f) / s->model_decrease
                                   : (f < s->f_accepted ? INFINITY : -INFINITY);
    add_point(run, x, r, f);
    s->outlier_step = is_outlier(run, s->nf - 1);
    if (s->rho >= s->eta1 || (s->rho > s->eta0 && s->valid)) {
        double y[64], *yy = n <= 64 ? y : malloc(n * sizeof *yy);
        if (!yy)
            return dfo_no_memory(run);
        centered(run, s->nf - 1, s->delta, yy);
        shift_models(run, yy);
        if (yy != y)
            free(yy);
        set_accepted(run, s->nf - 1);
    }
    if (!s->valid) {
        int need = 0;
        gpuopt_status st = affine_set(run, 1, &need);
        if (st != GPUOPT_SUCCESS || need) {
            s->phase = PD_GEOMETRY;
            return st;
        }
    }
    return update_radius(run);
}

/* -------------------------------------------------------------------- start */

/* The initial model: linear interpolation of x0 and x0 + delta e_i (-delta e_i where the upper
 * bound is closer than delta), centered on the best of them. */
static gpuopt_status initial_model(gpuopt_run *run)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs;
    int64_t best = 0;
    for (int64_t g = 1; g <= (int64_t)n; ++g)
        if (dfo_buf(run, s->hf)[g] < dfo_buf(run, s->hf)[best])
            best = g;
    s->accepted = -1;
    set_accepted(run, best);
    s->f_start = s->f_accepted;
    double *X = malloc((n * n + n * m + n) * sizeof *X);
    if (!X)
        return dfo_no_memory(run);
    double *R = X + n * n;
    size_t *piv = (size_t *)(void *)(R + n * m), row = 0;
    for (int64_t g = 0; g <= (int64_t)n; ++g) {
        if (g == best)
            continue;
        centered(run, g, s->delta, X + row * n);
        const double *r = hist_r(run, g), *c = dfo_buf(run, s->acc_r);
        for (size_t k = 0; k < m; ++k)
            R[row * m + k] = r[k] - c[k];
        ++row;
    }
    int ok = dfo_solve(X, R, n, m, piv);
    if (ok)
        memcpy(dfo_buf(run, s->lin), R, n * m * sizeof *R);
    free(X);
    if (!ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "pounders: the start points do not span the space");
    make_master(run, 0);
    s->gradient_norm_initial = dfo_norm(dfo_buf(run, s->mg), n) * s->delta;
    s->valid = 1;
    s->n_modelpoints = (int64_t)n + 1;
    return solve_subproblem(run);
}

static void start_points(gpuopt_run *run)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    double *P = dfo_buf(run, s->pending);
    for (size_t i = 0; i <= n; ++i) {
        memcpy(P + i * n, run->x0, n * sizeof *P);
        if (i == 0)
            continue;
        size_t j = i - 1;
        int up = run->x0[j] + s->delta <= run->upper[j] ||
                 run->x0[j] - s->delta < run->lower[j];
        P[i * n + j] += up ? s->delta : -s->delta;
    }
    s->n_asked = (int64_t)n + 1;
}

/* -------------------------------------------------------------------- init */

static gpuopt_status read_options(gpuopt_run *run, pd_state *s)
{
    size_t n = run->dim;
    s->gtol_abs = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->gtol_rel = gpuopt_opt_double(run, "convergence.relative_gradient_tolerance");
    s->gtol_scaled = gpuopt_opt_double(run, "convergence.scaled_gradient_tolerance");
    s->delta = gpuopt_opt_double(run, "trustregion.initial_radius");
    s->delta_min = gpuopt_opt_double(run, "trustregion.minimal_radius");
    s->delta_max = gpuopt_opt_double(run, "trustregion.maximal_radius");
    s->gamma0 = gpuopt_opt_double(run, "trustregion.shrinking_factor_not_successful");
    s->gamma1 = gpuopt_opt_double(run, "trustregion.expansion_factor_successful");
    s->theta1 = gpuopt_opt_double(run, "theta1");
    s->theta2 = gpuopt_opt_double(run, "theta2");
    s->eta0 = gpuopt_opt_double(run, "trustregion.threshold_successful");
    s->eta1 = gpuopt_opt_double(run, "trustregion.threshold_very_successful");
    s->c1 = gpuopt_opt_is_auto(run, "c1") ? sqrt((double)n) : gpuopt_opt_double(run, "c1");
    s->c2 = gpuopt_opt_double(run, "c2");
    s->solver = gpuopt_opt_choice(run, "trustregion.subproblem_solver");
    s->bntr.cg.method = gpuopt_opt_choice(run, "trustregion.subsolver.conjugate_gradient_method");
    s->bntr.cg.gtol_abs = gpuopt_opt_double(run, "trustregion.subsolver.cg_absolute_gradient_tolerance");
    s->bntr.cg.gtol_rel = gpuopt_opt_double(run, "trustregion.subsolver.cg_relative_gradient_tolerance");
    s->bntr.max_iterations = (int)gpuopt_opt_int(run, "trustregion.subsolver.max_iterations");
    s->bntr.max_gradient_steps =
        (int)gpuopt_opt_int(run, "trustregion.subsolver.max_iterations_gradient_descent");
    s->bntr.gtol_abs = gpuopt_opt_double(run, "trustregion.subsolver.absolute_gradient_tolerance");
    s->bntr.gtol_rel = gpuopt_opt_double(run, "trustregion.subsolver.relative_gradient_tolerance");
    s->bntr.gtol_scaled = gpuopt_opt_double(run, "trustregion.subsolver.scaled_gradient_tolerance");
    s->k_easy = gpuopt_opt_double(run, "trustregion.subsolver.k_easy");
    s->k_hard = gpuopt_opt_double(run, "trustregion.subsolver.k_hard");
    int64_t most = (int64_t)((n + 1) * (n + 2) / 2);
    s->n_interp = gpuopt_opt_is_auto(run, "max_interpolation_points")
                      ? 2 * (int64_t)n + 1
                      : gpuopt_opt_int(run, "max_interpolation_points");
    if (s->n_interp > most && gpuopt_opt_is_auto(run, "max_interpolation_points"))
        s->n_interp = most;
    if (!(s->delta_min <= s->delta && s->delta <= s->delta_max))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "pounders: the trust-region radii must satisfy minimal_radius <= "
                               "initial_radius <= maximal_radius; got %g, %g, %g",
                               s->delta_min, s->delta, s->delta_max);
    if (!(s->eta0 <= s->eta1))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "pounders: trustregion.threshold_successful (%g) must not exceed "
                               "trustregion.threshold_very_successful (%g)",
                               s->eta0, s->eta1);
    if (s->n_interp < (int64_t)n + 1 || s->n_interp > most)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "pounders: max_interpolation_points is %lld; at dimension %zu it "
                               "must lie in [%zu, %lld] (n + 1 to (n+1)(n+2)/2)",
                               (long long)s->n_interp, n, n + 1, (long long)most);
    return GPUOPT_SUCCESS;
}

static gpuopt_status allocate(gpuopt_run *run, pd_state *s)
{
    size_t n = run->dim, m = run->n_outputs, cap = (size_t)s->n_interp;
    s->hist_cap = (int64_t)(2 * cap + 4 * (n + 1));
    size_t h = (size_t)s->hist_cap;
    if (m > SIZE_MAX / sizeof(double) / (n * n + 1) || h > SIZE_MAX / sizeof(double) / (n + m))
        return dfo_no_memory(run);
    dfo_buffer_spec table[] = {
        {"pounders_history_x", h * n, &s->hx},
        {"pounders_history_r", h * m, &s->hr},
        {"pounders_history_f", h, &s->hf},
        {"pounders_accepted_x", n, &s->acc_x},
        {"pounders_accepted_r", m, &s->acc_r},
        {"pounders_linear_terms", n * m, &s->lin},
        {"pounders_square_terms", m * n * n, &s->sq},
        {"pounders_master_gradient", n, &s->mg},
        {"pounders_master_hessian", n * n, &s->mh},
        {"pounders_step", n, &s->step},
        {"pounders_model_indices", cap + 1, &s->mind},
        {"pounders_last_model_indices", cap + 1, &s->last_mind},
        {"pounders_pending", (n + 1) * n, &s->pending},
    };
    gpuopt_status st = dfo_allocate(run, table, GPUOPT_COUNT(table));
    if (st == GPUOPT_SUCCESS)
        st = dfo_allocate_batch(run, "pounders", &s->bx, &s->bf, &s->braw);
    return st;
}

static gpuopt_status pd_init(gpuopt_run *run)
{
    if (run->dim == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "pounders: dimension is 0");
    pd_state *s = pd(run);
    gpuopt_status st = read_options(run, s);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    for (size_t j = 0; j < run->dim; ++j)
        if (run->upper[j] - run->lower[j] < s->delta)
            gpuopt_run_warn(run,
                            "pounders: coordinate %zu's bounds [%g, %g] are narrower than the "
                            "initial radius %g; its start point is clipped to them",
                            j, run->lower[j], run->upper[j], s->delta);
    s->delta_old = s->delta;
    s->accepted = -1;
    s->outlier_step = 0;
    s->rho = NAN;
    start_points(run);
    for (int64_t i = 0; i < s->n_asked; ++i)
        dfo_clip(run, dfo_buf(run, s->pending) + i * (int64_t)run->dim);
    s->phase = PD_START;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------- ask, tell */

static gpuopt_status pd_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    pd_state *s = pd(run);
    size_t n = run->dim;
    double *P = dfo_buf(run, s->pending);
    if (s->phase == PD_CANDIDATE) {
        const double *x = dfo_buf(run, s->acc_x), *step = dfo_buf(run, s->step);
        for (size_t j = 0; j < n; ++j)
            P[j] = x[j] + s->delta * step[j];
        dfo_clip(run, P);
        s->n_asked = 1;
    }
    size_t k = dfo_batch_size(run, (size_t)s->n_asked);
    return dfo_ask_points(run, P, k, s->bx, s->bf, s->braw, batch);
}

static gpuopt_status pd_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    pd_state *s = pd(run);
    size_t n = run->dim, m = run->n_outputs, k = batch->n;
    double *f;
    gpuopt_status st = dfo_tell_batch(run, batch, (size_t)s->n_asked, s->bf, s->braw, &f);
    if (st != GPUOPT_SUCCESS)
        return st;
    double *r = f + k;
    const double *P = dfo_buf(run, s->pending);
    if (s->phase == PD_CANDIDATE) {
        st = after_candidate(run, P, r, f[0]);
    } else {
        for (size_t i = 0; i < k; ++i)
            add_point(run, P + i * n, r + i * m, f[i]);
        if (s->phase == PD_START)
            st = initial_model(run), s->phase = PD_CANDIDATE;
        else if (s->geometry_stage == 1)
            st = update_radius(run);
        else
            st = finish_iteration(run);
    }
    free(f);
    return st;
}

/* -------------------------------------------------------------- descriptor */

static const char *const pd_aliases[] = {"tao_pounders", NULL};
static const char *const pd_report_keys[] = {"trustregion_radius", "gradient_norm", "rho",
                                             "n_model_points", NULL};

const gpuopt_algorithm gpuopt_algorithm_pounders = {
    .name = "pounders",
    .aliases = pd_aliases,
    .presets = NULL,
    .summary = "POUNDERS: derivative-free least squares with minimum-Frobenius-norm quadratic "
               "models of each residual in a trust region (Wild 2017; estimagic's pounders).",
    .doc = "Local, derivative-free, for least-squares criteria (GPUOPT_CRITERION_LEAST_SQUARES). "
           "Start: x0 and x0 + delta e_i evaluated as one batch; linear residual models. Each "
           "iteration solves the master model's trust-region subproblem (bntr: bounded Newton "
           "over the unit box and the bounds; gqtpar: Moré-Sorensen over the unit ball), "
           "evaluates the step, keeps a fully linear interpolation set (geometry points as one "
           "batch when needed) and refits quadratic residual models with up to "
           "max_interpolation_points points. Stops on the gradient tolerances (delta ||g||), an "
           "identical model at an unchanged radius, or the budgets. tao_pounders is an alias. "
           "See docs/algorithms/pounders.md for the differences from estimagic. Reference: "
           "S. M. Wild (2017), Solving derivative-free nonlinear least squares problems with "
           "POUNDERS, in Advances and Trends in Optimization with Engineering Applications, "
           "SIAM, 529-540.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_LEAST_SQUARES,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = pd_options,
    .n_options = GPUOPT_COUNT(pd_options),
    .report_keys = pd_report_keys,
    .state_size = sizeof(pd_state),
    .init = pd_init,
    .ask = pd_ask,
    .tell = pd_tell,
};
