/* Checkpoint files: a run image (src/image.h) in HDF5, written atomically (new file, fsync,
 * rename) and read back with checks that name what is wrong with a bad file. */
#ifndef GPUOPT_HISTORY_CHECKPOINT_H
#define GPUOPT_HISTORY_CHECKPOINT_H

#include "../image.h"
#include "gpuopt/history.h"

#define CKPT_FORMAT "gpuopt checkpoint"
#define CKPT_FORMAT_VERSION 1

/* What a checkpoint file holds besides the image: where the run was and how it logs. */
typedef struct ckpt_extra {
    char device[128];
    char created[32];
    char run_id[40];
    char log_path[4096];
    unsigned log_flags;
    char checkpoint_path[4096];
    int64_t every_iterations;
    double every_seconds;
} ckpt_extra;

/* Writes img to path atomically. Errors: GPUOPT_ERR_IO with the path and reason in err. */
gpuopt_status ckpt_write(const char *path, const gpuopt_image *img, const ckpt_extra *extra,
                         char *err, size_t err_len);

/* Reads a checkpoint (img may be NULL to read only the identity into info). Errors:
 * GPUOPT_ERR_IO for a missing, unreadable, truncated, damaged or foreign file. */
gpuopt_status ckpt_read(const char *path, gpuopt_image **img, gpuopt_checkpoint_info *info,
                        ckpt_extra *extra, char *err, size_t err_len);

/* Removes PATH.tmp-PID files left by processes that no longer run. */
void ckpt_remove_stale(const char *path);

#endif /* GPUOPT_HISTORY_CHECKPOINT_H */
