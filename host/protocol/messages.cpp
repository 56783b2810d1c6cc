#include "host/protocol/messages.hpp"

#include "host/util/little_endian.hpp"

#include <span>
#include <stdexcept>

namespace rig::protocol {
namespace {

// Reads little-endian fields and never past the end: the first failure is kept as an Error
// naming the message, the field and the offset, and every later read fails too.
class PayloadReader {
public:
    PayloadReader(std::span<const std::uint8_t> data, std::string_view message) : data_(data), message_(message) {}

    bool u8(std::uint8_t& out, std::string_view field) {
        if (!need(1, field)) return false;
        out = data_[offset_++];
        return true;
    }
    bool u16(std::uint16_t& out, std::string_view field) {
        if (!need(2, field)) return false;
        out = static_cast<std::uint16_t>(data_[offset_] | (data_[offset_ + 1] << 8));
        offset_ += 2;
        return true;
    }
    bool u32(std::uint32_t& out, std::string_view field) {
        if (!need(4, field)) return false;
        out = util::load_le32(&data_[offset_]);
        offset_ += 4;
        return true;
    }
    bool str(std::string& out, std::string_view field) {
        std::uint8_t length = 0;
        if (!u8(length, field) || !need(length, field)) return false;
        out.assign(reinterpret_cast<const char*>(data_.data() + offset_), length);
        offset_ += length;
        return true;
    }
    // Call after the last field: an error if reading failed or bytes are left over.
    bool finish() {
        if (!error_ && offset_ != data_.size()) {
            fail(std::to_string(data_.size() - offset_) + " unexpected trailing bytes at offset " +
                 std::to_string(offset_));
        }
        return !error_;
    }
    const Error& error() const { return *error_; }

private:
    bool need(std::size_t count, std::string_view field) {
        if (error_) return false;
        if (data_.size() - offset_ >= count) return true;
        fail("payload ends inside " + std::string(field) + " (offset " + std::to_string(offset_) + ", needs " +
             std::to_string(count) + " bytes, has " + std::to_string(data_.size() - offset_) + ")");
        return false;
    }
    void fail(const std::string& what) { error_ = Error{ErrorKind::malformed, std::string(message_) + ": " + what}; }

    std::span<const std::uint8_t> data_;
    std::string_view message_;
    std::size_t offset_ = 0;
    std::optional<Error> error_;
};

class PayloadWriter {
public:
    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value) {
        u8(static_cast<std::uint8_t>(value));
        u8(static_cast<std::uint8_t>(value >> 8));
    }
    void u32(std::uint32_t value) {
        for (int shift = 0; shift < 32; shift += 8) u8(static_cast<std::uint8_t>(value >> shift));
    }
    void str(std::string_view text) {
        if (text.size() > max_string_bytes) {
            throw std::invalid_argument("protocol string of " + std::to_string(text.size()) + " bytes exceeds " +
                                        std::to_string(max_string_bytes));
        }
        u8(static_cast<std::uint8_t>(text.size()));
        out_.insert(out_.end(), text.begin(), text.end());
    }
    Frame frame(MessageType type) && { return Frame{static_cast<std::uint8_t>(type), std::move(out_)}; }

private:
    Bytes out_;
};

std::string hex_type(std::uint8_t type) {
    constexpr char digits[] = "0123456789ABCDEF";
    return std::string("0x") + digits[type >> 4] + digits[type & 0xF];
}

Result<Message> decode_hello(PayloadReader& r) {
    Hello m;
    std::uint8_t unit = 0;
    if (!(r.u8(m.protocol_version, "protocol version") && r.u8(unit, "counter unit") &&
          r.u32(m.cpu_clock_hz, "CPU clock")))
        return r.error();
    // The buffer came with version 3; an older HELLO still decodes, so that the version check
    // (session/hello_check) can say "build the firmware and the host from the same commit".
    if (m.protocol_version >= 3 && !(r.u32(m.sample_buffer_address, "sample buffer address") &&
                                     r.u32(m.sample_buffer_bytes, "sample buffer size")))
        return r.error();
    if (!(r.str(m.firmware_version, "firmware version") && r.str(m.board, "board") && r.str(m.commit, "commit") &&
          r.str(m.toolchain, "toolchain") && r.finish()))
        return r.error();
    if (unit != static_cast<std::uint8_t>(CounterUnit::cycles) &&
        unit != static_cast<std::uint8_t>(CounterUnit::instructions)) {
        return Error{ErrorKind::malformed, "HELLO: unknown counter unit " + std::to_string(unit)};
    }
    m.unit = static_cast<CounterUnit>(unit);
    return Message{std::move(m)};
}

Result<Message> decode_result(PayloadReader& r) {
    BenchmarkResult m;
    std::uint16_t count = 0;
    if (!(r.str(m.name, "benchmark name") && r.u32(m.parameter, "parameter") && r.u32(m.overhead, "overhead") &&
          r.u16(count, "sample count"))) {
        return r.error();
    }
    m.samples.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (!r.u32(m.samples[i], "sample " + std::to_string(i))) return r.error();
    }
    if (!r.finish()) return r.error();
    return Message{std::move(m)};
}

}  // namespace

std::string_view type_name(std::uint8_t type) {
    switch (static_cast<MessageType>(type)) {
        case MessageType::hello:
            return "HELLO";
        case MessageType::result:
            return "RESULT";
        case MessageType::done:
            return "DONE";
        case MessageType::panic:
            return "PANIC";
        case MessageType::log:
            return "LOG";
        case MessageType::pong:
            return "PONG";
        case MessageType::trigger:
            return "TRIGGER";
        case MessageType::ping:
            return "PING";
        case MessageType::run:
            return "RUN";
    }
    return "UNKNOWN";
}

Result<Message> decode_message(const Frame& frame) {
    PayloadReader r(frame.payload, type_name(frame.type));
    switch (static_cast<MessageType>(frame.type)) {
        case MessageType::hello:
            return decode_hello(r);
        case MessageType::result:
            return decode_result(r);
        case MessageType::done: {
            Done m;
            if (!(r.u16(m.result_count, "result count") && r.u32(m.status, "status") && r.finish())) {
                return r.error();
            }
            return Message{m};
        }
        case MessageType::panic: {
            Panic m;
            if (!(r.u32(m.pc, "PC") && r.str(m.message, "message") && r.finish())) return r.error();
            return Message{std::move(m)};
        }
        case MessageType::log: {
            Log m;
            if (!(r.str(m.text, "text") && r.finish())) return r.error();
            return Message{std::move(m)};
        }
        case MessageType::pong:
            if (!r.finish()) return r.error();
            return Message{Pong{}};
        case MessageType::trigger: {
            std::uint8_t source = 0;
            Trigger m;
            if (!(r.u8(source, "source") && r.u16(m.irq, "IRQ") && r.u16(m.sample, "sample index") && r.finish()))
                return r.error();
            if (source != static_cast<std::uint8_t>(TriggerSource::uart_rx) &&
                source != static_cast<std::uint8_t>(TriggerSource::nvic_pending))
                return Error{ErrorKind::malformed, "TRIGGER: unknown interrupt source " + std::to_string(source)};
            m.source = static_cast<TriggerSource>(source);
            return Message{m};
        }
        default:
            return Error{ErrorKind::malformed,
                         "frame type " + hex_type(frame.type) + " is not a target-to-host message"};
    }
}

Result<Command> decode_command(const Frame& frame) {
    PayloadReader r(frame.payload, type_name(frame.type));
    switch (static_cast<MessageType>(frame.type)) {
        case MessageType::ping:
            if (!r.finish()) return r.error();
            return Command{Ping{}};
        case MessageType::run: {
            Run m;
            std::string selection;
            if (!(r.u16(m.repetitions, "repetitions") && r.str(selection, "selection") && r.finish())) {
                return r.error();
            }
            if (selection.size() > max_selection_bytes)
                return Error{ErrorKind::malformed, "RUN: selection of " + std::to_string(selection.size()) +
                                                       " bytes, at most " + std::to_string(max_selection_bytes)};
            m.selection.assign(selection.begin(), selection.end());
            if (m.repetitions == 0 || m.repetitions > max_repetitions) {
                return Error{ErrorKind::malformed,
                             "RUN: repetitions " + std::to_string(m.repetitions) + " outside 1..=1000"};
            }
            return Command{std::move(m)};
        }
        default:
            return Error{ErrorKind::malformed,
                         "frame type " + hex_type(frame.type) + " is not a host-to-target command"};
    }
}

Frame to_frame(const Message& message) {
    PayloadWriter w;
    struct Visitor {
        PayloadWriter& w;
        MessageType operator()(const Hello& m) {
            w.u8(m.protocol_version);
            w.u8(static_cast<std::uint8_t>(m.unit));
            w.u32(m.cpu_clock_hz);
            if (m.protocol_version >= 3) {
                w.u32(m.sample_buffer_address);
                w.u32(m.sample_buffer_bytes);
            }
            w.str(m.firmware_version);
            w.str(m.board);
            w.str(m.commit);
            w.str(m.toolchain);
            return MessageType::hello;
        }
        MessageType operator()(const BenchmarkResult& m) {
            if (m.samples.size() > 0xFFFF) throw std::invalid_argument("RESULT: too many samples");
            w.str(m.name);
            w.u32(m.parameter);
            w.u32(m.overhead);
            w.u16(static_cast<std::uint16_t>(m.samples.size()));
            for (std::uint32_t sample : m.samples) w.u32(sample);
            return MessageType::result;
        }
        MessageType operator()(const Done& m) {
            w.u16(m.result_count);
            w.u32(m.status);
            return MessageType::done;
        }
        MessageType operator()(const Panic& m) {
            w.u32(m.pc);
            w.str(m.message);
            return MessageType::panic;
        }
        MessageType operator()(const Log& m) {
            w.str(m.text);
            return MessageType::log;
        }
        MessageType operator()(const Pong&) { return MessageType::pong; }
        MessageType operator()(const Trigger& m) {
            w.u8(static_cast<std::uint8_t>(m.source));
            w.u16(m.irq);
            w.u16(m.sample);
            return MessageType::trigger;
        }
    };
    const MessageType type = std::visit(Visitor{w}, message);
    return std::move(w).frame(type);
}

Frame to_frame(const Command& command) {
    if (std::holds_alternative<Ping>(command)) return Frame{static_cast<std::uint8_t>(MessageType::ping), {}};
    const Run& run = std::get<Run>(command);
    if (run.repetitions == 0 || run.repetitions > max_repetitions) {
        throw std::invalid_argument("RUN: repetitions " + std::to_string(run.repetitions) + " outside 1..=1000");
    }
    if (run.selection.size() > max_selection_bytes)
        throw std::invalid_argument("RUN: selection of " + std::to_string(run.selection.size()) + " bytes");
    PayloadWriter w;
    w.u16(run.repetitions);
    w.str(std::string(run.selection.begin(), run.selection.end()));
    return std::move(w).frame(MessageType::run);
}

Bytes encode_message(const Message& message) { return encode_frame(to_frame(message)); }
Bytes encode_command(const Command& command) { return encode_frame(to_frame(command)); }
Bytes encode_ping() { return encode_command(Ping{}); }
Bytes encode_run(std::uint16_t repetitions, std::vector<std::uint8_t> selection) {
    return encode_command(Run{repetitions, std::move(selection)});
}

}  // namespace rig::protocol
