#!/usr/bin/env bash
# EdgeCnn test command: installs what the tests need on a fresh Debian 12 machine, runs every test
# project on x64 (dotnet test), then the runtime tests on linux-arm64 under qemu-aarch64 as a Pi 4 CPU
# (cortex-a72) and a Pi 5 CPU (cortex-a76). Each leg prints its own summary line; the last line adds
# them up. Any failure fails the run.
#
#   ./test.sh           x64 suite (with the NativeAOT board binaries, EDGECNN_AOT_TEST=1) + both arm64 legs
#   ./test.sh --arm64   only the arm64 legs
set -uo pipefail
cd "$(dirname "$0")"
legs="x64 arm64"
case "${1:-}" in
  "") ;;
  --arm64) legs="arm64" ;;
  *) echo "usage: ./test.sh [--arm64]" >&2; exit 2 ;;
esac
started=$(date +%s)
bash tools/install-test-deps.sh || { echo "test.sh: installing test dependencies failed"; exit 1; }
summaries=$(mktemp)
status=0

if [[ " $legs " == *" x64 "* ]]; then
  # The NativeAOT proof (tests/EdgeCnn.Device.Tests/AotPublishTests.cs): CameraClassifier for linux-x64,
  # and the Raspberry Pi 4 and Pi 5 binaries (tools/publish-pi.sh) run under qemu, compared with the JIT build.
  export EDGECNN_AOT_TEST=${EDGECNN_AOT_TEST:-1}
  log=$(mktemp)
  leg_start=$(date +%s)
  dotnet test EdgeCnn.sln -c Release 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(bash tools/summarize-tests.sh "$log" | sed 's/^Tests:/x64:/')
  echo "$line ($(( $(date +%s) - leg_start )) s)" | tee -a "$summaries"
fi

if [[ " $legs " == *" arm64 "* ]]; then
  log=$(mktemp)
  bash tools/arm64/run-tests.sh 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  grep -E '^arm64-[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" >> "$summaries" || status=1
fi

echo "== summary ($(( $(date +%s) - started )) s)"
cat "$summaries"
awk '{ for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed,?$/) p += $i; if ($(i+1) ~ /^failed,?$/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }' "$summaries" || status=1
exit "$status"
