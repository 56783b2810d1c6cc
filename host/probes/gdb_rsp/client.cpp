#include "host/probes/gdb_rsp/client.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace rig::probes::gdb_rsp {

// Room for the longest request header ("vFlashWrite:ffffffff:", "Mffffffff,ffff:") plus framing.
constexpr std::size_t min_packet_size = 64;
namespace {

using Clock = std::chrono::steady_clock;

// Packets named in error messages: printable, and short even for a 4 KiB `X`.
std::string describe_packet(std::string_view payload) {
    constexpr std::size_t limit = 40;
    std::string text;
    for (char c : payload.substr(0, limit)) text += (c >= 0x20 && c < 0x7F) ? c : '.';
    if (payload.size() > limit) text += "...";
    return text;
}

std::string hex_number(std::uint64_t value) {
    std::array<char, 16> digits{};
    auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value, 16);
    return std::string(digits.data(), end);
}

bool is_error_reply(std::string_view reply) {
    return (reply.size() == 3 && reply[0] == 'E' && from_hex(reply.substr(1))) || reply.starts_with("E.");
}

bool is_hex(std::string_view text) { return from_hex(text).has_value(); }

}  // namespace

std::optional<StopReply> parse_stop_reply(std::string_view payload) {
    if (payload.size() < 3 || std::string_view("TSWX").find(payload[0]) == std::string_view::npos) {
        return std::nullopt;
    }
    const auto number = from_hex(payload.substr(1, 2));
    if (!number) return std::nullopt;
    return StopReply{payload[0], number->front(), std::string(payload)};
}

bool ServerFeatures::has(std::string_view feature) const {
    return std::find(features.begin(), features.end(), feature) != features.end();
}

RspClient::RspClient(std::unique_ptr<transport::ByteStream> stream, RspOptions options)
    : stream_(std::move(stream)), options_(options) {}

Result<std::optional<Event>> RspClient::next_event(Deadline deadline) {
    if (auto event = reader_.next()) return event;
    std::array<std::uint8_t, 4096> buffer{};
    const auto remaining = std::max(deadline - Clock::now(), Clock::duration::zero());
    auto count = stream_->read_some(buffer, remaining);
    if (!count) {
        if (count.error().kind == ErrorKind::timeout) return std::optional<Event>{};
        return count.error();
    }
    reader_.feed(std::span(buffer.data(), *count));
    return reader_.next();
}

Result<void> RspClient::send(std::string_view payload, Deadline deadline) {
    const std::string packet = frame_packet(payload);
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size());
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        if (auto written = stream_->write_all(bytes, options_.timeout); !written) return written.error();
        if (!ack_mode_) return {};
        while (true) {
            auto event = next_event(deadline);
            if (!event) return event.error();
            if (!*event) {
                if (Clock::now() >= deadline) {
                    return Error{ErrorKind::timeout, "GDB server did not acknowledge " + describe_packet(payload)};
                }
                continue;
            }
            if ((*event)->kind == Event::Kind::ack) return {};
            if ((*event)->kind == Event::Kind::nak) break;  // resend
            // Some servers answer before acknowledging; keep the reply for receive().
            if ((*event)->kind == Event::Kind::packet) early_packets_.push_back(std::move((*event)->payload));
        }
    }
    return Error{ErrorKind::io, "GDB server rejected " + describe_packet(payload) + " " +
                                    std::to_string(options_.max_attempts) + " times (NAK)"};
}

Result<std::string> RspClient::receive(std::string_view waiting_for, Deadline deadline) {
    if (!early_packets_.empty()) {
        std::string payload = std::move(early_packets_.front());
        early_packets_.erase(early_packets_.begin());
        return payload;
    }
    while (true) {
        auto event = next_event(deadline);
        if (!event) {
            return Error{event.error().kind,
                         "waiting for the reply to " + describe_packet(waiting_for) + ": " + event.error().message};
        }
        if (!*event) {
            if (Clock::now() >= deadline) {
                return Error{ErrorKind::timeout, "GDB server did not answer " + describe_packet(waiting_for)};
            }
            continue;
        }
        const Event& e = **event;
        if (e.kind == Event::Kind::bad_checksum) {
            if (!ack_mode_) {
                return Error{ErrorKind::malformed, "corrupt reply to " + describe_packet(waiting_for)};
            }
            const std::uint8_t reject = nak;
            if (auto written = stream_->write_all(std::span(&reject, 1), options_.timeout); !written) {
                return written.error();
            }
        } else if (e.kind == Event::Kind::packet) {
            if (ack_mode_) {
                const std::uint8_t accept = ack;
                if (auto written = stream_->write_all(std::span(&accept, 1), options_.timeout); !written) {
                    return written.error();
                }
            }
            return e.payload;
        }
        // Stray acks, notifications and interrupt bytes carry nothing we wait for.
    }
}

Result<std::string> RspClient::request(std::string_view payload) {
    const auto deadline = Clock::now() + options_.timeout;
    if (auto sent = send(payload, deadline); !sent) return sent.error();
    return receive(payload, deadline);
}

Result<std::string> RspClient::checked_request(std::string_view payload) {
    auto reply = request(payload);
    if (!reply) return reply;
    if (is_error_reply(*reply)) {
        return Error{ErrorKind::remote, "GDB server answered " + *reply + " to " + describe_packet(payload)};
    }
    if (reply->empty()) {
        return Error{ErrorKind::unsupported, "GDB server does not support " + describe_packet(payload)};
    }
    return reply;
}

Result<StopReply> RspClient::connect() {
    const auto deadline = Clock::now() + options_.timeout;
    const std::string_view query = "qSupported:swbreak+;hwbreak+";
    if (auto sent = send(query, deadline); !sent) return sent.error();
    // A server may announce a stop before answering anything (the RSP allows it); skip those.
    std::string reply;
    do {
        auto next = receive(query, deadline);
        if (!next) return next.error();
        reply = std::move(*next);
    } while (parse_stop_reply(reply));

    for (std::size_t start = 0; start < reply.size();) {
        const std::size_t end = std::min(reply.find(';', start), reply.size());
        std::string feature = reply.substr(start, end - start);
        if (feature.starts_with("PacketSize=")) {
            std::size_t size = 0;
            std::from_chars(feature.data() + 11, feature.data() + feature.size(), size, 16);
            // Every request is sized from this (address, length, checksum around the data): a
            // server claiming less than a memory request's own header cannot be spoken to.
            if (size < min_packet_size)
                return Error{ErrorKind::malformed, "GDB server announced PacketSize=" + feature.substr(11) +
                                                       ", below the " + std::to_string(min_packet_size) +
                                                       " bytes a memory request needs"};
            features_.packet_size = size;
        }
        features_.features.push_back(std::move(feature));
        start = end + 1;
    }

    if (options_.use_no_ack_mode && features_.has("QStartNoAckMode+")) {
        auto ok = checked_request("QStartNoAckMode");
        if (!ok) return ok.error();
        ack_mode_ = false;
    }
    auto stop = checked_request("?");
    if (!stop) return stop.error();
    auto parsed = parse_stop_reply(*stop);
    if (!parsed) return Error{ErrorKind::malformed, "GDB server answered " + *stop + " to ?"};
    if (auto loaded = load_register_layout(); !loaded) return loaded.error();
    return *parsed;
}

Result<std::string> RspClient::read_xfer(std::string_view object, std::string_view annex) {
    std::string data;
    const std::size_t chunk = features_.packet_size - 8;
    while (true) {
        const std::string packet = "qXfer:" + std::string(object) + ":read:" + std::string(annex) + ":" +
                                   hex_number(data.size()) + "," + hex_number(chunk);
        auto reply = checked_request(packet);
        if (!reply) return reply;
        auto bytes = unescape_binary(std::string_view(*reply).substr(1));
        if (!bytes) return Error{ErrorKind::malformed, packet + ": " + bytes.error().message};
        data.append(bytes->begin(), bytes->end());
        if ((*reply)[0] == 'l') return data;
        if ((*reply)[0] != 'm')
            return Error{ErrorKind::malformed, "GDB server answered " + describe_packet(*reply) + " to " + packet};
    }
}

Result<void> RspClient::load_register_layout() {
    if (!features_.has("qXfer:features:read+")) return {};  // keep arm_legacy()
    // target.xml names further documents with <xi:include>; fetch them breadth first.
    std::vector<std::string> names{"target.xml"};
    std::vector<std::string> documents;
    for (std::size_t i = 0; i < names.size() && i < 32; ++i) {
        auto document = read_xfer("features", names[i]);
        if (!document) return document.error();
        for (std::string& include : xml_includes(*document)) names.push_back(std::move(include));
        documents.push_back(std::move(*document));
    }
    auto layout = RegisterLayout::from_target_xml(documents);
    if (!layout.registers().empty()) layout_ = std::move(layout);
    return {};
}

Result<Bytes> RspClient::read_memory(std::uint64_t address, std::size_t length) {
    Bytes data;
    data.reserve(length);
    // Each byte costs two hex digits; leave room for the framing.
    const std::size_t chunk = std::max<std::size_t>(1, (features_.packet_size - 8) / 2);
    while (data.size() < length) {
        const std::size_t count = std::min(chunk, length - data.size());
        const std::string packet = "m" + hex_number(address + data.size()) + "," + hex_number(count);
        auto reply = checked_request(packet);
        if (!reply) return reply.error();
        auto bytes = from_hex(*reply);
        if (!bytes || bytes->size() > count) {
            return Error{ErrorKind::malformed, "GDB server answered " + describe_packet(*reply) + " to " + packet};
        }
        data.insert(data.end(), bytes->begin(), bytes->end());  // a short read continues from there
    }
    return data;
}

Result<bool> RspClient::write_chunk_binary(std::uint64_t address, std::span<const std::uint8_t> data) {
    const std::string packet = "X" + hex_number(address) + "," + hex_number(data.size()) + ":" + escape_binary(data);
    auto reply = request(packet);
    if (!reply) return reply.error();
    if (reply->empty()) return false;  // X unsupported: the caller falls back to M
    if (*reply != "OK")
        return Error{ErrorKind::remote, "GDB server answered " + *reply + " to " + describe_packet(packet)};
    return true;
}

Result<void> RspClient::write_memory(std::uint64_t address, std::span<const std::uint8_t> data) {
    constexpr std::size_t header_room = 32;  // "X" or "M", two hex numbers, ':', "#xx"
    const std::size_t budget = features_.packet_size - header_room;
    std::size_t done = 0;
    while (done < data.size()) {
        if (binary_write_.value_or(true)) {
            // Escaping makes the size data-dependent: take bytes while they fit the budget.
            std::size_t count = 0;
            for (std::size_t used = 0; done + count < data.size(); ++count) {
                used += escape_binary(data.subspan(done + count, 1)).size();
                if (used > budget) break;
            }
            auto written = write_chunk_binary(address + done, data.subspan(done, count));
            if (!written) return written.error();
            binary_write_ = *written;
            if (*written) {
                done += count;
                continue;
            }
        }
        const std::size_t count = std::min(budget / 2, data.size() - done);
        const auto chunk = data.subspan(done, count);
        auto reply = checked_request("M" + hex_number(address + done) + "," + hex_number(count) + ":" + to_hex(chunk));
        if (!reply) return reply.error();
        done += count;
    }
    return {};
}

Result<RegisterFile> RspClient::read_registers() {
    auto reply = checked_request("g");
    if (!reply) return reply.error();
    // QEMU and others send "xx" for registers they cannot read; treat those as zero.
    std::string hex = *reply;
    std::replace(hex.begin(), hex.end(), 'x', '0');
    auto bytes = from_hex(hex);
    if (!bytes) return Error{ErrorKind::malformed, "GDB server answered " + describe_packet(*reply) + " to g"};
    return RegisterFile(layout_, std::move(*bytes));
}

Result<void> RspClient::write_registers(const RegisterFile& registers) {
    auto reply = checked_request("G" + to_hex(registers.raw()));
    if (!reply) return reply.error();
    return {};
}

Result<std::string> RspClient::monitor(std::string_view command) {
    const std::string packet = "qRcmd," + to_hex(command);
    const auto deadline = Clock::now() + options_.timeout;
    if (auto sent = send(packet, deadline); !sent) return sent.error();
    std::string output;
    while (true) {
        auto reply = receive(packet, deadline);
        if (!reply) return reply.error();
        if (*reply == "OK") return output;
        if (reply->empty()) return Error{ErrorKind::unsupported, "GDB server does not support qRcmd"};
        if (is_error_reply(*reply)) {
            return Error{ErrorKind::remote, "GDB server answered " + *reply + " to monitor " + std::string(command)};
        }
        const bool console = (*reply)[0] == 'O' && is_hex(std::string_view(*reply).substr(1));
        auto text = from_hex(console ? std::string_view(*reply).substr(1) : std::string_view(*reply));
        if (!text)
            return Error{ErrorKind::malformed, "GDB server answered " + describe_packet(*reply) + " to " + packet};
        output.append(text->begin(), text->end());
        if (!console) return output;  // a final hex reply without "O" ends the command
    }
}

Result<void> RspClient::flash_erase(std::uint64_t address, std::uint64_t length) {
    const std::string packet = "vFlashErase:" + hex_number(address) + "," + hex_number(length);
    auto reply = request(packet);
    if (!reply) return reply.error();
    if (*reply != "OK")
        return Error{ErrorKind::remote, "flash error: GDB server answered '" + *reply + "' to " + packet};
    return {};
}

Result<void> RspClient::flash_write(std::uint64_t address, std::span<const std::uint8_t> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const std::string header = "vFlashWrite:" + hex_number(address + done) + ":";
        const std::size_t budget = features_.packet_size - header.size() - 4;  // '$', '#xx'
        std::string escaped;
        std::size_t count = 0;
        for (; done + count < data.size(); ++count) {
            std::string next = escape_binary(data.subspan(done + count, 1));
            if (escaped.size() + next.size() > budget) break;
            escaped += next;
        }
        if (count == 0) return Error{ErrorKind::invalid_argument, "PacketSize too small for vFlashWrite"};
        auto reply = request(header + escaped);
        if (!reply) return reply.error();
        if (*reply != "OK")
            return Error{ErrorKind::remote, "flash error: GDB server answered '" + *reply + "' to " + header + "<" +
                                                std::to_string(count) + " bytes>"};
        done += count;
    }
    return {};
}

Result<void> RspClient::flash_done() {
    auto reply = request("vFlashDone");
    if (!reply) return reply.error();
    if (*reply != "OK")
        return Error{ErrorKind::remote, "flash error: GDB server answered '" + *reply + "' to vFlashDone"};
    return {};
}

Result<void> RspClient::cont() { return send("c", Clock::now() + options_.timeout); }

Result<StopReply> RspClient::interrupt() {
    const std::uint8_t byte = interrupt_byte;
    if (auto written = stream_->write_all(std::span(&byte, 1), options_.timeout); !written) return written.error();
    return wait_for_stop(options_.timeout);
}

Result<StopReply> RspClient::wait_for_stop(Timeout timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        auto reply = receive("c (waiting for the target to stop)", deadline);
        if (!reply) return reply.error();
        if (auto stop = parse_stop_reply(*reply)) return *stop;
        // Anything else while running is console output ("O…"): not what we wait for.
    }
}

Result<void> RspClient::detach() {
    auto reply = checked_request("D");
    if (!reply) return reply.error();
    return {};
}

Result<void> RspClient::kill() { return send("k", Clock::now() + options_.timeout); }

}  // namespace rig::probes::gdb_rsp
