#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the sweep tests (and for trying a sweep).
#   scripts/slurm-local.sh start [DIR]   generates DIR/slurm.conf (one node with this machine's
#                                         cores; proctrack/linuxproc, task/none; state, spool and
#                                         logs under DIR), a munge key, starts munged, slurmctld
#                                         and slurmd, and waits until the node is idle. Prints
#                                         `export SLURM_CONF=DIR/slurm.conf` on its last line:
#                                         sbatch, squeue, sacct and scancel need it.
#   scripts/slurm-local.sh stop [DIR]    stops the three daemons (by their pid files) and
#                                         removes DIR.
# DIR defaults to $ALMAGEST_SLURM_DIR or /tmp/almagest-slurm. A failed start stops whatever it
# started. Needs the Debian packages slurmctld slurmd slurm-client munge (scripts/install-deps.sh
# --slurm) and root (slurmd runs jobs as their user).
set -euo pipefail

action="${1:-}"
dir="${2:-${ALMAGEST_SLURM_DIR:-/tmp/almagest-slurm}}"

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid="$(cat "$dir/$name.pid" 2>/dev/null || true)"
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
    fi
  done
}

case "$action" in
  stop)
    stop
    rm -rf "$dir"
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac

for program in munged slurmctld slurmd sinfo; do
  command -v "$program" >/dev/null 2>&1 || { echo "NO SLURM: $program is missing (bash scripts/install-deps.sh --slurm)" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
  echo "NO SLURM: slurmd must run as root to start jobs; run the tests as root" >&2
  exit 1
fi

stop  # a previous cluster in the same folder
rm -rf "$dir"
mkdir -p "$dir"/{state,spool,log,munge}
trap 'status=$?; if [ $status -ne 0 ]; then echo "slurm-local: start failed; logs:" >&2; tail -n 20 "$dir"/log/* >&2 2>/dev/null || true; stop; fi' EXIT

user="$(id -un)"
host="$(hostname -s)"
cpus="$(nproc)"
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
port=$(( 20000 + ($$ % 5000) * 2 ))

# munge: a fresh key, a socket in the folder.
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chmod 0700 "$dir/munge"
chmod 0400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" \
  </dev/null >>"$dir/log/munged.out" 2>&1

cat > "$dir/slurm.conf" <<EOF
ClusterName=almagest-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=2
MinJobAge=300
InactiveLimit=0
SlurmdTimeout=30
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

# The daemons' own output goes to files: a caller reading this script's output to its end must
# not wait for them.
slurmctld -i </dev/null >>"$dir/log/slurmctld.out" 2>&1
slurmd </dev/null >>"$dir/log/slurmd.out" 2>&1
for _ in $(seq 150); do
  state="$(sinfo -h -o %t 2>/dev/null || true)"
  [ "$state" = "idle" ] && break
  sleep 0.2
done
if [ "$state" != "idle" ]; then
  echo "slurm-local: the node is '${state:-unknown}', not idle, after 30 s" >&2
  exit 1
fi
trap - EXIT
echo "export SLURM_CONF=$dir/slurm.conf"
