/* Close-match suggestions for mistyped names ("did you mean ..."), by edit distance. */
#ifndef GPUOPT_CLI_SUGGEST_H
#define GPUOPT_CLI_SUGGEST_H

#include <stddef.h>

#define CLI_SUGGEST_MAX 3

typedef struct cli_suggest {
    const char *query;
    const char *names[CLI_SUGGEST_MAX]; /* best first */
    size_t distances[CLI_SUGGEST_MAX];
    size_t count;
    int nearest; /* keep the nearest names however far they are */
} cli_suggest;

/* Case-insensitive Levenshtein distance (strings longer than 63 characters compare as far). */
size_t cli_edit_distance(const char *a, const char *b);

/* nearest = 0: keep close candidates only; 1: the nearest ones, however far. */
void cli_suggest_init(cli_suggest *s, const char *query, int nearest);
/* Considers one candidate; keeps it when it is close to the query (distance at most
 * max(2, length / 3), or the query is a prefix of it), or always when s->nearest.
 * Duplicates are ignored. */
void cli_suggest_add(cli_suggest *s, const char *candidate);
/* "a, b or c" into buf ("" when there is no close match). */
const char *cli_suggest_text(const cli_suggest *s, char *buf, size_t len);

/* Close matches among the algorithm names and aliases, the built-in problems, and the
 * backends ("auto" included), as text for a message; when none is close, the nearest three
 * and *close = 0. */
const char *cli_suggest_algorithm(const char *query, char *buf, size_t len, int *close);
const char *cli_suggest_problem(const char *query, char *buf, size_t len, int *close);
const char *cli_suggest_backend(const char *query, char *buf, size_t len, int *close);

#endif /* GPUOPT_CLI_SUGGEST_H */
