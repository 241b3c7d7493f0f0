#!/usr/bin/env python3
"""check_bench_json.py BENCH JSON [ARGS...]: runs the benchmark BENCH with ARGS and --json JSON
and checks what it wrote: the JSON parses, has one row per backend present x algorithm x
problem x population x dimension, every row ran or was skipped with a reason, and the numbers of
the rows that ran are complete and consistent. Speed itself is never checked."""
import json
import math
import subprocess
import sys

ROW_NUMBERS = ["seconds", "setup_s", "total_s", "probe_s", "gen_per_s", "evals_per_s",
               "bytes_per_generation", "gb_per_s", "best_f", "memory_bytes", "process_cpu_per_s"]
ROW_KEYS = ["backend", "algorithm", "problem", "population", "dim", "status", "reason",
            "generations", "timed_generations", "bw_fraction", "memory_limit_bytes",
            "host_memory_bytes", "estimated_row_s"] + ROW_NUMBERS


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def check_ok_row(row, backend, generations):
    where = "%(backend)s/%(algorithm)s/%(problem)s/%(population)d/%(dim)d" % row
    for key in ROW_NUMBERS:
        value = row[key]
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            fail("%s: %s is %r" % (where, key, value))
    for key in ["seconds", "total_s", "probe_s", "gen_per_s", "evals_per_s", "gb_per_s"]:
        if row[key] <= 0:
            fail("%s: %s = %r is not positive" % (where, key, row[key]))
    if generations != "auto" and row["generations"] != generations:
        fail("%s: ran %r generations, asked for %r" % (where, row["generations"], generations))
    if row["timed_generations"] != row["generations"] - 1:
        fail("%s: timed %r of %r generations" % (where, row["timed_generations"],
                                                  row["generations"]))
    per_generation = row["evals_per_s"] / row["gen_per_s"]
    if abs(per_generation - row["population"]) > 1e-6 * row["population"]:
        fail("%s: %r evaluations per generation, population %d" % (where, per_generation,
                                                                   row["population"]))
    if row["reason"] is not None:
        fail("%s: a row that ran has a reason" % where)
    bandwidth = backend["copy_bandwidth_gb_per_s"]
    if bandwidth is None or not bandwidth > 0:
        fail("%s: the backend reports no copy bandwidth (%r)" % (where, bandwidth))
    expected = row["gb_per_s"] / bandwidth
    if row["bw_fraction"] is None or abs(row["bw_fraction"] - expected) > 1e-6 * expected:
        fail("%s: bw_fraction %r is not GB/s / copy bandwidth (%r)" % (where, row["bw_fraction"],
                                                                      expected))


def check_rows(data):
    present = [b for b in data["backends"] if b["compiled_in"] and b["n_devices"] > 0]
    if not present or any(not b["selected"] for b in present):
        fail("every backend with a device must run: %r" % data["backends"])
    grid = [(b["name"], a, p, n, d) for b in present for a in data["algorithms"]
            for p in data["problems"] for n in data["populations"] for d in data["dimensions"]]
    rows = data["rows"]
    got = [(r["backend"], r["algorithm"], r["problem"], r["population"], r["dim"]) for r in rows]
    if sorted(got) != sorted(grid):
        fail("rows do not match the grid: missing %r, unexpected %r"
             % (sorted(set(grid) - set(got)), sorted(set(got) - set(grid))))
    by_name = {b["name"]: b for b in present}
    ran = set()
    for row in rows:
        missing = [k for k in ROW_KEYS if k not in row]
        if missing:
            fail("row %r lacks %r" % (row, missing))
        if row["status"] == "ok":
            check_ok_row(row, by_name[row["backend"]], data["generations"])
            ran.add(row["backend"])
        elif row["status"] != "skipped" or not row["reason"]:
            fail("row %r neither ran nor was skipped with a reason" % row)
    if ran != set(by_name):
        fail("no row ran on %r" % sorted(set(by_name) - ran))
    return len(rows)


def main():
    if len(sys.argv) < 3:
        fail("usage: check_bench_json.py BENCH JSON [ARGS...]")
    bench, path = sys.argv[1], sys.argv[2]
    proc = subprocess.run([bench, *sys.argv[3:], "--json", path], capture_output=True, text=True)
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)
    if proc.returncode != 0:
        fail("the benchmark exited with status %d" % proc.returncode)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    n_rows = check_rows(data)
    table = [l for l in proc.stdout.splitlines() if l and not l.startswith("#")]
    if len(table) != n_rows + 1:
        fail("the table has %d lines for %d rows" % (len(table) - 1, n_rows))
    print("OK: %d rows, JSON complete" % n_rows)


main()
