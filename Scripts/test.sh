#!/usr/bin/env bash
# The test suite as CI runs it: starts a one-node Slurm cluster on this machine for the Slurm
# executor's tests (Scripts/slurm/local-cluster.sh; needs root the first time, to install
# Slurm), runs `swift test` with any arguments given, and stops the cluster again if it started
# it. Without a cluster (not root, no Slurm) the Slurm tests are skipped and say so.
set -euo pipefail
cd "$(dirname "$0")/.."

started=""
was_running=""
Scripts/slurm/local-cluster.sh status && was_running=1
if setting="$(Scripts/slurm/local-cluster.sh up)"; then
  eval "$setting"
  export WINNOW_SLURM_TESTS=1
  [[ -n "$was_running" ]] || started=1
else
  echo "test: no local Slurm cluster; the Slurm executor's tests will be skipped" >&2
fi
stop() { [[ -n "$started" ]] && Scripts/slurm/local-cluster.sh down || true; }
trap stop EXIT
swift test "$@"
