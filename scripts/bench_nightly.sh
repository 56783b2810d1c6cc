#!/usr/bin/env bash
# Measures what `rig nightly` costs per commit on the QEMU board: in a scratch clone of this
# checkout, for 1, 3 and 10 new commits (each touches a firmware source, so each rebuilds the
# workspace's crates), a fresh history and worktree folder each time, wall-clock seconds for the
# whole night and per commit. A benchmark, not a test: run it on a quiet machine.
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

printf '%-8s %12s %14s\n' commits "seconds" "per commit"
for n in "${counts[@]}"; do
  base="$(git_in rev-parse HEAD)"
  for ((i = 1; i <= n; i++)); do
    echo "// bench_nightly: commit $i of $n ($(date +%s%N))" >> "$scratch/repo/firmware/bench/src/lib.rs"
    git_in commit --quiet -am "bench_nightly: $i of $n"
  done
  night="$scratch/night-$n"
  start=$(date +%s.%N)
  "$rig" nightly --repo "$scratch/repo" --range "$base..HEAD" --boards qemu_mps2_an386 -r 9 \
    --worktrees "$night/worktrees" --history "$night/history.sqlite" --results-dir "$night/results" \
    > "$night.log" 2>&1 || { echo "bench_nightly: the night of $n commits failed, see its log:" >&2; tail -20 "$night.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "%-8d %12.1f %14.1f\n", n, e - s, (e - s) / n }'
done
