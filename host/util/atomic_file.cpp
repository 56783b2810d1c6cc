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

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
    std::error_code ec;
    const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());

    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
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
    if (::fchmod(fd, 0644) != 0) return fail("cannot set permissions of");
    if (::fsync(fd) != 0) return fail("cannot flush");
    if (::close(fd) != 0) {
        Error e = os_error("cannot close", temp);
        ::unlink(temp.c_str());
        return e;
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        Error e = os_error("cannot rename into place", target);
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
