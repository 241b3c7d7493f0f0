/* Broyden's method as a GSL fdfsolver type. The algorithm is GSL's `broyden` (C. G. Broyden,
 * Math. Comp. 19 (1965) 577-593): H approximates -J^-1 and gets the "good" rank-1 update of the
 * inverse after every step; the step p = H f is shortened by up to 9 quadratic backtracks while
 * |F| grows (and t > 0.1); if |F| still grows, the Jacobian is recomputed and the full Newton
 * step taken. GSL's own solver is an fsolver that forms those Jacobians by serial forward
 * differences; as an fdfsolver they come from the user's callback or from one batched stencil.
 * Unlike GSL's, a singular Jacobian is reported (GSL_ESING) instead of inverted silently. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "root_internal.h"

typedef struct broyden_state {
    gsl_matrix *H, *lu;
    gsl_permutation *perm;
    gsl_vector *p, *y, *v, *w, *f_trial, *x_trial;
    double phi; /* |F(x)| */
} broyden_state;

static void broyden_free(void *vstate)
{
    broyden_state *s = vstate;
    gsl_matrix_free(s->H);
    gsl_matrix_free(s->lu);
    gsl_permutation_free(s->perm);
    gsl_vector *vectors[] = {s->p, s->y, s->v, s->w, s->f_trial, s->x_trial};
    for (size_t i = 0; i < GPUOPT_COUNT(vectors); ++i)
        gsl_vector_free(vectors[i]);
}

static int broyden_alloc(void *vstate, size_t n)
{
    broyden_state *s = vstate;
    s->H = gsl_matrix_calloc(n, n);
    s->lu = gsl_matrix_calloc(n, n);
    s->perm = gsl_permutation_calloc(n);
    gsl_vector **vectors[] = {&s->p, &s->y, &s->v, &s->w, &s->f_trial, &s->x_trial};
    int ok = s->H && s->lu && s->perm;
    for (size_t i = 0; i < GPUOPT_COUNT(vectors); ++i)
        ok = (*vectors[i] = gsl_vector_calloc(n)) != NULL && ok;
    if (!ok) {
        broyden_free(s);
        return GSL_ENOMEM;
    }
    return GSL_SUCCESS;
}

/* lu = -J factorized, H = (-J)^-1; GSL_ESING when J is singular. */
static int factor_negated(broyden_state *s, const gsl_matrix *J)
{
    int signum;
    gsl_matrix_memcpy(s->lu, J);
    gsl_matrix_scale(s->lu, -1.0);
    gsl_linalg_LU_decomp(s->lu, s->perm, &signum);
    for (size_t i = 0; i < J->size1; ++i)
        if (gsl_matrix_get(s->lu, i, i) == 0.0)
            return GSL_ESING;
    return gsl_linalg_LU_invert(s->lu, s->perm, s->H);
}

static int broyden_set(void *vstate, gsl_multiroot_function_fdf *fdf, gsl_vector *x, gsl_vector *f,
                       gsl_matrix *J, gsl_vector *dx)
{
    broyden_state *s = vstate;
    int st = GSL_MULTIROOT_FN_EVAL_F_DF(fdf, x, f, J);
    if (st != GSL_SUCCESS)
        return st;
    gsl_vector_set_zero(dx);
    s->phi = gsl_blas_dnrm2(f);
    return factor_negated(s, J);
}

/* x_trial = x + t p, f_trial = F(x_trial); returns |f_trial| (NaN when F failed). */
static double trial(broyden_state *s, gsl_multiroot_function_fdf *fdf, const gsl_vector *x,
                    double t)
{
    gsl_vector_memcpy(s->x_trial, x);
    gsl_blas_daxpy(t, s->p, s->x_trial);
    if (GSL_MULTIROOT_FN_EVAL_F(fdf, s->x_trial, s->f_trial) != GSL_SUCCESS)
        return NAN;
    return gsl_blas_dnrm2(s->f_trial);
}

/* The line search along p = H f; restarts from a fresh Jacobian when it fails. On return the
 * step taken is t p (*t_out). */
static int search(broyden_state *s, gsl_multiroot_function_fdf *fdf, const gsl_vector *x,
                  const gsl_vector *f, gsl_matrix *J, double *t_out, double *phi_out)
{
    double t = 1.0, phi1 = trial(s, fdf, x, t);
    for (int tries = 1; phi1 > s->phi && tries < 10 && t > 0.1; ++tries) {
        double theta = phi1 / s->phi;
        t *= (sqrt(1.0 + 6.0 * theta) - 1.0) / (3.0 * theta);
        phi1 = trial(s, fdf, x, t);
    }
    if (isnan(phi1))
        return GSL_EBADFUNC;
    if (phi1 > s->phi) { /* restart: the Newton step from a fresh Jacobian */
        int st = GSL_MULTIROOT_FN_EVAL_DF(fdf, x, J);
        if (st == GSL_SUCCESS)
            st = factor_negated(s, J);
        if (st != GSL_SUCCESS)
            return st;
        gsl_linalg_LU_solve(s->lu, s->perm, f, s->p);
        t = 1.0;
        phi1 = trial(s, fdf, x, t);
        if (isnan(phi1))
            return GSL_EBADFUNC;
    }
    *t_out = t;
    *phi_out = phi1;
    return GSL_SUCCESS;
}

/* H <- H - (H y + t p)(p^T H) / (p^T H y), y = f_trial - f. */
static int update_inverse(broyden_state *s, const gsl_vector *f, double t)
{
    gsl_vector_memcpy(s->y, s->f_trial);
    gsl_vector_sub(s->y, f);
    gsl_blas_dgemv(CblasNoTrans, 1.0, s->H, s->y, 0.0, s->v);
    double lambda;
    gsl_blas_ddot(s->p, s->v, &lambda);
    if (lambda == 0.0)
        return GSL_EZERODIV;
    gsl_blas_daxpy(t, s->p, s->v);
    gsl_blas_dgemv(CblasTrans, 1.0, s->H, s->p, 0.0, s->w);
    gsl_blas_dger(-1.0 / lambda, s->v, s->w, s->H);
    return GSL_SUCCESS;
}

static int broyden_iterate(void *vstate, gsl_multiroot_function_fdf *fdf, gsl_vector *x,
                           gsl_vector *f, gsl_matrix *J, gsl_vector *dx)
{
    broyden_state *s = vstate;
    double t, phi1;
    gsl_blas_dgemv(CblasNoTrans, 1.0, s->H, f, 0.0, s->p);
    int st = search(s, fdf, x, f, J, &t, &phi1);
    if (st == GSL_SUCCESS)
        st = update_inverse(s, f, t);
    if (st != GSL_SUCCESS)
        return st;
    gsl_vector_memcpy(f, s->f_trial);
    gsl_vector_memcpy(x, s->x_trial);
    gsl_vector_memcpy(dx, s->p);
    gsl_vector_scale(dx, t);
    s->phi = phi1;
    return GSL_SUCCESS;
}

static const gsl_multiroot_fdfsolver_type broyden_type = {
    "broyden", sizeof(broyden_state), broyden_alloc, broyden_set, broyden_iterate, broyden_free};

const gsl_multiroot_fdfsolver_type *const gpuopt_root_broyden = &broyden_type;
