/* User criteria on the CUDA device: source criteria compiled with NVRTC (--fmad=false, the
 * user's functions device code by default) and loaded as a runtime library, once per backend
 * instance and source; device batch callbacks given the device pointers and the stream. */
#include <nvrtc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"
#include "cuda_source.h"

struct gpuopt_cuda_sources {
    const gpuopt_user_source *source;
    int device;
    cudaLibrary_t library;
    cudaKernel_t kernel;
    struct gpuopt_cuda_sources *next;
};

/* ------------------------------------------------------------------ NVRTC */

static char *text_copy(const char *text)
{
    char *c = malloc(strlen(text) + 1);
    if (c)
        strcpy(c, text);
    return c;
}

/* "sm_90" when NVRTC can make a CUBIN for the device, else "compute_<newest it knows>". */
static void target_arch(int arch, char *out, size_t len)
{
    int n = 0, best = 0, exact = 0;
    if (nvrtcGetNumSupportedArchs(&n) == NVRTC_SUCCESS && n > 0) {
        int *archs = malloc((size_t)n * sizeof *archs);
        if (archs && nvrtcGetSupportedArchs(archs) == NVRTC_SUCCESS)
            for (int i = 0; i < n; ++i) {
                exact |= archs[i] == arch;
                best = archs[i] > best ? archs[i] : best;
            }
        free(archs);
    }
    if (exact || best == 0)
        snprintf(out, len, "--gpu-architecture=sm_%d", arch);
    else
        snprintf(out, len, "--gpu-architecture=compute_%d", best);
}

static char *program_log(nvrtcProgram prog)
{
    size_t size = 0;
    if (nvrtcGetProgramLogSize(prog, &size) != NVRTC_SUCCESS)
        return NULL;
    char *log = malloc(size + 1);
    if (log && nvrtcGetProgramLog(prog, log) != NVRTC_SUCCESS)
        log[0] = '\0';
    if (log)
        log[size] = '\0';
    return log;
}

/* The compiled image: a CUBIN for sm_ targets, else PTX. */
static nvrtcResult take_image(nvrtcProgram prog, int cubin, void **image, size_t *size)
{
    nvrtcResult r = cubin ? nvrtcGetCUBINSize(prog, size) : nvrtcGetPTXSize(prog, size);
    if (r != NVRTC_SUCCESS)
        return r;
    *image = malloc(*size ? *size : 1);
    if (!*image)
        return NVRTC_ERROR_OUT_OF_MEMORY;
    r = cubin ? nvrtcGetCUBIN(prog, *image) : nvrtcGetPTX(prog, *image);
    if (r != NVRTC_SUCCESS) {
        free(*image);
        *image = NULL;
    }
    return r;
}

gpuopt_status gpuopt_cuda_compile_source(const gpuopt_user_source *s, int arch, void **image,
                                         size_t *size, char **log)
{
    *image = NULL;
    *size = 0;
    *log = NULL;
    char *text = gpuopt_user_source_program(s, GPUOPT_SOURCE_CUDA, NULL);
    if (!text) {
        *log = text_copy("out of host memory");
        return GPUOPT_ERR_OUT_OF_MEMORY;
    }
    char gpu[48];
    target_arch(arch, gpu, sizeof gpu);
    const char *options[] = {gpu, "--fmad=false", "--device-as-default-execution-space"};
    nvrtcProgram prog;
    nvrtcResult r = nvrtcCreateProgram(&prog, text, s->name, 0, NULL, NULL);
    free(text);
    if (r != NVRTC_SUCCESS) {
        *log = text_copy(nvrtcGetErrorString(r));
        return GPUOPT_ERR_BACKEND;
    }
    r = nvrtcCompileProgram(prog, 3, options);
    gpuopt_status st = GPUOPT_SUCCESS;
    if (r == NVRTC_ERROR_COMPILATION) {
        *log = program_log(prog);
        st = GPUOPT_ERR_SOURCE_COMPILE;
    } else if (r == NVRTC_SUCCESS) {
        r = take_image(prog, strstr(gpu, "sm_") != NULL, image, size);
    }
    if (st == GPUOPT_SUCCESS && r != NVRTC_SUCCESS) {
        *log = text_copy(nvrtcGetErrorString(r));
        st = GPUOPT_ERR_BACKEND;
    }
    nvrtcDestroyProgram(&prog);
    return st;
}

/* ------------------------------------------------------------------ builds */

static gpuopt_status device_arch(gpuopt_backend *b, int device, int *arch)
{
    int major = 0, minor = 0;
    cudaError_t err = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
    if (err == cudaSuccess)
        err = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaDeviceGetAttribute", "compute capability");
    *arch = major * 10 + minor;
    return GPUOPT_SUCCESS;
}

static gpuopt_status load(gpuopt_backend *b, struct gpuopt_cuda_sources *e, const void *image)
{
    cudaError_t err = cudaLibraryLoadData(&e->library, image, NULL, NULL, 0, NULL, NULL, 0);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaLibraryLoadData", e->source->name);
    err = cudaLibraryGetKernel(&e->kernel, e->library, GPUOPT_SOURCE_KERNEL);
    if (err != cudaSuccess)
        return gpuopt_cuda_fail(b, err, "cudaLibraryGetKernel", GPUOPT_SOURCE_KERNEL);
    return GPUOPT_SUCCESS;
}

static gpuopt_status build(gpuopt_backend *b, struct gpuopt_cuda_sources *e)
{
    int arch = 0;
    gpuopt_status st = device_arch(b, e->device, &arch);
    void *image = NULL;
    size_t size = 0;
    char *log = NULL;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_compile_source(e->source, arch, &image, &size, &log);
    if (st == GPUOPT_ERR_SOURCE_COMPILE) {
        char what[32];
        snprintf(what, sizeof what, "NVRTC, sm_%d", arch);
        st = gpuopt_user_source_fail(b, e->source, what, log);
    } else if (st != GPUOPT_SUCCESS && log) {
        st = gpuopt_backend_fail(b, st, "NVRTC cannot compile criterion source '%s': %s",
                                 e->source->name, log);
    } else if (st == GPUOPT_SUCCESS) {
        st = load(b, e, image);
    }
    free(image);
    free(log);
    return st;
}

static void unload(struct gpuopt_cuda_sources *e)
{
    if (e->library && cudaLibraryUnload(e->library) != cudaSuccess)
        (void)cudaGetLastError();
    free(e);
}

void gpuopt_cuda_sources_free(gpuopt_cuda_sources **sources)
{
    while (*sources) {
        struct gpuopt_cuda_sources *next = (*sources)->next;
        unload(*sources);
        *sources = next;
    }
}

size_t gpuopt_cuda_source_builds(const gpuopt_cuda_sources *sources)
{
    size_t n = 0;
    for (; sources; sources = sources->next)
        ++n;
    return n;
}

/* The build of s for the instance's device, made on first use. A failed build is not kept. */
static gpuopt_status find_build(gpuopt_backend *b, gpuopt_cuda_sources **sources,
                                const gpuopt_user_source *s, struct gpuopt_cuda_sources **out)
{
    int device = cu_of(b)->device;
    for (struct gpuopt_cuda_sources *e = *sources; e; e = e->next)
        if (e->source == s && e->device == device) {
            *out = e;
            return GPUOPT_SUCCESS;
        }
    struct gpuopt_cuda_sources *e = calloc(1, sizeof *e);
    if (!e)
        return gpuopt_backend_fail(b, GPUOPT_ERR_OUT_OF_MEMORY, "out of host memory");
    e->source = s;
    e->device = device;
    gpuopt_status st = build(b, e);
    if (st != GPUOPT_SUCCESS) {
        unload(e);
        return st;
    }
    e->next = *sources;
    *sources = e;
    *out = e;
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------ evaluation */

static dim3 dim3_of(unsigned x)
{
    dim3 d = {x, 1, 1};
    return d;
}

gpuopt_status gpuopt_cuda_eval_source(gpuopt_backend *b, gpuopt_cuda_sources **sources,
                                      const gpuopt_eval_target *t, gpuopt_dptr X, size_t n,
                                      gpuopt_dptr raw, gpuopt_dptr f)
{
    size_t outputs = t->source->n_outputs;
    if (outputs && !raw)
        return gpuopt_backend_fail(b, GPUOPT_ERR_NULL_POINTER, "evaluate: NULL raw buffer");
    if (outputs && n > SIZE_MAX / outputs)
        return gpuopt_backend_fail(b, GPUOPT_ERR_INVALID_ARGUMENT,
                                   "evaluate: %zu points x %zu outputs are too many", n, outputs);
    size_t items = outputs ? n * outputs : n;
    struct gpuopt_cuda_sources *e = NULL;
    gpuopt_status st = gpuopt_cuda_enter(b);
    if (st == GPUOPT_SUCCESS)
        st = find_build(b, sources, t->source, &e);
    gpuopt_cuda_launch l;
    if (st == GPUOPT_SUCCESS)
        st = gpuopt_cuda_grid(b, GPUOPT_SOURCE_KERNEL, items, 0, &l);
    if (st != GPUOPT_SUCCESS)
        return st;
    unsigned long long count = items;
    int dim = (int)t->dim;
    const double *x = X;
    double *out = outputs ? raw : f;
    void *args[] = {&count, &dim, &x, &out};
    (void)cudaGetLastError(); /* the result below is this launch's */
    cudaError_t err = cudaLaunchKernel((const void *)e->kernel, dim3_of(l.blocks),
                                       dim3_of(l.threads), args, 0, l.stream);
    st = gpuopt_cuda_launched(b, err, GPUOPT_SOURCE_KERNEL);
    return st == GPUOPT_SUCCESS && outputs ? gpuopt_cuda_aggregate(b, t->kind, raw, n, outputs, f)
                                           : st;
}

gpuopt_status gpuopt_cuda_eval_device_fn(gpuopt_backend *b, const gpuopt_eval_target *t,
                                         gpuopt_dptr X, size_t n, gpuopt_dptr raw,
                                         gpuopt_dptr f)
{
    cu_impl *c = cu_of(b);
    gpuopt_status st = gpuopt_cuda_enter(b);
    if (st != GPUOPT_SUCCESS)
        return st;
    gpuopt_device_batch batch = {
        .backend = "cuda",
        .X = X,
        .out = raw,
        .n_points = n,
        .dim = t->dim,
        .n_outputs = t->n_outputs,
        .queue = (void *)c->stream,
        .device_ordinal = c->device,
    };
    if (t->device_fn(&batch, t->device_user))
        return gpuopt_backend_fail(b, GPUOPT_ERR_CALLBACK,
                                   "the device criterion callback returned an error");
    return gpuopt_cuda_aggregate(b, t->kind, raw, n, t->n_outputs, f);
}
