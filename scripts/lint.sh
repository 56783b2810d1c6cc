#!/usr/bin/env bash
# The host lints (README "Tests"): clang-format and clang-tidy (Debian's 14) on every C++ file
# under host/ and tests/, with the checked-in .clang-format and .clang-tidy at the repo root.
#
#   scripts/lint.sh [--check] [format] [tidy]   check (the default): exit 1 and print file:line
#                                               of each formatting change or clang-tidy finding
#   scripts/lint.sh --fix [format]              reformat in place and list the files it changed;
#                                               clang-tidy findings are fixed by hand
#
# Without `format` or `tidy` it does both. clang-tidy reads the compile commands of the configured
# build tree ($RIG_BUILD_DIR, default build/: `cmake --preset default` writes them), checks every
# translation unit under host/ and tests/ (tests/fuzz's targets included: rig_unit_tests compiles
# them too) and runs $RIG_LINT_JOBS of them at once (default: the number of cores).
# CTest runs the checks as lint.clang_format and lint.clang_tidy (label lint).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RIG_BUILD_DIR:-$here/build}"
jobs="${RIG_LINT_JOBS:-$(nproc)}"

usage() {
    echo "usage: scripts/lint.sh [--check|--fix] [format] [tidy]" >&2
    exit 2
}

mode=check
parts=()
for arg in "$@"; do
    case "$arg" in
        --check) mode=check ;;
        --fix) mode=fix ;;
        format | tidy) parts+=("$arg") ;;
        *) usage ;;
    esac
done
((${#parts[@]})) || parts=(format tidy)
[[ $mode == fix && " ${parts[*]} " == *" tidy "* && ${#parts[@]} == 1 ]] && {
    echo "lint: --fix applies clang-format only; fix clang-tidy findings by hand" >&2
    exit 2
}

need() {
    command -v "$1" >/dev/null || {
        echo "lint: $1 not found: install Debian package $2 (scripts/bootstrap.sh does)" >&2
        exit 2
    }
}

# Every C++ source and header under host/ and tests/ that git knows of (tracked or new, not ignored).
cxx_files() {
    git -C "$here" ls-files --cached --others --exclude-standard -- \
        'host/*.cpp' 'host/*.hpp' 'tests/*.cpp' 'tests/*.hpp' | sort -u
}

format_check() {
    need clang-format-14 clang-format-14
    cd "$here"
    local out status=0
    # --dry-run -Werror prints file:line:col for every place that would change.
    out="$(cxx_files | xargs -r clang-format-14 --dry-run -Werror --ferror-limit=3 2>&1)" || status=$?
    if ((status)); then
        printf '%s\n' "$out"
        echo "lint: clang-format would change the files above: run scripts/lint.sh --fix" >&2
        return 1
    fi
    echo "lint: clang-format: $(cxx_files | wc -l) files formatted as .clang-format says"
}

format_fix() {
    need clang-format-14 clang-format-14
    cd "$here"
    local file changed=0 lines
    while read -r file; do
        lines="$(clang-format-14 "$file" | diff "$file" - | grep -c '^<' || true)"
        ((lines)) || continue
        clang-format-14 -i "$file"
        echo "formatted $file ($lines lines changed)"
        changed=$((changed + 1))
    done < <(cxx_files)
    echo "lint: clang-format changed $changed files"
}

tidy_check() {
    need clang-tidy-14 clang-tidy-14
    local db="$build/compile_commands.json"
    [[ -f $db ]] || {
        echo "lint: $db is missing: configure first (cmake --preset default)" >&2
        exit 2
    }
    # The translation units of host/ and tests/ in the build (firmware has none; generated or
    # third-party sources, if any appear, are not ours to lint).
    mapfile -t units < <(python3 - "$db" "$here" <<'EOF'
import json, os, sys
db, root = sys.argv[1], os.path.realpath(sys.argv[2])
seen = set()
for entry in json.load(open(db)):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    rel = os.path.relpath(path, root)
    if rel.split(os.sep)[0] in ("host", "tests") and path not in seen:
        seen.add(path)
        print(path)
EOF
    )
    ((${#units[@]})) || {
        echo "lint: no host/ or tests/ sources in $db" >&2
        exit 2
    }
    local logs
    logs="$(mktemp -d)"
    trap 'rm -rf "$logs"' RETURN
    # One clang-tidy per unit, $jobs at a time; each writes its own log so outputs do not interleave.
    # Findings are errors (WarningsAsErrors in .clang-tidy), so a unit with one exits non-zero.
    local failed=0
    printf '%s\n' "${units[@]}" | xargs -P "$jobs" -I{} sh -c \
        'log="$1/$(echo "$2" | tr / _).log"; clang-tidy-14 -p "$3" --quiet "$2" >"$log" 2>&1 || echo "$2" >>"$1/failed"' \
        _ "$logs" {} "$build"
    if [[ -s $logs/failed ]]; then
        # A header's finding shows once per unit that includes it: print each finding once.
        cat "$logs"/*.log | grep -E '^/.+:[0-9]+:[0-9]+: (error|warning):' | sort -u
        # Anything else clang-tidy said (a unit that does not compile, a bad option) in full.
        while read -r unit; do
            grep -qE '^/.+:[0-9]+:[0-9]+: (error|warning):' "$logs/$(echo "$unit" | tr / _).log" ||
                cat "$logs/$(echo "$unit" | tr / _).log"
        done <"$logs/failed"
        echo "lint: clang-tidy found the problems above in $(sort -u "$logs/failed" | wc -l) of ${#units[@]} units" >&2
        failed=1
    else
        echo "lint: clang-tidy: ${#units[@]} units, no findings"
    fi
    return $failed
}

status=0
for part in "${parts[@]}"; do
    case "$mode:$part" in
        check:format) format_check || status=1 ;;
        fix:format) format_fix ;;
        check:tidy) tidy_check || status=1 ;;
        fix:tidy) echo "lint: clang-tidy findings are fixed by hand: scripts/lint.sh tidy lists them" ;;
    esac
done
exit $status
