#include "host/cli/console_view.hpp"

#include "host/protocol/frame.hpp"
#include "host/util/hex.hpp"

#include <fmt/format.h>

namespace rig::cli {
namespace {

using namespace protocol;

const char* unit_name(CounterUnit unit) { return unit == CounterUnit::cycles ? "cycles" : "instructions"; }

}  // namespace

std::string console_line(const Message& message) {
    struct Show {
        std::string operator()(const Hello& h) const {
            return fmt::format(
                "[rig HELLO] board {}, firmware {} (commit {}, {}), protocol {}, counter {}, clock {} Hz", h.board,
                h.firmware_version, h.commit, h.toolchain, h.protocol_version, unit_name(h.unit), h.cpu_clock_hz);
        }
        std::string operator()(const BenchmarkResult& r) const {
            return fmt::format("[rig RESULT] {} ({} samples)", r.name, r.samples.size());
        }
        std::string operator()(const Done& d) const {
            return fmt::format("[rig DONE] {} results, status {}", d.result_count, d.status);
        }
        std::string operator()(const Panic& p) const {
            return fmt::format("[rig PANIC] at pc {}: {}", util::hex_address(p.pc), p.message);
        }
        std::string operator()(const Log& l) const { return "[rig LOG] " + l.text; }
        std::string operator()(const Pong&) const { return "[rig PONG]"; }
        std::string operator()(const Trigger& t) const {
            return fmt::format("[rig TRIGGER] irq {}, sample {}", t.irq, t.sample);
        }
    };
    return std::visit(Show{}, message);
}

void ConsoleView::emit_raw(std::string& out, std::uint8_t byte) {
    out.push_back(static_cast<char>(byte));
    at_line_start_ = byte == '\n';
}

void ConsoleView::emit_line(std::string& out, const std::string& line) {
    if (!at_line_start_) out.push_back('\n');
    out += line;
    out.push_back('\n');
    at_line_start_ = true;
}

std::string ConsoleView::feed(std::span<const std::uint8_t> bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    std::string out;
    std::size_t i = 0;
    const std::size_t size = pending_.size();
    while (i < size) {
        const std::size_t left = size - i;
        if (pending_[i] != sync_first || (left >= 2 && pending_[i + 1] != sync_second)) {
            emit_raw(out, pending_[i++]);
            continue;
        }
        if (left < header_size) break;  // a frame may be starting: wait for its header
        const std::size_t length = pending_[i + 3] | (std::size_t{pending_[i + 4]} << 8);
        if (length > max_payload) {
            emit_raw(out, pending_[i++]);
            continue;
        }
        const std::size_t whole = header_size + length + trailer_size;
        if (left < whole) break;  // wait for the rest of it
        // The protocol's own decoder judges the candidate (its CRC); a false one is text.
        FrameDecoder decoder;
        decoder.feed(std::span(pending_).subspan(i, whole));
        const auto frame = decoder.next();
        if (!frame) {
            emit_raw(out, pending_[i++]);
            continue;
        }
        const auto message = decode_message(*frame);
        emit_line(out, message ? console_line(*message)
                               : fmt::format("[rig frame type 0x{:02x}, {} bytes: {}]", frame->type,
                                             frame->payload.size(), message.error().message));
        i += whole;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i));
    return out;
}

std::string ConsoleView::flush() {
    std::string out;
    for (const auto byte : pending_) emit_raw(out, byte);
    pending_.clear();
    return out;
}

}  // namespace rig::cli
