#!/usr/bin/env bash
# `gpuopt run --source FILE`: the sphere source solves on the cpu backend and, when an OpenCL
# device is present, on opencl with the same x (bit for bit, as text); a source with a syntax
# error exits 2 and shows the compiler's message naming the file and line; bounds, start
# point and bad input.
# usage: test_source_cli.sh PATH_TO_GPUOPT EXAMPLES_CRITERIA_DIR
set -u

GPUOPT=${1:?usage: test_source_cli.sh PATH_TO_GPUOPT CRITERIA_DIR}
CRITERIA=${2:?usage: test_source_cli.sh PATH_TO_GPUOPT CRITERIA_DIR}
# shellcheck source=tests/shell_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../shell_checks.sh"

# A JSON field of the result as text (x as its whole "[...]").
field() { python3 -c 'import json, sys; v = json.load(sys.stdin)[sys.argv[1]]; print(json.dumps(v) if isinstance(v, list) else v)' "$1"; }

# Expects exit code $1 and stderr matching the extended regex $2 for the rest of the arguments.
expect_error() {
    local code=$1 pattern=$2
    shift 2
    "$GPUOPT" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -eq "$code" ] && grep -Eq -- "$pattern" "$TMP/err"; then
        pass
    else
        fail "gpuopt $*: exit $rc (expected $code), stderr: $(head -c 400 "$TMP/err")"
    fi
}

HAVE_OPENCL=0
if "$GPUOPT" backends --json 2>/dev/null | python3 -c '
import json, sys
sys.exit(0 if any(b["name"] == "opencl" and b["n_devices"] > 0 for b in json.load(sys.stdin)) else 1)'; then
    HAVE_OPENCL=1
else
    echo "note: no OpenCL device: the opencl checks are not run"
fi
BACKENDS=(cpu)
[ "$HAVE_OPENCL" -eq 1 ] && BACKENDS+=(opencl)

# ---- the sphere source solves, with the same x on every backend
# asymmetric bounds: the start point (the box centre, 2.5) is not the minimum
SPHERE=(run --source "$CRITERIA/sphere.c" --dim 10 --algorithm de --lower -5 --upper 10 --seed 3 --option stopping.max_iterations=1000 --json)
declare -A X
for backend in "${BACKENDS[@]}"; do
    if "$GPUOPT" "${SPHERE[@]}" --backend "$backend" >"$TMP/$backend.json" 2>"$TMP/err"; then
        fun=$(field fun <"$TMP/$backend.json")
        X[$backend]=$(field x <"$TMP/$backend.json")
        if python3 -c "import sys; sys.exit(0 if float('$fun') < 1e-5 else 1)" &&
            grep -q "\"backend\": \"$backend\"" "$TMP/$backend.json" &&
            grep -q '"problem": "sphere.c"' "$TMP/$backend.json"; then
            pass
        else
            fail "sphere source on $backend: fun $fun"
        fi
    else
        fail "sphere source on $backend: exit status; stderr: $(head -c 400 "$TMP/err")"
    fi
done
if [ "$HAVE_OPENCL" -eq 1 ]; then
    if [ -n "${X[cpu]:-}" ] && [ "${X[cpu]:-}" == "${X[opencl]:-}" ]; then pass; else
        fail "sphere source: x differs: cpu ${X[cpu]:-?} vs opencl ${X[opencl]:-?}"
    fi
fi

# rastrigin with a helper function and cos: runs on every backend
for backend in "${BACKENDS[@]}"; do
    if "$GPUOPT" run --source "$CRITERIA/rastrigin.c" --dim 4 --algorithm pso --lower -5.12 \
        --upper 5.12 --seed 1 --backend "$backend" --json >"$TMP/r.json" 2>"$TMP/err"; then
        pass
    else
        fail "rastrigin source on $backend: $(head -c 400 "$TMP/err")"
    fi
done

# ---- a syntax error on line 4: exit 2, the compiler's message with file and line
cat >"$TMP/broken.c" <<'EOF'
double criterion(GPUOPT_GLOBAL const double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i) s += x[i] * ;
    return s;
}
EOF
for backend in "${BACKENDS[@]}"; do
    "$GPUOPT" run --source "$TMP/broken.c" --dim 3 --algorithm de --lower -1 --upper 1 \
        --backend "$backend" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    # (PoCL's compiler itself prints "1 error generated." on stderr, before our message)
    first=$(grep -v "error generated" "$TMP/err" | head -n 1)
    if [ "$rc" -eq 2 ] &&
        [[ "$first" == "gpuopt: criterion source '$TMP/broken.c' failed to compile for the $backend backend:" ]] &&
        grep -q "broken.c:4:" "$TMP/err" && [ ! -s "$TMP/out" ]; then
        pass
    else
        fail "syntax error on $backend: exit $rc, stderr: $(head -c 600 "$TMP/err")"
    fi
done

# ---- bounds and start point
cat >"$TMP/shifted.c" <<'EOF'
/* minimum 0 at (1, ..., 1) */
double criterion(GPUOPT_GLOBAL const double *x, int dim)
{
    double s = 0.0;
    for (int i = 0; i < dim; ++i)
        s += (x[i] - 1.0) * (x[i] - 1.0);
    return s;
}
EOF
# no bounds: Nelder-Mead from the origin
if "$GPUOPT" run --source "$TMP/shifted.c" --dim 3 --algorithm neldermead --backend cpu --json \
    >"$TMP/nm.json" 2>"$TMP/err" &&
    python3 -c 'import json, sys; r = json.load(sys.stdin); sys.exit(0 if all(abs(v - 1) < 1e-3 for v in r["x"]) else 1)' <"$TMP/nm.json"; then
    pass
else
    fail "neldermead without bounds: $(head -c 300 "$TMP/err") $(head -c 300 "$TMP/nm.json")"
fi
# a lower bound above the minimum: the solution sits on it
if "$GPUOPT" run --source "$TMP/shifted.c" --dim 2 --algorithm neldermead --lower 2 --backend cpu \
    --json >"$TMP/lb.json" 2>"$TMP/err" &&
    python3 -c 'import json, sys; r = json.load(sys.stdin); sys.exit(0 if all(abs(v - 2) < 1e-3 for v in r["x"]) else 1)' <"$TMP/lb.json"; then
    pass
else
    fail "--lower 2: $(head -c 300 "$TMP/err") $(head -c 300 "$TMP/lb.json")"
fi

# ---- bad input: exit 2, one line
expect_error 2 "algorithm 'de' needs finite bounds: give --lower L and --upper U" \
    run --source "$CRITERIA/sphere.c" --dim 3 --algorithm de
expect_error 2 "algorithm 'pso' needs finite bounds" \
    run --source "$CRITERIA/sphere.c" --dim 3 --algorithm pso --lower -1
expect_error 2 "cannot open criterion source '$TMP/missing.c'" \
    run --source "$TMP/missing.c" --dim 3 --algorithm neldermead
expect_error 2 "either --problem NAME or --source FILE" \
    run --source "$CRITERIA/sphere.c" --problem sphere --dim 3 --algorithm neldermead
expect_error 2 "^gpuopt: --source needs --dim N$" \
    run --source "$CRITERIA/sphere.c" --algorithm neldermead
expect_error 2 "--lower and --upper apply to --source criteria" \
    run --problem sphere --algorithm de --lower -1
expect_error 2 "--lower 3 is greater than --upper 1" \
    run --source "$CRITERIA/sphere.c" --dim 2 --algorithm de --lower 3 --upper 1
expect_error 2 "--upper expects a number" \
    run --source "$CRITERIA/sphere.c" --dim 2 --algorithm de --lower 0 --upper abc
expect_error 2 "run needs --problem NAME \(see 'gpuopt problems'\) or --source FILE" \
    run --algorithm de

finish
