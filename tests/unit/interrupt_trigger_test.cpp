// Host-triggered interrupts: the NVIC ISPR word and bit for an IRQ, the SWD variant's write,
// and the QEMU variant's UART byte (on a byte stream that records what it was given).
#include "host/probes/interrupt_trigger.hpp"

#include <gtest/gtest.h>

namespace {

using rig::probes::ispr_write_for;

TEST(InterruptTrigger, IsprAddressAndBitFollowTheIrqNumber) {
    struct Case {
        unsigned irq;
        std::uint32_t address, value;
    };
    for (const auto& c :
         {Case{0, 0xE000E200, 1u << 0}, Case{2, 0xE000E200, 1u << 2}, Case{31, 0xE000E200, 1u << 31},
          Case{32, 0xE000E204, 1u << 0}, Case{47, 0xE000E204, 1u << 15}, Case{495, 0xE000E23C, 1u << 15}}) {
        auto w = ispr_write_for(c.irq);
        ASSERT_TRUE(w) << c.irq;
        EXPECT_EQ(w->address, c.address) << c.irq;
        EXPECT_EQ(w->value, c.value) << c.irq;
    }
    auto bad = ispr_write_for(496);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, rig::ErrorKind::invalid_argument);
}

TEST(InterruptTrigger, SwdWritesTheIsprWord) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> writes;
    rig::probes::SwdInterruptTrigger trigger([&](std::uint32_t a, std::uint32_t v) -> rig::Result<void> {
        writes.emplace_back(a, v);
        return {};
    });
    ASSERT_TRUE(trigger.raise(40));
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes[0], std::make_pair(0xE000E204u, 1u << 8));
}

TEST(InterruptTrigger, SwdWriteFailuresNameTheIrq) {
    rig::probes::SwdInterruptTrigger trigger([](std::uint32_t, std::uint32_t) -> rig::Result<void> {
        return rig::make_error(rig::ErrorKind::remote, "target not halted");
    });
    auto r = trigger.raise(6);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("raise IRQ 6 over SWD"), std::string::npos) << r.error().message;
}

class RecordingStream final : public rig::transport::ByteStream {
public:
    rig::Result<void> write_all(std::span<const std::uint8_t> bytes, rig::transport::Timeout) override {
        written.insert(written.end(), bytes.begin(), bytes.end());
        return {};
    }
    rig::Result<std::size_t> read_some(std::span<std::uint8_t>, rig::transport::Timeout) override {
        return rig::make_error(rig::ErrorKind::timeout, "nothing");
    }
    void close() override {}
    std::string describe() const override { return "recording"; }
    std::vector<std::uint8_t> written;
};

TEST(InterruptTrigger, QemuSendsOneUartBytePerRaise) {
    RecordingStream uart;
    rig::probes::UartInterruptTrigger trigger(uart, 0x55);
    ASSERT_TRUE(trigger.raise(0));
    ASSERT_TRUE(trigger.raise(0));
    EXPECT_EQ(uart.written, (std::vector<std::uint8_t>{0x55, 0x55}));
}

}  // namespace
