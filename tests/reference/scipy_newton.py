"""Reference numbers for the Newton-type solvers (tests/test_newton_cg.c, test_truncated_newton.c,
test_trust_ncg.c), measured with scipy.optimize.minimize.

Run:  python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy
      /tmp/scipy-venv/bin/python tests/reference/scipy_newton.py > tests/reference/scipy_newton.inc

Each case runs scipy's namesake with the options gpuopt's solver has by default:
  newton_cg         method='Newton-CG', xtol 1e-5 (estimagic's default), maxiter 1e6;
  truncated_newton  method='TNC' with estimagic's scipy_truncated_newton defaults: ftol 0,
                    xtol 0, gtol 1e-5, maxfun 1e6 (the rest scipy's: maxCGit -1, eta -1, stepmx 0,
                    accuracy 0, minfev 0, rescale -1);
  trust_ncg         method='trust-ncg' with the Hessian by finite differences of the gradient
                    (hess='2-point'), initial_trust_radius 1, max_trust_radius 1000, eta 0.15,
                    gtol 1e-5 (gpuopt's harmonized default; scipy's own is 1e-4), maxiter 1e6;
from the reference start point (tests/reference_start.h: x_i = -1.2, 1, ... for rosenbrock; 3, -2, 3, ... for
the ellipsoid sum 10^(6i/(n-1)) x_i^2); without bounds, and for TNC also with the built-in box
([-5, 10] rosenbrock, [-5, 5] ellipsoid); once with the analytic gradient and once with finite
differences.

Finite differences: TNC gets jac=None, i.e. scipy's own forward differences (absolute step
1e-8, bound-aware). Newton-CG and trust-ncg refuse jac=None and a string jac, so they get a
callable that does what scipy's ScalarFunction does for jac='2-point': forward differences with
scipy's relative step (approx_derivative), reusing f(x) when the last value computed was at x.
Every evaluation is counted, finite-difference points included. A run is stopped at a budget
of 10^6 evaluations (gpuopt's default stopping.max_criterion_evaluations; scipy's trust-ncg with
a finite-difference Hessian of finite-difference gradients can otherwise go on for hours), and
then its final value is the best value it saw. With the analytic gradient,
scipy counts only criterion values (nfev); its gradient calls are free, as gpuopt's user
gradient is.

Line-search methods are chaotic on these problems (a change in the last bit of a dot product
can change the path), so every case runs from 5 start points, the built-in one scaled by
1 + k 1e-12 (k = 0..4; the tests scale theirs the same way), and the medians are compared.
Recorded per case, medians over the 5 starts: the final value, the evaluations, and the
evaluations until the best value so far first came within a relative gap of 1e-8,
f_best - f* <= 1e-8 (f(x0) - f*) with f* = 0 (-1 when most starts never get there). The output
is a C table included by the tests; the comment above each row lists the 5 runs.
"""
import sys
import warnings

import numpy as np
import scipy
from scipy.optimize import OptimizeResult, minimize
from scipy.optimize._numdiff import approx_derivative

GAP = 1e-8
BUDGET = 10**6  # evaluations, as gpuopt's stopping.max_criterion_evaluations
STARTS = 5
SCALE = 1e-12
METHODS = {"newton_cg": "Newton-CG", "truncated_newton": "TNC", "trust_ncg": "trust-ncg"}


# The criteria and gradients as gpuopt's built-ins compute them (kernels/problems.h,
# problems_grad.h): terms summed left to right, the same operations.
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


class BudgetExhausted(Exception):
    pass


class Counter:
    """Counts evaluations, remembers when the best value first reached the gap, and stops the
    run at the evaluation budget."""

    def __init__(self, fun, f0):
        self.fun, self.threshold = fun, GAP * f0
        self.n, self.best, self.at_gap = 0, np.inf, -1

    def __call__(self, x):
        if self.n >= BUDGET:
            raise BudgetExhausted()
        value = self.fun([float(v) for v in x])
        self.n += 1
        self.best = min(self.best, value)
        if self.at_gap < 0 and self.best <= self.threshold:
            self.at_gap = self.n
        return value


class ForwardDifferences:
    """scipy's ScalarFunction with jac='2-point': f, and the forward-difference gradient with
    scipy's relative step, reusing the value at the last point computed."""

    def __init__(self, counter):
        self.counter, self.x, self.f = counter, None, None

    def _value(self, x):
        if self.x is None or not np.array_equal(x, self.x):
            self.x = np.array(x, dtype=float)
            self.f = self.counter(self.x)
        return self.f

    def fun(self, x):
        return self._value(x)

    def jac(self, x):
        f0 = self._value(x)
        return approx_derivative(self.counter, self.x, method="2-point", f0=f0)


def options(method):
    if method == "Newton-CG":
        return {"xtol": 1e-5, "maxiter": 10**6}
    if method == "TNC":
        return {"ftol": 0.0, "xtol": 0.0, "gtol": 1e-5, "maxfun": 10**6}
    return {"initial_trust_radius": 1.0, "max_trust_radius": 1000.0, "eta": 0.15, "gtol": 1e-5,
            "maxiter": 10**6}


def run(name, problem, dim, bounded, analytic, k):
    fun, grad, (even, odd), (lo, hi) = PROBLEMS[problem]
    scale = 1.0 + k * SCALE
    x0 = np.array([(even if i % 2 == 0 else odd) * scale for i in range(dim)])
    counter = Counter(fun, fun(list(x0)))
    method = METHODS[name]
    kwargs = {"method": method, "options": options(method)}
    if bounded:
        kwargs["bounds"] = [(lo, hi)] * dim
    objective = counter
    if analytic:
        kwargs["jac"] = grad
    elif method != "TNC":
        fd = ForwardDifferences(counter)
        objective, kwargs["jac"] = fd.fun, fd.jac
    if method == "trust-ncg":
        kwargs["hess"] = "2-point"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = minimize(objective, x0, **kwargs)
        except BudgetExhausted:
            res = OptimizeResult(fun=counter.best, message=f"stopped at the budget of {BUDGET} "
                                 "evaluations")
    return res, counter


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    out = sys.stdout
    out.write(f"/* Printed by tests/reference/scipy_newton.py: scipy {scipy.__version__}, numpy "
              f"{np.__version__}. Medians over {STARTS} starts:\n * {{algorithm, problem, dim, "
              f"bounded, analytic gradient, final value, evaluations,\n * evaluations to "
              f"a 1e-8 relative gap or -1}} */\n")
    for name in METHODS:
        for problem, dims in (("rosenbrock", (2, 10, 50)), ("ellipsoid", (10,))):
            for dim in dims:
                for bounded in ((0, 1) if name == "truncated_newton" else (0,)):
                    for analytic in (1, 0):
                        runs = [run(name, problem, dim, bounded, analytic, k)
                                for k in range(STARTS)]
                        funs = [float(r.fun) for r, _ in runs]
                        nfevs = [c.n for _, c in runs]
                        gaps = [c.at_gap if c.at_gap > 0 else float("inf") for _, c in runs]
                        gap = median(gaps)
                        out.write(f"/* f {', '.join(f'{v:.3g}' for v in funs)}; evaluations "
                                  f"{nfevs}; to gap {[c.at_gap for _, c in runs]}; "
                                  f"{runs[0][0].message} */\n")
                        out.write(f'{{"{name}", "{problem}", {dim}, {bounded}, {analytic}, '
                                  f"{median(funs)!r}, {median(nfevs)}, "
                                  f"{gap if gap != float('inf') else -1}}},\n")
                        out.flush()


if __name__ == "__main__":
    main()
