/* gpuopt_bench_derivatives: the time of one finite-difference gradient (n = 10 .. 10 000) and
 * one Hessian (n = 50 .. 500) through the batched derivative engine on every backend present,
 * against the same number of criterion evaluations made one point at a time on one CPU thread
 * (the serial loop a solver without batching would run). See benchmarks/README.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpuopt.h>

#include "bench_common.h"

#define MAX_LIST 8
#define REPEATS 3

typedef struct dv_config {
    size_t grad_dims[MAX_LIST], n_grad;
    size_t hess_dims[MAX_LIST], n_hess;
    const char *backends[MAX_LIST];
    size_t n_backends;
    const char *problem;
    const char *json_path;
} dv_config;

static int parse(int argc, char **argv, dv_config *c)
{
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quick")) {
            c->n_grad = bench_parse_sizes("10,100", c->grad_dims, MAX_LIST);
            c->n_hess = bench_parse_sizes("20", c->hess_dims, MAX_LIST);
            continue;
        }
        if (!strcmp(a, "--help") || !v) {
            fputs("usage: gpuopt_bench_derivatives [--backend NAME]... [--gradient-dims LIST]\n"
                  "          [--hessian-dims LIST] [--problem NAME] [--quick] [--json PATH]\n"
                  "  defaults: every backend with a device, gradient dims 10,100,1000,10000,\n"
                  "  Hessian dims 50,200,500, problem rosenbrock\n",
                  v || !strcmp(a, "--help") ? stdout : stderr);
            return !strcmp(a, "--help") ? 1 : 2;
        }
        ++i;
        if (!strcmp(a, "--backend") && c->n_backends < MAX_LIST)
            c->backends[c->n_backends++] = v;
        else if (!strcmp(a, "--gradient-dims"))
            c->n_grad = bench_parse_sizes(v, c->grad_dims, MAX_LIST);
        else if (!strcmp(a, "--hessian-dims"))
            c->n_hess = bench_parse_sizes(v, c->hess_dims, MAX_LIST);
        else if (!strcmp(a, "--problem"))
            c->problem = v;
        else if (!strcmp(a, "--json"))
            c->json_path = v;
        else
            return fprintf(stderr, "gpuopt_bench_derivatives: unknown flag %s\n", a), 2;
    }
    return 0;
}

/* The best of REPEATS timed calls, after one untimed call (allocations, kernel builds). */
static double time_derivative(gpuopt_derivative *d, gpuopt_problem *p, const double *x,
                              double *out, int hessian, gpuopt_status *st)
{
    double best = INFINITY;
    for (int r = 0; r <= REPEATS; ++r) {
        double t0 = bench_now();
        *st = hessian ? gpuopt_derivative_hessian(d, p, x, out)
                      : gpuopt_derivative_gradient(d, p, x, out);
        double dt = bench_now() - t0;
        if (*st != GPUOPT_SUCCESS)
            return NAN;
        if (r > 0 && dt < best)
            best = dt;
    }
    return best;
}

/* k criterion evaluations one point at a time on the host (the problem's own code). */
static double time_serial(gpuopt_problem *p, const double *x, int64_t k)
{
    volatile double sink = 0;
    double f, t0 = bench_now();
    for (int64_t i = 0; i < k; ++i) {
        gpuopt_problem_evaluate(p, x, 1, &f);
        sink += f;
    }
    (void)sink;
    return bench_now() - t0;
}

static int bench_one(FILE *json, int *first, gpuopt_context *ctx, const char *backend,
                     const dv_config *c, size_t n, int hessian)
{
    gpuopt_problem *p = NULL;
    gpuopt_derivative *d = NULL;
    double *x = malloc(n * sizeof *x), *out = malloc((hessian ? n * n : n) * sizeof *out);
    gpuopt_status st = gpuopt_problem_create_builtin(&p, c->problem, n);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_derivative_create(&d, ctx);
    double t = NAN, serial = NAN;
    int64_t evals = 0;
    if (st == GPUOPT_SUCCESS && x && out) {
        gpuopt_problem_get_start(p, x);
        t = time_derivative(d, p, x, out, hessian, &st);
        evals = gpuopt_derivative_n_evaluations(d);
        if (st == GPUOPT_SUCCESS)
            serial = time_serial(p, x, evals);
    }
    const char *what = hessian ? "hessian" : "gradient";
    if (st != GPUOPT_SUCCESS)
        printf("%-7s %-9s %6zu  FAILED: %s\n", backend, what, n,
               d ? gpuopt_derivative_errmsg(d) : gpuopt_last_error());
    else
        printf("%-7s %-9s %6zu %10lld %12.4g %12.4g %9.3g\n", backend, what, n, (long long)evals,
               t * 1e3, serial * 1e3, serial / t);
    fflush(stdout);
    if (json)
        fprintf(json, "%s  {\"backend\": \"%s\", \"kind\": \"%s\", \"dim\": %zu, "
                      "\"evaluations\": %lld, \"seconds\": %.6g, \"serial_seconds\": %.6g, "
                      "\"failed\": %s}",
                *first ? "" : ",\n", backend, what, n, (long long)evals,
                isfinite(t) ? t : -1.0, isfinite(serial) ? serial : -1.0,
                st == GPUOPT_SUCCESS ? "false" : "true");
    *first = 0;
    gpuopt_derivative_destroy(&d);
    gpuopt_problem_destroy(&p);
    free(x);
    free(out);
    return st == GPUOPT_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    dv_config c = {.problem = "rosenbrock"};
    c.n_grad = bench_parse_sizes("10,100,1000,10000", c.grad_dims, MAX_LIST);
    c.n_hess = bench_parse_sizes("50,200,500", c.hess_dims, MAX_LIST);
    int rc = parse(argc, argv, &c);
    if (rc)
        return rc == 1 ? 0 : rc;
    bench_default_backends(c.backends, &c.n_backends, MAX_LIST);
    FILE *json = c.json_path ? fopen(c.json_path, "w") : NULL;
    if (json)
        fprintf(json, "{\"benchmark\": \"derivatives\", \"problem\": \"%s\", \"rows\": [\n",
                c.problem);
    int failed = 0, first = 1;
    printf("%-7s %-9s %6s %10s %12s %12s %9s\n", "backend", "kind", "n", "points", "batched ms",
           "serial ms", "speed-up");
    for (size_t b = 0; b < c.n_backends; ++b) {
        gpuopt_context *ctx = NULL;
        if (gpuopt_context_create(&ctx, c.backends[b]) != GPUOPT_SUCCESS) {
            fprintf(stderr, "gpuopt_bench_derivatives: %s\n", gpuopt_last_error());
            failed = 1;
            continue;
        }
        for (size_t i = 0; i < c.n_grad; ++i)
            failed |= bench_one(json, &first, ctx, c.backends[b], &c, c.grad_dims[i], 0);
        for (size_t i = 0; i < c.n_hess; ++i)
            failed |= bench_one(json, &first, ctx, c.backends[b], &c, c.hess_dims[i], 1);
        gpuopt_context_destroy(&ctx);
    }
    if (json) {
        fprintf(json, "\n]}\n");
        fclose(json);
    }
    return failed;
}
