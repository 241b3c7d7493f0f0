/* Command-line options of gpuopt_bench_population. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char usage[] =
    "usage: gpuopt_bench_population [options]\n"
    "\n"
    "Times DE and PSO (generational) generations on built-in problems, on every compiled-in\n"
    "backend with a device, over a grid of population x dimension; prints a table.\n"
    "\n"
    "  --backend NAME       run only this backend (repeatable): cpu, opencl, cuda\n"
    "  --algorithms LIST    comma-separated, from de,pso (default: de,pso)\n"
    "  --problems LIST      built-in problems (default: sphere,rastrigin)\n"
    "  --populations LIST   population sizes (default: 1024,16384,262144,1048576)\n"
    "  --dimensions LIST    dimensions (default: 10,100,1000)\n"
    "  --generations N      generations of each timed run, N >= 2 (default: auto, chosen\n"
    "                       from the probe so that generations 2..N take about 2 s)\n"
    "  --row-budget SECONDS skip rows estimated to take longer (default: 20)\n"
    "  --threads N          CPU backend threads, 0 = all cores (default: the library's)\n"
    "  --seed N             context seed (default: 1)\n"
    "  --quick              tiny grid: populations 1024,4096 x dimensions 10,100,\n"
    "                       5 generations (unless --generations is given)\n"
    "  --json PATH          also write the results as JSON to PATH\n"
    "  --help               this text\n"
    "\n"
    "Exit status: 0 when every row ran or was skipped, 1 when a row failed, 2 on bad input.\n";

static int bad(const char *what, const char *value)
{
    fprintf(stderr, "gpuopt_bench_population: %s: '%s' (see --help)\n", what, value);
    return 2;
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || v == 0 || text[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

static int add_name(bench_names *names, const char *name)
{
    if (names->n == BENCH_MAX_LIST || strlen(name) >= BENCH_NAME_LEN || !*name)
        return -1;
    strcpy(names->item[names->n++], name);
    return 0;
}

static int parse_names(const char *text, bench_names *names)
{
    char buf[BENCH_MAX_LIST * BENCH_NAME_LEN];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    names->n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (add_name(names, tok))
            return -1;
    return names->n ? 0 : -1;
}

static int parse_sizes(const char *text, bench_sizes *sizes)
{
    bench_names names;
    if (parse_names(text, &names))
        return -1;
    sizes->n = names.n;
    for (size_t i = 0; i < names.n; ++i)
        if (parse_size(names.item[i], &sizes->item[i]))
            return -1;
    return 0;
}

/* DE and PSO by name or alias, stored under their canonical names. */
static int check_algorithms(bench_names *names)
{
    for (size_t i = 0; i < names->n; ++i) {
        gpuopt_algorithm_info info;
        if (gpuopt_algorithm_find(names->item[i], &info) != GPUOPT_SUCCESS ||
            (strcmp(info.name, "de") && strcmp(info.name, "pso")))
            return bad("--algorithms takes de and pso", names->item[i]);
        strcpy(names->item[i], info.name);
    }
    return 0;
}

static int check_problems(const bench_names *names)
{
    for (size_t i = 0; i < names->n; ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_find(names->item[i]);
        if (!info)
            return bad("unknown built-in problem (gpuopt problems lists them)", names->item[i]);
        if (info->fixed_dim)
            return bad("the problem has a fixed dimension", names->item[i]);
    }
    return 0;
}

static void set_defaults(bench_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    parse_names("de,pso", &cfg->algorithms);
    parse_names("sphere,rastrigin", &cfg->problems);
    parse_sizes("1024,16384,262144,1048576", &cfg->populations);
    parse_sizes("10,100,1000", &cfg->dimensions);
    cfg->row_budget_s = 20;
    cfg->threads = -1;
    cfg->seed = 1;
}

typedef struct flag_seen {
    int populations, dimensions;
} flag_seen;

/* A whole number >= lo (and within int range), or -1. */
static int parse_int(const char *text, long long lo, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > INT32_MAX)
        return -1;
    *out = v;
    return 0;
}

static int parse_numbers(bench_config *cfg, const char *flag, const char *value)
{
    long long v;
    char *end;
    if (!strcmp(flag, "--generations")) {
        if (parse_int(value, 2, &v))
            return bad("--generations takes an integer >= 2", value);
        cfg->generations = v;
    } else if (!strcmp(flag, "--threads")) {
        if (parse_int(value, 0, &v))
            return bad("--threads takes an integer >= 0", value);
        cfg->threads = (int)v;
    } else if (!strcmp(flag, "--seed")) {
        if (parse_int(value, 0, &v))
            return bad("--seed takes an integer >= 0", value);
        cfg->seed = (uint64_t)v;
    } else if (!strcmp(flag, "--row-budget")) {
        cfg->row_budget_s = strtod(value, &end);
        if (end == value || *end || !(cfg->row_budget_s > 0) || cfg->row_budget_s > 1e9)
            return bad("--row-budget takes a number of seconds > 0", value);
    } else {
        return bad("unknown option", flag);
    }
    return 0;
}

/* One option with a value; returns 0, or 2 on bad input. */
static int parse_valued(bench_config *cfg, const char *flag, const char *value, flag_seen *seen)
{
    int bad_value = 0;
    if (!strcmp(flag, "--backend"))
        bad_value = add_name(&cfg->backends, value);
    else if (!strcmp(flag, "--algorithms"))
        bad_value = parse_names(value, &cfg->algorithms);
    else if (!strcmp(flag, "--problems"))
        bad_value = parse_names(value, &cfg->problems);
    else if (!strcmp(flag, "--populations")) {
        bad_value = parse_sizes(value, &cfg->populations);
        seen->populations = 1;
    } else if (!strcmp(flag, "--dimensions")) {
        bad_value = parse_sizes(value, &cfg->dimensions);
        seen->dimensions = 1;
    } else if (!strcmp(flag, "--json"))
        cfg->json_path = value;
    else
        return parse_numbers(cfg, flag, value);
    return bad_value ? bad(flag, value) : 0;
}

static void apply_quick(bench_config *cfg, const flag_seen *seen)
{
    if (!seen->populations)
        parse_sizes("1024,4096", &cfg->populations);
    if (!seen->dimensions)
        parse_sizes("10,100", &cfg->dimensions);
    if (!cfg->generations)
        cfg->generations = 5;
}

int bench_parse_options(int argc, char **argv, bench_config *cfg)
{
    set_defaults(cfg);
    flag_seen seen = {0, 0};
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 1;
        }
        if (!strcmp(argv[i], "--quick")) {
            cfg->quick = 1;
            continue;
        }
        if (strncmp(argv[i], "--", 2) || i + 1 == argc)
            return bad(i + 1 == argc ? "option needs a value" : "unexpected argument", argv[i]);
        int st = parse_valued(cfg, argv[i], argv[i + 1], &seen);
        if (st)
            return st;
        ++i;
    }
    if (cfg->quick)
        apply_quick(cfg, &seen);
    return check_algorithms(&cfg->algorithms) ? 2 : check_problems(&cfg->problems) ? 2 : 0;
}
