#!/usr/bin/env bash
# shellcheck disable=SC2086 # the flag list $flags is split into words on purpose
# A log of every algorithm, read with h5py (read_log_h5py.py). Skipped (exit 77) when no python3
# with h5py is found (Debian: python3-h5py; PyPI: h5py).
# usage: test_history_h5py.sh GPUOPT READ_LOG_H5PY_PY
set -u
GPUOPT=${1:?usage: test_history_h5py.sh GPUOPT READ_LOG_H5PY_PY}
SCRIPT=${2:?usage: test_history_h5py.sh GPUOPT READ_LOG_H5PY_PY}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PYTHON=
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import h5py, numpy' 2>/dev/null; then
        PYTHON=$candidate
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "no python3 with h5py found (install python3-h5py or 'pip install h5py'): skipped"
    exit 77
fi

FAILED=0
# every algorithm on the problem and options algorithm_case.py picks for it
if ! "$PYTHON" "$(dirname "$0")/algorithm_case.py" "$GPUOPT" >"$TMP/cases" 2>"$TMP/err"; then
    echo "FAIL: algorithm_case.py: $(cat "$TMP/err")"
    FAILED=$((FAILED + 1))
fi
while read -r kind alg _ flags; do
    if [ "$kind" != case ]; then
        echo "SKIPPED for $alg: the log read with h5py ($flags)"
        continue
    fi
    if ! "$GPUOPT" run $flags --algorithm "$alg" --seed 3 --option stopping.max_iterations=40 \
        --log "$TMP/$alg.h5" --log-evaluations --json >"$TMP/$alg.json" 2>"$TMP/err" </dev/null; then
        echo "FAIL: $alg: $(cat "$TMP/err")"
        FAILED=$((FAILED + 1))
        continue
    fi
    "$PYTHON" "$SCRIPT" "$TMP/$alg.h5" "$TMP/$alg.json" </dev/null || FAILED=$((FAILED + 1))
done <"$TMP/cases"
echo "$FAILED failed"
[ "$FAILED" -eq 0 ]
