#!/usr/bin/env bash
# Measures what `rig nightly` costs per commit on the QEMU board: in a scratch clone of this
# checkout, for 1, 3 and 10 new commits (each touches a firmware source, so each rebuilds the
# benchmark crate, the board crate and the image), wall-clock seconds for the whole night and per
# commit, with a fresh history each time. The worktrees folder is kept from night to night, as a
# real nightly keeps it: a first night (one commit, reported on its own line) builds `core` and
# `compiler_builtins` and the build tree once; the counted nights pay only what each commit
# changes. A benchmark, not a test: run it on a quiet machine; it prints the load average.
#
#   scripts/bench_nightly.sh            # 1, 3 and 10 commits
#   scripts/bench_nightly.sh 2 5        # other counts
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rig="$here/build/bin/rig"
[ -x "$rig" ] || { echo "bench_nightly: build first (scripts/bootstrap.sh)" >&2; exit 2; }
counts=("$@")
((${#counts[@]})) || counts=(1 3 10)

scratch="$(mktemp -d "${TMPDIR:-/tmp}/rig-bench-nightly-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
git clone --quiet "$here" "$scratch/repo"
git_in() { git -C "$scratch/repo" -c user.name="rig bench" -c user.email=bench@example.invalid "$@"; }
worktrees="$scratch/worktrees"

# One night over the commits after $1; prints its seconds.
night() {
  local base="$1" name="$2" start end
  start=$(date +%s.%N)
  "$rig" nightly --repo "$scratch/repo" --range "$base..HEAD" --boards qemu_mps2_an386 -r 9 \
    --worktrees "$worktrees" --history "$scratch/$name.sqlite" --results-dir "$scratch/$name-results" \
    > "$scratch/$name.log" 2>&1 || { echo "bench_nightly: the night $name failed, see its log:" >&2; tail -20 "$scratch/$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }'
}

commit_n() {  # $1 new commits, each touching a firmware source
  for ((i = 1; i <= $1; i++)); do
    echo "// bench_nightly: commit $i of $1 ($(date +%s%N))" >> "$scratch/repo/firmware/bench/src/lib.rs"
    git_in commit --quiet -am "bench_nightly: $i of $1"
  done
}

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
base="$(git_in rev-parse HEAD)"
commit_n 1
first="$(night "$base" first)"
echo "first night (1 commit; builds core, compiler_builtins and the build tree once): $first s"

printf '%-8s %12s %14s\n' commits "seconds" "per commit"
for n in "${counts[@]}"; do
  base="$(git_in rev-parse HEAD)"
  commit_n "$n"
  seconds="$(night "$base" "night-$n")"
  awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%-8d %12.1f %14.1f\n", n, s, s / n }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
