"""Reference numbers for tests/test_neldermead_parallel.c, produced with estimagic's (optimagic's)
neldermead_parallel itself.

Run:  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install optimagic
      /tmp/venv/bin/python tests/reference/estimagic_neldermead_parallel.py \
          > tests/reference/estimagic_neldermead_parallel.txt
and copy the printed C rows into ESTIMAGIC[] in tests/test_neldermead_parallel.c.

estimagic's neldermead_parallel takes no bounds, so the cases are gpuopt's built-in problems
without bounds (the test removes them), from the built-in start points (for rosenbrock the
classic (-1.2, 1, ...), tests/reference_start.h), with the criterion written
out operation for operation as kernels/problems.h computes it. The batch evaluator is a plain loop
(the points and their order are the same as with joblib; only no processes are started).
Printed per case: the options, estimagic's iterations, the number of criterion evaluations, the
final value and the first and last coordinates of the solution.

Vertices whose values tie are ordered by numpy's default argsort, an unstable (SIMD) sort on
AVX-512 machines; gpuopt sorts stably. The cases therefore run with estimagic's module patched to
argsort(kind="stable"). The rosenbrock n_cores=3 case, whose simplex collapses onto tied values,
is also printed with numpy's default argsort (as a comment) to show what that changes.
"""
import types

import numpy as np
import optimagic
import optimagic.optimizers.neldermead as estimagic_module
from optimagic.optimizers.neldermead import neldermead_parallel


def rosenbrock(x):
    total = 0.0
    for i in range(len(x) - 1):
        valley = x[i + 1] - x[i] * x[i]
        offset = x[i] - 1.0
        total += 100.0 * (valley * valley) + offset * offset
    return total


def sphere(x):
    total = 0.0
    for v in x:
        total += v * v
    return total


def ellipsoid(x):
    n = len(x)
    total = x[0] * x[0]
    for i in range(1, n):
        total += 10.0 ** ((6.0 * i) / (n - 1)) * (x[i] * x[i])
    return total


def alternate(n, even, odd):
    return np.array([even if i % 2 == 0 else odd for i in range(n)])


def serial(func, arguments, n_cores=1, **kwargs):
    return [func(a) for a in arguments]


CASES = [
    # name, function, start, options (gpuopt option text: estimagic keyword)
    ("rosenbrock", rosenbrock, alternate(2, -1.2, 1.0), {}),
    ("rosenbrock", rosenbrock, alternate(4, -1.2, 1.0), {"n_cores": 3}),
    ("rosenbrock", rosenbrock, alternate(3, -1.2, 1.0), {"init_simplex_method": "varadhan_borchers"}),
    ("sphere", sphere, alternate(5, 3.0, -2.0), {"n_cores": 2, "init_simplex_method": "pfeffer"}),
    ("ellipsoid", ellipsoid, alternate(4, 3.0, -2.0),
     {"n_cores": 2, "init_simplex_method": "nash", "adaptive": False}),
    ("sphere", sphere, alternate(12, 3.0, -2.0), {"n_cores": 6}),
]


def run(name, fun, x0, options, prefix="    ", suffix=""):
    count = [0]

    def counted(x):
        count[0] += 1
        return fun(x)

    res = neldermead_parallel(counted, x0, batch_evaluator=serial, **options)
    text = ";".join(f"{k}={str(v).lower()}" for k, v in options.items())
    x = res["solution_x"]
    print(f'{prefix}{{"{name}", {len(x0)}, "{text}", {res["n_iterations"]}, {count[0]}, '
          f'{float(res["solution_criterion"])!r}, {float(x[0])!r}, {float(x[-1])!r}}},{suffix}')


def main():
    print(f"/* optimagic {optimagic.__version__}, numpy {np.__version__}: problem, dim, options, "
          "iterations, evaluations, fun, x[0], x[dim-1] */")
    print("/* numpy's default argsort: */")
    run(*CASES[1], prefix="/*  ", suffix=" */")
    stable = types.ModuleType("numpy_with_stable_argsort")
    stable.__dict__.update(np.__dict__)
    stable.argsort = lambda a, **kwargs: np.argsort(a, kind="stable")
    estimagic_module.np = stable
    print("/* argsort(kind=\"stable\"): */")
    for case in CASES:
        run(*case)


if __name__ == "__main__":
    main()
