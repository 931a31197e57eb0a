#!/usr/bin/env bash
# Installs the Debian packages Almagest needs when they are missing: OpenBLAS (CBLAS), LAPACKE,
# zlib and pkg-config; with --browser also Chromium for the dashboard's browser tests.
# Uses sudo when not root. Prints nothing when everything is already there.
set -euo pipefail

want=()
command -v pkg-config >/dev/null 2>&1 || want+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists openblas || want+=(libopenblas-dev)
  pkg-config --exists lapacke || want+=(liblapacke-dev)
  pkg-config --exists zlib || want+=(zlib1g-dev)
else
  want+=(libopenblas-dev liblapacke-dev zlib1g-dev)
fi
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || want+=(chromium)
fi
[ ${#want[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Almagest needs these Debian packages: ${want[*]} — run as root or install them (apt-get install ${want[*]})." >&2
    exit 1
  fi
fi
echo "Installing Debian packages: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
