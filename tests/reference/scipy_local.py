"""Reference numbers for the local gradient solvers (tests/test_bfgs.c, test_conjugate_gradient.c,
test_lbfgsb.c), measured with scipy.optimize.minimize.

Run:  python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy
      /tmp/scipy-venv/bin/python tests/reference/scipy_local.py > tests/reference/scipy_local.inc

Each case runs scipy's method (L-BFGS-B, BFGS, CG) with estimagic's defaults, as gpuopt's
lbfgsb / bfgs / conjugate_gradient have them: gtol 1e-5 (pgtol for L-BFGS-B), ftol 2e-9,
maxcor 10, norm inf, maxiter and maxfun 1e6; from gpuopt's built-in start point (x_i = -1.2, 1,
-1.2, ... for rosenbrock; 3, -2, 3, ... for the ellipsoid sum 10^(6i/(n-1)) x_i^2); without
bounds, and for L-BFGS-B also with the built-in box ([-5, 10] rosenbrock, [-5, 5] ellipsoid);
once with the analytic gradient and once with scipy's default finite differences ('2-point').

Recorded per case: the final value, the evaluations scipy counts (nfev: finite-difference points
included), and the evaluations until the best value so far first came within a relative gap of
1e-8, f_best - f* <= 1e-8 (f(x0) - f*) with f* = 0 (-1 when never).
The output is a C table included by the tests.
"""
import sys

import numpy as np
import scipy
from scipy.optimize import minimize

GAP = 1e-8
METHODS = {"lbfgsb": "L-BFGS-B", "bfgs": "BFGS", "conjugate_gradient": "CG"}


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (x[:-1] - 1.0) ** 2))


def rosenbrock_grad(x):
    g = np.zeros_like(x)
    t = x[1:] - x[:-1] ** 2
    g[:-1] = -400.0 * x[:-1] * t + 2.0 * (x[:-1] - 1.0)
    g[1:] += 200.0 * t
    return g


def weights(n):
    return 10.0 ** (6.0 * np.arange(n) / (n - 1))


def ellipsoid(x):
    return float(np.sum(weights(len(x)) * x * x))


def ellipsoid_grad(x):
    return 2.0 * weights(len(x)) * x


PROBLEMS = {
    "rosenbrock": (rosenbrock, rosenbrock_grad, (-1.2, 1.0), (-5.0, 10.0)),
    "ellipsoid": (ellipsoid, ellipsoid_grad, (3.0, -2.0), (-5.0, 5.0)),
}


class Counter:
    """Counts evaluations and remembers when the best value first reached the gap."""

    def __init__(self, fun, f0):
        self.fun, self.threshold = fun, GAP * f0
        self.n, self.best, self.at_gap = 0, np.inf, -1

    def __call__(self, x):
        value = self.fun(x)
        self.n += 1
        self.best = min(self.best, value)
        if self.at_gap < 0 and self.best <= self.threshold:
            self.at_gap = self.n
        return value


def options(method):
    if method == "L-BFGS-B":
        return {"ftol": 2e-9, "gtol": 1e-5, "maxcor": 10, "maxiter": 10**6, "maxfun": 10**6}
    return {"gtol": 1e-5, "norm": np.inf, "maxiter": 10**6}


def run(name, problem, dim, bounded, analytic):
    fun, grad, (even, odd), (lo, hi) = PROBLEMS[problem]
    x0 = np.array([even if i % 2 == 0 else odd for i in range(dim)])
    counter = Counter(fun, fun(x0))
    method = METHODS[name]
    bounds = [(lo, hi)] * dim if bounded else None
    res = minimize(counter, x0, jac=grad if analytic else None, method=method, bounds=bounds,
                   options=options(method))
    assert res.nfev == counter.n, (res.nfev, counter.n)
    return res, counter


def main():
    out = sys.stdout
    out.write(f"/* Printed by tests/reference/scipy_local.py: scipy {scipy.__version__}, numpy "
              f"{np.__version__}. {{algorithm, problem, dim, bounded,\n * analytic gradient, "
              f"final value, evaluations (nfev), evaluations to a 1e-8 relative gap or -1}} */\n")
    for name in METHODS:
        for problem, dims in (("rosenbrock", (2, 10, 50)), ("ellipsoid", (10,))):
            for dim in dims:
                for bounded in ((0, 1) if name == "lbfgsb" else (0,)):
                    for analytic in (1, 0):
                        res, c = run(name, problem, dim, bounded, analytic)
                        out.write(f"/* {res.message} (nit {res.nit}) */\n")
                        out.write(f'{{"{name}", "{problem}", {dim}, {bounded}, {analytic}, '
                                  f"{res.fun!r}, {res.nfev}, {c.at_gap}}},\n")


if __name__ == "__main__":
    main()
