#include "host/daemon/board_worker.hpp"

#include "host/cli/import_command.hpp"
#include "host/cli/paths.hpp"
#include "host/daemon/health_check.hpp"
#include "host/results/gbench_json.hpp"
#include "host/session/run_session.hpp"

#include <fmt/format.h>
#include <mutex>

namespace rig::daemon {

FailureClass classify_failure(const std::string& step, ErrorKind kind) {
    using session::Step;
    using session::to_string;
    if (kind == ErrorKind::cancelled) return {"cancelled", BoardVerdict::unknown};
    if (step.empty() || step == to_string(Step::load_image) || step == to_string(Step::check_image))
        return {"image error", BoardVerdict::unknown};
    if (step == to_string(Step::start_probe) || step == to_string(Step::connect_uart))
        return {"probe error", BoardVerdict::broken};
    if (step == to_string(Step::flash)) return {"flash error", BoardVerdict::broken};
    if (step == to_string(Step::reset)) return {"reset error", BoardVerdict::broken};
    if (step == to_string(Step::hello))
        return {kind == ErrorKind::timeout ? "no answer on the UART" : "bad HELLO", BoardVerdict::broken};
    return {"benchmark failure", BoardVerdict::works};  // run, collect: the board answered
}

Result<std::int64_t> store_run(const std::filesystem::path& history_file, const results::RunReport& report,
                               const std::filesystem::path& log_file) {
    // Boards run in parallel; one writer at a time keeps SQLite's busy waits out of the way.
    static std::mutex history_mutex;
    std::lock_guard lock(history_mutex);
    return cli::store_in_history(history_file, report, log_file, "rigd");
}

BoardWorker::BoardWorker(board::Board board, JobQueue& queue, WorkerConfig config)
    : board_(std::move(board)), queue_(queue), config_(std::move(config)), thread_([this] { loop(); }) {}

BoardWorker::~BoardWorker() {
    if (thread_.joinable()) thread_.join();
}

std::filesystem::path BoardWorker::image() const {
    return config_.image.empty() ? cli::default_image(board_.firmware_package) : config_.image;
}

void BoardWorker::loop() {
    while (true) {
        auto work = queue_.next_work(board_.name, config_.health_interval);
        if (work.kind == JobQueue::Work::stop) return;
        if (work.kind == JobQueue::Work::health_check) {
            check_health();
            continue;
        }
        // An exception that escapes a job (a bug) fails that job; it must not end the daemon.
        try {
            run_job(work);
        } catch (const std::exception& e) {
            JobQueue::Outcome outcome;
            outcome.state = JobState::failed;
            outcome.failure = "internal error";
            outcome.reason = std::string("internal error: ") + e.what();
            queue_.finish_job(work.job.id, outcome);
        }
    }
}

void BoardWorker::check_health() {
    const auto logs = config_.results_dir / board_.name / "logs";
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    const auto log_file = logs / "health-check.log";
    std::filesystem::remove(log_file, ec);
    // A health check is short; stopping the daemon waits for it (its own timeouts bound it).
    auto result = check_board_health(board_, image(), log_file, nullptr, {});
    queue_.finish_health_check(board_.name, result);
}

void BoardWorker::run_job(const JobQueue::Work& work) {
    const Job& job = work.job;
    // Board names are checked (letters, digits, '_', '-') and ids are numbers: paths stay in results/.
    const auto logs = config_.results_dir / board_.name / "logs";
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    const auto log_file = logs / fmt::format("job-{}.log", job.id);
    std::filesystem::remove(log_file, ec);

    session::RunOptions options;
    options.repetitions = job.repetitions;
    options.filter = job.filter;
    options.cancel = work.cancel.get();
    std::string last_step;
    session::Progress progress;
    progress.step = [&](session::Step step, const std::string& note) {
        last_step = session::to_string(step);
        queue_.add_progress(job.id, note.empty() ? last_step : last_step + ": " + note);
    };
    progress.flash = [&](std::size_t done, std::size_t total) {
        if (done == total) queue_.add_progress(job.id, fmt::format("flash: {} bytes written and verified", total));
    };
    progress.result = [&](const results::Measurement& m) {
        queue_.add_progress(job.id, fmt::format("result: {} ({} samples)", m.full_name(), m.samples.size()));
    };

    JobQueue::Outcome outcome;
    auto report = session::run_on_board(board_, image(), options, log_file, progress);
    if (!report) {
        const auto& error = report.error();
        if (error.kind == ErrorKind::cancelled && queue_.stopping()) {
            queue_.requeue(job.id, "re-queued: rigd stopped during the run");
            return;
        }
        const auto cls = classify_failure(last_step, error.kind);
        outcome.state = error.kind == ErrorKind::cancelled ? JobState::cancelled : JobState::failed;
        outcome.reason = error.message;
        outcome.failed_step = error.kind == ErrorKind::cancelled ? "" : last_step;
        outcome.failure = cls.failure;
        outcome.verdict = cls.verdict;
        queue_.finish_job(job.id, outcome);
        return;
    }
    outcome.verdict = BoardVerdict::works;
    const auto out = cli::result_file(config_.results_dir, board_.name, report->info.firmware_commit);
    if (auto written = results::write_gbench_json(*report, out); !written) {
        outcome.state = JobState::failed;
        outcome.failure = "results not written";
        outcome.reason = written.error().message;
        queue_.finish_job(job.id, outcome);
        return;
    }
    outcome.state = JobState::done;
    outcome.result_file = out.string();
    if (!config_.history_file.empty()) {
        if (auto stored = store_run(config_.history_file, *report, log_file); stored)
            outcome.history_run = *stored;
        else
            queue_.add_progress(job.id,
                                "not stored in the history (the JSON file is written): " + stored.error().message);
    }
    queue_.finish_job(job.id, outcome);
}

}  // namespace rig::daemon
