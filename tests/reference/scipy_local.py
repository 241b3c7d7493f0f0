"""Reference numbers for the local gradient solvers (tests/test_bfgs.c, test_conjugate_gradient.c,
test_lbfgsb.c), measured with scipy.optimize.minimize.

Run:  python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy
      /tmp/scipy-venv/bin/python tests/reference/scipy_local.py > tests/reference/scipy_local.inc

Each case runs scipy's method (L-BFGS-B, BFGS, CG) with estimagic's defaults, as gpuopt's
lbfgsb / bfgs / conjugate_gradient have them: gtol 1e-5 (pgtol for L-BFGS-B), ftol 2e-9,
maxcor 10, norm inf, maxiter and maxfun 1e6; from the reference start point (tests/reference_start.h: x_i = -1.2, 1,
-1.2, ... for rosenbrock; 3, -2, 3, ... for the ellipsoid sum 10^(6i/(n-1)) x_i^2); without
bounds, and for L-BFGS-B also with the built-in box ([-5, 10] rosenbrock, [-5, 5] ellipsoid);
once with the analytic gradient and once with scipy's default finite differences ('2-point').

Line-search methods are chaotic on these problems: a change in the last bit of one dot product
(numpy's BLAS sums in another order than gpuopt's loops) can send the iterates along another
path with a quite different evaluation count. So every case runs from 5 start points, the
built-in one scaled by 1 + k 1e-12 (k = 0..4; the tests scale theirs the same way), and the
medians are compared. Recorded per case, medians over the 5 starts: the final value, the
evaluations scipy counts (nfev: finite-difference points included), and the evaluations until
the best value so far first came within a relative gap of 1e-8, f_best - f* <= 1e-8 (f(x0) - f*)
with f* = 0 (-1 when most starts never get there). The output is a C table included by the
tests; the comment above each row lists the 5 runs.
"""
import sys

import numpy as np
import scipy
from scipy.optimize import minimize

GAP = 1e-8
STARTS = 5
SCALE = 1e-12
METHODS = {"lbfgsb": "L-BFGS-B", "bfgs": "BFGS", "conjugate_gradient": "CG"}


# The criteria and gradients are written out as gpuopt's built-ins compute them (kernels/
# problems.h, problems_grad.h): terms summed left to right, the same operations, so both sides
# see the same bits and the remaining differences are the solvers' own arithmetic.
def rosenbrock(x):
    s = 0.0
    for i in range(len(x) - 1):
        valley = x[i + 1] - x[i] * x[i]
        offset = x[i] - 1.0
        s += 100.0 * (valley * valley) + offset * offset
    return s


def rosenbrock_grad(x):
    n, g = len(x), np.zeros(len(x))
    for i in range(n):
        s = 0.0
        if i + 1 < n:
            s += -400.0 * x[i] * (x[i + 1] - x[i] * x[i]) + 2.0 * (x[i] - 1.0)
        if i > 0:
            s += 200.0 * (x[i] - x[i - 1] * x[i - 1])
        g[i] = s
    return g


def weight(i, n):
    return 1.0 if i == 0 else 10.0 ** ((6.0 * i) / (n - 1))


def ellipsoid(x):
    s = x[0] * x[0]
    for i in range(1, len(x)):
        s += weight(i, len(x)) * (x[i] * x[i])
    return s


def ellipsoid_grad(x):
    return np.array([2.0 * weight(i, len(x)) * x[i] for i in range(len(x))])


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
        value = self.fun([float(v) for v in x])
        self.n += 1
        self.best = min(self.best, value)
        if self.at_gap < 0 and self.best <= self.threshold:
            self.at_gap = self.n
        return value


def options(method):
    if method == "L-BFGS-B":
        return {"ftol": 2e-9, "gtol": 1e-5, "maxcor": 10, "maxiter": 10**6, "maxfun": 10**6}
    return {"gtol": 1e-5, "norm": np.inf, "maxiter": 10**6}


def run(name, problem, dim, bounded, analytic, k):
    fun, grad, (even, odd), (lo, hi) = PROBLEMS[problem]
    scale = 1.0 + k * SCALE
    x0 = np.array([(even if i % 2 == 0 else odd) * scale for i in range(dim)])
    counter = Counter(fun, fun(list(x0)))
    method = METHODS[name]
    bounds = [(lo, hi)] * dim if bounded else None
    res = minimize(counter, x0, jac=grad if analytic else None, method=method, bounds=bounds,
                   options=options(method))
    assert res.nfev == counter.n, (res.nfev, counter.n)
    return res, counter


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    out = sys.stdout
    out.write(f"/* Printed by tests/reference/scipy_local.py: scipy {scipy.__version__}, numpy "
              f"{np.__version__}. Medians over {STARTS} starts:\n * {{algorithm, problem, dim, "
              f"bounded, analytic gradient, final value, evaluations (nfev),\n * evaluations to "
              f"a 1e-8 relative gap or -1}} */\n")
    for name in METHODS:
        for problem, dims in (("rosenbrock", (2, 10, 50)), ("ellipsoid", (10,))):
            for dim in dims:
                for bounded in ((0, 1) if name == "lbfgsb" else (0,)):
                    for analytic in (1, 0):
                        runs = [run(name, problem, dim, bounded, analytic, k)
                                for k in range(STARTS)]
                        funs = [r.fun for r, _ in runs]
                        nfevs = [r.nfev for r, _ in runs]
                        gaps = [c.at_gap if c.at_gap > 0 else float("inf") for _, c in runs]
                        gap = median(gaps)
                        out.write(f"/* f {', '.join(f'{v:.3g}' for v in funs)}; nfev {nfevs}; "
                                  f"to gap {[c.at_gap for _, c in runs]} */\n")
                        out.write(f'{{"{name}", "{problem}", {dim}, {bounded}, {analytic}, '
                                  f"{median(funs)!r}, {median(nfevs)}, "
                                  f"{gap if gap != float('inf') else -1}}},\n")


if __name__ == "__main__":
    main()
