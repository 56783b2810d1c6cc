#pragma once
// rig.toml: a bench's or a CI job's own settings, found upward from the working directory (the
// first rig.toml in the working directory or a parent). Every key is optional; a relative path is
// relative to the folder holding rig.toml. README "Configuration" lists the keys:
//
//   results_dir = "results"          # result files, board logs, report.html
//   history     = "results/history.sqlite"
//   boards_path = ["boards", "/etc/kernel-rig/boards"]   # searched in order, like RIG_BOARDS_PATH
//   images      = "images"           # firmware images: <images>/<firmware package>.elf
//   thresholds  = "compare_thresholds.toml"
//   worktrees   = "nightly-worktrees"

#include "host/util/result.hpp"

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace rig::config {

struct RigToml {
    std::filesystem::path file;  // the rig.toml these came from
    std::optional<std::filesystem::path> results_dir;
    std::optional<std::filesystem::path> history;
    std::optional<std::vector<std::filesystem::path>> boards_path;
    std::optional<std::filesystem::path> images;
    std::optional<std::filesystem::path> thresholds;
    std::optional<std::filesystem::path> worktrees;
};

// The nearest rig.toml in `start` or one of its parents; nothing when there is none.
std::optional<std::filesystem::path> find_rig_toml(const std::filesystem::path& start);

// Parses `text` as the rig.toml `file`. An unknown key, a value of the wrong type or invalid TOML
// is malformed, naming the file and the line, so a misspelt key is never silently ignored.
Result<RigToml> parse_rig_toml(std::string_view text, const std::filesystem::path& file);
Result<RigToml> load_rig_toml(const std::filesystem::path& file);

}  // namespace rig::config
