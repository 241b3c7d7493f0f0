/* CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772) with active CMA,
 * IPOP/BIPOP restarts and the separable variant, on backend buffers: the population, its
 * values and the distribution stay on the backend; the host keeps scalars (sigma, counters,
 * histories of a few values per generation). One generation:
 *
 *   ask   Z = normals (fill_normal); full: Y = Z (B D)^T (dgemm); X = m + sigma Y, repaired
 *         (cmaes_sample); the batch is X
 *   tell  ranking (argsort; cmaes_penalty first under bounds_handling=penalty), rank statistics,
 *         recombination (cmaes_recombine), u = C^-1/2 <y>_w (full: dgemm with B), paths and mean
 *         (cmaes_paths), C <- beta C + Z^T Y (dgemm; separable: cmaes_diag_update), sigma, the
 *         lazy eigendecomposition (copy, dsyevd, cmaes_eigen_finish), the stopping measurements
 *         (cmaes_measure), then the stopping rules and the restart logic.
 * See docs/algorithms/cmaes.md. */
#include "cmaes_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { STAGE_ASK_START = 0, STAGE_TELL_START, STAGE_ASK, STAGE_TELL };

#define REGIME_SMALL 0
#define REGIME_LARGE 1
#define STAG_MAX 20000 /* stagnation history entries kept (pycma) */

const char *const gpuopt_cmaes_report_keys[] = {"sigma",   "max_std",         "condition_number",
                                                "restart", "population_size", NULL};

/* ------------------------------------------------------------------ options */

const gpuopt_option_spec gpuopt_cmaes_options[GPUOPT_CMAES_N_OPTIONS] = {
    {"population_size", GPUOPT_OPTION_INT, 0, "auto", 2, 1e9, NULL, GPUOPT_OPT_ZERO_IS_AUTO,
     "lambda, the points sampled per generation; 0 (auto) as default_population_size says. "
     "Restarts with ipop/bipop grow it from this value."},
    {"mu", GPUOPT_OPTION_INT, 0, "auto", 1, 1e9, NULL, GPUOPT_OPT_ZERO_IS_AUTO,
     "Parents: the best mu points get positive recombination weights; 0 (auto) = "
     "floor(lambda / 2). At most population_size."},
    {"default_population_size", GPUOPT_OPTION_CHOICE, 1, "hansen", 0, 0, "hansen|estimagic", 0,
     "What population_size=auto means: hansen = 4 + floor(3 ln n) (the tutorial's and pycma's "
     "default); estimagic = max(2 n, 64) (estimagic's pygmo_cmaes)."},
    {"seed", GPUOPT_OPTION_INT, -1, "auto", 0, (double)INT64_MAX, NULL, GPUOPT_OPT_NEG_IS_AUTO,
     "Seed of the random draws; -1 (auto) uses the context's seed."},
    {"discard_start_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "When false the start point is evaluated first (one extra evaluation), so the result is "
     "never worse than it; the mean starts at the start point either way."},
    {"stopping.max_iterations", GPUOPT_OPTION_INT, (double)INT64_MAX, "unlimited", 1,
     (double)INT64_MAX, NULL, 0, "Generations, over all restarts."},
    {"stopping.max_criterion_evaluations", GPUOPT_OPTION_INT, (double)INT64_MAX, "unlimited", 1,
     (double)INT64_MAX, NULL, 0,
     "Criterion evaluations, over all restarts (BIPOP's shared budget)."},
    {"backward_horizon", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL, GPUOPT_OPT_NEG_IS_AUTO,
     "c_c, the learning rate of the evolution path p_c; -1 (auto) = the tutorial's default "
     "(sep_cmaes: pycma's separable one)."},
    {"variance_loss_compensation", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL,
     GPUOPT_OPT_NEG_IS_AUTO,
     "c_sigma, the learning rate of the step-size path p_sigma; -1 (auto) = (mu_eff + 2) / "
     "(n + mu_eff + 5)."},
    {"learning_rate_rank_one_update", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL,
     GPUOPT_OPT_NEG_IS_AUTO, "c_1; -1 (auto) = the tutorial's default (sep_cmaes: pycma's)."},
    {"learning_rate_rank_mu_update", GPUOPT_OPTION_DOUBLE, -1, "auto", 0, 1, NULL,
     GPUOPT_OPT_NEG_IS_AUTO, "c_mu; -1 (auto) = the tutorial's default (sep_cmaes: pycma's)."},
    {"initial_step_size", GPUOPT_OPTION_DOUBLE, 0.25, NULL, 0, INFINITY, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE,
     "sigma_0: the initial standard deviation of a coordinate is sigma_0 times its box width "
     "(upper - lower) where both bounds are finite (pagmo's convention), sigma_0 where not. "
     "Above 0.5 it is clamped to 0.5, with a warning."},
    {"ftol", GPUOPT_OPTION_DOUBLE, 1e-11, NULL, 0, INFINITY, NULL, 0,
     "Stop (or restart) when the values of the current generation and the best values of the "
     "last 10 + 30 n / lambda generations all lie within ftol (pycma's tolfun)."},
    {"xtol", GPUOPT_OPTION_DOUBLE, 1e-11, NULL, 0, INFINITY, NULL, 0,
     "Stop (or restart) when sigma sqrt(C_jj) and sigma |p_c,j| are below xtol in every "
     "coordinate (pycma's tolx)."},
    {"keep_adapted_params", GPUOPT_OPTION_BOOL, 0, NULL, 0, 1, NULL, 0,
     "pagmo's memory flag across evolve() calls; within one gpuopt run the adapted parameters "
     "always persist, so it has no effect."},
    {"active", GPUOPT_OPTION_BOOL, 1, NULL, 0, 1, NULL, 0,
     "Active CMA: the worst points get negative weights in the covariance update (the "
     "tutorial's default weights, pycma's default)."},
    {"bounds_handling", GPUOPT_OPTION_CHOICE, GPUOPT_CMAES_BOUNDS_PROJECTION, "projection", 0, 0,
     "projection|penalty", 0,
     "projection: out-of-bounds coordinates are put on the bound and the update uses the step "
     "taken; penalty: the bounded point is evaluated and a quadratic penalty with adaptive "
     "weights (pycma's BoundPenalty) ranks it."},
    {"restarts", GPUOPT_OPTION_CHOICE, GPUOPT_CMAES_RESTARTS_NONE, "none", 0, 0, "none|ipop|bipop",
     0,
     "After a local stopping rule fires: none stops; ipop restarts with twice the population; "
     "bipop (Hansen 2009) alternates large populations (doubling) and small ones with smaller "
     "steps, keeping their evaluation budgets balanced."},
    {"max_restarts", GPUOPT_OPTION_INT, 9, NULL, 0, 30, NULL, 0,
     "Restarts allowed (ipop, bipop); the largest population is population_size * "
     "2^max_restarts."},
    {"tolstagnation", GPUOPT_OPTION_INT, 0, "auto", 1, (double)INT64_MAX, NULL,
     GPUOPT_OPT_ZERO_IS_AUTO,
     "Stop (or restart) when the median of the best and of the median values has not improved "
     "over about this many generations; 0 (auto) = 100 + 100 n^1.5 / lambda (pycma)."},
    {"tolconditioncov", GPUOPT_OPTION_DOUBLE, 1e14, NULL, 0, INFINITY, NULL, 0,
     "Stop (or restart) when the condition number of C exceeds this; 0 disables."},
    {"ftarget", GPUOPT_OPTION_DOUBLE, -INFINITY, NULL, -INFINITY, INFINITY, NULL, 0,
     "Stop as soon as the best value is at most ftarget (pycma's ftarget; no further restarts)."},
};

/* ----------------------------------------------------------------- helpers */

static gpuopt_status backend_fail(gpuopt_run *run, gpuopt_status st, const char *what)
{
    return gpuopt_run_fail(run, st, "%s: %s failed on the %s backend: %s", run->algorithm->name,
                           what, run->backend->ops->name, run->backend->error);
}

static int any_finite_bound(const gpuopt_run *run)
{
    for (size_t j = 0; j < run->dim; ++j)
        if (isfinite(run->lower[j]) || isfinite(run->upper[j]))
            return 1;
    return 0;
}

/* Coordinate j's initial scale: its box width where both bounds are finite, else 1. */
static double coordinate_scale(const gpuopt_run *run, size_t j)
{
    double w = run->upper[j] - run->lower[j];
    return isfinite(w) ? (w > 1e-300 ? w : 1e-300) : 1.0;
}

static struct gpuopt_cmaes_args make_args(const gpuopt_run *run, const gpuopt_cmaes_state *s,
                                          double *host_out)
{
    return (struct gpuopt_cmaes_args){
        .dim = run->dim,
        .lambda = (size_t)s->lambda,
        .n_mu = (size_t)s->mu,
        .separable = s->separable,
        .bounds = s->bounds,
        .sigma = s->sigma,
        .Z = gpuopt_run_dev(run, s->buf_Z),
        .Y = gpuopt_run_dev(run, s->buf_Y),
        .X = gpuopt_run_dev(run, s->buf_X),
        .f = gpuopt_run_dev(run, s->buf_f),
        .fit = gpuopt_run_dev(run, s->buf_fit),
        .idx = gpuopt_run_dev(run, s->buf_idx),
        .weights = gpuopt_run_dev(run, s->buf_weights),
        .wind = gpuopt_run_dev(run, s->buf_wind),
        .mean = gpuopt_run_dev(run, s->buf_mean),
        .ps = gpuopt_run_dev(run, s->buf_ps),
        .pc = gpuopt_run_dev(run, s->buf_pc),
        .ymean = gpuopt_run_dev(run, s->buf_ymean),
        .zmean = gpuopt_run_dev(run, s->buf_zmean),
        .u = gpuopt_run_dev(run, s->buf_u),
        .C = gpuopt_run_dev(run, s->buf_C),
        .B = gpuopt_run_dev(run, s->buf_B),
        .BD = gpuopt_run_dev(run, s->buf_BD),
        .evals = gpuopt_run_dev(run, s->buf_evals),
        .D = gpuopt_run_dev(run, s->buf_D),
        .lower = run->lower_dev,
        .upper = run->upper_dev,
        .gamma = gpuopt_run_dev(run, s->buf_gamma),
        .host_out = host_out,
    };
}

/* ------------------------------------------------------ strategy parameters */

/* Raw weight of rank i (1-based): positive for the mu best, and with active CMA the tutorial's
 * negative values ln((lambda + 1) / 2) - ln i for the others. */
static double raw_weight(const gpuopt_cmaes_state *s, uint64_t i)
{
    double lam = (double)s->lambda;
    if (i <= s->mu)
        return (s->auto_mu ? log((lam + 1.0) / 2.0) : log((double)s->mu + 0.5)) - log((double)i);
    double w = log((lam + 1.0) / 2.0) - log((double)i);
    return s->active && w < 0.0 ? w : 0.0;
}

/* mu_eff of the positive part and of the negative part. */
static void effective_masses(const gpuopt_cmaes_state *s, double *mueff, double *mueff_neg,
                             double *pos_sum, double *neg_sum)
{
    double ps = 0, pq = 0, ns = 0, nq = 0;
    for (uint64_t i = 1; i <= s->lambda; ++i) {
        double w = raw_weight(s, i);
        if (w > 0) {
            ps += w;
            pq += w * w;
        } else if (w < 0) {
            ns -= w;
            nq += w * w;
        }
    }
    *mueff = ps * ps / pq;
    *mueff_neg = nq > 0 ? ns * ns / nq : 0;
    *pos_sum = ps;
    *neg_sum = ns;
}

/* Learning rates: the tutorial's defaults (full), pycma's separable ones (sep), or the options. */
static void learning_rates(gpuopt_cmaes_state *s, double n)
{
    double mu = s->mueff;
    if (s->separable) {
        s->c1 = 1.0 / (n + 2.0 * sqrt(n) + mu / n);
        s->cmu = fmin(1.0 - s->c1, (0.25 + mu + 1.0 / mu - 2.0) / (n + 4.0 * sqrt(n) + mu / 2.0));
        s->cc = (1.0 + 1.0 / n + mu / n) / (sqrt(n) + 1.0 / n + 2.0 * mu / n);
    } else {
        s->c1 = 2.0 / ((n + 1.3) * (n + 1.3) + mu);
        s->cmu = fmin(1.0 - s->c1, 2.0 * (mu - 2.0 + 1.0 / mu) / ((n + 2.0) * (n + 2.0) + mu));
        s->cc = (4.0 + mu / n) / (n + 4.0 + 2.0 * mu / n);
    }
    s->cs = (mu + 2.0) / (n + mu + 5.0);
    if (s->cc_option >= 0)
        s->cc = s->cc_option;
    if (s->cs_option >= 0)
        s->cs = s->cs_option;
    if (s->c1_option >= 0)
        s->c1 = s->c1_option;
    if (s->cmu_option >= 0)
        s->cmu = s->cmu_option;
    s->damps = 1.0 + 2.0 * fmax(0.0, sqrt((mu - 1.0) / (n + 1.0)) - 1.0) + s->cs;
    s->chi_n = sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
    s->eig_gap = s->c1 + s->cmu > 0 ? 1.0 / (10.0 * n * (s->c1 + s->cmu)) : INFINITY;
}

/* The weights by rank into w (lambda values): positive ones sum to 1, negative ones are scaled
 * by min(alpha_mu, alpha_mueff, alpha_posdef) (the tutorial's active CMA). Sets sum_w. */
static void recombination_weights(gpuopt_cmaes_state *s, double n, double mueff_neg, double pos_sum,
                                  double neg_sum, double *w)
{
    double alpha = 0;
    if (neg_sum > 0 && s->cmu > 0) {
        double a_mu = 1.0 + s->c1 / s->cmu;
        double a_mueff = 1.0 + 2.0 * mueff_neg / (s->mueff + 2.0);
        double a_posdef = (1.0 - s->c1 - s->cmu) / (n * s->cmu);
        alpha = fmax(0.0, fmin(a_mu, fmin(a_mueff, a_posdef)));
    }
    s->sum_w = 0;
    for (uint64_t i = 1; i <= s->lambda; ++i) {
        double raw = raw_weight(s, i);
        w[i - 1] = raw > 0 ? raw / pos_sum : (raw < 0 ? alpha * raw / neg_sum : 0.0);
        s->sum_w += w[i - 1];
    }
}

/* ------------------------------------------------------------- run set-up */

static gpuopt_status write_rows(gpuopt_run *run, gpuopt_cmaes_state *s, int buf, int kind)
{
    size_t n = run->dim;
    double *row = gpuopt_run_host(run, s->buf_row);
    for (size_t j = 0; j < n; ++j) {
        memset(row, 0, n * sizeof *row);
        double sc = coordinate_scale(run, j);
        row[j] = kind == 0 ? sc * sc : (kind == 1 ? 1.0 : sc); /* C, B, BD */
        gpuopt_status st = gpuopt_run_write(run, buf, j * n, n, row);
        if (st)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* C = diag(scale^2), B = I, D = scale (full also BD, evals); separable: C = scale^2, D = scale. */
static gpuopt_status reset_distribution(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    size_t n = run->dim;
    double *row = gpuopt_run_host(run, s->buf_row);
    gpuopt_status st;
    s->eig_min = INFINITY;
    s->eig_max = 0;
    for (size_t j = 0; j < n; ++j) {
        double sc = coordinate_scale(run, j);
        row[j] = sc;
        s->eig_min = fmin(s->eig_min, sc * sc);
        s->eig_max = fmax(s->eig_max, sc * sc);
    }
    if ((st = gpuopt_run_write(run, s->buf_D, 0, n, row)))
        return st;
    for (size_t j = 0; j < n; ++j)
        row[j] *= row[j];
    if (s->separable)
        return gpuopt_run_write(run, s->buf_C, 0, n, row);
    if ((st = gpuopt_run_write(run, s->buf_evals, 0, n, row)) ||
        (st = write_rows(run, s, s->buf_C, 0)) || (st = write_rows(run, s, s->buf_B, 1)) ||
        (st = write_rows(run, s, s->buf_BD, 2)))
        return st;
    return GPUOPT_SUCCESS;
}

/* mean = x0, p_sigma = p_c = 0, BoundPenalty weights = 1. */
static gpuopt_status reset_vectors(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    size_t n = run->dim;
    double *row = gpuopt_run_host(run, s->buf_row);
    gpuopt_status st;
    if ((st = gpuopt_run_write(run, s->buf_mean, 0, n, run->x0)))
        return st;
    memset(row, 0, n * sizeof *row);
    if ((st = gpuopt_run_write(run, s->buf_ps, 0, n, row)) ||
        (st = gpuopt_run_write(run, s->buf_pc, 0, n, row)))
        return st;
    for (size_t j = 0; j < n; ++j)
        row[j] = 1.0;
    return gpuopt_run_write(run, s->buf_gamma, 0, n, row);
}

static gpuopt_status measure(gpuopt_run *run, gpuopt_cmaes_state *s);

/* Starts a run (the first, or a restart) with population lambda and step sigma0 * factor. */
static gpuopt_status begin_run(gpuopt_run *run, gpuopt_cmaes_state *s, uint64_t lambda,
                               double sigma_factor, int64_t maxiter)
{
    double n = (double)run->dim, mueff_neg, pos_sum, neg_sum;
    s->lambda = lambda;
    s->mu = s->auto_mu ? lambda / 2 : (uint64_t)s->mu_option;
    if (s->mu < 1)
        s->mu = 1;
    effective_masses(s, &s->mueff, &mueff_neg, &pos_sum, &neg_sum);
    learning_rates(s, n);
    double *w = gpuopt_run_host(run, s->buf_row);
    recombination_weights(s, n, mueff_neg, pos_sum, neg_sum, w);
    gpuopt_status st = gpuopt_run_write(run, s->buf_weights, 0, (size_t)lambda, w);
    if (st || (st = reset_distribution(run, s)) || (st = reset_vectors(run, s)))
        return st;
    s->sigma = s->sigma_start = s->sigma0 * sigma_factor;
    s->maxiter = maxiter;
    s->run_generation = s->eig_generation = 0;
    s->run_start_evals = run->n_evaluations;
    s->fhist_len = s->fhist_pos = s->stag_len = s->stag_pos = s->pen_len = s->pen_pos = 0;
    s->run_best_f = INFINITY;
    s->run_best_evals = run->n_evaluations;
    s->flat_iterations = 0;
    s->gamma_initialized = 0;
    return measure(run, s);
}

/* -------------------------------------------------------------------- init */

static gpuopt_status read_options(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    const char *name = run->algorithm->name;
    s->auto_mu = gpuopt_opt_is_auto(run, "mu");
    s->mu_option = gpuopt_opt_int(run, "mu");
    s->sigma0 = gpuopt_opt_double(run, "initial_step_size");
    s->ftol = gpuopt_opt_double(run, "ftol");
    s->xtol = gpuopt_opt_double(run, "xtol");
    s->tolconditioncov = gpuopt_opt_double(run, "tolconditioncov");
    s->tolstagnation = gpuopt_opt_int(run, "tolstagnation");
    s->ftarget = gpuopt_opt_double(run, "ftarget");
    s->cc_option = gpuopt_opt_double(run, "backward_horizon");
    s->cs_option = gpuopt_opt_double(run, "variance_loss_compensation");
    s->c1_option = gpuopt_opt_double(run, "learning_rate_rank_one_update");
    s->cmu_option = gpuopt_opt_double(run, "learning_rate_rank_mu_update");
    s->active = gpuopt_opt_bool(run, "active");
    s->discard_start = gpuopt_opt_bool(run, "discard_start_params");
    s->restarts = gpuopt_opt_choice(run, "restarts");
    s->max_restarts =
        s->restarts == GPUOPT_CMAES_RESTARTS_NONE ? 0 : gpuopt_opt_int(run, "max_restarts");
    s->bounds = any_finite_bound(run) ? gpuopt_opt_choice(run, "bounds_handling")
                                      : GPUOPT_CMAES_BOUNDS_NONE;
    if (!(s->sigma0 > 0) || !isfinite(s->sigma0))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "%s: initial_step_size must be a finite number > 0, got %g", name,
                               s->sigma0);
    if (s->c1_option >= 0 && s->cmu_option >= 0 && s->c1_option + s->cmu_option > 1)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "%s: learning_rate_rank_one_update + learning_rate_rank_mu_update "
                               "must not exceed 1 (got %g + %g)",
                               name, s->c1_option, s->cmu_option);
    return GPUOPT_SUCCESS;
}

/* lambda0 from the options; mu within it; sigma0 clamped to half the box. */
static gpuopt_status choose_population(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    const char *name = run->algorithm->name;
    double n = (double)run->dim;
    if (!gpuopt_opt_is_auto(run, "population_size"))
        s->lambda0 = gpuopt_opt_int(run, "population_size");
    else if (gpuopt_opt_choice(run, "default_population_size") == 2)
        s->lambda0 = (int64_t)fmax(2.0 * n, 64.0);
    else
        s->lambda0 = 4 + (int64_t)floor(3.0 * log(n));
    if (s->lambda0 < 2)
        return gpuopt_run_fail(run, GPUOPT_ERR_POPULATION_TOO_SMALL,
                               "%s: population_size (lambda) must be at least 2, got %lld", name,
                               (long long)s->lambda0);
    if (!s->auto_mu && s->mu_option > s->lambda0)
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "%s: mu (%lld) must not exceed population_size (lambda = %lld)",
                               name, (long long)s->mu_option, (long long)s->lambda0);
    if (s->bounds != GPUOPT_CMAES_BOUNDS_NONE && s->sigma0 > 0.5 && run->has_bounds) {
        gpuopt_run_warn(run,
                        "%s: initial_step_size %g is more than half the box width, where most "
                        "samples would leave the bounds; clamped to 0.5",
                        name, s->sigma0);
        s->sigma0 = 0.5;
    }
    s->lambda_max = (uint64_t)s->lambda0 << s->max_restarts;
    if (s->lambda_max >= (UINT64_C(1) << 31))
        return gpuopt_run_fail(run, GPUOPT_ERR_OPTION_RANGE,
                               "%s: population_size (%lld) * 2^max_restarts (%lld) must stay "
                               "below 2^31",
                               name, (long long)s->lambda0, (long long)s->max_restarts);
    return GPUOPT_SUCCESS;
}

/* Refuses a dimension whose matrices (or population buffers) do not fit the device. */
static gpuopt_status check_memory(gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    double n = (double)run->dim, lam = (double)s->lambda_max;
    double matrices = s->separable ? 0 : 8.0 * (5.0 * n * n + 6.0 * n);
    double population = 8.0 * (3.0 * lam + 2.0) * n;
    gpuopt_device_info info;
    double avail = 0;
    if (run->backend->ops->device_info &&
        run->backend->ops->device_info(0, &info) == GPUOPT_SUCCESS)
        avail = (double)info.memory_bytes;
    if (!s->separable &&
        (run->dim > GPUOPT_CMAES_MAX_FULL_DIM || (avail > 0 && matrices > avail / 2)))
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION,
                               "cmaes: a full covariance matrix at dimension %zu needs about "
                               "%.3g GB (%zu x %zu matrices) and O(n^3) eigendecompositions; "
                               "cmaes allows dimensions up to %d and half of the device's "
                               "%.3g GB. Use sep_cmaes (diagonal covariance, linear time and "
                               "memory) for large dimensions",
                               run->dim, matrices / 1e9, run->dim, run->dim,
                               GPUOPT_CMAES_MAX_FULL_DIM, avail / 1e9);
    if (avail > 0 && matrices + population > avail / 2)
        return gpuopt_run_fail(run, GPUOPT_ERR_OUT_OF_MEMORY,
                               "%s: populations of up to %.0f points (population_size %lld, "
                               "max_restarts %lld) at dimension %zu need about %.3g GB, more "
                               "than half of the device's %.3g GB; lower max_restarts or "
                               "population_size",
                               run->algorithm->name, lam, (long long)s->lambda0,
                               (long long)s->max_restarts, run->dim, population / 1e9, avail / 1e9);
    return GPUOPT_SUCCESS;
}

static gpuopt_status allocate(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    size_t n = run->dim, lam = (size_t)s->lambda_max, sz = sizeof(double);
    size_t mat = s->separable ? 0 : n * n;
    s->fhist_cap = 11 + (30 * n + (size_t)s->lambda0 - 1) / (size_t)s->lambda0;
    s->pen_cap = 21 + (3 * n) / (size_t)s->lambda0;
    s->stag_cap = STAG_MAX;
    gpuopt_buffer_place dev = GPUOPT_ON_BACKEND, host = GPUOPT_ON_HOST;
    gpuopt_status st;
    if ((st = gpuopt_run_buffer(run, "cma_Z", dev, (lam + 1) * n, sz, &s->buf_Z)) ||
        (st = gpuopt_run_buffer(run, "cma_Y", dev, (lam + 1) * n, sz, &s->buf_Y)) ||
        (st = gpuopt_run_buffer(run, "cma_X", dev, lam * n, sz, &s->buf_X)) ||
        (st = gpuopt_run_buffer(run, "cma_f", dev, lam, sz, &s->buf_f)) ||
        (st = gpuopt_run_buffer(run, "cma_fit", dev, lam, sz, &s->buf_fit)) ||
        (st = gpuopt_run_buffer(run, "cma_idx", dev, lam, sizeof(uint32_t), &s->buf_idx)) ||
        (st = gpuopt_run_buffer(run, "cma_weights", dev, lam, sz, &s->buf_weights)) ||
        (st = gpuopt_run_buffer(run, "cma_wind", dev, lam, sz, &s->buf_wind)) ||
        (st = gpuopt_run_buffer(run, "cma_mean", dev, n, sz, &s->buf_mean)) ||
        (st = gpuopt_run_buffer(run, "cma_ps", dev, n, sz, &s->buf_ps)) ||
        (st = gpuopt_run_buffer(run, "cma_pc", dev, n, sz, &s->buf_pc)) ||
        (st = gpuopt_run_buffer(run, "cma_ymean", dev, n, sz, &s->buf_ymean)) ||
        (st = gpuopt_run_buffer(run, "cma_zmean", dev, n, sz, &s->buf_zmean)) ||
        (st = gpuopt_run_buffer(run, "cma_u", dev, n, sz, &s->buf_u)) ||
        (st = gpuopt_run_buffer(run, "cma_C", dev, s->separable ? n : mat, sz, &s->buf_C)) ||
        (st = gpuopt_run_buffer(run, "cma_D", dev, n, sz, &s->buf_D)) ||
        (st = gpuopt_run_buffer(run, "cma_gamma", dev, n, sz, &s->buf_gamma)) ||
        (st = gpuopt_run_buffer(run, "cma_row", host, n > lam ? n : lam, sz, &s->buf_row)) ||
        (st = gpuopt_run_buffer(run, "cma_fhist", host, s->fhist_cap, sz, &s->buf_fhist)) ||
        (st = gpuopt_run_buffer(run, "cma_stag", host, 2 * s->stag_cap, sz, &s->buf_stag)) ||
        (st = gpuopt_run_buffer(run, "cma_scratch", host, s->stag_cap, sz, &s->buf_scratch)) ||
        (st = gpuopt_run_buffer(run, "cma_pen", host, s->pen_cap, sz, &s->buf_pen)))
        return st;
    s->buf_B = s->buf_BD = s->buf_evals = -1;
    if (s->separable)
        return GPUOPT_SUCCESS;
    if ((st = gpuopt_run_buffer(run, "cma_B", dev, mat, sz, &s->buf_B)) ||
        (st = gpuopt_run_buffer(run, "cma_BD", dev, mat, sz, &s->buf_BD)) ||
        (st = gpuopt_run_buffer(run, "cma_evals", dev, n, sz, &s->buf_evals)))
        return st;
    return GPUOPT_SUCCESS;
}

/* pycma's default iteration limit of a run, 100 + 150 (n + 3)^2 / sqrt(lambda). */
static int64_t default_maxiter(double n, double lambda)
{
    return 100 + (int64_t)floor(150.0 * (n + 3.0) * (n + 3.0) / sqrt(lambda));
}

gpuopt_status gpuopt_cmaes_init(gpuopt_run *run, int separable)
{
    gpuopt_cmaes_state *s = run->state;
    gpuopt_status st;
    s->separable = separable;
    if (run->dim >= (UINT64_C(1) << 31))
        return gpuopt_run_fail(run, GPUOPT_ERR_BAD_DIMENSION, "%s: dimension must be below 2^31",
                               run->algorithm->name);
    if ((st = read_options(run, s)) || (st = choose_population(run, s)) ||
        (st = check_memory(run, s)) || (st = allocate(run, s)))
        return st;
    s->generation = s->restart = s->n_large = 0;
    s->budget_small = s->budget_large = 0;
    s->regime = REGIME_SMALL;
    s->stage = s->discard_start ? STAGE_ASK : STAGE_ASK_START;
    int64_t maxiter = s->restarts == GPUOPT_CMAES_RESTARTS_NONE
                          ? INT64_MAX
                          : default_maxiter((double)run->dim, (double)s->lambda0);
    return begin_run(run, s, (uint64_t)s->lambda0, 1.0, maxiter);
}

/* --------------------------------------------------------------------- ask */

static gpuopt_status ask_start(gpuopt_run *run, gpuopt_cmaes_state *s, gpuopt_batch *batch)
{
    gpuopt_status st = gpuopt_run_write(run, s->buf_X, 0, run->dim, run->x0);
    if (st)
        return st;
    *batch = (gpuopt_batch){.x_buffer = s->buf_X, .f_buffer = s->buf_f, .raw_buffer = -1, .n = 1};
    s->stage = STAGE_TELL_START;
    return GPUOPT_SUCCESS;
}

/* Z = normals; full: Y = Z (B D)^T; X = m + sigma Y, repaired. */
static gpuopt_status ask_generation(gpuopt_run *run, gpuopt_cmaes_state *s, gpuopt_batch *batch)
{
    gpuopt_backend *b = run->backend;
    size_t n = run->dim, lam = (size_t)s->lambda;
    struct gpuopt_cmaes_args a = make_args(run, s, NULL);
    s->generation += 1;
    gpuopt_status st = gpuopt_backend_fill_normal(
        b, a.Z, lam, n, run->seed, gpuopt_stream(GPUOPT_CMAES_TAG_SAMPLE, s->generation));
    if (st)
        return backend_fail(run, st, "fill_normal");
    if (!s->separable &&
        (st = gpuopt_backend_dgemm(b, 0, 1, lam, n, n, 1.0, a.Z, 0, n, a.BD, 0, n, 0.0, a.Y, 0, n)))
        return backend_fail(run, st, "dgemm (sampling)");
    if ((st = gpuopt_backend_cmaes_sample(b, &a)))
        return backend_fail(run, st, "cmaes_sample");
    *batch = (gpuopt_batch){.x_buffer = s->buf_X, .f_buffer = s->buf_f, .raw_buffer = -1, .n = lam};
    s->stage = STAGE_TELL;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_cmaes_ask(gpuopt_run *run, gpuopt_batch *batch)
{
    gpuopt_cmaes_state *s = run->state;
    if (s->stage == STAGE_ASK_START)
        return ask_start(run, s, batch);
    if (s->stage == STAGE_ASK)
        return ask_generation(run, s, batch);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "%s: ask while a batch is out",
                           run->algorithm->name);
}

/* -------------------------------------------------------------- histories */

static void ring_push(double *ring, uint64_t cap, uint64_t *len, uint64_t *pos, double v)
{
    ring[*pos] = v;
    *pos = (*pos + 1) % cap;
    if (*len < cap)
        *len += 1;
}

/* The k-th newest entry (k = 0: the newest). */
static double ring_at(const double *ring, uint64_t cap, uint64_t pos, uint64_t k)
{
    return ring[(pos + cap - 1 - k) % cap];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Capacities of this run's histories: 10 + 30 n / lambda best values (ftol) and 20 + 3 n / lambda
 * interquartile ranges (BoundPenalty), as pycma; within the buffers sized for lambda0. */
static uint64_t fhist_capacity(const gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    uint64_t cap = 10 + (30 * (uint64_t)run->dim) / s->lambda;
    return cap < s->fhist_cap ? cap : s->fhist_cap;
}

static uint64_t pen_capacity(const gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    uint64_t cap = 20 + (3 * (uint64_t)run->dim) / s->lambda;
    return cap < s->pen_cap ? cap : s->pen_cap;
}

/* numpy's median of entries [from, from + count) (newest first) of a ring. */
static double ring_median(const double *ring, uint64_t cap, uint64_t pos, uint64_t from,
                          uint64_t count, double *scratch)
{
    for (uint64_t k = 0; k < count; ++k)
        scratch[k] = ring_at(ring, cap, pos, from + k);
    qsort(scratch, (size_t)count, sizeof *scratch, cmp_double);
    uint64_t h = count / 2;
    return count % 2 ? scratch[h] : 0.5 * (scratch[h - 1] + scratch[h]);
}

/* ----------------------------------------------------------------- ranking */

static gpuopt_status rank(gpuopt_run *run, gpuopt_cmaes_state *s, int of_fit)
{
    gpuopt_status st =
        gpuopt_backend_argsort(run->backend, gpuopt_run_dev(run, of_fit ? s->buf_fit : s->buf_f),
                               (size_t)s->lambda, gpuopt_run_dev(run, s->buf_idx));
    return st ? backend_fail(run, st, "argsort") : GPUOPT_SUCCESS;
}

/* BoundPenalty's history of interquartile ranges, normalized by the mean variance; returns its
 * median dfit, or 0 while it is empty. */
static double penalty_scale(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    double *hist = gpuopt_run_host(run, s->buf_pen);
    double var = s->sigma * s->sigma * s->measure[GPUOPT_CMAES_MEASURE_SUM_VAR] / (double)run->dim;
    double val = (s->stats[GPUOPT_CMAES_STAT_IQR_HI] - s->stats[GPUOPT_CMAES_STAT_IQR_LO]) / var;
    uint64_t cap = pen_capacity(run, s);
    if (isfinite(val) && val > 0) {
        ring_push(hist, cap, &s->pen_len, &s->pen_pos, val);
    } else if (isinf(val) && val > 0 && s->pen_len > 1) {
        double m = 0;
        for (uint64_t k = 0; k < s->pen_len; ++k)
            m = fmax(m, ring_at(hist, cap, s->pen_pos, k));
        ring_push(hist, cap, &s->pen_len, &s->pen_pos, m);
    }
    return s->pen_len ? ring_median(hist, cap, s->pen_pos, 0, s->pen_len,
                                    gpuopt_run_host(run, s->buf_scratch))
                      : 0.0;
}

/* BoundPenalty (pycma): coordinate weights scaled by dfit, initialized when the mean first
 * leaves the box (or in generation 2), then adapted; fit = f + penalty. */
static gpuopt_status penalize(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    double n = (double)run->dim;
    struct gpuopt_cmaes_args a = make_args(run, s, NULL);
    a.dfit = penalty_scale(run, s);
    a.damp = fmin(1.0, s->mueff / 10.0 / n);
    a.edist_min = 3.0 * fmax(1.0, sqrt(n) / s->mueff);
    a.gamma_mode = GPUOPT_CMAES_GAMMA_KEEP;
    if (s->pen_len > 0 && s->measure[GPUOPT_CMAES_MEASURE_OUTSIDE] > 0 &&
        (!s->gamma_initialized || s->run_generation == 2)) {
        a.gamma_mode = GPUOPT_CMAES_GAMMA_INIT;
        s->gamma_initialized = 1;
    } else if (s->pen_len > 0 && s->gamma_initialized) {
        a.gamma_mode = GPUOPT_CMAES_GAMMA_UPDATE;
    }
    gpuopt_status st = gpuopt_backend_cmaes_penalty(run->backend, &a);
    return st ? backend_fail(run, st, "cmaes_penalty") : GPUOPT_SUCCESS;
}

/* Ranking and the rank statistics of the raw values (pycma's tolfun and flat-fitness tests use
 * the raw values; the penalty ranks by the penalized ones). */
static gpuopt_status rank_generation(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    struct gpuopt_cmaes_args a = make_args(run, s, s->stats);
    gpuopt_status st = rank(run, s, 0);
    if (st)
        return st;
    if ((st = gpuopt_backend_cmaes_rank_stats(run->backend, &a)))
        return backend_fail(run, st, "cmaes_rank_stats");
    if (s->bounds != GPUOPT_CMAES_BOUNDS_PENALTY)
        return GPUOPT_SUCCESS;
    if ((st = penalize(run, s)))
        return st;
    return rank(run, s, 1);
}

/* ------------------------------------------------------------------ update */

/* Weighted means and rank-mu rows. Under projection the mean and C learn from the steps taken
 * (the repaired y, so the mean stays in the box), while the step-size path and the active
 * weights' norms use the sampled z: whitened repaired steps would make p_sigma blow up along a
 * bound where C has become narrow. */
static gpuopt_status recombine(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    struct gpuopt_cmaes_args a = make_args(run, s, NULL);
    a.c_mu = s->cmu;
    gpuopt_status st = gpuopt_backend_cmaes_recombine(run->backend, &a);
    return st ? backend_fail(run, st, "cmaes_recombine") : GPUOPT_SUCCESS;
}

/* p_sigma, h_sigma, p_c and the mean; returns |p_sigma|^2 and h_sigma in out[0..1]. */
static gpuopt_status update_paths(gpuopt_run *run, gpuopt_cmaes_state *s, double *out)
{
    gpuopt_backend *b = run->backend;
    size_t n = run->dim;
    struct gpuopt_cmaes_args a = make_args(run, s, out);
    gpuopt_status st;
    if (s->separable)
        a.u = a.zmean;
    else if ((st = gpuopt_backend_dgemm(b, 0, 1, 1, n, n, 1.0, a.zmean, 0, n, a.B, 0, n, 0.0, a.u,
                                        0, n)))
        return backend_fail(run, st, "dgemm (C^-1/2 <y>)");
    double g = (double)s->run_generation, dn = (double)n;
    double limit = (1.4 + 2.0 / (dn + 1.0)) * s->chi_n;
    a.ps_decay = 1.0 - s->cs;
    a.ps_gain = sqrt(s->cs * (2.0 - s->cs) * s->mueff);
    a.hsig_norm = 1.0 - pow(1.0 - s->cs, 2.0 * g);
    if (!(a.hsig_norm > 0))
        a.hsig_norm = 1.0;
    a.hsig_bound = limit * limit;
    a.pc_decay = 1.0 - s->cc;
    a.pc_gain = sqrt(s->cc * (2.0 - s->cc) * s->mueff);
    a.mean_gain = s->sigma; /* c_m = 1 */
    a.c1 = s->c1;
    if ((st = gpuopt_backend_cmaes_paths(b, &a)))
        return backend_fail(run, st, "cmaes_paths");
    return GPUOPT_SUCCESS;
}

/* C <- beta C + Z^T Y: rank-mu rows and the rank-one row c1 p_c p_c^T. */
static gpuopt_status update_covariance(gpuopt_run *run, gpuopt_cmaes_state *s, int hsig)
{
    gpuopt_backend *b = run->backend;
    size_t n = run->dim, rows = (size_t)s->lambda + 1;
    double beta = 1.0 - s->c1 - s->cmu * s->sum_w + (hsig ? 0.0 : s->c1 * s->cc * (2.0 - s->cc));
    double out[2] = {0, 0};
    struct gpuopt_cmaes_args a = make_args(run, s, out);
    gpuopt_status st;
    if (!s->separable) {
        st = gpuopt_backend_dgemm(b, 1, 0, n, n, rows, 1.0, a.Z, 0, n, a.Y, 0, n, beta, a.C, 0, n);
        return st ? backend_fail(run, st, "dgemm (covariance update)") : GPUOPT_SUCCESS;
    }
    a.beta = beta;
    if ((st = gpuopt_backend_cmaes_diag_update(b, &a)))
        return backend_fail(run, st, "cmaes_diag_update");
    s->eig_max = out[0];
    s->eig_min = out[1];
    return GPUOPT_SUCCESS;
}

/* B, D, BD from C when the lazy gap has passed (full only). */
static gpuopt_status decompose(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    if (s->separable || (double)(s->run_generation - s->eig_generation) < s->eig_gap)
        return GPUOPT_SUCCESS;
    gpuopt_backend *b = run->backend;
    size_t n = run->dim;
    double out[2] = {0, 0};
    struct gpuopt_cmaes_args a = make_args(run, s, out);
    gpuopt_status st = gpuopt_backend_copy(b, a.B, 0, a.C, 0, n * n * sizeof(double));
    if (st)
        return backend_fail(run, st, "copy");
    if ((st = gpuopt_backend_dsyevd(b, n, a.B, a.evals)))
        return backend_fail(run, st, "dsyevd");
    if ((st = gpuopt_backend_cmaes_eigen_finish(b, &a)))
        return backend_fail(run, st, "cmaes_eigen_finish");
    s->eig_min = out[0];
    s->eig_max = out[1];
    s->eig_generation = s->run_generation;
    return GPUOPT_SUCCESS;
}

static gpuopt_status measure(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    struct gpuopt_cmaes_args a = make_args(run, s, s->measure);
    a.axis = (size_t)(s->run_generation % (int64_t)run->dim);
    gpuopt_status st = gpuopt_backend_cmaes_measure(run->backend, &a);
    return st ? backend_fail(run, st, "cmaes_measure") : GPUOPT_SUCCESS;
}

static void report(gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    run->report[0] = s->sigma;
    run->report[1] = s->sigma * sqrt(s->measure[GPUOPT_CMAES_MEASURE_MAX_VAR]);
    run->report[2] = s->eig_min > 0 ? s->eig_max / s->eig_min : INFINITY;
    run->report[3] = (double)s->restart;
    run->report[4] = (double)s->lambda;
}

/* -------------------------------------------------------------- stopping */

/* Histories of this run: best values (ftol), and every 5 generations the best and the median
 * (stagnation); the run's best value and when it was found. */
static void record(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    double best = s->stats[GPUOPT_CMAES_STAT_BEST];
    ring_push(gpuopt_run_host(run, s->buf_fhist), fhist_capacity(run, s), &s->fhist_len,
              &s->fhist_pos, best);
    if (s->run_generation % 5 == 0) {
        double *stag = gpuopt_run_host(run, s->buf_stag);
        uint64_t len = s->stag_len, pos = s->stag_pos;
        ring_push(stag, s->stag_cap, &s->stag_len, &s->stag_pos, best);
        ring_push(stag + s->stag_cap, s->stag_cap, &len, &pos, s->stats[GPUOPT_CMAES_STAT_MEDIAN]);
    }
    if (best < s->run_best_f) {
        s->run_best_f = best;
        s->run_best_evals = run->n_evaluations;
    }
}

static int stop_ftol(gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    double range = s->stats[GPUOPT_CMAES_STAT_WORST] - s->stats[GPUOPT_CMAES_STAT_BEST];
    if (!(range < s->ftol))
        return 0;
    const double *h = gpuopt_run_host(run, s->buf_fhist);
    uint64_t cap = fhist_capacity(run, s);
    double lo = INFINITY, hi = -INFINITY;
    for (uint64_t k = 0; k < s->fhist_len; ++k) {
        double v = ring_at(h, cap, s->fhist_pos, k);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    return hi - lo < s->ftol;
}

/* pycma's tolstagnation: over the last 2 l entries of the histories (every 5 generations), the
 * medians of the newer half are not better than those of the older half. */
static int stop_stagnation(gpuopt_run *run, const gpuopt_cmaes_state *s)
{
    double n = (double)run->dim, lam = (double)s->lambda;
    double tol =
        s->tolstagnation > 0 ? (double)s->tolstagnation : floor(100.0 + 100.0 * pow(n, 1.5) / lam);
    double gen = (double)s->run_generation;
    double l = fmax(tol / 10.0, (double)s->stag_len / 10.0);
    if (l > gen || gen <= n * (5.0 + 100.0 / lam) ||
        (double)(run->n_evaluations - s->run_best_evals) / lam <= tol / 2.0 || s->stag_len <= 100 ||
        2.0 * floor(l) >= (double)s->stag_len)
        return 0;
    uint64_t k = (uint64_t)l, cap = s->stag_cap;
    const double *stag = gpuopt_run_host(run, s->buf_stag);
    double *scratch = gpuopt_run_host(run, s->buf_scratch);
    for (int h = 1; h >= 0; --h) { /* medians, then bests */
        const double *ring = stag + (size_t)h * cap;
        if (ring_median(ring, cap, s->stag_pos, 0, k, scratch) <
            ring_median(ring, cap, s->stag_pos, k, k, scratch))
            return 0;
    }
    return 1;
}

/* The local stopping rules of the current run; GPUOPT_SUCCESS when none fires. */
static gpuopt_status local_stop(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    const double *m = s->measure;
    double sd_max = s->sigma * sqrt(m[GPUOPT_CMAES_MEASURE_MAX_VAR]);
    double scale_max = 0;
    for (size_t j = 0; j < run->dim; ++j)
        scale_max = fmax(scale_max, coordinate_scale(run, j));
    double sigma_start = s->sigma_start, cond = s->eig_min > 0 ? s->eig_max / s->eig_min : INFINITY;
    if (stop_ftol(run, s))
        return GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE;
    if (sd_max < s->xtol && s->sigma * m[GPUOPT_CMAES_MEASURE_MAX_PC] < s->xtol)
        return GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE;
    if (m[GPUOPT_CMAES_MEASURE_NOEFFECT] > 0 || m[GPUOPT_CMAES_MEASURE_AXIS] == 0)
        return GPUOPT_STOP_NO_EFFECT;
    if (s->tolconditioncov > 0 && !(cond <= s->tolconditioncov))
        return GPUOPT_STOP_ILL_CONDITIONED;
    if (sd_max > 1e3 * sigma_start * scale_max ||
        s->sigma / sigma_start > 1e20 * sqrt(s->eig_max) / scale_max)
        return GPUOPT_STOP_STEP_SIZE_DIVERGED;
    if (s->flat_iterations > 1)
        return GPUOPT_STOP_CRITERION_TOLERANCE;
    if (stop_stagnation(run, s))
        return GPUOPT_STOP_STAGNATION;
    if (s->run_generation >= s->maxiter)
        return GPUOPT_STOP_MAX_ITERATIONS;
    return GPUOPT_SUCCESS;
}

/* ---------------------------------------------------------------- restarts */

/* IPOP doubles lambda, at most max_restarts times. BIPOP (Hansen 2009, as pycma's fmin): while
 * the small-population runs have used fewer evaluations than the large ones, a small run with
 * lambda = lambda0 (lambda_large / lambda0)^(U^2), sigma0 0.01^U' and at most half the large
 * budget; else the next large run with twice the previous large population, at most
 * max_restarts times. The first run counts as small. Returns 0 when no run follows. */
static int restart(gpuopt_run *run, gpuopt_cmaes_state *s, gpuopt_status *st)
{
    double used = (double)(run->n_evaluations - s->run_start_evals), n = (double)run->dim;
    double lam0 = (double)s->lambda0;
    int64_t maxiter0 = default_maxiter(n, lam0);
    if (s->restarts == GPUOPT_CMAES_RESTARTS_IPOP) {
        if (s->restart >= (uint64_t)s->max_restarts)
            return 0;
        s->restart += 1;
        *st = begin_run(run, s, (uint64_t)s->lambda0 << s->restart, 1.0, maxiter0);
        return 1;
    }
    if (s->regime == REGIME_SMALL)
        s->budget_small += used;
    else
        s->budget_large += used;
    s->regime = s->budget_small < fmax(1.0, s->budget_large) ? REGIME_SMALL : REGIME_LARGE;
    if (s->regime == REGIME_LARGE) {
        if (s->n_large >= (uint64_t)s->max_restarts)
            return 0;
        s->restart += 1;
        s->n_large += 1;
        *st = begin_run(run, s, (uint64_t)s->lambda0 << s->n_large, 1.0, maxiter0);
        return 1;
    }
    s->restart += 1;
    uint64_t stream = gpuopt_stream(GPUOPT_CMAES_TAG_RESTART, s->restart);
    double u_sigma = gpuopt_philox_uniform(run->seed, stream, 0);
    double u_pop = gpuopt_philox_uniform(run->seed, stream, 1);
    uint64_t lam = (uint64_t)floor(lam0 * pow(pow(2.0, (double)s->n_large), u_pop * u_pop));
    if (lam < (uint64_t)s->lambda0)
        lam = (uint64_t)s->lambda0;
    double cap = floor(0.5 * s->budget_large / (double)lam);
    *st =
        begin_run(run, s, lam, pow(0.01, u_sigma), (int64_t)fmax(1.0, fmin((double)maxiter0, cap)));
    return 1;
}

/* ------------------------------------------------------------------- tell */

static gpuopt_status tell_generation(gpuopt_run *run, gpuopt_cmaes_state *s)
{
    double paths[2] = {0, 0};
    gpuopt_status st;
    s->run_generation += 1;
    if ((st = rank_generation(run, s)) || (st = recombine(run, s)) ||
        (st = update_paths(run, s, paths)) || (st = update_covariance(run, s, paths[1] != 0)))
        return st;
    double step = (s->cs / s->damps) * (sqrt(paths[0]) / s->chi_n - 1.0);
    s->sigma *= exp(fmax(-1.0, fmin(1.0, step))); /* pycma's clip */
    double t0 = gpuopt_run_clock(run);
    st = decompose(run, s);
    gpuopt_run_book(run, "eigendecomposition", t0);
    if (st || (st = measure(run, s)))
        return st;
    s->flat_iterations = s->stats[GPUOPT_CMAES_STAT_BEST] < s->stats[GPUOPT_CMAES_STAT_Q75]
                             ? 0
                             : s->flat_iterations + 1;
    record(run, s);
    report(run, s);
    run->n_iterations += 1;
    s->stage = STAGE_ASK;
    if (run->best_f <= s->ftarget)
        return GPUOPT_STOP_TARGET_REACHED;
    st = local_stop(run, s);
    gpuopt_status next = GPUOPT_SUCCESS;
    if (st == GPUOPT_SUCCESS || s->restarts == GPUOPT_CMAES_RESTARTS_NONE ||
        !restart(run, s, &next))
        return st;
    return next; /* the report stays the finished run's; the next generation reports the new */
}

gpuopt_status gpuopt_cmaes_tell(gpuopt_run *run, const gpuopt_batch *batch)
{
    gpuopt_cmaes_state *s = run->state;
    (void)batch;
    if (s->stage == STAGE_TELL_START) {
        s->stage = STAGE_ASK;
        return GPUOPT_SUCCESS;
    }
    if (s->stage == STAGE_TELL)
        return tell_generation(run, s);
    return gpuopt_run_fail(run, GPUOPT_ERR_INVALID_STATE, "%s: tell without a batch out",
                           run->algorithm->name);
}
