/* MINPACK-2's dcsrch and dcstep (More & Thuente 1994, "Line search algorithms with guaranteed
 * sufficient decrease", ACM TOMS 20:286-307), the line search of scipy's line_search_wolfe1 and
 * of L-BFGS-B. Reverse communication: the caller evaluates f and f' at the returned step. All
 * saved variables are in local_dcsrch, so a search in progress is plain data. */
#include <math.h>

#include "local.h"

#define XTRAPL 1.1
#define XTRAPU 4.0

/* The interval of dcstep: the best step stx, the other end sty, their values and slopes. */
typedef struct interval {
    double stx, fx, dx, sty, fy, dy;
    int brackt;
} interval;

/* gamma of the cubic interpolating (a, fa, da) and (b, fb, db), signed by `negate`. */
static double cubic_gamma(double theta, double da, double db, int clamp, int negate)
{
    double s = fmax(fabs(theta), fmax(fabs(da), fabs(db)));
    double rad = (theta / s) * (theta / s) - (da / s) * (db / s);
    double gamma = s * sqrt(clamp ? fmax(0.0, rad) : rad);
    return negate ? -gamma : gamma;
}

/* Case 1: a higher value; the minimizer is bracketed. */
static double step_higher(const interval *v, double stp, double fp, double dp)
{
    double stx = v->stx, fx = v->fx, dx = v->dx;
    double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    double gamma = cubic_gamma(theta, dx, dp, 0, stp < stx);
    double p = (gamma - dx) + theta, q = ((gamma - dx) + gamma) + dp;
    double stpc = stx + (p / q) * (stp - stx);
    double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
    return fabs(stpc - stx) < fabs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
}

/* Case 2: a lower value and derivatives of opposite sign; bracketed. */
static double step_sign_change(const interval *v, double stp, double fp, double dp)
{
    double stx = v->stx, fx = v->fx, dx = v->dx;
    double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    double gamma = cubic_gamma(theta, dx, dp, 0, stp > stx);
    double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dx;
    double stpc = stp + (p / q) * (stx - stp);
    double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    return fabs(stpc - stp) > fabs(stpq - stp) ? stpc : stpq;
}

/* Case 3: a lower value, same sign, the derivative decreases in magnitude. */
static double step_decreasing(const interval *v, double stp, double fp, double dp, double stpmin,
                              double stpmax)
{
    double stx = v->stx, fx = v->fx, dx = v->dx;
    double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    double gamma = cubic_gamma(theta, dx, dp, 1, stp > stx);
    double p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma, r = p / q;
    double stpc = r < 0 && gamma != 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
    double stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (v->brackt) {
        double stpf = fabs(stpc - stp) < fabs(stpq - stp) ? stpc : stpq;
        double limit = stp + 0.66 * (v->sty - stp);
        return stp > stx ? fmin(limit, stpf) : fmax(limit, stpf);
    }
    double stpf = fabs(stpc - stp) > fabs(stpq - stp) ? stpc : stpq;
    return fmax(stpmin, fmin(stpmax, stpf));
}

/* Case 4: a lower value, same sign, the derivative does not decrease. */
static double step_steep(const interval *v, double stp, double fp, double dp, double stpmin,
                         double stpmax)
{
    if (!v->brackt)
        return stp > v->stx ? stpmax : stpmin;
    double sty = v->sty, fy = v->fy, dy = v->dy;
    double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
    double gamma = cubic_gamma(theta, dy, dp, 0, stp > sty);
    double p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dy;
    return stp + (p / q) * (sty - stp);
}

/* dcstep: a safeguarded trial step, and the interval updated with (stp, fp, dp). */
static double dcstep(interval *v, double stp, double fp, double dp, double stpmin, double stpmax)
{
    double sgnd = dp * (v->dx / fabs(v->dx));
    double stpf;
    if (fp > v->fx) {
        stpf = step_higher(v, stp, fp, dp);
        v->brackt = 1;
    } else if (sgnd < 0) {
        stpf = step_sign_change(v, stp, fp, dp);
        v->brackt = 1;
    } else if (fabs(dp) < fabs(v->dx)) {
        stpf = step_decreasing(v, stp, fp, dp, stpmin, stpmax);
    } else {
        stpf = step_steep(v, stp, fp, dp, stpmin, stpmax);
    }
    if (fp > v->fx) {
        v->sty = stp, v->fy = fp, v->dy = dp;
    } else {
        if (sgnd < 0)
            v->sty = v->stx, v->fy = v->fx, v->dy = v->dx;
        v->stx = stp, v->fx = fp, v->dx = dp;
    }
    return stpf;
}

static int start(local_dcsrch *s, double stp, double f, double g)
{
    if (stp < s->stpmin || stp > s->stpmax || g >= 0 || s->ftol < 0 || s->gtol < 0 ||
        s->xtol < 0 || s->stpmin < 0 || s->stpmax < s->stpmin)
        return DCSRCH_ERROR;
    s->brackt = 0;
    s->stage = 1;
    s->finit = f;
    s->ginit = g;
    s->gtest = s->ftol * g;
    s->width = s->stpmax - s->stpmin;
    s->width1 = s->width / 0.5;
    s->stx = 0, s->fx = f, s->gx = g;
    s->sty = 0, s->fy = f, s->gy = g;
    s->stmin = 0;
    s->stmax = stp + XTRAPU * stp;
    return DCSRCH_FG;
}

/* The tests of a new step: convergence, or a warning, or 0 to go on. */
static int test_step(local_dcsrch *s, double stp, double f, double g, double ftest)
{
    int task = 0;
    if (s->brackt && (stp <= s->stmin || stp >= s->stmax))
        task = DCSRCH_WARNING; /* rounding errors prevent progress */
    if (s->brackt && s->stmax - s->stmin <= s->xtol * s->stmax)
        task = DCSRCH_WARNING; /* xtol test satisfied */
    if (stp == s->stpmax && f <= ftest && g <= s->gtest)
        task = DCSRCH_WARNING; /* stp = stpmax */
    if (stp == s->stpmin && (f > ftest || g >= s->gtest))
        task = DCSRCH_WARNING; /* stp = stpmin */
    if (f <= ftest && fabs(g) <= s->gtol * (-s->ginit))
        task = DCSRCH_CONVERGENCE;
    return task;
}

/* dcstep on the modified function psi(stp) = f(stp) - f(0) - ftol stp f'(0) (stage 1, while a
 * step with sufficient decrease and f' >= 0 is not found) or on f itself. */
static double update_interval(local_dcsrch *s, double stp, double f, double g, double ftest)
{
    interval v = {s->stx, s->fx, s->gx, s->sty, s->fy, s->gy, s->brackt};
    double next;
    if (s->stage == 1 && f <= s->fx && f > ftest) {
        double t = s->gtest;
        v.fx -= s->stx * t, v.fy -= s->sty * t, v.dx -= t, v.dy -= t;
        next = dcstep(&v, stp, f - stp * t, g - t, s->stmin, s->stmax);
        v.fx += v.stx * t, v.fy += v.sty * t, v.dx += t, v.dy += t;
    } else {
        next = dcstep(&v, stp, f, g, s->stmin, s->stmax);
    }
    s->stx = v.stx, s->fx = v.fx, s->gx = v.dx;
    s->sty = v.sty, s->fy = v.fy, s->gy = v.dy;
    s->brackt = v.brackt;
    return next;
}

int local_dcsrch_step(local_dcsrch *s, int first, double *stp, double f, double g)
{
    if (first)
        return start(s, *stp, f, g);
    double ftest = s->finit + *stp * s->gtest;
    if (s->stage == 1 && f <= ftest && g >= 0)
        s->stage = 2;
    int task = test_step(s, *stp, f, g, ftest);
    if (task)
        return task;
    double next = update_interval(s, *stp, f, g, ftest);
    if (s->brackt) {
        if (fabs(s->sty - s->stx) >= 0.66 * s->width1)
            next = s->stx + 0.5 * (s->sty - s->stx);
        s->width1 = s->width;
        s->width = fabs(s->sty - s->stx);
        s->stmin = fmin(s->stx, s->sty);
        s->stmax = fmax(s->stx, s->sty);
    } else {
        s->stmin = next + XTRAPL * (next - s->stx);
        s->stmax = next + XTRAPU * (next - s->stx);
    }
    if (next < s->stpmin) /* a clip that keeps NaN (numpy's np.clip) */
        next = s->stpmin;
    if (next > s->stpmax)
        next = s->stpmax;
    if (s->brackt &&
        (next <= s->stmin || next >= s->stmax || s->stmax - s->stmin <= s->xtol * s->stmax))
        next = s->stx;
    *stp = next;
    return DCSRCH_FG;
}
