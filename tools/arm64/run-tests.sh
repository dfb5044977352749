#!/usr/bin/env bash
# The linux-arm64 legs of ./test.sh: publishes the runtime tests (an xunit.v3 executable) self-contained
# for linux-arm64 and runs them under qemu-aarch64 as a Raspberry Pi 4 CPU (-cpu cortex-a72: NEON) and a
# Raspberry Pi 5 CPU (-cpu cortex-a76: NEON + dot product). Each leg prints its own runner summary and
# one line "arm64-CPU: N passed, N failed, N skipped"; the exit status is 1 if any leg failed.
#
# usage: tools/arm64/run-tests.sh [--cpus "cortex-a72 cortex-a76"] [--out DIR] [-- extra runner arguments]
#   e.g. tools/arm64/run-tests.sh --cpus cortex-a76 -- -namespace EdgeCnn.Runtime.Tests.Golden
#
# Needs qemu-user and the arm64 multiarch libraries (tools/install-test-deps.sh installs them). On an
# arm64 host the tests run natively instead, once.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cpus="cortex-a72 cortex-a76"
out="$root/artifacts/arm64/runtime-tests"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cpus) cpus="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "arm64/run-tests: unknown option $1" >&2; exit 2 ;;
  esac
done

# Left out under qemu (README "ARM64" says why): the exhaustive hostile-file sweeps re-sign and reload the
# test model once per byte and field (tens of thousands of loads). They guard against hangs with a 60 s
# wall-clock limit that emulation (10-30x slower) overruns, and what they test -- the format reader's
# checks -- is the same managed code on every ISA; CRC-32C's ARM instructions run in Crc32CTests and in
# every model load. The other HostileFileTests (truncation, huge counts, overflow, ...) do run.
excluded=(-method- "EdgeCnn.Runtime.Tests.Format.HostileFileTests.ResignedChanges*"
          -method- "EdgeCnn.Runtime.Tests.Format.HostileFileTests.EverySingleByteChangeAnywhereIsDetected")

mkdir -p "$(dirname "$out")"
echo "== publishing EdgeCnn.Runtime.Tests for linux-arm64 (self-contained) to $out"
if ! dotnet publish "$root/tests/EdgeCnn.Runtime.Tests/EdgeCnn.Runtime.Tests.csproj" -c Release -r linux-arm64 \
     --self-contained -nologo -v q -o "$out" > "$out.publish.log" 2>&1; then
  cat "$out.publish.log"
  echo "arm64: publishing the runtime tests for linux-arm64 failed"
  exit 1
fi
binary="$out/EdgeCnn.Runtime.Tests"

host_arch=$(uname -m)
status=0
for cpu in $cpus; do
  if [ "$host_arch" = aarch64 ]; then
    leg="arm64-native"
    runner=("$binary")
  else
    leg="arm64-$cpu"
    qemu=$(command -v qemu-aarch64) || { echo "arm64: qemu-aarch64 not found (apt-get install qemu-user; tools/install-test-deps.sh)"; exit 1; }
    # DOTNET_EnableWriteXorExecute=0: with W^X the runtime writes new code through a second mapping,
    # which qemu's translation cache does not see; stale code then runs (seen: SIGILL in reflection stubs).
    # EDGECNN_QEMU(_CPU): the ISA-switch tests start their child test runs through the same qemu and CPU.
    runner=(env DOTNET_EnableWriteXorExecute=0 EDGECNN_QEMU="$qemu" EDGECNN_QEMU_CPU="$cpu" "$qemu" -cpu "$cpu" "$binary")
  fi
  echo "== $leg: EdgeCnn.Runtime.Tests"
  log="$out.$leg.log"
  start=$(date +%s)
  "${runner[@]}" -noColor -noLogo "${excluded[@]}" "${extra[@]}" > "$log" 2>&1
  code=$?
  seconds=$(( $(date +%s) - start ))
  grep -E '\[FAIL\]|^\s+(Assert|Expected|Actual|Exception)|Fatal error|Total:' "$log" | head -200
  # "EdgeCnn.Runtime.Tests  Total: 1, Errors: 0, Failed: 0, Skipped: 0, Not Run: 0, Time: 1.2s"
  summary=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -1)
  if [ -z "$summary" ]; then
    tail -40 "$log"
    echo "$leg: 0 passed, 1 failed, 0 skipped (the runner printed no summary; exit $code; ${seconds} s)"
    status=1
  else
    read -r total errors failed skipped notrun < <(echo "$summary" | sed -E 's/.*Total: ([0-9]+), Errors: ([0-9]+), Failed: ([0-9]+), Skipped: ([0-9]+), Not Run: ([0-9]+).*/\1 \2 \3 \4 \5/')
    passed=$(( total - failed - skipped - notrun ))
    failed=$(( failed + errors ))
    echo "$leg: $passed passed, $failed failed, $skipped skipped (${seconds} s)"
    { [ "$code" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$total" -eq 0 ]; } && status=1
  fi
  [ "$host_arch" = aarch64 ] && break
done
exit $status
