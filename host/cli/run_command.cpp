#include "host/cli/run_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/signals.hpp"
#include "host/protocol/messages.hpp"
#include "host/results/commit_date.hpp"
#include "host/results/run_recorder.hpp"
#include "host/results/summary_table.hpp"
#include "host/session/image_freshness.hpp"
#include "host/session/run_session.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <memory>

namespace rig::cli {
namespace {

struct RunArgs {
    std::string board = "qemu_mps2_an386";
    std::string image;
    std::string boards_dir;  // empty: the search path
    std::string results_dir = config::results_dir().string();
    std::string history = config::history_file().string();
    unsigned repetitions = 15;
    std::string filter;
    bool quiet = false;
};

int exit_code_for(const Error& e, session::Step step) {
    // An image that cannot be read, parsed or placed on the board is bad input, whatever the cause.
    if (e.kind != ErrorKind::cancelled && step <= session::Step::check_image) return exit_bad_input;
    switch (e.kind) {
        case ErrorKind::cancelled: return exit_cancelled;
        case ErrorKind::invalid_argument: return exit_bad_input;
        default: return exit_run_failed;
    }
}

int run(const RunArgs& args) {
    auto board = board::find_board(args.board, boards_search_path(args.boards_dir));
    if (!board) {
        fmt::print(stderr, "rig run: {}\n", board.error().message);
        return exit_bad_input;
    }
    const std::filesystem::path image = args.image.empty() ? default_image(board->firmware_package)
                                                               : std::filesystem::path(args.image);
    // The build's own image must be what the checkout builds now, or its results are mislabelled.
    if (args.image.empty() && config::current().images_are_build) {
        if (auto current = session::check_image_is_current(image, source_dir(), build_dir()); !current) {
            fmt::print(stderr, "rig run: {}\n", current.error().message);
            return exit_bad_input;
        }
    }
    const auto logs = std::filesystem::path(args.results_dir) / board->name / "logs";
    const auto log_file = logs / "last-run.log";
    // Results that cannot be written make the run worthless: find out before using the board,
    // and report the step that failed (a folder that cannot be made is not "no such file").
    const auto not_writable = [&](const std::string& what, const std::string& why) {
        fmt::print(stderr, "rig run: results folder {} is not writable: {}: {}\n", args.results_dir, what, why);
        return exit_write_failed;
    };
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    if (ec) return not_writable("cannot create " + logs.string(), ec.message());
    std::filesystem::remove(log_file, ec);
    if (ec) return not_writable("cannot remove " + log_file.string(), ec.message());
    errno = 0;
    if (!std::ofstream(log_file)) return not_writable("cannot create " + log_file.string(), std::strerror(errno));

    session::RunOptions options;
    options.repetitions = args.repetitions;
    options.filter = args.filter;
    options.cancel = &cancel_requested();

    session::Progress progress;
    session::Step last_step = session::Step::load_image;
    progress.step = [&](session::Step step, const std::string& note) {
        last_step = step;
        if (args.quiet) return;
        fmt::print(stderr, "[{}] {}{}{}\n", board->name, session::to_string(step), note.empty() ? "" : ": ", note);
    };
    progress.flash = [&](std::size_t done, std::size_t total) {
        if (!args.quiet && done == total) fmt::print(stderr, "[{}] flash: {} bytes written and verified\n", board->name, total);
    };
    progress.result = [&](const results::Measurement& m) {
        if (!args.quiet) fmt::print(stderr, "[{}] result: {} ({} samples)\n", board->name, m.full_name(), m.samples.size());
    };

    auto report = session::run_on_board(*board, image, options, log_file, progress);
    if (!report) {
        fmt::print(stderr, "rig run: {}\n", report.error().message);
        fmt::print(stderr, "rig run: board log: {}\n", log_file.string());
        return exit_code_for(report.error(), last_step);
    }
    if (cancel_requested()) {
        fmt::print(stderr, "rig run: cancelled after the last result came in; nothing written\n");
        return exit_cancelled;
    }
    // From here a signal waits until the JSON file and its history row are both written.
    const DeferSignals writing;
    results::RecordOptions record;
    record.results_dir = args.results_dir;
    record.history = args.history;
    record.log_file = log_file;
    record.source = "run";
    record.commit_date = results::git_commit_date(source_dir(), report->info.firmware_commit);
    const auto recorded = results::record_run(*report, record);
    if (recorded.file_error) {
        fmt::print(stderr, "rig run: results not written: {}\n", recorded.file_error->message);
        return exit_write_failed;
    }
    fmt::print("{}", results::summary_table(*report));
    fmt::print("run: {} ({})\n", report->info.run_id,
               report->info.complete ? "complete" : "partial, filter '" + report->info.filter + "'");
    fmt::print("results: {}\n", recorded.result_file.string());
    if (recorded.history_error) {
        fmt::print(stderr, "rig run: not stored in the history (the JSON file is written): {}\n",
                   recorded.history_error->message);
        return exit_write_failed;
    }
    fmt::print("history: run {} in {}\n", recorded.history_run, args.history);
    return exit_ok;
}

}  // namespace

CLI::Validator filter_length_check() {
    return CLI::Validator(
        [](std::string& filter) -> std::string {
            if (filter.size() <= protocol::max_filter_bytes) return {};
            return fmt::format("the filter is {} bytes long; at most {} fit the protocol", filter.size(),
                               protocol::max_filter_bytes);
        },
        "", "filter length");
}

void add_run_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RunArgs>();
    auto* cmd = app.add_subcommand(
        "run", "Flash a board, run the benchmark suite, write results/<board>/<commit>.json and the history");
    cmd->add_option("-b,--board", args->board, "Board name (a file in the boards folder)")->capture_default_str();
    cmd->add_option("--image", args->image, "Firmware ELF (default: the board's image in " + config::current().images.path.string() + ")");
    cmd->add_option("-r,--repetitions", args->repetitions, "Samples per benchmark")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("-f,--filter", args->filter, "Only benchmarks whose name starts with this")
        ->check(filter_length_check());
    add_boards_dir_option(*cmd, args->boards_dir);
    cmd->add_option("--results-dir", args->results_dir, "Folder results are written to")->capture_default_str();
    cmd->add_option("--history", args->history, "History database every run is added to")->capture_default_str();
    cmd->add_flag("-q,--quiet", args->quiet, "Print only the summary");
    cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace rig::cli
