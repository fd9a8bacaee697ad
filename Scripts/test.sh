#!/usr/bin/env bash
# The test suite as CI runs it: starts a one-node Slurm cluster on this machine for the Slurm
# executor's tests (Scripts/slurm/local-cluster.sh; needs root the first time, to install
# Slurm), installs Debian's chromium for the report's rendering test (as root, when missing),
# starts a local S3-compatible store for the object-storage tests (Scripts/s3/local-store.sh:
# SeaweedFS on 127.0.0.1), runs `swift test` with any arguments given and then the fuzz smoke
# run (Scripts/fuzz.sh), and stops the cluster and the store again if it started them. Without
# a cluster, a store or a browser (not root) those tests are skipped and say so.
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
if ! command -v chromium >/dev/null && [[ $(id -u) -eq 0 ]]; then
  echo "test: installing chromium for the report test" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 chromium >/dev/null \
    || echo "test: chromium did not install; the report's rendering test will be skipped" >&2
fi
command -v chromium >/dev/null && export WINNOW_BROWSER_TESTS=1
store_started=""
Scripts/s3/local-store.sh status || store_started=1
if setting="$(Scripts/s3/local-store.sh up)"; then
  eval "$setting"
else
  store_started=""
  echo "test: no local S3 store; the object-storage tests will be skipped" >&2
fi

stop() {
  [[ -n "$started" ]] && Scripts/slurm/local-cluster.sh down || true
  [[ -n "$store_started" ]] && Scripts/s3/local-store.sh down || true
}
trap stop EXIT
swift test "$@"
# The fuzz smoke run: every reader of outside bytes under libFuzzer for 5 s (docs/fuzzing.md).
# Its instrumented release build is separate (.build-fuzz); WINNOW_SKIP_FUZZ=1 leaves it out.
[[ -n "${WINNOW_SKIP_FUZZ:-}" ]] || Scripts/fuzz.sh --seconds 5
