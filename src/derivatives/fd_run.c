/* The engine's stencil as one ask/tell batch of a run (see fd_run.h). */
#include <string.h>

#include "fd_run.h"

struct gpuopt_fd_args gpuopt_fd_run_args(const gpuopt_run *run, int order, int method,
                                         size_t n_outputs, size_t n_rows,
                                         gpuopt_fd_run_buffers buffers)
{
    struct gpuopt_fd_args a;
    memset(&a, 0, sizeof a);
    a.order = order;
    a.method = method;
    a.n_steps = 1;
    a.dim = run->dim;
    a.n_outputs = n_outputs;
    a.n_rows = n_rows;
    a.x = gpuopt_run_dev(run, buffers.x);
    a.steps = gpuopt_run_dev(run, buffers.steps);
    a.points = gpuopt_run_dev(run, buffers.points);
    a.values = gpuopt_run_dev(run, buffers.values);
    a.out = gpuopt_run_dev(run, buffers.out);
    return a;
}

gpuopt_fd_spec gpuopt_fd_first_order_spec(int method, double step_size, double scaling_factor,
                                          int error_handling)
{
    gpuopt_fd_spec spec = gpuopt_fd_default_spec(1);
    spec.method = method;
    spec.step_size = step_size;
    spec.scaling_factor = scaling_factor;
    spec.error_handling = error_handling;
    return spec;
}

void gpuopt_fd_run_read_options(const gpuopt_run *run, int *method, double *step_size,
                                double *scaling_factor, int *error_handling)
{
    static const int methods[] = {GPUOPT_FD_FORWARD, GPUOPT_FD_CENTRAL, GPUOPT_FD_BACKWARD};
    int code = gpuopt_opt_choice(run, "numdiff.method");
    *method = code >= 1 && code <= 3 ? methods[code - 1] : GPUOPT_FD_FORWARD;
    *step_size = gpuopt_opt_is_auto(run, "numdiff.step_size")
                     ? 0
                     : gpuopt_opt_double(run, "numdiff.step_size");
    *scaling_factor = gpuopt_opt_double(run, "numdiff.scaling_factor");
    *error_handling =
        gpuopt_opt_choice(run, "error_handling") == 2 ? GPUOPT_FD_CONTINUE : GPUOPT_FD_RAISE;
}

gpuopt_status gpuopt_fd_run_plan(gpuopt_run *run, const gpuopt_fd_spec *spec, size_t *rows)
{
    gpuopt_status st = gpuopt_fd_check_spec(spec, run->dim, run->errmsg, run->errmsg_len);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_fd_stencil_rows(spec, run->dim, rows, run->errmsg, run->errmsg_len);
    return st;
}

gpuopt_status gpuopt_fd_run_backend_fail(gpuopt_run *run, gpuopt_status st, const char *what)
{
    return gpuopt_run_fail(run, st, "%s: %s failed on the %s backend: %s", run->algorithm->name,
                           what, run->backend->ops->name, run->backend->error);
}

gpuopt_status gpuopt_fd_run_write_stencil(gpuopt_run *run, const gpuopt_fd_spec *spec,
                                          const double *x, int bounded, double *steps,
                                          const struct gpuopt_fd_args *args,
                                          gpuopt_fd_run_buffers buffers, const char *what)
{
    gpuopt_status st = gpuopt_fd_make_steps(spec, run->dim, x, bounded ? run->lower : NULL,
                                            bounded ? run->upper : NULL, steps, run->errmsg,
                                            run->errmsg_len);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_run_write(run, buffers.x, 0, run->dim, x);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_run_write(run, buffers.steps, 0, 2 * run->dim, steps);
    if (st != GPUOPT_SUCCESS)
        return st;
    st = gpuopt_backend_fd_points(run->backend, args);
    return st == GPUOPT_SUCCESS ? st : gpuopt_fd_run_backend_fail(run, st, what);
}
