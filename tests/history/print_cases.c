/* print_cases: prints the case tests/algorithm_cases.h picks for every registered algorithm, in
 * the format of algorithm_case.py ("case NAME BACKENDS --problem P --dim D --option K=V ..." or
 * "skip NAME REASON"), so that test_history_cli.sh can check that the C tests and the shell
 * tests run each algorithm alike. */
#include <stdio.h>

#include "gpuopt.h"
#include "tests/algorithm_cases.h"

static void print_backends(unsigned backends)
{
    static const struct {
        unsigned flag;
        const char *name;
    } known[] = {{GPUOPT_BACKEND_CPU, "cpu"},
                 {GPUOPT_BACKEND_OPENCL, "opencl"},
                 {GPUOPT_BACKEND_CUDA, "cuda"}};
    const char *sep = " ";
    for (size_t b = 0; b < sizeof known / sizeof known[0]; ++b)
        if (backends & known[b].flag) {
            printf("%s%s", sep, known[b].name);
            sep = ",";
        }
}

int main(void)
{
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info a;
        algorithm_case c;
        if (gpuopt_algorithm_info_at(i, &a) != GPUOPT_SUCCESS)
            return 1;
        if (!algorithm_case_for(&a, &c)) {
            printf("skip %s %s\n", a.name, c.why_none);
            continue;
        }
        printf("case %s", a.name);
        print_backends(a.backends);
        printf(" --problem %s --dim %zu", c.problem, c.dim);
        for (size_t k = 0; k < c.n_settings; ++k)
            printf(" --option %s", c.settings[k]);
        printf("\n");
    }
    return 0;
}
