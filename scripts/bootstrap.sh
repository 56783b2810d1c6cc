#!/usr/bin/env bash
# Installs everything kernel-rig needs on a fresh Debian 12 machine, then configures and
# builds host and firmware. Idempotent: when every package is present it only rebuilds.
#
#   scripts/bootstrap.sh            install + configure + build
#   scripts/bootstrap.sh --deps     install packages only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# One list, used by the README's both commands and by CI. Why each is here:
packages=(
  # host build
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev  # Boost 1.74: Asio (UART over TCP, serial ports)
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsqlite3-dev
  libssl-dev                                # SHA-256 of firmware images
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzz targets (tests/fuzz): clang for libFuzzer; libclang-rt-14-dev holds the fuzzer and
  # sanitizer runtimes, only *recommended* by clang-14, so --no-install-recommends skips it
  clang libclang-rt-14-dev
  libbenchmark-tools python3-scipy python3-numpy   # Google Benchmark's compare.py and its deps
  # firmware: Debian's Rust with std sources (offline build-std), ARM binutils + C baseline
  rustc-web cargo-web rust-web-src gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
  # the virtual board, real probes and the reference GDB client
  qemu-system-arm openocd gdb-multiarch
  python3-pyocd                             # pyOCD 0.13 (pyocd-gdbserver): the pyOCD probe's real program
  # rig report: Chart.js inlined into the HTML (offline); headless Chromium for the report test
  libjs-chart.js chromium
  # lints the test command runs: clippy and rustfmt for rustc-web, clang-format/clang-tidy 14
  rust-web-clippy rustfmt-web clang-format clang-tidy
  # a lab of many benches: the Buildbot master and worker (packaging/buildbot/)
  buildbot buildbot-worker
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "bootstrap: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "bootstrap: all ${#packages[@]} Debian packages present"
fi

[ "${1:-}" = "--deps" ] && exit 0

cd "$here"
cmake --preset default
cmake --build --preset default
