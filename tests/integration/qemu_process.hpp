// Test helpers for integration tests: start QEMU (or any program) without a shell, run a
// command with a deadline and capture its output, find a free TCP port. Header-only.
//
// The production launcher lives in host/probes/qemu/; this one only serves tests.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace rig::test_support {

// Full path of `name` on PATH, or nullopt, so a test can fail with "qemu-system-arm not found".
inline std::optional<std::string> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const auto candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return std::nullopt;
}

// A port the kernel just handed out; another process could take it before QEMU binds it, but
// that race is rare enough for tests.
inline std::uint16_t free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot find a free TCP port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// A child process that is killed and reaped when this object goes away, whatever the test did.
class ChildProcess {
public:
    // `stdout_fd`: where the child's stdout and stderr go (-1 = inherit).
    explicit ChildProcess(const std::vector<std::string>& argv, int stdout_fd = -1) {
        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        if (stdout_fd >= 0) {
            posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
            posix_spawn_file_actions_adddup2(&actions, stdout_fd, 2);
        }
        const int error = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() {
        if (!exit_status_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    // Exit status once it has exited (reaped), nullopt while still running.
    std::optional<int> poll_exit() {
        int status = 0;
        if (!exit_status_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return exit_status_;
    }

private:
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

struct CommandOutput {
    int exit_status = -1;  // -1 when killed at the deadline
    std::string output;    // stdout and stderr interleaved
};

// Runs a program to completion (or kills it at the deadline) and returns what it printed.
inline CommandOutput run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    CommandOutput result;
    {
        ChildProcess child(argv, pipe_fds[1]);
        ::close(pipe_fds[1]);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        char buffer[4096];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd fd{pipe_fds[0], POLLIN, 0};
            if (::poll(&fd, 1, 50) > 0) {
                const ssize_t count = ::read(pipe_fds[0], buffer, sizeof buffer);
                if (count <= 0) break;  // every writer closed: the program is done
                result.output.append(buffer, static_cast<std::size_t>(count));
            }
        }
        for (int i = 0; i < 20 && !child.poll_exit(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        result.exit_status = child.poll_exit().value_or(-1);
    }
    ::close(pipe_fds[0]);
    return result;
}

// QEMU's mps2-an386 board, halted (-S), no image, gdbstub on a fresh local port.
class QemuProcess {
public:
    explicit QemuProcess(const std::string& qemu)
        : gdb_port_(free_tcp_port()),
          process_({qemu, "-M", "mps2-an386", "-display", "none", "-monitor", "none", "-serial", "none", "-S", "-gdb",
                    "tcp:127.0.0.1:" + std::to_string(gdb_port_)}) {}

    std::uint16_t gdb_port() const { return gdb_port_; }
    ChildProcess& process() { return process_; }

private:
    std::uint16_t gdb_port_;
    ChildProcess process_;
};

}  // namespace rig::test_support
