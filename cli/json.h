/* A small streaming JSON writer: commas, indentation and string escaping are handled here.
 * Doubles are written with 17 significant digits ("%.17g"); NaN and infinities as null.
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 become U+FFFD. */
#ifndef GPUOPT_CLI_JSON_H
#define GPUOPT_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

#define CLI_JSON_MAX_DEPTH 32

typedef struct cli_json {
    FILE *out;
    int pretty; /* newlines and two-space indentation */
    int depth;  /* open containers */
    int after_key;
    unsigned char has_items[CLI_JSON_MAX_DEPTH + 1];
    unsigned char inline_[CLI_JSON_MAX_DEPTH + 1]; /* container written on one line */
} cli_json;

void cli_json_init(cli_json *j, FILE *out, int pretty);
void cli_json_begin_object(cli_json *j);
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j);
/* An array (and whatever it holds) on one line, e.g. a vector of numbers. */
void cli_json_begin_inline_array(cli_json *j);
void cli_json_end_array(cli_json *j);
void cli_json_key(cli_json *j, const char *key);
void cli_json_string(cli_json *j, const char *s); /* NULL writes null */
void cli_json_double(cli_json *j, double v);
void cli_json_int(cli_json *j, int64_t v);
void cli_json_uint(cli_json *j, uint64_t v);
void cli_json_bool(cli_json *j, int v);
void cli_json_null(cli_json *j);
/* Ends the document with a newline. */
void cli_json_finish(cli_json *j);

/* key + value shorthands */
void cli_json_kv_string(cli_json *j, const char *key, const char *s);
void cli_json_kv_double(cli_json *j, const char *key, double v);
void cli_json_kv_int(cli_json *j, const char *key, int64_t v);
void cli_json_kv_bool(cli_json *j, const char *key, int v);

/* Writes s as a quoted, escaped JSON string. */
void cli_json_write_string(FILE *out, const char *s);

#endif /* GPUOPT_CLI_JSON_H */
