#pragma once
// The client end of rigd's socket, as `rig` and the tests use it: one blocking connection that
// sends request lines and reads reply lines, waking up to notice a cancel flag.

#include "host/daemon/api.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace rig::daemon {

class Client {
public:
    // ErrorKind::not_found when no rigd listens there (the message says how to start one).
    static Result<Client> connect(const std::filesystem::path& socket);

    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&& other) noexcept;
    Client& operator=(Client&&) = delete;
    ~Client();

    Result<void> send_line(std::string_view line);
    Result<void> send(const Request& request) { return send_line(request_line(request)); }

    // The next reply line, parsed; `timeout` = nullopt waits for ever (still noticing `cancel`).
    Result<nlohmann::json> read(std::optional<std::chrono::milliseconds> timeout = std::chrono::seconds(10),
                                const std::atomic<bool>* cancel = nullptr);

    // send + read; a reply with "ok": false becomes an Error with rigd's kind and message.
    Result<nlohmann::json> call(const Request& request,
                                std::optional<std::chrono::milliseconds> timeout = std::chrono::seconds(10),
                                const std::atomic<bool>* cancel = nullptr);

    // A reply's error as an Error (ErrorKind::remote when rigd's kind is unknown).
    static Error error_of(const nlohmann::json& reply);

private:
    explicit Client(int fd, std::filesystem::path socket) : fd_(fd), socket_(std::move(socket)) {}
    int fd_ = -1;
    std::filesystem::path socket_;
    std::string buffer_;
};

}  // namespace rig::daemon
