/* Small HDF5 helpers for logs and checkpoints: quiet error handling with readable reasons,
 * string and number attributes, whole arrays and extendible (appendable) datasets. Every
 * helper returns 0 on success and -1 on failure (the reason is then on HDF5's error stack, see
 * h5_reason). */
#ifndef GPUOPT_HISTORY_H5UTIL_H
#define GPUOPT_HISTORY_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* HDF5 is not thread-safe in most builds: every entry point of src/history holds this lock
 * while it uses HDF5. h5_enter also turns HDF5's own error printing off. */
void h5_enter(void);
void h5_leave(void);

/* The most specific reason HDF5 gave for its last failure (e.g. "No space left on device",
 * "truncated file: eof = 96, ...") followed by errno's text when HDF5 named none. */
void h5_reason(char *buf, size_t len);

/* Creates a file access property list without file locking where HDF5 supports turning it
 * off (readers of a live log must not be refused), or H5P_DEFAULT. Close with h5_close_plist. */
hid_t h5_file_access(void);
void h5_close_plist(hid_t plist);

/* ------------------------------------------------------------- attributes */

int h5_attr_text(hid_t loc, const char *name, const char *text);
int h5_attr_i64(hid_t loc, const char *name, int64_t value);
int h5_attr_u64(hid_t loc, const char *name, uint64_t value);
int h5_attr_f64(hid_t loc, const char *name, double value);
/* Writes or replaces. */
int h5_attr_set_i64(hid_t loc, const char *name, int64_t value);

/* Reading: -1 when the attribute is absent or of another kind. */
int h5_get_text(hid_t loc, const char *name, char *buf, size_t len);
int h5_get_i64(hid_t loc, const char *name, int64_t *value);
int h5_get_u64(hid_t loc, const char *name, uint64_t *value);
int h5_get_f64(hid_t loc, const char *name, double *value);
/* A text attribute of any length (malloc'ed; NULL when absent). */
char *h5_get_text_alloc(hid_t loc, const char *name);

/* The number of attributes of loc, or -1. */
long h5_count_attrs(hid_t loc);
/* Calls fn(name, value, user) for every text attribute of loc in creation order (or name
 * order where creation order is not tracked). */
int h5_each_text_attr(hid_t loc, int (*fn)(const char *name, const char *value, void *user),
                      void *user);

/* --------------------------------------------------------- whole datasets */

/* A 1-D dataset of n elements of `type` (a native type), written at once. */
int h5_write_1d(hid_t loc, const char *name, hid_t type, size_t n, const void *data);
/* The length of a 1-D dataset (or the row count of a 2-D one), -1 when absent. */
int h5_length(hid_t loc, const char *name, size_t *n, size_t *cols);
/* Reads exactly n x cols elements (cols = 1 for 1-D) of a dataset of that shape. */
int h5_read_all(hid_t loc, const char *name, hid_t type, size_t n, size_t cols, void *data);
/* Reads the first n rows of a 1-D or 2-D dataset that has at least n rows. */
int h5_read_rows(hid_t loc, const char *name, hid_t type, size_t n, size_t cols, void *data);

/* ---------------------------------------------------- extendible datasets */

/* An empty, chunked dataset of rows of `cols` elements (cols = 0: 1-D), unlimited in rows. */
hid_t h5_create_rows(hid_t loc, const char *name, hid_t type, size_t cols);
/* Writes `n` rows at row `at`, growing the dataset to at + n rows. */
int h5_put_rows(hid_t dset, hid_t type, size_t at, size_t n, size_t cols, const void *data);
/* Sets the number of rows (shrinks or grows). */
int h5_set_rows(hid_t dset, size_t rows, size_t cols);

/* ------------------------------------------------------------------- misc */

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void h5_utc_now(char *buf, size_t len);
/* FNV-1a 64-bit hash, continued from h (start with H5_HASH_START). */
#define H5_HASH_START 14695981039346656037ull
uint64_t h5_hash(uint64_t h, const void *data, size_t n);

#endif /* GPUOPT_HISTORY_H5UTIL_H */
