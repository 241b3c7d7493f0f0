/* Powell's conjugate-direction method, step for step as scipy.optimize's _minimize_powell
 * (scipy >= 1.5: line searches respect bounds).
 *
 * Each iteration minimizes along every direction of a set (initially the coordinate axes), then
 * tries the extrapolated point 2x - x_start and, when Powell's test allows it, searches along
 * x - x_start and lets that direction replace the one of largest decrease. A line search is
 * scipy's: Brent's method from the bracket that scipy.optimize.bracket finds from (0, 1) when
 * the line is unbounded, fminbound on the feasible interval when both ends are bounded, and
 * fminbound in t with alpha = tan(t) when one end is.
 *
 * Every evaluation is a batch of one point, so the line searches are resumable state machines:
 * the state struct holds the scalars of the search in progress and `stage` says which
 * evaluation the next tell answers. Nothing is kept across calls but the state and the named
 * buffers, so ask/tell and checkpoints work at any evaluation. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "powell.h"

/* scipy's constants (optimize/_optimize.py) */
#define BRACKET_GOLD 1.618034
#define BRACKET_VERY_SMALL 1e-21
#define BRACKET_GROW_LIMIT 110.0
#define BRACKET_MAX_ITER 1000
#define BRENT_CG 0.3819660
#define BRENT_MINTOL 1.0e-11
#define SCALAR_MAX_ITER 500 /* Brent's maxiter, fminbound's maxfun */

enum pw_phase {
    PW_START = 0,    /* evaluate x0 */
    PW_SWEEP,        /* line search along direction `line` of the set */
    PW_EXTRAPOLATE,  /* evaluate x + min(lmax, 1) (x - x1) */
    PW_NEW_DIRECTION /* line search along x - x1 */
};

enum ls_mode { LS_BRACKET = 1, LS_BRENT, LS_BOUNDED };

/* Which evaluation the next tell answers. */
enum ls_stage {
    BR_FA = 1,  /* bracket: f(xa) */
    BR_FB,      /* f(xb) */
    BR_FC,      /* f(xc) */
    BR_INSIDE,  /* f(w), w between xb and xc */
    BR_BEYOND,  /* f(w), w between xc and the growth limit */
    BR_SHIFT,   /* f(w), then the bracket shifts by one */
    BRENT_EVAL, /* Brent: f(u) */
    FB_FIRST,   /* fminbound: the first point */
    FB_EVAL     /* fminbound: every later point */
};

/* One line search: minimize f(p + alpha xi) over alpha. */
typedef struct pw_line {
    int mode, stage, tangent; /* tangent: fminbound runs in t, alpha = tan(t) */
    int64_t count;            /* bracket / Brent iterations, fminbound evaluations */
    double tol;               /* Brent: xtol (relative); fminbound: xatol */
    double pending;           /* argument (alpha, or t) of the evaluation asked for */
    double result_arg, result_f;
    double xa, xb, xc, fa, fb, fc, w, fw;   /* bracket */
    double a, b, x, fx, bw, fbw, v, fv;     /* Brent: interval, best, second, third */
    double deltax, rat, u;
    double xf, nfc, fnfc, fulc, ffulc, e;   /* fminbound: best xf (fx), next two, step e */
} pw_line;

typedef struct pw_state {
    int phase;
    int64_t line, bigind;
    double fval, fx, line_f0, delta;
    int x, x1, direc, xi, trial; /* host: point, sweep start, N x N set, line direction, trial */
    int bx, bf;                  /* backend: the one-point batch */
    pw_line ls;
} pw_state;

/* ------------------------------------------------------------------ options */

static const gpuopt_option_spec pw_options[] = {
    {"convergence.relative_params_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX, NULL,
     0,
     "scipy's xtol: the line searches stop when the step is this small (Brent: relative, "
     "tolerance 100 xtol; fminbound: absolute, xatol = xtol)."},
    {"convergence.relative_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 2e-9, NULL, 0, DBL_MAX,
     NULL, 0,
     "scipy's ftol: converged when an iteration lowers the value by at most "
     "ftol (|f_start| + |f_end|) / 2 + 5e-21."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations are done (scipy's maxfev). Not counted as "
     "convergence."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations (sweeps over the direction set). Not counted as "
     "convergence."},
};

/* ------------------------------------------------------------------ helpers */

static pw_state *pw(const gpuopt_run *run)
{
    return (pw_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

static double *direction(const gpuopt_run *run, int64_t row)
{
    return buf(run, pw(run)->direc) + (size_t)row * run->dim;
}

/* numpy's sign: -1, 0, 1, NaN for NaN */
static double np_sign(double v)
{
    return v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : v;
}

/* numpy's maximum: NaN when either is NaN */
static double np_maximum(double a, double b)
{
    return isnan(a) || isnan(b) ? NAN : (a > b ? a : b);
}

/* scipy's _line_for_search: the interval [lmin, lmax] of l with lower <= x + l d <= upper
 * (coordinates with d = 0 ignored); (0, 0) when it is empty. */
static void line_for_search(const gpuopt_run *run, const double *x, const double *d,
                            double *lmin, double *lmax)
{
    double lo = -INFINITY, hi = INFINITY;
    int any = 0, nan_lo = 0, nan_hi = 0;
    for (size_t j = 0; j < run->dim; ++j) {
        if (d[j] == 0)
            continue;
        double low = (run->lower[j] - x[j]) / d[j], high = (run->upper[j] - x[j]) / d[j];
        double from = d[j] > 0 ? low + 0.0 : 0.0 + high;
        double to = d[j] > 0 ? high + 0.0 : 0.0 + low;
        nan_lo |= isnan(from);
        nan_hi |= isnan(to);
        lo = !any || from > lo ? from : lo;
        hi = !any || to < hi ? to : hi;
        any = 1;
    }
    *lmin = nan_lo ? NAN : lo;
    *lmax = nan_hi ? NAN : hi;
    if (!(*lmax >= *lmin))
        *lmin = *lmax = 0;
}

/* The trial point p + alpha xi for the pending evaluation. */
static void set_trial(const gpuopt_run *run)
{
    const pw_state *s = pw(run);
    double alpha = s->ls.tangent ? tan(s->ls.pending) : s->ls.pending;
    const double *p = buf(run, s->x), *xi = buf(run, s->xi);
    double *t = buf(run, s->trial);
    for (size_t j = 0; j < run->dim; ++j)
        t[j] = p[j] + alpha * xi[j];
}

/* Asks for f at argument arg of the line; returns 1 (an evaluation is pending). */
static int ask_line(const gpuopt_run *run, int stage, double arg)
{
    pw_state *s = pw(run);
    s->ls.stage = stage;
    s->ls.pending = arg;
    set_trial(run);
    return 1;
}

/* Ends the line search with its minimizer arg and value f; returns 0 (nothing pending). */
static int line_done(pw_line *ls, double arg, double f)
{
    ls->stage = 0;
    ls->result_arg = arg;
    ls->result_f = f;
    return 0;
}

/* ------------------------------------------------------- fminbound (bounded) */

static double sqrt_eps(void)
{
    return sqrt(2.2e-16);
}

static double golden_mean(void)
{
    return 0.5 * (3.0 - sqrt(5.0));
}

/* scipy's _minimize_scalar_bounded loop: the next point, or the end. */
static int bounded_step(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    double xm = 0.5 * (ls->a + ls->b);
    double tol1 = sqrt_eps() * fabs(ls->xf) + ls->tol / 3.0, tol2 = 2.0 * tol1;
    if (!(fabs(ls->xf - xm) > (tol2 - 0.5 * (ls->b - ls->a))) || ls->count >= SCALAR_MAX_ITER)
        return line_done(ls, ls->xf, ls->fx);
    int golden = 1;
    if (fabs(ls->e) > tol1) {
        golden = 0;
        double r = (ls->xf - ls->nfc) * (ls->fx - ls->ffulc);
        double q = (ls->xf - ls->fulc) * (ls->fx - ls->fnfc);
        double p = (ls->xf - ls->fulc) * q - (ls->xf - ls->nfc) * r;
        q = 2.0 * (q - r);
        if (q > 0.0)
            p = -p;
        q = fabs(q);
        r = ls->e;
        ls->e = ls->rat;
        if (fabs(p) < fabs(0.5 * q * r) && p > q * (ls->a - ls->xf) && p < q * (ls->b - ls->xf)) {
            ls->rat = (p + 0.0) / q;
            double x = ls->xf + ls->rat;
            if ((x - ls->a) < tol2 || (ls->b - x) < tol2) {
                double si = np_sign(xm - ls->xf) + ((xm - ls->xf) == 0);
                ls->rat = tol1 * si;
            }
        } else {
            golden = 1;
        }
    }
    if (golden) {
        ls->e = ls->xf >= xm ? ls->a - ls->xf : ls->b - ls->xf;
        ls->rat = golden_mean() * ls->e;
    }
    double si = np_sign(ls->rat) + (ls->rat == 0);
    return ask_line(run, FB_EVAL, ls->xf + si * np_maximum(fabs(ls->rat), tol1));
}

static int bounded_start(const gpuopt_run *run, double lo, double hi, int tangent, double xatol)
{
    pw_line *ls = &pw(run)->ls;
    ls->mode = LS_BOUNDED;
    ls->tangent = tangent;
    ls->tol = xatol;
    ls->a = lo;
    ls->b = hi;
    ls->fulc = lo + golden_mean() * (hi - lo);
    ls->nfc = ls->xf = ls->fulc;
    ls->rat = ls->e = 0.0;
    return ask_line(run, FB_FIRST, ls->xf);
}

static int bounded_tell(const gpuopt_run *run, double fu)
{
    pw_line *ls = &pw(run)->ls;
    if (ls->stage == FB_FIRST) {
        ls->fx = ls->ffulc = ls->fnfc = fu;
        ls->count = 1;
        return bounded_step(run);
    }
    double x = ls->pending;
    ++ls->count;
    if (fu <= ls->fx) {
        if (x >= ls->xf)
            ls->a = ls->xf;
        else
            ls->b = ls->xf;
        ls->fulc = ls->nfc;
        ls->ffulc = ls->fnfc;
        ls->nfc = ls->xf;
        ls->fnfc = ls->fx;
        ls->xf = x;
        ls->fx = fu;
    } else {
        if (x < ls->xf)
            ls->a = x;
        else
            ls->b = x;
        if (fu <= ls->fnfc || ls->nfc == ls->xf) {
            ls->fulc = ls->nfc;
            ls->ffulc = ls->fnfc;
            ls->nfc = x;
            ls->fnfc = fu;
        } else if (fu <= ls->ffulc || ls->fulc == ls->xf || ls->fulc == ls->nfc) {
            ls->fulc = x;
            ls->ffulc = fu;
        }
    }
    return bounded_step(run);
}

/* ------------------------------------------------------------------- Brent */

static int brent_step(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    double x = ls->x;
    if (ls->count >= SCALAR_MAX_ITER)
        return line_done(ls, x, ls->fx);
    double tol1 = ls->tol * fabs(x) + BRENT_MINTOL, tol2 = 2.0 * tol1;
    double xmid = 0.5 * (ls->a + ls->b);
    if (fabs(x - xmid) < (tol2 - 0.5 * (ls->b - ls->a)))
        return line_done(ls, x, ls->fx);
    if (fabs(ls->deltax) <= tol1) { /* golden section */
        ls->deltax = x >= xmid ? ls->a - x : ls->b - x;
        ls->rat = BRENT_CG * ls->deltax;
    } else { /* parabolic, if useful */
        double tmp1 = (x - ls->bw) * (ls->fx - ls->fv);
        double tmp2 = (x - ls->v) * (ls->fx - ls->fbw);
        double p = (x - ls->v) * tmp2 - (x - ls->bw) * tmp1;
        tmp2 = 2.0 * (tmp2 - tmp1);
        if (tmp2 > 0.0)
            p = -p;
        tmp2 = fabs(tmp2);
        double dx_temp = ls->deltax;
        ls->deltax = ls->rat;
        if (p > tmp2 * (ls->a - x) && p < tmp2 * (ls->b - x) &&
            fabs(p) < fabs(0.5 * tmp2 * dx_temp)) {
            ls->rat = p * 1.0 / tmp2;
            double u = x + ls->rat;
            if ((u - ls->a) < tol2 || (ls->b - u) < tol2)
                ls->rat = xmid - x >= 0 ? tol1 : -tol1;
        } else {
            ls->deltax = x >= xmid ? ls->a - x : ls->b - x;
            ls->rat = BRENT_CG * ls->deltax;
        }
    }
    double u = fabs(ls->rat) < tol1 ? (ls->rat >= 0 ? x + tol1 : x - tol1) : x + ls->rat;
    return ask_line(run, BRENT_EVAL, u);
}

static int brent_start(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    ls->mode = LS_BRENT;
    ls->x = ls->bw = ls->v = ls->xb;
    ls->fx = ls->fbw = ls->fv = ls->fb;
    ls->a = ls->xa < ls->xc ? ls->xa : ls->xc;
    ls->b = ls->xa < ls->xc ? ls->xc : ls->xa;
    ls->deltax = 0.0;
    ls->rat = 0.0;
    ls->count = 0;
    return brent_step(run);
}

static int brent_tell(const gpuopt_run *run, double fu)
{
    pw_line *ls = &pw(run)->ls;
    double u = ls->pending, x = ls->x;
    if (fu > ls->fx) {
        if (u < x)
            ls->a = u;
        else
            ls->b = u;
        if (fu <= ls->fbw || ls->bw == x) {
            ls->v = ls->bw;
            ls->bw = u;
            ls->fv = ls->fbw;
            ls->fbw = fu;
        } else if (fu <= ls->fv || ls->v == x || ls->v == ls->bw) {
            ls->v = u;
            ls->fv = fu;
        }
    } else {
        if (u >= x)
            ls->a = x;
        else
            ls->b = x;
        ls->v = ls->bw;
        ls->bw = x;
        ls->x = u;
        ls->fv = ls->fbw;
        ls->fbw = ls->fx;
        ls->fx = fu;
    }
    ++ls->count;
    return brent_step(run);
}

/* ----------------------------------------------------------------- bracket */

/* The bracket is complete: check it (scipy's BracketError), then run Brent inside it. */
static int bracket_end(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    double xs[3] = {ls->xa, ls->xb, ls->xc}, fs[3] = {ls->fa, ls->fb, ls->fc};
    int ok = ((ls->fb < ls->fc && ls->fb <= ls->fa) || (ls->fb < ls->fa && ls->fb <= ls->fc)) &&
             ((ls->xa < ls->xb && ls->xb < ls->xc) || (ls->xc < ls->xb && ls->xb < ls->xa)) &&
             isfinite(ls->xa) && isfinite(ls->xb) && isfinite(ls->xc);
    if (ok)
        return brent_start(run);
    /* _recover_from_bracket_error: the best of the three points (NaN if any is NaN) */
    int imin = 0;
    for (int k = 0; k < 3; ++k) {
        if (isnan(xs[k]) || isnan(fs[k]))
            return line_done(ls, NAN, NAN);
        if (fs[k] < fs[imin])
            imin = k;
    }
    return line_done(ls, xs[imin], fs[imin]);
}

/* scipy.optimize.bracket's loop: grow downhill while f(xc) < f(xb). */
static int bracket_loop(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    if (!(ls->fc < ls->fb))
        return bracket_end(run);
    double tmp1 = (ls->xb - ls->xa) * (ls->fb - ls->fc);
    double tmp2 = (ls->xb - ls->xc) * (ls->fb - ls->fa);
    double val = tmp2 - tmp1;
    double denom = fabs(val) < BRACKET_VERY_SMALL ? 2.0 * BRACKET_VERY_SMALL : 2.0 * val;
    double w = ls->xb - ((ls->xb - ls->xc) * tmp2 - (ls->xb - ls->xa) * tmp1) / denom;
    double wlim = ls->xb + BRACKET_GROW_LIMIT * (ls->xc - ls->xb);
    if (ls->count > BRACKET_MAX_ITER) /* scipy raises; here the best point so far is kept */
        return bracket_end(run);
    ++ls->count;
    if ((w - ls->xc) * (ls->xb - w) > 0.0) {
        ls->w = w;
        return ask_line(run, BR_INSIDE, w);
    }
    if ((w - wlim) * (wlim - ls->xc) >= 0.0)
        ls->w = wlim;
    else if ((w - wlim) * (ls->xc - w) > 0.0) {
        ls->w = w;
        return ask_line(run, BR_BEYOND, w);
    } else
        ls->w = ls->xc + BRACKET_GOLD * (ls->xc - ls->xb);
    return ask_line(run, BR_SHIFT, ls->w);
}

static int bracket_shift(const gpuopt_run *run)
{
    pw_line *ls = &pw(run)->ls;
    ls->xa = ls->xb;
    ls->xb = ls->xc;
    ls->xc = ls->w;
    ls->fa = ls->fb;
    ls->fb = ls->fc;
    ls->fc = ls->fw;
    return bracket_loop(run);
}

static int bracket_tell(const gpuopt_run *run, double f)
{
    pw_line *ls = &pw(run)->ls;
    switch (ls->stage) {
    case BR_FA:
        ls->fa = f;
        return ask_line(run, BR_FB, ls->xb);
    case BR_FB:
        ls->fb = f;
        if (ls->fa < ls->fb) {
            double t = ls->xa;
            ls->xa = ls->xb;
            ls->xb = t;
            ls->fb = ls->fa;
            ls->fa = f;
        }
        ls->xc = ls->xb + BRACKET_GOLD * (ls->xb - ls->xa);
        return ask_line(run, BR_FC, ls->xc);
    case BR_FC:
        ls->fc = f;
        ls->count = 0;
        return bracket_loop(run);
    case BR_INSIDE:
        ls->fw = f;
        if (f < ls->fc) {
            ls->xa = ls->xb;
            ls->xb = ls->w;
            ls->fa = ls->fb;
            ls->fb = f;
            return bracket_end(run);
        }
        if (f > ls->fb) {
            ls->xc = ls->w;
            ls->fc = f;
            return bracket_end(run);
        }
        ls->w = ls->xc + BRACKET_GOLD * (ls->xc - ls->xb);
        return ask_line(run, BR_SHIFT, ls->w);
    case BR_BEYOND:
        ls->fw = f;
        if (f < ls->fc) {
            ls->xb = ls->xc;
            ls->xc = ls->w;
            ls->w = ls->xc + BRACKET_GOLD * (ls->xc - ls->xb);
            ls->fb = ls->fc;
            ls->fc = f;
            return ask_line(run, BR_SHIFT, ls->w);
        }
        return bracket_shift(run);
    default: /* BR_SHIFT */
        ls->fw = f;
        return bracket_shift(run);
    }
}

/* ------------------------------------------------------------- line search */

/* scipy's _linesearch_powell from x along xi: returns 1 when an evaluation is pending, 0 when
 * the search is already over (a zero direction: nothing changes). */
static int line_start(const gpuopt_run *run)
{
    pw_state *s = pw(run);
    const double *x = buf(run, s->x), *xi = buf(run, s->xi);
    double xtol = gpuopt_opt_double(run, "convergence.relative_params_tolerance");
    double tol = xtol * 100;
    int any = 0;
    for (size_t j = 0; j < run->dim; ++j)
        any |= xi[j] != 0;
    memset(&s->ls, 0, sizeof s->ls);
    if (!any)
        return line_done(&s->ls, 0.0, s->fval);
    double lmin, lmax;
    line_for_search(run, x, xi, &lmin, &lmax);
    if (isinf(lmin) && lmin < 0 && isinf(lmax) && lmax > 0) { /* unbounded: bracket + Brent */
        s->ls.mode = LS_BRACKET;
        s->ls.tol = tol;
        s->ls.xa = 0.0;
        s->ls.xb = 1.0;
        return ask_line(run, BR_FA, s->ls.xa);
    }
    if (isfinite(lmin) && isfinite(lmax))
        return bounded_start(run, lmin, lmax, 0, tol / 100);
    return bounded_start(run, atan(lmin), atan(lmax), 1, tol / 100);
}

static int line_tell(const gpuopt_run *run, double f)
{
    switch (pw(run)->ls.mode) {
    case LS_BRACKET:
        return bracket_tell(run, f);
    case LS_BRENT:
        return brent_tell(run, f);
    default:
        return bounded_tell(run, f);
    }
}

/* x += alpha xi with xi scaled to alpha xi (scipy returns p + alpha xi and alpha xi). */
static void line_apply(const gpuopt_run *run)
{
    pw_state *s = pw(run);
    double alpha = s->ls.tangent ? tan(s->ls.result_arg) : s->ls.result_arg;
    double *x = buf(run, s->x), *xi = buf(run, s->xi);
    if (s->ls.mode == 0) /* zero direction: unchanged */
        return;
    for (size_t j = 0; j < run->dim; ++j) {
        xi[j] = alpha * xi[j];
        x[j] = x[j] + xi[j];
    }
    s->fval = s->ls.result_f;
}

/* ------------------------------------------------------------ outer loop */

static int start_line(const gpuopt_run *run, int64_t line)
{
    pw_state *s = pw(run);
    s->line = line;
    s->line_f0 = s->fval;
    memcpy(buf(run, s->xi), direction(run, line), run->dim * sizeof(double));
    return line_start(run);
}

static int begin_sweep(const gpuopt_run *run)
{
    pw_state *s = pw(run);
    s->phase = PW_SWEEP;
    s->fx = s->fval;
    s->bigind = 0;
    s->delta = 0.0;
    return start_line(run, 0);
}

/* End of a sweep: count the iteration, test convergence, then ask for the extrapolated point
 * x + min(lmax, 1) (x - x1). */
static gpuopt_status end_sweep(gpuopt_run *run, int *pending)
{
    pw_state *s = pw(run);
    ++run->n_iterations;
    run->report[0] = s->delta;
    run->report[1] = s->fx - s->fval;
    double ftol = gpuopt_opt_double(run, "convergence.relative_criterion_tolerance");
    double bnd = ftol * (fabs(s->fx) + fabs(s->fval)) + 1e-20;
    if (2.0 * (s->fx - s->fval) <= bnd)
        return GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE;
    double *x = buf(run, s->x), *x1 = buf(run, s->x1), *d = buf(run, s->xi);
    for (size_t j = 0; j < run->dim; ++j)
        d[j] = x[j] - x1[j];
    memcpy(x1, x, run->dim * sizeof *x);
    double lmin, lmax;
    line_for_search(run, x, d, &lmin, &lmax);
    double scale = 1.0 < lmax ? 1.0 : lmax; /* Python's min(lmax, 1) */
    double *t = buf(run, s->trial);
    for (size_t j = 0; j < run->dim; ++j)
        t[j] = x[j] + scale * d[j];
    s->phase = PW_EXTRAPOLATE;
    *pending = 1;
    return GPUOPT_SUCCESS;
}

/* A line search just ended: take its result and go on until an evaluation is pending. */
static gpuopt_status after_line(gpuopt_run *run, int *pending)
{
    pw_state *s = pw(run);
    line_apply(run);
    if (s->phase == PW_NEW_DIRECTION) {
        const double *xi = buf(run, s->xi);
        int any = 0;
        for (size_t j = 0; j < run->dim; ++j)
            any |= xi[j] != 0;
        if (any) {
            int64_t last = (int64_t)run->dim - 1;
            memcpy(direction(run, s->bigind), direction(run, last), run->dim * sizeof *xi);
            memcpy(direction(run, last), xi, run->dim * sizeof *xi);
        }
        *pending = begin_sweep(run);
        return GPUOPT_SUCCESS;
    }
    if ((s->line_f0 - s->fval) > s->delta) {
        s->delta = s->line_f0 - s->fval;
        s->bigind = s->line;
    }
    if (s->line + 1 < (int64_t)run->dim) {
        *pending = start_line(run, s->line + 1);
        return GPUOPT_SUCCESS;
    }
    return end_sweep(run, pending);
}

/* Runs the outer logic until an evaluation is pending (or the run stops). */
static gpuopt_status progress(gpuopt_run *run, int pending)
{
    gpuopt_status st = GPUOPT_SUCCESS;
    while (!pending && st == GPUOPT_SUCCESS)
        st = after_line(run, &pending);
    return st;
}

/* The extrapolated point's value fx2: Powell's test whether to search along x - x1. */
static gpuopt_status after_extrapolation(gpuopt_run *run, double fx2)
{
    pw_state *s = pw(run);
    if (s->fx > fx2) {
        double t = 2.0 * (s->fx + fx2 - 2.0 * s->fval);
        double temp = (s->fx - s->fval - s->delta);
        t *= temp * temp;
        temp = s->fx - fx2;
        t -= s->delta * temp * temp;
        if (t < 0.0) {
            s->phase = PW_NEW_DIRECTION;
            return progress(run, line_start(run));
        }
    }
    return progress(run, begin_sweep(run));
}

/* -------------------------------------------------------------------- init */

static gpuopt_status pw_init(gpuopt_run *run)
{
    size_t n = run->dim;
    if (n == 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "powell: dimension is 0");
    if (n > SIZE_MAX / sizeof(double) / n)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "powell: a direction set of dimension %zu does not fit in memory",
                               n);
    pw_state *s = pw(run);
    struct {
        const char *name;
        gpuopt_buffer_place place;
        size_t count;
        int *id;
    } table[] = {
        {"powell_x", GPUOPT_ON_HOST, n, &s->x},
        {"powell_x1", GPUOPT_ON_HOST, n, &s->x1},
        {"powell_directions", GPUOPT_ON_HOST, n * n, &s->direc},
        {"powell_line", GPUOPT_ON_HOST, n, &s->xi},
        {"powell_trial", GPUOPT_ON_HOST, n, &s->trial},
        {"powell_batch_x", GPUOPT_ON_BACKEND, n, &s->bx},
        {"powell_batch_f", GPUOPT_ON_BACKEND, 1, &s->bf},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        gpuopt_status st = gpuopt_run_buffer(run, table[i].name, table[i].place, table[i].count,
                                             sizeof(double), table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    for (size_t k = 0; k < n; ++k)
        direction(run, (int64_t)k)[k] = 1.0;
    memcpy(buf(run, s->x), run->x0, n * sizeof(double));
    memcpy(buf(run, s->trial), run->x0, n * sizeof(double));
    s->phase = PW_START;
    return GPUOPT_SUCCESS;
}

/* --------------------------------------------------------------- ask, tell */

static gpuopt_status pw_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    const pw_state *s = pw(run);
    gpuopt_status st = gpuopt_run_write(run, s->bx, 0, run->dim, buf(run, s->trial));
    if (st != GPUOPT_SUCCESS)
        return st;
    batch->x_buffer = s->bx;
    batch->x_row = 0;
    batch->f_buffer = s->bf;
    batch->f_row = 0;
    batch->raw_buffer = -1;
    batch->n = 1;
    return GPUOPT_SUCCESS;
}

static gpuopt_status pw_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    pw_state *s = pw(run);
    if (batch->n != 1 || batch->f_buffer != s->bf || batch->f_row != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE,
                               "powell: told a batch of %zu values, expected 1", batch->n);
    double f = NAN;
    gpuopt_status st = gpuopt_run_read(run, s->bf, 0, 1, &f);
    if (st != GPUOPT_SUCCESS)
        return st;
    switch (s->phase) {
    case PW_START:
        s->fval = f;
        memcpy(buf(run, s->x1), buf(run, s->x), run->dim * sizeof(double));
        return progress(run, begin_sweep(run));
    case PW_EXTRAPOLATE:
        return after_extrapolation(run, f);
    case PW_SWEEP:
    case PW_NEW_DIRECTION:
        return progress(run, line_tell(run, f));
    default:
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL, "powell: unknown phase %d", s->phase);
    }
}

/* -------------------------------------------------------------- descriptor */

static const char *const pw_aliases[] = {"scipy_powell", NULL};
static const char *const pw_report_keys[] = {"largest_line_decrease", "iteration_decrease",
                                             NULL};

const gpuopt_algorithm gpuopt_algorithm_powell = {
    .name = "powell",
    .aliases = pw_aliases,
    .presets = NULL,
    .summary = "Powell's conjugate-direction method with Brent line searches, as "
               "scipy.optimize's method='Powell' (bounds as scipy >= 1.5).",
    .doc = "Local, derivative-free. Reproduces scipy's _minimize_powell: a sweep of Brent line "
           "searches along a direction set (initially the axes), the extrapolated point "
           "2x - x_start, and Powell's test for replacing the direction of largest decrease "
           "by x - x_start. Line searches: bracket from (0, 1) + Brent (tol 100 xtol) on "
           "unbounded lines, fminbound (xatol = xtol) on the feasible interval of bounded "
           "ones, in t with alpha = tan(t) when one end is unbounded; every point stays within "
           "the bounds. Converged when 2 (f_start - f_end) <= ftol (|f_start| + |f_end|) + "
           "1e-20. Each evaluation is a one-point batch. References: Powell (1964), The "
           "Computer Journal 7:155-162; Brent (1973), Algorithms for Minimization without "
           "Derivatives.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = pw_options,
    .n_options = GPUOPT_COUNT(pw_options),
    .report_keys = pw_report_keys,
    .state_size = sizeof(pw_state),
    .init = pw_init,
    .ask = pw_ask,
    .tell = pw_tell,
};
