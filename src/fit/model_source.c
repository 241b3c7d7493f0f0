/* A curve-fit model given as source (gpuopt_fit_model_source): the library writes the residual
 * source, with the data embedded as GPUOPT_CONSTANT arrays printed with %.17g (they round-trip
 * exactly), so that every evaluation runs where the context's backend runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../source_outputs.h"
#include "fit_internal.h"
#include "model_source.h"

gpuopt_status gpuopt_fit_model_source(gpuopt_fit_model *model, const char *source,
                                      const char *name, size_t n_params)
{
    if (!model || !source)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_fit_model_source: model and source must not be NULL");
    if (n_params == 0 || n_params > 2147483647u)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "gpuopt_fit_model_source: n_params must be in [1, "
                                     "2147483647]; got %zu",
                                     n_params);
    *model = (gpuopt_fit_model){.n_params = n_params, .source = source, .name = name};
    return GPUOPT_SUCCESS;
}

/* ---------------------------------------------------------------- the generated text */

typedef struct text_buf {
    char *text;
    size_t length, capacity;
    int failed;
} text_buf;

static void append(text_buf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->length + n + 1 > t->capacity) {
        size_t cap = (t->length + n + 1) * 2;
        char *grown = realloc(t->text, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->text = grown;
        t->capacity = cap;
    }
    memcpy(t->text + t->length, s, n);
    t->length += n;
    t->text[t->length] = '\0';
}

static void append_str(text_buf *t, const char *s)
{
    append(t, s, strlen(s));
}

/* GPUOPT_CONSTANT double NAME[n] = {v0, v1, ...}; four values a line. */
static void append_array(text_buf *t, const char *name, const double *v, size_t n)
{
    char item[64];
    snprintf(item, sizeof item, "GPUOPT_CONSTANT double %s[%zu] = {\n", name, n);
    append_str(t, item);
    for (size_t i = 0; i < n; ++i) {
        int len = snprintf(item, sizeof item, "%.17g%s", v[i],
                           i + 1 == n ? "\n" : (i % 4 == 3 ? ",\n" : ", "));
        append(t, item, (size_t)len);
    }
    append_str(t, "};\n");
}

static const char residual_fn[] =
    "double model(GPUOPT_GLOBAL const double *p, int n_params, double x);\n"
    "double residual(GPUOPT_GLOBAL const double *p, int n_params, int k)\n"
    "{\n"
    "    return (gpuopt_fit_y[k] - model(p, n_params, gpuopt_fit_x[k]))%s;\n"
    "}\n";

char *gpuopt_fit_source_text(const char *model_source, const gpuopt_fit_data *d)
{
    text_buf t = {0};
    append_str(&t, model_source);
    append_str(&t, "\n#line 1 \"<gpuopt fit data>\"\n");
    append_array(&t, "gpuopt_fit_x", d->x, d->n_data);
    append_array(&t, "gpuopt_fit_y", d->y, d->n_data);
    if (d->sigma)
        append_array(&t, "gpuopt_fit_sigma", d->sigma, d->n_data);
    char fn[sizeof residual_fn + 32];
    snprintf(fn, sizeof fn, residual_fn, d->sigma ? " / gpuopt_fit_sigma[k]" : "");
    append_str(&t, fn);
    if (t.failed) {
        free(t.text);
        return NULL;
    }
    return t.text;
}

gpuopt_status gpuopt_fit_set_model_source(gpuopt_problem *problem, const gpuopt_fit_model *m,
                                          const gpuopt_fit_data *d)
{
    char *text = gpuopt_fit_source_text(m->source, d);
    if (!text)
        return gpuopt_set_error(problem->errmsg, GPUOPT_ERR_OUT_OF_MEMORY, "out of memory");
    const gpuopt_source_shape shape = {
        .n_outputs = d->n_data,
        .constant_bytes = (d->sigma ? 3 : 2) * d->n_data * sizeof(double),
    };
    gpuopt_status st = gpuopt_problem_set_source_outputs_shaped(
        problem, GPUOPT_CRITERION_LEAST_SQUARES, text, m->name ? m->name : "model", &shape);
    free(text);
    return st;
}

/* ---------------------------------------------------------------- residuals on the backend */

gpuopt_status gpuopt_fit_source_residuals(gpuopt_context *ctx, gpuopt_problem *problem,
                                          const double *params, double *residuals)
{
    gpuopt_backend *b = ctx->backend;
    const gpuopt_eval_target *t = &problem->target;
    gpuopt_dptr X = NULL, f = NULL, raw = NULL;
    gpuopt_status st = b->ops->alloc(b, t->dim * sizeof(double), &X);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, sizeof(double), &f);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->alloc(b, t->n_outputs * sizeof(double), &raw);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->write(b, X, 0, params, t->dim * sizeof(double));
    if (st == GPUOPT_SUCCESS)
        st = b->ops->evaluate(b, t, X, 1, raw, f);
    if (st == GPUOPT_SUCCESS)
        st = b->ops->read(b, residuals, raw, 0, t->n_outputs * sizeof(double));
    if (st != GPUOPT_SUCCESS)
        gpuopt_set_last_error(st, "gpuopt_curve_fit: the model source at the solution: %s",
                              b->error);
    if (X)
        b->ops->release(b, X);
    if (f)
        b->ops->release(b, f);
    if (raw)
        b->ops->release(b, raw);
    return st;
}
