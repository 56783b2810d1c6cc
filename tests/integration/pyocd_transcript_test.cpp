// The pyOCD probe against recorded RSP transcripts (fixtures/transcripts/*.rsp), replayed by a
// small GDB server on a loopback socket: every packet the client sends must match the
// transcript in order, and the server answers from it. pyOCD itself is not needed.
#include "host/probes/gdb_rsp/memory_map.hpp"
#include "host/probes/gdb_rsp/packet.hpp"
#include "host/probes/interrupt_trigger.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/transport/tcp_stream.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace rsp = rig::probes::gdb_rsp;

struct Step {
    int line = 0;
    bool is_regex = false;
    std::string expected;              // the client's packet (exact or a regex)
    std::vector<std::string> replies;  // what the server answers, in order
};

// "\x0a" → byte 0x0a; everything else as is.
std::string unescape_line(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
            out += static_cast<char>(std::stoi(text.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<Step> load_transcript(const std::string& name) {
    std::ifstream in(std::string(RIG_FIXTURES_DIR) + "/transcripts/" + name);
    if (!in) throw std::runtime_error("missing transcript " + name);
    std::vector<Step> steps;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        if (line.starts_with(">~ "))
            steps.push_back({number, true, line.substr(3), {}});
        else if (line.starts_with("> "))
            steps.push_back({number, false, unescape_line(line.substr(2)), {}});
        else if (line.starts_with("< ") && !steps.empty())
            steps.back().replies.push_back(unescape_line(line.substr(2)));
        else
            throw std::runtime_error(name + ":" + std::to_string(number) + ": cannot read this line");
    }
    return steps;
}

// One connection, served from the transcript on its own thread.
class ReplayServer {
public:
    explicit ReplayServer(std::vector<Step> steps)
        : steps_(std::move(steps)), listener_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 1) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot listen on loopback");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ReplayServer(const ReplayServer&) = delete;
    ReplayServer& operator=(const ReplayServer&) = delete;
    ~ReplayServer() {
        ::shutdown(listener_, SHUT_RDWR);
        if (thread_.joinable()) thread_.join();
        ::close(listener_);
    }
    std::uint16_t port() const { return port_; }
    // Waits for the client to hang up, then reports mismatches and unused steps.
    std::vector<std::string> finish() {
        if (thread_.joinable()) thread_.join();
        std::vector<std::string> problems = problems_;
        if (next_ < steps_.size())
            problems.push_back("transcript line " + std::to_string(steps_[next_].line) + " was never reached");
        return problems;
    }
    const std::string& flash_written() const { return flash_written_; }

private:
    void serve() {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        rsp::PacketReader reader;
        bool ack_mode = true;
        char buffer[4096];
        while (true) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) break;
            reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
            bool stop = false;
            while (auto event = reader.next()) {
                // The interrupt byte is a step of its own ("> \x03"); acks from the client are not.
                if (event->kind == rsp::Event::Kind::interrupt) {
                    event->payload = "\x03";
                } else if (event->kind != rsp::Event::Kind::packet) {
                    continue;
                } else if (ack_mode) {
                    send(fd, "+");
                }
                if (!answer(fd, event->payload)) {
                    stop = true;
                    break;
                }
                if (event->payload == "QStartNoAckMode") ack_mode = false;
            }
            if (stop) break;
        }
        ::close(fd);
    }

    bool answer(int fd, const std::string& payload) {
        if (next_ >= steps_.size()) {
            problems_.push_back("client sent '" + printable(payload) + "' after the transcript ended");
            return false;
        }
        const Step& step = steps_[next_++];
        const bool match =
            step.is_regex ? std::regex_match(payload, std::regex(step.expected)) : payload == step.expected;
        if (!match) {
            problems_.push_back("transcript line " + std::to_string(step.line) + ": expected '" +
                                printable(step.expected) + "', client sent '" + printable(payload) + "'");
            send(fd, rsp::frame_packet("E99"));
            return false;
        }
        if (payload.starts_with("vFlashWrite:")) {
            const auto colon = payload.find(':', 12);
            auto bytes = rsp::unescape_binary(std::string_view(payload).substr(colon + 1));
            if (bytes) flash_written_.append(bytes->begin(), bytes->end());
        }
        for (const auto& reply : step.replies) send(fd, rsp::frame_packet(reply));
        return true;
    }

    static void send(int fd, const std::string& bytes) { (void)!::write(fd, bytes.data(), bytes.size()); }
    static std::string printable(std::string_view text) {
        std::string out;
        for (char c : text.substr(0, 120)) out += (c >= 0x20 && c < 0x7F) ? c : '.';
        return out;
    }

    std::vector<Step> steps_;
    std::size_t next_ = 0;
    std::vector<std::string> problems_;
    std::string flash_written_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

// The image the transcripts carry: a vector-table-sized segment with bytes that need RSP
// escaping ('}' and '#'), and a second one further up in another flash block.
rig::elf::Image test_image() {
    rig::elf::Image image;
    rig::elf::Segment first{0x0, {}};
    for (int i = 0; i < 100; ++i) first.data.push_back(static_cast<std::uint8_t>(i * 37 + 11));
    rig::elf::Segment second{0x1800, {}};
    for (int i = 0; i < 24; ++i) second.data.push_back(static_cast<std::uint8_t>(i ^ 0x5a));
    image.segments = {first, second};
    return image;
}

std::unique_ptr<rig::probes::pyocd::PyOcdProbe> attach(const ReplayServer& server, bool nrf52 = false) {
    auto stream = rig::transport::TcpStream::connect("127.0.0.1", server.port(), 5s);
    if (!stream) throw std::runtime_error(stream.error().message);
    auto gdb = std::make_unique<rsp::RspClient>(std::move(*stream));
    auto stop = gdb->connect();
    if (!stop) throw std::runtime_error(stop.error().message);
    return rig::probes::pyocd::PyOcdProbe::attach(std::move(gdb), "pyocd transcript", nrf52);
}

TEST(PyOcdTranscript, FlashesWithTheGdbFlashPacketsResetsAndRuns) {
    ReplayServer server(load_transcript("pyocd_flash_nrf52840.rsp"));
    {
        auto probe = attach(server);
        std::vector<std::pair<std::size_t, std::size_t>> progress;
        auto flashed = probe->flash(test_image(),
                                    [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });
        ASSERT_TRUE(flashed) << flashed.error().message;
        auto ran = probe->reset_and_run();
        ASSERT_TRUE(ran) << ran.error().message;
        ASSERT_FALSE(progress.empty());
        EXPECT_EQ(progress.back(), std::make_pair(std::size_t{124}, std::size_t{124}));
    }  // the client disconnects here
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
    std::string expected;
    for (const auto& segment : test_image().segments) expected.append(segment.data.begin(), segment.data.end());
    EXPECT_EQ(server.flash_written(), expected);
}

// nRF52 rev 3 re-locks APPROTECT at every reset unless UICR.APPROTECT reads HwDisabled: after
// flashing, the probe programs it through the NVMC (and reads it back) before the reset.
TEST(PyOcdTranscript, AnNrf52WithErasedUicrGetsApprotectHwDisabledAfterFlashing) {
    ReplayServer server(load_transcript("pyocd_flash_nrf52840_approtect.rsp"));
    {
        auto probe = attach(server, true);
        auto flashed = probe->flash(test_image(), {});
        ASSERT_TRUE(flashed) << flashed.error().message;
        EXPECT_NE(probe->approtect_note().find("programmed 0xffffffff -> HwDisabled 0x5A"), std::string::npos)
            << probe->approtect_note();
        auto ran = probe->reset_and_run();
        ASSERT_TRUE(ran) << ran.error().message;
    }
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
}

TEST(PyOcdTranscript, AnNrf52AlreadyHwDisabledIsOnlyRead) {
    ReplayServer server(load_transcript("pyocd_flash_nrf52840_approtect_open.rsp"));
    {
        auto probe = attach(server, true);
        auto flashed = probe->flash(test_image(), {});
        ASSERT_TRUE(flashed) << flashed.error().message;
        EXPECT_NE(probe->approtect_note().find("already HwDisabled"), std::string::npos) << probe->approtect_note();
        ASSERT_TRUE(probe->reset_and_run());
    }
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
}

// A host-triggered interrupt and two DWT CYCCNT reads on a running nRF52: pyOCD's server is
// all-stop, so each is interrupt, access, continue.
TEST(PyOcdTranscript, RaisesAnNvicInterruptAndReadsTheCycleCounterWhileRunning) {
    ReplayServer server(load_transcript("pyocd_running_access.rsp"));
    {
        auto probe = attach(server);
        ASSERT_TRUE(probe->reset_and_run());
        rig::probes::SwdInterruptTrigger trigger(
            [&](std::uint32_t address, std::uint32_t value) { return probe->write_word_running(address, value); });
        auto raised = trigger.raise(22);  // SWI2/EGU2: ISPR0 bit 22
        ASSERT_TRUE(raised) << raised.error().message;
        auto first = probe->read_word_running(0xE000'1004);
        ASSERT_TRUE(first) << first.error().message;
        EXPECT_EQ(*first, 0x0012'3456u);
        auto second = probe->read_word_running(0xE000'1004);
        ASSERT_TRUE(second) << second.error().message;
        EXPECT_EQ(*second, 0x01F5'5A56u);
    }
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
}

TEST(PyOcdTranscript, AFlashWriteErrorIsAClearFlashError) {
    ReplayServer server(load_transcript("pyocd_flash_write_error.rsp"));
    {
        auto probe = attach(server);
        auto flashed = probe->flash(test_image(), {});
        ASSERT_FALSE(flashed);
        EXPECT_EQ(flashed.error().kind, rig::ErrorKind::remote);
        EXPECT_NE(flashed.error().message.find("flash error"), std::string::npos) << flashed.error().message;
        EXPECT_NE(flashed.error().message.find("E01"), std::string::npos) << flashed.error().message;
    }
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
}

TEST(PyOcdTranscript, ASegmentOutsideFlashIsRefusedBeforeAnythingIsErased) {
    // Only the handshake and the memory map are replayed: no erase may follow.
    auto steps = load_transcript("pyocd_flash_nrf52840.rsp");
    const auto erase =
        std::find_if(steps.begin(), steps.end(), [](const Step& s) { return s.expected.starts_with("vFlashErase"); });
    steps.erase(erase, steps.end());
    ReplayServer server(steps);
    {
        auto probe = attach(server);
        auto image = test_image();
        image.segments.push_back({0x2000'0000, {1, 2, 3, 4}});  // RAM
        auto flashed = probe->flash(image, {});
        ASSERT_FALSE(flashed);
        EXPECT_EQ(flashed.error().kind, rig::ErrorKind::invalid_argument);
        EXPECT_NE(flashed.error().message.find("0x20000000"), std::string::npos) << flashed.error().message;
    }
    for (const auto& problem : server.finish()) ADD_FAILURE() << problem;
}

TEST(PyOcdTranscript, TheTranscriptsMemoryMapParses) {
    const auto steps = load_transcript("pyocd_flash_nrf52840.rsp");
    std::string xml;
    for (const auto& step : steps)
        if (step.expected.starts_with("qXfer:memory-map:read"))
            for (const auto& reply : step.replies) xml += reply.substr(1);
    auto map = rsp::parse_memory_map(xml);
    ASSERT_TRUE(map) << map.error().message;
    ASSERT_EQ(map->size(), 2u);
    EXPECT_EQ((*map)[0].type, rsp::MemoryMapRegion::Type::flash);
    EXPECT_EQ((*map)[0].length, 0x10'0000u);
    EXPECT_EQ((*map)[0].block_size, 0x1000u);
    EXPECT_EQ((*map)[1].start, 0x2000'0000u);
    EXPECT_EQ((*map)[1].length, 0x4'0000u);
}

}  // namespace
