/* Built-in curve_fit models: a few general shapes and the NIST StRD nonlinear regression
 * models (formulas as the StRD files state them, b1..bk = p[0]..p[k-1]). */
#include <math.h>
#include <strings.h>

#include "../core.h"
#include "gpuopt/fit.h"

typedef double (*model_value_fn)(const double *p, size_t n_params, double x);

typedef struct builtin_model {
    const char *name;
    size_t n_params; /* 0: any (polynomial) */
    const char *formula;
    model_value_fn value;
} builtin_model;

static double exponential(const double *p, size_t n, double x)
{
    (void)n;
    return p[0] * exp(-p[1] * x) + p[2];
}

static double gaussian(const double *p, size_t n, double x)
{
    (void)n;
    double z = (x - p[1]) / p[2];
    return p[0] * exp(-0.5 * z * z);
}

static double logistic(const double *p, size_t n, double x)
{
    (void)n;
    return p[0] / (1.0 + exp(-p[1] * (x - p[2])));
}

static double polynomial(const double *p, size_t n, double x)
{
    double s = 0.0;
    for (size_t i = 0; i < n; ++i)
        s = s * x + p[i];
    return s;
}

static double misra1a(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * (1.0 - exp(-b[1] * x));
}

static double misra1b(const double *b, size_t n, double x)
{
    (void)n;
    double t = 1.0 + b[1] * x / 2.0;
    return b[0] * (1.0 - 1.0 / (t * t));
}

static double chwirut(const double *b, size_t n, double x)
{
    (void)n;
    return exp(-b[0] * x) / (b[1] + b[2] * x);
}

static double lanczos(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * exp(-b[1] * x) + b[2] * exp(-b[3] * x) + b[4] * exp(-b[5] * x);
}

static double mgh09(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * (x * x + x * b[1]) / (x * x + x * b[2] + b[3]);
}

static double mgh10(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * exp(b[1] / (x + b[2]));
}

static double cubic_over_cubic(const double *b, size_t n, double x)
{
    (void)n;
    double num = b[0] + x * (b[1] + x * (b[2] + x * b[3]));
    double den = 1.0 + x * (b[4] + x * (b[5] + x * b[6]));
    return num / den;
}

static double kirby2(const double *b, size_t n, double x)
{
    (void)n;
    return (b[0] + x * (b[1] + x * b[2])) / (1.0 + x * (b[3] + x * b[4]));
}

static double bennett5(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * pow(b[1] + x, -1.0 / b[2]);
}

static double eckerle4(const double *b, size_t n, double x)
{
    (void)n;
    double z = (x - b[2]) / b[1];
    return (b[0] / b[1]) * exp(-0.5 * z * z);
}

static double rat42(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] / (1.0 + exp(b[1] - b[2] * x));
}

static double rat43(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] / pow(1.0 + exp(b[1] - b[2] * x), 1.0 / b[3]);
}

static double danwood(const double *b, size_t n, double x)
{
    (void)n;
    return b[0] * pow(x, b[1]);
}

static double gauss(const double *b, size_t n, double x)
{
    (void)n;
    double u = (x - b[3]) / b[4], v = (x - b[6]) / b[7];
    return b[0] * exp(-b[1] * x) + b[2] * exp(-u * u) + b[5] * exp(-v * v);
}

static const builtin_model models[] = {
    {"exponential", 3, "a*exp(-b*x) + c", exponential},
    {"gaussian", 3, "a*exp(-(x-mu)^2/(2*s^2))", gaussian},
    {"logistic", 3, "L/(1+exp(-k*(x-x0)))", logistic},
    {"polynomial", 0, "c0*x^d + c1*x^(d-1) + ... + cd", polynomial},
    {"misra1a", 2, "b1*(1-exp(-b2*x))", misra1a},
    {"misra1b", 2, "b1*(1-(1+b2*x/2)^(-2))", misra1b},
    {"boxbod", 2, "b1*(1-exp(-b2*x))", misra1a},
    {"chwirut1", 3, "exp(-b1*x)/(b2+b3*x)", chwirut},
    {"chwirut2", 3, "exp(-b1*x)/(b2+b3*x)", chwirut},
    {"lanczos1", 6, "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)", lanczos},
    {"lanczos2", 6, "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)", lanczos},
    {"lanczos3", 6, "b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)", lanczos},
    {"mgh09", 4, "b1*(x^2+x*b2)/(x^2+x*b3+b4)", mgh09},
    {"mgh10", 3, "b1*exp(b2/(x+b3))", mgh10},
    {"thurber", 7, "(b1+b2*x+b3*x^2+b4*x^3)/(1+b5*x+b6*x^2+b7*x^3)", cubic_over_cubic},
    {"hahn1", 7, "(b1+b2*x+b3*x^2+b4*x^3)/(1+b5*x+b6*x^2+b7*x^3)", cubic_over_cubic},
    {"kirby2", 5, "(b1+b2*x+b3*x^2)/(1+b4*x+b5*x^2)", kirby2},
    {"bennett5", 3, "b1*(b2+x)^(-1/b3)", bennett5},
    {"eckerle4", 3, "(b1/b2)*exp(-0.5*((x-b3)/b2)^2)", eckerle4},
    {"rat42", 3, "b1/(1+exp(b2-b3*x))", rat42},
    {"rat43", 4, "b1/((1+exp(b2-b3*x))^(1/b4))", rat43},
    {"danwood", 2, "b1*x^b2", danwood},
    {"gauss1", 8, "b1*exp(-b2*x) + b3*exp(-((x-b4)/b5)^2) + b6*exp(-((x-b7)/b8)^2)", gauss},
    {"gauss2", 8, "b1*exp(-b2*x) + b3*exp(-((x-b4)/b5)^2) + b6*exp(-((x-b7)/b8)^2)", gauss},
};

/* The model at every x (first coordinate) for n_sets parameter vectors. */
static int builtin_batch(const double *params, size_t n_sets, size_t n_params, const double *x,
                         size_t n_data, size_t x_dim, double *y_model, void *user)
{
    const builtin_model *m = user;
    size_t stride = x_dim ? x_dim : 1;
    for (size_t k = 0; k < n_sets; ++k)
        for (size_t i = 0; i < n_data; ++i)
            y_model[k * n_data + i] = m->value(params + k * n_params, n_params, x[i * stride]);
    return 0;
}

static const builtin_model *find_model(const char *name)
{
    for (size_t i = 0; i < GPUOPT_COUNT(models); ++i)
        if (!strcasecmp(models[i].name, name))
            return &models[i];
    return NULL;
}

static gpuopt_status unknown_model(const char *name)
{
    const char *names[GPUOPT_COUNT(models)];
    for (size_t i = 0; i < GPUOPT_COUNT(models); ++i)
        names[i] = models[i].name;
    char hint[256];
    gpuopt_suggest(name, names, GPUOPT_COUNT(models), hint, sizeof hint);
    return gpuopt_set_last_error(GPUOPT_ERR_INVALID_ARGUMENT,
                                 "unknown model '%s'; nearest: %s", name, hint);
}

gpuopt_status gpuopt_fit_model_builtin(gpuopt_fit_model *model, const char *name,
                                       size_t n_params)
{
    if (!model || !name)
        return gpuopt_set_last_error(GPUOPT_ERR_NULL_POINTER,
                                     "gpuopt_fit_model_builtin: model and name must not be NULL");
    const builtin_model *m = find_model(name);
    if (!m)
        return unknown_model(name);
    if (m->n_params == 0 && n_params == 0)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "model '%s' needs n_params >= 1 (degree + 1)", m->name);
    if (m->n_params != 0 && n_params != 0 && n_params != m->n_params)
        return gpuopt_set_last_error(GPUOPT_ERR_BAD_DIMENSION,
                                     "model '%s' has %zu parameters, not %zu", m->name,
                                     m->n_params, n_params);
    *model = (gpuopt_fit_model){
        .n_params = m->n_params ? m->n_params : n_params,
        .batch = builtin_batch,
        .user = (void *)m,
        .flags = GPUOPT_CALLBACK_THREAD_SAFE,
        .name = m->name,
    };
    return GPUOPT_SUCCESS;
}

size_t gpuopt_fit_model_count(void)
{
    return GPUOPT_COUNT(models);
}

const char *gpuopt_fit_model_name(size_t i)
{
    return i < GPUOPT_COUNT(models) ? models[i].name : NULL;
}

const char *gpuopt_fit_model_formula(size_t i)
{
    return i < GPUOPT_COUNT(models) ? models[i].formula : NULL;
}

size_t gpuopt_fit_model_n_params(size_t i)
{
    return i < GPUOPT_COUNT(models) ? models[i].n_params : 0;
}
