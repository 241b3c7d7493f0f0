/* Close-match suggestions by edit distance over the library's catalogues. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "gpuopt.h"
#include "suggest.h"

#define MAX_LEN 63

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > MAX_LEN || nb > MAX_LEN)
        return (size_t)-1;
    size_t row[MAX_LEN + 1];
    for (size_t j = 0; j <= nb; ++j)
        row[j] = j;
    for (size_t i = 1; i <= na; ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; ++j) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

void cli_suggest_init(cli_suggest *s, const char *query, int nearest)
{
    memset(s, 0, sizeof *s);
    s->query = query;
    s->nearest = nearest;
}

static int is_prefix_ci(const char *prefix, const char *text)
{
    for (; *prefix; ++prefix, ++text)
        if (tolower((unsigned char)*prefix) != tolower((unsigned char)*text))
            return 0;
    return 1;
}

void cli_suggest_add(cli_suggest *s, const char *candidate)
{
    if (candidate == NULL || s->query == NULL || s->query[0] == '\0')
        return;
    for (size_t i = 0; i < s->count; ++i)
        if (strcmp(s->names[i], candidate) == 0)
            return;
    size_t len = strlen(s->query), limit = len / 3 > 2 ? len / 3 : 2;
    size_t d = cli_edit_distance(s->query, candidate);
    if (is_prefix_ci(s->query, candidate) && d > 1)
        d = limit; /* a prefix is a plausible match, ranked after close typos */
    if (d > limit && !s->nearest)
        return;
    size_t pos = s->count;
    while (pos > 0 && s->distances[pos - 1] > d)
        --pos;
    if (pos >= CLI_SUGGEST_MAX)
        return;
    size_t last = s->count < CLI_SUGGEST_MAX ? s->count : CLI_SUGGEST_MAX - 1;
    for (size_t i = last; i > pos; --i) {
        s->names[i] = s->names[i - 1];
        s->distances[i] = s->distances[i - 1];
    }
    s->names[pos] = candidate;
    s->distances[pos] = d;
    if (s->count < CLI_SUGGEST_MAX)
        ++s->count;
}

const char *cli_suggest_text(const cli_suggest *s, char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0)
        return "";
    buf[0] = '\0';
    for (size_t i = 0; i < s->count && used < len; ++i) {
        const char *sep = i == 0 ? "" : (i + 1 == s->count ? " or " : ", ");
        int n = snprintf(buf + used, len - used, "%s%s", sep, s->names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

static void add_algorithms(cli_suggest *s)
{
    for (size_t i = 0; i < gpuopt_algorithm_count(); ++i) {
        gpuopt_algorithm_info info;
        if (gpuopt_algorithm_info_at(i, &info) != GPUOPT_SUCCESS)
            continue;
        cli_suggest_add(s, info.name);
        for (const char *const *a = info.aliases; a != NULL && *a != NULL; ++a)
            cli_suggest_add(s, *a);
    }
}

static void add_problems(cli_suggest *s)
{
    for (size_t i = 0; i < gpuopt_problem_count(); ++i) {
        const gpuopt_problem_info *info = gpuopt_problem_info_at(i);
        if (info != NULL)
            cli_suggest_add(s, info->name);
    }
}

static void add_backends(cli_suggest *s)
{
    cli_suggest_add(s, "auto");
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        gpuopt_backend_info info;
        if (gpuopt_backend_info_at(i, &info) == GPUOPT_SUCCESS)
            cli_suggest_add(s, info.name);
    }
}

/* Close matches from add_all's candidates, else the nearest ones. */
static const char *suggest_from(void (*add_all)(cli_suggest *), const char *query, char *buf,
                                size_t len, int *close)
{
    cli_suggest s;
    cli_suggest_init(&s, query, 0);
    add_all(&s);
    *close = s.count > 0;
    if (s.count == 0) {
        cli_suggest_init(&s, query, 1);
        add_all(&s);
    }
    return cli_suggest_text(&s, buf, len);
}

const char *cli_suggest_algorithm(const char *query, char *buf, size_t len, int *close)
{
    return suggest_from(add_algorithms, query, buf, len, close);
}

const char *cli_suggest_problem(const char *query, char *buf, size_t len, int *close)
{
    return suggest_from(add_problems, query, buf, len, close);
}

const char *cli_suggest_backend(const char *query, char *buf, size_t len, int *close)
{
    return suggest_from(add_backends, query, buf, len, close);
}
