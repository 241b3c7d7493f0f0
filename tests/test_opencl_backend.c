/* The OpenCL backend itself: device discovery and description, `auto` on a machine without a
 * GPU, device out-of-memory (a status naming the sizes), kernel launch failures (the OpenCL
 * error by name), argsort with NaN keys. Reported skipped (77) when OpenCL is not compiled in
 * or has no device.
 *
 * With --expect-no-device (run with OCL_ICD_VENDORS pointing nowhere, see
 * tests/opencl/CMakeLists.txt) it checks the errors instead: no device counted, a clear error
 * for --backend opencl, and `auto` falling back to the CPU. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "gpuopt.h"
#include "host/backend.h"
#ifdef GPUOPT_HAVE_OPENCL
#include "host/opencl/opencl_internal.h"
#endif

#ifdef GPUOPT_HAVE_OPENCL

static void test_discovery(void)
{
    const gpuopt_backend_ops *ops = &gpuopt_backend_opencl;
    char why[256];
    int n = ops->device_count(0, why, sizeof why), gpus = ops->device_count(1, why, sizeof why);
    CHECK(n >= 1 && gpus >= 0 && gpus <= n);
    gpuopt_device_info info;
    CHECK_STATUS(ops->device_info(0, &info), GPUOPT_SUCCESS);
    CHECK(info.name[0] != '\0' && info.vendor[0] != '\0');
    CHECK(info.memory_bytes > 0 && info.compute_units >= 1 && info.double_support == 1);
    CHECK_STATUS(ops->device_info(n, &info), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(ops->device_info(-1, &info), GPUOPT_ERR_INVALID_ARGUMENT);
    gpuopt_backend_info bi;
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        CHECK_STATUS(gpuopt_backend_info_at(i, &bi), GPUOPT_SUCCESS);
        if (!strcmp(bi.name, "opencl"))
            CHECK(bi.compiled_in && bi.n_devices == n);
    }
    gpuopt_device_description d;
    CHECK_STATUS(gpuopt_backend_device("opencl", 0, &d), GPUOPT_SUCCESS);
    CHECK(!strcmp(d.name, info.name) && d.double_support);
    CHECK(ops->is_gpu && ops->kind == GPUOPT_BACKEND_OPENCL);
}

/* `auto` takes OpenCL only for a GPU: on PoCL (a CPU device) it falls back to the CPU. */
static void test_auto(void)
{
    char why[256];
    int gpus = gpuopt_backend_opencl.device_count(1, why, sizeof why);
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "auto"), GPUOPT_SUCCESS);
    if (!ctx)
        return;
    if (gpus == 0) {
        CHECK(!strcmp(gpuopt_context_backend(ctx), "cpu"));
        CHECK_CONTAINS(gpuopt_context_message(ctx), "no GPU");
    } else {
        CHECK(strcmp(gpuopt_context_backend(ctx), "cpu") != 0);
    }
    gpuopt_context_destroy(&ctx);
}

static void test_out_of_memory(gpuopt_backend *b)
{
    gpuopt_dptr p = (gpuopt_dptr)&p;
    CHECK_STATUS(b->ops->alloc(b, (size_t)1 << 60, &p), GPUOPT_ERR_OUT_OF_MEMORY);
    CHECK(p == NULL);
    CHECK_CONTAINS(b->error, "1152921504606846976 bytes");
    CHECK_CONTAINS(b->error, "device memory");
    CHECK_CONTAINS(b->error, "largest buffer");
    CHECK_STATUS(b->ops->alloc(b, 64, &p), GPUOPT_SUCCESS); /* the device still works */
    b->ops->release(b, p);
}

/* A population that cannot fit: the run stops with the buffer, its size and the device's. */
static void test_population_too_large(void)
{
    gpuopt_context *ctx = NULL;
    gpuopt_problem *p = NULL;
    gpuopt_optimizer *o = NULL;
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "opencl"), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_problem_create_builtin(&p, "sphere", 1000), GPUOPT_SUCCESS);
    const char *algs[] = {"de", "pso"};
    for (int a = 0; a < 2 && ctx && p; ++a) {
        CHECK_STATUS(gpuopt_optimizer_create(&o, ctx, algs[a]), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=400000000"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_minimize(o, p, &r), GPUOPT_ERR_OUT_OF_MEMORY);
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "3200000000000 bytes");
        CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "device memory");
        gpuopt_result_destroy(&r);
        /* the same optimizer runs a feasible problem afterwards */
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "population_size=20"), GPUOPT_SUCCESS);
        CHECK_STATUS(gpuopt_optimizer_set_option(o, "stopping.max_iterations=5"), GPUOPT_SUCCESS);
        CHECK(gpuopt_minimize(o, p, &r) > 0);
        gpuopt_result_destroy(&r);
        gpuopt_optimizer_destroy(&o);
    }
    gpuopt_problem_destroy(&p);
    gpuopt_context_destroy(&ctx);
}

/* Launch failures come back as the OpenCL error by name, with the kernel's name. */
static void test_launch_failures(gpuopt_backend *b)
{
    gpuopt_dptr out = NULL;
    CHECK_STATUS(b->ops->alloc(b, 1024 * sizeof(double), &out), GPUOPT_SUCCESS);
    ocl_arg args[] = {OCL_U64(1024), OCL_U64(1), OCL_U64(2), OCL_U64(0), OCL_MEM(out)};
    CHECK_STATUS(gpuopt_opencl_launch(b, OCL_K_FILL_UNIFORM, 1u << 30, 1u << 30, args, 5),
                 GPUOPT_ERR_BACKEND);
    CHECK_CONTAINS(b->error, "clEnqueueNDRangeKernel(fill_uniform): CL_INVALID_WORK_GROUP_SIZE");
    ocl_arg extra[] = {OCL_U64(1024), OCL_U64(1), OCL_U64(2), OCL_U64(0), OCL_MEM(out),
                       OCL_U64(0)};
    CHECK_STATUS(gpuopt_opencl_launch(b, OCL_K_FILL_UNIFORM, 1024, 0, extra, 6),
                 GPUOPT_ERR_BACKEND);
    CHECK_CONTAINS(b->error, "clSetKernelArg(fill_uniform, argument 5): CL_INVALID_ARG_INDEX");
    /* the queue is still usable */
    double u[4];
    CHECK_STATUS(b->ops->fill_uniform(b, out, 1024, 5, 6, 0), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->read(b, u, out, 0, sizeof u), GPUOPT_SUCCESS);
    CHECK(u[0] >= 0.0 && u[0] < 1.0);
    CHECK_STATUS(b->ops->read(b, u, out, 1024 * sizeof(double), sizeof u), GPUOPT_ERR_BACKEND);
    CHECK_CONTAINS(b->error, "clEnqueueReadBuffer(32 bytes at offset 8192): CL_INVALID_VALUE");
    b->ops->release(b, out);
}

/* NaN keys (where the CPU's merge sort has no defined order) sort last, ties by index. */
static void test_argsort_nan(gpuopt_backend *b)
{
    const double f[7] = {3, NAN, -1, 3, NAN, -INFINITY, 0};
    const uint32_t want[7] = {5, 2, 6, 0, 3, 1, 4};
    uint32_t got[7];
    gpuopt_dptr fd = NULL, idx = NULL;
    CHECK_STATUS(b->ops->alloc(b, sizeof f, &fd), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->alloc(b, sizeof got, &idx), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->write(b, fd, 0, f, sizeof f), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->argsort(b, fd, 7, idx), GPUOPT_SUCCESS);
    CHECK_STATUS(b->ops->read(b, got, idx, 0, sizeof got), GPUOPT_SUCCESS);
    CHECK(!memcmp(got, want, sizeof want));
    b->ops->release(b, fd);
    b->ops->release(b, idx);
}

static int run_with_device(void)
{
    gpuopt_backend *b = NULL;
    test_discovery();
    CHECK_STATUS(gpuopt_backend_open(&b, &gpuopt_backend_opencl, 2), GPUOPT_SUCCESS);
    if (b && b->impl) {
        CHECK(b->device[0] != '\0');
        test_out_of_memory(b);
        test_launch_failures(b);
        test_argsort_nan(b);
    }
    gpuopt_backend_close(&b);
    test_auto();
    test_population_too_large();
    return check_finish();
}
#endif /* GPUOPT_HAVE_OPENCL */

/* No device (the ICD loader finds no platform): clear errors, and `auto` uses the CPU. */
static int run_without_device(void)
{
    gpuopt_backend_info bi;
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        CHECK_STATUS(gpuopt_backend_info_at(i, &bi), GPUOPT_SUCCESS);
        if (!strcmp(bi.name, "opencl")) {
            CHECK(bi.n_devices == 0);
            CHECK_CONTAINS(bi.note, bi.compiled_in ? "no OpenCL platform" : "not compiled");
        }
    }
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, "opencl"), GPUOPT_ERR_BACKEND_UNAVAILABLE);
    CHECK(ctx == NULL);
    CHECK_CONTAINS(gpuopt_last_error(), "opencl");
    CHECK_CONTAINS(gpuopt_last_error(), "no usable device");
    CHECK_STATUS(gpuopt_context_create(&ctx, "auto"), GPUOPT_SUCCESS);
    CHECK(ctx && !strcmp(gpuopt_context_backend(ctx), "cpu"));
    gpuopt_context_destroy(&ctx);
    return check_finish();
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--expect-no-device"))
        return run_without_device();
#ifdef GPUOPT_HAVE_OPENCL
    char why[256] = "";
    if (gpuopt_backend_opencl.device_count(0, why, sizeof why) <= 0) {
        printf("skipped: no OpenCL device (%s)\n", why);
        return CHECK_SKIP_EXIT;
    }
    return run_with_device();
#else
    printf("skipped: the OpenCL backend is not compiled into this build\n");
    return CHECK_SKIP_EXIT;
#endif
}
