#!/bin/sh
# End-to-end check of issue 12's networks: export torchvision MobileNetV3-Small, ShuffleNetV2 x1.0 and
# ConvNeXt-Tiny (random weights, seed 0, opset 13), convert each with `edgecnn convert` calibrating on
# photos of the ImageNet sample, and print the convert report's float-vs-int8 top-1 agreement and
# output SQNR on those photos.
#
#   tools/export/check_networks.sh OUT_DIR [COUNT] [MODELS]
#
# COUNT: calibration photos (default 8; ConvNeXt-Tiny takes minutes per photo in the float executor on
# a loaded 2-core machine). MODELS: comma-separated (default all three). Photos: $EDGECNN_IMAGENET or
# ../shared/datasets/imagenet-sample.
set -eu
out=${1:?usage: check_networks.sh OUT_DIR [COUNT] [MODELS]}
count=${2:-8}
models=${3:-mobilenet_v3_small,shufflenet_v2_x1_0,convnext_tiny}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
photos=${EDGECNN_IMAGENET:-$root/../shared/datasets/imagenet-sample}
[ -d "$photos" ] || photos=/work/shared/datasets/imagenet-sample
mkdir -p "$out"
/usr/bin/python3 "$here/export_networks.py" "$out" --models "$models"
dotnet build "$root/converter/EdgeCnn.Cli/EdgeCnn.Cli.csproj" -c Release -v q -nologo >/dev/null
cli="$root/converter/EdgeCnn.Cli/bin/Release/net10.0/edgecnn"
for m in $(echo "$models" | tr ',' ' '); do
    start=$(date +%s)
    "$cli" convert "$out/$m.onnx" -o "$out/$m.ecnn" --calibration "$photos" --calibration-count "$count" \
        --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 > "$out/$m.log" 2>&1 || { echo "$m: convert failed:"; tail -n 3 "$out/$m.log"; continue; }
    end=$(date +%s)
    echo "$m: $(grep -E 'top-1 agreement' "$out/$m.log") ($((end - start)) s; $(grep -E '^wrote' "$out/$m.log" | sed 's/.*: //'))"
done
