#!/usr/bin/env bash
# Runs the same child (bench/Pico.Gateway.Management.Benchmarks.Child) under Pico.Gateway.Management, a private supervisord
# and a private PM2, and prints the ours/theirs table (medians of REPS repetitions).
#
#   bash bench/peers/run.sh                 # 20 repetitions, 1,000,000 lines
#   REPS=5 LINES=100000 bash bench/peers/run.sh
#   PER_LINE_WRITES=1 LINES=200000 bash bench/peers/run.sh   # issue 11: the flood child makes one write(2) per line
#
# When clang is installed (apt-get install -y clang zlib1g-dev) the sample host is also published with Native AOT (the
# documented deployment) and measured as a second "ours".
#
# Installs what is missing: Debian's `supervisor` (apt-get; only the binaries are used, never the system service) and
# pm2@7.0.4 from npm into a private directory (~/.cache/pico-bench). Everything it starts is private (temp directories,
# 127.0.0.1 only, its own unix socket and PM2_HOME) and stopped at the end; every loop is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/../.."

REPS="${REPS:-20}"
LINES="${LINES:-1000000}"
PER_LINE_WRITES="${PER_LINE_WRITES:-0}"
PM2_VERSION="7.0.4"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/pico-bench"
PM2_DIR="$CACHE/pm2-$PM2_VERSION"
OUT="${OUT:-artifacts/bench/peers.md}"

if ! command -v supervisord >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "supervisord is missing: run 'sudo apt-get install -y supervisor' first." >&2
    exit 1
  fi
  echo "Installing Debian's supervisor (the binaries only; the system service is not used)..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq supervisor >/dev/null
  # A package install may start the system service: this benchmark never uses it, and must not compete with it.
  if command -v service >/dev/null 2>&1; then service supervisor stop >/dev/null 2>&1 || true; fi
fi

for tool in node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done

if [ ! -f "$PM2_DIR/node_modules/pm2/package.json" ]; then
  echo "Installing pm2@$PM2_VERSION into $PM2_DIR..." >&2
  mkdir -p "$PM2_DIR"
  npm install --prefix "$PM2_DIR" "pm2@$PM2_VERSION" --no-audit --no-fund --loglevel=error >&2
fi

mkdir -p "$(dirname "$OUT")"
dotnet build bench/Pico.Gateway.Management.Benchmarks -c Release -v quiet -nologo >&2
aot=()
if command -v clang >/dev/null 2>&1; then
  echo "Publishing the sample host with Native AOT (artifacts/bench/aot-host)..." >&2
  dotnet publish samples/Pico.Gateway.Management.SampleHost -c Release -r linux-x64 -p:PublishAot=true -p:InvariantGlobalization=true \
    --artifacts-path artifacts/bench/aot-build -o artifacts/bench/aot-host -v quiet -nologo >&2
  aot=(--aot-host "$(pwd)/artifacts/bench/aot-host/Pico.Gateway.Management.SampleHost")
fi
# Bounded: the run itself stops after 30 minutes whatever happens (each wait inside is bounded too).
timeout --kill-after=30s 30m dotnet bench/Pico.Gateway.Management.Benchmarks/bin/Release/net10.0/Pico.Gateway.Management.Benchmarks.dll \
  peers --reps "$REPS" --lines "$LINES" --per-line-writes "$PER_LINE_WRITES" "${aot[@]}" \
  --supervisord "$(command -v supervisord)" \
  --pm2 "$PM2_DIR/node_modules/pm2" \
  --out "$OUT"
echo "written to $OUT" >&2
