"""Reads a gpuopt run log with h5py and checks it against the run's JSON result (the schema of
docs/history.md). usage: read_log_h5py.py LOG RESULT_JSON"""
import json
import sys

import h5py
import numpy as np


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main(log_path, result_path):
    with open(result_path) as f:
        result = json.load(f)
    with h5py.File(log_path, "r") as f:
        attrs = f.attrs
        check(attrs["format"] == "gpuopt log", "format attribute")
        check(attrs["algorithm"] == result["algorithm"], "algorithm")
        check(attrs["problem"] == result["problem"], "problem")
        check(int(attrs["dim"]) == result["dim"], "dim")
        check(int(attrs["seed"]) == result["seed"], "seed")
        check(attrs["backend"] == result["backend"], "backend")
        options = dict(f["options"].attrs)
        check(options == result["options"], "options: %r vs %r" % (options, result["options"]))
        dim = result["dim"]
        check(f["lower"].shape == (dim,) and f["upper"].shape == (dim,), "bounds")
        it = f["iterations"]
        n = result["n_iterations"]
        check(np.array_equal(it["iteration"][:], np.arange(1, n + 1)), "iteration column")
        check(it["best_x"].shape == (n, dim), "best_x shape")
        best = it["best_f"][:]
        check(np.all(np.diff(best) <= 0), "best_f does not increase")
        check(best[-1] == result["fun"], "last best_f is fun")
        check(np.array_equal(it["best_x"][-1], np.array(result["x"])), "last best_x is x")
        # evaluations after the last completed iteration (e.g. a line search that found no step
        # before the stop) are in the result's count, not in an iteration row
        check(it["n_evaluations"][-1] <= result["n_evaluations"], "evaluation count")
        check(np.all(it["iteration_f"][:] >= best), "iteration_f >= best_f")
        check(len(it["report"].keys()) > 0, "report columns")
        for key in it["report"]:
            check(it["report"][key].shape == (n,), "report column " + key)
        ev = f["evaluations"]
        m = result["n_evaluations"]
        check(ev["x"].shape == (m, dim) and ev["f"].shape == (m,), "evaluations shape")
        check(ev["f"][:].min() == result["fun"], "best evaluation is fun")
        res = f["result"].attrs
        check(res["stop_reason"] == result["stop_reason"], "stop reason")
        check(res["fun"] == result["fun"], "result fun")
        check(res["n_evaluations"] == result["n_evaluations"], "result evaluation count")
        check(res["n_iterations"] == result["n_iterations"], "result iteration count")
        check(np.array_equal(f["result/x"][:], np.array(result["x"])), "result x")
    print("h5py read %s: %d iterations, %d evaluations, %d options" % (log_path, n, m, len(options)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
