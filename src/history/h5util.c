/* Small HDF5 helpers (see h5util.h). */
#include "h5util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t h5_lock = PTHREAD_MUTEX_INITIALIZER;

void h5_enter(void)
{
    static int started;
    pthread_mutex_lock(&h5_lock);
    if (!started) {
        /* No clean-up by HDF5 at exit: it would try again to close a file whose close failed
         * (a full disk) and crash. Only takes effect before HDF5's first use in the process. */
        H5dont_atexit();
        started = 1;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void h5_leave(void)
{
    pthread_mutex_unlock(&h5_lock);
}

/* ----------------------------------------------------------------- errors */

typedef struct reason_walk {
    char innermost[512];
    char system[256]; /* the text of "error message = '...'" from a system call */
} reason_walk;

static herr_t take_reason(unsigned n, const H5E_error2_t *e, void *user)
{
    reason_walk *w = user;
    const char *desc = e->desc ? e->desc : "";
    if (n == 0)
        snprintf(w->innermost, sizeof w->innermost, "%s", desc);
    const char *m = strstr(desc, "error message = '");
    if (m && !w->system[0]) {
        m += strlen("error message = '");
        size_t k = strcspn(m, "'");
        snprintf(w->system, sizeof w->system, "%.*s", (int)k, m);
    }
    return 0;
}

void h5_reason(char *buf, size_t len)
{
    int saved = errno;
    reason_walk w = {{0}, {0}};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_reason, &w);
    H5Eclear2(H5E_DEFAULT);
    if (w.system[0])
        snprintf(buf, len, "%s", w.system);
    else if (w.innermost[0])
        snprintf(buf, len, "%s", w.innermost);
    else
        snprintf(buf, len, "%s", saved ? strerror(saved) : "unknown HDF5 error");
}

hid_t h5_file_access(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return H5P_DEFAULT;
#if H5_VERSION_GE(1, 10, 7)
    H5Pset_file_locking(fapl, 0, 1);
#endif
    return fapl;
}

void h5_close_plist(hid_t plist)
{
    if (plist != H5P_DEFAULT && plist >= 0)
        H5Pclose(plist);
}

/* ------------------------------------------------------------- attributes */

static hid_t text_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        t = -1;
    }
    return t;
}

static int put_attr(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, const void *v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = space >= 0 ? H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int ok = a >= 0 && H5Awrite(a, mem_type, v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    return ok ? 0 : -1;
}

int h5_attr_text(hid_t loc, const char *name, const char *text)
{
    hid_t t = text_type();
    if (t < 0)
        return -1;
    const char *p = text ? text : "";
    int rc = put_attr(loc, name, t, t, &p);
    H5Tclose(t);
    return rc;
}

int h5_attr_i64(hid_t loc, const char *name, int64_t value)
{
    return put_attr(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

int h5_attr_u64(hid_t loc, const char *name, uint64_t value)
{
    return put_attr(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

int h5_attr_f64(hid_t loc, const char *name, double value)
{
    return put_attr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int h5_attr_set_i64(hid_t loc, const char *name, int64_t value)
{
    if (H5Aexists(loc, name) > 0 && H5Adelete(loc, name) < 0)
        return -1;
    return h5_attr_i64(loc, name, value);
}

/* Reads a scalar numeric attribute converted to mem_type; -1 when absent or not a number. */
static int get_number(hid_t loc, const char *name, hid_t mem_type, void *value)
{
    if (H5Aexists(loc, name) <= 0)
        return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    hid_t space = a >= 0 ? H5Aget_space(a) : -1;
    int ok = (c == H5T_INTEGER || c == H5T_FLOAT) && space >= 0 &&
             H5Sget_simple_extent_npoints(space) == 1 && H5Aread(a, mem_type, value) >= 0;
    if (space >= 0)
        H5Sclose(space);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return ok ? 0 : -1;
}

int h5_get_i64(hid_t loc, const char *name, int64_t *value)
{
    return get_number(loc, name, H5T_NATIVE_INT64, value);
}

int h5_get_u64(hid_t loc, const char *name, uint64_t *value)
{
    return get_number(loc, name, H5T_NATIVE_UINT64, value);
}

int h5_get_f64(hid_t loc, const char *name, double *value)
{
    return get_number(loc, name, H5T_NATIVE_DOUBLE, value);
}

/* Reads a string attribute (variable or fixed length) of an open attribute. */
static char *read_text(hid_t a)
{
    hid_t t = H5Aget_type(a);
    char *out = NULL;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            hid_t mem = text_type();
            char *p = NULL;
            if (mem >= 0 && H5Aread(a, mem, &p) >= 0 && p) {
                out = malloc(strlen(p) + 1);
                if (out)
                    strcpy(out, p);
                H5free_memory(p);
            }
            if (mem >= 0)
                H5Tclose(mem);
        } else {
            size_t n = H5Tget_size(t);
            out = calloc(n + 1, 1);
            if (out && H5Aread(a, t, out) < 0) {
                free(out);
                out = NULL;
            }
        }
    }
    if (t >= 0)
        H5Tclose(t);
    return out;
}

char *h5_get_text_alloc(hid_t loc, const char *name)
{
    if (H5Aexists(loc, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return NULL;
    char *text = read_text(a);
    H5Aclose(a);
    return text;
}

int h5_get_text(hid_t loc, const char *name, char *buf, size_t len)
{
    char *text = h5_get_text_alloc(loc, name);
    if (!text)
        return -1;
    snprintf(buf, len, "%s", text);
    free(text);
    return 0;
}

static herr_t count_attr(hid_t loc, const char *name, const H5A_info_t *info, void *user)
{
    (void)loc;
    (void)name;
    (void)info;
    ++*(long *)user;
    return 0;
}

long h5_count_attrs(hid_t loc)
{
    long n = 0;
    hsize_t at = 0;
    return H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, &at, count_attr, &n) < 0 ? -1 : n;
}

typedef struct attr_walk {
    int (*fn)(const char *name, const char *value, void *user);
    void *user;
} attr_walk;

static herr_t visit_attr(hid_t loc, const char *name, const H5A_info_t *info, void *user)
{
    (void)info;
    attr_walk *w = user;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    char *text = a >= 0 ? read_text(a) : NULL;
    if (a >= 0)
        H5Aclose(a);
    if (!text)
        return 0; /* not a text attribute */
    int rc = w->fn(name, text, w->user);
    free(text);
    return rc ? -1 : 0;
}

int h5_each_text_attr(hid_t loc, int (*fn)(const char *name, const char *value, void *user),
                      void *user)
{
    attr_walk w = {fn, user};
    hsize_t at = 0;
    herr_t rc = H5Aiterate2(loc, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at, visit_attr, &w);
    if (rc < 0) {
        H5Eclear2(H5E_DEFAULT);
        at = 0;
        rc = H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, &at, visit_attr, &w);
    }
    return rc < 0 ? -1 : 0;
}

/* --------------------------------------------------------- whole datasets */

int h5_write_1d(hid_t loc, const char *name, hid_t type, size_t n, const void *data)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t d = space >= 0 ? H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT,
                                      H5P_DEFAULT)
                         : -1;
    int ok = d >= 0 && (n == 0 || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    if (d >= 0)
        H5Dclose(d);
    if (space >= 0)
        H5Sclose(space);
    return ok ? 0 : -1;
}

int h5_length(hid_t loc, const char *name, size_t *n, size_t *cols)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : -1;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[2] = {0, 1};
    int ok = (rank == 1 || rank == 2) && H5Sget_simple_extent_dims(space, dims, NULL) == rank;
    if (space >= 0)
        H5Sclose(space);
    if (d >= 0)
        H5Dclose(d);
    if (!ok)
        return -1;
    *n = (size_t)dims[0];
    if (cols)
        *cols = rank == 2 ? (size_t)dims[1] : 1;
    return 0;
}

int h5_read_rows(hid_t loc, const char *name, hid_t type, size_t n, size_t cols, void *data)
{
    size_t have, have_cols;
    if (h5_length(loc, name, &have, &have_cols) < 0 || have < n || have_cols != cols)
        return -1;
    if (n == 0)
        return 0;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t file_space = d >= 0 ? H5Dget_space(d) : -1;
    int rank = file_space >= 0 ? H5Sget_simple_extent_ndims(file_space) : -1;
    hsize_t start[2] = {0, 0}, count[2] = {n, cols};
    hid_t mem = H5Screate_simple(rank > 0 ? rank : 1, count, NULL);
    int ok = rank > 0 && mem >= 0 &&
             H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread(d, type, mem, file_space, H5P_DEFAULT, data) >= 0;
    if (mem >= 0)
        H5Sclose(mem);
    if (file_space >= 0)
        H5Sclose(file_space);
    if (d >= 0)
        H5Dclose(d);
    return ok ? 0 : -1;
}

int h5_read_all(hid_t loc, const char *name, hid_t type, size_t n, size_t cols, void *data)
{
    size_t have, have_cols;
    if (h5_length(loc, name, &have, &have_cols) < 0 || have != n || have_cols != cols)
        return -1;
    return h5_read_rows(loc, name, type, n, cols, data);
}

/* ---------------------------------------------------- extendible datasets */

/* About 8 KiB per chunk (small files for short runs, few chunks for long ones), at least one
 * row. */
static hsize_t chunk_rows(hid_t type, size_t cols)
{
    size_t row = H5Tget_size(type) * (cols ? cols : 1);
    size_t rows = row ? 8192 / row : 1;
    return rows ? (hsize_t)rows : 1;
}

hid_t h5_create_rows(hid_t loc, const char *name, hid_t type, size_t cols)
{
    int rank = cols ? 2 : 1;
    hsize_t dims[2] = {0, cols}, maxdims[2] = {H5S_UNLIMITED, cols};
    hsize_t chunk[2] = {chunk_rows(type, cols), cols};
    hid_t space = H5Screate_simple(rank, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = -1;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0)
        d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return d;
}

int h5_set_rows(hid_t dset, size_t rows, size_t cols)
{
    hsize_t dims[2] = {rows, cols};
    return H5Dset_extent(dset, dims) < 0 ? -1 : 0;
}

int h5_put_rows(hid_t dset, hid_t type, size_t at, size_t n, size_t cols, const void *data)
{
    int rank = cols ? 2 : 1;
    if (h5_set_rows(dset, at + n, cols) < 0)
        return -1;
    hsize_t start[2] = {at, 0}, count[2] = {n, cols};
    hid_t file_space = H5Dget_space(dset);
    hid_t mem = H5Screate_simple(rank, count, NULL);
    int ok = file_space >= 0 && mem >= 0 &&
             H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dwrite(dset, type, mem, file_space, H5P_DEFAULT, data) >= 0;
    if (mem >= 0)
        H5Sclose(mem);
    if (file_space >= 0)
        H5Sclose(file_space);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------------- misc */

void h5_utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, len, "unknown");
}

uint64_t h5_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}
