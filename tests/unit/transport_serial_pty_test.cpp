// SerialPort on a pseudo-terminal pair: the test holds the master side (standing in for the
// board), the SerialPort opens the slave by its path exactly as it opens /dev/ttyACM0.
#include "host/protocol/frame.hpp"
#include "host/transport/serial_port.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>
#include <cstdlib>

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using rig::transport::SerialPort;

class Pty {
public:
    Pty() : master_(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) {
        if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
            throw std::runtime_error("cannot create a pseudo-terminal pair");
        slave_path_ = ::ptsname(master_);
    }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;
    ~Pty() { close_master(); }
    const std::string& slave_path() const { return slave_path_; }
    void write(const std::vector<std::uint8_t>& bytes) const {
        ASSERT_EQ(::write(master_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
    // Everything that arrives within `wait`, up to `want` bytes.
    std::string read(std::size_t want, std::chrono::milliseconds wait = 2000ms) {
        std::string got;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
            pollfd fd{master_, POLLIN, 0};
            if (::poll(&fd, 1, 20) <= 0) continue;
            char buffer[256];
            const ssize_t n = ::read(master_, buffer, sizeof buffer);
            if (n <= 0) break;
            got.append(buffer, static_cast<std::size_t>(n));
        }
        return got;
    }
    void close_master() {
        if (master_ >= 0) ::close(master_);
        master_ = -1;
    }

private:
    int master_ = -1;
    std::string slave_path_;
};

rig::board::Uart uart_on(const std::string& device) {
    rig::board::Uart uart;
    uart.kind = rig::board::UartKind::serial;
    uart.device = device;
    uart.baud = 115200;
    return uart;
}

std::span<const std::uint8_t> as_bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(SerialPortOnPty, BytesGoBothWaysUnchanged) {
    Pty pty;
    auto port = SerialPort::open(uart_on(pty.slave_path()));
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ((*port)->describe(), "serial " + pty.slave_path());

    // Raw mode: CR, LF, ^C and 0xFF pass untouched and nothing is echoed back.
    const std::string out = std::string("ping\r\n\x03\xff", 8);
    ASSERT_TRUE((*port)->write_all(as_bytes(out), 1s));
    EXPECT_EQ(pty.read(out.size()), out);

    pty.write({0xA5, '\n', '\r', 0x00, 0x7F});
    std::string in;
    std::array<std::uint8_t, 64> buffer{};
    while (in.size() < 5) {
        auto n = (*port)->read_some(buffer, 2s);
        ASSERT_TRUE(n) << n.error().message;
        in.append(reinterpret_cast<const char*>(buffer.data()), *n);
    }
    EXPECT_EQ(in, std::string("\xA5\n\r\x00\x7F", 5));
    EXPECT_EQ(pty.read(1, 100ms), "");  // no echo of what the board sent
}

TEST(SerialPortOnPty, ParityAndFlowControlSettingsAreAccepted) {
    Pty pty;
    auto uart = uart_on(pty.slave_path());
    uart.parity = rig::board::Parity::even;
    uart.flow_control = rig::board::FlowControl::hardware;
    uart.baud = 1'000'000;
    auto port = SerialPort::open(uart);
    ASSERT_TRUE(port) << port.error().message;
}

TEST(SerialPortOnPty, AReadWithNothingToReadTimesOut) {
    Pty pty;
    auto port = SerialPort::open(uart_on(pty.slave_path()));
    ASSERT_TRUE(port) << port.error().message;
    std::array<std::uint8_t, 16> buffer{};
    auto n = (*port)->read_some(buffer, 50ms);
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().kind, rig::ErrorKind::timeout);
    // The port is still usable after a timeout.
    pty.write({'x'});
    n = (*port)->read_some(buffer, 2s);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(buffer[0], 'x');
}

TEST(SerialPortOnPty, ThePeerClosingIsReportedAsClosed) {
    Pty pty;
    auto port = SerialPort::open(uart_on(pty.slave_path()));
    ASSERT_TRUE(port) << port.error().message;
    pty.close_master();
    std::array<std::uint8_t, 16> buffer{};
    auto n = (*port)->read_some(buffer, 2s);
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().kind, rig::ErrorKind::closed) << n.error().message;
    EXPECT_NE(n.error().message.find(pty.slave_path()), std::string::npos) << n.error().message;
}

TEST(SerialPortOnPty, GarbageThenAFrameDecodes) {
    Pty pty;
    auto port = SerialPort::open(uart_on(pty.slave_path()));
    ASSERT_TRUE(port) << port.error().message;
    std::vector<std::uint8_t> wire{0x00, 0xA5, 0x13, 0xA5, 0x5A, 0xFF, 0x42};  // boot noise, a false sync
    const std::vector<std::uint8_t> payload{'h', 'i'};
    const auto frame = rig::protocol::encode_frame(0x05, payload);
    wire.insert(wire.end(), frame.begin(), frame.end());
    pty.write(wire);

    rig::protocol::FrameDecoder decoder;
    std::optional<rig::protocol::Frame> got;
    std::array<std::uint8_t, 8> buffer{};  // small reads: the frame arrives in pieces
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!got && std::chrono::steady_clock::now() < deadline) {
        auto n = (*port)->read_some(buffer, 1s);
        ASSERT_TRUE(n) << n.error().message;
        decoder.feed(std::span(buffer.data(), *n));
        got = decoder.next();
    }
    ASSERT_TRUE(got);
    EXPECT_EQ(got->type, 0x05);
    EXPECT_EQ(got->payload, payload);
    EXPECT_GT(decoder.stats().dropped_bytes, 0u);
}

TEST(SerialPortOnPty, AMissingDeviceIsNotFound) {
    auto port = SerialPort::open(uart_on("/dev/serial/by-id/no-such-board"));
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().kind, rig::ErrorKind::not_found);
    EXPECT_NE(port.error().message.find("/dev/serial/by-id/no-such-board"), std::string::npos);
}

TEST(SerialPortOnPty, DtrOnADeviceWithoutModemLinesIsAClearError) {
    // A pty has no modem control lines; a real CDC ACM port does. The error must say what failed.
    Pty pty;
    auto uart = uart_on(pty.slave_path());
    uart.assert_dtr = true;
    auto port = SerialPort::open(uart);
    ASSERT_FALSE(port) << "Linux ptys answer TIOCMBIS with ENOTTY";
    EXPECT_EQ(port.error().kind, rig::ErrorKind::unsupported);
    EXPECT_NE(port.error().message.find("cannot assert DTR on " + pty.slave_path()), std::string::npos)
        << port.error().message;
}

}  // namespace
