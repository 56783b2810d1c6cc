#pragma once
// `rig import FILE...`: result files written earlier (or on another machine) into the history,
// and the one function through which every run — imported or just measured — enters it.

#include "host/results/history.hpp"
#include "host/results/run_report.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace rig::cli {

// The committer date (ISO 8601) of `commit` in the git checkout `repo`, from `git log`; empty
// when git, the checkout or the commit is not there ("-dirty" builds use their base commit).
std::string git_commit_date(const std::filesystem::path& repo, const std::string& commit);

// Opens the history and adds the run with the text of its log file; the commit date comes from
// the rig's own checkout. Returns the run's id (the existing one if the run was stored before).
Result<std::int64_t> store_in_history(const std::filesystem::path& history, const results::RunReport& report,
                                      const std::filesystem::path& log_file, const std::string& source);

void add_import_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
