/* Curve-fit models given as source (src/fit/model_source.c). */
#ifndef GPUOPT_FIT_MODEL_SOURCE_H
#define GPUOPT_FIT_MODEL_SOURCE_H

#include "fit_internal.h"

/* The residual source of model source m over data d (x_dim 1): the user's text, then, under
 * `#line 1 "<gpuopt fit data>"`, the arrays gpuopt_fit_x, gpuopt_fit_y (and gpuopt_fit_sigma)
 * and residual(p, n_params, k) = (y_k - model(p, n_params, x_k)) [/ sigma_k]. malloc'd; NULL
 * when out of memory. */
char *gpuopt_fit_source_text(const char *model_source, const gpuopt_fit_data *d);

/* Sets the problem's criterion to that source (least squares, n_data outputs). */
gpuopt_status gpuopt_fit_set_model_source(gpuopt_problem *problem, const gpuopt_fit_model *m,
                                          const gpuopt_fit_data *d);

/* The weighted residuals at params, evaluated on ctx's backend (message in last error). */
gpuopt_status gpuopt_fit_source_residuals(gpuopt_context *ctx, gpuopt_problem *problem,
                                          const double *params, double *residuals);

#endif /* GPUOPT_FIT_MODEL_SOURCE_H */
