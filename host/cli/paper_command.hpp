#pragma once
// `rig paper`: the paper's claims against one run (the latest in the history for a board, a commit,
// or a result file) and the unsafe inventory of that commit's source, as Markdown or HTML.

#include "host/report/unsafe_inventory.hpp"
#include "host/results/history.hpp"
#include "host/results/run_report.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

namespace rig::cli {

// The short commit (12 hex digits, "-dirty" when the tracked files changed) checked out at `repo`.
std::string checkout_commit(const std::filesystem::path& repo);

// The unsafe inventory of `commit`: its nightly worktree under `worktrees` when there is one,
// else the current checkout (when it is that commit, or when `fallback_to_checkout`). The
// inventory's `commit` says which tree was counted.
Result<report::Inventory> inventory_for(const std::string& commit, const std::filesystem::path& worktrees,
                                        bool fallback_to_checkout);

// The latest run at `commit` of `board`, the board of the same image built without frame pointers
// (board::frame_pointer_twin, or one named on the command line); nullopt when `board` is empty or
// has no run there: its rows then say "not measured", a note rather than an error.
Result<std::optional<results::RunReport>> frame_pointer_twin_run(const results::History& h, const std::string& board,
                                                                 const std::string& commit);

void add_paper_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
