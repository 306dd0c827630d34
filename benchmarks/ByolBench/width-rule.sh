#!/usr/bin/env bash
# Channels-last against contiguous (NCHW) activations in the training step at several ResNet-18 widths and image sizes
# (issue 15: a width rule for the default of StepKernels). One ByolBench --variants run per (width, size): batch 64, small stem (the library's
# choice at <= 64 px), 2 threads, the two variants alternating within each round in one process; then a table
# width × size → speed of channels-last against NCHW (median s/step of NCHW / median s/step of channels-last; > 1 means
# channels-last is faster). Both are set explicitly, so the library's default (the rule) does not enter.
# Every run's full output goes to the log.
#
#   benchmarks/ByolBench/width-rule.sh                      # ×0.25, ×0.5 and ×1 at 32 and 64 px
#   WIDTHS="0.25 0.5" SIZES=32 ROUNDS=2 STEPS=1 benchmarks/ByolBench/width-rule.sh   # a smaller run
#
# Settings (environment): WIDTHS (default "0.25 0.5 1"), SIZES ("32 64"), ROUNDS (3), WARMUP (1), STEPS (3: timed steps
# per variant and round), ROUNDS_W1 and STEPS_W1 (2 and 2: the same for width 1, the costliest, measured for reference
# only), BATCH (64), THREADS (2), LOG (benchmarks/results/width-rule-run.log), BUILD (1: build ByolBench first).
set -euo pipefail
cd "$(dirname "$0")/../.."

WIDTHS=${WIDTHS:-"0.25 0.5 1"}
SIZES=${SIZES:-"32 64"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1}
STEPS=${STEPS:-3}
ROUNDS_W1=${ROUNDS_W1:-2}
STEPS_W1=${STEPS_W1:-2}
BATCH=${BATCH:-64}
THREADS=${THREADS:-2}
LOG=${LOG:-benchmarks/results/width-rule-run.log}
BUILD=${BUILD:-1}
DLL=benchmarks/ByolBench/bin/Release/net10.0/ByolBench.dll

if [ "$BUILD" = 1 ]; then
    dotnet build -c Release benchmarks/ByolBench --nologo -v q >/dev/null
fi
mkdir -p "$(dirname "$LOG")"
{
    echo "width-rule.sh, $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "WIDTHS=\"$WIDTHS\" SIZES=\"$SIZES\" ROUNDS=$ROUNDS WARMUP=$WARMUP STEPS=$STEPS ROUNDS_W1=$ROUNDS_W1 STEPS_W1=$STEPS_W1 BATCH=$BATCH THREADS=$THREADS"
    echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$LOG"

declare -A ratio default_s last_s rounds_used
start=$SECONDS
for width in $WIDTHS; do
    for size in $SIZES; do
        rounds=$ROUNDS steps=$STEPS
        if [ "$width" = 1 ] || [ "$width" = 1.0 ]; then rounds=$ROUNDS_W1 steps=$STEPS_W1; fi
        echo "--- ResNet-18 x$width, $size px: $rounds rounds of $WARMUP warm-up + $steps timed steps per variant" | tee -a "$LOG"
        t0=$SECONDS
        out=$(dotnet "$DLL" --arch ResNet18 --width "$width" --size "$size" --batch "$BATCH" --threads "$THREADS" \
            --warmup "$WARMUP" --steps "$steps" --variants nchw,channels-last --rounds "$rounds" 2>&1 | tee -a "$LOG")
        echo "    ($((SECONDS - t0)) s)" | tee -a "$LOG"
        # The summary table: | variant | s/step (median) | pairs/s | speed vs nchw | ...
        default_s[$width,$size]=$(awk -F'|' '$2 ~ /^ nchw $/ { gsub(/ /, "", $3); print $3 }' <<<"$out")
        last_s[$width,$size]=$(awk -F'|' '$2 ~ /^ channels-last $/ { gsub(/ /, "", $3); print $3 }' <<<"$out")
        ratio[$width,$size]=$(awk -F'|' '$2 ~ /^ channels-last $/ { gsub(/ /, "", $5); print $5 }' <<<"$out")
        rounds_used[$width,$size]=$rounds
    done
done

{
    echo
    echo "Channels-last against NCHW (ResNet-18, small stem, batch $BATCH, $THREADS threads; medians of the rounds; total $((SECONDS - start)) s)"
    echo "| width | size | NCHW s/step | channels-last s/step | channels-last speed vs NCHW | rounds |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for width in $WIDTHS; do
        for size in $SIZES; do
            echo "| ×$width | $size px | ${default_s[$width,$size]:-?} | ${last_s[$width,$size]:-?} | **${ratio[$width,$size]:-?}** | ${rounds_used[$width,$size]} |"
        done
    done
    echo
    echo "Speed vs NCHW, width × size:"
    printf '%8s' "width"
    for size in $SIZES; do printf '%10s' "${size} px"; done
    echo
    for width in $WIDTHS; do
        printf '%8s' "x$width"
        for size in $SIZES; do printf '%10s' "${ratio[$width,$size]:-?}"; done
        echo
    done
} | tee -a "$LOG"
