// The host's end of the UART under garbage, over a real loopback TCP connection: a peer that
// sends noise, a torn frame, a frame with a bad CRC and a false header (sync bytes and a
// plausible length) right before the last frame. Every good frame arrives, in order, and every
// other byte is counted, not hidden.
#include "host/protocol/messages.hpp"
#include "host/session/target_link.hpp"
#include "host/transport/tcp_stream.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <future>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using rig::protocol::Bytes;

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The target's end of a UART on a loopback port: sends `bytes` in pieces of `piece` bytes, then
// hangs up at once, or stays connected and silent until finish() (never a fixed time: on a loaded
// machine the client's wait could outlast it and see a hang-up instead of a timeout). Joins on
// every path of a test.
enum class Hangup { after_sending, at_finish };

class UartPeer {
public:
    UartPeer(Bytes bytes, std::size_t piece, Hangup hangup)
        : acceptor_(io_, {asio::ip::address_v4::loopback(), 0}),
          port_(acceptor_.local_endpoint().port()),
          bytes_(std::move(bytes)) {
        thread_ = std::jthread([this, piece, hangup, finished = finish_.get_future()] {
            asio::ip::tcp::socket socket(io_);
            acceptor_.accept(socket);
            for (std::size_t at = 0; at < bytes_.size(); at += piece) {
                asio::write(socket, asio::buffer(bytes_.data() + at, std::min(piece, bytes_.size() - at)));
                std::this_thread::sleep_for(1ms);
            }
            if (hangup == Hangup::at_finish) finished.wait_for(60s);  // bounded: a failed test still ends
        });
    }
    UartPeer(const UartPeer&) = delete;
    UartPeer& operator=(const UartPeer&) = delete;
    ~UartPeer() { finish(); }

    std::uint16_t port() const { return port_; }  // read before the thread starts: no shared use
    void finish() {
        if (!thread_.joinable()) return;
        finish_.set_value();
        thread_.join();
    }

private:
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_;
    Bytes bytes_;
    std::promise<void> finish_;
    std::jthread thread_;
};

TEST(TargetLinkUnderGarbage, EveryGoodFrameArrivesAndTheNoiseIsCounted) {
    using namespace rig::protocol;
    const Bytes hello =
        encode_message(Hello{protocol_version, CounterUnit::instructions, 25'000'000, "0.1.0", "b", "c", "t"});
    const Bytes result = encode_message(BenchmarkResult{"cell/copy", 64, 1, {215, 215, 215}});
    const Bytes done = encode_message(Done{1, 0});
    Bytes bad_crc = result;
    bad_crc.back() ^= 0xFF;
    const Bytes torn(hello.begin(), hello.begin() + 9);  // a frame cut off by a reset
    const Bytes noise = {0x00, 0xFF, 0xA5, 0x13, 0x5A, 0xA5, 0xA5, 0x7E};
    const Bytes stream = noise + hello + torn + bad_crc + result + Bytes{0xA5, 0x5A, 0xFF, 0xFF} + noise + done;

    // Dribble it in small pieces, as a UART would.
    UartPeer peer(stream, 5, Hangup::after_sending);
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", peer.port(), 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    std::vector<Message> received;
    for (int i = 0; i < 3; ++i) {
        auto message = link.next_message(5s);
        ASSERT_TRUE(message) << message.error().message;
        received.push_back(*message);
    }
    peer.finish();
    ASSERT_EQ(received.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<Hello>(received[0]));
    EXPECT_EQ(std::get<BenchmarkResult>(received[1]).samples, (std::vector<std::uint32_t>{215, 215, 215}));
    EXPECT_TRUE(std::holds_alternative<Done>(received[2]));
    EXPECT_EQ(link.stats().frames, 3u);
    EXPECT_GE(link.stats().bad_crc, 1u);
    EXPECT_EQ(link.stats().false_header, 1u) << "the false header before DONE must not hide it";
    const std::size_t good = hello.size() + result.size() + done.size();
    EXPECT_EQ(link.stats().dropped_bytes, stream.size() - good) << describe(link.stats());
}

TEST(TargetLinkUnderGarbage, APeerThatSendsOnlyNoiseTimesOutWithoutAFalseFrame) {
    Bytes noise(4096);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 37 + 0xA5);
    UartPeer peer(noise, noise.size(), Hangup::at_finish);  // then stays connected, silent
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", peer.port(), 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    auto message = link.next_message(500ms);
    peer.finish();
    ASSERT_FALSE(message);
    EXPECT_EQ(message.error().kind, rig::ErrorKind::timeout);
    EXPECT_EQ(link.stats().frames, 0u);
    EXPECT_GT(link.stats().dropped_bytes, 4000u);
}

// A firmware that prints text but does not speak the protocol (another image, a wrong baud rate):
// the link says how many bytes came and shows the first ones, escaped, so the error is not
// "the firmware sent nothing".
TEST(TargetLinkUnderGarbage, PlainTextInsteadOfFramesIsShownNotCalledSilence) {
    const std::string text = "Hello from Zephyr\r\n\x01 booting \"main\"\r\n";
    UartPeer peer(Bytes(text.begin(), text.end()), 7, Hangup::at_finish);
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", peer.port(), 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    EXPECT_EQ(link.describe_unframed(), "") << "nothing has arrived yet";
    auto message = link.next_message(400ms);
    peer.finish();
    ASSERT_FALSE(message);
    EXPECT_EQ(message.error().kind, rig::ErrorKind::timeout);
    EXPECT_EQ(
        link.describe_unframed(),
        std::to_string(text.size()) +
            R"( bytes arrived that are not rig frames, starting "Hello from Zephyr\r\n\x01 booting \"main\"\r\n")");
}

// Only the first 64 bytes are kept and shown; after a good frame the count starts again.
TEST(TargetLinkUnderGarbage, TheUnframedBytesAreCountedSinceTheLastFrameAndShownInPart) {
    using namespace rig::protocol;
    const std::string banner(100, 'x');
    const Bytes hello =
        encode_message(Hello{protocol_version, CounterUnit::instructions, 25'000'000, "0.1.0", "b", "c", "t"});
    UartPeer peer(Bytes(banner.begin(), banner.end()) + hello + Bytes{'o', 'k', 0xA5}, 16, Hangup::at_finish);
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", peer.port(), 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    auto first = link.next_message(2s);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(std::holds_alternative<Hello>(*first));
    auto second = link.next_message(300ms);
    peer.finish();
    ASSERT_FALSE(second);
    EXPECT_EQ(link.describe_unframed(), R"(3 bytes arrived that are not rig frames, starting "ok\xa5")");

    FrameDecoder decoder;
    decoder.feed(Bytes(banner.begin(), banner.end()));
    EXPECT_EQ(decoder.unframed_count(), 100u);
    EXPECT_EQ(decoder.unframed_start(), Bytes(64, 'x'));
}

TEST(TargetLinkUnderGarbage, ALongBannerIsCutAfter64Bytes) {
    const std::string banner(100, 'x');
    UartPeer peer(Bytes(banner.begin(), banner.end()), 100, Hangup::at_finish);
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", peer.port(), 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    EXPECT_FALSE(link.next_message(250ms));
    peer.finish();
    EXPECT_EQ(link.describe_unframed(),
              "100 bytes arrived that are not rig frames, starting \"" + std::string(64, 'x') + "…\"");
}

}  // namespace
