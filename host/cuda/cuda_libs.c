/* cuBLAS and cuSOLVER, loaded with dlopen on first use rather than linked: they are large
 * (libcublasLt alone is over 500 MB) and run initializers at load time, which every program
 * using gpuopt would pay for, with or without a GPU. Loaded once per process and kept. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "cuda_internal.h"

#define CU_STR2(x) #x
#define CU_STR(x) CU_STR2(x)
#define CU_BLAS_SONAME "libcublas.so." CU_STR(CUBLAS_VER_MAJOR)
#define CU_SOLVER_SONAME "libcusolver.so." CU_STR(CUSOLVER_VER_MAJOR)

static gpuopt_cuda_blas blas;
static gpuopt_cuda_solver solver;
static char blas_why[512], solver_why[512];
static pthread_once_t blas_once = PTHREAD_ONCE_INIT, solver_once = PTHREAD_ONCE_INIT;

/* The library by its soname (the loader's search path), else in the toolkit the build used. */
static void *cu_dlopen(const char *soname, char *why, size_t len)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
#ifdef GPUOPT_CUDA_LIBRARY_DIR
    if (!h) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", GPUOPT_CUDA_LIBRARY_DIR, soname);
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    }
#endif
    if (!h) {
        const char *err = dlerror();
        snprintf(why, len, "dlopen(%s): %s", soname, err ? err : "not found");
    }
    return h;
}

/* Looks up each name into the matching slot; 0 (with why set) when one is missing. */
static int cu_dlsym_all(void *h, const char *const *names, void **slots, size_t count,
                        const char *soname, char *why, size_t len)
{
    for (size_t i = 0; i < count; ++i) {
        slots[i] = dlsym(h, names[i]);
        if (!slots[i]) {
            snprintf(why, len, "%s has no symbol %s", soname, names[i]);
            return 0;
        }
    }
    return 1;
}

static void cu_load_blas(void)
{
    static const char *const names[] = {"cublasCreate_v2", "cublasDestroy_v2",
                                        "cublasSetStream_v2", "cublasDgemm_v2",
                                        "cublasGetStatusName", "cublasGetStatusString"};
    void *slots[6];
    void *h = cu_dlopen(CU_BLAS_SONAME, blas_why, sizeof blas_why);
    if (!h || !cu_dlsym_all(h, names, slots, 6, CU_BLAS_SONAME, blas_why, sizeof blas_why))
        return;
    blas.create = (__typeof__(blas.create))slots[0];
    blas.destroy = (__typeof__(blas.destroy))slots[1];
    blas.set_stream = (__typeof__(blas.set_stream))slots[2];
    blas.dgemm = (__typeof__(blas.dgemm))slots[3];
    blas.status_name = (__typeof__(blas.status_name))slots[4];
    blas.status_string = (__typeof__(blas.status_string))slots[5];
    blas.loaded = 1;
}

static void cu_load_solver(void)
{
    static const char *const names[] = {"cusolverDnCreate", "cusolverDnDestroy",
                                        "cusolverDnSetStream", "cusolverDnDsyevd_bufferSize",
                                        "cusolverDnDsyevd"};
    void *slots[5];
    void *h = cu_dlopen(CU_SOLVER_SONAME, solver_why, sizeof solver_why);
    if (!h ||
        !cu_dlsym_all(h, names, slots, 5, CU_SOLVER_SONAME, solver_why, sizeof solver_why))
        return;
    solver.create = (__typeof__(solver.create))slots[0];
    solver.destroy = (__typeof__(solver.destroy))slots[1];
    solver.set_stream = (__typeof__(solver.set_stream))slots[2];
    solver.syevd_buffer_size = (__typeof__(solver.syevd_buffer_size))slots[3];
    solver.syevd = (__typeof__(solver.syevd))slots[4];
    solver.loaded = 1;
}

const gpuopt_cuda_blas *gpuopt_cuda_blas_lib(const char **why)
{
    pthread_once(&blas_once, cu_load_blas);
    *why = blas_why;
    return blas.loaded ? &blas : NULL;
}

const gpuopt_cuda_solver *gpuopt_cuda_solver_lib(const char **why)
{
    pthread_once(&solver_once, cu_load_solver);
    *why = solver_why;
    return solver.loaded ? &solver : NULL;
}
