/* Separable CMA-ES (Ros & Hansen 2008): a diagonal covariance matrix, so sampling and updates
 * cost O(lambda n) and memory O(lambda n); pycma's separable learning rates. The algorithm is
 * shared with cmaes (cmaes_core.c). See docs/algorithms/cmaes.md. */
#include "sep_cmaes.h"

#include "cmaes_core.h"

static gpuopt_status sep_cmaes_init(gpuopt_run *run)
{
    return gpuopt_cmaes_init(run, 1);
}

static const char *const sep_cmaes_aliases[] = {NULL};

const gpuopt_algorithm gpuopt_algorithm_sep_cmaes = {
    .name = "sep_cmaes",
    .aliases = sep_cmaes_aliases,
    .presets = NULL,
    .summary = "Separable CMA-ES: diagonal covariance, linear time and memory in the dimension "
               "(large dimensions, 10 000 and more); options and restarts as cmaes.",
    .doc = "CMA-ES restricted to a diagonal covariance matrix (Ros & Hansen 2008) with pycma's "
           "separable learning rates c1, c_mu, c_c; no eigendecomposition. Same options, "
           "stopping rules, bounds handling and restarts as cmaes. Fast on separable and "
           "axis-aligned problems, slow on rotated ones. See docs/algorithms/cmaes.md.",
    .properties = GPUOPT_PROP_GLOBAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds =
        GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES | GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = gpuopt_cmaes_options,
    .n_options = GPUOPT_CMAES_N_OPTIONS,
    .report_keys = gpuopt_cmaes_report_keys,
    .state_size = sizeof(gpuopt_cmaes_state),
    .init = sep_cmaes_init,
    .ask = gpuopt_cmaes_ask,
    .tell = gpuopt_cmaes_tell,
};
