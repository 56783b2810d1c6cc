// GDB Remote Serial Protocol client: the operations a flasher and runner need from any GDB
// server (QEMU's gdbstub, OpenOCD, pyOCD), over a ByteStream, every call bounded in time.
//
// All-stop only: the target must be halted for memory and register access. QEMU 7.2 sends
// nothing on connect and halts when any packet arrives; connect() works either way.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/probes/gdb_rsp/packet.hpp"
#include "host/probes/gdb_rsp/registers.hpp"
#include "host/transport/byte_stream.hpp"
#include "host/util/result.hpp"

namespace rig::probes::gdb_rsp {

using transport::Timeout;

struct RspOptions {
    Timeout timeout = std::chrono::seconds(2);  // for every request-reply exchange
    int max_attempts = 3;                       // sends of one packet answered by NAKs
    bool use_no_ack_mode = true;                // when the server offers QStartNoAckMode
};

// "T05thread:01;…", "S05", "W00" (exited), "X09" (killed by a signal).
struct StopReply {
    char kind = 'S';
    std::uint8_t signal = 0;  // or exit status for 'W'
    std::string raw;
};
std::optional<StopReply> parse_stop_reply(std::string_view payload);

struct ServerFeatures {
    std::size_t packet_size = 400;      // GDB's default when qSupported does not say
    std::vector<std::string> features;  // as sent: "qXfer:features:read+", "PacketSize=1000", …
    bool has(std::string_view feature) const;
};

class RspClient {
public:
    explicit RspClient(std::unique_ptr<transport::ByteStream> stream, RspOptions options = {});

    // qSupported, QStartNoAckMode if offered, `?`, and the register layout from target.xml
    // (or GDB's legacy ARM layout). Returns why the target is stopped.
    Result<StopReply> connect();

    const ServerFeatures& features() const { return features_; }
    const RegisterLayout& register_layout() const { return layout_; }
    bool ack_mode() const { return ack_mode_; }
    // Unknown until the first write; QEMU 7.2 answers X with an empty reply, so M is used.
    std::optional<bool> binary_write_supported() const { return binary_write_; }

    // One packet out, one reply back; only transport and framing failures are errors.
    Result<std::string> request(std::string_view payload);

    Result<Bytes> read_memory(std::uint64_t address, std::size_t length);
    Result<void> write_memory(std::uint64_t address, std::span<const std::uint8_t> data);
    Result<RegisterFile> read_registers();
    Result<void> write_registers(const RegisterFile& registers);
    // Runs a server command (`monitor system_reset`); returns its console output.
    Result<std::string> monitor(std::string_view command);

    // A whole qXfer object ("features" "target.xml", "memory-map" ""), read in PacketSize pieces.
    Result<std::string> read_xfer(std::string_view object, std::string_view annex);
    // GDB's flash packets, in this order: erase whole blocks, write (escaped binary, chunked to
    // PacketSize), done. A refusal is ErrorKind::remote with "flash error" in the message.
    Result<void> flash_erase(std::uint64_t address, std::uint64_t length);
    Result<void> flash_write(std::uint64_t address, std::span<const std::uint8_t> data);
    Result<void> flash_done();

    Result<void> cont();  // resumes and returns at once; see wait_for_stop / interrupt
    Result<StopReply> interrupt();
    Result<StopReply> wait_for_stop(Timeout timeout);
    Result<void> detach();
    Result<void> kill();  // no reply is expected; the server may close the connection

    transport::ByteStream& stream() { return *stream_; }

private:
    using Deadline = std::chrono::steady_clock::time_point;

    Result<void> send(std::string_view payload, Deadline deadline);
    Result<std::string> receive(std::string_view waiting_for, Deadline deadline);
    Result<std::optional<Event>> next_event(Deadline deadline);
    // request() that turns "E nn" and empty replies into errors naming the packet.
    Result<std::string> checked_request(std::string_view payload);
    Result<void> load_register_layout();
    Result<bool> write_chunk_binary(std::uint64_t address, std::span<const std::uint8_t> data);

    std::unique_ptr<transport::ByteStream> stream_;
    RspOptions options_;
    PacketReader reader_;
    std::vector<std::string> early_packets_;  // replies that arrived while we waited for an ack
    ServerFeatures features_;
    RegisterLayout layout_ = RegisterLayout::arm_legacy();
    bool ack_mode_ = true;
    std::optional<bool> binary_write_;
};

}  // namespace rig::probes::gdb_rsp
