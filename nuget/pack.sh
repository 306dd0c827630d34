#!/usr/bin/env bash
# Packs Microsoft.ML.Byol.Onnx and Microsoft.ML.Byol (Release, .nupkg + .snupkg) into a local folder.
# Usage: bash nuget/pack.sh [output folder]   (default: artifacts/packages; extra arguments go to dotnet pack)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/packages}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Old copies of the two packages would be mixed up with the new ones by a restore from this folder.
rm -f "$out"/Microsoft.ML.Byol.*nupkg "$out"/Microsoft.ML.Byol.Onnx.*nupkg
for project in src/Microsoft.ML.Byol.Onnx/Microsoft.ML.Byol.Onnx.csproj src/Microsoft.ML.Byol/Microsoft.ML.Byol.csproj; do
  dotnet pack "$project" -c Release -o "$out" -p:ContinuousIntegrationBuild=true -nologo "$@"
done
ls -l "$out"
