#include "host/cli/import_command.hpp"

#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/results/commit_date.hpp"
#include "host/results/json_import.hpp"
#include "host/util/child_process.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace rig::cli {
namespace {

struct ImportArgs {
    std::vector<std::string> files;
    std::string history = config::history_file().string();
    std::string repo = config::source_dir().string();  // where the commits' dates are looked up
};

int import_files(const ImportArgs& args) {
    auto history = results::History::open(args.history);
    if (!history) {
        fmt::print(stderr, "rig import: {}\n", history.error().message);
        return exit_write_failed;
    }
    int code = exit_ok;
    for (const auto& file : args.files) {
        auto report = results::read_gbench_json(file);
        if (!report) {
            fmt::print(stderr, "rig import: {}\n", report.error().message);
            code = std::max(code, static_cast<int>(exit_bad_input));
            continue;
        }
        auto existing = history->find_run(report->info);
        if (existing && *existing) {
            fmt::print("{}: already in the history as run {}\n", file, **existing);
            continue;
        }
        std::error_code ec;
        const auto absolute = std::filesystem::weakly_canonical(file, ec);
        results::RunOrigin origin;
        origin.source = "import:" + (ec ? file : absolute.string());
        origin.commit_date = results::git_commit_date(args.repo, report->info.firmware_commit);
        auto id = history->add_run(*report, "", origin);
        if (!id) {
            fmt::print(stderr, "rig import: {}: {}\n", file, id.error().message);
            code = exit_write_failed;
            continue;
        }
        fmt::print("{}: run {} ({} @ {}, {} benchmarks)\n", file, *id, report->info.board, report->info.firmware_commit,
                   report->measurements.size());
    }
    return code;
}

}  // namespace

void add_import_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ImportArgs>();
    auto* cmd =
        app.add_subcommand("import", "Add result files (Google Benchmark JSON written by the rig) to the history");
    cmd->add_option("files", args->files, "Result files, e.g. results/qemu_mps2_an386/<commit>.json")->required();
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("--repo", args->repo, "The git checkout that gives the commits' dates")->capture_default_str();
    cmd->callback([args, &exit_code] { exit_code = import_files(*args); });
}

}  // namespace rig::cli
