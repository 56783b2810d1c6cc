// RspClient against a real QEMU 7.2 gdbstub (mps2-an386, halted, no image), cross-checked
// with gdb-multiarch. Fails, never skips, when QEMU or gdb is missing: the project installs them.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <regex>
#include <thread>

#include "host/probes/gdb_rsp/client.hpp"
#include "host/transport/tcp_stream.hpp"
#include "tests/integration/qemu_process.hpp"

namespace rig::probes::gdb_rsp {
namespace {

using namespace std::chrono_literals;
using test_support::QemuProcess;

constexpr std::uint32_t cpuid_address = 0xE000ED00;
constexpr std::uint32_t ram_address = 0x20000000;
constexpr std::uint32_t code_address = 0x00000000;

std::uint32_t le32(const Bytes& bytes, std::size_t offset = 0) {
    return bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16 |
           static_cast<std::uint32_t>(bytes[offset + 3]) << 24;
}

// Pseudo-random, fixed seed, and the four RSP special bytes guaranteed to appear.
Bytes test_pattern(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    Bytes data(size);
    for (auto& byte : data) byte = static_cast<std::uint8_t>(generator());
    const Bytes special = {'#', '$', '}', '*'};
    std::copy(special.begin(), special.end(), data.begin() + 10);
    return data;
}

class GdbRspQemu : public ::testing::Test {
protected:
    void SetUp() override {
        const auto qemu = test_support::find_program("qemu-system-arm");
        ASSERT_TRUE(qemu) << "qemu-system-arm not found on PATH: run scripts/bootstrap.sh --deps";
        qemu_.emplace(*qemu);
        auto stream = transport::TcpStream::connect("127.0.0.1", qemu_->gdb_port(), 10s);
        ASSERT_TRUE(stream) << stream.error().message;
        client_.emplace(std::move(*stream), RspOptions{.timeout = 5s});
        auto stop = client_->connect();
        ASSERT_TRUE(stop) << stop.error().message;
        stop_ = *stop;
    }

    void write_and_read_back(std::uint32_t address, const Bytes& data) {
        auto written = client_->write_memory(address, data);
        ASSERT_TRUE(written) << written.error().message;
        auto read = client_->read_memory(address, data.size());
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_EQ(*read, data);
    }

    std::optional<QemuProcess> qemu_;  // destroyed last: kills and reaps QEMU
    std::optional<RspClient> client_;
    StopReply stop_;
};

TEST_F(GdbRspQemu, ConnectFindsAHaltedTargetAndQemusPacketSize) {
    EXPECT_EQ(stop_.kind, 'T') << stop_.raw;
    EXPECT_EQ(client_->features().packet_size, 0x1000u);
    EXPECT_TRUE(client_->features().has("qXfer:features:read+"));
    EXPECT_NE(client_->register_layout().find("xpsr"), nullptr);
}

TEST_F(GdbRspQemu, CpuidReadsAsACortexM4) {
    auto cpuid = client_->read_memory(cpuid_address, 4);
    ASSERT_TRUE(cpuid) << cpuid.error().message;
    // Implementer ARM, part C24 (Cortex-M4); QEMU 7.2 reports revision r0p0, i.e. 0x410FC240.
    EXPECT_EQ(le32(*cpuid) & 0xFFFFFFF0u, 0x410FC240u) << std::hex << le32(*cpuid);
}

TEST_F(GdbRspQemu, KibibyteOfRandomBytesRoundTripsThroughRam) {
    write_and_read_back(ram_address, test_pattern(1024, 1));
    // QEMU 7.2 answers X with an empty packet, so the client must have fallen back to M.
    ASSERT_TRUE(client_->binary_write_supported().has_value());
}

TEST_F(GdbRspQemu, KibibyteOfRandomBytesRoundTripsThroughTheCodeRegion) {
    write_and_read_back(code_address, test_pattern(1024, 2));
}

TEST_F(GdbRspQemu, TransfersLargerThanOnePacketAreSplitAndReassembled) {
    write_and_read_back(ram_address + 0x1000, test_pattern(10'000, 3));
}

TEST_F(GdbRspQemu, RegisterReadGivesR0ToPcAndXpsr) {
    auto registers = client_->read_registers();
    ASSERT_TRUE(registers) << registers.error().message;
    EXPECT_GE(registers->available_count(), 17u);
    EXPECT_TRUE(registers->get("pc").has_value());
    EXPECT_TRUE(registers->get("xpsr").has_value());
}

TEST_F(GdbRspQemu, ErrorReplyNamesThePacketThatFailed) {
    auto read = client_->read_memory(0xFFFFFFFF, 4);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().kind, ErrorKind::remote);
    EXPECT_EQ(read.error().message, "GDB server answered E14 to mffffffff,4");
}

TEST_F(GdbRspQemu, MonitorCommandsReturnTheirOutput) {
    auto info = client_->monitor("info registers");
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_NE(info->find("R15="), std::string::npos) << *info;
    auto reset = client_->monitor("system_reset");
    ASSERT_TRUE(reset) << reset.error().message;
    auto unknown = client_->monitor("no_such_command");
    ASSERT_TRUE(unknown) << unknown.error().message;
    EXPECT_NE(unknown->find("unknown command"), std::string::npos) << *unknown;
}

TEST_F(GdbRspQemu, TinyThumbProgramRunsUntilInterrupted) {
    // movs r0, #42 ; b .   — then set PC to it, with the Thumb bit in xPSR.
    const Bytes program = {0x2A, 0x20, 0xFE, 0xE7};
    ASSERT_TRUE(client_->write_memory(0x100, program));
    auto registers = client_->read_registers();
    ASSERT_TRUE(registers) << registers.error().message;
    ASSERT_TRUE(registers->set("r0", 0));
    ASSERT_TRUE(registers->set("sp", 0x20001000));
    ASSERT_TRUE(registers->set("pc", 0x100));
    ASSERT_TRUE(registers->set("xpsr", 0x01000000));
    ASSERT_TRUE(client_->write_registers(*registers));

    // QEMU's CPU thread may not have run yet when the interrupt arrives (a loaded machine): until
    // it has, continue and interrupt again. Every stop must be a SIGINT stop.
    std::optional<RegisterFile> after;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    do {
        ASSERT_TRUE(client_->cont());
        std::this_thread::sleep_for(20ms);
        auto stop = client_->interrupt();
        ASSERT_TRUE(stop) << stop.error().message;
        EXPECT_EQ(stop->kind, 'T');
        EXPECT_EQ(stop->signal, 2) << stop->raw;  // SIGINT
        auto read = client_->read_registers();
        ASSERT_TRUE(read) << read.error().message;
        after = std::move(*read);
    } while (after->get("pc") == 0x100u && std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(after->get("r0"), 42u);
    EXPECT_EQ(after->get("pc"), 0x102u);
}

TEST_F(GdbRspQemu, WaitForStopTimesOutWhileTheTargetRuns) {
    const Bytes loop = {0xFE, 0xE7};  // b .
    ASSERT_TRUE(client_->write_memory(0x100, loop));
    auto registers = client_->read_registers();
    ASSERT_TRUE(registers);
    registers->set("pc", 0x100);
    registers->set("xpsr", 0x01000000);
    ASSERT_TRUE(client_->write_registers(*registers));
    ASSERT_TRUE(client_->cont());
    auto stop = client_->wait_for_stop(200ms);
    ASSERT_FALSE(stop);
    EXPECT_EQ(stop.error().kind, ErrorKind::timeout);
    EXPECT_TRUE(client_->interrupt());
}

TEST_F(GdbRspQemu, GdbMultiarchReadsWhatTheClientReadAndWrote) {
    const auto gdb = test_support::find_program("gdb-multiarch");
    ASSERT_TRUE(gdb) << "gdb-multiarch not found on PATH: run scripts/bootstrap.sh --deps";
    auto cpuid = client_->read_memory(cpuid_address, 4);
    ASSERT_TRUE(cpuid) << cpuid.error().message;
    const Bytes pattern = {0xDE, 0xC0, 0xAD, 0x0B};
    ASSERT_TRUE(client_->write_memory(ram_address, pattern));
    // QEMU serves one debugger at a time; closing without `D` leaves the target halted.
    client_->stream().close();

    const auto result =
        util::run_captured({*gdb, "-batch", "-nx", "-ex", "set remotetimeout 5", "-ex",
                            "target remote 127.0.0.1:" + std::to_string(qemu_->gdb_port()), "-ex", "x/1wx 0xE000ED00",
                            "-ex", "x/1wx 0x20000000", "-ex", "kill"},  // kill: a detach would run an empty machine
                           test_support::scratch_dir("rig_gdb_rsp_", "gdb") / "gdb.txt", 30s);
    ASSERT_TRUE(result.ok) << result.status << "\n" << result.output;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(result.output, match, std::regex("0xe000ed00:\\s+0x([0-9a-f]{8})"))) << result.output;
    EXPECT_EQ(std::stoul(match[1].str(), nullptr, 16), le32(*cpuid));
    ASSERT_TRUE(std::regex_search(result.output, match, std::regex("0x20000000:\\s+0x([0-9a-f]{8})"))) << result.output;
    EXPECT_EQ(std::stoul(match[1].str(), nullptr, 16), le32(pattern));
}

}  // namespace
}  // namespace rig::probes::gdb_rsp
