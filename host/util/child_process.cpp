#include "host/util/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
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
    // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::system_error(errno, std::generic_category(), "open " + log_file.string());
    const pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ < 0) {
        const int err = errno;
        ::close(log_fd);
        throw std::system_error(err, std::generic_category(), "fork for " + argv_.front());
    }
    if (pid_ == 0) {
        // If the rig dies (even SIGKILL), the kernel stops the child: no stray QEMU holds a port.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        ::setpgid(0, 0);  // a Ctrl-C at the terminal reaches the rig, which stops children in order
        const int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        // Only these three cross exec. Anything else the rig holds, e.g. rigd's listening socket
        // (Asio does not open it close-on-exec), would live on in the child: after rigd is killed
        // its QEMU kept the socket for a few milliseconds and queued a client's connection, then
        // closed it unanswered.
        if (::close_range(3, ~0U, 0) != 0)
            for (int fd = 3; fd < 4096; ++fd) ::close(fd);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(log_fd);
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
    if (r == 0) return true;
    if (r == pid_)
        record_status(status);
    else
        pid_ = -1;  // ECHILD: someone else reaped it
    return false;
}

void ChildProcess::signal(int signo) {
    if (pid_ > 0) ::kill(pid_, signo);
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        if (::waitpid(pid_, &status, 0) == pid_) record_status(status);
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

bool program_available(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
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
