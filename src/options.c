/* Options: string keys backed by the algorithm's table of {key, type, default, range, doc}. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

const gpuopt_option_spec gpuopt_common_options[] = {
    {"error_handling", GPUOPT_OPTION_CHOICE, 1, NULL, 0, 0, "raise|continue", 0,
     "What to do when the criterion returns NaN or Inf: raise stops the run with a status naming "
     "the point; continue replaces the value by a penalty and goes on."},
    {"error_penalty.constant", GPUOPT_OPTION_DOUBLE, 1e10, NULL, -DBL_MAX, DBL_MAX, NULL, 0,
     "With error_handling=continue, a non-finite value becomes constant + slope * ||x - x0||."},
    {"error_penalty.slope", GPUOPT_OPTION_DOUBLE, 0.1, NULL, 0, DBL_MAX, NULL, 0,
     "Slope of the penalty in the distance from the start point (see error_penalty.constant)."},
    {"stopping.max_seconds", GPUOPT_OPTION_DOUBLE, INFINITY, "unlimited", 0, INFINITY, NULL,
     GPUOPT_OPT_MIN_EXCLUSIVE, "Stop after this many seconds of wall time (not convergence)."},
};
const size_t gpuopt_n_common_options = GPUOPT_COUNT(gpuopt_common_options);

/* ------------------------------------------------------------ suggestions */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 128 || lb > 128)
        return la > lb ? la : lb;
    size_t row[129];
    for (size_t j = 0; j <= lb; ++j)
        row[j] = j;
    for (size_t i = 1; i <= la; ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; ++j) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Distance, with a bonus for a candidate whose last dotted part contains the word. */
static size_t suggestion_score(const char *word, const char *candidate)
{
    size_t d = edit_distance(word, candidate);
    const char *tail = strrchr(candidate, '.');
    tail = tail ? tail + 1 : candidate;
    size_t dt = edit_distance(word, tail);
    if (dt < d)
        d = dt;
    if (*word && strstr(candidate, word))
        d = d > 2 ? 1 : d / 2;
    return d;
}

void gpuopt_suggest(const char *word, const char *const *candidates, size_t n, char *out, size_t len)
{
    size_t best[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, score[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    for (size_t i = 0; i < n; ++i) {
        size_t s = suggestion_score(word, candidates[i]);
        for (int k = 0; k < 3; ++k) {
            if (s < score[k]) {
                for (int m = 2; m > k; --m) {
                    score[m] = score[m - 1];
                    best[m] = best[m - 1];
                }
                score[k] = s;
                best[k] = i;
                break;
            }
        }
    }
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < 3 && best[k] != SIZE_MAX; ++k) {
        int w = snprintf(out + used, len - used, "%s'%s'", k ? ", " : "", candidates[best[k]]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

/* ----------------------------------------------------------- table access */

const gpuopt_option_spec *gpuopt_options_find(const gpuopt_option_spec *specs, size_t n,
                                              const char *key, size_t *index)
{
    for (size_t i = 0; i < n; ++i) {
        if (strcmp(specs[i].key, key) == 0) {
            if (index)
                *index = i;
            return &specs[i];
        }
    }
    return NULL;
}

static gpuopt_status unknown_key(gpuopt_optimizer *opt, const char *key)
{
    const char *names[256];
    size_t n = opt->n_specs < 256 ? opt->n_specs : 256;
    for (size_t i = 0; i < n; ++i)
        names[i] = opt->specs[i].key;
    char hint[512];
    gpuopt_suggest(key, names, n, hint, sizeof hint);
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_UNKNOWN_OPTION,
                            "unknown option '%s' for algorithm '%s'; nearest valid keys: %s", key,
                            opt->algorithm->name, hint);
}

static const gpuopt_option_spec *lookup(gpuopt_optimizer *opt, const char *key, size_t *index)
{
    const gpuopt_option_spec *spec = gpuopt_options_find(opt->specs, opt->n_specs, key, index);
    if (!spec)
        unknown_key(opt, key);
    return spec;
}

/* ------------------------------------------------------------- formatting */

static void format_double(double v, char *buf, size_t len)
{
    if (isinf(v)) {
        snprintf(buf, len, "%sinf", v < 0 ? "-" : "");
        return;
    }
    snprintf(buf, len, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, len, "%.17g", v);
}

static int choice_at(const char *choices, int code, char *buf, size_t len)
{
    const char *p = choices;
    for (int k = 1; p; ++k) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (k == code) {
            snprintf(buf, len, "%.*s", (int)n, p);
            return 1;
        }
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int choice_count(const char *choices)
{
    int n = 1;
    for (const char *p = choices; *p; ++p)
        n += *p == '|';
    return n;
}

static int is_auto_value(const gpuopt_option_spec *spec, double v)
{
    return ((spec->flags & GPUOPT_OPT_ZERO_IS_AUTO) && v == 0) ||
           ((spec->flags & GPUOPT_OPT_NEG_IS_AUTO) && v == -1);
}

void gpuopt_option_format(const gpuopt_option_spec *spec, const gpuopt_option_value *v, char *buf,
                          size_t len)
{
    switch (spec->type) {
    case GPUOPT_OPTION_DOUBLE:
        if (is_auto_value(spec, v->num))
            snprintf(buf, len, "auto");
        else
            format_double(v->num, buf, len);
        break;
    case GPUOPT_OPTION_INT:
        if (is_auto_value(spec, (double)v->i))
            snprintf(buf, len, "auto");
        else if (v->i == INT64_MAX)
            snprintf(buf, len, "unlimited");
        else
            snprintf(buf, len, "%lld", (long long)v->i);
        break;
    case GPUOPT_OPTION_BOOL:
        snprintf(buf, len, "%s", v->num != 0 ? "true" : "false");
        break;
    case GPUOPT_OPTION_CHOICE:
        if (!choice_at(spec->choices, (int)v->num, buf, len))
            snprintf(buf, len, "%d", (int)v->num);
        break;
    case GPUOPT_OPTION_STRING:
        snprintf(buf, len, "%s", v->text ? v->text : "");
        break;
    }
}

static void format_bound(double v, int is_int, char *buf, size_t len)
{
    if (is_int && v >= (double)INT64_MAX)
        snprintf(buf, len, "unlimited");
    else if (v >= DBL_MAX)
        snprintf(buf, len, "inf");
    else if (v <= -DBL_MAX)
        snprintf(buf, len, "-inf");
    else
        format_double(v, buf, len);
}

void gpuopt_option_allowed(const gpuopt_option_spec *spec, char *buf, size_t len)
{
    char lo[64], hi[64];
    int is_int = spec->type == GPUOPT_OPTION_INT;
    switch (spec->type) {
    case GPUOPT_OPTION_DOUBLE:
    case GPUOPT_OPTION_INT:
        format_bound(spec->min, is_int, lo, sizeof lo);
        format_bound(spec->max, is_int, hi, sizeof hi);
        snprintf(buf, len, "%s%s in %c%s, %s%c%s", is_int ? "an integer" : "a number",
                 "", (spec->flags & GPUOPT_OPT_MIN_EXCLUSIVE) ? '(' : '[', lo, hi,
                 (spec->flags & GPUOPT_OPT_MAX_EXCLUSIVE) ? ')' : ']',
                 (spec->flags & GPUOPT_OPT_ZERO_IS_AUTO)  ? ", or 0/auto"
                 : (spec->flags & GPUOPT_OPT_NEG_IS_AUTO) ? ", or -1/auto"
                                                          : "");
        break;
    case GPUOPT_OPTION_BOOL:
        snprintf(buf, len, "true|false");
        break;
    case GPUOPT_OPTION_CHOICE:
        snprintf(buf, len, "%s (or their codes 1-%d)", spec->choices, choice_count(spec->choices));
        break;
    case GPUOPT_OPTION_STRING:
        snprintf(buf, len, "text");
        break;
    }
}

/* ------------------------------------------------------------- validation */

static gpuopt_status range_error(gpuopt_optimizer *opt, const gpuopt_option_spec *spec,
                                 const char *got)
{
    char allowed[512];
    gpuopt_option_allowed(spec, allowed, sizeof allowed);
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OPTION_RANGE,
                            "option '%s' must be %s; got %s", spec->key, allowed, got);
}

static gpuopt_status type_error(gpuopt_optimizer *opt, const gpuopt_option_spec *spec,
                                const char *got)
{
    char allowed[512];
    gpuopt_option_allowed(spec, allowed, sizeof allowed);
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OPTION_TYPE,
                            "option '%s' must be %s; got %s", spec->key, allowed, got);
}

static int in_range(const gpuopt_option_spec *spec, double v)
{
    if (isnan(v))
        return 0;
    if (is_auto_value(spec, v))
        return 1;
    int lo_ok = (spec->flags & GPUOPT_OPT_MIN_EXCLUSIVE) ? v > spec->min : v >= spec->min;
    int hi_ok = (spec->flags & GPUOPT_OPT_MAX_EXCLUSIVE) ? v < spec->max : v <= spec->max;
    return lo_ok && hi_ok;
}

static gpuopt_status store_double(gpuopt_optimizer *opt, size_t i, double v)
{
    const gpuopt_option_spec *spec = &opt->specs[i];
    char got[64];
    format_double(v, got, sizeof got);
    if (!in_range(spec, v))
        return range_error(opt, spec, got);
    opt->values[i].num = v;
    return GPUOPT_SUCCESS;
}

static gpuopt_status store_int(gpuopt_optimizer *opt, size_t i, int64_t v)
{
    const gpuopt_option_spec *spec = &opt->specs[i];
    char got[64];
    snprintf(got, sizeof got, "%lld", (long long)v);
    if (!in_range(spec, (double)v))
        return range_error(opt, spec, got);
    opt->values[i].i = v;
    return GPUOPT_SUCCESS;
}

static gpuopt_status store_choice(gpuopt_optimizer *opt, size_t i, int64_t code)
{
    const gpuopt_option_spec *spec = &opt->specs[i];
    if (code < 1 || code > choice_count(spec->choices)) {
        char got[64];
        snprintf(got, sizeof got, "%lld", (long long)code);
        return range_error(opt, spec, got);
    }
    opt->values[i].num = (double)code;
    return GPUOPT_SUCCESS;
}

/* Case-insensitive comparison that treats ' ', '-' and '_' alike. */
static int same_name(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    if (na != nb)
        return 0;
    for (size_t k = 0; k < na; ++k) {
        int ca = tolower((unsigned char)a[k]), cb = tolower((unsigned char)b[k]);
        if (ca == ' ' || ca == '-')
            ca = '_';
        if (cb == ' ' || cb == '-')
            cb = '_';
        if (ca != cb)
            return 0;
    }
    return 1;
}

static int choice_code(const char *choices, const char *text)
{
    const char *p = choices;
    for (int k = 1; p; ++k) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (same_name(p, n, text))
            return k;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || isnan(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_int(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end != text && *end == '\0' && errno == 0) {
        *out = v;
        return 1;
    }
    double d; /* also "1e6", "unlimited", "inf" */
    if (!strcasecmp(text, "unlimited") || !strcasecmp(text, "inf")) {
        *out = INT64_MAX;
        return 1;
    }
    if (parse_double(text, &d) && d == floor(d) && fabs(d) < 9.2e18) {
        *out = (int64_t)d;
        return 1;
    }
    return 0;
}

static int parse_bool(const char *text, int *out)
{
    static const char *yes[] = {"true", "1", "yes", "on"}, *no[] = {"false", "0", "no", "off"};
    for (size_t k = 0; k < 4; ++k) {
        if (!strcasecmp(text, yes[k]))
            return *out = 1, 1;
        if (!strcasecmp(text, no[k]))
            return *out = 0, 1;
    }
    return 0;
}

static double auto_value(const gpuopt_option_spec *spec)
{
    return (spec->flags & GPUOPT_OPT_ZERO_IS_AUTO) ? 0 : -1;
}

static gpuopt_status store_text(gpuopt_optimizer *opt, size_t i, const char *text)
{
    const gpuopt_option_spec *spec = &opt->specs[i];
    char got[300];
    snprintf(got, sizeof got, "'%s'", text);
    int has_auto = (spec->flags & (GPUOPT_OPT_ZERO_IS_AUTO | GPUOPT_OPT_NEG_IS_AUTO)) != 0;
    switch (spec->type) {
    case GPUOPT_OPTION_DOUBLE: {
        double v;
        if (has_auto && !strcasecmp(text, "auto"))
            return store_double(opt, i, auto_value(spec));
        if (!strcasecmp(text, "unlimited"))
            return store_double(opt, i, INFINITY);
        return parse_double(text, &v) ? store_double(opt, i, v) : type_error(opt, spec, got);
    }
    case GPUOPT_OPTION_INT: {
        int64_t v;
        if (has_auto && !strcasecmp(text, "auto"))
            return store_int(opt, i, (int64_t)auto_value(spec));
        return parse_int(text, &v) ? store_int(opt, i, v) : type_error(opt, spec, got);
    }
    case GPUOPT_OPTION_BOOL: {
        int v;
        if (!parse_bool(text, &v))
            return type_error(opt, spec, got);
        opt->values[i].num = v;
        return GPUOPT_SUCCESS;
    }
    case GPUOPT_OPTION_CHOICE: {
        int64_t code;
        if (parse_int(text, &code))
            return store_choice(opt, i, code);
        code = choice_code(spec->choices, text);
        return code ? store_choice(opt, i, code) : range_error(opt, spec, got);
    }
    case GPUOPT_OPTION_STRING: {
        char *copy = malloc(strlen(text) + 1);
        if (!copy)
            return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
        strcpy(copy, text);
        free(opt->values[i].text);
        opt->values[i].text = copy;
        return GPUOPT_SUCCESS;
    }
    }
    return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INTERNAL, "bad option type");
}

/* ------------------------------------------------------------------ setup */

static gpuopt_status apply_settings(gpuopt_optimizer *opt, const char *settings)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", settings);
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";")) {
        gpuopt_status st = gpuopt_optimizer_set_option(opt, item);
        if (st != GPUOPT_SUCCESS)
            return st;
    }
    return GPUOPT_SUCCESS;
}

static void set_default(const gpuopt_option_spec *spec, gpuopt_option_value *v)
{
    if (spec->type == GPUOPT_OPTION_INT)
        v->i = spec->default_value >= 9.2e18 ? INT64_MAX : (int64_t)spec->default_value;
    else
        v->num = spec->default_value;
}

gpuopt_status gpuopt_options_init(gpuopt_optimizer *opt, const char *preset)
{
    const gpuopt_algorithm *a = opt->algorithm;
    size_t n = a->n_options + gpuopt_n_common_options;
    opt->specs = calloc(n, sizeof *opt->specs);
    opt->values = calloc(n, sizeof *opt->values);
    if (!opt->specs || !opt->values)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    memcpy(opt->specs, a->options, a->n_options * sizeof *opt->specs);
    memcpy(opt->specs + a->n_options, gpuopt_common_options,
           gpuopt_n_common_options * sizeof *opt->specs);
    opt->n_specs = n;
    for (size_t i = 0; i < n; ++i) {
        set_default(&opt->specs[i], &opt->values[i]);
        if (opt->specs[i].type == GPUOPT_OPTION_STRING && opt->specs[i].default_text) {
            gpuopt_status st = store_text(opt, i, opt->specs[i].default_text);
            if (st != GPUOPT_SUCCESS)
                return st;
        }
    }
    return preset ? apply_settings(opt, preset) : GPUOPT_SUCCESS;
}

void gpuopt_options_free(gpuopt_optimizer *opt)
{
    for (size_t i = 0; opt->values && i < opt->n_specs; ++i)
        free(opt->values[i].text);
    free(opt->values);
    free(opt->specs);
    opt->values = NULL;
    opt->specs = NULL;
}

/* ------------------------------------------------------------- public API */

static gpuopt_status check_settable(gpuopt_optimizer *opt, const char *key)
{
    if (!opt)
        return GPUOPT_ERR_NULL_POINTER;
    if (!key)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "option key is NULL");
    if (opt->phase != GPUOPT_PHASE_IDLE && opt->phase != GPUOPT_PHASE_DONE)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_STATE,
                                "options cannot change while a run is set up; set them first");
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_optimizer_set_double(gpuopt_optimizer *opt, const char *key, double value)
{
    gpuopt_status st = check_settable(opt, key);
    size_t i;
    if (st != GPUOPT_SUCCESS)
        return st;
    const gpuopt_option_spec *spec = lookup(opt, key, &i);
    if (!spec)
        return GPUOPT_ERR_UNKNOWN_OPTION;
    if (spec->type == GPUOPT_OPTION_DOUBLE)
        return store_double(opt, i, value);
    char got[64];
    format_double(value, got, sizeof got);
    if (spec->type == GPUOPT_OPTION_INT && value == floor(value) && fabs(value) < 9.2e18)
        return store_int(opt, i, (int64_t)value);
    return type_error(opt, spec, got);
}

gpuopt_status gpuopt_optimizer_set_int(gpuopt_optimizer *opt, const char *key, int64_t value)
{
    gpuopt_status st = check_settable(opt, key);
    size_t i;
    if (st != GPUOPT_SUCCESS)
        return st;
    const gpuopt_option_spec *spec = lookup(opt, key, &i);
    if (!spec)
        return GPUOPT_ERR_UNKNOWN_OPTION;
    char got[64];
    snprintf(got, sizeof got, "%lld", (long long)value);
    switch (spec->type) {
    case GPUOPT_OPTION_INT:
        return store_int(opt, i, value);
    case GPUOPT_OPTION_DOUBLE:
        return store_double(opt, i, (double)value);
    case GPUOPT_OPTION_CHOICE:
        return store_choice(opt, i, value);
    case GPUOPT_OPTION_BOOL:
        if (value != 0 && value != 1)
            return type_error(opt, spec, got);
        opt->values[i].num = (double)value;
        return GPUOPT_SUCCESS;
    default:
        return type_error(opt, spec, got);
    }
}

gpuopt_status gpuopt_optimizer_set_string(gpuopt_optimizer *opt, const char *key, const char *value)
{
    gpuopt_status st = check_settable(opt, key);
    size_t i;
    if (st != GPUOPT_SUCCESS)
        return st;
    if (!value)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "option value is NULL");
    if (!lookup(opt, key, &i))
        return GPUOPT_ERR_UNKNOWN_OPTION;
    return store_text(opt, i, value);
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t k = 0;
    while (isspace((unsigned char)s[k]))
        ++k;
    memmove(s, s + k, n - k + 1);
}

gpuopt_status gpuopt_optimizer_set_option(gpuopt_optimizer *opt, const char *key_equals_value)
{
    if (!opt)
        return GPUOPT_ERR_NULL_POINTER;
    if (!key_equals_value)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_NULL_POINTER, "option text is NULL");
    const char *eq = strchr(key_equals_value, '=');
    if (!eq)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_INVALID_ARGUMENT,
                                "option '%s' is not of the form key=value", key_equals_value);
    char key[256], value[512];
    snprintf(key, sizeof key, "%.*s", (int)(eq - key_equals_value), key_equals_value);
    snprintf(value, sizeof value, "%s", eq + 1);
    trim(key);
    trim(value);
    return gpuopt_optimizer_set_string(opt, key, value);
}

gpuopt_status gpuopt_optimizer_get_option(const gpuopt_optimizer *opt, const char *key, char *buf,
                                          size_t len)
{
    if (!opt || !key || !buf || !len)
        return GPUOPT_ERR_NULL_POINTER;
    size_t i;
    const gpuopt_option_spec *spec = gpuopt_options_find(opt->specs, opt->n_specs, key, &i);
    if (!spec)
        return unknown_key((gpuopt_optimizer *)opt, key);
    gpuopt_option_format(spec, &opt->values[i], buf, len);
    return GPUOPT_SUCCESS;
}

/* Values for algorithms. */

static const gpuopt_option_value *run_value(const gpuopt_run *run, const char *key,
                                            gpuopt_option_type type)
{
    size_t i;
    const gpuopt_option_spec *spec = gpuopt_options_find(run->specs, run->n_specs, key, &i);
    if (!spec || spec->type != type) {
        if (run->errmsg)
            snprintf(run->errmsg, run->errmsg_len, "internal: option '%s' missing or mistyped", key);
        return NULL;
    }
    return &run->values[i];
}

double gpuopt_opt_double(const gpuopt_run *run, const char *key)
{
    const gpuopt_option_value *v = run_value(run, key, GPUOPT_OPTION_DOUBLE);
    return v ? v->num : 0;
}

int64_t gpuopt_opt_int(const gpuopt_run *run, const char *key)
{
    const gpuopt_option_value *v = run_value(run, key, GPUOPT_OPTION_INT);
    return v ? v->i : 0;
}

int gpuopt_opt_bool(const gpuopt_run *run, const char *key)
{
    const gpuopt_option_value *v = run_value(run, key, GPUOPT_OPTION_BOOL);
    return v ? v->num != 0 : 0;
}

int gpuopt_opt_choice(const gpuopt_run *run, const char *key)
{
    const gpuopt_option_value *v = run_value(run, key, GPUOPT_OPTION_CHOICE);
    return v ? (int)v->num : 0;
}

const char *gpuopt_opt_string(const gpuopt_run *run, const char *key)
{
    const gpuopt_option_value *v = run_value(run, key, GPUOPT_OPTION_STRING);
    return v && v->text ? v->text : "";
}

int gpuopt_opt_is_auto(const gpuopt_run *run, const char *key)
{
    size_t i;
    const gpuopt_option_spec *spec = gpuopt_options_find(run->specs, run->n_specs, key, &i);
    if (!spec)
        return 0;
    double v = spec->type == GPUOPT_OPTION_INT ? (double)run->values[i].i : run->values[i].num;
    return is_auto_value(spec, v);
}
