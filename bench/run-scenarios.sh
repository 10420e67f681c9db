#!/usr/bin/env bash
# Runs the end-to-end scenario table (8 scenarios against their targets). Extra arguments go to the runner, e.g.
#   bash bench/run-scenarios.sh --reps 5 --only 1,2,3
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-artifacts/bench/scenarios.md}"
mkdir -p "$(dirname "$OUT")"
dotnet build bench/Pico.Gateway.Management.Benchmarks -c Release -v quiet -nologo >&2
timeout --kill-after=30s 30m dotnet bench/Pico.Gateway.Management.Benchmarks/bin/Release/net10.0/Pico.Gateway.Management.Benchmarks.dll \
  scenarios --out "$OUT" "$@"
echo "written to $OUT" >&2
