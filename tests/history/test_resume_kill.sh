#!/usr/bin/env bash
# shellcheck disable=SC2086 # flag lists ($RUN_FLAGS, $opts) are split into words on purpose
# The SIGKILL resume test: for every algorithm (and PSO's sequential update, IPOP restarts) on
# every backend with a device that it runs on, a run that checkpoints every iteration is killed with SIGKILL at random moments
# KILLS times in a row, resumed with --resume each time, and its final x, fun and evaluation
# count must be the same text (%.17g) as those of an uninterrupted run with the same seed. The
# run's log must hold every iteration exactly once.
#
# usage: test_resume_kill.sh GPUOPT LOG_CHECK
#   GPUOPT_KILLS (default 20), GPUOPT_KILL_SEED (default: the time; printed), GPUOPT_BACKENDS
#   (default: every backend with a device), GPUOPT_KILL_ONLY (a regular expression: only
#   the configurations that match it)
set -u

GPUOPT=${1:?usage: test_resume_kill.sh GPUOPT LOG_CHECK}
LOG_CHECK=${2:?usage: test_resume_kill.sh GPUOPT LOG_CHECK}
KILLS=${GPUOPT_KILLS:-20}
SEED=${GPUOPT_KILL_SEED:-$(date +%s)}
RANDOM=$SEED
PROBLEM=rastrigin
DIM=12
ITERATIONS_CAP=20000 # budget of a configuration, lowered to keep a run near MAX_RUN_S
MAX_RUN_S=1.5
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

# One configuration per line: BACKENDS ALGORITHM [KEY=VALUE...] (BACKENDS: the algorithm's, comma
# separated), with every harmonized convergence
# tolerance set to 0 so that runs go on to their iteration budget; also PSO's sequential update
# and, for algorithms with restarts, IPOP restarts.
configurations() {
    "$GPUOPT" algorithms --json | python3 -c '
import json, sys
for a in json.load(sys.stdin):
    keys = [o["key"] for o in a["options"]]
    zero = " ".join(k + "=0" for k in keys if k.startswith("convergence."))
    head = ",".join(a["backends"]) + " " + a["name"]
    print(head, zero)
    for o in a["options"]:
        if o["key"] == "update" and "sequential" in o["allowed"]:
            print(head, zero, "update=sequential")
        if o["key"] == "restarts" and "ipop" in o["allowed"]:
            print(head, zero, "restarts=ipop")'
}

option_flags() { # KEY=VALUE... -> --option KEY=VALUE...
    local kv
    for kv in "$@"; do printf -- '--option %s ' "$kv"; done
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { print b - a }'; }

# One checkpointing, logging run of the configuration to its end: sets DURATION (seconds).
timed_run() {
    rm -f "$TMP"/calib.*
    local t0
    t0=$(now)
    "$GPUOPT" run $RUN_FLAGS --checkpoint "$TMP/calib.ckpt" --checkpoint-every 1 \
        --log "$TMP/calib.h5" --quiet --json >/dev/null 2>&1
    DURATION=$(elapsed "$t0")
}

# The iteration budget and the kill delays: a budget that makes the checkpointing run last about
# MAX_RUN_S (algorithms that converge sooner end sooner), measured from runs of 1 and 101
# iterations; the kill delays (random_delay) follow from the start-up time and the run's length.
calibrate() {
    local backend=$1 alg=$2
    shift 2
    OPTS=("$@")
    local one per_iter
    RUN_FLAGS="$(base_flags "$backend" "$alg") $(option_flags "${OPTS[@]}" stopping.max_iterations=1)"
    timed_run
    one=$DURATION
    STARTUP_MS=$(awk -v d="$DURATION" 'BEGIN { print int(d * 1000) }')
    RUN_FLAGS="$(base_flags "$backend" "$alg") $(option_flags "${OPTS[@]}" stopping.max_iterations=101)"
    timed_run
    # (start-up times vary: at least a fifth of the mean time of an iteration with start-up)
    per_iter=$(awk -v a="$one" -v b="$DURATION" \
        'BEGIN { p = (b - a) / 100; q = b / 505; p = p < q ? q : p; print (p < 1e-5 ? 1e-5 : p) }')
    ITERATIONS=$(awk -v p="$per_iter" -v cap="$ITERATIONS_CAP" -v m="$MAX_RUN_S" \
        'BEGIN { i = int(m / p); i = i > cap ? cap : i; print (i < 50 ? 50 : i) }')
    RUN_FLAGS="$(base_flags "$backend" "$alg") $(option_flags "${OPTS[@]}" stopping.max_iterations=$ITERATIONS)"
    timed_run
    # the mean progress between kills: 60 % of the run after its start-up, spread over the kills
    MEAN_MS=$(awk -v d="$DURATION" -v s="$STARTUP_MS" -v k="$KILLS" \
        'BEGIN { p = int((d * 1000 - s) * 0.6 / k); print (p < 1 ? 1 : p) }')
}

base_flags() { echo "--problem $PROBLEM --dim $DIM --algorithm $2 --backend $1 --seed 17"; }

# A quarter of the kills come during the start-up (while a resumed run loads its checkpoint and
# reopens its log), the others at 0.2 .. 1.8 times the mean progress after it (in iterations, or
# while a checkpoint or the log is written). In seconds.
random_delay() {
    local ms
    if [ $((RANDOM % 4)) -eq 0 ]; then
        ms=$((STARTUP_MS * (RANDOM % 101) / 100))
    else
        ms=$((STARTUP_MS + (MEAN_MS * (20 + RANDOM % 161)) / 100))
    fi
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# Starts the run (fresh, or --resume when a checkpoint exists) in the background; PID in $PID.
start_segment() {
    if [ -s "$TMP/run.ckpt" ]; then
        "$GPUOPT" run --resume "$TMP/run.ckpt" --quiet --json >"$TMP/out.json" 2>"$TMP/err" &
    else
            "$GPUOPT" run $RUN_FLAGS --checkpoint "$TMP/run.ckpt" --checkpoint-every 1 \
            --log "$TMP/run.h5" --overwrite --quiet --json >"$TMP/out.json" 2>"$TMP/err" &
    fi
    PID=$!
}

# Kills the run KILLS times in a row at random moments, resuming each time, then lets a last
# resume (saving rarely, which changes nothing in the result) finish. Sets KILLED; fails when
# the run ends by itself first.
kill_and_resume() {
    KILLED=0
    rm -f "$TMP"/run.*
    start_segment
    while [ "$KILLED" -lt "$KILLS" ]; do
        sleep "$(random_delay)"
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
    local backend=$1 alg=$2
    shift 2
    local what="$alg $* on $backend"
    calibrate "$backend" "$alg" "$@"
    "$GPUOPT" run $RUN_FLAGS --quiet --json >"$TMP/ref.json" 2>"$TMP/err" || {
        fail "$what: the uninterrupted run failed: $(head -c 300 "$TMP/err")"
        return
    }
    local ok=0 _
    for _ in 1 2 3 4; do
        if kill_and_resume; then
            ok=1
            break
        fi
        # the run was faster than measured: kill sooner
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

mapfile -t CONFIGS < <(configurations)
for backend in $BACKENDS; do
    for config in "${CONFIGS[@]}"; do
        [[ ${config#* } =~ ${GPUOPT_KILL_ONLY:-.} ]] || continue
        [[ ,${config%% *}, == *,$backend,* ]] || continue # the algorithm does not run there
        check_configuration "$backend" ${config#* } </dev/null
    done
done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
