/* Uses an installed gpuopt: lists what the library offers and minimizes a built-in problem. */
#include <stdio.h>

#include <gpuopt.h>

int main(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *problem = NULL;
    gpuopt_optimizer *opt = NULL;
    gpuopt_result *res = NULL;
    printf("gpuopt %s: %zu algorithms, %zu built-in problems, %zu backends\n", gpuopt_version(),
           gpuopt_algorithm_count(), gpuopt_problem_count(), gpuopt_backend_count());
    gpuopt_status st = gpuopt_context_create(&ctx, "cpu");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_problem_create_builtin(&problem, "sphere", 3);
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_optimizer_create(&opt, ctx, "neldermead");
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_minimize(opt, problem, &res);
    if (st >= 0)
        printf("sphere(3) with neldermead: f = %.3g (%s)\n", gpuopt_result_fun(res),
               gpuopt_status_name(st));
    else
        fprintf(stderr, "consumer: %s\n", gpuopt_status_text(st));
    gpuopt_result_destroy(&res);
    gpuopt_optimizer_destroy(&opt);
    gpuopt_problem_destroy(&problem);
    gpuopt_context_destroy(&ctx);
    return st < 0;
}
