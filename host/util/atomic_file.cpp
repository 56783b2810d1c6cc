#include "host/util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace rig::util {
namespace {

Error os_error(const std::string& what, const std::filesystem::path& path) {
    return make_error(ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno));
}

// What replacing `target` means: the path to rename onto (a link's target, resolved) and the mode
// to keep (0644 for a new file). Not a regular file: invalid_argument.
struct Replacement {
    std::filesystem::path path;
    mode_t mode = 0644;
};

Result<Replacement> replacement_for(const std::filesystem::path& target) {
    std::error_code ec;
    Replacement r{target};
    // Link by link (a dangling link names the file to create), as the kernel would, with its bound.
    for (int hop = 0; std::filesystem::is_symlink(r.path, ec); ++hop) {
        if (hop == 40) return make_error(ErrorKind::invalid_argument, target.string() + ": too many symbolic links");
        auto next = std::filesystem::read_symlink(r.path, ec);
        if (ec) return make_error(ErrorKind::io, "cannot read the link " + r.path.string() + ": " + ec.message());
        r.path = (next.is_absolute() ? next : r.path.parent_path() / next).lexically_normal();
    }
    struct stat st {};
    if (::stat(r.path.c_str(), &st) != 0) {
        if (errno == ENOENT) return r;
        return os_error("cannot look at", r.path);
    }
    if (!S_ISREG(st.st_mode)) {
        const char* what = S_ISDIR(st.st_mode)                          ? "a folder"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISFIFO(st.st_mode)                       ? "a FIFO"
                                                                        : "not a regular file";
        return make_error(ErrorKind::invalid_argument,
                          target.string() + " is " + what + ", not a file to write (replacing it would break it)");
    }
    r.mode = st.st_mode & 0777;
    return r;
}

std::filesystem::path folder_of(const std::filesystem::path& file) {
    return file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
}

}  // namespace

Result<void> check_can_write_atomically(const std::filesystem::path& target) {
    auto replacement = replacement_for(target);
    if (!replacement) return replacement.error();
    const auto dir = folder_of(replacement->path);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return make_error(ErrorKind::io, target.string() + ": the folder " + dir.string() + " does not exist");
    std::string probe = (dir / ".rig-write-check.XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) return os_error("cannot create a file in", dir);
    ::close(fd);
    ::unlink(probe.c_str());
    return {};
}

Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
    auto replacement = replacement_for(target);
    if (!replacement) return replacement.error();
    const auto& file = replacement->path;
    std::error_code ec;
    const auto dir = folder_of(file);
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());

    std::string temp = (dir / ("." + file.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return os_error("cannot create a temporary file in", dir);
    const auto fail = [&](const std::string& what) {
        Error e = os_error(what, temp);
        ::close(fd);
        ::unlink(temp.c_str());
        return e;
    };
    for (std::size_t done = 0; done < contents.size();) {
        const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail("cannot write");
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, replacement->mode) != 0) return fail("cannot set permissions of");
    if (::fsync(fd) != 0) return fail("cannot flush");
    if (::close(fd) != 0) {
        Error e = os_error("cannot close", temp);
        ::unlink(temp.c_str());
        return e;
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        Error e = os_error("cannot rename into place", file);
        ::unlink(temp.c_str());
        return e;
    }
    // Make the rename itself durable.
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

}  // namespace rig::util
