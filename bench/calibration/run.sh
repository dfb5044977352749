#!/usr/bin/env bash
# Calibration speed against ONNX Runtime fp32 inference, in the same run (issue 12, item 5):
#   bench/calibration/run.sh [IMAGES]      (default 32)
# For torchvision ResNet-18 and MobileNetV2 (random weights, exported by tools/export): the calibration
# cost per image of EdgeCnn's float executor (all cores, images in parallel; JPEG decode and
# preprocessing included) beside ORT fp32 inference per image with as many threads, as wall and CPU
# milliseconds (CPU time is the steadier figure on a shared machine), and the wall time of the whole
# `edgecnn convert --calibration-count IMAGES` (start-up, import, calibration, lowering, the report).
set -euo pipefail
cd "$(dirname "$0")/../.."
images=${1:-32}
out=bench/out
mkdir -p "$out"
shared=${EDGECNN_SHARED:-}
for d in ../shared ../../shared; do [ -n "$shared" ] || [ ! -d "$d/datasets" ] || shared=$(cd "$d" && pwd); done
folder="$shared/datasets/imagenet-sample"
threads=$(nproc)

if [ ! -d bench/node_modules/onnxruntime-node ]; then
  (cd bench && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30.0 >/dev/null)
fi
for m in mobilenet_v2 resnet18; do
  [ -f "$out/$m.onnx" ] || /usr/bin/python3 tools/export/export_torchvision.py "$out" --models "$m" >/dev/null
done
dotnet build -c Release -v quiet -nologo converter/EdgeCnn.Cli >/dev/null
dotnet build -c Release -v quiet -nologo bench/calibration >/dev/null
ours() { dotnet bench/calibration/bin/Release/net10.0/EdgeCnn.CalibrationBench.dll "$@"; }
ort() { NODE_PATH=bench/node_modules node bench/calibration/ort_fp32.js "$@"; }
get() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
ratio() { /usr/bin/python3 -c "print(f'{$1/$2:.1f}')"; }

echo "| model | EdgeCnn calibration ms/image (wall / CPU) | ORT fp32 ms/image (wall / CPU) | ratio (wall, CPU) | edgecnn convert s |"
echo "|---|---|---|---|---|"
for m in resnet18 mobilenet_v2; do
  e=$(ours "$out/$m.onnx" "$folder" "$images" "$threads")
  o=$(ort "$out/$m.onnx" "$threads" "$images")
  ew=$(get "$e" wall_ms_per_image); ec=$(get "$e" cpu_ms_per_image)
  ow=$(get "$o" wall_ms_per_image); oc=$(get "$o" cpu_ms_per_image)
  start=$(date +%s.%N)
  dotnet converter/EdgeCnn.Cli/bin/Release/net10.0/edgecnn.dll convert "$out/$m.onnx" -o "$out/$m.calibrated.ecnn" \
    --calibration "$folder" --calibration-count "$images" --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 >/dev/null 2>&1
  seconds=$(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
  echo "| $m | $ew / $ec | $ow / $oc | $(ratio "$ew" "$ow"), $(ratio "$ec" "$oc") | $seconds |"
done
echo
echo "($images images, $threads threads each side, $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
