"""For every algorithm that `gpuopt algorithms --json` lists, the problem, dimension and options
under which it runs a long, deterministic stretch of iterations: the same choice as
tests/algorithm_cases.h makes for the C tests (test_history_cli.sh checks that they agree):
  - an algorithm that takes no scalar criterion: the first built-in problem of a criterion kind
    it takes (`logit` for likelihood), at the problem's fixed dimension;
  - global: rastrigin, dimension 6;
  - local, gradient-based: rosenbrock, dimension 20; local, derivative-free: zakharov,
    dimension 20 (all three are bounded);
  - every `convergence.*` option whose range includes 0 is set to 0, so runs last;
  - an algorithm without bound support that has the option `ignore_bounds` gets it true.

usage: algorithm_case.py GPUOPT [--variants]
prints one line per algorithm:
  case NAME BACKENDS --problem P --dim D [--option KEY=VALUE ...]   (BACKENDS comma-separated)
  skip NAME REASON...                                                 (no problem fits it)
With --variants, also a case line per option setting worth a run of its own: PSO's sequential
update, IPOP restarts (the extra --option comes last)."""
import json
import subprocess
import sys

GLOBAL_PROBLEM, GLOBAL_DIM = "rastrigin", 6
LOCAL_PROBLEM, LOCAL_DIM = "rosenbrock", 20
DFO_PROBLEM, DFO_DIM = "zakharov", 20


def listing(gpuopt, what):
    return json.loads(subprocess.run([gpuopt, what, "--json"], check=True,
                                     capture_output=True, text=True).stdout)


def pick_problem(alg, problems):
    """(problem, dim), or (None, reason)."""
    kinds = alg["criterion_kinds"]
    if "scalar" in kinds:
        if alg["global"]:
            return GLOBAL_PROBLEM, GLOBAL_DIM
        if alg["derivatives"] == "gradient":
            return LOCAL_PROBLEM, LOCAL_DIM
        return DFO_PROBLEM, DFO_DIM
    for p in problems:
        if p["kind"] in kinds:
            return p["name"], p["dim"] or LOCAL_DIM
    return None, "no built-in problem has a criterion kind that %s takes (%s)" % (
        alg["name"], ", ".join(kinds))


def pick_settings(alg):
    settings = [o["key"] + "=0" for o in alg["options"]
                if o["key"].startswith("convergence.") and "[0," in o["allowed"]]
    keys = [o["key"] for o in alg["options"]]
    if not alg["supports_bounds"] and "ignore_bounds" in keys:
        settings.append("ignore_bounds=true")
    return settings


def variants(alg):
    for o in alg["options"]:
        if o["key"] == "update" and "sequential" in o["allowed"]:
            yield "update=sequential"
        if o["key"] == "restarts" and "ipop" in o["allowed"]:
            yield "restarts=ipop"


def main(argv):
    if len(argv) not in (2, 3) or argv[2:] not in ([], ["--variants"]):
        sys.exit(__doc__)
    problems = listing(argv[1], "problems")
    for alg in listing(argv[1], "algorithms"):
        problem, dim = pick_problem(alg, problems)
        if problem is None:
            print("skip", alg["name"], dim)
            continue
        head = "case %s %s --problem %s --dim %d" % (alg["name"], ",".join(alg["backends"]),
                                                      problem, dim)
        options = "".join(" --option " + s for s in pick_settings(alg))
        print(head + options)
        if len(argv) == 3:
            for extra in variants(alg):
                print(head + options + " --option " + extra)


if __name__ == "__main__":
    main(sys.argv)
