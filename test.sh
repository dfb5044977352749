#!/usr/bin/env bash
# EdgeCnn test command: installs what the tests need on a fresh Debian / Raspberry Pi OS machine,
# then runs every test project and prints the runner's summary.
set -uo pipefail
cd "$(dirname "$0")"
bash tools/install-test-deps.sh || { echo "test.sh: installing test dependencies failed"; exit 1; }
# The NativeAOT proof (issue 6): publish CameraClassifier for linux-x64 and compare it with the JIT build.
export EDGECNN_AOT_TEST=${EDGECNN_AOT_TEST:-1}
log=$(mktemp)
dotnet test EdgeCnn.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
bash tools/summarize-tests.sh "$log"
exit "$status"
