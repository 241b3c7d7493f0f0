"""Reference runs of estimagic's pounders and the DFO-LS package on the residual problems of
tests/dfo_problems.h: evaluations to reach (f - f*) / (f0 - f*) <= 1e-3 and the final value.
Run in a venv (pip install estimagic==0.4.6 DFO-LS==1.6.5 ...); the output is pasted into
tests/reference/dfo_reference.txt and the numbers into tests/test_pounders.c / test_dfols.c.
With --more-wild: estimagic's pounders on the Moré–Wild problems that tests/test_more_wild_dfo.c
lists as pounders exceptions, with that test's budget (second block of dfo_reference.txt)."""
import os
import sys
import warnings

import dfols
import numpy

numpy.Inf = numpy.inf  # estimagic 0.4.6 still uses the alias NumPy 2 removed
import numpy as np
from estimagic.optimization.pounders import internal_solve_pounders

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "benchmarks"))
import more_wild  # noqa: E402  (the numpy port of the Moré–Wild residuals)

warnings.simplefilter("ignore")

Y_BARD = np.array([0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34,
                   2.10, 4.39])


def rosenbrock(x):
    return np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])


def bard(x):
    u = np.arange(1, 16.0)
    v = 16 - u
    w = np.minimum(u, v)
    return Y_BARD - (x[0] + u / (v * x[1] + w * x[2]))


def box3d(x):
    t = 0.1 * np.arange(1, 11.0)
    return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10 * t))


def powell_singular(x):
    return np.array([x[0] + 10 * x[1], np.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
                     np.sqrt(10) * (x[0] - x[3]) ** 2])


PROBLEMS = [
    ("rosenbrock", rosenbrock, [-1.2, 1.0], None, 0.0),
    ("bard", bard, [1.0, 1.0, 1.0], None, 8.21487730657e-3),
    ("box3d", box3d, [0.0, 10.0, 20.0], None, 0.0),
    ("powell_singular", powell_singular, [3.0, -1.0, 0.0, 1.0], None, 0.0),
    ("rosenbrock_bounded", rosenbrock, [-1.2, 1.0], ([-2.0, -2.0], [0.5, 2.0]), 0.25),
]


class Recorder:
    def __init__(self, fn):
        self.fn, self.values = fn, []

    def __call__(self, x):
        r = self.fn(np.asarray(x, dtype=float))
        self.values.append(float(r @ r))
        return r


def evals_to_tau(values, fstar, tau=1e-3):
    f0 = values[0]
    best = np.minimum.accumulate(values)
    hit = np.nonzero(best - fstar <= tau * (f0 - fstar))[0]
    return int(hit[0]) + 1 if hit.size else -1


def batch(fn, arguments, n_cores=1):
    return [fn(a) for a in arguments]


def run_pounders(fn, x0, bounds, solver):
    rec = Recorder(fn)
    lo, hi = (np.array(bounds[0]), np.array(bounds[1])) if bounds else (None, None)
    internal_solve_pounders(
        criterion=rec, x0=np.array(x0), lower_bounds=lo, upper_bounds=hi, gtol_abs=1e-8,
        gtol_rel=1e-8, gtol_scaled=False, maxinterp=2 * len(x0) + 1, maxiter=2000, delta=0.1,
        delta_min=1e-6, delta_max=1e6, gamma0=0.5, gamma1=2, theta1=1e-5, theta2=1e-4, eta0=0,
        eta1=0.1, c1=np.sqrt(len(x0)), c2=10, solver_sub=solver,
        conjugate_gradient_method_sub="trsbox", maxiter_sub=50, maxiter_gradient_descent_sub=5,
        gtol_abs_sub=1e-8, gtol_rel_sub=1e-8, gtol_scaled_sub=0,
        gtol_abs_conjugate_gradient_sub=1e-8, gtol_rel_conjugate_gradient_sub=1e-6, k_easy_sub=0.1,
        k_hard_sub=0.2, batch_evaluator=batch, n_cores=1)
    return rec.values


def run_dfols(fn, x0, bounds):
    rec = Recorder(fn)
    kw = {"bounds": (np.array(bounds[0]), np.array(bounds[1]))} if bounds else {}
    dfols.solve(rec, np.array(x0), maxfun=2000, **kw)
    return rec.values


class BudgetSpent(Exception):
    pass


def run_pounders_more_wild(number, n, m, gtol):
    """estimagic's pounders (bntr) on Moré–Wild problem `number` from x_s, stopped after the
    budget 100 (n + 1) as tests/test_more_wild_dfo.c runs gpuopt's; gtol: both gradient
    tolerances (1e-8 is the default, 0 turns them off)."""
    values, budget = [], 100 * (n + 1)

    def fn(x):
        if len(values) == budget:
            raise BudgetSpent
        r = more_wild.residuals(number, np.asarray(x, dtype=float), m)
        values.append(float(r @ r))
        return r

    x0 = more_wild.start(number, n)
    try:
        internal_solve_pounders(
            criterion=fn, x0=x0, lower_bounds=None, upper_bounds=None, gtol_abs=gtol,
            gtol_rel=gtol, gtol_scaled=False, maxinterp=2 * n + 1, maxiter=2000, delta=0.1,
            delta_min=1e-6, delta_max=1e6, gamma0=0.5, gamma1=2, theta1=1e-5, theta2=1e-4,
            eta0=0, eta1=0.1, c1=np.sqrt(n), c2=10, solver_sub="bntr",
            conjugate_gradient_method_sub="trsbox", maxiter_sub=50,
            maxiter_gradient_descent_sub=5, gtol_abs_sub=1e-8, gtol_rel_sub=1e-8,
            gtol_scaled_sub=0, gtol_abs_conjugate_gradient_sub=1e-8,
            gtol_rel_conjugate_gradient_sub=1e-6, k_easy_sub=0.1, k_hard_sub=0.2,
            batch_evaluator=batch, n_cores=1)
    except BudgetSpent:
        pass
    return values


# Moré–Wild problems listed as pounders exceptions in tests/test_more_wild_dfo.c:
# (name, function number, n, m, f*), f* as in src/problems.c.
MORE_WILD = [
    ("mw_osborne1_5_33", 17, 5, 33, 5.464894697483e-5),
    ("mw_chebyquad_11_11", 15, 11, 11, 2.79976155186576e-3),
]


def main_more_wild():
    print("# solver problem gap_at_end evals_to_tau_1e-3 n_evaluations (budget 100 (n + 1))")
    for name, number, n, m, fstar in MORE_WILD:
        for gtol in (1e-8, 0.0):
            values = run_pounders_more_wild(number, n, m, gtol)
            gap = (min(values) - fstar) / (values[0] - fstar)
            print(f"pounders_bntr_gtol_{gtol:g} {name} {gap:.4e} {evals_to_tau(values, fstar)} "
                  f"{len(values)}")


def main():
    print("# solver problem evals_to_tau_1e-3 final_f n_evaluations")
    for name, fn, x0, bounds, fstar in PROBLEMS:
        runs = [("pounders_bntr", run_pounders(fn, x0, bounds, "bntr"))]
        # estimagic 0.4.6's gqtpar variant raises "Subproblem solution > upper bounds" on
        # these problems (its ball solution leaves the unit box it checks), so only bntr.
        runs.append(("dfols", run_dfols(fn, x0, bounds)))
        for label, values in runs:
            print(f"{label} {name} {evals_to_tau(values, fstar)} {min(values):.12e} "
                  f"{len(values)}")


if __name__ == "__main__":
    if "--more-wild" in sys.argv:  # the second block of dfo_reference.txt
        main_more_wild()
    else:
        main()
