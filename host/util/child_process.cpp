#include "host/util/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace rig::util {

namespace {

std::uintmax_t file_size_or_zero(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    return ec ? 0 : size;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::filesystem::path& log_file)
    : argv_(std::move(argv)), log_file_(log_file), log_offset_(file_size_or_zero(log_file)) {
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::system_error(errno, std::generic_category(), "open " + log_file.string());
    try {
        spawn(log_fd, log_fd);
    } catch (...) {
        ::close(log_fd);
        throw;
    }
    ::close(log_fd);
}

ChildProcess::ChildProcess(std::vector<std::string> argv, int stdout_fd, int stderr_fd) : argv_(std::move(argv)) {
    spawn(stdout_fd, stderr_fd);
}

void ChildProcess::spawn(int stdout_fd, int stderr_fd) {
    // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork for " + argv_.front());
    if (pid_ == 0) {
        // If the rig dies (even SIGKILL), the kernel stops the child: no stray QEMU holds a port.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        ::setpgid(0, 0);  // a Ctrl-C at the terminal reaches the rig, which stops children in order
        // The rig's own signal dispositions and mask are not the program's.
        for (int signo : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(signo, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, STDIN_FILENO);
        // stderr first: when both are one pipe end, dup2 onto stdout must not close it early.
        if (stderr_fd != STDERR_FILENO) ::dup2(stderr_fd, STDERR_FILENO);
        if (stdout_fd != STDOUT_FILENO) ::dup2(stdout_fd, STDOUT_FILENO);
        // Only these three cross exec. Anything else the rig holds, e.g. rigd's listening socket
        // (Asio does not open it close-on-exec), would live on in the child: after rigd is killed
        // its QEMU kept the socket for a few milliseconds and queued a client's connection, then
        // closed it unanswered.
        if (::close_range(3, ~0U, 0) != 0)
            for (int fd = 3; fd < 4096; ++fd) ::close(fd);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    // Set on both sides, so that the group exists before stop() can signal it.
    ::setpgid(pid_, pid_);
    group_ = pid_;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(std::vector<std::string> argv,
                                                          const std::filesystem::path& log_file) {
    const std::string program = argv.empty() ? std::string("?") : argv.front();
    try {
        return std::make_unique<ChildProcess>(std::move(argv), log_file);
    } catch (const std::system_error& e) {
        return make_error(ErrorKind::io, "cannot start " + program + ": " + e.what());
    }
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::record_status(int status) {
    std::ostringstream why;
    if (WIFEXITED(status)) {
        exit_status_ = WEXITSTATUS(status);
        why << "exited with status " << WEXITSTATUS(status);
        if (WEXITSTATUS(status) == 127) why << " (program not found: " << argv_.front() << ")";
    } else if (WIFSIGNALED(status)) {
        why << "killed by signal " << WTERMSIG(status);
    }
    exit_description_ = why.str();
    pid_ = -1;
}

bool ChildProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) return true;
    if (r == pid_)
        record_status(status);
    else
        pid_ = -1;  // ECHILD: someone else reaped it
    return false;
}

void ChildProcess::signal(int signo) const {
    if (pid_ > 0) ::kill(pid_, signo);
}

bool ChildProcess::group_alive() const { return group_ > 0 && ::kill(-group_, 0) == 0; }

void ChildProcess::stop(std::chrono::milliseconds grace) {
    const bool child_running = running();
    // group_ > 0 always holds here; checked anyway, as kill(-group_) with 1 or less would reach
    // every process the rig may signal.
    if (group_ <= 1 || (!child_running && !group_alive())) return;
    // The whole group: a build's ninja, cargo and rustc, a shell's background jobs.
    ::kill(-group_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // Whatever of the group is still there gets SIGKILL. The group id cannot have been reused:
    // it stays taken while any member (the child, reaped or not, or its children) exists.
    if (pid_ > 0 || group_alive()) ::kill(-group_, SIGKILL);
    if (pid_ > 0) {
        int status = 0;
        pid_t r;
        do r = ::waitpid(pid_, &status, 0);
        while (r < 0 && errno == EINTR);
        if (r == pid_) record_status(status);
        pid_ = -1;
    }
}

std::string ChildProcess::output() const {
    std::ifstream in(log_file_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(log_offset_));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

Captured run_captured(const std::vector<std::string>& argv, const std::filesystem::path& log,
                      std::chrono::seconds timeout, const std::atomic<bool>* cancel) {
    Captured c;
    try {
        ChildProcess child(argv, log);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (child.running()) {
            if (std::chrono::steady_clock::now() > deadline || (cancel && cancel->load())) {
                child.stop();
                c.status = cancel && cancel->load() ? "cancelled" : "timed out";
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (c.status.empty()) c.status = child.exit_description().value_or("unknown");
        c.output = child.output();
    } catch (const std::exception& e) {
        c.status = e.what();
    }
    c.ok = c.status == "exited with status 0";
    return c;
}

ProgramOutput run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::atomic<bool>* cancel, std::size_t max_output_bytes) {
    ProgramOutput result;
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    const auto close_all = [&] {
        for (int* fd : {&out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1]})
            if (*fd >= 0) ::close(std::exchange(*fd, -1));
    };
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        result.status = std::string("cannot create a pipe: ") + std::strerror(errno);
        close_all();
        return result;
    }
    std::unique_ptr<ChildProcess> child;
    try {
        child = std::make_unique<ChildProcess>(argv, out_pipe[1], err_pipe[1]);
    } catch (const std::exception& e) {
        result.status = e.what();
        close_all();
        return result;
    }
    ::close(std::exchange(out_pipe[1], -1));
    ::close(std::exchange(err_pipe[1], -1));

    // Both pipes are drained until the child (and anything it left holding them) closes them.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string* sinks[2] = {&result.out, &result.err};
    int* fds[2] = {&out_pipe[0], &err_pipe[0]};
    while (*fds[0] >= 0 || *fds[1] >= 0) {
        if (cancel && cancel->load()) {
            result.status = "cancelled";
            break;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.status = "timed out after " + std::to_string(timeout.count() / 1000) + " s";
            break;
        }
        pollfd p[2] = {{*fds[0], POLLIN, 0}, {*fds[1], POLLIN, 0}};
        const int ready = ::poll(p, 2, static_cast<int>(std::min<long long>(left.count(), 50)));
        if (ready < 0 && errno != EINTR) {
            result.status = std::string("poll: ") + std::strerror(errno);
            break;
        }
        for (int i = 0; i < 2 && ready > 0; ++i) {
            if (*fds[i] < 0 || p[i].revents == 0) continue;
            char chunk[65536];
            const ssize_t n = ::read(*fds[i], chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(std::exchange(*fds[i], -1));
                continue;
            }
            if (sinks[i]->size() + static_cast<std::size_t>(n) > max_output_bytes) {
                result.status = "wrote more than " + std::to_string(max_output_bytes) + " bytes";
                break;
            }
            sinks[i]->append(chunk, static_cast<std::size_t>(n));
        }
        if (!result.status.empty()) break;
    }
    close_all();
    if (!result.status.empty()) {
        child->stop(std::chrono::milliseconds(500));
        return result;
    }
    // The pipes are closed: the child has exited or is about to. Wait for it within the deadline.
    while (child->running()) {
        if ((cancel && cancel->load()) || std::chrono::steady_clock::now() > deadline) {
            child->stop(std::chrono::milliseconds(500));
            result.status = cancel && cancel->load() ? "cancelled" : "timed out";
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    child->stop();  // its background children, if any
    result.status = child->exit_description().value_or("unknown");
    result.exit_status = child->exit_status().value_or(-1);
    result.ok = result.exit_status == 0;
    return result;
}

bool program_available(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        dir += '/';
        dir += program;
        if (::access(dir.c_str(), X_OK) == 0) return true;
    }
    return false;
}

std::string tail_of_file(const std::filesystem::path& file, std::size_t max_bytes) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(in.tellg());
    const std::size_t start = size > max_bytes ? size - max_bytes : 0;
    in.seekg(static_cast<std::streamoff>(start));
    std::string text(size - start, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace rig::util
