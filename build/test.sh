#!/usr/bin/env bash
# Runs the whole test suite. The dashboard's browser tests drive Debian's Chromium (never a downloaded browser), so it is
# installed first when missing. When it cannot be (not root, or the install fails), only the browser tests are skipped,
# with the reason, and everything else still runs. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  reason=""
  if [ "$(id -u)" -ne 0 ]; then
    reason="$chromium is missing and installing it needs root: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH) to run them"
  else
    echo "Installing Debian's chromium for the browser tests..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      reason="'apt-get install -y chromium' failed, so there is no $chromium to drive"
    fi
  fi
  if [ -n "$reason" ]; then
    echo "test.sh: SKIPPING the browser tests (tests/Pico.Gateway.Management.Dashboard.Tests): $reason." >&2
    export PICO_SKIP_BROWSER_TESTS="$reason"
  fi
fi

# The reverse-proxy test puts Debian's nginx in front of the sample host; without it the test uses a small proxy of its own.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian's nginx for the reverse-proxy test..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } \
    || echo "test.sh: nginx could not be installed; the reverse-proxy test uses its own proxy." >&2
fi

# Quarantined tests (TestCategory.Quarantined: each found a bug not fixed yet) are left out unless PICO_RUN_QUARANTINED=1 or
# the caller passes a filter of its own.
filter=()
if [ "${PICO_RUN_QUARANTINED:-0}" != "1" ] && [[ " $* " != *" --filter "* ]]; then
  echo "test.sh: leaving out the quarantined tests (Category=Quarantined); PICO_RUN_QUARANTINED=1 runs them." >&2
  filter=(--filter "Category!=Quarantined")
fi

dotnet test Pico.Gateway.Management.sln "${filter[@]}" "$@"
