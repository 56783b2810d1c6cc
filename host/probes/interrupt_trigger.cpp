#include "host/probes/interrupt_trigger.hpp"

#include <chrono>
#include <span>

namespace rig::probes {

Result<IsprWrite> ispr_write_for(unsigned irq) {
    if (irq > nvic_max_irq)
        return make_error(ErrorKind::invalid_argument,
                          "IRQ " + std::to_string(irq) + " does not exist (the NVIC has at most 496 interrupts)");
    return IsprWrite{nvic_ispr_base + 4 * (irq / 32), std::uint32_t{1} << (irq % 32)};
}

Result<void> SwdInterruptTrigger::raise(unsigned irq) {
    auto write = ispr_write_for(irq);
    if (!write) return write.error();
    // ISPR is write-one-to-set: the other bits of the word are left as they are.
    if (auto done = write_word_(write->address, write->value); !done)
        return done.error().context("raise IRQ " + std::to_string(irq) + " over SWD");
    return {};
}

Result<void> UartInterruptTrigger::raise(unsigned irq) {
    if (auto done = uart_.write_all(std::span(&byte_, 1), std::chrono::seconds(1)); !done)
        return done.error().context("raise IRQ " + std::to_string(irq) + " with a UART byte");
    return {};
}

}  // namespace rig::probes
