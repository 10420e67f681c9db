#!/usr/bin/env bash
# Runs the end-to-end scenario table (8 scenarios against their targets). Extra arguments go to the runner, e.g.
#   bash bench/run-scenarios.sh --reps 5 --only 1,2,3
# When clang is installed (apt-get install -y clang zlib1g-dev) the sample host is also published with Native AOT and
# invariant globalization, and its memory is measured too (scenario 8); AOT=0 skips that.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-artifacts/bench/scenarios.md}"
mkdir -p "$(dirname "$OUT")"
dotnet build bench/Pico.Gateway.Management.Benchmarks -c Release -v quiet -nologo >&2

aot=()
if [ "${AOT:-1}" != "0" ] && command -v clang >/dev/null 2>&1; then
  echo "Publishing the sample host with Native AOT (artifacts/bench/aot-host)..." >&2
  # Its own artifacts path, so the RID-specific restore never touches the repository's obj folders.
  dotnet publish samples/Pico.Gateway.Management.SampleHost -c Release -r linux-x64 -p:PublishAot=true -p:InvariantGlobalization=true \
    --artifacts-path artifacts/bench/aot-build -o artifacts/bench/aot-host -v quiet -nologo >&2
  aot=(--aot-host "$(pwd)/artifacts/bench/aot-host/Pico.Gateway.Management.SampleHost")
elif [ "${AOT:-1}" != "0" ]; then
  echo "clang not found: skipping the Native AOT sample host (apt-get install -y clang zlib1g-dev to include it)." >&2
fi

timeout --kill-after=30s 30m dotnet bench/Pico.Gateway.Management.Benchmarks/bin/Release/net10.0/Pico.Gateway.Management.Benchmarks.dll \
  scenarios --out "$OUT" "${aot[@]}" "$@"
echo "written to $OUT" >&2
