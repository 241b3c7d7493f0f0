/* Small dense linear algebra for pounders and dfols (see dfo_linalg.h). */
#include "dfo_linalg.h"

#include <math.h>
#include <string.h>

double dfo_norm(const double *a, size_t n)
{
    return sqrt(ls_dot(a, a, n));
}

double dfo_quadform(const double *A, const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += x[i] * ls_dot(A + i * n, x, n);
    return s;
}

static void swap_rows(double *A, size_t cols, size_t i, size_t j)
{
    for (size_t c = 0; c < cols; ++c) {
        double t = A[i * cols + c];
        A[i * cols + c] = A[j * cols + c];
        A[j * cols + c] = t;
    }
}

int dfo_solve(double *A, double *B, size_t n, size_t k, size_t *piv)
{
    for (size_t c = 0; c < n; ++c) {
        size_t p = c;
        for (size_t i = c + 1; i < n; ++i)
            if (fabs(A[i * n + c]) > fabs(A[p * n + c]))
                p = i;
        piv[c] = p;
        if (!(fabs(A[p * n + c]) > 0) || !isfinite(A[p * n + c]))
            return 0;
        if (p != c) {
            swap_rows(A, n, p, c);
            swap_rows(B, k, p, c);
        }
        for (size_t i = c + 1; i < n; ++i) {
            double l = A[i * n + c] / A[c * n + c];
            A[i * n + c] = l;
            for (size_t j = c + 1; j < n; ++j)
                A[i * n + j] -= l * A[c * n + j];
            for (size_t j = 0; j < k; ++j)
                B[i * k + j] -= l * B[c * k + j];
        }
    }
    for (size_t c = n; c-- > 0;)
        for (size_t j = 0; j < k; ++j) {
            double s = B[c * k + j];
            for (size_t i = c + 1; i < n; ++i)
                s -= A[c * n + i] * B[i * k + j];
            B[c * k + j] = s / A[c * n + c];
        }
    return 1;
}

int dfo_cholesky(double *A, size_t n)
{
    for (size_t j = 0; j < n; ++j) {
        double d = A[j * n + j];
        for (size_t k = 0; k < j; ++k)
            d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0) || !isfinite(d))
            return 0;
        d = sqrt(d);
        A[j * n + j] = d;
        for (size_t i = j + 1; i < n; ++i) {
            double s = A[i * n + j];
            for (size_t k = 0; k < j; ++k)
                s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / d;
        }
    }
    return 1;
}

void dfo_forward(const double *L, double *b, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        double s = b[i];
        for (size_t k = 0; k < i; ++k)
            s -= L[i * n + k] * b[k];
        b[i] = s / L[i * n + i];
    }
}

void dfo_backward_t(const double *L, double *b, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; ++k)
            s -= L[k * n + i] * b[k];
        b[i] = s / L[i * n + i];
    }
}

/* Householder vector of column c of R (rows c.. on): returns tau, v in R's column (v_c = 1
 * implied), and R[c][c] = beta. */
static double reflector(double *R, size_t rows, size_t cols, size_t c)
{
    double alpha = R[c * cols + c], xnorm = 0;
    for (size_t i = c + 1; i < rows; ++i)
        xnorm = hypot(xnorm, R[i * cols + c]);
    if (xnorm == 0)
        return 0;
    double beta = -copysign(hypot(alpha, xnorm), alpha);
    double tau = (beta - alpha) / beta, scale = 1 / (alpha - beta);
    for (size_t i = c + 1; i < rows; ++i)
        R[i * cols + c] *= scale;
    R[c * cols + c] = beta;
    return tau;
}

/* Applies H = I - tau v v' (v from column c of R, v_c = 1) to the columns j > c of R. */
static void apply_to_rest(double *R, size_t rows, size_t cols, size_t c, double tau)
{
    for (size_t j = c + 1; j < cols; ++j) {
        double s = R[c * cols + j];
        for (size_t i = c + 1; i < rows; ++i)
            s += R[i * cols + c] * R[i * cols + j];
        s *= tau;
        R[c * cols + j] -= s;
        for (size_t i = c + 1; i < rows; ++i)
            R[i * cols + j] -= s * R[i * cols + c];
    }
}

void dfo_qr_q(const double *A, size_t rows, size_t cols, double *Q, double *work)
{
    double *R = work, *tau = work + rows * cols;
    size_t k = rows < cols ? rows : cols;
    memcpy(R, A, rows * cols * sizeof *R);
    for (size_t c = 0; c < k; ++c) {
        tau[c] = reflector(R, rows, cols, c);
        if (tau[c] != 0)
            apply_to_rest(R, rows, cols, c, tau[c]);
    }
    /* Q = H_0 H_1 ... H_{k-1} I, accumulated backwards */
    memset(Q, 0, rows * rows * sizeof *Q);
    for (size_t i = 0; i < rows; ++i)
        Q[i * rows + i] = 1;
    for (size_t c = k; c-- > 0;) {
        if (tau[c] == 0)
            continue;
        for (size_t j = 0; j < rows; ++j) {
            double s = Q[c * rows + j];
            for (size_t i = c + 1; i < rows; ++i)
                s += R[i * cols + c] * Q[i * rows + j];
            s *= tau[c];
            Q[c * rows + j] -= s;
            for (size_t i = c + 1; i < rows; ++i)
                Q[i * rows + j] -= s * R[i * cols + c];
        }
    }
}

/* One Jacobi rotation zeroing A[p][q], applied to A (both sides) and V (columns). */
static void jacobi_rotate(double *A, double *V, size_t n, size_t p, size_t q)
{
    double apq = A[p * n + q];
    double theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
    double t = copysign(1.0, theta) / (fabs(theta) + sqrt(theta * theta + 1));
    double c = 1 / sqrt(t * t + 1), s = t * c;
    for (size_t k = 0; k < n; ++k) {
        double akp = A[k * n + p], akq = A[k * n + q];
        A[k * n + p] = c * akp - s * akq;
        A[k * n + q] = s * akp + c * akq;
    }
    for (size_t k = 0; k < n; ++k) {
        double apk = A[p * n + k], aqk = A[q * n + k];
        A[p * n + k] = c * apk - s * aqk;
        A[q * n + k] = s * apk + c * aqk;
    }
    for (size_t k = 0; k < n; ++k) {
        double vkp = V[k * n + p], vkq = V[k * n + q];
        V[k * n + p] = c * vkp - s * vkq;
        V[k * n + q] = s * vkp + c * vkq;
    }
}

static void sort_eigen(double *w, double *V, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        size_t m = i;
        for (size_t j = i + 1; j < n; ++j)
            if (w[j] < w[m])
                m = j;
        if (m == i)
            continue;
        double t = w[i];
        w[i] = w[m];
        w[m] = t;
        for (size_t k = 0; k < n; ++k) {
            t = V[k * n + i];
            V[k * n + i] = V[k * n + m];
            V[k * n + m] = t;
        }
    }
}

void dfo_sym_eigen(const double *A, size_t n, double *w, double *V, double *work)
{
    double *B = work;
    memcpy(B, A, n * n * sizeof *B);
    memset(V, 0, n * n * sizeof *V);
    for (size_t i = 0; i < n; ++i)
        V[i * n + i] = 1;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0, total = 0;
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) {
                total += B[i * n + j] * B[i * n + j];
                if (i != j)
                    off += B[i * n + j] * B[i * n + j];
            }
        if (!(off > 1e-30 * total))
            break;
        for (size_t p = 0; p + 1 < n; ++p)
            for (size_t q = p + 1; q < n; ++q)
                if (B[p * n + q] != 0)
                    jacobi_rotate(B, V, n, p, q);
    }
    for (size_t i = 0; i < n; ++i)
        w[i] = B[i * n + i];
    sort_eigen(w, V, n);
}
