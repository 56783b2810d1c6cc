// OpenOCD's Tcl RPC: each command goes out as text ended by byte 0x1a and its result comes
// back the same way. OpenOCD sends a failed command's message like any result, so every
// command is wrapped to report its Tcl return code and its captured log output as well.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "host/transport/byte_stream.hpp"
#include "host/util/result.hpp"

namespace rig::probes::openocd {

using transport::Timeout;

inline constexpr char tcl_terminator = 0x1a;

struct TclReply {
    int code = 0;      // Tcl return code of the command: 0 = ok; 1 or OpenOCD's negative ERROR_* = failed
    std::string text;  // its captured output, or its result when it printed nothing
    bool ok() const { return code == 0; }
};

// The text sent for `command`: `format "%d %s" [catch {capture {COMMAND}} rig_out] $rig_out`.
// invalid_argument when the command cannot sit inside braces (unbalanced) or holds a 0x1a.
Result<std::string> wrap_command(std::string_view command);

// Parses what a wrapped command answered ("0 text", "-4 text"), the terminator already removed.
// malformed when it does not start with a return code.
Result<TclReply> parse_tcl_reply(std::string_view reply);

// `word` as one Tcl word in braces (paths with spaces); invalid_argument if it holds braces,
// backslashes or a 0x1a.
Result<std::string> tcl_word(std::string_view word);

class TclRpcClient {
public:
    explicit TclRpcClient(std::unique_ptr<transport::ByteStream> stream);

    // Connects to OpenOCD's Tcl port, retrying refused connections until `timeout`.
    static Result<std::unique_ptr<TclRpcClient>> connect(std::uint16_t port, Timeout timeout);

    // Runs an OpenOCD command; its output with trailing newlines removed. ErrorKind::remote
    // naming the command and OpenOCD's message when it fails; timeout, closed as the stream says.
    // A reply that arrives after its command timed out is read and dropped by the next call.
    Result<std::string> run(std::string_view command, Timeout timeout = std::chrono::seconds(5));

    // Sends Tcl as is and returns the text before the terminator (no wrapping, no error check).
    Result<std::string> send_raw(std::string_view tcl, Timeout timeout);

    std::string describe() const { return stream_->describe(); }

private:
    Result<std::string> read_reply(std::chrono::steady_clock::time_point deadline);

    std::unique_ptr<transport::ByteStream> stream_;
    std::string buffer_;    // bytes after the last terminator
    int late_replies_ = 0;  // replies still owed for commands that timed out
};

}  // namespace rig::probes::openocd
