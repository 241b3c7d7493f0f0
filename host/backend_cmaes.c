/* fill_normal and the cmaes_* operations: the backend's op, or the host fallback, which copies
 * the buffers an operation reads to the host, runs the CPU backend's implementation on them
 * and writes back the buffers it changes (slow, but any backend with memory ops can run the
 * CMA-ES family). */
#include <stddef.h>
#include <stdlib.h>

#include "../src/algorithms/cmaes_core.h"
#include "backend.h"
#include "backend_roundtrip.h"
#include "cpu/cpu_cmaes.h"

gpuopt_status gpuopt_backend_fill_normal(gpuopt_backend *b, gpuopt_dptr out, size_t rows,
                                         size_t cols, uint64_t seed, uint64_t stream)
{
    if (!b)
        return GPUOPT_ERR_NULL_POINTER;
    if (b->ops->fill_normal)
        return b->ops->fill_normal(b, out, rows, cols, seed, stream);
    size_t bytes = rows * cols * sizeof(double);
    double *host = malloc(bytes ? bytes : 1);
    if (!host)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory (%zu bytes)",
                                   bytes);
    gpuopt_status st = gpuopt_cpu_fill_normal(b, host, rows, cols, seed, stream);
    if (st == GPUOPT_SUCCESS && bytes)
        st = b->ops->write(b, out, 0, host, bytes);
    free(host);
    return st;
}

/* ------------------------------------------------------------ host fallback */

typedef enum extent {
    DIM,    /* dim */
    LAMBDA, /* lambda */
    POP,    /* lambda x dim */
    ROWS,   /* (lambda + 1) x dim */
    COV,    /* full: dim x dim; separable: dim */
    SQUARE  /* dim x dim */
} extent;

#define IN GPUOPT_RT_IN
#define OUT GPUOPT_RT_OUT

typedef struct field {
    size_t offset; /* of the gpuopt_dptr in struct gpuopt_cmaes_args */
    extent size;
    int dir; /* IN, OUT or both */
    int idx; /* uint32 elements (else double) */
} field;

#define F(name, size, dir)                                                                         \
    {                                                                                              \
        offsetof(struct gpuopt_cmaes_args, name), size, dir, 0                                     \
    }
#define MAX_FIELDS 12

static size_t field_count(const struct gpuopt_cmaes_args *a, extent e)
{
    size_t n = a->dim, lam = a->lambda;
    switch (e) {
    case DIM: return n;
    case LAMBDA: return lam;
    case POP: return lam * n;
    case ROWS: return (lam + 1) * n;
    case COV: return a->separable ? n : n * n;
    default: return n * n;
    }
}

typedef gpuopt_status (*cpu_op)(gpuopt_backend *, const struct gpuopt_cmaes_args *);

typedef struct op_box {
    cpu_op op;
} op_box;

static gpuopt_status call_cpu(gpuopt_backend *b, const void *host_args, void *box)
{
    return ((op_box *)box)->op(b, (const struct gpuopt_cmaes_args *)host_args);
}

/* Runs op on host copies of the fields (backend_roundtrip.h; NULL fields are skipped). */
static gpuopt_status on_host(gpuopt_backend *b, const struct gpuopt_cmaes_args *a,
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

gpuopt_status gpuopt_backend_cmaes_sample(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(Z, ROWS, IN),    F(D, DIM, IN),     F(mean, DIM, IN),
                                   F(lower, DIM, IN), F(upper, DIM, IN), F(Y, ROWS, IN | OUT),
                                   F(X, POP, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_sample, fields);
}

gpuopt_status gpuopt_backend_cmaes_rank_stats(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(f, LAMBDA, IN),
                                   {offsetof(struct gpuopt_cmaes_args, idx), LAMBDA, IN, 1}};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_rank_stats, fields);
}

gpuopt_status gpuopt_backend_cmaes_penalty(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(C, COV, IN),     F(mean, DIM, IN),        F(lower, DIM, IN),
                                   F(upper, DIM, IN), F(gamma, DIM, IN | OUT), F(X, POP, IN),
                                   F(Y, ROWS, IN),    F(f, LAMBDA, IN),        F(fit, LAMBDA, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_penalty, fields);
}

gpuopt_status gpuopt_backend_cmaes_recombine(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {{offsetof(struct gpuopt_cmaes_args, idx), LAMBDA, IN, 1},
                                   F(weights, LAMBDA, IN),
                                   F(Z, ROWS, IN | OUT),
                                   F(Y, ROWS, IN),
                                   F(wind, LAMBDA, OUT),
                                   F(ymean, DIM, OUT),
                                   F(zmean, DIM, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_recombine, fields);
}

gpuopt_status gpuopt_backend_cmaes_paths(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {
        F(u, DIM, IN),     F(ps, DIM, IN | OUT), F(pc, DIM, IN | OUT), F(mean, DIM, IN | OUT),
        F(ymean, DIM, IN), F(Y, ROWS, IN | OUT), F(Z, ROWS, IN | OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_paths, fields);
}

gpuopt_status gpuopt_backend_cmaes_diag_update(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(Z, ROWS, IN), F(Y, ROWS, IN), F(C, COV, IN | OUT),
                                   F(D, DIM, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_diag_update, fields);
}

gpuopt_status gpuopt_backend_cmaes_eigen_finish(gpuopt_backend *b,
                                                const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(B, SQUARE, IN), F(evals, DIM, IN), F(BD, SQUARE, OUT),
                                   F(D, DIM, OUT)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_eigen_finish, fields);
}

gpuopt_status gpuopt_backend_cmaes_measure(gpuopt_backend *b, const struct gpuopt_cmaes_args *a)
{
    static const field fields[] = {F(C, COV, IN),     F(pc, DIM, IN),    F(mean, DIM, IN),
                                   F(lower, DIM, IN), F(upper, DIM, IN), F(D, DIM, IN),
                                   F(BD, SQUARE, IN)};
    return !b || !a ? GPUOPT_ERR_NULL_POINTER : RUN(b, a, cmaes_measure, fields);
}
