#!/usr/bin/env bash
# Runs libFuzzer targets for longer than CI's 20 s (README "Fuzzing").
#
#   scripts/fuzz.sh                       list the targets
#   scripts/fuzz.sh TARGET [SECONDS]      fuzz TARGET for SECONDS (default 600); extra
#   scripts/fuzz.sh TARGET 3600 -jobs=2   arguments after SECONDS go to libFuzzer
#   scripts/fuzz.sh --long [TARGET...]    the nightly mode: every target (or those named) until
#                                         RIG_FUZZ_RUNS executions (default 1000000), each bounded
#                                         by RIG_FUZZ_MAX_SECONDS (default 7200)
#
# Builds tests/fuzz with clang into $RIG_BUILD_DIR/fuzz (default build/fuzz). fixtures/ is only read.
# One target: new inputs go to build/fuzz/corpus/TARGET, crashes to build/fuzz/artifacts/TARGET/.
# --long keeps what it learns between nights outside build/, where a rebuild does not wipe it:
# corpora in $RIG_FUZZ_CORPUS/TARGET (default ${XDG_CACHE_HOME:-~/.cache}/kernel-rig/fuzz-corpus),
# seeded from fixtures/fuzz/TARGET and fixtures/fuzz_regressions/TARGET; crash files and each
# target's log in $RIG_FUZZ_CORPUS/../fuzz-artifacts/TARGET/. It prints per target the
# executions, the corpus size before and after and any crash file, and exits 1 if any crashed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RIG_BUILD_DIR:-$here/build}/fuzz"

targets=()
for source in "$here"/tests/fuzz/fuzz_*.cpp; do
  name="$(basename "$source" .cpp)"
  targets+=("${name#fuzz_}")
done

usage() {
  echo "usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]" >&2
  echo "       scripts/fuzz.sh --long [TARGET...]" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
}

is_target() { [[ " ${targets[*]} " == *" $1 "* ]]; }

build_fuzzers() {
  cmake -D RIG_SOURCE_DIR="$here" -D FUZZ_BINARY_DIR="$build" -P "$here/tests/fuzz/build_fuzzers.cmake"
}

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

# One target to RIG_FUZZ_RUNS executions; prints its line; returns 1 on a crash.
fuzz_long() {
  local target="$1" corpus="$corpus_root/$1" artifacts="$artifacts_root/$1"
  mkdir -p "$corpus" "$artifacts"
  local log="$artifacts/last-run.log" before after runs status=0 crash
  before="$(count_files "$corpus")"
  local stamp="$artifacts/.started"
  touch "$stamp"
  local seeds=("$here/fixtures/fuzz/$target")
  [ -d "$here/fixtures/fuzz_regressions/$target" ] && seeds+=("$here/fixtures/fuzz_regressions/$target")
  # New inputs go to the first folder only: the persistent corpus, never fixtures/.
  "$build/fuzz_$target" -runs="$runs_wanted" -max_total_time="$max_seconds" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  after="$(count_files "$corpus")"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  crash="$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
             -o -name 'oom-*' \) -newer "$stamp" | head -1)"
  rm -f "$stamp"
  printf '%-12s %10s executions  corpus %d -> %d files' "$target" "${runs:-?}" "$before" "$after"
  if [ "$status" -ne 0 ] || [ -n "$crash" ]; then
    printf '  CRASH (exit %d): %s\n' "$status" "${crash:-no crash file, see $log}"
    tail -n 30 "$log" | sed 's/^/    /'
    return 1
  fi
  if [ -n "$runs" ] && [ "$runs" -lt "$runs_wanted" ]; then
    printf '  (stopped by the %d s bound)' "$max_seconds"
  fi
  printf '\n'
}

if [ "${1:-}" = "--long" ]; then
  shift
  chosen=("$@")
  [ ${#chosen[@]} -eq 0 ] && chosen=("${targets[@]}")
  for target in "${chosen[@]}"; do is_target "$target" || usage; done
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/kernel-rig"
  corpus_root="${RIG_FUZZ_CORPUS:-$cache/fuzz-corpus}"
  artifacts_root="$(dirname "$corpus_root")/fuzz-artifacts"
  runs_wanted="${RIG_FUZZ_RUNS:-1000000}"
  max_seconds="${RIG_FUZZ_MAX_SECONDS:-7200}"
  build_fuzzers
  echo "corpora: $corpus_root   crashes and logs: $artifacts_root"
  failed=0
  for target in "${chosen[@]}"; do fuzz_long "$target" || failed=1; done
  exit "$failed"
fi

if [ $# -lt 1 ] || ! is_target "$1"; then usage; fi
target="$1"
seconds="${2:-600}"
shift $(( $# >= 2 ? 2 : 1 ))

build_fuzzers
cd "$build"
exec "./fuzz_$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "$@" \
  "corpus/$target" "$here/fixtures/fuzz/$target"
