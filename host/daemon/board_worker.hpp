#pragma once
// One board's worker: a long-lived thread that takes the board's queue in order and holds the
// board alone while a job or a health check runs. The whole run stays on this one thread, as
// QEMU is started with PR_SET_PDEATHSIG, which fires when the *thread* that forked it exits.

#include "host/board/board.hpp"
#include "host/daemon/job_queue.hpp"
#include "host/results/run_report.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

namespace rig::daemon {

struct WorkerConfig {
    std::filesystem::path results_dir;   // results/<board>/<commit>.json, results/<board>/logs/job-<id>.log
    std::filesystem::path history_file;  // every finished run is added here; empty = none
    std::filesystem::path image;         // firmware ELF; empty = the one this build made for the board
    HealthPolicy health;                 // when unhealthy boards are checked again, how long jobs wait
};

// What a failed run's last step says: {failure, does it count against the board}.
struct FailureClass {
    std::string failure;  // "flash error", "no answer on the UART", "benchmark failure", …
    BoardVerdict verdict = BoardVerdict::unknown;
};
FailureClass classify_failure(const std::string& step, ErrorKind kind);

class BoardWorker {
public:
    BoardWorker(board::Board board, JobQueue& queue, WorkerConfig config);
    ~BoardWorker();  // waits for the thread; call JobQueue::stop() first
    BoardWorker(const BoardWorker&) = delete;
    BoardWorker& operator=(const BoardWorker&) = delete;

private:
    void loop();
    void run_job(const JobQueue::Work& work);
    void check_health();
    void fail_after_exception(const JobQueue::Work& work, const std::string& what);
    std::filesystem::path image() const;

    board::Board board_;
    JobQueue& queue_;
    WorkerConfig config_;
    std::thread thread_;
};

}  // namespace rig::daemon
