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
# them too) and runs $RIG_LINT_JOBS of them at once (default: the number of cores); a unit that
# passed and whose inputs have not changed since is not checked again (scripts/lint_tidy.py says how
# that is decided; RIG_LINT_NO_CACHE=1 checks all).
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

# Every C++ source and header under host/ and tests/ that git knows of (tracked or new, not ignored,
# not deleted in the work tree).
cxx_files() {
    local file
    git -C "$here" ls-files --cached --others --exclude-standard -- \
        'host/*.cpp' 'host/*.hpp' 'tests/*.cpp' 'tests/*.hpp' | sort -u |
        while read -r file; do if [[ -f $here/$file ]]; then echo "$file"; fi; done
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
    need clang++-14 clang-14
    python3 "$here/scripts/lint_tidy.py" "$here" "$build" "$jobs"
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
