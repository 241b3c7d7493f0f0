/* Backend conformance: the same checks on every backend of this build that has a device (cpu
 * always; opencl and cuda when compiled in and a device is present), over every backend op.
 * Results are compared with explicit expectations and, bit for bit, with the CPU backend (the
 * reference): memory round trips with offsets and copies, evaluation of every built-in problem
 * and of host callbacks, aggregation, the non-finite check with and without penalty, 10^6
 * Philox draws, minmax with ties and NaN, the DE and PSO population operations over every
 * variant, bounds rule and topology, the fused DE / PSO steps for built-in problems and
 * pso_best_update (each also through its fallback), argsort, and the dgemm op where a backend
 * has one.
 * A backend without a device is reported on stdout, not skipped silently. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#include "kernels/philox.h"
#include "kernels/problems.h"
#include "src/algorithms/de.h"
#include "src/algorithms/pso.h"
#include "src/problems.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_blas.h"
#endif

static gpuopt_backend *ref; /* the CPU backend */

/* ------------------------------------------------------------------ helpers */

static double urand(uint64_t stream, uint64_t i)
{
    return gpuopt_philox_uniform(2024, stream, i);
}

static void fill(double *x, size_t n, double lo, double hi, uint64_t stream)
{
    for (size_t i = 0; i < n; ++i)
        x[i] = lo + (hi - lo) * urand(stream, i);
}

static gpuopt_dptr put(gpuopt_backend *b, const void *src, size_t bytes)
{
    gpuopt_dptr p = NULL;
    CHECK_STATUS(b->ops->alloc(b, bytes, &p), GPUOPT_SUCCESS);
    if (p && src && bytes)
        CHECK_STATUS(b->ops->write(b, p, 0, src, bytes), GPUOPT_SUCCESS);
    return p;
}

static void get(gpuopt_backend *b, void *dst, gpuopt_dptr p, size_t bytes)
{
    CHECK_STATUS(b->ops->read(b, dst, p, 0, bytes), GPUOPT_SUCCESS);
}

static void drop(gpuopt_backend *b, gpuopt_dptr p)
{
    if (p)
        b->ops->release(b, p);
}

static int same_bits(const void *a, const void *b, size_t bytes)
{
    return memcmp(a, b, bytes) == 0;
}

/* ------------------------------------------------------------------ memory */

static void test_memory(gpuopt_backend *b)
{
    double zeros[32] = {0}, got[32], data[10];
    fill(data, 10, -1, 1, 1);
    gpuopt_dptr p = put(b, NULL, 32 * sizeof(double)), q = put(b, NULL, 32 * sizeof(double));
    get(b, got, p, sizeof got);
    CHECK_MSG(same_bits(got, zeros, sizeof got), "%s: alloc is not zeroed", b->ops->name);
    CHECK_STATUS(b->ops->write(b, p, 2 * sizeof(double), data, sizeof data), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->read(b, got, p, 2 * sizeof(double), sizeof data), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(got, data, sizeof data), "%s: write/read at an offset", b->ops->name);
    CHECK_STATUS(b->ops->read(b, got, p, 5 * sizeof(double), 3 * sizeof(double)), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(got, data + 3, 3 * sizeof(double)), "%s: partial read", b->ops->name);
    CHECK_STATUS(b->ops->read(b, got, p, 0, 0), GPUOPT_SUCCESS);
    /* copy between buffers with offsets, through the op and through the fallback wrapper */
    CHECK_STATUS(gpuopt_backend_copy(b, q, 20 * sizeof(double), p, 2 * sizeof(double),
                                     10 * sizeof(double)),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->read(b, got, q, 20 * sizeof(double), sizeof data), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(got, data, sizeof data), "%s: copy with offsets", b->ops->name);
    get(b, got, q, 20 * sizeof(double));
    CHECK_MSG(same_bits(got, zeros, 20 * sizeof(double)), "%s: copy wrote outside its range",
              b->ops->name);
    /* overlapping ranges of one buffer behave as memmove */
    CHECK_STATUS(gpuopt_backend_copy(b, p, 4 * sizeof(double), p, 2 * sizeof(double),
                                     10 * sizeof(double)),
                 GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->read(b, got, p, 4 * sizeof(double), sizeof data), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(got, data, sizeof data), "%s: overlapping copy", b->ops->name);
    CHECK_STATUS(b->ops->synchronize(b), GPUOPT_SUCCESS);
    drop(b, p);
    drop(b, q);
}

/* ------------------------------------------------------------------ random numbers */

static void test_fill_uniform(gpuopt_backend *b)
{
    const size_t n = 1000000;
    double *mine = malloc(n * sizeof *mine), *theirs = malloc(n * sizeof *theirs), part[10];
    gpuopt_dptr p = put(b, NULL, n * sizeof(double)), q = put(ref, NULL, n * sizeof(double));
    CHECK_STATUS(b->ops->fill_uniform(b, p, n, 12345, 7, 3), GPUOPT_SUCCESS);
    CHECK_STATUS(ref->ops->fill_uniform(ref, q, n, 12345, 7, 3), GPUOPT_SUCCESS);
    get(b, mine, p, n * sizeof(double));
    get(ref, theirs, q, n * sizeof(double));
    CHECK_MSG(same_bits(mine, theirs, n * sizeof(double)), "%s: 10^6 draws differ from cpu",
              b->ops->name);
    CHECK(mine[0] == gpuopt_philox_uniform(12345, 7, 3));
    CHECK_STATUS(b->ops->fill_uniform(b, p, 10, 12345, 7, 503), GPUOPT_SUCCESS);
    get(b, part, p, sizeof part);
    CHECK_MSG(same_bits(part, mine + 500, sizeof part), "%s: offsets address the same stream",
              b->ops->name);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < n; ++i) {
        lo = mine[i] < lo ? mine[i] : lo;
        hi = mine[i] > hi ? mine[i] : hi;
    }
    CHECK(lo >= 0.0 && hi < 1.0 && lo < 1e-4 && hi > 1 - 1e-4);
    drop(b, p);
    drop(ref, q);
    free(mine);
    free(theirs);
}

/* ------------------------------------------------------------------ evaluation */

/* Problems whose formula uses only + - * / sqrt: every IEEE 754 device gives the same bits. */
static int exact_problem(int id)
{
    return id == GPUOPT_BUILTIN_SPHERE || id == GPUOPT_BUILTIN_ROSENBROCK ||
           id == GPUOPT_BUILTIN_STYBLINSKI_TANG || id == GPUOPT_BUILTIN_ZAKHAROV;
}

static void test_builtin(gpuopt_backend *b, const gpuopt_builtin_problem *p, size_t dim)
{
    const size_t n = 300;
    double *X = malloc(n * dim * sizeof *X), f[300];
    double lo = p->info.default_lower, hi = p->info.default_upper;
    if (!isfinite(lo) || !isfinite(hi)) { /* unbounded (the More-Wild problems): a box */
        lo = -2.0;
        hi = 2.0;
    }
    fill(X, n * dim, lo, hi, 10 + dim);
    gpuopt_dptr x = put(b, X, n * dim * sizeof(double)), fd = put(b, NULL, sizeof f);
    gpuopt_eval_target t = {.dim = dim, .kind = GPUOPT_CRITERION_SCALAR, .n_outputs = 1,
                            .builtin_id = p->id};
    CHECK_STATUS(b->ops->evaluate(b, &t, x, n, fd, fd), GPUOPT_SUCCESS);
    get(b, f, fd, sizeof f);
    size_t exact = 0, close = 0;
    for (size_t i = 0; i < n; ++i) {
        double want = gpuopt_builtin_evaluate(p->id, X + i * dim, dim);
        exact += same_bits(&want, &f[i], sizeof want);
        close += fabs(f[i] - want) <= 1e-12 * (1.0 + fabs(want));
    }
    if (exact_problem(p->id))
        CHECK_MSG(exact == n, "%s: %s dim %zu: %zu of %zu values bitwise equal to the host",
                  b->ops->name, p->info.name, dim, exact, n);
    CHECK_MSG(close == n, "%s: %s dim %zu: %zu of %zu values within 1e-12 of the host",
              b->ops->name, p->info.name, dim, close, n);
    if (exact != n)
        printf("  %s: %s dim %zu: %zu of %zu values bitwise equal to the host (rest within "
               "1e-12)\n",
               b->ops->name, p->info.name, dim, exact, n);
    drop(b, x);
    drop(b, fd);
    free(X);
}

static void test_builtins(gpuopt_backend *b)
{
    static const size_t dims[] = {1, 2, 7, 30};
    for (size_t i = 0; i < gpuopt_builtin_count(); ++i) {
        const gpuopt_builtin_problem *p = gpuopt_builtin_at(i);
        for (size_t d = 0; d < sizeof dims / sizeof dims[0]; ++d)
            if (!p->info.fixed_dim || p->info.fixed_dim == dims[d])
                test_builtin(b, p, dims[d]);
    }
}

static int point_residuals(const double *x, size_t dim, double *out, void *user)
{
    (void)user;
    for (size_t k = 0; k < 3; ++k)
        out[k] = x[k % dim] * (double)(k + 1) - 0.25;
    return 0;
}

static int batch_scalar(const double *X, size_t n, double *out, void *user)
{
    const size_t dim = *(const size_t *)user;
    for (size_t i = 0; i < n; ++i) {
        out[i] = 1.0;
        for (size_t k = 0; k < dim; ++k)
            out[i] += X[i * dim + k] * X[i * dim + k];
    }
    return 0;
}

static int batch_failing(const double *X, size_t n, double *out, void *user)
{
    (void)X, (void)n, (void)out, (void)user;
    return 1;
}

/* Evaluates a host-callback target on backend b; f receives n values. */
static gpuopt_status eval_host(gpuopt_backend *b, const gpuopt_eval_target *t, const double *X,
                               size_t n, double *f)
{
    gpuopt_dptr x = put(b, X, n * t->dim * sizeof(double));
    gpuopt_dptr raw = put(b, NULL, n * t->n_outputs * sizeof(double));
    gpuopt_dptr fd = put(b, NULL, n * sizeof(double));
    gpuopt_status st = b->ops->evaluate(b, t, x, n,
                                        t->kind == GPUOPT_CRITERION_SCALAR ? fd : raw, fd);
    get(b, f, fd, n * sizeof(double));
    drop(b, x);
    drop(b, raw);
    drop(b, fd);
    return st;
}

static void test_host_callbacks(gpuopt_backend *b)
{
    size_t dim = 4, n = 57;
    double X[57 * 4], mine[57], theirs[57];
    fill(X, n * dim, -2, 2, 30);
    gpuopt_eval_target ls = {.dim = dim, .kind = GPUOPT_CRITERION_LEAST_SQUARES, .n_outputs = 3,
                             .builtin_id = -1, .point_fn = point_residuals, .thread_safe = 1};
    CHECK_STATUS(eval_host(b, &ls, X, n, mine), GPUOPT_SUCCESS);
    CHECK_STATUS(eval_host(ref, &ls, X, n, theirs), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(mine, theirs, sizeof mine), "%s: least-squares point callback",
              b->ops->name);
    gpuopt_eval_target sc = {.dim = dim, .kind = GPUOPT_CRITERION_SCALAR, .n_outputs = 1,
                             .builtin_id = -1, .batch_fn = batch_scalar, .user = &dim};
    CHECK_STATUS(eval_host(b, &sc, X, n, mine), GPUOPT_SUCCESS);
    CHECK_STATUS(eval_host(ref, &sc, X, n, theirs), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(mine, theirs, sizeof mine), "%s: scalar batch callback", b->ops->name);
    double one = 1.0;
    for (size_t k = 0; k < dim; ++k)
        one += X[k] * X[k];
    CHECK(mine[0] == one);
    sc.batch_fn = batch_failing;
    CHECK_STATUS(eval_host(b, &sc, X, n, mine), GPUOPT_ERR_CALLBACK);
    CHECK_CONTAINS(b->error, "callback");
}

/* The value the aggregation must give for row i: the sum in order, of squares or not. */
static double aggregate_want(const double *raw, size_t i, size_t m, gpuopt_criterion_kind kind)
{
    if (kind == GPUOPT_CRITERION_SCALAR)
        return raw[i];
    double sum = 0.0;
    for (size_t k = 0; k < m; ++k)
        sum += kind == GPUOPT_CRITERION_LEAST_SQUARES ? raw[i * m + k] * raw[i * m + k]
                                                      : raw[i * m + k];
    return sum;
}

static void test_aggregate(gpuopt_backend *b)
{
    const size_t n = 50, m = 4;
    double raw[200], mine[50], theirs[50];
    fill(raw, n * m, -3, 3, 40);
    const gpuopt_criterion_kind kinds[] = {GPUOPT_CRITERION_LEAST_SQUARES,
                                           GPUOPT_CRITERION_LIKELIHOOD, GPUOPT_CRITERION_SCALAR};
    for (size_t k = 0; k < 3; ++k) {
        size_t outputs = kinds[k] == GPUOPT_CRITERION_SCALAR ? 1 : m;
        gpuopt_backend *both[2] = {b, ref};
        double *out[2] = {mine, theirs};
        for (int j = 0; j < 2; ++j) {
            gpuopt_dptr r = put(both[j], raw, n * outputs * sizeof(double));
            gpuopt_dptr f = put(both[j], NULL, n * sizeof(double));
            CHECK_STATUS(both[j]->ops->aggregate(both[j], kinds[k], r, n, outputs, f),
                         GPUOPT_SUCCESS);
            get(both[j], out[j], f, n * sizeof(double));
            drop(both[j], r);
            drop(both[j], f);
        }
        CHECK_MSG(same_bits(mine, theirs, sizeof mine), "%s: aggregate kind %d", b->ops->name,
                  (int)kinds[k]);
        size_t right = 0;
        for (size_t i = 0; i < n; ++i)
            right += mine[i] == aggregate_want(raw, i, outputs, kinds[k]);
        CHECK_MSG(right == n, "%s: aggregate kind %d: %zu of %zu sums right", b->ops->name,
                  (int)kinds[k], right, n);
    }
}

/* ------------------------------------------------------------------ non-finite values */

static void check_values_on(gpuopt_backend *b, double *f, const double *X, size_t n, size_t dim,
                            const double *x0, int replace, size_t *n_bad, size_t *first)
{
    gpuopt_dptr fd = put(b, f, n * sizeof(double)), xd = put(b, X, n * dim * sizeof(double));
    gpuopt_dptr x0d = put(b, x0, dim * sizeof(double));
    gpuopt_penalty pen = {.replace = replace, .constant = 100.0, .slope = 0.5, .x0 = x0d};
    CHECK_STATUS(b->ops->check_values(b, fd, xd, n, dim, &pen, n_bad, first), GPUOPT_SUCCESS);
    get(b, f, fd, n * sizeof(double));
    drop(b, fd);
    drop(b, xd);
    drop(b, x0d);
}

static void test_check_values_n(gpuopt_backend *b, size_t n, const size_t *bad, size_t n_bad_want)
{
    const size_t dim = 3;
    double *X = malloc(n * dim * sizeof *X), *f = malloc(n * sizeof *f);
    double *mine = malloc(n * sizeof *mine), *theirs = malloc(n * sizeof *theirs), x0[3];
    fill(X, n * dim, -1, 1, 50);
    fill(f, n, 0, 10, 51);
    fill(x0, dim, -1, 1, 52);
    const double specials[3] = {NAN, INFINITY, -INFINITY};
    size_t first_want = n;
    for (size_t k = 0; k < n_bad_want; ++k) {
        f[bad[k]] = specials[k % 3];
        first_want = bad[k] < first_want ? bad[k] : first_want;
    }
    for (int replace = 0; replace <= 1; ++replace) {
        size_t nb = 0, first = 0, nb_ref = 0, first_ref = 0;
        memcpy(mine, f, n * sizeof *f);
        memcpy(theirs, f, n * sizeof *f);
        check_values_on(b, mine, X, n, dim, x0, replace, &nb, &first);
        check_values_on(ref, theirs, X, n, dim, x0, replace, &nb_ref, &first_ref);
        CHECK_MSG(nb == n_bad_want && first == first_want,
                  "%s: n=%zu: %zu bad from %zu, want %zu from %zu", b->ops->name, n, nb, first,
                  n_bad_want, first_want);
        CHECK(nb == nb_ref && first == first_ref);
        CHECK_MSG(same_bits(mine, theirs, n * sizeof *f), "%s: n=%zu replace=%d: values differ",
                  b->ops->name, n, replace);
        if (!replace)
            CHECK_MSG(same_bits(mine, f, n * sizeof *f), "%s: raise mode changed f",
                      b->ops->name);
        else if (n_bad_want)
            CHECK(isfinite(mine[first_want]) && mine[first_want] >= 100.0);
    }
    free(X);
    free(f);
    free(mine);
    free(theirs);
}

static void test_check_values(gpuopt_backend *b)
{
    const size_t few[] = {17, 500, 999}, many[] = {70000, 3, 150000, 99999};
    test_check_values_n(b, 1000, few, 3);
    test_check_values_n(b, 1000, few, 0);
    test_check_values_n(b, 200000, many, 4); /* several reduction groups */
    test_check_values_n(b, 1, few, 0);
}

/* ------------------------------------------------------------------ minmax */

static void minmax_case(gpuopt_backend *b, const char *what, const double *f, size_t n,
                        size_t want_lo, size_t want_hi)
{
    size_t lo = 99, hi = 99, lo_ref = 98, hi_ref = 98;
    double flo, fhi, flo_ref, fhi_ref;
    gpuopt_dptr p = put(b, NULL, (n + 1) * sizeof(double));
    gpuopt_dptr q = put(ref, NULL, (n + 1) * sizeof(double));
    CHECK_STATUS(b->ops->write(b, p, 0, f, n * sizeof(double)), GPUOPT_SUCCESS);
    CHECK_STATUS(ref->ops->write(ref, q, 0, f, n * sizeof(double)), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->minmax(b, p, n, &lo, &flo, &hi, &fhi), GPUOPT_SUCCESS);
    CHECK_STATUS(ref->ops->minmax(ref, q, n, &lo_ref, &flo_ref, &hi_ref, &fhi_ref),
                 GPUOPT_SUCCESS);
    CHECK_MSG(lo == want_lo && hi == want_hi, "%s: minmax %s: (%zu, %zu), want (%zu, %zu)",
              b->ops->name, what, lo, hi, want_lo, want_hi);
    CHECK_MSG(lo == lo_ref && hi == hi_ref && same_bits(&flo, &flo_ref, sizeof flo) &&
                  same_bits(&fhi, &fhi_ref, sizeof fhi),
              "%s: minmax %s differs from cpu", b->ops->name, what);
    drop(b, p);
    drop(ref, q);
}

static void test_minmax(gpuopt_backend *b)
{
    const double ties[] = {2, 1, 1, 3, 3, 2};
    const double nan_first[] = {NAN, 2, 1, NAN, 4, 1};
    const double all_nan[] = {NAN, NAN, NAN};
    const double zeros[] = {0.0, -0.0, 0.0};
    const double infinite[] = {INFINITY, 1, -INFINITY, -INFINITY, INFINITY};
    const double one[] = {5};
    minmax_case(b, "ties", ties, 6, 1, 3);
    minmax_case(b, "NaN first", nan_first, 6, 2, 4);
    minmax_case(b, "all NaN", all_nan, 3, 0, 0);
    minmax_case(b, "signed zeros", zeros, 3, 0, 0);
    minmax_case(b, "infinities", infinite, 5, 2, 0);
    minmax_case(b, "one value", one, 1, 0, 0);
    minmax_case(b, "no values", one, 0, 0, 0);
    const size_t n = 1200001; /* more than 256 groups of 256 x 16: the grid-stride path */
    double *f = malloc(n * sizeof *f);
    fill(f, n, -1, 1, 60);
    for (size_t i = 0; i < n; i += 7)
        f[i] = NAN;
    f[1199999] = f[70001] = f[123456] = -2.0; /* the lowest index of a tie wins */
    f[1050000] = f[1060000] = 5.0;
    minmax_case(b, "1200001 values", f, n, 70001, 1050000);
    free(f);
}

/* ------------------------------------------------------------------ DE */

typedef struct de_data {
    size_t n, dim;
    double *pop, *fit, *trial, *trial_f, *lower, *upper;
} de_data;

/* Runs de_trial then de_select on backend b from d; trial, pop and fit come back. */
static void de_on(gpuopt_backend *b, const de_data *d, int variant, int bounds, double *trial,
                  double *pop, double *fit)
{
    size_t nd = d->n * d->dim * sizeof(double), nb = d->n * sizeof(double);
    size_t db = d->dim * sizeof(double);
    struct gpuopt_de_args a = {
        .pop = put(b, d->pop, nd), .fit = put(b, d->fit, nb), .trial = put(b, NULL, nd),
        .trial_f = put(b, d->trial_f, nb), .best_x = put(b, d->pop + d->dim, db),
        .lower = put(b, d->lower, db), .upper = put(b, d->upper, db), .n = d->n, .dim = d->dim,
        .variant = variant, .bounds_handling = bounds, .F = 0.8, .CR = 0.7, .seed = 99,
        .generation = 4};
    CHECK_STATUS(b->ops->de_trial(b, &a), GPUOPT_SUCCESS);
    get(b, trial, a.trial, nd);
    CHECK_STATUS(b->ops->de_select(b, &a), GPUOPT_SUCCESS);
    get(b, pop, a.pop, nd);
    get(b, fit, a.fit, nb);
    gpuopt_dptr all[] = {a.pop, a.fit, a.trial, a.trial_f, a.best_x, a.lower, a.upper};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        drop(b, all[k]);
}

static void test_de_size(gpuopt_backend *b, size_t n, size_t dim)
{
    de_data d = {n, dim, NULL, NULL, NULL, NULL, NULL, NULL};
    size_t nd = n * dim;
    d.pop = malloc(nd * sizeof(double));
    d.fit = malloc(n * sizeof(double));
    d.trial_f = malloc(n * sizeof(double));
    d.lower = malloc(dim * sizeof(double));
    d.upper = malloc(dim * sizeof(double));
    double *buf = malloc((4 * nd + 4 * n) * sizeof(double));
    double *t1 = buf, *t2 = t1 + nd, *p1 = t2 + nd, *p2 = p1 + nd, *f1 = p2 + nd, *f2 = f1 + n;
    for (size_t j = 0; j < dim; ++j) {
        d.lower[j] = -1.0 - (double)j;
        d.upper[j] = 2.0 + 0.5 * (double)j;
    }
    for (size_t i = 0; i < nd; ++i)
        d.pop[i] = d.lower[i % dim] + (d.upper[i % dim] - d.lower[i % dim]) * urand(70, i);
    fill(d.fit, n, 0, 1, 71);
    fill(d.trial_f, n, 0, 1, 72);
    d.trial_f[0] = d.fit[0]; /* a tie is accepted */
    for (int variant = 1; variant <= GPUOPT_DE_N_VARIANTS; ++variant) {
        for (int bounds = 1; bounds <= 3; ++bounds) {
            de_on(b, &d, variant, bounds, t1, p1, f1);
            de_on(ref, &d, variant, bounds, t2, p2, f2);
            CHECK_MSG(same_bits(t1, t2, nd * sizeof(double)) &&
                          same_bits(p1, p2, nd * sizeof(double)) &&
                          same_bits(f1, f2, n * sizeof(double)),
                      "%s: de n=%zu dim=%zu variant %d bounds %d differs from cpu", b->ops->name,
                      n, dim, variant, bounds);
            int inside = 1;
            for (size_t i = 0; i < nd; ++i)
                inside &= t1[i] >= d.lower[i % dim] && t1[i] <= d.upper[i % dim];
            CHECK_MSG(inside, "%s: de trial outside the bounds", b->ops->name);
            CHECK(same_bits(p1, t1, dim * sizeof(double)) && f1[0] == d.trial_f[0]);
        }
    }
    free(d.pop);
    free(d.fit);
    free(d.trial_f);
    free(d.lower);
    free(d.upper);
    free(buf);
}

static void test_de(gpuopt_backend *b)
{
    test_de_size(b, 6, 1);
    test_de_size(b, 37, 5);
    test_de_size(b, 300, 33);
}

/* ------------------------------------------------------------------ PSO */

/* A neighbour table for the topology: gbest reads none; the others get 1..4 pseudo-random
 * informants per particle (the kernels only read the table). Returns its length in ints. */
static size_t pso_table(int *table, size_t n, int topology)
{
    int *idx = table + n + 1;
    size_t k = 0;
    for (size_t p = 0; p < n; ++p) {
        table[p] = (int)k;
        size_t m = topology == GPUOPT_PSO_GBEST ? 0 : 1 + p % 4;
        for (size_t j = 0; j < m; ++j)
            idx[k++] = (int)gpuopt_uniform_below(urand(80 + (uint64_t)topology, 8 * p + j), n);
    }
    table[n] = (int)k;
    return n + 1 + k;
}

typedef struct pso_data {
    size_t n, dim;
    double *X, *V, *f, *pbest_X, *pbest_f, *lower, *upper;
    int *table;
    size_t table_len;
} pso_data;

static void pso_on(gpuopt_backend *b, const pso_data *d, int variant, int topology, size_t first,
                   size_t count, double *out)
{
    size_t nd = d->n * d->dim * sizeof(double), nb = d->n * sizeof(double);
    size_t db = d->dim * sizeof(double);
    struct gpuopt_pso_args a = {
        .X = put(b, d->X, nd), .V = put(b, d->V, nd), .f = put(b, d->f, nb),
        .pbest_X = put(b, d->pbest_X, nd), .pbest_f = put(b, d->pbest_f, nb),
        .neighbours = put(b, d->table, d->table_len * sizeof(int)), .lower = put(b, d->lower, db),
        .upper = put(b, d->upper, db), .n = d->n, .dim = d->dim, .first = first, .count = count,
        .variant = variant, .topology = topology, .gbest = 5, .omega = 0.7298, .eta1 = 2.05,
        .eta2 = 2.05, .max_velocity = 0.3, .seed = 77, .generation = 9};
    CHECK_STATUS(b->ops->pso_move(b, &a), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->pso_remember(b, &a), GPUOPT_SUCCESS);
    get(b, out, a.X, nd);
    get(b, out + d->n * d->dim, a.V, nd);
    get(b, out + 2 * d->n * d->dim, a.pbest_X, nd);
    get(b, out + 3 * d->n * d->dim, a.pbest_f, nb);
    gpuopt_dptr all[] = {a.X, a.V, a.f, a.pbest_X, a.pbest_f, a.neighbours, a.lower, a.upper};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        drop(b, all[k]);
}

static void test_pso(gpuopt_backend *b)
{
    enum { N = 23, DIM = 4 };
    static double X[N * DIM], V[N * DIM], f[N], PX[N * DIM], Pf[N], lower[DIM], upper[DIM];
    static int table[N + 1 + 4 * N];
    static double mine[3 * N * DIM + N], theirs[3 * N * DIM + N];
    for (size_t j = 0; j < DIM; ++j) {
        lower[j] = -2.0 + 0.1 * (double)j;
        upper[j] = 3.0;
    }
    fill(X, N * DIM, -1.5, 2.5, 90);
    fill(V, N * DIM, -1, 1, 91);
    fill(PX, N * DIM, -1.5, 2.5, 92);
    fill(f, N, 0, 1, 93);
    fill(Pf, N, 0, 1, 94);
    Pf[3] = f[3]; /* a tie is remembered */
    pso_data d = {N, DIM, X, V, f, PX, Pf, lower, upper, table, 0};
    for (int topology = 1; topology <= 4; ++topology) {
        d.table_len = pso_table(table, N, topology);
        for (int variant = 1; variant <= 6; ++variant) {
            const size_t ranges[2][2] = {{0, N}, {3, 11}};
            for (int r = 0; r < 2; ++r) {
                pso_on(b, &d, variant, topology, ranges[r][0], ranges[r][1], mine);
                pso_on(ref, &d, variant, topology, ranges[r][0], ranges[r][1], theirs);
                CHECK_MSG(same_bits(mine, theirs, sizeof mine),
                          "%s: pso variant %d topology %d particles %zu+%zu differ from cpu",
                          b->ops->name, variant, topology, ranges[r][0], ranges[r][1]);
            }
        }
    }
    CHECK(same_bits(mine, X, 3 * DIM * sizeof(double))); /* particles before `first` stay */
    struct gpuopt_pso_args bad = {.X = X, .V = V, .pbest_X = PX, .pbest_f = Pf,
                                  .neighbours = table, .lower = lower, .upper = upper, .n = N,
                                  .first = 20, .count = 5, .f = f};
    CHECK_STATUS(b->ops->pso_move(b, &bad), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "pso_move");
    CHECK_STATUS(b->ops->pso_remember(b, &bad), GPUOPT_ERR_INVALID_ARGUMENT);
    struct gpuopt_de_args none = {0};
    CHECK_STATUS(b->ops->de_trial(b, &none), GPUOPT_ERR_NULL_POINTER);
}

/* ------------------------------------------------------------------ fused steps, pso_best */

/* b with its optional population ops removed: the wrappers' fallbacks serve. */
typedef struct bare_backend {
    gpuopt_backend_ops ops;
    const gpuopt_backend_ops *saved;
} bare_backend;

static void strip_popops(gpuopt_backend *b, bare_backend *bare)
{
    bare->saved = b->ops;
    bare->ops = *b->ops;
    bare->ops.de_trial_evaluate = NULL;
    bare->ops.pso_move_evaluate = NULL;
    bare->ops.pso_best_update = NULL;
    b->ops = &bare->ops;
}

/* The reference values of a fused step: b's own evaluate op (transcendental built-ins may
 * differ from the CPU's in the last bits; the rows themselves are compared with the CPU). */
static void ref_values(gpuopt_backend *b, const double *X, size_t n, size_t dim, int id,
                       double *f)
{
    gpuopt_eval_target t = {.dim = dim, .kind = GPUOPT_CRITERION_SCALAR, .n_outputs = 1,
                            .builtin_id = id};
    gpuopt_dptr x = put(b, X, n * dim * sizeof(double)), v = put(b, NULL, n * sizeof(double));
    CHECK_STATUS(b->ops->evaluate(b, &t, x, n, v, v), GPUOPT_SUCCESS);
    get(b, f, v, n * sizeof(double));
    drop(b, x);
    drop(b, v);
}

/* de_trial_evaluate on b (trial and trial_f come back). */
static void de_fused_on(gpuopt_backend *b, const de_data *d, int variant, int id, double *trial,
                        double *trial_f)
{
    size_t nd = d->n * d->dim * sizeof(double), nb = d->n * sizeof(double);
    size_t db = d->dim * sizeof(double);
    struct gpuopt_de_args a = {
        .pop = put(b, d->pop, nd), .fit = put(b, d->fit, nb), .trial = put(b, NULL, nd),
        .trial_f = put(b, NULL, nb), .best_x = put(b, d->pop + d->dim, db),
        .lower = put(b, d->lower, db), .upper = put(b, d->upper, db), .n = d->n, .dim = d->dim,
        .variant = variant, .bounds_handling = GPUOPT_DE_BOUNDS_REFLECT, .F = 0.8, .CR = 0.7,
        .seed = 99, .generation = 4, .builtin_id = id};
    CHECK_STATUS(gpuopt_backend_de_trial_evaluate(b, &a), GPUOPT_SUCCESS);
    get(b, trial, a.trial, nd);
    get(b, trial_f, a.trial_f, nb);
    gpuopt_dptr all[] = {a.pop, a.fit, a.trial, a.trial_f, a.best_x, a.lower, a.upper};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        drop(b, all[k]);
}

/* de_trial_evaluate (the op, and the fallback) = de_trial, then evaluate on the CPU. */
static void test_de_fused(gpuopt_backend *b)
{
    enum { N = 41, DIM = 7 };
    static double pop[N * DIM], fit[N], lower[DIM], upper[DIM];
    static double t1[N * DIM], t2[N * DIM], f1[N], f2[N];
    for (size_t j = 0; j < DIM; ++j) {
        lower[j] = -5.0;
        upper[j] = 4.0 + (double)j;
    }
    fill(pop, N * DIM, -5, 4, 120);
    fill(fit, N, 0, 1, 121);
    de_data d = {N, DIM, pop, fit, NULL, NULL, lower, upper};
    static const int ids[] = {GPUOPT_BUILTIN_SPHERE, GPUOPT_BUILTIN_ROSENBROCK,
                              GPUOPT_BUILTIN_RASTRIGIN, GPUOPT_BUILTIN_ACKLEY};
    bare_backend bare;
    for (int fallback = 0; fallback < 2; ++fallback) {
        if (fallback)
            strip_popops(b, &bare);
        for (size_t k = 0; k < sizeof ids / sizeof ids[0]; ++k)
            for (int variant = 1; variant <= GPUOPT_DE_N_VARIANTS; variant += 3) {
                de_fused_on(b, &d, variant, ids[k], t1, f1);
                de_on(ref, &d, variant, GPUOPT_DE_BOUNDS_REFLECT, t2, pop, fit); /* restores */
                fill(pop, N * DIM, -5, 4, 120);
                fill(fit, N, 0, 1, 121);
                ref_values(b, t2, N, DIM, ids[k], f2);
                CHECK_MSG(same_bits(t1, t2, sizeof t1) && same_bits(f1, f2, sizeof f1),
                          "%s%s: de_trial_evaluate problem %d variant %d differs from "
                          "de_trial + evaluate", b->ops->name, fallback ? " (fallback)" : "",
                          ids[k], variant);
            }
        if (fallback)
            b->ops = bare.saved;
    }
    struct gpuopt_de_args none = {.builtin_id = -1};
    CHECK_STATUS(gpuopt_backend_de_trial_evaluate(b, &none), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "built-in problem");
}

/* pso_move_evaluate on b over particles [first, first + count): X, V and f come back. */
static void pso_fused_on(gpuopt_backend *b, const pso_data *d, int variant, int topology,
                         size_t first, size_t count, int id, double *out)
{
    size_t nd = d->n * d->dim * sizeof(double), nb = d->n * sizeof(double);
    size_t db = d->dim * sizeof(double);
    struct gpuopt_pso_args a = {
        .X = put(b, d->X, nd), .V = put(b, d->V, nd), .f = put(b, d->f, nb),
        .pbest_X = put(b, d->pbest_X, nd), .pbest_f = put(b, d->pbest_f, nb),
        .neighbours = put(b, d->table, d->table_len * sizeof(int)), .lower = put(b, d->lower, db),
        .upper = put(b, d->upper, db), .n = d->n, .dim = d->dim, .first = first, .count = count,
        .variant = variant, .topology = topology, .gbest = 5, .omega = 0.7298, .eta1 = 2.05,
        .eta2 = 2.05, .max_velocity = 0.3, .seed = 77, .generation = 9, .builtin_id = id};
    if (id >= 0) {
        CHECK_STATUS(gpuopt_backend_pso_move_evaluate(b, &a), GPUOPT_SUCCESS);
    } else { /* the reference: pso_move, then the values of the moved rows on the CPU */
        CHECK_STATUS(b->ops->pso_move(b, &a), GPUOPT_SUCCESS);
    }
    get(b, out, a.X, nd);
    get(b, out + d->n * d->dim, a.V, nd);
    get(b, out + 2 * d->n * d->dim, a.f, nb);
    gpuopt_dptr all[] = {a.X, a.V, a.f, a.pbest_X, a.pbest_f, a.neighbours, a.lower, a.upper};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        drop(b, all[k]);
}

static void test_pso_fused(gpuopt_backend *b)
{
    enum { N = 29, DIM = 5 };
    static double X[N * DIM], V[N * DIM], f[N], PX[N * DIM], Pf[N], lower[DIM], upper[DIM];
    static int table[N + 1 + 4 * N];
    static double mine[2 * N * DIM + N], theirs[2 * N * DIM + N];
    for (size_t j = 0; j < DIM; ++j) {
        lower[j] = -3.0;
        upper[j] = 2.5;
    }
    fill(X, N * DIM, -3, 2.5, 130);
    fill(V, N * DIM, -1, 1, 131);
    fill(PX, N * DIM, -3, 2.5, 132);
    fill(f, N, 0, 1, 133);
    fill(Pf, N, 0, 1, 134);
    pso_data d = {N, DIM, X, V, f, PX, Pf, lower, upper, table, 0};
    const size_t ranges[2][2] = {{0, N}, {3, 11}};
    bare_backend bare;
    for (int fallback = 0; fallback < 2; ++fallback) {
        if (fallback)
            strip_popops(b, &bare);
        for (int topology = 1; topology <= 4; topology += 3) {
            d.table_len = pso_table(table, N, topology);
            for (int variant = 1; variant <= 6; variant += 5)
                for (int r = 0; r < 2; ++r) {
                    size_t first = ranges[r][0], count = ranges[r][1];
                    pso_fused_on(b, &d, variant, topology, first, count,
                                 GPUOPT_BUILTIN_RASTRIGIN, mine);
                    pso_fused_on(ref, &d, variant, topology, first, count, -1, theirs);
                    ref_values(b, theirs + first * DIM, count, DIM, GPUOPT_BUILTIN_RASTRIGIN,
                               theirs + 2 * N * DIM + first);
                    CHECK_MSG(same_bits(mine, theirs, sizeof mine),
                              "%s%s: pso_move_evaluate variant %d topology %d particles "
                              "%zu+%zu differs from pso_move + evaluate",
                              b->ops->name, fallback ? " (fallback)" : "", variant, topology,
                              first, count);
                }
        }
        if (fallback)
            b->ops = bare.saved;
    }
}

/* pso_best_update on b: index and value, and the memories afterwards (bitwise as
 * pso_remember on the CPU). want_index SIZE_MAX: none improved. */
static void pso_best_case(gpuopt_backend *b, const char *what, const double *f,
                          const double *pbest_f, size_t n, size_t first, size_t count,
                          size_t want_index)
{
    enum { DIM = 2 };
    size_t nb = n * sizeof(double), nd = n * DIM * sizeof(double);
    double *X = malloc(nd), *PX = malloc(nd), *got = malloc(nb + nd), *want = malloc(nb + nd);
    fill(X, n * DIM, -1, 1, 140);
    fill(PX, n * DIM, -1, 1, 141);
    gpuopt_backend *pair[2] = {b, ref};
    double *outs[2] = {got, want};
    size_t index = 0;
    double value = 0;
    for (int k = 0; k < 2; ++k) {
        struct gpuopt_pso_args a = {.X = put(pair[k], X, nd), .f = put(pair[k], f, nb),
                                    .pbest_X = put(pair[k], PX, nd),
                                    .pbest_f = put(pair[k], pbest_f, nb),
                                    .keys = put(pair[k], NULL, nb), .n = n, .dim = DIM,
                                    .first = first, .count = count};
        if (k == 0) {
            CHECK_STATUS(gpuopt_backend_pso_best_update(b, &a, &index, &value), GPUOPT_SUCCESS);
        } else {
            CHECK_STATUS(ref->ops->pso_remember(ref, &a), GPUOPT_SUCCESS);
        }
        get(pair[k], outs[k], a.pbest_f, nb);
        get(pair[k], outs[k] + n, a.pbest_X, nd);
        gpuopt_dptr all[] = {a.X, a.f, a.pbest_X, a.pbest_f, a.keys};
        for (size_t j = 0; j < sizeof all / sizeof all[0]; ++j)
            drop(pair[k], all[j]);
    }
    CHECK_MSG(index == want_index && (want_index == SIZE_MAX ? isnan(value)
                                                             : value == f[want_index]),
              "%s: pso_best_update %s: index %zu value %g, want %zu", b->ops->name, what, index,
              value, want_index);
    CHECK_MSG(same_bits(got, want, nb + nd), "%s: pso_best_update %s: memories differ from "
              "pso_remember", b->ops->name, what);
    free(X);
    free(PX);
    free(got);
    free(want);
}

static void test_pso_best(gpuopt_backend *b)
{
    enum { N = 5003 }; /* more than one reduction group */
    double *f = malloc(N * sizeof *f), *pf = malloc(N * sizeof *pf);
    fill(f, N, 1, 2, 150);
    fill(pf, N, 0, 1, 151); /* nobody improves */
    pso_best_case(b, "none improved", f, pf, N, 0, N, SIZE_MAX);
    f[17] = 0.25;
    pf[17] = 0.5;              /* improves */
    f[4000] = pf[4000] = 0.25; /* a tie with the memory improves too, and is later */
    f[4500] = 0.1;             /* smaller but not an improvement */
    pf[4500] = 0.05;
    f[900] = NAN; /* never improves */
    pso_best_case(b, "ties: the last improved", f, pf, N, 0, N, 4000);
    f[4000] = 0.5; /* no longer improves (pf 0.25) */
    pso_best_case(b, "one improved", f, pf, N, 0, N, 17);
    pso_best_case(b, "a range", f, pf, N, 10, 2000, 17);
    pso_best_case(b, "a range without it", f, pf, N, 18, 100, SIZE_MAX);
    f[2] = -INFINITY;
    pso_best_case(b, "-inf", f, pf, N, 0, 20, 2);
    pso_best_case(b, "one particle", f, pf, N, 17, 1, 17);
    bare_backend bare;
    strip_popops(b, &bare);
    pso_best_case(b, "fallback", f, pf, N, 3, 3000, 17);
    b->ops = bare.saved;
    struct gpuopt_pso_args bad = {.X = f, .f = f, .pbest_X = pf, .pbest_f = pf, .keys = f,
                                  .n = 10, .first = 8, .count = 3};
    size_t index;
    double value;
    CHECK_STATUS(gpuopt_backend_pso_best_update(b, &bad, &index, &value),
                 GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(b->error, "pso_best_update");
    free(f);
    free(pf);
}

/* ------------------------------------------------------------------ argsort */

static void argsort_case(gpuopt_backend *b, size_t n, uint64_t stream)
{
    double *f = malloc(n * sizeof *f);
    uint32_t *mine = malloc(n * sizeof *mine), *want = malloc(n * sizeof *want);
    for (size_t i = 0; i < n; ++i) /* few distinct values: many ties; signed zeros */
        f[i] = floor(8.0 * urand(stream, i)) - 4.0;
    if (n > 3)
        f[1] = -0.0;
    gpuopt_dptr fd = put(b, f, n * sizeof(double)), idx = put(b, NULL, n * sizeof(uint32_t));
    CHECK_STATUS(gpuopt_backend_argsort(b, fd, n, idx), GPUOPT_SUCCESS);
    get(b, mine, idx, n * sizeof(uint32_t));
    CHECK_STATUS(gpuopt_host_argsort(f, n, want), GPUOPT_SUCCESS);
    CHECK_MSG(same_bits(mine, want, n * sizeof *want), "%s: argsort of %zu keys", b->ops->name,
              n);
    drop(b, fd);
    drop(b, idx);
    free(f);
    free(mine);
    free(want);
}

static void test_argsort(gpuopt_backend *b)
{
    static const size_t sizes[] = {1, 2, 7, 1000, 4097};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; ++k)
        argsort_case(b, sizes[k], 100 + k);
}

/* ------------------------------------------------------------------ BLAS */

/* C (m x n, at offset 2, ldc n + 1) = 1.5 * A^T B - 0.5 C, A stored k x m, B k x n, through
 * the backend's dgemm op (OpenBLAS, CLBlast, cuBLAS): within rounding of the naive sum. */
static void test_dgemm(gpuopt_backend *b)
{
    enum { M = 5, N = 7, K = 3, LDC = N + 1 };
    double A[K * M], B[K * N], C[2 + M * LDC], want[2 + M * LDC];
    fill(A, K * M, -1, 1, 110);
    fill(B, K * N, -1, 1, 111);
    fill(C, 2 + M * LDC, -1, 1, 112);
    memcpy(want, C, sizeof C);
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            double s = 0;
            for (size_t l = 0; l < K; ++l)
                s += A[l * M + i] * B[l * N + j];
            want[2 + i * LDC + j] = 1.5 * s - 0.5 * C[2 + i * LDC + j];
        }
    gpuopt_dptr a = put(b, A, sizeof A), bb = put(b, B, sizeof B), c = put(b, C, sizeof C);
    CHECK_STATUS(b->ops->dgemm(b, 1, 0, M, N, K, 1.5, a, 0, M, bb, 0, N, -0.5, c, 2, LDC),
                 GPUOPT_SUCCESS);
    get(b, C, c, sizeof C);
    double err = 0;
    for (size_t i = 0; i < 2 + M * LDC; ++i)
        err = fmax(err, fabs(C[i] - want[i]));
    CHECK_MSG(err < 1e-14, "%s: dgemm error %g", b->ops->name, err);
#ifdef GPUOPT_HAVE_OPENCL
    if (b->ops->kind == GPUOPT_BACKEND_OPENCL) { /* CLBlast's own errors come back by name */
        CHECK(b->ops->dgemm == gpuopt_opencl_dgemm);
        CHECK_STATUS(gpuopt_opencl_dgemm(b, 0, 0, M, N, K, 1.0, a, 0, 1, bb, 0, N, 0.0, c, 0, N),
                     GPUOPT_ERR_BACKEND); /* lda below the row length */
        CHECK_CONTAINS(b->error, "CLBlastDgemm");
    }
#endif
    drop(b, a);
    drop(b, bb);
    drop(b, c);
}

/* ------------------------------------------------------------------ driver */

static void conformance(gpuopt_backend *b)
{
    test_memory(b);
    test_fill_uniform(b);
    test_builtins(b);
    test_host_callbacks(b);
    test_aggregate(b);
    test_check_values(b);
    test_minmax(b);
    test_de(b);
    test_pso(b);
    test_de_fused(b);
    test_pso_fused(b);
    test_pso_best(b);
    test_argsort(b);
    if (b->ops->dgemm)
        test_dgemm(b);
    else
        printf("%s: no dgemm op (the host fallback serves)\n", b->ops->name);
}

int main(void)
{
    CHECK_STATUS(gpuopt_backend_open(&ref, &gpuopt_backend_cpu, 2), GPUOPT_SUCCESS);
    for (size_t i = 0; i < gpuopt_backend_table_size(); ++i) {
        const gpuopt_backend_ops *ops = gpuopt_backend_table_at(i);
        char why[256] = "";
        if (ops->device_count(0, why, sizeof why) <= 0) {
            printf("%s: no device (%s): its conformance checks did not run\n", ops->name, why);
            continue;
        }
        gpuopt_backend *b = NULL;
        gpuopt_status st = gpuopt_backend_open(&b, ops, 2);
        CHECK_MSG(st == GPUOPT_SUCCESS, "%s: open: %s", ops->name, b ? b->error : "");
        if (st == GPUOPT_SUCCESS) {
            int before = check_failed_;
            conformance(b);
            printf("%s (%s): %s\n", ops->name, b->device,
                   check_failed_ == before ? "conforms" : "FAILED");
        }
        gpuopt_backend_close(&b);
    }
    gpuopt_backend_close(&ref);
    return check_finish();
}
