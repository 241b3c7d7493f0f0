"""Reference numbers for tests/test_neldermead.c, produced with scipy.optimize.minimize.

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy
      /tmp/venv/bin/python tests/reference/scipy_neldermead.py
and copy the printed rows into REFERENCE[] in tests/test_neldermead.c.

Rosenbrock cases start from (-1.2, 1) (dimension 2) or (-1.2, 1, 1) (dimension 3, for the
adaptive coefficients, which equal the standard ones when n = 2). The criterion is written out
as the test's callback computes it: the terms 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 summed left
to right, the same operations as scipy.optimize.rosen (the script checks the values).

The ellipsoid case is gpuopt's built-in "ellipsoid" in dimension 10 (sum 10^(6i/9) x_i^2, bounds
[-5, 5], start (3, -2, 3, -2, ...)), adaptive. Its simplex gets clipped onto a bound, where
vertices tie in value; numpy's default argsort (an unstable SIMD sort on AVX-512 machines) then
orders ties differently from gpuopt's stable sort. The case is therefore run twice: with numpy's
default argsort, and with scipy's module patched to argsort(kind="stable"), which gpuopt matches.
"""
import types

import numpy as np
import scipy
import scipy.optimize._optimize as scipy_optimize
from scipy.optimize import Bounds, minimize, rosen


def rosen_sequential(x):
    total = 0.0
    for i in range(len(x) - 1):
        t = x[i + 1] - x[i] * x[i]
        u = 1.0 - x[i]
        total += 100.0 * (t * t) + u * u
    return total


def ellipsoid(x):
    """kernels/problems.h: gpuopt_builtin_ellipsoid, operation for operation."""
    n = len(x)
    total = x[0] * x[0]
    for i in range(1, n):
        total += 10.0 ** ((6.0 * i) / (n - 1)) * (x[i] * x[i])
    return total


X2 = np.array([-1.2, 1.0])
X3 = np.array([-1.2, 1.0, 1.0])
X10 = np.array([3.0, -2.0] * 5)
ESTIMAGIC = dict(xatol=1e-8, fatol=1e-8, maxiter=1000000, maxfev=1000000)
TIGHT = dict(ESTIMAGIC, xatol=1e-10, fatol=1e-14, adaptive=True)
BOX10 = Bounds([-5.0] * 10, [5.0] * 10)
CASES = [
    # name, criterion, start, options, bounds, stable argsort
    ("scipy_defaults", rosen_sequential, X2, dict(), None, False),
    ("estimagic_defaults", rosen_sequential, X2, ESTIMAGIC, None, False),
    # x0[1] * 1.05 = 1.05 lies above the upper bound 1.02: scipy reflects it to 0.99.
    ("bounded", rosen_sequential, X2, ESTIMAGIC, Bounds([-2.0, -2.0], [0.9, 1.02]), False),
    ("max_evaluations_50", rosen_sequential, X2, dict(ESTIMAGIC, maxfev=50), None, False),
    ("max_iterations_30", rosen_sequential, X2, dict(ESTIMAGIC, maxiter=30), None, False),
    ("standard_dim3", rosen_sequential, X3, ESTIMAGIC, None, False),
    ("adaptive_dim3", rosen_sequential, X3, dict(ESTIMAGIC, adaptive=True), None, False),
    ("ellipsoid_numpy_argsort", ellipsoid, X10, TIGHT, BOX10, False),
    ("ellipsoid_stable_argsort", ellipsoid, X10, TIGHT, BOX10, True),
]


def numpy_with_stable_argsort():
    patched = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    patched.argsort = lambda a, *args, **kwargs: np.argsort(a, kind="stable")
    return patched


def main():
    print(f"# scipy {scipy.__version__}, numpy {np.__version__}")
    rng = np.random.default_rng(1)
    for x in [X2, X3] + [rng.normal(size=n) for n in (2, 3) for _ in range(100)]:
        assert rosen_sequential(x) == rosen(x)
    print("# name, dim, nit, nfev, fun, first 3 coordinates of x (0 beyond dim)")
    for name, fun, x0, options, bounds, stable in CASES:
        scipy_optimize.np = numpy_with_stable_argsort() if stable else np
        r = minimize(fun, x0, method="Nelder-Mead", options=options, bounds=bounds)
        scipy_optimize.np = np
        x = [float(v) for v in r.x[:3]] + [0.0] * (3 - min(3, len(r.x)))
        print(f'{{"{name}", {len(x0)}, {r.nit}, {r.nfev}, {float(r.fun)!r}, '
              f'{{{x[0]!r}, {x[1]!r}, {x[2]!r}}}}},')


if __name__ == "__main__":
    main()
