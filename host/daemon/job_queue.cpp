#include "host/daemon/job_queue.hpp"

#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace rig::daemon {
namespace {

using nlohmann::json;

constexpr int state_format = 1;
constexpr std::size_t max_finished_jobs = 500;  // older finished jobs are forgotten

}  // namespace

JobQueue::JobQueue(std::filesystem::path state_file, const std::vector<std::string>& boards)
    : state_file_(std::move(state_file)) {
    for (const auto& name : boards) boards_[name].status.name = name;
}

Result<std::unique_ptr<JobQueue>> JobQueue::open(const std::filesystem::path& state_file,
                                                 const std::vector<std::string>& boards) {
    std::unique_ptr<JobQueue> queue(new JobQueue(state_file, boards));
    std::lock_guard lock(queue->mutex_);
    if (auto loaded = queue->load(); !loaded) return loaded.error();
    if (auto written = queue->persist(); !written) return written.error();
    return queue;
}

Result<void> JobQueue::load() {
    std::error_code ec;
    if (!std::filesystem::exists(state_file_, ec)) return {};
    std::ifstream in(state_file_, std::ios::binary);
    if (!in) return make_error(ErrorKind::io, state_file_.string() + ": cannot open the queue state");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const json j = json::parse(text.str());
        if (j.at("format").get<int>() != state_format)
            return make_error(ErrorKind::unsupported, state_file_.string() + ": queue state of another format");
        next_id_ = j.at("next_id").get<std::uint64_t>();
        next_seq_ = j.at("next_seq").get<std::uint64_t>();
        for (const auto& item : j.at("jobs")) {
            Job job = job_from_json(item);
            if (job.hold && !is_final(job.state)) {
                // A hold lives as long as its client's connection, which this daemon never saw.
                job.state = JobState::cancelled;
                job.reason = "rigd restarted: the holding client's connection is gone";
                job.finished_at = utc_now_ms();
                job.finished_seq = next_seq_++;
            } else if (job.state == JobState::running) {
                job.state = JobState::failed;
                job.reason = "daemon restarted";
                job.failure = "daemon restarted";
                job.finished_at = utc_now_ms();
                job.finished_seq = next_seq_++;
            }
            next_id_ = std::max(next_id_, job.id + 1);
            jobs_[job.id] = std::move(job);
        }
        for (const auto& item : j.at("boards")) {
            BoardStatus b = board_from_json(item);
            auto it = boards_.find(b.name);
            if (it == boards_.end()) continue;  // a board this daemon no longer owns
            b.running_job = 0;
            b.checking_health = false;
            it->second.status = b;
        }
    } catch (const json::exception& e) {
        return make_error(ErrorKind::malformed, state_file_.string() + ": queue state unreadable: " + e.what());
    }
    return {};
}

Result<void> JobQueue::persist() {
    json jobs = json::array();
    for (const auto& [id, job] : jobs_) jobs.push_back(to_json(job));
    json boards = json::array();
    for (const auto& [name, b] : boards_) boards.push_back(to_json(status_locked(name)));
    const json state = {
        {"format", state_format}, {"next_id", next_id_}, {"next_seq", next_seq_}, {"jobs", jobs}, {"boards", boards}};
    auto written = util::write_file_atomically(state_file_, state.dump(1, ' ', false, json::error_handler_t::replace));
    if (!written) fmt::print(stderr, "rigd: queue state not written: {}\n", written.error().message);
    return written;
}

void JobQueue::set_observer(Observer observer) {
    std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

Job* JobQueue::job_locked(std::uint64_t id) {
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : &it->second;
}

BoardStatus JobQueue::status_locked(const std::string& board) const {
    BoardStatus s = boards_.at(board).status;
    s.queued = 0;
    for (const auto& [id, job] : jobs_)
        if (job.board == board && job.state == JobState::queued) ++s.queued;
    return s;
}

void JobQueue::changed(const Job& job, bool write_state) {
    if (write_state) (void)persist();
    if (observer_) {
        QueueEvent e;
        e.kind = QueueEvent::job_changed;
        e.job = job.id;
        e.snapshot = job;
        observer_(e);
    }
    wake_.notify_all();
}

void JobQueue::prune() {
    std::size_t finished = 0;
    for (const auto& [id, job] : jobs_) finished += is_final(job.state);
    for (auto it = jobs_.begin(); it != jobs_.end() && finished > max_finished_jobs;) {
        if (is_final(it->second.state)) {
            it = jobs_.erase(it);
            --finished;
        } else {
            ++it;
        }
    }
}

Result<Job> JobQueue::submit(const std::string& board, unsigned repetitions, const std::string& filter,
                             std::uint32_t uid) {
    Job job;
    job.repetitions = repetitions;
    job.filter = filter;
    job.board = board;
    job.submitted_by = uid;
    return enqueue(std::move(job));
}

Result<Job> JobQueue::hold(const std::string& board, std::uint32_t uid) {
    Job job;
    job.hold = true;
    job.repetitions = 0;
    job.board = board;
    job.submitted_by = uid;
    return enqueue(std::move(job));
}

Result<Job> JobQueue::enqueue(Job job) {
    std::lock_guard lock(mutex_);
    if (stopping_) return make_error(ErrorKind::closed, "rigd is stopping");
    const auto b = boards_.find(job.board);
    if (b == boards_.end()) {
        std::string known;
        for (const auto& [name, state] : boards_) known += (known.empty() ? "" : ", ") + name;
        return make_error(ErrorKind::not_found, "rigd has no board '" + job.board + "' (it owns: " + known + ")");
    }
    job.id = next_id_++;
    job.submitted_at = utc_now_ms();
    if (!b->second.status.healthy && !job.hold) job.reason = "waiting: board unhealthy until a health check passes";
    jobs_[job.id] = job;
    prune();
    if (auto written = persist(); !written) {
        jobs_.erase(job.id);
        return written.error().context("job not queued");
    }
    changed(job, false);
    return job;
}

void JobQueue::release(std::uint64_t id, const std::string& note) {
    std::lock_guard lock(mutex_);
    Job* job = job_locked(id);
    if (!job || !job->hold || is_final(job->state)) return;
    if (job->state == JobState::running) {
        boards_.at(job->board).status.running_job = 0;
        job->state = JobState::done;
    } else {
        job->state = JobState::cancelled;
        queued_since_.erase(id);
    }
    job->reason = note;
    job->finished_at = utc_now_ms();
    job->finished_seq = next_seq_++;
    changed(*job);
}

void JobQueue::wait_for_release(std::uint64_t id) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] {
        const Job* job = job_locked(id);
        return stopping_ || !job || is_final(job->state);
    });
}

Result<Job> JobQueue::find(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return make_error(ErrorKind::not_found, "no job " + std::to_string(id));
    return it->second;
}

std::vector<Job> JobQueue::jobs() const {
    std::lock_guard lock(mutex_);
    std::vector<Job> all;
    for (const auto& [id, job] : jobs_) all.push_back(job);
    return all;
}

std::vector<BoardStatus> JobQueue::boards() const {
    std::lock_guard lock(mutex_);
    std::vector<BoardStatus> all;
    for (const auto& [name, b] : boards_) all.push_back(status_locked(name));
    return all;
}

Result<Job> JobQueue::cancel(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    Job* job = job_locked(id);
    if (!job) return make_error(ErrorKind::not_found, "no job " + std::to_string(id));
    if (is_final(job->state))
        return make_error(ErrorKind::invalid_argument,
                          "job " + std::to_string(id) + " is already " + to_string(job->state));
    if (job->state == JobState::queued) {
        job->state = JobState::cancelled;
        job->reason = "cancelled before it started";
        job->finished_at = utc_now_ms();
        job->finished_seq = next_seq_++;
        changed(*job);
        return *job;
    }
    if (job->hold) {  // a granted hold ends now; its client is told by the job's end
        boards_.at(job->board).status.running_job = 0;
        job->state = JobState::cancelled;
        job->reason = "hold cancelled";
        job->finished_at = utc_now_ms();
        job->finished_seq = next_seq_++;
        changed(*job);
        return *job;
    }
    // Running: the worker's session sees the flag within a quarter second and stops the board.
    if (auto flag = cancel_flags_.find(id); flag != cancel_flags_.end()) flag->second->store(true);
    job->reason = "cancel requested";
    return *job;
}

Result<void> JobQueue::request_health_check(const std::string& board) {
    std::lock_guard lock(mutex_);
    auto b = boards_.find(board);
    if (b == boards_.end()) return make_error(ErrorKind::not_found, "rigd has no board '" + board + "'");
    b->second.health_requested = true;
    wake_.notify_all();
    return {};
}

std::chrono::milliseconds health_retry_delay(const HealthPolicy& policy, unsigned failed_checks) {
    auto delay = policy.first_retry;
    for (unsigned i = 0; i < failed_checks && delay < policy.interval; ++i) delay *= 2;
    return std::min(delay, policy.interval);
}

std::chrono::steady_clock::time_point JobQueue::fail_overdue_jobs(const std::string& board,
                                                                  const HealthPolicy& policy) {
    using clock = std::chrono::steady_clock;
    auto& b = boards_.at(board);
    auto earliest = clock::time_point::max();
    if (b.status.healthy || policy.job_wait.count() <= 0) return earliest;
    const auto now = clock::now();
    for (auto& [id, job] : jobs_) {
        if (job.board != board || job.state != JobState::queued || job.hold) continue;
        auto since = queued_since_.try_emplace(id, now).first->second;
        const auto deadline = std::max(since, b.unhealthy_since) + policy.job_wait;
        if (deadline > now) {
            earliest = std::min(earliest, deadline);
            continue;
        }
        job.state = JobState::failed;
        job.failure = "board unhealthy";
        job.reason = fmt::format("board {} stayed unhealthy for {} s while this job waited: {}", board,
                                 std::chrono::duration_cast<std::chrono::seconds>(policy.job_wait).count(),
                                 b.status.health_note);
        job.finished_at = utc_now_ms();
        job.finished_seq = next_seq_++;
        queued_since_.erase(id);
        changed(job);
    }
    return earliest;
}

JobQueue::Work JobQueue::next_work(const std::string& board, const HealthPolicy& policy) {
    using clock = std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    auto& b = boards_.at(board);
    while (true) {
        Work work;
        if (stopping_) return work;
        const auto now = clock::now();
        const auto check_at = policy.interval.count() > 0 && !b.status.healthy
                                  ? b.last_check + health_retry_delay(policy, b.failed_checks)
                                  : clock::time_point::max();
        if (b.health_requested || now >= check_at) {
            b.health_requested = false;
            b.status.checking_health = true;
            work.kind = Work::health_check;
            return work;
        }
        const auto job_deadline = fail_overdue_jobs(board, policy);
        // In the order they came; an unhealthy board grants holds only (its runs wait).
        for (auto& [id, job] : jobs_) {
            if (job.board != board || job.state != JobState::queued || !(b.status.healthy || job.hold)) continue;
            job.state = JobState::running;
            job.reason.clear();
            job.started_at = utc_now_ms();
            job.started_seq = next_seq_++;
            queued_since_.erase(id);
            b.status.running_job = id;
            work.kind = job.hold ? Work::hold : Work::run;
            work.cancel = std::make_shared<std::atomic<bool>>(false);
            if (!job.hold) cancel_flags_[id] = work.cancel;
            work.job = job;
            changed(job);
            return work;
        }
        const auto wake_at = std::min(check_at, job_deadline);
        if (wake_at == clock::time_point::max())
            wake_.wait(lock);
        else
            wake_.wait_until(lock, wake_at);
    }
}

void JobQueue::add_progress(std::uint64_t id, const std::string& line) {
    std::lock_guard lock(mutex_);
    Job* job = job_locked(id);
    if (!job) return;
    const std::size_t index = job->progress_total++;
    if (job->progress.size() < max_progress_lines) job->progress.push_back(line);
    if (observer_) {
        QueueEvent e;
        e.kind = QueueEvent::progress;
        e.job = id;
        e.index = index;
        e.line = line;
        observer_(e);
    }
}

void JobQueue::note_queued(const std::string& board, const std::string& note) {
    for (auto& [id, job] : jobs_)
        if (job.board == board && job.state == JobState::queued) job.reason = note;
}

void JobQueue::finish_job(std::uint64_t id, const Outcome& outcome) {
    std::lock_guard lock(mutex_);
    cancel_flags_.erase(id);
    Job* job = job_locked(id);
    if (!job) return;
    auto& b = boards_.at(job->board);
    b.status.running_job = 0;
    job->state = outcome.state;
    job->reason = outcome.reason;
    job->failed_step = outcome.failed_step;
    job->failure = outcome.failure;
    job->result_file = outcome.result_file;
    job->run_id = outcome.run_id;
    job->history_run = outcome.history_run;
    job->finished_at = utc_now_ms();
    job->finished_seq = next_seq_++;
    if (outcome.verdict == BoardVerdict::works) {
        b.status.consecutive_failures = 0;
    } else if (outcome.verdict == BoardVerdict::broken) {
        ++b.status.consecutive_failures;
        if (b.status.consecutive_failures >= unhealthy_after_failures && b.status.healthy)
            mark_unhealthy(b, job->board,
                           fmt::format("{} consecutive failures, the last: {} ({})", b.status.consecutive_failures,
                                       outcome.failure, outcome.reason));
    }
    changed(*job);
}

void JobQueue::mark_unhealthy(BoardState& b, const std::string& board, const std::string& note) {
    b.status.healthy = false;
    b.status.health_note = note;
    b.failed_checks = 0;
    b.last_check = b.unhealthy_since = std::chrono::steady_clock::now();  // first retry after first_retry
    note_queued(board, "waiting: board unhealthy until a health check passes");
}

void JobQueue::requeue(std::uint64_t id, const std::string& note) {
    std::lock_guard lock(mutex_);
    cancel_flags_.erase(id);
    Job* job = job_locked(id);
    if (!job) return;
    boards_.at(job->board).status.running_job = 0;
    job->state = JobState::queued;
    job->reason = note;
    job->started_at.clear();
    job->started_seq = 0;
    job->progress.clear();
    job->progress_total = 0;
    changed(*job);
}

void JobQueue::finish_health_check(const std::string& board, const Result<void>& result) {
    std::lock_guard lock(mutex_);
    auto& b = boards_.at(board);
    b.status.checking_health = false;
    b.status.last_health_check = utc_now_ms();
    b.last_check = std::chrono::steady_clock::now();
    if (result) {
        b.status.healthy = true;
        b.status.consecutive_failures = 0;
        b.failed_checks = 0;
        b.status.health_note = "health check passed";
        note_queued(board, "");
    } else if (result.error().kind != ErrorKind::cancelled) {
        const std::string note = "health check failed: " + result.error().message;
        if (b.status.healthy) {
            mark_unhealthy(b, board, note);
        } else {
            ++b.failed_checks;  // back off: the next check waits twice as long
            b.status.health_note = note;
        }
        b.last_check = std::chrono::steady_clock::now();
    }
    (void)persist();
    if (observer_) {
        QueueEvent e;
        e.kind = QueueEvent::health_checked;
        e.board = status_locked(board);
        e.passed = static_cast<bool>(result);
        e.line = result ? "health check passed" : result.error().message;
        observer_(e);
    }
    wake_.notify_all();
}

void JobQueue::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, flag] : cancel_flags_) flag->store(true);
    wake_.notify_all();
}

}  // namespace rig::daemon
