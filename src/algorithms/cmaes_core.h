/* The CMA-ES family's shared machinery: the run state of cmaes and sep_cmaes, their option rows,
 * init/ask/tell, and the arguments of the backends' cmaes_* operations. See
 * docs/algorithms/cmaes.md. */
#ifndef GPUOPT_ALGORITHMS_CMAES_CORE_H
#define GPUOPT_ALGORITHMS_CMAES_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/cmaes.h"
#include "../algorithm.h"

/* The largest dimension for which cmaes keeps its dim x dim matrices (sep_cmaes has no limit). */
#define GPUOPT_CMAES_MAX_FULL_DIM 20000

/* One step of a generation for a backend. Buffers live on the backend, row-major:
 *   Z, Y     (lambda + 1) x dim  normals z (later the rank-mu rows) / steps y; row lambda is
 *                                the rank-one row (c1 p_c / p_c)
 *   X        lambda x dim        the points evaluated
 *   f, fit   lambda              values; penalized values
 *   idx      lambda uint32       the ranking (ascending)
 *   weights  lambda              recombination weights by rank; wind: effective, by individual
 *   mean, ps, pc, ymean, zmean, u, D, lower, upper, gamma: dim
 *   C        full: dim x dim; separable: the dim variances
 *   B, BD    full: dim x dim (eigenvectors as columns; B diag(D)); evals: dim eigenvalues
 * Each operation reads the fields it needs (see the op in host/cpu/cpu_cmaes.c) and writes its
 * scalar results, if any, to host_out. */
struct gpuopt_cmaes_args {
    size_t dim, lambda;
    size_t n_mu;   /* individuals with a positive weight */
    int separable; /* 1: sep_cmaes (C holds variances, D their roots) */
    int bounds;    /* GPUOPT_CMAES_BOUNDS_* */
    double sigma;
    gpuopt_dptr Z, Y, X, f, fit, idx, weights, wind;
    gpuopt_dptr mean, ps, pc, ymean, zmean, u;
    gpuopt_dptr C, B, BD, evals, D;
    gpuopt_dptr lower, upper, gamma;
    double c_mu; /* recombine */
    /* paths: p_sigma <- ps_decay p_sigma + ps_gain u; hsig = |p_sigma|^2 / hsig_norm < hsig_bound;
     * p_c <- pc_decay p_c + hsig pc_gain <y>_w; m += mean_gain <y>_w; the rank-one row c1 p_c */
    double ps_decay, ps_gain, hsig_norm, hsig_bound, pc_decay, pc_gain, mean_gain, c1;
    /* diag update */
    double beta;
    /* penalty (GPUOPT_CMAES_GAMMA_*) */
    int gamma_mode;
    double dfit, damp, edist_min;
    /* measure: the principal axis tested by the no-effect-axis rule */
    size_t axis;
    double *host_out; /* host memory for the scalar results */
};

/* Wrappers that run the backend's op, or the host fallback (host/backend_cmaes.c). Scalar
 * results, written to a->host_out:
 *   rank_stats:    GPUOPT_CMAES_STAT_* of a->f in the order a->idx
 *   paths:         [0] |p_sigma|^2, [1] h_sigma
 *   diag_update:   [0] max c_k, [1] min c_k
 *   eigen_finish:  [0] smallest, [1] largest eigenvalue
 *   measure:       GPUOPT_CMAES_MEASURE_* */
gpuopt_status gpuopt_backend_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_diag_update(gpuopt_backend *b,
                                               const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_eigen_finish(gpuopt_backend *b,
                                                const struct gpuopt_cmaes_args *a);
gpuopt_status gpuopt_backend_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a);

/* ----------------------------------------------------------- the algorithms */

/* restarts option codes */
#define GPUOPT_CMAES_RESTARTS_NONE 1
#define GPUOPT_CMAES_RESTARTS_IPOP 2
#define GPUOPT_CMAES_RESTARTS_BIPOP 3

/* The run state of cmaes and sep_cmaes: plain values and buffer ids only (checkpointable). */
typedef struct gpuopt_cmaes_state {
    int separable, stage, bounds, active, restarts, auto_mu, discard_start, regime;
    int64_t lambda0, mu_option, max_restarts, tolstagnation;
    double sigma0, ftol, xtol, tolconditioncov, ftarget;
    double cc_option, cs_option, c1_option, cmu_option; /* < 0: the default */
    /* buffers (GPUOPT_ON_BACKEND unless noted) */
    int buf_Z, buf_Y, buf_X, buf_f, buf_fit, buf_idx, buf_weights, buf_wind;
    int buf_mean, buf_ps, buf_pc, buf_ymean, buf_zmean, buf_u, buf_C, buf_B, buf_BD, buf_evals;
    int buf_D, buf_gamma;
    int buf_row;     /* host: max(dim, lambda_max) values of scratch */
    int buf_fhist;   /* host: best values of the recent generations (ftol) */
    int buf_stag;    /* host: stagnation histories, best values then medians */
    int buf_scratch; /* host: medians' work space */
    int buf_pen;     /* host: BoundPenalty's interquartile ranges */
    uint64_t lambda_max, fhist_cap, stag_cap, pen_cap;
    /* the current run (restarts start new runs) */
    uint64_t lambda, mu, restart, n_large;
    double sigma, sigma_start, mueff, cc, cs, c1, cmu, damps, chi_n, sum_w, eig_gap;
    int64_t run_generation, eig_generation, maxiter, run_start_evals;
    uint64_t generation; /* generations sampled in all runs: the random stream's counter */
    double budget_small, budget_large;
    double eig_min, eig_max;
    double measure[GPUOPT_CMAES_N_MEASURES]; /* the last measurements */
    double stats[GPUOPT_CMAES_N_STATS];      /* the last generation's rank statistics */
    uint64_t fhist_len, fhist_pos, stag_len, stag_pos, pen_len, pen_pos;
    double run_best_f;
    int64_t run_best_evals, flat_iterations;
    int gamma_initialized;
} gpuopt_cmaes_state;

/* The option rows both algorithms share. */
#define GPUOPT_CMAES_N_OPTIONS 22
extern const gpuopt_option_spec gpuopt_cmaes_options[GPUOPT_CMAES_N_OPTIONS];
extern const char *const gpuopt_cmaes_report_keys[];

gpuopt_status gpuopt_cmaes_init(gpuopt_run *run, int separable);
gpuopt_status gpuopt_cmaes_ask(gpuopt_run *run, gpuopt_batch *batch);
gpuopt_status gpuopt_cmaes_tell(gpuopt_run *run, const gpuopt_batch *batch);

#endif /* GPUOPT_ALGORITHMS_CMAES_CORE_H */
