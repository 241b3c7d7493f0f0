/* The engine's stencil (fd.h) as one ask/tell batch of an algorithm's run: the pieces every
 * solver that asks for its own stencils shares (least_squares/probe.c, bhhh.c, local/probe.c,
 * local/hessian.c). The solver keeps the numbers and buffer ids in its POD state. */
#ifndef GPUOPT_DERIVATIVES_FD_RUN_H
#define GPUOPT_DERIVATIVES_FD_RUN_H

#include "../algorithm.h"
#include "fd.h"

/* The run buffers (ids) of a stencil, all on the backend. */
typedef struct gpuopt_fd_run_buffers {
    int x;      /* dim values: the point */
    int steps;  /* 2 dim values: its steps */
    int points; /* rows x dim: the stencil rows (the batch's x) */
    int values; /* rows x n_outputs: their values or raw outputs */
    int out;    /* the derivative fd_combine writes */
} gpuopt_fd_run_buffers;

/* The fd_points / fd_combine arguments of one step set over the run's dimension. */
struct gpuopt_fd_args gpuopt_fd_run_args(const gpuopt_run *run, int order, int method,
                                         size_t n_outputs, size_t n_rows,
                                         gpuopt_fd_run_buffers buffers);

/* The first-order spec of the numdiff.* settings. */
gpuopt_fd_spec gpuopt_fd_first_order_spec(int method, double step_size, double scaling_factor,
                                          int error_handling);

/* Reads numdiff.method (forward|central|backward; forward if out of range), numdiff.step_size
 * (auto: 0, the rule of thumb), numdiff.scaling_factor and error_handling (continue or raise). */
void gpuopt_fd_run_read_options(const gpuopt_run *run, int *method, double *step_size,
                                double *scaling_factor, int *error_handling);

/* Checks the spec and counts its stencil rows (messages in run->errmsg). */
gpuopt_status gpuopt_fd_run_plan(gpuopt_run *run, const gpuopt_fd_spec *spec, size_t *rows);

/* "<algorithm>: <what> failed on the <backend> backend: <its error>", with status st. */
gpuopt_status gpuopt_fd_run_backend_fail(gpuopt_run *run, gpuopt_status st, const char *what);

/* The stencil around x on the backend: the steps into the host scratch `steps` (2 dim values)
 * within the run's bounds when bounded, x and the steps written to the backend, the rows made by
 * fd_points. A failure of the steps returns their status with the engine's message in
 * run->errmsg; a backend failure names `what`. */
gpuopt_status gpuopt_fd_run_write_stencil(gpuopt_run *run, const gpuopt_fd_spec *spec,
                                          const double *x, int bounded, double *steps,
                                          const struct gpuopt_fd_args *args,
                                          gpuopt_fd_run_buffers buffers, const char *what);

#endif /* GPUOPT_DERIVATIVES_FD_RUN_H */
