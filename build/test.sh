#!/usr/bin/env bash
# The project's test command (README): every test project of the solution, Release.
# Ends with a plain "N passed, N failed" line summed over the test projects.
# --fast: only the tests not marked [Trait("Category", "Slow")] (the minute-long training runs, kill/resume children,
# memory, parity and full-size tests): --filter "Category!=Slow". The default, which CI runs, is every test.
# Any other arguments go to dotnet test (e.g. --no-build).
set -uo pipefail
cd "$(dirname "$0")/.."
args=()
for a in "$@"; do
  if [ "$a" = "--fast" ]; then
    args+=(--filter "Category!=Slow")
  else
    args+=("$a")
  fi
done
log=$(mktemp)
dotnet test Microsoft.ML.Byol.sln -c Release "${args[@]}" --blame-hang-timeout 20m 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
failed=$(grep -oE 'Failed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
