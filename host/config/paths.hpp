#pragma once
// Where the rig finds its boards, images, thresholds and results when the command line does not
// say, resolved when the program starts (never compiled in), first match wins (README
// "Configuration"):
//
//   1. the command-line option (the caller's: these are the defaults it falls back to),
//   2. an environment variable: RIG_RESULTS_DIR, RIG_HISTORY, RIG_BOARDS_PATH, RIG_IMAGES,
//      RIG_THRESHOLDS, RIG_WORKTREES,
//   3. the nearest rig.toml upward from the working directory (host/config/rig_toml.hpp),
//   4. the checkout the running program was built in (<checkout>/build/bin/rig): its results/,
//      boards/, config/ and the build's firmware images,
//   5. for an installed rig outside any checkout: ${XDG_DATA_HOME:-~/.local/share}/kernel-rig for
//      results, ${XDG_CONFIG_HOME:-~/.config}/kernel-rig for a bench's boards and thresholds, and
//      what `cmake --install` put in <prefix>/share/kernel-rig (boards, thresholds, images).

#include "host/board/board.hpp"
#include "host/util/result.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace rig::config {

// One resolved default and where it came from ("RIG_RESULTS_DIR", "/x/rig.toml", "checkout", …).
struct Setting {
    std::filesystem::path path;
    std::string origin;
};

// What the resolution reads, so tests can give it any environment.
struct Environment {
    std::filesystem::path cwd;
    std::filesystem::path executable;                  // the running program (/proc/self/exe)
    std::function<const char*(const char*)> variable;  // getenv; nullptr = unset
};

struct Locations {
    std::optional<std::filesystem::path> checkout;   // the kernel-rig checkout the program was built in
    std::optional<std::filesystem::path> build_dir;  // its build tree (the program is in <build>/bin)
    std::optional<std::filesystem::path> share_dir;  // <prefix>/share/kernel-rig of an installed rig
    std::optional<std::filesystem::path> rig_toml;   // the rig.toml that was read
    Setting results_dir;
    Setting history;
    Setting thresholds;
    Setting worktrees;
    Setting images;                 // a folder of images
    bool images_are_build = false;  // the checkout's own cargo output: checked against the checkout
    board::SearchPath boards;

    // The image for a firmware package: cargo's file in a build's images, else <images>/<package>.elf
    // (or <images>/<package> when only that exists).
    std::filesystem::path image_for(const std::string& image_name) const;  // Board::image_name()
};

// The defaults for `env`; malformed when rig.toml is bad (naming its file and line).
Result<Locations> resolve(const Environment& env);

// The process's own environment (working directory, /proc/self/exe, getenv).
Environment process_environment();

// Resolves the process's defaults once; `rig` and `rigd` call this first and exit 2 on an error.
Result<void> load();
// The loaded defaults (loaded now, rig.toml errors ignored, when load() was not called).
const Locations& current();

// Short forms of current() for the commands.
std::filesystem::path source_dir();  // the checkout; empty outside one
std::filesystem::path build_dir();   // the build tree; empty outside one
std::filesystem::path default_image(const std::string& image_name);
std::filesystem::path results_dir();
std::filesystem::path history_file();
std::filesystem::path thresholds_file();
std::filesystem::path worktrees_dir();
// The checkout's or the installed boards/ alone (commands that take one exact folder).
std::filesystem::path boards_dir();

// The folders to search for board files: `option` alone when given (--boards-dir), else the
// resolved search path.
board::SearchPath boards_search_path(const std::string& option);

// The help text of --boards-dir, naming the default.
std::string boards_dir_help();

}  // namespace rig::config
