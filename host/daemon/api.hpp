#pragma once
// rigd's wire format: one JSON object per line over a unix socket, every message carrying "v":1.
// Requests are parsed and checked here (parse_request is also what the fuzzers call); replies are
// {"v":1,"ok":true,...} or {"v":1,"ok":false,"error":{"kind":…,"message":…}}.

#include "host/util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rig::daemon {

constexpr int api_version = 1;
constexpr std::size_t max_line_bytes = 64 * 1024;  // longer requests get an error; the connection lives on
constexpr std::size_t max_filter_bytes = 255;      // results::max_filter_bytes (a regex, matched on the host)
constexpr unsigned max_repetitions = 1000;

// hold: the board to this connection alone, queued like a job (state queued → running) and
// ended by `release` or by closing the connection (bring-up commands: rig flash, console, gdb).
enum class RequestType { submit, status, jobs, boards, cancel, follow, health, hold, release };
const char* to_string(RequestType type);

struct Request {
    RequestType type = RequestType::jobs;
    std::string board;          // submit, health, hold
    std::uint64_t job = 0;      // status, cancel, follow
    unsigned repetitions = 15;  // submit
    std::string filter;         // submit

    // Whether the request changes anything (submit, cancel, health, hold, release): only trusted peers may.
    bool mutates() const;
};

// One request line (without its '\n'). Errors are ErrorKind::malformed (not JSON, bad field) or
// ErrorKind::unsupported (another API version, an unknown type), with a message for the client.
Result<Request> parse_request(std::string_view line);

// The line a client sends for `request` (with the trailing '\n').
std::string request_line(const Request& request);

// Reply lines (with '\n'). Strings that are not UTF-8 (a target's LOG text) are replaced, not fatal.
std::string ok_line(nlohmann::json body = nlohmann::json::object());
std::string error_line(const Error& error);
std::string dump_line(const nlohmann::json& message);

// A board name as the API and board files allow it: letters, digits, '_' and '-', 1..64 long.
bool is_board_name(std::string_view name);

// Where rigd listens when --socket is not given: /run/rigd/rigd.sock for root (systemd's
// RuntimeDirectory=rigd), else $XDG_RUNTIME_DIR/rigd.sock, else /tmp/rigd-<uid>/rigd.sock.
std::filesystem::path default_daemon_socket();
// Where `rig` looks: the system daemon's socket if it exists, else the per-user default above.
std::filesystem::path default_client_socket();

}  // namespace rig::daemon
