/* Reader of NIST StRD nonlinear regression files (.dat): the header names the data set, lists
 * "bK = start1 start2 certified_value certified_sd" per parameter and the certified residual
 * sum of squares; after the line "Data:  y  x" come the observations, one "y x" pair a line. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "gpuopt/fit.h"

#define NIST_MAX_PARAMS 16

struct gpuopt_nist_dataset {
    char name[64];
    size_t n_data, n_params, capacity;
    double *x, *y;
    double start[2][NIST_MAX_PARAMS];
    double certified[NIST_MAX_PARAMS];
    double certified_sd[NIST_MAX_PARAMS];
    double certified_ssr;
};

typedef struct nist_reader {
    const char *path;
    size_t line_no;
    int in_data;
} nist_reader;

static gpuopt_status nist_error(const nist_reader *r, const char *what)
{
    return gpuopt_set_last_error(GPUOPT_ERR_IO, "%s:%zu: %s", r->path, r->line_no, what);
}

/* Parses up to max numbers from text; returns how many. */
static size_t parse_numbers(const char *text, double *out, size_t max)
{
    size_t n = 0;
    char *end;
    while (n < max) {
        errno = 0;
        double v = strtod(text, &end);
        if (end == text || errno == ERANGE)
            break;
        out[n++] = v;
        text = end;
    }
    return n;
}

static gpuopt_status read_name(gpuopt_nist_dataset *ds, const char *line)
{
    const char *p = strchr(line, ':') + 1;
    while (isspace((unsigned char)*p))
        ++p;
    size_t len = strcspn(p, " \t\r\n(");
    if (len == 0 || len >= sizeof ds->name)
        return GPUOPT_ERR_IO;
    memcpy(ds->name, p, len);
    ds->name[len] = '\0';
    return GPUOPT_SUCCESS;
}

/* "  b3 =   0.1   0.2   1.0E+00  2.0E-01" */
static gpuopt_status read_parameter(gpuopt_nist_dataset *ds, const nist_reader *r,
                                    const char *line)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        ++p;
    long k = strtol(p + 1, NULL, 10);
    if (k != (long)ds->n_params + 1 || ds->n_params >= NIST_MAX_PARAMS)
        return nist_error(r, "parameters must be listed as b1, b2, ... (at most 16)");
    double v[4];
    if (parse_numbers(strchr(p, '=') + 1, v, 4) != 4)
        return nist_error(r, "a parameter line needs start 1, start 2, value and deviation");
    ds->start[0][ds->n_params] = v[0];
    ds->start[1][ds->n_params] = v[1];
    ds->certified[ds->n_params] = v[2];
    ds->certified_sd[ds->n_params] = v[3];
    ++ds->n_params;
    return GPUOPT_SUCCESS;
}

static gpuopt_status append_observation(gpuopt_nist_dataset *ds, const nist_reader *r,
                                        const char *line)
{
    double v[2];
    size_t n = parse_numbers(line, v, 2);
    if (n == 0)
        return GPUOPT_SUCCESS; /* blank line */
    if (n != 2)
        return nist_error(r, "an observation line needs two numbers (y x)");
    if (ds->n_data == ds->capacity) {
        size_t cap = ds->capacity ? 2 * ds->capacity : 64;
        double *x = realloc(ds->x, cap * sizeof *x);
        if (x)
            ds->x = x;
        double *y = x ? realloc(ds->y, cap * sizeof *y) : NULL;
        if (!y)
            return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory reading %s",
                                         r->path);
        ds->y = y;
        ds->capacity = cap;
    }
    ds->y[ds->n_data] = v[0];
    ds->x[ds->n_data] = v[1];
    ++ds->n_data;
    return GPUOPT_SUCCESS;
}

static int is_parameter_line(const char *line)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        ++p;
    return p[0] == 'b' && isdigit((unsigned char)p[1]) && strchr(p, '=') != NULL;
}

static gpuopt_status read_line(gpuopt_nist_dataset *ds, nist_reader *r, const char *line)
{
    if (r->in_data)
        return append_observation(ds, r, line);
    if (!strncmp(line, "Dataset Name:", 13))
        return read_name(ds, line) ? nist_error(r, "cannot read the data set name")
                                   : GPUOPT_SUCCESS;
    if (!strncmp(line, "Residual Sum of Squares:", 24)) {
        if (parse_numbers(line + 24, &ds->certified_ssr, 1) != 1)
            return nist_error(r, "cannot read the residual sum of squares");
        return GPUOPT_SUCCESS;
    }
    if (!strncmp(line, "Data:", 5)) {
        const char *p = line + 5;
        while (isspace((unsigned char)*p))
            ++p;
        r->in_data = (p[0] == 'y' && isspace((unsigned char)p[1]));
        return GPUOPT_SUCCESS;
    }
    if (is_parameter_line(line))
        return read_parameter(ds, r, line);
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_complete(const gpuopt_nist_dataset *ds, const char *path)
{
    if (!ds->name[0] || ds->n_params == 0 || ds->n_data == 0 || isnan(ds->certified_ssr))
        return gpuopt_set_last_error(
            GPUOPT_ERR_IO,
            "%s: not a NIST StRD nonlinear regression file (it needs a Dataset Name, parameter "
            "lines b1 = ..., the Residual Sum of Squares and a 'Data: y x' section)",
            path);
    return GPUOPT_SUCCESS;
}

static gpuopt_status read_file(gpuopt_nist_dataset *ds, FILE *f, const char *path)
{
    nist_reader r = {.path = path};
    char line[1024];
    gpuopt_status st = GPUOPT_SUCCESS;
    while (!st && fgets(line, sizeof line, f)) {
        ++r.line_no;
        st = read_line(ds, &r, line);
    }
    return st ? st : check_complete(ds, path);
}

gpuopt_status gpuopt_nist_read(gpuopt_nist_dataset **out, const char *path)
{
    if (!out || !path)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_nist_read: out and path must not be NULL");
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return gpuopt_set_last_error(GPUOPT_ERR_IO, "cannot open '%s': %s", path,
                                     strerror(errno));
    gpuopt_nist_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) {
        fclose(f);
        return gpuopt_set_last_error(GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    }
    ds->certified_ssr = NAN;
    gpuopt_status st = read_file(ds, f, path);
    fclose(f);
    if (st) {
        gpuopt_nist_destroy(&ds);
        return st;
    }
    *out = ds;
    return GPUOPT_SUCCESS;
}

gpuopt_status gpuopt_nist_destroy(gpuopt_nist_dataset **ds)
{
    if (!ds)
        return GPUOPT_ERR_NULL_POINTER;
    if (*ds) {
        free((*ds)->x);
        free((*ds)->y);
        free(*ds);
        *ds = NULL;
    }
    return GPUOPT_SUCCESS;
}

const char *gpuopt_nist_name(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->name : NULL;
}

size_t gpuopt_nist_n_data(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->n_data : 0;
}

size_t gpuopt_nist_n_params(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->n_params : 0;
}

const double *gpuopt_nist_x(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->x : NULL;
}

const double *gpuopt_nist_y(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->y : NULL;
}

const double *gpuopt_nist_start(const gpuopt_nist_dataset *ds, int which)
{
    return ds && (which == 1 || which == 2) ? ds->start[which - 1] : NULL;
}

const double *gpuopt_nist_certified_params(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->certified : NULL;
}

const double *gpuopt_nist_certified_stderr(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->certified_sd : NULL;
}

double gpuopt_nist_certified_ssr(const gpuopt_nist_dataset *ds)
{
    return ds ? ds->certified_ssr : NAN;
}
