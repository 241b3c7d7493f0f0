/* The line search driven through the probe: trial steps become probe requests, and the probe's
 * results become phi(alpha) = f(x + alpha p) and phi'(alpha) = g(x + alpha p).p. */
#include <math.h>

#include "local.h"

/* Turns a line-search action into the solver's next move. */
static int follow(gpuopt_run *run, local_probe *pr, local_linesearch *ls, const double *x,
                  const double *p, int action)
{
    switch (action) {
    case LS_EVALUATE:
        local_axpy(x, ls->alpha, p, local_probe_point(run, pr), run->dim);
        local_probe_request(pr, ls->want);
        return LOCAL_SEARCH_PENDING;
    case LS_CHECK:
        return LOCAL_SEARCH_CHECK;
    case LS_DONE:
        if (ls->have_gradient)
            return LOCAL_SEARCH_DONE;
        /* scipy evaluates the gradient at the accepted step when wolfe2 ran out of iterations */
        local_axpy(x, ls->alpha, p, local_probe_point(run, pr), run->dim);
        pr->value = ls->phi;
        local_probe_request(pr, LOCAL_PROBE_GRADIENT);
        ls->final_gradient = 1;
        return LOCAL_SEARCH_PENDING;
    default:
        return LOCAL_SEARCH_FAILED;
    }
}

int local_search_start(gpuopt_run *run, local_probe *pr, local_linesearch *ls, const double *x,
                       const double *p, double f, double derphi0, double old_f)
{
    ls->final_gradient = 0;
    return follow(run, pr, ls, x, p, local_ls_start(ls, f, derphi0, old_f));
}

int local_search_tell(gpuopt_run *run, local_probe *pr, local_linesearch *ls, const double *x,
                      const double *p)
{
    if (ls->final_gradient) {
        ls->final_gradient = 0;
        ls->have_gradient = 1;
        return pr->gradient_ok ? LOCAL_SEARCH_DONE : LOCAL_SEARCH_FAILED;
    }
    double phi = pr->value, derphi = NAN;
    if (ls->want != LOCAL_PROBE_VALUE) {
        /* a non-finite gradient (error_handling=continue): a step too far */
        derphi = pr->gradient_ok ? local_dot(local_probe_gradient(run, pr), p, run->dim)
                                 : INFINITY;
        if (!pr->gradient_ok)
            phi = INFINITY;
    }
    return follow(run, pr, ls, x, p, local_ls_tell(ls, phi, derphi));
}

int local_search_checked(gpuopt_run *run, local_probe *pr, local_linesearch *ls,
                         const double *x, const double *p, int ok)
{
    return follow(run, pr, ls, x, p, local_ls_checked(ls, ok));
}
