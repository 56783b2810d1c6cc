#include "host/cli/daemon_commands.hpp"

#include "host/cli/out_file.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/daemon/client.hpp"
#include "host/daemon/job.hpp"
#include "host/results/json_import.hpp"
#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <memory>

namespace rig::cli {
namespace {

using daemon::Client;
using daemon::Request;
using daemon::RequestType;
using nlohmann::json;

struct DaemonArgs {
    std::string socket = daemon::default_client_socket().string();
    std::string board = "qemu_mps2_an386";
    unsigned repetitions = 15;
    std::string filter;
    bool follow = false;
    bool json = false;  // jobs, boards: the reply's list as JSON
    std::uint64_t job = 0;
    OutArgs out;  // submit, follow: the job's results, once it has ended
};

Request request(RequestType type, const std::string& board = {}, std::uint64_t job = 0) {
    Request r;
    r.type = type;
    r.board = board;
    r.job = job;
    return r;
}

int fail(const std::string& command, const Error& e) {
    fmt::print(stderr, "rig {}: {}\n", command, e.message);
    switch (e.kind) {
        case ErrorKind::invalid_argument:
        case ErrorKind::malformed:
        case ErrorKind::not_found:
            // not_found is also "rigd is not running": the run did not happen, 1 like a failed run.
            return e.message.rfind("rigd is not running", 0) == 0 ? exit_run_failed : exit_bad_input;
        case ErrorKind::cancelled:
            return exit_cancelled;
        default:
            return exit_run_failed;
    }
}

// As `rig run` would have exited on the same run: a job that failed on its image or its request
// (a filter that matches nothing) is bad input, 2; one whose results could not be written 3; any
// other failure 1.
int exit_code_of(const daemon::Job& job) {
    switch (job.state) {
        case daemon::JobState::done:
            return exit_ok;
        case daemon::JobState::cancelled:
            return exit_cancelled;
        default:
            if (job.failure == "image error" || job.failure == "bad request") return exit_bad_input;
            return job.failure == "results not written" ? exit_write_failed : exit_run_failed;
    }
}

std::string describe(const daemon::Job& job) {
    std::string text =
        fmt::format("{} {} on {}: {}", job.hold ? "hold" : "job", job.id, job.board, daemon::to_string(job.state));
    if (!job.failure.empty()) text += " (" + job.failure + ")";
    if (!job.reason.empty() && job.reason != job.failure) text += ": " + job.reason;
    return text;
}

// The run of a job that is done, from the result file rigd wrote: as it is for json (the same
// bytes, as `rig run --out` gives the result file's), converted for csv and junit. A later
// complete run at the same commit replaces that file: then this job's run is no longer there,
// which is said rather than another run written under this job's name.
Result<void> write_finished_job_out(const OutArgs& out, OutFormat format, const daemon::Job& job) {
    // Read once: the bytes checked are the bytes written, even if rigd replaces the file meanwhile.
    std::ifstream in(job.result_file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    if (!in) return make_error(ErrorKind::io, "cannot read " + job.result_file);
    auto report = results::parse_gbench_json(bytes);
    if (!report) return report.error().context(job.result_file);
    if (!job.run_id.empty() && report->info.run_id != job.run_id)
        return make_error(
            ErrorKind::not_found,
            fmt::format("{} now holds run {}, a later run at the same commit; job {}'s run {} {}", job.result_file,
                        report->info.run_id, job.id, job.run_id,
                        job.history_run > 0 ? fmt::format("is in rigd's history as run {}", job.history_run)
                                            : std::string("was not stored in the history")));
    if (format != OutFormat::json) return write_run_out(out, format, *report);
    return util::write_file_atomically(out.file, bytes);
}

// --out for a job that has ended, as `rig run --out` writes it: the run from the result file rigd
// wrote, or for a failed job (JUnit only) one failing case that says why. A cancelled job writes
// nothing. Returns the exit code: the job's, or 3 when the file could not be written.
int write_job_out(const std::string& command, const OutArgs& out, OutFormat format, const daemon::Job& job) {
    const int code = exit_code_of(job);
    Result<void> written;
    if (job.state == daemon::JobState::done && !job.result_file.empty()) {
        written = write_finished_job_out(out, format, job);
    } else if (job.state == daemon::JobState::failed && format == OutFormat::junit) {
        const std::string message = job.failure.empty() || job.reason == job.failure ? job.reason
                                    : job.reason.empty()                             ? job.failure
                                                                                     : job.failure + ": " + job.reason;
        written = write_failed_run_junit(
            out, fmt::format("rig {} {}", command, job.board), job.board, message,
            fmt::format("job {} on rigd; step {}", job.id, job.failed_step.empty() ? "unknown" : job.failed_step));
    } else {
        fmt::print(stderr, "rig {}: --out {} not written: job {} {}\n", command, out.file, job.id,
                   daemon::to_string(job.state));
        return code;
    }
    if (!written) {
        fmt::print(stderr, "rig {}: --out {} not written: {}\n", command, out.file, written.error().message);
        return code == exit_ok ? exit_write_failed : code;
    }
    fmt::print("{}: {}\n", to_string(format), out.file);
    return code;
}

// The `rig follow` that picks job `id` up again with the same socket and --out.
std::string follow_command(std::uint64_t id, const DaemonArgs& args) {
    const auto quoted = [](const std::string& word) {
        return word.find_first_of(" '\"\\$`*?[]{}()<>|&;#~!") == std::string::npos ? word : "'" + word + "'";
    };
    std::string text = fmt::format("rig follow {}", id);
    if (args.socket != daemon::default_client_socket().string()) text += " --socket " + quoted(args.socket);
    if (!args.out.file.empty()) text += " --out " + quoted(args.out.file);
    if (!args.out.format.empty()) text += " --format " + args.out.format;
    return text;
}

// Prints a job's progress until it ends, then writes --out if asked; the exit code says how it ended.
int follow(Client& client, std::uint64_t id, const std::string& command, const DaemonArgs& args,
           std::optional<OutFormat> out_format) {
    const OutArgs& out = args.out;
    if (auto sent = client.send(request(RequestType::follow, {}, id)); !sent) return fail(command, sent.error());
    std::string board;
    std::optional<daemon::JobState> last_state;
    while (true) {
        auto message = client.read(std::nullopt, &cancel_requested());
        if (!message) {
            if (message.error().kind == ErrorKind::cancelled) {
                fmt::print(stderr, "rig: stopped following; job {} goes on (`rig cancel {}` stops it)\n", id, id);
                return exit_cancelled;
            }
            const int code = fail(command, message.error());
            // rigd stopped or died: the job is queued again (or failed, after a crash) when it is back.
            fmt::print(stderr, "rig {}: job {} was not seen to end; when rigd is back: {}\n", command, id,
                       follow_command(id, args));
            return code;
        }
        if (!message->value("ok", false)) return fail(command, Client::error_of(*message));
        const std::string event = message->value("event", "");
        if (event == "progress") {
            fmt::print(stderr, "[{}] {}\n", board, message->value("line", ""));
        } else if (event == "state" || event == "end") {
            const auto job = daemon::job_from_json(message->at("job"));
            board = job.board;
            if (event == "state") {
                if (job.state == last_state) continue;  // the snapshot and the live event may repeat it
                last_state = job.state;
                fmt::print(stderr, "[{}] job {} {}{}\n", board, job.id, daemon::to_string(job.state),
                           job.reason.empty() ? "" : " (" + job.reason + ")");
                continue;
            }
            fmt::print("{}\n", describe(job));
            if (!job.result_file.empty()) fmt::print("results: {}\n", job.result_file);
            if (job.history_run > 0) fmt::print("history: run {}\n", job.history_run);
            return out_format ? write_job_out(command, out, *out_format, job) : exit_code_of(job);
        }
    }
}

template <typename Body>
void with_client(const std::string& command, const DaemonArgs& args, int& exit_code, Body body) {
    auto client = Client::connect(args.socket);
    if (!client) {
        exit_code = fail(command, client.error());
        return;
    }
    try {
        exit_code = body(*client);
    } catch (const json::exception& e) {
        exit_code =
            fail(command, make_error(ErrorKind::malformed, std::string("unexpected reply from rigd: ") + e.what()));
    }
}

CLI::App* subcommand(CLI::App& app, const char* name, const char* help, const std::shared_ptr<DaemonArgs>& args) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("--socket", args->socket, "rigd's socket")->capture_default_str();
    return cmd;
}

}  // namespace

void add_daemon_commands(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<DaemonArgs>();

    auto* submit = subcommand(app, "submit",
                              "Queue a run on rigd (see `rig run` for a run without the daemon); with --follow or "
                              "--out it exits as `rig follow` does",
                              args);
    submit->add_option("-b,--board", args->board, "Board")->capture_default_str();
    submit->add_option("-r,--repetitions", args->repetitions, "Samples per benchmark")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    submit->add_option("-f,--filter", args->filter, filter_help)->check(filter_check());
    submit->add_flag("--follow", args->follow, "Print the job's progress until it ends");
    add_out_options(*submit, args->out,
                    "json: Google Benchmark JSON, csv: Google Benchmark CSV, junit: JUnit XML; waits for the job as "
                    "--follow does");
    submit->callback([args, &exit_code] {
        auto format = checked_out(args->out, {OutFormat::json, OutFormat::csv, OutFormat::junit});
        if (!format) {
            exit_code = out_refused("submit", format.error());
            return;
        }
        with_client("submit", *args, exit_code, [&](Client& client) -> int {
            Request r = request(RequestType::submit, args->board);
            r.repetitions = args->repetitions;
            r.filter = args->filter;
            auto reply = client.call(r);
            if (!reply) return fail("submit", reply.error());
            const auto job = daemon::job_from_json(reply->at("job"));
            fmt::print("job {} queued on {}\n", job.id, job.board);
            std::fflush(stdout);
            return args->follow || *format ? follow(client, job.id, "submit", *args, *format) : exit_ok;
        });
    });

    auto* jobs = subcommand(app, "jobs", "List rigd's jobs", args);
    jobs->add_flag("--json", args->json, "Print the jobs as a JSON array");
    jobs->callback([args, &exit_code] {
        with_client("jobs", *args, exit_code, [&](Client& client) -> int {
            auto reply = client.call(request(RequestType::jobs));
            if (!reply) return fail("jobs", reply.error());
            if (args->json) {
                // Each job as rigd's API carries it (daemon/job.hpp, to_json).
                json list = json::array();
                for (const auto& item : reply->at("jobs")) list.push_back(daemon::to_json(daemon::job_from_json(item)));
                fmt::print("{}\n", list.dump(2));
                return exit_ok;
            }
            fmt::print("{:>5}  {:<18} {:<10} {:<25} {}\n", "job", "board", "state", "submitted", "note");
            for (const auto& item : reply->at("jobs")) {
                const auto job = daemon::job_from_json(item);
                std::string note = job.failure.empty() ? job.reason : job.failure + ": " + job.reason;
                if (job.state == daemon::JobState::done) note = job.result_file;
                fmt::print("{:>5}  {:<18} {:<10} {:<25} {}\n", job.id, job.board, daemon::to_string(job.state),
                           job.submitted_at, note);
            }
            return exit_ok;
        });
    });

    auto* follow_cmd =
        subcommand(app, "follow",
                   "Print a job's progress until it ends (exit 0 done, 1 failed, 2 failed on its image or request, 3 "
                   "results or --out not written, 130 cancelled)",
                   args);
    follow_cmd->add_option("job", args->job, "Job id")->required();
    add_out_options(*follow_cmd, args->out,
                    "json: Google Benchmark JSON, csv: Google Benchmark CSV, junit: JUnit XML; once the job ends");
    follow_cmd->callback([args, &exit_code] {
        auto format = checked_out(args->out, {OutFormat::json, OutFormat::csv, OutFormat::junit});
        if (!format) {
            exit_code = out_refused("follow", format.error());
            return;
        }
        with_client("follow", *args, exit_code,
                    [&](Client& client) -> int { return follow(client, args->job, "follow", *args, *format); });
    });

    auto* cancel = subcommand(app, "cancel", "Cancel a queued or running job", args);
    cancel->add_option("job", args->job, "Job id")->required();
    cancel->callback([args, &exit_code] {
        with_client("cancel", *args, exit_code, [&](Client& client) -> int {
            auto reply = client.call(request(RequestType::cancel, {}, args->job));
            if (!reply) return fail("cancel", reply.error());
            const auto job = daemon::job_from_json(reply->at("job"));
            fmt::print("{}\n", describe(job));
            return exit_ok;
        });
    });

    auto* boards = subcommand(app, "boards", "List rigd's boards: what runs, health, queue length", args);
    boards->add_flag("--json", args->json, "Print the boards as a JSON array");
    boards->callback([args, &exit_code] {
        with_client("boards", *args, exit_code, [&](Client& client) -> int {
            auto reply = client.call(request(RequestType::boards));
            if (!reply) return fail("boards", reply.error());
            if (args->json) {
                json list = json::array();
                for (const auto& item : reply->at("boards"))
                    list.push_back(daemon::to_json(daemon::board_from_json(item)));
                fmt::print("{}\n", list.dump(2));
                return exit_ok;
            }
            fmt::print("{:<18} {:<16} {:<10} {:>6}  {:<24} {}\n", "board", "state", "health", "queued", "last check",
                       "why");
            for (const auto& item : reply->at("boards")) {
                const auto b = daemon::board_from_json(item);
                const std::string state = b.checking_health ? "health check"
                                          : b.running_job   ? fmt::format("running job {}", b.running_job)
                                                            : "idle";
                fmt::print("{:<18} {:<16} {:<10} {:>6}  {:<24} {}\n", b.name, state,
                           b.healthy ? "healthy" : "UNHEALTHY", b.queued,
                           b.last_health_check.empty() ? "never" : b.last_health_check, b.health_note);
            }
            return exit_ok;
        });
    });

    auto* health = subcommand(app, "health", "Run a health check on a board now (probe, flash, HELLO, PING)", args);
    health->add_option("board", args->board, "Board")->required();
    health->callback([args, &exit_code] {
        with_client("health", *args, exit_code, [&](Client& client) -> int {
            // The check waits for the board's running job, so no time limit here (Ctrl-C stops waiting).
            auto reply = client.call(request(RequestType::health, args->board), std::nullopt, &cancel_requested());
            if (!reply) return fail("health", reply.error());
            const bool passed = reply->value("passed", false);
            fmt::print("{}: {}\n", args->board, reply->value("message", ""));
            return passed ? exit_ok : exit_run_failed;
        });
    });
}

}  // namespace rig::cli
