/* The host fallback of optional ops that work on a struct of device buffers (the cmaes_* and
 * xnes_* ops): the buffers an op reads are copied to the host, the CPU backend's
 * implementation runs on the copies, and the buffers it changes are written back. Slow, but any
 * backend with memory ops can then run the algorithm. */
#ifndef GPUOPT_HOST_BACKEND_ROUNDTRIP_H
#define GPUOPT_HOST_BACKEND_ROUNDTRIP_H

#include <stddef.h>

#include "backend.h"

#define GPUOPT_RT_IN 1
#define GPUOPT_RT_OUT 2
#define GPUOPT_RT_MAX_FIELDS 12
#define GPUOPT_RT_MAX_ARGS 1024 /* bytes of the argument struct */

typedef struct gpuopt_rt_field {
    size_t offset; /* of the gpuopt_dptr in the argument struct */
    size_t bytes;  /* of the buffer */
    int dir;       /* GPUOPT_RT_IN, GPUOPT_RT_OUT or both */
} gpuopt_rt_field;

/* The CPU implementation, called with a copy of the arguments whose buffers are host copies;
 * `op` is what the caller passed through. */
typedef gpuopt_status (*gpuopt_rt_call)(gpuopt_backend *b, const void *host_args, void *op);

/* Runs `call` on host copies of the n fields of args (args_size bytes). NULL buffers stay NULL
 * (the CPU implementation reports them). */
gpuopt_status gpuopt_backend_roundtrip(gpuopt_backend *b, const void *args, size_t args_size,
                                       const gpuopt_rt_field *fields, size_t n,
                                       gpuopt_rt_call call, void *op);

#endif /* GPUOPT_HOST_BACKEND_ROUNDTRIP_H */
