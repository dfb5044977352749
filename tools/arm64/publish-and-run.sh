#!/usr/bin/env bash
# Publishes the kernel benchmark/verifier for linux-arm64 and runs it under qemu-aarch64 with
# -cpu cortex-a72 (NEON: Raspberry Pi 4) and -cpu cortex-a76 (NEON + dot product: Raspberry Pi 5):
# `verify` checks every kernel row the CPU runs against the scalar reference, `peak` times them
# (qemu timings are not hardware speed; instruction counts are: ../shared/tools/arm64-perf).
# The xunit tests run on both CPUs through tools/arm64/run-tests.sh (./test.sh does it).
#
#   tools/arm64/publish-and-run.sh              # verify + short benchmark on both CPUs
#   CPUS=cortex-a76 tools/arm64/publish-and-run.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/artifacts/arm64}
cpus=${CPUS:-"cortex-a72 cortex-a76"}
qemu=${QEMU:-qemu-aarch64}

if ! command -v "$qemu" >/dev/null; then
    echo "error: $qemu not found: install qemu-user (tools/install-test-deps.sh) to run arm64 binaries" >&2
    exit 2
fi

mkdir -p "$out"
echo "== publishing the kernel benchmark/verifier for linux-arm64 (self-contained)"
if ! dotnet publish "$root/bench/kernels" -c Release -r linux-arm64 --self-contained -o "$out/bench" > "$out/publish.log" 2>&1; then
    cat "$out/publish.log" >&2
    echo "error: could not publish bench/kernels for linux-arm64" >&2
    exit 3
fi

status=0
for cpu in $cpus; do
    # W^X off: qemu does not see code written through the runtime's second mapping (tools/arm64/README.md).
    echo "== $cpu: verify every kernel this CPU runs against the reference"
    if ! DOTNET_EnableWriteXorExecute=0 "$qemu" -cpu "$cpu" "$out/bench/EdgeCnn.KernelBench" verify; then
        echo "FAILED: kernels differ from the reference on $cpu" >&2
        status=1
    fi
    echo "== $cpu: benchmark (emulated: qemu timings are not hardware speed)"
    DOTNET_EnableWriteXorExecute=0 "$qemu" -cpu "$cpu" "$out/bench/EdgeCnn.KernelBench" peak || status=1
done
exit $status
