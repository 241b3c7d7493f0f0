#include <stdio.h>
#include <gpuopt.h>

/* f(x) = (x0 - 1)^2 + 10 (x1 + 2)^2, smallest at x = (1, -2). */
static int criterion(const double *x, size_t dim, double *f, void *user)
{
    (void)dim, (void)user;
    f[0] = (x[0] - 1) * (x[0] - 1) + 10 * (x[1] + 2) * (x[1] + 2);
    return 0;
}

int main(void)
{
    gpuopt_context *ctx;
    gpuopt_problem *problem;
    gpuopt_optimizer *opt;
    gpuopt_result *res = NULL;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_problem_create(&problem, 2); /* 2 parameters, start point (0, 0) */
    gpuopt_problem_set_point_criterion(problem, GPUOPT_CRITERION_SCALAR, 1, criterion, NULL, 0);
    gpuopt_optimizer_create(&opt, ctx, "neldermead");
    gpuopt_status stop = gpuopt_minimize(opt, problem, &res); /* > 0: why it stopped, < 0: error */
    if (stop >= 0)
        printf("x = (%.4f, %.4f), f = %.2g: %s\n", gpuopt_result_x(res)[0],
               gpuopt_result_x(res)[1], gpuopt_result_fun(res), gpuopt_status_text(stop));
    else
        fprintf(stderr, "error: %s\n", gpuopt_optimizer_errmsg(opt));
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&problem);
    gpuopt_context_destroy(&ctx);
    return stop < 0;
}
