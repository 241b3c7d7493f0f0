/* The built-in problem catalogue (src/problems.c). Each problem's value is computed by
 * gpuopt_builtin_value() in kernels/problems.h, written once for every backend. */
#ifndef GPUOPT_PROBLEMS_H
#define GPUOPT_PROBLEMS_H

#include <stddef.h>

#include "gpuopt.h"

typedef struct gpuopt_builtin_problem {
    gpuopt_problem_info info;
    int id; /* GPUOPT_BUILTIN_* from kernels/problems.h */
    /* The default start point and the known global minimizer at dimension dim (NULL when no
     * minimizer is recorded, as for the Moré–Wild problems). */
    void (*start)(size_t dim, double *x0);
    void (*minimizer)(size_t dim, double *x);
} gpuopt_builtin_problem;

size_t gpuopt_builtin_count(void);
const gpuopt_builtin_problem *gpuopt_builtin_at(size_t i);
const gpuopt_builtin_problem *gpuopt_builtin_find(const char *name);
/* Host evaluation of built-in id at one point (the same code the backends run). */
double gpuopt_builtin_evaluate(int id, const double *x, size_t dim);

#endif /* GPUOPT_PROBLEMS_H */
