"""Runs gpuopt_bench_least_squares on three Moré–Wild problems and checks the JSON it writes:
every (algorithm, problem) run is there and did not fail, its best-so-far trace is
non-increasing, as long as the evaluations it counted (cut at the budget), starts no lower than
the best value and ends at the result's value when the run stayed within its budget; the
problems carry n, m, budget = 100 (n + 1), f0 and f*. Never checks a speed or which solver wins.
usage: check_ls_json.py PROGRAM OUT.json"""
import json
import math
import subprocess
import sys

PROBLEMS = {"mw_linear_full_rank_9_45": (9, 45), "mw_rosenbrock_2_2": (2, 2),
            "mw_box3d_3_10": (3, 10)}


def fail(message):
    sys.exit("FAIL: " + message)


def check_problems(doc):
    problems = {p["name"]: p for p in doc["problems"]}
    if set(problems) != set(PROBLEMS):
        fail("problems %s, expected %s" % (sorted(problems), sorted(PROBLEMS)))
    for name, (n, m) in PROBLEMS.items():
        p = problems[name]
        if (p["n"], p["m"], p["budget"]) != (n, m, 100 * (n + 1)) or len(p["x0"]) != n:
            fail("%s: n %s m %s budget %s" % (name, p["n"], p["m"], p["budget"]))
        if not (0 <= p["fstar"] <= p["f0"]):
            fail("%s: f* %s, f0 %s" % (name, p["fstar"], p["f0"]))
    return problems


def expand(run):
    """The best value after each evaluation, from the run's steps [k, best]."""
    trace, steps = [], run["improvements"]
    for i, (k, best) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else run["trace_length"] + 1
        if k < 1 or end <= k:
            fail("%s on %s: steps out of order" % (run["algorithm"], run["problem"]))
        trace += [best] * (end - k)
    return [math.inf] * (run["trace_length"] - len(trace)) + trace


def check_run(run, problem):
    where = "%s on %s" % (run["algorithm"], run["problem"])
    if run["failed"]:
        fail("%s failed: %s" % (where, run["message"]))
    trace, counted = expand(run), run["counted_evaluations"]
    if counted < 1 or len(trace) != min(counted, problem["budget"]):
        fail("%s: %d trace values for %d evaluations" % (where, len(trace), counted))
    if any(b > a for a, b in zip(trace, trace[1:])):
        fail("%s: best-so-far increases" % where)
    if trace[0] > problem["f0"] * (1 + 1e-12) and math.isfinite(trace[0]):
        fail("%s: first best %g above f0 %g" % (where, trace[0], problem["f0"]))
    if counted <= problem["budget"] and not math.isclose(trace[-1], run["fun"], rel_tol=1e-12,
                                                         abs_tol=1e-300):
        fail("%s: trace ends at %r, result %r" % (where, trace[-1], run["fun"]))
    if run["n_evaluations"] > counted:
        fail("%s: the result counts %d evaluations, the callback %d"
             % (where, run["n_evaluations"], counted))


def main(program, out):
    args = [program, "--problems", ",".join(PROBLEMS), "--json", out]
    proc = subprocess.run(args, capture_output=True, text=True)
    print(proc.stdout, proc.stderr, sep="")
    if proc.returncode != 0:
        fail("%s exited with %d" % (program, proc.returncode))
    with open(out) as f:
        doc = json.load(f)
    if doc["benchmark"] != "least_squares" or doc["budget_factor"] != 100 or not doc["algorithms"]:
        fail("header: %r" % {k: doc[k] for k in ("benchmark", "budget_factor", "algorithms")})
    problems = check_problems(doc)
    runs = {(r["algorithm"], r["problem"]): r for r in doc["runs"]}
    for a in doc["algorithms"]:
        for p in PROBLEMS:
            if (a, p) not in runs:
                fail("no run of %s on %s" % (a, p))
            check_run(runs[(a, p)], problems[p])
    print("%d runs of %d algorithms checked" % (len(runs), len(doc["algorithms"])))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
