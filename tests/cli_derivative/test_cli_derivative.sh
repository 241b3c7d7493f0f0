#!/usr/bin/env bash
# Tests of `gpuopt derivative`: gradients and Hessians against analytic values (computed here
# with awk, independently of the library), the JSON keys, and bad input (exit 2, one line on
# stderr, nothing on stdout).
# usage: test_cli_derivative.sh PATH_TO_GPUOPT   (prints "N passed, N failed"; non-zero on failure)
set -u

GPUOPT=${1:?usage: test_cli_derivative.sh PATH_TO_GPUOPT}
# shellcheck source=tests/shell_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../shell_checks.sh"


# A python3 check on the JSON in $TMP/out (the JSON is in variable d).
py_check() {
    local desc=$1 code=$2 why
    if why=$(python3 -c "import json, sys
d = json.load(sys.stdin)
$code" <"$TMP/out" 2>&1); then pass; else fail "$desc: $(echo "$why" | tail -n 1)"; fi
}

expect_ok() {
    local desc=$1
    if [ "$RC" -eq 0 ] && [ ! -s "$TMP/err" ]; then pass; else
        fail "$desc: exit $RC; stderr: $(head -c 300 "$TMP/err")"
    fi
}

# Bad input: exit 2, nothing on stdout, one stderr line "gpuopt: ..." matching the pattern.
expect_usage_error() {
    local desc=$1 pattern=$2
    local lines
    lines=$(wc -l <"$TMP/err")
    if [ "$RC" -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$lines" -eq 1 ] &&
        grep -qE "^gpuopt: .*$pattern" "$TMP/err"; then pass; else
        fail "$desc: exit $RC, $lines stderr line(s): $(head -c 300 "$TMP/err"); stdout: $(head -c 100 "$TMP/out")"
    fi
}

# --- the done criterion: rosenbrock, central differences, relative error <= 1e-7 against the
# analytic gradient computed here by awk.
rosen_grad() { # x1,x2,... -> g1 g2 ...
    echo "$1" | awk -F, '{
        n = NF
        for (i = 1; i <= n; ++i) x[i] = $i
        for (i = 1; i <= n; ++i) {
            g = 0
            if (i < n) g += -400 * x[i] * (x[i+1] - x[i]^2) + 2 * (x[i] - 1)
            if (i > 1) g += 200 * (x[i] - x[i-1]^2)
            printf "%.17g%s", g, (i < n ? " " : "\n")
        }
    }'
}

for at in "-1.2,1" "0.5,-0.3,2.2,1.7" "1.3,0.7,-0.9,2.4,0.1,-1.5,3.0,0.25,-2.0,1.1"; do
    run derivative --problem rosenbrock --at "$at" --json --backend cpu
    expect_ok "rosenbrock gradient at $at"
    want=$(rosen_grad "$at")
    py_check "rosenbrock central within 1e-7 at $at" "
want = [float(v) for v in '$want'.split()]
got = d['gradient']
assert len(got) == len(want), (len(got), len(want))
err = max(abs(a - b) for a, b in zip(got, want)) / max(abs(b) for b in want)
assert err <= 1e-7, err
assert d['method'] == 'central' and d['derivative'] == 'gradient', d
assert d['n_evaluations'] == 2 * len(want) + 1, d['n_evaluations']
assert d['dim'] == len(want) and d['problem'] == 'rosenbrock' and d['backend'] == 'cpu'
assert d['at'] == [float(v) for v in '$at'.split(',')]"
done

# --- Hessian of rosenbrock at (-1.2, 1): [[1330, 480], [480, 200]]
run derivative --problem rosenbrock --at=-1.2,1 --hessian --json --backend cpu
expect_ok "rosenbrock hessian"
py_check "rosenbrock hessian" "
h = d['hessian']
want = [[1330, 480], [480, 200]]
err = max(abs(h[i][j] - want[i][j]) for i in range(2) for j in range(2)) / 1330
assert err <= 1e-4, err
assert h[0][1] == h[1][0]
assert d['method'] == 'central_cross' and d['derivative'] == 'hessian', d
assert d['n_evaluations'] == 1 + 4 * 2 + 4 * 1, d['n_evaluations']"

# --- methods, options, --check, the default point, text output
run derivative --problem sphere --dim 3 --at 1,2,3 --method forward --json
expect_ok "sphere forward"
py_check "sphere forward" "
assert d['method'] == 'forward' and d['n_evaluations'] == 4
assert all(abs(g - w) <= 1e-6 * w for g, w in zip(d['gradient'], [2, 4, 6])), d['gradient']"

run derivative --problem levy --dim 4 --option n_steps=3 --check --json
expect_ok "levy richardson at the start point"
py_check "levy richardson --check" "
assert d['n_evaluations'] == 1 + 2 * 3 * 4
assert len(d['analytic_gradient']) == 4 and d['relative_error'] <= 1e-8, d['relative_error']
assert d['at'] == [-4, 6, -4, 6]"

run derivative --problem zakharov --at 0.5,-0.25,1 --hessian --method central_average --check --json
expect_ok "zakharov central_average --check"
py_check "zakharov hessian --check" "
assert d['method'] == 'central_average' and d['relative_error'] <= 1e-4, d['relative_error']
assert len(d['analytic_hessian']) == 3"

run derivative --problem rastrigin --at 0.3,-1.1 --check
expect_ok "text output"
if grep -q "^gradient " "$TMP/out" && grep -q "^method .*central (5 evaluations)" "$TMP/out" &&
    grep -q "^relative error" "$TMP/out"; then pass; else fail "text output: $(cat "$TMP/out")"; fi

run derivative --help
if [ "$RC" -eq 0 ] && grep -q "usage: gpuopt derivative" "$TMP/out"; then pass; else fail "--help"; fi
run help derivative
if [ "$RC" -eq 0 ] && grep -q "usage: gpuopt derivative" "$TMP/out"; then pass; else fail "help derivative"; fi

# --- bad input: exit 2 with one line
run derivative --problem rosenbrock --dim 3 --at 1,2
expect_usage_error "wrong number of coordinates" "--at has 2 coordinates; --dim is 3"
run derivative --problem rosenbrock --at 1,abc
expect_usage_error "unparsable number" "coordinate 2 is 'abc'"
run derivative --problem rosenbrock --at 1,,2
expect_usage_error "empty coordinate" "coordinate 2 .* is empty"
run derivative --problem rosenbrock --at 1,nan
expect_usage_error "nan coordinate" "not a finite number"
run derivative --problem rosenbrock --at 1,2 --method sideways
expect_usage_error "unknown method" "unknown method 'sideways'"
run derivative --problem rosenbrock --at 1,2 --method central_cross
expect_usage_error "method for the other order" "does not compute first derivatives"
run derivative --problem rosenbrock --at 1,20
expect_usage_error "point outside the bounds" "x\[1\] = 20 is outside the bounds \[-5, 10\]"
run derivative --problem rosenbrok --at 1,2
expect_usage_error "unknown problem" "rosenbrock"
run derivative --at 1,2
expect_usage_error "no problem" "needs --problem"
run derivative --problem sphere --at 1,2 --option step_size=0
expect_usage_error "step <= 0" "step_size must be finite and > 0"
run derivative --problem sphere --at 1,2 --option n_steps=12
expect_usage_error "n_steps out of range" "n_steps must be"
run derivative --problem sphere --at 1,2 --option stepsize=1e-3
expect_usage_error "unknown option" "unknown derivative option 'stepsize'"
run derivative --problem sphere --at 1,2 --backend gpu9
expect_usage_error "unknown backend" "backend"

finish
