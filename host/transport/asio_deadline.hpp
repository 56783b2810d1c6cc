#pragma once
// Blocking reads and writes with a deadline over any Asio stream object (a TCP socket, a serial
// port): the async operation runs on the stream's own io_context until it completes or the
// deadline passes; then the operation is cancelled and its handler awaited, so nothing refers
// to a dead stack frame. Each transport maps the error codes to its own words.

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <span>

namespace rig::transport {

struct IoOutcome {
    boost::system::error_code error;  // operation_aborted when the deadline passed
    std::size_t bytes = 0;            // bytes moved, also when the deadline raced a completion
};

// Runs `io` until `done` is set or the deadline passes; on timeout cancels `stream` and waits for
// the cancelled handler. Returns whether the operation finished in time.
template <typename Stream>
bool run_until(boost::asio::io_context& io, Stream& stream, const bool& done,
               std::chrono::steady_clock::time_point deadline) {
    io.restart();
    while (!done && std::chrono::steady_clock::now() < deadline)
        io.run_one_for(deadline - std::chrono::steady_clock::now());
    if (done) return true;
    boost::system::error_code ignored;
    stream.cancel(ignored);
    io.restart();
    while (!done) io.run_one();  // the cancelled handler runs promptly
    return false;
}

template <typename Stream>
IoOutcome write_all_until(boost::asio::io_context& io, Stream& stream, std::span<const std::uint8_t> bytes,
                          std::chrono::steady_clock::time_point deadline) {
    IoOutcome outcome;
    bool done = false;
    boost::asio::async_write(stream, boost::asio::buffer(bytes.data(), bytes.size()),
                             [&](const boost::system::error_code& e, std::size_t n) {
                                 outcome = {e, n};
                                 done = true;
                             });
    run_until(io, stream, done, deadline);
    return outcome;
}

template <typename Stream>
IoOutcome read_some_until(boost::asio::io_context& io, Stream& stream, std::span<std::uint8_t> buffer,
                          std::chrono::steady_clock::time_point deadline) {
    IoOutcome outcome;
    bool done = false;
    stream.async_read_some(boost::asio::buffer(buffer.data(), buffer.size()),
                           [&](const boost::system::error_code& e, std::size_t n) {
                               outcome = {e, n};
                               done = true;
                           });
    run_until(io, stream, done, deadline);
    return outcome;
}

}  // namespace rig::transport
