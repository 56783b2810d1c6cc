#include "host/daemon/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace rig::daemon {
namespace {

constexpr std::size_t max_reply_bytes = 64 * 1024 * 1024;

}  // namespace

Result<Client> Client::connect(const std::filesystem::path& socket) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket.native().size() >= sizeof address.sun_path)
        return make_error(ErrorKind::invalid_argument, "socket path too long: " + socket.string());
    std::memcpy(address.sun_path, socket.c_str(), socket.native().size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_error(ErrorKind::io, std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == ENOENT || err == ECONNREFUSED)
            return make_error(ErrorKind::not_found,
                              "rigd is not running on " + socket.string() +
                                  ": start it with `systemctl start rigd` (or run `rigd`), or use `rig run` for a "
                                  "one-off run");
        if (err == EACCES)
            return make_error(ErrorKind::io, "permission denied on " + socket.string() +
                                                 ": rigd accepts its own user, root and members of its group");
        return make_error(ErrorKind::io, "cannot connect to " + socket.string() + ": " + std::strerror(err));
    }
    return Client(fd, socket);
}

Client::Client(Client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), socket_(std::move(other.socket_)), buffer_(std::move(other.buffer_)) {}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

Result<void> Client::send_line(std::string_view line) {
    while (!line.empty()) {
        const ssize_t n = ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            // rigd may have refused the connection (busy) or timed it out, and closed it: its last
            // line says why, which beats "Broken pipe".
            if (auto last = read(std::chrono::milliseconds(200)); last && !last->value("ok", true))
                return error_of(*last);
            return make_error(ErrorKind::closed, "rigd closed the connection (" + why + ")");
        }
        line.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Result<nlohmann::json> Client::read(std::optional<std::chrono::milliseconds> timeout, const std::atomic<bool>* cancel) {
    const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::milliseconds(0));
    while (true) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            try {
                return nlohmann::json::parse(line);
            } catch (const nlohmann::json::exception& e) {
                return make_error(ErrorKind::malformed,
                                  std::string("rigd sent something that is not JSON: ") + e.what());
            }
        }
        if (cancel && cancel->load()) return make_error(ErrorKind::cancelled, "cancelled by the user");
        int wait_ms = 250;
        if (timeout) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return make_error(ErrorKind::timeout, "rigd did not answer in time");
            wait_ms = static_cast<int>(std::min<long long>(left.count(), 250));
        }
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR) return make_error(ErrorKind::io, std::string("poll: ") + std::strerror(errno));
        if (ready <= 0) continue;
        char chunk[8192];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(ErrorKind::closed, "rigd closed the connection");
        buffer_.append(chunk, static_cast<std::size_t>(n));
        if (buffer_.size() > max_reply_bytes) return make_error(ErrorKind::malformed, "reply from rigd too long");
    }
}

Error Client::error_of(const nlohmann::json& reply) {
    const auto error = reply.is_object() && reply.contains("error") && reply["error"].is_object()
                           ? reply["error"]
                           : nlohmann::json::object();
    const std::string kind = error.value("kind", "remote");
    ErrorKind k = ErrorKind::remote;
    for (auto candidate :
         {ErrorKind::timeout, ErrorKind::closed, ErrorKind::io, ErrorKind::malformed, ErrorKind::unsupported,
          ErrorKind::invalid_argument, ErrorKind::not_found, ErrorKind::target, ErrorKind::cancelled}) {
        if (kind == to_string(candidate)) k = candidate;
    }
    return make_error(k, error.value("message", "rigd refused the request"));
}

Result<nlohmann::json> Client::call(const Request& request, std::optional<std::chrono::milliseconds> timeout,
                                    const std::atomic<bool>* cancel) {
    if (auto sent = send(request); !sent) return sent.error();
    auto reply = read(timeout, cancel);
    if (!reply) return reply.error();
    if (!reply->value("ok", false)) return error_of(*reply);
    return reply;
}

}  // namespace rig::daemon
