#include "host/probes/openocd/tcl_rpc.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "host/transport/tcp_stream.hpp"

namespace rig::probes::openocd {
namespace {

using Clock = std::chrono::steady_clock;

bool braces_balance(std::string_view text) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;  // an escaped character never opens or closes
        } else if (text[i] == '{') {
            ++depth;
        } else if (text[i] == '}' && --depth < 0) {
            return false;
        }
    }
    return depth == 0 && (text.empty() || text.back() != '\\');
}

std::string printable(std::string_view text, std::size_t limit = 200) {
    std::string out;
    for (char c : text.substr(0, limit)) out += (c == '\n' || (c >= 0x20 && c < 0x7F)) ? c : '.';
    if (text.size() > limit) out += "...";
    return out;
}

}  // namespace

Result<std::string> wrap_command(std::string_view command) {
    if (command.find(tcl_terminator) != std::string_view::npos)
        return make_error(ErrorKind::invalid_argument, "OpenOCD command holds the 0x1a terminator");
    if (!braces_balance(command))
        return make_error(ErrorKind::invalid_argument, "OpenOCD command has unbalanced braces: " + printable(command));
    return "format \"%d %s\" [catch {capture {" + std::string(command) + "}} rig_out] $rig_out";
}

Result<TclReply> parse_tcl_reply(std::string_view reply) {
    const std::size_t space = reply.find(' ');
    const std::string_view number = reply.substr(0, space);
    TclReply parsed;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), parsed.code);
    if (number.empty() || ec != std::errc{} || end != number.data() + number.size() || space == std::string_view::npos)
        return make_error(ErrorKind::malformed, "OpenOCD reply does not start with a return code: " + printable(reply));
    parsed.text = std::string(reply.substr(space + 1));
    return parsed;
}

Result<std::string> tcl_word(std::string_view word) {
    if (word.find_first_of("{}\\\x1a") != std::string_view::npos)
        return make_error(ErrorKind::invalid_argument,
                          "cannot pass to OpenOCD (braces or backslash): " + printable(word));
    return "{" + std::string(word) + "}";
}

TclRpcClient::TclRpcClient(std::unique_ptr<transport::ByteStream> stream) : stream_(std::move(stream)) {}

Result<std::unique_ptr<TclRpcClient>> TclRpcClient::connect(std::uint16_t port, Timeout timeout) {
    auto stream = transport::TcpStream::connect("127.0.0.1", port, timeout);
    if (!stream) return stream.error().context("OpenOCD Tcl RPC");
    return std::make_unique<TclRpcClient>(std::move(*stream));
}

Result<std::string> TclRpcClient::read_reply(Clock::time_point deadline) {
    while (true) {
        if (const auto end = buffer_.find(tcl_terminator); end != std::string::npos) {
            std::string reply = buffer_.substr(0, end);
            buffer_.erase(0, end + 1);
            return reply;
        }
        std::array<std::uint8_t, 4096> chunk{};
        auto count = stream_->read_some(chunk, std::max(deadline - Clock::now(), Clock::duration::zero()));
        if (!count) return count.error();
        buffer_.append(reinterpret_cast<const char*>(chunk.data()), *count);
    }
}

Result<std::string> TclRpcClient::send_raw(std::string_view tcl, Timeout timeout) {
    const auto deadline = Clock::now() + timeout;
    // Replies owed to commands that timed out come first; drop them so replies stay paired.
    while (late_replies_ > 0) {
        auto late = read_reply(deadline);
        if (!late) return late.error().context("OpenOCD is still busy with a command that timed out");
        --late_replies_;
    }
    std::string out(tcl);
    out += tcl_terminator;
    auto written =
        stream_->write_all(std::span(reinterpret_cast<const std::uint8_t*>(out.data()), out.size()), timeout);
    if (!written) return written.error();
    auto reply = read_reply(deadline);
    if (!reply && reply.error().kind == ErrorKind::timeout) ++late_replies_;
    return reply;
}

Result<std::string> TclRpcClient::run(std::string_view command, Timeout timeout) {
    const std::string what = "OpenOCD command '" + printable(command, 80) + "'";
    auto wrapped = wrap_command(command);
    if (!wrapped) return wrapped.error();
    auto raw = send_raw(*wrapped, timeout);
    if (!raw) {
        if (raw.error().kind == ErrorKind::timeout)
            return make_error(
                ErrorKind::timeout,
                what + ": no answer within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) + " ms");
        if (raw.error().kind == ErrorKind::closed)
            return make_error(ErrorKind::closed, what + ": OpenOCD closed its Tcl connection (did it exit?)");
        return raw.error().context(what);
    }
    auto reply = parse_tcl_reply(*raw);
    if (!reply) return reply.error().context(what);
    while (!reply->text.empty() && (reply->text.back() == '\n' || reply->text.back() == '\r')) reply->text.pop_back();
    if (!reply->ok())
        return make_error(ErrorKind::remote,
                          what + " failed (code " + std::to_string(reply->code) + "): " + printable(reply->text));
    return std::move(reply->text);
}

}  // namespace rig::probes::openocd
