#!/usr/bin/env bash
# Tests of the gpuopt command-line tool: the done-criteria runs, JSON output of every command,
# exit codes and one-line errors for bad input, Ctrl-C, and no progress output when piped.
# usage: test_cli.sh PATH_TO_GPUOPT        (prints "N passed, N failed" last; non-zero on failure)
set -u

GPUOPT=${1:?usage: test_cli.sh PATH_TO_GPUOPT}
# shellcheck source=tests/shell_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../shell_checks.sh"


stderr_text() { tr '\n' '|' <"$TMP/err" | head -c 400; }

# Runs a python3 check (reading the JSON from stdin) on $TMP/out; prints what failed.
py_check() {
    local desc=$1 code=$2
    local why
    if why=$(python3 -c "$code" <"$TMP/out" 2>&1); then
        pass
    else
        fail "$desc: $(echo "$why" | tail -n 1)"
    fi
}

expect_rc() {
    local desc=$1 want=$2
    if [ "$RC" -eq "$want" ]; then pass; else fail "$desc: exit $RC, want $want; stderr: $(stderr_text)"; fi
}

expect_empty_stderr() {
    local desc=$1
    if [ ! -s "$TMP/err" ]; then pass; else fail "$desc: stderr not empty: $(stderr_text)"; fi
}

# Bad input: exit 2, nothing on stdout, exactly one stderr line starting "gpuopt: ".
# A pattern (grep -E), when given after "--", must occur in that line.
expect_usage_error() {
    local desc=$1 pattern=$2
    shift 2
    run "$@"
    local lines first
    lines=$(wc -l <"$TMP/err")
    first=$(head -n 1 "$TMP/err")
    if [ "$RC" -eq 2 ] && [ "$lines" -eq 1 ] && [[ $first == "gpuopt: "* ]] && [ ! -s "$TMP/out" ]; then
        pass
    else
        fail "$desc: exit $RC, $lines stderr lines: $(stderr_text)"
        return
    fi
    if [ -n "$pattern" ]; then
        if grep -Eq -- "$pattern" "$TMP/err"; then pass; else fail "$desc: '$pattern' not in: $first"; fi
    fi
}

# ------------------------------------------------------------------ python snippets

PY_RUN_KEYS='
import json, math, sys
d = json.load(sys.stdin)
need = ["algorithm", "backend", "problem", "dim", "seed", "x", "fun", "n_evaluations",
        "n_iterations", "converged", "stop_reason", "message", "wall_time_s"]
missing = [k for k in need if k not in d]
assert not missing, "missing keys %s" % missing
assert isinstance(d["x"], list) and len(d["x"]) == d["dim"], "x has not dim values"
assert isinstance(d["converged"], bool), "converged is not a bool"
assert isinstance(d["stop_reason"], str) and d["stop_reason"].islower(), d["stop_reason"]
assert isinstance(d["n_evaluations"], int) and d["n_evaluations"] > 0
assert isinstance(d["seed"], int) and isinstance(d["wall_time_s"], float)
'

# py_fun_below LIMIT: the run JSON has a finite fun below LIMIT
py_fun_below() {
    echo "
import json, sys
d = json.load(sys.stdin)
f = d['fun']
assert f is not None and f < $1, 'fun = %r (stop %s, %d iterations, %d evaluations)' % (
    f, d['stop_reason'], d['n_iterations'], d['n_evaluations'])
"
}

PY_ALGORITHMS='
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and a, "not a non-empty array"
kinds = {"scalar", "least_squares", "likelihood"}
for e in a:
    for k in ["name", "aliases", "global", "derivatives", "criterion_kinds", "needs_bounds",
              "backends", "options"]:
        assert k in e, "%s lacks %s" % (e.get("name"), k)
    assert isinstance(e["aliases"], list) and isinstance(e["global"], bool)
    assert e["derivatives"] in ("free", "gradient"), e["derivatives"]
    assert e["criterion_kinds"] and set(e["criterion_kinds"]) <= kinds, e["criterion_kinds"]
    assert isinstance(e["needs_bounds"], bool)
    assert e["backends"] and set(e["backends"]) <= {"cpu", "opencl", "cuda"}, e["backends"]
    assert e["options"], "%s has no options" % e["name"]
    for o in e["options"]:
        for k in ["key", "type", "default", "doc", "allowed"]:
            assert k in o, "option %s lacks %s" % (o.get("key"), k)
'
PY_ALL_ALGORITHMS="$PY_ALGORITHMS"'
names = {e["name"] for e in a}
assert {"de", "pso", "neldermead"} <= names, names
'

PY_PROBLEMS='
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and a
for e in a:
    for k in ["name", "kind", "dim", "lower", "upper", "best_known_value",
              "best_known_value_per_dim"]:
        assert k in e, "%s lacks %s" % (e.get("name"), k)
    assert e["dim"] is None or (isinstance(e["dim"], int) and e["dim"] > 0), e["dim"]
    assert e["kind"] in ("scalar", "least_squares", "likelihood"), e["kind"]
    assert isinstance(e["best_known_value_per_dim"], bool)
names = {e["name"] for e in a}
assert {"sphere", "rosenbrock", "rastrigin"} <= names, names
mw = [e for e in a if e.get("suite") == "more_wild"]
assert len(mw) == 53, len(mw)
assert all(e["kind"] == "least_squares" and e["start_value"] >= e["best_known_value"] for e in mw)
'

PY_BACKENDS='
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list)
names = [e["name"] for e in a]
assert names[:1] == ["cpu"] or "cpu" in names, names
for e in a:
    for k in ["name", "compiled_in", "n_devices", "devices", "note"]:
        assert k in e, "%s lacks %s" % (e.get("name"), k)
    assert isinstance(e["compiled_in"], bool) and isinstance(e["devices"], list)
    assert len(e["devices"]) == e["n_devices"]
    for d in e["devices"]:
        for k in ["name", "vendor", "memory_bytes", "compute_units", "double_support"]:
            assert k in d, "device lacks %s" % k
    if e["n_devices"] == 0:
        assert e["note"], "%s has no devices and no note" % e["name"]
cpu = [e for e in a if e["name"] == "cpu"][0]
assert cpu["compiled_in"] and cpu["n_devices"] >= 1, cpu
'

# ------------------------------------------------------------------ done criteria

run run --problem sphere --dim 10 --algorithm de --seed 1 --option stopping.max_iterations=3000 \
    --option convergence.criterion_tolerance=0 --option convergence.relative_params_tolerance=0 --json
expect_rc "de on sphere" 0
py_check "de on sphere: run JSON keys" "$PY_RUN_KEYS"
py_check "de on sphere: fun < 1e-8" "$(py_fun_below 1e-8)"
expect_empty_stderr "de on sphere (stderr is not a terminal: no progress bar)"

run run --problem sphere --dim 10 --algorithm pso --seed 1 --option stopping.max_iterations=3000 --json
expect_rc "pso on sphere" 0
py_check "pso on sphere: run JSON keys" "$PY_RUN_KEYS"
py_check "pso on sphere: fun < 1e-6" "$(py_fun_below 1e-6)"

run run --problem rosenbrock --dim 4 --algorithm neldermead \
    --option convergence.absolute_params_tolerance=1e-12 \
    --option convergence.absolute_criterion_tolerance=1e-14 \
    --option stopping.max_criterion_evaluations=20000 --json
expect_rc "neldermead on rosenbrock" 0
py_check "neldermead on rosenbrock: run JSON keys" "$PY_RUN_KEYS"
py_check "neldermead on rosenbrock: fun < 1e-8" "$(py_fun_below 1e-8)"

# issue 5: the documented L-BFGS-B command from the built-in start (CUTEst's GENROSE point)
run run --problem rosenbrock --dim 10 --algorithm lbfgsb --json
expect_rc "lbfgsb on rosenbrock" 0
py_check "lbfgsb on rosenbrock: fun < 1e-10" "$(py_fun_below 1e-10)"

# ------------------------------------------------------------------ run details

run run --problem sphere --algorithm neldermead --json
expect_rc "default dimension" 0
py_check "default dimension is 10" 'import json,sys; d=json.load(sys.stdin); assert d["dim"] == 10, d["dim"]'

run run --problem sphere --dim 3 --algorithm pygmo_de --seed 5 --option stopping.max_iterations=20 --json
expect_rc "an alias as --algorithm" 0
py_check "an alias as --algorithm: JSON" "$PY_RUN_KEYS"
py_check "the --seed is reported" 'import json,sys; d=json.load(sys.stdin); assert d["seed"] == 5, d["seed"]'

run run --problem rastrigin --dim 5 --algorithm de --seed 3 --threads 1 --option stopping.max_iterations=50 --json
cp "$TMP/out" "$TMP/threads1.json"
run run --problem rastrigin --dim 5 --algorithm de --seed 3 --threads 3 --option stopping.max_iterations=50 --json
expect_rc "--threads 3" 0
py_check "the result does not depend on --threads" "
import json, sys
a = json.load(open('$TMP/threads1.json')); b = json.load(sys.stdin)
assert (a['x'], a['fun'], a['n_evaluations']) == (b['x'], b['fun'], b['n_evaluations']), (a['fun'], b['fun'])
"

run run --problem rosenbrock --dim 20 --algorithm neldermead --option stopping.max_criterion_evaluations=500
expect_rc "text summary" 0
for word in algorithm backend problem fun x evaluations iterations "stop reason" message time; do
    if grep -q "^$word " "$TMP/out"; then pass; else fail "text summary lacks '$word'"; fi
done
if grep -q '\.\.\.' "$TMP/out" && grep -q '(20 values)' "$TMP/out"; then pass; else fail "x is not abbreviated at dim 20"; fi
expect_empty_stderr "text run piped: no progress output"

run run --problem sphere --dim 3 --algorithm de --option stopping.max_iterations=10 --quiet
expect_rc "--quiet" 0
expect_empty_stderr "--quiet: no progress output"

# ------------------------------------------------------------------ Ctrl-C

# A run that would take days (no convergence test); SIGINT once the handler is in place
# (SigCgt in /proc shows it, where there is a /proc) and the run has had a second to start.
"$GPUOPT" run --problem rastrigin --dim 50 --algorithm de --option stopping.max_iterations=100000000 \
    --option convergence.criterion_tolerance=0 --option convergence.relative_params_tolerance=0 \
    --json >"$TMP/out" 2>"$TMP/err" </dev/null &
pid=$!
for _ in $(seq 100); do
    caught=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [ -z "$caught" ] && break
    (((16#$caught >> 1) & 1)) && break
    sleep 0.1
done
sleep 1
kill -INT "$pid" 2>/dev/null
for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    fail "SIGINT: the run did not stop within 60 s"
fi
wait "$pid"
RC=$?
expect_rc "SIGINT" 0
py_check "SIGINT: JSON keys" "$PY_RUN_KEYS"
py_check "SIGINT: stop_reason interrupted, best point reported" '
import json, math, sys
d = json.load(sys.stdin)
assert d["stop_reason"] == "interrupted", d["stop_reason"]
assert d["fun"] is not None and math.isfinite(d["fun"]) and len(d["x"]) == 50
assert d["converged"] is False
'

# ------------------------------------------------------------------ listings

run algorithms --json
expect_rc "algorithms --json" 0
py_check "algorithms --json" "$PY_ALL_ALGORITHMS"

run algorithms
expect_rc "algorithms (text)" 0
if grep -q '^de ' "$TMP/out" && grep -q '^neldermead ' "$TMP/out"; then pass; else fail "algorithms table lacks de / neldermead"; fi

run algorithms pygmo_de
expect_rc "algorithms pygmo_de" 0
if grep -q 'stopping.max_iterations' "$TMP/out"; then pass; else fail "algorithms pygmo_de lists no options"; fi

run algorithms pygmo_de --json
expect_rc "algorithms pygmo_de --json" 0
py_check "algorithms pygmo_de --json: one element, pygmo_de among its names" "$PY_ALGORITHMS"'
assert len(a) == 1 and "pygmo_de" in [a[0]["name"]] + a[0]["aliases"], a
'

expect_usage_error "algorithms nosuch (nearest names)" "nearest: '" algorithms nosuch
expect_usage_error "algorithms pygmo_dee (close match)" "pygmo_de" algorithms pygmo_dee

run problems --json
expect_rc "problems --json" 0
py_check "problems --json" "$PY_PROBLEMS"
cp "$TMP/out" "$TMP/problems.json"

run problems
expect_rc "problems (text)" 0
if grep -q '^sphere ' "$TMP/out"; then pass; else fail "problems table lacks sphere"; fi

run backends --json
expect_rc "backends --json" 0
py_check "backends --json" "$PY_BACKENDS"
cp "$TMP/out" "$TMP/backends.json"

run backends
expect_rc "backends (text)" 0
if grep -q '^cpu ' "$TMP/out"; then pass; else fail "backends text lacks cpu"; fi

# ------------------------------------------------------------------ help and version

for args in "--help" "help" "run --help" "algorithms --help" "problems --help" "backends --help" "help run"; do
    # shellcheck disable=SC2086
    run $args
    if [ "$RC" -eq 0 ] && grep -q 'usage: gpuopt' "$TMP/out"; then pass; else fail "gpuopt $args: exit $RC"; fi
done
run --version
if [ "$RC" -eq 0 ] && grep -Eq '^gpuopt [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out"; then pass; else fail "--version: exit $RC, $(cat "$TMP/out")"; fi

# ------------------------------------------------------------------ bad input

R=(run --problem sphere --dim 3 --algorithm de --option stopping.max_iterations=5)
expect_usage_error "no command" ""
expect_usage_error "unknown command" "frobnicate" frobnicate
expect_usage_error "unknown top-level flag" "--bogus" --bogus
expect_usage_error "unknown flag" "--bogus" "${R[@]}" --bogus
expect_usage_error "flag value on a switch" "--json" "${R[@]}" --json=yes
expect_usage_error "missing value" "--dim" run --problem sphere --algorithm de --dim
expect_usage_error "missing --problem" "--problem" run --algorithm de
expect_usage_error "missing --algorithm" "--algorithm" run --problem sphere
expect_usage_error "stray argument" "stray" "${R[@]}" stray
expect_usage_error "--dim abc" "abc" "${R[@]}" --dim abc
expect_usage_error "--dim 0" "--dim" "${R[@]}" --dim 0
expect_usage_error "--dim -3" "-3" "${R[@]}" --dim -3
expect_usage_error "--dim 1.5" "1.5" "${R[@]}" --dim 1.5
expect_usage_error "--seed x" "--seed" "${R[@]}" --seed x
expect_usage_error "--seed -1" "--seed" "${R[@]}" --seed -1
expect_usage_error "--threads -1" "--threads" "${R[@]}" --threads -1
expect_usage_error "--threads x" "--threads" "${R[@]}" --threads x
expect_usage_error "unknown problem (close match)" "sphere" run --problem spher --algorithm de
expect_usage_error "unknown problem" "" run --problem nosuchproblem --algorithm de
expect_usage_error "unknown algorithm (close match)" "pygmo_de" run --problem sphere --algorithm pygmo_dee
expect_usage_error "unknown algorithm" "" run --problem sphere --algorithm nosuch
expect_usage_error "unknown backend (close match)" "cuda" "${R[@]}" --backend cudaa
expect_usage_error "unknown backend" "" "${R[@]}" --backend quantum
expect_usage_error "--option without =" "stopping" "${R[@]}" --option stopping.max_iterations
expect_usage_error "--option without key" "=5" "${R[@]}" --option =5
expect_usage_error "unknown option key (nearest key named)" "stopping\.max_iterations" \
    "${R[@]}" --option stopping.max_iteration=10
expect_usage_error "bad option value" "abc" "${R[@]}" --option stopping.max_iterations=abc
expect_usage_error "option value out of range" "" "${R[@]}" --option stopping.max_iterations=-5
expect_usage_error "algorithms with two names" "" algorithms de pso
expect_usage_error "problems with an argument" "" problems extra

# a problem of fixed dimension at another dimension
fixed=$(python3 -c '
import json, sys
a = [e for e in json.load(open(sys.argv[1])) if e["dim"] is not None]
print("%s %d" % (a[0]["name"], a[0]["dim"] + 1) if a else "")' "$TMP/problems.json")
if [ -n "$fixed" ]; then
    expect_usage_error "fixed-dimension problem at another --dim" "" \
        run --problem "${fixed% *}" --dim "${fixed#* }" --algorithm neldermead
else
    echo "note: no built-in problem has a fixed dimension; that check does not apply"
fi

# a backend without a usable device (or not compiled in)
missing=$(python3 -c '
import json, sys
a = [e["name"] for e in json.load(open(sys.argv[1])) if e["n_devices"] == 0]
print(a[0] if a else "")' "$TMP/backends.json")
if [ -n "$missing" ]; then
    expect_usage_error "unavailable backend $missing" "" "${R[@]}" --backend "$missing"
else
    echo "note: every backend has a device here; the unavailable-backend check does not apply"
fi

# report values, restart boundaries and warnings reach the JSON and the summary
run run --problem rastrigin --dim 3 --algorithm cmaes --seed 2 --option restarts=ipop \
    --option stopping.max_criterion_evaluations=5000 --option initial_step_size=0.9 --json
expect_rc "cmaes with restarts" 0
py_check "report, restarts and warnings in the JSON" '
import json, sys
d = json.load(sys.stdin)
assert d["report"]["restart"] == len(d["restarts"]) >= 1, d["report"]
assert all(r["n_evaluations"] <= d["n_evaluations"] for r in d["restarts"])
assert "clamped" in d["warnings"], d["warnings"]
t = d["timing"]
assert list(t)[:3] == ["ask", "evaluation", "tell"] and "eigendecomposition" in t, t
assert all(v >= 0 for v in t.values()) and sum(t.values()) <= d["wall_time_s"] * 1.01 + 1e-3, t'
run run --problem sphere --dim 3 --algorithm cmaes --option initial_step_size=0.9
if grep -q "^warnings .*clamped" "$TMP/out"; then pass; else fail "summary shows warnings" "$(head -c 300 "$TMP/out")"; fi

finish
