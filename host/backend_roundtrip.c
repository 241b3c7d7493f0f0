/* See backend_roundtrip.h. */
#include "backend_roundtrip.h"

#include <stdlib.h>
#include <string.h>

static gpuopt_dptr *slot(void *args, const gpuopt_rt_field *f)
{
    return (gpuopt_dptr *)((char *)args + f->offset);
}

gpuopt_status gpuopt_backend_roundtrip(gpuopt_backend *b, const void *args, size_t args_size,
                                       const gpuopt_rt_field *fields, size_t n,
                                       gpuopt_rt_call call, void *op)
{
    if (args_size > GPUOPT_RT_MAX_ARGS || n > GPUOPT_RT_MAX_FIELDS)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INTERNAL, "host fallback: %zu-byte arguments "
                                   "with %zu buffers exceed its limits", args_size, n);
    _Alignas(max_align_t) unsigned char host[GPUOPT_RT_MAX_ARGS];
    memcpy(host, args, args_size);
    void *mem[GPUOPT_RT_MAX_FIELDS] = {0};
    gpuopt_status st = GPUOPT_SUCCESS;
    for (size_t i = 0; i < n && st == GPUOPT_SUCCESS; ++i) {
        gpuopt_dptr dev = *slot((void *)args, &fields[i]);
        if (!dev)
            continue;
        mem[i] = malloc(fields[i].bytes ? fields[i].bytes : 1);
        if (!mem[i])
            st = gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
        else if ((fields[i].dir & GPUOPT_RT_IN) && fields[i].bytes)
            st = b->ops->read(b, mem[i], dev, 0, fields[i].bytes);
        *slot(host, &fields[i]) = mem[i];
    }
    if (st == GPUOPT_SUCCESS)
        st = call(b, host, op);
    for (size_t i = 0; i < n && st == GPUOPT_SUCCESS; ++i)
        if (mem[i] && (fields[i].dir & GPUOPT_RT_OUT) && fields[i].bytes)
            st = b->ops->write(b, *slot((void *)args, &fields[i]), 0, mem[i], fields[i].bytes);
    for (size_t i = 0; i < n; ++i)
        free(mem[i]);
    return st;
}
