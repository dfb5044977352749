#!/usr/bin/env bash
# Remakes tests/EdgeCnn.Runtime.Tests/Golden/Data/golden_net.ecnn: exports the small network of
# export_golden_net.py to ONNX (/usr/bin/python3 with Debian's python3-torch) and converts it with
# `edgecnn convert`, calibrated on the bundled sample photos. The .ecnn is committed so that converter
# changes never move the golden hashes; run this only to change the golden model on purpose, then
# update Golden/Data/golden-sha256.tsv from the failing test's message (it prints every hash it made).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/tools/golden/export_golden_net.py" "$work/golden_net.onnx"
dotnet run -c Release --project "$root/converter/EdgeCnn.Cli" -- convert "$work/golden_net.onnx" \
  -o "$root/tests/EdgeCnn.Runtime.Tests/Golden/Data/golden_net.ecnn" --calibration "$root/models/samples"
