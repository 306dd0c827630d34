#!/usr/bin/env bash
# Installs the byol tool (Microsoft.ML.Byol.Cli) from the local feed, as a user would, into a temporary tool path, and
# runs it end to end on a tiny generated folder of PNGs (24 images and one broken file):
#   pretrain (ResNet-18 x0.125, 16 px, 4 steps) -> embed --index (Parquet + USearch) -> search (each query finds itself
#   first) -> export --checkpoint --triton.
# Fails on any non-zero exit, a missing output, a broken image not counted, or a query not found first.
# Usage: bash nuget/check-tool.sh [packages folder]   (default artifacts/packages: run nuget/pack.sh or
# nuget/check-packages.sh first)
#
# dotnet tool install restores the tool into the tool path's own store, not the global NuGet cache, so a stale copy
# of the same version there is never used; the installed assembly is compared with the one in the package.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
packages="$(cd "${1:-artifacts/packages}" && pwd)"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)"
id=Microsoft.ML.Byol.Cli
fail() { echo "check-tool: FAILED: $*" >&2; exit 1; }
[ -f "$packages/$id.$version.nupkg" ] || fail "no $packages/$id.$version.nupkg: run nuget/pack.sh first"

work="$(mktemp -d "${TMPDIR:-/tmp}/byol-tool-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "-- install $id $version from $packages"
dotnet tool install --tool-path "$work/tools" "$id" --add-source "$packages" --version "$version"
byol="$work/tools/byol"
installed="$(find "$work/tools/.store" -name "$id.dll" -path '*/tools/net10.0/any/*' | head -1)"
[ -n "$installed" ] || fail "the installed tool has no $id.dll"
unzip -p "$packages/$id.$version.nupkg" "tools/net10.0/any/$id.dll" | cmp -s - "$installed" \
  || fail "the installed tool is not the package in $packages"
"$byol" --help >/dev/null

echo "-- images"
# 24 distinct 24x24 RGB PNGs (a coloured rectangle on a coloured background) and one file that is not an image.
python3 - "$work/images" <<'PY'
import os, random, struct, sys, zlib
out = sys.argv[1]
os.makedirs(out)
def png(w, h, rows):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    raw = b''.join(b'\x00' + bytes(row) for row in rows)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
rng = random.Random(1)
for i in range(24):
    bg = [rng.randrange(256) for _ in range(3)]
    fg = [rng.randrange(256) for _ in range(3)]
    x0, y0 = rng.randrange(14), rng.randrange(14)
    x1, y1 = x0 + rng.randrange(4, 10), y0 + rng.randrange(4, 10)
    rows = [[c for x in range(24) for c in (fg if x0 <= x < x1 and y0 <= y < y1 else bg)] for y in range(24)]
    with open(os.path.join(out, f'{i:05d}.png'), 'wb') as f:
        f.write(png(24, 24, rows))
with open(os.path.join(out, 'broken.png'), 'wb') as f:
    f.write(b'this is not a PNG file')
PY

echo "-- pretrain"
"$byol" pretrain --images "$work/images" --out "$work/run" --arch ResNet18 --width 0.125 --image-size 16 \
  --epochs 2 --batch-size 8 --max-steps 4 --seed 1 --checkpoint-every 2
[ -s "$work/run/encoder.onnx" ] || fail "pretrain wrote no encoder.onnx"
[ -s "$work/run/pretrain.json" ] || fail "pretrain wrote no pretrain.json"
ls "$work/run/checkpoints/"byol-step-*.ckpt >/dev/null 2>&1 || fail "pretrain wrote no checkpoint"
grep -q 'step 4/4' "$work/run/pretrain.log" || fail "pretrain.log has no step 4/4 line"

echo "-- embed"
"$byol" embed --encoder "$work/run/encoder.onnx" --images "$work/images" --out "$work/embeddings.parquet" \
  --index "$work/embeddings.usearch" 2>&1 | tee "$work/embed.txt"
grep -q '^24 embedded, 1 failed' "$work/embed.txt" || fail "embed did not report 24 embedded, 1 failed"
grep -q 'broken.png' "$work/embeddings.parquet.errors.csv" || fail "the broken image is not in the errors file"

echo "-- search"
for q in 00003 00017; do
  "$byol" search --index "$work/embeddings.usearch" --query "$work/images/$q.png" -k 5 --tsv | tee "$work/search.txt"
  first="$(head -1 "$work/search.txt" | cut -f3)"
  [ "$first" = "$work/images/$q.png" ] || fail "the query $q.png found $first first"
done
"$byol" search --index "$work/embeddings.usearch" --query "$work/images/00003.png" -k 3

echo "-- export"
checkpoint="$(ls "$work/run/checkpoints/"byol-step-*.ckpt | tail -1)"
"$byol" export --checkpoint "$checkpoint" --out "$work/from-checkpoint.onnx" --triton "$work/triton"
[ -s "$work/from-checkpoint.onnx" ] || fail "export wrote no ONNX file"
[ -s "$work/triton/byol_encoder/1/model.onnx" ] && [ -s "$work/triton/byol_encoder/config.pbtxt" ] \
  || fail "export --triton wrote no model repository"

echo "-- bad input"
set +e
"$byol" embed --encoder "$work/run/encoder.onnx" --images "$work/no-such-folder" --out "$work/x.parquet" 2>"$work/err.txt"
status=$?
set -e
[ "$status" -eq 2 ] && grep -q 'does not exist' "$work/err.txt" || fail "a missing folder gave exit $status: $(cat "$work/err.txt")"

echo "check-tool: OK ($(( $(date +%s) - start )) s)"
