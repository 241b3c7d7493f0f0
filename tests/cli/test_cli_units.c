/* Unit tests of the CLI's helper modules: JSON writer (escaping, numbers, nesting), edit
 * distance and close matches, progress-bar formatting. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/json.h"
#include "cli/progress.h"
#include "cli/suggest.h"
#include "tests/check.h"

/* Runs fn on a JSON writer over a temporary file and returns what it wrote. */
static const char *capture(void (*fn)(cli_json *), int pretty)
{
    static char text[4096];
    FILE *f = tmpfile();
    if (f == NULL)
        return "";
    cli_json j;
    cli_json_init(&j, f, pretty);
    fn(&j);
    fflush(f);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void write_escapes(cli_json *j)
{
    cli_json_string(j, "a\"b\\c\n\t\x01/\x7f");
}
static void write_bad_utf8(cli_json *j)
{
    cli_json_string(j, "x\xff\xc3(\xed\xa0\x80y");
}
static void write_good_utf8(cli_json *j)
{
    cli_json_string(j, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

static void write_numbers(cli_json *j)
{
    cli_json_begin_inline_array(j);
    cli_json_double(j, 0.1);
    cli_json_double(j, -2.5e-300);
    cli_json_double(j, NAN);
    cli_json_double(j, INFINITY);
    cli_json_double(j, -INFINITY);
    cli_json_int(j, -42);
    cli_json_uint(j, UINT64_MAX);
    cli_json_bool(j, 1);
    cli_json_null(j);
    cli_json_string(j, NULL);
    cli_json_end_array(j);
}

static void write_nested(cli_json *j)
{
    cli_json_begin_object(j);
    cli_json_kv_string(j, "k", "v");
    cli_json_key(j, "x");
    cli_json_begin_inline_array(j);
    cli_json_double(j, 1);
    cli_json_double(j, 2);
    cli_json_end_array(j);
    cli_json_key(j, "empty");
    cli_json_begin_object(j);
    cli_json_end_object(j);
    cli_json_key(j, "list");
    cli_json_begin_array(j);
    cli_json_begin_object(j);
    cli_json_kv_bool(j, "b", 0);
    cli_json_end_object(j);
    cli_json_end_array(j);
    cli_json_end_object(j);
    cli_json_finish(j);
}

static void test_json(void)
{
    CHECK(strcmp(capture(write_escapes, 1), "\"a\\\"b\\\\c\\n\\t\\u0001/\\u007f\"") == 0);
    CHECK(strcmp(capture(write_bad_utf8, 1), "\"x\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffdy\"") == 0);
    CHECK(strcmp(capture(write_good_utf8, 1), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"") ==
          0);
    CHECK_CONTAINS(capture(write_numbers, 0), "[0.10000000000000001,-2.5e-300,null,null,null,-42,"
                                              "18446744073709551615,true,null,null]");
    CHECK(strcmp(capture(write_numbers, 1),
                 "[0.10000000000000001, -2.5e-300, null, null, null, -42, "
                 "18446744073709551615, true, null, null]") == 0);
    CHECK(strcmp(capture(write_nested, 0),
                 "{\"k\":\"v\",\"x\":[1,2],\"empty\":{},\"list\":[{\"b\":false}]}\n") == 0);
    CHECK(strcmp(capture(write_nested, 1), "{\n"
                                           "  \"k\": \"v\",\n"
                                           "  \"x\": [1, 2],\n"
                                           "  \"empty\": {},\n"
                                           "  \"list\": [\n"
                                           "    {\n"
                                           "      \"b\": false\n"
                                           "    }\n"
                                           "  ]\n"
                                           "}\n") == 0);
}

static void test_suggest(void)
{
    char buf[128];
    CHECK(cli_edit_distance("kitten", "sitting") == 3);
    CHECK(cli_edit_distance("", "abc") == 3);
    CHECK(cli_edit_distance("NelderMead", "neldermead") == 0);

    cli_suggest s;
    cli_suggest_init(&s, "rosenbrok", 0);
    cli_suggest_add(&s, "sphere");
    cli_suggest_add(&s, "rosenbrock");
    cli_suggest_add(&s, "rastrigin");
    CHECK(strcmp(cli_suggest_text(&s, buf, sizeof buf), "rosenbrock") == 0);

    /* best first, ties in the order seen, a prefix after close typos, at most three */
    cli_suggest_init(&s, "pso", 0);
    const char *names[] = {"pso_gen", "de", "psa", "pygmo_pso", "pso", "pso"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        cli_suggest_add(&s, names[i]);
    CHECK(strcmp(cli_suggest_text(&s, buf, sizeof buf), "pso, psa or pso_gen") == 0);
    cli_suggest_add(&s, "ps");
    CHECK(strcmp(cli_suggest_text(&s, buf, sizeof buf), "pso, psa or ps") == 0);

    cli_suggest_init(&s, "zzzzzzzz", 0);
    cli_suggest_add(&s, "sphere");
    CHECK(strcmp(cli_suggest_text(&s, buf, sizeof buf), "") == 0);

    /* the library's catalogues */
    int close = 0;
    CHECK_CONTAINS(cli_suggest_problem("spher", buf, sizeof buf, &close), "sphere");
    CHECK(close == 1);
    CHECK_CONTAINS(cli_suggest_algorithm("neldermaed", buf, sizeof buf, &close), "neldermead");
    CHECK(close == 1);
    CHECK_CONTAINS(cli_suggest_backend("cpuu", buf, sizeof buf, &close), "cpu");
    CHECK(close == 1);
    /* nothing close: the three nearest names all the same */
    cli_suggest_algorithm("zzzzzzzzzzzzzzzz", buf, sizeof buf, &close);
    CHECK(close == 0 && strstr(buf, " or ") != NULL);
}

static void test_progress_format(void)
{
    char buf[32];
    CHECK(strcmp(cli_format_duration(4.25, buf, sizeof buf), "4.2s") == 0 ||
          strcmp(buf, "4.3s") == 0);
    CHECK(strcmp(cli_format_duration(187.0, buf, sizeof buf), "3m07s") == 0);
    CHECK(strcmp(cli_format_duration(7500.0, buf, sizeof buf), "2h05m") == 0);
    CHECK(strcmp(cli_format_duration(4.0 * 86400 + 3 * 3600 + 5, buf, sizeof buf), "4d03h") == 0);
    CHECK(strcmp(cli_format_duration(1e12, buf, sizeof buf), ">999d") == 0);
    CHECK(strcmp(cli_format_count(950, buf, sizeof buf), "950") == 0);
    CHECK(strcmp(cli_format_count(12345, buf, sizeof buf), "12.3k") == 0);
    CHECK(strcmp(cli_format_count(4.56e6, buf, sizeof buf), "4.6M") == 0);
    CHECK(strcmp(cli_format_count(250e6, buf, sizeof buf), "250M") == 0);

    gpuopt_progress p = {0};
    CHECK(cli_progress_fraction(&p) < 0.0); /* no budget */
    p.n_iterations = 25;
    p.max_iterations = 100;
    p.n_evaluations = 600;
    p.max_evaluations = 1000;
    CHECK(fabs(cli_progress_fraction(&p) - 0.6) < 1e-12); /* the larger share */
    p.n_evaluations = 5000;
    CHECK(cli_progress_fraction(&p) == 1.0);
}

/* With a budget and the bar enabled, the callback draws; it returns 1 once interrupted. */
static void test_progress_callback(void)
{
    volatile sig_atomic_t flag = 0;
    FILE *f = tmpfile();
    if (f == NULL) {
        CHECK(f != NULL);
        return;
    }
    cli_progress pb;
    cli_progress_init(&pb, f, 1, &flag);
    pb.last_draw_s -= 1.0; /* as if the last redraw was a second ago */
    gpuopt_progress p = {10, 200, 0.5, 2.0, 100, 0};
    CHECK(cli_progress_update(&p, &pb) == 0);
    flag = 1;
    CHECK(cli_progress_update(&p, &pb) == 1);
    cli_progress_clear(&pb);
    char text[512];
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    const char *out = text;
    CHECK_CONTAINS(out, "[##");
    CHECK_CONTAINS(out, " 10.0%");
    CHECK_CONTAINS(out, "best 0.5");
    CHECK_CONTAINS(out, "100 eval/s");
    CHECK_CONTAINS(out, "ETA 18.0s");
    CHECK(strchr(out, '\n') == NULL); /* one redrawn line, erased at the end */
}

int main(void)
{
    test_json();
    test_suggest();
    test_progress_format();
    test_progress_callback();
    return check_finish();
}
