#!/usr/bin/env bash
# README command 2: installs what is missing, builds, and runs every test (CTest: GoogleTest unit
# tests, firmware host tests, integration tests against real QEMU, fuzzing), then the unit and
# integration tests again built with ASan + UBSan (preset asan, build/asan). Exits non-zero on any
# failure. Arguments go to both ctest runs (e.g. `scripts/test.sh -L unit`); RIG_SKIP_ASAN=1 skips
# the sanitizer pass for a quick local run (CI never sets it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/bootstrap.sh"
cd "$here"
# Tests run $RIG_TEST_JOBS at a time (default: the number of cores): most integration tests wait on
# QEMU, OpenOCD or a socket, so they overlap with the CPU-bound lint and fuzz tests. Tests that must
# not share the machine are RUN_SERIAL in their CMakeLists.
jobs="${RIG_TEST_JOBS:-$(nproc)}"
ctest --preset default -j "$jobs" "$@"
[ "${RIG_SKIP_ASAN:-0}" = 1 ] && exit 0

echo "test: the sanitizer pass (ASan + UBSan): configure and build build/asan, then ctest --preset asan"
cmake --preset asan >/dev/null
cmake --build --preset asan
# A filter meant for the default tree may select nothing here (-L firmware, -L fuzz, -L lint): not an error.
no_tests=()
(($#)) && no_tests=(--no-tests=ignore)
ctest --preset asan -j "$jobs" "${no_tests[@]}" "$@"
