#!/usr/bin/env python3
"""results_table.py JSON: prints the rows of a gpuopt_bench_population JSON file as a markdown
table, for benchmarks/RESULTS.md."""
import json
import sys


def number(value, fmt):
    return "–" if value is None else format(value, fmt)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    print("| backend | alg | problem | pop | dim | gens | seconds | gen/s | evals/s | GB/s "
          "| bw_frac | note |")
    print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in data["rows"]:
        ran = r["status"] == "ok"
        note = "setup %.3g s" % r["setup_s"] if ran else "%s: %s" % (r["status"], r["reason"])
        print("| %s | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            r["backend"], r["algorithm"], r["problem"], r["population"], r["dim"],
            r["timed_generations"] if ran else "–", number(r["seconds"], ".3f"),
            number(r["gen_per_s"], ".4g"), number(r["evals_per_s"], ".3g"),
            number(r["gb_per_s"], ".3g"), number(r["bw_fraction"], ".2f"), note))


main()
