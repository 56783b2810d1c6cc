#include "host/util/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace rig::util {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a plain file";
}

std::string mib(std::uintmax_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// Closes the descriptor on every path.
struct Fd {
    explicit Fd(int descriptor) : fd(descriptor) {}
    Fd(const Fd&) = delete;  // a copy would close the descriptor twice
    Fd& operator=(const Fd&) = delete;
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

Result<std::vector<std::uint8_t>> read_regular_file(const std::filesystem::path& file, std::size_t max_bytes) {
    const auto os_error = [&](const std::string& what) {
        const int err = errno;
        return make_error(err == ENOENT ? ErrorKind::not_found : ErrorKind::io,
                          file.string() + ": " + what + ": " + std::strerror(err));
    };
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is refused just below).
    Fd in{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (in.fd < 0) return os_error("cannot open");
    struct stat st {};
    if (::fstat(in.fd, &st) != 0) return os_error("cannot stat");
    if (!S_ISREG(st.st_mode))
        return make_error(ErrorKind::invalid_argument,
                          file.string() + ": not a regular file (" + kind_of(st.st_mode) + ")");
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
        return make_error(ErrorKind::invalid_argument, file.string() + ": " +
                                                           mib(static_cast<std::uintmax_t>(st.st_size)) +
                                                           ", larger than the " + mib(max_bytes) + " accepted");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (true) {
        // A file that grows while it is read: one byte past the cap is enough to refuse it.
        if (done == bytes.size()) {
            if (bytes.size() > max_bytes)
                return make_error(ErrorKind::invalid_argument,
                                  file.string() + ": grew past the " + mib(max_bytes) + " accepted while it was read");
            bytes.resize(std::min(max_bytes + 1, bytes.size() + 65536));
        }
        const ssize_t n = ::read(in.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return os_error("cannot read");
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace rig::util
