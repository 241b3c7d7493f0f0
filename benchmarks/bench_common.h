/* Small pieces the benchmark programs share: a monotonic clock, size lists from the command
 * line, and the backends to run by default. */
#ifndef GPUOPT_BENCH_COMMON_H
#define GPUOPT_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gpuopt.h>

/* Seconds from a monotonic clock. */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "10,100,default" into out (at most max values; "default" gives 0); returns the count. */
static inline size_t bench_parse_sizes(const char *text, size_t *out, size_t max)
{
    size_t n = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *t = strtok(buf, ","); t && n < max; t = strtok(NULL, ","))
        out[n++] = strcmp(t, "default") == 0 ? 0 : (size_t)strtoull(t, NULL, 10);
    return n;
}

/* When *n is 0: every compiled-in backend with a device, as the library lists them. */
static inline void bench_default_backends(const char **names, size_t *n, size_t max)
{
    if (*n)
        return;
    for (size_t k = 0; k < gpuopt_backend_count() && *n < max; ++k) {
        gpuopt_backend_info b;
        if (gpuopt_backend_info_at(k, &b) == GPUOPT_SUCCESS && b.n_devices > 0)
            names[(*n)++] = b.name;
    }
}

#endif /* GPUOPT_BENCH_COMMON_H */
