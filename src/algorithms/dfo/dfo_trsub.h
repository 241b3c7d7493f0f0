/* Trust-region subproblems of quadratic models q(s) = g's + s'Hs/2 (H symmetric n x n, row-major)
 * for the model-based derivative-free solvers:
 *  - dfo_tr_cg:  truncated conjugate gradients from s = 0 in the ball ||s|| <= delta, the box
 *                lower <= s <= upper, or both (Powell's TRSBOX: a variable that reaches its bound
 *                is fixed there and CG restarts on the others);
 *  - dfo_bntr:   bounded Newton trust-region for q over a box (projected gradient steps, then
 *                Newton steps on the free variables by dfo_tr_cg within an inner radius);
 *  - dfo_gqtpar: Moré & Sorensen's (1983) nearly exact solution over ||s|| <= delta (MINPACK-2's
 *                gqtpar), hard case included.
 * Each returns q at its solution. `work` holds at least dfo_trsub_work(n) doubles. */
#ifndef GPUOPT_DFO_TRSUB_H
#define GPUOPT_DFO_TRSUB_H

#include <stddef.h>

enum dfo_cg_method {
    DFO_CG_PLAIN = 1,   /* CG to its tolerance, then cut back to the ball */
    DFO_CG_STEIHAUG = 2, /* Steihaug-Toint: stops on the ball or at negative curvature */
    DFO_CG_TRSBOX = 3    /* ball and box (TRSBOX) */
};

typedef struct dfo_cg_options {
    int method;
    double gtol_abs, gtol_rel; /* stop when ||gradient|| <= max(abs, rel ||g||) */
} dfo_cg_options;

typedef struct dfo_bntr_options {
    dfo_cg_options cg;
    int max_iterations, max_gradient_steps;
    double gtol_abs, gtol_rel, gtol_scaled; /* on the projected gradient */
} dfo_bntr_options;

size_t dfo_trsub_work(size_t n);

/* lower/upper: NULL for no box (they must hold lower <= 0 <= upper). */
double dfo_tr_cg(size_t n, const double *g, const double *H, const double *lower,
                 const double *upper, double delta, const dfo_cg_options *opt, double *s,
                 double *work);

double dfo_bntr(size_t n, const double *g, const double *H, const double *lower,
                const double *upper, const dfo_bntr_options *opt, double *s, double *work);

/* k_easy: stop when | ||s|| - delta | <= k_easy delta; k_hard: accept a hard-case step when the
 * eigenvector's share of the decrease is at most k_hard. */
double dfo_gqtpar(size_t n, const double *g, const double *H, double delta, double k_easy,
                  double k_hard, int max_iterations, double *s, double *work);

/* q(s). */
double dfo_model_value(size_t n, const double *g, const double *H, const double *s);

#endif /* GPUOPT_DFO_TRSUB_H */
