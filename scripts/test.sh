#!/usr/bin/env bash
# README command 2: installs what is missing, builds, and runs every test (CTest: GoogleTest unit
# tests, firmware host tests, integration tests against real QEMU). Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/bootstrap.sh"
cd "$here"
ctest --preset default "$@"
