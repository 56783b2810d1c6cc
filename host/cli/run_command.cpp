#include "host/cli/run_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/benchmarks_command.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/out_file.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_progress.hpp"
#include "host/cli/signals.hpp"
#include "host/protocol/messages.hpp"
#include "host/results/benchmark_filter.hpp"
#include "host/results/commit_date.hpp"
#include "host/results/gbench_json.hpp"
#include "host/results/history.hpp"
#include "host/results/junit_xml.hpp"
#include "host/results/run_recorder.hpp"
#include "host/results/summary_table.hpp"
#include "host/session/image_freshness.hpp"
#include "host/session/run_session.hpp"
#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
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
    bool json = false;  // the summary as JSON on stdout
    OutArgs out;
    bool list = false;  // --list: print the selection (rig benchmarks) instead of running
};

int exit_code_for(const Error& e, session::Step step) {
    // An image that cannot be read, parsed or placed on the board is bad input, whatever the cause.
    if (e.kind != ErrorKind::cancelled && step <= session::Step::check_image) return exit_bad_input;
    switch (e.kind) {
        case ErrorKind::cancelled:
            return exit_cancelled;
        case ErrorKind::invalid_argument:
            return exit_bad_input;
        default:
            return exit_run_failed;
    }
}

int run(const RunArgs& args) {
    const auto out = checked_out(args.out, {OutFormat::json, OutFormat::csv, OutFormat::junit});
    if (!out) return out_refused("run", out.error());
    const std::optional<OutFormat> out_format_ = *out;
    auto board = board::find_board(args.board, boards_search_path(args.boards_dir));
    if (!board) {
        fmt::print(stderr, "rig run: {}\n", board.error().message);
        return exit_bad_input;
    }
    const std::filesystem::path image =
        args.image.empty() ? default_image(board->image_name()) : std::filesystem::path(args.image);
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
    RunProgress counter(stderr, stderr_is_terminal(), board->name);
    progress.step = [&](session::Step step, const std::string& note) {
        if (step == session::Step::run && last_step != step) counter.start();
        last_step = step;
        if (args.quiet) return;
        counter.line(fmt::format("[{}] {}{}{}", board->name, session::to_string(step), note.empty() ? "" : ": ", note));
    };
    progress.flash = [&](std::size_t done, std::size_t total) {
        if (!args.quiet && done == total)
            counter.line(fmt::format("[{}] flash: {} bytes written and verified", board->name, total));
    };
    progress.selected = [&](std::size_t count) { counter.expect(count); };
    progress.result = [&](const results::Measurement& m) {
        if (!args.quiet) counter.benchmark_done(m.full_name());
    };

    auto report = session::run_on_board(*board, image, options, log_file, progress);
    counter.finish();
    if (!report) {
        fmt::print(stderr, "rig run: {}\n", report.error().message);
        fmt::print(stderr, "rig run: board log: {}\n", log_file.string());
        const int code = exit_code_for(report.error(), last_step);
        // CI reads a failed run from the JUnit file too: one failing case that says why.
        if (out_format_ == OutFormat::junit && code != exit_cancelled) {
            const auto detail =
                "step " + std::string(session::to_string(last_step)) + "; board log: " + log_file.string();
            if (auto written = write_failed_run_junit(args.out, "rig run " + board->name, board->name,
                                                      report.error().message, detail);
                !written)
                fmt::print(stderr, "rig run: --out {} not written: {}\n", args.out.file, written.error().message);
        }
        return code;
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
    bool out_failed = false;
    if (out_format_) {
        if (auto written = write_run_out(args.out, *out_format_, *report); !written) {
            fmt::print(stderr, "rig run: --out {} not written: {}\n", args.out.file, written.error().message);
            out_failed = true;
        }
    }
    if (args.json) {
        auto summary = results::summary_json(*report);
        summary["result_file"] = recorded.result_file.string();
        summary["history"] = args.history;
        summary["history_run"] =
            recorded.history_error ? nlohmann::ordered_json() : nlohmann::ordered_json(recorded.history_run);
        if (out_format_) summary["out"] = args.out.file;
        fmt::print("{}\n", summary.dump(2));
    } else {
        fmt::print("{}", results::summary_table(*report));
        fmt::print("run: {} ({})\n", report->info.run_id,
                   report->info.complete ? "complete" : "partial, filter '" + report->info.filter + "'");
        fmt::print("results: {}\n", recorded.result_file.string());
        if (out_format_ && !out_failed) fmt::print("{}: {}\n", to_string(*out_format_), args.out.file);
    }
    if (recorded.history_error) {
        fmt::print(stderr, "rig run: not stored in the history (the JSON file is written): {}\n",
                   recorded.history_error->message);
        return exit_write_failed;
    }
    if (!args.json) fmt::print("history: run {} in {}\n", recorded.history_run, args.history);
    return out_failed ? exit_write_failed : exit_ok;
}

}  // namespace

CLI::Validator filter_check() {
    return CLI::Validator(
        [](std::string& filter) -> std::string {
            if (filter.size() > results::max_filter_bytes)
                return fmt::format("the filter is {} bytes long; at most {} are accepted", filter.size(),
                                   results::max_filter_bytes);
            if (auto parsed = results::BenchmarkFilter::parse(filter); !parsed) return parsed.error().message;
            return {};
        },
        "", "filter");
}

void add_run_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RunArgs>();
    auto* cmd = app.add_subcommand(
        "run", "Flash a board, run the benchmark suite, write results/<board>/<commit>.json and the history");
    cmd->add_option("-b,--board", args->board, "Board name (a file in the boards folder)")->capture_default_str();
    cmd->add_option("--image", args->image,
                    "Firmware ELF (default: the board's image in " + config::current().images.path.string() + ")");
    cmd->add_option("-r,--repetitions", args->repetitions, "Samples per benchmark")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("-f,--filter", args->filter, filter_help)->check(filter_check());
    cmd->add_flag("--list", args->list,
                  "Print the benchmarks the run would measure (as `rig benchmarks`), run nothing");
    add_boards_dir_option(*cmd, args->boards_dir);
    cmd->add_option("--results-dir", args->results_dir, "Folder results are written to")->capture_default_str();
    cmd->add_option("--history", args->history, "History database every run is added to")->capture_default_str();
    cmd->add_flag("-q,--quiet", args->quiet, "Print only the summary (no steps, no progress)");
    cmd->add_flag("--json", args->json, "Print the summary as JSON on stdout (steps and progress stay on stderr)");
    add_out_options(*cmd, args->out, "json: Google Benchmark JSON, csv: Google Benchmark CSV, junit: JUnit XML");
    cmd->callback([args, &exit_code] {
        exit_code =
            args->list ? list_benchmarks({args->board, args->image, args->boards_dir, args->filter}) : run(*args);
    });
}

}  // namespace rig::cli
