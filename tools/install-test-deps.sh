#!/usr/bin/env bash
# Installs, once, the system packages ./test.sh uses on a fresh Debian 12 machine (x64). Safe to run
# again; skips what is present.
#   x64 tests:      libturbojpeg0 (JPEG), dataset-fashion-mnist, gcc + the arm64 kernel headers (ABI probe)
#   arm64 legs:     qemu-user (qemu-aarch64) and Debian's multiarch arm64 libraries the self-contained
#                   linux-arm64 test executable loads: libc6 libssl3 libicu72 libturbojpeg0 (:arm64)
#   NativeAOT arm64: clang + lld (cross linker) and gcc-aarch64-linux-gnu (arm64 crt files, libgcc, objcopy)
set -euo pipefail
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
arch=$(dpkg --print-architecture)
packages=(libturbojpeg0 dataset-fashion-mnist gcc gcc-aarch64-linux-gnu linux-libc-dev linux-libc-dev-arm64-cross
          qemu-user clang lld)
if [ "$arch" != arm64 ]; then
  # The arm64 legs run linux-arm64 binaries under qemu-aarch64 with the host's root: the arm64 loader and
  # libraries come from Debian's multiarch packages (no QEMU_LD_PREFIX: .NET hangs with it).
  packages+=(libc6:arm64 libssl3:arm64 libicu72:arm64 libturbojpeg0:arm64)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "adding the arm64 architecture to dpkg"
    $sudo_cmd dpkg --add-architecture arm64
    added_arch=1
  fi
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ -n "${added_arch:-}" ]; then
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
