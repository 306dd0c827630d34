#!/usr/bin/env bash
# Packs Microsoft.ML.Byol.Onnx and Microsoft.ML.Byol (Release, .nupkg + .snupkg) and the byol tool Microsoft.ML.Byol.Cli
# (.nupkg only; it carries the CPU natives of libtorch, so it takes longer and is large) into a local folder.
# Usage: bash nuget/pack.sh [output folder]   (default: artifacts/packages; extra arguments go to dotnet pack)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/packages}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Old copies of the packages would be mixed up with the new ones by a restore from this folder.
rm -f "$out"/Microsoft.ML.Byol.*nupkg "$out"/Microsoft.ML.Byol.Onnx.*nupkg
for project in src/Microsoft.ML.Byol.Onnx/Microsoft.ML.Byol.Onnx.csproj src/Microsoft.ML.Byol/Microsoft.ML.Byol.csproj \
    src/Microsoft.ML.Byol.Cli/Microsoft.ML.Byol.Cli.csproj; do
  dotnet pack "$project" -c Release -o "$out" -p:ContinuousIntegrationBuild=true -nologo "$@"
done
ls -l "$out"
