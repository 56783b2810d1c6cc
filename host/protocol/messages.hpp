// Typed messages carried in frames (docs/protocol.md): decode what the target sends, encode
// the host's commands, and encode target messages too so tests can build realistic streams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "host/protocol/frame.hpp"
#include "host/util/result.hpp"

namespace rig::protocol {

enum class MessageType : std::uint8_t {
    hello = 0x01,
    result = 0x02,
    done = 0x03,
    panic = 0x04,
    log = 0x05,
    pong = 0x06,
    trigger = 0x07,
    ping = 0x81,
    run = 0x82,
};

// 2: TRIGGER names its IRQ line; 3: HELLO says where the sample buffer is; 4: RUN selects
// benchmarks by their row in the image's table (a bit set), not by a name prefix.
inline constexpr std::uint8_t protocol_version = 4;
inline constexpr std::uint16_t max_repetitions = 1000;
inline constexpr std::size_t max_string_bytes = 255;    // a `str` field: one length byte
inline constexpr std::size_t max_selection_bytes = 64;  // one bit per row: 512 benchmarks

enum class CounterUnit : std::uint8_t { cycles = 1, instructions = 2 };

// Target → host.
struct Hello {
    std::uint8_t protocol_version = 0;
    CounterUnit unit = CounterUnit::cycles;
    std::uint32_t cpu_clock_hz = 0;
    std::string firmware_version, board, commit, toolchain;
    // Where the firmware keeps the last benchmark's samples (protocol 3, sent after the clock):
    // the host reads them back through the probe to cross-check the UART. 0 from older firmware.
    std::uint32_t sample_buffer_address = 0;
    std::uint32_t sample_buffer_bytes = 0;
    bool operator==(const Hello&) const = default;
};
struct BenchmarkResult {
    std::string name;  // "family/case"
    std::uint32_t parameter = 0;
    std::uint32_t overhead = 0;  // already subtracted from every sample
    std::vector<std::uint32_t> samples;
    bool operator==(const BenchmarkResult&) const = default;
};
struct Done {
    std::uint16_t result_count = 0;
    std::uint32_t status = 0;
    bool operator==(const Done&) const = default;
};
struct Panic {
    std::uint32_t pc = 0;
    std::string message;
    bool operator==(const Panic&) const = default;
};
struct Log {
    std::string text;
    bool operator==(const Log&) const = default;
};
struct Pong {
    bool operator==(const Pong&) const = default;
};
// "Raise this interrupt now": host-triggered interrupt benchmarks (docs/protocol.md).
// uart_rx: send one byte on the UART (QEMU); nvic_pending: set the IRQ's NVIC pending bit
// through the debug probe while the core runs (real boards).
enum class TriggerSource : std::uint8_t { uart_rx = 1, nvic_pending = 2 };
struct Trigger {
    TriggerSource source = TriggerSource::uart_rx;
    std::uint16_t irq = 0;  // external interrupt number (0 = the first after SysTick)
    std::uint16_t sample = 0;
    bool operator==(const Trigger&) const = default;
};
using Message = std::variant<Hello, BenchmarkResult, Done, Panic, Log, Pong, Trigger>;

// Host → target.
struct Ping {
    bool operator==(const Ping&) const = default;
};
struct Run {
    std::uint16_t repetitions = 1;  // 1..=max_repetitions
    // Rows of the image's benchmark table: bit i % 8 of byte i / 8 selects row i; empty = all.
    std::vector<std::uint8_t> selection;
    bool operator==(const Run&) const = default;
};
using Command = std::variant<Ping, Run>;

// Errors are ErrorKind::malformed, naming the message and field, e.g.
// "RESULT: payload ends inside sample 3 (offset 21, needs 4 bytes, has 2)". Trailing bytes
// after the last field are an error too: both sides share one protocol version.
Result<Message> decode_message(const Frame& frame);
Result<Command> decode_command(const Frame& frame);

// Encoders throw std::invalid_argument for values the protocol cannot carry (a string over
// 255 bytes, more than 65535 samples, repetitions outside 1..=1000, payload over 512 bytes, a
// selection over max_selection_bytes).
Frame to_frame(const Message& message);
Frame to_frame(const Command& command);
Bytes encode_message(const Message& message);
Bytes encode_command(const Command& command);
Bytes encode_ping();
Bytes encode_run(std::uint16_t repetitions, std::vector<std::uint8_t> selection = {});

std::string_view type_name(std::uint8_t type);  // "HELLO", "RESULT", ... or "UNKNOWN"

}  // namespace rig::protocol
