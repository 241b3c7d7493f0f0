/* Checkpoint files (schema in docs/history.md). */
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5util.h"

/* The hash of everything that decides how the run goes on. */
static uint64_t image_hash(const gpuopt_image *img)
{
    uint64_t h = H5_HASH_START;
    int64_t counters[3] = {img->n_iterations, img->n_evaluations, (int64_t)img->dim};
    h = h5_hash(h, counters, sizeof counters);
    h = h5_hash(h, &img->seed, sizeof img->seed);
    h = h5_hash(h, &img->best_f, sizeof img->best_f);
    size_t row = img->dim * sizeof(double);
    h = h5_hash(h, img->best_x, row);
    h = h5_hash(h, img->lower, row);
    h = h5_hash(h, img->upper, row);
    h = h5_hash(h, img->x0, row);
    h = h5_hash(h, img->state, img->state_size);
    for (size_t i = 0; i < img->n_buffers; ++i)
        h = h5_hash(h, img->buffers[i].data, img->buffers[i].count * img->buffers[i].elem_size);
    return h;
}

/* ------------------------------------------------------------------ write */

static int write_identity(hid_t f, const gpuopt_image *img, const ckpt_extra *x)
{
    return h5_attr_text(f, "format", CKPT_FORMAT) |
           h5_attr_i64(f, "format_version", CKPT_FORMAT_VERSION) |
           h5_attr_text(f, "library_version", img->library_version) |
           h5_attr_text(f, "algorithm", img->algorithm) | h5_attr_text(f, "problem", img->problem) |
           h5_attr_text(f, "backend", img->backend) | h5_attr_text(f, "device", x->device) |
           h5_attr_text(f, "created", x->created) | h5_attr_text(f, "run_id", x->run_id) |
           h5_attr_u64(f, "dim", img->dim) | h5_attr_i64(f, "kind", img->kind) |
           h5_attr_u64(f, "n_outputs", img->n_outputs) | h5_attr_u64(f, "seed", img->seed);
}

static int write_counters(hid_t f, const gpuopt_image *img, const ckpt_extra *x)
{
    return h5_attr_i64(f, "n_iterations", img->n_iterations) |
           h5_attr_i64(f, "n_evaluations", img->n_evaluations) |
           h5_attr_f64(f, "best_f", img->best_f) | h5_attr_f64(f, "elapsed", img->elapsed) |
           h5_attr_f64(f, "iteration_f", img->iteration_f) |
           h5_attr_u64(f, "state_size", img->state_size) |
           h5_attr_u64(f, "n_buffers", img->n_buffers) |
           h5_attr_text(f, "log_path", x->log_path) | h5_attr_i64(f, "log_flags", x->log_flags) |
           h5_attr_text(f, "checkpoint_path", x->checkpoint_path) |
           h5_attr_i64(f, "checkpoint_every_iterations", x->every_iterations) |
           h5_attr_f64(f, "checkpoint_every_seconds", x->every_seconds) |
           h5_attr_u64(f, "checksum", image_hash(img));
}

/* A group whose attributes keep their creation order. */
static hid_t ordered_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return -1;
    hid_t g = -1;
    if (H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0 &&
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

static int write_options(hid_t f, const gpuopt_image *img)
{
    hid_t g = ordered_group(f, "options");
    int rc = g < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < img->n_options; ++i)
        rc = h5_attr_text(g, img->option_keys[i], img->option_values[i]);
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

static int write_buffer(hid_t g, size_t index, const gpuopt_image_buffer *b)
{
    char name[32];
    snprintf(name, sizeof name, "%zu", index);
    if (h5_write_1d(g, name, H5T_NATIVE_UINT8, b->count * b->elem_size, b->data) < 0)
        return -1;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    int rc = h5_attr_text(d, "name", b->name) | h5_attr_i64(d, "place", b->place) |
             h5_attr_u64(d, "count", b->count) | h5_attr_u64(d, "elem_size", b->elem_size);
    H5Dclose(d);
    return rc;
}

static int write_arrays(hid_t f, const gpuopt_image *img)
{
    int rc = h5_write_1d(f, "lower", H5T_NATIVE_DOUBLE, img->dim, img->lower) |
             h5_write_1d(f, "upper", H5T_NATIVE_DOUBLE, img->dim, img->upper) |
             h5_write_1d(f, "x0", H5T_NATIVE_DOUBLE, img->dim, img->x0) |
             h5_write_1d(f, "best_x", H5T_NATIVE_DOUBLE, img->dim, img->best_x) |
             h5_write_1d(f, "state", H5T_NATIVE_UINT8, img->state_size, img->state) |
             h5_attr_u64(f, "n_restarts", img->n_restarts) |
             h5_write_1d(f, "restart_marks", H5T_NATIVE_INT64, 2 * GPUOPT_MAX_RESTART_MARKS,
                         img->restarts);
    hid_t g = rc == 0 ? ordered_group(f, "buffers") : -1;
    rc = g < 0 ? -1 : rc;
    for (size_t i = 0; rc == 0 && i < img->n_buffers; ++i)
        rc = write_buffer(g, i, &img->buffers[i]);
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

/* Builds the file in memory (HDF5's core driver, no backing store) and returns its bytes
 * (malloc'ed), or NULL with the reason on the HDF5 stack. Writing the bytes ourselves keeps
 * every disk error in our hands: HDF5 never holds a file it failed to write. */
static void *build_image(const gpuopt_image *img, const ckpt_extra *x, size_t *size)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0
                  ? H5Fcreate("gpuopt-checkpoint", H5F_ACC_TRUNC, H5P_DEFAULT, fapl)
                  : -1;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (f < 0)
        return NULL;
    int rc = write_identity(f, img, x) | write_counters(f, img, x) | write_options(f, img) |
             write_arrays(f, img);
    ssize_t n = -1;
    if (rc == 0 && H5Fflush(f, H5F_SCOPE_LOCAL) >= 0)
        n = H5Fget_file_image(f, NULL, 0);
    void *bytes = n > 0 ? malloc((size_t)n) : NULL;
    if (bytes && H5Fget_file_image(f, bytes, (size_t)n) != n) {
        free(bytes);
        bytes = NULL;
    }
    H5Fclose(f);
    *size = bytes ? (size_t)n : 0;
    return bytes;
}

/* Writes and syncs the bytes to a new file; 0 or -1 with errno. */
static int write_bytes(const char *path, const void *bytes, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    const char *p = bytes;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        size -= (size_t)n;
    }
    int rc = size == 0 && fsync(fd) == 0 ? 0 : -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    errno = saved;
    return rc;
}

/* fsync of a directory, so that a rename in it lasts; 0 or -1. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void parent_dir(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static const char *hint_for(const char *reason)
{
    if (strstr(reason, "No space left") || strstr(reason, "Disk quota"))
        return " (the disk is full)";
    if (strstr(reason, "Permission denied") || strstr(reason, "Read-only file system"))
        return " (the directory is not writable)";
    return "";
}

static gpuopt_status write_failed(const char *path, const char *tmp, const char *step, char *err,
                                  size_t err_len, int from_hdf5)
{
    char reason[512];
    if (from_hdf5)
        h5_reason(reason, sizeof reason);
    else
        snprintf(reason, sizeof reason, "%s", strerror(errno));
    unlink(tmp);
    snprintf(err, err_len, "cannot write checkpoint '%s': %s: %s%s; the previous checkpoint "
             "(if any) is unchanged", path, step, reason, hint_for(reason));
    return GPUOPT_ERR_IO;
}

gpuopt_status ckpt_write(const char *path, const gpuopt_image *img, const ckpt_extra *extra,
                         char *err, size_t err_len)
{
    char tmp[4200], dir[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    size_t size = 0;
    void *bytes = build_image(img, extra, &size);
    if (!bytes)
        return write_failed(path, tmp, "building it", err, err_len, 1);
    int written = write_bytes(tmp, bytes, size);
    free(bytes);
    if (written < 0)
        return write_failed(path, tmp, "writing", err, err_len, 0);
    if (rename(tmp, path) < 0)
        return write_failed(path, tmp, "renaming the new file over it", err, err_len, 0);
    parent_dir(path, dir, sizeof dir);
    sync_dir(dir); /* the rename is done; a failed directory sync only risks durability */
    return GPUOPT_SUCCESS;
}

/* ------------------------------------------------------------------- read */

typedef struct reader {
    const char *path;
    char *err;
    size_t err_len;
    hid_t file;
} reader;

static gpuopt_status damaged(reader *r, const char *what)
{
    char reason[512];
    h5_reason(reason, sizeof reason);
    snprintf(r->err, r->err_len, "checkpoint '%s' is damaged: cannot read %s (%s)", r->path,
             what, reason);
    return GPUOPT_ERR_IO;
}

/* Opens the file after checking it exists and is HDF5. */
static gpuopt_status open_checkpoint(reader *r)
{
    if (access(r->path, R_OK) != 0) {
        snprintf(r->err, r->err_len, "cannot read checkpoint '%s': %s", r->path, strerror(errno));
        return GPUOPT_ERR_IO;
    }
    if (H5Fis_hdf5(r->path) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        snprintf(r->err, r->err_len, "'%s' is not a gpuopt checkpoint: it is not an HDF5 file "
                 "(or its header is damaged)", r->path);
        return GPUOPT_ERR_IO;
    }
    hid_t fapl = h5_file_access();
    r->file = H5Fopen(r->path, H5F_ACC_RDONLY, fapl);
    h5_close_plist(fapl);
    if (r->file < 0) {
        char reason[512];
        h5_reason(reason, sizeof reason);
        snprintf(r->err, r->err_len, "cannot open checkpoint '%s': the file is truncated or "
                 "damaged (%s)", r->path, reason);
        return GPUOPT_ERR_IO;
    }
    return GPUOPT_SUCCESS;
}

static gpuopt_status check_format(reader *r)
{
    char format[64] = "";
    int64_t version = 0;
    if (h5_get_text(r->file, "format", format, sizeof format) < 0 ||
        (strcmp(format, CKPT_FORMAT) != 0 && strcmp(format, "gpuopt log") != 0)) {
        snprintf(r->err, r->err_len, "'%s' is not a gpuopt checkpoint (an HDF5 file without "
                 "gpuopt's format attribute)", r->path);
        return GPUOPT_ERR_IO;
    }
    if (strcmp(format, CKPT_FORMAT) != 0) {
        snprintf(r->err, r->err_len, "'%s' is a gpuopt log, not a checkpoint (resume from the "
                 "file written by --checkpoint)", r->path);
        return GPUOPT_ERR_IO;
    }
    if (h5_get_i64(r->file, "format_version", &version) < 0 || version < 1 ||
        version > CKPT_FORMAT_VERSION) {
        snprintf(r->err, r->err_len, "checkpoint '%s' has format version %lld; this gpuopt "
                 "reads version %d", r->path, (long long)version, CKPT_FORMAT_VERSION);
        return GPUOPT_ERR_IO;
    }
    return GPUOPT_SUCCESS;
}

static int read_texts(hid_t f, gpuopt_checkpoint_info *in, ckpt_extra *x)
{
    return h5_get_text(f, "library_version", in->library_version, sizeof in->library_version) |
           h5_get_text(f, "algorithm", in->algorithm, sizeof in->algorithm) |
           h5_get_text(f, "problem", in->problem, sizeof in->problem) |
           h5_get_text(f, "backend", in->backend, sizeof in->backend) |
           h5_get_text(f, "device", in->device, sizeof in->device) |
           h5_get_text(f, "created", in->created, sizeof in->created) |
           h5_get_text(f, "run_id", x->run_id, sizeof x->run_id) |
           h5_get_text(f, "log_path", in->log_path, sizeof in->log_path) |
           h5_get_text(f, "checkpoint_path", in->checkpoint_path, sizeof in->checkpoint_path);
}

static int read_numbers(hid_t f, gpuopt_checkpoint_info *in)
{
    uint64_t dim = 0, n_outputs = 0;
    int64_t kind = 0, log_flags = 0;
    int rc = h5_get_u64(f, "dim", &dim) | h5_get_i64(f, "kind", &kind) |
             h5_get_u64(f, "n_outputs", &n_outputs) | h5_get_u64(f, "seed", &in->seed) |
             h5_get_i64(f, "n_iterations", &in->n_iterations) |
             h5_get_i64(f, "n_evaluations", &in->n_evaluations) |
             h5_get_f64(f, "best_f", &in->best_f) | h5_get_f64(f, "elapsed", &in->elapsed) |
             h5_get_i64(f, "log_flags", &log_flags) |
             h5_get_i64(f, "checkpoint_every_iterations", &in->checkpoint_every_iterations) |
             h5_get_f64(f, "checkpoint_every_seconds", &in->checkpoint_every_seconds);
    in->dim = (size_t)dim;
    in->kind = (int)kind;
    in->n_outputs = (size_t)n_outputs;
    in->log_flags = (unsigned)log_flags;
    return rc != 0 || dim == 0 ? -1 : 0;
}

static gpuopt_status read_info(reader *r, gpuopt_checkpoint_info *in, ckpt_extra *x)
{
    memset(in, 0, sizeof *in);
    memset(x, 0, sizeof *x);
    if (read_texts(r->file, in, x) < 0 || read_numbers(r->file, in) < 0)
        return damaged(r, "its identity attributes");
    snprintf(x->device, sizeof x->device, "%s", in->device);
    snprintf(x->created, sizeof x->created, "%s", in->created);
    snprintf(x->log_path, sizeof x->log_path, "%s", in->log_path);
    snprintf(x->checkpoint_path, sizeof x->checkpoint_path, "%s", in->checkpoint_path);
    x->log_flags = in->log_flags;
    x->every_iterations = in->checkpoint_every_iterations;
    x->every_seconds = in->checkpoint_every_seconds;
    return GPUOPT_SUCCESS;
}

/* ----------------------------------------------------------- image reading */

typedef struct option_fill {
    gpuopt_image *img;
    size_t n;
} option_fill;

static int take_option(const char *key, const char *value, void *user)
{
    option_fill *o = user;
    if (o->n >= o->img->n_options)
        return -1;
    char *k = malloc(strlen(key) + 1), *v = malloc(strlen(value) + 1);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    o->img->option_keys[o->n] = strcpy(k, key);
    o->img->option_values[o->n] = strcpy(v, value);
    ++o->n;
    return 0;
}

static gpuopt_status read_options(reader *r, gpuopt_image *img)
{
    hid_t g = H5Gopen2(r->file, "options", H5P_DEFAULT);
    /* the image was allocated for exactly the number of attributes */
    option_fill fill = {img, 0};
    int ok = g >= 0 && h5_each_text_attr(g, take_option, &fill) == 0;
    img->n_options = fill.n;
    if (g >= 0)
        H5Gclose(g);
    return ok ? GPUOPT_SUCCESS : damaged(r, "its option values");
}

static gpuopt_status read_buffer(reader *r, hid_t g, size_t i, gpuopt_image_buffer *b)
{
    char name[32];
    snprintf(name, sizeof name, "%zu", i);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    uint64_t count = 0, elem = 0;
    int64_t place = 0;
    int ok = d >= 0 && h5_get_text(d, "name", b->name, sizeof b->name) == 0 &&
             h5_get_u64(d, "count", &count) == 0 && h5_get_u64(d, "elem_size", &elem) == 0 &&
             h5_get_i64(d, "place", &place) == 0 && (elem == 0 || count <= SIZE_MAX / elem);
    if (d >= 0)
        H5Dclose(d);
    b->count = (size_t)count;
    b->elem_size = (size_t)elem;
    b->place = (int)place;
    b->data = ok ? malloc(b->count * b->elem_size + 1) : NULL;
    ok = b->data && h5_read_all(g, name, H5T_NATIVE_UINT8, b->count * b->elem_size, 1,
                                b->data) == 0;
    return ok ? GPUOPT_SUCCESS : damaged(r, "a state buffer");
}

static gpuopt_status read_arrays(reader *r, gpuopt_image *img)
{
    hid_t f = r->file;
    if (h5_read_all(f, "lower", H5T_NATIVE_DOUBLE, img->dim, 1, img->lower) |
        h5_read_all(f, "upper", H5T_NATIVE_DOUBLE, img->dim, 1, img->upper) |
        h5_read_all(f, "x0", H5T_NATIVE_DOUBLE, img->dim, 1, img->x0) |
        h5_read_all(f, "best_x", H5T_NATIVE_DOUBLE, img->dim, 1, img->best_x) |
        h5_read_all(f, "state", H5T_NATIVE_UINT8, img->state_size, 1, img->state))
        return damaged(r, "its arrays");
    uint64_t n_restarts = 0;
    if (h5_get_u64(f, "n_restarts", &n_restarts) < 0 ||
        h5_read_all(f, "restart_marks", H5T_NATIVE_INT64, 2 * GPUOPT_MAX_RESTART_MARKS, 1,
                    img->restarts) < 0)
        return damaged(r, "its restart marks");
    img->n_restarts = (size_t)n_restarts;
    hid_t g = H5Gopen2(f, "buffers", H5P_DEFAULT);
    if (g < 0)
        return damaged(r, "its state buffers");
    gpuopt_status st = GPUOPT_SUCCESS;
    for (size_t i = 0; st == GPUOPT_SUCCESS && i < img->n_buffers; ++i)
        st = read_buffer(r, g, i, &img->buffers[i]);
    H5Gclose(g);
    return st;
}

static void image_identity(gpuopt_image *img, const gpuopt_checkpoint_info *in, hid_t f)
{
    snprintf(img->library_version, sizeof img->library_version, "%s", in->library_version);
    snprintf(img->algorithm, sizeof img->algorithm, "%s", in->algorithm);
    snprintf(img->problem, sizeof img->problem, "%s", in->problem);
    snprintf(img->backend, sizeof img->backend, "%s", in->backend);
    img->kind = in->kind;
    img->n_outputs = in->n_outputs;
    img->seed = in->seed;
    img->n_iterations = in->n_iterations;
    img->n_evaluations = in->n_evaluations;
    img->best_f = in->best_f;
    img->elapsed = in->elapsed;
    if (h5_get_f64(f, "iteration_f", &img->iteration_f) < 0)
        img->iteration_f = INFINITY;
}

static gpuopt_status read_image(reader *r, const gpuopt_checkpoint_info *in, gpuopt_image **out)
{
    uint64_t state_size = 0, n_buffers = 0, checksum = 0;
    hid_t g = H5Gopen2(r->file, "options", H5P_DEFAULT);
    long n_options = g >= 0 ? h5_count_attrs(g) : -1;
    if (g >= 0)
        H5Gclose(g);
    if (n_options < 0 || h5_get_u64(r->file, "state_size", &state_size) |
                   h5_get_u64(r->file, "n_buffers", &n_buffers) |
                   h5_get_u64(r->file, "checksum", &checksum))
        return damaged(r, "its state layout");
    gpuopt_image *img = gpuopt_image_alloc(in->dim, (size_t)n_options, (size_t)state_size,
                                           (size_t)n_buffers);
    if (!img) {
        snprintf(r->err, r->err_len, "out of memory reading checkpoint '%s'", r->path);
        return GPUOPT_ERR_OUT_OF_MEMORY;
    }
    image_identity(img, in, r->file);
    gpuopt_status st = read_options(r, img);
    if (st == GPUOPT_SUCCESS)
        st = read_arrays(r, img);
    if (st == GPUOPT_SUCCESS && image_hash(img) != checksum) {
        snprintf(r->err, r->err_len, "checkpoint '%s' is damaged: its contents do not match "
                 "their checksum", r->path);
        st = GPUOPT_ERR_IO;
    }
    if (st != GPUOPT_SUCCESS)
        gpuopt_image_free(&img);
    *out = img;
    return st;
}

gpuopt_status ckpt_read(const char *path, gpuopt_image **img, gpuopt_checkpoint_info *info,
                        ckpt_extra *extra, char *err, size_t err_len)
{
    reader r = {path, err, err_len, -1};
    gpuopt_status st = open_checkpoint(&r);
    if (st == GPUOPT_SUCCESS)
        st = check_format(&r);
    if (st == GPUOPT_SUCCESS)
        st = read_info(&r, info, extra);
    if (st == GPUOPT_SUCCESS && img)
        st = read_image(&r, info, img);
    if (r.file >= 0)
        H5Fclose(r.file);
    H5Eclear2(H5E_DEFAULT);
    return st;
}

/* ----------------------------------------------------------- stale files */

/* 1 when name is base + ".tmp-" + the PID of a process that no longer runs. */
static int is_stale_tmp(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp-", 5) != 0)
        return 0;
    char *end = NULL;
    long pid = strtol(name + n + 5, &end, 10);
    if (!end || *end || pid <= 0 || pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void ckpt_remove_stale(const char *path)
{
    char dir[4200], file[4400];
    parent_dir(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (!is_stale_tmp(e->d_name, base))
            continue;
        int n = snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        if (n > 0 && (size_t)n < sizeof file)
            unlink(file);
    }
    closedir(d);
}
