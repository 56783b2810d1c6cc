#!/usr/bin/env bash
# `buildbot checkconfig` of the shipped lab master (packaging/buildbot/master.cfg), set up by
# `rig lab master` from the sample lab file; a lab file giving one board to two benches is refused
# (exit 2, naming the board); `rig lab worker` makes a worker folder. Usage: THIS RIG LAB_SAMPLE
set -euo pipefail
rig="$1" sample="$2"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rig_lab_checkconfig.XXXXXX")"
[ -n "${RIG_KEEP_TEST_FILES:-}" ] || trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$rig" lab master "$scratch/master" --lab "$sample" > "$scratch/master.out" 2>&1 ||
  { cat "$scratch/master.out"; fail "rig lab master of the sample lab file"; }
[ -f "$scratch/master/master.cfg" ] && [ -f "$scratch/master/lab.toml" ] || fail "master.cfg/lab.toml not in place"
[ "$(stat -c %a "$scratch/master/lab.toml")" = 600 ] || fail "lab.toml (worker passwords) is not 0600"
# checkconfig again, by itself, on what the command left.
buildbot checkconfig "$scratch/master" > "$scratch/check.out" 2>&1 || { cat "$scratch/check.out"; fail "checkconfig"; }
grep -q "Config file is good" "$scratch/check.out" || { cat "$scratch/check.out"; fail "checkconfig said no good"; }

# One board on two benches: refused, naming it.
sed 's/"qemu_mps2_an386"/"nrf52dk"/' "$sample" > "$scratch/bad.toml"
status=0
"$rig" lab master "$scratch/bad" --lab "$scratch/bad.toml" > "$scratch/bad.out" 2>&1 || status=$?
[ "$status" = 2 ] || { cat "$scratch/bad.out"; fail "a board on two benches: exit $status, not 2"; }
grep -q "board nrf52dk is on two benches" "$scratch/bad.out" || { cat "$scratch/bad.out"; fail "no reason given"; }

echo "replace-me-too" > "$scratch/password"
"$rig" lab worker "$scratch/worker" --master 127.0.0.1:9989 --name bench-nrf --password-file "$scratch/password" \
  > "$scratch/worker.out" 2>&1 || { cat "$scratch/worker.out"; fail "rig lab worker"; }
grep -q "bench-nrf" "$scratch/worker/buildbot.tac" || fail "the worker's buildbot.tac does not name the bench"
# The password reaches buildbot.tac without ever being an argument of buildbot-worker, and only the
# bench's user can read it; a quote in it cannot end the Python literal early.
grep -qx "passwd = 'replace-me-too'" "$scratch/worker/buildbot.tac" || fail "buildbot.tac does not hold the password"
[ "$(stat -c %a "$scratch/worker/buildbot.tac")" = 600 ] || fail "buildbot.tac (the password) is not 0600"
printf '%s\n' "it's\\x-pä" > "$scratch/password"  # the password: it's\x-pä (UTF-8)
"$rig" lab worker "$scratch/worker" --master 127.0.0.1:9989 --name bench-nrf --password-file "$scratch/password" \
  > "$scratch/worker.out" 2>&1 || { cat "$scratch/worker.out"; fail "rig lab worker (a quote in the password)"; }
python3 - "$scratch/worker/buildbot.tac" <<'PY' || fail "buildbot.tac does not give back a password with a quote"
import sys
scope = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("passwd = "):
        exec(line, scope)
assert scope["passwd"] == "it's\\x-p\u00e4", scope["passwd"]
PY
echo "lab checkconfig: ok"
