#!/usr/bin/env bash
# Packs both libraries and the byol tool (nuget/pack.sh), checks the two library .nupkg files (README, license,
# dependencies: the Onnx package has no TorchSharp; the training package depends on TorchSharp and
# Microsoft.ML.Byol.Onnx) and the tool's (DotnetTool type, command name, natives carried), then restores, builds
# and runs tests/PackageConsumer against the packages in that folder (not the projects). Exits non-zero on failure.
# Usage: bash nuget/check-packages.sh
#
# The consumer restores into a fresh packages folder of its own, so a copy of Microsoft.ML.Byol(.Onnx) 0.1.0 left in
# the global NuGet cache by an earlier pack is never used; every other package is linked from the global cache
# (read only; nothing there is changed) so that TorchSharp's natives are not downloaded again.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
start=$(date +%s)
packages="$root/artifacts/packages"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)"
consumer="$root/tests/PackageConsumer"

fail() { echo "check-packages: FAILED: $*" >&2; exit 1; }

echo "-- pack"
bash nuget/pack.sh "$packages"

echo "-- inspect"
nuspec() { unzip -p "$1" "$2.nuspec" | tr -d '\r'; }
has_dependency() { grep -qE "<dependency id=\"$2\"" <<<"$1"; }
for id in Microsoft.ML.Byol Microsoft.ML.Byol.Onnx; do
  pkg="$packages/$id.$version.nupkg"
  [ -f "$pkg" ] || fail "$pkg was not produced"
  [ -f "$packages/$id.$version.snupkg" ] || fail "no symbols package for $id"
  spec="$(nuspec "$pkg" "$id")"
  files="$(unzip -Z1 "$pkg")"
  grep -qx 'README.md' <<<"$files" || fail "$id: no README.md in the package"
  grep -q '<readme>README.md</readme>' <<<"$spec" || fail "$id: the .nuspec names no readme"
  grep -q '<license type="expression">MIT</license>' <<<"$spec" || fail "$id: no MIT license expression"
  grep -qx "lib/net8.0/$id.dll" <<<"$files" || fail "$id: no lib/net8.0/$id.dll"
  echo "$id $version dependencies:"
  grep -oE '<dependency id="[^"]+" version="[^"]+"' <<<"$spec" | sed 's/<dependency id="\([^"]*\)" version="\([^"]*\)"/  \1 \2/'
  case "$id" in
    Microsoft.ML.Byol.Onnx)
      if grep -qiE '<dependency id="[^"]*(torchsharp|libtorch)' <<<"$spec"; then fail "$id depends on TorchSharp"; fi ;;
    Microsoft.ML.Byol)
      has_dependency "$spec" TorchSharp || fail "$id does not depend on TorchSharp"
      has_dependency "$spec" Microsoft.ML.Byol.Onnx || fail "$id does not depend on Microsoft.ML.Byol.Onnx"
      if grep -qiE '<dependency id="(libtorch|TorchSharp-)' <<<"$spec"; then fail "$id depends on a native TorchSharp backend"; fi ;;
  esac
done

# The byol tool (nuget/check-tool.sh installs and runs it): a DotnetTool package with its README, license, command
# name and the CPU natives it must carry (a tool brings all its dependencies; nothing is restored beside it).
id=Microsoft.ML.Byol.Cli
pkg="$packages/$id.$version.nupkg"
[ -f "$pkg" ] || fail "$pkg was not produced"
spec="$(nuspec "$pkg" "$id")"
files="$(unzip -Z1 "$pkg")"
grep -q '<packageType name="DotnetTool"' <<<"$spec" || fail "$id is not a DotnetTool package"
grep -qx 'README.md' <<<"$files" || fail "$id: no README.md in the package"
grep -q '<license type="expression">MIT</license>' <<<"$spec" || fail "$id: no MIT license expression"
settings="$(unzip -p "$pkg" tools/net10.0/any/DotnetToolSettings.xml | tr -d '\r')"
grep -q 'Command Name="byol"' <<<"$settings" || fail "$id: the command is not named byol"
for f in Microsoft.ML.Byol.Cli.dll Microsoft.ML.Byol.dll Microsoft.ML.Byol.Onnx.dll \
    runtimes/linux-x64/native/libtorch_cpu.so runtimes/linux-x64/native/libonnxruntime.so \
    runtimes/linux-x64/native/libSkiaSharp.so runtimes/linux-x64/native/libusearch_c.so; do
  grep -qx "tools/net10.0/any/$f" <<<"$files" || fail "$id: no tools/net10.0/any/$f"
done
echo "$id $version: dotnet tool 'byol', $(( $(stat -c %s "$pkg") / 1024 / 1024 )) MB"

echo "-- consumer (packages from $packages)"
restore_dir="$(mktemp -d "${TMPDIR:-/tmp}/byol-consumer-packages.XXXXXX")"
trap 'rm -rf "$restore_dir"' EXIT
global="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
if [ -d "$global" ]; then
  for dir in "$global"/*/; do
    name="$(basename "$dir")"
    case "$name" in microsoft.ml.byol|microsoft.ml.byol.onnx) continue ;; esac
    ln -s "${dir%/}" "$restore_dir/$name"
  done
fi
rm -rf "$consumer/bin" "$consumer/obj"
dotnet restore "$consumer/PackageConsumer.csproj" --packages "$restore_dir" --configfile "$consumer/nuget.config" \
  -p:ByolPackageVersion="$version" --force-evaluate
for id in microsoft.ml.byol microsoft.ml.byol.onnx; do
  [ -d "$restore_dir/$id/$version" ] && [ ! -L "$restore_dir/$id" ] || fail "$id $version was not restored from $packages"
  cmp -s "$restore_dir/$id/$version/$id.$version.nupkg" "$packages/$(ls "$packages" | grep -ix "$id.$version.nupkg")" \
    || fail "the restored $id is not the package just packed"
done
dotnet build "$consumer/PackageConsumer.csproj" -c Release --no-restore -nologo -p:ByolPackageVersion="$version"
log="$(mktemp)"
set +e
dotnet "$consumer/bin/Release/net10.0/PackageConsumer.dll" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
grep -q '^PACKAGE CONSUMER OK$' "$log" || { rm -f "$log"; fail "the consumer did not print PACKAGE CONSUMER OK (exit $status)"; }
rm -f "$log"
[ "$status" -eq 0 ] || fail "the consumer exited with $status"
rm -rf "$consumer/bin" "$consumer/obj"
echo "check-packages: OK ($(( $(date +%s) - start )) s)"
