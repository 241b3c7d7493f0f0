#!/usr/bin/env bash
# The OpenCL done-criteria through the CLI: `gpuopt backends --json` lists the OpenCL device;
# `gpuopt run ... --backend opencl --seed 3 --json` gives the same x text as --backend cpu (DE and
# PSO, sphere and rosenbrock); cmaes reaches fun < 1e-8 on ellipsoid 10; without any OpenCL
# platform, --backend opencl is a one-line error with exit code 2 and `auto` uses the CPU.
# usage: test_opencl_cli.sh PATH_TO_GPUOPT   (exit 77 = skipped: no OpenCL device)
set -u

GPUOPT=${1:?usage: test_opencl_cli.sh PATH_TO_GPUOPT}
# shellcheck source=tests/shell_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../shell_checks.sh"

# The opencl entry of `gpuopt backends --json`: "<compiled_in> <n_devices> <first device name>".
"$GPUOPT" backends --json >"$TMP/backends.json" 2>"$TMP/err" || fail "gpuopt backends --json: exit $?"
OPENCL=$(python3 -c '
import json, sys
for b in json.load(open(sys.argv[1])):
    if b["name"] == "opencl":
        names = [d["name"] for d in b["devices"]]
        print(int(b["compiled_in"]), b["n_devices"], names[0] if names else "-")
' "$TMP/backends.json")
read -r COMPILED N_DEVICES FIRST <<<"$OPENCL"
if [ "${COMPILED:-0}" != 1 ] || [ "${N_DEVICES:-0}" -lt 1 ]; then
    echo "skipped: no OpenCL device listed by gpuopt backends (compiled in: ${COMPILED:-?})"
    exit 77
fi
if [ -n "$FIRST" ] && [ "$FIRST" != "-" ]; then pass; else fail "backends --json: no device name"; fi

# x as printed in the JSON (the text, compared as text).
x_text() { python3 -c 'import re, sys; print(re.search(r"\"x\": \[[^]]*\]", sys.stdin.read()).group(0))'; }

for problem in sphere rosenbrock; do
    for algorithm in de pso pygmo_pso; do
        args=(run --problem "$problem" --dim 10 --algorithm "$algorithm" --seed 3 --json)
        if "$GPUOPT" "${args[@]}" --backend cpu >"$TMP/cpu.json" 2>"$TMP/err" &&
            "$GPUOPT" "${args[@]}" --backend opencl >"$TMP/ocl.json" 2>>"$TMP/err"; then
            cpu_x=$(x_text <"$TMP/cpu.json")
            ocl_x=$(x_text <"$TMP/ocl.json")
            if [ "$cpu_x" == "$ocl_x" ] && grep -q '"backend": "opencl"' "$TMP/ocl.json"; then
                pass
            else
                fail "$problem $algorithm: cpu $cpu_x vs opencl $ocl_x"
            fi
        else
            fail "$problem $algorithm: exit status; stderr: $(head -c 300 "$TMP/err")"
        fi
    done
done

# issue 5's L-BFGS-B command on OpenCL: fun < 1e-10, and the same x text as on the CPU.
args=(run --problem rosenbrock --dim 10 --algorithm lbfgsb --json)
if "$GPUOPT" "${args[@]}" --backend cpu >"$TMP/cpu.json" 2>"$TMP/err" &&
    "$GPUOPT" "${args[@]}" --backend opencl >"$TMP/ocl.json" 2>>"$TMP/err"; then
    if python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["fun"] < 1e-10' \
        "$TMP/ocl.json" && [ "$(x_text <"$TMP/cpu.json")" == "$(x_text <"$TMP/ocl.json")" ]; then
        pass
    else
        fail "lbfgsb rosenbrock 10 on opencl: $(head -c 300 "$TMP/ocl.json")"
    fi
else
    fail "lbfgsb rosenbrock 10: exit status; stderr: $(head -c 300 "$TMP/err")"
fi

# issue 4's CMA-ES command on OpenCL (the cmaes_* ops on the device): fun < 1e-8. The run is not
# compared with the CPU's bit for bit: the device's exp/log/sin/cos round differently.
args=(run --problem ellipsoid --dim 10 --algorithm cmaes --seed 1 --json)
if "$GPUOPT" "${args[@]}" --backend opencl >"$TMP/ocl.json" 2>"$TMP/err"; then
    if python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["fun"] < 1e-8' \
        "$TMP/ocl.json" && grep -q '"backend": "opencl"' "$TMP/ocl.json"; then
        pass
    else
        fail "cmaes ellipsoid 10 on opencl: $(head -c 300 "$TMP/ocl.json")"
    fi
else
    fail "cmaes ellipsoid 10: exit status; stderr: $(head -c 300 "$TMP/err")"
fi

# No OpenCL platform at all: a clear one-line error, exit 2; auto falls back to the CPU.
export OCL_ICD_VENDORS=/nonexistent/gpuopt-no-icd OCL_ICD_FILENAMES=
"$GPUOPT" run --problem sphere --dim 10 --algorithm de --backend opencl >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -q "backend 'opencl' has no usable device: no OpenCL platform found" "$TMP/err"; then
    pass
else
    fail "--backend opencl without a platform: exit $rc, stderr: $(head -c 300 "$TMP/err")"
fi
if "$GPUOPT" run --problem sphere --dim 10 --algorithm de --backend auto --json >"$TMP/out" 2>"$TMP/err" &&
    grep -q '"backend": "cpu"' "$TMP/out"; then
    pass
else
    fail "--backend auto without a platform did not fall back to cpu"
fi
"$GPUOPT" backends --json >"$TMP/out" 2>"$TMP/err"
if python3 -c '
import json, sys
b = [b for b in json.load(open(sys.argv[1])) if b["name"] == "opencl"][0]
sys.exit(0 if b["n_devices"] == 0 and "no OpenCL platform" in b["note"] else 1)
' "$TMP/out"; then pass; else fail "backends --json without a platform: $(head -c 300 "$TMP/out")"; fi
unset OCL_ICD_VENDORS OCL_ICD_FILENAMES

finish
