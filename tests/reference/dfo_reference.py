"""Reference runs of estimagic's pounders and the DFO-LS package on the residual problems of
tests/dfo_problems.h: evaluations to reach (f - f*) / (f0 - f*) <= 1e-3 and the final value.
Run in a venv (pip install estimagic==0.4.6 DFO-LS==1.6.5 ...); the output is pasted into
tests/reference/dfo_reference.txt and the numbers into tests/test_pounders.c / test_dfols.c."""
import warnings

import dfols
import numpy

numpy.Inf = numpy.inf  # estimagic 0.4.6 still uses the alias NumPy 2 removed
import numpy as np
from estimagic.optimization.pounders import internal_solve_pounders

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
    main()
