#!/usr/bin/env bash
# shellcheck disable=SC2086 # the flag list $RUN is split into words on purpose
# Write failures: a full disk (a small tmpfs) and a read-only directory. The run stops with one
# clear error line naming the file and the reason, prints no result, leaves no temporary files,
# and the last good checkpoint stays valid: resuming it elsewhere gives the uninterrupted result.
# Needs permission to mount a tmpfs (root); exits 77 (skipped) otherwise, saying so.
# usage: test_history_faults.sh GPUOPT
set -u

GPUOPT=${1:?usage: test_history_faults.sh GPUOPT}
PASSED=0
FAILED=0
TMP=$(mktemp -d)
SMALL="$TMP/small"
READONLY="$TMP/readonly"
mkdir -p "$SMALL" "$READONLY"
cleanup() {
    umount "$SMALL" 2>/dev/null
    umount "$READONLY" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

if ! mount -t tmpfs -o size=256k tmpfs "$SMALL" 2>/dev/null ||
    ! mount -t tmpfs -o ro,size=1m tmpfs "$READONLY" 2>/dev/null; then
    echo "cannot mount a tmpfs here (needs root): the full-disk and read-only tests are skipped"
    exit 77
fi

pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL: $*"
}

run() {
    "$GPUOPT" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
}

stderr_text() { tr '\n' '|' <"$TMP/err" | head -c 400; }

# exit 1, one line "gpuopt: ..." matching $2, nothing on stdout
expect_io_error() {
    local desc=$1 pattern=$2
    if [ "$RC" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qE -- "$pattern" "$TMP/err" &&
        [ ! -s "$TMP/out" ]; then
        pass
    else
        fail "$desc: exit $RC, stdout $(wc -c <"$TMP/out") bytes, stderr: $(stderr_text) (want /$pattern/)"
    fi
}

json_field() { sed -n "s/^  \"$2\": \(.*\),\$/\1/p" "$1" | head -n 1; }

no_temporary_files() {
    if ls "$1"/*.tmp-* >/dev/null 2>&1; then fail "$2: temporary files left: $(ls "$1")"; else pass; fi
}

RUN="--problem rastrigin --dim 8 --algorithm de --seed 5 --option stopping.max_iterations=400
     --option convergence.criterion_tolerance=0 --option convergence.relative_params_tolerance=0"

# ------------------------------------------------------------- full disk
run run $RUN --json
cp "$TMP/out" "$TMP/ref.json"
run run $RUN --json --checkpoint "$SMALL/run.ckpt" --checkpoint-every 1 \
    --log "$SMALL/run.h5" --log-evaluations
expect_io_error "full disk" "No space left on device.*disk is full"
if grep -qE "$SMALL/run\.(ckpt|h5)" "$TMP/err"; then pass; else fail "full disk: no file named: $(stderr_text)"; fi
no_temporary_files "$SMALL" "full disk"
# the last good checkpoint resumes elsewhere to the uninterrupted result
run run --resume "$SMALL/run.ckpt" --checkpoint "$TMP/resumed.ckpt" --log "$TMP/resumed.h5" \
    --json
if [ "$RC" -eq 0 ]; then pass; else fail "resume after a full disk: exit $RC: $(stderr_text)"; fi
for key in x fun n_evaluations; do
    if [ "$(json_field "$TMP/ref.json" $key)" = "$(json_field "$TMP/out" $key)" ]; then
        pass
    else
        fail "resume after a full disk: $key differs"
    fi
done

# the disk fills at other moments of a run: always a clean stop with one error line
for kb in 96 160 224 288 352; do
    umount "$SMALL" && mount -t tmpfs -o size=${kb}k tmpfs "$SMALL"
        run run $RUN --checkpoint "$SMALL/run.ckpt" --checkpoint-every 1 --log "$SMALL/run.h5" \
        --log-evaluations
    expect_io_error "disk full at ${kb} KiB" "No space left on device.*disk is full"
    no_temporary_files "$SMALL" "disk full at ${kb} KiB"
done
umount "$SMALL" && mount -t tmpfs -o size=256k tmpfs "$SMALL"

# a checkpoint alone on a disk too small for even one save
rm -f "$SMALL"/*
head -c 250000 /dev/zero >"$SMALL/filler" 2>/dev/null
run run $RUN --checkpoint "$SMALL/first.ckpt"
expect_io_error "no room for the first checkpoint" "cannot write checkpoint .*first.ckpt.*disk is full"
no_temporary_files "$SMALL" "no room for the first checkpoint"
if [ ! -e "$SMALL/first.ckpt" ]; then pass; else fail "a failed first save left a checkpoint"; fi

# ------------------------------------------------------ read-only directory
run run $RUN --checkpoint "$READONLY/run.ckpt"
expect_io_error "checkpoint in a read-only directory" \
    "cannot write checkpoint '$READONLY/run.ckpt'.*(Read-only file system|Permission denied).*not writable"
run run $RUN --log "$READONLY/run.h5"
expect_io_error "log in a read-only directory" \
    "cannot write log '$READONLY/run.h5'.*(Read-only file system|Permission denied).*not writable"
run log plot "$TMP/resumed.h5" -o "$READONLY/plot.png"
expect_io_error "plot into a read-only directory" "cannot write plot"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
