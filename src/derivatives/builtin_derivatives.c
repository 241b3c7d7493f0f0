/* The analytic gradients and Hessians of the built-in problems (kernels/problems_grad.h). */
#include <limits.h>
#include <stdio.h>

#include "../../kernels/problems_grad.h"
#include "../core.h"
#include "../problems.h"

static gpuopt_status find_builtin(const char *name, size_t dim, const double *x, const double *out,
                                  const gpuopt_builtin_problem **b)
{
    if (!name || !x || !out)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER, "name, x or output is NULL");
    *b = gpuopt_builtin_find(name);
    if (!*b)
        return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_PROBLEM, "unknown problem '%s'", name);
    if (dim == 0 || dim > INT_MAX || ((*b)->info.fixed_dim && dim != (*b)->info.fixed_dim))
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "problem '%s' cannot take dimension %zu", name, dim);
    if (gpuopt_builtin_is_more_wild((*b)->id))
        return gpuopt_set_last_error(GPUOPT_ERR_UNSUPPORTED,
                                     "problem '%s' has no analytic derivatives (none of the "
                                     "More-Wild problems has)",
                                     name);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_problem_builtin_gradient(const char *name, size_t dim, const double *x,
                                              double *grad)
{
    const gpuopt_builtin_problem *b = NULL;
    gpuopt_status st = find_builtin(name, dim, x, grad, &b);
    if (st == GPUOPT_SUCCESS)
        gpuopt_builtin_gradient(b->id, x, (int)dim, grad);
    return st;
}

gpuopt_status gpuopt_problem_builtin_hessian(const char *name, size_t dim, const double *x,
                                             double *hess)
{
    const gpuopt_builtin_problem *b = NULL;
    gpuopt_status st = find_builtin(name, dim, x, hess, &b);
    for (size_t i = 0; st == GPUOPT_SUCCESS && i < dim; ++i)
        for (size_t j = i; j < dim; ++j)
            hess[i * dim + j] = hess[j * dim + i] =
                gpuopt_builtin_hessian_entry(b->id, x, (int)dim, (int)i, (int)j);
    return st;
}
