/* A residual source with its shape (host/user_source.h), for library code that generates the
 * source itself (src/fit/curve_fit.c: a model source with its data in GPUOPT_CONSTANT arrays,
 * whose size the OpenCL backend checks against the device's constant memory). Defined in
 * src/user_criteria.c; gpuopt_problem_set_source_outputs is the public form. */
#ifndef GPUOPT_SOURCE_OUTPUTS_H
#define GPUOPT_SOURCE_OUTPUTS_H

#include "gpuopt.h"
#include "host/user_source.h"

gpuopt_status gpuopt_problem_set_source_outputs_shaped(gpuopt_problem *p,
                                                       gpuopt_criterion_kind kind,
                                                       const char *source, const char *name,
                                                       const gpuopt_source_shape *shape);

#endif /* GPUOPT_SOURCE_OUTPUTS_H */
