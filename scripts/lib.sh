# shellcheck shell=bash disable=SC2034
# Shared by scripts/setup.sh and scripts/test.sh (sourced, not run).
# Sets GPUOPT_ROOT (the repository) and GPUOPT_JOBS (parallel build/test jobs, default: all
# cores; override with GPUOPT_JOBS=N), and defines gpuopt_install_deps.

GPUOPT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GPUOPT_JOBS=${GPUOPT_JOBS:-$(nproc 2>/dev/null || echo 2)}
export CMAKE_BUILD_PARALLEL_LEVEL=$GPUOPT_JOBS
export CTEST_PARALLEL_LEVEL=$GPUOPT_JOBS

# The Debian 12 packages gpuopt builds and tests with. OpenCL runs on the CPU through PoCL.
GPUOPT_APT_PACKAGES=(
  build-essential cmake pkg-config python3
  libgsl-dev liblbfgsb-dev libopenblas-dev liblapacke-dev libhdf5-dev libcairo2-dev python3-h5py
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libclblast-dev clinfo
  valgrind
)

gpuopt_log() {
  printf '\n==> %s\n' "$*"
}

# The packages of the list that are not installed.
gpuopt_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# Installs the missing packages with apt-get (as root, or through sudo). Does nothing when all
# are present, so it is safe to run again.
gpuopt_install_deps() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "gpuopt: no apt-get here; install the equivalents of these yourself:" >&2
    echo "  ${GPUOPT_APT_PACKAGES[*]}" >&2
    return 0
  fi
  local missing=()
  mapfile -t missing < <(gpuopt_missing_packages "${GPUOPT_APT_PACKAGES[@]}")
  if [ ${#missing[@]} -eq 0 ]; then
    gpuopt_log "system packages: all ${#GPUOPT_APT_PACKAGES[@]} installed"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "gpuopt: these packages are missing and sudo is not available: ${missing[*]}" >&2
      echo "gpuopt: run this script as root, or install them first." >&2
      return 1
    }
    sudo=(sudo)
  fi
  gpuopt_log "installing system packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install \
      -y -qq --no-install-recommends "${missing[@]}"
}

# Fails when cmake is older than the 3.25 that CMakePresets.json (version 6) needs.
gpuopt_check_cmake() {
  local v
  v=$(cmake --version | sed -n 's/^cmake version \([0-9]*\.[0-9]*\).*/\1/p')
  if ! printf '3.25\n%s\n' "$v" | sort -V -C; then
    echo "gpuopt: CMake >= 3.25 is needed, found ${v:-none} ($(command -v cmake))" >&2
    return 1
  fi
}
