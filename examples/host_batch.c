/* gpuopt_host_batch: a criterion evaluated by a host function, one call per batch, while the
 * population lives on the backend: on OpenCL or CUDA only each batch of points crosses to the
 * host and its values cross back (mutation, crossover, selection, aggregation stay on the
 * device). The callback here is Rosenbrock's function, evaluated on the host's threads.
 * Usage: gpuopt_host_batch [BACKEND] [DIM]   (default: auto 6) */
#include <stdio.h>
#include <stdlib.h>

#include "gpuopt.h"

typedef struct batch_stats {
    size_t calls, points; /* only touched from the one thread that calls a batch */
} batch_stats;

/* n rows of dim values; the library passes dim through the problem, here in user data. */
typedef struct rosenbrock {
    size_t dim;
    batch_stats stats;
} rosenbrock;

static int rosenbrock_batch(const double *X, size_t n, double *out, void *user)
{
    rosenbrock *r = user;
    r->stats.calls++;
    r->stats.points += n;
    for (size_t i = 0; i < n; ++i) {
        const double *x = X + i * r->dim;
        double s = 0.0;
        for (size_t k = 0; k + 1 < r->dim; ++k) {
            double a = x[k + 1] - x[k] * x[k], b = 1.0 - x[k];
            s += 100.0 * a * a + b * b;
        }
        out[i] = s;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "auto";
    size_t dim = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 6;
    rosenbrock user = {.dim = dim};
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *r = NULL;
    gpuopt_status st = gpuopt_context_create(&ctx, backend);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_create_builtin(&p, "rosenbrock", dim); /* its bounds and start */
    /* not GPUOPT_CALLBACK_THREAD_SAFE: the counters above are not atomic */
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_set_batch_criterion(p, GPUOPT_CRITERION_SCALAR, 1, rosenbrock_batch,
                                                &user, 0);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_create(&opt, ctx, "pso");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_set_option(opt, "stopping.max_iterations=2000");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_minimize(opt, p, &r);
    if (st <= 0) {
        fprintf(stderr, "gpuopt_host_batch: %s (%s)\n", gpuopt_status_text(st),
                opt ? gpuopt_optimizer_errmsg(opt) : gpuopt_last_error());
    } else {
        printf("backend      %s: %s\n", gpuopt_result_backend(r), gpuopt_context_device(ctx));
        printf("fun          %.6g at x[0] = %.6g\n", gpuopt_result_fun(r), gpuopt_result_x(r)[0]);
        printf("batches      %zu calls, %zu points (%.1f per call)\n", user.stats.calls,
               user.stats.points, (double)user.stats.points / (double)user.stats.calls);
        printf("stop reason  %s\n", gpuopt_status_name(st));
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
    return st > 0 ? 0 : 1;
}
