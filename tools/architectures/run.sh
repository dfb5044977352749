#!/usr/bin/env bash
# The README's table of architectures tested: for each torchvision model (random weights, seed 0,
# opset 13), float agreement of EdgeCnn's float executor with PyTorch on the same inputs, int8
# agreement with float (the convert report: top-1 agreement and output SQNR on the calibration images),
# the wall time of `edgecnn convert --calibration-count 32`, and `edgecnn bench` latency (1 thread).
# Models that do not convert are listed as "not yet" with the converter's first error line.
#   tools/architectures/run.sh [MODEL ...]       (default: the list below)
# Needs /usr/bin/python3 with torch and torchvision, and the ImageNet samples in ../shared/datasets.
# Generated files go to tools/architectures/out/ (not committed). Prints a markdown table.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=tools/architectures/out
mkdir -p "$out"
shared=${EDGECNN_SHARED:-}
for d in ../shared ../../shared; do [ -n "$shared" ] || [ ! -d "$d/datasets" ] || shared=$(cd "$d" && pwd); done
images="$shared/datasets/imagenet-sample"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(resnet18 resnet50 mobilenet_v2 mobilenet_v3_small mobilenet_v3_large squeezenet1_0
  squeezenet1_1 googlenet mnasnet1_0 shufflenet_v2_x1_0 efficientnet_b0 regnet_y_400mf densenet121 convnext_tiny)
py=/usr/bin/python3
dotnet build -c Release -v quiet -nologo converter/EdgeCnn.Cli >/dev/null || exit 1
dotnet build -c Release -v quiet -nologo tools/architectures/FloatOutputs >/dev/null || exit 1
edgecnn() { dotnet converter/EdgeCnn.Cli/bin/Release/net10.0/edgecnn.dll "$@"; }
floats() { dotnet tools/architectures/FloatOutputs/bin/Release/net10.0/EdgeCnn.FloatOutputs.dll "$@"; }
field() { $py -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
first_error() {  # the converter's message (after any progress bars), else the log's first line
  { grep -o "edgecnn: .*" "$1" | sed 's/^edgecnn: //'; head -1 "$1"; } | grep -m1 . | sed 's/|/\\|/g' | cut -c1-140; }

echo "| model | float vs PyTorch (max rel. error, top-1) | int8 vs float (top-1, output SQNR) | convert s | bench ms (1 thread) |"
echo "|---|---|---|---|---|"
for m in "${models[@]}"; do
  [ -f "$out/$m.onnx" ] || $py tools/architectures/torchvision_models.py export "$out" "$m" >/dev/null 2>"$out/$m.export.log" \
    || { echo "| $m | export failed | | | |"; continue; }
  if floats "$out/$m.onnx" "$images" 8 "$out/$m" >"$out/$m.float.log" 2>&1; then
    read -r rel top1 < <($py tools/architectures/torchvision_models.py compare "$m" "$out/$m")
    float="$rel, $top1"
  else float="not yet: $(first_error "$out/$m.float.log")"; fi
  start=$(date +%s.%N)
  if edgecnn convert "$out/$m.onnx" -o "$out/$m.ecnn" --calibration "$images" --calibration-count 32 \
      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --report "$out/$m.report.json" >"$out/$m.convert.log" 2>&1; then
    seconds=$($py -c "print(f'{$(date +%s.%N) - $start:.1f}')")
    int8="$(field "$out/$m.report.json" top1_agreement | $py -c "print(f'{float(input()):.3f}')"), $(field "$out/$m.report.json" output_sqnr_db | $py -c "print(f'{float(input()):.1f} dB')")"
    edgecnn bench "$out/$m.ecnn" --threads 1 --runs 20 --format json >"$out/$m.bench.json" 2>/dev/null
    ms=$(field "$out/$m.bench.json" median_ms | $py -c "print(f'{float(input()):.1f}')")
    echo "| $m | $float | $int8 | $seconds | $ms |"
  else
    echo "| $m | $float | not yet: $(first_error "$out/$m.convert.log") | | |"
  fi
done
echo
echo "($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; convert wall time includes .NET start-up, 32 calibration images and the 32-image report)"
