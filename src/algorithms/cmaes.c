/* CMA-ES with a full covariance matrix: the descriptor. The algorithm is shared with sep_cmaes
 * (cmaes_core.c). See docs/algorithms/cmaes.md. */
#include "cmaes.h"

#include "cmaes_core.h"

static gpuopt_status cmaes_init(gpuopt_run *run)
{
    return gpuopt_cmaes_init(run, 0);
}

static const char *const cmaes_aliases[] = {"pygmo_cmaes", NULL};

/* estimagic's pygmo_cmaes defaults; pagmo has no active CMA, and estimagic forces the bounds. */
static const gpuopt_alias_preset cmaes_presets[] = {
    {"pygmo_cmaes", "default_population_size=estimagic;stopping.max_iterations=250;"
                    "initial_step_size=0.5;ftol=1e-6;xtol=1e-6;active=false;"
                    "bounds_handling=projection"},
    {NULL, NULL},
};

const gpuopt_algorithm gpuopt_algorithm_cmaes = {
    .name = "cmaes",
    .aliases = cmaes_aliases,
    .presets = cmaes_presets,
    .summary = "CMA-ES (Hansen's tutorial): weighted recombination, cumulative step-size "
               "adaptation, rank-one and rank-mu covariance updates, active CMA, IPOP/BIPOP "
               "restarts; matrix products and the eigendecomposition run as BLAS/LAPACK calls.",
    .doc = "The standard CMA-ES of Hansen's tutorial (arXiv:1604.00772) with its default "
           "strategy parameters, active CMA (negative weights), lazy eigendecomposition, pycma's "
           "stopping rules (tolfun, tolx, stagnation, condition number, no-effect axis and "
           "coordinate, flat fitness), projection or BoundPenalty bounds handling, and IPOP or "
           "BIPOP restarts. pygmo_cmaes presets estimagic's defaults (lambda = max(2n, 64), "
           "sigma0 = 0.5 box widths, 250 generations, ftol = xtol = 1e-6, no active CMA). Full "
           "covariance up to dimension 20000; use sep_cmaes beyond. See docs/algorithms/cmaes.md.",
    .properties = GPUOPT_PROP_GLOBAL | GPUOPT_PROP_DERIVATIVE_FREE | GPUOPT_PROP_SUPPORTS_BOUNDS,
    .criterion_kinds =
        GPUOPT_CRITERION_SCALAR | GPUOPT_CRITERION_LEAST_SQUARES | GPUOPT_CRITERION_LIKELIHOOD,
    .backends = GPUOPT_BACKEND_CPU | GPUOPT_BACKEND_OPENCL | GPUOPT_BACKEND_CUDA,
    .options = gpuopt_cmaes_options,
    .n_options = GPUOPT_CMAES_N_OPTIONS,
    .report_keys = gpuopt_cmaes_report_keys,
    .state_size = sizeof(gpuopt_cmaes_state),
    .init = cmaes_init,
    .ask = gpuopt_cmaes_ask,
    .tell = gpuopt_cmaes_tell,
};
