#!/usr/bin/env python3
"""clang-tidy (Debian's 14) over every translation unit of host/ and tests/ (scripts/lint.sh tidy).

usage: lint_tidy.py REPO BUILD_DIR JOBS

Reads BUILD_DIR/compile_commands.json, runs clang-tidy-14 on each unit under host/ or tests/, JOBS
at a time, prints each finding once as `path:line:column: error: … [check]` (paths relative to
REPO) and exits 1 if there was any, 2 if it could not run.

A unit that passed is remembered in BUILD_DIR/lint-cache/clang-tidy/, under a key made of
everything its result depends on: clang-tidy's version, .clang-tidy, the unit's compile command
and the path and bytes of every file the unit includes (listed by clang's own preprocessor, system
headers too). Any change to any of them is a new key, so the unit is checked again; only passes are
kept, so a finding is always reported afresh. RIG_LINT_NO_CACHE=1 checks every unit.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

TIDY = "clang-tidy-14"
CLANG = "clang++-14"
FINDING = re.compile(r"^(/[^:]+):(\d+):(\d+): (error|warning): ")


def units_of(db, repo):
    seen = {}
    for entry in db:
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        if os.path.relpath(path, repo).split(os.sep)[0] in ("host", "tests") and path not in seen:
            seen[path] = entry
    return seen


def arguments_of(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])


def dependencies(entry, path):
    """Every file the unit reads, from clang's preprocessor (-M), or None if that failed."""
    args = arguments_of(entry)[1:]
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if arg in ("-c", "-MD", "-MMD") or arg == entry["file"] or arg == path:
            continue
        kept.append(arg)
    run = subprocess.run([CLANG, *kept, "-M", "-MF", "-", path], cwd=entry["directory"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None
    files = run.stdout.replace("\\\n", " ").split(":", 1)[1].split()
    return sorted({os.path.realpath(os.path.join(entry["directory"], f)) for f in files})


def cache_key(entry, path, fixed):
    files = dependencies(entry, path)
    if files is None:
        return None
    digest = hashlib.sha256(fixed)
    digest.update(json.dumps(arguments_of(entry)).encode())
    for name in files:
        digest.update(name.encode() + b"\0")
        with open(name, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


def check(entry, path, build, cache):
    key = cache_key(entry, path, cache["fixed"]) if cache else None
    if key and os.path.exists(os.path.join(cache["dir"], key)):
        return path, 0, "", True
    run = subprocess.run([TIDY, "-p", build, "--quiet", path], capture_output=True, text=True)
    if run.returncode == 0 and key:
        os.makedirs(cache["dir"], exist_ok=True)
        open(os.path.join(cache["dir"], key), "w").close()
    return path, run.returncode, run.stdout + run.stderr, False


def main():
    repo, build, jobs = os.path.realpath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    db_file = os.path.join(build, "compile_commands.json")
    if not os.path.exists(db_file):
        print(f"lint: {db_file} is missing: configure first (cmake --preset default)", file=sys.stderr)
        return 2
    with open(db_file) as f:
        units = units_of(json.load(f), repo)
    if not units:
        print(f"lint: no host/ or tests/ sources in {db_file}", file=sys.stderr)
        return 2
    cache = None
    if os.environ.get("RIG_LINT_NO_CACHE") != "1":
        version = subprocess.run([TIDY, "--version"], capture_output=True, text=True).stdout
        with open(os.path.join(repo, ".clang-tidy"), "rb") as f:
            config = f.read()
        cache = {"dir": os.path.join(build, "lint-cache", "clang-tidy"),
                 "fixed": version.encode() + b"\0" + config}

    findings, other, failed, cached = set(), [], 0, 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = [pool.submit(check, entry, path, build, cache) for path, entry in sorted(units.items())]
        for done in concurrent.futures.as_completed(runs):
            path, status, output, was_cached = done.result()
            cached += was_cached
            if status == 0:
                continue
            failed += 1
            mine = [line for line in output.splitlines() if FINDING.match(line)]
            findings.update(mine)
            if not mine:  # a unit that does not compile, a bad option: show all of it
                other.append(f"{os.path.relpath(path, repo)}:\n{output}")

    def tidy(line):  # repo-relative, host/../tests/x as tests/x (the include path is host/..)
        path, rest = line.split(":", 1)
        return os.path.relpath(os.path.normpath(path), repo) + ":" + rest

    shown = sorted({tidy(line) for line in findings})
    for line in shown:
        print(line)
    for text in other:
        print(text)
    note = f" ({cached} unchanged since they last passed)" if cached else ""
    if failed:
        print(f"lint: clang-tidy: {len(shown)} findings in {failed} of "
              f"{len(units)} units{note}", file=sys.stderr)
        return 1
    print(f"lint: clang-tidy: {len(units)} units, no findings{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
