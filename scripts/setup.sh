#!/usr/bin/env bash
# Command 1: installs the system packages (apt-get, only what is missing), configures and builds
# gpuopt with the `default` preset (in build/), and runs the demo: differential evolution on a
# built-in problem. Arguments go to the demo: [problem] [dim] [threads].
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GPUOPT_ROOT" || exit 1

gpuopt_install_deps
gpuopt_check_cmake
gpuopt_log "configure (preset default, build/)"
cmake --preset default
gpuopt_log "build ($GPUOPT_JOBS jobs)"
cmake --build --preset default
gpuopt_log "demo: build/examples/gpuopt_demo $*"
build/examples/gpuopt_demo "$@"

cat <<'NEXT'

Built. Next:
  build/cli/gpuopt algorithms         the algorithms and their options
  build/cli/gpuopt run ...            run one from the command line (see README.md)
  bash scripts/test.sh                the whole test suite
NEXT
