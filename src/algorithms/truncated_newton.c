/* Truncated Newton with bounds: the logic of Stephen Nash's TNBC as in scipy's TNC
 * (scipy/optimize/tnc/tnc.c by J.-S. Roy, C translation of Nash's Fortran), rewritten as an
 * ask/tell state machine whose state is plain values and run buffers.
 *
 * The variables are scaled, x_s = (x - offset) / scale (offset and scale from the bounds of a
 * bounded variable, from |x0| of a free one); the gradient is scaled alike and f by fscale,
 * which is reset when the gradient's norm leaves [10^-1.3, 10^1.3]. Each iteration:
 *   1. direction: preconditioned CG on the Newton equations (at most maxCGit steps), stopped
 *      by Nash's quadratic-model test; the preconditioner is a two-step self-scaled BFGS
 *      (limited memory) with a diagonal BFGS scaling; Hessian-vector products by differences of
 *      gradients, (g(x + delta v) - g(x)) / delta with delta = accuracy (|x_s| + 1): each one
 *      batch (the gradient stencil), or one user-gradient call and no batch;
 *   2. bounds: an active set (pivot: -1 at the lower bound, 1 at the upper, 2 fixed, 0 free);
 *      the direction is projected, the step limited to the box (stepMax);
 *   3. line search: Gill & Murray's safeguarded cubic interpolation (getptc), one f-and-gradient
 *      batch per trial point;
 *   4. constraints added at the box, removed by the Lagrange-multiplier test (the most negative
 *      multiplier), convergence tests on |pg|, |f_k - f_k-1| and |x_k - x_k-1|. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../kernels/fd.h"
#include "local/local.h"
#include "truncated_newton.h"

#define TN_EPS DBL_EPSILON
#define TN_MAX_LS_ITER 64

enum tn_phase { TN_START = 1, TN_PRODUCT, TN_SEARCH };

enum getptc_rc { GETPTC_OK = 0, GETPTC_EVAL, GETPTC_EINVAL, GETPTC_FAIL };
enum ls_rc { LS_OK = 0, LS_MAXFUN, LS_FAIL };

/* getptc's saved variables (Gill & Murray's step-length search). */
typedef struct tn_getptc {
    double reltol, abstol, tnytol, fpresn, xbnd, rmu, eta;
    double u, fu, gu, xmin, fmin, gmin, xw, fw, gw, a, b, oldf, b1, scxbnd, e, step, factor;
    double gtest1, gtest2, tol, ualpha;
    int braktd;
    int64_t itcnt;
} tn_getptc;

typedef struct tn_state {
    local_probe probe;
    int phase;
    /* host buffers, dim doubles each */
    int x, g, gfull, oldg, temp, diagb, pk, sk, yk, sr, yr, pivot, xscale, xoffset;
    int r, zk, v, emat, gv, hg, hyk, hyr, bsk, best_grad;
    /* options */
    int64_t maxcgit, maxnfeval;
    double eta, stepmx, accuracy, fmin_estimate, ftol, xtol, pgtol, rescale;
    /* the outer iteration (tnc_minimize) */
    double f, fscale, flast_reset, difnew, epsred, oldgtp, difold, oldf, xnorm, gnorm;
    double ustpmax, flast_constraint, spe, yrsr, yksk, alpha;
    int64_t icycle, oldnfeval, nfeval; /* nfeval: TNC's calls of f and g */
    int lreset, newcon, upd1;
    /* the inner CG (tnc_direction) */
    int64_t cg_k;
    double rhsnrm, qold, rzold, rz, delta;
    /* the line search */
    tn_getptc ls;
} tn_state;

static const gpuopt_option_spec tn_options[] = {
    {"convergence.absolute_gradient_tolerance", GPUOPT_OPTION_DOUBLE, 1e-5, NULL, 0, DBL_MAX,
     NULL, GPUOPT_OPT_NEG_IS_AUTO,
     "scipy's gtol: converged when the 2-norm of the projected, scaled gradient (entries times "
     "the variables' scale) is at most this; -1: 1e-2 sqrt(accuracy)."},
    {"convergence.absolute_criterion_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL,
     0,
     "scipy's ftol: converged when |f_k - f_k-1| is at most this (after rescaling of f); also "
     "the line search's estimate of the precision of f."},
    {"convergence.absolute_params_tolerance", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL, 0,
     "scipy's xtol: converged when the step's 2-norm in scaled variables is at most this."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, 1000000, NULL, 1, (double)INT64_MAX, NULL, 0,
     "Stop after this many iterations. Not counted as convergence."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, 1000000, NULL, 1,
     (double)INT64_MAX, NULL, 0,
     "Stop once this many criterion evaluations (finite-difference points included) are done "
     "(scipy's maxfun, which counts f-and-gradient calls). Not counted as convergence."},
    {"func_min_estimate", GPUOPT_OPTION_DOUBLE, 0, NULL, -DBL_MAX, DBL_MAX, NULL, 0,
     "scipy's minfev: an estimate of the minimum, for the line search's first step."},
    {"max_hess_evaluations_per_iteration", GPUOPT_OPTION_INT, -1, NULL, 0, (double)INT32_MAX,
     NULL, GPUOPT_OPT_NEG_IS_AUTO,
     "scipy's maxCGit: Hessian-vector products per iteration (at most n); 0: the direction is "
     "-gradient; -1: max(1, min(50, n/2))."},
    {"max_step_for_line_search", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO,
     "scipy's stepmx: the largest step of the line search (it grows when reached); values "
     "below 10 sqrt(eps), and 0, mean 10."},
    {"line_search_severity", GPUOPT_OPTION_DOUBLE, -1, NULL, 0, 1, NULL,
     GPUOPT_OPT_NEG_IS_AUTO | GPUOPT_OPT_MAX_EXCLUSIVE,
     "scipy's eta: the line search's curvature constant in [0, 1); -1: 0.25."},
    {"finitie_difference_precision", GPUOPT_OPTION_DOUBLE, 0, NULL, 0, 1, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO | GPUOPT_OPT_MAX_EXCLUSIVE,
     "scipy's accuracy (the seed's spelling of the key): the relative step of the "
     "Hessian-vector differences; at most machine epsilon, and 0, mean auto: sqrt(eps) with a "
     "user gradient (scipy's value), eps^(1/4) with forward or backward finite-difference "
     "gradients, eps^(1/3) with central ones (the square root of the gradient's precision)."},
    {"criterion_rescale_factor", GPUOPT_OPTION_DOUBLE, -1, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_NEG_IS_AUTO,
     "scipy's rescale: f is rescaled when |log10 |g|| exceeds this (0: every iteration, large: "
     "never); -1: 1.3."},
    LOCAL_NUMDIFF_OPTIONS,
};

static tn_state *st_of(const gpuopt_run *run)
{
    return (tn_state *)run->state;
}

static double *buf(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------ vector helpers */

/* TNC's 2-norm, scaled against overflow (its dnrm21). */
static double tn_norm(const double *v, size_t n)
{
    double ssq = 1.0, scale = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (v[i] == 0.0)
            continue;
        double a = fabs(v[i]);
        if (scale < a) {
            double ratio = scale / a;
            ssq = 1.0 + ssq * ratio * ratio;
            scale = a;
        } else {
            double ratio = a / scale;
            ssq += ratio * ratio;
        }
    }
    return scale * sqrt(ssq);
}

static void copy(double *dst, const double *src, size_t n)
{
    memcpy(dst, src, n * sizeof(double));
}

static void axpy(double a, const double *x, double *y, size_t n) /* y += a x */
{
    for (size_t i = 0; i < n; ++i)
        y[i] += a * x[i];
}

static void negate(double *v, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        v[i] = -v[i];
}

/* Entries of constrained variables (pivot != 0) to 0. */
static void project(double *v, const double *pivot, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (pivot[i] != 0)
            v[i] = 0.0;
}

static double projected_norm(const tn_state *s, const gpuopt_run *run, int id)
{
    double *t = buf(run, s->temp);
    copy(t, buf(run, id), run->dim);
    project(t, buf(run, s->pivot), run->dim);
    return tn_norm(t, run->dim);
}

/* x_s -> x, then into the bounds, into the probe's point. */
static void unscale_into_probe(const gpuopt_run *run, const tn_state *s, const double *xs)
{
    const double *scale = buf(run, s->xscale), *offset = buf(run, s->xoffset);
    double *x = local_probe_point(run, &s->probe);
    for (size_t i = 0; i < run->dim; ++i) {
        double v = xs[i] * scale[i] + offset[i];
        x[i] = v < run->lower[i] ? run->lower[i] : v > run->upper[i] ? run->upper[i] : v;
    }
}

/* The scaled gradient: g * scale * fscale (fixed variables: 0). */
static void scaled_gradient(const gpuopt_run *run, const tn_state *s, const double *gfull,
                            double *g)
{
    const double *scale = buf(run, s->xscale);
    for (size_t i = 0; i < run->dim; ++i)
        g[i] = scale[i] == 0 ? 0 : gfull[i] * (scale[i] * s->fscale);
}

/* ------------------------------------------------------ preconditioner */

/* Self-scaled BFGS: out = gamma hv + delta sj + beta hyj (TNC's ssbfgs). */
static void ssbfgs(size_t n, const double *sj, const double *hv, const double *hyj, double yjsj,
                   double yjhyj, double vsj, double vhyj, double *out)
{
    double delta = 0, beta = 0;
    if (yjsj != 0) {
        delta = (yjhyj / yjsj + 1.0) * vsj / yjsj - vhyj / yjsj;
        beta = -vsj / yjsj;
    }
    for (size_t i = 0; i < n; ++i)
        out[i] = hv[i] + delta * sj[i] + beta * hyj[i];
}

/* y = M^-1 g: the diagonal, then one or two BFGS updates (TNC's msolve). */
static void msolve(const gpuopt_run *run, const tn_state *s, const double *g, double *y)
{
    size_t n = run->dim;
    const double *diagb = buf(run, s->diagb), *sk = buf(run, s->sk), *yk = buf(run, s->yk);
    const double *sr = buf(run, s->sr), *yr = buf(run, s->yr);
    double *hg = buf(run, s->hg), *hyk = buf(run, s->hyk), *hyr = buf(run, s->hyr);
    if (s->upd1) {
        for (size_t i = 0; i < n; ++i)
            y[i] = g[i] / diagb[i];
        return;
    }
    double gsk = local_dot(g, sk, n);
    for (size_t i = 0; i < n; ++i) {
        double rdiagb = 1.0 / diagb[i];
        hg[i] = g[i] * rdiagb;
        hyk[i] = yk[i] * rdiagb;
        hyr[i] = yr[i] * rdiagb;
    }
    if (!s->lreset) {
        double gsr = local_dot(g, sr, n), ghyr = local_dot(g, hyr, n);
        double yrhyr = local_dot(yr, hyr, n);
        ssbfgs(n, sr, hg, hyr, s->yrsr, yrhyr, gsr, ghyr, hg);
        double yksr = local_dot(yk, sr, n), ykhyr = local_dot(yk, hyr, n);
        ssbfgs(n, sr, hyk, hyr, s->yrsr, yrhyr, yksr, ykhyr, hyk);
    }
    double ykhyk = local_dot(hyk, yk, n), ghyk = local_dot(hyk, g, n);
    ssbfgs(n, sk, hg, hyk, s->yksk, ykhyk, gsk, ghyk, y);
}

/* The diagonal preconditioner emat from diagb and the BFGS pairs (TNC's initPreconditioner). */
static void init_preconditioner(const gpuopt_run *run, const tn_state *s)
{
    size_t n = run->dim;
    const double *diagb = buf(run, s->diagb), *sk = buf(run, s->sk), *yk = buf(run, s->yk);
    const double *sr = buf(run, s->sr), *yr = buf(run, s->yr);
    double *emat = buf(run, s->emat), *bsk = buf(run, s->bsk);
    if (s->upd1) {
        copy(emat, diagb, n);
        return;
    }
    double yksk = s->yksk == 0 ? 1.0 : s->yksk;
    if (s->lreset) {
        for (size_t i = 0; i < n; ++i)
            bsk[i] = diagb[i] * sk[i];
        double sds = local_dot(sk, bsk, n);
        sds = sds == 0 ? 1.0 : sds;
        for (size_t i = 0; i < n; ++i) {
            double td = diagb[i];
            emat[i] = td - td * td * sk[i] * sk[i] / sds + yk[i] * yk[i] / yksk;
        }
        return;
    }
    for (size_t i = 0; i < n; ++i)
        bsk[i] = diagb[i] * sr[i];
    double sds = local_dot(sr, bsk, n), srds = local_dot(sk, bsk, n);
    double yrsk = local_dot(yr, sk, n), yrsr = s->yrsr == 0 ? 1.0 : s->yrsr;
    sds = sds == 0 ? 1.0 : sds;
    for (size_t i = 0; i < n; ++i) {
        double td = diagb[i];
        bsk[i] = td * sk[i] - bsk[i] * srds / sds + yr[i] * yrsk / yrsr;
        emat[i] = td - td * td * sr[i] * sr[i] / sds + yr[i] * yr[i] / yrsr;
    }
    sds = local_dot(sk, bsk, n);
    sds = sds == 0 ? 1.0 : sds;
    for (size_t i = 0; i < n; ++i)
        emat[i] -= bsk[i] * bsk[i] / sds + yk[i] * yk[i] / yksk;
}

/* The diagonal BFGS update of emat with the CG step (TNC's diagonalScaling). */
static void diagonal_scaling(size_t n, double *e, const double *v, const double *gv,
                             const double *r)
{
    double vr = 1.0 / local_dot(v, r, n), vgv = 1.0 / local_dot(v, gv, n);
    for (size_t i = 0; i < n; ++i) {
        e[i] += -r[i] * r[i] * vr + gv[i] * gv[i] * vgv;
        if (e[i] <= 1e-6)
            e[i] = 1.0;
    }
}

/* --------------------------------------------------- the line search */

static void getptc_bound_step(tn_getptc *g)
{
    if (g->step >= g->scxbnd) { /* the point on the bound, scxbnd moved left by its tolerance */
        g->step = g->scxbnd;
        g->scxbnd -= (g->reltol * fabs(g->xbnd) + g->abstol) / (1.0 + g->reltol);
    }
    g->u = g->step;
    if (fabs(g->step) < g->tol)
        g->u = g->step < 0.0 ? -g->tol : g->tol;
}

static int getptc_init(tn_getptc *g)
{
    if (g->u <= 0.0 || g->xbnd <= g->tnytol || g->gu > 0.0)
        return GETPTC_EINVAL;
    if (g->xbnd < g->abstol)
        g->abstol = g->xbnd;
    g->tol = g->abstol;
    g->a = g->xw = g->xmin = 0.0;
    g->oldf = g->fmin = g->fw = g->fu;
    g->gw = g->gmin = g->gu;
    g->step = g->u;
    g->factor = 5.0;
    g->braktd = 0;
    g->scxbnd = g->xbnd;
    g->b = g->scxbnd + g->reltol * fabs(g->scxbnd) + g->abstol;
    g->e = g->b + g->b;
    g->b1 = g->b;
    g->gtest1 = -g->rmu * g->gu;
    g->gtest2 = -g->eta * g->gu;
    getptc_bound_step(g);
    return GETPTC_EVAL;
}

/* The new point u: it becomes the origin when f decreased enough (returns 1), else it may
 * become xw and an end of the interval. */
static int getptc_take_point(tn_getptc *g)
{
    if (g->fu <= g->fmin) {
        double chordu = g->oldf - (g->xmin + g->u) * g->gtest1;
        if (g->fu <= chordu) {
            g->fw = g->fmin;
            g->fmin = g->fu;
            g->gw = g->gmin;
            g->gmin = g->gu;
            g->xmin += g->u;
            g->a -= g->u;
            g->b -= g->u;
            g->xw = -g->u;
            g->scxbnd -= g->u;
            if (g->gu <= 0.0) {
                g->a = 0.0;
            } else {
                g->b = 0.0;
                g->braktd = 1;
            }
            g->tol = fabs(g->xmin) * g->reltol + g->abstol;
            return 1;
        }
        /* not a sufficient decrease: a value on the chord, to bisect or interpolate towards */
        double chordm = g->oldf - g->xmin * g->gtest1, denom = chordm - g->fmin;
        g->gu = -g->gmin;
        if (fabs(denom) < 1e-15)
            denom = chordm - g->fmin < 0.0 ? -1e-15 : 1e-15;
        if (g->xmin != 0.0)
            g->gu = g->gmin * (chordu - g->fu) / denom;
        g->fu = 0.5 * g->u * (g->gmin + g->gu) + g->fmin;
        if (g->fu < g->fmin)
            g->fu = g->fmin;
    }
    if (g->u < 0.0) {
        g->a = g->u;
    } else {
        g->b = g->u;
        g->braktd = 1;
    }
    g->xw = g->u;
    g->fw = g->fu;
    g->gw = g->gu;
    return 0;
}

/* sqrt(r^2 + s^2) without overflow or underflow (getptc's inline code). */
static double hypot_guarded(double absr, double s, double rtsmll, double big)
{
    double sumsq = 1.0, p = 0.0, scale;
    if (absr >= s) {
        if (absr > rtsmll)
            p = absr * rtsmll;
        if (s >= p) {
            double value = s / absr;
            sumsq = 1.0 + value * value;
        }
        scale = absr;
    } else {
        if (s > rtsmll)
            p = s * rtsmll;
        if (absr >= p) {
            double value = absr / s;
            sumsq = 1.0 + value * value;
        }
        scale = s;
    }
    sumsq = sqrt(sumsq);
    return scale < big / sumsq ? scale * sumsq : big;
}

/* The cubic through xmin and xw: its minimum as s / q (r: the previous e). Returns 0 when the
 * cubic has no minimum (r = q = 0, s kept, as getptc's jump to MinimumFound). */
static int getptc_cubic(tn_getptc *g, double *r, double *q, double *s)
{
    const double rtsmll = TN_EPS, big = 1.0 / (TN_EPS * TN_EPS);
    *r = 3.0 * (g->fmin - g->fw) / g->xw + g->gmin + g->gw;
    double absr = fabs(*r);
    *q = absr;
    if (g->gw != 0.0 && g->gmin != 0.0) {
        double abgw = fabs(g->gw), abgmin = fabs(g->gmin);
        *s = sqrt(abgmin) * sqrt(abgw);
        if (g->gw / abgw * g->gmin > 0.0) {
            if (*r >= *s || *r <= -*s) {
                *q = sqrt(fabs(*r + *s)) * sqrt(fabs(*r - *s));
            } else {
                *r = 0.0;
                *q = 0.0;
                return 0;
            }
        } else {
            *q = hypot_guarded(absr, *s, rtsmll, big);
        }
    }
    if (g->xw < 0.0)
        *q = -*q;
    *s = g->xw * (g->gmin - *r - *q);
    *q = g->gw - g->gmin + *q + *q;
    if (*q > 0.0)
        *s = -*s;
    if (*q <= 0.0)
        *q = -*q;
    *r = g->e;
    if (g->b1 != g->step || g->braktd)
        g->e = g->step;
    return 1;
}

/* The next trial step: the cubic's minimum when it lies well inside the interval, else an
 * extrapolation or the midpoint. */
static void getptc_trial(tn_getptc *g, double twotol, double xmidpt)
{
    double r = 0.0, q = 0.0, s = 0.0;
    if (fabs(g->e) > g->tol)
        getptc_cubic(g, &r, &q, &s);
    double a1 = g->a;
    g->b1 = g->b;
    g->step = xmidpt;
    if (!g->braktd || (g->a == 0.0 && g->xw < 0.0) || (g->b == 0.0 && g->xw > 0.0)) {
        if (g->braktd) {
            double d1 = g->xw, d2 = g->a == 0.0 ? g->b : g->a;
            g->u = -d1 / d2;
            g->step = 5.0 * d2 * (0.1 + 1.0 / g->u) / 11.0;
            if (g->u < 1.0)
                g->step = 0.5 * d2 * sqrt(g->u);
        } else {
            g->step = -g->factor * g->xw;
            if (g->step > g->scxbnd)
                g->step = g->scxbnd;
            if (g->step != g->scxbnd)
                g->factor = 5.0 * g->factor;
        }
        if (g->step <= 0.0)
            a1 = g->step;
        if (g->step > 0.0)
            g->b1 = g->step;
    }
    if (fabs(s) <= fabs(0.5 * q * r) || s <= q * a1 || s >= q * g->b1) {
        g->e = g->b - g->a;
    } else {
        g->step = s / q;
        if (g->step - g->a < twotol || g->b - g->step < twotol)
            g->step = xmidpt <= 0.0 ? -g->tol : g->tol;
    }
    getptc_bound_step(g);
}

static int getptc_iter(tn_getptc *g)
{
    getptc_take_point(g);
    double twotol = g->tol + g->tol, xmidpt = 0.5 * (g->a + g->b);
    int convrg = fabs(xmidpt) <= twotol - 0.5 * (g->b - g->a) ||
                 (fabs(g->gmin) <= g->gtest2 && g->fmin < g->oldf &&
                  (fabs(g->xmin - g->xbnd) > g->tol || !g->braktd));
    if (convrg) {
        if (g->xmin != 0.0)
            return GETPTC_OK;
        /* no decrease yet: the change in f must fit the tolerance, else tighten it */
        if (fabs(g->oldf - g->fw) <= g->fpresn)
            return GETPTC_FAIL;
        g->tol *= 0.1;
        if (g->tol < g->tnytol)
            return GETPTC_FAIL;
        g->reltol *= 0.1;
        g->abstol *= 0.1;
        twotol *= 0.1;
    }
    getptc_trial(g, twotol, xmidpt);
    return GETPTC_EVAL;
}

/* ------------------------------------------------------------- the loop */

static gpuopt_status loop_top(gpuopt_run *run);
static gpuopt_status cg_top(gpuopt_run *run);
static gpuopt_status after_direction(gpuopt_run *run);
static gpuopt_status after_search(gpuopt_run *run, int lsrc);

/* The search's next trial point x + (xmin + u) p, or its end. */
static gpuopt_status ls_next(gpuopt_run *run, int itest)
{
    tn_state *s = st_of(run);
    tn_getptc *g = &s->ls;
    size_t n = run->dim;
    if (itest == GETPTC_EVAL && ++g->itcnt <= TN_MAX_LS_ITER && s->nfeval < s->maxnfeval) {
        g->ualpha = g->xmin + g->u;
        double *t = buf(run, s->temp);
        const double *x = buf(run, s->x), *p = buf(run, s->pk);
        for (size_t i = 0; i < n; ++i)
            t[i] = x[i] + g->ualpha * p[i];
        unscale_into_probe(run, s, t);
        local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
        s->phase = TN_SEARCH;
        return GPUOPT_SUCCESS;
    }
    s->alpha = g->xmin;
    if (itest == GETPTC_OK) {
        s->f = g->fmin;
        axpy(s->alpha, buf(run, s->pk), buf(run, s->x), n);
        copy(buf(run, s->gfull), buf(run, s->best_grad), n);
        return after_search(run, LS_OK);
    }
    if (g->itcnt > TN_MAX_LS_ITER || itest != GETPTC_EVAL)
        return after_search(run, LS_FAIL);
    return after_search(run, LS_MAXFUN);
}

static gpuopt_status ls_start(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    tn_getptc *g = &s->ls;
    size_t n = run->dim;
    const double *p = buf(run, s->pk);
    double *t = buf(run, s->temp), rteps = sqrt(TN_EPS);
    scaled_gradient(run, s, buf(run, s->gfull), t);
    g->gu = local_dot(t, p, n);
    double xnorm = projected_norm(s, run, s->x), pe = tn_norm(p, n) + TN_EPS;
    g->reltol = rteps * (xnorm + 1.0) / pe;
    g->abstol = -TN_EPS * (1.0 + fabs(s->f)) / (g->gu - TN_EPS);
    g->tnytol = TN_EPS * (xnorm + 1.0) / pe;
    g->fpresn = s->ftol;
    g->xbnd = s->spe;
    g->rmu = 1e-4;
    g->eta = s->eta;
    g->itcnt = 0;
    g->u = s->alpha;
    g->fu = s->f;
    g->fmin = s->f;
    return ls_next(run, getptc_init(g));
}

/* A trial point's f and gradient are in the probe. A non-finite gradient (error_handling=
 * continue) ends the search: the best point so far, or a failure. */
static gpuopt_status ls_tell(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    tn_getptc *g = &s->ls;
    size_t n = run->dim;
    ++s->nfeval;
    if (!s->probe.gradient_ok)
        return ls_next(run, g->xmin != 0.0 ? GETPTC_OK : GETPTC_FAIL);
    const double *gfull = local_probe_gradient(run, &s->probe);
    double *t = buf(run, s->temp);
    g->fu = s->probe.value * s->fscale;
    scaled_gradient(run, s, gfull, t);
    g->gu = local_dot(t, buf(run, s->pk), n);
    int itest = getptc_iter(g);
    if (g->xmin == g->ualpha)
        copy(buf(run, s->best_grad), gfull, n);
    return ls_next(run, itest);
}

/* ----------------------------------------------------------- the direction */

static void steepest(const gpuopt_run *run, const tn_state *s)
{
    double *z = buf(run, s->pk);
    copy(z, buf(run, s->g), run->dim);
    negate(z, run->dim);
    project(z, buf(run, s->pivot), run->dim);
}

static gpuopt_status cg_end(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    copy(buf(run, s->diagb), buf(run, s->emat), run->dim);
    return after_direction(run);
}

static gpuopt_status direction_start(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    if (s->maxcgit == 0) {
        steepest(run, s);
        return after_direction(run);
    }
    s->rhsnrm = s->gnorm;
    s->qold = 0.0;
    s->rzold = 0.0;
    init_preconditioner(run, s);
    double *r = buf(run, s->r), *v = buf(run, s->v), *z = buf(run, s->pk);
    const double *g = buf(run, s->g);
    for (size_t i = 0; i < n; ++i) {
        r[i] = -g[i];
        v[i] = 0.0;
        z[i] = 0.0;
    }
    s->cg_k = 0;
    s->delta = s->accuracy * (s->xnorm + 1.0);
    return cg_top(run);
}

/* A CG iteration up to the product H v (asked as the gradient at x + delta v). */
static gpuopt_status cg_top(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    const double *pivot = buf(run, s->pivot);
    double *r = buf(run, s->r), *zk = buf(run, s->zk), *v = buf(run, s->v);
    if (s->cg_k >= s->maxcgit)
        return cg_end(run);
    project(r, pivot, n);
    msolve(run, s, r, zk);
    project(zk, pivot, n);
    s->rz = local_dot(r, zk, n);
    if (s->rz / s->rhsnrm < 1e-12 || s->nfeval >= s->maxnfeval - 1) {
        if (s->cg_k == 0)
            steepest(run, s);
        return cg_end(run);
    }
    double beta = s->cg_k == 0 ? 0.0 : s->rz / s->rzold;
    for (size_t i = 0; i < n; ++i)
        v[i] = zk[i] + beta * v[i];
    project(v, pivot, n);
    double *t = buf(run, s->temp);
    const double *x = buf(run, s->x);
    for (size_t i = 0; i < n; ++i)
        t[i] = x[i] + s->delta * v[i];
    unscale_into_probe(run, s, t);
    local_probe_request_gradient_at(&s->probe);
    s->phase = TN_PRODUCT;
    return GPUOPT_SUCCESS;
}

/* Emergency exit on the first step: the preconditioned steepest descent. */
static void preconditioned_steepest(const gpuopt_run *run, const tn_state *s)
{
    double *z = buf(run, s->pk);
    msolve(run, s, buf(run, s->g), z);
    negate(z, run->dim);
    project(z, buf(run, s->pivot), run->dim);
}

/* The gradient at x + delta v is in the probe: gv = H v, one CG step, Nash's tests. */
static gpuopt_status cg_product(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    const double *pivot = buf(run, s->pivot), *g = buf(run, s->g), *v = buf(run, s->v);
    double *gv = buf(run, s->gv), *r = buf(run, s->r), *z = buf(run, s->pk);
    ++s->nfeval;
    if (!s->probe.gradient_ok) { /* error_handling=continue: truncate CG here */
        if (s->cg_k == 0)
            steepest(run, s);
        return cg_end(run);
    }
    scaled_gradient(run, s, local_probe_gradient(run, &s->probe), gv);
    double dinv = 1.0 / s->delta;
    for (size_t i = 0; i < n; ++i)
        gv[i] = (gv[i] - g[i]) * dinv;
    project(gv, pivot, n);
    double vgv = local_dot(v, gv, n);
    if (vgv / s->rhsnrm < 1e-12) {
        if (s->cg_k == 0)
            preconditioned_steepest(run, s);
        return cg_end(run);
    }
    diagonal_scaling(n, buf(run, s->emat), v, gv, r);
    double alpha = s->rz / vgv;
    axpy(alpha, v, z, n);
    axpy(-alpha, gv, r, n);
    double gtp = local_dot(z, g, n), pr = local_dot(r, z, n), qnew = (gtp + pr) * 0.5;
    double qtest = (double)(s->cg_k + 1) * (1.0 - s->qold / qnew);
    if (qtest <= 0.5)
        return cg_end(run);
    if (gtp > 0.0) { /* a step uphill: take it back */
        axpy(-alpha, v, z, n);
        return cg_end(run);
    }
    s->qold = qnew;
    s->rzold = s->rz;
    ++s->cg_k;
    return cg_top(run);
}

/* ------------------------------------------------------------ the bounds */

static int at_lower(double x, double lo)
{
    return lo != -INFINITY && x - lo <= TN_EPS * 10.0 * (fabs(lo) + 1.0);
}

static int at_upper(double x, double up)
{
    return up != INFINITY && x - up >= TN_EPS * 10.0 * (fabs(up) + 1.0);
}

static void set_constraints(const gpuopt_run *run, const tn_state *s)
{
    const double *x = buf(run, s->x), *scale = buf(run, s->xscale), *off = buf(run, s->xoffset);
    double *pivot = buf(run, s->pivot);
    for (size_t i = 0; i < run->dim; ++i) {
        double xi = x[i] * scale[i] + off[i];
        pivot[i] = scale[i] == 0.0               ? 2
                   : at_lower(xi, run->lower[i]) ? -1
                   : at_upper(xi, run->upper[i]) ? 1
                                                 : 0;
    }
}

/* The largest step along dir within the bounds of the free variables (TNC's stepMax). */
static double step_max(const gpuopt_run *run, const tn_state *s, double step)
{
    const double *x = buf(run, s->x), *dir = buf(run, s->pk), *pivot = buf(run, s->pivot);
    const double *scale = buf(run, s->xscale), *off = buf(run, s->xoffset);
    for (size_t i = 0; i < run->dim; ++i) {
        if (pivot[i] != 0 || dir[i] == 0.0)
            continue;
        if (dir[i] < 0.0) {
            double t = (run->lower[i] - off[i]) / scale[i] - x[i];
            if (t > step * dir[i])
                step = t / dir[i];
        } else {
            double t = (run->upper[i] - off[i]) / scale[i] - x[i];
            if (t < step * dir[i])
                step = t / dir[i];
        }
    }
    return step;
}

/* Variables that reached a bound along p become active (and are put on it). */
static int add_constraint(const gpuopt_run *run, const tn_state *s)
{
    double *x = buf(run, s->x), *pivot = buf(run, s->pivot);
    const double *p = buf(run, s->pk), *scale = buf(run, s->xscale), *off = buf(run, s->xoffset);
    int added = 0;
    for (size_t i = 0; i < run->dim; ++i) {
        if (pivot[i] != 0 || p[i] == 0.0)
            continue;
        double lo = run->lower[i], up = run->upper[i], xi = x[i] * scale[i] + off[i];
        if (p[i] < 0.0 && lo != -INFINITY) {
            if (xi - lo <= TN_EPS * 10.0 * (fabs(lo) + 1.0)) {
                pivot[i] = -1;
                x[i] = (lo - off[i]) / scale[i];
                added = 1;
            }
        } else if (up != INFINITY && up - xi <= TN_EPS * 10.0 * (fabs(up) + 1.0)) {
            pivot[i] = 1;
            x[i] = (up - off[i]) / scale[i];
            added = 1;
        }
    }
    return added;
}

/* Frees the active variable with the most negative Lagrange multiplier, unless the last step
 * made good progress and the projected gradient is still large (TNC's removeConstraint). */
static int remove_constraint(const gpuopt_run *run, const tn_state *s)
{
    const double *g = buf(run, s->g);
    double *pivot = buf(run, s->pivot);
    if (s->flast_constraint - s->f <= s->oldgtp * -0.5 && s->gnorm > s->pgtol * s->fscale)
        return 0;
    size_t imax = run->dim;
    double cmax = 0.0;
    for (size_t i = 0; i < run->dim; ++i) {
        if (pivot[i] == 2)
            continue;
        double t = -pivot[i] * g[i];
        if (t < cmax) {
            cmax = t;
            imax = i;
        }
    }
    if (imax == run->dim)
        return 0;
    pivot[imax] = 0;
    return 1;
}

/* ------------------------------------------------------------ iteration */

static gpuopt_status stop_no_progress(gpuopt_run *run, const char *why)
{
    gpuopt_run_warn(run, "truncated_newton: %s", why);
    return GPUOPT_STOP_NO_IMPROVEMENT;
}

static void report(gpuopt_run *run, const tn_state *s)
{
    const double *p = buf(run, s->pk), *scale = buf(run, s->xscale);
    double step = 0;
    for (size_t i = 0; i < run->dim; ++i) {
        double d = s->alpha * p[i] * scale[i];
        step += d * d;
    }
    local_report(run, s->gnorm / s->fscale, sqrt(step));
}

/* The preconditioner's BFGS pairs after a step inside the box. */
static void update_pairs(gpuopt_run *run, tn_state *s)
{
    size_t n = run->dim;
    const double *g = buf(run, s->g), *oldg = buf(run, s->oldg), *pk = buf(run, s->pk);
    double *yk = buf(run, s->yk), *sk = buf(run, s->sk);
    for (size_t i = 0; i < n; ++i) {
        yk[i] = g[i] - oldg[i];
        sk[i] = s->alpha * pk[i];
    }
    s->yksk = local_dot(yk, sk, n);
    if (s->icycle == (int64_t)n - 1 || s->difnew < s->epsred * (s->flast_reset - s->f)) {
        s->lreset = 1;
    } else {
        s->yrsr = local_dot(buf(run, s->yr), buf(run, s->sr), n);
        s->lreset = s->yrsr <= 0.0;
    }
    s->upd1 = 0;
}

/* After the step (or the new constraint): constraints, convergence tests, pairs. */
static gpuopt_status after_step(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    if (s->newcon) {
        if (!add_constraint(run, s) && s->nfeval == s->oldnfeval)
            return stop_no_progress(run, "unable to progress");
        s->flast_constraint = s->f;
    }
    ++run->n_iterations;
    s->difold = s->difnew;
    s->difnew = s->oldf - s->f;
    if (s->icycle == 1) {
        if (s->difnew > s->difold * 2.0)
            s->epsred += s->epsred;
        if (s->difnew < s->difold * 0.5)
            s->epsred *= 0.5;
    }
    scaled_gradient(run, s, buf(run, s->gfull), buf(run, s->g));
    s->gnorm = projected_norm(s, run, s->g);
    int remcon = remove_constraint(run, s);
    if (remcon) {
        s->gnorm = projected_norm(s, run, s->g);
        s->flast_constraint = s->f;
    }
    report(run, s);
    if (!remcon && !s->newcon) {
        if (fabs(s->difnew) <= s->ftol * s->fscale)
            return GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE;
        if (s->alpha * tn_norm(buf(run, s->pk), n) <= s->xtol)
            return GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE;
    }
    project(buf(run, s->g), buf(run, s->pivot), n);
    if (!s->newcon)
        update_pairs(run, s);
    return loop_top(run);
}

static gpuopt_status after_search(gpuopt_run *run, int lsrc)
{
    tn_state *s = st_of(run);
    if (lsrc == LS_FAIL)
        return stop_no_progress(run, "the line search failed to find a lower point (scipy's "
                                     "'Linear search failed')");
    if (s->alpha >= 0.9 * s->ustpmax)
        s->stepmx *= 1e2;
    if (s->alpha - s->spe >= -TN_EPS * 10.0) {
        s->newcon = 1;
    } else {
        if (lsrc != LS_OK)
            return GPUOPT_STOP_MAX_EVALUATIONS;
        s->newcon = 0;
    }
    return after_step(run);
}

/* The direction is in pk: the accumulated pairs, then the line search within the box. */
static gpuopt_status after_direction(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->newcon) {
        if (!s->lreset) {
            axpy(1.0, buf(run, s->sk), buf(run, s->sr), n);
            axpy(1.0, buf(run, s->yk), buf(run, s->yr), n);
            ++s->icycle;
        } else {
            copy(buf(run, s->sr), buf(run, s->sk), n);
            copy(buf(run, s->yr), buf(run, s->yk), n);
            s->flast_reset = s->f;
            s->icycle = 1;
        }
    }
    const double *pk = buf(run, s->pk);
    copy(buf(run, s->oldg), buf(run, s->g), n);
    s->oldf = s->f;
    s->oldgtp = local_dot(pk, buf(run, s->g), n);
    s->ustpmax = s->stepmx / (tn_norm(pk, n) + TN_EPS);
    s->spe = step_max(run, s, s->ustpmax);
    if (s->spe <= 0.0) {
        s->newcon = 1;
        return after_step(run);
    }
    /* the first trial step (TNC's initialStep) */
    double d = fabs(s->f - s->fmin_estimate / s->fscale);
    s->alpha = 1.0;
    if (d * 2.0 <= -s->oldgtp && d >= TN_EPS)
        s->alpha = d * -2.0 / s->oldgtp;
    if (s->alpha >= s->spe)
        s->alpha = s->spe;
    return ls_start(run);
}

/* f rescaled to keep the gradient's norm near 1 (the preconditioner restarts). */
static void rescale(gpuopt_run *run, tn_state *s)
{
    double newscale = tn_norm(buf(run, s->g), run->dim);
    if (!(newscale > TN_EPS && fabs(log10(newscale)) > s->rescale))
        return;
    newscale = 1.0 / newscale;
    s->f *= newscale;
    s->fscale *= newscale;
    s->gnorm *= newscale;
    s->flast_constraint *= newscale;
    s->flast_reset *= newscale;
    s->difnew *= newscale;
    double *g = buf(run, s->g), *diagb = buf(run, s->diagb);
    for (size_t i = 0; i < run->dim; ++i) {
        g[i] *= newscale;
        diagb[i] = 1.0;
    }
    s->upd1 = 1;
    s->icycle = (int64_t)run->dim - 1;
    s->newcon = 1;
}

static gpuopt_status loop_top(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    if (tn_norm(buf(run, s->g), run->dim) <= s->pgtol * s->fscale)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    if (s->nfeval >= s->maxnfeval)
        return GPUOPT_STOP_MAX_EVALUATIONS;
    rescale(run, s);
    s->xnorm = projected_norm(s, run, s->x);
    s->oldnfeval = s->nfeval;
    return direction_start(run);
}

/* ---------------------------------------------------------------- start */

/* Scales and offsets: from the bounds of a bounded variable, from |x0| of a free one. */
static void set_scaling(const gpuopt_run *run, const tn_state *s, const double *x0)
{
    double *scale = buf(run, s->xscale), *off = buf(run, s->xoffset);
    for (size_t i = 0; i < run->dim; ++i) {
        double lo = run->lower[i], up = run->upper[i];
        if (lo != -INFINITY && up != INFINITY) {
            scale[i] = up - lo;
            off[i] = (up + lo) * 0.5;
        } else {
            scale[i] = 1.0 + fabs(x0[i]);
            off[i] = x0[i];
        }
    }
}

static gpuopt_status start(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim;
    if (!s->probe.gradient_ok)
        return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                               "truncated_newton: the gradient at the start point is not finite");
    s->nfeval = 1;
    s->f = s->probe.value;
    copy(buf(run, s->gfull), local_probe_gradient(run, &s->probe), n);
    const double *x0 = local_probe_point(run, &s->probe);
    set_scaling(run, s, x0);
    double *x = buf(run, s->x);
    const double *scale = buf(run, s->xscale), *off = buf(run, s->xoffset);
    for (size_t i = 0; i < n; ++i)
        x[i] = scale[i] > 0.0 ? (x0[i] - off[i]) / scale[i] : x0[i];
    s->fscale = 1.0;
    s->difnew = 0.0;
    s->epsred = 0.05;
    s->upd1 = 1;
    s->icycle = (int64_t)n - 1;
    s->newcon = 1;
    set_constraints(run, s);
    double *g = buf(run, s->g), *pivot = buf(run, s->pivot);
    scaled_gradient(run, s, buf(run, s->gfull), g);
    for (size_t i = 0; i < n; ++i) /* active bounds whose multiplier has the wrong sign */
        if (-pivot[i] * g[i] < 0.0)
            pivot[i] = 0;
    project(g, pivot, n);
    s->gnorm = tn_norm(g, n);
    s->flast_constraint = s->f;
    s->flast_reset = s->f;
    double *diagb = buf(run, s->diagb);
    for (size_t i = 0; i < n; ++i)
        diagb[i] = 1.0;
    local_report(run, s->gnorm, 0);
    return loop_top(run);
}

static gpuopt_status advance(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    switch (s->phase) {
    case TN_START:
        return start(run);
    case TN_PRODUCT:
        return cg_product(run);
    default:
        return ls_tell(run);
    }
}

/* ------------------------------------------------------------------ init */

static gpuopt_status allocate(gpuopt_run *run, tn_state *s)
{
    struct {
        const char *name;
        int *id;
    } table[] = {
        {"x", &s->x},           {"g", &s->g},           {"gfull", &s->gfull},
        {"oldg", &s->oldg},     {"temp", &s->temp},     {"diagb", &s->diagb},
        {"pk", &s->pk},         {"sk", &s->sk},         {"yk", &s->yk},
        {"sr", &s->sr},         {"yr", &s->yr},         {"pivot", &s->pivot},
        {"xscale", &s->xscale}, {"xoffset", &s->xoffset}, {"r", &s->r},
        {"zk", &s->zk},         {"v", &s->v},           {"emat", &s->emat},
        {"gv", &s->gv},         {"hg", &s->hg},         {"hyk", &s->hyk},
        {"hyr", &s->hyr},       {"bsk", &s->bsk},       {"best_grad", &s->best_grad},
    };
    for (size_t i = 0; i < GPUOPT_COUNT(table); ++i) {
        char name[32];
        snprintf(name, sizeof name, "tnc_%s", table[i].name);
        gpuopt_status st = gpuopt_run_buffer(run, name, GPUOPT_ON_HOST, run->dim, sizeof(double),
                                             table[i].id);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* The differences of gradients known to a relative precision p take steps of about sqrt(p):
 * sqrt(eps) for a user gradient (TNC's default), eps^(1/4) for one-sided finite-difference
 * gradients (precision sqrt(eps)), eps^(1/3) for central ones (precision eps^(2/3)). */
static double auto_accuracy(const gpuopt_run *run, const local_probe *p)
{
    (void)run;
    if (p->user_gradient)
        return sqrt(TN_EPS);
    return p->fd_method == GPUOPT_FD_CENTRAL ? cbrt(TN_EPS) : sqrt(sqrt(TN_EPS));
}

/* The options with TNC's rules for automatic and out-of-range values. */
static void read_options(gpuopt_run *run, tn_state *s)
{
    double rteps = sqrt(TN_EPS);
    int64_t n = (int64_t)run->dim;
    int64_t maxcg = gpuopt_opt_int(run, "max_hess_evaluations_per_iteration");
    if (maxcg < 0)
        maxcg = n / 2 < 1 ? 1 : n / 2 > 50 ? 50 : n / 2;
    s->maxcgit = maxcg > n ? n : maxcg;
    s->maxnfeval = gpuopt_opt_int(run, "stopping.max_criterion_evaluations");
    s->eta = gpuopt_opt_double(run, "line_search_severity");
    s->eta = s->eta < 0.0 || s->eta >= 1.0 ? 0.25 : s->eta;
    s->stepmx = gpuopt_opt_double(run, "max_step_for_line_search");
    s->stepmx = s->stepmx < rteps * 10.0 ? 10.0 : s->stepmx;
    s->accuracy = gpuopt_opt_double(run, "finitie_difference_precision");
    s->accuracy = s->accuracy <= TN_EPS ? auto_accuracy(run, &s->probe) : s->accuracy;
    s->rescale = gpuopt_opt_double(run, "criterion_rescale_factor");
    s->rescale = s->rescale < 0 ? 1.3 : s->rescale;
    s->fmin_estimate = gpuopt_opt_double(run, "func_min_estimate");
    s->ftol = gpuopt_opt_double(run, "convergence.absolute_criterion_tolerance");
    s->xtol = gpuopt_opt_double(run, "convergence.absolute_params_tolerance");
    s->pgtol = gpuopt_opt_double(run, "convergence.absolute_gradient_tolerance");
    s->pgtol = s->pgtol < 0 ? 1e-2 * sqrt(s->accuracy) : s->pgtol;
}

static gpuopt_status tn_init(gpuopt_run *run)
{
    tn_state *s = st_of(run);
    size_t n = run->dim, fixed = 0;
    int bounded = 0;
    for (size_t i = 0; i < n; ++i) {
        fixed += run->lower[i] == run->upper[i];
        bounded |= isfinite(run->lower[i]) || isfinite(run->upper[i]);
    }
    if (fixed == n)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_BOUNDS,
                               "truncated_newton: every variable is fixed by its bounds (lower == "
                               "upper): there is nothing to optimize");
    if (fixed && !run->gradient)
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_BOUNDS,
                               "truncated_newton: %zu variable(s) fixed by their bounds (lower == "
                               "upper) leave finite differences no room; give a user gradient "
                               "or remove those variables",
                               fixed);
    gpuopt_status st = local_probe_init(run, &s->probe, bounded);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    read_options(run, s);
    double *x0 = local_probe_point(run, &s->probe);
    for (size_t i = 0; i < n; ++i) /* into the bounds (TNC's coercex) */
        x0[i] = fmin(fmax(run->x0[i], run->lower[i]), run->upper[i]);
    local_probe_request(&s->probe, LOCAL_PROBE_VALUE_GRADIENT);
    s->phase = TN_START;
    return GPUOPT_SUCCESS;
}

static gpuopt_status tn_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    return local_drive(run, &st_of(run)->probe, batch, advance);
}

/* -------------------------------------------------------------- descriptor */

_Static_assert(offsetof(tn_state, probe) == 0, "local_ask finds the probe at the state's start");

static const char *const tn_aliases[] = {"scipy_truncated_newton", NULL};
static const char *const tn_report_keys[] = LOCAL_REPORT_KEYS;

const gpuopt_algorithm gpuopt_algorithm_truncated_newton = {
    .name = "truncated_newton",
    .aliases = tn_aliases,
    .presets = NULL,
    .summary = "Truncated Newton with bounds (Nash's TNBC, as scipy.optimize's method='TNC'): "
               "preconditioned CG directions with Hessian-vector products from gradient "
               "differences, an active set for the bounds, Gill & Murray's line search.",
    .doc = "Local, with bounds (optional). Reimplements the logic of scipy's tnc.c as a state "
           "machine: scaled variables, CG with a limited-memory BFGS preconditioner (at most "
           "max_hess_evaluations_per_iteration products per iteration, each one batch of the "
           "gradient stencil or one user-gradient call), active-set bounds, getptc line search. "
           "Options and defaults are estimagic's scipy_truncated_newton's. See "
           "docs/algorithms/truncated_newton.md. Reference: S. G. Nash (1984), Newton-type "
           "minimization via the Lanczos method, SIAM J. Numer. Anal. 21, 770-788.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds = GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES |
                       GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = tn_options,
    .n_options = GPUOPT_COUNT(tn_options),
    .report_keys = tn_report_keys,
    .state_size = sizeof(tn_state),
    .init = tn_init,
    .ask = local_ask,
    .tell = tn_tell,
};
