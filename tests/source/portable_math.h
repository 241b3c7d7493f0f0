/* A source criterion that uses every math function and constant docs/user_criteria.md lists
 * as portable: it must compile for the C compiler, OpenCL C and NVRTC alike. */
#ifndef GPUOPT_TESTS_SOURCE_PORTABLE_MATH_H
#define GPUOPT_TESTS_SOURCE_PORTABLE_MATH_H

static const char PORTABLE_MATH[] =
    "GPUOPT_FN double helper(double v)\n"
    "{\n"
    "    return sqrt(v) + cbrt(v) + exp(v) + exp2(v) + expm1(v) + log(v + 1.0) + log2(v + 1.0) +\n"
    "           log10(v + 1.0) + log1p(v) + pow(v, 1.5) + sin(v) + cos(v) + tan(v) +\n"
    "           asin(v / 10) + acos(v / 10) + atan(v) + atan2(v, 2.0) + sinh(v) + cosh(v) +\n"
    "           tanh(v) + asinh(v) + acosh(v + 1.0) + atanh(v / 10) + fabs(v) + fmin(v, 1.0) +\n"
    "           fmax(v, 1.0) + fmod(v, 0.3) + floor(v) + ceil(v) + round(v) + trunc(v) +\n"
    "           copysign(v, -1.0) + hypot(v, 2.0) + erf(v) + erfc(v) + tgamma(v + 1.0) +\n"
    "           lgamma(v + 1.0) + GPUOPT_PI;\n"
    "}\n"
    "double criterion(GPUOPT_GLOBAL const double *x, int dim)\n"
    "{\n"
    "    double s = 0.0;\n"
    "    for (int i = 0; i < dim; ++i) {\n"
    "        double v = fabs(x[i]) / 10.0;\n"
    "        if (isnan(v) || isinf(v) || !isfinite(v))\n"
    "            return NAN;\n"
    "        s += helper(v);\n"
    "    }\n"
    "    return s < INFINITY ? s : 0.0;\n"
    "}\n";

#endif
