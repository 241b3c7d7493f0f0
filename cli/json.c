/* Streaming JSON writer. */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void cli_json_init(cli_json *j, FILE *out, int pretty)
{
    j->out = out;
    j->pretty = pretty;
    j->depth = 0;
    j->after_key = 0;
    j->has_items[0] = 0;
    j->inline_[0] = 0;
}

static void newline_indent(cli_json *j, int depth)
{
    fputc('\n', j->out);
    for (int i = 0; i < depth; ++i)
        fputs("  ", j->out);
}

/* Separator and indentation before a value or a key. */
static void before_item(cli_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    if (j->has_items[j->depth])
        fputc(',', j->out);
    if (j->pretty && !j->inline_[j->depth])
        newline_indent(j, j->depth);
    else if (j->pretty && j->has_items[j->depth])
        fputc(' ', j->out);
    j->has_items[j->depth] = 1;
}

static void open_container(cli_json *j, char bracket, int one_line)
{
    before_item(j);
    fputc(bracket, j->out);
    int parent_inline = j->inline_[j->depth];
    if (j->depth < CLI_JSON_MAX_DEPTH)
        ++j->depth;
    j->has_items[j->depth] = 0;
    j->inline_[j->depth] = (unsigned char)(one_line || parent_inline);
}

static void close_container(cli_json *j, char bracket)
{
    if (j->pretty && !j->inline_[j->depth] && j->has_items[j->depth])
        newline_indent(j, j->depth - 1);
    fputc(bracket, j->out);
    if (j->depth > 0)
        --j->depth;
}

void cli_json_begin_object(cli_json *j)
{
    open_container(j, '{', 0);
}
void cli_json_end_object(cli_json *j)
{
    close_container(j, '}');
}
void cli_json_begin_array(cli_json *j)
{
    open_container(j, '[', 0);
}
void cli_json_begin_inline_array(cli_json *j)
{
    open_container(j, '[', 1);
}
void cli_json_end_array(cli_json *j)
{
    close_container(j, ']');
}

void cli_json_key(cli_json *j, const char *key)
{
    before_item(j);
    cli_json_write_string(j->out, key);
    fputs(j->pretty ? ": " : ":", j->out);
    j->after_key = 1;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not valid. */
static int utf8_length(const unsigned char *s)
{
    unsigned char c = s[0];
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int k = 2; k < n; ++k)
        if (s[k] < 0x80 || s[k] > 0xBF)
            return 0;
    return n;
}

static void write_escaped_byte(FILE *out, unsigned char c)
{
    switch (c) {
    case '"': fputs("\\\"", out); return;
    case '\\': fputs("\\\\", out); return;
    case '\b': fputs("\\b", out); return;
    case '\f': fputs("\\f", out); return;
    case '\n': fputs("\\n", out); return;
    case '\r': fputs("\\r", out); return;
    case '\t': fputs("\\t", out); return;
    default: break;
    }
    if (c < 0x20 || c == 0x7F)
        fprintf(out, "\\u%04x", (unsigned)c);
    else
        fputc(c, out);
}

void cli_json_write_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    while (*p != '\0') {
        int n = utf8_length(p);
        if (n == 0) {
            fputs("\\ufffd", out);
            ++p;
        } else if (n == 1) {
            write_escaped_byte(out, *p++);
        } else {
            fwrite(p, 1, (size_t)n, out);
            p += n;
        }
    }
    fputc('"', out);
}

void cli_json_string(cli_json *j, const char *s)
{
    if (s == NULL) {
        cli_json_null(j);
        return;
    }
    before_item(j);
    cli_json_write_string(j->out, s);
}

void cli_json_double(cli_json *j, double v)
{
    if (!isfinite(v)) {
        cli_json_null(j);
        return;
    }
    before_item(j);
    fprintf(j->out, "%.17g", v);
}

void cli_json_int(cli_json *j, int64_t v)
{
    before_item(j);
    fprintf(j->out, "%" PRId64, v);
}

void cli_json_uint(cli_json *j, uint64_t v)
{
    before_item(j);
    fprintf(j->out, "%" PRIu64, v);
}

void cli_json_bool(cli_json *j, int v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->out);
}

void cli_json_null(cli_json *j)
{
    before_item(j);
    fputs("null", j->out);
}

void cli_json_finish(cli_json *j)
{
    fputc('\n', j->out);
}

void cli_json_kv_string(cli_json *j, const char *key, const char *s)
{
    cli_json_key(j, key);
    cli_json_string(j, s);
}

void cli_json_kv_double(cli_json *j, const char *key, double v)
{
    cli_json_key(j, key);
    cli_json_double(j, v);
}

void cli_json_kv_int(cli_json *j, const char *key, int64_t v)
{
    cli_json_key(j, key);
    cli_json_int(j, v);
}

void cli_json_kv_bool(cli_json *j, const char *key, int v)
{
    cli_json_key(j, key);
    cli_json_bool(j, v);
}
