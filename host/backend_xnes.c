/* The xnes_* operations: the backend's op, or the host fallback, which copies the buffers an
 * operation reads to the host, runs the CPU backend's implementation on them and writes back
 * the buffers it changes (slow, but any backend with memory ops can run xnes). */
#include <stddef.h>
#include <stdlib.h>

#include "../src/algorithms/xnes.h"
#include "backend.h"
#include "backend_roundtrip.h"
#include "cpu/cpu_xnes.h"

typedef enum extent {
    LAMBDA, /* lambda */
    DIM,    /* dim */
    POP,    /* lambda x dim */
    SQUARE  /* dim x dim */
} extent;

#define IN GPUOPT_RT_IN
#define OUT GPUOPT_RT_OUT
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

typedef gpuopt_status (*cpu_op)(gpuopt_backend *, const struct gpuopt_xnes_args *);

typedef struct op_box {
    cpu_op op;
} op_box;

static gpuopt_status call_cpu(gpuopt_backend *b, const void *host_args, void *box)
{
    return ((op_box *)box)->op(b, (const struct gpuopt_xnes_args *)host_args);
}

/* Runs op on host copies of the fields (backend_roundtrip.h; NULL fields are skipped). */
static gpuopt_status on_host(gpuopt_backend *b, const struct gpuopt_xnes_args *a,
                             const field *fields, size_t n_fields, cpu_op op)
{
    gpuopt_rt_field rt[MAX_FIELDS];
    for (size_t i = 0; i < n_fields && i < MAX_FIELDS; ++i)
        rt[i] = (gpuopt_rt_field){
            fields[i].offset,
            field_count(a, fields[i].size) * (fields[i].idx ? sizeof(uint32_t) : sizeof(double)),
            fields[i].dir};
    op_box box = {op};
    return gpuopt_backend_roundtrip(b, a, sizeof *a, rt, n_fields, call_cpu, &box);
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
