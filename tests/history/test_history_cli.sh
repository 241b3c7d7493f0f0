#!/usr/bin/env bash
# shellcheck disable=SC2086 # flag lists ($BASE, $RUN, $flags) are split into words on purpose
# The run history from the command line: --log/--checkpoint/--resume, `gpuopt log show|plot`
# on a log of every algorithm (each on the problem and options algorithm_case.py picks for it),
# Ctrl-C then resume, a killed run's log, and bad input: missing, truncated, damaged and foreign
# files for --resume and log show, mismatched resumes, a log that exists, bad flag combinations.
# usage: test_history_cli.sh GPUOPT LOG_CHECK PRINT_CASES   (prints "N passed, N failed" last)
#   PRINT_CASES: the helper that prints tests/algorithm_cases.h's choices (print_cases.c)
set -u

USAGE="usage: test_history_cli.sh GPUOPT LOG_CHECK PRINT_CASES"
GPUOPT=${1:?$USAGE}
LOG_CHECK=${2:?$USAGE}
PRINT_CASES=${3:?$USAGE}
PASSED=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BASE="--problem rastrigin --dim 4 --seed 11"

pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

# Runs gpuopt; stdout in $TMP/out, stderr in $TMP/err, exit status in RC.
run() {
    "$GPUOPT" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

stderr_text() { tr '\n' '|' <"$TMP/err" | head -c 400; }

expect_ok() {
    if [ "$RC" -eq 0 ]; then pass; else fail "$1: exit $RC: $(stderr_text)"; fi
}

# An error: exit status $2, one stderr line "gpuopt: ..." matching the pattern $3 (grep -E).
expect_error() {
    local desc=$1 want=$2 pattern=$3
    local lines first
    lines=$(wc -l <"$TMP/err")
    first=$(head -n 1 "$TMP/err")
    if [ "$RC" -eq "$want" ] && [ "$lines" -eq 1 ] && [[ $first == "gpuopt: "* ]] &&
        grep -qE -- "$pattern" "$TMP/err"; then
        pass
    else
        fail "$desc: exit $RC (want $want), stderr: $(stderr_text) (want /$pattern/)"
    fi
}

expect_stdout() {
    if grep -qE -- "$2" "$TMP/out"; then pass; else fail "$1: stdout lacks /$2/: $(head -c 300 "$TMP/out")"; fi
}

# Waits (up to 20 s) until the file exists: the run has started and saved.
wait_for_file() {
    local _
    for _ in $(seq 200); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

json_field() { sed -n "s/^  \"$2\": \(.*\),\$/\1/p" "$1" | head -n 1; }

same_result() { # same_result DESC REF OUT: x, fun, n_evaluations identical
    local key
    for key in x fun n_evaluations n_iterations; do
        if [ "$(json_field "$2" $key)" != "$(json_field "$3" $key)" ]; then
            fail "$1: $key differs: $(json_field "$3" $key) vs $(json_field "$2" $key)"
            return
        fi
    done
    pass
}

file_starts_with() { # DESC FILE HEX
    if [ "$(head -c $((${#3} / 2)) "$2" | od -An -tx1 | tr -d ' \n')" = "$3" ]; then
        pass
    else
        fail "$1: $2 does not start with bytes $3"
    fi
}

# Every algorithm, on the problem and options algorithm_case.py picks for it: lines
# "case ALGORITHM BACKENDS FLAGS..." (or "skip ALGORITHM REASON").
python3 "$(dirname "$0")/algorithm_case.py" "$GPUOPT" >"$TMP/cases" 2>"$TMP/err" ||
    fail "algorithm_case.py: $(stderr_text)"
# the C tests (tests/algorithm_cases.h) pick the same for every algorithm (skip reasons aside)
"$PRINT_CASES" >"$TMP/c_cases" 2>"$TMP/err" || fail "print_cases: $(stderr_text)"
same_cases() { awk '$1 == "skip" { print $1, $2; next } { print }' "$1"; }
if diff <(same_cases "$TMP/cases") <(same_cases "$TMP/c_cases") >"$TMP/diff"; then
    pass
else
    fail "algorithm_case.py and tests/algorithm_cases.h pick differently: $(head -c 600 "$TMP/diff")"
fi

# -------------------------------------------- logs of every algorithm, show, plot
while read -r kind alg _ flags; do
    if [ "$kind" != case ]; then
        echo "SKIPPED for $alg: the logs, log show and log plot ($flags)"
        continue
    fi
    log="$TMP/$alg.h5"
    run run $flags --seed 11 --algorithm "$alg" --option stopping.max_iterations=60 --log "$log" \
        --log-evaluations --json
    expect_ok "$alg: run with --log"
    cp "$TMP/out" "$TMP/$alg.json"
    if "$LOG_CHECK" "$log" "$(json_field "$TMP/out" n_iterations)" \
        "$(json_field "$TMP/out" n_evaluations)" "$(json_field "$TMP/out" fun)" 2>"$TMP/logerr"; then
        pass
    else
        fail "$alg: log contents: $(cat "$TMP/logerr")"
    fi
    run log show "$log"
    expect_ok "$alg: log show"
    expect_stdout "$alg: log show names the algorithm" "^algorithm +$alg$"
    expect_stdout "$alg: log show has the stop reason" "^stop reason +[a-z_]+: "
    expect_stdout "$alg: log show has the best value" "^best value +$(json_field "$TMP/$alg.json" fun)$"
    expect_stdout "$alg: log show has the evaluations" \
        "^evaluations +$(json_field "$TMP/$alg.json" n_evaluations) in "
    expect_stdout "$alg: log show has milestones" "^  100% +[0-9]+ +[0-9]+ "
    expect_stdout "$alg: log show lists the options" "stopping.max_iterations = 60"
    run log plot "$log" -o "$TMP/$alg.png"
    expect_ok "$alg: log plot png"
    file_starts_with "$alg: criterion plot is a PNG" "$TMP/$alg.png" 89504e470d0a1a0a
    run log plot "$log" --params -o "$TMP/$alg-params.svg"
    expect_ok "$alg: log plot --params svg"
    if grep -q "<svg" "$TMP/$alg-params.svg"; then pass; else fail "$alg: params plot is no SVG"; fi
done <"$TMP/cases"

# ------------------------------------------------------ a log that exists
printf 'keep me\n' >"$TMP/exists.h5"
run run $BASE --algorithm de --log "$TMP/exists.h5"
expect_error "existing log refused" 2 "exists already.*--overwrite"
if [ "$(cat "$TMP/exists.h5")" = "keep me" ]; then pass; else fail "the existing log was changed"; fi
run run $BASE --algorithm de --option stopping.max_iterations=5 --log "$TMP/exists.h5" --overwrite
expect_ok "existing log overwritten with --overwrite"

# ------------------------------------------- checkpoint, Ctrl-C, resume
# a budget that makes the run last about 1.5 s here, so that Ctrl-C comes in the middle
t0=$(date +%s.%N)
run run $BASE --algorithm pso --option stopping.max_iterations=20000 --quiet
ITERATIONS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print int(20000 * 1.5 / (b - a)) }')
RUN="$BASE --algorithm pso --option stopping.max_iterations=$ITERATIONS --quiet --json"
run run $RUN
cp "$TMP/out" "$TMP/ref.json"
"$GPUOPT" run $RUN --checkpoint "$TMP/int.ckpt" --checkpoint-seconds 1000 \
    >"$TMP/int.json" 2>"$TMP/err" </dev/null &
pid=$!
wait_for_file "$TMP/int.ckpt"
sleep 0.2
kill -INT "$pid"
wait "$pid"
RC=$?
expect_ok "Ctrl-C with --checkpoint"
if grep -q '"stop_reason": "interrupted"' "$TMP/int.json"; then
    pass
else
    fail "Ctrl-C: stop reason not interrupted (the run may have finished before the signal)"
fi
run run --resume "$TMP/int.ckpt" --quiet --json
expect_ok "resume after Ctrl-C"
same_result "resume after Ctrl-C" "$TMP/ref.json" "$TMP/out"

# ----------------------------------- a killed run's log, continued by --resume
RUN="$BASE --algorithm de --option stopping.max_iterations=3000 --quiet --json
     --option convergence.criterion_tolerance=0 --option convergence.relative_params_tolerance=0"
run run $RUN
cp "$TMP/out" "$TMP/ref.json"
"$GPUOPT" run $RUN --log "$TMP/killed.h5" --checkpoint "$TMP/killed.ckpt" --checkpoint-every 7 \
    >/dev/null 2>&1 </dev/null &
pid=$!
wait_for_file "$TMP/killed.ckpt"
sleep 0.2
kill -9 "$pid"
{ wait "$pid"; } 2>/dev/null
run log show "$TMP/killed.h5"
expect_ok "log show on a killed run's log"
expect_stdout "a killed run has no stop reason" "^stop reason +none recorded"
run log plot "$TMP/killed.h5" -o "$TMP/killed.svg"
expect_ok "log plot on a killed run's log"
run run --resume "$TMP/killed.ckpt" --quiet --json
expect_ok "resume after SIGKILL"
same_result "resume after SIGKILL" "$TMP/ref.json" "$TMP/out"
run log show "$TMP/killed.h5"
expect_stdout "the resumed log counts the resume" "resumed from a checkpoint 1 time"
if "$LOG_CHECK" "$TMP/killed.h5" "$(json_field "$TMP/ref.json" n_iterations)" \
    "$(json_field "$TMP/ref.json" n_evaluations)" "$(json_field "$TMP/ref.json" fun)" \
    2>"$TMP/logerr"; then
    pass
else
    fail "resumed log: $(cat "$TMP/logerr")"
fi
cp "$TMP/killed.h5" "$TMP/int.h5"

# ---------------------------------------------------------- bad files
cp "$TMP/int.ckpt" "$TMP/good.ckpt"
size=$(stat -c %s "$TMP/good.ckpt")
head -c $((size / 2)) "$TMP/good.ckpt" >"$TMP/truncated.ckpt"
cp "$TMP/good.ckpt" "$TMP/damaged.ckpt"
# overwrite the stored state (the second half of the file) with other bytes
dd if=/dev/urandom of="$TMP/damaged.ckpt" bs=1 seek=$((size / 2)) count=$((size / 3)) conv=notrunc 2>/dev/null
printf 'not an HDF5 file at all\n' >"$TMP/foreign.txt"
python3 -c 'print("x" * 5000)' >"$TMP/foreign.h5"

run run --resume "$TMP/missing.ckpt"
expect_error "--resume missing file" 1 "missing.ckpt.*No such file"
run run --resume "$TMP/truncated.ckpt"
expect_error "--resume truncated file" 1 "truncated or damaged"
run run --resume "$TMP/damaged.ckpt"
expect_error "--resume damaged file" 1 "damaged"
run run --resume "$TMP/foreign.txt"
expect_error "--resume foreign file" 1 "not a gpuopt checkpoint.*not an HDF5 file"
run run --resume "$TMP/int.h5"
expect_error "--resume given a log" 1 "is a gpuopt log, not a checkpoint"

size=$(stat -c %s "$TMP/de.h5")
head -c $((size / 2)) "$TMP/de.h5" >"$TMP/truncated.h5"
cp "$TMP/de.h5" "$TMP/damaged.h5"
dd if=/dev/zero of="$TMP/damaged.h5" bs=1 seek=200 count=2000 conv=notrunc 2>/dev/null
run log show "$TMP/missing.h5"
expect_error "log show missing file" 1 "missing.h5.*No such file"
run log show "$TMP/truncated.h5"
expect_error "log show truncated file" 1 "truncated or damaged"
run log show "$TMP/damaged.h5"
expect_error "log show damaged file" 1 "damaged"
run log show "$TMP/foreign.h5"
expect_error "log show foreign file" 1 "not a gpuopt log.*not an HDF5 file"
run log show "$TMP/good.ckpt"
expect_error "log show given a checkpoint" 1 "is a gpuopt checkpoint, not a log"
run log plot "$TMP/missing.h5" -o "$TMP/m.png"
expect_error "log plot missing file" 1 "No such file"

# ---------------------------------------------------- mismatched resumes
run run --resume "$TMP/good.ckpt" --problem sphere
expect_error "resume on another problem" 2 "problem 'rastrigin', not 'sphere'"
run run --resume "$TMP/good.ckpt" --dim 5
expect_error "resume at another dimension" 2 "dimension 4, not 5"
run run --resume "$TMP/good.ckpt" --algorithm de
expect_error "resume with another algorithm" 2 "algorithm 'pso', not 'de'"
if "$GPUOPT" backends --json | python3 -c '
import json, sys
sys.exit(0 if any(b["name"] == "opencl" and b["n_devices"] > 0 for b in json.load(sys.stdin)) else 1)'; then
    run run --resume "$TMP/good.ckpt" --backend opencl --checkpoint "$TMP/other.ckpt"
    expect_error "resume on another backend" 2 "backend 'cpu', not 'opencl'"
    # a short run's checkpoint (iteration 30 of 40): the resumed rest is short on any backend
    run run $BASE --algorithm pso --option stopping.max_iterations=40 \
        --checkpoint "$TMP/short.ckpt" --checkpoint-every 30
    expect_ok "a short run saving at iteration 30"
    run run --resume "$TMP/short.ckpt" --backend opencl --allow-backend-change \
        --checkpoint "$TMP/other.ckpt" --log "$TMP/other.h5" --json
    expect_ok "resume on another backend with --allow-backend-change"
    expect_stdout "resumed on opencl" '"backend": "opencl"'
    expect_stdout "the resumed run goes on to its budget" '"n_iterations": 40,'
    if grep -q "not bitwise" "$TMP/err"; then pass; else fail "backend change: no note"; fi
else
    run run --resume "$TMP/good.ckpt" --backend opencl
    expect_error "resume on a backend without a device" 2 "opencl"
fi

# ------------------------------------------------------- flag combinations
run run $BASE --algorithm de --log-evaluations
expect_error "--log-evaluations without --log" 2 "needs --log"
run run $BASE --algorithm de --checkpoint-every 3
expect_error "--checkpoint-every without --checkpoint" 2 "needs --checkpoint"
run run $BASE --algorithm de --checkpoint "$TMP/c" --checkpoint-every 0
expect_error "--checkpoint-every 0" 2 "positive integer"
run run $BASE --algorithm de --checkpoint "$TMP/c" --checkpoint-seconds -1
expect_error "--checkpoint-seconds -1" 2 "positive number"
run run $BASE --algorithm de --log "$TMP/same" --checkpoint "$TMP/same"
expect_error "--log and --checkpoint the same file" 2 "same file"
run run --resume "$TMP/good.ckpt" --seed 3
expect_error "--resume with --seed" 2 "cannot change"
run run $BASE --algorithm de --allow-backend-change
expect_error "--allow-backend-change without --resume" 2 "needs --resume"
run log
expect_error "log without a subcommand" 2 "show or plot"
run log frob x.h5
expect_error "log with an unknown subcommand" 2 "unknown log subcommand 'frob'"
run log plot "$TMP/de.h5" -o "$TMP/plot.pdf"
expect_error "log plot to an unknown format" 1 "must end in .png or .svg"
run log plot "$TMP/de.h5"
expect_error "log plot without -o" 2 "-o PATH"
run log plot "$TMP/de.h5" -o "$TMP/no/such/dir/p.png"
expect_error "log plot into a missing directory" 1 "cannot write plot"
run help log
expect_ok "help log"
expect_stdout "help log" "gpuopt log show FILE"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
