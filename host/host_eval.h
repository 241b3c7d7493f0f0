/* Host callbacks (user batch and point criteria) evaluated on host memory: shared by every
 * backend. The CPU backend calls it on its own buffers; a device backend reads the batch to the
 * host, calls it, and writes the raw outputs back. */
#ifndef GPUOPT_HOST_HOST_EVAL_H
#define GPUOPT_HOST_HOST_EVAL_H

#include "backend.h"

/* Fills raw (n x t->n_outputs) with the callback's outputs at the n points of X (n x t->dim):
 * the batch callback once, or once per thread on contiguous chunks when it is thread-safe; the
 * point callback once per point, on b->n_threads threads when thread-safe. A source or device
 * criterion goes first to gpuopt_user_criterion_eval_host (host/user_source.h).
 * Returns GPUOPT_ERR_CALLBACK when a call reported an error, GPUOPT_ERR_NO_CRITERION when t
 * has no host callback, or the status of a source criterion's build (b's error then says why). */
gpuopt_status gpuopt_host_eval_callback(gpuopt_backend *b, const gpuopt_eval_target *t,
                                        const double *X, size_t n, double *raw);

#endif /* GPUOPT_HOST_HOST_EVAL_H */
