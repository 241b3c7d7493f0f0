#!/usr/bin/env bash
# shellcheck disable=SC2086 # flag lists ($RUN_FLAGS, $flags) are split into words on purpose
# The SIGKILL resume test: for every algorithm (and PSO's sequential update, IPOP restarts) on
# every backend with a device that it runs on, a run that checkpoints every iteration is killed
# with SIGKILL at random moments KILLS times in a row, resumed with --resume each time, and its
# final x, fun and evaluation count must be the same text (%.17g) as those of an uninterrupted
# run with the same seed. The run's log must hold every iteration exactly once. Each algorithm
# runs the problem and options algorithm_case.py picks for it (a long, deterministic stretch).
#
# usage: test_resume_kill.sh GPUOPT LOG_CHECK
#   GPUOPT_KILLS (default 20), GPUOPT_KILL_SEED (default: the time; printed), GPUOPT_BACKENDS
#   (default: every backend with a device), GPUOPT_KILL_ONLY (a regular expression: only
#   the configurations whose "ALGORITHM FLAGS" match it), GPUOPT_KILL_RUN_S (default 0.3: the
#   seconds a checkpointing run lasts after its start-up, unless the algorithm ends it sooner)
set -u

GPUOPT=${1:?usage: test_resume_kill.sh GPUOPT LOG_CHECK}
LOG_CHECK=${2:?usage: test_resume_kill.sh GPUOPT LOG_CHECK}
CASES="$(dirname "$0")/algorithm_case.py"
KILLS=${GPUOPT_KILLS:-20}
SEED=${GPUOPT_KILL_SEED:-$(date +%s)}
RANDOM=$SEED
ITERATIONS_CAP=20000 # budget of a configuration, lowered to what fits in RUN_S
RUN_S=${GPUOPT_KILL_RUN_S:-0.3}
PASSED=0
FAILED=0
# in memory where possible: the many fsyncs of saving every iteration are slow on disks
TMP=$(mktemp -d -p "${TMPDIR:-/dev/shm}" 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "kill moments from seed $SEED (GPUOPT_KILL_SEED=$SEED repeats them)"

pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

json_field() { # json_field FILE KEY: the value's text as printed
    sed -n "s/^  \"$2\": \(.*\),\$/\1/p" "$1" | head -n 1
}

# The backends to test: every one with a device (cpu; opencl, cuda where present).
default_backends() {
    "$GPUOPT" backends --json | python3 -c '
import json, sys
for b in json.load(sys.stdin):
    if b["n_devices"] > 0:
        print(b["name"])'
}
BACKENDS=${GPUOPT_BACKENDS:-$(default_backends | tr '\n' ' ')}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }

# pause SECONDS: sleeps without starting a process (read times out on a pipe that stays open).
exec {PAUSE_FD}<> <(:)
pause() { read -r -t "$1" -u "$PAUSE_FD" _; }

# The iteration budget and the kill delays, from one checkpointing, logging run stopped after
# RUN_S seconds (stopping.max_seconds). ITERATIONS: the iterations it completed (fewer when the
# algorithm ends its run sooner). STARTUP_MS: the process's time outside the run (its wall time
# less the run's own). MEAN_MS: the mean progress between kills, half the run's time spent
# iterating (from its log) spread over the kills.
calibrate() {
    rm -f "$TMP"/calib.*
    local t0 duration iterating
    t0=$(now)
    "$GPUOPT" run $RUN_FLAGS --option stopping.max_iterations=$ITERATIONS_CAP \
        --option stopping.max_seconds=$RUN_S --checkpoint "$TMP/calib.ckpt" \
        --checkpoint-every 1 --log "$TMP/calib.h5" --quiet --json >"$TMP/calib.json" \
        2>"$TMP/err" || return 1
    duration=$(elapsed "$t0")
    iterating=$("$LOG_CHECK" --iterating-seconds "$TMP/calib.h5" 2>"$TMP/err") || return 1
    ITERATIONS=$(json_field "$TMP/calib.json" n_iterations)
    [ "$ITERATIONS" -ge 1 ] || ITERATIONS=1
    read -r STARTUP_MS MEAN_MS < <(awk -v d="$duration" -v i="$iterating" -v k="$KILLS" \
        -v w="$(json_field "$TMP/calib.json" wall_time_s)" 'BEGIN {
            s = int((d - w) * 1000); m = int(i * 1000 * 0.5 / k)
            print (s < 1 ? 1 : s), (m < 1 ? 1 : m) }')
    RUN_FLAGS="$RUN_FLAGS --option stopping.max_iterations=$ITERATIONS"
}

ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# Starts the run (fresh, or --resume when a checkpoint exists) in the background; PID in $PID.
start_segment() {
    : >"$TMP/stamp" # older than any checkpoint this segment saves
    if [ -s "$TMP/run.ckpt" ]; then
        "$GPUOPT" run --resume "$TMP/run.ckpt" --quiet --json >"$TMP/out.json" 2>"$TMP/err" &
    else
        "$GPUOPT" run $RUN_FLAGS --checkpoint "$TMP/run.ckpt" --checkpoint-every 1 \
            --log "$TMP/run.h5" --overwrite --quiet --json >"$TMP/out.json" 2>"$TMP/err" &
    fi
    PID=$!
}

# Waits until the segment has saved a checkpoint (it saves when its run starts, then after
# every iteration), or for at most MAX_MS milliseconds (default: 20 s). Fails when it ends first.
wait_for_save() {
    local i max=$((${1:-20000} / 2))
    for ((i = 0; i < max; ++i)); do
        [[ $TMP/run.ckpt -nt $TMP/stamp ]] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        pause 0.002
    done
}

# Waits for the next kill moment. A quarter of the kills come during the start-up (while a
# resumed run loads its checkpoint and reopens its log: before its first save, at most
# STARTUP_MS in); the others once the segment has saved its first checkpoint, after 0.2 .. 1.8
# times the mean progress (in iterations, or while a checkpoint or the log is written).
# Measuring from the segment's own first save keeps the progress per segment independent of how
# long start-ups take on a busy machine.
await_kill_moment() {
    if [ $((RANDOM % 4)) -eq 0 ]; then
        wait_for_save $((STARTUP_MS * (RANDOM % 101) / 100))
    else
        wait_for_save && pause "$(ms_to_s $((MEAN_MS * (20 + RANDOM % 161) / 100)))"
    fi
}

# Kills the run KILLS times in a row at random moments, resuming each time, then lets a last
# resume (saving rarely, which changes nothing in the result) finish. Sets KILLED; fails when
# the run ends by itself first.
kill_and_resume() {
    KILLED=0
    rm -f "$TMP"/run.*
    start_segment
    while [ "$KILLED" -lt "$KILLS" ]; do
        await_kill_moment
        kill -9 "$PID" 2>/dev/null
        { wait "$PID"; } 2>/dev/null
        LAST_RC=$?
        if [ $LAST_RC -ne 137 ]; then
            cp "$TMP/err" "$TMP/err.last"
            return 1
        fi
        KILLED=$((KILLED + 1))
        start_segment
    done
    { wait "$PID"; } 2>/dev/null
    "$GPUOPT" run --resume "$TMP/run.ckpt" --checkpoint-every 1000000000 --quiet --json \
        >"$TMP/out.json" 2>"$TMP/err"
}

check_configuration() {
    local backend=$1 alg=$2 flags=$3
    local what="$alg ${flags//--option /} on $backend"
    RUN_FLAGS="$flags --algorithm $alg --backend $backend --seed 17"
    if ! calibrate; then
        fail "$what: the calibration run failed: $(head -c 300 "$TMP/err")"
        return
    fi
    "$GPUOPT" run $RUN_FLAGS --quiet --json >"$TMP/ref.json" 2>"$TMP/err" || {
        fail "$what: the uninterrupted run failed: $(head -c 300 "$TMP/err")"
        return
    }
    local ok=0 attempt
    for attempt in 1 2 3 4; do
        if kill_and_resume; then
            ok=1
            break
        fi
        # the run was faster than measured: kill sooner
        echo "$what: the run ended after $KILLED kills (attempt $attempt); killing sooner"
        MEAN_MS=$(((MEAN_MS + 1) / 2))
        STARTUP_MS=$((STARTUP_MS / 2))
    done
    if [ $ok -eq 0 ]; then
        fail "$what: the run kept ending before $KILLS kills (last: after $KILLED kills, exit" \
            "$LAST_RC, $ITERATIONS iterations, start-up $STARTUP_MS ms, kills every $MEAN_MS ms):" \
            "$(head -c 300 "$TMP/err.last")"
        return
    fi
    local key same=1
    for key in x fun n_evaluations n_iterations; do
        if [ "$(json_field "$TMP/ref.json" $key)" != "$(json_field "$TMP/out.json" $key)" ]; then
            same=0
            fail "$what: $key differs after $KILLED kills: $(json_field "$TMP/out.json" $key)" \
                "instead of $(json_field "$TMP/ref.json" $key)"
        fi
    done
    [ $same -eq 1 ] && pass
    if "$LOG_CHECK" "$TMP/run.h5" "$(json_field "$TMP/ref.json" n_iterations)" \
        "$(json_field "$TMP/ref.json" n_evaluations)" "$(json_field "$TMP/ref.json" fun)" \
        2>"$TMP/logerr"; then
        pass
    else
        fail "$what: the log after $KILLED kills: $(head -c 300 "$TMP/logerr")"
    fi
    printf '%s: %s iterations (%s), start-up %s ms, then kills every ~%s ms: %d kills, %s\n' \
        "$what" "$(json_field "$TMP/ref.json" n_iterations)" \
        "$(json_field "$TMP/ref.json" stop_reason)" "$STARTUP_MS" "$MEAN_MS" "$KILLED" \
        "$([ $same -eq 1 ] && echo identical || echo DIFFERENT)"
}

# One line per configuration: "case ALGORITHM BACKENDS FLAGS..." or "skip ALGORITHM REASON".
if ! python3 "$CASES" "$GPUOPT" --variants >"$TMP/cases" 2>"$TMP/err"; then
    fail "$CASES: $(head -c 300 "$TMP/err")"
fi
mapfile -t CONFIGS <"$TMP/cases"
for config in "${CONFIGS[@]}"; do
    [[ $config == skip\ * ]] && echo "SKIPPED: ${config#skip }"
done
for backend in $BACKENDS; do
    for config in "${CONFIGS[@]}"; do
        read -r kind alg backends flags <<<"$config"
        [ "$kind" = case ] || continue
        [[ "$alg $flags" =~ ${GPUOPT_KILL_ONLY:-.} ]] || continue
        [[ ,$backends, == *,$backend,* ]] || continue # the algorithm does not run there
        check_configuration "$backend" "$alg" "$flags" </dev/null
    done
done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
