#!/usr/bin/env bash
# Publishes CameraClassifier with NativeAOT, runs it on the sample images (natively on x64; under
# qemu-aarch64 with the board's CPU for linux-arm64), checks that its predictions equal the x64 JIT
# build's, prints the binary size and the CPU features the binary's kernel dispatch saw, and fails on
# any trim/AOT warning or a binary above the size budget.
#
# usage: tools/device/publish-aot.sh [--rid RID] [--isa LIST] [--qemu-cpu CPU] [--model PATH] [--images PATH] [--out DIR]
#   --rid       linux-x64 (default) or linux-arm64 (cross-compiled with clang/lld; tools/install-test-deps.sh)
#   --isa       IlcInstructionSet: the host's level on x64 (x86-64-v3,avxvnni here); for a Pi see tools/publish-pi.sh
#   --qemu-cpu  run the linux-arm64 binary as `qemu-aarch64 -cpu CPU` (cortex-a72: Pi 4, cortex-a76: Pi 5)
#   defaults: models/mobilenet_v2_1.0_224_quant.ecnn, models/samples, a temp dir
#   environment: EDGECNN_AOT_MAX_BYTES (default 4718592 = 4.5 MiB), EDGECNN_AOT_FRAMES (images to compare, default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model="$root/models/mobilenet_v2_1.0_224_quant.ecnn"
images="$root/models/samples"
rid="linux-x64"
isa=""
qemu_cpu=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rid="$2"; shift 2 ;;
    --isa) isa="$2"; shift 2 ;;
    --qemu-cpu) qemu_cpu="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "publish-aot: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$rid" in
  linux-x64)
    # The instruction set of this machine's CPU family (x86-64-v3 plus AVX-VNNI where present), so the
    # binary runs on the host that checks it.
    if [ -z "$isa" ]; then
      isa="x86-64-v2"
      if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
        isa="x86-64-v3"
        grep -qw avx_vnni /proc/cpuinfo && isa="x86-64-v3,avxvnni"
      fi
    fi
    run=() ;;
  linux-arm64)
    [ -n "$isa" ] || { echo "publish-aot: --rid linux-arm64 needs --isa (armv8-a,crc for a Pi 4; armv8.2-a,dotprod,rcpc for a Pi 5)" >&2; exit 2; }
    [ -n "$qemu_cpu" ] || { echo "publish-aot: --rid linux-arm64 needs --qemu-cpu (cortex-a72 or cortex-a76) to run the binary here" >&2; exit 2; }
    command -v qemu-aarch64 > /dev/null || { echo "publish-aot: qemu-aarch64 not found (apt-get install qemu-user; tools/install-test-deps.sh does)" >&2; exit 1; }
    # No QEMU_LD_PREFIX / -L: the arm64 loader and libc come from Debian's multiarch libc6:arm64.
    # W^X off: qemu's code cache does not see writes through the runtime's second mapping (see tools/arm64/README.md).
    run=(env DOTNET_EnableWriteXorExecute=0 qemu-aarch64 -cpu "$qemu_cpu") ;;
  *) echo "publish-aot: --rid $rid is not supported (linux-x64 or linux-arm64)" >&2; exit 2 ;;
esac
max_bytes=${EDGECNN_AOT_MAX_BYTES:-4718592}
frames=${EDGECNN_AOT_FRAMES:-5}
[ -f "$model" ] || { echo "publish-aot: model $model not found (pass --model PATH)" >&2; exit 1; }
[ -e "$images" ] || { echo "publish-aot: sample images $images not found (pass --images PATH)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out="$work/aot"
project="$root/device-samples/CameraClassifier/CameraClassifier.csproj"

echo "== JIT build (net10.0, this machine)"
dotnet build "$project" -c Release -nologo -v q > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
jit_dll="$root/device-samples/CameraClassifier/bin/Release/net10.0/CameraClassifier.dll"

echo "== NativeAOT publish ($rid, IlcInstructionSet=$isa)"
# Force the ILC step to run again so its trim/AOT warnings are printed even when nothing changed
# (and so a different instruction set is never served from the previous build).
rm -rf "$root/device-samples/CameraClassifier/obj/Release/net10.0/$rid/native"
extra=()
[ "$rid" = linux-arm64 ] && extra=(-p:CppCompilerAndLinker=clang)
dotnet publish "$project" -c Release -r "$rid" -nologo \
  -p:PublishAot=true "${extra[@]}" "-p:IlcInstructionSet=${isa//,/%2C}" \
  -o "$out" > "$work/publish.log" 2>&1 || { cat "$work/publish.log"; echo "publish-aot: publish failed" >&2; exit 1; }
if grep -E "warning (IL[0-9]{4}|AOT)" "$work/publish.log" | sort -u > "$work/warnings.txt" && [ -s "$work/warnings.txt" ]; then
  cat "$work/warnings.txt"
  echo "publish-aot: FAILED: $(wc -l < "$work/warnings.txt") trim/AOT warning(s)" >&2
  exit 1
fi
echo "trim/AOT warnings: 0"

binary="$out/CameraClassifier"
size=$(stat -c %s "$binary")
echo "binary: $binary"
echo "binary size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB)"
echo "publish folder: $(cd "$out" && ls | tr '\n' ' ')"

echo "== run both on $images ($frames images)${qemu_cpu:+; the AOT binary under qemu-aarch64 -cpu $qemu_cpu}"
args=(--model "$model" --images "$images" --frames "$frames" --threads 2)
dotnet "$jit_dll" "${args[@]}" > "$work/jit.out"
"${run[@]}" "$binary" "${args[@]}" > "$work/aot.out"
cat "$work/aot.out"
# Predictions only: drop the timing suffix "  [12.3 ms]".
strip() { sed -E 's/  \[[^]]*\]$//' "$1" | grep -vE '^(cpu|model): '; }
top1() { strip "$1" | sed -nE 's/^([^:]+): ([^|]*[^ |]) [0-9.]+( \|.*)?$/\1: \2/p'; }
top1 "$work/jit.out" > "$work/jit.top1"
top1 "$work/aot.out" > "$work/aot.top1"
if [ ! -s "$work/jit.top1" ]; then echo "publish-aot: the JIT build printed no predictions" >&2; cat "$work/jit.out"; exit 1; fi
if ! diff -u "$work/jit.top1" "$work/aot.top1"; then
  echo "publish-aot: FAILED: NativeAOT top-1 predictions differ from the x64 JIT build's" >&2
  exit 1
fi
if diff -q <(strip "$work/jit.out") <(strip "$work/aot.out") > /dev/null; then
  echo "predictions: $(wc -l < "$work/aot.top1") image(s), top-3 labels and scores identical to the x64 JIT build"
else
  echo "note: top-1 equal; lower-ranked scores differ in the last digit (float softmax on different ISAs):"
  diff <(strip "$work/jit.out") <(strip "$work/aot.out") || true
  echo "predictions: $(wc -l < "$work/aot.top1") image(s), top-1 identical to the x64 JIT build"
fi
if [ "$size" -gt "$max_bytes" ]; then
  echo "publish-aot: FAILED: binary is $size bytes, above the budget of $max_bytes" >&2
  exit 1
fi
echo "publish-aot: OK"
