/* Philox4x32-10 (kernels/philox.h): Random123's known-answer vectors, and the derived uniform and
 * normal draws' basic statistics and addressing. */
#include "check.h"
#include "kernels/philox.h"

static void kat(gpuopt_u32 c0, gpuopt_u32 c1, gpuopt_u32 c2, gpuopt_u32 c3, gpuopt_u32 k0,
                gpuopt_u32 k1, const gpuopt_u32 expect[4])
{
    gpuopt_philox4 c = {{c0, c1, c2, c3}};
    gpuopt_philox4 r = gpuopt_philox4x32_10(c, k0, k1);
    for (int i = 0; i < 4; ++i)
        CHECK_MSG(r.v[i] == expect[i], "word %d: %08x != %08x", i, r.v[i], expect[i]);
}

int main(void)
{
    /* Random123 kat_vectors, "philox4x32 10" lines: counter, key -> output */
    static const gpuopt_u32 zeros[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    static const gpuopt_u32 ones[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    static const gpuopt_u32 pi[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    kat(0, 0, 0, 0, 0, 0, zeros);
    kat(~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ones);
    kat(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, pi);

    /* uniform draws: in [0,1), mean 1/2, variance 1/12, distinct streams differ */
    const int n = 200000;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    int equal_streams = 0;
    for (int i = 0; i < n; ++i) {
        double u = gpuopt_philox_uniform(99, gpuopt_stream(3, 17), (gpuopt_u64)i);
        sum += u;
        sum2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        equal_streams += u == gpuopt_philox_uniform(99, gpuopt_stream(4, 17), (gpuopt_u64)i);
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(lo >= 0 && hi < 1);
    CHECK_MSG(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n), "mean %g", mean);
    CHECK_MSG(fabs(var - 1.0 / 12) < 0.002, "variance %g", var);
    CHECK(equal_streams == 0);
    /* random access: the draw at an index does not depend on what was drawn before */
    CHECK(gpuopt_philox_uniform(5, 1, 12345) == gpuopt_philox_uniform(5, 1, 12345));
    CHECK(gpuopt_uniform_below(0.999999999999, 7) == 6 && gpuopt_uniform_below(0.0, 7) == 0);

    /* normal draws: mean 0, variance 1 */
    sum = sum2 = 0;
    for (int i = 0; i < n; ++i) {
        double z = gpuopt_philox_normal(7, 2, (gpuopt_u64)i);
        sum += z;
        sum2 += z * z;
    }
    CHECK_MSG(fabs(sum / n) < 5 / sqrt((double)n), "normal mean %g", sum / n);
    CHECK_MSG(fabs(sum2 / n - 1) < 0.02, "normal variance %g", sum2 / n);
    return check_finish();
}
