"""Reference numbers for tests/test_xnes.c: pygmo's xnes, evaluations to f < 1e-8.

Run:  python3 -m venv /tmp/pygmo-venv && /tmp/pygmo-venv/bin/pip install pygmo numpy
      /tmp/pygmo-venv/bin/python tests/reference/pygmo_xnes.py
and copy the medians into PYGMO_MEDIAN_* in tests/test_xnes.c. The output of the last run is
kept in tests/reference/pygmo_xnes.txt. A run that misses the target within MAX_GEN
generations prints None and counts as infinitely many evaluations in the median.

Settings are estimagic's pygmo_xnes (and gpuopt's xnes defaults): population 64 (63 uniform
points in the bounds plus the start point, as estimagic builds it), eta_mu = eta_sigma = eta_b
= auto, sigma0 (initial_search_share) = 1, force_bounds = True, memory = False; ftol = xtol = 0
so that only the target ends a run. A run "reaches" the target in the generation whose samples
first contain a value below 1e-8; its count is the evaluations up to the end of that generation
(64 for the initial population plus 64 per generation), the same count gpuopt's progress
callback sees. The problems are gpuopt's built-ins: sphere on [-5.12, 5.12]^n and ellipsoid
(sum 10^(6 i / (n - 1)) x_i^2) on [-5, 5]^n, both from (3, -2, 3, -2, ...).
"""
import statistics

import numpy as np
import pygmo as pg

TARGET = 1e-8
LAMBDA = 64
MAX_GEN = 3000
SEEDS = range(1, 12)


class TargetReached(Exception):
    pass


def sphere(x):
    return float(np.dot(x, x))


def ellipsoid(x):
    n = len(x)
    scale = 10.0 ** (6.0 * np.arange(n) / (n - 1))
    return float(np.dot(scale, x * x))


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (x[:-1] - 1.0) ** 2))


PROBLEMS = {
    "sphere": (sphere, -5.12, 5.12, (3.0, -2.0)),
    "ellipsoid": (ellipsoid, -5.0, 5.0, (3.0, -2.0)),
    "rosenbrock": (rosenbrock, -5.0, 10.0, (-1.2, 1.0)),
}


class Counted:
    """A pygmo user problem that counts evaluations and stops the run at the target."""

    def __init__(self, fun, lo, hi, dim):
        self.fun, self.lo, self.hi, self.dim = fun, lo, hi, dim
        self.count = 0

    def fitness(self, x):
        self.count += 1
        f = self.fun(np.asarray(x))
        if f < TARGET:
            raise TargetReached(self.count)
        return [f]

    def get_bounds(self):
        return ([self.lo] * self.dim, [self.hi] * self.dim)


def evaluations_to_target(name, dim, seed):
    fun, lo, hi, start = PROBLEMS[name]
    udp = Counted(fun, lo, hi, dim)
    prob = pg.problem(udp)
    x0 = np.array([start[i % 2] for i in range(dim)])
    algo = pg.algorithm(pg.xnes(gen=MAX_GEN, eta_mu=-1, eta_sigma=-1, eta_b=-1, sigma0=1.0,
                                ftol=0.0, xtol=0.0, memory=False, force_bounds=True, seed=seed))
    try:
        pop = pg.population(prob, size=LAMBDA - 1, seed=seed)
        pop.push_back(x0)
        algo.evolve(pop)
    except Exception as err:  # pygmo wraps TargetReached in a RuntimeError
        if "TargetReached" not in str(err) and not isinstance(err, TargetReached):
            raise
        count = int(str(err).split("TargetReached")[-1].strip(" :()\n").split()[0].strip("(),"))
        return -(-count // LAMBDA) * LAMBDA  # to the end of the generation
    return None  # not reached within MAX_GEN generations


def main():
    print(f"pygmo {pg.__version__}, xnes, lambda = {LAMBDA}, target f < {TARGET:g}")
    for name, dim in (("sphere", 10), ("ellipsoid", 10), ("rosenbrock", 5)):
        counts = [evaluations_to_target(name, dim, s) for s in SEEDS]
        median = statistics.median(c if c is not None else float("inf") for c in counts)
        reached = sum(c is not None for c in counts)
        print(f"{name:10s} n={dim:2d}  evaluations {counts}  reached {reached}/{len(counts)}  "
              f"median {median}")


if __name__ == "__main__":
    main()
