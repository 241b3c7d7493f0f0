/* The sphere function, the sum of x_i^2, as a gpuopt source criterion: compiled at run time for
 * the backend in use (OpenCL, CUDA or the CPU). Run it with
 *   gpuopt run --source examples/criteria/sphere.c --dim 10 --algorithm de --lower -5 --upper 5 */
double criterion(GPUOPT_GLOBAL const double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += x[i] * x[i];
    return s;
}
