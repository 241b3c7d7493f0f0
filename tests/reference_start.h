/* The start points of the committed reference results (the scripts in tests/reference/).
 * They are the built-in start points, except for rosenbrock: the references start from the
 * classic (-1.2, 1, -1.2, 1, ...), whereas the built-in start is CUTEst's GENROSE point
 * x_i = i / (n + 1) (from the classic one, every local solver in n >= 4 ends in the local
 * minimum near (-1, 1, ..., 1), as scipy's do). */
#ifndef GPUOPT_TESTS_REFERENCE_START_H
#define GPUOPT_TESTS_REFERENCE_START_H

#include <string.h>

#include "gpuopt.h"

/* Writes the reference start of problem `name` at dimension dim into x0 (dim values). */
static inline void reference_start(const char *name, size_t dim, double *x0)
{
    if (strcmp(name, "rosenbrock") == 0) {
        for (size_t i = 0; i < dim; ++i)
            x0[i] = (i % 2 == 0) ? -1.2 : 1.0;
        return;
    }
    gpuopt_problem *p = NULL;
    gpuopt_problem_create_builtin(&p, name, dim);
    gpuopt_problem_get_start(p, x0);
    gpuopt_problem_destroy(&p);
}

/* Gives a built-in problem its reference start. */
static inline void use_reference_start(gpuopt_problem *p)
{
    double x0[4096];
    size_t dim = gpuopt_problem_dim(p);
    if (dim > 4096)
        return;
    reference_start(gpuopt_problem_name(p), dim, x0);
    gpuopt_problem_set_start(p, x0);
}

#endif /* GPUOPT_TESTS_REFERENCE_START_H */
