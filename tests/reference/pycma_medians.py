"""Reference evaluation counts for tests/test_cmaes_pycma.c, measured with pycma (pip install cma).

Run:  python3 -m venv /tmp/cma-venv && /tmp/cma-venv/bin/pip install cma numpy
      /tmp/cma-venv/bin/python tests/reference/pycma_medians.py > tests/reference/pycma_medians.inc

For gpuopt's built-in sphere, ellipsoid and rosenbrock at n = 10 and n = 40 this runs pycma's
CMAEvolutionStrategy with its default options (active CMA, default population size) and gpuopt's
settings: the problem's start point and bounds (pycma's default BoundTransform), sigma0 = 0.25 of
the box width (gpuopt's default initial_step_size), seeds 1..11, and records the evaluations used
until the best value is below 1e-8 (pycma's ftarget; a seed that stops first counts as a failure).
The output is a C table, one row per case: problem, dimension, median evaluations, successes.
"""
import sys

import numpy as np

import cma

TARGET = 1e-8
SEEDS = range(1, 12)
STEP = 0.25  # gpuopt's default initial_step_size, a fraction of the box width


def sphere(x):
    return float(np.sum(x * x))


def ellipsoid(x):
    n = len(x)
    if n == 1:
        return float(x[0] * x[0])
    weights = 10.0 ** (6.0 * np.arange(n) / (n - 1))
    return float(np.sum(weights * x * x))


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (x[:-1] - 1.0) ** 2))


def alternate(n, even, odd):
    return np.array([even if i % 2 == 0 else odd for i in range(n)], dtype=float)


# name: (function, lower, upper, start (even, odd))
PROBLEMS = {
    "sphere": (sphere, -5.12, 5.12, (3.0, -2.0)),
    "ellipsoid": (ellipsoid, -5.0, 5.0, (3.0, -2.0)),
    "rosenbrock": (rosenbrock, -5.0, 10.0, (-1.2, 1.0)),
}


def evaluations_to_target(name, n, seed):
    fun, lower, upper, start = PROBLEMS[name]
    x0 = alternate(n, *start)
    sigma0 = STEP * (upper - lower)
    options = {"seed": seed, "ftarget": TARGET, "bounds": [lower, upper], "verbose": -9,
               "verb_log": 0, "verb_disp": 0, "maxfevals": 2e6}
    es = cma.CMAEvolutionStrategy(x0, sigma0, options)
    while not es.stop():
        X = es.ask()
        es.tell(X, [fun(x) for x in X])
    return es.countevals if es.best.f < TARGET else None


def main():
    print("/* Printed by tests/reference/pycma_medians.py: pycma %s, numpy %s, %d seeds, target "
          "f < %g,\n * sigma0 = %g x box width. {problem, dimension, median evaluations, successes} */"
          % (cma.__version__, np.__version__, len(SEEDS), TARGET, STEP))
    for name in PROBLEMS:
        for n in (10, 40):
            counts = [evaluations_to_target(name, n, seed) for seed in SEEDS]
            reached = [c for c in counts if c is not None]
            # failures count as infinitely many evaluations in the median
            ordered = sorted(reached) + [float("inf")] * (len(counts) - len(reached))
            median = ordered[len(ordered) // 2]
            print("/* %s n=%d: %s */" % (name, n, counts), file=sys.stdout)
            print('{"%s", %d, %s, %d},' % (name, n, "%d" % median if median != float("inf")
                                           else "-1", len(reached)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
