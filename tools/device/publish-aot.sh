#!/usr/bin/env bash
# Publishes CameraClassifier with NativeAOT for linux-x64, runs
# it on the sample images, checks that its predictions equal the JIT build's, prints the binary size,
# and fails on any trim/AOT warning or a binary above the size budget.
#
# usage: tools/device/publish-aot.sh [--model PATH] [--images PATH] [--isa LIST] [--out DIR]
#   defaults: models/mobilenet_v2_1.0_224_quant.ecnn, models/samples, the host's ISA level, a temp dir
#   environment: EDGECNN_AOT_MAX_BYTES (default 5242880 = 5 MiB), EDGECNN_AOT_FRAMES (images to compare, default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model="$root/models/mobilenet_v2_1.0_224_quant.ecnn"
images="$root/models/samples"
# The instruction set of this machine's CPU family (x86-64-v3 plus AVX-VNNI where present), so the
# binary runs on the host that checks it.
isa="x86-64-v2"
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
  isa="x86-64-v3"
  grep -qw avx_vnni /proc/cpuinfo && isa="x86-64-v3,avxvnni"
fi
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --isa) isa="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "publish-aot: unknown option $1" >&2; exit 2 ;;
  esac
done
max_bytes=${EDGECNN_AOT_MAX_BYTES:-5242880}
frames=${EDGECNN_AOT_FRAMES:-3}
[ -f "$model" ] || { echo "publish-aot: model $model not found (pass --model PATH)" >&2; exit 1; }
[ -e "$images" ] || { echo "publish-aot: sample images $images not found (pass --images PATH)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out="$work/aot"
project="$root/device-samples/CameraClassifier/CameraClassifier.csproj"

echo "== JIT build (net10.0)"
dotnet build "$project" -c Release -nologo -v q > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
jit_dll="$root/device-samples/CameraClassifier/bin/Release/net10.0/CameraClassifier.dll"

echo "== NativeAOT publish (linux-x64, IlcInstructionSet=$isa)"
# Force the ILC step to run again so its trim/AOT warnings are printed even when nothing changed.
rm -rf "$root/device-samples/CameraClassifier/obj/Release/net10.0/linux-x64/native"
dotnet publish "$project" -c Release -r linux-x64 -nologo \
  -p:PublishAot=true "-p:IlcInstructionSet=${isa//,/%2C}" \
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

echo "== run both on $images ($frames images)"
args=(--model "$model" --images "$images" --frames "$frames" --threads 2)
dotnet "$jit_dll" "${args[@]}" > "$work/jit.out"
"$binary" "${args[@]}" > "$work/aot.out"
cat "$work/aot.out"
# Predictions only: drop the timing suffix "  [12.3 ms]".
strip() { sed -E 's/  \[[^]]*\]$//' "$1"; }
top1() { strip "$1" | sed -nE 's/^([^:]+): ([^|]*[^ |]) [0-9.]+( \|.*)?$/\1: \2/p'; }
top1 "$work/jit.out" > "$work/jit.top1"
top1 "$work/aot.out" > "$work/aot.top1"
if [ ! -s "$work/jit.top1" ]; then echo "publish-aot: the JIT build printed no predictions" >&2; cat "$work/jit.out"; exit 1; fi
if ! diff -u "$work/jit.top1" "$work/aot.top1"; then
  echo "publish-aot: FAILED: NativeAOT top-1 predictions differ from the JIT build's" >&2
  exit 1
fi
if ! diff -q <(strip "$work/jit.out") <(strip "$work/aot.out") > /dev/null; then
  echo "note: top-1 equal; lower-ranked scores differ in the last digit (float softmax on different ISAs):"
  diff <(strip "$work/jit.out") <(strip "$work/aot.out") || true
fi
echo "top-1 predictions: $(wc -l < "$work/aot.top1") image(s), identical to the JIT build"
if [ "$size" -gt "$max_bytes" ]; then
  echo "publish-aot: FAILED: binary is $size bytes, above the budget of $max_bytes" >&2
  exit 1
fi
echo "publish-aot: OK"
