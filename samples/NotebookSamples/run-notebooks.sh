#!/usr/bin/env bash
# Executes every notebook of samples/NotebookSamples, cell by cell, in an in-process C# kernel
# (tests/Microsoft.ML.Byol.Notebooks.Tests) against freshly packed Microsoft.ML.Byol packages. Exits non-zero when a
# cell fails. Cell-by-cell logs (outputs, times) are written to artifacts/notebook-runs/<notebook>.log.
# Usage: bash samples/NotebookSamples/run-notebooks.sh [--no-pack]
#   --no-pack   use the packages already in $BYOL_PACKAGES (default artifacts/packages) instead of packing first
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
start=$(date +%s)
packages="${BYOL_PACKAGES:-$root/artifacts/packages}"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)"

if [ "${1:-}" != "--no-pack" ]; then
  echo "-- pack"
  bash nuget/pack.sh "$packages"
fi
[ -f "$packages/Microsoft.ML.Byol.$version.nupkg" ] || { echo "run-notebooks: no Microsoft.ML.Byol.$version.nupkg in $packages (run bash nuget/pack.sh)" >&2; exit 1; }

# The notebooks' `#r "nuget: Microsoft.ML.Byol, 0.1.0"` restores into the global NuGet cache, and NuGet never
# replaces a version it already holds: a copy of 0.1.0 cached from an earlier pack would silently be used instead of
# the package just packed. Packing a new build under an unchanged version only happens in local development (a
# released version never changes), so the cached copies of this repository's two packages, at this version only,
# are deleted; nothing else in the cache is touched. The check after the run proves the fresh packages were used.
global="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$global/microsoft.ml.byol/$version" "$global/microsoft.ml.byol.onnx/$version"

echo "-- notebooks (packages from $packages)"
rm -rf artifacts/notebook-runs
export BYOL_PACKAGES="$packages"
# One test process per notebook, as a notebook front end starts one kernel process per notebook: 01 plots with
# ScottPlot, whose SkiaSharp 3.119 cannot share a process with the 2.88.9 that ML.NET's MLImage needs in 02 and 03
# (once one SkiaSharp is loaded, the process keeps it).
tests=tests/Microsoft.ML.Byol.Notebooks.Tests/Microsoft.ML.Byol.Notebooks.Tests.csproj
dotnet build "$tests" -c Release -nologo -v q
status=0
for notebook in samples/NotebookSamples/*.ipynb; do
  name="$(basename "$notebook")"
  dotnet test "$tests" -c Release -nologo --no-build --blame-hang-timeout 20m --filter "DisplayName~$name" || status=1
done
cat artifacts/notebook-runs/*.log 2>/dev/null | grep '^NOTEBOOK ' || true
[ "$status" -eq 0 ] || { echo "run-notebooks: FAILED (logs in artifacts/notebook-runs/)" >&2; exit "$status"; }

for id in microsoft.ml.byol microsoft.ml.byol.onnx; do
  cmp -s "$global/$id/$version/$id.$version.nupkg" "$packages/$(ls "$packages" | grep -ix "$id.$version.nupkg")" \
    || { echo "run-notebooks: FAILED: the notebooks did not use the $id package just packed" >&2; exit 1; }
done
echo "run-notebooks: OK ($(( $(date +%s) - start )) s)"
