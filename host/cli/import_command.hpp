#pragma once
// `rig import FILE...`: result files written earlier (or on another machine) into the history.
// A file imported twice is stored once (its run id: results/run_identity.hpp).

#include "host/results/history.hpp"
#include "host/results/run_report.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace rig::cli {

// The committer date (ISO 8601) of `commit` in the git checkout `repo`, from `git log`; empty
// when git, the checkout or the commit is not there ("-dirty" builds use their base commit).
std::string git_commit_date(const std::filesystem::path& repo, const std::string& commit);

void add_import_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
