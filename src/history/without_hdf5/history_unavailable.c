/* The history API in a build without HDF5: every call says that logs and checkpoints need it. */
#include "../../core.h"
#include "gpuopt/history.h"

#define NO_HDF5 "this gpuopt was built without HDF5, so it cannot write or read logs and " \
                "checkpoints (install the HDF5 C library, e.g. Debian's libhdf5-dev, and rebuild)"

static gpuopt_status unavailable(gpuopt_optimizer *opt)
{
    if (opt)
        return gpuopt_set_error(opt->errmsg, GPUOPT_ERR_UNSUPPORTED, NO_HDF5);
    return gpuopt_set_last_error(GPUOPT_ERR_UNSUPPORTED, NO_HDF5);
}

int gpuopt_history_available(void)
{
    return 0;
}

gpuopt_status gpuopt_optimizer_set_log(gpuopt_optimizer *opt, const char *path, unsigned flags)
{
    (void)path;
    (void)flags;
    return unavailable(opt);
}

gpuopt_status gpuopt_optimizer_set_checkpoint(gpuopt_optimizer *opt, const char *path,
                                              int64_t every_iterations, double every_seconds)
{
    (void)path;
    (void)every_iterations;
    (void)every_seconds;
    return unavailable(opt);
}

gpuopt_status gpuopt_optimizer_save_checkpoint(gpuopt_optimizer *opt, const char *path)
{
    (void)path;
    return unavailable(opt);
}

gpuopt_status gpuopt_checkpoint_read_info(const char *path, gpuopt_checkpoint_info *info)
{
    (void)path;
    (void)info;
    return unavailable(NULL);
}

gpuopt_status gpuopt_optimizer_resume(gpuopt_optimizer *opt, const gpuopt_problem *problem,
                                      const char *path, unsigned flags)
{
    (void)problem;
    (void)path;
    (void)flags;
    return unavailable(opt);
}

gpuopt_status gpuopt_log_read(const char *path, gpuopt_log_data **out)
{
    (void)path;
    if (out)
        *out = NULL;
    return unavailable(NULL);
}

void gpuopt_log_data_free(gpuopt_log_data **data)
{
    if (data)
        *data = NULL;
}
