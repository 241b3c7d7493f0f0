#!/usr/bin/env bash
# `gpuopt fit`: a NIST data set through the CLI agrees with its certified values to 6 digits;
# a CSV fit returns parameters and standard errors; a model source file (--model-source) fits
# as the built-in model on cpu and OpenCL; bad input is one line on stderr, exit 2.
# usage: test_cli_fit.sh PATH_TO_GPUOPT
set -u
GPUOPT=${1:?usage: test_cli_fit.sh PATH_TO_GPUOPT}
# shellcheck source=tests/shell_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../shell_checks.sh"


# expect_usage_error WHAT PATTERN: exit 2, one stderr line matching PATTERN, nothing on stdout
expect_usage_error() {
    if [ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "$2" "$TMP/err" &&
        [ ! -s "$TMP/out" ]; then
        pass
    else
        fail "$1: exit $RC, stderr: $(head -c 300 "$TMP/err")"
    fi
}

for start in 1 2; do
    run fit --nist Misra1a --start "$start" --json
    if [ "$RC" -eq 0 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["certified"]
assert min(c["digits_params"]) >= 6 and min(c["digits_stderr"]) >= 6, c
assert d["covariance_available"] and len(d["covariance"]) == 2, d
' "$TMP/out"; then pass; else fail "Misra1a start $start: exit $RC $(head -c 300 "$TMP/err")"; fi
done

# y = 2 exp(-0.5 x) + noise-free: the exponential model recovers (2, 0.5) with tiny errors
python3 -c '
import math
print("x,y")
for i in range(20):
    x = 0.25 * i
    print("%r,%r" % (x, 2.0 * math.exp(-0.5 * x) + 1e-3 * math.sin(7 * i)))' >"$TMP/exp.csv"
run fit --data "$TMP/exp.csv" --model exponential --json
if [ "$RC" -eq 0 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = d["params"]
assert len(p) >= 2 and len(d["stderr"]) == len(p), d
' "$TMP/out"; then pass; else fail "exponential CSV fit: exit $RC $(head -c 300 "$TMP/err")"; fi

run fit --nist NoSuchSet
expect_usage_error "unknown NIST data set" "NoSuchSet"
run fit --nist Misra1a --start 3
expect_usage_error "--start 3" "start"
printf 'x,y\n1,2\n2\n' >"$TMP/bad.csv"
run fit --data "$TMP/bad.csv" --model exponential
expect_usage_error "a CSV row without y" "bad.csv"
run fit --data "$TMP/exp.csv" --model no_such_model
expect_usage_error "unknown model" "no_such_model"

# --model-source: Misra1a's model written in C fits as the built-in misra1a model (host
# callback) does, on cpu and on OpenCL when present; compile errors name the file and line.
python3 -c '
import math
print("x,y")
for i in range(25):
    x = 10.0 + 30.0 * i
    print("%r,%r" % (x, 240.0 * (1.0 - math.exp(-5.5e-4 * x)) * (1.0 + 1e-3 * math.sin(3 * i))))' \
    >"$TMP/misra.csv"
cat >"$TMP/misra.c" <<'EOF_MODEL'
/* Misra1a: b1 * (1 - exp(-b2 * x)) */
double model(GPUOPT_GLOBAL const double *b, int n_params, double x)
{
    return b[0] * (1.0 - exp(-b[1] * x));
}
EOF_MODEL
TIGHT=(--option convergence.relative_criterion_tolerance=1e-15
       --option convergence.relative_params_tolerance=1e-15
       --option convergence.relative_gradient_tolerance=1e-15 --option numdiff.method=central)
run fit --data "$TMP/misra.csv" --model misra1a --p0 500,1e-4 --backend cpu --json "${TIGHT[@]}"
cp "$TMP/out" "$TMP/host.json"
for backend in cpu opencl; do
    run fit --data "$TMP/misra.csv" --model-source "$TMP/misra.c" --p0 500,1e-4 \
        --backend "$backend" --json "${TIGHT[@]}"
    if [ "$backend" = opencl ] && [ "$RC" -ne 0 ] && grep -qi "opencl" "$TMP/err" &&
        ! grep -q "misra.c" "$TMP/err"; then
        echo "opencl backend not available: --model-source on opencl is not run"
        continue
    fi
    if [ "$RC" -eq 0 ] && python3 -c '
import json, sys
h, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert s["backend"] == sys.argv[3], s["backend"]
for a, b in zip(h["params"], s["params"]):
    assert abs(a - b) <= 1e-9 * abs(a), (h["params"], s["params"])
assert s["covariance_available"] and len(s["stderr"]) == 2, s
' "$TMP/host.json" "$TMP/out" "$backend"; then pass; else
        fail "--model-source on $backend: exit $RC $(head -c 300 "$TMP/err")"; fi
done

printf 'double model(GPUOPT_GLOBAL const double *b, int n, double x)\n{\n    return b[0] * ;\n}\n' \
    >"$TMP/bad_model.c"
run fit --data "$TMP/misra.csv" --model-source "$TMP/bad_model.c" --p0 1,1 --backend cpu
if [ "$RC" -eq 2 ] && grep -q "bad_model.c:3:" "$TMP/err" && [ ! -s "$TMP/out" ]
then pass; else fail "model source compile error: exit $RC, stderr: $(head -c 300 "$TMP/err")"; fi
run fit --data "$TMP/misra.csv" --model-source "$TMP/misra.c"
expect_usage_error "--model-source without --p0" "p0"
run fit --data "$TMP/misra.csv" --model-source "$TMP/misra.c" --model misra1a --p0 1,1
expect_usage_error "--model-source with --model" "model-source"
run fit --data "$TMP/misra.csv" --model-source "$TMP/no_such.c" --p0 1,1
expect_usage_error "missing model source" "no_such.c"

finish
