/* scipy's _line_search_wolfe12 as a state machine: line_search_wolfe1 (dcsrch, f and f' at
 * every trial step), and when it finds no step, line_search_wolfe2 (Nocedal & Wright's
 * Algorithm 3.5 with the zoom of Algorithm 3.6: f alone first, f' only where needed). Each
 * LS_EVALUATE hands one trial step to the solver, which evaluates it as a batch and tells the
 * result; nothing is kept outside the local_linesearch struct. */
#include <math.h>
#include <string.h>

#include "local.h"

#define WOLFE1_MAX_CALLS 100 /* scalar_search_wolfe1's maxiter */
#define WOLFE2_MAX_ITER 10   /* scalar_search_wolfe2's maxiter */
#define ZOOM_MAX_ITER 10

enum ls_phase {
    W1_EVAL = 1,  /* f, f' at alpha for dcsrch */
    W1_CHECK,     /* dcsrch converged: the extra condition */
    W2_PHI,       /* f at alpha1 */
    W2_DERPHI,    /* f' at alpha1 */
    W2_CHECK,     /* the extra condition at alpha1 */
    ZOOM_PHI,     /* f at a_j */
    ZOOM_DERPHI,  /* f' at a_j */
    ZOOM_CHECK    /* the extra condition at a_j */
};

void local_ls_setup(local_linesearch *ls, double c1, double c2, double amin, double amax,
                    int extra)
{
    memset(ls, 0, sizeof *ls);
    ls->c1 = c1;
    ls->c2 = c2;
    ls->amin = amin;
    ls->amax = amax;
    ls->xtol = 1e-14;
    ls->extra = extra;
}

static int evaluate(local_linesearch *ls, int phase, double alpha, int want)
{
    ls->phase = phase;
    ls->alpha = alpha;
    ls->want = want;
    return LS_EVALUATE;
}

static int accept(local_linesearch *ls, double alpha, double phi, int have_gradient)
{
    ls->alpha = alpha;
    ls->phi = phi;
    ls->have_gradient = have_gradient;
    return LS_DONE;
}

/* The first trial step: a step like the last one's decrease (min(1, 2.02 (phi0 - old) / f'(0))),
 * 1 when that is negative or unknown. */
static double first_step(const local_linesearch *ls)
{
    double alpha = 1.0;
    if (isfinite(ls->old_phi0) && ls->derphi0 != 0)
        alpha = fmin(1.0, 1.01 * 2 * (ls->phi0 - ls->old_phi0) / ls->derphi0);
    return alpha < 0 ? 1.0 : alpha;
}

/* ------------------------------------------------------------- wolfe2 */

/* Minimizer of the cubic through (a, fa) with slope fpa, (b, fb) and (c, fc); NaN when an
 * operation overflows, divides by zero or is invalid (scipy's errstate(raise) -> None). */
static double cubicmin(double a, double fa, double fpa, double b, double fb, double c, double fc)
{
    double db = b - a, dc = c - a;
    double denom = (db * dc) * (db * dc) * (db - dc);
    double rb = fb - fa - fpa * db, rc = fc - fa - fpa * dc;
    double A = dc * dc * rb + (-db * db) * rc, B = (-dc * dc * dc) * rb + db * db * db * rc;
    if (denom == 0 || !isfinite(denom) || !isfinite(A) || !isfinite(B))
        return NAN;
    A /= denom;
    B /= denom;
    double radical = B * B - 3 * A * fpa;
    if (!isfinite(radical) || radical < 0 || A == 0)
        return NAN;
    double xmin = a + (-B + sqrt(radical)) / (3 * A);
    return isfinite(xmin) ? xmin : NAN;
}

/* Minimizer of the quadratic through (a, fa) with slope fpa and (b, fb); NaN as above. */
static double quadmin(double a, double fa, double fpa, double b, double fb)
{
    double db = b - a;
    if (db == 0)
        return NAN;
    double B = (fb - fa - fpa * db) / (db * db);
    if (!isfinite(B) || B == 0)
        return NAN;
    double xmin = a - fpa / (2.0 * B);
    return isfinite(xmin) ? xmin : NAN;
}

/* The zoom's next trial: cubic (after the first), else quadratic, else bisection; each must
 * keep a margin of 20% / 10% of the interval from its ends. */
static int zoom_trial(local_linesearch *ls)
{
    double dalpha = ls->a_hi - ls->a_lo;
    double a = dalpha < 0 ? ls->a_hi : ls->a_lo, b = dalpha < 0 ? ls->a_lo : ls->a_hi;
    double a_j = NAN;
    if (ls->zoom_iter > 0) {
        double cchk = 0.2 * dalpha;
        a_j = cubicmin(ls->a_lo, ls->phi_lo, ls->derphi_lo, ls->a_hi, ls->phi_hi, ls->a_rec,
                       ls->phi_rec);
        if (isnan(a_j) || a_j > b - cchk || a_j < a + cchk)
            a_j = NAN;
    }
    if (isnan(a_j)) {
        double qchk = 0.1 * dalpha;
        a_j = quadmin(ls->a_lo, ls->phi_lo, ls->derphi_lo, ls->a_hi, ls->phi_hi);
        if (isnan(a_j) || a_j > b - qchk || a_j < a + qchk)
            a_j = ls->a_lo + 0.5 * dalpha;
    }
    return evaluate(ls, ZOOM_PHI, a_j, LOCAL_PROBE_VALUE);
}

static int zoom_start(local_linesearch *ls, double a_lo, double a_hi, double phi_lo,
                      double phi_hi, double derphi_lo)
{
    ls->a_lo = a_lo, ls->a_hi = a_hi;
    ls->phi_lo = phi_lo, ls->phi_hi = phi_hi;
    ls->derphi_lo = derphi_lo;
    ls->phi_rec = ls->phi0;
    ls->a_rec = 0;
    ls->zoom_iter = 0;
    return zoom_trial(ls);
}

static int zoom_next(local_linesearch *ls)
{
    if (++ls->zoom_iter > ZOOM_MAX_ITER)
        return LS_FAILED;
    return zoom_trial(ls);
}

static int zoom_after_phi(local_linesearch *ls, double phi_aj)
{
    ls->phi_aj = phi_aj;
    if (phi_aj > ls->phi0 + ls->c1 * ls->alpha * ls->derphi0 || phi_aj >= ls->phi_lo) {
        ls->phi_rec = ls->phi_hi, ls->a_rec = ls->a_hi;
        ls->a_hi = ls->alpha, ls->phi_hi = phi_aj;
        return zoom_next(ls);
    }
    return evaluate(ls, ZOOM_DERPHI, ls->alpha, LOCAL_PROBE_GRADIENT);
}

/* The step a_j was not accepted: it becomes the new low end. */
static int zoom_move(local_linesearch *ls)
{
    double a_j = ls->alpha;
    if (ls->derphi_aj * (ls->a_hi - ls->a_lo) >= 0) {
        ls->phi_rec = ls->phi_hi, ls->a_rec = ls->a_hi;
        ls->a_hi = ls->a_lo, ls->phi_hi = ls->phi_lo;
    } else {
        ls->phi_rec = ls->phi_lo, ls->a_rec = ls->a_lo;
    }
    ls->a_lo = a_j, ls->phi_lo = ls->phi_aj, ls->derphi_lo = ls->derphi_aj;
    return zoom_next(ls);
}

static int zoom_after_derphi(local_linesearch *ls, double derphi_aj)
{
    ls->derphi_aj = derphi_aj;
    if (fabs(derphi_aj) <= -ls->c2 * ls->derphi0) {
        if (!ls->extra)
            return accept(ls, ls->alpha, ls->phi_aj, 1);
        ls->phase = ZOOM_CHECK;
        return LS_CHECK;
    }
    return zoom_move(ls);
}

/* The top of scalar_search_wolfe2's loop, with phi(alpha1) known. */
static int wolfe2_iteration(local_linesearch *ls)
{
    if (ls->iter >= WOLFE2_MAX_ITER) /* out of iterations: the last step, without f' */
        return accept(ls, ls->alpha1, ls->phi_a1, 0);
    if (ls->alpha1 == 0 || ls->alpha0 > ls->amax)
        return LS_FAILED;
    if (ls->phi_a1 > ls->phi0 + ls->c1 * ls->alpha1 * ls->derphi0 ||
        (ls->phi_a1 >= ls->phi_a0 && ls->iter > 0))
        return zoom_start(ls, ls->alpha0, ls->alpha1, ls->phi_a0, ls->phi_a1, ls->derphi_a0);
    return evaluate(ls, W2_DERPHI, ls->alpha1, LOCAL_PROBE_GRADIENT);
}

/* After f'(alpha1), when alpha1 is not accepted: zoom, or double the step. */
static int wolfe2_continue(local_linesearch *ls)
{
    if (ls->derphi_a1 >= 0)
        return zoom_start(ls, ls->alpha1, ls->alpha0, ls->phi_a1, ls->phi_a0, ls->derphi_a1);
    double alpha2 = fmin(2 * ls->alpha1, ls->amax);
    ls->alpha0 = ls->alpha1;
    ls->alpha1 = alpha2;
    ls->phi_a0 = ls->phi_a1;
    ls->derphi_a0 = ls->derphi_a1;
    ++ls->iter;
    return evaluate(ls, W2_PHI, ls->alpha1, LOCAL_PROBE_VALUE);
}

static int wolfe2_after_derphi(local_linesearch *ls, double derphi_a1)
{
    ls->derphi_a1 = derphi_a1;
    if (fabs(derphi_a1) <= -ls->c2 * ls->derphi0) {
        if (!ls->extra)
            return accept(ls, ls->alpha1, ls->phi_a1, 1);
        ls->phase = W2_CHECK;
        ls->alpha = ls->alpha1;
        return LS_CHECK;
    }
    return wolfe2_continue(ls);
}

static int wolfe2_start(local_linesearch *ls)
{
    ls->method = 2;
    ls->alpha0 = 0;
    ls->alpha1 = fmin(first_step(ls), ls->amax);
    ls->phi_a0 = ls->phi0;
    ls->derphi_a0 = ls->derphi0;
    ls->iter = 0;
    return evaluate(ls, W2_PHI, ls->alpha1, LOCAL_PROBE_VALUE);
}

/* ------------------------------------------------------------- wolfe1 */

/* A dcsrch task: go on evaluating, accept, or fall back to wolfe2. */
static int wolfe1_task(local_linesearch *ls, int task, double stp, double phi)
{
    ++ls->calls;
    if (task == DCSRCH_FG && isfinite(stp))
        return evaluate(ls, W1_EVAL, stp, LOCAL_PROBE_VALUE_GRADIENT);
    if (task != DCSRCH_CONVERGENCE || !isfinite(stp))
        return wolfe2_start(ls);
    ls->alpha = stp;
    ls->phi = phi;
    if (!ls->extra)
        return accept(ls, stp, phi, 1);
    ls->phase = W1_CHECK;
    return LS_CHECK;
}

int local_ls_start(local_linesearch *ls, double phi0, double derphi0, double old_phi0)
{
    ls->phi0 = phi0;
    ls->derphi0 = derphi0;
    ls->old_phi0 = old_phi0;
    ls->method = 1;
    ls->calls = 0;
    ls->n_evaluations = 0;
    ls->d.ftol = ls->c1;
    ls->d.gtol = ls->c2;
    ls->d.xtol = ls->xtol;
    ls->d.stpmin = ls->amin;
    ls->d.stpmax = ls->amax;
    double stp = first_step(ls);
    int task = local_dcsrch_step(&ls->d, 1, &stp, phi0, derphi0);
    return wolfe1_task(ls, task, stp, phi0);
}

int local_ls_tell(local_linesearch *ls, double phi, double derphi)
{
    ++ls->n_evaluations;
    switch (ls->phase) {
    case W1_EVAL: {
        if (ls->calls >= WOLFE1_MAX_CALLS)
            return wolfe2_start(ls);
        double stp = ls->alpha;
        int task = local_dcsrch_step(&ls->d, 0, &stp, phi, derphi);
        return wolfe1_task(ls, task, stp, phi);
    }
    case W2_PHI:
        ls->phi_a1 = phi;
        return wolfe2_iteration(ls);
    case W2_DERPHI:
        return wolfe2_after_derphi(ls, derphi);
    case ZOOM_PHI:
        return zoom_after_phi(ls, phi);
    case ZOOM_DERPHI:
        return zoom_after_derphi(ls, derphi);
    default:
        return LS_FAILED;
    }
}

int local_ls_checked(local_linesearch *ls, int ok)
{
    switch (ls->phase) {
    case W1_CHECK:
        return ok ? accept(ls, ls->alpha, ls->phi, 1) : wolfe2_start(ls);
    case W2_CHECK:
        return ok ? accept(ls, ls->alpha1, ls->phi_a1, 1) : wolfe2_continue(ls);
    case ZOOM_CHECK:
        return ok ? accept(ls, ls->alpha, ls->phi_aj, 1) : zoom_move(ls);
    default:
        return LS_FAILED;
    }
}
