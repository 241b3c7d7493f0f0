"""Data and performance profiles of least-squares solvers on the Moré–Wild problems.

Reads the JSON of gpuopt_bench_least_squares (gpuopt's solvers), runs scipy.optimize's
least_squares (methods trf, dogbox, lm; finite-difference Jacobians) and DFO-LS (the `dfols`
package) on the same 53 problems when they can be imported, with the same budget of
B (n + 1) residual evaluations (every evaluated point counts, finite-difference points
included), and writes to OUT_DIR:
  data_profile_tau1e-3.svg, data_profile_tau1e-5.svg, perf_profile_tau1e-3.svg,
  perf_profile_tau1e-5.svg, profiles.md (tables), python_runs.json (the Python solvers' traces).

The Python solvers evaluate residuals with benchmarks/more_wild.py, an independent numpy port
of the same Fortran (dfovec.f); f(x0) of every problem is checked against gpuopt's to 1e-12.

Definitions (Moré & Wild 2009). A solver s solves problem p at tolerance tau after t_{p,s}
evaluations, the first k with
    f_k <= f_ref + tau (f(x0) - f_ref),   f_k the best value of the first k evaluations,
where f_ref is the smaller of the problem's best known value f* and the best value any solver
reached within the budget (Moré & Wild use the latter; f* makes the test no easier).
Data profile: d_s(a) = share of problems with t_{p,s} <= a (n_p + 1), a in [0, B].
Performance profile: rho_s(a) = share of problems with t_{p,s} <= a min_s' t_{p,s'}.

usage: ls_profiles.py [--gpuopt-json PATH] [--out-dir DIR] [--no-python] [--python-json PATH]
  --python-json reuses the Python solvers' traces from a previous run instead of running them."""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import more_wild  # noqa: E402

TAUS = (1e-3, 1e-5)
TAU_NAMES = {1e-3: "1e-3", 1e-5: "1e-5"}
REFERENCE_OF = {"ls_trf": "scipy_trf", "ls_dogbox": "scipy_dogbox", "ls_lm": "scipy_lm",
                "dfols": "DFO-LS", "pounders": None}
PAIR_COLORS = {"ls_trf": "tab:blue", "ls_dogbox": "tab:orange", "ls_lm": "tab:green",
               "dfols": "tab:red", "pounders": "tab:purple"}
HERE = os.path.dirname(os.path.abspath(__file__))


class BudgetSpent(Exception):
    pass


class Counter:
    """Residuals of one problem, counting evaluations and recording the best value so far;
    raises BudgetSpent at the first evaluation past the budget."""

    def __init__(self, problem):
        self.function, self.m, self.budget = problem["function"], problem["m"], problem["budget"]
        self.trace, self.best = [], math.inf

    def __call__(self, x):
        if len(self.trace) >= self.budget:
            raise BudgetSpent()
        r = more_wild.residuals(self.function, x, self.m)
        f = float(r @ r)
        if f < self.best:
            self.best = f
        self.trace.append(self.best)
        return r


def run_scipy(method):
    from scipy.optimize import least_squares

    def solve(problem, fun, x0):
        # trf/dogbox count only the residual calls in max_nfev, lm counts Jacobian columns too;
        # the counter stops every method at the true budget
        least_squares(fun, x0, method=method, max_nfev=problem["budget"])
    return solve


def run_dfols(problem, fun, x0):
    import dfols
    np.random.seed(0)  # DFO-LS draws its initial directions at random: the same ones each time
    dfols.solve(fun, x0, maxfun=problem["budget"])


def python_solvers():
    solvers = {}
    try:
        import scipy
        for method in ("trf", "dogbox", "lm"):
            solvers["scipy_%s" % method] = (run_scipy(method), "scipy %s" % scipy.__version__)
    except ImportError:
        print("scipy is not importable: its least_squares methods are not run")
    try:
        import dfols
        solvers["DFO-LS"] = (run_dfols, "DFO-LS %s" % getattr(dfols, "__version__", "?"))
    except ImportError:
        print("dfols is not importable (pip install DFO-LS): DFO-LS is not run")
    return solvers


def run_python(problems, solvers):
    runs = {}
    for name, (solve, version) in solvers.items():
        t0 = time.time()
        for p in problems:
            counter = Counter(p)
            status = "ok"
            try:
                solve(p, counter, np.array(p["x0"], dtype=float))
            except BudgetSpent:
                status = "budget"
            except Exception as e:  # a solver failing on a problem is an outcome, recorded
                status = "error: %s" % e
            runs[(name, p["name"])] = {"trace": counter.trace, "status": status}
        print("%-14s %s: %.1f s" % (name, version, time.time() - t0))
    return runs


def expand(run):
    """The best value after each evaluation from gpuopt's steps [k, best]."""
    trace, steps = [], run["improvements"]
    for i, (k, best) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else run["trace_length"] + 1
        trace += [best] * (end - k)
    return [math.inf] * (run["trace_length"] - len(trace)) + trace


def steps_of(trace):
    out = []
    for k, f in enumerate(trace):
        if math.isfinite(f) and (not out or f != out[-1][1]):
            out.append([k + 1, f])
    return out


def check_start_values(problems):
    for p in problems:
        r = more_wild.residuals(p["function"], np.array(p["x0"]), p["m"])
        f0 = float(r @ r)
        if abs(f0 - p["f0"]) > 1e-12 * p["f0"]:
            sys.exit("%s: numpy f(x0) %.17g, gpuopt %.17g" % (p["name"], f0, p["f0"]))


def solve_times(problems, traces, tau):
    """t[s][p]: evaluations to pass the convergence test (inf when never)."""
    t = {}
    for s, by_problem in traces.items():
        t[s] = {}
    for p in problems:
        name = p["name"]
        best = min([min(tr[name], default=math.inf) for tr in traces.values()] + [p["fstar"]])
        target = best + tau * (p["f0"] - best)
        for s, by_problem in traces.items():
            t[s][name] = next((k + 1 for k, f in enumerate(by_problem[name]) if f <= target),
                              math.inf)
    return t


def data_profile(problems, t, alphas):
    return {s: [np.mean([t[s][p["name"]] <= a * (p["n"] + 1) for p in problems]) for a in alphas]
            for s in t}


def perf_ratios(problems, t):
    ratios = {s: [] for s in t}
    for p in problems:
        best = min(t[s][p["name"]] for s in t)
        for s in t:
            ratios[s].append(t[s][p["name"]] / best if math.isfinite(best) else math.inf)
    return ratios


def plot(curves, xlabel, title, path, log2=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    others = iter(["tab:gray", "tab:olive", "tab:cyan", "tab:pink", "black", "tab:brown"])
    for s, (x, y) in curves.items():
        # a gpuopt solver (solid) and its Python reference (dashed) share a colour
        style = "--" if s in REFERENCE_OF.values() else "-"
        key = next((g for g, ref in REFERENCE_OF.items() if s in (g, ref)), None)
        color = PAIR_COLORS.get(key) or next(others, None)
        ax.step(x, y, where="post", linestyle=style, color=color, label=s)
    if log2:
        ax.set_xscale("log", base=2)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of problems solved")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right", ncol=2)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def write_plots(problems, traces, budget_factor, out_dir):
    times = {}
    for tau in TAUS:
        t = solve_times(problems, traces, tau)
        times[tau] = t
        alphas = np.linspace(0, budget_factor, 4 * budget_factor + 1)
        d = data_profile(problems, t, alphas)
        plot({s: (alphas, d[s]) for s in d},
             "budget in simplex gradients, a = evaluations / (n + 1)",
             "Data profiles, %d More-Wild problems, tau = %s" % (len(problems), TAU_NAMES[tau]),
             os.path.join(out_dir, "data_profile_tau%s.svg" % TAU_NAMES[tau]))
        ratios = perf_ratios(problems, t)
        finite = [r for rs in ratios.values() for r in rs if math.isfinite(r)]
        top = max(2.0, max(finite, default=2.0)) * 1.1
        grid = np.exp2(np.linspace(0, math.log2(top), 200))
        curves = {s: (grid, [np.mean([r <= a for r in ratios[s]]) for a in grid]) for s in ratios}
        plot(curves, "performance ratio a (evaluations / fewest of any solver)",
             "Performance profiles, %d More-Wild problems, tau = %s" % (len(problems),
                                                                     TAU_NAMES[tau]),
             os.path.join(out_dir, "perf_profile_tau%s.svg" % TAU_NAMES[tau]), log2=True)
    return times


def fmt_evals(t, n):
    return "—" if not math.isfinite(t) else "%d" % t


def write_tables(problems, traces, times, budget_factor, header, path):
    solvers = list(traces)
    lines = [header, ""]
    lines.append("| solver | solved, tau 1e-3 | solved, tau 1e-5 | d(10), 1e-3 | d(25), 1e-3 | "
                 "d(10), 1e-5 | d(25), 1e-5 | median a to solve, 1e-5 |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for s in solvers:
        row = [s]
        for tau in TAUS:
            row.append("%d / %d" % (sum(math.isfinite(times[tau][s][p["name"]]) for p in problems),
                                    len(problems)))
        for tau in TAUS:
            for a in (10, 25):
                row.append("%.2f" % np.mean([times[tau][s][p["name"]] <= a * (p["n"] + 1)
                                             for p in problems]))
        solved = [times[1e-5][s][p["name"]] / (p["n"] + 1) for p in problems
                  if math.isfinite(times[1e-5][s][p["name"]])]
        row.append("%.1f" % np.median(solved) if solved else "—")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "d(a): share of the problems solved within a (n + 1) evaluations. "
              "Budget %d (n + 1)." % budget_factor, ""]
    lines.append("Evaluations to reach tau = 1e-5 (— : not within the budget):")
    lines.append("")
    lines.append("| problem | n | m | budget | " + " | ".join(solvers) + " |")
    lines.append("|---|---|---|---|" + "---|" * len(solvers))
    for p in problems:
        cells = [fmt_evals(times[1e-5][s][p["name"]], p["n"]) for s in solvers]
        lines.append("| `%s` | %d | %d | %d | %s |" % (p["name"], p["n"], p["m"], p["budget"],
                                                       " | ".join(cells)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gpuopt-json", default=os.path.join(HERE, "ls", "gpuopt_runs.json"))
    ap.add_argument("--out-dir", default=os.path.join(HERE, "ls"))
    ap.add_argument("--no-python", action="store_true")
    ap.add_argument("--python-json")
    args = ap.parse_args()
    with open(args.gpuopt_json) as f:
        doc = json.load(f)
    problems = doc["problems"]
    check_start_values(problems)
    traces = {a: {} for a in doc["algorithms"]}
    for run in doc["runs"]:
        traces[run["algorithm"]][run["problem"]] = expand(run)
    versions = ["gpuopt %s (%s backend)" % (doc["gpuopt_version"], doc["backend"])]
    if args.python_json:
        with open(args.python_json) as f:
            saved = json.load(f)
        versions += saved["versions"]
        for s, by_problem in saved["runs"].items():
            traces[s] = {name: [st[1] for st in expand_steps(steps, n_evals)]
                         for name, (steps, n_evals) in by_problem.items()}
    elif not args.no_python:
        solvers = python_solvers()
        versions += [v for _, v in solvers.values()]
        runs = run_python(problems, solvers)
        saved = {"versions": [v for _, v in solvers.values()], "runs": {}}
        for (s, name), run in runs.items():
            traces.setdefault(s, {})[name] = run["trace"]
            saved["runs"].setdefault(s, {})[name] = [steps_of(run["trace"]), len(run["trace"])]
        with open(os.path.join(args.out_dir, "python_runs.json"), "w") as f:
            json.dump(saved, f)
    os.makedirs(args.out_dir, exist_ok=True)
    times = write_plots(problems, traces, doc["budget_factor"], args.out_dir)
    header = ("Moré-Wild benchmark, %d problems, budget %d (n + 1) residual evaluations; %s."
              % (len(problems), doc["budget_factor"], "; ".join(dict.fromkeys(versions))))
    write_tables(problems, traces, times, doc["budget_factor"], header,
                 os.path.join(args.out_dir, "profiles.md"))
    print("wrote the profiles and profiles.md to %s" % args.out_dir)


def expand_steps(steps, n_evals):
    """[(k, best)] for k = 1..n_evals from the steps [k, best]."""
    out, best, i = [], math.inf, 0
    for k in range(1, n_evals + 1):
        while i < len(steps) and steps[i][0] <= k:
            best = steps[i][1]
            i += 1
        out.append((k, best))
    return out


if __name__ == "__main__":
    main()
