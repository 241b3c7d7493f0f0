"""Reference results of scipy.optimize.least_squares for tests/test_least_squares.c.

Run with scipy installed (not a test dependency):  python3 least_squares_scipy.py
Prints one C initializer row per (problem, method): final cost (0.5 sum r^2), x, scipy's nfev
(residual evaluations outside the Jacobian), njev (Jacobians; for 'lm' counted from the
calls), and all residual evaluations (finite-difference rows included; scipy's trf/dogbox
evaluate one more Jacobian after their last accepted step and lm one at its final x, which
gpuopt does not). Settings: gpuopt's defaults: ftol=2e-9, xtol=1e-8, gtol=1e-8, jac='2-point'.
"""
import numpy as np
import scipy
from scipy.optimize import least_squares

BARD_Y = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96,
                   1.34, 2.10, 4.39])
EXP_T = np.arange(21) * 0.2
EXP_Y = 2.5 * np.exp(-1.3 * EXP_T) + 0.5 + 0.01 * np.sin(7 * EXP_T)


def rosenbrock(x):
    return np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])


def powell_singular(x):
    return np.array([x[0] + 10 * x[1], np.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
                     np.sqrt(10) * (x[0] - x[3]) ** 2])


def bard(x):
    u = np.arange(1, 16)
    v = 16 - u
    w = np.minimum(u, v)
    return BARD_Y - (x[0] + u / (x[1] * v + x[2] * w))


def box3d(x):
    t = 0.1 * np.arange(1, 11)
    return (np.exp(-t * x[0]) - np.exp(-t * x[1])
            - x[2] * (np.exp(-t) - np.exp(-10 * t)))


def expfit(x):
    return x[0] * np.exp(-x[1] * EXP_T) + x[2] - EXP_Y


INF = np.inf
CASES = [
    # name, fun, x0, lower, upper, methods
    ("rosenbrock", rosenbrock, [-1.2, 1.0], None, None, ["lm", "trf", "dogbox"]),
    ("powell_singular", powell_singular, [3.0, -1.0, 0.0, 1.0], None, None,
     ["lm", "trf", "dogbox"]),
    ("bard", bard, [1.0, 1.0, 1.0], None, None, ["lm", "trf", "dogbox"]),
    ("box3d", box3d, [0.0, 10.0, 20.0], None, None, ["lm", "trf", "dogbox"]),
    ("expfit", expfit, [1.0, 1.0, 0.0], None, None, ["lm", "trf", "dogbox"]),
    ("rosenbrock_bounded", rosenbrock, [-1.2, 1.0], [-2.0, -2.0], [0.8, 2.0],
     ["trf", "dogbox"]),
    ("expfit_bounded", expfit, [1.0, 1.0, 0.0], [0.0, 0.0, -1.0], [10.0, 10.0, 0.3],
     ["trf", "dogbox"]),
]


def main():
    print(f"/* scipy {scipy.__version__}, numpy {np.__version__} */")
    for name, fun, x0, lo, hi, methods in CASES:
        n = len(x0)
        for method in methods:
            calls = [0]

            def counted(x, fun=fun):
                calls[0] += 1
                return fun(x)

            bounds = (lo, hi) if lo is not None else (-INF, INF)
            r = least_squares(counted, np.array(x0), method=method, bounds=bounds, ftol=2e-9,
                              xtol=1e-8, gtol=1e-8)
            njev = r.njev if r.njev is not None else (calls[0] - r.nfev) // n
            xs = ", ".join(f"{v:.17g}" for v in r.x)
            print(f'    {{"{name}", "ls_{method}", {r.cost:.17g}, {{{xs}}}, {r.nfev}, {njev}, '
                  f'{calls[0]}, {r.status}}},')


if __name__ == "__main__":
    main()
