/* Logs and checkpoints through the HDF5 C API: a log has the documented schema (docs/history.md);
 * an HDF5 file without gpuopt's format is refused as foreign; a checkpoint of another backend is
 * refused unless a backend change is allowed; a newer format version is refused; a torn row
 * after the last checkpoint is dropped on resume. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "gpuopt.h"

static char dir[256];

static const char *in_dir(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static gpuopt_context *ctx;
static gpuopt_problem *problem;

static gpuopt_optimizer *make(const char *alg, int iterations)
{
    gpuopt_optimizer *o = NULL;
    gpuopt_optimizer_create(&o, ctx, alg);
    gpuopt_optimizer_set_int(o, "stopping.max_iterations", iterations);
    return o;
}

static void text_attr(hid_t loc, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8); /* gpuopt writes UTF-8 strings */
    char *s = NULL;
    if (a >= 0 && H5Aread(a, t, &s) >= 0 && s) {
        snprintf(out, len, "%s", s);
        H5free_memory(s);
    }
    H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
}

static long long int_attr(hid_t loc, const char *name)
{
    long long v = -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a >= 0) {
        H5Aread(a, H5T_NATIVE_LLONG, &v);
        H5Aclose(a);
    }
    return v;
}

/* The dataset's shape: rank, and dims[0..1]. */
static int shape(hid_t f, const char *name, hsize_t dims[2])
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t s = H5Dget_space(d);
    dims[1] = 0;
    int rank = H5Sget_simple_extent_dims(s, dims, NULL);
    H5Sclose(s);
    H5Dclose(d);
    return rank;
}

static void check_root(hid_t f)
{
    char text[128];
    text_attr(f, "format", text, sizeof text);
    CHECK(strcmp(text, "gpuopt log") == 0);
    text_attr(f, "algorithm", text, sizeof text);
    CHECK(strcmp(text, "neldermead") == 0);
    text_attr(f, "problem", text, sizeof text);
    CHECK(strcmp(text, "rosenbrock") == 0);
    text_attr(f, "backend", text, sizeof text);
    CHECK(strcmp(text, "cpu") == 0);
    CHECK(int_attr(f, "format_version") == 1 && int_attr(f, "dim") == 3);
    CHECK(int_attr(f, "seed") == 99 && int_attr(f, "n_resumes") == 0);
    hid_t g = H5Gopen2(f, "options", H5P_DEFAULT);
    text_attr(g, "stopping.max_iterations", text, sizeof text);
    CHECK(strcmp(text, "50") == 0);
    H5Gclose(g);
}

static void check_records(hid_t f, const gpuopt_result *r)
{
    hsize_t dims[2];
    long long n = gpuopt_result_n_iterations(r);
    const char *columns[] = {"iterations/iteration", "iterations/n_evaluations",
                             "iterations/best_f", "iterations/iteration_f",
                             "iterations/elapsed", "iterations/restart"};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; ++i)
        CHECK_MSG(shape(f, columns[i], dims) == 1 && (long long)dims[0] == n, "%s", columns[i]);
    CHECK(shape(f, "iterations/best_x", dims) == 2 && (long long)dims[0] == n && dims[1] == 3);
    CHECK(shape(f, "lower", dims) == 1 && dims[0] == 3);
    CHECK(H5Lexists(f, "iterations/report", H5P_DEFAULT) > 0);
    double *best = malloc((size_t)n * sizeof *best);
    hid_t d = H5Dopen2(f, "iterations/best_f", H5P_DEFAULT);
    CHECK(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, best) >= 0);
    CHECK(n > 0 && best[n - 1] == gpuopt_result_fun(r));
    H5Dclose(d);
    free(best);
    hid_t g = H5Gopen2(f, "result", H5P_DEFAULT);
    char text[64];
    text_attr(g, "stop_reason", text, sizeof text);
    CHECK(strcmp(text, "max_iterations") == 0);
    CHECK(int_attr(g, "n_evaluations") == gpuopt_result_n_evaluations(r));
    H5Gclose(g);
}

static void test_log_schema(void)
{
    const char *log = in_dir("nm.h5");
    gpuopt_optimizer *o = make("neldermead", 50);
    gpuopt_optimizer_set_log(o, log, 0);
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_minimize(o, problem, &r), GPUOPT_STOP_MAX_ITERATIONS);
    hid_t f = H5Fopen(log, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0 && r) {
        check_root(f);
        check_records(f, r);
        H5Fclose(f);
    }
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
}

/* A valid HDF5 file that gpuopt did not write. */
static void test_foreign_hdf5(void)
{
    const char *path = in_dir("foreign.h5");
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    double v[3] = {1, 2, 3};
    hsize_t n = 3;
    hid_t s = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(f, "data", H5T_NATIVE_DOUBLE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Sclose(s);
    H5Fclose(f);
    gpuopt_checkpoint_info info;
    CHECK_STATUS(gpuopt_checkpoint_read_info(path, &info), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "not a gpuopt checkpoint");
    gpuopt_log_data *data = NULL;
    CHECK_STATUS(gpuopt_log_read(path, &data), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "not a gpuopt log");
}

static void set_text_attr(const char *path, const char *name, const char *value)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Adelete(f, name);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &value);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
    H5Fclose(f);
}

/* A checkpoint that says it was saved on OpenCL: refused, then allowed. */
static void test_backend_change(void)
{
    const char *ckpt = in_dir("de.ckpt");
    gpuopt_optimizer *o = make("de", 30), *whole = make("de", 30);
    gpuopt_result *r = NULL, *full = NULL;
    gpuopt_minimize(whole, problem, &full);
    gpuopt_optimizer_setup(o, problem);
    CHECK_STATUS(gpuopt_optimizer_save_checkpoint(o, ckpt), GPUOPT_SUCCESS);
    gpuopt_optimizer_destroy(&o);
    set_text_attr(ckpt, "backend", "opencl");
    o = make("de", 30);
    CHECK_STATUS(gpuopt_optimizer_resume(o, problem, ckpt, 0), GPUOPT_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(gpuopt_optimizer_errmsg(o), "backend 'opencl', not 'cpu'");
    CHECK_STATUS(gpuopt_optimizer_resume(o, problem, ckpt, GPUOPT_RESUME_ALLOW_BACKEND_CHANGE),
                 GPUOPT_SUCCESS);
    gpuopt_optimizer_continue(o, problem, &r);
    CHECK(r && full && gpuopt_result_fun(r) == gpuopt_result_fun(full));
    gpuopt_result_destroy(&r);
    gpuopt_result_destroy(&full);
    gpuopt_optimizer_destroy(&o);
    gpuopt_optimizer_destroy(&whole);
}

static void test_newer_format(void)
{
    const char *ckpt = in_dir("de.ckpt");
    hid_t f = H5Fopen(ckpt, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Adelete(f, "format_version");
    long long two = 2;
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "format_version", H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &two);
    H5Aclose(a);
    H5Sclose(s);
    H5Fclose(f);
    gpuopt_checkpoint_info info;
    CHECK_STATUS(gpuopt_checkpoint_read_info(ckpt, &info), GPUOPT_ERR_IO);
    CHECK_CONTAINS(gpuopt_last_error(), "format version 2");
}

/* Reads the log's iteration column into it (at most cap values); returns the row count. */
static size_t read_iterations(const char *log, long long *it, size_t cap)
{
    hid_t f = H5Fopen(log, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, "iterations/iteration", H5P_DEFAULT) : -1;
    hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t n = 0;
    if (sp >= 0)
        H5Sget_simple_extent_dims(sp, &n, NULL);
    if (n > cap || (n && H5Dread(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, it) < 0))
        n = 0;
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (f >= 0)
        H5Fclose(f);
    return (size_t)n;
}

/* A kill can leave a torn row after the last checkpoint (the dataset's extent on disk, its
 * data not: a row of zeros). Resuming drops it with every row after the checkpoint, and the
 * log ends with each iteration exactly once. */
static void test_torn_row_after_checkpoint(void)
{
    const char *log = in_dir("torn.h5"), *ckpt = in_dir("torn.ckpt");
    gpuopt_optimizer *o = make("neldermead", 10);
    gpuopt_optimizer_set_log(o, log, 0);
    gpuopt_optimizer_set_checkpoint(o, ckpt, 1, 0);
    CHECK_STATUS(gpuopt_minimize(o, problem, NULL), GPUOPT_STOP_MAX_ITERATIONS);
    gpuopt_optimizer_destroy(&o);
    /* the stop iteration (10) is not saved: the checkpoint is at 9; tear row 10 */
    hid_t f = H5Fopen(log, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, "iterations/iteration", H5P_DEFAULT) : -1;
    hid_t file_space = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t at = 9, one = 1;
    long long zero = 0;
    hid_t mem = H5Screate_simple(1, &one, NULL);
    CHECK(file_space >= 0 &&
          H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &at, NULL, &one, NULL) >= 0 &&
          H5Dwrite(d, H5T_NATIVE_LLONG, mem, file_space, H5P_DEFAULT, &zero) >= 0);
    H5Sclose(mem);
    if (file_space >= 0)
        H5Sclose(file_space);
    if (d >= 0)
        H5Dclose(d);
    if (f >= 0)
        H5Fclose(f);
    o = make("neldermead", 10);
    gpuopt_optimizer_set_log(o, log, 0); /* a resumed run continues its log */
    gpuopt_result *r = NULL;
    CHECK_STATUS(gpuopt_optimizer_resume(o, problem, ckpt, 0), GPUOPT_SUCCESS);
    CHECK_STATUS(gpuopt_optimizer_continue(o, problem, &r), GPUOPT_STOP_MAX_ITERATIONS);
    long long it[64];
    size_t n = read_iterations(log, it, 64);
    int consecutive = n == 10;
    for (size_t i = 0; i < n; ++i)
        consecutive &= it[i] == (long long)i + 1;
    CHECK_MSG(consecutive, "after the resume the log has %zu rows, row 10 = %lld", n,
              n >= 10 ? it[9] : -1LL);
    gpuopt_result_destroy(&r);
    gpuopt_optimizer_destroy(&o);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gpuopt_h5_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    gpuopt_context_create(&ctx, "cpu");
    gpuopt_context_set_seed(ctx, 99);
    gpuopt_problem_create_builtin(&problem, "rosenbrock", 3);
    test_log_schema();
    test_foreign_hdf5();
    test_backend_change();
    test_newer_format();
    test_torn_row_after_checkpoint();
    gpuopt_problem_destroy(&problem);
    gpuopt_context_destroy(&ctx);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_finish();
}
