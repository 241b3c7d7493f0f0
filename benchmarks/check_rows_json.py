"""Runs a benchmark program with --quick and checks the JSON it writes: valid, with rows, none
failed, every time positive. Never checks a speed.
usage: check_rows_json.py PROGRAM OUT.json [ARGS...]"""
import json
import subprocess
import sys


def main(program, out, args):
    run = subprocess.run([program, "--quick", "--json", out] + args, capture_output=True, text=True)
    print(run.stdout, run.stderr, sep="")
    if run.returncode != 0:
        sys.exit("FAIL: %s exited with %d" % (program, run.returncode))
    with open(out) as f:
        rows = json.load(f)["rows"]
    if not rows:
        sys.exit("FAIL: no rows")
    bad = [r for r in rows if r["failed"] or r.get("seconds", 1) <= 0]
    if bad:
        sys.exit("FAIL: rows failed or without time: %r" % bad)
    print("%d rows, all ran" % len(rows))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
