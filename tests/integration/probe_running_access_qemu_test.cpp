// Probe::write_word_running / read_word_running against a real QEMU running the real firmware:
// the all-stop GDB path (stop, access, continue) that pyOCD boards use too, shown to leave the
// firmware running (it still answers PING on its UART), and QEMU refusing the device-register
// writes its gdbstub would drop.
#include "host/board/board.hpp"
#include "host/elf/elf_image.hpp"
#include "host/probes/interrupt_trigger.hpp"
#include "host/probes/qemu/qemu_probe.hpp"
#include "host/session/target_link.hpp"
#include "host/transport/tcp_stream.hpp"
#include "host/util/little_endian.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace rig;

const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

class RunningAccessOnQemu : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(util::program_available("qemu-system-arm"))
            << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
        ASSERT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built (cmake --build build)";
        auto board = board::find_board("qemu_mps2_an386", fs::path(RIG_SOURCE_DIR) / "boards");
        ASSERT_TRUE(board) << board.error().message;
        auto image = elf::load_image(firmware_image);
        ASSERT_TRUE(image) << image.error().message;
        image_ = std::move(*image);
        for (const auto& symbol : image_.symbols)
            if (symbol.name.find("12command_loop7SAMPLES") != std::string::npos) samples_ = symbol.address;
        ASSERT_NE(samples_, 0u) << "no SAMPLES buffer symbol in " << firmware_image;

        const auto dir = test_support::scratch_dir("rig_running_access_", "qemu");
        auto probe = probes::QemuProbe::start(*board, dir / "qemu.log");
        ASSERT_TRUE(probe) << probe.error().message;
        probe_ = std::move(*probe);
        ASSERT_TRUE(probe_->flash(image_, {}));
        auto uart = transport::TcpStream::connect("127.0.0.1", probe_->uart_port(), 5s);
        ASSERT_TRUE(uart) << uart.error().message;
        link_ = std::make_unique<session::TargetLink>(std::move(*uart));
        ASSERT_TRUE(probe_->reset_and_run());
        expect_message<protocol::Hello>();
    }

    // The next message that is not a LOG must be a T (within ten seconds).
    template <typename T>
    void expect_message() {
        while (true) {
            auto message = link_->next_message(10s);
            ASSERT_TRUE(message) << message.error().message;
            if (std::holds_alternative<protocol::Log>(*message)) continue;
            ASSERT_TRUE(std::holds_alternative<T>(*message)) << "message index " << message->index();
            return;
        }
    }

    void expect_still_running() {
        ASSERT_TRUE(link_->send(protocol::Ping{}));
        expect_message<protocol::Pong>();
    }

    elf::Image image_;
    std::uint32_t samples_ = 0;
    std::unique_ptr<probes::QemuProbe> probe_;
    std::unique_ptr<session::TargetLink> link_;
};

TEST_F(RunningAccessOnQemu, AWordWrittenWhileRunningReadsBackAndTheFirmwareGoesOn) {
    const std::uint32_t last_sample = samples_ + 4 * 999;  // the end of the buffer: no RUN has used it
    ASSERT_TRUE(probe_->write_word_running(last_sample, 0xC0FF'EE01));
    expect_still_running();
    auto back = probe_->read_word_running(last_sample);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, 0xC0FF'EE01u);
    expect_still_running();
    // Flash (code SSRAM on QEMU) reads back as the image: the vector table's first word, the
    // initial stack pointer.
    const auto& vectors = image_.segments.front();
    ASSERT_EQ(vectors.load_address, 0u);
    const std::uint32_t initial_sp = util::load_le32(vectors.data.data());
    auto sp = probe_->read_word_running(0);
    ASSERT_TRUE(sp) << sp.error().message;
    EXPECT_EQ(*sp, initial_sp);
    expect_still_running();
}

TEST_F(RunningAccessOnQemu, AnSwdInterruptTriggerIsRefusedOnQemuNotSilentlyDropped) {
    probes::SwdInterruptTrigger trigger(
        [this](std::uint32_t address, std::uint32_t value) { return probe_->write_word_running(address, value); });
    auto raised = trigger.raise(0);
    ASSERT_FALSE(raised);
    EXPECT_EQ(raised.error().kind, ErrorKind::unsupported);
    EXPECT_NE(raised.error().message.find("drops writes to device registers (0xe000e200)"), std::string::npos)
        << raised.error().message;
    expect_still_running();  // refused before the core was stopped
}

}  // namespace
