/* The CPU backend's finite-difference ops (cpu_fd.c), referenced by its ops table. */
#ifndef GPUOPT_HOST_CPU_FD_H
#define GPUOPT_HOST_CPU_FD_H

#include "../backend.h"

gpuopt_status gpuopt_cpu_fd_points(gpuopt_backend *b, const struct gpuopt_fd_args *a);
gpuopt_status gpuopt_cpu_fd_combine(gpuopt_backend *b, const struct gpuopt_fd_args *a);

#endif
