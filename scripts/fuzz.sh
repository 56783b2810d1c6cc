#!/usr/bin/env bash
# Runs one libFuzzer target for longer than CI's 20 s (README "Fuzzing").
#
#   scripts/fuzz.sh                       list the targets
#   scripts/fuzz.sh TARGET [SECONDS]      fuzz TARGET for SECONDS (default 600); extra
#   scripts/fuzz.sh TARGET 3600 -jobs=2   arguments after SECONDS go to libFuzzer
#
# Builds tests/fuzz with clang into $RIG_BUILD_DIR/fuzz (default build/fuzz). New inputs go to
# build/fuzz/corpus/TARGET, crashes to build/fuzz/artifacts/TARGET/; fixtures/ is only read.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RIG_BUILD_DIR:-$here/build}/fuzz"

targets=()
for source in "$here"/tests/fuzz/fuzz_*.cpp; do
  name="$(basename "$source" .cpp)"
  targets+=("${name#fuzz_}")
done
if [ $# -lt 1 ] || [[ ! " ${targets[*]} " =~ " $1 " ]]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
fi
target="$1"
seconds="${2:-600}"
shift $(( $# >= 2 ? 2 : 1 ))

cmake -D RIG_SOURCE_DIR="$here" -D FUZZ_BINARY_DIR="$build" -P "$here/tests/fuzz/build_fuzzers.cmake"
cd "$build"
exec "./fuzz_$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "$@" \
  "corpus/$target" "$here/fixtures/fuzz/$target"
