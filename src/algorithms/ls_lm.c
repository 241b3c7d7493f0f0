/* Levenberg-Marquardt for least squares, after MINPACK's lmder (Moré 1978) as
 * scipy.optimize.least_squares(method='lm') calls it (x_scale='jac': MINPACK's mode 1 scaling,
 * factor 100), with geodesic acceleration (Transtrum & Sethna 2012; GSL multifit_nlinear's
 * lmaccel) as an option.
 *
 * Each outer iteration has the Jacobian J at x (finite differences, one batch, combined on the
 * backend) and the scaling D = diag(max over iterations of J's column norms). The inner loop
 * solves min ||J p + r|| subject to ||D p|| <= delta for the Levenberg-Marquardt parameter par
 * (lmpar's rules: the Gauss-Newton step when it is within 1.1 delta, else Newton iterations on
 * the secular equation until ||D p|| is within 10% of delta), evaluates x + p, and updates delta
 * and par by MINPACK's rules until a step reduces ||r|| (ratio >= 1e-4). lmpar factors J by QR;
 * here the subproblem is solved on the SVD of J D^-1, which gives the same steps up to rounding.
 *
 * Geodesic acceleration: after the step v, one more residual evaluation at x + h v gives the
 * second directional derivative fvv = 2/h ((r(x + h v) - r)/h - J v); the acceleration a solves
 * the same damped system with fvv for r, and the step is v + a/2 when ||D a|| / ||D v|| <= avmax
 * (else the step is refused and the radius shrinks). */
#include <math.h>
#include <string.h>

#include "least_squares/ls.h"
#include "ls_lm.h"

enum lm_phase { LM_START = 0, LM_CURVATURE, LM_TRIAL, LM_JACOBIAN };

typedef struct lm_state {
    ls_solver ls; /* probe, tolerances, pending request */
    int geodesic;
    double avmax, h_fvv, factor;
    int64_t iter; /* MINPACK's iter: 1 until the first successful step */
    double fnorm, delta, par, xnorm, gnorm, pnorm, prered, dirder, avratio;
    int x, f, J, diag, acnorm, A, U, s, VT, uf, work, q, p, v, x_new, Jp;
} lm_state;

static const gpuopt_option_spec lm_options[] = {
    LS_COMMON_OPTIONS,
    {"trustregion.initial_radius_factor", GPUOPT_OPTION_DOUBLE, 100, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "MINPACK's factor: the first trust radius is factor ||D x0|| (factor if that is 0)."},
    {"geodesic_acceleration", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "Add the geodesic acceleration (Transtrum & Sethna) to each step: one more residual "
     "evaluation per trial step."},
    {"geodesic_acceleration.max_ratio", GPUOPT_OPTION_DOUBLE, 0.75, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "avmax: a step whose acceleration exceeds this times its velocity (scaled norms) is "
     "refused (GSL's default 0.75)."},
    {"geodesic_acceleration.step", GPUOPT_OPTION_DOUBLE, 0.02, NULL, 0, DBL_MAX, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "h: the second directional derivative is taken from r(x + h v) (GSL's default 0.02)."},
    {"ignore_bounds", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "ls_lm is unconstrained: finite bounds are refused unless this is true (then ignored)."},
};

static lm_state *st_of(const gpuopt_run *run)
{
    return (lm_state *)run->state;
}

static double *B(const gpuopt_run *run, int id)
{
    return (double *)gpuopt_run_host(run, id);
}

/* ------------------------------------------------------------------ lmpar */

/* q = the scaled step at par on the SVD (k = n singular values). */
static void step_at(const gpuopt_run *run, double par, double *q)
{
    const lm_state *s = st_of(run);
    ls_svd_step(run->dim, run->dim, B(run, s->uf), B(run, s->s), B(run, s->VT), par, q);
}

/* MINPACK's lmpar on the SVD of J D^-1: par and the scaled step q = D p. */
static void lm_par(gpuopt_run *run, double *q)
{
    lm_state *s = st_of(run);
    size_t n = run->dim;
    const double *sv = B(run, s->s), *uf = B(run, s->uf);
    int full = ls_full_rank(run->n_outputs, n, n, sv);
    double threshold = DBL_EPSILON * (double)run->n_outputs * sv[0];
    /* the Gauss-Newton step (minimum norm where J is rank deficient) */
    for (size_t j = 0; j < n; ++j)
        q[j] = 0;
    const double *VT = B(run, s->VT);
    for (size_t i = 0; i < n; ++i)
        if (sv[i] > threshold)
            for (size_t j = 0; j < n; ++j)
                q[j] -= VT[i * n + j] * uf[i] / sv[i];
    double dxnorm = ls_norm(q, n), fp = dxnorm - s->delta;
    if (fp <= 0.1 * s->delta) {
        s->par = 0;
        return;
    }
    double parl = 0, sum = 0;
    if (full) {
        for (size_t i = 0; i < n; ++i)
            sum += uf[i] * uf[i] / (sv[i] * sv[i] * sv[i] * sv[i]);
        parl = fp / s->delta / (sum / (dxnorm * dxnorm));
    }
    double gnorm = 0;
    for (size_t i = 0; i < n; ++i)
        gnorm += (sv[i] * uf[i]) * (sv[i] * uf[i]);
    gnorm = sqrt(gnorm);
    double paru = gnorm / s->delta;
    if (paru == 0)
        paru = DBL_MIN / fmin(s->delta, 0.1);
    double par = fmin(fmax(s->par, parl), paru);
    if (par == 0)
        par = gnorm / dxnorm;
    for (int iter = 1;; ++iter) {
        if (par == 0)
            par = fmax(DBL_MIN, 0.001 * paru);
        step_at(run, par, q);
        dxnorm = ls_norm(q, n);
        double temp = fp;
        fp = dxnorm - s->delta;
        if (fabs(fp) <= 0.1 * s->delta || (parl == 0 && fp <= temp && temp < 0) || iter == 10)
            break;
        double w2 = 0;
        for (size_t i = 0; i < n; ++i) {
            double d = sv[i] * sv[i] + par, t = sv[i] * uf[i] / d;
            w2 += t * t / d;
        }
        double parc = fp / s->delta / (w2 / (dxnorm * dxnorm));
        if (fp > 0)
            parl = fmax(parl, par);
        if (fp < 0)
            paru = fmin(paru, par);
        par = fmax(parl, par + parc);
    }
    s->par = par;
}

/* ------------------------------------------------------------ outer iteration */

/* Column norms, scaling, the gradient test and the SVD of J D^-1. */
static gpuopt_status outer_begin(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *J = B(run, s->J), *f = B(run, s->f), *x = B(run, s->x);
    double *acnorm = B(run, s->acnorm), *diag = B(run, s->diag), *A = B(run, s->A);
    double *g = B(run, s->p);
    for (size_t j = 0; j < n; ++j) {
        double sum = 0;
        for (size_t i = 0; i < m; ++i)
            sum += J[i * n + j] * J[i * n + j];
        acnorm[j] = sqrt(sum);
    }
    if (s->iter == 1) {
        for (size_t j = 0; j < n; ++j)
            diag[j] = acnorm[j] == 0 ? 1 : acnorm[j];
        double *dx = B(run, s->v);
        for (size_t j = 0; j < n; ++j)
            dx[j] = diag[j] * x[j];
        s->xnorm = ls_norm(dx, n);
        s->delta = s->factor * s->xnorm;
        if (s->delta == 0)
            s->delta = s->factor;
    }
    s->gnorm = 0;
    if (s->fnorm != 0) {
        ls_matvec_t(J, m, n, n, f, g);
        for (size_t j = 0; j < n; ++j)
            if (acnorm[j] != 0)
                s->gnorm = fmax(s->gnorm, fabs(g[j] / (acnorm[j] * s->fnorm)));
    }
    run->report[0] = s->gnorm;
    run->report[1] = s->delta;
    if (s->gnorm <= s->ls.tol.gtol)
        return GPUOPT_STOP_GRADIENT_TOLERANCE;
    for (size_t j = 0; j < n; ++j)
        diag[j] = fmax(diag[j], acnorm[j]);
    for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
            A[i * n + j] = J[i * n + j] / diag[j];
    double *U = B(run, s->U), *uf = B(run, s->uf);
    if (ls_svd(A, m, n, U, B(run, s->s), B(run, s->VT)) != 0)
        return gpuopt_run_fail(run, GPUOPT_ERR_INTERNAL,
                               "ls_lm: the SVD of the %zu x %zu scaled Jacobian did not converge "
                               "at iteration %lld",
                               m, n, (long long)run->n_iterations);
    ls_matvec_t(U, m, n, n, f, uf);
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ steps */

static void request_point(gpuopt_run *run, const double *point, int phase)
{
    lm_state *s = st_of(run);
    ls_solver_request(run, &s->ls, point, phase,
                      phase == LM_TRIAL && s->ls.tol.speculative ? LS_PROBE_POINT_JACOBIAN
                                                                 : LS_PROBE_POINT);
}

/* The predicted reduction and directional derivative of the LM step p (MINPACK's). */
static void predict(gpuopt_run *run, const double *p, double pnorm)
{
    lm_state *s = st_of(run);
    double *Jp = B(run, s->Jp);
    ls_matvec(B(run, s->J), run->n_outputs, run->dim, run->dim, p, Jp);
    double temp1 = ls_norm(Jp, run->n_outputs) / s->fnorm;
    double temp2 = sqrt(s->par) * pnorm / s->fnorm;
    s->prered = temp1 * temp1 + temp2 * temp2 / 0.5;
    s->dirder = -(temp1 * temp1 + temp2 * temp2);
}

/* The LM step at the current radius, then its curvature point or the trial point. */
static void inner_trial(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    size_t n = run->dim;
    double *q = B(run, s->q), *p = B(run, s->p), *x_new = B(run, s->x_new);
    const double *x = B(run, s->x), *diag = B(run, s->diag);
    lm_par(run, q);
    for (size_t j = 0; j < n; ++j)
        p[j] = q[j] / diag[j];
    s->pnorm = ls_norm(q, n);
    if (s->iter == 1)
        s->delta = fmin(s->delta, s->pnorm);
    predict(run, p, s->pnorm);
    if (s->geodesic) {
        for (size_t j = 0; j < n; ++j)
            x_new[j] = x[j] + s->h_fvv * p[j];
        request_point(run, x_new, LM_CURVATURE);
        return;
    }
    for (size_t j = 0; j < n; ++j)
        x_new[j] = x[j] + p[j];
    request_point(run, x_new, LM_TRIAL);
}

/* The tests after delta changed (MINPACK's info 2, 3 and 7). */
static gpuopt_status radius_tests(const lm_state *s, int ftol_met)
{
    int xtol_met = s->delta <= s->ls.tol.xtol * s->xnorm;
    if (ftol_met && xtol_met)
        return GPUOPT_STOP_PARAMS_AND_CRITERION_TOLERANCE;
    if (ftol_met)
        return GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE;
    if (xtol_met)
        return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    if (s->delta <= DBL_EPSILON * s->xnorm || s->gnorm <= DBL_EPSILON)
        return GPUOPT_STOP_NO_EFFECT;
    return GPUOPT_SUCCESS;
}

/* r(x + h v) is in: the acceleration, then the trial point x + v + a/2 (or a refusal). */
static gpuopt_status after_curvature(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    const double *rh = ls_probe_residuals(run, &s->ls.probe), *f = B(run, s->f);
    const double *Jp = B(run, s->Jp), *x = B(run, s->x), *diag = B(run, s->diag);
    const double *p = B(run, s->p), *U = B(run, s->U);
    double *fvv = B(run, s->work), *ufvv = B(run, s->work) + m, *qa = B(run, s->v);
    double *x_new = B(run, s->x_new);
    s->avratio = INFINITY;
    if (s->ls.probe.finite) {
        for (size_t i = 0; i < m; ++i)
            fvv[i] = 2.0 / s->h_fvv * ((rh[i] - f[i]) / s->h_fvv - Jp[i]);
        ls_matvec_t(U, m, n, n, fvv, ufvv);
        ls_svd_step(n, n, ufvv, B(run, s->s), B(run, s->VT), s->par, qa);
        s->avratio = s->pnorm > 0 ? ls_norm(qa, n) / s->pnorm : INFINITY;
    }
    run->report[2] = isfinite(s->avratio) ? s->avratio : DBL_MAX;
    if (!(s->avratio <= s->avmax)) { /* refused: shrink as after a poor step */
        s->delta = 0.5 * fmin(s->delta, s->pnorm / 0.1);
        s->par /= 0.5;
        gpuopt_status st = radius_tests(s, 0);
        if (st != GPUOPT_SUCCESS)
            return st;
        inner_trial(run);
        return GPUOPT_SUCCESS;
    }
    double *step = B(run, s->q); /* the scaled step D (v + a/2) */
    for (size_t j = 0; j < n; ++j) {
        double a = qa[j] / diag[j];
        x_new[j] = x[j] + p[j] + 0.5 * a;
        step[j] = diag[j] * (p[j] + 0.5 * a);
    }
    s->pnorm = ls_norm(step, n);
    request_point(run, x_new, LM_TRIAL);
    return GPUOPT_SUCCESS;
}

/* MINPACK's radius and parameter update for a step of the given ratio. */
static void update_radius(lm_state *s, double ratio, double actred, double fnorm1)
{
    if (ratio <= 0.25) {
        double temp = actred >= 0 ? 0.5 : 0.5 * s->dirder / (s->dirder + 0.5 * actred);
        if (!(0.1 * fnorm1 < s->fnorm) || temp < 0.1)
            temp = 0.1;
        s->delta = temp * fmin(s->delta, s->pnorm / 0.1);
        s->par /= temp;
    } else if (s->par == 0 || ratio >= 0.75) {
        s->delta = s->pnorm / 0.5;
        s->par *= 0.5;
    }
}

static gpuopt_status after_trial(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    double fnorm1 = s->ls.probe.finite ? sqrt(2 * s->ls.probe.cost) : INFINITY;
    double actred = 0.1 * fnorm1 < s->fnorm ? 1 - (fnorm1 / s->fnorm) * (fnorm1 / s->fnorm) : -1;
    double ratio = s->prered != 0 ? actred / s->prered : 0;
    run->report[3] = isfinite(ratio) ? ratio : 0;
    update_radius(s, ratio, actred, fnorm1);
    int success = ratio >= 1e-4;
    if (success) {
        double *x = B(run, s->x), *dx = B(run, s->v);
        const double *diag = B(run, s->diag);
        memcpy(x, B(run, s->x_new), n * sizeof *x);
        memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), m * sizeof(double));
        for (size_t j = 0; j < n; ++j)
            dx[j] = diag[j] * x[j];
        s->xnorm = ls_norm(dx, n);
        s->fnorm = fnorm1;
        ++s->iter;
    }
    int ftol_met = fabs(actred) <= s->ls.tol.ftol && s->prered <= s->ls.tol.ftol && 0.5 * ratio <= 1;
    gpuopt_status st = radius_tests(s, ftol_met);
    if (st == GPUOPT_SUCCESS && fabs(actred) <= DBL_EPSILON && s->prered <= DBL_EPSILON &&
        0.5 * ratio <= 1)
        st = GPUOPT_STOP_NO_EFFECT;
    if (st != GPUOPT_SUCCESS)
        return st;
    if (!success) {
        inner_trial(run);
        return GPUOPT_SUCCESS;
    }
    if (s->ls.probe.kind == LS_PROBE_POINT_JACOBIAN) {
        memcpy(B(run, s->J), ls_probe_jacobian(run, &s->ls.probe), m * n * sizeof(double));
        st = outer_begin(run);
        if (st == GPUOPT_SUCCESS)
            inner_trial(run);
        return st;
    }
    ls_solver_request(run, &s->ls, B(run, s->x), LM_JACOBIAN, LS_PROBE_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status after_jacobian(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    size_t n = run->dim, m = run->n_outputs;
    if (s->ls.phase == LM_START) {
        run->report[2] = 0; /* no acceleration, no step yet */
        run->report[3] = 0;
        if (!s->ls.probe.finite)
            return gpuopt_run_fail(run, GPUOPT_ERR_NONFINITE_CRITERION,
                                   "ls_lm: the residuals at the start point are not all finite");
        memcpy(B(run, s->f), ls_probe_residuals(run, &s->ls.probe), m * sizeof(double));
        s->fnorm = sqrt(2 * s->ls.probe.cost);
    }
    memcpy(B(run, s->J), ls_probe_jacobian(run, &s->ls.probe), m * n * sizeof(double));
    gpuopt_status st = outer_begin(run);
    if (st == GPUOPT_SUCCESS)
        inner_trial(run);
    return st;
}

/* -------------------------------------------------------------------- init */

static gpuopt_status refuse_problem(gpuopt_run *run)
{
    if (run->n_outputs < run->dim)
        return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                               "ls_lm needs at least as many residuals as parameters (MINPACK's "
                               "m >= n); this problem has %zu residuals and %zu parameters: use "
                               "ls_trf or ls_dogbox (or the derivative-free least-squares "
                               "solvers pounders and dfols), which allow m < n",
                               run->n_outputs, run->dim);
    if (gpuopt_opt_bool(run, "ignore_bounds"))
        return GPUOPT_SUCCESS;
    for (size_t j = 0; j < run->dim; ++j)
        if (isfinite(run->lower[j]) || isfinite(run->upper[j]))
            return gpuopt_run_fail(run, GPUOPT_ERR_UNSUPPORTED,
                                   "ls_lm does not support bounds, and coordinate %zu has "
                                   "[%g, %g]; use ls_trf or ls_dogbox, remove the bounds, or set "
                                   "ignore_bounds=true to ignore them",
                                   j, run->lower[j], run->upper[j]);
    return GPUOPT_SUCCESS;
}

static gpuopt_status allocate(gpuopt_run *run, lm_state *s)
{
    size_t n = run->dim, m = run->n_outputs;
    const ls_buffer_row rows[] = {
        {"lm_x", n, sizeof(double), &s->x},
        {"lm_residuals", m, sizeof(double), &s->f},
        {"lm_jacobian", m * n, sizeof(double), &s->J},
        {"lm_diag", n, sizeof(double), &s->diag},
        {"lm_column_norms", n, sizeof(double), &s->acnorm},
        {"lm_svd_input", m * n, sizeof(double), &s->A},
        {"lm_svd_u", m * n, sizeof(double), &s->U},
        {"lm_svd_s", n, sizeof(double), &s->s},
        {"lm_svd_vt", n * n, sizeof(double), &s->VT},
        {"lm_uf", n, sizeof(double), &s->uf},
        {"lm_work", m + n, sizeof(double), &s->work},
        {"lm_scaled_step", n, sizeof(double), &s->q},
        {"lm_step", n, sizeof(double), &s->p},
        {"lm_scratch", n, sizeof(double), &s->v},
        {"lm_x_new", n, sizeof(double), &s->x_new},
        {"lm_jp", m, sizeof(double), &s->Jp},
    };
    return ls_allocate(run, rows, GPUOPT_COUNT(rows));
}

static gpuopt_status lm_init(gpuopt_run *run)
{
    lm_state *s = st_of(run);
    gpuopt_status st = ls_check_sizes(run);
    if (st == GPUOPT_SUCCESS)
        st = refuse_problem(run);
    if (st == GPUOPT_SUCCESS)
        st = ls_read_common(run, &s->ls, 0);
    if (st == GPUOPT_SUCCESS)
        st = allocate(run, s);
    if (st != GPUOPT_SUCCESS)
        return st;
    s->geodesic = gpuopt_opt_bool(run, "geodesic_acceleration");
    s->avmax = gpuopt_opt_double(run, "geodesic_acceleration.max_ratio");
    s->h_fvv = gpuopt_opt_double(run, "geodesic_acceleration.step");
    s->factor = gpuopt_opt_double(run, "trustregion.initial_radius_factor");
    s->iter = 1;
    memcpy(B(run, s->x), run->x0, run->dim * sizeof(double));
    ls_solver_request(run, &s->ls, run->x0, LM_START, LS_PROBE_POINT_JACOBIAN);
    return GPUOPT_SUCCESS;
}

static gpuopt_status lm_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    static const ls_phase_fn after[] = {[LM_START] = after_jacobian,
                                        [LM_CURVATURE] = after_curvature,
                                        [LM_TRIAL] = after_trial,
                                        [LM_JACOBIAN] = after_jacobian};
    return ls_solver_tell(run, batch, after, GPUOPT_COUNT(after));
}

/* -------------------------------------------------------------- descriptor */

static const char *const lm_aliases[] = {"scipy_ls_lm", NULL};
static const char *const lm_report_keys[] = {"gradient_cosine", "trust_radius",
                                             "acceleration_ratio", "step_ratio", NULL};

const gpuopt_algorithm gpuopt_algorithm_ls_lm = {
    .name = "ls_lm",
    .aliases = lm_aliases,
    .presets = NULL,
    .summary = "Levenberg-Marquardt for nonlinear least squares (MINPACK's lmder as in scipy's "
               "least_squares method='lm'), with optional geodesic acceleration.",
    .doc = "Local, unconstrained (finite bounds are refused unless ignore_bounds=true), for "
           "least-squares criteria with at least as many residuals as parameters. MINPACK's "
           "trust-region Levenberg-Marquardt with column-norm scaling (scipy's x_scale='jac'), "
           "the subproblem solved on the SVD of the scaled Jacobian; finite-difference "
           "Jacobians (one batch, combined on the backend). geodesic_acceleration=true adds "
           "Transtrum & Sethna's second-order correction (GSL's lmaccel). References: Moré "
           "(1978), Lecture Notes in Mathematics 630:105-116; Transtrum & Sethna (2012), "
           "arXiv:1201.5885. See docs/algorithms/least_squares.md.",
    .properties = GPUOPT_PROP_LOCAL | GPUOPT_PROP_USES_GRADIENT,
    .criterion_kinds = GPUOPT_CRITERION_LEAST_SQUARES,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = lm_options,
    .n_options = GPUOPT_COUNT(lm_options),
    .report_keys = lm_report_keys,
    .state_size = sizeof(lm_state),
    .init = lm_init,
    .ask = ls_solver_ask,
    .tell = lm_tell,
};
