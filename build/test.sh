#!/usr/bin/env bash
# Runs the whole test suite. The dashboard's browser test drives Debian's Chromium (never a downloaded browser),
# so it is installed first when missing. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The browser test needs /usr/bin/chromium: run 'sudo apt-get install -y chromium' first." >&2
    exit 1
  fi
  echo "Installing Debian's chromium for the browser test..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

dotnet test Pico.Gateway.Management.sln "$@"
