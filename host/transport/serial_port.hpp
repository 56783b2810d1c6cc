// ByteStream over a real serial port (the boards' USB CDC UARTs), with the line settings the
// board file gives: baud, parity, flow control, and DTR for probes that stay silent without it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <memory>
#include <string>

#include "host/board/board.hpp"
#include "host/transport/byte_stream.hpp"

namespace rig::transport {

class SerialPort final : public ByteStream {
public:
    // Opens uart.device raw, 8 data bits, 1 stop bit, with uart's baud, parity and flow control;
    // raises DTR when uart.assert_dtr (an error if the device has no modem lines).
    static Result<std::unique_ptr<SerialPort>> open(const board::Uart& uart);

    Result<void> write_all(std::span<const std::uint8_t> bytes, Timeout timeout) override;
    // ErrorKind::closed when the device hung up (USB unplugged, pty master closed).
    Result<std::size_t> read_some(std::span<std::uint8_t> buffer, Timeout timeout) override;
    void close() override;
    std::string describe() const override;

private:
    explicit SerialPort(std::string device);

    boost::asio::io_context io_;
    boost::asio::serial_port port_;
    std::string device_;
};

// Raises DTR on an open terminal descriptor (ioctl TIOCMBIS).
Result<void> assert_dtr(int fd, const std::string& device);

}  // namespace rig::transport
