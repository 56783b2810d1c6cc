#pragma once
// A program the rig starts (QEMU, OpenOCD, a GDB server, a build): started from an argv, never
// through a shell, in a process group of its own, and always stopped with that whole group (a
// build's ninja, cargo and rustc go with it) — by the destructor on every path, and by the kernel
// (PR_SET_PDEATHSIG) if the rig itself dies without running destructors.

#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rig::util {

class ChildProcess {
public:
    // Starts argv[0] (looked up on PATH) with its stdout and stderr appended to log_file.
    // Throws std::system_error when the program cannot be started at all (fork failure);
    // a program missing from PATH shows up as an early exit with status 127.
    ChildProcess(std::vector<std::string> argv, const std::filesystem::path& log_file);

    // The same with stdout and stderr going to descriptors the caller owns (pipe ends); the child
    // gets copies, the caller closes its own.
    ChildProcess(std::vector<std::string> argv, int stdout_fd, int stderr_fd);

    // The same as an expected failure: a log file that cannot be created (a full or read-only
    // results disk) is an I/O error naming the file, not an exception.
    static Result<std::unique_ptr<ChildProcess>> start(std::vector<std::string> argv,
                                                       const std::filesystem::path& log_file);
    ~ChildProcess();

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    int pid() const { return pid_; }
    // The process group the child leads (its pid); every process it starts stays in it.
    int process_group() const { return group_; }
    // What this process has written to its log so far (the log may hold earlier runs before it:
    // it is appended to).
    std::string output() const;
    const std::vector<std::string>& argv() const { return argv_; }

    // True while the process has not exited; reaps it (and records its status) if it has.
    bool running();

    // How it ended, once it has: "exited with status 1", "killed by signal 9".
    std::optional<std::string> exit_description() const { return exit_description_; }
    // The status it exited with; nullopt while running or when a signal ended it.
    std::optional<int> exit_status() const { return exit_status_; }

    // SIGTERM to the whole process group, then SIGKILL to what is left of it after `grace`;
    // waits until the process is reaped. Processes of the group that outlive the child (its
    // children in the background) are killed too, even when the child had already exited.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    // Sends a signal to the child alone, without waiting (fault-injection tests kill QEMU mid-run).
    void signal(int signo) const;

private:
    void spawn(int stdout_fd, int stderr_fd);
    void record_status(int status);
    bool group_alive() const;

    std::vector<std::string> argv_;
    std::filesystem::path log_file_;
    std::uintmax_t log_offset_ = 0;  // the log's size when this process started
    int pid_ = -1;
    int group_ = -1;  // kept after the child is reaped: its background children may live on
    std::optional<std::string> exit_description_;
    std::optional<int> exit_status_;
};

// A program run to its end whose output the rig reads (git): stdout and stderr come back through
// pipes, never through a file (a predictable file in /tmp could be planted by another user).
// Stopped with its process group at `timeout`, or within 50 ms of `cancel` being set.
struct ProgramOutput {
    bool ok = false;       // exited with status 0
    int exit_status = -1;  // the status it exited with; -1 when it did not exit by itself
    std::string out;       // stdout
    std::string err;       // stderr
    std::string status;    // "exited with status 0", "timed out after 30 s", "cancelled", …
};
ProgramOutput run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::atomic<bool>* cancel = nullptr, std::size_t max_output_bytes = 64 * 1024 * 1024);

// A program run to its end (a git command, a build, a tool under test): `log` gets its stdout
// and stderr appended, `output` is what this run added (ChildProcess::output). Stopped at `timeout`, or as soon as
// `cancel` is set.
struct Captured {
    bool ok = false;  // exited with status 0
    std::string output;
    std::string status;  // "exited with status 0", "timed out", "cancelled", …
};
Captured run_captured(const std::vector<std::string>& argv, const std::filesystem::path& log,
                      std::chrono::seconds timeout = std::chrono::seconds(1800),
                      const std::atomic<bool>* cancel = nullptr);

// True when `program` can be found on PATH (or is an executable path).
bool program_available(const std::string& program);

// The last `max_bytes` of a log file, for error messages ("QEMU said: ...").
std::string tail_of_file(const std::filesystem::path& file, std::size_t max_bytes = 800);

}  // namespace rig::util
