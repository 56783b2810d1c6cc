#include "host/daemon/board_worker.hpp"

#include "host/config/paths.hpp"
#include "host/results/commit_date.hpp"
#include "host/results/run_recorder.hpp"
#include "host/session/health_check.hpp"
#include "host/session/image_freshness.hpp"
#include "host/session/run_session.hpp"

#include <fmt/format.h>

namespace rig::daemon {

FailureClass classify_failure(const std::string& step, ErrorKind kind) {
    using session::Step;
    using session::to_string;
    if (kind == ErrorKind::cancelled) return {"cancelled", BoardVerdict::unknown};
    if (step.empty() || step == to_string(Step::load_image)) return {"image error", BoardVerdict::unknown};
    // A request the image cannot serve (a filter that matches none of its benchmarks, found at
    // check image since protocol 4): the board is fine.
    if (kind == ErrorKind::invalid_argument) return {"bad request", BoardVerdict::works};
    if (step == to_string(Step::check_image)) return {"image error", BoardVerdict::unknown};
    if (step == to_string(Step::start_probe) || step == to_string(Step::connect_uart))
        return {"probe error", BoardVerdict::broken};
    if (step == to_string(Step::flash)) return {"flash error", BoardVerdict::broken};
    if (step == to_string(Step::reset)) return {"reset error", BoardVerdict::broken};
    if (step == to_string(Step::hello))
        return {kind == ErrorKind::timeout ? "no answer on the UART" : "bad HELLO", BoardVerdict::broken};
    return {"benchmark failure", BoardVerdict::works};  // run, collect: the board answered
}

BoardWorker::BoardWorker(board::Board board, JobQueue& queue, WorkerConfig config)
    : board_(std::move(board)), queue_(queue), config_(std::move(config)), thread_([this] { loop(); }) {}

BoardWorker::~BoardWorker() {
    if (thread_.joinable()) thread_.join();
}

std::filesystem::path BoardWorker::image() const {
    return config_.image.empty() ? config::default_image(board_.image_name()) : config_.image;
}

void BoardWorker::loop() {
    while (true) {
        auto work = queue_.next_work(board_.name, config_.health);
        if (work.kind == JobQueue::Work::stop) return;
        // Nothing a job or a check meets may end the daemon: an exception (a library's, or a
        // bug's) fails that job with its message, and the worker takes the next one.
        try {
            if (work.kind == JobQueue::Work::health_check)
                check_health();
            else if (work.kind == JobQueue::Work::hold)
                queue_.wait_for_release(work.job.id);  // the client drives the board meanwhile
            else
                run_job(work);
        } catch (const std::exception& e) {
            fail_after_exception(work, e.what());
        } catch (...) {
            fail_after_exception(work, "unknown exception");
        }
    }
}

void BoardWorker::fail_after_exception(const JobQueue::Work& work, const std::string& what) {
    try {
        if (work.kind == JobQueue::Work::hold) {
            queue_.release(work.job.id, "hold ended: " + what);
            return;
        }
        if (work.kind == JobQueue::Work::health_check) {
            queue_.finish_health_check(board_.name,
                                       make_error(ErrorKind::io, "health check ended with an exception: " + what));
            return;
        }
        JobQueue::Outcome outcome;
        outcome.state = JobState::failed;
        outcome.failure = "internal error";
        outcome.reason = "board " + board_.name + ": the run ended with an exception: " + what;
        queue_.finish_job(work.job.id, outcome);
    } catch (...) {
        // The queue itself failed (e.g. its state file): the daemon goes on; the job stays as it was.
    }
}

void BoardWorker::check_health() {
    const auto logs = config_.results_dir / board_.name / "logs";
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    const auto log_file = logs / "health-check.log";
    std::filesystem::remove(log_file, ec);
    // A health check is short; stopping the daemon waits for it (its own timeouts bound it).
    auto result = session::check_board_health(board_, image(), log_file, nullptr, {});
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
    // The build's own image must be what the checkout builds now, or its results are mislabelled.
    if (config_.image.empty() && config::current().images_are_build) {
        if (auto current = session::check_image_is_current(image(), config::source_dir(), config::build_dir());
            !current) {
            outcome.state = JobState::failed;
            outcome.reason = current.error().message;
            outcome.failed_step = session::to_string(session::Step::load_image);
            outcome.failure = "image error";
            queue_.finish_job(job.id, outcome);
            return;
        }
    }
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
    results::RecordOptions record;
    record.results_dir = config_.results_dir;
    record.history = config_.history_file;
    record.log_file = log_file;
    record.source = "rigd";
    record.commit_date = results::git_commit_date(config::source_dir(), report->info.firmware_commit);
    const auto recorded = results::record_run(*report, record);
    if (recorded.file_error) {
        outcome.state = JobState::failed;
        outcome.failure = "results not written";
        outcome.reason = recorded.file_error->message;
        queue_.finish_job(job.id, outcome);
        return;
    }
    outcome.state = JobState::done;
    outcome.result_file = recorded.result_file.string();
    outcome.run_id = report->info.run_id;
    outcome.history_run = recorded.history_run;
    queue_.add_progress(job.id, "run id " + report->info.run_id);
    if (recorded.history_error)
        queue_.add_progress(job.id,
                            "not stored in the history (the JSON file is written): " + recorded.history_error->message);
    queue_.finish_job(job.id, outcome);
}

}  // namespace rig::daemon
