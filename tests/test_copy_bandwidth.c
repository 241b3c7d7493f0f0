/* gpuopt_context_copy_bandwidth: a positive figure on every backend with a device, and clear
 * errors for NULL arguments and for buffers that cannot fit. Never checks a speed. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "gpuopt.h"

static void check_backend(const char *name)
{
    gpuopt_context *ctx = NULL;
    CHECK_STATUS(gpuopt_context_create(&ctx, name), GPUOPT_SUCCESS);
    if (!ctx)
        return;
    double gbs = 0;
    CHECK_STATUS(gpuopt_context_copy_bandwidth(ctx, (size_t)4 << 20, &gbs), GPUOPT_SUCCESS);
    CHECK_MSG(isfinite(gbs) && gbs > 0, "%s: %g GB/s", name, gbs);
    printf("%s: copy bandwidth %.2f GB/s (4 MiB buffers)\n", name, gbs);
    CHECK_STATUS(gpuopt_context_copy_bandwidth(ctx, 0, NULL), GPUOPT_ERR_NULL_POINTER);
    CHECK_CONTAINS(gpuopt_context_errmsg(ctx), "gb_per_s");
    gbs = 0;
    gpuopt_status st = gpuopt_context_copy_bandwidth(ctx, SIZE_MAX / 4, &gbs);
    CHECK_MSG(st < 0 && isnan(gbs), "%s: an impossible size gave %s", name,
              gpuopt_status_name(st));
    CHECK_CONTAINS(gpuopt_context_errmsg(ctx), "cannot allocate");
    gpuopt_context_destroy(&ctx);
}

int main(void)
{
    double gbs;
    CHECK_STATUS(gpuopt_context_copy_bandwidth(NULL, 0, &gbs), GPUOPT_ERR_NULL_POINTER);
    for (size_t i = 0; i < gpuopt_backend_count(); ++i) {
        gpuopt_backend_info b;
        if (gpuopt_backend_info_at(i, &b) != GPUOPT_SUCCESS)
            continue;
        if (b.n_devices > 0)
            check_backend(b.name);
        else
            printf("%s: not checked here (%s)\n", b.name,
                   b.compiled_in ? b.note : "not compiled in");
    }
    return check_finish();
}
