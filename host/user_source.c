/* Source criteria: the intern table, the program text per compiler, build failures, and the
 * evaluation of source and device criteria on host memory. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu/cpu_popops.h"
#include "user_source.h"

/* ------------------------------------------------------------------ intern table */

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static gpuopt_user_source *interned;

static uint64_t fnv1a(uint64_t h, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        h = (h ^ (unsigned char)bytes[i]) * 0x100000001b3ull;
    return h;
}

static char *copy_text(const char *text, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, text, n);
        c[n] = '\0';
    }
    return c;
}

static gpuopt_user_source *new_entry(const char *text, size_t length, const char *name,
                                     uint64_t hash, const gpuopt_source_shape *shape)
{
    gpuopt_user_source *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->text = copy_text(text, length);
    s->name = copy_text(name, strlen(name));
    if (!s->text || !s->name) {
        free(s->text);
        free(s->name);
        free(s);
        return NULL;
    }
    s->length = length;
    s->hash = hash;
    s->n_outputs = shape->n_outputs;
    s->constant_bytes = shape->constant_bytes;
    return s;
}

const gpuopt_user_source *gpuopt_user_source_intern(const char *text, size_t length,
                                                    const char *name)
{
    const gpuopt_source_shape scalar = {0, 0};
    return gpuopt_user_source_intern_shaped(text, length, name, &scalar);
}

static int same_entry(const gpuopt_user_source *s, const char *text, size_t length,
                      const char *name, uint64_t hash, const gpuopt_source_shape *shape)
{
    return s->hash == hash && s->length == length && s->n_outputs == shape->n_outputs &&
           s->constant_bytes == shape->constant_bytes && !strcmp(s->name, name) &&
           !memcmp(s->text, text, length);
}

const gpuopt_user_source *gpuopt_user_source_intern_shaped(const char *text, size_t length,
                                                           const char *name,
                                                           const gpuopt_source_shape *shape)
{
    uint64_t hash = fnv1a(fnv1a(0xcbf29ce484222325ull, name, strlen(name) + 1), text, length);
    pthread_mutex_lock(&intern_lock);
    gpuopt_user_source *s = interned;
    while (s && !same_entry(s, text, length, name, hash, shape))
        s = s->next;
    if (!s && (s = new_entry(text, length, name, hash, shape)) != NULL) {
        s->next = interned;
        interned = s;
    }
    pthread_mutex_unlock(&intern_lock);
    return s;
}

/* ------------------------------------------------------------------ program text */

/* The portability prelude users may rely on (docs/user_criteria.md). */
static const char prelude[] =
    "/* gpuopt criterion prelude */\n"
    "#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)\n"
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "#pragma OPENCL FP_CONTRACT OFF\n"
    "#define GPUOPT_GLOBAL __global\n"
    "#define GPUOPT_FN inline\n"
    "#define GPUOPT_CONSTANT __constant\n"
    "#elif defined(__CUDACC_RTC__) || defined(__CUDACC__)\n"
    "#define GPUOPT_GLOBAL\n"
    "#define GPUOPT_FN static __device__ inline\n"
    "#define GPUOPT_CONSTANT __device__ const\n"
    "#ifndef INFINITY\n"
    "#define INFINITY __longlong_as_double(0x7ff0000000000000LL)\n"
    "#endif\n"
    "#ifndef NAN\n"
    "#define NAN __longlong_as_double(0x7ff8000000000000LL)\n"
    "#endif\n"
    "#else\n"
    "#include <math.h>\n"
    "#define GPUOPT_GLOBAL\n"
    "#define GPUOPT_FN static inline\n"
    "#define GPUOPT_CONSTANT static const\n"
    "#endif\n"
    "#define GPUOPT_PI 3.14159265358979323846\n";

/* The declaration repeated after the user's text: a different signature is a compile error
 * that names both places. */
#define ENTRY_HEAD                                                                                 \
    "#line 1 \"<gpuopt criterion entry>\"\n"                                                       \
    "double criterion(GPUOPT_GLOBAL const double *x, int dim);\n"

static const char *const entries[] = {
    [GPUOPT_SOURCE_C] =
        ENTRY_HEAD "void " GPUOPT_SOURCE_HOST_ENTRY
                   "(const double *X, long long lo, long long hi, int dim, double *out);\n"
                   "void " GPUOPT_SOURCE_HOST_ENTRY
                   "(const double *X, long long lo, long long hi, int dim, double *out)\n"
                   "{\n"
                   "    for (long long i = lo; i < hi; ++i)\n"
                   "        out[i] = criterion(X + i * (long long)dim, dim);\n"
                   "}\n",
    [GPUOPT_SOURCE_OPENCL] =
        ENTRY_HEAD "__kernel void " GPUOPT_SOURCE_KERNEL
                   "(ulong n, int dim, __global const double *X, __global double *out)\n"
                   "{\n"
                   "    ulong i = get_global_id(0);\n"
                   "    if (i < n)\n"
                   "        out[i] = criterion(X + i * (ulong)dim, dim);\n"
                   "}\n",
    [GPUOPT_SOURCE_CUDA] =
        ENTRY_HEAD "extern \"C\" __global__ void " GPUOPT_SOURCE_KERNEL
                   "(unsigned long long n, int dim, const double *X, double *out)\n"
                   "{\n"
                   "    unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + "
                   "threadIdx.x;\n"
                   "    if (i < n)\n"
                   "        out[i] = criterion(X + i * (unsigned long long)dim, dim);\n"
                   "}\n",
};

/* The entries of a multi-output source: output k of point i is residual(x_i, dim, k), one
 * device thread per output; GPUOPT_N_OUTPUTS is defined before the user's text. */
#define RESIDUAL_HEAD                                                                              \
    "#line 1 \"<gpuopt residual entry>\"\n"                                                       \
    "double residual(GPUOPT_GLOBAL const double *x, int dim, int k);\n"

static const char *const residual_entries[] = {
    [GPUOPT_SOURCE_C] =
        RESIDUAL_HEAD "void " GPUOPT_SOURCE_HOST_ENTRY
                      "(const double *X, long long lo, long long hi, int dim, double *out);\n"
                      "void " GPUOPT_SOURCE_HOST_ENTRY
                      "(const double *X, long long lo, long long hi, int dim, double *out)\n"
                      "{\n"
                      "    for (long long i = lo; i < hi; ++i)\n"
                      "        for (int k = 0; k < GPUOPT_N_OUTPUTS; ++k)\n"
                      "            out[i * GPUOPT_N_OUTPUTS + k] = "
                      "residual(X + i * (long long)dim, dim, k);\n"
                      "}\n",
    [GPUOPT_SOURCE_OPENCL] =
        RESIDUAL_HEAD "__kernel void " GPUOPT_SOURCE_KERNEL
                      "(ulong n, int dim, __global const double *X, __global double *out)\n"
                      "{\n"
                      "    ulong g = get_global_id(0);\n"
                      "    if (g < n) {\n"
                      "        ulong i = g / (ulong)GPUOPT_N_OUTPUTS;\n"
                      "        out[g] = residual(X + i * (ulong)dim, dim, "
                      "(int)(g - i * (ulong)GPUOPT_N_OUTPUTS));\n"
                      "    }\n"
                      "}\n",
    [GPUOPT_SOURCE_CUDA] =
        RESIDUAL_HEAD "extern \"C\" __global__ void " GPUOPT_SOURCE_KERNEL
                      "(unsigned long long n, int dim, const double *X, double *out)\n"
                      "{\n"
                      "    unsigned long long g = (unsigned long long)blockIdx.x * blockDim.x + "
                      "threadIdx.x;\n"
                      "    if (g < n) {\n"
                      "        unsigned long long i = g / (unsigned long long)GPUOPT_N_OUTPUTS;\n"
                      "        out[g] = residual(X + i * (unsigned long long)dim, dim, "
                      "(int)(g - i * (unsigned long long)GPUOPT_N_OUTPUTS));\n"
                      "    }\n"
                      "}\n",
};

/* The name as a #line string: quotes, backslashes and control characters become '_'. */
static void line_name(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name);
    for (char *c = out; *c; ++c)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
            *c = '_';
}

char *gpuopt_user_source_program(const gpuopt_user_source *s, gpuopt_source_dialect dialect,
                                 size_t *length)
{
    char name[512];
    line_name(s->name, name, sizeof name);
    const char *entry = s->n_outputs ? residual_entries[dialect] : entries[dialect];
    char outputs[64] = "";
    if (s->n_outputs)
        snprintf(outputs, sizeof outputs, "#define GPUOPT_N_OUTPUTS %zu\n", s->n_outputs);
    size_t n = sizeof prelude + strlen(outputs) + strlen(name) + 16 + s->length + 1 +
               strlen(entry) + 1;
    char *program = malloc(n);
    if (!program)
        return NULL;
    int head = snprintf(program, n, "%s%s#line 1 \"%s\"\n", prelude, outputs, name);
    char *p = program + head;
    memcpy(p, s->text, s->length);
    p += s->length;
    if (s->length == 0 || s->text[s->length - 1] != '\n')
        *p++ = '\n';
    strcpy(p, entry);
    if (length)
        *length = (size_t)(p - program) + strlen(entry);
    return program;
}

/* ------------------------------------------------------------------ failures */

static _Thread_local char *last_log;

const char *gpuopt_user_source_last_log(void)
{
    return last_log ? last_log : "";
}

void gpuopt_user_source_clear_log(void)
{
    free(last_log);
    last_log = NULL;
}

gpuopt_status gpuopt_user_source_fail(gpuopt_backend *b, const gpuopt_user_source *s,
                                      const char *what, const char *log)
{
    const char *text = log && log[0] ? log : "(the compiler gave no message)";
    gpuopt_user_source_clear_log();
    last_log = copy_text(text, strlen(text));
    if (b)
        gpuopt_backend_fail(b, GPUOPT_ERR_SOURCE_COMPILE,
                            "criterion source '%s' failed to compile for %s (%s):\n%s", s->name,
                            b->ops->name, what, text);
    return GPUOPT_ERR_SOURCE_COMPILE;
}

/* ------------------------------------------------------------------ host evaluation */

static gpuopt_status eval_source_host(gpuopt_backend *b, const gpuopt_eval_target *t,
                                      const double *X, size_t n, double *out)
{
    gpuopt_source_rows_fn rows = NULL;
    gpuopt_status st = gpuopt_user_source_host_build(b, t->source, &rows);
    if (st != GPUOPT_SUCCESS)
        return st;
    int threads = b ? gpuopt_cpu_threads_for(b, n * t->dim) : 1; /* the built-ins' policy */
    const long long count = (long long)n;
    const int dim = (int)t->dim;
    (void)threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
    {
        long long k = omp_get_thread_num(), m = omp_get_num_threads();
        rows(X, count * k / m, count * (k + 1) / m, dim, out);
    }
#else
    rows(X, 0, count, dim, out);
#endif
    return GPUOPT_SUCCESS;
}

static int call_device_fn_on_host(const gpuopt_eval_target *t, const double *X, size_t n,
                                  double *raw)
{
    gpuopt_device_batch batch = {
        .backend = "cpu",
        .X = (void *)X,
        .out = raw,
        .n_points = n,
        .dim = t->dim,
        .n_outputs = t->n_outputs,
    };
    return t->device_fn(&batch, t->device_user);
}

gpuopt_status gpuopt_user_criterion_eval_host(gpuopt_backend *b, const gpuopt_eval_target *t,
                                              const double *X, size_t n, double *raw)
{
    if (t->source)
        return eval_source_host(b, t, X, n, raw);
    if (!t->device_fn)
        return GPUOPT_ERR_NO_CRITERION;
    if (b && b->ops->kind != GPUOPT_BACKEND_CPU)
        return gpuopt_backend_fail(b, GPUOPT_ERR_UNSUPPORTED,
                                   "device criteria are not supported by the %s backend",
                                   b->ops->name);
    return call_device_fn_on_host(t, X, n, raw) ? GPUOPT_ERR_CALLBACK : GPUOPT_SUCCESS;
}

/* The fallbacks get the problem's own target as `user`: its dim, source and device callback. */
int gpuopt_user_source_batch_fn(const double *X, size_t n, double *out, void *user)
{
    return eval_source_host(NULL, user, X, n, out) != GPUOPT_SUCCESS;
}

int gpuopt_device_criterion_batch_fn(const double *X, size_t n, double *out, void *user)
{
    return call_device_fn_on_host(user, X, n, out);
}
