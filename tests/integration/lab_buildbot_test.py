#!/usr/bin/python3
"""A lab of two benches, all real: a Buildbot master (packaging/buildbot/master.cfg, set up by
`rig lab master`) and two Buildbot workers on loopback, each bench with its own rigd owning one
QEMU board under its own name (qemu_lab_a on bench-a, qemu_lab_b on bench-b, board files copied
through RIG_BOARDS_PATH). A scratch clone gets 3 new commits; `buildbot sendchange` asks both
boards to measure them. Bench A's worker is killed (with everything it started) while it builds
the second commit's firmware; it comes back and a second sendchange (no range: `--since-last`)
runs both boards again. Checked:

  - every (commit, board) pair is measured exactly once and is in the lab's central history once;
  - the two boards' builds ran at the same time, on different workers;
  - no board ever ran two jobs at once: Buildbot's builds of a board never overlap, nor do the
    holds and jobs of its rigd (a job a bench user submitted meanwhile included);
  - the killed build failed, saying its bench went down; the rerun measured the commits it
    missed, and imported bench B's files a second time without storing them twice;
  - the lab report was written.

Usage: lab_buildbot_test.py RIG RIGD SOURCE_DIR FIRMWARE_TARGET_DIR
The firmware of each commit is built by the nightly; each board's cargo target folder is seeded
with a copy of the build's (FIRMWARE_TARGET_DIR), so `core` is not built again."""

import bz2
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib

rig, rigd, source, firmware_target = (pathlib.Path(a).resolve() for a in sys.argv[1:5])
started = time.monotonic()
LIMIT = 540  # seconds for the whole test: CTest's timeout is a little longer
scratch = pathlib.Path(tempfile.mkdtemp(prefix="rig_lab_", dir="/tmp"))
processes = {}  # name -> Popen, each in its own session (its own process group)
failures = []


def log(message):
    print(f"[{time.monotonic() - started:6.1f} s] {message}", flush=True)


def check(condition, message):
    if not condition:
        failures.append(message)
        log("FAIL: " + message)
    return condition


def left():
    remaining = LIMIT - (time.monotonic() - started)
    if remaining <= 0:
        raise TimeoutError(f"the test ran out of its {LIMIT} s")
    return remaining


def wait_for(what, predicate, timeout, step=0.2):
    deadline = time.monotonic() + min(timeout, left())
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"waited {timeout} s for {what}")


def run(argv, **kwargs):
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=min(180, left()), **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, argv, env=None):
    out = open(scratch / f"{name}.out", "w")
    processes[name] = subprocess.Popen([str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT,
                                       env=env, start_new_session=True)


def descendants(pid):
    """Every process started by `pid`, however deep (Buildbot starts its commands in their own
    process groups, so the group alone does not reach them)."""
    children = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(name):
    """SIGKILL for a process this test started and everything below it: a bench losing power."""
    p = processes.pop(name, None)
    if p is None:
        return
    for _ in range(3):  # a child forked while we walked is caught the next time round
        for pid in [p.pid] + descendants(p.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    p.wait()


def stop(name):
    p = processes.get(name)
    if p is None:
        return
    tree = descendants(p.pid)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    processes[name] = p
    kill_tree(name)  # whatever is left of it
    for pid in tree:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---- Master database (Buildbot's own record of builds) ------------------------------------------
def master_db():
    db = sqlite3.connect(f"file:{scratch / 'master' / 'state.sqlite'}?mode=ro", uri=True, timeout=10)
    db.row_factory = sqlite3.Row
    return db


def builds(board=None):
    with master_db() as db:
        rows = db.execute(
            "SELECT b.id, b.number, bl.name AS builder, w.name AS worker, b.started_at, b.complete_at, b.results,"
            " b.state_string FROM builds b JOIN builders bl ON bl.id = b.builderid"
            " LEFT JOIN workers w ON w.id = b.workerid ORDER BY b.id").fetchall()
    return [dict(r) for r in rows if board is None or r["builder"] == board]


def connected_workers():
    try:
        with master_db() as db:
            return {r[0] for r in db.execute(
                "SELECT w.name FROM connected_workers c JOIN workers w ON w.id = c.workerid")}
    except sqlite3.Error:
        return set()


def finished_builds(board, count):
    done = [b for b in builds(board) if b["complete_at"] is not None]
    return done if len(done) >= count else None


SUCCESS, WARNINGS, FAILURE = 0, 1, 2


def sendchange(*properties):
    argv = ["buildbot", "sendchange", "--master", f"127.0.0.1:{port}", "--auth", "lab:lab-test",
            "--who", "lab test", "--vc", "git", "--branch", "main", "--comments", "lab test"]
    for p in properties:
        argv += ["--property", p]
    run(argv)


def history_pairs(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT board, git_commit, count(*) FROM runs GROUP BY board, git_commit").fetchall()


def log_text(content, compressed):
    """A Buildbot log chunk: raw, zlib (1) or bz2 (2) compressed."""
    if compressed == 1:
        content = zlib.decompress(content)
    elif compressed == 2:
        content = bz2.decompress(content)
    return content.decode(errors="replace") if isinstance(content, bytes) else content


def rigd_jobs(bench):
    text = (scratch / bench / "rigd-results" / "rigd" / "queue.json").read_text()
    doc = json.loads(text)
    return doc["jobs"] if isinstance(doc, dict) else doc


try:
    for program in ("buildbot", "buildbot-worker", "git", "qemu-system-arm"):
        if shutil.which(program) is None:
            raise RuntimeError(f"{program} is not installed: run scripts/bootstrap.sh --deps")

    # ---- The repository: a clone of this checkout's HEAD, then 3 commits of its own ----------------
    repo = scratch / "repo"
    run(["git", "clone", "--quiet", source, repo])
    git = ["git", "-C", repo, "-c", "user.name=lab test", "-c", "user.email=lab@example.invalid"]
    run(git + ["checkout", "--quiet", "-B", "main"])
    base = run(git + ["rev-parse", "HEAD"]).strip()
    commits = []
    for i in range(1, 4):
        with open(repo / "firmware" / "bench" / "src" / "lib.rs", "a") as f:
            f.write(f"// lab test: commit {i} of 3\n")
        run(git + ["commit", "--quiet", "-am", f"lab test: commit {i} of 3"])
        commits.append(run(git + ["rev-parse", "--short=12", "HEAD"]).strip())
    log(f"commits {commits} after {base[:12]}")

    # ---- Two benches: board files, rigd, a seeded cargo target per board ----------------------------
    port = free_port()
    board_text = (source / "boards" / "qemu_mps2_an386.toml").read_text()
    image = firmware_target / "thumbv7em-none-eabi" / "release" / "qemu_mps2_an386"
    benches = {"bench-a": "qemu_lab_a", "bench-b": "qemu_lab_b"}
    env_of = {}
    for bench, board in benches.items():
        home = scratch / bench
        (home / "boards").mkdir(parents=True)
        text = board_text.replace('\nname = "qemu_mps2_an386"',
                                  f'\nname = "{board}"\nfirmware_board = "qemu_mps2_an386"', 1)
        assert text != board_text, "boards/qemu_mps2_an386.toml changed: update this test"
        (home / "boards" / f"{board}.toml").write_text(text)
        env = dict(os.environ, RIG_BOARDS_PATH=str(home / "boards"))
        env.pop("RUSTUP_TOOLCHAIN", None)
        env_of[bench] = env
        # --image: rigd's own jobs (a bench user's) run the build's QEMU image.
        start(f"rigd-{bench}", [rigd, "--socket", home / "rigd.sock", "--boards", board, "--results-dir",
                                home / "rigd-results", "--health-interval", "0", "--image", image], env=env)
        (home / "password").write_text(f"pw-{bench}\n")
        seeded = home / "worker" / board / "build" / "worktrees" / "cargo-target"
        seeded.parent.mkdir(parents=True)
        run(["cp", "-a", firmware_target, seeded])

    # ---- The master, from a lab file, by `rig lab master` -----------------------------------------
    central = scratch / "central"
    lab = f'''
[lab]
name = "lab test"
repo = "{repo}"
branches = ["main"]
nightly = "03:17"
repetitions = 3
port = {port}
interface = "127.0.0.1"
change_user = "lab"
change_password = "lab-test"

[master]
rig = "{rig}"
results = "{central}"
repo = "{repo}"
''' + "".join(f'''
[[bench]]
name = "{bench}"
password = "pw-{bench}"
boards = ["{board}"]
rig = "{rig}"
socket = "{scratch / bench / 'rigd.sock'}"
''' for bench, board in benches.items())
    (scratch / "lab.toml").write_text(lab)
    run([rig, "lab", "master", scratch / "master", "--lab", scratch / "lab.toml"])
    start("master", ["buildbot", "start", "--nodaemon", scratch / "master"])
    wait_for("the master's port", lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 120)
    for bench in benches:
        run([rig, "lab", "worker", scratch / bench / "worker", "--master", f"127.0.0.1:{port}", "--name", bench,
             "--password-file", scratch / bench / "password"])
        start(f"worker-{bench}", ["buildbot-worker", "start", "--nodaemon", scratch / bench / "worker"],
              env=env_of[bench])
    wait_for("both workers to attach", lambda: connected_workers() >= set(benches), 120)
    log("master and both workers up")

    # ---- Night 1: the 3 commits on both boards; bench A goes down building the second ------------
    sendchange(f"range:{base}..HEAD")
    a_tree = scratch / "bench-a" / "worker" / "qemu_lab_a" / "build" / "worktrees" / commits[1]
    # The nightly measures a commit while it builds the next: kill once the first is stored and the
    # second's build has begun, so the rerun has a last measured commit to resume after.
    a_first_result = scratch / "bench-a" / "worker" / "qemu_lab_a" / "build" / "results" / "qemu_lab_a" / f"{commits[0]}.json"
    wait_for(f"bench A to store {commits[0]} and start building {commits[1]}",
             lambda: a_first_result.exists() and a_tree.exists(), 300, step=0.05)
    kill_tree("worker-bench-a")
    log(f"bench A's worker killed while building {commits[1]}")
    # A bench user's job on board B, in the same rigd queue as the lab's holds.
    user_job = run([rig, "submit", "--socket", scratch / "bench-b" / "rigd.sock", "-b", "qemu_lab_b", "-r", "2",
                    "-f", "cell/"], env=env_of["bench-b"])
    log(f"a bench user's job on qemu_lab_b: {user_job.strip()}")

    a_first = wait_for("bench A's build to end", lambda: finished_builds("qemu_lab_a", 1), 120)[0]
    check(a_first["results"] == FAILURE, f"the build whose bench went down: results {a_first['results']}, not FAILURE")
    check("bench bench-a went down" in (a_first["state_string"] or ""),
          f"the failed build does not name its cause: {a_first['state_string']!r}")
    b_first = wait_for("bench B's build to end", lambda: finished_builds("qemu_lab_b", 1), 300)[0]
    check(b_first["results"] == SUCCESS, f"bench B's build: results {b_first['results']} ({b_first['state_string']})")
    check(a_first["worker"] == "bench-a" and b_first["worker"] == "bench-b",
          f"builds on workers {a_first['worker']}, {b_first['worker']}")
    check(a_first["started_at"] < b_first["complete_at"] and b_first["started_at"] < a_first["complete_at"],
          f"the boards did not run at the same time: A {a_first['started_at']}-{a_first['complete_at']}, "
          f"B {b_first['started_at']}-{b_first['complete_at']}")
    log(f"night 1: A failed ({a_first['state_string']}), B done")

    # ---- Night 2: bench A is back; both boards since their last measured commit ------------------
    start("worker-bench-a", ["buildbot-worker", "start", "--nodaemon", scratch / "bench-a" / "worker"],
          env=env_of["bench-a"])
    wait_for("bench A to attach again", lambda: "bench-a" in connected_workers(), 120)
    sendchange()
    a_second = wait_for("bench A's rerun", lambda: finished_builds("qemu_lab_a", 2), 300)[1]
    b_second = wait_for("bench B's rerun", lambda: finished_builds("qemu_lab_b", 2), 120)[1]
    check(a_second["results"] == SUCCESS, f"bench A's rerun: {a_second['results']} ({a_second['state_string']})")
    check(b_second["results"] == SUCCESS, f"bench B's rerun: {b_second['results']} ({b_second['state_string']})")
    log("night 2 done")
    with master_db() as db:
        for content, compressed in db.execute(
                "SELECT lc.content, lc.compressed FROM logchunks lc JOIN logs l ON l.id = lc.logid"
                " JOIN steps s ON s.id = l.stepid WHERE s.name = 'nightly' AND s.buildid = ?", (a_second["id"],)):
            for line in log_text(content, compressed).splitlines():
                if "worktree" in line or "FAILED" in line:
                    log("bench A's rerun said: " + line[1:])

    # ---- What was stored ---------------------------------------------------------------------------
    expected = {(board, c) for board in benches.values() for c in commits}
    central_rows = history_pairs(central / "history.sqlite")
    check({(b, c) for b, c, _ in central_rows} == expected,
          f"central history holds {sorted((b, c) for b, c, _ in central_rows)}, not {sorted(expected)}")
    check(all(n == 1 for _, _, n in central_rows), f"a pair stored twice centrally: {central_rows}")
    for bench, board in benches.items():
        rows = history_pairs(scratch / bench / "worker" / board / "build" / "results" / "history.sqlite")
        check(sorted(rows) == sorted((board, c, 1) for c in commits),
              f"bench {bench} measured {rows}, not each commit once")
    check((central / "report.html").stat().st_size > 0, "no lab report")
    import_logs = []
    with master_db() as db:
        for content, compressed in db.execute(
                "SELECT lc.content, lc.compressed FROM logchunks lc JOIN logs l ON l.id = lc.logid JOIN steps s ON s.id = l.stepid"
                " WHERE s.name = 'import'"):
            import_logs.append(log_text(content, compressed))
    check(any("already in the history" in text for text in import_logs),
          "no import met a file it had stored already (bench B's rerun sends its files again)")

    # ---- No board ran two jobs at once ---------------------------------------------------------------
    for board in benches.values():
        spans = [(b["started_at"], b["complete_at"]) for b in builds(board)]
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            check(e1 <= s2, f"two builds of {board} overlapped: {spans}")
    for bench, board in benches.items():
        jobs = [j for j in rigd_jobs(bench) if j.get("board") == board and j.get("started_seq")]
        spans = sorted((j["started_seq"], j.get("finished_seq") or 1 << 62, j.get("kind", "run")) for j in jobs)
        for (s1, e1, _), (s2, _, _) in zip(spans, spans[1:]):
            check(e1 < s2, f"rigd of {bench} ran two jobs on {board} at once: {spans}")
        holds = [j for j in jobs if j.get("kind") == "hold"]
        check(len(holds) >= 3, f"rigd of {bench}: {len(holds)} lab holds, expected one per measured commit")
    user = [j for j in rigd_jobs("bench-b") if j.get("kind") != "hold"]
    check(len(user) == 1 and user[0].get("state") == "done", f"the bench user's job: {user}")
except Exception as e:  # noqa: BLE001 - every failure is reported with the scratch folder's logs
    failures.append(f"{type(e).__name__}: {e}")
    log(f"ERROR: {type(e).__name__}: {e}")
finally:
    for name in list(processes):
        stop(name)
    if failures:
        for name in ("master/twistd.log", "bench-a/worker/twistd.log", "bench-b/worker/twistd.log",
                     "rigd-bench-a.out", "rigd-bench-b.out"):
            path = scratch / name
            if path.exists():
                print(f"---- {name} (last lines)\n" + "\n".join(path.read_text(errors="replace").splitlines()[-25:]))
    if os.environ.get("RIG_KEEP_TEST_FILES") or failures:
        print(f"files kept in {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    log("lab test: " + ("FAILED:\n  " + "\n  ".join(failures) if failures else "ok"))
    sys.exit(1 if failures else 0)
