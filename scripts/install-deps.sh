#!/usr/bin/env bash
# Installs the Debian packages Almagest needs when they are missing: OpenBLAS (CBLAS), LAPACKE,
# zlib, libpng and libjpeg-turbo (image decoding), SQLite (for the run index, through GRDB) and
# pkg-config; with --browser also Chromium for
# the dashboard's browser tests (a failed Chromium install is reported, not fatal: the browser
# tests then say so loudly, and fail when CI is set); with --slurm also Slurm and munge
# (slurmctld slurmd slurm-client munge) for the sweep tests, which start a one-node cluster with
# scripts/slurm-local.sh (a failed install is reported, not fatal, like Chromium's).
# Uses sudo when not root. Prints nothing when everything is already there.
set -euo pipefail

want=()
command -v pkg-config >/dev/null 2>&1 || want+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists openblas || want+=(libopenblas-dev)
  pkg-config --exists lapacke || want+=(liblapacke-dev)
  pkg-config --exists zlib || want+=(zlib1g-dev)
  pkg-config --exists sqlite3 || want+=(libsqlite3-dev)
  pkg-config --exists libpng || want+=(libpng-dev)
  pkg-config --exists libjpeg || want+=(libjpeg62-turbo-dev)
else
  want+=(libopenblas-dev liblapacke-dev zlib1g-dev libsqlite3-dev libpng-dev libjpeg62-turbo-dev)
fi
browser=()
slurm=()
for flag in "$@"; do
  case "$flag" in
    --browser)
      command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || browser+=(chromium) ;;
    --slurm)
      command -v slurmctld >/dev/null 2>&1 || slurm+=(slurmctld)
      command -v slurmd >/dev/null 2>&1 || slurm+=(slurmd)
      command -v sbatch >/dev/null 2>&1 || slurm+=(slurm-client)
      command -v munged >/dev/null 2>&1 || slurm+=(munge) ;;
  esac
done
[ ${#want[@]} -eq 0 ] && [ ${#browser[@]} -eq 0 ] && [ ${#slurm[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    if [ ${#want[@]} -gt 0 ]; then
      echo "Almagest needs these Debian packages: ${want[*]} — run as root or install them (apt-get install ${want[*]})." >&2
      exit 1
    fi
    [ ${#browser[@]} -gt 0 ] && echo "NO BROWSER: cannot install chromium without root or sudo; the dashboard's browser tests will say so." >&2
    [ ${#slurm[@]} -gt 0 ] && echo "NO SLURM: cannot install ${slurm[*]} without root or sudo; the Slurm sweep tests will say so." >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#want[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${want[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
if [ ${#browser[@]} -gt 0 ]; then
  echo "Installing Chromium for the dashboard's browser tests (about 40 s)"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
    echo "NO BROWSER: installing chromium failed; the dashboard's browser tests will say so (and fail when CI is set)." >&2
  fi
fi
if [ ${#slurm[@]} -gt 0 ]; then
  echo "Installing Slurm and munge for the sweep tests: ${slurm[*]}"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${slurm[@]}" >/dev/null; }; then
    echo "NO SLURM: installing ${slurm[*]} failed; the Slurm sweep tests will say so (and fail when CI is set)." >&2
  fi
fi
