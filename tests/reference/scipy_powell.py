"""Reference numbers for tests/test_powell.c, produced with scipy.optimize.minimize(method="Powell").

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
      /tmp/venv/bin/python tests/reference/scipy_powell.py > tests/reference/scipy_powell.txt
and copy the printed C rows into SCIPY[] in tests/test_powell.c.

Each case is one of gpuopt's built-in problems with its default bounds and start point (for
rosenbrock the classic (-1.2, 1, ...), tests/reference_start.h) (or the
bounds the case names: none, or a lower bound only), written out operation for operation as kernels/problems.h computes it (terms summed left to right), so
scipy minimizes the same function. Options are estimagic's scipy_powell defaults (xtol 1e-5,
ftol 2e-9, maxfev = maxiter = 1e6) unless a case says otherwise. Printed per case: scipy's
evaluations, iterations, final value and point, and the evaluations until the best value so far
was within 1e-8 max(1, |f*|) of the known minimum f* (-1 when never).

The logit case uses the data of tests/reference/logit_mle.py; its value is summed in order like
the kernel's, so the path is the same up to the last bits of log1p/exp.
"""
import math
import sys

import numpy as np
import scipy
from scipy.optimize import Bounds, minimize

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import logit_mle  # noqa: E402


def rosenbrock(x):
    if len(x) == 1:
        return (x[0] - 1.0) * (x[0] - 1.0)
    total = 0.0
    for i in range(len(x) - 1):
        valley = x[i + 1] - x[i] * x[i]
        offset = x[i] - 1.0
        total += 100.0 * (valley * valley) + offset * offset
    return total


def ellipsoid(x):
    n = len(x)
    total = x[0] * x[0]
    for i in range(1, n):
        total += 10.0 ** ((6.0 * i) / (n - 1)) * (x[i] * x[i])
    return total


LOGIT_Z = LOGIT_Y = None


def logit(x):
    total = 0.0
    for i in range(len(LOGIT_Y)):
        eta = 0.0
        for k in range(5):
            eta += x[k] * LOGIT_Z[i][k]
        softplus = eta + math.log1p(math.exp(-eta)) if eta > 0.0 else math.log1p(math.exp(eta))
        total += softplus - LOGIT_Y[i] * eta
    return total


def sphere(x):
    total = 0.0
    for v in x:
        total += v * v
    return total


def alternate(n, even, odd):
    return np.array([even if i % 2 == 0 else odd for i in range(n)])


ESTIMAGIC = dict(xtol=1e-5, ftol=2e-9, maxfev=1000000, maxiter=1000000)
CASES = [
    # name, function, dim, lower, upper, start, f*, options
    ("rosenbrock", rosenbrock, 2, -5.0, 10.0, alternate(2, -1.2, 1.0), 0.0, ESTIMAGIC),
    ("rosenbrock", rosenbrock, 10, -5.0, 10.0, alternate(10, -1.2, 1.0), 0.0, ESTIMAGIC),
    ("rosenbrock", rosenbrock, 50, -5.0, 10.0, alternate(50, -1.2, 1.0), 0.0, ESTIMAGIC),
    ("ellipsoid", ellipsoid, 4, -5.0, 5.0, alternate(4, 3.0, -2.0), 0.0, ESTIMAGIC),
    ("ellipsoid", ellipsoid, 10, -5.0, 5.0, alternate(10, 3.0, -2.0), 0.0, ESTIMAGIC),
    ("logit", logit, 5, -10.0, 10.0, np.zeros(5), 541.90651313139278, ESTIMAGIC),
    # no bounds: bracket + Brent line searches
    ("rosenbrock", rosenbrock, 2, -math.inf, math.inf, alternate(2, -1.2, 1.0), 0.0, ESTIMAGIC),
    ("ellipsoid", ellipsoid, 4, -math.inf, math.inf, alternate(4, 3.0, -2.0), 0.0, ESTIMAGIC),
    # bounded below only: fminbound in t with alpha = tan(t); the minimum is at the bound 0.5
    ("sphere", sphere, 3, 0.5, math.inf, np.array([3.0, 2.0, 1.0]), 0.75, ESTIMAGIC),
]


def run(case):
    name, fun, dim, lo, hi, x0, fstar, options = case
    best = [math.inf]
    count = [0]
    hit = [-1]

    def tracked(x):
        f = fun(x)
        count[0] += 1
        best[0] = min(best[0], f)
        if hit[0] < 0 and best[0] - fstar <= 1e-8 * max(1.0, abs(fstar)):
            hit[0] = count[0]
        return f

    bounds = None if lo == -math.inf and hi == math.inf else Bounds([lo] * dim, [hi] * dim)
    res = minimize(tracked, x0, method="Powell", bounds=bounds, options=options)
    return res, hit[0]


def main():
    global LOGIT_Z, LOGIT_Y
    rows = [logit_mle.observation(i) for i in range(logit_mle.N)]
    LOGIT_Z = [r[0] for r in rows]
    LOGIT_Y = [r[1] for r in rows]
    print(f"/* scipy {scipy.__version__}, numpy {np.__version__}: name, dim, lower, upper, "
          "nfev, nit, evaluations to a 1e-8 gap, fun, x[0], x[dim-1] */")
    c_bound = {-math.inf: "-INFINITY", math.inf: "INFINITY"}
    for case in CASES:
        res, hit = run(case)
        lo, hi = (c_bound.get(b, repr(b)) for b in case[3:5])
        print(f'    {{"{case[0]}", {case[2]}, {lo}, {hi}, {res.nfev}, {res.nit}, {hit}, '
              f'{float(res.fun)!r}, {float(res.x[0])!r}, {float(res.x[-1])!r}}},')


if __name__ == "__main__":
    main()
