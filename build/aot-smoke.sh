#!/usr/bin/env bash
# Publishes samples/Pico.Gateway.Management.AotSmoke as Native AOT (any trim or AOT warning fails the publish) and runs it:
# it starts a real gateway, waits for running, checks the health check, stops it, checks the file sink, and prints OK.
# Native AOT links with clang against zlib: on Debian, 'apt-get install -y clang zlib1g-dev' (done here when root and missing).
# Extra arguments are the gateway command for the smoke program (default: /bin/sh printing "gateway ready", then sleeping).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang >/dev/null || [ ! -e /usr/include/zlib.h ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Native AOT needs clang and zlib: run 'sudo apt-get install -y clang zlib1g-dev' first." >&2
    exit 1
  fi
  echo "Installing clang and zlib1g-dev for Native AOT..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
fi

rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
out=artifacts/aot-smoke
rm -rf "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet publish samples/Pico.Gateway.Management.AotSmoke/Pico.Gateway.Management.AotSmoke.csproj \
    -c Release -r "$rid" -o "$out" -nologo -warnaserror >"$log" 2>&1; then
  cat "$log" >&2
  echo "aot-smoke.sh: publish failed" >&2
  exit 1
fi
# -warnaserror already fails on a warning; this catches one a tool printed without failing (ILC's summary lines, say).
if grep -Ei '(warning|error) (IL[0-9]+|CS[0-9]+|NU[0-9]+)' "$log" >&2; then
  echo "aot-smoke.sh: the publish printed warnings" >&2
  exit 1
fi

output=$("$out/Pico.Gateway.Management.AotSmoke" "$@")
echo "$output"
[ "$(tail -n 1 <<<"$output")" = "OK" ] || { echo "aot-smoke.sh: the smoke program did not print OK" >&2; exit 1; }
echo "aot-smoke.sh: Native AOT publish ($rid) without warnings, gateway started and stopped"
