/* Trust-region subproblems of quadratic models (see dfo_trsub.h). */
#include "dfo_trsub.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "dfo_linalg.h"

size_t dfo_trsub_work(size_t n)
{
    return 4 * n * n + 16 * n + 16;
}

double dfo_model_value(size_t n, const double *g, const double *H, const double *s)
{
    return ls_dot(g, s, n) + 0.5 * dfo_quadform(H, s, n);
}

/* ------------------------------------------------------------ truncated CG */

/* The step a >= 0 with ||s + a d|| = delta (0 when s is already on or outside the ball). */
static double ball_step(const double *s, const double *d, size_t n, double delta)
{
    double ss = ls_dot(s, s, n), sd = ls_dot(s, d, n), dd = ls_dot(d, d, n);
    double room = delta * delta - ss;
    if (!(room > 0) || !(dd > 0))
        return 0;
    double root = sqrt(sd * sd + dd * room);
    return sd >= 0 ? room / (sd + root) : (root - sd) / dd;
}

/* The largest a with lower <= s + a d <= upper on the free coordinates; *hit the coordinate. */
static double box_step(const double *s, const double *d, const double *fixed, const double *lower,
                       const double *upper, size_t n, size_t *hit)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; ++i) {
        if (fixed[i] != 0 || d[i] == 0)
            continue;
        double a = ((d[i] > 0 ? upper[i] : lower[i]) - s[i]) / d[i];
        if (a < best) {
            best = a > 0 ? a : 0;
            *hit = i;
        }
    }
    return best;
}

/* d = -gs on the free coordinates (0 on the fixed ones); returns ||d||^2. */
static double steepest(const double *gs, const double *fixed, size_t n, double *d)
{
    double rr = 0;
    for (size_t i = 0; i < n; ++i) {
        d[i] = fixed[i] != 0 ? 0 : -gs[i];
        rr += d[i] * d[i];
    }
    return rr;
}

static void fix_at_start(size_t n, const double *g, const double *lower, const double *upper,
                         double *fixed)
{
    for (size_t i = 0; i < n; ++i)
        fixed[i] = (lower[i] >= 0 && g[i] >= 0) || (upper[i] <= 0 && g[i] <= 0);
}

double dfo_tr_cg(size_t n, const double *g, const double *H, const double *lower,
                 const double *upper, double delta, const dfo_cg_options *opt, double *s,
                 double *work)
{
    double *gs = work, *d = gs + n, *Hd = d + n, *fixed = Hd + n;
    int use_box = opt->method == DFO_CG_TRSBOX && lower && upper;
    double tol = fmax(opt->gtol_abs, opt->gtol_rel * dfo_norm(g, n));
    memset(s, 0, n * sizeof *s);
    memset(fixed, 0, n * sizeof *fixed);
    memcpy(gs, g, n * sizeof *gs);
    if (use_box)
        fix_at_start(n, g, lower, upper, fixed);
    double rr = 0;
    int restart = 1;
    for (size_t it = 0; it < 2 * (n + 1) * (n + 1); ++it) {
        if (restart) {
            rr = steepest(gs, fixed, n, d);
            restart = 0;
            if (sqrt(rr) <= tol)
                break;
        }
        ls_matvec(H, n, n, n, d, Hd);
        double dHd = ls_dot(d, Hd, n);
        double a_cg = dHd > 0 ? rr / dHd : INFINITY;
        double a_ball = opt->method == DFO_CG_PLAIN && dHd > 0 ? INFINITY : ball_step(s, d, n, delta);
        size_t hit = 0;
        double a_box = use_box ? box_step(s, d, fixed, lower, upper, n, &hit) : INFINITY;
        double a = fmin(a_cg, fmin(a_ball, a_box));
        if (!isfinite(a))
            break;
        for (size_t i = 0; i < n; ++i) {
            s[i] += a * d[i];
            gs[i] += a * Hd[i];
        }
        if (a == a_box && a_box < a_cg && a_box <= a_ball) {
            s[hit] = d[hit] > 0 ? upper[hit] : lower[hit];
            fixed[hit] = 1;
            restart = 1;
            continue;
        }
        if (a < a_cg)
            break; /* on the ball */
        double rr_new = 0;
        for (size_t i = 0; i < n; ++i)
            rr_new += fixed[i] != 0 ? 0 : gs[i] * gs[i];
        if (sqrt(rr_new) <= tol)
            break;
        for (size_t i = 0; i < n; ++i)
            d[i] = fixed[i] != 0 ? 0 : -gs[i] + rr_new / rr * d[i];
        rr = rr_new;
    }
    double sn = dfo_norm(s, n);
    if (sn > delta)
        for (size_t i = 0; i < n; ++i)
            s[i] *= delta / sn;
    return dfo_model_value(n, g, H, s);
}

/* ------------------------------------------------------------------- bntr */

/* The gradient projected on the box at x (zero where a bound blocks descent). */
static double projected_gradient(size_t n, const double *x, const double *grad,
                                 const double *lower, const double *upper, double *pg)
{
    for (size_t i = 0; i < n; ++i) {
        int blocked = (x[i] <= lower[i] && grad[i] > 0) || (x[i] >= upper[i] && grad[i] < 0);
        pg[i] = blocked ? 0 : grad[i];
    }
    return dfo_norm(pg, n);
}

static int bntr_converged(const dfo_bntr_options *o, double pgn, double pgn0, double q)
{
    return pgn == 0 || pgn < o->gtol_abs || (q != 0 && pgn / fabs(q) < o->gtol_rel) ||
           (pgn0 > 0 && pgn / pgn0 < o->gtol_scaled);
}

/* A Cauchy step along -pg up to the first bound it meets: q decreases unless pg = 0. */
static void gradient_step(size_t n, const double *H, const double *lower, const double *upper,
                          double *x, double *grad, const double *pg, double *d, double *Hd)
{
    double rr = 0, a_max = INFINITY;
    for (size_t i = 0; i < n; ++i) {
        d[i] = -pg[i];
        rr += d[i] * d[i];
        if (d[i] != 0)
            a_max = fmin(a_max, ((d[i] > 0 ? upper[i] : lower[i]) - x[i]) / d[i]);
    }
    if (rr == 0)
        return;
    ls_matvec(H, n, n, n, d, Hd);
    double dHd = ls_dot(d, Hd, n);
    double a = dHd > 0 ? fmin(rr / dHd, a_max) : a_max;
    if (!isfinite(a) || a <= 0)
        return;
    for (size_t i = 0; i < n; ++i) {
        x[i] = fmin(fmax(x[i] + a * d[i], lower[i]), upper[i]);
        grad[i] += a * Hd[i];
    }
}

/* The Newton step on the free coordinates (those not within eps of a bound that blocks
 * descent), truncated by CG to the radius; d is the full-length step (0 on the others). */
static void newton_step(size_t n, const double *H, const double *lower, const double *upper,
                        const double *x, const double *grad, double eps, double radius,
                        const dfo_cg_options *cg, double *d, double *work)
{
    size_t *idx = (size_t *)(void *)work, nf = 0;
    double *gF = work + n, *HF = gF + n, *lF = HF + n * n, *uF = lF + n, *dF = uF + n;
    double *cg_work = dF + n;
    for (size_t i = 0; i < n; ++i) {
        int act = (x[i] - lower[i] <= eps && grad[i] > 0) || (upper[i] - x[i] <= eps && grad[i] < 0);
        if (!act)
            idx[nf++] = i;
    }
    memset(d, 0, n * sizeof *d);
    for (size_t a = 0; a < nf; ++a) {
        gF[a] = grad[idx[a]];
        lF[a] = lower[idx[a]] - x[idx[a]];
        uF[a] = upper[idx[a]] - x[idx[a]];
        for (size_t b = 0; b < nf; ++b)
            HF[a * nf + b] = H[idx[a] * n + idx[b]];
    }
    if (nf == 0)
        return;
    dfo_tr_cg(nf, gF, HF, lF, uF, radius, cg, dF, cg_work);
    for (size_t a = 0; a < nf; ++a)
        d[idx[a]] = dF[a];
}

double dfo_bntr(size_t n, const double *g, const double *H, const double *lower,
                const double *upper, const dfo_bntr_options *opt, double *s, double *work)
{
    double *grad = work, *pg = grad + n, *d = pg + n, *Hd = d + n, *x_new = Hd + n;
    double *sub = x_new + n;
    memset(s, 0, n * sizeof *s);
    memcpy(grad, g, n * sizeof *grad);
    double pgn0 = projected_gradient(n, s, grad, lower, upper, pg), pgn = pgn0;
    for (int k = 0; k < opt->max_gradient_steps; ++k) {
        if (bntr_converged(opt, pgn, pgn0, dfo_model_value(n, g, H, s)))
            return dfo_model_value(n, g, H, s);
        gradient_step(n, H, lower, upper, s, grad, pg, d, Hd);
        pgn = projected_gradient(n, s, grad, lower, upper, pg);
    }
    double radius = 0;
    for (size_t i = 0; i < n; ++i)
        radius = hypot(radius, upper[i] - lower[i]);
    for (int it = 0; it < opt->max_iterations; ++it) {
        double q = dfo_model_value(n, g, H, s);
        if (bntr_converged(opt, pgn, pgn0, q) || radius < 1e-14)
            break;
        newton_step(n, H, lower, upper, s, grad, fmin(pgn, 1e-3), radius, &opt->cg, d, sub);
        for (size_t i = 0; i < n; ++i)
            x_new[i] = fmin(fmax(s[i] + d[i], lower[i]), upper[i]);
        double pred = -dfo_model_value(n, grad, H, d);
        double actual = q - dfo_model_value(n, g, H, x_new);
        double dn = dfo_norm(d, n);
        double rho = pred > 0 ? actual / pred : -1;
        if (rho < 0.25)
            radius = 0.25 * (dn > 0 ? fmin(dn, radius) : radius);
        else if (rho > 0.75 && dn >= 0.99 * radius)
            radius *= 2;
        if (actual > 0) {
            for (size_t i = 0; i < n; ++i)
                d[i] = x_new[i] - s[i];
            ls_matvec(H, n, n, n, d, Hd);
            for (size_t i = 0; i < n; ++i) {
                s[i] = x_new[i];
                grad[i] += Hd[i];
            }
        } else {
            gradient_step(n, H, lower, upper, s, grad, pg, d, Hd);
        }
        pgn = projected_gradient(n, s, grad, lower, upper, pg);
    }
    return dfo_model_value(n, g, H, s);
}

/* ----------------------------------------------------------------- gqtpar */

/* s = -(H + lambda I)^-1 g by Cholesky (L kept in A); 0 when H + lambda I is not positive
 * definite. */
static int shifted_solve(size_t n, const double *g, const double *H, double lambda, double *A,
                         double *s)
{
    memcpy(A, H, n * n * sizeof *A);
    for (size_t i = 0; i < n; ++i)
        A[i * n + i] += lambda;
    if (!dfo_cholesky(A, n))
        return 0;
    for (size_t i = 0; i < n; ++i)
        s[i] = -g[i];
    dfo_forward(A, s, n);
    dfo_backward_t(A, s, n);
    return 1;
}

/* The root tau of ||s + tau z|| = delta that gives the smaller model value. */
static double hard_case_tau(size_t n, const double *g, const double *H, const double *s,
                            const double *z, double delta, double *tmp)
{
    double sz = ls_dot(s, z, n), ss = ls_dot(s, s, n), room = fmax(delta * delta - ss, 0);
    double root = sqrt(sz * sz + room);
    double t1 = -sz + root, t2 = -sz - root;
    for (size_t i = 0; i < n; ++i)
        tmp[i] = s[i] + t1 * z[i];
    double q1 = dfo_model_value(n, g, H, tmp);
    for (size_t i = 0; i < n; ++i)
        tmp[i] = s[i] + t2 * z[i];
    return q1 <= dfo_model_value(n, g, H, tmp) ? t1 : t2;
}

double dfo_gqtpar(size_t n, const double *g, const double *H, double delta, double k_easy,
                  double k_hard, int max_iterations, double *s, double *work)
{
    double *A = work, *V = A + n * n, *eig_work = V + n * n, *w = eig_work + n * n;
    double *tmp = w + n;
    dfo_sym_eigen(H, n, w, V, eig_work);
    double lam_min = w[0], gnorm = dfo_norm(g, n), hnorm = 0;
    for (size_t i = 0; i < n; ++i)
        hnorm = fmax(hnorm, fabs(w[i]));
    double par_l = fmax(0, -lam_min), par_u = gnorm / delta + hnorm + fmax(0, -lam_min);
    double par = par_l;
    memset(s, 0, n * sizeof *s);
    if (lam_min > 0 && shifted_solve(n, g, H, 0, A, s) && dfo_norm(s, n) <= delta)
        return dfo_model_value(n, g, H, s); /* interior Newton step */
    if (par_l > 0)
        par = par_l * (1 + 1e-12) + 1e-300;
    for (int it = 0; it < max_iterations; ++it) {
        if (!shifted_solve(n, g, H, par, A, s)) {
            par_l = fmax(par_l, par);
            par = fmax(2 * par, 1e-12 * fmax(1, hnorm));
            continue;
        }
        double sn = dfo_norm(s, n);
        if (fabs(sn - delta) <= k_easy * delta)
            break;
        if (sn < delta) {
            par_u = fmin(par_u, par);
            /* hard case: move along the eigenvector of the smallest eigenvalue */
            const double *z0 = V; /* column 0 of V, strided */
            for (size_t i = 0; i < n; ++i)
                tmp[n + i] = z0[i * n];
            double *z = tmp + n;
            double tau = hard_case_tau(n, g, H, s, z, delta, tmp);
            double zAz = w[0] + par; /* z'(H + par I) z with ||z|| = 1 */
            double sAs = dfo_quadform(H, s, n) + par * ls_dot(s, s, n);
            if (tau * tau * zAz <= k_hard * (sAs + par * delta * delta) || par <= par_l * (1 + 1e-10)) {
                for (size_t i = 0; i < n; ++i)
                    s[i] += tau * z[i];
                break;
            }
        } else {
            par_l = fmax(par_l, par);
        }
        /* Newton step on 1/||s(par)|| - 1/delta */
        memcpy(tmp, s, n * sizeof *tmp);
        dfo_forward(A, tmp, n);
        double wn = dfo_norm(tmp, n);
        double step = (sn - delta) / delta * (sn / wn) * (sn / wn);
        double next = par + step;
        if (!(next > par_l) || !(next < par_u))
            next = fmax(sqrt(fmax(par_l, 0) * par_u), par_l + 1e-3 * (par_u - par_l));
        if (!(par_u - par_l > 1e-15 * fmax(1, par_u)))
            break;
        par = next;
    }
    double sn = dfo_norm(s, n);
    if (sn > delta)
        for (size_t i = 0; i < n; ++i)
            s[i] *= delta / sn;
    return dfo_model_value(n, g, H, s);
}
