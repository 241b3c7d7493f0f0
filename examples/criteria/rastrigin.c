/* Rastrigin's function, 10 n + sum (x_i^2 - 10 cos(2 pi x_i)), as a gpuopt source criterion:
 * a helper function (GPUOPT_FN), a math function (cos) and a constant of the prelude
 * (GPUOPT_PI), all portable to C, OpenCL C and CUDA. */
GPUOPT_FN double rastrigin_term(double xi)
{
    return xi * xi - 10.0 * cos(2.0 * GPUOPT_PI * xi);
}

double criterion(GPUOPT_GLOBAL const double *x, int dim)
{
    double s = 10.0 * dim;
    for (int i = 0; i < dim; ++i)
        s += rastrigin_term(x[i]);
    return s;
}
