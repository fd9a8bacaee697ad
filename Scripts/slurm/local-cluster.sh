#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests of Winnow's Slurm executor and for trying it.
#
#   Scripts/slurm/local-cluster.sh up      # install (as root, once) and start munged, slurmctld, slurmd
#   Scripts/slurm/local-cluster.sh down    # stop them, by process id
#   Scripts/slurm/local-cluster.sh env     # the line to source: export SLURM_CONF=…
#   Scripts/slurm/local-cluster.sh status  # exit 0 when its daemons are running
#
# No systemd: the daemons are started by hand with a configuration in $WINNOW_SLURM_DIR
# (default /tmp/winnow-slurm), one node named after this host with its cores and memory and one
# partition, `debug`. Clients find it through SLURM_CONF, which `up` prints and `env` repeats.
# Debian's slurm-wlm packages (slurmctld, slurmd, slurm-client) and munge are installed when
# missing. Safe to run again: `up` on a running cluster only checks it answers.
set -euo pipefail

dir="${WINNOW_SLURM_DIR:-/tmp/winnow-slurm}"
conf="$dir/slurm.conf"

install() {
  local missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "local-cluster: missing Debian packages: ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "local-cluster: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  install
  mkdir -p "$dir/state" "$dir/spool"
  local host cpus memory
  host="$(hostname -s)"
  cpus="$(nproc)"
  # Slurm's RealMemory in MB, leaving a tenth for the system.
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  cat >"$conf" <<CONF
ClusterName=winnow-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=5
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$conf"
  if ! running /run/munge/munged.pid; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged
  fi
  running "$dir/slurmctld.pid" || /usr/sbin/slurmctld -f "$conf"
  running "$dir/slurmd.pid" || /usr/sbin/slurmd -f "$conf"
  # The node registers within a second or two.
  for _ in $(seq 1 50); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "local-cluster: up ($host, $cpus CPUs, ${memory} MB); export SLURM_CONF=$conf" >&2
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.2
  done
  echo "local-cluster: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
  exit 1
}

down() {
  local pids=()
  for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" /run/munge/munged.pid; do
    running "$f" && pids+=("$(cat "$f")")
  done
  ((${#pids[@]})) || { echo "local-cluster: not running" >&2; return 0; }
  kill "${pids[@]}" 2>/dev/null || true
  # The daemons take a second or two to exit.
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || { echo "local-cluster: down" >&2; return 0; }
    sleep 0.2
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  echo "local-cluster: down (killed)" >&2
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) echo "export SLURM_CONF=$conf" ;;
  status) running "$dir/slurmctld.pid" && running "$dir/slurmd.pid" ;;
  *) echo "usage: $0 up|down|env|status" >&2; exit 2 ;;
esac
