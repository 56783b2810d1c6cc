// Host-triggered interrupts, one interface for every board: on real boards the host sets the
// IRQ's pending bit in NVIC ISPR over SWD while the core runs; on QEMU, whose gdbstub drops MMIO
// writes, it sends one byte on the UART so the UART RX interrupt fires.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "host/transport/byte_stream.hpp"
#include "host/util/result.hpp"

namespace rig::probes {

class InterruptTrigger {
public:
    virtual ~InterruptTrigger() = default;
    // Makes interrupt `irq` (external IRQ number, 0 = the first after SysTick) pending now.
    virtual Result<void> raise(unsigned irq) = 0;
    virtual std::string describe() const = 0;
};

// NVIC Interrupt Set-Pending Register for `irq`: 0xE000E200 + 4 * (irq / 32), bit irq % 32.
struct IsprWrite {
    std::uint32_t address = 0;
    std::uint32_t value = 0;
};
inline constexpr std::uint32_t nvic_ispr_base = 0xE000'E200;
inline constexpr unsigned nvic_max_irq = 495;  // ARMv7-M: at most 496 external interrupts
Result<IsprWrite> ispr_write_for(unsigned irq);

// Writes one 32-bit word to target memory while the core runs (Probe::write_word_running).
using WriteWord = std::function<Result<void>(std::uint32_t address, std::uint32_t value)>;

class SwdInterruptTrigger final : public InterruptTrigger {
public:
    explicit SwdInterruptTrigger(WriteWord write_word) : write_word_(std::move(write_word)) {}
    Result<void> raise(unsigned irq) override;
    std::string describe() const override { return "SWD write to NVIC ISPR"; }

private:
    WriteWord write_word_;
};

// QEMU: any byte on the UART raises its RX interrupt, whichever line that is (the firmware
// names it in TRIGGER; mps2-an386's UART0 RX is IRQ 0). The firmware takes the byte as the
// trigger, not as a command.
class UartInterruptTrigger final : public InterruptTrigger {
public:
    explicit UartInterruptTrigger(transport::ByteStream& uart, std::uint8_t byte = 0x55) : uart_(uart), byte_(byte) {}
    Result<void> raise(unsigned irq) override;
    std::string describe() const override { return "UART RX byte on " + uart_.describe(); }

private:
    transport::ByteStream& uart_;
    std::uint8_t byte_;
};

}  // namespace rig::probes
