/* The shared convergence tests (every algorithm checks the one gpuopt_stopping struct). */
#include <math.h>

#include "algorithm.h"

/* Absolute: |f_old - f_new| <= tol. Relative: |f_old - f_new| <= tol * max(|f_old|, |f_new|).
 * A tolerance of 0 still stops on an exact tie only when both values are equal. Tolerances
 * below 0 never stop. */
gpuopt_status gpuopt_stop_criterion_change(const gpuopt_stopping *s, double f_old, double f_new)
{
    double change = fabs(f_old - f_new);
    if (isnan(change))
        return GPUOPT_SUCCESS;
    if (s->absolute_criterion_tolerance > 0 && change <= s->absolute_criterion_tolerance)
        return GPUOPT_STOP_ABSOLUTE_CRITERION_TOLERANCE;
    double scale = fmax(fabs(f_old), fabs(f_new));
    if (s->relative_criterion_tolerance > 0 && change <= s->relative_criterion_tolerance * scale)
        return GPUOPT_STOP_RELATIVE_CRITERION_TOLERANCE;
    return GPUOPT_SUCCESS;
}

/* Absolute: max_i |x_old_i - x_new_i| <= tol. Relative: that <= tol * max_i |x_old_i|. */
gpuopt_status gpuopt_stop_params_change(const gpuopt_stopping *s, const double *x_old,
                                        const double *x_new, size_t dim)
{
    double change = 0, scale = 0;
    for (size_t i = 0; i < dim; ++i) {
        change = fmax(change, fabs(x_old[i] - x_new[i]));
        scale = fmax(scale, fabs(x_old[i]));
    }
    if (s->absolute_params_tolerance > 0 && change <= s->absolute_params_tolerance)
        return GPUOPT_STOP_ABSOLUTE_PARAMS_TOLERANCE;
    if (s->relative_params_tolerance > 0 && change <= s->relative_params_tolerance * scale)
        return GPUOPT_STOP_RELATIVE_PARAMS_TOLERANCE;
    return GPUOPT_SUCCESS;
}
