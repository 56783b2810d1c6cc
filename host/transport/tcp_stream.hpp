// ByteStream over a TCP connection (QEMU's gdbstub and serial ports, OpenOCD, pyOCD).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "host/transport/byte_stream.hpp"

namespace rig::transport {

class TcpStream final : public ByteStream {
public:
    // Retries refused connections until `timeout` has passed: a freshly started QEMU needs a
    // moment before it listens. Fails with ErrorKind::timeout naming the last error.
    static Result<std::unique_ptr<TcpStream>> connect(const std::string& host, std::uint16_t port, Timeout timeout);

    Result<void> write_all(std::span<const std::uint8_t> bytes, Timeout timeout) override;
    Result<std::size_t> read_some(std::span<std::uint8_t> buffer, Timeout timeout) override;
    void close() override;
    std::string describe() const override;

private:
    TcpStream(std::string host, std::uint16_t port);

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    std::string host_;
    std::uint16_t port_;
};

}  // namespace rig::transport
