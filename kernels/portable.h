/* Portability header: one kernel source builds as C (the CPU backend), OpenCL C and CUDA C.
 *
 *  GPUOPT_GLOBAL   address-space qualifier of buffer pointers (__global in OpenCL C)
 *  GPUOPT_FN       a helper function callable from kernels (and host code under C/CUDA)
 *  GPUOPT_KERNEL   an entry point (only meaningful for OpenCL and CUDA)
 *  GPUOPT_CONSTANT qualifier of a read-only array at file scope (__constant in OpenCL C)
 * Device compilers only (kernel entry points, kernels/entry.h):
 *  GPUOPT_THREAD_ID     global index of the calling thread (work-item), gpuopt_u64
 *  GPUOPT_LOCAL_ID      its index in its work-group (CUDA block), gpuopt_u32
 *  GPUOPT_GROUP_ID, GPUOPT_GROUP_COUNT   the work-group's index and the number of groups
 *  GPUOPT_LOCAL         qualifier of a work-group shared array declared in a kernel body
 *  GPUOPT_BARRIER()     work-group barrier (local memory)
 *
 * Bitwise agreement between backends needs the same operation order and no contraction of
 * a*b+c into fma: the CPU build uses -ffp-contract=off, OpenCL sources get the pragma below,
 * CUDA is compiled with --fmad=false. */
#ifndef GPUOPT_KERNELS_PORTABLE_H
#define GPUOPT_KERNELS_PORTABLE_H

#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#pragma OPENCL FP_CONTRACT OFF
#define GPUOPT_GLOBAL __global
#define GPUOPT_FN inline
#define GPUOPT_KERNEL __kernel
#define GPUOPT_CONSTANT __constant
#define GPUOPT_THREAD_ID ((gpuopt_u64)get_global_id(0))
#define GPUOPT_LOCAL_ID ((gpuopt_u32)get_local_id(0))
#define GPUOPT_GROUP_ID ((gpuopt_u64)get_group_id(0))
#define GPUOPT_GROUP_COUNT ((gpuopt_u64)get_num_groups(0))
#define GPUOPT_LOCAL __local
#define GPUOPT_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
typedef uint gpuopt_u32;
typedef ulong gpuopt_u64;
typedef long gpuopt_i64;
#elif defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define GPUOPT_GLOBAL
#define GPUOPT_FN static __host__ __device__ inline
#define GPUOPT_KERNEL extern "C" __global__
#define GPUOPT_CONSTANT __device__ const
#define GPUOPT_THREAD_ID ((gpuopt_u64)blockIdx.x * blockDim.x + threadIdx.x)
#define GPUOPT_LOCAL_ID ((gpuopt_u32)threadIdx.x)
#define GPUOPT_GROUP_ID ((gpuopt_u64)blockIdx.x)
#define GPUOPT_GROUP_COUNT ((gpuopt_u64)gridDim.x)
#define GPUOPT_LOCAL __shared__
#define GPUOPT_BARRIER() __syncthreads()
typedef unsigned int gpuopt_u32;
typedef unsigned long long gpuopt_u64;
typedef long long gpuopt_i64;
#else
#include <math.h>
#include <stdint.h>
#define GPUOPT_GLOBAL
#define GPUOPT_FN static inline
#define GPUOPT_KERNEL
#define GPUOPT_CONSTANT static const
typedef uint32_t gpuopt_u32;
typedef uint64_t gpuopt_u64;
typedef int64_t gpuopt_i64;
#endif

#define GPUOPT_PI 3.14159265358979323846

#endif /* GPUOPT_KERNELS_PORTABLE_H */
