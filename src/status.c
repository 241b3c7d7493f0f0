/* Status names and texts from the one X-macro list. */
#include <stdarg.h>
#include <stdio.h>

#include "core.h"
#include "gpuopt/status.h"

const char *gpuopt_status_name(gpuopt_status status)
{
    switch (status) {
#define GPUOPT_STATUS_NAME(name, value, converged, text) \
    case name:                                           \
        return #name;
        GPUOPT_STATUS_LIST(GPUOPT_STATUS_NAME)
#undef GPUOPT_STATUS_NAME
    }
    return "GPUOPT_UNKNOWN_STATUS";
}

const char *gpuopt_status_text(gpuopt_status status)
{
    switch (status) {
#define GPUOPT_STATUS_TEXT(name, value, converged, text) \
    case name:                                           \
        return text;
        GPUOPT_STATUS_LIST(GPUOPT_STATUS_TEXT)
#undef GPUOPT_STATUS_TEXT
    }
    return "unknown status";
}

int gpuopt_status_converged(gpuopt_status status)
{
    switch (status) {
#define GPUOPT_STATUS_CONV(name, value, converged, text) \
    case name:                                           \
        return converged;
        GPUOPT_STATUS_LIST(GPUOPT_STATUS_CONV)
#undef GPUOPT_STATUS_CONV
    }
    return 0;
}

gpuopt_status gpuopt_vset_error(char *buf, size_t len, gpuopt_status st, const char *fmt, va_list ap)
{
    if (buf && len)
        vsnprintf(buf, len, fmt, ap);
    return st;
}

gpuopt_status gpuopt_set_error(char *buf, gpuopt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gpuopt_vset_error(buf, GPUOPT_ERRMSG_LEN, st, fmt, ap);
    va_end(ap);
    return st;
}

const char *gpuopt_version(void)
{
#define GPUOPT_STR2(x) #x
#define GPUOPT_STR(x) GPUOPT_STR2(x)
    return GPUOPT_STR(GPUOPT_VERSION_MAJOR) "." GPUOPT_STR(GPUOPT_VERSION_MINOR) "." GPUOPT_STR(
        GPUOPT_VERSION_PATCH);
}

static _Thread_local char last_error[GPUOPT_ERRMSG_LEN];

const char *gpuopt_last_error(void)
{
    return last_error;
}

gpuopt_status gpuopt_set_last_error(gpuopt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gpuopt_vset_error(last_error, sizeof last_error, st, fmt, ap);
    va_end(ap);
    return st;
}
