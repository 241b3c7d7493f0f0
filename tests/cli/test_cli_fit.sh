#!/usr/bin/env bash
# `gpuopt fit`: a NIST data set through the CLI agrees with its certified values to 6 digits;
# a CSV fit returns parameters and standard errors; bad input is one line on stderr, exit 2.
# usage: test_cli_fit.sh PATH_TO_GPUOPT
set -u
GPUOPT=${1:?usage: test_cli_fit.sh PATH_TO_GPUOPT}
PASSED=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

# run ARGS...: stdout in $TMP/out, stderr in $TMP/err, status in $RC
run() {
    "$GPUOPT" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

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

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
