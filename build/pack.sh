#!/usr/bin/env bash
# Packs the library packages into artifacts/packages, fails on any build or pack warning, and checks what each package holds:
# README.md, icon.png, the assembly with its XML docs, and a .snupkg with the PDB (SourceLink-ed when the repository has a remote).
# The same commit packs to the same bytes: deterministic compilation with CI path mapping, and zip times from the commit.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/packages
rm -rf "$out"
mkdir -p "$out"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}"

packages=(Pico.Gateway.Management Pico.Gateway.Management.HealthChecks)
for id in "${packages[@]}"; do
  dotnet pack "src/$id/$id.csproj" -c Release -o "$out" -nologo -warnaserror -p:ContinuousIntegrationBuild=true
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
remote=$(git remote get-url origin 2>/dev/null || true)
failed=0
for id in "${packages[@]}"; do
  nupkg="$out/$id.$version.nupkg"
  snupkg="$out/$id.$version.snupkg"
  for file in "$nupkg" "$snupkg"; do
    [ -f "$file" ] || { echo "pack.sh: missing $file" >&2; failed=1; }
  done
  [ -f "$nupkg" ] && [ -f "$snupkg" ] || continue
  listing=$(unzip -Z1 "$nupkg")
  for entry in README.md icon.png "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
    grep -qxF "$entry" <<<"$listing" || { echo "pack.sh: $nupkg lacks $entry" >&2; failed=1; }
  done
  # Outputs are captured before grep: with pipefail, `grep -q` closing the pipe early would fail the check at random (SIGPIPE).
  symbols=$(unzip -Z1 "$snupkg")
  grep -qxF "lib/net10.0/$id.pdb" <<<"$symbols" || { echo "pack.sh: $snupkg lacks $id.pdb" >&2; failed=1; }
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -q '<repository type="git"' <<<"$nuspec" || { echo "pack.sh: $nupkg has no repository commit" >&2; failed=1; }
  # SourceLink needs a remote to point at: a clone of a hosted repository has one, a bare local repository may not.
  if [[ "$remote" == https://* || "$remote" == git@* || "$remote" == ssh://* ]]; then
    grep -q '<projectUrl>https://' <<<"$nuspec" || { echo "pack.sh: $nupkg has no project URL" >&2; failed=1; }
    grep -q '<repository type="git" url="https://' <<<"$nuspec" || { echo "pack.sh: $nupkg has no repository URL" >&2; failed=1; }
  fi
  if [[ "$remote" == https://* ]]; then
    unzip -p "$snupkg" "lib/net10.0/$id.pdb" > "$out/$id.pdb.check"
    grep -aq '"documents"' "$out/$id.pdb.check" || { echo "pack.sh: $id.pdb has no SourceLink" >&2; failed=1; }
    rm -f "$out/$id.pdb.check"
  fi
done

if [ -z "$remote" ] && [ "$failed" -eq 0 ]; then
  echo "pack.sh: note: this clone has no 'origin' remote, so the packages carry no project or repository URL." >&2
  echo "pack.sh: a release is packed from a clone of the hosted repository (or with -p:RepositoryUrl=https://...)." >&2
fi
[ "$failed" -eq 0 ] || exit 1
echo "pack.sh: packed and checked ${packages[*]} $version in $out"
