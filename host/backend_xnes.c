/* The xnes_* operations: the backend's op, or the host fallback, which copies the buffers an
 * operation reads to the host, runs the CPU backend's implementation on them and writes back
 * the buffers it changes (slow, but any backend with memory ops can run xnes). */
#include <stddef.h>
#include <stdlib.h>

#include "../src/algorithms/xnes.h"
#include "backend.h"
#include "cpu/cpu_xnes.h"

typedef enum extent {
    LAMBDA, /* lambda */
    DIM,    /* dim */
    POP,    /* lambda x dim */
    SQUARE  /* dim x dim */
} extent;

#define IN 1
#define OUT 2
#define MAX_FIELDS 4

typedef struct field {
    size_t offset; /* of the gpuopt_dptr in struct gpuopt_xnes_args */
    extent size;
    int dir; /* IN, OUT or both */
    int idx; /* uint32 elements (else double) */
} field;

#define F(name, size, dir)                                                                         \
    {                                                                                              \
        offsetof(struct gpuopt_xnes_args, name), size, dir, 0                                      \
    }

static size_t field_count(const struct gpuopt_xnes_args *a, extent e)
{
    switch (e) {
    case LAMBDA: return a->lambda;
    case DIM: return a->dim;
    case POP: return a->lambda * a->dim;
    default: return a->dim * a->dim;
    }
}

static gpuopt_dptr *slot(struct gpuopt_xnes_args *a, const field *f)
{
    return (gpuopt_dptr *)((char *)a + f->offset);
}

typedef gpuopt_status (*cpu_op)(gpuopt_backend *, const struct gpuopt_xnes_args *);

/* Runs op on host copies of the fields (NULL fields are skipped: the op reports them). */
static gpuopt_status on_host(gpuopt_backend *b, const struct gpuopt_xnes_args *a,
                             const field *fields, size_t n_fields, cpu_op op)
{
    struct gpuopt_xnes_args h = *a;
    void *mem[MAX_FIELDS] = {0};
    size_t bytes[MAX_FIELDS] = {0};
    gpuopt_status st = GPUOPT_SUCCESS;
    for (size_t i = 0; i < n_fields && st == GPUOPT_SUCCESS; ++i) {
        gpuopt_dptr dev = *slot((struct gpuopt_xnes_args *)a, &fields[i]);
        if (!dev)
            continue;
        bytes[i] =
            field_count(a, fields[i].size) * (fields[i].idx ? sizeof(uint32_t) : sizeof(double));
        mem[i] = malloc(bytes[i] ? bytes[i] : 1);
        if (!mem[i])
            st = gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
        else if ((fields[i].dir & IN) && bytes[i])
            st = b->ops->read(b, mem[i], dev, 0, bytes[i]);
        *slot(&h, &fields[i]) = mem[i];
    }
    if (st == GPUOPT_SUCCESS)
        st = op(b, &h);
    for (size_t i = 0; i < n_fields && st == GPUOPT_SUCCESS; ++i)
        if (mem[i] && (fields[i].dir & OUT) && bytes[i])
            st = b->ops->write(b, *slot((struct gpuopt_xnes_args *)a, &fields[i]), 0, mem[i],
                               bytes[i]);
    for (size_t i = 0; i < n_fields; ++i)
        free(mem[i]);
    return st;
}

#define RUN(b, a, op_name, fields)                                                                 \
    ((b)->ops->op_name ? (b)->ops->op_name((b), (a))                                               \
                       : on_host((b), (a), (fields), sizeof(fields) / sizeof((fields)[0]),         \
                                 gpuopt_cpu_##op_name))

gpuopt_status gpuopt_backend_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    static const field fields[] = {F(X, POP, IN | OUT), F(mean, DIM, IN), F(lower, DIM, IN),
                                   F(upper, DIM, IN)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, xnes_bound, fields);
}

gpuopt_status gpuopt_backend_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    static const field fields[] = {{offsetof(struct gpuopt_xnes_args, idx), LAMBDA, IN, 1},
                                   F(util, LAMBDA, IN),
                                   F(Z, POP, IN),
                                   F(W, POP, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, xnes_weights, fields);
}

gpuopt_status gpuopt_backend_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    static const field fields[] = {F(G, SQUARE, IN), F(dA, SQUARE, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, xnes_exponent, fields);
}

gpuopt_status gpuopt_backend_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a)
{
    static const field fields[] = {F(V, SQUARE, IN), F(evals, DIM, IN), F(VS, SQUARE, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, xnes_expm_scale, fields);
}
