#include "host/transport/serial_port.hpp"

#include "host/transport/asio_deadline.hpp"

#include <sys/ioctl.h>
#include <termios.h>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

namespace rig::transport {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

Error from_error_code(const boost::system::error_code& ec, const std::string& what) {
    // A tty whose other end went away reads EIO (USB serial unplugged, pty master closed).
    if (ec == asio::error::eof || ec.value() == EIO || ec == asio::error::bad_descriptor)
        return Error{ErrorKind::closed, what + ": device hung up (" + ec.message() + ")"};
    if (ec == asio::error::operation_aborted) return Error{ErrorKind::timeout, what + ": timed out"};
    return Error{ErrorKind::io, what + ": " + ec.message()};
}

}  // namespace

Result<void> assert_dtr(int fd, const std::string& device) {
    int bits = TIOCM_DTR;
    if (::ioctl(fd, TIOCMBIS, &bits) != 0) {
        const int err = errno;
        return make_error(err == ENOTTY || err == EINVAL ? ErrorKind::unsupported : ErrorKind::io,
                          "cannot assert DTR on " + device + ": " + std::strerror(err));
    }
    return {};
}

SerialPort::SerialPort(std::string device) : port_(io_), device_(std::move(device)) {}

std::string SerialPort::describe() const { return "serial " + device_; }

Result<std::unique_ptr<SerialPort>> SerialPort::open(const board::Uart& uart) {
    std::unique_ptr<SerialPort> port(new SerialPort(uart.device));
    const std::string what = "open " + port->describe();
    boost::system::error_code ec;
    port->port_.open(uart.device, ec);  // Asio puts the line in raw mode (no echo, no CR/LF mapping)
    if (ec) {
        const auto kind = ec == boost::system::errc::no_such_file_or_directory ? ErrorKind::not_found : ErrorKind::io;
        return make_error(kind, what + ": " + ec.message());
    }
    using base = asio::serial_port_base;
    const auto parity = uart.parity == board::Parity::even  ? base::parity::even
                        : uart.parity == board::Parity::odd ? base::parity::odd
                                                            : base::parity::none;
    const auto flow =
        uart.flow_control == board::FlowControl::hardware ? base::flow_control::hardware : base::flow_control::none;
    const auto set = [&](const auto& option, const char* name) -> Result<void> {
        port->port_.set_option(option, ec);
        if (ec) return make_error(ErrorKind::io, what + ": cannot set " + name + ": " + ec.message());
        return {};
    };
    if (auto r = set(base::baud_rate(uart.baud), "baud rate"); !r) return r.error();
    if (auto r = set(base::character_size(8), "8 data bits"); !r) return r.error();
    if (auto r = set(base::stop_bits(base::stop_bits::one), "1 stop bit"); !r) return r.error();
    if (auto r = set(base::parity(parity), "parity"); !r) return r.error();
    if (auto r = set(base::flow_control(flow), "flow control"); !r) return r.error();
    if (uart.assert_dtr)
        if (auto r = assert_dtr(port->port_.native_handle(), uart.device); !r) return r.error();
    return port;
}

Result<void> SerialPort::write_all(std::span<const std::uint8_t> bytes, Timeout timeout) {
    if (!port_.is_open()) return Error{ErrorKind::closed, "write to " + describe() + ": closed"};
    const auto outcome = write_all_until(io_, port_, bytes, Clock::now() + timeout);
    if (outcome.error) return from_error_code(outcome.error, "write to " + describe());
    return {};
}

Result<std::size_t> SerialPort::read_some(std::span<std::uint8_t> buffer, Timeout timeout) {
    if (!port_.is_open()) return Error{ErrorKind::closed, "read from " + describe() + ": closed"};
    const auto outcome = read_some_until(io_, port_, buffer, Clock::now() + timeout);
    if (outcome.bytes > 0) return outcome.bytes;  // bytes that raced with a cancellation are kept
    if (outcome.error) return from_error_code(outcome.error, "read from " + describe());
    return outcome.bytes;
}

void SerialPort::close() {
    boost::system::error_code ignored;
    port_.close(ignored);
}

}  // namespace rig::transport
