#!/usr/bin/env bash
# Makes the two release binaries of CameraClassifier for Raspberry Pi boards (NativeAOT, linux-arm64,
# cross-compiled here with clang/lld), and proves each under qemu-aarch64 on its board's CPU:
#
#   OUT/pi4/  IlcInstructionSet=armv8-a,crc             Raspberry Pi 4 (Cortex-A72); also Pi 3 / Zero 2 W
#   OUT/pi5/  IlcInstructionSet=armv8.2-a,dotprod,rcpc  Raspberry Pi 5 (Cortex-A76) only
#
# usage: tools/publish-pi.sh [--out DIR]     (default DIR: artifacts/pi)
#
# Each goes through tools/device/publish-aot.sh: 0 trim/AOT warnings, binary <= 4.5 MiB, and the same
# predictions as the x64 JIT build on the sample photos, without a camera. Then the Pi 4 binary runs
# once more on the Pi 5's CPU and prints what its kernel dispatch saw, and the Pi 5 binary must refuse
# to start on the Pi 4's CPU (docs/deploy.md states both; tests/EdgeCnn.Device.Tests/AotPublishTests.cs checks them).
# Copy the whole folder of the board's build to the board (docs/deploy.md, "Which binary for which board").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/artifacts/pi"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) echo "publish-pi: unknown option $1" >&2; exit 2 ;;
  esac
done
aot="$root/tools/device/publish-aot.sh"

echo "=== Raspberry Pi 4 (armv8-a,crc; checked as qemu cortex-a72)"
rm -rf "$out/pi4"
bash "$aot" --rid linux-arm64 --isa armv8-a,crc --qemu-cpu cortex-a72 --out "$out/pi4"

echo "=== Raspberry Pi 5 (armv8.2-a,dotprod,rcpc; checked as qemu cortex-a76)"
rm -rf "$out/pi5"
bash "$aot" --rid linux-arm64 --isa armv8.2-a,dotprod,rcpc --qemu-cpu cortex-a76 --out "$out/pi5"

echo "=== the Pi 4 binary on a Pi 5's CPU (qemu cortex-a76)"
DOTNET_EnableWriteXorExecute=0 qemu-aarch64 -cpu cortex-a76 "$out/pi4/CameraClassifier" \
  --model "$root/models/mobilenet_v2_1.0_224_quant.ecnn" --images "$root/models/samples" --frames 2 --threads 2 \
  | sed 's/^/pi4 binary on cortex-a76: /'

echo "=== the Pi 5 binary on a Pi 4's CPU (qemu cortex-a72): must refuse to start"
if refusal=$(DOTNET_EnableWriteXorExecute=0 qemu-aarch64 -cpu cortex-a72 "$out/pi5/CameraClassifier" --images "$root/models/samples" --frames 1 2>&1); then
  echo "publish-pi: FAILED: the Pi 5 binary ran on a Cortex-A72 (docs/deploy.md says it refuses)" >&2
  exit 1
fi
echo "pi5 binary on cortex-a72: $(echo "$refusal" | grep -m1 -i 'instruction set' || echo "$refusal" | head -1)"
echo "publish-pi: OK: $out/pi4 (Raspberry Pi 4) and $out/pi5 (Raspberry Pi 5)"
