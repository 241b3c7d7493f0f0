# shellcheck shell=bash disable=SC2034
# The shell tests' shared scaffolding (sourced after GPUOPT is set): counters, a temporary
# directory removed at exit, and
#   pass / fail MESSAGE   count a check (fail prints "FAIL: MESSAGE")
#   run ARGS...           runs "$GPUOPT" ARGS with stdin closed: stdout in $TMP/out, stderr in
#                         $TMP/err, exit status in $RC
#   finish                prints "N passed, N failed"; its status is non-zero after a failure
PASSED=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

run() {
    "$GPUOPT" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
