// A bidirectional byte stream with deadlines: TCP today, a serial port later.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "host/util/result.hpp"

namespace rig::transport {

// Every call takes a timeout so no caller can block forever. steady_clock::duration accepts
// any coarser std::chrono duration (100ms, 2s) implicitly.
using Timeout = std::chrono::steady_clock::duration;

class ByteStream {
public:
    virtual ~ByteStream() = default;

    // Writes every byte or fails (timeout, closed, io).
    virtual Result<void> write_all(std::span<const std::uint8_t> bytes, Timeout timeout) = 0;

    // Waits up to `timeout` for at least one byte; returns how many were stored in `buffer`.
    // ErrorKind::timeout when nothing arrived, ErrorKind::closed when the peer hung up.
    virtual Result<std::size_t> read_some(std::span<std::uint8_t> buffer, Timeout timeout) = 0;

    virtual void close() = 0;

    // For error messages: "tcp 127.0.0.1:3333", "serial /dev/ttyACM0".
    virtual std::string describe() const = 0;
};

}  // namespace rig::transport
