/* For any registered algorithm, a problem, dimension and option settings under which it runs a
 * long, deterministic stretch of iterations: the tests that loop over every algorithm use it, so
 * that an algorithm added later is tested without edits. The choice follows the algorithm's
 * properties (gpuopt_algorithm_info) and option table:
 *   - an algorithm that takes no scalar criterion: the first built-in problem of a criterion kind
 *     it takes (`logit` for likelihood), at the problem's fixed dimension;
 *   - global: rastrigin, dimension 6 (many local minima);
 *   - local and gradient-based: rosenbrock, dimension 20 from its default start (GENROSE's
 *     i/(n+1)), a long curved valley: about 50 to 400 iterations, Newton-type solvers included;
 *   - local and derivative-free: zakharov, dimension 20 (from rosenbrock's start, Powell's
 *     bounded method stalls after 6 iterations, as scipy's does); all three problems are
 *     bounded, so the algorithms that need bounds run on them too;
 *   - every `convergence.*` option whose range includes 0 is set to 0, so runs last;
 *   - an algorithm that does not support bounds but has the option `ignore_bounds` gets
 *     `ignore_bounds=true` (the built-in problems are bounded).
 * tests/history/algorithm_case.py makes the same choice for the shell tests (test_history_cli.sh
 * checks that both agree, through tests/history/print_cases.c). */
#ifndef GPUOPT_TESTS_ALGORITHM_CASES_H
#define GPUOPT_TESTS_ALGORITHM_CASES_H

#include <stdio.h>
#include <string.h>

#include "gpuopt.h"

#define CASE_GLOBAL_PROBLEM "rastrigin"
#define CASE_GLOBAL_DIM 6
#define CASE_LOCAL_PROBLEM "rosenbrock"
#define CASE_LOCAL_DIM 20
#define CASE_DFO_PROBLEM "zakharov"
#define CASE_DFO_DIM 20
#define CASE_MAX_SETTINGS 16

typedef struct algorithm_case {
    const char *algorithm;
    const char *problem;
    size_t dim;
    size_t n_settings;
    char settings[CASE_MAX_SETTINGS][96]; /* "key=value" */
    char why_none[200];                   /* when there is no case: the reason */
} algorithm_case;

static inline int case_has_option(const char *algorithm, size_t n_options, const char *key,
                           gpuopt_option_info *out)
{
    for (size_t k = 0; k < n_options; ++k)
        if (gpuopt_algorithm_option_at(algorithm, k, out) == GPUOPT_SUCCESS &&
            strcmp(out->key, key) == 0)
            return 1;
    return 0;
}

static inline void case_add(algorithm_case *c, const char *key, const char *value)
{
    if (c->n_settings < CASE_MAX_SETTINGS)
        snprintf(c->settings[c->n_settings++], sizeof c->settings[0], "%s=%s", key, value);
}

/* A problem of a criterion kind the algorithm takes; 0 (reason in why_none) when none. */
static inline int case_pick_problem(const gpuopt_algorithm_info *a, algorithm_case *c)
{
    if (a->criterion_kinds & GPUOPT_CRITERION_SCALAR) {
        int global = (a->properties & GPUOPT_PROP_GLOBAL) != 0;
        int gradient = (a->properties & GPUOPT_PROP_USES_GRADIENT) != 0;
        c->problem = global ? CASE_GLOBAL_PROBLEM : gradient ? CASE_LOCAL_PROBLEM : CASE_DFO_PROBLEM;
        c->dim = global ? CASE_GLOBAL_DIM : gradient ? CASE_LOCAL_DIM : CASE_DFO_DIM;
        return 1;
    }
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *p = gpuopt_problem_info_at(i);
        if (p && (p->kind & a->criterion_kinds)) {
            c->problem = p->name;
            c->dim = p->fixed_dim ? p->fixed_dim : CASE_LOCAL_DIM;
            return 1;
        }
    }
    snprintf(c->why_none, sizeof c->why_none,
             "no built-in problem has a criterion kind that %s takes (kinds %u)", a->name,
             a->criterion_kinds);
    return 0;
}

static inline void case_pick_settings(const gpuopt_algorithm_info *a, algorithm_case *c)
{
    gpuopt_option_info o;
    for (size_t k = 0; k < a->n_options; ++k)
        if (gpuopt_algorithm_option_at(a->name, k, &o) == GPUOPT_SUCCESS &&
            strncmp(o.key, "convergence.", 12) == 0 && strstr(o.allowed, "[0,"))
            case_add(c, o.key, "0");
    if (!(a->properties & GPUOPT_PROP_SUPPORTS_BOUNDS) &&
        case_has_option(a->name, a->n_options, "ignore_bounds", &o))
        case_add(c, "ignore_bounds", "true");
}

/* The case of algorithm `a`: 1, or 0 with the reason in c->why_none. */
static inline int algorithm_case_for(const gpuopt_algorithm_info *a, algorithm_case *c)
{
    memset(c, 0, sizeof *c);
    c->algorithm = a->name;
    if (!case_pick_problem(a, c))
        return 0;
    case_pick_settings(a, c);
    return 1;
}

/* Applies the case's settings to an optimizer of its algorithm. */
static inline gpuopt_status algorithm_case_apply(const algorithm_case *c, gpuopt_optimizer *o)
{
    for (size_t i = 0; i < c->n_settings; ++i) {
        gpuopt_status st = gpuopt_optimizer_set_option(o, c->settings[i]);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

/* The case's settings as one line ("key=value key=value"), for messages. */
static inline const char *algorithm_case_text(const algorithm_case *c)
{
    static char text[CASE_MAX_SETTINGS * 100];
    int n = snprintf(text, sizeof text, "%s dim %zu", c->problem, c->dim);
    for (size_t i = 0; i < c->n_settings && n > 0 && (size_t)n < sizeof text; ++i)
        n += snprintf(text + n, sizeof text - (size_t)n, " %s", c->settings[i]);
    return text;
}

/* Says on stdout that `what` is not checked for the algorithm, and why (never silently). */
static inline void algorithm_case_skip(const char *algorithm, const char *what, const char *why)
{
    printf("SKIPPED for %s: %s (%s)\n", algorithm, what, why);
}

#endif /* GPUOPT_TESTS_ALGORITHM_CASES_H */
