/* The CPU backend's xNES operations (kernels/xnes.h on OpenMP threads: cpu_xnes.c). The host
 * fallbacks of the other backends call the same functions on host copies of their buffers. */
#ifndef GPUOPT_HOST_CPU_XNES_H
#define GPUOPT_HOST_CPU_XNES_H

#include "../backend.h"

gpuopt_status gpuopt_cpu_xnes_bound(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cpu_xnes_weights(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cpu_xnes_exponent(gpuopt_backend *b, const struct gpuopt_xnes_args *a);
gpuopt_status gpuopt_cpu_xnes_expm_scale(gpuopt_backend *b, const struct gpuopt_xnes_args *a);

#endif /* GPUOPT_HOST_CPU_XNES_H */
