"""Reference numbers for the built-in `logit` problem (kernels/problems.h), used by
tests/test_logit.c, tests/test_bhhh.c and the catalogue entry in src/problems.c.

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy statsmodels
      /tmp/venv/bin/python tests/reference/logit_mle.py > tests/reference/logit_mle.txt

The script regenerates the data set independently of gpuopt: Philox4x32-10 written out in
Python integers, then the covariates and outcomes exactly as gpuopt_logit_observation() forms
them. It prints
  * a checksum of the data (FNV-1a 64 over the little-endian bytes of z_i0..z_i4, y_i for
    i = 0..999) and the smallest margin |u_i4 - p_i| (how far each outcome is from flipping);
  * the maximum-likelihood estimate, found by Newton's method on the negative log-likelihood
    with the analytic gradient and Hessian until the step is below 1e-15, and checked against
    statsmodels' Logit (Newton, tol 1e-14) and scipy's BFGS with the analytic gradient;
  * the negative log-likelihood at the estimate (gpuopt's value: the sum of the contributions
    log(1 + exp(eta_i)) - y_i eta_i, summed in order from 0.0), and the gradient there;
  * what estimagic's (optimagic's) own bhhh does from 0 with its defaults (gtol 1e-8, at most
    200 iterations), given the contributions and their analytic scores (the criterion returns
    -log-likelihood contributions and the score, as estimagic's test of bhhh does), when
    optimagic is installed: its iterations, evaluations and distance to the estimate.
"""
import math
import struct

import numpy as np
import scipy
import scipy.optimize
import statsmodels
import statsmodels.api as sm

N = 1000
SEED = 0x6C6F676974  # "logit"
STREAM = 1
M32 = 0xFFFFFFFF


def philox4x32_10(ctr, k0, k1):
    c = list(ctr)
    for r in range(10):
        if r > 0:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c[3] ^ k1) & M32, p0 & M32]
    return c


def block(b):
    return philox4x32_10([b & M32, b >> 32, STREAM & M32, STREAM >> 32], SEED & M32, SEED >> 32)


def unit(a, b):
    return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0)


def observation(i):
    a, b, c = block(3 * i), block(3 * i + 1), block(3 * i + 2)
    z = [1.0, 4.0 * unit(a[0], a[1]) - 2.0, 2.0 * unit(a[2], a[3]) - 1.0,
         1.0 if unit(b[0], b[1]) < 0.4 else 0.0, 3.0 * unit(b[2], b[3])]
    eta = -0.5 + 1.0 * z[1]
    eta = eta + -0.75 * z[2]
    eta = eta + 0.8 * z[3]
    eta = eta + 0.4 * z[4]
    p = 1.0 / (1.0 + math.exp(-eta))
    u4 = unit(c[0], c[1])
    return z, (1.0 if u4 < p else 0.0), abs(u4 - p)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def nll_sequential(beta, Z, y):
    """gpuopt's value: contributions summed in order, each as the kernel computes it."""
    total = 0.0
    for i in range(len(y)):
        eta = 0.0
        for k in range(5):
            eta += beta[k] * Z[i, k]
        softplus = eta + math.log1p(math.exp(-eta)) if eta > 0.0 else math.log1p(math.exp(eta))
        total += softplus - y[i] * eta
    return total


def newton(Z, y):
    beta = np.zeros(5)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-Z @ beta))
        grad = Z.T @ (p - y)
        hess = (Z * (p * (1 - p))[:, None]).T @ Z
        step = np.linalg.solve(hess, grad)
        beta = beta - step
        if np.max(np.abs(step)) < 1e-15:
            break
    return beta


def main():
    rows = [observation(i) for i in range(N)]
    Z = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    data = b"".join(struct.pack("<6d", *r[0], r[1]) for r in rows)
    print(f"# numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}")
    print(f"observations {N}, ones {int(y.sum())}, smallest margin {min(r[2] for r in rows):.6g}")
    print(f"checksum fnv1a64 0x{fnv1a64(data):016X}")
    print(f"z sum {Z.sum():.17g}")

    beta = newton(Z, y)
    sm_fit = sm.Logit(y, Z).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    nll = lambda b: float(np.sum(np.logaddexp(0.0, Z @ b) - y * (Z @ b)))
    score = lambda b: Z.T @ (1.0 / (1.0 + np.exp(-Z @ b)) - y)
    bfgs = scipy.optimize.minimize(nll, np.zeros(5), jac=score, method="BFGS",
                                   options=dict(gtol=1e-12, maxiter=10000))
    print(f"statsmodels max |diff| {np.max(np.abs(sm_fit.params - beta)):.3g}")
    print(f"scipy BFGS  max |diff| {np.max(np.abs(bfgs.x - beta)):.3g}")
    print("mle " + " ".join(f"{b:.17g}" for b in beta))
    print(f"nll {nll_sequential(beta, Z, y):.17g}")
    print(f"nll at zero {nll_sequential(np.zeros(5), Z, y):.17g}")
    print("gradient at mle " + " ".join(f"{g:.3g}" for g in score(beta)))
    estimagic_bhhh(Z, y, beta)


def estimagic_bhhh(Z, y, beta):
    try:
        import optimagic
        from optimagic.optimizers.bhhh import bhhh_internal
    except ImportError:
        print("estimagic bhhh: optimagic is not installed")
        return
    calls = [0]

    def fun_and_jac(b):
        calls[0] += 1
        eta = Z @ b
        contributions = np.logaddexp(0.0, eta) - y * eta
        scores = (y - 1.0 / (1.0 + np.exp(-eta)))[:, None] * Z
        return contributions, scores

    res = bhhh_internal(fun_and_jac, x=np.zeros(5), gtol_abs=1e-8, maxiter=200)
    print(f"estimagic bhhh (optimagic {optimagic.__version__}): {res.n_iterations} iterations, "
          f"{calls[0]} evaluations of contributions and scores, "
          f"max |x - mle| {np.max(np.abs(res.x - beta)):.3g}")


if __name__ == "__main__":
    main()
