#!/usr/bin/env bash
# ARM64 benchmark: guest instructions per inference under QEMU user mode, EdgeCnn int8 beside ONNX Runtime
# 1.30 arm64 (fp32 and int8 QDQ), on cortex-a72 (Raspberry Pi 4: NEON) and cortex-a76 (Pi 5: NEON + SDOT).
#   bench/arm64/run.sh
# Environment (all optional):
#   CPUS="cortex-a72 cortex-a76"   MODELS="mobilenet_v2 resnet18 bundled"   K=2 (extra runs per difference)
#   EDGECNN_ARM64=DIR (an already published linux-arm64 edgecnn, e.g. of another commit; default: publish this tree)
#   PEERS=1 (0: EdgeCnn only)   PROFILE=1 (0: no per-function breakdown)   TOP=12 (functions listed)
# Instruction counts are deterministic (DOTNET_TieredCompilation=0) and are not cycles: see README.md.
# Each figure is (count(1 + K runs) - count(1 run)) / K, so start-up, JIT and model loading cancel out.
# Generated files go to bench/out/ (not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
cpus=${CPUS:-cortex-a72 cortex-a76}
models=${MODELS:-mobilenet_v2 resnet18 bundled}
k=${K:-2}
peers=${PEERS:-1}
profile=${PROFILE:-1}
top=${TOP:-12}
out=bench/out
arm=$out/arm64
shared=${EDGECNN_SHARED:-$(cd .. && pwd)/shared}
calibration="$shared/datasets/imagenet-sample"
mkdir -p "$arm"

export DOTNET_TieredCompilation=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
# W^X off: with it the runtime writes new code through a second mapping that qemu's translation cache does
# not see, and stale code runs now and then (seen: "tensor[37].name = null" loading a valid model, a
# NullReferenceException, SIGILL). tools/arm64/run-tests.sh sets the same for the test legs.
export DOTNET_EnableWriteXorExecute=0
export ICOUNT_PLUGIN=$arm/libicount.so
[ "$ICOUNT_PLUGIN" -nt "$here/tools/icount.c" ] || gcc -O2 -shared -fPIC -o "$ICOUNT_PLUGIN" "$here/tools/icount.c"

# The peer: ONNX Runtime's linux-arm64 library from the npm package, the C header from the NuGet package.
ort_lib=$here/ort/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64
ort_inc=$arm/ort-include
if [ "$peers" = 1 ]; then
  if [ ! -f "$ort_lib/libonnxruntime.so.1" ]; then
    mkdir -p "$here/ort"
    (cd "$here/ort" && npm install --ignore-scripts --no-audit --no-fund --prefix . onnxruntime-node@1.30.0 >/dev/null)
  fi
  if [ ! -f "$ort_inc/onnxruntime_c_api.h" ]; then
    # The C header ships in the NuGet package: restore it with the ordinary client into a local folder.
    mkdir -p "$arm/ort-header"
    printf '%s\n' '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>' \
      '<ItemGroup><PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.30.0" /></ItemGroup></Project>' \
      > "$arm/ort-header/OrtHeader.csproj"
    dotnet restore "$arm/ort-header/OrtHeader.csproj" --packages "$arm/nuget" -v quiet >/dev/null
    mkdir -p "$ort_inc"
    cp "$arm/nuget/microsoft.ml.onnxruntime/1.30.0/build/native/include/"*.h "$ort_inc/"
  fi
  [ "$arm/ort_driver" -nt "$here/tools/ort_driver.c" ] || aarch64-linux-gnu-gcc -O2 -I"$ort_inc" -o "$arm/ort_driver" \
    "$here/tools/ort_driver.c" -L"$ort_lib" -l:libonnxruntime.so.1 -Wl,-rpath,"$(cd "$ort_lib" && pwd)" -Wl,--export-dynamic
fi

# EdgeCnn for the board (JIT, self-contained) and for this machine (to convert the models).
edgecnn_arm=${EDGECNN_ARM64:-$arm/edgecnn}
[ -n "${EDGECNN_ARM64:-}" ] || dotnet publish converter/EdgeCnn.Cli -c Release -r linux-arm64 --self-contained -o "$arm/edgecnn" -v quiet -nologo >/dev/null
dotnet build converter/EdgeCnn.Cli -c Release -v quiet -nologo >/dev/null
edgecnn_host() { dotnet converter/EdgeCnn.Cli/bin/Release/net10.0/edgecnn.dll "$@"; }
for m in mobilenet_v2 resnet18; do
  [[ " $models " == *" $m "* ]] || continue
  [ -f "$out/$m.onnx" ] || /usr/bin/python3 tools/export/export_torchvision.py "$out" --models "$m" >/dev/null
  [ -f "$out/$m.ecnn" ] || edgecnn_host convert "$out/$m.onnx" -o "$out/$m.ecnn" --calibration "$calibration" \
    --calibration-count 16 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 >/dev/null 2>&1
done

# model name -> EdgeCnn file and ONNX peers. The bundled model (TFLite MobileNet v2 1.0 224 quant) has no
# ONNX copy of its own; its peer is torchvision MobileNetV2, the same architecture (1000 vs 1001 classes).
ecnn_of() { case $1 in bundled) echo models/mobilenet_v2_1.0_224_quant.ecnn ;; *) echo "$out/$1.ecnn" ;; esac; }
onnx_of() { case $1 in bundled) echo "$out/mobilenet_v2" ;; *) echo "$out/$1" ;; esac; }
macs_of() { edgecnn_host bench "$1" --runs 1 --warmup 0 --warmup-ms 0 --format json 2>/dev/null |
  /usr/bin/python3 -c "import json,sys; s=sys.stdin.read(); print(json.loads(s[s.index('{'):])['macs'])"; }

# "instructions sdot" per inference, in millions
count() { "$here/tools/per-run.sh" "$@" | sed -E 's/.*: ([0-9.]+) M instructions per run, ([0-9.]+) M SDOT.*/\1 \2/'; }
edge_count() { count "$1" "$k" "$edgecnn_arm/edgecnn" bench "$2" --threads 1 --runs 1 --warmup '{N}' --warmup-ms 0; }
# The driver shows ONNX Runtime an ARM /proc/cpuinfo with the emulated core's part number (see ort_driver.c).
cpu_part() { case $1 in cortex-a72) echo 0xd08 ;; cortex-a76) echo 0xd0b ;; *) echo 0xd08 ;; esac; }
ort_count() { ORT_DRIVER_CPU_PART=$(cpu_part "$1") count "$1" "$k" "$arm/ort_driver" "$2" '{N}' 1; }

# Per-function breakdown of EdgeCnn: two runs with a per-block histogram and .NET perf maps.
breakdown() {
  local cpu=$1 model=$2 dir
  dir=$(mktemp -d)
  for n in 1 $((k + 1)); do
    mkdir -p "$dir/map$n"
    for try in 1 2 3; do   # qemu-user now and then kills the process: retry, as per-run.sh does
      rm -f "$dir"/map$n/perf-*.map
      DOTNET_PerfMapEnabled=1 DOTNET_PerfMapJitDumpPath="$dir/map$n" qemu-aarch64 -cpu "$cpu" -plugin "$ICOUNT_PLUGIN,hist=$dir/run$n.txt" \
        "$edgecnn_arm/edgecnn" bench "$model" --threads 1 --runs 1 --warmup $n --warmup-ms 0 >/dev/null 2>&1 && break
      [ "$try" = 3 ] && { echo "breakdown run failed 3 times: $model on $cpu" >&2; return 1; }
    done
    cat "$dir"/map$n/perf-*.map > "$dir/run$n.perfmap"
  done
  /usr/bin/python3 "$here/tools/attribute.py" "$k" "$dir/run1" "$dir/run$((k + 1))" | head -n $((top + 1))
  rm -rf "$dir"
}

ratio() { /usr/bin/python3 -c "print(f'{$1/$2:.2f}')"; }
echo "| model | CPU | EdgeCnn int8 M instr | ORT fp32 M instr | ORT int8 QDQ M instr | EdgeCnn / ORT fp32 | EdgeCnn / ORT int8 | EdgeCnn SDOT M (MACs per SDOT) | ORT int8 SDOT M |"
echo "|---|---|---|---|---|---|---|---|---|"
for m in $models; do
  ecnn=$(ecnn_of "$m") onnx=$(onnx_of "$m")
  macs=$(macs_of "$ecnn")
  for cpu in $cpus; do
    read -r e es < <(edge_count "$cpu" "$ecnn")
    f=- q=- qs=- rf=- rq=-
    if [ "$peers" = 1 ]; then
      read -r f _ < <(ort_count "$cpu" "$onnx.onnx")
      read -r q qs < <(ort_count "$cpu" "${onnx}_qdq.onnx")
      rf=$(ratio "$e" "$f") rq=$(ratio "$e" "$q")
    fi
    mps=-; [ "$es" != 0.000 ] && mps=$(/usr/bin/python3 -c "print(f'{$macs/($es*1e6):.1f}')")
    echo "| $m | $cpu | $e | $f | $q | $rf | $rq | $es ($mps) | $qs |"
  done
done
echo
echo "(guest instructions per inference under qemu-aarch64 $(qemu-aarch64 --version | head -1 | awk '{print $3}'), one thread, (count(1+$k) - count(1)) / $k; $(date -u +%Y-%m-%d))"

if [ "$profile" = 1 ]; then
  for m in $models; do
    for cpu in $cpus; do
      echo
      echo "EdgeCnn $m on $cpu, by function:"
      breakdown "$cpu" "$(ecnn_of "$m")"
    done
  done
fi
