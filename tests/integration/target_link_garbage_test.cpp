// The host's end of the UART under garbage, over a real loopback TCP connection: a peer that
// sends noise, a torn frame, a frame with a bad CRC and a false header (sync bytes and a
// plausible length) right before the last frame. Every good frame arrives, in order, and every
// other byte is counted, not hidden.
#include "host/protocol/messages.hpp"
#include "host/session/target_link.hpp"
#include "host/transport/tcp_stream.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using rig::protocol::Bytes;

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST(TargetLinkUnderGarbage, EveryGoodFrameArrivesAndTheNoiseIsCounted) {
    using namespace rig::protocol;
    const Bytes hello = encode_message(Hello{1, CounterUnit::instructions, 25'000'000, "0.1.0", "b", "c", "t"});
    const Bytes result = encode_message(BenchmarkResult{"cell/copy", 64, 1, {215, 215, 215}});
    const Bytes done = encode_message(Done{1, 0});
    Bytes bad_crc = result;
    bad_crc.back() ^= 0xFF;
    const Bytes torn(hello.begin(), hello.begin() + 9);  // a frame cut off by a reset
    const Bytes noise = {0x00, 0xFF, 0xA5, 0x13, 0x5A, 0xA5, 0xA5, 0x7E};
    const Bytes stream = noise + hello + torn + bad_crc + result + Bytes{0xA5, 0x5A, 0xFF, 0xFF} + noise + done;

    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    const auto port = acceptor.local_endpoint().port();
    std::jthread peer([&] {  // joins on every path, also when an ASSERT returns early
        asio::ip::tcp::socket socket(io);
        acceptor.accept(socket);
        // Dribble it in small pieces, as a UART would.
        for (std::size_t at = 0; at < stream.size(); at += 5) {
            asio::write(socket, asio::buffer(stream.data() + at, std::min<std::size_t>(5, stream.size() - at)));
            std::this_thread::sleep_for(1ms);
        }
    });

    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", port, 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    std::vector<Message> received;
    for (int i = 0; i < 3; ++i) {
        auto message = link.next_message(5s);
        ASSERT_TRUE(message) << message.error().message;
        received.push_back(*message);
    }
    peer.join();
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
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    const auto port = acceptor.local_endpoint().port();
    std::jthread peer([&] {  // joins on every path, also when an ASSERT returns early
        asio::ip::tcp::socket socket(io);
        acceptor.accept(socket);
        Bytes noise(4096);
        for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 37 + 0xA5);
        asio::write(socket, asio::buffer(noise));
        std::this_thread::sleep_for(700ms);
    });
    auto tcp = rig::transport::TcpStream::connect("127.0.0.1", port, 5s);
    ASSERT_TRUE(tcp) << tcp.error().message;
    rig::session::TargetLink link(std::move(*tcp));
    auto message = link.next_message(500ms);
    peer.join();
    ASSERT_FALSE(message);
    EXPECT_EQ(message.error().kind, rig::ErrorKind::timeout);
    EXPECT_EQ(link.stats().frames, 0u);
    EXPECT_GT(link.stats().dropped_bytes, 4000u);
}

}  // namespace
