#!/usr/bin/env bash
# Command 2: the whole test suite, from a fresh clone. Installs the system packages, then
#   1. preset ci   (warnings as errors, build-ci/): build, ctest
#   2. preset asan (ASan + UBSan, build-asan/):     build, ctest without the labels valgrind, soak, bench
#   3. install:    cmake --install build-ci into a temporary prefix, then build and run
#                  examples/consumer against it (find_package and pkg-config)
# Every stage runs even when an earlier one failed (unless it depends on it); the exit status
# is non-zero when any stage failed.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GPUOPT_ROOT" || exit 1

start_all=$SECONDS
results=()
failed=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# stage NAME COMMAND...: runs and records one stage; its status is the command's.
stage() {
  local name=$1 t0=$SECONDS rc
  shift
  gpuopt_log "$name"
  "$@"
  rc=$?
  if [ $rc -eq 0 ]; then
    results+=("ok      $(printf '%4ds' $((SECONDS - t0)))  $name")
  else
    results+=("FAILED  $(printf '%4ds' $((SECONDS - t0)))  $name (exit status $rc)")
    failed=1
  fi
  return $rc
}

# run_ctest PRESET: ctest with the preset; its summary line goes into the final report.
run_ctest() {
  local log=$logdir/ctest-$1.log rc
  ctest --preset "$1" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  summary_lines+=("$1: $(grep -E 'tests passed|No tests were found' "$log" | tail -n 1)")
  local skipped
  skipped=$(sed -n '/The following tests did not run:/,/^$/p' "$log" | grep -c 'Skipped' || true)
  [ "$skipped" -gt 0 ] && summary_lines+=("$1: $skipped test(s) skipped (see the list above)")
  return "$rc"
}

install_test() {
  local prefix=$logdir/prefix build=$logdir/consumer
  cmake --install build-ci --prefix "$prefix" >"$logdir/install.log" || { cat "$logdir/install.log"; return 1; }
  echo "installed $(wc -l <build-ci/install_manifest.txt) files into a temporary prefix"
  local pcdir
  pcdir=$(dirname "$(find "$prefix" -name gpuopt.pc | head -n 1)")
  PKG_CONFIG_PATH=$pcdir cmake -S examples/consumer -B "$build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_FLAGS="-Wall -Wextra -Werror" &&
    cmake --build "$build" &&
    "$build/consumer_cmake" &&
    "$build/consumer_pkgconfig" &&
    echo "pkg-config gpuopt $(PKG_CONFIG_PATH=$pcdir pkg-config --modversion gpuopt):" \
      "$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs gpuopt)" &&
    { [ ! -x "$prefix/bin/gpuopt" ] || "$prefix/bin/gpuopt" algorithms >/dev/null; } &&
    { [ ! -x "$prefix/bin/gpuopt" ] || [ -f "$prefix/share/gpuopt/nist/Misra1a.dat" ] ||
      { echo "the NIST data sets are not installed"; false; }; } &&
    { [ ! -x "$prefix/bin/gpuopt" ] || "$prefix/bin/gpuopt" fit --nist Misra1a --json >/dev/null; } &&
    echo "install test passed"
}

summary_lines=()
stage "system packages" gpuopt_install_deps
stage "cmake version" gpuopt_check_cmake || exit 1

stage "ci: configure" cmake --preset ci &&
  stage "ci: build ($GPUOPT_JOBS jobs)" cmake --build --preset ci &&
  { stage "ci: ctest" run_ctest ci
    stage "install: find_package and pkg-config consumers" install_test; }

stage "asan: configure" cmake --preset asan &&
  stage "asan: build ($GPUOPT_JOBS jobs)" cmake --build --preset asan &&
  stage "asan: ctest (ASan + UBSan, no valgrind)" run_ctest asan

echo
echo "==================== gpuopt test summary ===================="
printf '%s\n' "${results[@]}"
[ ${#summary_lines[@]} -gt 0 ] && printf 'ctest %s\n' "${summary_lines[@]}"
echo "total: $((SECONDS - start_all)) s"
if [ $failed -ne 0 ]; then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: all stages passed"
