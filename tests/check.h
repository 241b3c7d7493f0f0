/* Minimal test helpers: CHECK records a failure and goes on; a test program returns
 * check_finish(), which prints "N passed, N failed" and exits non-zero on any failure.
 * CHECK_SKIP_EXIT is for tests whose requirement (e.g. a GPU) is missing: CTest maps exit
 * code 77 to "skipped" (SKIP_RETURN_CODE), never to "passed". */
#ifndef GPUOPT_TESTS_CHECK_H
#define GPUOPT_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed_, check_failed_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            ++check_passed_;                                                                       \
        } else {                                                                                   \
            ++check_failed_;                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            ++check_passed_;                                                                       \
        } else {                                                                                   \
            ++check_failed_;                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
    } while (0)

/* status equality, printing both names on failure */
#define CHECK_STATUS(expr, expected)                                                               \
    do {                                                                                           \
        gpuopt_status check_st_ = (expr);                                                          \
        CHECK_MSG(check_st_ == (expected), "got %s, expected %s", gpuopt_status_name(check_st_),   \
                  gpuopt_status_name(expected));                                                   \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                           \
    CHECK_MSG((haystack) && strstr((haystack), (needle)), "\"%s\" lacks \"%s\"",                   \
              (haystack) ? (haystack) : "(null)", (needle))

#define CHECK_SKIP_EXIT 77

static inline int check_finish(void)
{
    printf("%d passed, %d failed\n", check_passed_, check_failed_);
    return check_failed_ ? 1 : 0;
}

#endif /* GPUOPT_TESTS_CHECK_H */
