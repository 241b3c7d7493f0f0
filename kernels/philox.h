/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 * the counter-based generator cuRAND also provides. Written once for C, OpenCL C and CUDA.
 *
 * A draw is a pure function of (seed, stream, index), so every backend and every thread count
 * produce the same numbers, and a run's random state is just its counters.
 *   key     = seed (low, high 32 bits)
 *   counter = {block low, block high, stream low, stream high}, block = index / 2
 * Each block gives 4 x 32 bits = 2 doubles with 53 random bits each. */
#ifndef GPUOPT_KERNELS_PHILOX_H
#define GPUOPT_KERNELS_PHILOX_H

#include "portable.h"

typedef struct gpuopt_philox4 {
    gpuopt_u32 v[4];
} gpuopt_philox4;

GPUOPT_FN gpuopt_philox4 gpuopt_philox4x32_10(gpuopt_philox4 ctr, gpuopt_u32 k0, gpuopt_u32 k1)
{
    const gpuopt_u32 m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    const gpuopt_u32 w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
    for (int r = 0; r < 10; ++r) {
        if (r > 0) {
            k0 += w0;
            k1 += w1;
        }
        gpuopt_u64 p0 = (gpuopt_u64)m0 * ctr.v[0];
        gpuopt_u64 p1 = (gpuopt_u64)m1 * ctr.v[2];
        gpuopt_philox4 next;
        next.v[0] = (gpuopt_u32)(p1 >> 32) ^ ctr.v[1] ^ k0;
        next.v[1] = (gpuopt_u32)p1;
        next.v[2] = (gpuopt_u32)(p0 >> 32) ^ ctr.v[3] ^ k1;
        next.v[3] = (gpuopt_u32)p0;
        ctr = next;
    }
    return ctr;
}

/* The raw block for (seed, stream, block). */
GPUOPT_FN gpuopt_philox4 gpuopt_philox_block(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 block)
{
    gpuopt_philox4 c;
    c.v[0] = (gpuopt_u32)block;
    c.v[1] = (gpuopt_u32)(block >> 32);
    c.v[2] = (gpuopt_u32)stream;
    c.v[3] = (gpuopt_u32)(stream >> 32);
    return gpuopt_philox4x32_10(c, (gpuopt_u32)seed, (gpuopt_u32)(seed >> 32));
}

/* 53 bits from two words, scaled into [0, 1). */
GPUOPT_FN double gpuopt_u32x2_to_unit(gpuopt_u32 a, gpuopt_u32 b)
{
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

/* The index-th uniform double in [0, 1) of (seed, stream). */
GPUOPT_FN double gpuopt_philox_uniform(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 index)
{
    gpuopt_philox4 r = gpuopt_philox_block(seed, stream, index >> 1);
    return (index & 1u) ? gpuopt_u32x2_to_unit(r.v[2], r.v[3]) : gpuopt_u32x2_to_unit(r.v[0], r.v[1]);
}

/* A uniform integer in [0, n) from a uniform double u in [0, 1). */
GPUOPT_FN gpuopt_u64 gpuopt_uniform_below(double u, gpuopt_u64 n)
{
    gpuopt_u64 k = (gpuopt_u64)(u * (double)n);
    return k < n ? k : n - 1;
}

/* A standard normal via Box-Muller from the pair (2*index, 2*index+1) of (seed, stream). */
GPUOPT_FN double gpuopt_philox_normal(gpuopt_u64 seed, gpuopt_u64 stream, gpuopt_u64 index)
{
    gpuopt_philox4 r = gpuopt_philox_block(seed, stream, index >> 1);
    double u1 = 1.0 - gpuopt_u32x2_to_unit(r.v[0], r.v[1]); /* (0, 1] */
    double u2 = gpuopt_u32x2_to_unit(r.v[2], r.v[3]);
    double radius = sqrt(-2.0 * log(u1));
    double angle = 2.0 * GPUOPT_PI * u2;
    return (index & 1u) ? radius * sin(angle) : radius * cos(angle);
}

/* Streams: algorithms derive a stream from a purpose tag and a generation counter, so that
 * each (purpose, generation) pair has its own sequence. */
GPUOPT_FN gpuopt_u64 gpuopt_stream(gpuopt_u32 purpose, gpuopt_u64 generation)
{
    return (generation << 8) | (gpuopt_u64)(purpose & 0xFFu);
}

#endif /* GPUOPT_KERNELS_PHILOX_H */
