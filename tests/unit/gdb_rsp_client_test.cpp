// RspClient against a scripted GDB server: the paths QEMU 7.2 never takes (NAKs, no-ack mode,
// a stop reply before the first answer, binary X writes, a closed connection).
#include <gtest/gtest.h>

#include <functional>

#include "host/probes/gdb_rsp/client.hpp"

namespace rig::probes::gdb_rsp {
namespace {

using namespace std::chrono_literals;

// Answers each packet it receives with `respond(payload)`, acknowledging it first in ack mode.
class ScriptedServer final : public transport::ByteStream {
public:
    struct State {
        std::function<std::string(const std::string&)> respond;
        std::string to_client;
        std::vector<std::string> received;
        bool ack_mode = true;
        int naks_left = 0;
        bool closed = false;
    };
    explicit ScriptedServer(State& state) : state_(state) {}

    Result<void> write_all(std::span<const std::uint8_t> bytes, transport::Timeout) override {
        reader_.feed(bytes);
        while (auto event = reader_.next()) {
            if (event->kind != Event::Kind::packet) continue;
            state_.received.push_back(event->payload);
            if (state_.naks_left > 0) {
                --state_.naks_left;
                state_.to_client += '-';
                continue;
            }
            if (state_.ack_mode) state_.to_client += '+';
            state_.to_client += state_.respond(event->payload);
            if (event->payload == "QStartNoAckMode") state_.ack_mode = false;
        }
        return {};
    }
    Result<std::size_t> read_some(std::span<std::uint8_t> buffer, transport::Timeout) override {
        if (state_.to_client.empty()) {
            if (state_.closed) return Error{ErrorKind::closed, "closed"};
            return Error{ErrorKind::timeout, "timeout"};
        }
        const std::size_t count = std::min(buffer.size(), state_.to_client.size());
        std::copy_n(state_.to_client.begin(), count, buffer.begin());
        state_.to_client.erase(0, count);
        return count;
    }
    void close() override { state_.closed = true; }
    std::string describe() const override { return "scripted"; }

private:
    State& state_;
    PacketReader reader_;
};

class GdbRspClient : public ::testing::Test {
protected:
    RspClient make_client() {
        return RspClient(std::make_unique<ScriptedServer>(server_), RspOptions{.timeout = 100ms});
    }
    void SetUp() override {
        server_.respond = [](const std::string&) { return frame_packet("OK"); };
    }
    ScriptedServer::State server_;
};

TEST_F(GdbRspClient, ConnectSkipsAnEarlyStopReplyAndEntersNoAckModeWhenOffered) {
    server_.to_client = frame_packet("T02thread:01;");
    server_.respond = [](const std::string& packet) {
        if (packet.starts_with("qSupported")) return frame_packet("PacketSize=100;QStartNoAckMode+");
        if (packet == "?") return frame_packet("S05");
        return frame_packet("OK");
    };
    RspClient client = make_client();
    auto stop = client.connect();
    ASSERT_TRUE(stop) << stop.error().message;
    EXPECT_EQ(stop->signal, 5);
    EXPECT_FALSE(client.ack_mode());
    EXPECT_EQ(client.features().packet_size, 0x100u);
}

TEST_F(GdbRspClient, APacketSizeTooSmallForAMemoryRequestIsRefusedAtConnect) {
    // Found by fuzzing: PacketSize=1f made every chunk budget underflow into huge packets.
    server_.respond = [](const std::string& packet) {
        if (packet.starts_with("qSupported")) return frame_packet("PacketSize=1f");
        return frame_packet("OK");
    };
    RspClient client = make_client();
    auto stop = client.connect();
    ASSERT_FALSE(stop);
    EXPECT_EQ(stop.error().kind, ErrorKind::malformed);
    EXPECT_NE(stop.error().message.find("PacketSize=1f"), std::string::npos) << stop.error().message;
}

TEST_F(GdbRspClient, PacketAnsweredWithANakIsSentAgain) {
    server_.naks_left = 2;
    RspClient client = make_client();
    auto reply = client.request("vMustReplyEmpty");
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(server_.received.size(), 3u);
}

TEST_F(GdbRspClient, PersistentNaksBecomeAnErrorNamingThePacket) {
    server_.naks_left = 100;
    RspClient client = make_client();
    auto reply = client.request("g");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().message, "GDB server rejected g 3 times (NAK)");
}

TEST_F(GdbRspClient, BinaryWriteEscapesTheFourSpecialBytes) {
    RspClient client = make_client();
    const Bytes data = {'#', '$', '}', '*', 'a'};
    ASSERT_TRUE(client.write_memory(0x20000000, data));
    ASSERT_EQ(server_.received.size(), 1u);
    EXPECT_EQ(server_.received[0],
              "X20000000,5:}\x03}\x04}]}\x0a"
              "a");
    EXPECT_EQ(client.binary_write_supported(), true);
}

TEST_F(GdbRspClient, EmptyReplyToXFallsBackToHexWrites) {
    server_.respond = [](const std::string& packet) { return frame_packet(packet[0] == 'X' ? "" : "OK"); };
    RspClient client = make_client();
    ASSERT_TRUE(client.write_memory(0x10, Bytes{0xAB, 0xCD}));
    ASSERT_TRUE(client.write_memory(0x20, Bytes{0x01}));
    EXPECT_EQ(server_.received.back(), "M20,1:01");
    EXPECT_EQ(server_.received.size(), 3u);  // X probed once only
}

TEST_F(GdbRspClient, MonitorCollectsConsoleOutputUntilOk) {
    server_.respond = [](const std::string&) {
        return frame_packet("O" + to_hex(std::string_view("hello "))) +
               frame_packet("O" + to_hex(std::string_view("world"))) + frame_packet("OK");
    };
    RspClient client = make_client();
    auto output = client.monitor("greet");
    ASSERT_TRUE(output) << output.error().message;
    EXPECT_EQ(*output, "hello world");
    EXPECT_EQ(server_.received[0], "qRcmd," + to_hex(std::string_view("greet")));
}

TEST_F(GdbRspClient, ClosedConnectionIsReportedWithThePacket) {
    server_.respond = [this](const std::string&) {
        server_.closed = true;
        return std::string();
    };
    RspClient client = make_client();
    auto reply = client.request("mE000ED00,4");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, ErrorKind::closed);
    EXPECT_NE(reply.error().message.find("mE000ED00,4"), std::string::npos) << reply.error().message;
}

TEST_F(GdbRspClient, SilentServerTimesOut) {
    server_.respond = [](const std::string&) { return std::string(); };
    RspClient client = make_client();
    auto reply = client.request("g");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, ErrorKind::timeout);
}

}  // namespace
}  // namespace rig::probes::gdb_rsp
