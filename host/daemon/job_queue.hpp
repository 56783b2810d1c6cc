#pragma once
// rigd's jobs and boards: a FIFO per board, each job's state and progress, each board's health.
// Every state change is written to one state file (queue.json, replaced atomically) so the queue
// survives the daemon; workers block here for their next piece of work.

#include "host/daemon/job.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rig::daemon {

// After this many consecutive failures in the board's own steps (probe, flash, reset, hello) a
// board is unhealthy: its jobs wait until a health check passes.
constexpr unsigned unhealthy_after_failures = 3;

// What a finished run says about the board, for its health.
enum class BoardVerdict { works, broken, unknown };

// Something the server may want to tell followers; delivered under the queue's lock, in order.
struct QueueEvent {
    enum Kind { progress, job_changed, health_checked } kind = progress;
    std::uint64_t job = 0;
    std::size_t index = 0;  // progress: the line's position in the job's progress
    std::string line;
    Job snapshot;         // job_changed: the job after the change
    BoardStatus board;    // health_checked
    bool passed = false;  // health_checked
};

class JobQueue {
public:
    using Observer = std::function<void(const QueueEvent&)>;

    // Reads the state file if there is one. Jobs that were running when the daemon died are
    // marked failed ("daemon restarted"): a run cut off half-way is not resumed, and re-running
    // it blindly could repeat whatever killed the daemon. Queued jobs keep their order.
    static Result<std::unique_ptr<JobQueue>> open(const std::filesystem::path& state_file,
                                                  const std::vector<std::string>& boards);

    void set_observer(Observer observer);

    // Client side.
    Result<Job> submit(const std::string& board, unsigned repetitions, const std::string& filter, std::uint32_t uid);
    Result<Job> find(std::uint64_t id) const;
    std::vector<Job> jobs() const;
    std::vector<BoardStatus> boards() const;
    Result<Job> cancel(std::uint64_t id);
    Result<void> request_health_check(const std::string& board);

    // Worker side.
    struct Work {
        enum Kind { stop, run, health_check } kind = stop;
        Job job;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    // Blocks until there is something for `board`: a requested (or, for an unhealthy board, a due)
    // health check, else the oldest queued job of a healthy board, else stop.
    Work next_work(const std::string& board, std::chrono::milliseconds health_interval);
    void add_progress(std::uint64_t id, const std::string& line);
    struct Outcome {
        JobState state = JobState::done;
        std::string reason, failed_step, failure, result_file;
        std::int64_t history_run = 0;
        BoardVerdict verdict = BoardVerdict::unknown;
    };
    void finish_job(std::uint64_t id, const Outcome& outcome);
    // Back to the head of its board's queue (the daemon is stopping in an orderly way).
    void requeue(std::uint64_t id, const std::string& note);
    void finish_health_check(const std::string& board, const Result<void>& result);

    // Asks every running job to stop and every worker to return; stopping() stays true.
    void stop();
    bool stopping() const { return stopping_.load(); }

private:
    struct BoardState {
        BoardStatus status;
        bool health_requested = false;
        std::chrono::steady_clock::time_point last_check{};
    };
    JobQueue(std::filesystem::path state_file, const std::vector<std::string>& boards);
    Result<void> load();
    Result<void> persist();  // with mutex_ held
    Job* job_locked(std::uint64_t id);
    void changed(const Job& job, bool write_state = true);  // persist + notify, with mutex_ held
    void note_queued(const std::string& board, const std::string& note);
    BoardStatus status_locked(const std::string& board) const;
    void prune();

    const std::filesystem::path state_file_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::uint64_t, Job> jobs_;
    std::map<std::string, BoardState> boards_;
    std::map<std::uint64_t, std::shared_ptr<std::atomic<bool>>> cancel_flags_;
    std::uint64_t next_id_ = 1;
    std::uint64_t next_seq_ = 1;
    std::atomic<bool> stopping_{false};
    Observer observer_;
};

}  // namespace rig::daemon
