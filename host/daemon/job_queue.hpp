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

// When an unhealthy board is checked again, and how long a job waits for it. Checks back off:
// first_retry after it became unhealthy, then twice as long each time, up to `interval`.
struct HealthPolicy {
    std::chrono::milliseconds interval = std::chrono::minutes(10);  // 0 = only on demand (`rig health`)
    std::chrono::milliseconds first_retry = std::chrono::seconds(30);
    // A job queued on an unhealthy board fails after waiting this long, with the board's health
    // note as its reason: nobody's `rig submit --follow` waits for ever.
    std::chrono::milliseconds job_wait = std::chrono::minutes(30);
};

// The wait before the next automatic check after `failed_checks` failed ones (0 = just became
// unhealthy): first_retry, doubling, never beyond interval.
std::chrono::milliseconds health_retry_delay(const HealthPolicy& policy, unsigned failed_checks);

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
    // A hold on the board, queued behind its jobs like one; granted (running) when the board's
    // worker reaches it, even on an unhealthy board (bring-up is how a board is mended).
    Result<Job> hold(const std::string& board, std::uint32_t uid);
    // Ends a hold, queued or granted (the client released it or its connection closed); the
    // board's worker takes its next work. Anything else, or a hold already ended, is left alone.
    void release(std::uint64_t id, const std::string& note);
    Result<Job> find(std::uint64_t id) const;
    std::vector<Job> jobs() const;
    std::vector<BoardStatus> boards() const;
    Result<Job> cancel(std::uint64_t id);
    Result<void> request_health_check(const std::string& board);

    // Worker side.
    struct Work {
        enum Kind { stop, run, health_check, hold } kind = stop;
        Job job;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    // Blocks until there is something for `board`: a requested (or, for an unhealthy board, a due)
    // health check, else the oldest queued job of a healthy board, else stop.
    // Queued jobs of an unhealthy board that waited past policy.job_wait are failed here.
    Work next_work(const std::string& board, const HealthPolicy& policy);
    // Blocks while the hold `id` is granted: until it is released or rigd stops.
    void wait_for_release(std::uint64_t id);
    void add_progress(std::uint64_t id, const std::string& line);
    struct Outcome {
        JobState state = JobState::done;
        std::string reason, failed_step, failure, result_file, run_id;
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
        std::chrono::steady_clock::time_point last_check{};  // or when it became unhealthy
        std::chrono::steady_clock::time_point unhealthy_since{};
        unsigned failed_checks = 0;  // automatic checks failed since it became unhealthy
    };
    // Fails the board's queued jobs that waited past the bound; returns the earliest time one of
    // the others will have, with mutex_ held.
    std::chrono::steady_clock::time_point fail_overdue_jobs(const std::string& board, const HealthPolicy& policy);
    void mark_unhealthy(BoardState& b, const std::string& board, const std::string& note);
    JobQueue(std::filesystem::path state_file, const std::vector<std::string>& boards);
    Result<void> load();
    Result<Job> enqueue(Job job);  // submit and hold
    Result<void> persist();        // with mutex_ held
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
    std::map<std::uint64_t, std::chrono::steady_clock::time_point> queued_since_;  // this daemon's clock
    std::uint64_t next_id_ = 1;
    std::uint64_t next_seq_ = 1;
    std::atomic<bool> stopping_{false};
    Observer observer_;
};

}  // namespace rig::daemon
