/* The one registry table of algorithms. Adding an algorithm: write
 * src/algorithms/<name>.c with its descriptor, declare it in src/algorithms/<name>.h, and list
 * it here. */
#include <string.h>
#include <strings.h>

#include <stdio.h>

#include "core.h"
#include "algorithms/bfgs.h"
#include "algorithms/bhhh.h"
#include "algorithms/cmaes.h"
#include "algorithms/conjugate_gradient.h"
#include "algorithms/de.h"
#include "algorithms/dfols.h"
#include "algorithms/lbfgsb.h"
#include "algorithms/ls_dogbox.h"
#include "algorithms/ls_lm.h"
#include "algorithms/ls_trf.h"
#include "algorithms/neldermead.h"
#include "algorithms/neldermead_parallel.h"
#include "algorithms/newton_cg.h"
#include "algorithms/powell.h"
#include "algorithms/pounders.h"
#include "algorithms/pso.h"
#include "algorithms/sep_cmaes.h"
#include "algorithms/truncated_newton.h"
#include "algorithms/trust_ncg.h"
#include "algorithms/xnes.h"

static const gpuopt_algorithm *const registry[] = {
    &gpuopt_algorithm_de,
    &gpuopt_algorithm_pso,
    &gpuopt_algorithm_neldermead,
    &gpuopt_algorithm_cmaes,
    &gpuopt_algorithm_sep_cmaes,
    &gpuopt_algorithm_xnes,
    &gpuopt_algorithm_lbfgsb,
    &gpuopt_algorithm_bfgs,
    &gpuopt_algorithm_conjugate_gradient,
    &gpuopt_algorithm_powell,
    &gpuopt_algorithm_neldermead_parallel,
    &gpuopt_algorithm_bhhh,
    &gpuopt_algorithm_newton_cg,
    &gpuopt_algorithm_truncated_newton,
    &gpuopt_algorithm_trust_ncg,
    &gpuopt_algorithm_pounders,
    &gpuopt_algorithm_dfols,
    &gpuopt_algorithm_ls_lm,
    &gpuopt_algorithm_ls_trf,
    &gpuopt_algorithm_ls_dogbox,
};

size_t gpuopt_registry_size(void)
{
    return GPUOPT_COUNT(registry);
}

const gpuopt_algorithm *gpuopt_registry_at(size_t i)
{
    return i < GPUOPT_COUNT(registry) ? registry[i] : NULL;
}

static const char *preset_of(const gpuopt_algorithm *a, const char *alias)
{
    for (const gpuopt_alias_preset *p = a->presets; p && p->alias; ++p)
        if (!strcasecmp(p->alias, alias))
            return p->settings;
    return NULL;
}

const gpuopt_algorithm *gpuopt_registry_find(const char *name, const char **preset)
{
    if (preset)
        *preset = NULL;
    if (!name)
        return NULL;
    for (size_t i = 0; i < GPUOPT_COUNT(registry); ++i) {
        const gpuopt_algorithm *a = registry[i];
        if (!strcasecmp(a->name, name))
            return a;
        for (const char *const *al = a->aliases; al && *al; ++al) {
            if (!strcasecmp(*al, name)) {
                if (preset)
                    *preset = preset_of(a, *al);
                return a;
            }
        }
    }
    return NULL;
}

/* ------------------------------------------------------------- public API */

gpuopt_status gpuopt_unknown_algorithm(const char *name)
{
    const char *names[128];
    size_t n = 0;
    for (size_t i = 0; i < gpuopt_registry_size() && n < 128; ++i) {
        const gpuopt_algorithm *a = gpuopt_registry_at(i);
        names[n++] = a->name;
        for (const char *const *al = a->aliases; al && *al && n < 128; ++al)
            names[n++] = *al;
    }
    char hint[256];
    gpuopt_suggest(name, names, n, hint, sizeof hint);
    return gpuopt_set_last_error(GPUOPT_ERR_UNKNOWN_ALGORITHM,
                                 "unknown algorithm '%s'; nearest: %s (see `gpuopt algorithms`)",
                                 name, hint);
}


static void fill_info(const gpuopt_algorithm *a, gpuopt_algorithm_info *info)
{
    info->name = a->name;
    info->aliases = a->aliases;
    info->summary = a->summary;
    info->properties = a->properties;
    info->criterion_kinds = a->criterion_kinds;
    info->backends = a->backends;
    info->n_options = a->n_options + gpuopt_n_common_options;
}

size_t gpuopt_algorithm_count(void)
{
    return gpuopt_registry_size();
}

gpuopt_status gpuopt_algorithm_info_at(size_t index, gpuopt_algorithm_info *info)
{
    if (!info)
        return GPUOPT_ERR_NULL_POINTER;
    const gpuopt_algorithm *a = gpuopt_registry_at(index);
    if (!a)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    fill_info(a, info);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_algorithm_find(const char *name_or_alias, gpuopt_algorithm_info *info)
{
    if (!name_or_alias || !info)
        return GPUOPT_ERR_NULL_POINTER;
    const gpuopt_algorithm *a = gpuopt_registry_find(name_or_alias, NULL);
    if (!a)
        return gpuopt_unknown_algorithm(name_or_alias);
    fill_info(a, info);
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_algorithm_option_at(const char *algorithm, size_t index,
                                         gpuopt_option_info *info)
{
    if (!algorithm || !info)
        return GPUOPT_ERR_NULL_POINTER;
    const gpuopt_algorithm *a = gpuopt_registry_find(algorithm, NULL);
    if (!a)
        return GPUOPT_ERR_UNKNOWN_ALGORITHM;
    const gpuopt_option_spec *spec = index < a->n_options ? &a->options[index]
                                     : index < a->n_options + gpuopt_n_common_options
                                         ? &gpuopt_common_options[index - a->n_options]
                                         : NULL;
    if (!spec)
        return GPUOPT_ERR_INVALID_ARGUMENT;
    gpuopt_option_value v = {0};
    if (spec->type == GPUOPT_OPTION_INT)
        v.i = spec->default_value >= 9.2e18 ? INT64_MAX : (int64_t)spec->default_value;
    else
        v.num = spec->default_value;
    v.text = (char *)spec->default_text;
    info->key = spec->key;
    info->type = spec->type;
    info->doc = spec->doc;
    if (spec->default_text && spec->type != GPUOPT_OPTION_STRING)
        snprintf(info->default_text, sizeof info->default_text, "%s", spec->default_text);
    else
        gpuopt_option_format(spec, &v, info->default_text, sizeof info->default_text);
    gpuopt_option_allowed(spec, info->allowed, sizeof info->allowed);
    return GPUOPT_SUCCESS;
}
